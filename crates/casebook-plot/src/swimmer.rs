//! Swimmer plots: one lane per patient along a time axis, treatment courses as bars, events as
//! marker shapes, a thin line to last follow-up, and an arrow head on courses still running.
//!
//! Lanes are drawn in the given order, gathered under a header per group (in the order each group
//! first appears). A lane's bars can sit in up to four sub-rows, so overlapping courses of
//! different drugs stay visible. Each series gets an Okabe-Ito colour and, from the second series
//! on, a hatching pattern, so the figure still reads when printed in greyscale.

use crate::axis::{Axis, AxisSide, fit_axis, render_axis, render_gridlines};
use crate::layout::{Rendered, text_width, truncate_to_width};
use crate::legend::{Legend, LegendEntry, LegendSymbol, render_legend};
use crate::palette;
use crate::scale::{Scale, format_number, format_ticks};
use crate::shape::{MarkerPaint, MarkerShape, marker_element};
use crate::svg::{Anchor, Canvas, Frame, TextStyle, escape_xml, id_prefix, num};

/// Width of every swimmer plot, in pixels; the height grows with the number of lanes.
pub const SWIMMER_WIDTH: f64 = 860.0;

/// A swimmer plot to render.
#[derive(Debug, Clone, PartialEq)]
pub struct SwimmerFigure {
    /// The figure title.
    pub title: String,
    /// An optional line under the title.
    pub subtitle: Option<String>,
    /// The time axis title with its unit, e.g. "Years from gene therapy or HSCT".
    pub x_axis_title: String,
    /// One lane per patient, in drawing order within each group.
    pub lanes: Vec<Lane>,
    /// Bar series (usually drugs); bars refer to them by index.
    pub series: Vec<SeriesStyle>,
    /// Event kinds; markers refer to them by index.
    pub marker_kinds: Vec<MarkerStyle>,
    /// An optional note under the figure, e.g. "Constructed data; not real patients".
    pub footnote: Option<String>,
}

/// One patient's lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    /// The patient pseudonym, shown left of the lane.
    pub label: String,
    /// The group the lane is drawn under, e.g. "Gene therapy" or "HSCT".
    pub group: Option<String>,
    /// Treatment courses.
    pub bars: Vec<Bar>,
    /// Events.
    pub markers: Vec<Marker>,
    /// Time of last follow-up: a thin line runs to it and ends in a tick.
    pub follow_up_end: f64,
}

/// One course drawn as a bar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Index into [`SwimmerFigure::series`]; an unknown index is drawn grey.
    pub series: usize,
    /// Start time.
    pub start: f64,
    /// End time (or last follow-up when ongoing).
    pub end: f64,
    /// Still running at last follow-up: the bar ends in an arrow head.
    pub ongoing: bool,
    /// Sub-row within the lane, 0 to 3 (larger values are drawn in row 3).
    pub row: u8,
}

/// One event drawn as a marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marker {
    /// Index into [`SwimmerFigure::marker_kinds`]; an unknown index is drawn as a grey circle.
    pub kind: usize,
    /// Time of the event.
    pub at: f64,
}

/// How a bar series looks and what the legend calls it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesStyle {
    /// Legend label, e.g. "Anakinra".
    pub name: String,
    /// Index into [`palette::OKABE_ITO`].
    pub colour: usize,
}

/// How an event kind looks and what the legend calls it.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkerStyle {
    /// Legend label, e.g. "Gene therapy".
    pub name: String,
    /// Marker shape.
    pub shape: MarkerShape,
}

const MARGIN: f64 = 16.0;
const LABEL_SIZE: f64 = 12.0;
const GROUP_SIZE: f64 = 12.5;
const BAR_HEIGHT: f64 = 9.0;
const SUB_ROW_PITCH: f64 = 12.0;
const MIN_LANE_HEIGHT: f64 = 20.0;
const GROUP_HEADER_HEIGHT: f64 = 24.0;
const MARKER_SIZE: f64 = 11.0;
const ARROW_LENGTH: f64 = 8.0;

