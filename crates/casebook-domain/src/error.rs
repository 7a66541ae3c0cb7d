//! The one error type of the domain crate: why a raw value could not become a domain value.

/// A raw value that could not be parsed into a domain type.
///
/// Messages are written for the person who typed the value: they say what was expected, and
/// they have no trailing full stop.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// A date that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or is not a real calendar day.
    #[error("`{value}` is not a date: {reason}")]
    InvalidDate {
        /// The text as it was given.
        value: String,
        /// What is wrong with it, e.g. "the month must be 01 to 12".
        reason: &'static str,
    },
    /// An ontology or registry identifier with the wrong shape.
    #[error("`{value}` is not a valid {system} identifier: {expected}")]
    InvalidCode {
        /// The code system, e.g. `HP`, `HGVS c.` or `ISO 3166-1 country`; `ontology` when the prefix is unknown.
        system: &'static str,
        /// The identifier, or its local part, as it was given.
        value: String,
        /// The shape the system requires, with an example.
        expected: &'static str,
    },
    /// A number outside the range a person can plausibly have.
    #[error("{quantity} {value} is outside the plausible range {min}–{max} {unit}")]
    OutOfRange {
        /// What was measured, e.g. `body weight`.
        quantity: &'static str,
        /// The rejected value, in `unit`.
        value: f64,
        /// The lowest plausible value, in `unit`.
        min: f64,
        /// The highest plausible value, in `unit` (infinite when only a lower bound applies).
        max: f64,
        /// The unit of `value`, `min` and `max`, or a hint such as "(must be above zero)".
        unit: &'static str,
    },
    /// A value that is not one of the words a field accepts.
    #[error("`{value}` is not a known {field}; expected one of: {expected}")]
    UnknownValue {
        /// The field whose vocabulary was not matched, e.g. `route`.
        field: &'static str,
        /// The word as it was given.
        value: String,
        /// The accepted words, comma separated.
        expected: String,
    },
    /// A text field that must not be empty, or is too long.
    #[error("{field} {reason}")]
    InvalidText {
        /// The field that holds the text, e.g. `pseudonym`.
        field: &'static str,
        /// What is wrong with it; the message reads "{field} {reason}".
        reason: String,
    },
    /// A unit that cannot be converted to the canonical unit of what is measured.
    #[error("unit `{unit}` cannot be used for {quantity}; expected one of: {expected}")]
    IncompatibleUnit {
        /// What is measured, e.g. `C-reactive protein`.
        quantity: String,
        /// The unit as it was given.
        unit: String,
        /// The units that can be converted to the canonical one, comma separated.
        expected: String,
    },
}
