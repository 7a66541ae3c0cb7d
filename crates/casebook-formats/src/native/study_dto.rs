//! The TOML shape of `study.toml`: the study, its centers, rule settings and extra drugs.

use serde::{Deserialize, Serialize};

use crate::native::patient_dto::CodeDto;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyDto {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Shown in every output, e.g. "constructed to match the published aggregate figures; not
    /// real patient data".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disease: Option<CodeDto<'static>>,
    /// Choices made where the sources were silent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    #[serde(default)]
    pub settings: SettingsDto,
    pub centers: Vec<CenterDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drugs: Vec<DrugDto>,
    #[serde(default, skip_serializing_if = "ReportDto::is_empty")]
    pub report: ReportDto,
}

/// `[report]`: how the case-series report groups manifestations and tabulates treatments.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportDto {
    /// `age` or `from-definitive-therapy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_axis: Option<String>,
    /// A treatment line id whose first course anchors the time axis of laboratory trajectories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trajectory_anchor: Option<String>,
    /// Analyte keys whose trajectories are drawn, e.g. `["crp"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lab_trajectories: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub chimerism_trajectory: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub treatments: Vec<TreatmentLineDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<ManifestationGroupDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groupings: Vec<ManifestationGroupDto>,
}

impl ReportDto {
    fn is_empty(&self) -> bool {
        self == &ReportDto::default()
    }
}

/// A treatment line: exactly one of `drug` (a drug key) or `class` (a drug class key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatmentLineDto {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestationGroupDto {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// HPO identifiers such as `HP:0001369`.
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsDto {
    /// Whether autoinflammatory manifestations count as autoimmunity for Zhu score 5.
    #[serde(default = "default_true")]
    pub count_autoinflammation_as_autoimmunity: bool,
    /// Donor chimerism at or above this percentage is full.
    #[serde(default = "default_full")]
    pub chimerism_full_at_least: f64,
    /// Donor chimerism below this percentage is graft failure.
    #[serde(default = "default_failure")]
    pub chimerism_graft_failure_below: f64,
}

impl Default for SettingsDto {
    fn default() -> SettingsDto {
        SettingsDto {
            count_autoinflammation_as_autoimmunity: true,
            chimerism_full_at_least: default_full(),
            chimerism_graft_failure_below: default_failure(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CenterDto {
    pub id: String,
    pub name: String,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrugDto {
    pub key: String,
    pub name: String,
    pub class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prednisone_equivalence: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<CodeDto<'static>>,
}

fn default_true() -> bool {
    true
}

fn default_full() -> f64 {
    95.0
}

fn default_failure() -> f64 {
    5.0
}
