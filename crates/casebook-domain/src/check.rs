//! Every rule run over a patient record, as diagnostics that name their place, rule and source.
//!
//! Checking never refuses to look further: it returns all problems at once. Errors mean the
//! record contradicts itself or the study (an end before its start, a drug the study does not
//! know) and must be fixed before it is stored; warnings and notes never block a save.

use std::cmp::Ordering;
use std::fmt;

use foldhash::{HashSet, HashSetExt};

use crate::code::Curie;
use crate::date::{Age, PartialDate};
use crate::drug::{Drug, DrugCatalog, DrugClass};
use crate::patient::{Analyte, DefinitiveTherapyKind, Patient, TerminationReason, TimePoint, TreatmentCourse, TreatmentPhase};
use crate::rules::chimerism::{ChimerismClass, classify_chimerism, myeloid_below_50_percent};
use crate::rules::dosing::{DerivedDose, DoseCheckInput, MessageSeverity, check_dose, derive_dose, nearest_weight_on_or_before};
use crate::rules::zhu::{ZhuInputs, ZhuResult, compute_zhu_score};
use crate::study::Study;

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Must be fixed before the record is stored.
    Error,
    /// Worth a look; never blocks a save.
    Warning,
    /// Information for the reader; never blocks a save.
    Note,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        })
    }
}

/// One finding of a rule at one place of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Whether the finding blocks a save ([`Level::Error`]) or only informs.
    pub level: Level,
    /// Where in the record, as a JSON-style path (`courses[1].dose`).
    pub path: String,
    /// A stable rule id such as `course-end-before-start`.
    pub rule: String,
    /// What is wrong, for the person who entered the record; no trailing full stop.
    pub message: String,
    /// Where the rule comes from, for clinical rules.
    pub source: Option<String>,
}

impl Diagnostic {
    fn new(level: Level, path: impl Into<String>, rule: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { level, path: path.into(), rule: rule.to_string(), message: message.into(), source: None }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {} [{}", self.level, self.path, self.message, self.rule)?;
        if let Some(source) = &self.source {
            write!(f, "; {source}")?;
        }
        f.write_str("]")
    }
}

/// Values derived from a course: the weight used and the doses per kilogram.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseDerivation {
    /// The date of the body weight used; `None` when no weight was recorded on or before the start.
    pub weight_date: Option<PartialDate>,
    /// The per-kilogram doses; `None` when the dose, the frequency or a usable weight is missing.
    pub derived: Option<DerivedDose>,
    /// The findings of the dose-plausibility rules, with paths under the course's path.
    pub diagnostics: Vec<Diagnostic>,
}

/// Derives a course's per-kilogram dose from the nearest weight on or before its start, and runs
/// the dose-plausibility rules over it. `path` prefixes the diagnostics' paths.
pub fn derive_course(patient: &Patient, course: &TreatmentCourse, drug: &Drug, drugs: &DrugCatalog, path: &str) -> CourseDerivation {
    let weights: Vec<_> = patient.weights.iter().map(|record| (record.date, record.weight)).collect();
    let nearest = nearest_weight_on_or_before(&course.start, &weights);
    let derived = match (course.dose, course.frequency, nearest) {
        (Some(dose), Some(frequency), Some((_, weight))) => Some(derive_dose(&dose, frequency, weight)),
        _ => None,
    };
    let concurrent_drug_classes: Vec<DrugClass> = patient
        .courses
        .iter()
        .filter(|other| other.id != course.id && courses_overlap(other, course))
        .filter_map(|other| drugs.get(&other.drug).map(|drug| drug.class()))
        .collect();
    let creatinine_clearance = patient
        .labs
        .iter()
        .filter(|lab| lab.analyte == Analyte::CreatinineClearance && lab.date.definitely_cmp(&course.start) != Some(Ordering::Greater))
        .max_by_key(|lab| lab.date.sort_key())
        .map(|lab| lab.canonical_value());
    let input = DoseCheckInput {
        drug,
        route: course.route,
        dose: course.dose,
        frequency: course.frequency,
        weight: nearest.map(|(_, weight)| weight),
        age_months: patient.age_at(&course.start).map(|age| age.min_months()),
        creatinine_clearance_ml_min: creatinine_clearance,
        concurrent_drug_classes: &concurrent_drug_classes,
    };
    let diagnostics = check_dose(&input)
        .into_iter()
        .map(|message| Diagnostic {
            level: match message.severity {
                MessageSeverity::Error => Level::Error,
                MessageSeverity::Warning => Level::Warning,
                MessageSeverity::Info => Level::Note,
            },
            path: format!("{path}.dose"),
            rule: message.rule.to_string(),
            message: message.message,
            source: Some(message.source.to_string()),
        })
        .collect();
    CourseDerivation { weight_date: nearest.map(|(date, _)| date), derived, diagnostics }
}

