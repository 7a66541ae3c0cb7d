//! The reference study as a bundle: what it holds and the promises every bundle keeps.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::{bundle_of, codings, load, of_patient, of_type, patient, reference_folder, resolve, resources};

const PHENOTYPE_PROFILE: &str = "http://hl7.org/fhir/uv/phenomics-exchange/StructureDefinition/phenotype";
const PRESENT: &str = "LA9633-4";
const ABSENT: &str = "LA9634-2";

#[test]
fn the_reference_study_exports_one_resource_per_record() {
    let loaded = load(&reference_folder());
    let bundle = casebook_fhir::study_bundle(&loaded.study, &loaded.patients);
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    assert_eq!(bundle["id"], "was-anti-il1");
    assert_eq!(bundle["identifier"]["value"], "was-anti-il1");

    let count = |resource_type: &str| of_type(&bundle, resource_type).len();
    let total = |records: fn(&casebook_domain::patient::Patient) -> usize| loaded.patients.iter().map(records).sum::<usize>();
    let phenotypes = of_type(&bundle, "Observation").into_iter().filter(|o| o["meta"]["profile"][0] == PHENOTYPE_PROFILE).count();
    let features = total(|p| p.features.len());
    let excluded = total(|p| p.features.iter().filter(|f| f.excluded).count());
    let labs = total(|p| p.labs.len());
    let engraftment = total(|p| p.engraftment.len());
    let adverse_events = total(|p| p.courses.iter().map(|c| c.adverse_events.as_ref().map_or(0, Vec::len)).sum());

    assert_eq!(count("Organization"), 4, "one Organization per center");
    assert_eq!(count("Patient"), 7);
    assert_eq!(count("Condition"), total(|p| p.diagnoses.len()));
    assert_eq!(count("Condition"), 7, "each patient has one diagnosis");
    assert_eq!(phenotypes, features, "one Phenotype Observation per feature, excluded ones included");
    assert_eq!(count("Observation"), features + labs + engraftment);
    assert_eq!(count("MedicationStatement"), total(|p| p.courses.len()));
    assert_eq!(count("MedicationStatement"), 16, "a steroid and an anakinra course each, plus 2 canakinumab courses");
    assert_eq!(count("AdverseEvent"), adverse_events);
    assert_eq!(count("AdverseEvent"), 1, "one injection site reaction");
    assert_eq!(count("Procedure"), 7, "5 gene therapies and 2 HSCTs");
    assert_eq!(resources(&bundle).len(), 4 + 7 + 7 + features + labs + engraftment + 16 + 1 + 7, "nothing else is written");
    assert!(excluded > 0, "the reference study has excluded features");
    let absent =
        of_type(&bundle, "Observation").into_iter().filter(|o| codings(&o["valueCodeableConcept"]).iter().any(|(_, c)| c == ABSENT));
    assert_eq!(absent.count(), excluded, "every excluded feature, and only those, is Absent");
}

#[test]
fn patients_carry_the_pseudonym_and_nothing_identifying() {
    let loaded = load(&reference_folder());
    let bundle = casebook_fhir::study_bundle(&loaded.study, &loaded.patients);
    let allowed: BTreeSet<&str> =
        ["resourceType", "id", "meta", "identifier", "gender", "birthDate", "deceasedBoolean", "managingOrganization"].into();
    for record in &loaded.patients {
        let resource = patient(&bundle, record.pseudonym.as_str());
        let keys: BTreeSet<&str> = resource.as_object().unwrap().keys().map(String::as_str).collect();
        assert!(keys.is_subset(&allowed), "{}: Patient holds {:?}", record.pseudonym, keys.difference(&allowed).collect::<Vec<_>>());
        for forbidden in ["name", "address", "telecom", "photo", "contact"] {
            assert!(resource.get(forbidden).is_none(), "{}: Patient has `{forbidden}`", record.pseudonym);
        }
        assert_eq!(
            resource["identifier"],
            serde_json::json!([{ "system": "urn:casebook:was-anti-il1:pseudonym", "value": record.pseudonym.as_str() }]),
            "the pseudonym is the only identifier"
        );
        assert_eq!(resource["gender"], "male");
        assert_eq!(resource["birthDate"], record.birth.unwrap().to_string(), "the birth date keeps its precision");
        assert_eq!(resource["deceasedBoolean"], false, "every reference patient is alive");
        let center = resolve(&bundle, &resource["managingOrganization"]);
        assert_eq!(center["resourceType"], "Organization");
        assert_eq!(center["identifier"][0]["value"], record.center.as_str(), "{}: managed by its center", record.pseudonym);
    }
    let countries: BTreeSet<&str> = of_type(&bundle, "Organization").iter().map(|o| o["address"][0]["country"].as_str().unwrap()).collect();
    assert_eq!(countries, ["GB", "IT"].into(), "centers carry ISO country codes");
}

