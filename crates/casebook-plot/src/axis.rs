//! Axes: the axis line, tick marks, tick labels and the axis title; gridlines; and the choice of
//! ticks whose labels fit the axis length.

use crate::layout::{Fragment, text_width};
use crate::palette;
use crate::scale::{Scale, format_ticks, nice_ticks};
use crate::svg::{Anchor, Canvas, TextStyle, num};

/// Font size of tick labels.
pub const TICK_LABEL_SIZE: f64 = 11.5;

/// Font size of axis titles.
pub const AXIS_TITLE_SIZE: f64 = 12.5;

const TICK_LENGTH: f64 = 5.0;
const LABEL_GAP: f64 = 3.0;
const TITLE_GAP: f64 = 7.0;

/// Which edge of the plot area an axis runs along.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisSide {
    /// A horizontal axis below the plot area.
    Bottom,
    /// A vertical axis left of the plot area.
    Left,
}

/// One axis to draw.
#[derive(Debug, Clone, Copy)]
pub struct Axis<'a> {
    /// The edge it runs along.
    pub side: AxisSide,
    /// Maps data values to pixels along the axis.
    pub scale: Scale,
    /// Tick values; those outside the scale's domain are skipped.
    pub ticks: &'a [f64],
    /// The axis title, with units, e.g. "Age (years)".
    pub title: &'a str,
    /// The y of a bottom axis or the x of a left axis: the edge of the plot area.
    pub position: f64,
}

impl Axis<'_> {
    /// The space the axis needs outside the plot area (below it, or left of it).
    pub fn outer_size(&self) -> f64 {
        let tick_style = TextStyle::new(TICK_LABEL_SIZE);
        let title_style = TextStyle::new(AXIS_TITLE_SIZE);
        match self.side {
            AxisSide::Bottom => TICK_LENGTH + LABEL_GAP + tick_style.line_height() + TITLE_GAP + title_style.line_height(),
            AxisSide::Left => TICK_LENGTH + LABEL_GAP + self.widest_label() + TITLE_GAP + title_style.line_height(),
        }
    }

    fn widest_label(&self) -> f64 {
        format_ticks(self.ticks).iter().map(|label| text_width(label, TICK_LABEL_SIZE)).fold(0.0, f64::max)
    }
}

/// Draws the axis line, ticks, tick labels and title. The fragment's height is
/// [`Axis::outer_size`].
pub fn render_axis(axis: &Axis<'_>) -> Fragment {
    let mut canvas = Canvas::new();
    let tick_style = TextStyle::new(TICK_LABEL_SIZE);
    let title_style = TextStyle::new(AXIS_TITLE_SIZE);
    let (range_start, range_end) = axis.scale.range();
    let labels = format_ticks(axis.ticks);
    let visible: Vec<(f64, &String)> =
        axis.ticks.iter().zip(&labels).filter(|(tick, _)| axis.scale.contains(**tick)).map(|(tick, label)| (*tick, label)).collect();
    match axis.side {
        AxisSide::Bottom => {
            let y = axis.position;
            canvas.push(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
                num(range_start),
                num(y),
                num(range_end),
                num(y),
                palette::AXIS
            ));
            let baseline = y + TICK_LENGTH + LABEL_GAP + crate::layout::ASCENT * TICK_LABEL_SIZE;
            for (tick, label) in &visible {
                let x = axis.scale.map(*tick);
                canvas.push(&format!(
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
                    num(x),
                    num(y),
                    num(x),
                    num(y + TICK_LENGTH),
                    palette::AXIS
                ));
                canvas.text(x, baseline, label, tick_style.anchor(Anchor::Middle));
            }
            let title_baseline =
                y + TICK_LENGTH + LABEL_GAP + tick_style.line_height() + TITLE_GAP + crate::layout::ASCENT * AXIS_TITLE_SIZE;
            canvas.text((range_start + range_end) / 2.0, title_baseline, axis.title, title_style.anchor(Anchor::Middle));
        }
        AxisSide::Left => {
            let x = axis.position;
            canvas.push(&format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
                num(x),
                num(range_start),
                num(x),
                num(range_end),
                palette::AXIS
            ));
            for (tick, label) in &visible {
                let y = axis.scale.map(*tick);
                canvas.push(&format!(
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>",
                    num(x - TICK_LENGTH),
                    num(y),
                    num(x),
                    num(y),
                    palette::AXIS
                ));
                canvas.text(x - TICK_LENGTH - LABEL_GAP, tick_style.baseline_for_centre(y), label, tick_style.anchor(Anchor::End));
            }
            // The rotated title's box spans [x - ascent, x + descent] horizontally.
            let title_right = x - TICK_LENGTH - LABEL_GAP - axis.widest_label() - TITLE_GAP;
            let title_x = title_right - crate::layout::DESCENT * AXIS_TITLE_SIZE;
            canvas.text(title_x, (range_start + range_end) / 2.0, axis.title, title_style.anchor(Anchor::Middle).vertical());
        }
    }
    canvas.into_fragment(axis.outer_size())
}

