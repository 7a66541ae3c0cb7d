//! The reference study's records with values changed at random, as a clinician's slip or an
//! odd but valid record would change them: whatever the reader takes, the rules check, the record
//! writes back to itself and comes back whole through its phenopacket (which the Python reference
//! reads), the report is built and written without panicking, and the FHIR bundle of them all is
//! valid to an independent library. The study's settings, changed the same way, likewise.

use casebook_domain::check::check_patient;
use casebook_domain::patient::Pseudonym;
use casebook_formats::native::folder::{parse_patient_json, patient_to_json, read_study_folder};
use casebook_formats::phenopacket::files::phenopacket_text;
use casebook_formats::phenopacket::import::map_phenopacket;
use casebook_hpo::Hpo;
use casebook_phenopackets::{Message, Phenopacket};
use casebook_report::{build_report, write_report};
use serde_json::Value;

use crate::repository;

/// Values a change puts in a text's place: dates at and past the edges of the calendar, codes,
/// units, enum words, empty and non-ASCII texts.
const TEXTS: &[&str] = &[
    "",
    "2019",
    "2019-02",
    "2020-02-29",
    "2019-02-29",
    "0001-01-01",
    "9999-12-31",
    "1900-01",
    "2031-06-30",
    "2020-13-01",
    "HP:0001873",
    "HP:0000118",
    "MONDO:0010518",
    "anakinra",
    "canakinumab",
    "prednisone",
    "mg",
    "mg/kg",
    "mg/kg/day",
    "daily",
    "every 4 weeks",
    "myeloid",
    "gene-therapy",
    "hsct",
    "complete",
    "partial",
    "none",
    "male",
    "deceased",
    "c.1369C>T",
    "p.Arg86Cys",
    "😀 é ✓",
];

/// Values a change puts in a number's place: zero, negative, tiny, huge and fractional.
const NUMBERS: &[&str] = &["0", "-1", "0.001", "1e-300", "1e300", "0.5", "100", "101", "150", "1500", "99999"];

/// Every place in `value` a change can touch, as JSON pointers: each text, number and boolean,
/// and each member of an object or element of a list (which a change may take out).
fn places(value: &Value, pointer: String, found: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                places(member, format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")), found);
            }
        }
        Value::Array(elements) => {
            for (index, element) in elements.iter().enumerate() {
                places(element, format!("{pointer}/{index}"), found);
            }
        }
        _ => {}
    }
    if !pointer.is_empty() {
        found.push(pointer);
    }
}

