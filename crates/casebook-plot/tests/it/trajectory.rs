//! Trajectories.

use casebook_plot::{TrajectoryFigure, TrajectorySeries, render_trajectories};

use crate::support::{assert_sound_figure, seven_crp_series, three_chimerism_series};

fn expected_texts(figure: &TrajectoryFigure) -> Vec<&str> {
    let mut texts = vec![figure.title.as_str(), figure.x_axis_title.as_str(), figure.y_axis_title.as_str()];
    texts.extend(figure.series.iter().map(|series| series.label.as_str()));
    texts.extend(figure.reference_lines.iter().map(|(_, label)| label.as_str()));
    texts.extend(figure.events.iter().map(|(_, label)| label.as_str()));
    texts
}

fn crowded(n_series: usize) -> TrajectoryFigure {
    TrajectoryFigure {
        title: format!("{n_series} series ending together"),
        x_axis_title: "Days".to_string(),
        y_axis_title: "Value (units)".to_string(),
        series: (0..n_series)
            .map(|idx| TrajectorySeries { label: format!("Patient {idx}"), points: vec![(0.0, idx as f64), (30.0, 50.0), (60.0, 40.0)] })
            .collect(),
        reference_lines: vec![(45.0, "Upper limit".to_string()), (43.0, "A second line close by".to_string())],
        y_range: None,
        events: vec![(0.0, "Start".to_string()), (0.5, "An event right after".to_string()), (1.0, "Third".to_string())],
    }
}

#[test]
fn trajectories_are_sound_for_realistic_and_crowded_inputs() {
    let cases = [
        ("3 chimerism series", three_chimerism_series()),
        ("7 CRP series", seven_crp_series()),
        ("12 crowded series", crowded(12)),
        ("40 crowded series", crowded(40)),
    ];
    for (case, figure) in cases {
        let rendered = render_trajectories(&figure);
        assert_sound_figure(case, &rendered, &figure.title, &expected_texts(&figure));
        assert_eq!(render_trajectories(&figure).svg, rendered.svg, "case {case}: output differs between runs");
        assert_eq!(rendered.svg.matches("class=\"cbp-series\"").count(), figure.series.len(), "case {case}: one line per series");
        assert_eq!(rendered.svg.matches("class=\"cbp-reference\"").count(), figure.reference_lines.len(), "case {case}: reference lines");
    }
}

#[test]
fn every_series_is_labelled_at_its_end_unless_too_crowded() {
    let cases = [
        ("3 chimerism series", three_chimerism_series(), true),
        ("7 CRP series", seven_crp_series(), true),
        ("40 crowded series", crowded(40), false),
    ];
    for (case, figure, expect_end_labels) in cases {
        let rendered = render_trajectories(&figure);
        for series in &figure.series {
            let n_labels = rendered.text_boxes.iter().filter(|text_box| text_box.text == series.label).count();
            // One label in the legend, plus one at the line end when there is room.
            let expected = if expect_end_labels { 2 } else { 1 };
            assert_eq!(n_labels, expected, "case {case}: labels of {}", series.label);
        }
    }
}

#[test]
fn series_differ_in_colour_and_marker_shape() {
    let svg = render_trajectories(&three_chimerism_series()).svg;
    let strokes: Vec<&str> = svg
        .lines()
        .filter(|line| line.contains("class=\"cbp-series\""))
        .filter_map(|line| line.split("stroke=\"").nth(1).and_then(|rest| rest.split('"').next()))
        .collect();
    assert_eq!(strokes.len(), 3);
    assert!(strokes[0] != strokes[1] && strokes[1] != strokes[2] && strokes[0] != strokes[2], "{strokes:?}");
    for shape in ["<circle", "<rect", "<polygon"] {
        assert!(svg.contains(shape), "marker shape {shape}");
    }
}

#[test]
fn a_fixed_range_is_kept_and_reference_lines_are_dashed() {
    let rendered = render_trajectories(&three_chimerism_series());
    let ticks: Vec<&str> =
        rendered.text_boxes.iter().map(|text_box| text_box.text.as_str()).filter(|text| text.parse::<f64>().is_ok()).collect();
    assert!(ticks.contains(&"0") && ticks.contains(&"100"), "{ticks:?}");
    assert!(!ticks.contains(&"120"), "{ticks:?}");
    assert!(rendered.svg.contains("class=\"cbp-reference\"") && rendered.svg.contains("stroke-dasharray=\"5 3\""));
}
