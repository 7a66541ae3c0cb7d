//! Text measurement and layout checks: every figure reports where it put its text, so tests can
//! prove that no label overlaps another and that none is cut off at the edge.
//!
//! The width estimate uses per-character Helvetica widths (the AFM metrics) and then adds 10 %,
//! so the layout still holds when the viewer substitutes a wider sans-serif (DejaVu Sans is the
//! usual fallback on Linux). On average that comes to about 0.55 × the font size per character.

/// Height above the baseline reserved for a line of text, as a fraction of the font size.
pub const ASCENT: f64 = 0.78;

/// Depth below the baseline reserved for a line of text, as a fraction of the font size.
pub const DESCENT: f64 = 0.24;

/// The safety factor applied on top of the Helvetica metrics.
const WIDTH_MARGIN: f64 = 1.10;

/// How much wider Helvetica Bold runs than Helvetica, on average.
const BOLD_FACTOR: f64 = 1.08;

/// The axis-aligned box that one piece of text occupies, in SVG user units.
///
/// `x` and `y` are the top-left corner. Rotated text reports the box of the rotated text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width of the box.
    pub width: f64,
    /// Height of the box.
    pub height: f64,
    /// The text as displayed (unescaped).
    pub text: String,
}

impl TextBox {
    /// The right edge.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }

    /// Whether two boxes share any area; boxes that merely touch do not overlap.
    pub fn overlaps(&self, other: &TextBox) -> bool {
        const EPSILON: f64 = 0.01;
        self.x < other.right() - EPSILON
            && other.x < self.right() - EPSILON
            && self.y < other.bottom() - EPSILON
            && other.y < self.bottom() - EPSILON
    }
}

/// A finished figure: the SVG document and the boxes of all the text placed in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// A self-contained `<svg>` element, usable as a file or inline in HTML.
    pub svg: String,
    /// Every piece of text in the figure, in drawing order.
    pub text_boxes: Vec<TextBox>,
    /// Width of the figure in pixels.
    pub width: f64,
    /// Height of the figure in pixels.
    pub height: f64,
}

/// A piece of a figure produced by a shared renderer (axis, legend), ready to be placed in a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// SVG elements, one per line.
    pub svg: String,
    /// Every piece of text placed by the fragment.
    pub text_boxes: Vec<TextBox>,
    /// The height the fragment takes up; for an axis, the space it needs outside the plot area.
    pub height: f64,
}

/// The outcome of [`check_layout`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayoutReport {
    /// Pairs of text boxes that overlap.
    pub overlaps: Vec<(TextBox, TextBox)>,
    /// Text boxes that reach outside the figure and would be clipped.
    pub clipped: Vec<TextBox>,
}

impl LayoutReport {
    /// Whether no text overlaps and no text is clipped.
    pub fn is_clean(&self) -> bool {
        self.overlaps.is_empty() && self.clipped.is_empty()
    }
}

/// Checks a rendered figure: text that overlaps other text, and text outside the figure.
pub fn check_layout(rendered: &Rendered) -> LayoutReport {
    const EPSILON: f64 = 0.01;
    let clipped = rendered
        .text_boxes
        .iter()
        .filter(|text_box| {
            text_box.x < -EPSILON
                || text_box.y < -EPSILON
                || text_box.right() > rendered.width + EPSILON
                || text_box.bottom() > rendered.height + EPSILON
        })
        .cloned()
        .collect();
    LayoutReport { overlaps: overlapping_text(&rendered.text_boxes), clipped }
}

/// Every pair of boxes that overlap, in input order.
pub fn overlapping_text(boxes: &[TextBox]) -> Vec<(TextBox, TextBox)> {
    let mut pairs = Vec::new();
    for (first_idx, first) in boxes.iter().enumerate() {
        for second in &boxes[first_idx + 1..] {
            if first.overlaps(second) {
                pairs.push((first.clone(), second.clone()));
            }
        }
    }
    pairs
}

/// A conservative estimate of the width of `text` set in regular Helvetica at `font_size`.
pub fn text_width(text: &str, font_size: f64) -> f64 {
    let em: f64 = text.chars().map(char_width_em).sum();
    em * font_size * WIDTH_MARGIN
}

/// A conservative estimate of the width of `text` set in bold Helvetica at `font_size`.
pub fn bold_text_width(text: &str, font_size: f64) -> f64 {
    text_width(text, font_size) * BOLD_FACTOR
}

