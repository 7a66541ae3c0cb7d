//! A document of unknown kind: a Phenopacket, a Family or a Cohort, told apart by its keys.

use std::borrow::Cow;

use serde_json::Value as Json;

use crate::error::{PhenopacketsError, Reason};
use crate::json::JsonPath;
use crate::{Cohort, Family, Message, MetaData, Phenopacket};

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

    /// Every phenopacket in the document, with its place: the one, the proband then the
    /// relatives, or the members.
    pub fn members(&self) -> Vec<Member<'_>> {
        let member = |path: String, phenopacket, container_meta_data| Member { path, phenopacket, container_meta_data };
        match self {
            Document::Phenopacket(phenopacket) => vec![member("$".to_string(), phenopacket, None)],
            Document::Family(family) => {
                let meta_data = family.meta_data.as_ref();
                let proband = family.proband.iter().map(|proband| member("$.proband".to_string(), proband, meta_data));
                let relatives =
                    family.relatives.iter().enumerate().map(|(i, relative)| member(format!("$.relatives[{i}]"), relative, meta_data));
                proband.chain(relatives).collect()
            }
            Document::Cohort(cohort) => {
                let meta_data = cohort.meta_data.as_ref();
                cohort
                    .members
                    .iter()
                    .enumerate()
                    .map(|(i, phenopacket)| member(format!("$.members[{i}]"), phenopacket, meta_data))
                    .collect()
            }
        }
    }

    /// The fields a Family or a Cohort has beyond its phenopackets that are set, by JSON name
    /// (`id`, `pedigree`, `files`...): what no single phenopacket carries. Empty for a
    /// Phenopacket. `metaData` is among them; [`Member::standalone`] gives it to the
    /// phenopackets that have none of their own.
    pub fn container_fields(&self) -> Vec<&'static str> {
        let set = |fields: &[(&'static str, bool)]| fields.iter().filter(|(_, set)| *set).map(|&(name, _)| name).collect();
        match self {
            Document::Phenopacket(_) => Vec::new(),
            Document::Family(family) => set(&[
                ("id", !family.id.is_empty()),
                ("pedigree", family.pedigree.is_some()),
                ("files", !family.files.is_empty()),
                ("metaData", family.meta_data.is_some()),
                ("consanguinousParents", family.consanguinous_parents),
            ]),
            Document::Cohort(cohort) => set(&[
                ("id", !cohort.id.is_empty()),
                ("description", !cohort.description.is_empty()),
                ("files", !cohort.files.is_empty()),
                ("metaData", cohort.meta_data.is_some()),
            ]),
        }
    }
}

/// One phenopacket of a [`Document`] and where it is.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    /// Its JSON path in the document: `$`, `$.proband`, `$.relatives[0]` or `$.members[0]`.
    pub path: String,
    /// The phenopacket as the document gives it.
    pub phenopacket: &'a Phenopacket,
    /// The Family's or Cohort's metaData.
    container_meta_data: Option<&'a MetaData>,
}

impl<'a> Member<'a> {
    /// The phenopacket as a document of its own: with the Family's or Cohort's metaData when it
    /// has none, as validation reads it (the container's metaData stands in for a missing one).
    pub fn standalone(&self) -> Cow<'a, Phenopacket> {
        match (&self.phenopacket.meta_data, self.container_meta_data) {
            (None, Some(meta_data)) => Cow::Owned(Phenopacket { meta_data: Some(meta_data.clone()), ..self.phenopacket.clone() }),
            _ => Cow::Borrowed(self.phenopacket),
        }
    }
}