/// Light gridlines at each tick inside the domain, across the plot from `from` to `to`
/// (y values for a bottom axis, x values for a left axis).
pub fn render_gridlines(scale: &Scale, ticks: &[f64], side: AxisSide, from: f64, to: f64) -> String {
    let mut svg = String::new();
    for &tick in ticks.iter().filter(|&&tick| scale.contains(tick)) {
        let position = scale.map(tick);
        let (x1, y1, x2, y2) = match side {
            AxisSide::Bottom => (position, from, position, to),
            AxisSide::Left => (from, position, to, position),
        };
        svg.push_str(&format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1\"/>\n",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            palette::GRID
        ));
    }
    svg
}

/// An axis domain and the round ticks inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedAxis {
    /// The data interval the axis spans.
    pub domain: (f64, f64),
    /// Tick values, all inside the domain, at least two.
    pub ticks: Vec<f64>,
}

/// Chooses a domain covering `min..=max` and the most round ticks inside it (at most 8) whose
/// labels fit along an axis `length` pixels long without touching.
///
/// Each end of the domain snaps out to the next tick when that adds at most a tenth of the range,
/// so the axis usually starts and ends on a labelled tick; otherwise it stops just beyond the data,
/// rather than wasting a large part of the plot on an empty stretch.
pub fn fit_axis(min: f64, max: f64, length: f64, side: AxisSide) -> FittedAxis {
    let (min, max) = if min.is_finite() && max.is_finite() { (min.min(max), min.max(max)) } else { (0.0, 1.0) };
    // First choice: ends snapped only to near ticks, with four to eight ticks inside.
    for max_ticks in (3..=10).rev() {
        let covering = nice_ticks(min, max, max_ticks);
        let (first, last) = (covering[0], covering[covering.len() - 1]);
        let span = if max - min > 1e-12 { max - min } else { last - first };
        let low = if min - first <= 0.1 * span { first } else { min - 0.02 * span };
        let high = if last - max <= 0.1 * span { last } else { max + 0.02 * span };
        let ticks: Vec<f64> = covering.into_iter().filter(|tick| *tick >= low - 1e-9 && *tick <= high + 1e-9).collect();
        let candidate = FittedAxis { domain: (low, high), ticks };
        if (4..=8).contains(&candidate.ticks.len()) && labels_fit(&candidate, length, side) {
            return candidate;
        }
    }
    fit_axis_to_ticks(min, max, length, side)
}

