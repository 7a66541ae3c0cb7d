//! Drugs, routes, dose units and schedules, and the built-in drug catalogue.
//!
//! The catalogue holds pharmacological knowledge that does not depend on a study (which class
//! a drug belongs to, its prednisone equivalence); a study may declare further drugs in its
//! configuration. Drug keys are lowercase international non-proprietary names.

use std::fmt;

use crate::code::{Code, CodeSystem};
use crate::error::DomainError;
use crate::quantity::PositiveNumber;

/// What a drug does, as far as Casebook's rules and reports care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DrugClass {
    /// Anakinra, canakinumab, rilonacept (MAXO:0001488).
    Il1Blocker,
    /// Systemic corticosteroids (MAXO:0000640).
    SystemicCorticosteroid,
    /// TNF blockers: relevant because they must not be combined with IL-1 blockers.
    TnfBlocker,
    /// Any other immunosuppressant or immunomodulator.
    OtherImmunomodulator,
    /// Anything else.
    Other,
}

impl DrugClass {
    /// Every class, in the order of the enum.
    pub const ALL: [DrugClass; 5] = [
        DrugClass::Il1Blocker,
        DrugClass::SystemicCorticosteroid,
        DrugClass::TnfBlocker,
        DrugClass::OtherImmunomodulator,
        DrugClass::Other,
    ];

    /// The lowercase key used in `study.toml`, e.g. `il1-blocker`.
    pub fn key(self) -> &'static str {
        match self {
            DrugClass::Il1Blocker => "il1-blocker",
            DrugClass::SystemicCorticosteroid => "systemic-corticosteroid",
            DrugClass::TnfBlocker => "tnf-blocker",
            DrugClass::OtherImmunomodulator => "other-immunomodulator",
            DrugClass::Other => "other",
        }
    }

    /// Parses a [`DrugClass::key`]; the error lists every accepted key.
    pub fn parse(text: &str) -> Result<DrugClass, DomainError> {
        parse_key("drug class", text, &DrugClass::ALL, |c| c.key())
    }
}

/// A drug known to the registry: key, display name, class and external codes.
#[derive(Debug, Clone, PartialEq)]
pub struct Drug {
    key: String,
    name: String,
    class: DrugClass,
    codes: Vec<Code>,
    /// Milligrams of prednisone equivalent to 1 mg of this drug (systemic corticosteroids only).
    prednisone_equivalence: Option<f64>,
}

impl Drug {
    /// A drug with a lowercase key of letters, digits and hyphens.
    pub fn new(
        key: &str,
        name: &str,
        class: DrugClass,
        codes: Vec<Code>,
        prednisone_equivalence: Option<f64>,
    ) -> Result<Drug, DomainError> {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(DomainError::InvalidText {
                field: "drug key",
                reason: format!("`{key}` must be lowercase letters, digits and hyphens"),
            });
        }
        if name.trim().is_empty() {
            return Err(DomainError::InvalidText { field: "drug name", reason: "must not be empty".into() });
        }
        if let Some(factor) = prednisone_equivalence {
            PositiveNumber::new("prednisone equivalence", factor)?;
        }
        Ok(Drug { key: key.to_string(), name: name.trim().to_string(), class, codes, prednisone_equivalence })
    }

    /// The lowercase international non-proprietary name that patient files refer to, e.g. `anakinra`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The name shown in reports.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The drug's class, which decides which dose rules apply.
    pub fn class(&self) -> DrugClass {
        self.class
    }

    /// External identifiers (DrugBank, ChEBI); empty when none has been verified.
    pub fn codes(&self) -> &[Code] {
        &self.codes
    }

    /// Milligrams of prednisone equivalent to 1 mg of this drug; `None` for anything but a systemic corticosteroid.
    pub fn prednisone_equivalence(&self) -> Option<f64> {
        self.prednisone_equivalence
    }
}

