//! Phenotype grids.

use casebook_plot::{PhenotypeGridFigure, render_phenotype_grid};

use crate::support::{PSEUDONYMS, assert_sound_figure, parse_xml, twelve_by_seven};

fn expected_texts(figure: &PhenotypeGridFigure) -> Vec<&str> {
    let mut texts = vec![figure.title.as_str(), "Present", "Assessed, absent", "Not assessed", "k/N"];
    texts.extend(figure.columns.iter().map(String::as_str));
    texts.extend(figure.row_groups.iter().map(|group| group.name.as_str()));
    texts.extend(figure.row_groups.iter().flat_map(|group| &group.rows).map(|row| row.label.as_str()));
    texts
}

#[test]
fn phenotype_grids_are_sound_with_long_and_short_column_labels() {
    let cases = [
        ("12 rows x 7 pseudonyms", twelve_by_seven(&PSEUDONYMS)),
        ("12 rows x 7 short labels", twelve_by_seven(&["P1", "P2", "P3", "P4", "P5", "P6", "P7"])),
    ];
    for (case, figure) in cases {
        let rendered = render_phenotype_grid(&figure);
        let elements = assert_sound_figure(case, &rendered, &figure.title, &expected_texts(&figure));
        assert_eq!(render_phenotype_grid(&figure).svg, rendered.svg, "case {case}: output differs between runs");
        let n_cells =
            elements.iter().filter(|element| element.attribute("class").is_some_and(|class| class.starts_with("cbp-cell-"))).count();
        assert_eq!(n_cells, 12 * 7, "case {case}: one cell per feature and patient");
    }
}

#[test]
fn long_pseudonyms_are_set_vertically_and_short_ones_horizontally() {
    let cases = [
        ("pseudonyms", twelve_by_seven(&PSEUDONYMS), true),
        ("short labels", twelve_by_seven(&["P1", "P2", "P3", "P4", "P5", "P6", "P7"]), false),
    ];
    for (case, figure, vertical) in cases {
        let rendered = render_phenotype_grid(&figure);
        let column_box = rendered.text_boxes.iter().find(|text_box| text_box.text == figure.columns[0]).expect("column label");
        assert_eq!(column_box.height > column_box.width, vertical, "case {case}: {column_box:?}");
    }
}

#[test]
fn each_row_counts_present_over_assessed() {
    let figure = twelve_by_seven(&PSEUDONYMS);
    let rendered = render_phenotype_grid(&figure);
    let cases = [("Thrombocytopenia", "7/7"), ("Cutaneous vasculitis", "1/7"), ("Arthritis", "3/7"), ("Elevated CRP", "4/4")];
    for (row_label, expected) in cases {
        let row_box = rendered.text_boxes.iter().find(|text_box| text_box.text == row_label).expect(row_label);
        let count = rendered
            .text_boxes
            .iter()
            .find(|text_box| text_box.text.contains('/') && (text_box.y - row_box.y).abs() < 3.0)
            .unwrap_or_else(|| panic!("case {row_label}: no count on the row"));
        assert_eq!(count.text, expected, "case {row_label}");
        assert!(count.x > row_box.right(), "case {row_label}: the count sits right of the label");
    }
}

#[test]
fn the_three_cell_states_are_drawn_differently() {
    let svg = render_phenotype_grid(&twelve_by_seven(&PSEUDONYMS)).svg;
    let elements = parse_xml(&svg).expect("well-formed");
    let cases = [("present", 12 * 7 - 27 - 3), ("excluded", 27), ("not-assessed", 3)];
    for (state, expected) in cases {
        let class = format!("cbp-cell-{state}");
        let count = elements.iter().filter(|element| element.attribute("class") == Some(class.as_str())).count();
        assert_eq!(count, expected, "case {state}");
    }
    assert!(svg.contains("stroke-dasharray=\"1.5 1.5\""), "not assessed is dotted");
}
