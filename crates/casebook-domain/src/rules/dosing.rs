//! Derived doses (mg/kg/day from a dose, a schedule and a weight) and the dose-plausibility
//! rules of clinical.md §4.5 for the IL-1 blockers.
//!
//! The checker only reports. Every [`DoseMessage`] names its rule, its severity and its source,
//! and even a [`MessageSeverity::Error`] (a dose so high it is probably a unit or entry error)
//! never blocks a save: what to do with the messages is the caller's decision.
//!
//! Rules are keyed by drug key (`anakinra`, `canakinumab`, `rilonacept`) or by drug class (any
//! IL-1 blocker). Only facts the domain research verified or took from a secondary source are
//! rules; facts it tags unconfirmed (`[U]`) are not, for example the EU canakinumab up-titration to
//! 600 mg or 8 mg/kg, and the current EU renal wording for anakinra. Three rows of the §4.5 table
//! are left out on purpose:
//!
//! - the anakinra neutrophil-monitoring rule, which needs the laboratory series rather than one
//!   dose;
//! - the live-vaccine half of the IL-1 blocker combination rule, because vaccines are not drugs
//!   in the catalogue;
//! - the EU canakinumab maximum of 600 mg or 8 mg/kg per dose, which is unconfirmed.
//!
//! A rule that needs a figure the record does not give (a weight, an age, a schedule) stays
//! silent; a missing weight is itself reported once, as `dose-needs-weight`, because it hides
//! every weight-based figure.

use std::cmp::Ordering;
use std::fmt;

use crate::date::PartialDate;
use crate::drug::{Dose, DoseUnit, Drug, DrugClass, Frequency, Route};
use crate::quantity::BodyWeightKg;

/// Every rule id [`check_dose`] can produce.
pub const DOSE_RULE_IDS: [&str; 15] = [
    rule::DOSE_NEEDS_WEIGHT,
    rule::ANAKINRA_ABOVE_LABEL_MAX,
    rule::ANAKINRA_IMPLAUSIBLE_DOSE,
    rule::ANAKINRA_BELOW_STARTING_DOSE,
    rule::ANAKINRA_ADULT_ABOVE_100_MG_PER_DAY,
    rule::ANAKINRA_RENAL_IMPAIRMENT_DAILY_DOSING,
    rule::ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT,
    rule::ANAKINRA_ROUTE_NOT_SC_OR_IV,
    rule::CANAKINUMAB_INTERVAL_BELOW_4_WEEKS,
    rule::CANAKINUMAB_ABOVE_US_LABEL_MAX,
    rule::CANAKINUMAB_BELOW_LABEL_WEIGHT,
    rule::RILONACEPT_MORE_OFTEN_THAN_WEEKLY,
    rule::RILONACEPT_ABOVE_MAX_DOSE,
    rule::RILONACEPT_PAEDIATRIC_ABOVE_MAX_DOSE,
    rule::IL1_BLOCKER_WITH_TNF_BLOCKER,
];

/// The rule ids, named once so that callers, [`DOSE_RULE_IDS`] and the rules cannot drift apart.
pub mod rule {
    /// Info: a dose of a weight-based drug without a weight, so mg or mg/kg cannot be derived.
    pub const DOSE_NEEDS_WEIGHT: &str = "dose-needs-weight";
    /// Warning: anakinra above 8 mg/kg/day, other than IV.
    pub const ANAKINRA_ABOVE_LABEL_MAX: &str = "anakinra-above-label-max";
    /// Error: anakinra above 48 mg/kg/day, probably a unit or entry error.
    pub const ANAKINRA_IMPLAUSIBLE_DOSE: &str = "anakinra-implausible-dose";
    /// Warning: anakinra below 0.5 mg/kg/day.
    pub const ANAKINRA_BELOW_STARTING_DOSE: &str = "anakinra-below-starting-dose";
    /// Info: anakinra above 100 mg/day in an adult.
    pub const ANAKINRA_ADULT_ABOVE_100_MG_PER_DAY: &str = "anakinra-adult-above-100-mg-per-day";
    /// Warning: daily anakinra with a creatinine clearance below 30 mL/min.
    pub const ANAKINRA_RENAL_IMPAIRMENT_DAILY_DOSING: &str = "anakinra-renal-impairment-daily-dosing";
    /// Info: anakinra under 8 months of age or under 10 kg.
    pub const ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT: &str = "anakinra-below-eu-label-age-or-weight";
    /// Warning: anakinra by a route other than subcutaneous or intravenous.
    pub const ANAKINRA_ROUTE_NOT_SC_OR_IV: &str = "anakinra-route-not-sc-or-iv";
    /// Warning: canakinumab more often than every 4 weeks.
    pub const CANAKINUMAB_INTERVAL_BELOW_4_WEEKS: &str = "canakinumab-interval-below-4-weeks";
    /// Warning: canakinumab above 300 mg per dose.
    pub const CANAKINUMAB_ABOVE_US_LABEL_MAX: &str = "canakinumab-above-us-label-max";
    /// Info: canakinumab under 7.5 kg.
    pub const CANAKINUMAB_BELOW_LABEL_WEIGHT: &str = "canakinumab-below-label-weight";
    /// Warning: rilonacept more often than weekly.
    pub const RILONACEPT_MORE_OFTEN_THAN_WEEKLY: &str = "rilonacept-more-often-than-weekly";
    /// Warning: rilonacept above 320 mg per dose.
    pub const RILONACEPT_ABOVE_MAX_DOSE: &str = "rilonacept-above-max-dose";
    /// Warning: rilonacept above 4.4 mg/kg per dose under 18 years.
    pub const RILONACEPT_PAEDIATRIC_ABOVE_MAX_DOSE: &str = "rilonacept-paediatric-above-max-dose";
    /// Warning: an IL-1 blocker given together with a TNF blocker.
    pub const IL1_BLOCKER_WITH_TNF_BLOCKER: &str = "il1-blocker-with-tnf-blocker";
}

/// Age from which a patient counts as an adult for the label rules: 18 years.
pub const ADULT_FROM_AGE_MONTHS: i64 = 18 * 12;

/// A dose expressed every way the registry reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DerivedDose {
    /// Milligrams per kilogram of body weight, per administration.
    pub mg_per_kg_per_dose: f64,
    /// `None` for a single dose, which has no daily rate.
    pub mg_per_kg_per_day: Option<f64>,
    /// Milligrams per administration.
    pub mg_per_dose: f64,
    /// `None` for a single dose, which has no daily rate.
    pub mg_per_day: Option<f64>,
}

/// Expresses a dose in mg and in mg/kg, per dose and per day, at `weight`.
///
/// Daily figures average the schedule over its interval (a weekly 7 mg/kg is 1 mg/kg/day), which
/// is how the labels' per-day limits are written.
pub fn derive_dose(dose: &Dose, frequency: Frequency, weight: BodyWeightKg) -> DerivedDose {
    let (mg_per_dose, mg_per_kg_per_dose) = match dose.unit() {
        DoseUnit::Mg => (dose.amount(), dose.amount() / weight.kg()),
        DoseUnit::MgPerKg => (dose.amount() * weight.kg(), dose.amount()),
    };
    let doses_per_day = frequency.doses_per_day();
    DerivedDose {
        mg_per_kg_per_dose,
        mg_per_kg_per_day: doses_per_day.map(|per_day| mg_per_kg_per_dose * per_day),
        mg_per_dose,
        mg_per_day: doses_per_day.map(|per_day| mg_per_dose * per_day),
    }
}

