//! `phenopackets/schema/v2/core/phenotypic_feature.proto`.

use crate::{Evidence, OntologyClass, TimeElement};

message! {
    /// A phenotype observed in (or explicitly excluded from) the subject, usually an HPO term.
    pub struct PhenotypicFeature = "org.phenopackets.schema.v2.core.PhenotypicFeature" {
        /// A free-text description.
        description: String = (1, "description", "description"),
        /// The phenotype, e.g. `HP:0001873` (thrombocytopenia). Required.
        r#type: Option<OntologyClass> = (2, "type", "type"),
        /// True when the phenotype was looked for and found absent.
        excluded: bool = (3, "excluded", "excluded"),
        /// How severe, e.g. `HP:0012826` (moderate).
        severity: Option<OntologyClass> = (4, "severity", "severity"),
        /// Qualifiers such as `HP:0031796` (recurrent).
        modifiers: Vec<OntologyClass> = (5, "modifiers", "modifiers"),
        /// When it began.
        onset: Option<TimeElement> = (6, "onset", "onset"),
        /// When it resolved.
        resolution: Option<TimeElement> = (7, "resolution", "resolution"),
        /// Why it is asserted. Recommended.
        evidence: Vec<Evidence> = (8, "evidence", "evidence"),
    }
}
