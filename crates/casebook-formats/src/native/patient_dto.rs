//! The JSON shape of one patient file, as described by `schemas/patient.schema.json`.
//!
//! These DTOs mirror the domain record field by field with plain JSON types (dates and codes
//! as strings, keywords as lowercase strings), so that serde only checks the shape and every
//! semantic problem is found by the conversion, which reports them all at once with their path.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A text of a record: borrowed from the patient when the record is written, owned when it is
/// read. Writing a record (every import does, for each patient) then copies no text twice.
pub type Text<'a> = Cow<'a, str>;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PatientDto<'a> {
    pub pseudonym: Text<'a>,
    pub center: Text<'a>,
    pub source: Text<'a>,
    pub sex: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_history: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consanguinity: Option<bool>,
    pub vital_status: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_follow_up: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_follow_up_age_months: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause_of_death: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symptom_onset: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symptom_onset_age_months: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnoses: Vec<DiagnosisDto<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantDto<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasp_expression: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<FeatureDto<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labs: Vec<LabDto<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<WeightDto<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub courses: Vec<CourseDto<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definitive_therapies: Vec<DefinitiveTherapyDto<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engraftment: Vec<EngraftmentDto<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zhu_assessments: Vec<ZhuAssessmentDto<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_document: Option<SourceDocumentDto<'a>>,
}

/// The document a record was imported from, kept verbatim (see the domain's `SourceDocument`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceDocumentDto<'a> {
    pub format: Text<'a>,
    pub record_fingerprint: Text<'a>,
    /// The document itself, as JSON, kept as the text it was given in (never re-parsed).
    pub content: Box<serde_json::value::RawValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeDto<'a> {
    pub id: Text<'a>,
    pub label: Text<'a>,
}

impl CodeDto<'_> {
    /// The code with texts of its own, for a study file's DTO, which borrows nothing.
    pub fn into_owned(self) -> CodeDto<'static> {
        CodeDto { id: Text::Owned(self.id.into_owned()), label: Text::Owned(self.label.into_owned()) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiagnosisDto<'a> {
    pub id: Text<'a>,
    pub label: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VariantDto<'a> {
    pub gene: CodeDto<'a>,
    pub transcript: Text<'a>,
    pub hgvs_c: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hgvs_p: Option<Text<'a>>,
    pub class: Text<'a>,
    pub zygosity: Text<'a>,
}

/// A time point: exactly one of `date` (partial date) or `ageMonths` (a reported age).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimePointDto<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_months: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FeatureDto<'a> {
    pub id: Text<'a>,
    pub label: Text<'a>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub excluded: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<TimePointDto<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<TimePointDto<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub temporal: Vec<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biopsy_proven: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabDto<'a> {
    pub date: Text<'a>,
    pub analyte: Text<'a>,
    pub value: f64,
    pub unit: Text<'a>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightDto<'a> {
    pub date: Text<'a>,
    pub kg: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DoseDto<'a> {
    pub value: f64,
    pub unit: Text<'a>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResponseDto<'a> {
    pub grade: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdverseEventDto<'a> {
    pub term: Text<'a>,
    pub grade: i64,
    pub serious: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onset: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Text<'a>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CourseDto<'a> {
    pub id: Text<'a>,
    pub drug: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dose: Option<DoseDto<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Text<'a>>,
    pub start: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub ongoing: bool,
    pub phase: Text<'a>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseDto<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steroids_discontinued: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switched_to: Option<Text<'a>>,
    /// Absent: adverse events were not assessed. `[]`: assessed, none occurred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adverse_events: Option<Vec<AdverseEventDto<'a>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefinitiveTherapyDto<'a> {
    pub id: Text<'a>,
    /// `gene-therapy` or `hsct`.
    #[serde(rename = "type")]
    pub kind: Text<'a>,
    pub date: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditioning: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vector: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_vcn: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cd34_per_kg_millions: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_id: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donor: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hla_match: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acute_gvhd_grade: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chronic_gvhd: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EngraftmentDto<'a> {
    pub therapy: Text<'a>,
    pub date: Text<'a>,
    pub lineage: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_donor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcn_per_cell: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasp_positive: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ZhuAssessmentDto<'a> {
    pub date: Text<'a>,
    pub thrombocytopenia: Text<'a>,
    pub small_platelets: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub congenital_neutropenia: bool,
    pub eczema: Text<'a>,
    pub infections: Text<'a>,
    pub immunodeficiency: Text<'a>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub autoimmunity: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub autoinflammation: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub malignancy: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub predicted_severe_genotype: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinician_score: Option<Text<'a>>,
}

fn is_false(value: &bool) -> bool {
    !*value
}