/// Takes the place at `pointer` out of its object or list.
fn take_out(record: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer below the record");
    match record.pointer_mut(parent) {
        Some(Value::Object(members)) => {
            members.remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        Some(Value::Array(elements)) => {
            elements.remove(last.parse::<usize>().unwrap());
        }
        _ => unreachable!("{pointer} is below an object or a list"),
    }
}

/// Each case is one of the seven records with one to three changes, checked alone and then
/// reported with the six others; `CASEBOOK_MUTATIONS` (per record, 30 by default) makes a
/// longer run.
#[test]
fn changed_records_are_checked_written_back_exported_and_reported() {
    let folder = read_study_folder(&repository().join("studies/was-anti-il1")).unwrap();
    let per_record: usize = std::env::var("CASEBOOK_MUTATIONS").map_or(30, |n| n.parse().expect("a number"));
    // Seeded: the same cases on every run.
    let mut rng = fastrand::Rng::with_seed(0x5DEE_CE66_D1CE_4E5B);
    let mut random = move || rng.usize(..);
    let (out, phenopackets) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut cases, mut read, mut changed) = (0, 0, Vec::new());
    for (index, original) in folder.patients.iter().enumerate() {
        let original: Value = serde_json::from_str(&patient_to_json(original)).unwrap();
        for _ in 0..per_record {
            let mut record = original.clone();
            for _ in 0..1 + random() % 3 {
                let mut found = Vec::new();
                places(&record, String::new(), &mut found);
                let pointer = &found[random() % found.len()];
                let place = record.pointer_mut(pointer).unwrap();
                match place {
                    _ if random().is_multiple_of(6) => take_out(&mut record, pointer),
                    Value::String(text) => *text = TEXTS[random() % TEXTS.len()].to_string(),
                    Value::Number(_) => *place = serde_json::from_str(NUMBERS[random() % NUMBERS.len()]).unwrap(),
                    Value::Bool(flag) => *flag = !*flag,
                    _ => {}
                }
            }
            cases += 1;
            let text = serde_json::to_string_pretty(&record).unwrap();
            let Ok(patient) = parse_patient_json(&text) else { continue };
            read += 1;
            check_patient(&patient, &folder.study);
            assert_eq!(parse_patient_json(&patient_to_json(&patient)).as_ref(), Ok(&patient), "{text}");
            let exported = phenopacket_text(&folder.study, &patient, "2026-01-01T00:00:00Z", Hpo::embedded().release());
            let phenopacket = Phenopacket::from_json(&exported).unwrap_or_else(|error| panic!("{error}: {exported}"));
            let imported = map_phenopacket(&phenopacket, &folder.study, &patient.center).unwrap();
            assert_eq!(imported.record.patient(), &patient, "through its phenopacket: {text}");
            std::fs::write(phenopackets.path().join(format!("{cases:05}.json")), &exported).unwrap();
            // Into one bundle at the end, each under a pseudonym of its own.
            let mut renamed = patient.clone();
            renamed.pseudonym = Pseudonym::parse(&format!("CHANGED-{cases:05}")).unwrap();
            changed.push(renamed);
            let mut patients = folder.patients.clone();
            patients[index] = patient;
            let report = build_report(&folder.study, &patients, Hpo::embedded());
            write_report(out.path(), &report).unwrap();
        }
    }
    // Both kinds are tried: changes the reader takes and changes it refuses.
    assert!(read > cases / 5 && read < cases, "{cases} cases, {read} records read");

    // Every record the reader took exports a phenopacket the Python reference reads, and is
    // valid FHIR, by an independent model library.
    let bundle = out.path().join("changed-bundle.json");
    std::fs::write(&bundle, casebook_fhir::bundle_json(&folder.study, &changed)).unwrap();
    for (script, args, requirements) in [
        (
            "conformance/phenopackets_reference.py",
            vec!["--check".as_ref(), phenopackets.path().as_os_str()],
            "conformance/requirements.txt",
        ),
        ("conformance/fhir/validate_bundle.py", vec![bundle.as_os_str()], "conformance/fhir/requirements.txt"),
    ] {
        let check = std::process::Command::new("python3").arg(repository().join(script)).args(args).output().expect("python3 runs");
        assert!(
            check.status.success(),
            "{script} refused what changed records export (install it with `pip install -r {requirements}`):\n{}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

/// Changes a random leaf of a study's settings (a text, a number or a flag), or takes out a
/// random key or list element.
fn change_setting(value: &mut toml::Value, rng: &mut fastrand::Rng) {
    match value {
        toml::Value::Table(table) if !table.is_empty() => {
            let key = table.keys().nth(rng.usize(..table.len())).unwrap().clone();
            if rng.usize(..8) == 0 {
                table.remove(&key);
            } else {
                change_setting(table.get_mut(&key).unwrap(), rng);
            }
        }
        toml::Value::Array(elements) if !elements.is_empty() => {
            let index = rng.usize(..elements.len());
            if rng.usize(..8) == 0 {
                elements.remove(index);
            } else {
                change_setting(&mut elements[index], rng);
            }
        }
        toml::Value::String(text) => *text = TEXTS[rng.usize(..TEXTS.len())].to_string(),
        toml::Value::Integer(_) | toml::Value::Float(_) => {
            *value = match NUMBERS[rng.usize(..NUMBERS.len())].parse::<i64>() {
                Ok(integer) => toml::Value::Integer(integer),
                Err(_) => toml::Value::Float(NUMBERS[rng.usize(..NUMBERS.len())].parse().unwrap()),
            }
        }
        toml::Value::Boolean(flag) => *flag = !*flag,
        _ => {}
    }
}

/// The study's own settings changed at random (thresholds, drugs, report categories, centers), as
/// a coordinator setting up another study might: whatever the reader takes, the rules check every
/// record and the report is built and written without panicking. `CASEBOOK_MUTATIONS` (30 by
/// default) sets the number of cases.
#[test]
fn changed_study_settings_are_checked_and_reported() {
    let reference = repository().join("studies/was-anti-il1");
    let original: toml::Value = toml::from_str(&std::fs::read_to_string(reference.join("study.toml")).unwrap()).unwrap();
    let cases: usize = std::env::var("CASEBOOK_MUTATIONS").map_or(30, |n| n.parse().expect("a number"));
    let mut rng = fastrand::Rng::with_seed(0x7A11_0F57_D1E5_C0DE);
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("study");
    std::fs::create_dir_all(study.join("patients")).unwrap();
    for entry in std::fs::read_dir(reference.join("patients")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, study.join("patients").join(path.file_name().unwrap())).unwrap();
    }
    let out = dir.path().join("report");
    let mut read = 0;
    for _ in 0..cases {
        let mut settings = original.clone();
        for _ in 0..1 + rng.usize(..3) {
            change_setting(&mut settings, &mut rng);
        }
        std::fs::write(study.join("study.toml"), toml::to_string(&settings).unwrap()).unwrap();
        let Ok(folder) = read_study_folder(&study) else { continue };
        read += 1;
        for patient in &folder.patients {
            check_patient(patient, &folder.study);
        }
        let report = build_report(&folder.study, &folder.patients, Hpo::embedded());
        write_report(&out, &report).unwrap();
    }
    // Both kinds are tried: settings the reader takes and settings it refuses.
    assert!(read > cases / 5 && read < cases, "{cases} cases, {read} studies read");
}
