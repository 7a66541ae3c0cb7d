//! The SVG writer shared by all figures: XML escaping, number formatting, text placement that
//! records a [`TextBox`] for every label, and the document frame (title, desc, background).

use crate::layout::{ASCENT, DESCENT, Fragment, Rendered, TextBox, bold_text_width, text_width, wrap_text};
use crate::palette;

/// The font stack every figure uses; no web fonts, so the SVG works offline and in print.
pub(crate) const FONT_FAMILY: &str = "Helvetica, Arial, sans-serif";

/// Escapes text or an attribute value for XML.
pub(crate) fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            control if (control as u32) < 0x20 && !matches!(control, '\t' | '\n' | '\r') => escaped.push(' '),
            other => escaped.push(other),
        }
    }
    escaped
}

/// A coordinate with at most two decimals, without trailing zeros and never "-0".
pub(crate) fn num(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == 0.0 || !rounded.is_finite() { "0".to_string() } else { format!("{rounded}") }
}

/// Where a text's `x` sits relative to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

/// How one piece of text is set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextStyle {
    pub(crate) size: f64,
    pub(crate) anchor: Anchor,
    pub(crate) bold: bool,
    pub(crate) italic: bool,
    pub(crate) fill: &'static str,
    /// Rotated 90° anticlockwise, reading upwards.
    pub(crate) vertical: bool,
    /// A white outline behind the glyphs, for labels drawn over data.
    pub(crate) halo: bool,
}

impl TextStyle {
    pub(crate) fn new(size: f64) -> TextStyle {
        TextStyle { size, anchor: Anchor::Start, bold: false, italic: false, fill: palette::TEXT, vertical: false, halo: false }
    }

    pub(crate) fn anchor(mut self, anchor: Anchor) -> TextStyle {
        self.anchor = anchor;
        self
    }

    pub(crate) fn bold(mut self) -> TextStyle {
        self.bold = true;
        self
    }

    pub(crate) fn italic(mut self) -> TextStyle {
        self.italic = true;
        self
    }

    pub(crate) fn fill(mut self, fill: &'static str) -> TextStyle {
        self.fill = fill;
        self
    }

    pub(crate) fn vertical(mut self) -> TextStyle {
        self.vertical = true;
        self
    }

    pub(crate) fn halo(mut self) -> TextStyle {
        self.halo = true;
        self
    }

    /// The estimated advance width of `text` in this style.
    pub(crate) fn width(&self, text: &str) -> f64 {
        if self.bold { bold_text_width(text, self.size) } else { text_width(text, self.size) }
    }

    /// The height of one line (ascent plus descent).
    pub(crate) fn line_height(&self) -> f64 {
        (ASCENT + DESCENT) * self.size
    }

    /// The baseline that centres capitals and digits on `centre_y`.
    pub(crate) fn baseline_for_centre(&self, centre_y: f64) -> f64 {
        centre_y + 0.35 * self.size
    }

    /// The box the text occupies when its anchor point is at (`x`, `baseline`).
    pub(crate) fn text_box(&self, x: f64, baseline: f64, text: &str) -> TextBox {
        let width = self.width(text);
        let along_start = match self.anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => -width / 2.0,
            Anchor::End => -width,
        };
        let (left, top, box_width, box_height) = if self.vertical {
            // Rotating by -90° around (x, baseline) sends the writing direction upwards.
            (x - ASCENT * self.size, baseline - along_start - width, self.line_height(), width)
        } else {
            (x + along_start, baseline - ASCENT * self.size, width, self.line_height())
        };
        TextBox { x: left, y: top, width: box_width, height: box_height, text: text.to_string() }
    }
}

/// Collects SVG elements and the boxes of the text among them.
#[derive(Debug, Default)]
pub(crate) struct Canvas {
    defs: String,
    body: String,
    text_boxes: Vec<TextBox>,
}

impl Canvas {
    pub(crate) fn new() -> Canvas {
        Canvas::default()
    }

    /// Adds one element (or several) to the body; a newline follows.
    pub(crate) fn push(&mut self, element: &str) {
        self.body.push_str(element);
        self.body.push('\n');
    }

