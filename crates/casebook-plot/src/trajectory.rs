//! Trajectories: one line with point markers per patient (a laboratory value or donor chimerism
//! over time), dashed horizontal reference lines, optional vertical event markers, labels at the
//! line ends and a legend.
//!
//! Each series gets its own Okabe-Ito colour and marker shape. End labels are moved apart so they
//! never overlap; when there are too many to fit beside the plot, the figure relies on the legend
//! alone.

use crate::axis::{Axis, AxisSide, fit_axis, fit_axis_to_ticks, render_axis, render_gridlines};
use crate::layout::{ASCENT, Rendered, TextBox, spread_apart, text_width, truncate_to_width};
use crate::legend::{Legend, LegendEntry, LegendSymbol, render_legend};
use crate::palette;
use crate::scale::{Scale, format_ticks};
use crate::shape::{MarkerPaint, MarkerShape, marker_element};
use crate::svg::{Anchor, Canvas, Frame, TextStyle, escape_xml, id_prefix, num};

/// Width of every trajectory figure, in pixels.
pub const TRAJECTORY_WIDTH: f64 = 760.0;

/// A trajectory figure to render.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryFigure {
    /// The figure title.
    pub title: String,
    /// The time axis title with its unit, e.g. "Months from HSCT".
    pub x_axis_title: String,
    /// The value axis title with its unit, e.g. "CRP (mg/L)".
    pub y_axis_title: String,
    /// One series per patient.
    pub series: Vec<TrajectorySeries>,
    /// Horizontal dashed lines with a label, e.g. `(95.0, "Full chimerism")`.
    pub reference_lines: Vec<(f64, String)>,
    /// A fixed value range; by default the range of the data and reference lines, on round ticks.
    pub y_range: Option<(f64, f64)>,
    /// Vertical dotted markers with a label, e.g. `(0.0, "HSCT")`.
    pub events: Vec<(f64, String)>,
}

/// One patient's values over time.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectorySeries {
    /// The patient pseudonym.
    pub label: String,
    /// `(time, value)` pairs, in any order; non-finite pairs are skipped.
    pub points: Vec<(f64, f64)>,
}

const MARGIN: f64 = 16.0;
const PLOT_HEIGHT: f64 = 320.0;
const POINT_SIZE: f64 = 8.0;
const END_LABEL_SIZE: f64 = 12.0;
const END_LABEL_GAP: f64 = 16.0;
/// Room for a series' marker before its label in the gutter.
const GLYPH_SPACE: f64 = 12.0;
const REFERENCE_LABEL_SIZE: f64 = 11.0;
const EVENT_LABEL_SIZE: f64 = 11.0;
const EVENT_ROW_HEIGHT: f64 = 15.0;

