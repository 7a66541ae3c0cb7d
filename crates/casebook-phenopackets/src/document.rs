//! A document of unknown kind: a Phenopacket, a Family or a Cohort, told apart by its keys.

use serde_json::Value as Json;

use crate::error::{PhenopacketsError, Reason};
use crate::json::JsonPath;
use crate::{Cohort, Family, Message, Phenopacket};

/// Any of the three top-level messages of the schema.
// A Phenopacket is a few hundred bytes; a document is made once per file, so boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// One individual.
    Phenopacket(Phenopacket),
    /// A proband and relatives.
    Family(Family),
    /// A group of individuals.
    Cohort(Cohort),
}

/// Which top-level message a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    /// `org.phenopackets.schema.v2.Phenopacket`.
    Phenopacket,
    /// `org.phenopackets.schema.v2.Family`.
    Family,
    /// `org.phenopackets.schema.v2.Cohort`.
    Cohort,
}

/// Keys only a Family has, under either of their names.
const FAMILY_KEYS: &[&str] = &["proband", "relatives", "pedigree", "consanguinousParents", "consanguinous_parents"];
/// Keys only a Cohort has.
const COHORT_KEYS: &[&str] = &["members", "description"];

impl DocumentKind {
    /// Tells the kind from the top-level keys: a key only a Family has makes it a Family, else a
    /// key only a Cohort has makes it a Cohort, else it is a Phenopacket. A document with only
    /// the keys all three share (`id`, `files`, `metaData`) is read as a Phenopacket, which is
    /// also what trying Phenopacket, Family and Cohort in turn with a strict parser gives.
    pub fn detect(json: &Json) -> DocumentKind {
        match json {
            Json::Object(map) => DocumentKind::of_keys(map.keys().map(String::as_str)),
            _ => DocumentKind::Phenopacket,
        }
    }

    /// The kind a document with these top-level keys is (see [`DocumentKind::detect`]).
    fn of_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> DocumentKind {
        let (mut family, mut cohort) = (false, false);
        for key in keys {
            family |= FAMILY_KEYS.contains(&key);
            cohort |= COHORT_KEYS.contains(&key);
        }
        if family {
            DocumentKind::Family
        } else if cohort {
            DocumentKind::Cohort
        } else {
            DocumentKind::Phenopacket
        }
    }

    /// The message's short name: `Phenopacket`, `Family` or `Cohort`.
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::Phenopacket => "Phenopacket",
            DocumentKind::Family => "Family",
            DocumentKind::Cohort => "Cohort",
        }
    }
}

impl Document {
    /// Reads a JSON text as whichever top-level message it is (see [`DocumentKind::detect`]).
    pub fn from_json(text: &str) -> Result<Document, PhenopacketsError> {
        // Read as a Phenopacket first, which most documents are, in one pass over the text. The
        // keys only a Family or a Cohort has are unknown fields of a Phenopacket, so the errors
        // then name every such key at the top level, and the text is read again as what they
        // make it: the same kind `detect` tells from the parsed keys.
        let errors = match Phenopacket::from_json(text) {
            Ok(phenopacket) => return Ok(Document::Phenopacket(phenopacket)),
            Err(PhenopacketsError::Invalid { errors }) => errors,
            Err(syntax) => return Err(syntax),
        };
        let root = JsonPath::root();
        let unknown_top_level_keys = errors.iter().filter_map(|error| match &error.reason {
            Reason::UnknownField { field, .. } if error.path == root.join(field) => Some(field.as_str()),
            _ => None,
        });
        match DocumentKind::of_keys(unknown_top_level_keys) {
            DocumentKind::Phenopacket => Err(PhenopacketsError::Invalid { errors }),
            DocumentKind::Family => Family::from_json(text).map(Document::Family),
            DocumentKind::Cohort => Cohort::from_json(text).map(Document::Cohort),
        }
    }

    /// Reads a parsed JSON value as whichever top-level message it is.
    pub fn from_json_value(json: &Json) -> Result<Document, PhenopacketsError> {
        Ok(match DocumentKind::detect(json) {
            DocumentKind::Phenopacket => Document::Phenopacket(Phenopacket::from_json_value(json)?),
            DocumentKind::Family => Document::Family(Family::from_json_value(json)?),
            DocumentKind::Cohort => Document::Cohort(Cohort::from_json_value(json)?),
        })
    }

    /// Which message this is.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Document::Phenopacket(_) => DocumentKind::Phenopacket,
            Document::Family(_) => DocumentKind::Family,
            Document::Cohort(_) => DocumentKind::Cohort,
        }
    }

    /// The canonical JSON of the message (see [`Message::to_json`]).
    pub fn to_json(&self) -> String {
        match self {
            Document::Phenopacket(phenopacket) => phenopacket.to_json(),
            Document::Family(family) => family.to_json(),
            Document::Cohort(cohort) => cohort.to_json(),
        }
    }

    /// Every phenopacket in the document: the one, the proband then the relatives, or the members.
    pub fn phenopackets(&self) -> Vec<&Phenopacket> {
        match self {
            Document::Phenopacket(phenopacket) => vec![phenopacket],
            Document::Family(family) => family.proband.iter().chain(&family.relatives).collect(),
            Document::Cohort(cohort) => cohort.members.iter().collect(),
        }
    }
}
