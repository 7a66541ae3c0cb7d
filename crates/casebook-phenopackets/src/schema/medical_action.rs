//! `phenopackets/schema/v2/core/medical_action.proto`: treatments, procedures, radiation and
//! regimens, with their target, intent, response and adverse events.

use crate::{OntologyClass, Quantity, TimeElement, TimeInterval};

message! {
    /// Something done for the subject's health, and what came of it.
    pub struct MedicalAction = "org.phenopackets.schema.v2.core.MedicalAction" {
        /// The action: exactly one of procedure, treatment, radiation therapy or regimen. Required.
        action: Option<medical_action::Action> = oneof,
        /// The condition treated, e.g. `HP:0001369` (arthritis).
        treatment_target: Option<OntologyClass> = (5, "treatmentTarget", "treatment_target"),
        /// The intent, e.g. `NCIT:C62220` (cure).
        treatment_intent: Option<OntologyClass> = (6, "treatmentIntent", "treatment_intent"),
        /// The response, e.g. `NCIT:C123584` (favorable response).
        response_to_treatment: Option<OntologyClass> = (7, "responseToTreatment", "response_to_treatment"),
        /// Adverse events attributed to the action.
        adverse_events: Vec<OntologyClass> = (8, "adverseEvents", "adverse_events"),
        /// Why the action stopped, e.g. `NCIT:C105740` (completed as prescribed).
        treatment_termination_reason: Option<OntologyClass> = (9, "treatmentTerminationReason", "treatment_termination_reason"),
    }
}

/// The oneof of [`MedicalAction`].
pub mod medical_action {
    use crate::{Procedure, RadiationTherapy, TherapeuticRegimen, Treatment};

    oneof! {
        /// The four kinds of [`crate::MedicalAction`].
        pub enum Action = "action" {
            /// A procedure, e.g. a transplant.
            Procedure(Procedure) = (1, "procedure", "procedure"),
            /// A drug treatment.
            Treatment(Treatment) = (2, "treatment", "treatment"),
            /// Radiation therapy.
            RadiationTherapy(RadiationTherapy) = (3, "radiationTherapy", "radiation_therapy"),
            /// A regimen defined elsewhere, e.g. a conditioning protocol.
            TherapeuticRegimen(TherapeuticRegimen) = (4, "therapeuticRegimen", "therapeutic_regimen"),
        }
    }
}

message! {
    /// A drug given to the subject, with its route, doses and cumulative dose.
    pub struct Treatment = "org.phenopackets.schema.v2.core.Treatment" {
        /// The drug, e.g. `DrugBank:DB00026` (anakinra). Required.
        agent: Option<OntologyClass> = (1, "agent", "agent"),
        /// The route, e.g. `NCIT:C38299` (subcutaneous). Recommended.
        route_of_administration: Option<OntologyClass> = (2, "routeOfAdministration", "route_of_administration"),
        /// The doses over time. Recommended.
        dose_intervals: Vec<DoseInterval> = (3, "doseIntervals", "dose_intervals"),
        /// Where the information comes from.
        drug_type: DrugType = (4, "drugType", "drug_type"),
        /// The total dose given.
        cumulative_dose: Option<Quantity> = (5, "cumulativeDose", "cumulative_dose"),
    }
}

message! {
    /// A dose given at a frequency over a time interval, e.g. 2 mg/kg once daily from March to August.
    pub struct DoseInterval = "org.phenopackets.schema.v2.core.DoseInterval" {
        /// The amount per administration. Required.
        quantity: Option<Quantity> = (1, "quantity", "quantity"),
        /// How often, e.g. `NCIT:C125004` (once daily). Required.
        schedule_frequency: Option<OntologyClass> = (2, "scheduleFrequency", "schedule_frequency"),
        /// From when to when. Required.
        interval: Option<TimeInterval> = (3, "interval", "interval"),
    }
}

proto_enum! {
    /// Where the information about a treatment comes from.
    pub enum DrugType = "org.phenopackets.schema.v2.core.DrugType" {
        /// `UNKNOWN_DRUG_TYPE` (the default).
        UnknownDrugType = (0, "UNKNOWN_DRUG_TYPE"),
        /// `PRESCRIPTION`.
        Prescription = (1, "PRESCRIPTION"),
        /// `EHR_MEDICATION_LIST`.
        EhrMedicationList = (2, "EHR_MEDICATION_LIST"),
        /// `ADMINISTRATION_RELATED_TO_PROCEDURE`.
        AdministrationRelatedToProcedure = (3, "ADMINISTRATION_RELATED_TO_PROCEDURE"),
    }
}

message! {
    /// Radiation therapy: modality, site, total dose and fractions.
    pub struct RadiationTherapy = "org.phenopackets.schema.v2.core.RadiationTherapy" {
        /// The modality, e.g. `NCIT:C157823` (electron beam). Required.
        modality: Option<OntologyClass> = (1, "modality", "modality"),
        /// The irradiated site. Required.
        body_site: Option<OntologyClass> = (2, "bodySite", "body_site"),
        /// The total dose in gray. Required.
        dosage: i32 = (3, "dosage", "dosage"),
        /// The number of fractions. Required.
        fractions: i32 = (4, "fractions", "fractions"),
    }
}

message! {
    /// A regimen defined elsewhere, by reference or class, with its time and status.
    pub struct TherapeuticRegimen = "org.phenopackets.schema.v2.core.TherapeuticRegimen" {
        /// What regimen. Required.
        identifier: Option<therapeutic_regimen::Identifier> = oneof,
        /// When it started.
        start_time: Option<TimeElement> = (3, "startTime", "start_time"),
        /// When it ended.
        end_time: Option<TimeElement> = (4, "endTime", "end_time"),
        /// Started, completed or discontinued. Required.
        regimen_status: therapeutic_regimen::RegimenStatus = (5, "regimenStatus", "regimen_status"),
    }
}

/// The oneof and the nested enum of [`TherapeuticRegimen`].
pub mod therapeutic_regimen {
    use crate::{ExternalReference, OntologyClass};

    oneof! {
        /// The identifier of a [`crate::TherapeuticRegimen`].
        pub enum Identifier = "identifier" {
            /// A reference to a protocol.
            ExternalReference(ExternalReference) = (1, "externalReference", "external_reference"),
            /// A class naming the regimen.
            OntologyClass(OntologyClass) = (2, "ontologyClass", "ontology_class"),
        }
    }

    proto_enum! {
        /// `TherapeuticRegimen.RegimenStatus`.
        pub enum RegimenStatus = "org.phenopackets.schema.v2.core.TherapeuticRegimen.RegimenStatus" {
            /// `UNKNOWN_STATUS` (the default).
            UnknownStatus = (0, "UNKNOWN_STATUS"),
            /// `STARTED`.
            Started = (1, "STARTED"),
            /// `COMPLETED`.
            Completed = (2, "COMPLETED"),
            /// `DISCONTINUED`.
            Discontinued = (3, "DISCONTINUED"),
        }
    }
}
