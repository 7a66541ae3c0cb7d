//! Phenopackets: the reference study written as phenopackets reads back into the same records,
//! and a phenopacket from elsewhere keeps what a record cannot hold.

use std::path::PathBuf;

use casebook_domain::date::{Age, PartialDate};
use casebook_domain::patient::{Slug, Source, TimePoint};
use casebook_formats::FormatError;
use casebook_formats::native::folder::{patient_to_json, read_study_folder};
use casebook_formats::native::record::{EncodedRecord, sha256_hex};
use casebook_formats::phenopacket::files::{
    PhenopacketImport, PhenopacketInputs, phenopacket_text, stream_phenopackets, validate_phenopackets, write_phenopackets,
};
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
    let mut patients = Vec::new();
    let inputs = PhenopacketInputs::list(&zip).unwrap();
    let import = stream_phenopackets(&inputs, &folder.study, &center, &Hpo::embedded, &mut |_, _| {}, &mut |record| {
        patients.push(record.patient().clone());
        true
    })
    .unwrap();
    assert_eq!(patients, folder.patients, "every record reads back exactly");
    assert_eq!(import.patients, 7);
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
    let mapped = phenopacket_to_patient(&phenopacket.to_json_value(), &folder.study, &center).unwrap();
    let patient = mapped.record.patient();
    assert_eq!(patient.pseudonym.as_str(), "WASREG-S03-0001");
    assert_eq!(patient.source, Source::Chart);
    assert_eq!(patient.birth.map(|b| b.to_string()).as_deref(), Some("2018-01"));
    assert_eq!(patient.features.len(), 6);
    assert!(patient.features.iter().any(|f| f.term.id().as_str() == "HP:0002633" && f.excluded));
    let anakinra = patient.courses.iter().find(|c| c.drug == "anakinra").expect("anakinra course");
    assert_eq!((anakinra.start.to_string(), anakinra.dose.map(|d| d.to_string())), ("2022-03-01".to_string(), Some("2 mg/kg".to_string())));
    assert_eq!(patient.variants[0].hgvs_c.as_str(), "c.1369C>T");
    assert_eq!(patient.labs.len(), 1, "the CRP with a date; the age-timed platelet count is kept verbatim");
    assert_eq!(patient.last_follow_up, Some(TimePoint::Age(Age::from_months(74))), "seen last at P6Y2M");
    // The onset class of a disease other than the study's (OMIM's WAS, where the study names MONDO's).
    for kept in ["$.measurements[1]", "$.phenotypicFeatures[0].onset", "$.phenotypicFeatures[4].evidence", "$.diseases[0].onset"] {
        assert!(mapped.kept_verbatim.iter().any(|k| k == kept), "{kept} not listed: {:?}", mapped.kept_verbatim);
    }
    // The first medical action's adverse events have no grade: the warning names that action,
    // and reads as a JSON path of the file once shown.
    let warning = mapped.warnings.iter().find(|w| w.rule == "adverse-events-without-grade").expect("a warning for the adverse events");
    let shown = casebook_formats::Finding::new(std::path::Path::new("was.json"), warning.clone()).to_string();
    assert!(shown.starts_with("was.json: warning at $.medicalActions[0].adverseEvents: "), "{shown}");
    // Casebook's rules speak of the record; on the file, a finding is at the element the record's
    // element was read from: the anakinra course is the first medical action.
    let checked = casebook_domain::check::check_patient(patient, &folder.study);
    let dose = checked.into_iter().find(|d| d.rule == "dose-needs-weight").expect("the dose in mg/kg needs a weight");
    assert_eq!(dose.path, "courses[0].dose");
    let on_file = mapped.finding_in_file(dose);
    assert_eq!(on_file.path, "medicalActions[0]");
    assert!(on_file.message.ends_with(" (courses[0].dose of the Casebook record)"), "{}", on_file.message);
    // The unchanged record exports its original document.
    let source = patient.source_document.as_ref().unwrap();
    assert_eq!(source.record_fingerprint, record_fingerprint(patient));
    let exported = phenopacket_text(&folder.study, patient, "2026-01-01T00:00:00Z", "2025-01-16");
    assert_eq!(exported, phenopacket.to_json(), "the original phenopacket comes back");
}

