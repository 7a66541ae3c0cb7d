//! The reference study against the JSON Schemas in `schemas/`, and its round trip through the
//! domain types.

use std::path::PathBuf;

use casebook_domain::date::Age;
use casebook_domain::patient::TimePoint;
use casebook_formats::native::folder::{patient_to_json, read_study_folder, study_to_toml};
use serde_json::Value;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repository().join("schemas").join(name)).unwrap();
    jsonschema::validator_for(&serde_json::from_str::<Value>(&text).unwrap())
        .unwrap_or_else(|error| panic!("{name} is not a valid JSON Schema: {error}"))
}

fn patient_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(repository().join("studies/was-anti-il1/patients")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn every_reference_patient_file_satisfies_the_patient_schema() {
    let validator = schema("patient.schema.json");
    let files = patient_files();
    assert_eq!(files.len(), 7);
    for path in files {
        let instance: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn the_reference_study_file_satisfies_the_study_schema() {
    let text = std::fs::read_to_string(repository().join("studies/was-anti-il1/study.toml")).unwrap();
    let instance: Value = serde_json::to_value(toml::from_str::<toml::Value>(&text).unwrap()).unwrap();
    let errors: Vec<String> = schema("study.schema.json").iter_errors(&instance).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_patient_schema_refuses_what_the_reader_refuses() {
    let validator = schema("patient.schema.json");
    let valid: Value = serde_json::from_str(&std::fs::read_to_string(&patient_files()[0]).unwrap()).unwrap();
    let mutations: [(&str, fn(&mut Value)); 7] = [
        ("last follow-up as a date and an age", |v| v["lastFollowUpAgeMonths"] = 130.into()),
        ("malformed HPO id", |v| v["features"][0]["id"] = "HP:964".into()),
        ("symptom onset as a date and an age", |v| v["symptomOnsetAgeMonths"] = 14.into()),
        ("symptom onset at an age no person has", |v| {
            v.as_object_mut().unwrap().remove("symptomOnset");
            v["symptomOnsetAgeMonths"] = 1501.into();
        }),
        ("unknown field", |v| v["name"] = "Mario Rossi".into()),
        ("missing pseudonym", |v| drop(v.as_object_mut().unwrap().remove("pseudonym"))),
        ("day-less month", |v| v["birth"] = "2015-13".into()),
    ];
    assert!(validator.is_valid(&valid));
    for (case, mutate) in mutations {
        let mut instance = valid.clone();
        mutate(&mut instance);
        assert!(!validator.is_valid(&instance), "{case} must be refused by the schema");
        assert!(
            casebook_formats::native::folder::parse_patient_json(&instance.to_string()).is_err(),
            "{case} must be refused by the reader"
        );
    }
}

#[test]
fn a_symptom_onset_and_a_last_follow_up_may_be_ages_instead_of_dates() {
    // As publications give them: "onset at 14 months, last seen at 10 years 10 months".
    let validator = schema("patient.schema.json");
    let mut instance: Value = serde_json::from_str(&std::fs::read_to_string(&patient_files()[0]).unwrap()).unwrap();
    for key in ["symptomOnset", "lastFollowUp"] {
        instance.as_object_mut().unwrap().remove(key);
    }
    instance["symptomOnsetAgeMonths"] = 14.into();
    instance["lastFollowUpAgeMonths"] = 130.into();
    assert!(validator.is_valid(&instance));
    let patient = casebook_formats::native::folder::parse_patient_json(&instance.to_string()).unwrap();
    assert_eq!(patient.symptom_onset, Some(TimePoint::Age(Age::from_months(14))));
    assert_eq!(patient.last_follow_up, Some(TimePoint::Age(Age::from_months(130))));
    let written: Value = serde_json::from_str(&patient_to_json(&patient)).unwrap();
    assert_eq!(written, instance, "written back as it was given");
}

#[test]
fn reading_and_writing_the_reference_study_reproduces_its_files() {
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let study_text = std::fs::read_to_string(repository().join("studies/was-anti-il1/study.toml")).unwrap();
    assert_eq!(study_to_toml(&folder.study), study_text);
    for (patient, path) in folder.patients.iter().zip(patient_files()) {
        assert_eq!(patient_to_json(patient), std::fs::read_to_string(&path).unwrap(), "{}", path.display());
    }
}
