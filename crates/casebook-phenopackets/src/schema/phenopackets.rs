//! `phenopackets/schema/v2/phenopackets.proto`: the three top-level documents.

use crate::{Biosample, Disease, File, Individual, Interpretation, Measurement, MedicalAction, MetaData, Pedigree, PhenotypicFeature};

message! {
    /// One individual's phenotypes, measurements, samples, diagnoses, treatments and files.
    pub struct Phenopacket = "org.phenopackets.schema.v2.Phenopacket" {
        /// An identifier of the phenopacket. Required.
        id: String = (1, "id", "id"),
        /// The individual described.
        subject: Option<Individual> = (2, "subject", "subject"),
        /// Phenotypes observed or excluded. Recommended.
        phenotypic_features: Vec<PhenotypicFeature> = (3, "phenotypicFeatures", "phenotypic_features"),
        /// Measurements, e.g. laboratory results.
        measurements: Vec<Measurement> = (4, "measurements", "measurements"),
        /// Samples taken.
        biosamples: Vec<Biosample> = (5, "biosamples", "biosamples"),
        /// Diagnoses and their genomic basis.
        interpretations: Vec<Interpretation> = (6, "interpretations", "interpretations"),
        /// Diseases diagnosed or excluded.
        diseases: Vec<Disease> = (7, "diseases", "diseases"),
        /// Treatments and procedures.
        medical_actions: Vec<MedicalAction> = (9, "medicalActions", "medical_actions"),
        /// Files, e.g. VCFs.
        files: Vec<File> = (10, "files", "files"),
        /// Provenance and resources. Required.
        meta_data: Option<MetaData> = (11, "metaData", "meta_data"),
    }
}

message! {
    /// A proband, relatives and their pedigree, e.g. for segregation analysis.
    pub struct Family = "org.phenopackets.schema.v2.Family" {
        /// An identifier of the family.
        id: String = (1, "id", "id"),
        /// The affected person the family was ascertained through.
        proband: Option<Phenopacket> = (2, "proband", "proband"),
        /// The relatives.
        relatives: Vec<Phenopacket> = (3, "relatives", "relatives"),
        /// The pedigree.
        pedigree: Option<Pedigree> = (4, "pedigree", "pedigree"),
        /// Files of the family, e.g. a multi-sample VCF.
        files: Vec<File> = (5, "files", "files"),
        /// Provenance and resources.
        meta_data: Option<MetaData> = (6, "metaData", "meta_data"),
        /// Whether the parents are related (the schema's spelling).
        consanguinous_parents: bool = (7, "consanguinousParents", "consanguinous_parents"),
    }
}

message! {
    /// A group of individuals, e.g. a case series.
    pub struct Cohort = "org.phenopackets.schema.v2.Cohort" {
        /// An identifier of the cohort.
        id: String = (1, "id", "id"),
        /// A free-text description.
        description: String = (2, "description", "description"),
        /// One phenopacket per member.
        members: Vec<Phenopacket> = (3, "members", "members"),
        /// Files of the cohort.
        files: Vec<File> = (4, "files", "files"),
        /// Provenance and resources.
        meta_data: Option<MetaData> = (5, "metaData", "meta_data"),
    }
}
