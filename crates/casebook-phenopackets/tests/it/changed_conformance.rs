//! The reader's verdicts against the Python reference on documents near real ones: published
//! phenopackets and the fixtures with values of other JSON types, enum names and numbers,
//! 64-bit integers in both forms, timestamps in other shapes, keys renamed or unknown. Both must
//! take the same documents, into the same canonical JSON, and refuse the same ones, but for the
//! deliberate differences the crate documents, where Casebook is the stricter.
//!
//! The reference runs here, on the changed documents this test writes:
//! `python3 conformance/phenopackets_reference.py` (install it with
//! `pip install -r conformance/requirements.txt`).

use std::path::{Path, PathBuf};

use casebook_phenopackets::{Document, PhenopacketsError};
use serde_json::Value;

use crate::support::{first_difference, fixtures_dir, json_files, read, store_dir};

/// A value of another kind, or a corner of the same kind, in a leaf's place.
const VALUES: &[&str] = &[
    "null",
    "true",
    "0",
    "1",
    "-1",
    "2.5",
    "1e3",
    "4294967296",
    "-9223372036854775809",
    "18446744073709551616",
    "\"\"",
    "\"12\"",
    "\"-3\"",
    "\"1.0\"",
    "\"1e3\"",
    "\"0x10\"",
    "\" 7\"",
    "\"9223372036854775808\"",
    "{}",
    "[]",
    "[\"a\"]",
    "\"MALE\"",
    "\"male\"",
    "\"UNKNOWN_SEX\"",
    "\"OBSERVED\"",
    "\"NaN\"",
    "\"Infinity\"",
    "\"2020-01-01T00:00:00Z\"",
    "\"2020-01-01T00:00:00\"",
    "\"2020-01-01T00:00:00.5Z\"",
    "\"2020-01-01T00:00:00+01:00\"",
    "\"2020-01-01T00:00:00.123456789Z\"",
    "\"2020-1-1T00:00:00Z\"",
    "\"2020-01-01 00:00:00Z\"",
    "\"2020-02-30T00:00:00Z\"",
    "\"0001-01-01T00:00:00Z\"",
    "\"P1Y\"",
    "\"HP:0001873\"",
];

/// camelCase ↔ snake_case, as a key renamed to its other protobuf JSON name (or to itself when
/// it has one word).
fn other_name(key: &str) -> String {
    if key.contains('_') {
        let mut out = String::new();
        let mut upper = false;
        for c in key.chars() {
            match c {
                '_' => upper = true,
                c if upper => {
                    out.extend(c.to_uppercase());
                    upper = false;
                }
                c => out.push(c),
            }
        }
        out
    } else {
        key.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] }).collect()
    }
}

/// One change at a random place: a leaf replaced by one of [`VALUES`], a key renamed to its other
/// name or to an unknown one, or a member taken out.
fn change(value: &mut Value, rng: &mut fastrand::Rng) {
    match value {
        Value::Object(members) if !members.is_empty() => {
            let key = members.keys().nth(rng.usize(..members.len())).unwrap().clone();
            match rng.usize(..10) {
                0 => {
                    let member = members.remove(&key).unwrap();
                    members.insert(other_name(&key), member);
                }
                1 => {
                    let member = members.remove(&key).unwrap();
                    members.insert(format!("{key}X"), member);
                }
                2 => {
                    members.remove(&key);
                }
                _ => change(members.get_mut(&key).unwrap(), rng),
            }
        }
        Value::Array(elements) if !elements.is_empty() => {
            let index = rng.usize(..elements.len());
            change(&mut elements[index], rng);
        }
        _ => *value = serde_json::from_str(VALUES[rng.usize(..VALUES.len())]).unwrap(),
    }
}

