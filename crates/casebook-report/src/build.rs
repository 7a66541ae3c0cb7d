//! Computing the report's statistics and tables from a study's patients.

use std::collections::{BTreeMap, BTreeSet};

use casebook_domain::check::{derive_course, zhu_results};
use casebook_domain::code::Curie;
use casebook_domain::date::{Age, PartialDate};
use casebook_domain::patient::{
    DefinitiveTherapyKind, Patient, ResponseGrade, TerminationReason, TimePoint, TreatmentCourse, TreatmentPhase,
};
use casebook_domain::rules::chimerism::classify_chimerism;
use casebook_domain::study::{DrugSelector, ManifestationGroup, Study, TreatmentLine};

use crate::Ontology;
use crate::model::{Cell, Row, Statistic, StatisticKind, Table};
use crate::stats::{summarize, wilson_95};

/// Whether a patient has a manifestation, was assessed and does not have it, or was not assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// A term of the group, or a more specific term below one, is observed.
    Present,
    /// Every term of the group is explicitly excluded: assessed and absent, counted in N.
    Excluded,
    /// Neither: the patient is left out of N.
    NotAssessed,
}

/// Presence of any of `terms` with HPO is-a propagation: a more specific observed term counts for
/// its ancestors, and an excluded term excludes everything below it. The patient was assessed
/// when a term is present or every term is excluded.
pub fn presence(ontology: &dyn Ontology, patient: &Patient, terms: &[Curie]) -> Presence {
    let present = patient
        .features
        .iter()
        .filter(|f| !f.excluded)
        .any(|f| terms.iter().any(|term| ontology.is_same_or_descendant(f.term.id().as_str(), term.as_str())));
    if present {
        return Presence::Present;
    }
    let all_excluded = !terms.is_empty()
        && terms.iter().all(|term| {
            patient.features.iter().filter(|f| f.excluded).any(|f| ontology.is_same_or_descendant(term.as_str(), f.term.id().as_str()))
        });
    if all_excluded { Presence::Excluded } else { Presence::NotAssessed }
}

/// An ontology whose subsumption answers are remembered: a report asks the same few questions
/// (recorded term under configured term) for every patient.
pub struct CachedOntology<'a> {
    inner: &'a dyn Ontology,
    answers: std::cell::RefCell<std::collections::HashMap<String, std::collections::HashMap<String, bool>>>,
}

impl<'a> CachedOntology<'a> {
    /// Wraps `inner`; answers are remembered for the wrapper's lifetime.
    pub fn new(inner: &'a dyn Ontology) -> CachedOntology<'a> {
        CachedOntology { inner, answers: Default::default() }
    }
}

impl Ontology for CachedOntology<'_> {
    fn is_same_or_descendant(&self, term: &str, ancestor: &str) -> bool {
        if term == ancestor {
            return true;
        }
        if let Some(answer) = self.answers.borrow().get(term).and_then(|answers| answers.get(ancestor)) {
            return *answer;
        }
        let answer = self.inner.is_same_or_descendant(term, ancestor);
        self.answers.borrow_mut().entry(term.to_string()).or_default().insert(ancestor.to_string(), answer);
        answer
    }

    fn label(&self, id: &str) -> Option<String> {
        self.inner.label(id)
    }

    fn release(&self) -> String {
        self.inner.release()
    }
}

/// Collects statistics in order, each with a unique id.
pub struct Statistics {
    /// The statistics so far, in the order they were added.
    pub list: Vec<Statistic>,
}

// Every constructor takes the statistic's id, section, label and definition, which name it
// for the reader, before the numbers; grouping them would only move the long lists to the callers.
#[allow(clippy::too_many_arguments)]
impl Statistics {
    fn push(&mut self, statistic: Statistic) -> Statistic {
        debug_assert!(self.list.iter().all(|s| s.id != statistic.id), "duplicate statistic id {}", statistic.id);
        self.list.push(statistic.clone());
        statistic
    }

    /// k of N patients.
    pub fn proportion(
        &mut self,
        id: String,
        section: &str,
        label: String,
        definition: String,
        counted: &[&Patient],
        denominator: usize,
    ) -> Statistic {
        let k = counted.len();
        let value = (denominator > 0).then(|| k as f64 / denominator as f64);
        let display = match value {
            Some(v) => format!("{k}/{denominator} ({:.0} %)", v * 100.0),
            None => "not assessed".to_string(),
        };
        self.push(Statistic {
            id,
            section: section.into(),
            label,
            definition,
            kind: StatisticKind::Proportion,
            numerator: k,
            denominator,
            value,
            unit: "patients".into(),
            ci95: wilson_95(k, denominator),
            min: None,
            max: None,
            q1: None,
            q3: None,
            display,
            patients: counted.iter().map(|p| p.pseudonym.to_string()).collect(),
        })
    }