#[test]
fn a_disease_onset_is_the_symptom_onset_and_not_a_date_of_diagnosis() {
    // Each reference patient written as a phenopacket without its Casebook record, so that the
    // import maps the document's fields: the onset of the study's disease is the symptom onset
    // both ways, and a phenopacket has no place for a date of diagnosis.
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let study_disease = folder.study.disease.clone().expect("the reference study names its disease");
    for patient in &folder.patients {
        let text = phenopacket_text(&folder.study, patient, "2026-01-01T00:00:00Z", "2025-01-16");
        let mut document: serde_json::Value = serde_json::from_str(&text).unwrap();
        document["metaData"].as_object_mut().unwrap().remove("externalReferences");
        for disease in document["diseases"].as_array().unwrap() {
            let onset = disease["onset"]["timestamp"].as_str();
            if disease["term"]["id"] == study_disease.id().as_str() {
                let Some(TimePoint::Date(symptom_onset)) = patient.symptom_onset else {
                    panic!("every reference patient has a dated onset")
                };
                let symptom_onset = symptom_onset.to_string();
                assert!(onset.is_some_and(|onset| onset.starts_with(&symptom_onset)), "{}: {onset:?}", patient.pseudonym);
            } else {
                assert_eq!(onset, None, "{}: only the study's disease has the symptom onset", patient.pseudonym);
            }
        }
        let mapped = phenopacket_to_patient(&document, &folder.study, &patient.center).unwrap();
        let imported = mapped.record.patient();
        // A timestamp has a day: the month is what a year-month onset keeps.
        let month = |onset: Option<TimePoint>| match onset {
            Some(TimePoint::Date(date)) => Some((date.year_value(), date.month_value())),
            _ => None,
        };
        assert_eq!(month(imported.symptom_onset), month(patient.symptom_onset), "{}", patient.pseudonym);
        assert!(imported.diagnoses.iter().all(|diagnosis| diagnosis.date.is_none()), "{}", patient.pseudonym);
        assert!(!mapped.kept_verbatim.iter().any(|path| path.starts_with("$.diseases")), "{:?}", mapped.kept_verbatim);
    }
}

#[test]
fn ages_of_onset_and_of_last_follow_up_travel_as_phenopacket_ages() {
    // A published case gives ages, not dates: onset at 14 months, last seen at 10 years 10 months.
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let mut patient = folder.patients[0].clone();
    patient.symptom_onset = Some(TimePoint::Age(Age::from_months(14)));
    patient.last_follow_up = Some(TimePoint::Age(Age::from_months(130)));
    let text = phenopacket_text(&folder.study, &patient, "2026-01-01T00:00:00Z", "2025-01-16");
    let mut document: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(document["subject"]["timeAtLastEncounter"], serde_json::json!({ "age": { "iso8601duration": "P10Y10M" } }));
    assert_eq!(document["diseases"][0]["onset"], serde_json::json!({ "age": { "iso8601duration": "P1Y2M" } }));
    // Read by its fields, not from the Casebook record it carries.
    document["metaData"].as_object_mut().unwrap().remove("externalReferences");
    let mapped = phenopacket_to_patient(&document, &folder.study, &patient.center).unwrap();
    let imported = mapped.record.patient();
    assert_eq!((imported.symptom_onset, imported.last_follow_up), (patient.symptom_onset, patient.last_follow_up));
    assert!(
        !mapped.kept_verbatim.iter().any(|path| path.contains("onset") && path.starts_with("$.diseases")),
        "{:?}",
        mapped.kept_verbatim
    );
    assert!(!mapped.kept_verbatim.iter().any(|path| path == "$.subject.timeAtLastEncounter"), "{:?}", mapped.kept_verbatim);
}

#[test]
fn a_finding_on_the_symptom_onset_is_placed_at_its_disease_onset_in_the_file() {
    // Seen last at P6Y2M (the example's time at the last encounter), the disease begun at P7Y.
    let text = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let mut document: serde_json::Value = serde_json::from_str(&text).unwrap();
    document["diseases"][0]["onset"] = serde_json::json!({ "age": { "iso8601duration": "P7Y" } });
    let mut study = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap().study;
    study.disease = None;
    let mapped = phenopacket_to_patient(&document, &study, &Slug::parse("center", "IT1").unwrap()).unwrap();
    let checked = casebook_domain::check::check_patient(mapped.record.patient(), &study);
    let late = checked.into_iter().find(|d| d.rule == "age-after-last-follow-up").expect("the onset is past the last follow-up");
    assert_eq!(late.path, "symptomOnsetAgeMonths");
    let on_file = mapped.finding_in_file(late);
    assert_eq!(on_file.path, "diseases[0].onset");
    assert!(on_file.message.ends_with("(symptomOnsetAgeMonths of the Casebook record)"), "{}", on_file.message);
}