#[test]
fn every_reference_resolves_to_an_entry_of_the_bundle() {
    let bundle = bundle_of(&reference_folder());
    let mut full_urls = BTreeSet::new();
    for entry in bundle["entry"].as_array().unwrap() {
        let id = entry["resource"]["id"].as_str().unwrap();
        assert!(
            (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
            "`{id}` is not a FHIR id"
        );
        assert_eq!(entry["fullUrl"], format!("urn:uuid:{id}"), "fullUrls are urn:uuid: of the id");
        assert!(full_urls.insert(entry["fullUrl"].as_str().unwrap().to_string()), "fullUrl {} is used twice", entry["fullUrl"]);
    }
    let mut references = Vec::new();
    collect_references(&bundle, &mut references);
    assert!(references.len() > 150, "subjects, organizations, reasons and suspects are references ({} found)", references.len());
    for reference in references {
        assert!(full_urls.contains(&reference), "reference {reference} names no entry of the bundle");
    }
    for statement in of_type(&bundle, "MedicationStatement") {
        for reason in statement["reasonReference"].as_array().into_iter().flatten() {
            let target = resolve(&bundle, reason);
            assert_eq!(target["meta"]["profile"][0], PHENOTYPE_PROFILE, "a course's reason is a phenotype");
            assert!(codings(&target["valueCodeableConcept"]).iter().any(|(_, c)| c == PRESENT), "a course treats a present feature");
        }
    }
    for event in of_type(&bundle, "AdverseEvent") {
        assert_eq!(resolve(&bundle, &event["suspectEntity"][0]["instance"])["resourceType"], "MedicationStatement");
    }
}

fn collect_references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("reference", Value::String(text)) => found.push(text.clone()),
                    _ => collect_references(inner, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_references(item, found)),
        _ => {}
    }
}

#[test]
fn the_export_is_deterministic() {
    let first = load(&reference_folder());
    let second = load(&reference_folder());
    let text = casebook_fhir::bundle_json(&first.study, &first.patients);
    assert_eq!(text, casebook_fhir::bundle_json(&first.study, &first.patients), "the same input gives the same bytes");
    assert_eq!(text, casebook_fhir::bundle_json(&second.study, &second.patients), "a fresh load gives the same bytes");
    assert!(text.ends_with("}\n") && text.contains("\n  \"type\": \"collection\""), "pretty-printed with a final newline");
    let parsed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, casebook_fhir::study_bundle(&first.study, &first.patients));
}

#[test]
fn the_data_label_tags_the_bundle_and_every_resource() {
    let loaded = load(&reference_folder());
    let label = loaded.study.data_label.clone().expect("the reference study is labelled as constructed");
    assert!(label.contains("not real patient data"), "{label}");
    let bundle = casebook_fhir::study_bundle(&loaded.study, &loaded.patients);
    let carries_label = |resource: &Value| {
        resource["meta"]["tag"].as_array().is_some_and(|tags| {
            tags.iter().any(|tag| tag["system"] == casebook_fhir::DATA_LABEL_SYSTEM && tag["display"] == label.as_str())
        })
    };
    assert!(carries_label(&bundle), "the bundle carries the data label");
    for resource in resources(&bundle) {
        assert!(carries_label(resource), "{}/{} carries the data label", resource["resourceType"], resource["id"]);
    }
    for resource in of_type(&bundle, "Patient") {
        let tags = resource["meta"]["tag"].as_array().unwrap();
        assert!(
            tags.iter().any(|tag| tag["system"] == "urn:casebook:source" && tag["code"] == "constructed"),
            "each patient says it is constructed"
        );
    }
}

