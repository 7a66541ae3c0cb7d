//! Phenopackets: the reference study written as phenopackets reads back into the same records,
//! and a phenopacket from elsewhere keeps what a record cannot hold.

use std::path::PathBuf;

use casebook_domain::patient::{Slug, Source};
use casebook_formats::native::folder::read_study_folder;
use casebook_formats::phenopacket::files::{phenopacket_text, read_phenopackets, write_phenopackets};
use casebook_formats::phenopacket::import::{phenopacket_to_patient, record_fingerprint};
use casebook_hpo::Hpo;
use casebook_phenopackets::{Message, Phenopacket, validate};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_reference_study_survives_a_round_trip_through_phenopackets() {
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("was.zip");
    assert_eq!(write_phenopackets(&zip, &folder.study, &folder.patients, "2026-01-01T00:00:00Z", "2025-01-16").unwrap(), 7);
    let center = folder.study.centers[0].id.clone();
    let import = read_phenopackets(&zip, &folder.study, &center, Hpo::embedded(), &mut |_, _| {}).unwrap();
    assert_eq!(import.patients, folder.patients, "every record reads back exactly");
    assert!(import.kept_verbatim.is_empty());
}

#[test]
fn exported_phenopackets_put_treatments_and_procedures_in_their_schema_places() {
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let patient = folder.patients.iter().find(|p| p.pseudonym.as_str() == "WAS-GB1-02").unwrap();
    let text = phenopacket_text(&folder.study, patient, "2026-01-01T00:00:00Z", "2025-01-16");
    let phenopacket = Phenopacket::from_json(&text).expect("Casebook writes schema-valid phenopackets");
    let issues = validate(&phenopacket, Hpo::embedded());
    assert!(issues.iter().all(|i| i.level != casebook_phenopackets::Level::Error), "{issues:?}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let actions = json["medicalActions"].as_array().unwrap();
    let anakinra = actions.iter().find(|a| a["treatment"]["agent"]["id"] == "DrugBank:DB00026").expect("anakinra as a Treatment");
    assert_eq!(anakinra["treatment"]["routeOfAdministration"]["id"], "NCIT:C38299");
    let interval = &anakinra["treatment"]["doseIntervals"][0];
    assert_eq!(
        (interval["quantity"]["unit"]["id"].as_str(), interval["scheduleFrequency"]["id"].as_str()),
        (Some("UCUM:mg"), Some("NCIT:C125004"))
    );
    assert!(actions.iter().any(|a| a["procedure"]["code"]["id"] == "MAXO:0001479"), "HSCT as a MAxO procedure");
    assert!(json["measurements"].as_array().unwrap().iter().any(|m| m["assay"]["id"] == "LOINC:1988-5"), "CRP as a measurement");
    let prefixes: Vec<&str> =
        json["metaData"]["resources"].as_array().unwrap().iter().map(|r| r["namespacePrefix"].as_str().unwrap()).collect();
    for prefix in ["HP", "NCIT", "MAXO", "UCUM", "DrugBank", "LOINC"] {
        assert!(prefixes.contains(&prefix), "resource for {prefix} missing: {prefixes:?}");
    }
}

#[test]
fn a_foreign_phenopacket_maps_what_it_can_and_keeps_the_rest() {
    let text = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let phenopacket = Phenopacket::from_json(&text).unwrap();
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let center = Slug::parse("center", "IT1").unwrap();
    let mapped = phenopacket_to_patient(&phenopacket.to_json_value(), &center, &folder.study.drugs).unwrap();
    let patient = &mapped.patient;
    assert_eq!(patient.pseudonym.as_str(), "WASREG-S03-0001");
    assert_eq!(patient.source, Source::Chart);
    assert_eq!(patient.birth.map(|b| b.to_string()).as_deref(), Some("2018-01"));
    assert_eq!(patient.features.len(), 6);
    assert!(patient.features.iter().any(|f| f.term.id().as_str() == "HP:0002633" && f.excluded));
    let anakinra = patient.courses.iter().find(|c| c.drug == "anakinra").expect("anakinra course");
    assert_eq!((anakinra.start.to_string(), anakinra.dose.map(|d| d.to_string())), ("2022-03-01".to_string(), Some("2 mg/kg".to_string())));
    assert_eq!(patient.variants[0].hgvs_c.as_str(), "c.1369C>T");
    assert_eq!(patient.labs.len(), 1, "the CRP with a date; the age-timed platelet count is kept verbatim");
    for kept in ["$.measurements[1]", "$.phenotypicFeatures[0].onset", "$.phenotypicFeatures[4].evidence", "$.subject.timeAtLastEncounter"]
    {
        assert!(mapped.kept_verbatim.iter().any(|k| k == kept), "{kept} not listed: {:?}", mapped.kept_verbatim);
    }
    // The unchanged record exports its original document.
    let source = patient.source_document.as_ref().unwrap();
    assert_eq!(source.record_fingerprint, record_fingerprint(patient));
    let exported = phenopacket_text(&folder.study, patient, "2026-01-01T00:00:00Z", "2025-01-16");
    assert_eq!(exported, phenopacket.to_json(), "the original phenopacket comes back");
}
