//! Records the reference study does not have (a serious adverse event, a single dose, a value in
//! another unit, dated features, an unknown vital status, a second diagnosis, an onset age, no
//! data label), exported from an edited copy of it.

use std::fs;

use serde_json::{Value, json};

use crate::{bundle_of, codings, copy_of_reference_study, edit_patient, of_patient, patient, resolve};

/// The reference study with one patient given every kind of record the reference lacks.
pub fn edited_study() -> tempfile::TempDir {
    let dir = copy_of_reference_study();
    edit_patient(dir.path(), "WAS-IT1-01", |record| {
        record["vitalStatus"] = json!("lost-to-follow-up");
        record["diagnoses"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "MONDO:0005265", "label": "inflammatory bowel disease", "date": "2015-06" }));
        record["labs"].as_array_mut().unwrap().push(json!({ "date": "2014-01-20", "analyte": "crp", "value": 0.8, "unit": "mg/dL" }));
        let features = record["features"].as_array_mut().unwrap();
        features.push(json!({
            "id": "HP:0002829", "label": "Arthralgia",
            "onset": { "date": "2014-01" }, "resolution": { "date": "2014-03-15" },
            "temporal": ["episodic"], "biopsyProven": false, "note": "knees"
        }));
        let courses = record["courses"].as_array_mut().unwrap();
        courses[1]["adverseEvents"] = json!([{
            "term": "Cellulitis at the injection site", "grade": 3, "serious": true, "attribution": "possible",
            "action": "interrupted", "onset": "2014-02-03", "outcome": "resolving"
        }]);
        courses.push(json!({
            "id": "C3", "drug": "methylprednisolone", "route": "iv", "dose": { "value": 10.0, "unit": "mg/kg" },
            "frequency": "once", "start": "2014-02-03", "end": "2014-02-03", "phase": "before-definitive-therapy",
            "targets": ["HP:0033622"], "termination": "no-longer-needed"
        }));
    });
    // As a publication gives it.
    edit_patient(dir.path(), "WAS-IT1-02", |record| {
        record.as_object_mut().unwrap().remove("symptomOnset");
        record["symptomOnsetAgeMonths"] = json!(14);
    });
    dir
}