/// The weight record that applies at `target`: the latest one dated on or before it.
///
/// A record whose date overlaps the target (a weight dated `2020-05` for a dose started on
/// `2020-05-20`, or a weight dated `2020` for a dose in `2020-05`) counts as "on" the target:
/// case reports often give only the month or year of a weight, and refusing it would leave the
/// dose without any weight. Among the candidates the latest by [`PartialDate::sort_key`] wins,
/// so a more precise date beats a year-only one that contains it; of two records with the same
/// date, the later one in `records` wins (a correction entered after the original).
pub fn nearest_weight_on_or_before(target: &PartialDate, records: &[(PartialDate, BodyWeightKg)]) -> Option<(PartialDate, BodyWeightKg)> {
    records
        .iter()
        .copied()
        .filter(|(date, _)| date.definitely_cmp(target) != Some(Ordering::Greater))
        .max_by_key(|(date, _)| date.sort_key())
}

/// How much a [`DoseMessage`] matters. None of them blocks a save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageSeverity {
    /// Worth knowing: off-label use, a figure that could not be derived.
    Info,
    /// Outside the label: check it.
    Warning,
    /// Almost certainly a unit or entry error.
    Error,
}

impl MessageSeverity {
    /// The stable keyword stored and exchanged for this severity.
    pub fn key(self) -> &'static str {
        match self {
            MessageSeverity::Info => "info",
            MessageSeverity::Warning => "warning",
            MessageSeverity::Error => "error",
        }
    }
}

impl fmt::Display for MessageSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One finding of the dose checker.
#[derive(Debug, Clone, PartialEq)]
pub struct DoseMessage {
    /// Stable id of the rule, one of [`DOSE_RULE_IDS`].
    pub rule: &'static str,
    /// How much the finding matters; none blocks a save.
    pub severity: MessageSeverity,
    /// For the clinician: says the numbers that triggered the rule, no trailing full stop.
    pub message: String,
    /// Where the rule comes from.
    pub source: &'static str,
}

/// Everything the dose checker looks at for one treatment course. Whatever is unknown is `None`,
/// and the rules that need it stay silent.
#[derive(Debug, Clone, Copy)]
pub struct DoseCheckInput<'a> {
    /// The drug of the course; its key and class decide which rules apply.
    pub drug: &'a Drug,
    /// The route of administration.
    pub route: Option<Route>,
    /// The prescribed dose per administration.
    pub dose: Option<Dose>,
    /// How often the dose is given; needed for every per-day and interval rule.
    pub frequency: Option<Frequency>,
    /// The weight that applies at the start of the course (see [`nearest_weight_on_or_before`]).
    pub weight: Option<BodyWeightKg>,
    /// Completed months at the start of the course.
    pub age_months: Option<i64>,
    /// Creatinine clearance at the start of the course, in mL/min; below 30 it affects daily anakinra.
    pub creatinine_clearance_ml_min: Option<f64>,
    /// Classes of the other drugs given at the same time.
    pub concurrent_drug_classes: &'a [DrugClass],
}

/// Runs every dose-plausibility rule that applies to the drug. An empty list means nothing to
/// report, not that the dose was fully checked: rules missing a figure stay silent.
pub fn check_dose(input: &DoseCheckInput) -> Vec<DoseMessage> {
    let figures = KnownFigures::of(input);
    let mut messages = Vec::new();
    match input.drug.key() {
        "anakinra" => check_anakinra(input, &figures, &mut messages),
        "canakinumab" => check_canakinumab(input, &figures, &mut messages),
        "rilonacept" => check_rilonacept(input, &figures, &mut messages),
        _ => {}
    }
    // The registry derives mg/kg/day for the IL-1 blockers (dose rules) and for systemic
    // corticosteroids (prednisone-equivalent mg/kg/day); without a weight neither is possible.
    let weight_based = matches!(input.drug.class(), DrugClass::Il1Blocker | DrugClass::SystemicCorticosteroid);
    if let (true, Some(dose), None) = (weight_based, input.dose, input.weight) {
        let missing = match dose.unit() {
            DoseUnit::Mg => "the dose in mg/kg",
            DoseUnit::MgPerKg => "the dose in mg",
        };
        messages.push(DoseMessage {
            rule: rule::DOSE_NEEDS_WEIGHT,
            severity: MessageSeverity::Info,
            message: format!(
                "{} {dose}: no weight on or before this date, so {missing} is unknown and the rules that need it were not checked",
                input.drug.name()
            ),
            source: "derived dose needs the weight at that date (clinical.md §4.5)",
        });
    }
    if input.drug.class() == DrugClass::Il1Blocker && input.concurrent_drug_classes.contains(&DrugClass::TnfBlocker) {
        messages.push(DoseMessage {
            rule: rule::IL1_BLOCKER_WITH_TNF_BLOCKER,
            severity: MessageSeverity::Warning,
            message: format!(
                "{} is an IL-1 blocker given together with a TNF blocker; the label advises against the combination",
                input.drug.name()
            ),
            source: "FDA label (clinical.md §4.1, §4.5)",
        });
    }
    messages
}

/// Anakinra: FDA label maximum in NOMID/DIRA, and EU SmPC in severe CAPS (clinical.md §4.1).
const ANAKINRA_LABEL_MAX_MG_PER_KG_PER_DAY: f64 = 8.0;
/// Anakinra: the top of the off-label IV range reported in critical illness (PRECISE, §4.1);
/// anything above is more likely a unit or entry error than a dose.
const ANAKINRA_IMPLAUSIBLE_ABOVE_MG_PER_KG_PER_DAY: f64 = 48.0;
/// Anakinra: half the lower label starting dose of 1–2 mg/kg/day (§4.5).
const ANAKINRA_LOW_DOSE_BELOW_MG_PER_KG_PER_DAY: f64 = 0.5;
/// Anakinra: the adult RA dose (FDA label, §4.1).
const ANAKINRA_ADULT_DOSE_MG_PER_DAY: f64 = 100.0;
/// Anakinra: severe renal impairment (FDA label, §4.1).
const ANAKINRA_SEVERE_RENAL_IMPAIRMENT_BELOW_ML_MIN: f64 = 30.0;
/// Anakinra: EU SmPC lower age limit for CAPS, FMF and Still's disease (§4.1).
const ANAKINRA_EU_LABEL_MIN_AGE_MONTHS: i64 = 8;
/// Anakinra: EU SmPC lower weight limit for the same indications (§4.1).
const ANAKINRA_EU_LABEL_MIN_WEIGHT_KG: f64 = 10.0;
/// Canakinumab: US label maximum, 300 mg every 4 weeks (§4.2).
const CANAKINUMAB_US_LABEL_MAX_MG_PER_DOSE: f64 = 300.0;
/// Canakinumab: the lowest labelled weight, Still's disease from 7.5 kg (§4.2).
const CANAKINUMAB_LABEL_MIN_WEIGHT_KG: f64 = 7.5;
/// Rilonacept: the adult loading dose, also the paediatric cap (EU SmPC, §4.3).
const RILONACEPT_MAX_MG_PER_DOSE: f64 = 320.0;
/// Rilonacept: the paediatric loading dose (ESC table, §4.3).
const RILONACEPT_PAEDIATRIC_MAX_MG_PER_KG_PER_DOSE: f64 = 4.4;

