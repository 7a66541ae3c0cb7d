//! Phenotype grids: one row per clinical feature (grouped by category), one column per patient,
//! and a cell per feature and patient that says present, assessed and absent, or not assessed.
//! A "k/N" column at the right counts patients with the feature over patients assessed.
//!
//! The three states differ in shape and fill, not colour: a filled dark square, an open square
//! with a minus, and a light grey dotted square.

use crate::layout::{Rendered, bold_text_width, text_width, truncate_to_width};
use crate::legend::{Legend, LegendEntry, LegendSymbol, render_legend};
use crate::palette;
use crate::svg::{Anchor, Canvas, Frame, TextStyle, escape_xml, id_prefix, num};

/// A phenotype grid to render.
#[derive(Debug, Clone, PartialEq)]
pub struct PhenotypeGridFigure {
    /// The figure title.
    pub title: String,
    /// Categories of features, each with its rows, in drawing order.
    pub row_groups: Vec<RowGroup>,
    /// Patient pseudonyms, one per column.
    pub columns: Vec<String>,
    /// An optional note under the figure.
    pub footnote: Option<String>,
}

/// A category of features, e.g. "Cutaneous".
#[derive(Debug, Clone, PartialEq)]
pub struct RowGroup {
    /// The category name, drawn as a header.
    pub name: String,
    /// Its features.
    pub rows: Vec<GridRow>,
}

/// One feature across all patients.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    /// The feature label, e.g. "Arthritis". Leading spaces indent it (two per level), for
    /// features nested under a broader one.
    pub label: String,
    /// One state per column, in column order. Missing cells count as not assessed; extra cells
    /// are ignored.
    pub cells: Vec<CellState>,
}

/// What is known about one feature in one patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    /// The feature was observed.
    Present,
    /// The feature was looked for and is absent.
    Excluded,
    /// Nobody recorded whether the feature is there.
    NotAssessed,
}

/// Draws one cell as a `size`-wide square with its top-left corner at (`x`, `y`).
pub(crate) fn cell_element(state: CellState, x: f64, y: f64, size: f64) -> String {
    match state {
        CellState::Present => {
            format!("<rect x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" fill=\"{}\"/>", num(x), num(y), palette::TEXT, s = num(size))
        }
        CellState::Excluded => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" fill=\"#ffffff\" stroke=\"{ink}\" stroke-width=\"1.2\"/>\
             <line x1=\"{}\" y1=\"{my}\" x2=\"{}\" y2=\"{my}\" stroke=\"{ink}\" stroke-width=\"1.6\"/>",
            num(x + 0.6),
            num(y + 0.6),
            num(x + size * 0.25),
            num(x + size * 0.75),
            s = num(size - 1.2),
            my = num(y + size / 2.0),
            ink = palette::TEXT
        ),
        CellState::NotAssessed => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{s}\" height=\"{s}\" fill=\"#f0f0f0\" stroke=\"#8c8c8c\" stroke-width=\"1\" stroke-dasharray=\"1.5 1.5\"/>",
            num(x + 0.5),
            num(y + 0.5),
            s = num(size - 1.0)
        ),
    }
}

const MARGIN: f64 = 16.0;
const MIN_WIDTH: f64 = 520.0;
const LABEL_SIZE: f64 = 12.0;
const GROUP_SIZE: f64 = 12.5;
const COLUMN_LABEL_SIZE: f64 = 11.5;
const COUNT_SIZE: f64 = 11.5;
const PITCH: f64 = 22.0;
const CELL: f64 = 14.0;
const ROW_INDENT: f64 = 12.0;
const GROUP_HEADER_HEIGHT: f64 = 24.0;
const MAX_LABEL_WIDTH: f64 = 360.0;
const COUNT_HEADER: &str = "k/N";

