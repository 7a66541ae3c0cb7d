//! Reading and writing a study folder.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use casebook_domain::check::{Diagnostic, Level, check_patient};
use casebook_domain::patient::Patient;
use casebook_domain::study::Study;

use crate::error::{Finding, FormatError};
use crate::native::convert::{patient_from_dto, patient_to_dto, study_from_dto, study_to_dto};
use crate::native::patient_dto::PatientDto;
use crate::native::study_dto::StudyDto;

/// The name of the study file inside a study folder.
pub const STUDY_FILE: &str = "study.toml";
/// The name of the folder of patient files inside a study folder.
pub const PATIENTS_DIR: &str = "patients";

/// A study read from a folder, with the warnings and notes its rules produced.
#[derive(Debug, Clone)]
pub struct StudyFolder {
    pub study: Study,
    pub patients: Vec<Patient>,
    /// Warnings and notes; a folder with errors is refused as a whole.
    pub findings: Vec<Finding>,
}

/// Reads and checks a whole study folder. Any error anywhere refuses the folder, and the error
/// lists every problem of every file.
pub fn read_study_folder(dir: &Path) -> Result<StudyFolder, FormatError> {
    read_study_folder_reporting(dir, &mut |_, _| {})
}

/// [`read_study_folder`], calling `progress(files_done, files_total)` after each patient file.
pub fn read_study_folder_reporting(dir: &Path, progress: &mut dyn FnMut(usize, usize)) -> Result<StudyFolder, FormatError> {
    if !dir.is_dir() {
        return Err(FormatError::NotAStudyFolder { path: dir.to_path_buf(), reason: "it is not a folder".into() });
    }
    let study_path = dir.join(STUDY_FILE);
    if !study_path.is_file() {
        return Err(FormatError::NotAStudyFolder { path: dir.to_path_buf(), reason: format!("it has no {STUDY_FILE}") });
    }
    let study = read_study_file(&study_path)?;
    let mut findings = Vec::new();
    let mut patients = Vec::new();
    let mut seen = HashSet::new();
    let files = patient_files(dir)?;
    for (done, path) in files.iter().enumerate() {
        progress(done, files.len());
        match read_patient_file(path, &study) {
            Ok((patient, diagnostics)) => {
                if !seen.insert(patient.pseudonym.clone()) {
                    findings.push(Finding::new(
                        path,
                        Diagnostic {
                            level: Level::Error,
                            path: "pseudonym".into(),
                            rule: "duplicate-pseudonym".into(),
                            message: format!("pseudonym {} appears in more than one file", patient.pseudonym),
                            source: None,
                        },
                    ));
                }
                findings.extend(diagnostics.into_iter().map(|diagnostic| Finding::new(path, diagnostic)));
                patients.push(patient);
            }
            Err(FormatError::Invalid { findings: file_findings }) => findings.extend(file_findings),
            Err(other) => return Err(other),
        }
    }
    progress(files.len(), files.len());
    if findings.iter().any(|finding| finding.diagnostic.level == Level::Error) {
        return Err(FormatError::Invalid { findings });
    }
    Ok(StudyFolder { study, patients, findings })
}

/// Reads `study.toml`.
pub fn read_study_file(path: &Path) -> Result<Study, FormatError> {
    let text = read_text(path)?;
    parse_study_toml(&text)
        .map_err(|diagnostics| FormatError::Invalid { findings: diagnostics.into_iter().map(|d| Finding::new(path, d)).collect() })
}

/// Parses the text of `study.toml`: a TOML error with its line, or every value-level problem.
pub fn parse_study_toml(text: &str) -> Result<Study, Vec<Diagnostic>> {
    let dto: StudyDto = toml::from_str(text).map_err(|error| {
        let path = error.span().map(|span| format!("line {}", text[..span.start].matches('\n').count() + 1)).unwrap_or_default();
        vec![Diagnostic {
            level: Level::Error,
            path,
            rule: "invalid-toml".into(),
            message: error.message().trim().to_string(),
            source: None,
        }]
    })?;
    study_from_dto(&dto)
}