#[test]
fn onsets_a_record_cannot_hold_are_kept_verbatim() {
    let text = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let mut document: serde_json::Value = serde_json::from_str(&text).unwrap();
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let center = Slug::parse("center", "IT1").unwrap();
    let was = folder.study.disease.clone().unwrap();
    // The study's disease dated, and a second disease dated too: one symptom onset, of the first.
    document["diseases"] = serde_json::json!([
        { "term": { "id": "MONDO:0005265", "label": "inflammatory bowel disease" }, "onset": { "timestamp": "2020-01-01T00:00:00Z" } },
        { "term": { "id": was.id().as_str(), "label": was.label() }, "onset": { "timestamp": "2018-03-01T00:00:00Z" } },
    ]);
    let mapped = phenopacket_to_patient(&document, &folder.study, &center).unwrap();
    let march_2018 = Some(TimePoint::Date(PartialDate::parse("2018-03-01").unwrap()));
    assert_eq!(mapped.record.patient().symptom_onset, march_2018);
    let diseases: Vec<&String> = mapped.kept_verbatim.iter().filter(|path| path.starts_with("$.diseases")).collect();
    assert_eq!(diseases, ["$.diseases[0].onset"]);

    // A study that names no disease: the onset of a patient's only disease is the symptom onset,
    // a date or an age, but not an onset class, which a record has no place for.
    let mut study = folder.study.clone();
    study.disease = None;
    document["diseases"] = serde_json::json!([{ "term": { "id": "OMIM:301000", "label": "Wiskott-Aldrich syndrome" }, "onset": { "timestamp": "2018-03-01T00:00:00Z" } }]);
    let mapped = phenopacket_to_patient(&document, &study, &center).unwrap();
    assert_eq!(mapped.record.patient().symptom_onset, march_2018);
    document["diseases"][0]["onset"] = serde_json::json!({ "age": { "iso8601duration": "P3M" } });
    let mapped = phenopacket_to_patient(&document, &study, &center).unwrap();
    assert_eq!(mapped.record.patient().symptom_onset, Some(TimePoint::Age(Age::from_months(3))));
    assert!(!mapped.kept_verbatim.iter().any(|path| path.starts_with("$.diseases")), "{:?}", mapped.kept_verbatim);
    document["diseases"][0]["onset"] = serde_json::json!({ "ontologyClass": { "id": "HP:0003593", "label": "Infantile onset" } });
    let mapped = phenopacket_to_patient(&document, &study, &center).unwrap();
    assert_eq!(mapped.record.patient().symptom_onset, None);
    assert!(mapped.kept_verbatim.iter().any(|path| path == "$.diseases[0].onset"), "{:?}", mapped.kept_verbatim);
}

#[test]
fn a_run_counts_what_its_records_keep_verbatim_by_place() {
    // The example keeps parts of its document (see above); a second copy under another subject
    // id doubles every count. The expected places come from the file's own paths, with list
    // positions dropped by code of the test's own.
    let text = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let mut copy: serde_json::Value = serde_json::from_str(&text).unwrap();
    copy["id"] = "copy".into();
    copy["subject"]["id"] = "WASREG-S03-0002".into();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), &text).unwrap();
    std::fs::write(dir.path().join("b.json"), copy.to_string()).unwrap();
    // A Casebook export keeps nothing: it counts as no record.
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    std::fs::write(dir.path().join("c.json"), phenopacket_text(&folder.study, &folder.patients[0], "2026-01-01T00:00:00Z", "2025-01-16"))
        .unwrap();

    let (delivered, read) = stream_records(dir.path());
    let kept = read.unwrap().kept_verbatim;
    assert_eq!(delivered.len(), 3);
    assert_eq!(kept.records, 2);

    let center = Slug::parse("center", "IT1").unwrap();
    let paths = phenopacket_to_patient(&serde_json::from_str(&text).unwrap(), &folder.study, &center).unwrap().kept_verbatim;
    let mut expected = std::collections::BTreeMap::new();
    for path in &paths {
        let place: String = path
            .split('[')
            .enumerate()
            .map(|(n, part)| if n == 0 { part.to_string() } else { format!("[{}", &part[part.find(']').unwrap()..]) })
            .collect();
        *expected.entry(place).or_insert(0) += 2;
    }
    assert_eq!(kept.places, expected);
    assert_eq!(kept.places.get("$.diseases[].onset"), Some(&2));
    assert_eq!(kept.places.get("$.subject.timeAtLastEncounter"), None, "an age at the last encounter is the record's");
    assert_eq!(kept.places.get("$.measurements[]"), Some(&2), "{paths:?}");
}