#[test]
fn features_are_phenotype_observations_with_hpo_codes_and_loinc_presence() {
    let loaded = load(&reference_folder());
    let bundle = casebook_fhir::study_bundle(&loaded.study, &loaded.patients);
    for record in &loaded.patients {
        let observations: Vec<&Value> = of_patient(&bundle, "Observation", record.pseudonym.as_str())
            .into_iter()
            .filter(|o| o["meta"]["profile"][0] == PHENOTYPE_PROFILE)
            .collect();
        assert_eq!(observations.len(), record.features.len(), "{}", record.pseudonym);
        for (observation, feature) in observations.iter().zip(&record.features) {
            let place = format!("{} {}", record.pseudonym, feature.term.id());
            assert_eq!(
                codings(&observation["code"]),
                [("http://human-phenotype-ontology.org".to_string(), feature.term.id().to_string())],
                "{place}"
            );
            let presence = codings(&observation["valueCodeableConcept"]);
            let expected = if feature.excluded { ABSENT } else { PRESENT };
            assert_eq!(presence, [("http://loinc.org".to_string(), expected.to_string())], "{place}");
            assert_eq!(observation["status"], "final", "{place}");
            let components = observation["component"].as_array().cloned().unwrap_or_default();
            let has =
                |system: &str, code: &str| components.iter().any(|c| codings(&c["code"]).contains(&(system.to_string(), code.to_string())));
            if let Some(severity) = feature.severity {
                assert!(has("http://human-phenotype-ontology.org", "HP:0012824"), "{place}: severity component");
                let severities =
                    components.iter().filter_map(|c| codings(&c["valueCodeableConcept"]).first().map(|(_, code)| code.clone()));
                assert!(severities.into_iter().any(|code| code == severity.hpo_id()), "{place}: {}", severity.hpo_id());
            }
            if feature.onset.is_some() {
                let onset = components.iter().find(|c| codings(&c["code"])[0].1 == "AGE_ONSET").unwrap_or_else(|| panic!("{place}: onset"));
                assert_eq!(onset["valueQuantity"]["code"], "mo", "{place}: onset age in months");
            }
        }
    }
}

