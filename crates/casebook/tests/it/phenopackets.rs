//! Phenopackets through the command line: the published phenopacket-store cases and the
//! reference study survive import, export and import again with the same report numbers, and
//! `casebook validate` names the errors of a folder of phenopackets.

use std::path::Path;

use crate::{casebook, csv_rows, reference_study, registry_with_reference_study, stderr, stdout};

fn shared() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The shared WAS example phenopacket with one error: `$.subject.sex` is `MAN`, which is no value
/// of the enum.
fn example_with_a_bad_sex() -> String {
    let text = std::fs::read_to_string(shared().join("data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    assert!(text.contains("\"sex\": \"MALE\""), "the example's subject is male");
    text.replacen("\"sex\": \"MALE\"", "\"sex\": \"MAN\"", 1)
}

/// Every statistic of a report folder as (id, display, patients).
fn statistics(dir: &Path) -> Vec<(String, String, Vec<String>)> {
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    report["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let patients = s["patients"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
            (s["id"].as_str().unwrap().to_string(), s["display"].as_str().unwrap().to_string(), patients)
        })
        .collect()
}

/// Imports `source` into a fresh registry holding `study` (a folder with study.toml only), then
/// exports phenopackets to `exported`, and returns the registry URL.
fn import_then_export(dir: &Path, name: &str, study: &Path, source: &Path, center: &str, exported: &Path) -> String {
    let url = format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    let output = casebook(&["import", study.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    let study_id =
        if study.join("study.toml").is_file() && std::fs::read_to_string(study.join("study.toml")).unwrap().contains("phenopacket-store") {
            "phenopacket-store"
        } else {
            "was-anti-il1"
        };
    let output = casebook(&["import", source.to_str().unwrap(), "--study", study_id, "--center", center, "--database", &url]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    let output =
        casebook(&["export", "--study", study_id, "--format", "phenopackets", "--out", exported.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    url
}

fn report(dir: &Path, url: &str, study: &str, name: &str) -> Vec<(String, String, Vec<String>)> {
    let out = dir.join(name);
    let output = casebook(&["report", "--study", study, "--out", out.to_str().unwrap(), "--database", url]);
    assert!(output.status.success(), "{}", stderr(&output));
    statistics(&out)
}

#[test]
fn the_phenopacket_store_round_trips_with_the_same_report_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let study = dir.path().join("store-study");
    std::fs::create_dir_all(&study).unwrap();
    std::fs::write(
        study.join("study.toml"),
        "id = \"phenopacket-store\"\ntitle = \"phenopacket-store cases\"\ndata_label = \"published case reports (phenopacket-store, BSD-3)\"\n\n[[centers]]\nid = \"store\"\nname = \"phenopacket-store\"\ncountry = \"XX\"\n",
    )
    .unwrap();
    let first_export = dir.path().join("first.zip");
    let first = import_then_export(dir.path(), "first", &study, &shared().join("data/phenopacket-store"), "store", &first_export);
    let second_export = dir.path().join("second");
    let second = import_then_export(dir.path(), "second", &study, &first_export, "store", &second_export);
    let before = report(dir.path(), &first, "phenopacket-store", "report-first");
    let after = report(dir.path(), &second, "phenopacket-store", "report-second");
    assert_eq!(before.iter().find(|s| s.0 == "cohort.patients").map(|s| s.1.as_str()), Some("1508"));
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a, b, "statistic {} changed through export and import", a.0);
    }
    let files = std::fs::read_dir(&second_export).unwrap().count();
    assert_eq!(files, 1508, "one phenopacket per patient");
}

#[test]
fn the_reference_study_round_trips_through_phenopackets_with_the_same_report_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("first.db").display());
    let output = casebook(&["import", reference_study().to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    let exported = dir.path().join("was");
    let output = casebook(&["export", "--format", "phenopackets", "--out", exported.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));

    // The Python reference package (PyPI `phenopackets`) reads every file Casebook wrote.
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/phenopackets_reference.py");
    let check = std::process::Command::new("python3").arg(&script).arg("--check").arg(&exported).output().expect("python3 runs");
    assert!(
        check.status.success(),
        "the Python phenopackets package refused Casebook's export (install it with `pip install -r conformance/requirements.txt`):\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    let study_only = dir.path().join("study-only");
    std::fs::create_dir_all(&study_only).unwrap();
    std::fs::copy(reference_study().join("study.toml"), study_only.join("study.toml")).unwrap();
    let second = format!("sqlite://{}", dir.path().join("second.db").display());
    assert!(casebook(&["import", study_only.to_str().unwrap(), "--database", &second]).status.success());
    let output = casebook(&["import", exported.to_str().unwrap(), "--study", "was-anti-il1", "--center", "IT1", "--database", &second]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("7 patients (7 new"), "{}", stdout(&output));

    let before = report(dir.path(), &url, "was-anti-il1", "report-first");
    let after = report(dir.path(), &second, "was-anti-il1", "report-second");
    assert_eq!(before, after);
}

#[test]
fn a_phenopacket_with_a_bad_field_is_refused_with_its_path_and_nothing_is_stored() {
    let (dir, url) = registry_with_reference_study();
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, example_with_a_bad_sex()).unwrap();
    let output = casebook(&["import", broken.to_str().unwrap(), "--study", "was-anti-il1", "--center", "IT1", "--database", &url]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stderr(&output).contains("broken.json: error at $.subject.sex"), "{}", stderr(&output));
    let output = casebook(&["studies", "--database", &url]);
    assert!(stdout(&output).contains("7 patients"), "the registry still holds only the reference study: {}", stdout(&output));
}

#[test]
fn a_family_file_imports_its_proband_and_relatives_and_says_what_of_the_family_is_not_kept() {
    let (dir, url) = registry_with_reference_study();
    let family = dir.path().join("family");
    std::fs::create_dir_all(&family).unwrap();
    std::fs::copy(shared().join("data/phenopacket-examples/comprehensive-family.json"), family.join("family.json")).unwrap();
    let output = casebook(&["import", family.to_str().unwrap(), "--study", "was-anti-il1", "--center", "IT1", "--database", &url]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    let said = stdout(&output);
    assert!(said.contains("3 patients (3 new, 0 updated, 0 unchanged)"), "{said}");
    assert!(
        said.contains("Not kept: ") && said.contains("family.json: a Family of 3 phenopacket(s)") && said.contains("`pedigree`"),
        "{said}"
    );
    // Its few warnings are shown one by one, at their places in the file.
    assert!(said.contains("Warnings:\n"), "{said}");
    assert!(said.contains("family.json: warning at $.proband.phenotypicFeatures[2].type.label: "), "{said}");
    let output = casebook(&["studies", "--database", &url]);
    assert!(stdout(&output).contains("10 patients"), "the reference study's 7 and the family's 3: {}", stdout(&output));
}

/// Patients reach the store while later files are still being read: a bad file at the end must
/// still undo everything, even after whole batches were stored in the open transaction.
#[test]
fn a_bad_file_after_hundreds_of_good_ones_leaves_the_registry_as_it_was() {
    let (dir, url) = registry_with_reference_study();
    let trail_before = stdout(&casebook(&["audit", "verify", "--database", &url]));
    let folder = dir.path().join("many");
    std::fs::create_dir(&folder).unwrap();
    let mut good: Vec<std::path::PathBuf> = walk_json(&shared().join("data/phenopacket-store"));
    good.sort();
    for (index, file) in good.iter().take(600).enumerate() {
        std::fs::copy(file, folder.join(format!("{index:04}.json"))).unwrap();
    }
    std::fs::write(folder.join("9999-broken.json"), example_with_a_bad_sex()).unwrap();

    let output = casebook(&["import", folder.to_str().unwrap(), "--study", "was-anti-il1", "--center", "IT1", "--database", &url]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stderr(&output).contains("9999-broken.json: error at $.subject.sex"), "{}", stderr(&output));
    assert!(stderr(&output).contains("nothing was imported"), "{}", stderr(&output));
    let studies = stdout(&casebook(&["studies", "--database", &url]));
    assert!(studies.contains("7 patients"), "the registry still holds only the reference study: {studies}");
    assert_eq!(stdout(&casebook(&["audit", "verify", "--database", &url])), trail_before, "no audit event was added");

    // The same files without the bad one go in whole.
    std::fs::remove_file(folder.join("9999-broken.json")).unwrap();
    let output = casebook(&["import", folder.to_str().unwrap(), "--study", "was-anti-il1", "--center", "IT1", "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("600 phenopacket file(s)"), "{}", stdout(&output));
}

/// The counts under "Warnings by rule" of an import's summary.
fn warnings_by_rule(said: &str) -> std::collections::BTreeMap<String, usize> {
    let counts = said.split_once("Warnings by rule").expect("warnings counted by rule").1;
    counts
        .lines()
        .skip(1)
        .map_while(|line| line.strip_prefix("  ")?.split_once(": "))
        .map(|(rule, count)| (rule.to_string(), count.parse().unwrap()))
        .collect()
}

#[test]
fn an_import_with_many_warnings_lists_each_in_a_csv_file_with_its_file_and_place() {
    let (dir, url) = registry_with_reference_study();
    let folder = dir.path().join("store-part");
    std::fs::create_dir(&folder).unwrap();
    let mut files = walk_json(&shared().join("data/phenopacket-store"));
    files.sort();
    // Every tenth of the published cases: 151 files, with warnings of several rules.
    let chosen: Vec<_> = files.iter().step_by(10).collect();
    for (index, file) in chosen.iter().enumerate() {
        std::fs::copy(file, folder.join(format!("{index:03}.json"))).unwrap();
    }
    let csv = dir.path().join("findings.csv");
    let import = |csv: &Path| {
        casebook(&[
            "import",
            folder.to_str().unwrap(),
            "--study",
            "was-anti-il1",
            "--center",
            "IT1",
            "--findings-csv",
            csv.to_str().unwrap(),
            "--database",
            &url,
        ])
    };
    let output = import(&csv);
    assert!(output.status.success(), "{}", stderr(&output));
    let said = stdout(&output);
    assert!(said.contains("Warnings by rule (each is in the CSV file, with its file and place):"), "{said}");
    let counted = warnings_by_rule(&said);
    assert!(counted.values().sum::<usize>() > 20, "enough warnings to be counted rather than shown: {said}");

    let rows = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(rows[0], ["file", "place", "level", "rule", "message", "source"]);
    let mut listed = std::collections::BTreeMap::new();
    for row in &rows[1..] {
        assert_eq!(row.len(), 6, "{row:?}");
        let file = Path::new(&row[0]);
        assert!(file.starts_with(&folder) && file.is_file(), "a row names one of the files imported: {row:?}");
        assert!(row[1].is_empty() || row[1].starts_with("$."), "a place is a JSON path: {row:?}");
        assert!(!row[4].is_empty(), "{row:?}");
        if row[2] == "warning" {
            *listed.entry(row[3].clone()).or_insert(0) += 1;
        }
    }
    assert_eq!(listed, counted, "the CSV lists each warning the summary counts");
    assert!(said.contains(&format!("{} finding(s) written to {}", rows.len() - 1, csv.display())), "{said}");

    // A refused import lists its errors there too, and stores nothing.
    std::fs::write(folder.join("999-broken.json"), example_with_a_bad_sex()).unwrap();
    let refused_csv = dir.path().join("refused.csv");
    let output = import(&refused_csv);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let rows = csv_rows(&std::fs::read_to_string(&refused_csv).unwrap());
    let errors: Vec<&Vec<String>> = rows.iter().filter(|row| row[2] == "error").collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0][..4],
        [folder.join("999-broken.json").display().to_string(), "$.subject.sex".into(), "error".into(), "invalid-phenopacket".into()]
    );
    let studies = stdout(&casebook(&["studies", "--database", &url]));
    let patients = format!("{} patients", 7 + chosen.len());
    assert!(studies.contains(&patients), "the 7 of the reference study and those of the first import: {studies}");
}

fn walk_json(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk_json(&path));
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_fhir_export_is_a_bundle_an_independent_fhir_library_accepts() {
    let (dir, url) = registry_with_reference_study();
    let bundle = dir.path().join("fhir/was-bundle.json");
    let output = casebook(&["export", "--format", "fhir", "--out", bundle.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    assert_eq!(json["resourceType"], "Bundle");
    let patients = json["entry"].as_array().unwrap().iter().filter(|e| e["resource"]["resourceType"] == "Patient").count();
    assert_eq!(patients, 7);
    let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/fhir/validate_bundle.py");
    let check = std::process::Command::new("python3").arg(&script).arg(&bundle).output().expect("python3 runs");
    assert!(
        check.status.success(),
        "fhir.resources refused the bundle (install it with `pip install -r conformance/fhir/requirements.txt`):\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn a_folder_of_phenopackets_validates_with_its_errors_named() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::fs::read_to_string(shared().join("data/phenopacket-examples/was-anakinra-hsct.json")).unwrap();
    std::fs::write(dir.path().join("a.json"), &example).unwrap();
    let output = casebook(&["validate", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("1 phenopacket file(s), 0 error(s)"), "{}", stdout(&output));

    std::fs::write(dir.path().join("b.json"), example_with_a_bad_sex()).unwrap();
    let output = casebook(&["validate", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).contains("2 phenopacket file(s), 1 error(s)"), "{}", stdout(&output));
    assert!(stderr(&output).contains("b.json: error at $.subject.sex"), "{}", stderr(&output));

    // The same findings, a row each, for a spreadsheet; written beside the folder checked.
    let csv = dir.path().with_extension("csv");
    let output = casebook(&["validate", dir.path().to_str().unwrap(), "--findings-csv", csv.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let rows = csv_rows(&std::fs::read_to_string(&csv).unwrap());
    let printed = stderr(&output).lines().filter(|line| line.contains(".json: ")).count();
    assert_eq!(rows.len() - 1, printed, "a row for each finding printed: {rows:?}");
    assert!(rows.iter().any(|row| row[0].ends_with("b.json") && row[1] == "$.subject.sex" && row[2] == "error"), "{rows:?}");
    std::fs::remove_file(&csv).unwrap();
}