/// Renders a trajectory figure.
pub fn render_trajectories(figure: &TrajectoryFigure) -> Rendered {
    let id = id_prefix("trajectory", &[&figure.title, &figure.y_axis_title]);
    let mut canvas = Canvas::new();
    let content_width = TRAJECTORY_WIDTH - 2.0 * MARGIN;
    let series: Vec<PreparedSeries> = figure.series.iter().enumerate().map(|(idx, series)| prepare(idx, series)).collect();

    let mut y = canvas.heading(&figure.title, None, MARGIN, MARGIN, content_width);
    y += 8.0;

    // Value axis: the fixed range, or the data and reference lines on round ticks.
    let (y_domain, y_ticks) = value_axis(figure, &series);
    let relative_y = Scale::new(y_domain, (PLOT_HEIGHT, 0.0));
    let left_axis = Axis { side: AxisSide::Left, scale: relative_y, ticks: &y_ticks, title: &figure.y_axis_title, position: 0.0 };
    let plot_left = MARGIN + left_axis.outer_size();

    // End labels go beside each line's end, inside the plot where there is room and otherwise in a
    // gutter right of the plot, moved apart. If the gutter could not hold every label, the legend
    // alone names the lines.
    let end_style = TextStyle::new(END_LABEL_SIZE);
    let labelled: Vec<&PreparedSeries> = series.iter().filter(|prepared| !prepared.points.is_empty()).collect();
    let end_label_width =
        labelled.iter().map(|prepared| text_width(&prepared.label, END_LABEL_SIZE)).fold(0.0, f64::max).min(content_width * 0.25);
    let gutter_low = end_style.line_height() / 2.0;
    let all_wanted: Vec<f64> = labelled.iter().map(|prepared| relative_y.map(prepared.last().1).clamp(gutter_low, PLOT_HEIGHT)).collect();
    let direct_labels = !labelled.is_empty() && spread_apart(&all_wanted, end_style.line_height() + 2.0, gutter_low, PLOT_HEIGHT).is_some();

    // Time axis.
    let (x_min, x_max) = time_extent(figure, &series);
    let provisional_right = TRAJECTORY_WIDTH - MARGIN - 20.0;
    let fitted_x = fit_axis(x_min, x_max, provisional_right - plot_left, AxisSide::Bottom);
    let x_ticks = fitted_x.ticks;
    let last_half = format_ticks(&x_ticks).last().map(|label| text_width(label, crate::axis::TICK_LABEL_SIZE) / 2.0 + 2.0).unwrap_or(0.0);
    let plot_right = if direct_labels {
        TRAJECTORY_WIDTH - MARGIN - end_label_width - END_LABEL_GAP - GLYPH_SPACE
    } else {
        TRAJECTORY_WIDTH - MARGIN - last_half.max(8.0)
    };
    let x_scale = Scale::new(fitted_x.domain, (plot_left, plot_right));

    // Event labels sit above the plot, in as many rows as they need.
    let event_style = TextStyle::new(EVENT_LABEL_SIZE).fill(palette::MUTED_TEXT).anchor(Anchor::Middle);
    let event_rows = place_event_labels(figure, &x_scale, event_style);
    let n_event_rows = event_rows.iter().map(|(row, _, _)| row + 1).max().unwrap_or(0);
    let plot_top = y + n_event_rows as f64 * EVENT_ROW_HEIGHT + if n_event_rows > 0 { 6.0 } else { 0.0 };
    let plot_bottom = plot_top + PLOT_HEIGHT;
    let y_scale = Scale::new(y_domain, (plot_bottom, plot_top));
    let plot = PlotArea { left: plot_left, right: plot_right, top: plot_top, bottom: plot_bottom };
    let obstacles = Obstacles::new(&series, &x_scale, &y_scale);

    canvas.push_def(&format!(
        "<clipPath id=\"{id}-plot\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>",
        num(plot_left - POINT_SIZE / 2.0),
        num(plot_top - POINT_SIZE / 2.0),
        num(plot_right - plot_left + POINT_SIZE),
        num(PLOT_HEIGHT + POINT_SIZE)
    ));
    canvas.push(render_gridlines(&x_scale, &x_ticks, AxisSide::Bottom, plot_top, plot_bottom).trim_end());
    canvas.push(render_gridlines(&y_scale, &y_ticks, AxisSide::Left, plot_left, plot_right).trim_end());

    // Events: dotted vertical lines with their labels above the plot.
    for (row, event_idx, label) in &event_rows {
        let (at, _) = &figure.events[*event_idx];
        let x = x_scale.map(*at);
        canvas.push(&format!(
            "<line class=\"cbp-event\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#737373\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/>",
            num(plot_top),
            num(plot_bottom),
            x = num(x)
        ));
        let baseline = y + *row as f64 * EVENT_ROW_HEIGHT + ASCENT * EVENT_LABEL_SIZE;
        canvas.text(label.0, baseline, &label.1, event_style.anchor(label.2));
    }

    // Reference lines: dashed, each labelled where its label meets neither text nor data.
    let mut labels: Vec<PlacedLabel> = Vec::new();
    let mut taken: Vec<TextBox> = canvas.text_boxes().to_vec();
    for (value, label) in &figure.reference_lines {
        if !value.is_finite() || !y_scale.contains(*value) {
            continue;
        }
        let line_y = y_scale.map(*value);
        canvas.push(&format!(
            "<line class=\"cbp-reference\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{}\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>",
            num(plot_left),
            num(plot_right),
            palette::MUTED_TEXT,
            y = num(line_y)
        ));
        let placed = place_reference_label(label, line_y, &plot, &obstacles, &taken);
        taken.push(placed.style.text_box(placed.x, placed.baseline, &placed.text));
        labels.push(placed);
    }

    // End labels inside the plot, right of the line end, where they meet nothing.
    let mut gutter: Vec<&PreparedSeries> = Vec::new();
    for prepared in labelled.iter().filter(|_| direct_labels) {
        let (last_x, last_y) = prepared.last();
        let (point_x, point_y) = (x_scale.map(last_x), y_scale.map(last_y));
        // Right of the point first, then above or below it.
        let right_x = point_x + POINT_SIZE / 2.0 + 4.0;
        let clear = POINT_SIZE / 2.0 + 3.0;
        let candidates = [
            (right_x, end_style.baseline_for_centre(point_y), Anchor::Start),
            (right_x, end_style.baseline_for_centre(point_y - 9.0), Anchor::Start),
            (right_x, end_style.baseline_for_centre(point_y + 9.0), Anchor::Start),
            (point_x, point_y - clear - crate::layout::DESCENT * END_LABEL_SIZE, Anchor::Middle),
            (point_x, point_y + clear + ASCENT * END_LABEL_SIZE, Anchor::Middle),
        ];
        let spot = candidates.into_iter().find(|&(x, baseline, anchor)| {
            let candidate = end_style.anchor(anchor).text_box(x, baseline, &prepared.label);
            plot.holds(&candidate, 2.0) && obstacles.hits(&candidate) == 0 && taken.iter().all(|other| !other.overlaps(&candidate))
        });
        match spot {
            Some((x, baseline, anchor)) => {
                let style = end_style.anchor(anchor);
                taken.push(style.text_box(x, baseline, &prepared.label));
                labels.push(PlacedLabel { x, baseline, text: prepared.label.clone(), style });
            }
            None => gutter.push(prepared),
        }
    }

    // Series: a line through the points, then the point markers, clipped to the plot area.
    canvas.push(&format!("<g clip-path=\"url(#{id}-plot)\">"));
    for prepared in &series {
        if prepared.points.is_empty() {
            continue;
        }
        let points: Vec<String> =
            prepared.points.iter().map(|&(x, y)| format!("{},{}", num(x_scale.map(x)), num(y_scale.map(y)))).collect();
        canvas.push(&format!(
            "<polyline class=\"cbp-series\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-linejoin=\"round\"><title>{}</title></polyline>",
            points.join(" "),
            prepared.colour,
            escape_xml(&prepared.label)
        ));
        for &(x, y) in &prepared.points {
            canvas.push(&marker_element(
                prepared.shape,
                x_scale.map(x),
                y_scale.map(y),
                POINT_SIZE,
                MarkerPaint { fill: prepared.colour, stroke: "#ffffff", stroke_width: 0.9 },
            ));
        }
    }
    canvas.push("</g>");
    for placed in &labels {
        canvas.text(placed.x, placed.baseline, &placed.text, placed.style);
    }

    // The remaining end labels in the gutter, moved apart, each with its series' marker and a
    // dotted leader from the line end.
    let wanted: Vec<f64> = gutter.iter().map(|prepared| relative_y.map(prepared.last().1).clamp(gutter_low, PLOT_HEIGHT)).collect();
    if let Some(centres) = spread_apart(&wanted, end_style.line_height() + 2.0, gutter_low, PLOT_HEIGHT) {
        let glyph_x = plot_right + END_LABEL_GAP + 4.0;
        let label_x = plot_right + END_LABEL_GAP + GLYPH_SPACE;
        for (prepared, relative_centre) in gutter.iter().zip(centres) {
            let (last_x, last_y) = prepared.last();
            let from_x = x_scale.map(last_x) + POINT_SIZE / 2.0 + 1.0;
            let from_y = y_scale.map(last_y).clamp(plot_top, plot_bottom);
            let centre_y = plot_top + relative_centre;
            canvas.push(&format!(
                "<polyline class=\"cbp-leader\" points=\"{},{} {},{} {},{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1\" stroke-dasharray=\"1 3\" stroke-linecap=\"round\"/>",
                num(from_x),
                num(from_y),
                num(plot_right + 4.0),
                num(from_y),
                num(glyph_x - POINT_SIZE / 2.0 - 2.0),
                num(centre_y),
                prepared.colour
            ));
            canvas.push(&marker_element(
                prepared.shape,
                glyph_x,
                centre_y,
                POINT_SIZE,
                MarkerPaint { fill: prepared.colour, stroke: "#ffffff", stroke_width: 0.9 },
            ));
            let label = truncate_to_width(&prepared.label, END_LABEL_SIZE, end_label_width);
            canvas.text(label_x, end_style.baseline_for_centre(centre_y), &label, end_style);
        }
    }

    let bottom_axis = Axis { side: AxisSide::Bottom, scale: x_scale, ticks: &x_ticks, title: &figure.x_axis_title, position: plot_bottom };
    let bottom_fragment = render_axis(&bottom_axis);
    y = plot_bottom + bottom_fragment.height + 12.0;
    canvas.append(bottom_fragment);
    canvas.append(render_axis(&Axis { scale: y_scale, position: plot_left, ..left_axis }));

    let entries: Vec<LegendEntry> = series
        .iter()
        .map(|prepared| LegendEntry {
            symbol: LegendSymbol::Line { colour: prepared.colour.to_string(), shape: Some(prepared.shape) },
            label: prepared.label.clone(),
        })
        .collect();
    if !entries.is_empty() {
        let legend = render_legend(&Legend { entries: &entries, x: MARGIN, y, max_width: content_width, title: None });
        y += legend.height + 2.0;
        canvas.append(legend);
    }
    let desc = describe(figure);
    canvas.finish(Frame { width: TRAJECTORY_WIDTH, height: y + MARGIN, title: &figure.title, desc: &desc, id_prefix: &id })
}