/// Renders a swimmer plot.
pub fn render_swimmer(figure: &SwimmerFigure) -> Rendered {
    let id = id_prefix("swimmer", &[&figure.title, &figure.x_axis_title]);
    let mut canvas = Canvas::new();
    let content_width = SWIMMER_WIDTH - 2.0 * MARGIN;

    // Series paints: colour plus, from the second series on, a hatching pattern.
    let paints: Vec<SeriesPaint> = figure.series.iter().enumerate().map(|(idx, style)| series_paint(&id, idx, style)).collect();
    for paint in &paints {
        if let Some(def) = &paint.pattern_def {
            canvas.push_def(def);
        }
    }

    let mut y = MARGIN;
    y = canvas.heading(&figure.title, figure.subtitle.as_deref(), MARGIN, y, content_width);
    y += 8.0;

    // The lane-label column is as wide as the longest label, within reason.
    let label_cap = SWIMMER_WIDTH * 0.3;
    let label_width = figure.lanes.iter().map(|lane| text_width(&lane.label, LABEL_SIZE)).fold(0.0, f64::max).min(label_cap);
    let plot_left = MARGIN + label_width + 10.0;

    // Time axis: from min(0, data) to the data maximum, on round ticks.
    let (data_min, data_max) = data_extent(&figure.lanes);
    let provisional_length = SWIMMER_WIDTH - MARGIN - 20.0 - plot_left;
    let fitted = fit_axis(data_min.min(0.0), data_max, provisional_length, AxisSide::Bottom);
    let ticks = fitted.ticks;
    let domain = fitted.domain;
    let tick_labels = format_ticks(&ticks);
    let last_label_half = tick_labels.last().map(|label| text_width(label, crate::axis::TICK_LABEL_SIZE) / 2.0).unwrap_or(0.0);
    let plot_right = SWIMMER_WIDTH - MARGIN - (ARROW_LENGTH + 4.0).max(last_label_half + 2.0);
    let scale = Scale::new(domain, (plot_left, plot_right));

    // Lay out groups and lanes top to bottom before drawing, so gridlines go underneath.
    let groups = group_lanes(&figure.lanes);
    let show_headers = groups.iter().any(|(name, _)| name.is_some());
    let plot_top = y;
    let mut headers: Vec<(f64, &str)> = Vec::new();
    let mut placed_lanes: Vec<(f64, f64, &Lane)> = Vec::new();
    for (name, lanes) in &groups {
        if show_headers {
            headers.push((y, name.unwrap_or("Other")));
            y += GROUP_HEADER_HEIGHT;
        }
        for lane in lanes {
            let height = lane_height(lane);
            placed_lanes.push((y, height, lane));
            y += height;
        }
    }
    if placed_lanes.is_empty() {
        y += 2.0 * MIN_LANE_HEIGHT;
    }
    let plot_bottom = y + 4.0;

    // Background: lane shading, group rules, gridlines, the zero line.
    for (lane_idx, (lane_top, lane_height, _)) in placed_lanes.iter().enumerate() {
        if lane_idx % 2 == 1 {
            canvas.push(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                num(MARGIN),
                num(*lane_top),
                num(SWIMMER_WIDTH - 2.0 * MARGIN),
                num(*lane_height),
                palette::SHADE
            ));
        }
    }
    canvas.push(render_gridlines(&scale, &ticks, AxisSide::Bottom, plot_top, plot_bottom).trim_end());
    if domain.0 < 0.0 && domain.1 > 0.0 {
        let zero_x = scale.map(0.0);
        canvas.push(&format!(
            "<line class=\"cbp-zero\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#8c8c8c\" stroke-width=\"1.2\"/>",
            num(plot_top),
            num(plot_bottom),
            x = num(zero_x)
        ));
    }
    for (header_idx, (header_top, name)) in headers.iter().enumerate() {
        if header_idx > 0 {
            canvas.push(&format!(
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#9e9e9e\" stroke-width=\"1\"/>",
                num(MARGIN),
                num(SWIMMER_WIDTH - MARGIN),
                y = num(header_top + 2.0)
            ));
        }
        let style = TextStyle::new(GROUP_SIZE).bold();
        let text = truncate_to_width(name, GROUP_SIZE * 1.08, content_width);
        canvas.text(MARGIN, style.baseline_for_centre(header_top + GROUP_HEADER_HEIGHT / 2.0 + 2.0), &text, style);
    }

    // Lanes: label, follow-up line, bars, arrows, markers.
    for (lane_top, lane_height, lane) in &placed_lanes {
        let context = LaneContext { figure, paints: &paints, scale: &scale, label_width };
        draw_lane(&mut canvas, &context, lane, *lane_top, *lane_height);
    }
    if placed_lanes.is_empty() {
        let style = TextStyle::new(LABEL_SIZE).fill(palette::MUTED_TEXT).anchor(Anchor::Middle);
        canvas.text((plot_left + plot_right) / 2.0, style.baseline_for_centre(plot_top + MIN_LANE_HEIGHT), "No patients", style);
    }

    let axis = Axis { side: AxisSide::Bottom, scale, ticks: &ticks, title: &figure.x_axis_title, position: plot_bottom };
    let axis_fragment = render_axis(&axis);
    y = plot_bottom + axis_fragment.height + 12.0;
    canvas.append(axis_fragment);

    // Legend: bar series on one block, events and conventions on the next.
    let series_entries: Vec<LegendEntry> = figure
        .series
        .iter()
        .zip(&paints)
        .map(|(style, paint)| LegendEntry { symbol: LegendSymbol::Swatch { fill: paint.fill.clone() }, label: style.name.clone() })
        .collect();
    let mut event_entries: Vec<LegendEntry> = figure
        .marker_kinds
        .iter()
        .map(|kind| LegendEntry { symbol: LegendSymbol::Marker { shape: kind.shape }, label: kind.name.clone() })
        .collect();
    if figure.lanes.iter().any(|lane| lane.bars.iter().any(|bar| bar.ongoing)) {
        event_entries.push(LegendEntry { symbol: LegendSymbol::Arrow, label: "Ongoing at last follow-up".to_string() });
    }
    if !figure.lanes.is_empty() {
        event_entries.push(LegendEntry { symbol: LegendSymbol::FollowUp, label: "Follow-up, tick at last visit".to_string() });
    }
    for entries in [&series_entries, &event_entries] {
        if entries.is_empty() {
            continue;
        }
        let fragment = render_legend(&Legend { entries, x: MARGIN, y, max_width: content_width, title: None });
        y += fragment.height + 2.0;
        canvas.append(fragment);
    }

    if let Some(footnote) = &figure.footnote {
        y += 6.0;
        y = canvas.footnote(footnote, MARGIN, y, content_width);
    }

    let desc = describe(figure, &groups);
    canvas.finish(Frame { width: SWIMMER_WIDTH, height: y + MARGIN, title: &figure.title, desc: &desc, id_prefix: &id })
}