/// The drugs a study may use: the built-in ones plus those its configuration declares.
#[derive(Debug, Clone, PartialEq)]
pub struct DrugCatalog {
    drugs: Vec<Drug>,
}

impl DrugCatalog {
    /// The built-in catalogue. Codes tagged unverified in the domain research are left out.
    pub fn builtin() -> DrugCatalog {
        // Prednisone equivalence: prednisone 5 mg = prednisolone 5 mg = methylprednisolone 4 mg
        // = dexamethasone 0.75 mg = hydrocortisone 20 mg (FDA prednisolone label, clinical.md §4.4).
        let entries: [(&str, &str, DrugClass, &[(CodeSystem, &str, &str)], Option<f64>); 10] = [
            ("anakinra", "anakinra", DrugClass::Il1Blocker, &[(CodeSystem::DrugBank, "DrugBank:DB00026", "Anakinra")], None),
            ("canakinumab", "canakinumab", DrugClass::Il1Blocker, &[], None),
            ("rilonacept", "rilonacept", DrugClass::Il1Blocker, &[], None),
            ("prednisone", "prednisone", DrugClass::SystemicCorticosteroid, &[(CodeSystem::Chebi, "CHEBI:8382", "prednisone")], Some(1.0)),
            (
                "prednisolone",
                "prednisolone",
                DrugClass::SystemicCorticosteroid,
                &[(CodeSystem::Chebi, "CHEBI:8378", "prednisolone")],
                Some(1.0),
            ),
            (
                "methylprednisolone",
                "methylprednisolone",
                DrugClass::SystemicCorticosteroid,
                &[(CodeSystem::Chebi, "CHEBI:6888", "6alpha-methylprednisolone")],
                Some(1.25),
            ),
            ("dexamethasone", "dexamethasone", DrugClass::SystemicCorticosteroid, &[], Some(5.0 / 0.75)),
            ("hydrocortisone", "hydrocortisone", DrugClass::SystemicCorticosteroid, &[], Some(0.25)),
            ("adalimumab", "adalimumab", DrugClass::TnfBlocker, &[], None),
            ("infliximab", "infliximab", DrugClass::TnfBlocker, &[], None),
        ];
        let drugs = entries
            .iter()
            .map(|(key, name, class, codes, factor)| {
                let codes = codes
                    .iter()
                    .map(|(system, id, label)| Code::parse_in(*system, id, label).expect("built-in code is well formed"))
                    .collect();
                Drug::new(key, name, *class, codes, *factor).expect("built-in drug is well formed")
            })
            .collect();
        DrugCatalog { drugs }
    }

    /// Adds or replaces a drug (a study's configuration may refine a built-in entry).
    pub fn with(mut self, drug: Drug) -> DrugCatalog {
        self.drugs.retain(|existing| existing.key != drug.key);
        self.drugs.push(drug);
        self
    }

    /// The drug with this key; `None` when neither the built-in catalogue nor the study declares it.
    pub fn get(&self, key: &str) -> Option<&Drug> {
        self.drugs.iter().find(|drug| drug.key == key)
    }

    /// Every drug; those the study added or refined come last.
    pub fn drugs(&self) -> &[Drug] {
        &self.drugs
    }
}

/// Route of administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// Under the skin (`sc`), e.g. anakinra, canakinumab, rilonacept.
    Subcutaneous,
    /// Into a vein (`iv`), e.g. high-dose anakinra (off-label).
    Intravenous,
    /// By mouth (`oral`), e.g. prednisone.
    Oral,
    /// On the skin (`topical`).
    Topical,
    /// Into a muscle (`im`).
    Intramuscular,
}

impl Route {
    /// Every route, in the order of the enum.
    pub const ALL: [Route; 5] = [Route::Subcutaneous, Route::Intravenous, Route::Oral, Route::Topical, Route::Intramuscular];