struct PreparedSeries {
    label: String,
    /// Finite points sorted by time.
    points: Vec<(f64, f64)>,
    colour: &'static str,
    shape: MarkerShape,
}

impl PreparedSeries {
    fn last(&self) -> (f64, f64) {
        self.points[self.points.len() - 1]
    }
}

/// Colours follow [`palette::OKABE_ITO`] and shapes [`MarkerShape::ALL`]; the two cycles have
/// different lengths, so colour and shape together stay unique for 24 series.
fn prepare(idx: usize, series: &TrajectorySeries) -> PreparedSeries {
    let mut points: Vec<(f64, f64)> = series.points.iter().copied().filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    points.sort_by(|left, right| left.0.total_cmp(&right.0));
    PreparedSeries {
        label: series.label.clone(),
        points,
        colour: palette::okabe_ito(idx).hex,
        shape: MarkerShape::ALL[idx % MarkerShape::ALL.len()],
    }
}

/// The value domain and its ticks.
fn value_axis(figure: &TrajectoryFigure, series: &[PreparedSeries]) -> ((f64, f64), Vec<f64>) {
    if let Some((low, high)) = figure.y_range.filter(|(low, high)| low.is_finite() && high.is_finite() && high > low) {
        let ticks: Vec<f64> = fit_axis(low, high, PLOT_HEIGHT, AxisSide::Left)
            .ticks
            .into_iter()
            .filter(|tick| *tick >= low - 1e-9 && *tick <= high + 1e-9)
            .collect();
        let ticks = if ticks.len() >= 2 { ticks } else { vec![low, high] };
        return ((low, high), ticks);
    }
    let values: Vec<f64> = series
        .iter()
        .flat_map(|prepared| prepared.points.iter().map(|point| point.1))
        .chain(figure.reference_lines.iter().map(|line| line.0))
        .filter(|value| value.is_finite())
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (low, high) = if low.is_finite() { (low, high) } else { (0.0, 1.0) };
    let fitted = fit_axis_to_ticks(low, high, PLOT_HEIGHT, AxisSide::Left);
    (fitted.domain, fitted.ticks)
}

