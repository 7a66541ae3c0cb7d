//! Phenopacket files: reading a file, a folder or a zip of them into a study, and writing a
//! study's patients as one phenopacket per patient into a folder or a zip.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use casebook_domain::check::{Diagnostic, Level, check_patient};
use casebook_domain::patient::{Patient, Slug};
use casebook_domain::study::Study;
use casebook_hpo::Hpo;
use casebook_phenopackets::{Message, Phenopacket, PhenopacketsError, validate};

use crate::error::{Finding, FormatError};
use crate::phenopacket::export::patient_to_phenopacket;
use crate::phenopacket::import::{PHENOPACKET_FORMAT, phenopacket_to_patient, record_fingerprint};

/// Phenopackets read into patients of a study.
#[derive(Debug, Clone)]
pub struct PhenopacketImport {
    pub patients: Vec<Patient>,
    /// Files read.
    pub files: usize,
    /// Warnings and notes (a run with errors is refused as a whole).
    pub findings: Vec<Finding>,
    /// Per file, the JSON paths its record could not hold; they stay in the kept document.
    pub kept_verbatim: Vec<(PathBuf, Vec<String>)>,
}

/// Reads one phenopacket file, every `.json` file under a folder, or every `.json` entry of a
/// zip, as patients of `center` in `study`. All or nothing: any file with an error refuses the
/// run, and the error lists every problem of every file.
pub fn read_phenopackets(
    path: &Path,
    study: &Study,
    center: &Slug,
    hpo: &Hpo,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<PhenopacketImport, FormatError> {
    if study.center(center).is_none() {
        return Err(FormatError::NotAStudyFolder {
            path: path.to_path_buf(),
            reason: format!("center `{center}` is not one of the study's centers"),
        });
    }
    let inputs = read_inputs(path)?;
    let mut import = PhenopacketImport { patients: Vec::new(), files: inputs.len(), findings: Vec::new(), kept_verbatim: Vec::new() };
    let mut seen = HashSet::new();
    for (done, (name, text)) in inputs.iter().enumerate() {
        progress(done, inputs.len());
        let error = |path: &str, rule: &str, message: String| {
            Finding::new(
                name,
                Diagnostic {
                    level: Level::Error,
                    path: path.trim_start_matches("$.").to_string(),
                    rule: rule.into(),
                    message,
                    source: None,
                },
            )
        };
        let phenopacket = match Phenopacket::from_json(text) {
            Ok(phenopacket) => phenopacket,
            Err(PhenopacketsError::Invalid { errors }) => {
                import.findings.extend(errors.iter().map(|e| error(&e.path, "invalid-phenopacket", e.reason.to_string())));
                continue;
            }
            Err(other) => {
                import.findings.push(error("", "invalid-json", other.to_string()));
                continue;
            }
        };
        // The schema's further rules (labels, prefixes, obsolete terms) are reported, not enforced:
        // published phenopackets predate the HPO release Casebook ships.
        for issue in validate(&phenopacket, hpo) {
            import.findings.push(Finding::new(
                name,
                Diagnostic {
                    level: Level::Warning,
                    path: issue.path.trim_start_matches("$.").to_string(),
                    rule: issue.rule.id().to_string(),
                    message: issue.message,
                    source: None,
                },
            ));
        }
        match phenopacket_to_patient(&phenopacket.to_json_value(), center, &study.drugs) {
            Ok(mapped) => {
                if !seen.insert(mapped.patient.pseudonym.clone()) {
                    import.findings.push(error(
                        "id",
                        "duplicate-pseudonym",
                        format!("patient {} is in more than one file", mapped.patient.pseudonym),
                    ));
                }
                for diagnostic in check_patient(&mapped.patient, study).into_iter().chain(mapped.warnings) {
                    import.findings.push(Finding::new(name, diagnostic));
                }
                if !mapped.kept_verbatim.is_empty() {
                    import.kept_verbatim.push((name.clone(), mapped.kept_verbatim));
                }
                import.patients.push(mapped.patient);
            }
            Err(problems) => import.findings.extend(problems.into_iter().map(|d| Finding::new(name, d))),
        }
    }
    progress(inputs.len(), inputs.len());
    if import.findings.iter().any(Finding::is_error) {
        return Err(FormatError::Invalid { findings: import.findings });
    }
    Ok(import)
}

/// The `(name, text)` of every input: the file, the `.json` files under a folder (sorted), or the
/// `.json` entries of a zip (named `archive.zip/entry.json`).
fn read_inputs(path: &Path) -> Result<Vec<(PathBuf, String)>, FormatError> {
    let io = |source| FormatError::Io { path: path.to_path_buf(), source };
    if path.is_dir() {
        let mut files = Vec::new();
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).map_err(io)? {
                let entry_path = entry.map_err(io)?.path();
                if entry_path.is_dir() {
                    stack.push(entry_path);
                } else if entry_path.extension().is_some_and(|ext| ext == "json") {
                    files.push(entry_path);
                }
            }
        }
        files.sort();
        return files
            .into_iter()
            .map(|file| {
                std::fs::read_to_string(&file).map(|text| (file.clone(), text)).map_err(|source| FormatError::Io { path: file, source })
            })
            .collect();
    }
    if path.extension().is_some_and(|ext| ext == "zip") {
        let file = std::fs::File::open(path).map_err(io)?;
        let mut archive =
            zip::ZipArchive::new(file).map_err(|e| FormatError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
        let mut inputs = Vec::new();
        for index in 0..archive.len() {
            let mut entry =
                archive.by_index(index).map_err(|e| FormatError::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
            let name = entry.name().map(|name| name.to_string()).unwrap_or_default();
            if entry.is_file() && name.ends_with(".json") {
                let mut text = String::new();
                entry.read_to_string(&mut text).map_err(io)?;
                inputs.push((path.join(name), text));
            }
        }
        inputs.sort_by(|a, b| a.0.cmp(&b.0));
        return Ok(inputs);
    }
    Ok(vec![(path.to_path_buf(), std::fs::read_to_string(path).map_err(io)?)])
}

/// The phenopacket of one patient: the document it was imported from while the record is
/// unchanged, otherwise the record written as a phenopacket.
pub fn phenopacket_text(study: &Study, patient: &Patient, created: &str, hpo_release: &str) -> String {
    if let Some(source) = &patient.source_document
        && source.format == PHENOPACKET_FORMAT
        && source.record_fingerprint == record_fingerprint(patient)
        && let Ok(original) = Phenopacket::from_json(&source.content)
    {
        return original.to_json();
    }
    let value = patient_to_phenopacket(study, patient, created, hpo_release);
    Phenopacket::from_json_value(&value).expect("Casebook writes phenopackets that follow the schema").to_json()
}

/// Writes one phenopacket per patient, `<pseudonym>.json`, into a folder, or into a zip when
/// `target` ends in `.zip`. Returns the number of files.
pub fn write_phenopackets(
    target: &Path,
    study: &Study,
    patients: &[Patient],
    created: &str,
    hpo_release: &str,
) -> Result<usize, FormatError> {
    let io = |source| FormatError::Io { path: target.to_path_buf(), source };
    if target.extension().is_some_and(|ext| ext == "zip") {
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let file = std::fs::File::create(target).map_err(io)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for patient in patients {
            zip.start_file(format!("{}.json", patient.pseudonym), options).map_err(|e| io(std::io::Error::other(e)))?;
            let mut text = phenopacket_text(study, patient, created, hpo_release);
            text.push('\n');
            zip.write_all(text.as_bytes()).map_err(io)?;
        }
        zip.finish().map_err(|e| io(std::io::Error::other(e)))?;
    } else {
        std::fs::create_dir_all(target).map_err(io)?;
        for patient in patients {
            let mut text = phenopacket_text(study, patient, created, hpo_release);
            text.push('\n');
            let path = target.join(format!("{}.json", patient.pseudonym));
            std::fs::write(&path, text).map_err(|source| FormatError::Io { path, source })?;
        }
    }
    Ok(patients.len())
}

/// What checking phenopackets found.
#[derive(Debug, Clone)]
pub struct PhenopacketCheck {
    /// Files read.
    pub files: usize,
    /// Schema errors and phenopacket-tools rule violations, by file.
    pub findings: Vec<Finding>,
}

/// Checks every phenopacket of a file, folder or zip: the schema's JSON mapping, then the
/// phenopacket-tools rules against the vendored HPO (errors and warnings as the rules define).
pub fn validate_phenopackets(path: &Path, hpo: &Hpo) -> Result<PhenopacketCheck, FormatError> {
    let inputs = read_inputs(path)?;
    let mut findings = Vec::new();
    for (name, text) in &inputs {
        let diagnostic = |level, path: &str, rule: &str, message: String| {
            Finding::new(
                name,
                Diagnostic { level, path: path.trim_start_matches("$.").to_string(), rule: rule.into(), message, source: None },
            )
        };
        match casebook_phenopackets::Document::from_json(text) {
            Ok(document) => {
                for phenopacket in document.phenopackets() {
                    for issue in validate(phenopacket, hpo) {
                        let level = match issue.level {
                            casebook_phenopackets::Level::Error => Level::Error,
                            casebook_phenopackets::Level::Warning => Level::Warning,
                        };
                        findings.push(diagnostic(level, &issue.path, issue.rule.id(), issue.message));
                    }
                }
            }
            Err(PhenopacketsError::Invalid { errors }) => {
                findings.extend(errors.iter().map(|e| diagnostic(Level::Error, &e.path, "invalid-phenopacket", e.reason.to_string())))
            }
            Err(other) => findings.push(diagnostic(Level::Error, "", "invalid-json", other.to_string())),
        }
    }
    Ok(PhenopacketCheck { files: inputs.len(), findings })
}
