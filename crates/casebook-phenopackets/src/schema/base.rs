//! `phenopackets/schema/v2/core/base.proto`: ontology classes, references, evidence, procedures,
//! ages and the other ways of saying when something happened, and files.

use std::collections::BTreeMap;

use crate::Timestamp;

message! {
    /// A class (term) of an ontology, e.g. `{"id": "HP:0001369", "label": "Arthritis"}`.
    pub struct OntologyClass = "org.phenopackets.schema.v2.core.OntologyClass" {
        /// A CURIE such as `HP:0001369`; its prefix must be declared in `metaData.resources`.
        id: String = (1, "id", "id"),
        /// The class's human-readable name, as the ontology gives it.
        label: String = (2, "label", "label"),
    }
}

message! {
    /// A reference to something outside the phenopacket, e.g. a publication `PMID:30808312`.
    pub struct ExternalReference = "org.phenopackets.schema.v2.core.ExternalReference" {
        /// An identifier, usually a CURIE.
        id: String = (1, "id", "id"),
        /// A URL or other pointer to the referenced item.
        reference: String = (2, "reference", "reference"),
        /// A free-text description, e.g. the publication's title.
        description: String = (3, "description", "description"),
    }
}

message! {
    /// Why an assertion is believed: an evidence code (ECO) and its source.
    pub struct Evidence = "org.phenopackets.schema.v2.core.Evidence" {
        /// The kind of evidence, an ECO class such as `ECO:0000033` (author statement). Required.
        evidence_code: Option<OntologyClass> = (1, "evidenceCode", "evidence_code"),
        /// The source of the evidence.
        reference: Option<ExternalReference> = (2, "reference", "reference"),
    }
}

message! {
    /// A clinical procedure performed on a subject, e.g. a biopsy or a transplant.
    pub struct Procedure = "org.phenopackets.schema.v2.core.Procedure" {
        /// What was done, e.g. `NCIT:C15431` (hematopoietic cell transplantation). Required.
        code: Option<OntologyClass> = (1, "code", "code"),
        /// Where on the body, e.g. an UBERON class.
        body_site: Option<OntologyClass> = (2, "bodySite", "body_site"),
        /// When it was done.
        performed: Option<TimeElement> = (3, "performed", "performed"),
    }
}

message! {
    /// An age in completed weeks and days of gestation, for prenatal and neonatal onsets.
    pub struct GestationalAge = "org.phenopackets.schema.v2.core.GestationalAge" {
        /// Completed weeks of gestation. Required.
        weeks: i32 = (1, "weeks", "weeks"),
        /// Days beyond the completed weeks.
        days: i32 = (2, "days", "days"),
    }
}

message! {
    /// An age as an ISO 8601 duration, e.g. `P3Y6M` for three and a half years.
    pub struct Age = "org.phenopackets.schema.v2.core.Age" {
        /// The duration, e.g. `P1M9D`. Required.
        iso8601duration: String = (1, "iso8601duration", "iso8601duration"),
    }
}

message! {
    /// An age between two ages, e.g. from 2 to 6 months.
    pub struct AgeRange = "org.phenopackets.schema.v2.core.AgeRange" {
        /// The youngest age of the range. Required.
        start: Option<Age> = (1, "start", "start"),
        /// The oldest age of the range. Required.
        end: Option<Age> = (2, "end", "end"),
    }
}

message! {
    /// A span between two instants.
    pub struct TimeInterval = "org.phenopackets.schema.v2.core.TimeInterval" {
        /// The first instant. Required.
        start: Option<Timestamp> = (1, "start", "start"),
        /// The last instant. Required.
        end: Option<Timestamp> = (2, "end", "end"),
    }
}

message! {
    /// When something happened, in exactly one of six ways (a oneof). The JSON object has exactly
    /// one key, e.g. `{"age": {"iso8601duration": "P3Y"}}`.
    pub struct TimeElement = "org.phenopackets.schema.v2.core.TimeElement" {
        /// The way the time is given; `None` for an empty object `{}`.
        element: Option<time_element::Element> = oneof,
    }
}

/// The oneof of [`TimeElement`].
pub mod time_element {
    use crate::Timestamp;
    use crate::{Age, AgeRange, GestationalAge, OntologyClass, TimeInterval};

    oneof! {
        /// The six ways of giving a [`crate::TimeElement`], in field-number order.
        pub enum Element = "element" {
            /// An age, e.g. `P3Y6M`.
            Age(Age) = (1, "age", "age"),
            /// A range of ages.
            AgeRange(AgeRange) = (2, "ageRange", "age_range"),
            /// An ontology class for an age or period, e.g. `HP:0003593` (infantile onset).
            OntologyClass(OntologyClass) = (3, "ontologyClass", "ontology_class"),
            /// An instant.
            Timestamp(Timestamp) = (4, "timestamp", "timestamp"),
            /// A span between two instants.
            Interval(TimeInterval) = (5, "interval", "interval"),
            /// A gestational age.
            GestationalAge(GestationalAge) = (6, "gestationalAge", "gestational_age"),
        }
    }
}

message! {
    /// A file (e.g. a VCF) and how the phenopacket's identifiers map to the identifiers in it.
    pub struct File = "org.phenopackets.schema.v2.core.File" {
        /// Where the file is, as a URI. Required.
        uri: String = (1, "uri", "uri"),
        /// Identifiers of the phenopacket (subject, biosamples) mapped to identifiers in the file.
        individual_to_file_identifiers: BTreeMap<String, String> = (2, "individualToFileIdentifiers", "individual_to_file_identifiers"),
        /// Attributes of the file, e.g. `genomeAssembly`, `fileFormat`.
        file_attributes: BTreeMap<String, String> = (3, "fileAttributes", "file_attributes"),
    }
}
