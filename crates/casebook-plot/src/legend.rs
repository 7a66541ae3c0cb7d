//! Legends: a symbol and a label per entry, flowing left to right and wrapping onto new rows
//! within a maximum width.

use crate::layout::{Fragment, truncate_to_width};
use crate::palette;
use crate::phenotype::{CellState, cell_element};
use crate::shape::{MarkerPaint, MarkerShape, marker_element};
use crate::svg::{Canvas, TextStyle, num};

/// Font size of legend labels.
pub const LEGEND_LABEL_SIZE: f64 = 12.0;

const SYMBOL_WIDTH: f64 = 22.0;
const SYMBOL_GAP: f64 = 6.0;
const ENTRY_GAP: f64 = 18.0;
const ROW_HEIGHT: f64 = 20.0;

/// What a legend entry shows before its label.
#[derive(Debug, Clone, PartialEq)]
pub enum LegendSymbol {
    /// A filled bar segment; `fill` is any SVG paint, including a `url(#pattern)`.
    Swatch {
        /// The fill paint.
        fill: String,
    },
    /// A dark event marker.
    Marker {
        /// Its shape.
        shape: MarkerShape,
    },
    /// A line segment, optionally with a point marker in its middle.
    Line {
        /// The line colour.
        colour: String,
        /// The point marker, if the series has one.
        shape: Option<MarkerShape>,
    },
    /// A bar ending in an arrow head: treatment ongoing at last follow-up.
    Arrow,
    /// A thin line with an end tick: follow-up and the date of last follow-up.
    FollowUp,
    /// A horizontal dashed reference line.
    ReferenceLine,
    /// A phenotype grid cell.
    Cell(CellState),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    /// The symbol.
    pub symbol: LegendSymbol,
    /// The label.
    pub label: String,
}

/// A legend to draw.
#[derive(Debug, Clone, Copy)]
pub struct Legend<'a> {
    /// Entries, in reading order.
    pub entries: &'a [LegendEntry],
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Entries wrap onto a new row rather than cross `x + max_width`.
    pub max_width: f64,
    /// An optional bold lead-in before the first entry, e.g. "Treatment".
    pub title: Option<&'a str>,
}

/// Draws the legend; the fragment's height is the height of all its rows.
pub fn render_legend(legend: &Legend<'_>) -> Fragment {
    let mut canvas = Canvas::new();
    if legend.entries.is_empty() && legend.title.is_none() {
        return canvas.into_fragment(0.0);
    }
    let label_style = TextStyle::new(LEGEND_LABEL_SIZE);
    let right_edge = legend.x + legend.max_width;
    let mut row = 0usize;
    let mut cursor_x = legend.x;
    let row_centre = |row: usize| legend.y + row as f64 * ROW_HEIGHT + ROW_HEIGHT / 2.0;
    if let Some(title) = legend.title {
        let title_style = label_style.bold();
        let title = truncate_to_width(title, LEGEND_LABEL_SIZE, legend.max_width / 1.1);
        let placed = canvas.text(cursor_x, title_style.baseline_for_centre(row_centre(row)), &title, title_style);
        cursor_x = placed.right() + ENTRY_GAP * 0.6;
    }
    for entry in legend.entries {
        let label = truncate_to_width(&entry.label, LEGEND_LABEL_SIZE, legend.max_width - SYMBOL_WIDTH - SYMBOL_GAP);
        let entry_width = SYMBOL_WIDTH + SYMBOL_GAP + label_style.width(&label);
        if cursor_x > legend.x && cursor_x + entry_width > right_edge {
            row += 1;
            cursor_x = legend.x;
        }
        let centre_y = row_centre(row);
        canvas.push(&symbol_element(&entry.symbol, cursor_x, centre_y));
        canvas.text(cursor_x + SYMBOL_WIDTH + SYMBOL_GAP, label_style.baseline_for_centre(centre_y), &label, label_style);
        cursor_x += entry_width + ENTRY_GAP;
    }
    canvas.into_fragment((row + 1) as f64 * ROW_HEIGHT)
}

