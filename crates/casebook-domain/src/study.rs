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

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A participating center. Each center sees only its own patients.
#[derive(Debug, Clone, PartialEq)]
pub struct Center {
    pub id: Slug,
    pub name: String,
    pub country: CountryCode,
}

/// The settings of the clinical rules, recorded with every derived value they produce.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSettings {
    pub zhu: ZhuSettings,
    pub chimerism: ChimerismThresholds,
}

/// A case series: who takes part and how its rules are set.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub id: Slug,
    pub title: String,
    pub description: Option<String>,
    /// Shown in every output when set, e.g. that the data are constructed, not real patients.
    pub data_label: Option<String>,
    /// The disease the study is about (MONDO).
    pub disease: Option<Code>,
    pub centers: Vec<Center>,
    pub settings: RuleSettings,
    pub drugs: DrugCatalog,
    /// Choices made where the sources were silent, kept with the data they explain.
    pub assumptions: Vec<String>,
}

impl Study {
    pub fn center(&self, id: &Slug) -> Option<&Center> {
        self.centers.iter().find(|center| &center.id == id)
    }
}