/// The Zhu score of each assessment, under the study's settings.
pub fn zhu_results(patient: &Patient, study: &Study) -> Vec<ZhuResult> {
    patient
        .zhu_assessments
        .iter()
        .map(|assessment| {
            let inputs = ZhuInputs {
                thrombocytopenia: assessment.thrombocytopenia,
                small_platelets: assessment.small_platelets,
                congenital_neutropenia: assessment.congenital_neutropenia,
                eczema: assessment.eczema,
                infections: assessment.infections,
                immunodeficiency: assessment.immunodeficiency,
                autoimmunity: assessment.autoimmunity,
                autoinflammation: assessment.autoinflammation,
                malignancy: assessment.malignancy,
                age_months: patient.age_at(&assessment.date).map(|age| age.min_months()),
                predicted_severe_genotype: assessment.predicted_severe_genotype,
            };
            compute_zhu_score(&inputs, &study.settings.zhu)
        })
        .collect()
}

/// Runs every rule over one patient of `study`.
pub fn check_patient(patient: &Patient, study: &Study) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_identity(patient, study, &mut found);
    check_dates(patient, &mut found);
    check_features(patient, &mut found);
    check_courses(patient, study, &mut found);
    check_definitive_therapies(patient, study, &mut found);
    check_zhu(patient, study, &mut found);
    found
}

fn check_identity(patient: &Patient, study: &Study, found: &mut Vec<Diagnostic>) {
    if study.center(&patient.center).is_none() {
        let known: Vec<_> = study.centers.iter().map(|center| center.id.as_str()).collect();
        found.push(Diagnostic::new(
            Level::Error,
            "center",
            "unknown-center",
            format!("center `{}` is not one of the study's centers ({})", patient.center, known.join(", ")),
        ));
    }
    if patient.vital_status != crate::patient::VitalStatus::Deceased && patient.cause_of_death.is_some() {
        found.push(Diagnostic::new(
            Level::Error,
            "causeOfDeath",
            "cause-of-death-while-alive",
            "a cause of death is recorded but the vital status is not `deceased`",
        ));
    }
}