    /// Median (min–max) of a value over the patients with data; `format` renders one value.
    pub fn summary(
        &mut self,
        id: String,
        section: &str,
        label: String,
        definition: String,
        values: &[(&Patient, f64)],
        about: usize,
        unit: &str,
        format: &dyn Fn(f64) -> String,
    ) -> Statistic {
        let numbers: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
        let summary = summarize(&numbers);
        let display = match summary {
            Some(s) if s.n == 1 => format(s.median),
            Some(s) => format!("{} ({}–{})", format(s.median), format(s.min), format(s.max)),
            None => "no data".to_string(),
        };
        self.push(Statistic {
            id,
            section: section.into(),
            label,
            definition,
            kind: StatisticKind::Summary,
            numerator: values.len(),
            denominator: about,
            value: summary.map(|s| s.median),
            unit: unit.into(),
            ci95: None,
            min: summary.map(|s| s.min),
            max: summary.map(|s| s.max),
            q1: summary.map(|s| s.q1),
            q3: summary.map(|s| s.q3),
            display,
            patients: values.iter().map(|(p, _)| p.pseudonym.to_string()).collect(),
        })
    }

    /// A plain count.
    pub fn count(
        &mut self,
        id: String,
        section: &str,
        label: String,
        definition: String,
        n: usize,
        unit: &str,
        patients: &[&Patient],
    ) -> Statistic {
        self.push(Statistic {
            id,
            section: section.into(),
            label,
            definition,
            kind: StatisticKind::Count,
            numerator: n,
            denominator: patients.len(),
            value: Some(n as f64),
            unit: unit.into(),
            ci95: None,
            min: None,
            max: None,
            q1: None,
            q3: None,
            display: n.to_string(),
            patients: patients.iter().map(|p| p.pseudonym.to_string()).collect(),
        })
    }
}

/// A treatment label inside a sentence: "Anakinra" becomes "anakinra", "TNF blockers" stays.
pub fn mid_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_string(),
    }
}

/// An age in months as people write it: "2 months", "3 years 1 month", "34 years".
pub fn format_age_months(months: f64) -> String {
    Age::from_months(months.round() as i64).to_string()
}

/// One decimal at most for values of 1 or more ("3.1", "5"), two significant digits below
/// ("0.036"), so that small doses of long-interval drugs do not round to zero.
pub fn format_number(value: f64) -> String {
    if value.abs() >= 1.0 || value == 0.0 {
        let rounded = (value * 10.0).round() / 10.0;
        return if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") };
    }
    let decimals = (1 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn months_between(from: &PartialDate, to: &PartialDate) -> f64 {
    (to.earliest_day_number() - from.earliest_day_number()) as f64 / 30.4375
}

/// Whether a course belongs to a treatment line.
pub fn in_line(study: &Study, line: &TreatmentLine, course: &TreatmentCourse) -> bool {
    match &line.selector {
        DrugSelector::Drug(key) => &course.drug == key,
        DrugSelector::Class(class) => study.drugs.get(&course.drug).is_some_and(|drug| drug.class() == *class),
    }
}

/// The treatment lines of the report: the configured ones, or one per drug in the data.
pub fn treatment_lines(study: &Study, patients: &[Patient]) -> Vec<TreatmentLine> {
    if !study.report.treatments.is_empty() {
        return study.report.treatments.clone();
    }
    let drugs: BTreeSet<&str> = patients.iter().flat_map(|p| p.courses.iter().map(|c| c.drug.as_str())).collect();
    drugs
        .into_iter()
        .filter_map(|key| {
            let id = casebook_domain::patient::Slug::parse("treatment line id", key).ok()?;
            let label = study.drugs.get(key).map_or(key.to_string(), |d| d.name().to_string());
            Some(TreatmentLine { id, label, selector: DrugSelector::Drug(key.to_string()) })
        })
        .collect()
}

/// The first course of a line per patient, in start order.
pub fn first_course<'a>(study: &Study, line: &TreatmentLine, patient: &'a Patient) -> Option<&'a TreatmentCourse> {
    patient.courses.iter().filter(|c| in_line(study, line, c)).min_by_key(|c| c.start.sort_key())
}

const COHORT: &str = "cohort";
const MANIFESTATIONS: &str = "manifestations";
const TREATMENTS: &str = "treatments";
const DEFINITIVE: &str = "definitive-therapy";