fn time_extent(figure: &TrajectoryFigure, series: &[PreparedSeries]) -> (f64, f64) {
    let values: Vec<f64> = series
        .iter()
        .flat_map(|prepared| prepared.points.iter().map(|point| point.0))
        .chain(figure.events.iter().map(|event| event.0))
        .filter(|value| value.is_finite())
        .collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if low.is_finite() { (low, high) } else { (0.0, 1.0) }
}

/// Event labels as (row, event index, (anchor x, text, anchor)); each goes into the first row
/// where it meets no other label, and is kept inside the figure.
fn place_event_labels(figure: &TrajectoryFigure, x_scale: &Scale, style: TextStyle) -> Vec<(usize, usize, (f64, String, Anchor))> {
    let mut order: Vec<usize> =
        (0..figure.events.len()).filter(|&idx| figure.events[idx].0.is_finite() && x_scale.contains(figure.events[idx].0)).collect();
    order.sort_by(|&left, &right| figure.events[left].0.total_cmp(&figure.events[right].0).then(left.cmp(&right)));
    let mut rows: Vec<Vec<TextBox>> = Vec::new();
    let mut placed = Vec::new();
    for event_idx in order {
        let (at, label) = &figure.events[event_idx];
        let label = truncate_to_width(label, EVENT_LABEL_SIZE, TRAJECTORY_WIDTH * 0.4);
        let x = x_scale.map(*at);
        let width = style.width(&label);
        let (anchor_x, anchor) = if x - width / 2.0 < MARGIN {
            (MARGIN, Anchor::Start)
        } else if x + width / 2.0 > TRAJECTORY_WIDTH - MARGIN {
            (TRAJECTORY_WIDTH - MARGIN, Anchor::End)
        } else {
            (x, Anchor::Middle)
        };
        let candidate = style.anchor(anchor).text_box(anchor_x, 0.0, &label);
        let padded = TextBox { x: candidate.x - 4.0, width: candidate.width + 8.0, ..candidate };
        let row = match rows.iter().position(|row| row.iter().all(|other| !other.overlaps(&padded))) {
            Some(row) => row,
            None => {
                rows.push(Vec::new());
                rows.len() - 1
            }
        };
        rows[row].push(padded);
        placed.push((row, event_idx, (anchor_x, label, anchor)));
    }
    placed
}

