//! Import and export round trips, and bad input that leaves the registry unchanged.

use sha2::{Digest, Sha256};

use crate::{casebook, copy_folder, files_of, reference_study, registry_with_reference_study, stderr, stdout};

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

#[test]
fn an_export_never_mixes_with_an_earlier_one_in_its_folder() {
    let (dir, url) = registry_with_reference_study();
    for (format, patient_file) in [("native", "patients/WAS-IT9-99.json"), ("phenopackets", "WAS-IT9-99.json")] {
        let out = dir.path().join(format!("exported-{format}"));
        let export = |replace: bool| {
            let mut args = vec!["export", "--format", format, "--out", out.to_str().unwrap(), "--database", &url];
            args.extend(replace.then_some("--replace"));
            casebook(&args)
        };
        let output = export(false);
        assert!(output.status.success(), "{}", stderr(&output));
        // Names only: a phenopacket says when it was written.
        let names = || files_of(&out).into_iter().map(|(name, _)| name).collect::<Vec<_>>();
        let first = names();
        // A patient of an earlier export, since removed from the registry.
        std::fs::write(out.join(patient_file), "{}").unwrap();

        let output = export(false);
        assert_eq!(output.status.code(), Some(2), "{format}: {}", stdout(&output));
        assert!(stderr(&output).contains("already holds") && stderr(&output).contains("--replace"), "{format}: {}", stderr(&output));
        assert_eq!(names().len(), first.len() + 1, "{format}: a refused export changes nothing");

        let output = export(true);
        assert!(output.status.success(), "{format}: {}", stderr(&output));
        assert_eq!(names(), first, "{format}: the earlier export's extra patient is gone, the rest is as before");

        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        let output = export(true);
        assert_eq!(output.status.code(), Some(2), "{format}: {}", stdout(&output));
        assert!(stderr(&output).contains("`notes.txt`, which an export does not write"), "{format}: {}", stderr(&output));
        assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
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
