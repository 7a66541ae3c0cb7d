//! GA4GH Phenopacket Schema v2 for Casebook: every message as a Rust type, a faithful reader and
//! canonical writer of its JSON form, and the checks phenopacket-tools makes beyond the schema.
//!
//! **Types.** [`Phenopacket`], [`Family`] and [`Cohort`] and every message they contain, down to
//! VRS 1.x ([`vrs`]), mirror the protobuf definitions of schema 2.0.2 (PyPI `phenopackets`
//! 2.0.2.post5) field for field, with public fields as in prost: singular messages are
//! `Option`s, repeated fields `Vec`s, maps `BTreeMap`s, a oneof is an `Option` of an enum with one
//! variant per member (e.g. [`time_element::Element`]), nested types live in a module named
//! after their parent (e.g. [`vital_status::Status`]), enums have prost-style variants and their
//! schema names through `as_str_name`, and `google.protobuf.Timestamp` is [`Timestamp`].
//!
//! **Reading** ([`Message::from_json`], [`Document::from_json`]) follows the protobuf proto3 JSON
//! mapping as `google.protobuf.json_format.Parse` does: lowerCamelCase and original snake_case
//! keys, 64-bit integers as strings or numbers, enums by name or number, `null` and absent
//! fields as defaults. Unknown fields, a key given twice in one object, wrong types and bad
//! values are errors, and a document's errors are all collected, each with its JSON path
//! ([`FieldError`]). The text is read in one pass, straight into the typed messages.
//!
//! **Writing** ([`Message::to_json`]) gives canonical JSON as `MessageToJson` prints it: default
//! values left out, 64-bit integers as strings, fields in field-number order, 2-space indent.
//! `from_json(to_json(x)) == x` for every message.
//!
//! **Validation** ([`validate`], [`validate_document`]) reports required fields, CURIE prefixes
//! missing from `metaData.resources`, unknown, obsolete and mislabelled HPO terms, and
//! contradictory or duplicated phenotypic features, as [`Issue`]s with a level, a path and a rule.
//!
//! ```
//! use casebook_hpo::Hpo;
//! use casebook_phenopackets::{Level, Message, Phenopacket, Rule, Sex, validate};
//!
//! let text = r#"{
//!   "id": "case-1",
//!   "subject": {"id": "P1", "sex": "MALE"},
//!   "phenotypic_features": [{"type": {"id": "HP:0001873", "label": "Thrombocytopenia"}, "excluded": false}],
//!   "metaData": {"created": "2025-06-01T12:00:00Z", "createdBy": "site 03", "phenopacketSchemaVersion": "2.0.2",
//!     "resources": [{"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
//!       "version": "2025-01-16", "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"}]}
//! }"#;
//! let phenopacket = Phenopacket::from_json(text).unwrap();
//! assert_eq!(phenopacket.subject.as_ref().unwrap().sex, Sex::Male);
//!
//! // Canonical JSON: camelCase keys, `excluded: false` left out.
//! let canonical = phenopacket.to_json();
//! assert!(canonical.contains(r#""phenotypicFeatures": ["#) && !canonical.contains("excluded"));
//! assert_eq!(Phenopacket::from_json(&canonical).unwrap(), phenopacket);
//!
//! // Every error of a document, with its path.
//! let error = Phenopacket::from_json(r#"{"id": 7, "subject": {"sex": "MAN"}}"#).unwrap_err();
//! let paths: Vec<&str> = error.field_errors().iter().map(|error| error.path.as_str()).collect();
//! assert_eq!(paths, ["$.id", "$.subject.sex"]);
//!
//! // Checks beyond the schema.
//! let issues = validate(&phenopacket, Hpo::embedded());
//! assert!(issues.is_empty(), "{issues:?}");
//! let mut unlabelled = phenopacket.clone();
//! unlabelled.phenotypic_features[0].r#type.as_mut().unwrap().label.clear();
//! let issues = validate(&unlabelled, Hpo::embedded());
//! assert_eq!((issues[0].level, issues[0].rule), (Level::Error, Rule::RequiredField));
//! assert_eq!(issues[0].path, "$.phenotypicFeatures[0].type.label");
//! ```
//!
//! **Conformance.** For every file of the phenopacket-store subset, the schema's examples and
//! the crate's fixtures, [`Message::to_json`] equals what the Python reference
//! (`google.protobuf.json_format.MessageToJson` on the `phenopackets` bindings) prints, as JSON
//! values; for all 1,508 store files the texts are byte-for-byte identical (see
//! `conformance/README.md`). Deliberate differences from the Python parser, all stricter:
//! enum numbers the enum does not define are rejected (proto3 keeps them as open values), a
//! field given under both of its names is an error (Python keeps the last), timestamps must be
//! strict RFC 3339 (Python's `strptime` also takes `2022-3-1T...`), and three accidents of
//! Python's reader, which checks the JSON type of some fields by Python's own (a `bool` is an
//! `int`, a string and a list can be walked like an object's keys), are not copied: `true` and
//! `false` as enum numbers 1 and 0, and as the doubles 1.0 and 0.0, and an empty string or list
//! as an empty message (found by `changed_conformance`, which compares both readers on changed
//! documents). Map fields are written with sorted keys, where the protobuf runtime's order is
//! unspecified.
//!
//! Not here: the protobuf binary format, Phenopacket schema v1, other ontologies than the HPO
//! for term checks, and any IO: texts come in and go out as strings.