/// Renders a phenotype grid.
pub fn render_phenotype_grid(figure: &PhenotypeGridFigure) -> Rendered {
    let id = id_prefix("phenotype", &[&figure.title]);
    let mut canvas = Canvas::new();
    let n_columns = figure.columns.len();

    // Horizontal widths: labels, grid, count column.
    let row_label_width = figure
        .row_groups
        .iter()
        .flat_map(|group| &group.rows)
        .map(|row| {
            let (indent, label) = split_indent(&row.label);
            indent + text_width(label, LABEL_SIZE)
        })
        .fold(0.0, f64::max);
    let group_width = figure.row_groups.iter().map(|group| bold_text_width(&group.name, GROUP_SIZE)).fold(0.0, f64::max);
    let label_width = (row_label_width + ROW_INDENT).max(group_width).min(MAX_LABEL_WIDTH);
    let grid_left = MARGIN + label_width + 12.0;
    let grid_right = grid_left + n_columns as f64 * PITCH;
    let counts: Vec<Vec<String>> =
        figure.row_groups.iter().map(|group| group.rows.iter().map(|row| count_label(row, n_columns)).collect()).collect();
    let count_width =
        counts.iter().flatten().map(|count| text_width(count, COUNT_SIZE)).fold(bold_text_width(COUNT_HEADER, COUNT_SIZE), f64::max);
    let count_centre = grid_right + 14.0 + count_width / 2.0;
    let width = (count_centre + count_width / 2.0 + MARGIN).max(MIN_WIDTH);
    let content_width = width - 2.0 * MARGIN;

    let mut y = canvas.heading(&figure.title, None, MARGIN, MARGIN, content_width);
    y += 10.0;

    // Column labels: horizontal when every pseudonym fits its column, otherwise vertical.
    let widest_column_label = figure.columns.iter().map(|label| text_width(label, COLUMN_LABEL_SIZE)).fold(0.0, f64::max);
    let column_style = TextStyle::new(COLUMN_LABEL_SIZE);
    let vertical_columns = widest_column_label > PITCH - 3.0;
    let header_height = if vertical_columns { widest_column_label + 6.0 } else { column_style.line_height() + 6.0 };
    let grid_top = y + header_height;
    let label_bottom = grid_top - 6.0;
    for (column_idx, label) in figure.columns.iter().enumerate() {
        let centre_x = grid_left + (column_idx as f64 + 0.5) * PITCH;
        if vertical_columns {
            // Reading upwards; shifting by (ascent - descent) / 2 centres the glyphs on the column.
            let x = centre_x + (crate::layout::ASCENT - crate::layout::DESCENT) / 2.0 * COLUMN_LABEL_SIZE;
            canvas.text(x, label_bottom, label, column_style.vertical());
        } else {
            canvas.text(centre_x, label_bottom - crate::layout::DESCENT * COLUMN_LABEL_SIZE, label, column_style.anchor(Anchor::Middle));
        }
    }
    let count_style = TextStyle::new(COUNT_SIZE).anchor(Anchor::Middle);
    canvas.text(count_centre, label_bottom - crate::layout::DESCENT * COUNT_SIZE, COUNT_HEADER, count_style.bold());

    // Rows, group by group.
    let row_label_style = TextStyle::new(LABEL_SIZE);
    let group_style = TextStyle::new(GROUP_SIZE).bold();
    let mut row_top = grid_top;
    let mut row_number = 0usize;
    for (group_idx, group) in figure.row_groups.iter().enumerate() {
        if group_idx > 0 {
            canvas.push(&format!(
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#9e9e9e\" stroke-width=\"1\"/>",
                num(MARGIN),
                num(width - MARGIN),
                y = num(row_top + 2.0)
            ));
        }
        let group_name = truncate_to_width(&group.name, GROUP_SIZE * 1.08, label_width);
        canvas.text(MARGIN, group_style.baseline_for_centre(row_top + GROUP_HEADER_HEIGHT / 2.0 + 2.0), &group_name, group_style);
        row_top += GROUP_HEADER_HEIGHT;
        for (row, count) in group.rows.iter().zip(&counts[group_idx]) {
            if row_number % 2 == 1 {
                canvas.push(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    num(MARGIN),
                    num(row_top),
                    num(width - 2.0 * MARGIN),
                    num(PITCH),
                    palette::SHADE
                ));
            }
            let centre_y = row_top + PITCH / 2.0;
            let (indent, full_label) = split_indent(&row.label);
            let label = truncate_to_width(full_label, LABEL_SIZE, label_width - ROW_INDENT - indent);
            let tooltip = (label != full_label).then_some(full_label);
            let label_x = MARGIN + ROW_INDENT + indent;
            canvas.text_with_tooltip(label_x, row_label_style.baseline_for_centre(centre_y), &label, row_label_style, tooltip);
            for (column_idx, column) in figure.columns.iter().enumerate() {
                let state = row.cells.get(column_idx).copied().unwrap_or(CellState::NotAssessed);
                let cell_x = grid_left + column_idx as f64 * PITCH + (PITCH - CELL) / 2.0;
                let tooltip = escape_xml(&format!("{column}, {}: {}", row.label, state_name(state)));
                canvas.push(&format!(
                    "<g class=\"cbp-cell-{}\"><title>{tooltip}</title>{}</g>",
                    state_class(state),
                    cell_element(state, cell_x, centre_y - CELL / 2.0, CELL)
                ));
            }
            canvas.text(count_centre, count_style.baseline_for_centre(centre_y), count, count_style);
            row_top += PITCH;
            row_number += 1;
        }
    }
    y = row_top + 14.0;

    let entries = [
        LegendEntry { symbol: LegendSymbol::Cell(CellState::Present), label: "Present".to_string() },
        LegendEntry { symbol: LegendSymbol::Cell(CellState::Excluded), label: "Assessed, absent".to_string() },
        LegendEntry { symbol: LegendSymbol::Cell(CellState::NotAssessed), label: "Not assessed".to_string() },
    ];
    let legend = render_legend(&Legend { entries: &entries, x: MARGIN, y, max_width: content_width, title: None });
    y += legend.height + 2.0;
    canvas.append(legend);
    let note_style = TextStyle::new(COUNT_SIZE).fill(palette::MUTED_TEXT);
    let note = truncate_to_width("k/N: patients with the feature / patients assessed (present or absent)", COUNT_SIZE, content_width);
    canvas.text(MARGIN, y + crate::layout::ASCENT * COUNT_SIZE, &note, note_style);
    y += note_style.line_height() + 4.0;

    if let Some(footnote) = &figure.footnote {
        y += 6.0;
        y = canvas.footnote(footnote, MARGIN, y, content_width);
    }

    let desc = describe(figure);
    canvas.finish(Frame { width, height: y + MARGIN, title: &figure.title, desc: &desc, id_prefix: &id })
}

