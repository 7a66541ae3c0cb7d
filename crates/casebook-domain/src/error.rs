//! The one error type of the domain crate: why a raw value could not become a domain value.

/// A raw value that could not be parsed into a domain type.
///
/// Messages are written for the person who typed the value: they say what was expected, and
/// they have no trailing full stop.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// A date that is not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or is not a real calendar day.
    #[error("`{value}` is not a date: {reason}")]
    InvalidDate { value: String, reason: &'static str },
    /// An ontology or registry identifier with the wrong shape.
    #[error("`{value}` is not a valid {system} identifier: {expected}")]
    InvalidCode { system: &'static str, value: String, expected: &'static str },
    /// A number outside the range a person can plausibly have.
    #[error("{quantity} {value} is outside the plausible range {min}–{max} {unit}")]
    OutOfRange { quantity: &'static str, value: f64, min: f64, max: f64, unit: &'static str },
    /// A value that is not one of the words a field accepts.
    #[error("`{value}` is not a known {field}; expected one of: {expected}")]
    UnknownValue { field: &'static str, value: String, expected: String },
    /// A text field that must not be empty, or is too long.
    #[error("{field} {reason}")]
    InvalidText { field: &'static str, reason: String },
    /// A unit that cannot be converted to the canonical unit of what is measured.
    #[error("unit `{unit}` cannot be used for {quantity}; expected one of: {expected}")]
    IncompatibleUnit { quantity: String, unit: String, expected: String },
}