    /// The lowercase key used in patient files, e.g. `sc`.
    pub fn key(self) -> &'static str {
        match self {
            Route::Subcutaneous => "sc",
            Route::Intravenous => "iv",
            Route::Oral => "oral",
            Route::Topical => "topical",
            Route::Intramuscular => "im",
        }
    }

    /// Parses a [`Route::key`]; the error lists every accepted key.
    pub fn parse(text: &str) -> Result<Route, DomainError> {
        parse_key("route", text, &Route::ALL, |r| r.key())
    }
}

/// How often a dose is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Once daily.
    Daily,
    /// Twice daily.
    TwiceDaily,
    /// Three times daily.
    ThreeTimesDaily,
    /// Every other day.
    EveryOtherDay,
    /// Once a week.
    Weekly,
    /// Every 2 weeks (`q2w`).
    EveryTwoWeeks,
    /// Every 4 weeks (`q4w`), e.g. canakinumab.
    EveryFourWeeks,
    /// Every 8 weeks (`q8w`), e.g. canakinumab in CAPS.
    EveryEightWeeks,
    /// A single dose.
    Once,
}

impl Frequency {
    /// Every frequency, from most to least frequent, then a single dose.
    pub const ALL: [Frequency; 9] = [
        Frequency::Daily,
        Frequency::TwiceDaily,
        Frequency::ThreeTimesDaily,
        Frequency::EveryOtherDay,
        Frequency::Weekly,
        Frequency::EveryTwoWeeks,
        Frequency::EveryFourWeeks,
        Frequency::EveryEightWeeks,
        Frequency::Once,
    ];

    /// The lowercase key used in patient files, e.g. `qd`, `q4w`.
    pub fn key(self) -> &'static str {
        match self {
            Frequency::Daily => "qd",
            Frequency::TwiceDaily => "bid",
            Frequency::ThreeTimesDaily => "tid",
            Frequency::EveryOtherDay => "qod",
            Frequency::Weekly => "weekly",
            Frequency::EveryTwoWeeks => "q2w",
            Frequency::EveryFourWeeks => "q4w",
            Frequency::EveryEightWeeks => "q8w",
            Frequency::Once => "once",
        }
    }

    /// Parses a [`Frequency::key`]; the error lists every accepted key.
    pub fn parse(text: &str) -> Result<Frequency, DomainError> {
        parse_key("frequency", text, &Frequency::ALL, |f| f.key())
    }

    /// The schedule in words, e.g. "every four weeks".
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Daily => "once daily",
            Frequency::TwiceDaily => "twice daily",
            Frequency::ThreeTimesDaily => "three times daily",
            Frequency::EveryOtherDay => "every other day",
            Frequency::Weekly => "once weekly",
            Frequency::EveryTwoWeeks => "every two weeks",
            Frequency::EveryFourWeeks => "every four weeks",
            Frequency::EveryEightWeeks => "every eight weeks",
            Frequency::Once => "once",
        }
    }

    /// Average doses per day; `None` for a single dose, which has no daily rate.
    pub fn doses_per_day(self) -> Option<f64> {
        match self {
            Frequency::Daily => Some(1.0),
            Frequency::TwiceDaily => Some(2.0),
            Frequency::ThreeTimesDaily => Some(3.0),
            Frequency::EveryOtherDay => Some(0.5),
            Frequency::Weekly => Some(1.0 / 7.0),
            Frequency::EveryTwoWeeks => Some(1.0 / 14.0),
            Frequency::EveryFourWeeks => Some(1.0 / 28.0),
            Frequency::EveryEightWeeks => Some(1.0 / 56.0),
            Frequency::Once => None,
        }
    }

    /// Days between two doses; `None` for a single dose.
    pub fn interval_days(self) -> Option<f64> {
        self.doses_per_day().map(|per_day| 1.0 / per_day)
    }
}

/// The unit a dose was prescribed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DoseUnit {
    /// Milligrams per administration.
    Mg,
    /// Milligrams per kilogram of body weight per administration.
    MgPerKg,
}