struct SeriesPaint {
    /// The plain colour, for arrow heads.
    colour: &'static str,
    /// The bar fill: the colour or a pattern reference.
    fill: String,
    pattern_def: Option<String>,
}

/// The colour and hatching of series `idx`: the first is solid, later ones cycle through
/// diagonal, cross-hatched, horizontal, reverse-diagonal and dotted patterns.
fn series_paint(id: &str, idx: usize, style: &SeriesStyle) -> SeriesPaint {
    let colour = palette::okabe_ito(style.colour).hex;
    let (ink, opacity) = if palette::is_light(colour) { ("#000000", "0.5") } else { ("#ffffff", "0.75") };
    let pattern_id = format!("{id}-series-{idx}");
    let stripe = |rotation: &str, extra: &str| {
        format!(
            "<pattern id=\"{pattern_id}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate({rotation})\">\
             <rect width=\"6\" height=\"6\" fill=\"{colour}\"/>\
             <line x1=\"1\" y1=\"0\" x2=\"1\" y2=\"6\" stroke=\"{ink}\" stroke-opacity=\"{opacity}\" stroke-width=\"1.6\"/>{extra}</pattern>"
        )
    };
    let pattern_def = match idx % 6 {
        0 => None,
        1 => Some(stripe("45", "")),
        2 => Some(stripe(
            "45",
            &format!("<line x1=\"0\" y1=\"4\" x2=\"6\" y2=\"4\" stroke=\"{ink}\" stroke-opacity=\"{opacity}\" stroke-width=\"1.2\"/>"),
        )),
        3 => Some(stripe("90", "")),
        4 => Some(stripe("-45", "")),
        _ => Some(format!(
            "<pattern id=\"{pattern_id}\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\">\
             <rect width=\"5\" height=\"5\" fill=\"{colour}\"/><circle cx=\"2.5\" cy=\"2.5\" r=\"1.1\" fill=\"{ink}\" fill-opacity=\"{opacity}\"/></pattern>"
        )),
    };
    let fill = if pattern_def.is_some() { format!("url(#{pattern_id})") } else { colour.to_string() };
    SeriesPaint { colour, fill, pattern_def }
}