/// The symbol's elements, drawn in a `SYMBOL_WIDTH`-wide slot starting at `left`.
fn symbol_element(symbol: &LegendSymbol, left: f64, centre_y: f64) -> String {
    let centre_x = left + SYMBOL_WIDTH / 2.0;
    match symbol {
        LegendSymbol::Swatch { fill } => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" fill=\"{fill}\" stroke=\"{}\" stroke-width=\"0.75\"/>",
            num(left),
            num(centre_y - 5.0),
            num(SYMBOL_WIDTH),
            palette::AXIS
        ),
        LegendSymbol::Marker { shape } => {
            marker_element(*shape, centre_x, centre_y, 11.0, MarkerPaint { fill: palette::TEXT, stroke: "#ffffff", stroke_width: 0.8 })
        }
        LegendSymbol::Line { colour, shape } => {
            let mut svg = format!(
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"2\"/>",
                num(left),
                num(centre_y),
                num(left + SYMBOL_WIDTH),
                num(centre_y)
            );
            if let Some(shape) = shape {
                svg.push_str(&marker_element(
                    *shape,
                    centre_x,
                    centre_y,
                    8.0,
                    MarkerPaint { fill: colour, stroke: "#ffffff", stroke_width: 0.8 },
                ));
            }
            svg
        }
        LegendSymbol::Arrow => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"8\" fill=\"#bdbdbd\" stroke=\"{axis}\" stroke-width=\"0.75\"/>\
             <polygon points=\"{},{} {},{} {},{}\" fill=\"{axis}\"/>",
            num(left),
            num(centre_y - 4.0),
            num(SYMBOL_WIDTH - 8.0),
            num(left + SYMBOL_WIDTH - 8.0),
            num(centre_y - 6.0),
            num(left + SYMBOL_WIDTH - 8.0),
            num(centre_y + 6.0),
            num(left + SYMBOL_WIDTH),
            num(centre_y),
            axis = palette::AXIS
        ),
        LegendSymbol::FollowUp => format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{axis}\" stroke-width=\"1\"/>\
             <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{axis}\" stroke-width=\"1.5\"/>",
            num(left),
            num(centre_y),
            num(left + SYMBOL_WIDTH - 1.0),
            num(centre_y),
            num(left + SYMBOL_WIDTH - 1.0),
            num(centre_y - 6.0),
            num(left + SYMBOL_WIDTH - 1.0),
            num(centre_y + 6.0),
            axis = palette::AXIS
        ),
        LegendSymbol::ReferenceLine => format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\"/>",
            num(left),
            num(centre_y),
            num(left + SYMBOL_WIDTH),
            num(centre_y),
            palette::MUTED_TEXT
        ),
        LegendSymbol::Cell(state) => cell_element(*state, centre_x - 7.0, centre_y - 7.0, 14.0),
    }
}

#[cfg(test)]
mod tests {
    use crate::layout::overlapping_text;
    use crate::legend::{Legend, LegendEntry, LegendSymbol, render_legend};

    #[test]
    fn legend_wraps_onto_rows_within_its_width() {
        let entries: Vec<LegendEntry> =
            (0..12).map(|idx| LegendEntry { symbol: LegendSymbol::Arrow, label: format!("Entry number {idx}") }).collect();
        for max_width in [200.0, 500.0, 2000.0] {
            let fragment = render_legend(&Legend { entries: &entries, x: 10.0, y: 10.0, max_width, title: Some("Events") });
            assert_eq!(fragment.text_boxes.len(), 13, "width {max_width}");
            assert!(overlapping_text(&fragment.text_boxes).is_empty(), "width {max_width}");
            for text_box in &fragment.text_boxes {
                assert!(text_box.right() <= 10.0 + max_width + 1e-9, "width {max_width}: {text_box:?}");
            }
            if max_width < 1000.0 {
                assert!(fragment.height > 20.0, "width {max_width}: expected several rows");
            }
        }
    }
}
