//! Import and export round trips, and bad input that leaves the registry unchanged.

use sha2::{Digest, Sha256};

use crate::{casebook, copy_folder, files_of, reference_study, stderr, stdout};

fn database_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}", dir.join("registry.db").display())
}

/// The SHA-256 of every file of a SQLite registry (the database and any journal beside it).
fn registry_fingerprint(dir: &std::path::Path) -> Vec<(String, String)> {
    files_of(dir)
        .into_iter()
        .filter(|(name, _)| name.starts_with("registry.db"))
        .map(|(name, bytes)| (name, Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()))
        .collect()
}

#[test]
fn import_then_export_reproduces_the_study_folder_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let url = database_url(dir.path());
    let output = casebook(&["import", reference_study().to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("7 patients (7 new, 0 updated, 0 unchanged)"), "{}", stdout(&output));

    let exported = dir.path().join("exported");
    let output = casebook(&["export", "--out", exported.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    let original = files_of(&reference_study());
    let round_tripped = files_of(&exported);
    assert_eq!(original.iter().map(|(name, _)| name).collect::<Vec<_>>(), round_tripped.iter().map(|(name, _)| name).collect::<Vec<_>>());
    for ((name, before), (_, after)) in original.iter().zip(&round_tripped) {
        assert!(before == after, "{name} differs after the round trip:\n{}", String::from_utf8_lossy(after));
    }
}

/// (case, file to break, text to replace, replacement, what the message must say)
const BAD_FILES: &[(&str, &str, &str, &str, &[&str])] = &[
    ("malformed JSON", "patients/WAS-IT1-01.json", "\"sex\": \"male\",", "\"sex\": \"male\"", &["WAS-IT1-01.json", "line", "expected `,`"]),
    (
        "unknown HPO-style id",
        "patients/WAS-GB1-01.json",
        "\"HP:0000964\"",
        "\"HP:964\"",
        &["WAS-GB1-01.json", "$.features[", "HP:964", "7 digits"],
    ),
    (
        "unknown HPO prefix",
        "patients/WAS-IT2-01.json",
        "\"HP:0000964\"",
        "\"HPO:0000964\"",
        &["WAS-IT2-01.json", "$.features[", "HPO:0000964", "not a valid HP identifier"],
    ),
];

#[test]
fn a_bad_file_is_refused_with_its_place_and_reason_and_the_registry_is_unchanged() {
    for (case, file, original, replacement, expected) in BAD_FILES {
        let dir = tempfile::tempdir().unwrap();
        let url = database_url(dir.path());
        // A registry that already holds the study, so that "unchanged" means something.
        let output = casebook(&["import", reference_study().to_str().unwrap(), "--database", &url]);
        assert!(output.status.success(), "{case}: {}", stderr(&output));
        let before = registry_fingerprint(dir.path());

        let broken = dir.path().join("broken");
        copy_folder(&reference_study(), &broken);
        let path = broken.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(original), "{case}: {file} must contain {original}");
        std::fs::write(&path, text.replacen(original, replacement, 1)).unwrap();
        std::fs::write(broken.join("patients/WAS-IT1-02.json"), "{}").unwrap();

        let output = casebook(&["import", broken.to_str().unwrap(), "--database", &url]);
        assert_eq!(output.status.code(), Some(1), "{case}: {}", stderr(&output));
        let message = stderr(&output);
        for needle in *expected {
            assert!(message.contains(needle), "{case}: `{needle}` missing from:\n{message}");
        }
        assert!(message.contains("WAS-IT1-02.json"), "{case}: every bad file is reported, not only the first:\n{message}");
        assert!(message.contains("nothing was imported"), "{case}: {message}");
        assert_eq!(registry_fingerprint(dir.path()), before, "{case}: the registry must be byte-for-byte unchanged");
    }
}