#[test]
fn records_read_from_phenopackets_come_serialized_as_the_registry_stores_them() {
    // The record and its fingerprint are serialized once and the kept document spliced in; the
    // text must be what serializing the whole record gives.
    let dir = tempfile::tempdir().unwrap();
    let pseudonyms = forty_store_files(dir.path());
    let (delivered, read) = stream_records(dir.path());
    read.unwrap();
    assert_eq!(delivered.len(), pseudonyms.len());
    for record in delivered {
        let patient = record.patient();
        assert_eq!(record.json(), patient_to_json(patient), "{}", patient.pseudonym);
        assert_eq!(record.sha256(), sha256_hex(record.json().as_bytes()));
        assert_eq!(patient.source_document.as_ref().unwrap().record_fingerprint, record_fingerprint(patient));
    }
}

/// Forty phenopacket-store files copied into a folder as `00.json` to `39.json`, with the
/// pseudonym each one maps to when read alone.
fn forty_store_files(folder: &std::path::Path) -> Vec<String> {
    let study = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap().study;
    let center = Slug::parse("center", "IT1").unwrap();
    let store = repository().join("../shared/data/phenopacket-store");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&store)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .flat_map(|gene| std::fs::read_dir(gene).unwrap())
        .map(|file| file.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .take(40)
        .enumerate()
        .map(|(index, file)| {
            std::fs::copy(file, folder.join(format!("{index:02}.json"))).unwrap();
            let document: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
            phenopacket_to_patient(&document, &study, &center).unwrap().record.patient().pseudonym.to_string()
        })
        .collect()
}

/// Streams the phenopackets of `dir` into the reference study at IT1, giving each record to
/// `deliver`.
fn stream_into(dir: &std::path::Path, deliver: &mut dyn FnMut(EncodedRecord) -> bool) -> Result<PhenopacketImport, FormatError> {
    let study = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap().study;
    let center = Slug::parse("center", "IT1").unwrap();
    let inputs = PhenopacketInputs::list(dir)?;
    stream_phenopackets(&inputs, &study, &center, &Hpo::embedded, &mut |_, _| {}, deliver)
}

/// Every record the phenopackets of `dir` give in the reference study at IT1.
fn stream_records(dir: &std::path::Path) -> (Vec<EncodedRecord>, Result<PhenopacketImport, FormatError>) {
    let mut delivered = Vec::new();
    let read = stream_into(dir, &mut |record| {
        delivered.push(record);
        true
    });
    (delivered, read)
}

/// The pseudonyms [`stream_into`] delivers, in order; `keep_going` answers for the receiver, told
/// how many it has.
fn stream(dir: &std::path::Path, keep_going: impl Fn(usize) -> bool) -> (Vec<String>, Result<PhenopacketImport, FormatError>) {
    let mut delivered = Vec::new();
    let read = stream_into(dir, &mut |record| {
        delivered.push(record.patient().pseudonym.to_string());
        keep_going(delivered.len())
    });
    (delivered, read)
}