#[test]
fn courses_become_medication_statements_with_ucum_doses_and_schedules() {
    let bundle = bundle_of(&reference_folder());
    let statements = of_patient(&bundle, "MedicationStatement", "WAS-GB1-02");
    let by_drug: BTreeMap<&str, &Value> =
        statements.iter().map(|s| (s["medicationCodeableConcept"]["text"].as_str().unwrap(), *s)).collect();

    let canakinumab = by_drug["canakinumab"];
    assert_eq!(canakinumab["status"], "active", "an ongoing course is active");
    assert!(canakinumab["effectivePeriod"].get("end").is_none());
    let dosage = &canakinumab["dosage"][0];
    assert_eq!(dosage["timing"]["repeat"], serde_json::json!({ "frequency": 1, "period": 4, "periodUnit": "wk" }), "q4w");
    assert_eq!(
        dosage["doseAndRate"][0]["doseQuantity"],
        serde_json::json!({ "value": 2.0, "unit": "mg/kg", "system": "http://unitsofmeasure.org", "code": "mg/kg" })
    );
    assert_eq!(dosage["route"], serde_json::json!({ "text": "subcutaneous" }), "routes are text: their NCIT codes are unverified");
    assert!(dosage["text"].as_str().unwrap().contains("0.071 mg/kg/day"), "derived daily dose: {}", dosage["text"]);
    assert!(canakinumab["medicationCodeableConcept"].get("coding").is_none(), "canakinumab has no verified code");

    let anakinra = by_drug["anakinra"];
    assert_eq!(anakinra["status"], "completed");
    assert_eq!(anakinra["effectivePeriod"]["start"], "2012-03-12");
    assert_eq!(anakinra["dosage"][0]["timing"]["repeat"], serde_json::json!({ "frequency": 1, "period": 1, "periodUnit": "d" }), "qd");
    assert_eq!(anakinra["dosage"][0]["doseAndRate"][0]["doseQuantity"]["code"], "mg");
    assert!(anakinra["dosage"][0]["text"].as_str().unwrap().contains("3.125 mg/kg/day"), "{}", anakinra["dosage"][0]["text"]);
    assert_eq!(
        codings(&anakinra["medicationCodeableConcept"]),
        [("https://go.drugbank.com".to_string(), "DB00026".to_string())],
        "anakinra's DrugBank id from the study's drug catalogue"
    );
    let notes: Vec<&str> = anakinra["note"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    for expected in [
        "Response: very good",
        "Systemic corticosteroids discontinued: 2012-05-21",
        "Termination reason: switched",
        "Adverse events: assessed, none occurred",
    ] {
        assert!(notes.iter().any(|note| note.starts_with(expected)), "notes {notes:?} lack `{expected}`");
    }
    assert_eq!(anakinra["statusReason"][0]["text"], "switched");
    let targets: Vec<String> = anakinra["reasonCode"].as_array().unwrap().iter().map(|r| codings(r)[0].1.clone()).collect();
    assert!(!targets.is_empty() && targets.iter().all(|t| t.starts_with("HP:")), "targets as HPO reason codes: {targets:?}");

    let unrecorded = of_patient(&bundle, "MedicationStatement", "WAS-IT2-02")
        .into_iter()
        .find(|s| s["medicationCodeableConcept"]["text"] == "anakinra")
        .unwrap();
    assert!(unrecorded["dosage"][0].get("doseAndRate").is_none(), "an unrecorded dose is not invented");
    assert!(unrecorded["dosage"][0]["text"].as_str().unwrap().starts_with("dose not recorded"));
}

#[test]
fn only_verified_codes_are_written() {
    let bundle = bundle_of(&reference_folder());
    let mut systems: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    collect_codings(&bundle, &mut systems);
    let allowed: BTreeSet<&str> = [
        "http://human-phenotype-ontology.org",
        "http://purl.obolibrary.org/obo/mondo.owl",
        "http://purl.obolibrary.org/obo/maxo.owl",
        "http://purl.obolibrary.org/obo/chebi.owl",
        "https://go.drugbank.com",
        "http://loinc.org",
        "http://unitsofmeasure.org",
        "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",
        "http://terminology.hl7.org/CodeSystem/observation-category",
        "http://terminology.hl7.org/CodeSystem/condition-ver-status",
        "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
        "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
        "http://hl7.org/fhir/uv/phenomics-exchange/CodeSystem/temporary-phenotype-component",
        "urn:casebook:data-label",
        "urn:casebook:source",
    ]
    .into();
    for system in systems.keys() {
        assert!(allowed.contains(system.as_str()), "unexpected code system {system}");
    }
    let loinc: BTreeSet<&str> = systems["http://loinc.org"].iter().map(String::as_str).collect();
    assert!(loinc.is_subset(&["LA9633-4", "LA9634-2", "1988-5", "777-3"].into()), "LOINC codes {loinc:?}");
    let ncit: BTreeSet<&str> = systems["http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"].iter().map(String::as_str).collect();
    assert_eq!(ncit, ["C41338"].into(), "NCIT only for the verified CTCAE grades (clinical.md §3.6)");
    let maxo: BTreeSet<&str> = systems["http://purl.obolibrary.org/obo/maxo.owl"].iter().map(String::as_str).collect();
    assert_eq!(maxo, ["MAXO:0001001", "MAXO:0001479"].into());
    for procedure in of_type(&bundle, "Procedure") {
        assert_eq!(procedure["status"], "completed");
        assert!(procedure["performedDateTime"].is_string());
    }
    let gene_therapies = of_type(&bundle, "Procedure").into_iter().filter(|p| codings(&p["code"])[0].1 == "MAXO:0001001").count();
    assert_eq!(gene_therapies, 5);
}

fn collect_codings(value: &Value, found: &mut BTreeMap<String, BTreeSet<String>>) {
    match value {
        Value::Object(map) => {
            if let (Some(Value::String(system)), Some(Value::String(code))) = (map.get("system"), map.get("code")) {
                found.entry(system.clone()).or_default().insert(code.clone());
            }
            map.values().for_each(|inner| collect_codings(inner, found));
        }
        Value::Array(items) => items.iter().for_each(|item| collect_codings(item, found)),
        _ => {}
    }
}