/// Every dated event must be on or after birth; nothing may follow the last follow-up.
fn check_dates(patient: &Patient, found: &mut Vec<Diagnostic>) {
    let mut events: Vec<(String, PartialDate)> = Vec::new();
    if let Some(TimePoint::Date(date)) = patient.symptom_onset {
        events.push(("symptomOnset".to_string(), date));
    }
    events.extend(patient.diagnoses.iter().enumerate().filter_map(|(i, d)| d.date.map(|date| (format!("diagnoses[{i}].date"), date))));
    events.extend(patient.labs.iter().enumerate().map(|(i, lab)| (format!("labs[{i}].date"), lab.date)));
    events.extend(patient.weights.iter().enumerate().map(|(i, weight)| (format!("weights[{i}].date"), weight.date)));
    for (i, course) in patient.courses.iter().enumerate() {
        events.push((format!("courses[{i}].start"), course.start));
        events.extend(course.end.map(|date| (format!("courses[{i}].end"), date)));
        events.extend(course.response.as_ref().and_then(|r| r.date).map(|date| (format!("courses[{i}].response.date"), date)));
        events.extend(course.steroids_discontinued.map(|date| (format!("courses[{i}].steroidsDiscontinued"), date)));
    }
    events.extend(
        patient.definitive_therapies.iter().enumerate().map(|(i, therapy)| (format!("definitiveTherapies[{i}].date"), therapy.date)),
    );
    events.extend(patient.engraftment.iter().enumerate().map(|(i, measurement)| (format!("engraftment[{i}].date"), measurement.date)));
    events.extend(patient.zhu_assessments.iter().enumerate().map(|(i, assessment)| (format!("zhuAssessments[{i}].date"), assessment.date)));
    for (path, date) in &events {
        if let Some(birth) = patient.birth
            && date.definitely_cmp(&birth) == Some(Ordering::Less)
        {
            found.push(Diagnostic::new(
                Level::Error,
                path.clone(),
                "date-before-birth",
                format!("{date} is before the birth date {birth}"),
            ));
        }
        if let Some(last) = patient.last_follow_up_date()
            && date.definitely_cmp(&last) == Some(Ordering::Greater)
        {
            found.push(Diagnostic::new(
                Level::Error,
                path.clone(),
                "date-after-last-follow-up",
                format!("{date} is after the last follow-up {last}"),
            ));
        }
    }
    check_ages(patient, &events, found);
}

/// Ages against the age at the last follow-up, as published cases give them: an age the record
/// gives (the symptom onset, a feature's onset or resolution) should not pass it, nor a date once
/// the last follow-up is an age and the birth is known. A warning, not an error as for two dates:
/// publications round ages ("at 5 years"), and 21 of the phenopacket-store's files have an onset
/// past the age at the last encounter.
fn check_ages(patient: &Patient, events: &[(String, PartialDate)], found: &mut Vec<Diagnostic>) {
    let Some(last) = patient.last_follow_up.and_then(|point| patient.age_at_time_point(&point)) else { return };
    let mut ages: Vec<(String, Age)> = Vec::new();
    if let Some(TimePoint::Age(age)) = patient.symptom_onset {
        ages.push(("symptomOnsetAgeMonths".to_string(), age));
    }
    for (i, feature) in patient.features.iter().enumerate() {
        for (key, point) in [("onset", feature.onset), ("resolution", feature.resolution)] {
            if let Some(TimePoint::Age(age)) = point {
                ages.push((format!("features[{i}].{key}.ageMonths"), age));
            }
        }
    }
    if matches!(patient.last_follow_up, Some(TimePoint::Age(_))) {
        ages.extend(events.iter().filter_map(|(path, date)| Some((path.clone(), patient.age_at(date)?))));
    }
    for (path, age) in ages {
        if age.min_months() > last.max_months() {
            found.push(Diagnostic::new(
                Level::Warning,
                path,
                "age-after-last-follow-up",
                format!("an age of {age} is past the age at the last follow-up, {last}"),
            ));
        }
    }
}

fn check_features(patient: &Patient, found: &mut Vec<Diagnostic>) {
    // The sets here hold one record's own identifiers and are built for every record of an
    // import: foldhash costs a fraction of std's SipHash, whose defence against crafted keys a
    // few dozen terms do not need.
    let mut seen: HashSet<(&Curie, bool)> = HashSet::with_capacity(patient.features.len());
    for (i, feature) in patient.features.iter().enumerate() {
        let id = feature.term.id();
        if !seen.insert((id, feature.excluded)) {
            found.push(Diagnostic::new(
                Level::Warning,
                format!("features[{i}]"),
                "duplicate-feature",
                format!("{} is recorded more than once", feature.term),
            ));
        }
        if seen.contains(&(id, !feature.excluded)) {
            found.push(Diagnostic::new(
                Level::Error,
                format!("features[{i}]"),
                "feature-observed-and-excluded",
                format!("{} is recorded both as present and as excluded", feature.term),
            ));
        }
    }
}

