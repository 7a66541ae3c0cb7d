//! The JSON shape of one patient file, as described by `schemas/patient.schema.json`.
//!
//! These DTOs mirror the domain record field by field with plain JSON types (dates and codes
//! as strings, keywords as lowercase strings), so that serde only checks the shape and every
//! semantic problem is found by the conversion, which reports them all at once with their path.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatientDto {
    pub pseudonym: String,
    pub center: String,
    pub source: String,
    pub sex: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_history: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consanguinity: Option<bool>,
    pub vital_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_follow_up: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause_of_death: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symptom_onset: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnoses: Vec<DiagnosisDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasp_expression: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<FeatureDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labs: Vec<LabDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<WeightDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub courses: Vec<CourseDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definitive_therapies: Vec<DefinitiveTherapyDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engraftment: Vec<EngraftmentDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zhu_assessments: Vec<ZhuAssessmentDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_document: Option<SourceDocumentDto>,
}

/// The document a record was imported from, kept verbatim (see the domain's `SourceDocument`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceDocumentDto {
    pub format: String,
    pub record_fingerprint: String,
    /// The document itself, as JSON, kept as the text it was given in (never re-parsed).
    pub content: Box<serde_json::value::RawValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeDto {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiagnosisDto {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariantDto {
    pub gene: CodeDto,
    pub transcript: String,
    pub hgvs_c: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hgvs_p: Option<String>,
    pub class: String,
    pub zygosity: String,
}

/// A time point: exactly one of `date` (partial date) or `ageMonths` (a reported age).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimePointDto {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_months: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeatureDto {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub excluded: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<TimePointDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<TimePointDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub temporal: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biopsy_proven: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabDto {
    pub date: String,
    pub analyte: String,
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightDto {
    pub date: String,
    pub kg: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DoseDto {
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponseDto {
    pub grade: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdverseEventDto {
    pub term: String,
    pub grade: i64,
    pub serious: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CourseDto {
    pub id: String,
    pub drug: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<DoseDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ongoing: bool,
    pub phase: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steroids_discontinued: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switched_to: Option<String>,
    /// Absent: adverse events were not assessed. `[]`: assessed, none occurred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adverse_events: Option<Vec<AdverseEventDto>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefinitiveTherapyDto {
    pub id: String,
    /// `gene-therapy` or `hsct`.
    #[serde(rename = "type")]
    pub kind: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditioning: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_vcn: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cd34_per_kg_millions: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hla_match: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acute_gvhd_grade: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chronic_gvhd: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EngraftmentDto {
    pub therapy: String,
    pub date: String,
    pub lineage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_donor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcn_per_cell: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasp_positive: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ZhuAssessmentDto {
    pub date: String,
    pub thrombocytopenia: String,
    pub small_platelets: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub congenital_neutropenia: bool,
    pub eczema: String,
    pub infections: String,
    pub immunodeficiency: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub autoimmunity: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub autoinflammation: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub malignancy: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub predicted_severe_genotype: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician_score: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}