/// The plot area in pixels.
struct PlotArea {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl PlotArea {
    /// Whether `text_box` lies inside the plot with `inset` to spare.
    fn holds(&self, text_box: &TextBox, inset: f64) -> bool {
        text_box.x >= self.left + inset
            && text_box.right() <= self.right - inset
            && text_box.y >= self.top
            && text_box.bottom() <= self.bottom
    }
}

/// A label whose position is decided but which is drawn later, above the data.
struct PlacedLabel {
    x: f64,
    baseline: f64,
    text: String,
    style: TextStyle,
}

/// The drawn data in pixels: line segments and points, for keeping labels off them.
struct Obstacles {
    segments: Vec<((f64, f64), (f64, f64))>,
    points: Vec<(f64, f64)>,
}

impl Obstacles {
    fn new(series: &[PreparedSeries], x_scale: &Scale, y_scale: &Scale) -> Obstacles {
        let mut segments = Vec::new();
        let mut points = Vec::new();
        for prepared in series {
            let pixels: Vec<(f64, f64)> = prepared.points.iter().map(|&(x, y)| (x_scale.map(x), y_scale.map(y))).collect();
            segments.extend(pixels.windows(2).map(|pair| (pair[0], pair[1])));
            points.extend(pixels);
        }
        Obstacles { segments, points }
    }