    /// Adds a definition (pattern, clip path) to `<defs>`.
    pub(crate) fn push_def(&mut self, element: &str) {
        self.defs.push_str(element);
        self.defs.push('\n');
    }

    pub(crate) fn append(&mut self, fragment: Fragment) {
        self.body.push_str(&fragment.svg);
        self.text_boxes.extend(fragment.text_boxes);
    }

    /// Places `content` with its anchor at (`x`, `baseline`) and records its box.
    pub(crate) fn text(&mut self, x: f64, baseline: f64, content: &str, style: TextStyle) -> TextBox {
        self.text_with_tooltip(x, baseline, content, style, None)
    }

    /// Like [`Canvas::text`], with a `<title>` child that browsers show on hover.
    pub(crate) fn text_with_tooltip(&mut self, x: f64, baseline: f64, content: &str, style: TextStyle, tooltip: Option<&str>) -> TextBox {
        let mut element = format!("<text x=\"{}\" y=\"{}\" font-size=\"{}\"", num(x), num(baseline), num(style.size));
        match style.anchor {
            Anchor::Start => {}
            Anchor::Middle => element.push_str(" text-anchor=\"middle\""),
            Anchor::End => element.push_str(" text-anchor=\"end\""),
        }
        if style.bold {
            element.push_str(" font-weight=\"bold\"");
        }
        if style.italic {
            element.push_str(" font-style=\"italic\"");
        }
        element.push_str(&format!(" fill=\"{}\"", style.fill));
        if style.halo {
            element.push_str(" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\"");
        }
        if style.vertical {
            element.push_str(&format!(" transform=\"rotate(-90 {} {})\"", num(x), num(baseline)));
        }
        element.push('>');
        if let Some(tooltip) = tooltip {
            element.push_str(&format!("<title>{}</title>", escape_xml(tooltip)));
        }
        element.push_str(&escape_xml(content));
        element.push_str("</text>");
        self.push(&element);
        let text_box = style.text_box(x, baseline, content);
        self.text_boxes.push(text_box.clone());
        text_box
    }

    /// The boxes of the text placed so far.
    pub(crate) fn text_boxes(&self) -> &[TextBox] {
        &self.text_boxes
    }

    /// Turns the collected pieces into a fragment (defs are dropped; fragments have none).
    pub(crate) fn into_fragment(self, height: f64) -> Fragment {
        Fragment { svg: self.body, text_boxes: self.text_boxes, height }
    }

    /// Wraps the body into a complete, accessible SVG document.
    pub(crate) fn finish(self, frame: Frame<'_>) -> Rendered {
        let width = frame.width.ceil();
        let height = frame.height.ceil();
        let id = frame.id_prefix;
        let mut svg = String::new();
        svg.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\" font-family=\"{FONT_FAMILY}\">\n",
            w = num(width),
            h = num(height),
        ));
        svg.push_str(&format!("<title id=\"{id}-title\">{}</title>\n", escape_xml(frame.title)));
        svg.push_str(&format!("<desc id=\"{id}-desc\">{}</desc>\n", escape_xml(frame.desc)));
        if !self.defs.is_empty() {
            svg.push_str("<defs>\n");
            svg.push_str(&self.defs);
            svg.push_str("</defs>\n");
        }
        svg.push_str(&format!("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", num(width), num(height)));
        svg.push_str(&self.body);
        svg.push_str("</svg>\n");
        Rendered { svg, text_boxes: self.text_boxes, width, height }
    }
}

/// Font size of figure titles.
pub(crate) const TITLE_SIZE: f64 = 17.0;
/// Font size of subtitles.
pub(crate) const SUBTITLE_SIZE: f64 = 12.5;
/// Font size of footnotes.
pub(crate) const FOOTNOTE_SIZE: f64 = 11.0;