/// Doses that differ from a limit only by floating-point rounding (8 mg/kg/day computed as
/// 8.000000000000002) are treated as equal to it: a clinician who typed the limit is at it.
const RELATIVE_TOLERANCE: f64 = 1e-9;

fn is_above(value: f64, limit: f64) -> bool {
    value > limit * (1.0 + RELATIVE_TOLERANCE)
}

fn is_below(value: f64, limit: f64) -> bool {
    value < limit * (1.0 - RELATIVE_TOLERANCE)
}

/// The dose figures the record allows: mg needs the weight when the dose is in mg/kg, and the
/// other way round; daily figures need a repeating schedule.
struct KnownFigures {
    mg_per_dose: Option<f64>,
    mg_per_kg_per_dose: Option<f64>,
    doses_per_day: Option<f64>,
}

impl KnownFigures {
    fn of(input: &DoseCheckInput) -> KnownFigures {
        let doses_per_day = input.frequency.and_then(Frequency::doses_per_day);
        let Some(dose) = input.dose else {
            return KnownFigures { mg_per_dose: None, mg_per_kg_per_dose: None, doses_per_day };
        };
        let kg = input.weight.map(BodyWeightKg::kg);
        let (mg_per_dose, mg_per_kg_per_dose) = match dose.unit() {
            DoseUnit::Mg => (Some(dose.amount()), kg.map(|kg| dose.amount() / kg)),
            DoseUnit::MgPerKg => (kg.map(|kg| dose.amount() * kg), Some(dose.amount())),
        };
        KnownFigures { mg_per_dose, mg_per_kg_per_dose, doses_per_day }
    }

    fn mg_per_day(&self) -> Option<f64> {
        Some(self.mg_per_dose? * self.doses_per_day?)
    }

    fn mg_per_kg_per_day(&self) -> Option<f64> {
        Some(self.mg_per_kg_per_dose? * self.doses_per_day?)
    }
}

fn check_anakinra(input: &DoseCheckInput, figures: &KnownFigures, messages: &mut Vec<DoseMessage>) {
    if let Some(mg_per_kg_per_day) = figures.mg_per_kg_per_day() {
        // The label maximum is for subcutaneous use; IV anakinra is given off-label at far
        // higher doses in critical illness, so IV courses are left to the implausibility rule.
        // An unrecorded route is held to the label, whose only route is subcutaneous.
        if input.route != Some(Route::Intravenous) && is_above(mg_per_kg_per_day, ANAKINRA_LABEL_MAX_MG_PER_KG_PER_DAY) {
            messages.push(DoseMessage {
                rule: rule::ANAKINRA_ABOVE_LABEL_MAX,
                severity: MessageSeverity::Warning,
                message: format!(
                    "anakinra {} mg/kg/day is above the label maximum of {} mg/kg/day",
                    number(mg_per_kg_per_day),
                    number(ANAKINRA_LABEL_MAX_MG_PER_KG_PER_DAY)
                ),
                source: "FDA label (NOMID, DIRA) and EU SmPC (CAPS) (clinical.md §4.1, §4.5)",
            });
        }
        if is_above(mg_per_kg_per_day, ANAKINRA_IMPLAUSIBLE_ABOVE_MG_PER_KG_PER_DAY) {
            messages.push(DoseMessage {
                rule: rule::ANAKINRA_IMPLAUSIBLE_DOSE,
                severity: MessageSeverity::Error,
                message: format!(
                    "anakinra {} mg/kg/day is above the highest dose ever reported ({} mg/kg/day IV); check the amount and the unit",
                    number(mg_per_kg_per_day),
                    number(ANAKINRA_IMPLAUSIBLE_ABOVE_MG_PER_KG_PER_DAY)
                ),
                source: "above the highest reported off-label range, 1–48 mg/kg/day IV (clinical.md §4.1, §4.5)",
            });
        }
        if is_below(mg_per_kg_per_day, ANAKINRA_LOW_DOSE_BELOW_MG_PER_KG_PER_DAY) {
            messages.push(DoseMessage {
                rule: rule::ANAKINRA_BELOW_STARTING_DOSE,
                severity: MessageSeverity::Warning,
                message: format!(
                    "anakinra {} mg/kg/day is below {} mg/kg/day, under the label starting dose of 1–2 mg/kg/day; check dose and interval",
                    number(mg_per_kg_per_day),
                    number(ANAKINRA_LOW_DOSE_BELOW_MG_PER_KG_PER_DAY)
                ),
                source: "FDA label starting dose (clinical.md §4.1, §4.5)",
            });
        }
    }
    if let (Some(age_months), Some(mg_per_day)) = (input.age_months, figures.mg_per_day())
        && age_months >= ADULT_FROM_AGE_MONTHS
        && is_above(mg_per_day, ANAKINRA_ADULT_DOSE_MG_PER_DAY)
    {
        messages.push(DoseMessage {
            rule: rule::ANAKINRA_ADULT_ABOVE_100_MG_PER_DAY,
            severity: MessageSeverity::Info,
            message: format!(
                "anakinra {} mg/day in an adult is above the adult RA dose of {} mg/day; weight-based dosing in CAPS and DIRA allows more",
                number(mg_per_day),
                number(ANAKINRA_ADULT_DOSE_MG_PER_DAY)
            ),
            source: "FDA label (clinical.md §4.1, §4.5)",
        });
    }
    if let (Some(clearance), Some(frequency)) = (input.creatinine_clearance_ml_min, input.frequency)
        && clearance < ANAKINRA_SEVERE_RENAL_IMPAIRMENT_BELOW_ML_MIN
        && frequency.doses_per_day().is_some_and(|per_day| per_day >= 1.0)
    {
        messages.push(DoseMessage {
            rule: rule::ANAKINRA_RENAL_IMPAIRMENT_DAILY_DOSING,
            severity: MessageSeverity::Warning,
            message: format!(
                "anakinra is given {} with a creatinine clearance of {} mL/min (below {} mL/min); consider every-other-day dosing",
                describe_frequency(frequency),
                number(clearance),
                number(ANAKINRA_SEVERE_RENAL_IMPAIRMENT_BELOW_ML_MIN)
            ),
            source: "FDA label (clinical.md §4.1, §4.5)",
        });
    }
    let mut below_eu_label = Vec::new();
    if let Some(age_months) = input.age_months
        && age_months < ANAKINRA_EU_LABEL_MIN_AGE_MONTHS
    {
        below_eu_label.push(format!("age {age_months} months is below {ANAKINRA_EU_LABEL_MIN_AGE_MONTHS} months"));
    }
    if let Some(weight) = input.weight
        && weight.kg() < ANAKINRA_EU_LABEL_MIN_WEIGHT_KG
    {
        below_eu_label.push(format!("weight {} kg is below {} kg", number(weight.kg()), number(ANAKINRA_EU_LABEL_MIN_WEIGHT_KG)));
    }
    if !below_eu_label.is_empty() {
        messages.push(DoseMessage {
            rule: rule::ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT,
            severity: MessageSeverity::Info,
            message: format!("anakinra off-label: {} (EU labelled lower limits)", below_eu_label.join("; ")),
            source: "EU SmPC (clinical.md §4.1, §4.5)",
        });
    }
    if let Some(route) = input.route
        && !matches!(route, Route::Subcutaneous | Route::Intravenous)
    {
        messages.push(DoseMessage {
            rule: rule::ANAKINRA_ROUTE_NOT_SC_OR_IV,
            severity: MessageSeverity::Warning,
            message: format!(
                "anakinra is recorded as given by the {} route; it is given subcutaneously (label) or intravenously (off-label)",
                describe_route(route)
            ),
            source: "FDA/EU label: subcutaneous; IV is off-label (clinical.md §4.1, §4.5)",
        });
    }
}

