//! `phenopackets/schema/v2/core/interpretation.proto`: diagnoses and the genomic findings behind them.

use crate::{OntologyClass, VariationDescriptor};

message! {
    /// An interpretation of the case: the diagnosis reached (or sought) and its status.
    pub struct Interpretation = "org.phenopackets.schema.v2.core.Interpretation" {
        /// An identifier of the interpretation. Required.
        id: String = (1, "id", "id"),
        /// How far the interpretation has got.
        progress_status: interpretation::ProgressStatus = (2, "progressStatus", "progress_status"),
        /// The diagnosis.
        diagnosis: Option<Diagnosis> = (3, "diagnosis", "diagnosis"),
        /// A free-text summary.
        summary: String = (4, "summary", "summary"),
    }
}

/// The nested enum of [`Interpretation`].
pub mod interpretation {
    proto_enum! {
        /// `Interpretation.ProgressStatus`.
        pub enum ProgressStatus = "org.phenopackets.schema.v2.core.Interpretation.ProgressStatus" {
            /// `UNKNOWN_PROGRESS` (the default).
            UnknownProgress = (0, "UNKNOWN_PROGRESS"),
            /// `IN_PROGRESS`.
            InProgress = (1, "IN_PROGRESS"),
            /// `COMPLETED`.
            Completed = (2, "COMPLETED"),
            /// `SOLVED`: a diagnosis was reached.
            Solved = (3, "SOLVED"),
            /// `UNSOLVED`.
            Unsolved = (4, "UNSOLVED"),
        }
    }
}

message! {
    /// A disease and the genomic interpretations that support it.
    pub struct Diagnosis = "org.phenopackets.schema.v2.core.Diagnosis" {
        /// The disease, e.g. `OMIM:301000`. Required.
        disease: Option<OntologyClass> = (1, "disease", "disease"),
        /// The genes or variants found, with their role.
        genomic_interpretations: Vec<GenomicInterpretation> = (2, "genomicInterpretations", "genomic_interpretations"),
    }
}

message! {
    /// A gene or variant found in the subject or a biosample, and how it bears on the diagnosis.
    pub struct GenomicInterpretation = "org.phenopackets.schema.v2.core.GenomicInterpretation" {
        /// The subject or biosample the finding was made in. Required.
        subject_or_biosample_id: String = (1, "subjectOrBiosampleId", "subject_or_biosample_id"),
        /// Causative, contributory, candidate or rejected.
        interpretation_status: genomic_interpretation::InterpretationStatus = (2, "interpretationStatus", "interpretation_status"),
        /// The finding: a gene or a variant. Required.
        call: Option<genomic_interpretation::Call> = oneof,
    }
}

/// The nested enum and the oneof of [`GenomicInterpretation`].
pub mod genomic_interpretation {
    use crate::{GeneDescriptor, VariantInterpretation};

    proto_enum! {
        /// `GenomicInterpretation.InterpretationStatus`.
        pub enum InterpretationStatus = "org.phenopackets.schema.v2.core.GenomicInterpretation.InterpretationStatus" {
            /// `UNKNOWN_STATUS` (the default).
            UnknownStatus = (0, "UNKNOWN_STATUS"),
            /// `REJECTED`.
            Rejected = (1, "REJECTED"),
            /// `CANDIDATE`.
            Candidate = (2, "CANDIDATE"),
            /// `CONTRIBUTORY`.
            Contributory = (3, "CONTRIBUTORY"),
            /// `CAUSATIVE`.
            Causative = (4, "CAUSATIVE"),
        }
    }

    oneof! {
        /// The finding of a [`crate::GenomicInterpretation`].
        pub enum Call = "call" {
            /// A gene, when no variant is known.
            Gene(GeneDescriptor) = (3, "gene", "gene"),
            /// A variant with its classification.
            VariantInterpretation(VariantInterpretation) = (4, "variantInterpretation", "variant_interpretation"),
        }
    }
}

message! {
    /// A variant with its ACMG classification and actionability.
    pub struct VariantInterpretation = "org.phenopackets.schema.v2.core.VariantInterpretation" {
        /// The ACMG pathogenicity class.
        acmg_pathogenicity_classification: AcmgPathogenicityClassification =
            (1, "acmgPathogenicityClassification", "acmg_pathogenicity_classification"),
        /// Whether a therapy targets the variant.
        therapeutic_actionability: TherapeuticActionability = (2, "therapeuticActionability", "therapeutic_actionability"),
        /// The variant. Required.
        variation_descriptor: Option<VariationDescriptor> = (3, "variationDescriptor", "variation_descriptor"),
    }
}

proto_enum! {
    /// The ACMG/AMP variant classification.
    pub enum AcmgPathogenicityClassification = "org.phenopackets.schema.v2.core.AcmgPathogenicityClassification" {
        /// `NOT_PROVIDED` (the default).
        NotProvided = (0, "NOT_PROVIDED"),
        /// `BENIGN`.
        Benign = (1, "BENIGN"),
        /// `LIKELY_BENIGN`.
        LikelyBenign = (2, "LIKELY_BENIGN"),
        /// `UNCERTAIN_SIGNIFICANCE`.
        UncertainSignificance = (3, "UNCERTAIN_SIGNIFICANCE"),
        /// `LIKELY_PATHOGENIC`.
        LikelyPathogenic = (4, "LIKELY_PATHOGENIC"),
        /// `PATHOGENIC`.
        Pathogenic = (5, "PATHOGENIC"),
    }
}

proto_enum! {
    /// Whether a variant can be targeted by a therapy.
    pub enum TherapeuticActionability = "org.phenopackets.schema.v2.core.TherapeuticActionability" {
        /// `UNKNOWN_ACTIONABILITY` (the default).
        UnknownActionability = (0, "UNKNOWN_ACTIONABILITY"),
        /// `NOT_ACTIONABLE`.
        NotActionable = (1, "NOT_ACTIONABLE"),
        /// `ACTIONABLE`.
        Actionable = (2, "ACTIONABLE"),
    }
}
