//! The FHIR export of the reference study: one resource per record, pseudonymous patients,
//! references that resolve, deterministic bytes, the data label everywhere, and an independent
//! check with the Python `fhir.resources` models.

mod conformance;
mod records;
mod reference_bundle;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use casebook_formats::native::folder::{StudyFolder, read_study_folder};

pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn reference_folder() -> PathBuf {
    repository().join("studies/was-anti-il1")
}

pub fn load(folder: &Path) -> StudyFolder {
    read_study_folder(folder).unwrap_or_else(|error| panic!("{} must load: {error:?}", folder.display()))
}

pub fn bundle_of(folder: &Path) -> Value {
    let loaded = load(folder);
    casebook_fhir::study_bundle(&loaded.study, &loaded.patients)
}

/// Every resource of the bundle, in entry order.
pub fn resources(bundle: &Value) -> Vec<&Value> {
    bundle["entry"].as_array().expect("a bundle has entries").iter().map(|entry| &entry["resource"]).collect()
}

pub fn of_type<'a>(bundle: &'a Value, resource_type: &str) -> Vec<&'a Value> {
    resources(bundle).into_iter().filter(|resource| resource["resourceType"] == resource_type).collect()
}

/// The resource an entry's `fullUrl` names.
pub fn resolve<'a>(bundle: &'a Value, reference: &Value) -> &'a Value {
    let target = reference["reference"].as_str().unwrap_or_else(|| panic!("{reference} is not a reference"));
    let entry = bundle["entry"].as_array().unwrap().iter().find(|entry| entry["fullUrl"] == target);
    &entry.unwrap_or_else(|| panic!("reference {target} names no entry"))["resource"]
}

/// The Patient resource of a pseudonym.
pub fn patient<'a>(bundle: &'a Value, pseudonym: &str) -> &'a Value {
    of_type(bundle, "Patient")
        .into_iter()
        .find(|patient| patient["identifier"][0]["value"] == pseudonym)
        .unwrap_or_else(|| panic!("no Patient {pseudonym}"))
}

/// The resources of one type whose `subject` is the patient with this pseudonym.
pub fn of_patient<'a>(bundle: &'a Value, resource_type: &str, pseudonym: &str) -> Vec<&'a Value> {
    let full_url = format!("urn:uuid:{}", patient(bundle, pseudonym)["id"].as_str().unwrap());
    of_type(bundle, resource_type).into_iter().filter(|resource| resource["subject"]["reference"] == full_url.as_str()).collect()
}

/// A copy of the reference study to edit: `study.toml` and `patients/*.json`.
pub fn copy_of_reference_study() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = reference_folder();
    fs::copy(source.join("study.toml"), dir.path().join("study.toml")).unwrap();
    fs::create_dir(dir.path().join("patients")).unwrap();
    for file in fs::read_dir(source.join("patients")).unwrap() {
        let path = file.unwrap().path();
        fs::copy(&path, dir.path().join("patients").join(path.file_name().unwrap())).unwrap();
    }
    dir
}

/// Rewrites one patient file of a study folder.
pub fn edit_patient(folder: &Path, pseudonym: &str, edit: impl FnOnce(&mut Value)) {
    let path = folder.join("patients").join(format!("{pseudonym}.json"));
    let mut record: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut record);
    fs::write(&path, serde_json::to_string_pretty(&record).unwrap()).unwrap();
}

/// The codings of a CodeableConcept as `(system, code)` pairs.
pub fn codings(concept: &Value) -> Vec<(String, String)> {
    concept["coding"]
        .as_array()
        .map(|codings| {
            codings
                .iter()
                .map(|coding| (coding["system"].as_str().unwrap().to_string(), coding["code"].as_str().unwrap().to_string()))
                .collect()
        })
        .unwrap_or_default()
}
