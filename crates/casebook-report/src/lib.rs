//! The case-series report: the numbers of a paper, computed from the registry, each traceable to
//! the patients behind it.
//!
//! [`build_report`] turns a study and its patients into a [`model::Report`]: every statistic with
//! a stable id, its definition, numerator, denominator and pseudonyms; Table 1, manifestations,
//! treatments, definitive therapy and a per-patient listing; a swimmer plot, a phenotype grid and
//! trajectories; a results paragraph whose numbers link to their statistics; and a data freeze.
//! [`write_report`] writes it as `report.html` (self-contained), `report.json`, one CSV per table
//! and one SVG per figure.
//!
//! Everything particular to a study (groupings, treatment lines, time axis) comes from its
//! configuration; nothing here knows one disease or drug from another.
//!
//! Not here: reading the registry (the store crate) and drawing primitives (the plot crate).

#![deny(missing_docs)]

pub mod build;
pub mod csv;
pub mod figures;
pub mod freeze;
pub mod html;
pub mod model;
pub mod paragraph;
pub mod stats;

use std::path::Path;

use casebook_domain::patient::Patient;
use casebook_domain::study::Study;

use crate::build::Statistics;
use crate::model::{Report, StudyInfo};

/// What the report needs to know of the phenotype ontology.
pub trait Ontology {
    /// Whether `term` is `ancestor` or lies below it (is-a).
    fn is_same_or_descendant(&self, term: &str, ancestor: &str) -> bool;
    /// The term's label.
    fn label(&self, id: &str) -> Option<String>;
    /// The release shown with every term, e.g. `2025-01-16`.
    fn release(&self) -> String;
}

impl Ontology for casebook_hpo::Hpo {
    fn is_same_or_descendant(&self, term: &str, ancestor: &str) -> bool {
        self.is_descendant_of(term, ancestor)
    }

    fn label(&self, id: &str) -> Option<String> {
        self.term(id).map(|term| term.name().to_string())
    }

    fn release(&self) -> String {
        casebook_hpo::Hpo::release(self).to_string()
    }
}

/// Computes the whole report. Patients are taken in pseudonym order.
pub fn build_report(study: &Study, patients: &[Patient], ontology: &dyn Ontology) -> Report {
    let cached = build::CachedOntology::new(ontology);
    let ontology: &dyn Ontology = &cached;
    // The store hands patients over in pseudonym order; only an unsorted list is copied.
    let patients: std::borrow::Cow<[Patient]> = if patients.is_sorted_by(|a, b| a.pseudonym <= b.pseudonym) {
        std::borrow::Cow::Borrowed(patients)
    } else {
        let mut sorted = patients.to_vec();
        sorted.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
        std::borrow::Cow::Owned(sorted)
    };
    let patients: &[Patient] = &patients;
    let mut stats = Statistics { list: Vec::new() };
    let table_1 = build::cohort(study, patients, ontology, &mut stats);
    let (manifestations, grid) = build::manifestations(study, patients, ontology, &mut stats);
    let treatments = build::treatments(study, patients, &mut stats);
    let definitive = build::definitive_therapy(study, patients, &mut stats);
    let listing = build::listing(study, patients, ontology);
    let results_paragraph = paragraph::results_paragraph(study, &stats.list);
    let figures = figures::figures(study, patients, &grid);
    let release = ontology.release();
    Report {
        study: StudyInfo {
            id: study.id.to_string(),
            title: study.title.clone(),
            data_label: study.data_label.clone(),
            patients: patients.len(),
        },
        freeze: freeze::freeze(study, patients, &release),
        methods: methods(study, &release),
        statistics: stats.list,
        tables: vec![table_1, manifestations, treatments, definitive, listing],
        results_paragraph,
        figures,
    }
}

fn methods(study: &Study, hpo_release: &str) -> Vec<String> {
    let mut lines = vec![
        "Proportions are k/N (%), where N is the number of patients assessed for that item: a feature recorded as excluded counts as assessed and absent, a feature not recorded as not assessed. N is shown on every row.".to_string(),
        "95 % confidence intervals of proportions are Wilson score intervals.".to_string(),
        "Continuous values are median (min–max) over the patients with data; quartiles, where given, use Hyndman and Fan's definition 7 (linear interpolation, the default of R and NumPy).".to_string(),
        "Phenotypes are coded in the Human Phenotype Ontology; a patient with a more specific term counts for its ancestors (is-a propagation), and an excluded term excludes the terms below it.".to_string(),
        format!("Human Phenotype Ontology, release {hpo_release} (Gargano MA et al., Nucleic Acids Res 2024;52(D1):D1333-D1346)."),
        "Doses in mg/kg/day are derived from the prescribed dose, its frequency and the nearest body weight recorded on or before the start of the course.".to_string(),
        format!(
            "Zhu scores are computed by {} with autoinflammation {} as autoimmunity; chimerism classes use full ≥{} % and graft failure <{} % donor cells.",
            casebook_domain::rules::zhu::ZHU_RULE_VERSION,
            if study.settings.zhu.count_autoinflammation_as_autoimmunity { "counted" } else { "not counted" },
            study.settings.chimerism.full_at_least().value(),
            study.settings.chimerism.graft_failure_below().value()
        ),
        "Adverse events are graded by CTCAE v5.0; significant means serious or grade 3 or more.".to_string(),
    ];
    if let Some(label) = &study.data_label {
        lines.push(format!("Data: {label}."));
    }
    lines
}

/// Writes `report.html`, `report.json`, `statistics.csv`, one CSV per table and one SVG per
/// figure into `dir`, creating it if needed.
pub fn write_report(dir: &Path, report: &Report) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut write = |name: &str, text: &str| -> std::io::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        written.push(path);
        Ok(())
    };
    write("report.html", &html::render(report))?;
    // Indented for people up to a thousand patients; compact beyond, where every statistic names
    // thousands of pseudonyms and indentation would multiply the size.
    let mut json = if report.study.patients <= 1000 { serde_json::to_string_pretty(report) } else { serde_json::to_string(report) }
        .expect("a report always serializes");
    json.push('\n');
    write("report.json", &json)?;
    write("statistics.csv", &csv::statistics_csv(report))?;
    for table in &report.tables {
        write(&format!("{}.csv", table.id), &csv::table_csv(table))?;
    }
    for figure in &report.figures {
        write(&figure.file, &figure.svg)?;
    }
    Ok(written)
}

/// Reads a saved `report.json`.
pub fn read_report(dir: &Path) -> Result<Report, String> {
    let path = dir.join("report.json");
    let text = std::fs::read_to_string(&path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    serde_json::from_str(&text).map_err(|error| format!("{} is not a Casebook report: {error}", path.display()))
}