fn check_canakinumab(input: &DoseCheckInput, figures: &KnownFigures, messages: &mut Vec<DoseMessage>) {
    if let Some(frequency) = input.frequency
        && is_more_often_than(frequency, Frequency::EveryFourWeeks)
    {
        messages.push(DoseMessage {
            rule: rule::CANAKINUMAB_INTERVAL_BELOW_4_WEEKS,
            severity: MessageSeverity::Warning,
            message: format!(
                "canakinumab is given {}, more often than the shortest labelled interval of every 4 weeks",
                describe_frequency(frequency)
            ),
            source: "US label (clinical.md §4.2, §4.5)",
        });
    }
    // Only the US maximum is a rule. The EU CAPS up-titration to 600 mg or 8 mg/kg every
    // 8 weeks is unconfirmed (clinical.md §4.2 [U]), so doses between 300 and 600 mg are
    // flagged against the US label only, and no mg/kg maximum is checked.
    if let Some(mg_per_dose) = figures.mg_per_dose
        && is_above(mg_per_dose, CANAKINUMAB_US_LABEL_MAX_MG_PER_DOSE)
    {
        messages.push(DoseMessage {
            rule: rule::CANAKINUMAB_ABOVE_US_LABEL_MAX,
            severity: MessageSeverity::Warning,
            message: format!(
                "canakinumab {} mg per dose is above the US label maximum of {} mg",
                number(mg_per_dose),
                number(CANAKINUMAB_US_LABEL_MAX_MG_PER_DOSE)
            ),
            source: "US label maximum 300 mg every 4 weeks (clinical.md §4.2, §4.5)",
        });
    }
    if let Some(weight) = input.weight
        && weight.kg() < CANAKINUMAB_LABEL_MIN_WEIGHT_KG
    {
        messages.push(DoseMessage {
            rule: rule::CANAKINUMAB_BELOW_LABEL_WEIGHT,
            severity: MessageSeverity::Info,
            message: format!(
                "canakinumab off-label: weight {} kg is below {} kg, the lowest labelled weight (Still's disease)",
                number(weight.kg()),
                number(CANAKINUMAB_LABEL_MIN_WEIGHT_KG)
            ),
            source: "US label (clinical.md §4.2, §4.5)",
        });
    }
}

fn check_rilonacept(input: &DoseCheckInput, figures: &KnownFigures, messages: &mut Vec<DoseMessage>) {
    if let Some(frequency) = input.frequency
        && is_more_often_than(frequency, Frequency::Weekly)
    {
        messages.push(DoseMessage {
            rule: rule::RILONACEPT_MORE_OFTEN_THAN_WEEKLY,
            severity: MessageSeverity::Warning,
            message: format!("rilonacept is given {}; the label never gives it more often than weekly", describe_frequency(frequency)),
            source: "EU SmPC (clinical.md §4.3, §4.5)",
        });
    }
    if let Some(mg_per_dose) = figures.mg_per_dose
        && is_above(mg_per_dose, RILONACEPT_MAX_MG_PER_DOSE)
    {
        messages.push(DoseMessage {
            rule: rule::RILONACEPT_ABOVE_MAX_DOSE,
            severity: MessageSeverity::Warning,
            message: format!(
                "rilonacept {} mg per dose is above the {} mg loading dose, the largest labelled dose",
                number(mg_per_dose),
                number(RILONACEPT_MAX_MG_PER_DOSE)
            ),
            source: "EU SmPC (clinical.md §4.3, §4.5)",
        });
    }
    if let (Some(age_months), Some(mg_per_kg_per_dose)) = (input.age_months, figures.mg_per_kg_per_dose)
        && age_months < ADULT_FROM_AGE_MONTHS
        && is_above(mg_per_kg_per_dose, RILONACEPT_PAEDIATRIC_MAX_MG_PER_KG_PER_DOSE)
    {
        messages.push(DoseMessage {
            rule: rule::RILONACEPT_PAEDIATRIC_ABOVE_MAX_DOSE,
            severity: MessageSeverity::Warning,
            message: format!(
                "rilonacept {} mg/kg per dose under 18 years is above the paediatric loading dose of {} mg/kg",
                number(mg_per_kg_per_dose),
                number(RILONACEPT_PAEDIATRIC_MAX_MG_PER_KG_PER_DOSE)
            ),
            source: "ESC table, paediatric 12–17 years (clinical.md §4.3, §4.5)",
        });
    }
}

/// Whether `frequency` gives doses more often than `reference`. A single dose has no interval
/// and is never more often than anything.
fn is_more_often_than(frequency: Frequency, reference: Frequency) -> bool {
    match (frequency.doses_per_day(), reference.doses_per_day()) {
        (Some(per_day), Some(reference_per_day)) => per_day > reference_per_day,
        _ => false,
    }
}

fn describe_route(route: Route) -> &'static str {
    match route {
        Route::Subcutaneous => "subcutaneous",
        Route::Intravenous => "intravenous",
        Route::Oral => "oral",
        Route::Topical => "topical",
        Route::Intramuscular => "intramuscular",
    }
}

fn describe_frequency(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Daily => "once daily",
        Frequency::TwiceDaily => "twice daily",
        Frequency::ThreeTimesDaily => "three times daily",
        Frequency::EveryOtherDay => "every other day",
        Frequency::Weekly => "weekly",
        Frequency::EveryTwoWeeks => "every 2 weeks",
        Frequency::EveryFourWeeks => "every 4 weeks",
        Frequency::EveryEightWeeks => "every 8 weeks",
        Frequency::Once => "once",
    }
}