/// Table 1: who the patients are.
pub fn cohort(study: &Study, patients: &[Patient], ontology: &dyn Ontology, stats: &mut Statistics) -> Table {
    let all: Vec<&Patient> = patients.iter().collect();
    let n = patients.len();
    let mut rows = Vec::new();
    let mut row =
        |level: u8, label: &str, statistic: &Statistic| rows.push(Row { level, cells: vec![Cell::text(label), Cell::of(statistic)] });

    let total = stats.count("cohort.patients".into(), COHORT, "Patients".into(), "Patients in the study".into(), n, "patients", &all);
    row(0, "Patients", &total);
    let centers_with_patients: Vec<_> = study.centers.iter().filter(|c| patients.iter().any(|p| p.center == c.id)).collect();
    let countries: BTreeSet<&str> = centers_with_patients.iter().map(|c| c.country.as_str()).collect();
    let centers = stats.count(
        "cohort.centers".into(),
        COHORT,
        "Centers".into(),
        "Centers with at least one patient".into(),
        centers_with_patients.len(),
        "centers",
        &all,
    );
    row(0, "Centers", &centers);
    let countries_stat = stats.count(
        "cohort.countries".into(),
        COHORT,
        "Countries".into(),
        format!("Countries of the centers with patients: {}", countries.iter().copied().collect::<Vec<_>>().join(", ")),
        countries.len(),
        "countries",
        &all,
    );
    row(0, "Countries", &countries_stat);
    for center in &centers_with_patients {
        let of_center: Vec<&Patient> = patients.iter().filter(|p| p.center == center.id).collect();
        let s = stats.proportion(
            format!("cohort.center.{}", center.id),
            COHORT,
            center.name.clone(),
            format!("Patients at {} ({})", center.name, center.country.as_str()),
            &of_center,
            n,
        );
        row(1, &format!("{} ({})", center.name, center.country.as_str()), &s);
    }

    for sex in casebook_domain::patient::Sex::ALL {
        let with_sex: Vec<&Patient> = patients.iter().filter(|p| p.sex == *sex).collect();
        if !with_sex.is_empty() {
            let s = stats.proportion(
                format!("cohort.sex.{}", sex.key()),
                COHORT,
                format!("Sex: {}", sex.key()),
                format!("Patients of sex {}", sex.key()),
                &with_sex,
                n,
            );
            row(1, &format!("Sex: {}", sex.key()), &s);
        }
    }

    // Onset of the manifestations the report is about: the earliest onset among observed features
    // under the study's categories (every feature when none are configured).
    let category_terms: Vec<Curie> = study.report.categories.iter().chain(&study.report.groupings).flat_map(|g| g.terms.clone()).collect();
    let onset_ages: Vec<(&Patient, f64)> = patients
        .iter()
        .filter_map(|p| {
            let ages = p.features.iter().filter(|f| !f.excluded).filter(|f| {
                category_terms.is_empty()
                    || category_terms.iter().any(|t| ontology.is_same_or_descendant(&f.term.id().to_string(), &t.to_string()))
            });
            let months = ages
                .filter_map(|f| match f.onset? {
                    TimePoint::Age(age) => Some(age.min_months()),
                    TimePoint::Date(date) => p.age_at(&date).map(|a| a.min_months()),
                })
                .min()?;
            Some((p, months as f64))
        })
        .collect();
    let s = stats.summary(
        "cohort.age-at-onset".into(),
        COHORT,
        "Age at onset of the manifestations".into(),
        "Earliest recorded onset among observed features in the report's categories; median (min–max)".into(),
        &onset_ages,
        n,
        "months",
        &format_age_months,
    );
    row(0, "Age at onset", &s);
    let diagnosis_ages: Vec<(&Patient, f64)> = patients
        .iter()
        .filter_map(|p| {
            let date = p.diagnoses.iter().filter_map(|d| d.date).min_by_key(|d| d.sort_key())?;
            Some((p, p.age_at(&date)?.min_months() as f64))
        })
        .collect();
    let s = stats.summary(
        "cohort.age-at-diagnosis".into(),
        COHORT,
        "Age at diagnosis".into(),
        "Age at the first dated diagnosis; median (min–max)".into(),
        &diagnosis_ages,
        n,
        "months",
        &format_age_months,
    );
    row(0, "Age at diagnosis", &s);

    // Zhu score: the latest assessment per patient.
    let latest: Vec<(&Patient, casebook_domain::rules::zhu::ZhuResult)> =
        patients.iter().filter_map(|p| zhu_results(p, study).pop().map(|r| (p, r))).collect();
    if !latest.is_empty() {
        let assessed = latest.len();
        let severe: Vec<&Patient> = latest.iter().filter(|(_, r)| r.severe).map(|(p, _)| *p).collect();
        let s = stats.proportion(
            "cohort.zhu.severe".into(),
            COHORT,
            "Severe Zhu score (3 or more)".into(),
            "Latest computed Zhu score of 3 or more, among patients with a Zhu assessment".into(),
            &severe,
            assessed,
        );
        row(0, "Zhu score severe (≥3)", &s);
        let scores: BTreeSet<String> = latest.iter().map(|(_, r)| r.score.to_string()).collect();
        for score in scores {
            let with: Vec<&Patient> = latest.iter().filter(|(_, r)| r.score.to_string() == score).map(|(p, _)| *p).collect();
            let s = stats.proportion(
                format!("cohort.zhu.score.{score}"),
                COHORT,
                format!("Zhu score {score}"),
                format!("Latest computed Zhu score {score}"),
                &with,
                assessed,
            );
            row(1, &format!("Zhu score {score}"), &s);
        }
        let classes: BTreeSet<&str> = latest.iter().map(|(_, r)| r.phenotype_class.key()).collect();
        for class in classes {
            let with: Vec<(&Patient, &casebook_domain::rules::zhu::ZhuResult)> =
                latest.iter().filter(|(_, r)| r.phenotype_class.key() == class).map(|(p, r)| (*p, r)).collect();
            let label = with[0].1.phenotype_class.label().to_string();
            let patients_with: Vec<&Patient> = with.iter().map(|(p, _)| *p).collect();
            let s = stats.proportion(
                format!("cohort.phenotype-class.{class}"),
                COHORT,
                label.clone(),
                format!("Phenotype class {label} by the latest Zhu score"),
                &patients_with,
                assessed,
            );
            row(1, &label, &s);
        }
    }

    let with_variant: Vec<&Patient> = patients.iter().filter(|p| !p.variants.is_empty()).collect();
    let classes: BTreeSet<&str> = patients.iter().flat_map(|p| p.variants.iter().map(|v| v.class.key())).collect();
    for class in classes {
        let with: Vec<&Patient> = with_variant.iter().copied().filter(|p| p.variants.iter().any(|v| v.class.key() == class)).collect();
        let s = stats.proportion(
            format!("cohort.variant-class.{class}"),
            COHORT,
            format!("Variant: {class}"),
            format!("Patients with a {class} variant, among patients with a recorded variant"),
            &with,
            with_variant.len(),
        );
        row(1, &format!("Variant class: {class}"), &s);
    }
    let with_wasp: Vec<&Patient> = patients.iter().filter(|p| p.wasp_expression.is_some()).collect();
    let levels: BTreeSet<&str> = with_wasp.iter().filter_map(|p| p.wasp_expression.map(|w| w.key())).collect();
    for level in levels {
        let with: Vec<&Patient> = with_wasp.iter().copied().filter(|p| p.wasp_expression.map(|w| w.key()) == Some(level)).collect();
        let s = stats.proportion(
            format!("cohort.wasp-expression.{level}"),
            COHORT,
            format!("WASP expression: {level}"),
            format!("WASP expression {level}, among patients with it recorded"),
            &with,
            with_wasp.len(),
        );
        row(1, &format!("WASP expression: {level}"), &s);
    }
    Table {
        id: "table-1".into(),
        title: "Table 1. Characteristics of the patients".into(),
        columns: vec!["Characteristic".into(), "Value".into()],
        rows,
        note: None,
    }
}

