//! HPO identifiers: `HP:` and seven digits, stored as the number they spell.

use std::fmt;
use std::str::FromStr;

use crate::error::HpoError;

/// An HPO identifier such as `HP:0000964`, stored as its numeric part (964).
///
/// It is `Copy`, orders by number and prints as the CURIE with seven digits.
///
/// ```
/// use casebook_hpo::TermId;
/// let id: TermId = "HP:0000964".parse().unwrap();
/// assert_eq!(id.number(), 964);
/// assert_eq!(id.to_string(), "HP:0000964");
/// assert!("HP:964".parse::<TermId>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TermId(u32);

impl TermId {
    /// The largest number seven digits can spell.
    pub const MAX_NUMBER: u32 = 9_999_999;

    /// The identifier with this numeric part, if it fits in seven digits.
    pub fn from_number(number: u32) -> Option<TermId> {
        (number <= TermId::MAX_NUMBER).then_some(TermId(number))
    }

    /// Parses exactly `HP:` followed by seven digits, ignoring surrounding whitespace.
    pub fn parse(text: &str) -> Result<TermId, HpoError> {
        parse_curie(text.trim()).ok_or_else(|| HpoError::NotAnHpoId { value: text.to_string() })
    }

    /// The numeric part: 964 for `HP:0000964`.
    pub fn number(self) -> u32 {
        self.0
    }
}

impl fmt::Display for TermId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HP:{:07}", self.0)
    }
}

impl FromStr for TermId {
    type Err = HpoError;

    fn from_str(text: &str) -> Result<TermId, HpoError> {
        TermId::parse(text)
    }
}

/// Anything that names a term: a [`TermId`], a [`crate::TermRef`], or a text such as `"HP:0000964"`.
///
/// The graph methods of [`crate::Hpo`] take `impl TermKey`, so callers can pass whichever they
/// hold. A text that is not an HPO identifier names no term.
pub trait TermKey {
    /// The identifier this value names, or `None` when it names none.
    fn term_id(&self) -> Option<TermId>;
}

impl TermKey for TermId {
    fn term_id(&self) -> Option<TermId> {
        Some(*self)
    }
}

impl TermKey for &str {
    fn term_id(&self) -> Option<TermId> {
        parse_curie(self.trim())
    }
}

impl TermKey for &String {
    fn term_id(&self) -> Option<TermId> {
        parse_curie(self.trim())
    }
}

/// Parses `HP:` and seven ASCII digits, with nothing around them.
pub(crate) fn parse_curie(text: &str) -> Option<TermId> {
    parse_seven_digits(text.strip_prefix("HP:")?)
}

/// Parses exactly seven ASCII digits.
pub(crate) fn parse_seven_digits(digits: &str) -> Option<TermId> {
    if digits.len() != 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = digits.bytes().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
    Some(TermId(number))
}

#[cfg(test)]
mod tests {
    use crate::id::TermId;

    #[test]
    fn parse_accepts_only_hp_and_seven_digits() {
        let cases: [(&str, Option<u32>); 9] = [
            ("HP:0000964", Some(964)),
            (" HP:6001164 ", Some(6_001_164)),
            ("HP:9999999", Some(9_999_999)),
            ("HP:000964", None),
            ("HP:00009640", None),
            ("hp:0000964", None),
            ("MONDO:0000964", None),
            ("HP:00009a4", None),
            ("0000964", None),
        ];
        for (text, expected) in cases {
            assert_eq!(TermId::parse(text).ok().map(TermId::number), expected, "{text}");
        }
    }

    #[test]
    fn display_pads_to_seven_digits() {
        assert_eq!(TermId::from_number(1).unwrap().to_string(), "HP:0000001");
        assert_eq!(TermId::from_number(10_000_000), None);
    }
}