/// Like [`fit_axis`], but the domain always runs from the first tick to the last, so the axis is
/// labelled at both ends (value axes read better that way).
pub fn fit_axis_to_ticks(min: f64, max: f64, length: f64, side: AxisSide) -> FittedAxis {
    let mut ticks = nice_ticks(min, max, 2);
    for max_ticks in (3..=8).rev() {
        let covering = nice_ticks(min, max, max_ticks);
        let candidate = FittedAxis { domain: (covering[0], covering[covering.len() - 1]), ticks: covering.clone() };
        if labels_fit(&candidate, length, side) {
            ticks = covering;
            break;
        }
    }
    FittedAxis { domain: (ticks[0], ticks[ticks.len() - 1]), ticks }
}

/// Whether neighbouring tick labels keep clear of each other.
fn labels_fit(axis: &FittedAxis, length: f64, side: AxisSide) -> bool {
    let scale = Scale::new(axis.domain, (0.0, length));
    let labels = format_ticks(&axis.ticks);
    axis.ticks.windows(2).zip(labels.windows(2)).all(|(ticks, labels)| {
        let spacing = (scale.map(ticks[1]) - scale.map(ticks[0])).abs();
        match side {
            AxisSide::Bottom => spacing >= (text_width(&labels[0], TICK_LABEL_SIZE) + text_width(&labels[1], TICK_LABEL_SIZE)) / 2.0 + 8.0,
            AxisSide::Left => spacing >= TextStyle::new(TICK_LABEL_SIZE).line_height() + 6.0,
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::axis::{Axis, AxisSide, fit_axis, render_axis};
    use crate::layout::overlapping_text;
    use crate::scale::Scale;

    #[test]
    fn axis_places_a_label_per_tick_and_the_title() {
        for side in [AxisSide::Bottom, AxisSide::Left] {
            let ticks = [0.0, 10.0, 20.0, 30.0];
            let range = if side == AxisSide::Bottom { (100.0, 500.0) } else { (400.0, 50.0) };
            let axis = Axis { side, scale: Scale::new((0.0, 30.0), range), ticks: &ticks, title: "Age (years)", position: 100.0 };
            let fragment = render_axis(&axis);
            let texts: Vec<&str> = fragment.text_boxes.iter().map(|text_box| text_box.text.as_str()).collect();
            assert_eq!(texts, ["0", "10", "20", "30", "Age (years)"], "case {side:?}");
            assert!(overlapping_text(&fragment.text_boxes).is_empty(), "case {side:?}");
        }
    }

    #[test]
    fn fit_axis_snaps_to_near_ticks_and_stops_short_of_far_ones() {
        let cases: &[(&str, f64, f64, (f64, f64), &[f64])] = &[
            ("age to 39 snaps to 40", 0.0, 39.0, (0.0, 40.0), &[0.0, 10.0, 20.0, 30.0, 40.0]),
            ("-1.1 stops short of -5", -1.1, 33.4, (-1.79, 35.0), &[0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0]),
            ("-3 to 12 runs tick to tick", -3.0, 12.0, (-5.0, 15.0), &[-5.0, 0.0, 5.0, 10.0, 15.0]),
            ("percent", 0.0, 100.0, (0.0, 100.0), &[0.0, 20.0, 40.0, 60.0, 80.0, 100.0]),
        ];
        for (case, min, max, domain, ticks) in cases {
            let fitted = fit_axis(*min, *max, 700.0, AxisSide::Bottom);
            assert!((fitted.domain.0 - domain.0).abs() < 1e-9 && (fitted.domain.1 - domain.1).abs() < 1e-9, "case {case}: {fitted:?}");
            assert_eq!(fitted.ticks, *ticks, "case {case}");
        }
    }

    #[test]
    fn fit_axis_thins_ticks_out_on_short_axes() {
        let long = fit_axis(0.0, 100.0, 600.0, AxisSide::Bottom);
        let short = fit_axis(0.0, 100.0, 60.0, AxisSide::Bottom);
        assert!(long.ticks.len() >= 4, "{long:?}");
        assert!(short.ticks.len() < long.ticks.len(), "{short:?}");
        assert!(short.ticks.len() >= 2, "{short:?}");
    }
}
