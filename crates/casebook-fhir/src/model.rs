//! The FHIR R4 data types and resource bodies Casebook writes, and nothing more.
//!
//! Each struct serializes to exactly the JSON of its FHIR element: camelCase keys, choice
//! elements as separate optional fields (`effectivePeriod`, `valueQuantity`), and absent values
//! and empty lists left out, as FHIR forbids empty objects and arrays. A resource body leaves out
//! `resourceType`, `id` and `meta`, which [`crate::export`] adds around it.

use serde::Serialize;

/// A code in a code system (`Coding`).
#[derive(Debug, Clone, Serialize)]
pub struct Coding {
    pub system: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

impl Coding {
    pub fn new(system: &str, code: &str, display: Option<&str>) -> Coding {
        Coding { system: system.to_string(), code: code.to_string(), display: display.map(str::to_string) }
    }
}

/// Codes and/or text for one concept (`CodeableConcept`).
#[derive(Debug, Clone, Serialize)]
pub struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coding: Vec<Coding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CodeableConcept {
    /// A concept known only by its text: used wherever no verified code exists.
    pub fn text(text: impl Into<String>) -> CodeableConcept {
        CodeableConcept { coding: Vec::new(), text: Some(text.into()) }
    }

    pub fn coded(coding: Coding, text: Option<&str>) -> CodeableConcept {
        CodeableConcept { coding: vec![coding], text: text.map(str::to_string) }
    }
}

/// A reference to another entry of the bundle, by its `fullUrl`.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub reference: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Identifier {
    pub system: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profile: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag: Vec<Coding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quantity {
    pub value: f64,
    pub unit: String,
    /// Set together with `code` only when the unit has a UCUM code (FHIR invariant qty-3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Range {
    pub low: Quantity,
    pub high: Quantity,
}

/// A period whose bounds are FHIR `dateTime`s, which may be partial (`2013`, `2013-09`).
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Annotation {
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Address {
    pub country: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    pub repeat: TimingRepeat,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimingRepeat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    /// A UCUM time unit from the R4 `units-of-time` value set: `d`, `wk`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dosage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dose_and_rate: Vec<DoseAndRate>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DoseAndRate {
    pub dose_quantity: Quantity,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organization {
    pub identifier: Vec<Identifier>,
    pub name: String,
    pub address: Vec<Address>,
}

/// A pseudonymous Patient: no name, address, telecom or record number is ever written.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub identifier: Vec<Identifier>,
    pub gender: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deceased_boolean: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managing_organization: Option<Reference>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub verification_status: CodeableConcept,
    pub code: CodeableConcept,
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onset_date_time: Option<String>,
    /// An `Age`: a UCUM quantity of time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onset_age: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub status: &'static str,
    pub category: Vec<CodeableConcept>,
    pub code: CodeableConcept,
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_period: Option<Period>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_absent_reason: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub component: Vec<ObservationComponent>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservationComponent {
    pub code: CodeableConcept,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_quantity: Option<Quantity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_range: Option<Range>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MedicationStatement {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub status_reason: Vec<CodeableConcept>,
    pub medication_codeable_concept: CodeableConcept,
    pub subject: Reference,
    pub effective_period: Period,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reason_code: Vec<CodeableConcept>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reason_reference: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dosage: Vec<Dosage>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdverseEvent {
    pub actuality: &'static str,
    pub event: CodeableConcept,
    pub subject: Reference,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub seriousness: CodeableConcept,
    pub severity: CodeableConcept,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CodeableConcept>,
    pub suspect_entity: Vec<SuspectEntity>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SuspectEntity {
    pub instance: Reference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causality: Vec<Causality>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Causality {
    pub assessment: CodeableConcept,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Procedure {
    pub status: &'static str,
    pub code: CodeableConcept,
    pub subject: Reference,
    pub performed_date_time: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub note: Vec<Annotation>,
}

/// An entry of a collection bundle: its absolute `fullUrl` and the resource.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleEntry {
    pub full_url: String,
    pub resource: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    #[serde(rename = "resourceType")]
    pub resource_type: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    pub identifier: Identifier,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub entry: Vec<BundleEntry>,
}