/// The Helvetica advance width of one character, in ems.
fn char_width_em(character: char) -> f64 {
    let thousandths = match character {
        ' ' | '!' | ',' | '.' | '/' | ':' | ';' | '[' | '\\' | ']' | 'f' | 't' | 'I' => 278,
        'i' | 'j' | 'l' => 222,
        '\'' => 191,
        '"' => 355,
        '|' => 260,
        '(' | ')' | '-' | '`' | 'r' => 333,
        '*' => 389,
        '^' => 469,
        '{' | '}' => 334,
        '+' | '<' | '=' | '>' | '~' | '\u{2212}' | '\u{00B1}' => 584,
        '%' => 889,
        '&' => 667,
        '@' => 1015,
        '#' | '$' | '?' | '_' | '0'..='9' => 556,
        'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' | 'J' => 500,
        'm' | 'M' => 833,
        'w' => 722,
        'W' => 944,
        'a' | 'b' | 'd' | 'e' | 'g' | 'h' | 'n' | 'o' | 'p' | 'q' | 'u' | 'L' => 556,
        'F' | 'T' | 'Z' => 611,
        'A' | 'B' | 'E' | 'K' | 'P' | 'S' | 'V' | 'X' | 'Y' => 667,
        'C' | 'D' | 'H' | 'N' | 'R' | 'U' => 722,
        'G' | 'O' | 'Q' => 778,
        '\u{2013}' | '\u{00B5}' | '\u{2265}' | '\u{2264}' => 556,
        '\u{2014}' | '\u{2026}' => 1000,
        '\u{00B7}' | '\u{00B0}' => 400,
        // Wide scripts (CJK and friends) take a full em.
        other if other as u32 >= 0x2E80 => 1000,
        // Accented Latin letters and anything else: a generous average.
        _ => 667,
    };
    f64::from(thousandths) / 1000.0
}

