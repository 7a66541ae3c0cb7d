//! Casebook's canonical JSON against the Python reference (`phenopackets` 2.0.2.post5 with
//! protobuf's `json_format`), file by file, for every real document and every fixture.
//!
//! The reference output is made by `conformance/phenopackets_reference.py`; the test reads it
//! from the folder `CASEBOOK_PHENOPACKETS_REFERENCE_DIR` names, which holds one subfolder per
//! input folder: `phenopacket-store`, `phenopacket-examples` and `fixtures`.
//!
//! Both sides are parsed as `serde_json::Value` and compared: objects as maps (map fields have
//! no order in protobuf), lists in order, strings exactly, numbers by value. The only
//! normalisation this needs is that last one, and only in principle: Casebook prints doubles as
//! Python's `repr` does (`86.0`, `1e-05`), so the texts agree too, and the test reports how many
//! files are byte-for-byte identical.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use casebook_phenopackets::Document;

use crate::support::{examples_dir, first_difference, fixtures_dir, json_files, read, store_dir};

const REFERENCE_DIR: &str = "CASEBOOK_PHENOPACKETS_REFERENCE_DIR";

const HOW_TO: &str = "This test compares Casebook's canonical JSON with the Python reference's for every input file.
From the repository root, generate the reference output and point CASEBOOK_PHENOPACKETS_REFERENCE_DIR at it:

    pip install -r conformance/requirements.txt
    export CASEBOOK_PHENOPACKETS_REFERENCE_DIR=\"$(mktemp -d)\"
    python3 conformance/phenopackets_reference.py ../shared/data/phenopacket-store \"$CASEBOOK_PHENOPACKETS_REFERENCE_DIR/phenopacket-store\"
    python3 conformance/phenopackets_reference.py ../shared/data/phenopacket-examples \"$CASEBOOK_PHENOPACKETS_REFERENCE_DIR/phenopacket-examples\"
    python3 conformance/phenopackets_reference.py crates/casebook-phenopackets/tests/fixtures/conformance \"$CASEBOOK_PHENOPACKETS_REFERENCE_DIR/fixtures\"
    cargo test -p casebook-phenopackets";

fn reference_dir() -> PathBuf {
    match std::env::var_os(REFERENCE_DIR) {
        Some(folder) if !folder.is_empty() => PathBuf::from(folder),
        _ => panic!("{REFERENCE_DIR} is not set.\n\n{HOW_TO}"),
    }
}

/// Compares every file under `inputs` with its reference output; returns (files, identical texts).
fn compare_folder(inputs: &Path, references: &Path, failures: &mut Vec<String>) -> (usize, usize) {
    let files = json_files(inputs);
    let mut identical = 0;
    for path in &files {
        let relative = path.strip_prefix(inputs).unwrap();
        let name = relative.display();
        let ours = match Document::from_json(&read(path)) {
            Ok(document) => document.to_json(),
            Err(error) => {
                failures.push(format!("{name}: Casebook cannot read it: {error}"));
                continue;
            }
        };
        let reference_path = references.join(relative);
        let Ok(theirs) = std::fs::read_to_string(&reference_path) else {
            failures.push(format!("{name}: no reference output at {}", reference_path.display()));
            continue;
        };
        if ours == theirs.trim_end() {
            identical += 1;
        }
        let ours: Json = serde_json::from_str(&ours).expect("Casebook writes valid JSON");
        let theirs: Json = serde_json::from_str(&theirs).unwrap_or_else(|error| panic!("{}: {error}", reference_path.display()));
        if let Some((at, what)) = first_difference(&ours, &theirs) {
            failures.push(format!("{name}: first difference at {at}: Casebook {what} (Python)"));
        }
    }
    (files.len(), identical)
}

#[test]
fn canonical_output_equals_the_python_reference_for_every_file() {
    let reference = reference_dir();
    let mut failures = Vec::new();
    let mut total = 0;
    for (inputs, subfolder, expected) in
        [(store_dir(), "phenopacket-store", 1508), (examples_dir(), "phenopacket-examples", 6), (fixtures_dir(), "fixtures", 4)]
    {
        let references = reference.join(subfolder);
        assert!(references.is_dir(), "{} is not a folder.\n\n{HOW_TO}", references.display());
        let (files, identical) = compare_folder(&inputs, &references, &mut failures);
        assert_eq!(files, expected, "files under {}", inputs.display());
        eprintln!("{subfolder}: {files} files compared, {identical} byte-for-byte identical to the reference");
        total += files;
    }
    assert!(failures.is_empty(), "{} of {total} files differ from the Python reference:\n{}", failures.len(), failures.join("\n"));
}