/// One row of the manifestation table, kept for the phenotype grid.
pub struct ManifestationRow {
    /// The row's indentation, as in the table (1 item, 2 sub-item).
    pub level: u8,
    /// The row label: a grouping's label or an HPO term's label.
    pub label: String,
    /// The category heading the row sits under in the grid.
    pub category: String,
    /// Each patient's presence, in pseudonym order.
    pub presence: Vec<Presence>,
}

/// Rows of the manifestation table as they are added.
struct ManifestationRows<'a> {
    patients: &'a [Patient],
    ontology: &'a dyn Ontology,
    rows: Vec<Row>,
    grid: Vec<ManifestationRow>,
}

impl ManifestationRows<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(&mut self, stats: &mut Statistics, id: String, label: String, definition: String, category: &str, level: u8, terms: &[Curie]) {
        let presences: Vec<Presence> = self.patients.iter().map(|p| presence(self.ontology, p, terms)).collect();
        let present: Vec<&Patient> =
            self.patients.iter().zip(&presences).filter(|(_, s)| **s == Presence::Present).map(|(p, _)| p).collect();
        let assessed = presences.iter().filter(|s| **s != Presence::NotAssessed).count();
        let statistic = stats.proportion(id, MANIFESTATIONS, label.clone(), definition, &present, assessed);
        self.rows.push(Row { level, cells: vec![Cell::text(label.clone()), Cell::of(&statistic)] });
        self.grid.push(ManifestationRow { level, label, category: category.to_string(), presence: presences });
    }

    fn add_term(&mut self, stats: &mut Statistics, term: &str, category: &str, level: u8) {
        let curie = Curie::parse(term).expect("recorded HPO ids were checked on import");
        let label = self.ontology.label(term).unwrap_or_else(|| term.to_string());
        self.add(
            stats,
            format!("manifestation.term.{term}"),
            label.clone(),
            format!("{term} {label} or a more specific term present"),
            category,
            level,
            &[curie],
        );
    }

    fn add_group(&mut self, stats: &mut Statistics, kind: &str, group: &ManifestationGroup, category: &str, level: u8) {
        let described = group
            .terms
            .iter()
            .map(|t| format!("{} {}", t, self.ontology.label(&t.to_string()).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", ");
        let definition = format!("Any of {described}, or a more specific term, present; assessed when present or all excluded");
        self.add(stats, format!("manifestation.{kind}.{}", group.id), group.label.clone(), definition, category, level, &group.terms);
    }
}

/// The manifestation table: categories, their groupings and the individual HPO terms, each k/N
/// with N the patients assessed.
pub fn manifestations(
    study: &Study,
    patients: &[Patient],
    ontology: &dyn Ontology,
    stats: &mut Statistics,
) -> (Table, Vec<ManifestationRow>) {
    let mut table = ManifestationRows { patients, ontology, rows: Vec::new(), grid: Vec::new() };
    // Every recorded term is listed once, under the first grouping or category that subsumes it.
    let recorded: BTreeSet<String> = patients.iter().flat_map(|p| p.features.iter().map(|f| f.term.id().to_string())).collect();
    let mut unplaced: Vec<String> = recorded.into_iter().collect();
    let take_under = |group: &ManifestationGroup, unplaced: &mut Vec<String>| -> Vec<String> {
        let (under, rest): (Vec<String>, Vec<String>) =
            unplaced.drain(..).partition(|term| group.terms.iter().any(|t| ontology.is_same_or_descendant(term, &t.to_string())));
        *unplaced = rest;
        under
    };
    for category in &study.report.categories {
        table.add_group(stats, "category", category, &category.label, 0);
        for grouping in study.report.groupings.iter().filter(|g| g.category.as_ref() == Some(&category.id)) {
            table.add_group(stats, "group", grouping, &category.label, 1);
            for term in take_under(grouping, &mut unplaced) {
                table.add_term(stats, &term, &category.label, 2);
            }
        }
        for term in take_under(category, &mut unplaced) {
            table.add_term(stats, &term, &category.label, 1);
        }
    }
    for grouping in study.report.groupings.iter().filter(|g| g.category.is_none()) {
        table.add_group(stats, "group", grouping, "Other", 0);
        for term in take_under(grouping, &mut unplaced) {
            table.add_term(stats, &term, "Other", 1);
        }
    }
    if !unplaced.is_empty() {
        table.rows.push(Row { level: 0, cells: vec![Cell::text("Other recorded features"), Cell::text("")] });
        for term in unplaced {
            table.add_term(stats, &term, "Other", 1);
        }
    }
    let result = Table {
        id: "manifestations".into(),
        title: "Table 2. Manifestations".into(),
        columns: vec!["Manifestation".into(), "Patients, k/N (%)".into()],
        rows: table.rows,
        note: Some("N counts the patients assessed for each item: an excluded feature is assessed and absent, a missing one is not assessed. A more specific HPO term counts for its ancestors.".into()),
    };
    (result, table.grid)
}