#[test]
fn streamed_patients_come_in_file_order_and_stop_at_the_first_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let expected = forty_store_files(dir.path());

    // Read on every core, given in file order.
    let (delivered, read) = stream(dir.path(), |_| true);
    assert_eq!(delivered, expected);
    let import = read.unwrap();
    assert_eq!((import.files, import.patients), (40, 40));

    // A bad file in the middle and one at the end: the patients before the first are given,
    // none after it, and the error names both files.
    let example = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let broken = example.replacen("\"sex\": \"MALE\"", "\"sex\": \"MAN\"", 1);
    std::fs::write(dir.path().join("20.json"), &broken).unwrap();
    std::fs::write(dir.path().join("99.json"), &broken).unwrap();
    let (delivered, read) = stream(dir.path(), |_| true);
    assert_eq!(delivered, expected[..20]);
    let error = read.unwrap_err();
    let FormatError::Invalid { findings } = error else { panic!("{error}") };
    let errors: Vec<String> = findings.iter().filter(|f| f.is_error()).map(|f| f.to_string()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("20.json: error at $.subject.sex") && errors[1].contains("99.json: error at $.subject.sex"), "{errors:?}");
}

#[test]
fn streaming_stops_when_the_receiver_gives_up() {
    let dir = tempfile::tempdir().unwrap();
    let expected = forty_store_files(dir.path());
    let (delivered, read) = stream(dir.path(), |received| received < 5);
    read.unwrap();
    assert_eq!(delivered, expected[..5], "nothing is given after the receiver said no");
}

#[test]
fn a_file_that_is_not_utf8_text_is_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    // A good file before it, and `é` as Latin-1 writes it: one byte that UTF-8 never has alone.
    let example = std::fs::read(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    std::fs::write(dir.path().join("00.json"), &example).unwrap();
    let at = example.windows(16).position(|window| window == b"Thrombocytopenia").unwrap();
    let mut latin1 = example.clone();
    latin1[at] = 0xe9;
    std::fs::write(dir.path().join("17.json"), latin1).unwrap();
    let (_, read) = stream(dir.path(), |_| true);
    let error = read.unwrap_err();
    let FormatError::Io { path, source } = &error else { panic!("{error}") };
    assert_eq!(path, &dir.path().join("17.json"));
    let line = 1 + example[..at].iter().filter(|&&byte| byte == b'\n').count();
    assert!(source.to_string().starts_with(&format!("it is not UTF-8 text: line {line} has the byte 0xE9")), "{error}");
    let check = validate_phenopackets(dir.path(), Hpo::embedded(), &mut |_, _| {}).unwrap_err();
    assert!(check.to_string().contains("17.json") && check.to_string().contains("not UTF-8"), "{check}");
}

/// A zip of `entries` (name, bytes), stored without compression.
fn zip_of(path: &std::path::Path, entries: &[(&str, &[u8])]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored).large_file(true);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn a_zip_entry_that_is_not_utf8_text_is_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let at = example.windows(16).position(|window| window == b"Thrombocytopenia").unwrap();
    let mut latin1 = example.clone();
    latin1[at] = 0xe9;
    let archive = dir.path().join("cases.zip");
    zip_of(&archive, &[("00.json", &example), ("17.json", &latin1)]);
    let Err(FormatError::Io { path, source }) = PhenopacketInputs::list(&archive) else { panic!("the zip must be refused") };
    assert_eq!(path, archive.join("17.json"), "the entry is named");
    let line = 1 + example[..at].iter().filter(|&&byte| byte == b'\n').count();
    assert!(source.to_string().starts_with(&format!("it is not UTF-8 text: line {line} has the byte 0xE9")), "{source}");
}

