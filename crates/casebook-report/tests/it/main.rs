//! The report of the reference study reproduces the abstract; a second study with other drugs,
//! manifestations and numbers gets correct tables from its configuration alone.

mod changed_records;
mod reference;
mod second_study;

use std::path::{Path, PathBuf};

use casebook_formats::native::folder::read_study_folder;
use casebook_hpo::Hpo;
use casebook_report::model::Report;
use casebook_report::{build_report, read_report, write_report};

pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds a study's report, writes it, and reads `report.json` back, as a reader of the files
/// would see it.
pub fn report_of(folder: &Path) -> (Report, tempfile::TempDir) {
    let study = read_study_folder(folder).unwrap_or_else(|error| panic!("{} must load: {error:?}", folder.display()));
    let report = build_report(&study.study, &study.patients, Hpo::embedded());
    let dir = tempfile::tempdir().unwrap();
    write_report(dir.path(), &report).unwrap();
    let saved = read_report(dir.path()).unwrap();
    (saved, dir)
}

/// Asserts k/N of a proportion.
pub fn assert_proportion(report: &Report, id: &str, k: usize, n: usize) {
    let statistic = report.statistic(id).unwrap_or_else(|| panic!("statistic {id} is missing"));
    assert_eq!((statistic.numerator, statistic.denominator), (k, n), "{id}: {}", statistic.display);
    assert_eq!(statistic.patients.len(), k, "{id}: every counted patient is named");
}