#[test]
fn a_serious_adverse_event_is_an_r4_adverse_event_suspecting_its_course() {
    let dir = edited_study();
    let bundle = bundle_of(dir.path());
    let events = of_patient(&bundle, "AdverseEvent", "WAS-IT1-01");
    assert_eq!(events.len(), 1);
    let event = events[0];
    assert_eq!(event["actuality"], "actual");
    assert_eq!(event["event"]["text"], "Cellulitis at the injection site");
    assert_eq!(event["date"], "2014-02-03");
    assert_eq!(event["seriousness"]["text"], "serious");
    assert_eq!(
        codings(&event["severity"]),
        [
            ("http://terminology.hl7.org/CodeSystem/adverse-event-severity".to_string(), "severe".to_string()),
            ("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl".to_string(), "C41340".to_string()),
        ],
        "grade 3 is severe, with its verified NCIT grade concept"
    );
    assert_eq!(event["severity"]["text"], "CTCAE v5.0 grade 3");
    assert_eq!(codings(&event["outcome"])[0].1, "recovering", "resolving is R4's recovering");
    assert_eq!(event["suspectEntity"][0]["causality"][0]["assessment"]["text"], "possible");
    let course = resolve(&bundle, &event["suspectEntity"][0]["instance"]);
    assert_eq!(course["medicationCodeableConcept"]["text"], "anakinra");
    let notes: Vec<&str> = course["note"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert!(
        notes.iter().any(|n| n.contains("action taken: interrupted")),
        "the action taken, which R4 AdverseEvent cannot hold: {notes:?}"
    );
}

#[test]
fn the_symptom_onset_is_the_onset_of_the_study_disease_only() {
    let dir = edited_study();
    let bundle = bundle_of(dir.path());
    let conditions = of_patient(&bundle, "Condition", "WAS-IT1-01");
    let dates = |code: &str| {
        let condition = conditions.iter().find(|c| codings(&c["code"]).iter().any(|(_, c)| c.ends_with(code))).unwrap();
        (condition["onsetDateTime"].as_str(), condition["recordedDate"].as_str())
    };
    // WAS: onset 2013-10 and diagnosed 2013-10-21 (the reference record); the second diagnosis has
    // its date of diagnosis and no onset.
    assert_eq!(dates("0010518"), (Some("2013-10"), Some("2013-10-21")));
    assert_eq!(dates("0005265"), (None, Some("2015-06")));
}

#[test]
fn a_symptom_onset_given_as_an_age_is_the_condition_onset_age() {
    let dir = edited_study();
    let bundle = bundle_of(dir.path());
    let conditions = of_patient(&bundle, "Condition", "WAS-IT1-02");
    assert_eq!(conditions.len(), 1);
    assert_eq!(conditions[0]["onsetAge"], json!({ "value": 14.0, "unit": "months", "system": "http://unitsofmeasure.org", "code": "mo" }));
    assert!(conditions[0].get("onsetDateTime").is_none());
}

#[test]
fn a_single_dose_has_a_count_and_no_daily_rate() {
    let dir = edited_study();
    let bundle = bundle_of(dir.path());
    let statements = of_patient(&bundle, "MedicationStatement", "WAS-IT1-01");
    let pulse = statements.last().expect("the added course is last");
    let dosage = &pulse["dosage"][0];
    assert_eq!(dosage["timing"]["repeat"], json!({ "count": 1 }));
    let text = dosage["text"].as_str().unwrap();
    assert!(text.contains("mg/kg per dose") && !text.contains("/day"), "{text}");
    assert_eq!(pulse["effectivePeriod"], json!({ "start": "2014-02-03", "end": "2014-02-03" }));
}

#[test]
fn dates_ages_units_and_unknowns_map_to_fhir_elements() {
    let dir = edited_study();
    let bundle = bundle_of(dir.path());
    assert!(patient(&bundle, "WAS-IT1-01").get("deceasedBoolean").is_none(), "lost to follow-up: alive or dead is unknown");

    let observations = of_patient(&bundle, "Observation", "WAS-IT1-01");
    let arthralgia =
        observations.iter().find(|o| codings(&o["code"]).first().is_some_and(|(_, c)| c == "HP:0002829")).expect("the dated arthralgia");
    assert_eq!(arthralgia["effectivePeriod"], json!({ "start": "2014-01", "end": "2014-03-15" }), "partial dates stay partial");
    let onset = &arthralgia["component"][0];
    assert_eq!(onset["code"]["coding"][0]["code"], "AGE_ONSET");
    assert_eq!(onset["valueQuantity"]["value"], 4.0, "born 2013-09, onset 2014-01: 4 months");
    assert_eq!(arthralgia["component"][1]["valueCodeableConcept"]["coding"][0]["code"], "HP:0025303", "episodic");
    let notes: Vec<&str> = arthralgia["note"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(notes, ["Not biopsy-proven", "knees"]);

    let crp = observations.iter().find(|o| o["effectiveDateTime"] == "2014-01-20").expect("the added CRP");
    assert_eq!(codings(&crp["code"]), [("http://loinc.org".to_string(), "1988-5".to_string())]);
    assert_eq!(crp["valueQuantity"], json!({ "value": 8.0, "unit": "mg/L", "system": "http://unitsofmeasure.org", "code": "mg/L" }));
    assert_eq!(crp["note"][0]["text"], "Entered as 0.8 mg/dL");
}

#[test]
fn a_study_without_a_data_label_writes_no_label_tag() {
    let dir = copy_of_reference_study();
    let path = dir.path().join("study.toml");
    let text = fs::read_to_string(&path).unwrap();
    let unlabelled: String = text.lines().filter(|line| !line.starts_with("data_label")).map(|line| format!("{line}\n")).collect();
    assert_ne!(text, unlabelled, "the reference study.toml has a data_label line");
    fs::write(&path, unlabelled).unwrap();
    let bundle = bundle_of(dir.path());
    assert!(bundle.get("meta").is_none(), "no label, no bundle tag");
    let text = serde_json::to_string(&bundle).unwrap();
    assert!(!text.contains("urn:casebook:data-label"));
    let organization: &Value = &bundle["entry"][0]["resource"];
    assert!(organization.get("meta").is_none(), "resources without tags or profiles have no meta");
}