#![deny(missing_docs)]

#[macro_use]
mod macros;

mod document;
mod error;
mod json;
mod schema;
mod timestamp;
mod validate;
pub mod vrs;

use std::fmt;

use serde_json::Value as Json;

pub use crate::document::{Document, DocumentKind, Member};
pub use crate::error::{FieldError, PhenopacketsError, Reason};
pub use crate::schema::base::{
    Age, AgeRange, Evidence, ExternalReference, File, GestationalAge, OntologyClass, Procedure, TimeElement, TimeInterval, time_element,
};
pub use crate::schema::biosample::Biosample;
pub use crate::schema::disease::Disease;
pub use crate::schema::individual::{Individual, KaryotypicSex, Sex, VitalStatus, vital_status};
pub use crate::schema::interpretation::{
    AcmgPathogenicityClassification, Diagnosis, GenomicInterpretation, Interpretation, TherapeuticActionability, VariantInterpretation,
    genomic_interpretation, interpretation,
};
pub use crate::schema::measurement::{ComplexValue, Measurement, Quantity, ReferenceRange, TypedQuantity, Value, measurement, value};
pub use crate::schema::medical_action::{
    DoseInterval, DrugType, MedicalAction, RadiationTherapy, TherapeuticRegimen, Treatment, medical_action, therapeutic_regimen,
};
pub use crate::schema::meta_data::{MetaData, Resource, Update};
pub use crate::schema::pedigree::{Pedigree, pedigree};
pub use crate::schema::phenopackets::{Cohort, Family, Phenopacket};
pub use crate::schema::phenotypic_feature::PhenotypicFeature;
pub use crate::schema::vrsatile::{Expression, Extension, GeneDescriptor, MoleculeContext, VariationDescriptor, VcfRecord};
pub use crate::timestamp::Timestamp;
pub use crate::validate::{Issue, Level, Rule, validate, validate_document};

/// A message of the schema: read from and written to its protobuf JSON form.
///
/// Every message type implements it, down to [`OntologyClass`] and the VRS types, so any part of
/// a document can be read or written on its own. The trait is sealed: it can be used but not
/// implemented outside this crate.
pub trait Message: json::MessageJson + json::JsonField + Clone + PartialEq + fmt::Debug {
    /// The full protobuf name, e.g. `org.phenopackets.schema.v2.Phenopacket`.
    fn full_name() -> &'static str {
        Self::FULL_NAME
    }

    /// Reads a JSON text. A text that is not JSON gives [`PhenopacketsError::Syntax`] with its
    /// line and column; JSON that does not fit the message gives [`PhenopacketsError::Invalid`]
    /// with every problem found.
    fn from_json(text: &str) -> Result<Self, PhenopacketsError> {
        let mut reader = json::Reader::new();
        let message = json::read_text::<Self>(text, &mut reader)?;
        let errors = reader.into_errors();
        match message {
            Some(message) if errors.is_empty() => Ok(message),
            _ => Err(PhenopacketsError::Invalid { errors }),
        }
    }

    /// Reads an already parsed JSON value (see [`Message::from_json`]).
    fn from_json_value(json: &Json) -> Result<Self, PhenopacketsError> {
        // Through its text, so that there is one reader: values are read rarely (documents come
        // in as text), and writing one out is quick.
        Self::from_json(&json.to_string())
    }

    /// The canonical JSON text, without a trailing newline: lowerCamelCase keys in field-number
    /// order, fields at their proto3 default left out (empty strings and lists, 0, false, the
    /// zero enum value), unset messages left out and set ones written even if empty (`{}`),
    /// 64-bit integers as strings, enums by name, doubles as Python prints them, timestamps in
    /// UTC with `Z`, and a 2-space indent.
    fn to_json(&self) -> String {
        let mut writer = json::Writer::new();
        json::JsonField::write_json(self, &mut writer);
        writer.finish()
    }

    /// The canonical JSON without whitespace: the same keys, order and values as
    /// [`Message::to_json`], written as serde_json writes a value (no spaces or newlines, doubles
    /// in serde_json's shortest form, e.g. `1e-5`). Equal to `serde_json::to_string` of
    /// [`Message::to_json_value`], without building the value.
    fn to_compact_json(&self) -> String {
        let mut writer = json::Writer::compact();
        json::JsonField::write_json(self, &mut writer);
        writer.finish()
    }

    /// The canonical JSON as a `serde_json::Value`.
    fn to_json_value(&self) -> Json {
        serde_json::from_str(&self.to_json()).expect("the writer produces valid JSON")
    }
}
