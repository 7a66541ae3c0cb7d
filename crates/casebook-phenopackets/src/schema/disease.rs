//! `phenopackets/schema/v2/core/disease.proto`.

use crate::{OntologyClass, TimeElement};

message! {
    /// A disease diagnosed in (or excluded for) the subject.
    pub struct Disease = "org.phenopackets.schema.v2.core.Disease" {
        /// The disease, e.g. `OMIM:301000` (Wiskott-Aldrich syndrome). Required.
        term: Option<OntologyClass> = (1, "term", "term"),
        /// True when the disease was ruled out.
        excluded: bool = (2, "excluded", "excluded"),
        /// When it began.
        onset: Option<TimeElement> = (3, "onset", "onset"),
        /// When it resolved.
        resolution: Option<TimeElement> = (4, "resolution", "resolution"),
        /// Stages, e.g. tumour stages.
        disease_stage: Vec<OntologyClass> = (5, "diseaseStage", "disease_stage"),
        /// Clinical TNM findings.
        clinical_tnm_finding: Vec<OntologyClass> = (6, "clinicalTnmFinding", "clinical_tnm_finding"),
        /// The primary site.
        primary_site: Option<OntologyClass> = (7, "primarySite", "primary_site"),
        /// Left, right or bilateral.
        laterality: Option<OntologyClass> = (8, "laterality", "laterality"),
    }
}
