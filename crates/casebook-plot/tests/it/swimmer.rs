//! Swimmer plots.

use casebook_plot::{Bar, Lane, Marker, SwimmerFigure, render_swimmer};

use crate::support::{assert_sound_figure, many_lanes, parse_xml, seven_patients_by_age, seven_patients_from_therapy};

fn expected_texts(figure: &SwimmerFigure) -> Vec<&str> {
    let mut texts = vec![figure.title.as_str(), figure.x_axis_title.as_str()];
    texts.extend(figure.series.iter().map(|series| series.name.as_str()));
    texts.extend(figure.marker_kinds.iter().map(|kind| kind.name.as_str()));
    texts.extend(figure.lanes.iter().map(|lane| lane.label.as_str()));
    texts.extend(figure.lanes.iter().filter_map(|lane| lane.group.as_deref()));
    texts
}

#[test]
fn swimmer_plots_are_sound_for_realistic_and_large_inputs() {
    let cases = [
        ("7 WAS patients by age", seven_patients_by_age()),
        ("7 WAS patients from therapy", seven_patients_from_therapy()),
        ("1 lane", many_lanes(1)),
        ("60 lanes", many_lanes(60)),
    ];
    for (case, figure) in cases {
        let rendered = render_swimmer(&figure);
        assert_sound_figure(case, &rendered, &figure.title, &expected_texts(&figure));
        assert_eq!(render_swimmer(&figure).svg, rendered.svg, "case {case}: output differs between runs");
    }
}

#[test]
fn height_grows_with_the_number_of_lanes() {
    let heights: Vec<f64> = [1, 7, 20, 60].iter().map(|&n_lanes| render_swimmer(&many_lanes(n_lanes)).height).collect();
    for pair in heights.windows(2) {
        assert!(pair[1] > pair[0], "heights {heights:?}");
    }
}

#[test]
fn ongoing_bars_end_in_an_arrow_head() {
    let with_ongoing = seven_patients_by_age();
    let n_ongoing = with_ongoing.lanes.iter().flat_map(|lane| &lane.bars).filter(|bar| bar.ongoing).count();
    let mut without_ongoing = seven_patients_by_age();
    for bar in without_ongoing.lanes.iter_mut().flat_map(|lane| &mut lane.bars) {
        bar.ongoing = false;
    }
    let cases = [("two ongoing courses", with_ongoing, n_ongoing), ("none ongoing", without_ongoing, 0)];
    for (case, figure, expected) in cases {
        let svg = render_swimmer(&figure).svg;
        assert_eq!(svg.matches("class=\"cbp-ongoing-arrow\"").count(), expected, "case {case}");
        assert_eq!(svg.contains("Ongoing at last follow-up"), expected > 0, "case {case}: legend entry");
    }
    assert_eq!(n_ongoing, 2);
}

#[test]
fn negative_times_extend_the_axis_below_zero() {
    let cases = [("7 patients from therapy", seven_patients_from_therapy(), false), ("60 lanes from -3 years", many_lanes(60), true)];
    for (case, figure, expect_negative_tick) in cases {
        let rendered = render_swimmer(&figure);
        let elements = parse_xml(&rendered.svg).expect("well-formed");
        let tick_labels: Vec<&str> = elements
            .iter()
            .filter(|element| element.name == "text" && element.attribute("font-size") == Some("11.5"))
            .map(|element| element.text.as_str())
            .collect();
        assert!(tick_labels.contains(&"0"), "case {case}: zero tick in {tick_labels:?}");
        let first_is_negative = tick_labels.first().is_some_and(|label| label.starts_with('\u{2212}'));
        assert_eq!(first_is_negative, expect_negative_tick, "case {case}: {tick_labels:?}");
        let zero = elements
            .iter()
            .find(|element| element.attribute("class") == Some("cbp-zero"))
            .unwrap_or_else(|| panic!("case {case}: no zero line"));
        let zero_x: f64 = zero.attribute("x1").and_then(|x| x.parse().ok()).expect("zero x");
        // Bars before time zero start left of the zero line, but never reach into the lane labels.
        let label_right = rendered
            .text_boxes
            .iter()
            .filter(|text_box| figure.lanes.iter().any(|lane| lane.label == text_box.text))
            .map(|text_box| text_box.right())
            .fold(0.0, f64::max);
        let bar_xs: Vec<f64> = elements
            .iter()
            .filter(|element| element.attribute("class") == Some("cbp-bar"))
            .map(|bar| bar.attribute("x").and_then(|x| x.parse().ok()).expect("bar x"))
            .collect();
        assert!(bar_xs.iter().any(|&x| x < zero_x - 1.0), "case {case}: no bar starts before zero");
        assert!(bar_xs.iter().all(|&x| x > label_right), "case {case}: a bar reaches into the labels (right edge {label_right})");
    }
}

#[test]
fn lanes_are_drawn_under_group_headers_in_order_of_first_appearance() {
    let mut figure = seven_patients_by_age();
    figure.lanes.rotate_left(5); // Now the HSCT lanes come first.
    let rendered = render_swimmer(&figure);
    let y_of = |text: &str| rendered.text_boxes.iter().find(|text_box| text_box.text == text).map(|text_box| text_box.y).expect(text);
    let order = ["HSCT", "WAS-GB1-02", "WAS-IT2-02", "Gene therapy", "WAS-GB1-01", "WAS-IT3-01"];
    for pair in order.windows(2) {
        assert!(y_of(pair[0]) < y_of(pair[1]), "{} should be above {}", pair[0], pair[1]);
    }
}

#[test]
fn text_is_escaped_and_survives_the_round_trip() {
    let figure = SwimmerFigure {
        title: "Courses <IL-1 & IL-6> \"blockade\"".to_string(),
        subtitle: Some("Patients' courses".to_string()),
        x_axis_title: "Age (years) <estimated>".to_string(),
        lanes: vec![Lane {
            label: "P&1".to_string(),
            group: None,
            bars: vec![Bar { series: 0, start: 0.0, end: 1.0, ongoing: false, row: 0 }],
            markers: vec![Marker { kind: 0, at: 0.5 }],
            follow_up_end: 2.0,
        }],
        series: vec![casebook_plot::SeriesStyle { name: "IL-1 <blockade>".to_string(), colour: 1 }],
        marker_kinds: vec![casebook_plot::MarkerStyle { name: "Flare & fever".to_string(), shape: casebook_plot::MarkerShape::Star }],
        footnote: Some("A < B & C".to_string()),
    };
    let rendered = render_swimmer(&figure);
    let mut expected = expected_texts(&figure);
    expected.push("A < B & C");
    assert_sound_figure("markup characters", &rendered, &figure.title, &expected);
}

#[test]
fn figures_with_the_same_input_share_ids_and_different_figures_do_not() {
    let first = render_swimmer(&seven_patients_by_age()).svg;
    let second = render_swimmer(&seven_patients_from_therapy()).svg;
    let ids = |svg: &str| -> Vec<String> {
        parse_xml(svg).expect("well-formed").iter().filter_map(|element| element.attribute("id").map(str::to_string)).collect()
    };
    let (first_ids, second_ids) = (ids(&first), ids(&second));
    assert!(!first_ids.is_empty());
    assert!(first_ids.iter().all(|id| !second_ids.contains(id)), "ids collide when both figures sit in one page");
}