fn check_courses(patient: &Patient, study: &Study, found: &mut Vec<Diagnostic>) {
    let mut ids = HashSet::new();
    for (i, course) in patient.courses.iter().enumerate() {
        let path = format!("courses[{i}]");
        if !ids.insert(course.id.clone()) {
            found.push(Diagnostic::new(
                Level::Error,
                format!("{path}.id"),
                "duplicate-course-id",
                format!("course id `{}` is used twice", course.id),
            ));
        }
        if let Some(end) = course.end {
            if end.definitely_cmp(&course.start) == Some(Ordering::Less) {
                found.push(Diagnostic::new(
                    Level::Error,
                    format!("{path}.end"),
                    "course-end-before-start",
                    format!("the course ends ({end}) before it starts ({})", course.start),
                ));
            }
            if course.ongoing {
                found.push(Diagnostic::new(
                    Level::Error,
                    format!("{path}.ongoing"),
                    "ongoing-course-with-end",
                    "an ongoing course cannot have an end date",
                ));
            }
        }
        if let Some(response_date) = course.response.as_ref().and_then(|response| response.date)
            && response_date.definitely_cmp(&course.start) == Some(Ordering::Less)
        {
            found.push(Diagnostic::new(
                Level::Error,
                format!("{path}.response.date"),
                "response-before-start",
                format!("the response is dated {response_date}, before the course starts"),
            ));
        }
        match (course.termination, &course.switched_to) {
            (Some(TerminationReason::Switched), None) => found.push(Diagnostic::new(
                Level::Warning,
                format!("{path}.switchedTo"),
                "switch-without-target",
                "the course ended in a switch, but the course switched to is not named",
            )),
            (_, Some(target)) if !patient.courses.iter().any(|other| &other.id == target) => found.push(Diagnostic::new(
                Level::Error,
                format!("{path}.switchedTo"),
                "unknown-course",
                format!("there is no course `{target}` to switch to"),
            )),
            _ => {}
        }
        for (t, target) in course.targets.iter().enumerate() {
            if !patient.features.iter().any(|feature| feature.term.id() == target && !feature.excluded) {
                found.push(Diagnostic::new(
                    Level::Warning,
                    format!("{path}.targets[{t}]"),
                    "target-not-a-feature",
                    format!("{target} is a target of the course but not an observed feature of the patient"),
                ));
            }
        }
        check_phase(patient, course, &path, found);
        match study.drugs.get(&course.drug) {
            None => found.push(Diagnostic::new(
                Level::Error,
                format!("{path}.drug"),
                "unknown-drug",
                format!("`{}` is not in the study's drug catalogue; declare it in the study configuration", course.drug),
            )),
            Some(drug) => found.extend(derive_course(patient, course, drug, &study.drugs, &path).diagnostics),
        }
    }
}

/// The stated phase must agree with the definitive therapies whose dates are certain.
fn check_phase(patient: &Patient, course: &TreatmentCourse, path: &str, found: &mut Vec<Diagnostic>) {
    let before = patient.definitive_therapy_before(&course.start);
    let consistent = match course.phase {
        TreatmentPhase::AfterGeneTherapy => before.is_some_and(|therapy| therapy.kind.is_gene_therapy()),
        TreatmentPhase::AfterHsct => before.is_some_and(|therapy| !therapy.kind.is_gene_therapy()),
        TreatmentPhase::BeforeDefinitiveTherapy => {
            before.is_none()
                && patient.definitive_therapies.iter().all(|therapy| therapy.date.definitely_cmp(&course.start) != Some(Ordering::Less))
        }
        TreatmentPhase::NoDefinitiveTherapy => patient.definitive_therapies.is_empty(),
    };
    if !consistent {
        found.push(Diagnostic::new(
            Level::Error,
            format!("{path}.phase"),
            "phase-contradicts-dates",
            format!(
                "the course starting {} is marked `{}`, which its dates and the definitive therapies contradict",
                course.start, course.phase
            ),
        ));
    }
}

