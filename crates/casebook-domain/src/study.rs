//! A study: its centers, its settings for the clinical rules, and its drug catalogue.
//!
//! Everything that differs between studies lives here, so another disease, other drugs or
//! other centers are a new configuration rather than new code.

use crate::code::Code;
use crate::drug::DrugCatalog;
use crate::error::DomainError;
use crate::patient::Slug;
use crate::rules::chimerism::ChimerismThresholds;
use crate::rules::zhu::ZhuSettings;

/// An ISO 3166-1 alpha-2 country code such as `IT` or `GB`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(String);

impl CountryCode {
    /// Parses two capital letters; whether ISO has assigned the code is not checked.
    pub fn parse(text: &str) -> Result<CountryCode, DomainError> {
        if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(CountryCode(text.to_string()))
        } else {
            Err(DomainError::InvalidCode {
                system: "ISO 3166-1 country",
                value: text.to_string(),
                expected: "two capital letters, e.g. IT or GB",
            })
        }
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A participating center. Each center sees only its own patients.
#[derive(Debug, Clone, PartialEq)]
pub struct Center {
    /// The short id that patient records refer to, e.g. `IT-FLO`.
    pub id: Slug,
    /// The center's name as shown in reports.
    pub name: String,
    /// The country the center is in.
    pub country: CountryCode,
}

/// The settings of the clinical rules, recorded with every derived value they produce.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSettings {
    /// How the Zhu score is computed: whether autoinflammation counts as autoimmunity.
    pub zhu: ZhuSettings,
    /// Where full donor chimerism and graft failure begin.
    pub chimerism: ChimerismThresholds,
}

/// A case series: who takes part and how its rules are set.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// The study's id, e.g. `was-anti-il1`; the store keys every record by it.
    pub id: Slug,
    /// The title shown on reports.
    pub title: String,
    /// A longer description; `None` when the configuration gives none.
    pub description: Option<String>,
    /// Shown in every output when set, e.g. that the data are constructed, not real patients.
    pub data_label: Option<String>,
    /// The disease the study is about (MONDO).
    pub disease: Option<Code>,
    /// The participating centers; every patient belongs to one of them.
    pub centers: Vec<Center>,
    /// The settings of the clinical rules.
    pub settings: RuleSettings,
    /// The built-in drugs plus those the configuration declares or refines.
    pub drugs: DrugCatalog,
    /// Choices made where the sources were silent, kept with the data they explain.
    pub assumptions: Vec<String>,
    /// How the case-series report is put together.
    pub report: ReportConfig,
}

impl Study {
    /// The center with this id; `None` when the study has no such center.
    pub fn center(&self, id: &Slug) -> Option<&Center> {
        self.centers.iter().find(|center| &center.id == id)
    }
}

/// How a study's case-series report is put together: which manifestations are grouped, which
/// treatments are tabulated and how time is drawn. Everything particular to one study lives here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportConfig {
    /// Manifestation categories (systemic, cutaneous, ...), shown as headings with their own k/N.
    pub categories: Vec<ManifestationGroup>,
    /// Named groupings such as "inflammatory cutaneous involvement other than eczema".
    pub groupings: Vec<ManifestationGroup>,
    /// The treatment lines to tabulate, in order; empty means every drug in the data.
    pub treatments: Vec<TreatmentLine>,
    /// The time axis of the swimmer plot.
    pub time_axis: TimeAxis,
    /// The treatment line (by id) whose first course anchors the time axis of laboratory
    /// trajectories (months from its start); `None` draws them against age.
    pub trajectory_anchor: Option<Slug>,
    /// Laboratory analytes (keys such as `crp`) whose trajectories are drawn.
    pub lab_trajectories: Vec<crate::patient::Analyte>,
    /// Whether to draw myeloid donor chimerism over time.
    pub chimerism_trajectory: bool,
}

/// A named set of HPO terms. A patient has the group when any term, or a more specific term
/// below one, is present; the patient was assessed for it when it is present or every term is
/// excluded.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestationGroup {
    /// Identifies the group in the report; groupings name their category by it.
    pub id: Slug,
    /// The heading or row label shown in the report.
    pub label: String,
    /// The category a grouping belongs to, by category id.
    pub category: Option<Slug>,
    /// HPO identifiers; their labels come from the ontology release shown with the report.
    pub terms: Vec<crate::code::Curie>,
}

/// What a treatment line of the report counts: one drug, or every drug of a class.
#[derive(Debug, Clone, PartialEq)]
pub enum DrugSelector {
    /// One drug, by catalogue key, e.g. `anakinra`.
    Drug(String),
    /// Every drug of a class, e.g. all IL-1 blockers.
    Class(crate::drug::DrugClass),
}

/// One row group of the treatment table.
#[derive(Debug, Clone, PartialEq)]
pub struct TreatmentLine {
    /// Identifies the line in the report and in [`ReportConfig::trajectory_anchor`].
    pub id: Slug,
    /// The row label shown in the treatment table.
    pub label: String,
    /// Which courses count towards the line.
    pub selector: DrugSelector,
}

/// The time axis of timelines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeAxis {
    /// Age in years.
    #[default]
    Age,
    /// Years from the first definitive therapy (negative before it).
    FromDefinitiveTherapy,
}

impl TimeAxis {
    /// The stable keyword used in `study.toml`, e.g. `age`.
    pub fn key(self) -> &'static str {
        match self {
            TimeAxis::Age => "age",
            TimeAxis::FromDefinitiveTherapy => "from-definitive-therapy",
        }
    }

    /// Parses a keyword produced by [`TimeAxis::key`].
    pub fn parse(text: &str) -> Result<TimeAxis, DomainError> {
        crate::drug::parse_key("time axis", text, &[TimeAxis::Age, TimeAxis::FromDefinitiveTherapy], |axis| axis.key())
    }
}