/// Treatments per line and per phase.
pub fn treatments(study: &Study, patients: &[Patient], stats: &mut Statistics) -> Table {
    let n = patients.len();
    let mut rows = Vec::new();
    for line in treatment_lines(study, patients) {
        let id = format!("treatment.{}", line.id);
        let exposed: Vec<&Patient> = patients.iter().filter(|p| p.courses.iter().any(|c| in_line(study, &line, c))).collect();
        let s = stats.proportion(
            format!("{id}.exposed"),
            TREATMENTS,
            format!("{}: patients treated", line.label),
            format!("Patients with at least one course of {}", line.label),
            &exposed,
            n,
        );
        rows.push(Row { level: 0, cells: vec![Cell::text(line.label.clone()), Cell::of(&s)] });
        if exposed.is_empty() {
            continue;
        }
        let e = exposed.len();
        let item = |rows: &mut Vec<Row>, label: &str, statistic: &Statistic| {
            rows.push(Row { level: 1, cells: vec![Cell::text(label), Cell::of(statistic)] })
        };

        for phase in TreatmentPhase::ALL {
            let in_phase: Vec<&Patient> =
                exposed.iter().copied().filter(|p| p.courses.iter().any(|c| in_line(study, &line, c) && c.phase == *phase)).collect();
            if !in_phase.is_empty() {
                let s = stats.proportion(
                    format!("{id}.phase.{}", phase.key()),
                    TREATMENTS,
                    format!("{} {}", line.label, phase_label(*phase)),
                    format!("Patients with a course of {} {}", line.label, phase_label(*phase)),
                    &in_phase,
                    e,
                );
                item(&mut rows, &format!("Phase: {}", phase_label(*phase)), &s);
            }
        }
        let firsts: Vec<(&Patient, &TreatmentCourse)> =
            exposed.iter().filter_map(|p| first_course(study, &line, p).map(|c| (*p, c))).collect();
        let ages: Vec<(&Patient, f64)> =
            firsts.iter().filter_map(|(p, c)| p.age_at(&c.start).map(|a| (*p, a.min_months() as f64))).collect();
        let s = stats.summary(
            format!("{id}.age-at-start"),
            TREATMENTS,
            format!("{}: age at start", line.label),
            "Age at the start of the first course; median (min–max)".into(),
            &ages,
            e,
            "months",
            &format_age_months,
        );
        item(&mut rows, "Age at start", &s);

        let doses: Vec<(&Patient, f64)> = firsts
            .iter()
            .filter_map(|(p, c)| {
                let drug = study.drugs.get(&c.drug)?;
                Some((*p, derive_course(p, c, drug, &study.drugs, "").derived?.mg_per_kg_per_day?))
            })
            .collect();
        let s = stats.summary(
            format!("{id}.dose-mg-per-kg-per-day"),
            TREATMENTS,
            format!("{}: dose", line.label),
            "Dose in mg/kg/day at the start of the first course, from the nearest body weight on or before it; median (min–max) over the patients with dose data".into(),
            &doses,
            e,
            "mg/kg/day",
            &|v| format_number(v),
        );
        item(&mut rows, &format!("Dose, mg/kg/day ({} of {e} with data)", doses.len()), &s);
        let per_dose: Vec<(&Patient, f64)> = firsts
            .iter()
            .filter_map(|(p, c)| {
                let drug = study.drugs.get(&c.drug)?;
                Some((*p, derive_course(p, c, drug, &study.drugs, "").derived?.mg_per_kg_per_dose))
            })
            .collect();
        let s = stats.summary(
            format!("{id}.dose-mg-per-kg-per-dose"),
            TREATMENTS,
            format!("{}: dose per administration", line.label),
            "Dose in mg/kg per administration at the start of the first course; median (min–max) over the patients with dose data".into(),
            &per_dose,
            e,
            "mg/kg",
            &|v| format_number(v),
        );
        item(&mut rows, "Dose, mg/kg per administration", &s);
        let intervals: Vec<(&Patient, f64)> = firsts.iter().filter_map(|(p, c)| Some((*p, c.frequency?.interval_days()?))).collect();
        let s = stats.summary(
            format!("{id}.dosing-interval-days"),
            TREATMENTS,
            format!("{}: dosing interval", line.label),
            "Days between administrations in the first course; median (min–max)".into(),
            &intervals,
            e,
            "days",
            &|v| format!("{} days", format_number(v)),
        );
        item(&mut rows, "Dosing interval", &s);

        let durations: Vec<(&Patient, f64)> =
            firsts.iter().filter_map(|(p, c)| c.end.map(|end| (*p, months_between(&c.start, &end)))).collect();
        let s = stats.summary(
            format!("{id}.duration"),
            TREATMENTS,
            format!("{}: duration", line.label),
            "Months from start to end of the first course, for finished courses; median (min–max)".into(),
            &durations,
            e,
            "months",
            &|v| format!("{} months", format_number(v)),
        );
        item(&mut rows, "Duration of finished first courses", &s);
        let ongoing: Vec<&Patient> = firsts.iter().filter(|(_, c)| c.ongoing).map(|(p, _)| *p).collect();
        let s = stats.proportion(
            format!("{id}.ongoing"),
            TREATMENTS,
            format!("{}: ongoing", line.label),
            "First course ongoing at last follow-up".into(),
            &ongoing,
            e,
        );
        item(&mut rows, "Ongoing at last follow-up", &s);

        let graded: Vec<(&Patient, ResponseGrade)> =
            firsts.iter().filter_map(|(p, c)| c.response.as_ref().map(|r| (*p, r.grade))).collect();
        for grade in ResponseGrade::ALL {
            let with: Vec<&Patient> = graded.iter().filter(|(_, g)| g == grade).map(|(p, _)| *p).collect();
            if !with.is_empty() {
                let s = stats.proportion(
                    format!("{id}.response.{}", grade.key()),
                    TREATMENTS,
                    format!("{}: response {}", line.label, grade.key()),
                    format!("Response to the first course graded {}, among patients with a graded response", grade.key()),
                    &with,
                    graded.len(),
                );
                item(&mut rows, &format!("Response: {}", grade_label(*grade)), &s);
            }
        }
        let very_good_or_better: Vec<&Patient> =
            graded.iter().filter(|(_, g)| matches!(g, ResponseGrade::Complete | ResponseGrade::VeryGood)).map(|(p, _)| *p).collect();
        let s = stats.proportion(
            format!("{id}.response.very-good-or-complete"),
            TREATMENTS,
            format!("{}: very good or complete response", line.label),
            "Response to the first course graded very good or complete, among patients with a graded response".into(),
            &very_good_or_better,
            graded.len(),
        );
        item(&mut rows, "Response: very good or complete", &s);

        let steroids_stopped: Vec<&Patient> = firsts.iter().filter(|(_, c)| c.steroids_discontinued.is_some()).map(|(p, _)| *p).collect();
        if !steroids_stopped.is_empty() {
            let s = stats.proportion(
                format!("{id}.steroids-discontinued"),
                TREATMENTS,
                format!("{}: steroids discontinued", line.label),
                "Systemic corticosteroids discontinued during the first course".into(),
                &steroids_stopped,
                e,
            );
            item(&mut rows, "Corticosteroids discontinued", &s);
        }

        let assessed: Vec<(&Patient, Vec<&casebook_domain::patient::AdverseEvent>)> = exposed
            .iter()
            .filter_map(|p| {
                let courses: Vec<&TreatmentCourse> = p.courses.iter().filter(|c| in_line(study, &line, c)).collect();
                let events: Option<Vec<&casebook_domain::patient::AdverseEvent>> =
                    courses.iter().map(|c| c.adverse_events.as_ref()).try_fold(Vec::new(), |mut all, events| {
                        all.extend(events?.iter());
                        Some(all)
                    });
                events.map(|events| (*p, events))
            })
            .collect();
        if !assessed.is_empty() {
            let significant: Vec<&Patient> =
                assessed.iter().filter(|(_, events)| events.iter().any(|e| e.serious || e.grade.value() >= 3)).map(|(p, _)| *p).collect();
            let s = stats.proportion(
                format!("{id}.adverse-events.significant"),
                TREATMENTS,
                format!("{}: significant adverse events", line.label),
                "Patients with a serious adverse event or one of CTCAE grade 3 or more, among patients whose adverse events were assessed"
                    .into(),
                &significant,
                assessed.len(),
            );
            item(&mut rows, "Serious or grade ≥3 adverse events", &s);
            for grade in 1..=5u8 {
                let with: Vec<&Patient> =
                    assessed.iter().filter(|(_, events)| events.iter().any(|e| e.grade.value() == grade)).map(|(p, _)| *p).collect();
                if !with.is_empty() {
                    let s = stats.proportion(
                        format!("{id}.adverse-events.grade-{grade}"),
                        TREATMENTS,
                        format!("{}: CTCAE grade {grade}", line.label),
                        format!("Patients with an adverse event of CTCAE v5.0 grade {grade}"),
                        &with,
                        assessed.len(),
                    );
                    item(&mut rows, &format!("Adverse events, CTCAE grade {grade}"), &s);
                }
            }
        }
        for reason in TerminationReason::ALL {
            let with: Vec<&Patient> = firsts.iter().filter(|(_, c)| c.termination == Some(*reason)).map(|(p, _)| *p).collect();
            if !with.is_empty() {
                let s = stats.proportion(
                    format!("{id}.termination.{}", reason.key()),
                    TREATMENTS,
                    format!("{}: stopped, {}", line.label, reason.key()),
                    format!("First course ended for reason: {}", reason.key()),
                    &with,
                    e,
                );
                item(&mut rows, &format!("Stopped: {}", reason.key().replace('-', " ")), &s);
            }
        }
        let mut switches: BTreeMap<String, Vec<&Patient>> = BTreeMap::new();
        for (p, c) in &firsts {
            if let Some(target) = c.switched_to.as_ref().and_then(|t| p.courses.iter().find(|other| &other.id == t)) {
                switches.entry(target.drug.clone()).or_default().push(p);
            }
        }
        for (drug, with) in switches {
            let name = study.drugs.get(&drug).map_or(drug.clone(), |d| d.name().to_string());
            let s = stats.proportion(
                format!("{id}.switch.{drug}"),
                TREATMENTS,
                format!("{}: switched to {name}", line.label),
                format!("First course ended by a switch to {name}"),
                &with,
                e,
            );
            item(&mut rows, &format!("Switched to {name}"), &s);
        }
    }
    Table {
        id: "treatments".into(),
        title: "Table 3. Treatments".into(),
        columns: vec!["Treatment".into(), "Patients".into()],
        rows,
        note: None,
    }
}

