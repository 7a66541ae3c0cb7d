//! The one error type of the HPO crate: why an OBO text or an identifier was rejected.

/// An OBO text that is not a usable HPO release, or a text that is not an HPO identifier.
///
/// Every error found while parsing names the 1-based line of the OBO text it was found on.
/// Messages have no trailing full stop.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HpoError {
    /// A text given as an HPO identifier that is not `HP:` followed by seven digits.
    #[error("`{value}` is not an HPO identifier: expected `HP:` followed by 7 digits, e.g. HP:0000964")]
    NotAnHpoId {
        /// The rejected text.
        value: String,
    },
    /// A line that is not `tag: value`, a stanza header, a comment or blank.
    #[error("line {line}: expected `tag: value` or a stanza header such as `[Term]`")]
    MalformedLine {
        /// The 1-based line number.
        line: usize,
    },
    /// An `id`, `is_a`, `alt_id`, `replaced_by` or `consider` value that is not an HPO identifier.
    #[error("line {line}: `{value}` is not an HPO identifier: expected `HP:` followed by 7 digits")]
    InvalidTermId {
        /// The 1-based line number.
        line: usize,
        /// The rejected value.
        value: String,
    },
    /// A `def` or `synonym` value that does not start with a quoted text or whose quote is not closed.
    #[error("line {line}: the value of `{tag}` must start with a quoted text \"...\"")]
    MalformedQuotedText {
        /// The 1-based line number.
        line: usize,
        /// The tag whose value is malformed.
        tag: &'static str,
    },
    /// A synonym whose scope is not EXACT, RELATED, BROAD or NARROW.
    #[error("line {line}: synonym scope `{scope}` is not EXACT, RELATED, BROAD or NARROW")]
    UnknownSynonymScope {
        /// The 1-based line number.
        line: usize,
        /// The scope as written, or empty when it is missing.
        scope: String,
    },
    /// An `is_obsolete` value other than `true` or `false`.
    #[error("line {line}: `is_obsolete` must be `true` or `false`, not `{value}`")]
    InvalidObsoleteFlag {
        /// The 1-based line number.
        line: usize,
        /// The rejected value.
        value: String,
    },
    /// A tag that may appear once per stanza appears twice.
    #[error("line {line}: `{tag}` appears twice in one stanza")]
    RepeatedTag {
        /// The 1-based line number of the second occurrence.
        line: usize,
        /// The repeated tag.
        tag: &'static str,
    },
    /// A `[Term]` stanza without an `id`.
    #[error("line {line}: this [Term] stanza has no `id`")]
    MissingId {
        /// The 1-based line number of the `[Term]` header.
        line: usize,
    },
    /// A `[Term]` stanza without a `name`.
    #[error("line {line}: term {id} has no `name`")]
    MissingName {
        /// The 1-based line number of the `[Term]` header.
        line: usize,
        /// The term's identifier.
        id: String,
    },
    /// Two `[Term]` stanzas with the same `id`.
    #[error("line {line}: term {id} is defined a second time")]
    DuplicateTerm {
        /// The 1-based line number of the second `id`.
        line: usize,
        /// The repeated identifier.
        id: String,
    },
    /// An `alt_id` claimed by two terms.
    #[error("line {line}: alt_id {id} already belongs to another term")]
    DuplicateAltId {
        /// The 1-based line number of the second `alt_id`.
        line: usize,
        /// The repeated identifier.
        id: String,
    },
    /// An `is_a` that names a term with no stanza in the file.
    #[error("line {line}: is_a names {id}, which has no [Term] stanza")]
    UnknownParent {
        /// The 1-based line number of the `is_a`.
        line: usize,
        /// The missing parent.
        id: String,
    },
    /// A header without `data-version`: the release must be shown to users, so it must be known.
    #[error("line {line}: the header ends without a `data-version`, so the HPO release is unknown")]
    MissingDataVersion {
        /// The 1-based line number where the header ends.
        line: usize,
    },
    /// A text larger than any HPO release could be (2 GiB or more; a release is about 10 MB).
    #[error("the text is {bytes} bytes long, more than an HPO release can be (under 2 GiB)")]
    TooLarge {
        /// The length of the text in bytes.
        bytes: usize,
    },
}