/// The indent (in pixels) that a label's leading spaces ask for, and the label without them.
/// SVG collapses leading white space, so the indent is drawn as an offset instead.
fn split_indent(label: &str) -> (f64, &str) {
    let trimmed = label.trim_start_matches(' ');
    let n_spaces = (label.len() - trimmed.len()).min(8);
    (n_spaces as f64 / 2.0 * ROW_INDENT, trimmed)
}

/// "k/N": patients with the feature over patients assessed.
fn count_label(row: &GridRow, n_columns: usize) -> String {
    let cells = || row.cells.iter().take(n_columns);
    let present = cells().filter(|&&state| state == CellState::Present).count();
    let assessed = cells().filter(|&&state| state != CellState::NotAssessed).count();
    format!("{present}/{assessed}")
}

fn state_name(state: CellState) -> &'static str {
    match state {
        CellState::Present => "present",
        CellState::Excluded => "assessed, absent",
        CellState::NotAssessed => "not assessed",
    }
}

fn state_class(state: CellState) -> &'static str {
    match state {
        CellState::Present => "present",
        CellState::Excluded => "excluded",
        CellState::NotAssessed => "not-assessed",
    }
}

fn describe(figure: &PhenotypeGridFigure) -> String {
    let n_rows: usize = figure.row_groups.iter().map(|group| group.rows.len()).sum();
    let categories: Vec<&str> = figure.row_groups.iter().map(|group| group.name.as_str()).collect();
    format!(
        "Phenotype grid of {n_rows} features in {} categories ({}) for {} patients. A filled square means present, an open square \
         with a minus assessed and absent, a dotted grey square not assessed. The k/N column gives patients with the feature over \
         patients assessed.",
        categories.len(),
        categories.join(", "),
        figure.columns.len()
    )
}

#[cfg(test)]
mod tests {
    use crate::phenotype::{CellState, GridRow, count_label};

    #[test]
    fn count_label_counts_present_over_assessed() {
        use CellState::{Excluded, NotAssessed, Present};
        let cases: &[(&str, Vec<CellState>, usize, &str)] = &[
            ("all present", vec![Present, Present, Present], 3, "3/3"),
            ("mixed", vec![Present, Excluded, NotAssessed, Present], 4, "2/3"),
            ("none assessed", vec![NotAssessed, NotAssessed], 2, "0/0"),
            ("missing cells are not assessed", vec![Present], 4, "1/1"),
            ("extra cells are ignored", vec![Present, Present, Present], 2, "2/2"),
        ];
        for (case, cells, n_columns, expected) in cases {
            let row = GridRow { label: "Arthritis".to_string(), cells: cells.clone() };
            assert_eq!(count_label(&row, *n_columns), *expected, "case {case}");
        }
    }
}
