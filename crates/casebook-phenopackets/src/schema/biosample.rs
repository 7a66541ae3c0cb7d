//! `phenopackets/schema/v2/core/biosample.proto`.

use crate::Measurement;
use crate::PhenotypicFeature;
use crate::{File, OntologyClass, Procedure, TimeElement};

message! {
    /// A sample taken from the subject, e.g. a biopsy, with its own phenotypes and measurements.
    pub struct Biosample = "org.phenopackets.schema.v2.core.Biosample" {
        /// An identifier of the sample. Required.
        id: String = (1, "id", "id"),
        /// The identifier of the individual the sample was taken from.
        individual_id: String = (2, "individualId", "individual_id"),
        /// The identifier of the sample this one was derived from.
        derived_from_id: String = (3, "derivedFromId", "derived_from_id"),
        /// A free-text description.
        description: String = (4, "description", "description"),
        /// The tissue, e.g. an UBERON class.
        sampled_tissue: Option<OntologyClass> = (5, "sampledTissue", "sampled_tissue"),
        /// The kind of sample, e.g. `OBI:0002600` (genomic DNA).
        sample_type: Option<OntologyClass> = (6, "sampleType", "sample_type"),
        /// Phenotypes of the sample, e.g. histological findings.
        phenotypic_features: Vec<PhenotypicFeature> = (7, "phenotypicFeatures", "phenotypic_features"),
        /// Measurements made on the sample.
        measurements: Vec<Measurement> = (8, "measurements", "measurements"),
        /// The species, e.g. `NCBITaxon:9606`.
        taxonomy: Option<OntologyClass> = (9, "taxonomy", "taxonomy"),
        /// When the sample was taken.
        time_of_collection: Option<TimeElement> = (10, "timeOfCollection", "time_of_collection"),
        /// The histological diagnosis, e.g. an NCIT class.
        histological_diagnosis: Option<OntologyClass> = (11, "histologicalDiagnosis", "histological_diagnosis"),
        /// Primary tumour, metastasis, recurrence...
        tumor_progression: Option<OntologyClass> = (12, "tumorProgression", "tumor_progression"),
        /// The tumour grade.
        tumor_grade: Option<OntologyClass> = (13, "tumorGrade", "tumor_grade"),
        /// The pathological stage.
        pathological_stage: Option<OntologyClass> = (14, "pathologicalStage", "pathological_stage"),
        /// Pathological TNM findings.
        pathological_tnm_finding: Vec<OntologyClass> = (15, "pathologicalTnmFinding", "pathological_tnm_finding"),
        /// Clinically relevant markers, e.g. HER2 positive.
        diagnostic_markers: Vec<OntologyClass> = (16, "diagnosticMarkers", "diagnostic_markers"),
        /// How the sample was obtained.
        procedure: Option<Procedure> = (17, "procedure", "procedure"),
        /// Files derived from the sample.
        files: Vec<File> = (18, "files", "files"),
        /// Tumour, normal or other material.
        material_sample: Option<OntologyClass> = (19, "materialSample", "material_sample"),
        /// How the sample was processed.
        sample_processing: Option<OntologyClass> = (20, "sampleProcessing", "sample_processing"),
        /// How the sample is stored.
        sample_storage: Option<OntologyClass> = (21, "sampleStorage", "sample_storage"),
    }
}