/// Reads one patient file and runs every rule of `study` over it: the patient with its warnings,
/// or every problem found.
pub fn read_patient_file(path: &Path, study: &Study) -> Result<(Patient, Vec<Diagnostic>), FormatError> {
    let text = read_text(path)?;
    let patient = parse_patient_json(&text)
        .map_err(|diagnostics| FormatError::Invalid { findings: diagnostics.into_iter().map(|d| Finding::new(path, d)).collect() })?;
    let mut diagnostics = check_patient(&patient, study);
    let expected_name = format!("{}.json", patient.pseudonym);
    if path.file_name().and_then(|name| name.to_str()) != Some(expected_name.as_str()) {
        diagnostics.push(Diagnostic {
            level: Level::Error,
            path: "pseudonym".into(),
            rule: "file-name-differs-from-pseudonym".into(),
            message: format!("the file must be named {expected_name} after the patient's pseudonym"),
            source: None,
        });
    }
    if diagnostics.iter().any(|d| d.level == Level::Error) {
        return Err(FormatError::Invalid { findings: diagnostics.into_iter().map(|d| Finding::new(path, d)).collect() });
    }
    Ok((patient, diagnostics))
}

/// Parses the text of a patient file: a JSON syntax or shape error with its line and path, or
/// every value-level problem at once.
pub fn parse_patient_json(text: &str) -> Result<Patient, Vec<Diagnostic>> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let dto: PatientDto = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.inner();
        let location = format!("line {}, column {}", inner.line(), inner.column());
        let rule = match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => "invalid-json",
            _ => "invalid-shape",
        };
        let message = strip_location(&inner.to_string());
        // A value inside the file is named by its path, with the line as a help; an error of the
        // file as a whole (broken syntax, a missing top-level field) only has the line.
        let (path, message) =
            if path == "." || rule == "invalid-json" { (location, message) } else { (path, format!("{message} (at {location})")) };
        vec![Diagnostic { level: Level::Error, path, rule: rule.into(), message, source: None }]
    })?;
    patient_from_dto(&dto)
}

/// Serializes a patient the way export writes it: pretty JSON, keys in schema order, one final
/// newline.
pub fn patient_to_json(patient: &Patient) -> String {
    // Records are a few kilobytes; serde_json's own buffer starts at 128 bytes and is copied
    // each time it doubles.
    let mut text = Vec::with_capacity(4096);
    serde_json::to_writer_pretty(&mut text, &patient_to_dto(patient)).expect("a patient DTO always serializes");
    text.push(b'\n');
    String::from_utf8(text).expect("serde_json writes UTF-8")
}

/// Serializes a study the way export writes it.
pub fn study_to_toml(study: &Study) -> String {
    toml::to_string_pretty(&study_to_dto(study)).expect("a study DTO always serializes")
}

/// Writes a study folder: `study.toml` and one JSON file per patient. Existing patient files of
/// other pseudonyms in the folder are left alone.
pub fn write_study_folder(dir: &Path, study: &Study, patients: &[Patient]) -> Result<(), FormatError> {
    let patients_dir = dir.join(PATIENTS_DIR);
    fs::create_dir_all(&patients_dir).map_err(|source| FormatError::Io { path: patients_dir.clone(), source })?;
    write_text(&dir.join(STUDY_FILE), &study_to_toml(study))?;
    for patient in patients {
        write_text(&patients_dir.join(format!("{}.json", patient.pseudonym)), &patient_to_json(patient))?;
    }
    Ok(())
}

fn patient_files(dir: &Path) -> Result<Vec<PathBuf>, FormatError> {
    let patients_dir = dir.join(PATIENTS_DIR);
    if !patients_dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(&patients_dir).map_err(|source| FormatError::Io { path: patients_dir.clone(), source })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|source| FormatError::Io { path: patients_dir.clone(), source })?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn read_text(path: &Path) -> Result<String, FormatError> {
    fs::read_to_string(path).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })
}

fn write_text(path: &Path, text: &str) -> Result<(), FormatError> {
    fs::write(path, text).map_err(|source| FormatError::Io { path: path.to_path_buf(), source })
}

/// serde_json appends " at line L column C" to its messages; the location is reported separately.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}