fn phase_label(phase: TreatmentPhase) -> &'static str {
    match phase {
        TreatmentPhase::BeforeDefinitiveTherapy => "before definitive therapy",
        TreatmentPhase::AfterGeneTherapy => "after gene therapy",
        TreatmentPhase::AfterHsct => "after HSCT",
        TreatmentPhase::NoDefinitiveTherapy => "without definitive therapy",
    }
}

/// A response grade as the tables write it, e.g. `very good`.
pub fn grade_label(grade: ResponseGrade) -> &'static str {
    match grade {
        ResponseGrade::Complete => "complete",
        ResponseGrade::VeryGood => "very good",
        ResponseGrade::Good => "good",
        ResponseGrade::Partial => "partial",
        ResponseGrade::None => "none",
        ResponseGrade::NotEvaluable => "not evaluable",
    }
}

/// Gene therapy and HSCT: how many, treatment needs after each, chimerism at last assessment.
pub fn definitive_therapy(study: &Study, patients: &[Patient], stats: &mut Statistics) -> Table {
    let n = patients.len();
    let mut rows = Vec::new();
    let lines = treatment_lines(study, patients);
    for (kind_key, label, is_gene_therapy, after) in
        [("gene-therapy", "Gene therapy", true, TreatmentPhase::AfterGeneTherapy), ("hsct", "HSCT", false, TreatmentPhase::AfterHsct)]
    {
        let with: Vec<&Patient> =
            patients.iter().filter(|p| p.definitive_therapies.iter().any(|t| t.kind.is_gene_therapy() == is_gene_therapy)).collect();
        let s = stats.proportion(
            format!("definitive.{kind_key}"),
            DEFINITIVE,
            label.into(),
            format!("Patients who received {label}"),
            &with,
            n,
        );
        rows.push(Row { level: 0, cells: vec![Cell::text(label), Cell::of(&s)] });
        if with.is_empty() {
            continue;
        }
        let ages: Vec<(&Patient, f64)> = with
            .iter()
            .filter_map(|p| {
                let therapy = p
                    .definitive_therapies
                    .iter()
                    .filter(|t| t.kind.is_gene_therapy() == is_gene_therapy)
                    .min_by_key(|t| t.date.sort_key())?;
                Some((*p, p.age_at(&therapy.date)?.min_months() as f64))
            })
            .collect();
        let s = stats.summary(
            format!("definitive.{kind_key}.age"),
            DEFINITIVE,
            format!("{label}: age"),
            format!("Age at {label}; median (min–max)"),
            &ages,
            with.len(),
            "months",
            &format_age_months,
        );
        rows.push(Row { level: 1, cells: vec![Cell::text("Age"), Cell::of(&s)] });
        for line in &lines {
            let needed: Vec<&Patient> =
                with.iter().copied().filter(|p| p.courses.iter().any(|c| in_line(study, line, c) && c.phase == after)).collect();
            let s = stats.proportion(
                format!("definitive.{kind_key}.{}-after", line.id),
                DEFINITIVE,
                format!("{} after {label}", line.label),
                format!("Patients with a course of {} after {label}", line.label),
                &needed,
                with.len(),
            );
            rows.push(Row { level: 1, cells: vec![Cell::text(format!("{} after {label}", line.label)), Cell::of(&s)] });
        }
        if !is_gene_therapy {
            let last_myeloid: Vec<(&Patient, casebook_domain::quantity::Percent)> = with
                .iter()
                .filter_map(|p| {
                    let hsct_ids: Vec<_> = p
                        .definitive_therapies
                        .iter()
                        .filter(|t| matches!(t.kind, DefinitiveTherapyKind::Hsct { .. }))
                        .map(|t| &t.id)
                        .collect();
                    let last = p
                        .engraftment
                        .iter()
                        .filter(|m| hsct_ids.contains(&&m.therapy) && m.lineage.is_myeloid() && m.percent_donor.is_some())
                        .max_by_key(|m| m.date.sort_key())?;
                    Some((*p, last.percent_donor?))
                })
                .collect();
            for class in casebook_domain::rules::chimerism::ChimerismClass::ALL {
                let with_class: Vec<&Patient> = last_myeloid
                    .iter()
                    .filter(|(_, pct)| classify_chimerism(*pct, &study.settings.chimerism) == class)
                    .map(|(p, _)| *p)
                    .collect();
                let s = stats.proportion(
                    format!("definitive.hsct.myeloid-chimerism.{}", class.key()),
                    DEFINITIVE,
                    format!("Myeloid chimerism: {}", class.label()),
                    format!(
                        "Myeloid donor chimerism at the last assessment classed {} (full ≥{} %, graft failure <{} %), among HSCT patients with a myeloid measurement",
                        class.label(),
                        study.settings.chimerism.full_at_least().value(),
                        study.settings.chimerism.graft_failure_below().value()
                    ),
                    &with_class,
                    last_myeloid.len(),
                );
                rows.push(Row {
                    level: 1,
                    cells: vec![Cell::text(format!("Myeloid chimerism at last assessment: {}", class.label())), Cell::of(&s)],
                });
            }
        }
    }
    Table {
        id: "definitive-therapy".into(),
        title: "Table 4. Definitive therapy".into(),
        columns: vec!["Therapy".into(), "Patients".into()],
        rows,
        note: None,
    }
}