impl Canvas {
    /// The title and optional subtitle, wrapped to `max_width`, from (`left`, `top`); returns the
    /// y below them.
    pub(crate) fn heading(&mut self, title: &str, subtitle: Option<&str>, left: f64, top: f64, max_width: f64) -> f64 {
        let mut y = top;
        let title_style = TextStyle::new(TITLE_SIZE).bold();
        for line in wrap_text(title, TITLE_SIZE, true, max_width) {
            self.text(left, y + ASCENT * TITLE_SIZE, &line, title_style);
            y += TITLE_SIZE * 1.25;
        }
        if let Some(subtitle) = subtitle {
            y += 2.0;
            let subtitle_style = TextStyle::new(SUBTITLE_SIZE).fill(palette::MUTED_TEXT);
            for line in wrap_text(subtitle, SUBTITLE_SIZE, false, max_width) {
                self.text(left, y + ASCENT * SUBTITLE_SIZE, &line, subtitle_style);
                y += SUBTITLE_SIZE * 1.3;
            }
        }
        y
    }

    /// A wrapped italic footnote from (`left`, `top`); returns the y below it.
    pub(crate) fn footnote(&mut self, footnote: &str, left: f64, top: f64, max_width: f64) -> f64 {
        let mut y = top;
        let style = TextStyle::new(FOOTNOTE_SIZE).italic().fill(palette::MUTED_TEXT);
        // Italic runs about as wide as upright, and the width estimate already carries a margin.
        for line in wrap_text(footnote, FOOTNOTE_SIZE, false, max_width) {
            self.text(left, y + ASCENT * FOOTNOTE_SIZE, &line, style);
            y += FOOTNOTE_SIZE * 1.3;
        }
        y
    }
}

/// What the document frame needs besides the body.
pub(crate) struct Frame<'a> {
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub(crate) title: &'a str,
    pub(crate) desc: &'a str,
    pub(crate) id_prefix: &'a str,
}

/// A stable id prefix for a figure, so several figures can sit inline in one HTML page without
/// their ids (patterns, clip paths, title) colliding. Same input, same prefix.
pub(crate) fn id_prefix(kind: &str, parts: &[&str]) -> String {
    // FNV-1a, 32 bit: tiny, stable across platforms and releases.
    let mut hash: u32 = 0x811c_9dc5;
    for part in std::iter::once(kind).chain(parts.iter().copied()) {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    format!("cbp-{kind}-{hash:08x}")
}

#[cfg(test)]
mod tests {
    use crate::svg::{Anchor, TextStyle, escape_xml, id_prefix, num};

    #[test]
    fn escape_xml_escapes_markup_characters() {
        let cases = [
            ("ampersand", "IL-1 & IL-6", "IL-1 &amp; IL-6"),
            ("angle brackets", "CRP <5 mg/L", "CRP &lt;5 mg/L"),
            ("quotes", "\"a\" 'b'", "&quot;a&quot; &apos;b&apos;"),
            ("control character", "a\u{1}b", "a b"),
            ("unicode kept", "\u{2212}3 \u{00B5}g", "\u{2212}3 \u{00B5}g"),
        ];
        for (case, input, expected) in cases {
            assert_eq!(escape_xml(input), expected, "case {case}");
        }
    }

    #[test]
    fn num_rounds_to_two_decimals_without_negative_zero() {
        let cases = [("integer", 12.0, "12"), ("rounded", 12.3456, "12.35"), ("negative zero", -0.001, "0"), ("negative", -2.5, "-2.5")];
        for (case, value, expected) in cases {
            assert_eq!(num(value), expected, "case {case}");
        }
    }

    #[test]
    fn vertical_text_box_runs_upwards_from_its_anchor() {
        let style = TextStyle::new(10.0).vertical().anchor(Anchor::Start);
        let text_box = style.text_box(50.0, 100.0, "WAS-01");
        assert!(text_box.bottom() <= 100.0 + 1e-9 && text_box.y < 100.0 - 20.0, "{text_box:?}");
        assert!(text_box.width < 12.0, "{text_box:?}");
    }

    #[test]
    fn id_prefix_is_stable_and_depends_on_the_input() {
        assert_eq!(id_prefix("swimmer", &["A"]), id_prefix("swimmer", &["A"]));
        assert_ne!(id_prefix("swimmer", &["A"]), id_prefix("swimmer", &["B"]));
    }
}