#[test]
fn a_zip_entry_is_read_up_to_a_bound() {
    // A crafted zip unpacks gigabytes from kilobytes; the entries are held in memory, so an entry
    // past the bound is refused, naming it, and one at the bound is read.
    let dir = tempfile::tempdir().unwrap();
    let bound = casebook_formats::phenopacket::files::LARGEST_ZIP_ENTRY_BYTES as usize;
    let example = std::fs::read(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let padded = |size: usize| {
        let mut bytes = example.clone();
        bytes.resize(size, b' ');
        bytes
    };
    let archive = dir.path().join("cases.zip");
    zip_of(&archive, &[("at-the-bound.json", &padded(bound))]);
    let inputs = PhenopacketInputs::list(&archive).expect("an entry at the bound is read");
    let mut patients = 0;
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    stream_phenopackets(&inputs, &folder.study, &Slug::parse("center", "IT1").unwrap(), &Hpo::embedded, &mut |_, _| {}, &mut |_| {
        patients += 1;
        true
    })
    .unwrap();
    assert_eq!(patients, 1);

    zip_of(&archive, &[("00.json", &example), ("past-the-bound.json", &padded(bound + 1))]);
    let Err(FormatError::Io { path, source }) = PhenopacketInputs::list(&archive) else { panic!("the zip must be refused") };
    assert_eq!(path, archive.join("past-the-bound.json"));
    assert!(source.to_string().starts_with("it unpacks to more than 64 MiB"), "{source}");
}

#[test]
fn the_files_under_a_folder_come_in_the_order_of_their_paths() {
    // Path order compares folder and file names one by one: `a/` comes before `a-b.json`,
    // although `/` sorts after `-` and `.` as a character.
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    // A label that is not the ontology's, so that every file gives a finding naming it.
    let warned = example.replacen("\"Thrombocytopenia\"", "\"Low platelets\"", 1);
    let expected = ["a/z.json", "a-b.json", "a.json", "b/a.json", "b/c/d.json", "b.json"];
    for name in expected.iter().rev() {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &warned).unwrap();
    }
    std::fs::write(dir.path().join("b/notes.txt"), "not a phenopacket").unwrap();
    let check = validate_phenopackets(dir.path(), Hpo::embedded(), &mut |_, _| {}).unwrap();
    let files: Vec<String> =
        check.findings.iter().map(|finding| finding.file.strip_prefix(dir.path()).unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(files, expected);
}

#[test]
fn a_folder_validates_file_by_file_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    forty_store_files(dir.path());
    let example = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    std::fs::write(dir.path().join("20.json"), example.replacen("\"sex\": \"MALE\"", "\"sex\": \"MAN\"", 1)).unwrap();
    std::fs::write(dir.path().join("30.json"), "{\"id\": ").unwrap();
    // A label that is not the ontology's: a warning.
    std::fs::write(dir.path().join("10.json"), example.replacen("\"Thrombocytopenia\"", "\"Low platelets\"", 1)).unwrap();

    // What each file gives when it is checked alone, in file order.
    let mut expected = Vec::new();
    for index in 0..40 {
        let name = dir.path().join(format!("{index:02}.json"));
        let one = validate_phenopackets(&name, Hpo::embedded(), &mut |_, _| {}).unwrap();
        assert_eq!(one.files, 1);
        expected.extend(one.findings.iter().map(|finding| finding.to_string()));
    }
    let mut progress = Vec::new();
    let check = validate_phenopackets(dir.path(), Hpo::embedded(), &mut |done, total| progress.push((done, total))).unwrap();
    assert_eq!(check.files, 40);
    assert_eq!(check.findings.iter().map(|finding| finding.to_string()).collect::<Vec<_>>(), expected);
    assert_eq!(progress.last(), Some(&(40, 40)));

    let errors: Vec<String> = check.findings.iter().filter(|f| f.is_error()).map(|f| f.to_string()).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("20.json: error at $.subject.sex"), "{errors:?}");
    assert!(errors[1].contains("30.json") && errors[1].contains("invalid-json"), "{errors:?}");
    let warnings: Vec<&String> = expected.iter().filter(|finding| !finding.contains("error at")).collect();
    assert!(warnings.iter().any(|warning| warning.contains("10.json") && warning.contains("Low platelets")), "{warnings:?}");
}