/// Breaks `text` into lines no wider than `max_width`; a word longer than a line is split.
pub(crate) fn wrap_text(text: &str, font_size: f64, bold: bool, max_width: f64) -> Vec<String> {
    let measure = |candidate: &str| if bold { bold_text_width(candidate, font_size) } else { text_width(candidate, font_size) };
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if measure(&candidate) <= max_width {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // The word alone may still be too long: split it between characters.
        for character in word.chars() {
            let mut extended = current.clone();
            extended.push(character);
            if !current.is_empty() && measure(&extended) > max_width {
                lines.push(std::mem::take(&mut current));
                current.push(character);
            } else {
                current = extended;
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Shortens `text` with a trailing ellipsis until it fits into `max_width`.
pub(crate) fn truncate_to_width(text: &str, font_size: f64, max_width: f64) -> String {
    if text_width(text, font_size) <= max_width {
        return text.to_string();
    }
    let mut characters: Vec<char> = text.chars().collect();
    while !characters.is_empty() {
        characters.pop();
        let candidate: String = characters.iter().collect::<String>().trim_end().to_string() + "\u{2026}";
        if text_width(&candidate, font_size) <= max_width {
            return candidate;
        }
    }
    "\u{2026}".to_string()
}

/// Moves label positions (centres, in any order) apart so neighbours are at least `min_gap` apart,
/// keeping them within `low..=high`. Returns `None` when they cannot all fit.
pub(crate) fn spread_apart(wanted: &[f64], min_gap: f64, low: f64, high: f64) -> Option<Vec<f64>> {
    if wanted.is_empty() {
        return Some(Vec::new());
    }
    let needed = min_gap * (wanted.len() - 1) as f64;
    if needed > high - low + 1e-9 {
        return None;
    }
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by(|&left, &right| wanted[left].total_cmp(&wanted[right]).then(left.cmp(&right)));
    let mut placed: Vec<f64> = order.iter().map(|&idx| wanted[idx].clamp(low, high)).collect();
    for idx in 1..placed.len() {
        placed[idx] = placed[idx].max(placed[idx - 1] + min_gap);
    }
    let last = placed.len() - 1;
    placed[last] = placed[last].min(high);
    for idx in (0..last).rev() {
        placed[idx] = placed[idx].min(placed[idx + 1] - min_gap);
    }
    let mut result = vec![0.0; wanted.len()];
    for (rank, &idx) in order.iter().enumerate() {
        result[idx] = placed[rank];
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    use crate::layout::{Rendered, TextBox, check_layout, overlapping_text, spread_apart, text_width, truncate_to_width, wrap_text};

    fn text_box(x: f64, y: f64, width: f64, height: f64, text: &str) -> TextBox {
        TextBox { x, y, width, height, text: text.to_string() }
    }

    #[test]
    fn overlapping_text_finds_only_boxes_that_share_area() {
        let cases: &[(&str, TextBox, TextBox, bool)] = &[
            ("apart", text_box(0.0, 0.0, 10.0, 10.0, "a"), text_box(20.0, 0.0, 10.0, 10.0, "b"), false),
            ("touching edges", text_box(0.0, 0.0, 10.0, 10.0, "a"), text_box(10.0, 0.0, 10.0, 10.0, "b"), false),
            ("stacked and touching", text_box(0.0, 0.0, 10.0, 10.0, "a"), text_box(0.0, 10.0, 10.0, 10.0, "b"), false),
            ("corner overlap", text_box(0.0, 0.0, 10.0, 10.0, "a"), text_box(9.0, 9.0, 10.0, 10.0, "b"), true),
            ("contained", text_box(0.0, 0.0, 30.0, 30.0, "a"), text_box(5.0, 5.0, 2.0, 2.0, "b"), true),
        ];
        for (case, first, second, expected) in cases {
            let found = overlapping_text(&[first.clone(), second.clone()]);
            assert_eq!(!found.is_empty(), *expected, "case {case}");
        }
    }

    #[test]
    fn check_layout_reports_text_outside_the_figure() {
        let rendered = Rendered {
            svg: String::new(),
            text_boxes: vec![text_box(95.0, 5.0, 10.0, 10.0, "sticks out"), text_box(5.0, 5.0, 10.0, 10.0, "inside")],
            width: 100.0,
            height: 100.0,
        };
        let report = check_layout(&rendered);
        assert_eq!(report.clipped.len(), 1);
        assert_eq!(report.clipped[0].text, "sticks out");
        assert!(report.overlaps.is_empty());
    }

    #[test]
    fn text_width_is_conservative_about_the_average_character() {
        let cases: &[(&str, &str, f64, f64)] = &[
            ("lowercase sentence", "years from gene therapy", 0.5, 0.62),
            ("pseudonym", "WAS-IT1-01", 0.55, 0.75),
            ("digits", "0123456789", 0.6, 0.62),
        ];
        for (case, text, low, high) in cases {
            let per_char = text_width(text, 10.0) / (text.chars().count() as f64 * 10.0);
            assert!(per_char >= *low && per_char <= *high, "case {case}: {per_char} em per character");
        }
    }

    #[test]
    fn wrap_text_keeps_every_line_within_the_width() {
        let text = "Constructed data matching published aggregate figures; not real patients and not for clinical use";
        for max_width in [60.0, 150.0, 400.0] {
            let lines = wrap_text(text, 12.0, false, max_width);
            assert!(!lines.is_empty());
            for line in &lines {
                assert!(text_width(line, 12.0) <= max_width, "width {max_width}: line {line:?} too wide");
            }
            let rejoined: String = lines.concat().split_whitespace().collect();
            let original: String = text.split_whitespace().collect();
            assert_eq!(rejoined, original, "width {max_width}: text was lost");
        }
    }

    #[test]
    fn truncate_to_width_adds_an_ellipsis_only_when_needed() {
        assert_eq!(truncate_to_width("Arthritis", 12.0, 200.0), "Arthritis");
        let short = truncate_to_width("Elevated circulating C-reactive protein concentration", 12.0, 120.0);
        assert!(short.ends_with('\u{2026}'), "{short}");
        assert!(text_width(&short, 12.0) <= 120.0);
    }

    #[test]
    fn spread_apart_keeps_order_gaps_and_bounds() {
        let cases: &[(&str, Vec<f64>, Option<usize>)] = &[
            ("already apart", vec![10.0, 50.0, 90.0], Some(3)),
            ("bunched in the middle", vec![50.0, 51.0, 52.0, 49.0], Some(4)),
            ("bunched at the bottom edge", vec![99.0, 100.0, 100.0], Some(3)),
            ("too many to fit", vec![50.0; 20], None),
        ];
        for (case, wanted, expected) in cases {
            let placed = spread_apart(wanted, 12.0, 0.0, 100.0);
            assert_eq!(placed.as_ref().map(Vec::len), *expected, "case {case}");
            let Some(placed) = placed else { continue };
            let mut sorted = placed.clone();
            sorted.sort_by(f64::total_cmp);
            for pair in sorted.windows(2) {
                assert!(pair[1] - pair[0] >= 12.0 - 1e-9, "case {case}: {placed:?}");
            }
            assert!(placed.iter().all(|&y| (0.0..=100.0).contains(&y)), "case {case}: {placed:?}");
        }
    }
}
