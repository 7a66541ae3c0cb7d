//! An independent check: the Python `fhir.resources` models parse every bundle Casebook writes,
//! through conformance/fhir/validate_bundle.py. The check is required, not optional: without the
//! package these tests fail and say how to install it.
//!
//! `CASEBOOK_FHIR_PYTHON` names another interpreter, e.g. a virtual environment holding
//! fhir.resources 6.4.0 and pydantic<2, whose top-level models are R4 4.0.1 itself.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::records::edited_study;
use crate::{bundle_of, reference_folder, repository};

const INSTALL: &str = "pip install -r conformance/fhir/requirements.txt";

/// The interpreter that runs the validator: `python3` unless `CASEBOOK_FHIR_PYTHON` says otherwise.
fn python() -> String {
    std::env::var("CASEBOOK_FHIR_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Runs the validator on a bundle written to a temporary file.
fn validate(bundle: &Value) -> Output {
    let available = Command::new(python()).args(["-c", "import fhir.resources"]).output();
    match available {
        Ok(output) if output.status.success() => {}
        Ok(output) => panic!(
            "the FHIR conformance check needs the Python package fhir.resources: run `{INSTALL}` from the repository root ({})",
            String::from_utf8_lossy(&output.stderr).trim()
        ),
        Err(error) => panic!("the FHIR conformance check needs python3 with fhir.resources ({error}): run `{INSTALL}`"),
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bundle.json");
    std::fs::write(&file, serde_json::to_string_pretty(bundle).unwrap()).unwrap();
    let script = repository().join("conformance/fhir/validate_bundle.py");
    Command::new(python()).arg(&script).arg(&file).output().unwrap_or_else(|error| panic!("running {}: {error}", script.display()))
}

fn assert_valid(name: &str, folder: &Path) {
    let output = validate(&bundle_of(folder));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "fhir.resources refuses the {name} bundle:\n{stderr}{stdout}");
    assert!(stdout.contains("valid with fhir.resources"), "{stdout}");
    println!("{name}: {stdout}");
}

#[test]
fn the_reference_bundle_passes_the_fhir_resources_models() {
    assert_valid("reference study", &reference_folder());
}

#[test]
fn the_bundle_with_every_kind_of_record_passes_the_fhir_resources_models() {
    let dir = edited_study();
    assert_valid("edited study", dir.path());
}

#[test]
fn the_validator_names_each_invalid_resource() {
    let mut bundle = bundle_of(&reference_folder());
    let entries = bundle["entry"].as_array_mut().unwrap();
    let patient = entries.iter_mut().find(|e| e["resource"]["resourceType"] == "Patient").unwrap();
    patient["resource"]["nickname"] = Value::from("not a FHIR element");
    let patient_id = patient["resource"]["id"].as_str().unwrap().to_string();
    let observation = entries.iter_mut().find(|e| e["resource"]["resourceType"] == "Observation").unwrap();
    observation["resource"]["effectiveDateTime"] = Value::from("2013-9");
    let observation_id = observation["resource"]["id"].as_str().unwrap().to_string();

    let output = validate(&bundle);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "an invalid bundle must fail: {stderr}");
    for expected in
        [format!("Patient/{patient_id}"), "nickname".to_string(), format!("Observation/{observation_id}"), "effectiveDateTime".to_string()]
    {
        assert!(stderr.contains(&expected), "the report names `{expected}`:\n{stderr}");
    }
}
