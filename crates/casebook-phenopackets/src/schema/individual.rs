//! `phenopackets/schema/v2/core/individual.proto`: the subject of a phenopacket.

use crate::Timestamp;
use crate::{OntologyClass, TimeElement};

message! {
    /// The person (or other organism) a phenopacket describes.
    pub struct Individual = "org.phenopackets.schema.v2.core.Individual" {
        /// An identifier of the subject, unique within the phenopacket's context. Required.
        id: String = (1, "id", "id"),
        /// Other identifiers of the subject.
        alternate_ids: Vec<String> = (2, "alternateIds", "alternate_ids"),
        /// The date of birth; often shifted or truncated for privacy.
        date_of_birth: Option<Timestamp> = (3, "dateOfBirth", "date_of_birth"),
        /// The subject's age or the date at the last encounter. Recommended.
        time_at_last_encounter: Option<TimeElement> = (4, "timeAtLastEncounter", "time_at_last_encounter"),
        /// Whether the subject is alive. Recommended.
        vital_status: Option<VitalStatus> = (5, "vitalStatus", "vital_status"),
        /// The phenotypic sex.
        sex: Sex = (6, "sex", "sex"),
        /// The karyotypic (chromosomal) sex.
        karyotypic_sex: KaryotypicSex = (7, "karyotypicSex", "karyotypic_sex"),
        /// The self-identified gender.
        gender: Option<OntologyClass> = (8, "gender", "gender"),
        /// The species, e.g. `NCBITaxon:9606` (Homo sapiens).
        taxonomy: Option<OntologyClass> = (9, "taxonomy", "taxonomy"),
    }
}

message! {
    /// Whether a subject is alive, and when and of what they died.
    pub struct VitalStatus = "org.phenopackets.schema.v2.core.VitalStatus" {
        /// Alive, deceased or unknown. Required.
        status: vital_status::Status = (1, "status", "status"),
        /// When the subject died.
        time_of_death: Option<TimeElement> = (2, "timeOfDeath", "time_of_death"),
        /// What the subject died of, e.g. a disease class.
        cause_of_death: Option<OntologyClass> = (3, "causeOfDeath", "cause_of_death"),
        /// Days from diagnosis to death or last follow-up, for survival analyses.
        survival_time_in_days: u32 = (4, "survivalTimeInDays", "survival_time_in_days"),
    }
}

/// The nested enum of [`VitalStatus`].
pub mod vital_status {
    proto_enum! {
        /// `VitalStatus.Status`.
        pub enum Status = "org.phenopackets.schema.v2.core.VitalStatus.Status" {
            /// `UNKNOWN_STATUS`: not known (the default).
            UnknownStatus = (0, "UNKNOWN_STATUS"),
            /// `ALIVE`.
            Alive = (1, "ALIVE"),
            /// `DECEASED`.
            Deceased = (2, "DECEASED"),
        }
    }
}

proto_enum! {
    /// The phenotypic sex of an individual.
    pub enum Sex = "org.phenopackets.schema.v2.core.Sex" {
        /// `UNKNOWN_SEX`: not assessed or not available (the default).
        UnknownSex = (0, "UNKNOWN_SEX"),
        /// `FEMALE`.
        Female = (1, "FEMALE"),
        /// `MALE`.
        Male = (2, "MALE"),
        /// `OTHER_SEX`: neither female nor male.
        OtherSex = (3, "OTHER_SEX"),
    }
}

proto_enum! {
    /// The chromosomal sex of an individual.
    pub enum KaryotypicSex = "org.phenopackets.schema.v2.core.KaryotypicSex" {
        /// `UNKNOWN_KARYOTYPE` (the default).
        UnknownKaryotype = (0, "UNKNOWN_KARYOTYPE"),
        /// `XX`.
        Xx = (1, "XX"),
        /// `XY`.
        Xy = (2, "XY"),
        /// `XO`.
        Xo = (3, "XO"),
        /// `XXY`.
        Xxy = (4, "XXY"),
        /// `XXX`.
        Xxx = (5, "XXX"),
        /// `XXYY`.
        Xxyy = (6, "XXYY"),
        /// `XXXY`.
        Xxxy = (7, "XXXY"),
        /// `XXXX`.
        Xxxx = (8, "XXXX"),
        /// `XYY`.
        Xyy = (9, "XYY"),
        /// `OTHER_KARYOTYPE`.
        OtherKaryotype = (10, "OTHER_KARYOTYPE"),
    }
}