/// Lanes gathered by group, groups in order of first appearance, lanes in input order.
fn group_lanes(lanes: &[Lane]) -> Vec<(Option<&str>, Vec<&Lane>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Lane>)> = Vec::new();
    for lane in lanes {
        let name = lane.group.as_deref();
        match groups.iter_mut().find(|(existing, _)| *existing == name) {
            Some((_, members)) => members.push(lane),
            None => groups.push((name, vec![lane])),
        }
    }
    groups
}

/// The smallest and largest finite time in the figure; `(0, 1)` when there is none.
fn data_extent(lanes: &[Lane]) -> (f64, f64) {
    let values = lanes.iter().flat_map(|lane| {
        lane.bars
            .iter()
            .flat_map(|bar| [bar.start, bar.end])
            .chain(lane.markers.iter().map(|marker| marker.at))
            .chain(std::iter::once(lane.follow_up_end))
    });
    let (min, max) = values
        .filter(|value| value.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(min, max), value| (min.min(value), max.max(value)));
    if min.is_finite() { (min, max) } else { (0.0, 1.0) }
}

fn sub_rows(lane: &Lane) -> usize {
    lane.bars.iter().map(|bar| usize::from(bar.row.min(3)) + 1).max().unwrap_or(1)
}

fn lane_height(lane: &Lane) -> f64 {
    (sub_rows(lane) as f64 * SUB_ROW_PITCH + 8.0).max(MIN_LANE_HEIGHT)
}

/// What every lane needs from the figure as a whole.
struct LaneContext<'a> {
    figure: &'a SwimmerFigure,
    paints: &'a [SeriesPaint],
    scale: &'a Scale,
    label_width: f64,
}