    /// How many segments and points touch `text_box` (with a little clearance).
    fn hits(&self, text_box: &TextBox) -> usize {
        let clearance = 1.5;
        let padded = TextBox {
            x: text_box.x - clearance,
            y: text_box.y - clearance,
            width: text_box.width + 2.0 * clearance,
            height: text_box.height + 2.0 * clearance,
            text: String::new(),
        };
        let half = POINT_SIZE / 2.0;
        let segment_hits = self.segments.iter().filter(|(from, to)| segment_hits_box(*from, *to, &padded)).count();
        let point_hits = self
            .points
            .iter()
            .filter(|(x, y)| *x + half > padded.x && *x - half < padded.right() && *y + half > padded.y && *y - half < padded.bottom())
            .count();
        segment_hits + point_hits
    }
}

/// Whether the segment from `from` to `to` crosses the box (Liang-Barsky clipping).
fn segment_hits_box(from: (f64, f64), to: (f64, f64), text_box: &TextBox) -> bool {
    let (delta_x, delta_y) = (to.0 - from.0, to.1 - from.1);
    let mut enter = 0.0_f64;
    let mut leave = 1.0_f64;
    let edges = [
        (-delta_x, from.0 - text_box.x),
        (delta_x, text_box.right() - from.0),
        (-delta_y, from.1 - text_box.y),
        (delta_y, text_box.bottom() - from.1),
    ];
    for (direction, distance) in edges {
        if direction == 0.0 {
            if distance < 0.0 {
                return false;
            }
            continue;
        }
        let ratio = distance / direction;
        if direction < 0.0 {
            enter = enter.max(ratio);
        } else {
            leave = leave.min(ratio);
        }
        if enter > leave {
            return false;
        }
    }
    true
}

/// Chooses where a reference line's label goes: just above or below the line, at the right end,
/// the left end or a third of the way in, preferring the first spot that meets no text and no data,
/// then the one that meets the least data.
fn place_reference_label(label: &str, line_y: f64, plot: &PlotArea, obstacles: &Obstacles, taken: &[TextBox]) -> PlacedLabel {
    let style = TextStyle::new(REFERENCE_LABEL_SIZE).fill(palette::MUTED_TEXT).halo();
    let text = truncate_to_width(label, REFERENCE_LABEL_SIZE, (plot.right - plot.left) / 2.0);
    let above = line_y - 3.0 - crate::layout::DESCENT * REFERENCE_LABEL_SIZE;
    let below = line_y + 3.0 + ASCENT * REFERENCE_LABEL_SIZE;
    let third = (plot.right - plot.left) / 3.0;
    let mut candidates = Vec::new();
    for (x, anchor) in [
        (plot.right - 4.0, Anchor::End),
        (plot.left + 4.0, Anchor::Start),
        (plot.left + third, Anchor::Middle),
        (plot.right - third, Anchor::Middle),
    ] {
        for baseline in [above, below] {
            candidates.push((x, baseline, anchor));
        }
    }
    let scored = candidates.iter().filter_map(|&(x, baseline, anchor)| {
        let candidate = style.anchor(anchor).text_box(x, baseline, &text);
        let fits = plot.holds(&candidate, 0.0) && taken.iter().all(|other| !other.overlaps(&candidate));
        fits.then(|| (obstacles.hits(&candidate), x, baseline, anchor))
    });
    let best = scored.fold(None, |best: Option<(usize, f64, f64, Anchor)>, current| match best {
        Some(previous) if previous.0 <= current.0 => Some(previous),
        _ => Some(current),
    });
    let (x, baseline, anchor) = best.map_or(candidates[0], |(_, x, baseline, anchor)| (x, baseline, anchor));
    PlacedLabel { x, baseline, text, style: style.anchor(anchor) }
}

fn describe(figure: &TrajectoryFigure) -> String {
    let labels: Vec<&str> = figure.series.iter().map(|series| series.label.as_str()).collect();
    let mut desc = format!(
        "Line chart of {} against {} for {} patient{} ({}).",
        figure.y_axis_title,
        figure.x_axis_title,
        labels.len(),
        if labels.len() == 1 { "" } else { "s" },
        labels.join(", ")
    );
    if !figure.reference_lines.is_empty() {
        let lines: Vec<String> = figure.reference_lines.iter().map(|(value, label)| format!("{label} at {value}")).collect();
        desc.push_str(&format!(" Dashed reference lines: {}.", lines.join("; ")));
    }
    if !figure.events.is_empty() {
        let events: Vec<String> = figure.events.iter().map(|(at, label)| format!("{label} at {at}")).collect();
        desc.push_str(&format!(" Dotted vertical lines: {}.", events.join("; ")));
    }
    desc
}

#[cfg(test)]
mod tests {
    use crate::layout::TextBox;
    use crate::layout::check_layout;
    use crate::trajectory::{TrajectoryFigure, TrajectorySeries, render_trajectories, segment_hits_box};