/// Whether a refusal is one of the deliberate differences (lib.rs), where the Python reference
/// takes what is not the protobuf JSON mapping: an enum number the enum does not define, a field
/// under both of its names, a timestamp that is not strict RFC 3339, `true` or `false` as an enum
/// or a double, and an empty string or list as a message.
fn is_deliberately_stricter(error: &PhenopacketsError) -> bool {
    let reasons: Vec<String> = error.field_errors().iter().map(|error| error.reason.to_string()).collect();
    !reasons.is_empty()
        && reasons.iter().all(|reason| {
            reason.contains("is not a value of")
                || reason.starts_with("the field is given twice")
                || reason.contains("is not an RFC 3339 timestamp")
                || reason.contains("is not a protobuf timestamp")
                || reason.ends_with("found a boolean") && (reason.contains("enum") || reason.contains("double") || reason.contains("float"))
                || reason == "expected an object, found a string"
                || reason == "expected an object, found a list"
        })
}

/// Each case is a document (every 25th store file and every fixture) with one to three changes;
/// `CASEBOOK_MUTATIONS` (per document, 8 by default) makes a longer run.
#[test]
fn changed_documents_are_taken_and_refused_as_the_python_reference_does() {
    let per_document: usize = std::env::var("CASEBOOK_MUTATIONS").map_or(8, |n| n.parse().expect("a number"));
    let mut rng = fastrand::Rng::with_seed(0x0DDB_1A5E_5BAD_5EED);
    let inputs = tempfile::tempdir().unwrap();
    let outputs = tempfile::tempdir().unwrap();
    let originals: Vec<PathBuf> = json_files(&store_dir()).into_iter().step_by(25).chain(json_files(&fixtures_dir())).collect();
    let mut cases = Vec::new();
    for (document, path) in originals.iter().enumerate() {
        let original: Value = serde_json::from_str(&read(path)).unwrap();
        for case in 0..per_document {
            let mut value = original.clone();
            for _ in 0..1 + rng.usize(..3) {
                change(&mut value, &mut rng);
            }
            let name = format!("{document:04}-{case:03}.json");
            std::fs::write(inputs.path().join(&name), serde_json::to_string_pretty(&value).unwrap()).unwrap();
            cases.push((name, path.clone()));
        }
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/phenopackets_reference.py");
    let run = std::process::Command::new("python3").arg(&script).arg(inputs.path()).arg(outputs.path()).output().expect("python3 runs");
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        said.contains(&format!("of {} files written", cases.len())),
        "the Python reference did not run (install it with `pip install -r conformance/requirements.txt`):\n{said}{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let (mut both_took, mut both_refused, mut stricter, mut differences) = (0, 0, 0, Vec::new());
    for (name, original) in &cases {
        let text = read(&inputs.path().join(name));
        let theirs = std::fs::read_to_string(outputs.path().join(name)).ok();
        match (Document::from_json(&text), theirs) {
            (Ok(document), Some(theirs)) => {
                both_took += 1;
                // As JSON values, as the conformance test compares (map fields have no order).
                let ours: Value = serde_json::from_str(&document.to_json()).unwrap();
                if let Some((at, what)) = first_difference(&ours, &serde_json::from_str(&theirs).unwrap()) {
                    differences.push(format!("{name} (from {}): both take it; first difference at {at}: {what}", original.display()));
                }
            }
            (Err(_), None) => both_refused += 1,
            (Err(error), Some(_)) if is_deliberately_stricter(&error) => stricter += 1,
            (Err(error), Some(_)) => {
                differences.push(format!("{name} (from {}): only Python takes it; Casebook: {error}", original.display()))
            }
            (Ok(_), None) => differences.push(format!("{name} (from {}): only Casebook takes it", original.display())),
        }
    }
    eprintln!(
        "{} cases: {both_took} taken by both, {both_refused} refused by both, {stricter} refused by Casebook alone, deliberately",
        cases.len()
    );
    assert!(differences.is_empty(), "{} of {} cases differ:\n{}", differences.len(), cases.len(), differences.join("\n"));
    // Both kinds are tried: documents both take and documents both refuse.
    assert!(
        both_took > cases.len() / 10 && both_refused > cases.len() / 10,
        "{both_took} taken, {both_refused} refused, {stricter} stricter"
    );
}