/// The per-patient listing: one row per patient with the key facts.
pub fn listing(study: &Study, patients: &[Patient], ontology: &dyn Ontology) -> Table {
    let lines = treatment_lines(study, patients);
    let groups: Vec<&ManifestationGroup> = study.report.groupings.iter().collect();
    let rows = patients
        .iter()
        .map(|p| {
            let center = study.center(&p.center).map_or(p.center.to_string(), |c| c.country.as_str().to_string());
            let zhu = zhu_results(p, study).pop().map_or("–".to_string(), |r| r.score.to_string());
            let variant = p.variants.first().map_or("–".to_string(), |v| match &v.hgvs_p {
                Some(protein) => format!("{} {}", v.hgvs_c.as_str(), protein.as_str()),
                None => v.hgvs_c.as_str().to_string(),
            });
            let manifestations: Vec<&str> = if groups.is_empty() {
                p.features.iter().filter(|f| !f.excluded).map(|f| f.term.label()).collect()
            } else {
                groups.iter().filter(|g| presence(ontology, p, &g.terms) == Presence::Present).map(|g| g.label.as_str()).collect()
            };
            let treatments: Vec<String> = lines
                .iter()
                .filter_map(|line| {
                    let course = first_course(study, line, p)?;
                    let mut text = line.label.clone();
                    if let Some(age) = p.age_at(&course.start) {
                        text.push_str(&format!(" from {age}"));
                    }
                    if let Some(derived) =
                        study.drugs.get(&course.drug).and_then(|drug| derive_course(p, course, drug, &study.drugs, "").derived)
                        && let Some(per_day) = derived.mg_per_kg_per_day
                    {
                        text.push_str(&format!(", {} mg/kg/day", format_number(per_day)));
                    }
                    if let Some(response) = &course.response {
                        text.push_str(&format!(", {} response", grade_label(response.grade)));
                    }
                    Some(text)
                })
                .collect();
            let therapies: Vec<String> = p
                .definitive_therapies
                .iter()
                .map(|t| {
                    let kind = if t.kind.is_gene_therapy() { "GT" } else { "HSCT" };
                    match p.age_at(&t.date) {
                        Some(age) => format!("{kind} at {age}"),
                        None => kind.to_string(),
                    }
                })
                .collect();
            let chimerism = p
                .engraftment
                .iter()
                .filter(|m| m.lineage.is_myeloid() && m.percent_donor.is_some())
                .max_by_key(|m| m.date.sort_key())
                .and_then(|m| m.percent_donor)
                .map_or("–".to_string(), |pct| {
                    format!("{} % ({})", format_number(pct.value()), classify_chimerism(pct, &study.settings.chimerism).label())
                });
            let follow_up = p
                .last_follow_up
                .and_then(|point| p.age_at_time_point(&point))
                .map_or("–".to_string(), |age| format!("{age}, {}", p.vital_status.key()));
            Row {
                level: 1,
                cells: vec![
                    Cell::text(p.pseudonym.to_string()),
                    Cell::text(center),
                    Cell::text(zhu),
                    Cell::text(variant),
                    Cell::text(manifestations.join("; ")),
                    Cell::text(treatments.join("; ")),
                    Cell::text(therapies.join("; ")),
                    Cell::text(chimerism),
                    Cell::text(follow_up),
                ],
            }
        })
        .collect();
    Table {
        id: "listing".into(),
        title: "Table 5. Per-patient listing".into(),
        columns: [
            "Patient",
            "Country",
            "Zhu score",
            "Variant",
            "Manifestations",
            "Treatments (first course)",
            "Definitive therapy",
            "Myeloid chimerism (last)",
            "Last follow-up",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        note: None,
    }
}

/// (line id, label, drug key when the line is one drug) of every tabulated treatment line, in
/// report order, recovered from the study configuration or the statistics.
pub fn configured_or_recorded_lines(study: &Study, statistics: &[Statistic]) -> Vec<(String, String, Option<String>)> {
    if !study.report.treatments.is_empty() {
        return study
            .report
            .treatments
            .iter()
            .map(|line| {
                let drug = match &line.selector {
                    DrugSelector::Drug(key) => Some(key.clone()),
                    DrugSelector::Class(_) => None,
                };
                (line.id.to_string(), line.label.clone(), drug)
            })
            .collect();
    }
    statistics
        .iter()
        .filter_map(|s| {
            s.id.strip_prefix("treatment.")?
                .strip_suffix(".exposed")
                .map(|id| (id.to_string(), s.label.trim_end_matches(": patients treated").to_string(), Some(id.to_string())))
        })
        .collect()
}