    #[test]
    fn segment_hits_box_finds_crossings_and_misses() {
        let text_box = TextBox { x: 10.0, y: 10.0, width: 20.0, height: 10.0, text: String::new() };
        let cases = [
            ("crosses horizontally", (0.0, 15.0), (40.0, 15.0), true),
            ("crosses diagonally", (0.0, 0.0), (40.0, 30.0), true),
            ("ends inside", (0.0, 15.0), (15.0, 15.0), true),
            ("passes above", (0.0, 5.0), (40.0, 5.0), false),
            ("stops short", (0.0, 15.0), (9.0, 15.0), false),
            ("passes the corner", (0.0, 25.0), (15.0, 35.0), false),
        ];
        for (case, from, to, expected) in cases {
            assert_eq!(segment_hits_box(from, to, &text_box), expected, "case {case}");
        }
    }

    fn figure(n_series: usize, ending_together: bool) -> TrajectoryFigure {
        TrajectoryFigure {
            title: "Donor chimerism".to_string(),
            x_axis_title: "Months from HSCT".to_string(),
            y_axis_title: "Myeloid donor chimerism (%)".to_string(),
            series: (0..n_series)
                .map(|idx| TrajectorySeries {
                    label: format!("WAS-{idx:02}"),
                    points: vec![(1.0, 90.0), (6.0, 80.0 - idx as f64), (if ending_together { 12.0 } else { 12.0 + idx as f64 }, 70.0)],
                })
                .collect(),
            reference_lines: vec![(95.0, "Full chimerism".to_string()), (90.0, "Mixed".to_string()), (5.0, "Graft failure".to_string())],
            y_range: Some((0.0, 100.0)),
            events: vec![(0.0, "HSCT".to_string()), (0.2, "Boost".to_string()), (6.0, "DLI".to_string())],
        }
    }

    #[test]
    fn end_labels_fall_back_to_the_legend_when_crowded() {
        let cases = [("few series", 3, true), ("crowded", 30, false)];
        for (case, n_series, expect_end_labels) in cases {
            let rendered = render_trajectories(&figure(n_series, true));
            assert_eq!(rendered.svg.contains("cbp-leader"), expect_end_labels, "case {case}");
            let report = check_layout(&rendered);
            assert!(report.is_clean(), "case {case}: {report:?}");
        }
    }

    #[test]
    fn close_reference_lines_and_events_do_not_collide() {
        let rendered = render_trajectories(&figure(4, false));
        let report = check_layout(&rendered);
        assert!(report.is_clean(), "{report:?}");
    }
}