impl DoseUnit {
    /// Every unit, in the order of the enum.
    pub const ALL: [DoseUnit; 2] = [DoseUnit::Mg, DoseUnit::MgPerKg];

    /// The key used in patient files: `mg` or `mg/kg`.
    pub fn key(self) -> &'static str {
        match self {
            DoseUnit::Mg => "mg",
            DoseUnit::MgPerKg => "mg/kg",
        }
    }

    /// Parses a [`DoseUnit::key`]; the error lists every accepted key.
    pub fn parse(text: &str) -> Result<DoseUnit, DomainError> {
        parse_key("dose unit", text, &DoseUnit::ALL, |u| u.key())
    }
}

/// One administration's dose as prescribed: a positive amount in mg or mg/kg.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dose {
    amount: PositiveNumber,
    unit: DoseUnit,
}

impl Dose {
    /// A dose of `amount` (above zero) per administration, in `unit`.
    pub fn new(amount: f64, unit: DoseUnit) -> Result<Dose, DomainError> {
        Ok(Dose { amount: PositiveNumber::new("dose", amount)?, unit })
    }

    /// The amount per administration, in [`Dose::unit`].
    pub fn amount(&self) -> f64 {
        self.amount.value()
    }

    /// Whether the amount is absolute (mg) or per kilogram of body weight (mg/kg).
    pub fn unit(&self) -> DoseUnit {
        self.unit
    }
}

impl fmt::Display for Dose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.unit.key())
    }
}

/// Parses one of a fixed set of lowercase keys, listing them all when the text matches none.
pub(crate) fn parse_key<T: Copy>(field: &'static str, text: &str, all: &[T], key: impl Fn(T) -> &'static str) -> Result<T, DomainError> {
    all.iter().copied().find(|value| key(*value) == text).ok_or_else(|| DomainError::UnknownValue {
        field,
        value: text.to_string(),
        expected: all.iter().map(|value| key(*value)).collect::<Vec<_>>().join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses_back_to_its_value() {
        for route in Route::ALL {
            assert_eq!(Route::parse(route.key()).unwrap(), route);
        }
        for frequency in Frequency::ALL {
            assert_eq!(Frequency::parse(frequency.key()).unwrap(), frequency);
        }
        for unit in DoseUnit::ALL {
            assert_eq!(DoseUnit::parse(unit.key()).unwrap(), unit);
        }
        for class in DrugClass::ALL {
            assert_eq!(DrugClass::parse(class.key()).unwrap(), class);
        }
    }

    #[test]
    fn an_unknown_key_lists_the_accepted_ones() {
        let message = Frequency::parse("daily").unwrap_err().to_string();
        assert!(message.contains("qd, bid, tid"), "{message}");
    }

    #[test]
    fn the_builtin_catalogue_knows_the_il1_blockers_and_steroid_equivalences() {
        let catalog = DrugCatalog::builtin();
        assert_eq!(catalog.get("anakinra").unwrap().class(), DrugClass::Il1Blocker);
        assert_eq!(catalog.get("canakinumab").unwrap().class(), DrugClass::Il1Blocker);
        assert_eq!(catalog.get("methylprednisolone").unwrap().prednisone_equivalence(), Some(1.25));
        assert!(catalog.get("aspirin").is_none());
    }

    #[test]
    fn a_study_may_add_a_drug() {
        let catalog =
            DrugCatalog::builtin().with(Drug::new("emapalumab", "emapalumab", DrugClass::OtherImmunomodulator, vec![], None).unwrap());
        assert_eq!(catalog.get("emapalumab").unwrap().class(), DrugClass::OtherImmunomodulator);
    }

    #[test]
    fn weekly_schedules_have_fractional_daily_rates() {
        assert_eq!(Frequency::Weekly.interval_days(), Some(7.0));
        assert_eq!(Frequency::EveryOtherDay.doses_per_day(), Some(0.5));
        assert_eq!(Frequency::Once.doses_per_day(), None);
    }
}