/// A number as a clinician writes it: two decimals, or two significant digits below 1, and no
/// trailing zeros ("2", "0.33", "0.071"), so that a tiny dose never reads as "0".
fn number(value: f64) -> String {
    let decimals = if value > 0.0 && value < 1.0 { (1 - value.log10().floor() as i32).clamp(2, 12) as usize } else { 2 };
    let text = format!("{value:.decimals$}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::drug::DrugCatalog;

    fn weight(kg: f64) -> BodyWeightKg {
        BodyWeightKg::new(kg).unwrap()
    }

    fn date(text: &str) -> PartialDate {
        PartialDate::parse(text).unwrap()
    }

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
    }

    #[test]
    fn doses_are_derived_per_kg_and_per_day() {
        // (case, amount, unit, frequency, kg, mg/kg per dose, mg/kg per day, mg per dose, mg per day)
        let cases = [
            ("20 mg anakinra daily at 10 kg is 2 mg/kg/day", 20.0, DoseUnit::Mg, Frequency::Daily, 10.0, 2.0, Some(2.0), 20.0, Some(20.0)),
            (
                "2 mg/kg canakinumab every 4 weeks at 20 kg is 40 mg per dose",
                2.0,
                DoseUnit::MgPerKg,
                Frequency::EveryFourWeeks,
                20.0,
                2.0,
                Some(2.0 / 28.0),
                40.0,
                Some(40.0 / 28.0),
            ),
            (
                "50 mg twice daily at 12.5 kg is 8 mg/kg/day",
                50.0,
                DoseUnit::Mg,
                Frequency::TwiceDaily,
                12.5,
                4.0,
                Some(8.0),
                50.0,
                Some(100.0),
            ),
            (
                "1 mg/kg three times daily at 30 kg",
                1.0,
                DoseUnit::MgPerKg,
                Frequency::ThreeTimesDaily,
                30.0,
                1.0,
                Some(3.0),
                30.0,
                Some(90.0),
            ),
            (
                "100 mg every other day at 50 kg is 1 mg/kg/day",
                100.0,
                DoseUnit::Mg,
                Frequency::EveryOtherDay,
                50.0,
                2.0,
                Some(1.0),
                100.0,
                Some(50.0),
            ),
            (
                "160 mg rilonacept weekly at 70 kg",
                160.0,
                DoseUnit::Mg,
                Frequency::Weekly,
                70.0,
                160.0 / 70.0,
                Some(160.0 / 70.0 / 7.0),
                160.0,
                Some(160.0 / 7.0),
            ),
            (
                "150 mg every 8 weeks at 45 kg",
                150.0,
                DoseUnit::Mg,
                Frequency::EveryEightWeeks,
                45.0,
                150.0 / 45.0,
                Some(150.0 / 45.0 / 56.0),
                150.0,
                Some(150.0 / 56.0),
            ),
            (
                "4 mg/kg every 2 weeks at 5 kg",
                4.0,
                DoseUnit::MgPerKg,
                Frequency::EveryTwoWeeks,
                5.0,
                4.0,
                Some(4.0 / 14.0),
                20.0,
                Some(20.0 / 14.0),
            ),
            ("a single dose has no daily rate", 320.0, DoseUnit::Mg, Frequency::Once, 80.0, 4.0, None, 320.0, None),
        ];
        for (case, amount, unit, frequency, kg, per_kg_per_dose, per_kg_per_day, per_dose, per_day) in cases {
            let derived = derive_dose(&Dose::new(amount, unit).unwrap(), frequency, weight(kg));
            assert!(close(derived.mg_per_kg_per_dose, per_kg_per_dose), "{case}: mg/kg per dose {}", derived.mg_per_kg_per_dose);
            assert!(close(derived.mg_per_dose, per_dose), "{case}: mg per dose {}", derived.mg_per_dose);
            match (derived.mg_per_kg_per_day, per_kg_per_day) {
                (Some(actual), Some(expected)) => assert!(close(actual, expected), "{case}: mg/kg per day {actual}"),
                (actual, expected) => assert_eq!(actual, expected, "{case}: mg/kg per day"),
            }
            match (derived.mg_per_day, per_day) {
                (Some(actual), Some(expected)) => assert!(close(actual, expected), "{case}: mg per day {actual}"),
                (actual, expected) => assert_eq!(actual, expected, "{case}: mg per day"),
            }
        }
    }

    #[test]
    fn the_weight_on_or_before_a_date_is_chosen() {
        let records = [
            (date("2019-01-10"), weight(8.0)),
            (date("2019-06"), weight(9.0)),
            (date("2020"), weight(11.0)),
            (date("2020-03-01"), weight(10.5)),
            (date("2021-02-01"), weight(13.0)),
            (date("2021-02-01"), weight(13.2)),
        ];
        let cases = [
            ("before every record there is none", "2018-12-31", None),
            ("a weight on the very day counts", "2019-01-10", Some(("2019-01-10", 8.0))),
            ("the latest earlier weight wins", "2019-05-31", Some(("2019-01-10", 8.0))),
            ("a month-precise weight counts for a day in that month", "2019-06-01", Some(("2019-06", 9.0))),
            ("a month-precise weight counts for the month itself", "2019-06", Some(("2019-06", 9.0))),
            ("a year-only weight counts for a day in that year", "2020-01-15", Some(("2020", 11.0))),
            ("a precise weight inside the year beats the year-only one", "2020-03-02", Some(("2020-03-01", 10.5))),
            ("a precise weight after the target is never used", "2020-02-28", Some(("2020", 11.0))),
            ("of two records on one day the later entry wins", "2021-06", Some(("2021-02-01", 13.2))),
            ("a year-only target takes the latest weight inside that year", "2021", Some(("2021-02-01", 13.2))),
        ];
        for (case, target, expected) in cases {
            let found = nearest_weight_on_or_before(&date(target), &records);
            let expected = expected.map(|(day, kg)| (date(day), weight(kg)));
            assert_eq!(found, expected, "{case}");
        }
        assert_eq!(nearest_weight_on_or_before(&date("2020"), &[]), None, "no records");
    }

    /// One course as the dose checker sees it, with a plain default for every field.
    #[derive(Clone, Copy)]
    struct Course {
        drug: &'static str,
        route: Option<Route>,
        dose: Option<(f64, DoseUnit)>,
        frequency: Option<Frequency>,
        kg: Option<f64>,
        age_months: Option<i64>,
        creatinine_clearance_ml_min: Option<f64>,
        with_tnf_blocker: bool,
    }

    /// Anakinra 2 mg/kg once daily, subcutaneous, in a 5-year-old of 20 kg: nothing to report.
    const ANAKINRA: Course = Course {
        drug: "anakinra",
        route: Some(Route::Subcutaneous),
        dose: Some((2.0, DoseUnit::MgPerKg)),
        frequency: Some(Frequency::Daily),
        kg: Some(20.0),
        age_months: Some(60),
        creatinine_clearance_ml_min: None,
        with_tnf_blocker: false,
    };

    /// Canakinumab 2 mg/kg every 4 weeks in a 5-year-old of 20 kg: nothing to report.
    const CANAKINUMAB: Course =
        Course { drug: "canakinumab", dose: Some((2.0, DoseUnit::MgPerKg)), frequency: Some(Frequency::EveryFourWeeks), ..ANAKINRA };

    /// Rilonacept 160 mg weekly in an adult of 70 kg: nothing to report.
    const RILONACEPT: Course = Course {
        drug: "rilonacept",
        dose: Some((160.0, DoseUnit::Mg)),
        frequency: Some(Frequency::Weekly),
        kg: Some(70.0),
        age_months: Some(300),
        ..ANAKINRA
    };

    fn check(case: &str, course: Course, expected_rules: &[&str]) {
        let catalog = DrugCatalog::builtin();
        let drug = catalog.get(course.drug).unwrap_or_else(|| panic!("{case}: no drug {}", course.drug));
        let concurrent: &[DrugClass] = if course.with_tnf_blocker {
            &[DrugClass::SystemicCorticosteroid, DrugClass::TnfBlocker]
        } else {
            &[DrugClass::SystemicCorticosteroid]
        };
        let input = DoseCheckInput {
            drug,
            route: course.route,
            dose: course.dose.map(|(amount, unit)| Dose::new(amount, unit).unwrap()),
            frequency: course.frequency,
            weight: course.kg.map(weight),
            age_months: course.age_months,
            creatinine_clearance_ml_min: course.creatinine_clearance_ml_min,
            concurrent_drug_classes: concurrent,
        };
        let messages = check_dose(&input);
        let found: BTreeSet<&str> = messages.iter().map(|message| message.rule).collect();
        let expected: BTreeSet<&str> = expected_rules.iter().copied().collect();
        assert_eq!(found, expected, "{case}: rules fired");
        assert_eq!(found.len(), messages.len(), "{case}: a rule fired twice");
        for message in &messages {
            assert!(DOSE_RULE_IDS.contains(&message.rule), "{case}: unlisted rule {}", message.rule);
            assert!(!message.message.ends_with('.'), "{case}: {} message ends with a full stop", message.rule);
            assert!(message.source.contains("clinical.md §4"), "{case}: {} source does not cite the research", message.rule);
        }
    }

    #[test]
    fn dose_rules_fire_exactly_where_the_table_says() {
        let cases: &[(&str, Course, &[&str])] = &[
            // Anakinra, mg/kg/day against the label.
            ("anakinra 2 mg/kg/day SC in a child is unremarkable", ANAKINRA, &[]),
            ("20 mg anakinra daily at 10 kg is 2 mg/kg/day", Course { dose: Some((20.0, DoseUnit::Mg)), kg: Some(10.0), ..ANAKINRA }, &[]),
            ("exactly 8 mg/kg/day is not above the label maximum", Course { dose: Some((8.0, DoseUnit::MgPerKg)), ..ANAKINRA }, &[]),
            ("80 mg daily at 10 kg is exactly 8 mg/kg/day", Course { dose: Some((80.0, DoseUnit::Mg)), kg: Some(10.0), ..ANAKINRA }, &[]),
            (
                "4 mg/kg twice daily is exactly 8 mg/kg/day",
                Course { dose: Some((4.0, DoseUnit::MgPerKg)), frequency: Some(Frequency::TwiceDaily), ..ANAKINRA },
                &[],
            ),
            (
                "8.01 mg/kg/day SC is above the label maximum",
                Course { dose: Some((8.01, DoseUnit::MgPerKg)), ..ANAKINRA },
                &[rule::ANAKINRA_ABOVE_LABEL_MAX],
            ),
            (
                "9 mg/kg/day with no route recorded is held to the SC label",
                Course { dose: Some((9.0, DoseUnit::MgPerKg)), route: None, ..ANAKINRA },
                &[rule::ANAKINRA_ABOVE_LABEL_MAX],
            ),
            (
                "10 mg/kg/day IV is off-label but not above the SC label",
                Course { dose: Some((10.0, DoseUnit::MgPerKg)), route: Some(Route::Intravenous), ..ANAKINRA },
                &[],
            ),
            (
                "exactly 48 mg/kg/day IV is within the reported range",
                Course {
                    dose: Some((16.0, DoseUnit::MgPerKg)),
                    frequency: Some(Frequency::ThreeTimesDaily),
                    route: Some(Route::Intravenous),
                    ..ANAKINRA
                },
                &[],
            ),
            (
                "49 mg/kg/day IV is an implausible dose",
                Course { dose: Some((49.0, DoseUnit::MgPerKg)), route: Some(Route::Intravenous), ..ANAKINRA },
                &[rule::ANAKINRA_IMPLAUSIBLE_DOSE],
            ),
            (
                "1000 mg daily at 10 kg SC is above the label and implausible",
                Course { dose: Some((1000.0, DoseUnit::Mg)), kg: Some(10.0), ..ANAKINRA },
                &[rule::ANAKINRA_ABOVE_LABEL_MAX, rule::ANAKINRA_IMPLAUSIBLE_DOSE],
            ),
            (
                "exactly 0.5 mg/kg/day is not below the starting-dose floor",
                Course { dose: Some((1.0, DoseUnit::MgPerKg)), frequency: Some(Frequency::EveryOtherDay), ..ANAKINRA },
                &[],
            ),
            (
                "0.49 mg/kg/day is below the starting-dose floor",
                Course { dose: Some((0.49, DoseUnit::MgPerKg)), ..ANAKINRA },
                &[rule::ANAKINRA_BELOW_STARTING_DOSE],
            ),
            (
                "2 mg/kg weekly averages below the floor",
                Course { frequency: Some(Frequency::Weekly), ..ANAKINRA },
                &[rule::ANAKINRA_BELOW_STARTING_DOSE],
            ),
            (
                "a single anakinra dose has no daily rate to check",
                Course { dose: Some((0.1, DoseUnit::MgPerKg)), frequency: Some(Frequency::Once), ..ANAKINRA },
                &[],
            ),
            (
                "no frequency means no daily rate to check",
                Course { dose: Some((30.0, DoseUnit::MgPerKg)), frequency: None, ..ANAKINRA },
                &[],
            ),
            // Anakinra in adults.
            (
                "an adult on 100 mg/day is at the RA dose",
                Course { dose: Some((100.0, DoseUnit::Mg)), kg: Some(70.0), age_months: Some(216), ..ANAKINRA },
                &[],
            ),
            (
                "an adult on 2 mg/kg/day at 70 kg takes 140 mg/day",
                Course { kg: Some(70.0), age_months: Some(216), ..ANAKINRA },
                &[rule::ANAKINRA_ADULT_ABOVE_100_MG_PER_DAY],
            ),
            ("a 17-year-old on 140 mg/day is not an adult", Course { kg: Some(70.0), age_months: Some(215), ..ANAKINRA }, &[]),
            (
                "an adult's mg dose needs no weight for the adult rule",
                Course { dose: Some((200.0, DoseUnit::Mg)), kg: None, age_months: Some(400), ..ANAKINRA },
                &[rule::ANAKINRA_ADULT_ABOVE_100_MG_PER_DAY, rule::DOSE_NEEDS_WEIGHT],
            ),
            // Anakinra and renal function.
            (
                "creatinine clearance 25 with daily dosing",
                Course { creatinine_clearance_ml_min: Some(25.0), ..ANAKINRA },
                &[rule::ANAKINRA_RENAL_IMPAIRMENT_DAILY_DOSING],
            ),
            (
                "creatinine clearance 25 with twice-daily dosing",
                Course {
                    creatinine_clearance_ml_min: Some(25.0),
                    dose: Some((1.0, DoseUnit::MgPerKg)),
                    frequency: Some(Frequency::TwiceDaily),
                    ..ANAKINRA
                },
                &[rule::ANAKINRA_RENAL_IMPAIRMENT_DAILY_DOSING],
            ),
            (
                "creatinine clearance 25 already every other day",
                Course {
                    creatinine_clearance_ml_min: Some(25.0),
                    dose: Some((4.0, DoseUnit::MgPerKg)),
                    frequency: Some(Frequency::EveryOtherDay),
                    ..ANAKINRA
                },
                &[],
            ),
            (
                "creatinine clearance exactly 30 is not severe impairment",
                Course { creatinine_clearance_ml_min: Some(30.0), ..ANAKINRA },
                &[],
            ),
            // Anakinra below the EU labelled age and weight.
            (
                "a 2-month-old of 5 kg is below the EU label on both counts",
                Course { age_months: Some(2), kg: Some(5.0), ..ANAKINRA },
                &[rule::ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT],
            ),
            ("exactly 8 months and 10 kg is within the EU label", Course { age_months: Some(8), kg: Some(10.0), ..ANAKINRA }, &[]),
            (
                "7 months at 10 kg is below the EU labelled age",
                Course { age_months: Some(7), kg: Some(10.0), ..ANAKINRA },
                &[rule::ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT],
            ),
            (
                "9.9 kg at 3 years is below the EU labelled weight",
                Course { kg: Some(9.9), age_months: Some(36), ..ANAKINRA },
                &[rule::ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT],
            ),
            (
                "the age rule needs no dose",
                Course { dose: None, age_months: Some(2), ..ANAKINRA },
                &[rule::ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT],
            ),
            // Anakinra route.
            ("anakinra by mouth", Course { route: Some(Route::Oral), ..ANAKINRA }, &[rule::ANAKINRA_ROUTE_NOT_SC_OR_IV]),
            ("anakinra intramuscular", Course { route: Some(Route::Intramuscular), ..ANAKINRA }, &[rule::ANAKINRA_ROUTE_NOT_SC_OR_IV]),
            ("anakinra IV at a label dose", Course { route: Some(Route::Intravenous), ..ANAKINRA }, &[]),
            // Missing weight.
            (
                "an mg dose without a weight cannot be put per kg",
                Course { dose: Some((20.0, DoseUnit::Mg)), kg: None, ..ANAKINRA },
                &[rule::DOSE_NEEDS_WEIGHT],
            ),
            ("an mg/kg dose without a weight cannot be put in mg", Course { kg: None, ..ANAKINRA }, &[rule::DOSE_NEEDS_WEIGHT]),
            ("no dose, no weight: nothing to derive", Course { dose: None, kg: None, ..ANAKINRA }, &[]),
            // Canakinumab.
            ("canakinumab 2 mg/kg every 4 weeks is unremarkable", CANAKINUMAB, &[]),
            ("canakinumab every 8 weeks is within the label", Course { frequency: Some(Frequency::EveryEightWeeks), ..CANAKINUMAB }, &[]),
            (
                "canakinumab every 2 weeks is too often",
                Course { frequency: Some(Frequency::EveryTwoWeeks), ..CANAKINUMAB },
                &[rule::CANAKINUMAB_INTERVAL_BELOW_4_WEEKS],
            ),
            (
                "canakinumab weekly is too often",
                Course { frequency: Some(Frequency::Weekly), ..CANAKINUMAB },
                &[rule::CANAKINUMAB_INTERVAL_BELOW_4_WEEKS],
            ),
            ("a single canakinumab dose has no interval", Course { frequency: Some(Frequency::Once), ..CANAKINUMAB }, &[]),
            ("exactly 300 mg is the US label maximum", Course { dose: Some((300.0, DoseUnit::Mg)), kg: Some(60.0), ..CANAKINUMAB }, &[]),
            (
                "301 mg is above the US label maximum",
                Course { dose: Some((301.0, DoseUnit::Mg)), kg: Some(60.0), ..CANAKINUMAB },
                &[rule::CANAKINUMAB_ABOVE_US_LABEL_MAX],
            ),
            (
                "8 mg/kg at 50 kg is 400 mg, above the US maximum",
                Course { dose: Some((8.0, DoseUnit::MgPerKg)), kg: Some(50.0), frequency: Some(Frequency::EveryEightWeeks), ..CANAKINUMAB },
                &[rule::CANAKINUMAB_ABOVE_US_LABEL_MAX],
            ),
            (
                "8 mg/kg at 20 kg is 160 mg: no mg/kg maximum is checked",
                Course { dose: Some((8.0, DoseUnit::MgPerKg)), ..CANAKINUMAB },
                &[],
            ),
            (
                "canakinumab at 7.4 kg is below the labelled weight",
                Course { kg: Some(7.4), age_months: Some(10), ..CANAKINUMAB },
                &[rule::CANAKINUMAB_BELOW_LABEL_WEIGHT],
            ),
            ("canakinumab at exactly 7.5 kg is within the label", Course { kg: Some(7.5), age_months: Some(10), ..CANAKINUMAB }, &[]),
            ("canakinumab skips the anakinra age rule", Course { age_months: Some(2), kg: Some(8.0), ..CANAKINUMAB }, &[]),
            // Rilonacept.
            ("rilonacept 160 mg weekly in an adult is unremarkable", RILONACEPT, &[]),
            (
                "rilonacept 320 mg loading dose",
                Course { dose: Some((320.0, DoseUnit::Mg)), frequency: Some(Frequency::Once), ..RILONACEPT },
                &[],
            ),
            (
                "rilonacept 321 mg is above the loading dose",
                Course { dose: Some((321.0, DoseUnit::Mg)), frequency: Some(Frequency::Once), ..RILONACEPT },
                &[rule::RILONACEPT_ABOVE_MAX_DOSE],
            ),
            (
                "rilonacept every other day is too often",
                Course { frequency: Some(Frequency::EveryOtherDay), ..RILONACEPT },
                &[rule::RILONACEPT_MORE_OFTEN_THAN_WEEKLY],
            ),
            ("rilonacept every 2 weeks is not too often", Course { frequency: Some(Frequency::EveryTwoWeeks), ..RILONACEPT }, &[]),
            (
                "a 14-year-old on exactly 4.4 mg/kg",
                Course {
                    dose: Some((4.4, DoseUnit::MgPerKg)),
                    kg: Some(40.0),
                    age_months: Some(168),
                    frequency: Some(Frequency::Once),
                    ..RILONACEPT
                },
                &[],
            ),
            (
                "a 14-year-old on 4.5 mg/kg is above the paediatric loading dose",
                Course {
                    dose: Some((4.5, DoseUnit::MgPerKg)),
                    kg: Some(40.0),
                    age_months: Some(168),
                    frequency: Some(Frequency::Once),
                    ..RILONACEPT
                },
                &[rule::RILONACEPT_PAEDIATRIC_ABOVE_MAX_DOSE],
            ),
            (
                "a 14-year-old on 4.5 mg/kg at 80 kg is also above 320 mg",
                Course {
                    dose: Some((4.5, DoseUnit::MgPerKg)),
                    kg: Some(80.0),
                    age_months: Some(168),
                    frequency: Some(Frequency::Once),
                    ..RILONACEPT
                },
                &[rule::RILONACEPT_PAEDIATRIC_ABOVE_MAX_DOSE, rule::RILONACEPT_ABOVE_MAX_DOSE],
            ),
            (
                "an adult on 4.5 mg/kg at 60 kg (270 mg) is within the adult cap",
                Course { dose: Some((4.5, DoseUnit::MgPerKg)), kg: Some(60.0), frequency: Some(Frequency::Once), ..RILONACEPT },
                &[],
            ),
            (
                "an unknown age is not held to the paediatric limit",
                Course {
                    dose: Some((4.5, DoseUnit::MgPerKg)),
                    kg: Some(40.0),
                    age_months: None,
                    frequency: Some(Frequency::Once),
                    ..RILONACEPT
                },
                &[],
            ),
            // Combinations.
            ("anakinra with a TNF blocker", Course { with_tnf_blocker: true, ..ANAKINRA }, &[rule::IL1_BLOCKER_WITH_TNF_BLOCKER]),
            ("canakinumab with a TNF blocker", Course { with_tnf_blocker: true, ..CANAKINUMAB }, &[rule::IL1_BLOCKER_WITH_TNF_BLOCKER]),
            ("rilonacept with a TNF blocker", Course { with_tnf_blocker: true, ..RILONACEPT }, &[rule::IL1_BLOCKER_WITH_TNF_BLOCKER]),
            (
                "several problems at once are all reported",
                Course {
                    route: Some(Route::Oral),
                    dose: Some((10.0, DoseUnit::MgPerKg)),
                    kg: Some(6.0),
                    age_months: Some(3),
                    creatinine_clearance_ml_min: Some(10.0),
                    with_tnf_blocker: true,
                    ..ANAKINRA
                },
                &[
                    rule::ANAKINRA_ABOVE_LABEL_MAX,
                    rule::ANAKINRA_RENAL_IMPAIRMENT_DAILY_DOSING,
                    rule::ANAKINRA_BELOW_EU_LABEL_AGE_OR_WEIGHT,
                    rule::ANAKINRA_ROUTE_NOT_SC_OR_IV,
                    rule::IL1_BLOCKER_WITH_TNF_BLOCKER,
                ],
            ),
            // Drugs without dose rules.
            ("a TNF blocker alone has no IL-1 rules", Course { drug: "adalimumab", with_tnf_blocker: true, ..ANAKINRA }, &[]),
            (
                "a steroid at any dose has no dose rules",
                Course { drug: "prednisone", route: Some(Route::Oral), dose: Some((60.0, DoseUnit::MgPerKg)), ..ANAKINRA },
                &[],
            ),
            (
                "a steroid in mg without a weight cannot be put per kg",
                Course { drug: "prednisone", route: Some(Route::Oral), dose: Some((10.0, DoseUnit::Mg)), kg: None, ..ANAKINRA },
                &[rule::DOSE_NEEDS_WEIGHT],
            ),
            (
                "a TNF blocker without a weight is not weight-based here",
                Course { drug: "infliximab", dose: Some((5.0, DoseUnit::MgPerKg)), kg: None, ..ANAKINRA },
                &[],
            ),
        ];
        for (case, course, expected_rules) in cases {
            check(case, *course, expected_rules);
        }
    }

    #[test]
    fn every_rule_has_its_severity_and_every_message_says_its_numbers() {
        let catalog = DrugCatalog::builtin();
        let anakinra = catalog.get("anakinra").unwrap();
        let input = DoseCheckInput {
            drug: anakinra,
            route: Some(Route::Subcutaneous),
            dose: Some(Dose::new(600.0, DoseUnit::Mg).unwrap()),
            frequency: Some(Frequency::Daily),
            weight: Some(weight(12.0)),
            age_months: Some(30),
            creatinine_clearance_ml_min: Some(22.5),
            concurrent_drug_classes: &[],
        };
        let messages = check_dose(&input);
        let find = |rule: &str| messages.iter().find(|message| message.rule == rule).unwrap_or_else(|| panic!("{rule} did not fire"));
        let above = find(rule::ANAKINRA_ABOVE_LABEL_MAX);
        assert_eq!(
            (above.severity, above.message.as_str()),
            (MessageSeverity::Warning, "anakinra 50 mg/kg/day is above the label maximum of 8 mg/kg/day")
        );
        let implausible = find(rule::ANAKINRA_IMPLAUSIBLE_DOSE);
        assert_eq!(implausible.severity, MessageSeverity::Error, "implausible dose severity");
        assert!(implausible.message.contains("50 mg/kg/day") && implausible.message.contains("48 mg/kg/day"), "{}", implausible.message);
        let renal = find(rule::ANAKINRA_RENAL_IMPAIRMENT_DAILY_DOSING);
        assert!(renal.message.contains("once daily") && renal.message.contains("22.5 mL/min"), "{}", renal.message);
        assert_eq!(number(1.0 / 3.0), "0.33");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(22.50), "22.5");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(2.0 / 28.0), "0.071");
        assert_eq!(number(0.0005), "0.0005");
    }

    #[test]
    fn no_generated_dose_gives_a_nan_or_infinite_figure() {
        let amounts: Vec<f64> = (-6..=10).flat_map(|exponent| [1.0, 2.5, 7.3].map(|mantissa| mantissa * 10f64.powi(exponent))).collect();
        let weights: Vec<f64> = [0.3, 0.31, 1.0, 2.7, 7.5, 9.99, 10.0, 33.3, 70.0, 150.0, 299.9, 300.0].to_vec();
        let catalog = DrugCatalog::builtin();
        let mut n_checked = 0;
        for amount in &amounts {
            for unit in DoseUnit::ALL {
                let dose = Dose::new(*amount, unit).unwrap();
                for kg in &weights {
                    for frequency in Frequency::ALL {
                        let case = format!("{dose} {} at {kg} kg", frequency.key());
                        let derived = derive_dose(&dose, frequency, weight(*kg));
                        let figures =
                            [Some(derived.mg_per_dose), Some(derived.mg_per_kg_per_dose), derived.mg_per_day, derived.mg_per_kg_per_day];
                        for figure in figures.into_iter().flatten() {
                            assert!(figure.is_finite() && figure > 0.0, "{case}: {derived:?}");
                        }
                        for drug_key in ["anakinra", "canakinumab", "rilonacept"] {
                            let input = DoseCheckInput {
                                drug: catalog.get(drug_key).unwrap(),
                                route: Some(Route::Subcutaneous),
                                dose: Some(dose),
                                frequency: Some(frequency),
                                weight: Some(weight(*kg)),
                                age_months: Some(n_checked % 400),
                                creatinine_clearance_ml_min: Some(20.0),
                                concurrent_drug_classes: &[],
                            };
                            for message in check_dose(&input) {
                                let text = message.message.to_lowercase();
                                assert!(!text.contains("nan") && !text.contains("inf"), "{case}, {drug_key}: {}", message.message);
                            }
                            n_checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(n_checked as usize, amounts.len() * 2 * weights.len() * Frequency::ALL.len() * 3);
    }

    #[test]
    fn rule_ids_are_unique_lowercase_kebab_case() {
        let unique: BTreeSet<&str> = DOSE_RULE_IDS.iter().copied().collect();
        assert_eq!(unique.len(), DOSE_RULE_IDS.len(), "duplicate rule id");
        for id in DOSE_RULE_IDS {
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "rule id `{id}`");
        }
    }

    #[test]
    fn severities_order_from_info_to_error() {
        assert!(MessageSeverity::Info < MessageSeverity::Warning && MessageSeverity::Warning < MessageSeverity::Error);
        assert_eq!(MessageSeverity::Error.to_string(), "error");
    }
}