fn draw_lane(canvas: &mut Canvas, context: &LaneContext<'_>, lane: &Lane, lane_top: f64, lane_height: f64) {
    let LaneContext { figure, paints, scale, label_width } = *context;
    let (plot_left, _) = scale.range();
    let centre_y = lane_top + lane_height / 2.0;
    let label_style = TextStyle::new(LABEL_SIZE).anchor(Anchor::End);
    let label = truncate_to_width(&lane.label, LABEL_SIZE, label_width);
    let tooltip = (label != lane.label).then_some(lane.label.as_str());
    canvas.text_with_tooltip(plot_left - 10.0, label_style.baseline_for_centre(centre_y), &label, label_style, tooltip);

    // Follow-up: from time zero (or the lane's first event, if earlier) to last follow-up.
    if lane.follow_up_end.is_finite() {
        let lane_start = lane
            .bars
            .iter()
            .map(|bar| bar.start.min(bar.end))
            .chain(lane.markers.iter().map(|marker| marker.at))
            .filter(|value| value.is_finite())
            .fold(0.0_f64, f64::min)
            .min(lane.follow_up_end);
        let end_x = scale.map(lane.follow_up_end);
        canvas.push(&format!(
            "<line class=\"cbp-follow-up\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#595959\" stroke-width=\"1\"/>",
            num(scale.map(lane_start)),
            num(end_x),
            y = num(centre_y)
        ));
        canvas.push(&format!(
            "<line class=\"cbp-last-follow-up\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\"/>",
            num(centre_y - 6.0),
            num(centre_y + 6.0),
            palette::AXIS,
            x = num(end_x)
        ));
    }

    let rows = sub_rows(lane) as f64;
    let rows_top = centre_y - rows * SUB_ROW_PITCH / 2.0;
    for bar in &lane.bars {
        if !bar.start.is_finite() || !bar.end.is_finite() {
            continue;
        }
        let (start, end) = (bar.start.min(bar.end), bar.start.max(bar.end));
        let bar_centre = rows_top + (f64::from(bar.row.min(3)) + 0.5) * SUB_ROW_PITCH;
        let (fill, colour, name) = match (paints.get(bar.series), figure.series.get(bar.series)) {
            (Some(paint), Some(style)) => (paint.fill.as_str(), paint.colour, style.name.as_str()),
            _ => (palette::FALLBACK, palette::FALLBACK, "Unknown series"),
        };
        let start_x = scale.map(start);
        let end_x = scale.map(end);
        let status = if bar.ongoing { ", ongoing" } else { "" };
        canvas.push(&format!(
            "<rect class=\"cbp-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"0.75\">\
             <title>{}</title></rect>",
            num(start_x),
            num(bar_centre - BAR_HEIGHT / 2.0),
            num((end_x - start_x).max(1.5)),
            num(BAR_HEIGHT),
            palette::AXIS,
            escape_xml(&format!("{}: {name}, {} to {}{status}", lane.label, format_number(start, 2), format_number(end, 2)))
        ));
        if bar.ongoing {
            canvas.push(&format!(
                "<polygon class=\"cbp-ongoing-arrow\" points=\"{},{} {},{} {},{}\" fill=\"{colour}\" stroke=\"{}\" stroke-width=\"0.75\" stroke-linejoin=\"round\"/>",
                num(end_x),
                num(bar_centre - BAR_HEIGHT / 2.0 - 2.5),
                num(end_x),
                num(bar_centre + BAR_HEIGHT / 2.0 + 2.5),
                num(end_x + ARROW_LENGTH),
                num(bar_centre),
                palette::AXIS
            ));
        }
    }

    let mut markers: Vec<&Marker> = lane.markers.iter().filter(|marker| marker.at.is_finite()).collect();
    markers.sort_by(|left, right| left.at.total_cmp(&right.at));
    let marker_xs: Vec<f64> = markers.iter().map(|marker| scale.map(marker.at)).collect();
    let offsets = stagger(&marker_xs, MARKER_SIZE * 0.8, lane_height / 2.0 - MARKER_SIZE / 2.0);
    for ((marker, x), offset) in markers.iter().zip(&marker_xs).zip(offsets) {
        let (shape, fill, name) = match figure.marker_kinds.get(marker.kind) {
            Some(style) => (style.shape, palette::TEXT, style.name.as_str()),
            None => (MarkerShape::Circle, palette::FALLBACK, "Unknown event"),
        };
        let element = marker_element(shape, *x, centre_y + offset, MARKER_SIZE, MarkerPaint { fill, stroke: "#ffffff", stroke_width: 1.0 });
        let tooltip = escape_xml(&format!("{}: {name} at {}", lane.label, format_number(marker.at, 2)));
        canvas.push(&format!("<g class=\"cbp-marker\"><title>{tooltip}</title>{element}</g>"));
    }
}

/// Vertical offsets for markers at `xs` (sorted) so that markers closer than `min_dx` do not sit
/// on top of each other: each takes the first level (0, up, down, further up, further down) free
/// of near neighbours, with levels spaced half a marker apart and at most `max_offset` away.
fn stagger(xs: &[f64], min_dx: f64, max_offset: f64) -> Vec<f64> {
    let step = (MARKER_SIZE * 0.55).min(max_offset.max(0.0));
    let levels = [0.0, -1.0, 1.0, -2.0, 2.0];
    let mut offsets: Vec<f64> = Vec::with_capacity(xs.len());
    for (idx, &x) in xs.iter().enumerate() {
        let taken = |offset: f64| (0..idx).any(|other| (xs[other] - x).abs() < min_dx && (offsets[other] - offset).abs() < 1e-9);
        let offset = levels.iter().map(|level| (level * step).clamp(-max_offset, max_offset)).find(|&offset| !taken(offset)).unwrap_or(0.0);
        offsets.push(offset);
    }
    offsets
}

fn describe(figure: &SwimmerFigure, groups: &[(Option<&str>, Vec<&Lane>)]) -> String {
    let mut desc = format!("Swimmer plot of {} patient{}", figure.lanes.len(), if figure.lanes.len() == 1 { "" } else { "s" });
    let named: Vec<String> = groups.iter().filter_map(|(name, lanes)| name.map(|name| format!("{name}: {}", lanes.len()))).collect();
    if !named.is_empty() {
        desc.push_str(&format!(" ({})", named.join("; ")));
    }
    desc.push_str(&format!(". Horizontal axis: {}.", figure.x_axis_title));
    if !figure.series.is_empty() {
        let names: Vec<&str> = figure.series.iter().map(|style| style.name.as_str()).collect();
        desc.push_str(&format!(" Bars: {}.", names.join(", ")));
    }
    if !figure.marker_kinds.is_empty() {
        let names: Vec<&str> = figure.marker_kinds.iter().map(|style| style.name.as_str()).collect();
        desc.push_str(&format!(" Markers: {}.", names.join(", ")));
    }
    desc.push_str(" A thin line runs to last follow-up; an arrow head marks treatment ongoing at last follow-up.");
    desc
}