fn check_definitive_therapies(patient: &Patient, study: &Study, found: &mut Vec<Diagnostic>) {
    let mut ids = HashSet::new();
    for (i, therapy) in patient.definitive_therapies.iter().enumerate() {
        if !ids.insert(therapy.id.clone()) {
            found.push(Diagnostic::new(
                Level::Error,
                format!("definitiveTherapies[{i}].id"),
                "duplicate-therapy-id",
                format!("therapy id `{}` is used twice", therapy.id),
            ));
        }
    }
    for (i, measurement) in patient.engraftment.iter().enumerate() {
        let path = format!("engraftment[{i}]");
        let Some(therapy) = patient.definitive_therapies.iter().find(|therapy| therapy.id == measurement.therapy) else {
            found.push(Diagnostic::new(
                Level::Error,
                format!("{path}.therapy"),
                "unknown-therapy",
                format!("there is no definitive therapy `{}`", measurement.therapy),
            ));
            continue;
        };
        if measurement.date.definitely_cmp(&therapy.date) == Some(Ordering::Less) {
            found.push(Diagnostic::new(
                Level::Error,
                format!("{path}.date"),
                "engraftment-before-therapy",
                format!("measured {} before the therapy on {}", measurement.date, therapy.date),
            ));
        }
        match (&therapy.kind, measurement.percent_donor) {
            (DefinitiveTherapyKind::GeneTherapy { .. }, Some(_)) => found.push(Diagnostic::new(
                Level::Warning,
                format!("{path}.percentDonor"),
                "donor-chimerism-after-gene-therapy",
                "donor chimerism is recorded after gene therapy, which uses the patient's own cells",
            )),
            (DefinitiveTherapyKind::Hsct { .. }, Some(percent)) => {
                if classify_chimerism(percent, &study.settings.chimerism) == ChimerismClass::GraftFailure {
                    let mut note = Diagnostic::new(
                        Level::Note,
                        format!("{path}.percentDonor"),
                        "graft-failure-range",
                        format!("{percent} donor is in the graft-failure range"),
                    );
                    note.source = Some("study chimerism thresholds (clinical.md §6.1)".into());
                    found.push(note);
                }
                if measurement.lineage.is_myeloid() && myeloid_below_50_percent(percent) {
                    let mut note = Diagnostic::new(
                        Level::Note,
                        format!("{path}.percentDonor"),
                        "myeloid-chimerism-below-50",
                        format!("myeloid donor chimerism {percent} is below 50 %"),
                    );
                    note.source = Some("Moratto 2011; Burroughs 2020 (clinical.md §6.1)".into());
                    found.push(note);
                }
            }
            _ => {}
        }
    }
}

fn check_zhu(patient: &Patient, study: &Study, found: &mut Vec<Diagnostic>) {
    for (i, (assessment, result)) in patient.zhu_assessments.iter().zip(zhu_results(patient, study)).enumerate() {
        let path = format!("zhuAssessments[{i}]");
        if let Some(clinician) = assessment.clinician_score
            && clinician != result.score
        {
            found.push(Diagnostic::new(
                Level::Warning,
                format!("{path}.clinicianScore"),
                "zhu-clinician-differs",
                format!("the clinician's score {clinician} differs from the computed score {}", result.score),
            ));
        }
        if result.discordant {
            found.push(Diagnostic::new(
                Level::Note,
                path.clone(),
                "zhu-discordant",
                "eczema and infection levels differ by two or more; the clinician may assign a half score",
            ));
        }
        if result.indeterminate {
            found.push(Diagnostic::new(
                Level::Note,
                path,
                "zhu-indeterminate",
                "under 2 years with a predicted-severe genotype: the score is indeterminate until age 2",
            ));
        }
    }
}

fn courses_overlap(a: &TreatmentCourse, b: &TreatmentCourse) -> bool {
    let a_ends_before_b = a.end.is_some_and(|end| end.definitely_cmp(&b.start) == Some(Ordering::Less));
    let b_ends_before_a = b.end.is_some_and(|end| end.definitely_cmp(&a.start) == Some(Ordering::Less));
    !a_ends_before_b && !b_ends_before_a
}
