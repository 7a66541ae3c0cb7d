//! Colours: the Okabe-Ito palette, which stays distinguishable for the common forms of colour
//! blindness, and the greys used for text, axes and gridlines.
//!
//! Colour alone never carries meaning in Casebook's figures: bars also get a hatching pattern,
//! and markers and lines a shape, so a greyscale print still reads.

/// A named colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour {
    /// The name from Okabe & Ito (2008).
    pub name: &'static str,
    /// `#rrggbb`.
    pub hex: &'static str,
}

/// The eight Okabe-Ito colours, in the order Casebook hands them out: strong, well-separated
/// hues first, black (which hides dark event markers) and yellow (faint on white) last. Figure
/// inputs refer to colours by index into this array.
pub const OKABE_ITO: [Colour; 8] = [
    Colour { name: "blue", hex: "#0072B2" },
    Colour { name: "orange", hex: "#E69F00" },
    Colour { name: "bluish green", hex: "#009E73" },
    Colour { name: "vermillion", hex: "#D55E00" },
    Colour { name: "sky blue", hex: "#56B4E9" },
    Colour { name: "reddish purple", hex: "#CC79A7" },
    Colour { name: "black", hex: "#000000" },
    Colour { name: "yellow", hex: "#F0E442" },
];

/// The Okabe-Ito colour at `index`, wrapping around after eight.
pub fn okabe_ito(index: usize) -> Colour {
    OKABE_ITO[index % OKABE_ITO.len()]
}

/// Whether a `#rrggbb` colour is light enough that dark ink is needed on top of it.
pub fn is_light(hex: &str) -> bool {
    let channel = |range: std::ops::Range<usize>| hex.get(range).and_then(|digits| u8::from_str_radix(digits, 16).ok()).unwrap_or(0);
    let luma = 0.299 * f64::from(channel(1..3)) + 0.587 * f64::from(channel(3..5)) + 0.114 * f64::from(channel(5..7));
    luma > 140.0
}

/// Body text.
pub(crate) const TEXT: &str = "#1a1a1a";
/// Secondary text (subtitles, footnotes, reference-line labels); still dark enough to print.
pub(crate) const MUTED_TEXT: &str = "#404040";
/// Axis lines and tick marks.
pub(crate) const AXIS: &str = "#333333";
/// Gridlines.
pub(crate) const GRID: &str = "#dddddd";
/// Alternate lane and row shading.
pub(crate) const SHADE: &str = "#f4f4f4";
/// Used when an input refers to a series that does not exist.
pub(crate) const FALLBACK: &str = "#999999";

#[cfg(test)]
mod tests {
    use crate::palette::{OKABE_ITO, is_light, okabe_ito};

    #[test]
    fn palette_holds_eight_distinct_colours() {
        let mut hexes: Vec<&str> = OKABE_ITO.iter().map(|colour| colour.hex).collect();
        hexes.sort_unstable();
        hexes.dedup();
        assert_eq!(hexes.len(), 8);
    }

    #[test]
    fn okabe_ito_wraps_around() {
        assert_eq!(okabe_ito(9), OKABE_ITO[1]);
    }

    #[test]
    fn light_colours_are_recognised() {
        let cases = [("yellow", "#F0E442", true), ("orange", "#E69F00", true), ("blue", "#0072B2", false), ("black", "#000000", false)];
        for (case, hex, expected) in cases {
            assert_eq!(is_light(hex), expected, "case {case}");
        }
    }
}