#[cfg(test)]
mod tests {
    use crate::layout::check_layout;
    use crate::shape::MarkerShape;
    use crate::swimmer::{Bar, Lane, Marker, MarkerStyle, SeriesStyle, SwimmerFigure, data_extent, group_lanes, render_swimmer, stagger};

    fn lane(label: &str, group: Option<&str>, start: f64, end: f64) -> Lane {
        Lane {
            label: label.to_string(),
            group: group.map(str::to_string),
            bars: vec![Bar { series: 0, start, end, ongoing: false, row: 0 }],
            markers: vec![Marker { kind: 0, at: start }],
            follow_up_end: end + 1.0,
        }
    }

    #[test]
    fn lanes_are_grouped_in_order_of_first_appearance() {
        let lanes = vec![lane("A", Some("HSCT"), 0.0, 1.0), lane("B", Some("GT"), 0.0, 1.0), lane("C", Some("HSCT"), 0.0, 1.0)];
        let groups = group_lanes(&lanes);
        let order: Vec<(Option<&str>, Vec<&str>)> =
            groups.iter().map(|(name, lanes)| (*name, lanes.iter().map(|lane| lane.label.as_str()).collect())).collect();
        assert_eq!(order, [(Some("HSCT"), vec!["A", "C"]), (Some("GT"), vec!["B"])]);
    }

    #[test]
    fn stagger_moves_only_markers_that_would_collide() {
        let cases: &[(&str, &[f64], &[f64])] = &[
            ("far apart", &[10.0, 50.0, 90.0], &[0.0, 0.0, 0.0]),
            ("two together", &[10.0, 12.0, 90.0], &[0.0, -6.05, 0.0]),
            ("three together", &[10.0, 11.0, 12.0], &[0.0, -6.05, 6.05]),
        ];
        for (case, xs, expected) in cases {
            let offsets = stagger(xs, 8.8, 10.0);
            for (offset, wanted) in offsets.iter().zip(*expected) {
                assert!((offset - wanted).abs() < 1e-9, "case {case}: {offsets:?}");
            }
        }
    }

    #[test]
    fn data_extent_ignores_non_finite_values() {
        let mut odd = lane("A", None, -2.0, 5.0);
        odd.markers.push(Marker { kind: 0, at: f64::NAN });
        assert_eq!(data_extent(&[odd]), (-2.0, 6.0));
        assert_eq!(data_extent(&[]), (0.0, 1.0));
    }

    #[test]
    fn unknown_series_and_marker_kinds_are_drawn_grey_not_dropped() {
        let mut odd = lane("A", None, 0.0, 5.0);
        odd.bars[0].series = 9;
        odd.markers[0].kind = 9;
        let figure = SwimmerFigure {
            title: "T".to_string(),
            subtitle: None,
            x_axis_title: "Years".to_string(),
            lanes: vec![odd],
            series: vec![SeriesStyle { name: "Anakinra".to_string(), colour: 1 }],
            marker_kinds: vec![MarkerStyle { name: "HSCT".to_string(), shape: MarkerShape::Triangle }],
            footnote: None,
        };
        let rendered = render_swimmer(&figure);
        assert!(rendered.svg.contains("Unknown series"));
        assert!(rendered.svg.contains("Unknown event"));
        assert!(check_layout(&rendered).is_clean());
    }

    #[test]
    fn a_figure_without_lanes_still_renders() {
        let figure = SwimmerFigure {
            title: "Empty".to_string(),
            subtitle: None,
            x_axis_title: "Years".to_string(),
            lanes: Vec::new(),
            series: Vec::new(),
            marker_kinds: Vec::new(),
            footnote: None,
        };
        let rendered = render_swimmer(&figure);
        assert!(rendered.svg.contains("No patients"));
        assert!(check_layout(&rendered).is_clean(), "{:?}", check_layout(&rendered));
    }
}
