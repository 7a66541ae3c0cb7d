//! `phenopackets/schema/v2/core/pedigree.proto`: a family tree in the PED file's terms.

message! {
    /// The members of a family and how they are related.
    pub struct Pedigree = "org.phenopackets.schema.v2.core.Pedigree" {
        /// One entry per person.
        persons: Vec<pedigree::Person> = (1, "persons", "persons"),
    }
}

/// The nested message of [`Pedigree`].
pub mod pedigree {
    use crate::Sex;

    message! {
        /// One line of a PED file.
        pub struct Person = "org.phenopackets.schema.v2.core.Pedigree.Person" {
            /// The family.
            family_id: String = (1, "familyId", "family_id"),
            /// The person.
            individual_id: String = (2, "individualId", "individual_id"),
            /// The father, if in the pedigree.
            paternal_id: String = (3, "paternalId", "paternal_id"),
            /// The mother, if in the pedigree.
            maternal_id: String = (4, "maternalId", "maternal_id"),
            /// The person's sex.
            sex: Sex = (5, "sex", "sex"),
            /// Whether the person has the family's disease.
            affected_status: person::AffectedStatus = (6, "affectedStatus", "affected_status"),
        }
    }

    /// The nested enum of [`Person`].
    pub mod person {
        proto_enum! {
            /// `Pedigree.Person.AffectedStatus`.
            pub enum AffectedStatus = "org.phenopackets.schema.v2.core.Pedigree.Person.AffectedStatus" {
                /// `MISSING` (the default).
                Missing = (0, "MISSING"),
                /// `UNAFFECTED`.
                Unaffected = (1, "UNAFFECTED"),
                /// `AFFECTED`.
                Affected = (2, "AFFECTED"),
            }
        }
    }
}