/// The example phenopacket, and a copy of it as another patient without metaData of its own,
/// as the members of a Cohort that carries the metaData, an id and a description.
fn cohort_of_two_examples() -> (serde_json::Value, serde_json::Value) {
    let text = std::fs::read_to_string(repository().join("../shared/data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    let example: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut copy = example.clone();
    copy["id"] = "WASREG-S03-0002".into();
    copy["subject"]["id"] = "WASREG-S03-0002".into();
    copy.as_object_mut().unwrap().remove("metaData");
    let cohort = serde_json::json!({
        "id": "was-cohort",
        "description": "two constructed WAS patients",
        "members": [example.clone(), copy],
        "metaData": example["metaData"],
    });
    (cohort, example)
}

#[test]
fn a_cohort_imports_each_member_as_a_patient_and_says_what_of_the_cohort_is_not_kept() {
    let (cohort, example) = cohort_of_two_examples();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cohort.json"), cohort.to_string()).unwrap();
    let (delivered, read) = stream_records(dir.path());
    let import = read.unwrap();
    assert_eq!((import.files, import.patients), (1, 2));
    let pseudonyms: Vec<&str> = delivered.iter().map(|record| record.patient().pseudonym.as_str()).collect();
    assert_eq!(pseudonyms, ["WASREG-S03-0001", "WASREG-S03-0002"]);

    // Each member keeps its own document; the one without metaData gets the cohort's, so that
    // it exports as a phenopacket that stands on its own.
    let kept: serde_json::Value = serde_json::from_str(&delivered[1].patient().source_document.as_ref().unwrap().content).unwrap();
    assert_eq!(kept["metaData"], example["metaData"]);
    assert_eq!(kept["subject"]["id"], "WASREG-S03-0002");
    assert_eq!(kept["members"], serde_json::Value::Null);

    let shown: Vec<String> = import.findings.iter().map(|finding| finding.to_string()).collect();
    let not_kept: Vec<&String> = shown.iter().filter(|finding| finding.contains("[container-not-kept]")).collect();
    assert_eq!(not_kept.len(), 1, "{shown:#?}");
    for said in [
        "a Cohort of 2 phenopacket(s)",
        "the Cohort's own `id`, `description` are not kept",
        "its `metaData` is kept with the 1 phenopacket(s) that had none of their own",
    ] {
        assert!(not_kept[0].contains(said), "{said:?} in {}", not_kept[0]);
    }
    // A member's findings name their place in the file.
    let adverse: Vec<&String> = shown.iter().filter(|finding| finding.contains("[adverse-events-without-grade]")).collect();
    assert_eq!(adverse.len(), 2, "{shown:#?}");
    assert!(adverse[0].contains("at $.members[0].medicalActions[0].adverseEvents"), "{}", adverse[0]);
    assert!(adverse[1].contains("at $.members[1].medicalActions[0].adverseEvents"), "{}", adverse[1]);
}

#[test]
fn a_patient_twice_in_a_cohort_refuses_the_run() {
    let (mut cohort, example) = cohort_of_two_examples();
    cohort["members"][1] = example;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cohort.json"), cohort.to_string()).unwrap();
    let (delivered, read) = stream_records(dir.path());
    let FormatError::Invalid { findings } = read.unwrap_err() else { panic!("refused for its findings") };
    let errors: Vec<String> = findings.iter().filter(|f| f.is_error()).map(|f| f.to_string()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("error at $.members[1].id: patient WASREG-S03-0001 is in more than one phenopacket"), "{errors:?}");
    assert!(delivered.is_empty(), "a refused run delivers nothing");
}

#[test]
fn a_family_is_checked_and_imported_at_the_paths_of_its_proband_and_relatives() {
    let (cohort, example) = cohort_of_two_examples();
    let mut relative = cohort["members"][1].clone();
    // A label that is not the ontology's: a warning at the relative's own path.
    relative["phenotypicFeatures"][0]["type"]["label"] = "Low platelets".into();
    let family = serde_json::json!({
        "id": "family-1",
        "proband": example,
        "relatives": [relative],
        "consanguinousParents": true,
        "metaData": cohort["metaData"],
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("family.json"), family.to_string()).unwrap();

    let check = validate_phenopackets(dir.path(), Hpo::embedded(), &mut |_, _| {}).unwrap();
    let label: Vec<String> = check.findings.iter().filter(|f| f.diagnostic.rule == "hpo-label-mismatch").map(|f| f.to_string()).collect();
    assert_eq!(label.len(), 1, "{label:?}");
    assert!(label[0].contains("at $.relatives[0].phenotypicFeatures[0].type.label"), "{label:?}");

    let (delivered, read) = stream_records(dir.path());
    let import = read.unwrap();
    assert_eq!(delivered.len(), 2);
    let not_kept = import.findings.iter().find(|f| f.diagnostic.rule == "container-not-kept").expect("the family's own fields named");
    assert!(not_kept.diagnostic.message.contains("`consanguinousParents`"), "{}", not_kept.diagnostic.message);
    assert!(import.findings.iter().any(|f| f.to_string().contains("at $.relatives[0].phenotypicFeatures[0].type.label")));
}
