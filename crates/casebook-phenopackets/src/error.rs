//! The one error type of the crate, and the per-field diagnostics a rejected document carries.

use std::fmt;

/// Why a text is not a Phenopacket v2 document, or a value is not a protobuf `Timestamp`.
///
/// Messages have no trailing full stop.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhenopacketsError {
    /// The text is not JSON at all (or is cut off). Nothing else is checked then.
    #[error("not valid JSON: {message} at line {line}, column {column}")]
    Syntax {
        /// The 1-based line of the first byte serde_json could not accept.
        line: usize,
        /// The 1-based column on that line.
        column: usize,
        /// What serde_json expected there.
        message: String,
    },
    /// The JSON does not follow the schema's protobuf JSON mapping. Every problem of the document
    /// is listed, in document order; there is at least one.
    #[error("{}", summarize(errors))]
    Invalid {
        /// Each problem with the JSON path it was found at.
        errors: Vec<FieldError>,
    },
    /// A text given as a timestamp that is not RFC 3339, or a time outside years 1 to 9999.
    #[error("`{value}` is not a protobuf timestamp: {why}")]
    InvalidTimestamp {
        /// The rejected text, or the seconds and nanoseconds given.
        value: String,
        /// What is wrong with it.
        why: &'static str,
    },
}

impl PhenopacketsError {
    /// The field errors of an [`PhenopacketsError::Invalid`] document; empty for other errors.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            PhenopacketsError::Invalid { errors } => errors,
            _ => &[],
        }
    }
}

fn summarize(errors: &[FieldError]) -> String {
    match errors {
        [] => "no field errors".to_string(),
        [only] => only.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

/// One problem found while reading a document: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// A JSONPath to the offending value, with keys as written in the input, e.g.
    /// `$.phenotypicFeatures[3].type.id`. Keys that are not plain identifiers are quoted:
    /// `$.files[0].fileAttributes["file format"]`.
    pub path: String,
    /// What is wrong there.
    pub reason: Reason,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// What is wrong with one value of a document, per the protobuf proto3 JSON mapping.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Reason {
    /// A key that is neither the JSON (lowerCamelCase) nor the proto (snake_case) name of a field.
    #[error("unknown field `{field}` in {message}")]
    UnknownField {
        /// The key as written.
        field: String,
        /// The message's short protobuf name, e.g. `OntologyClass`.
        message: &'static str,
    },
    /// One field given under both of its names, e.g. `phenotypicFeatures` and `phenotypic_features`.
    #[error("the field is given twice, first as `{first}`")]
    DuplicateField {
        /// The key the field was first given under.
        first: String,
    },
    /// A second member of a oneof, e.g. `age` and `ontologyClass` in one TimeElement.
    #[error("only one member of the oneof `{oneof}` may be set, and `{first}` is set already")]
    OneofConflict {
        /// The oneof's protobuf name, e.g. `element`.
        oneof: &'static str,
        /// The key of the member that was set first.
        first: String,
    },
    /// A value of the wrong JSON type, e.g. a number where a string belongs.
    #[error("expected {expected}, found {found}")]
    WrongType {
        /// What the field takes, e.g. `a string`.
        expected: &'static str,
        /// The JSON type found, e.g. `a number`.
        found: &'static str,
    },
    /// `null` inside a list, which the mapping forbids.
    #[error("null is not allowed as an element of a list")]
    NullInList,
    /// A number (or numeric string) that is not a valid value of the field's numeric type.
    #[error("`{value}` is not a valid {kind}: {why}")]
    InvalidNumber {
        /// The value as written (strings without their quotes).
        value: String,
        /// The protobuf type, e.g. `uint32`.
        kind: &'static str,
        /// Why: `not an integer`, `out of range`, ...
        why: &'static str,
    },
    /// An enum given by a name or number the enum does not have.
    #[error("`{value}` is not a value of {name}; expected one of {expected}")]
    UnknownEnumValue {
        /// The enum's short protobuf name, e.g. `Sex`.
        name: &'static str,
        /// The value as written.
        value: String,
        /// The enum's value names, comma-separated.
        expected: String,
    },
    /// A `google.protobuf.Timestamp` text that is not RFC 3339 or out of range.
    #[error("`{value}` is not an RFC 3339 timestamp: {why}")]
    InvalidTimestamp {
        /// The text as written.
        value: String,
        /// What is wrong with it.
        why: &'static str,
    },
}
