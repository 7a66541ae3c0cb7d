//! `casebook report` writes the report; `--verify` tells whether it still matches the registry.

use crate::{casebook, copy_folder, reference_study, registry_with_reference_study, stderr, stdout};

#[test]
fn a_report_verifies_until_the_data_change() {
    let (dir, url) = registry_with_reference_study();

    let out = dir.path().join("report");
    let output = casebook(&["report", "--study", "was-anti-il1", "--out", out.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    for file in [
        "report.html",
        "report.json",
        "statistics.csv",
        "table-1.csv",
        "manifestations.csv",
        "treatments.csv",
        "listing.csv",
        "figure-1-swimmer.svg",
        "figure-2-phenotype-grid.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} was not written");
    }
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["study"]["patients"], 7);

    let output = casebook(&["report", "--verify", out.to_str().unwrap(), "--database", &url]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
    assert!(stdout(&output).contains("matches the registry"), "{}", stdout(&output));

    // One patient loses arthritis: the data hash and the joint statistics change.
    let changed = dir.path().join("changed");
    copy_folder(&reference_study(), &changed);
    let path = changed.join("patients/WAS-IT1-02.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let arthritis = r#""id": "HP:0001369",
      "label": "Arthritis","#;
    assert!(text.contains(arthritis), "WAS-IT1-02 has arthritis in the reference study");
    std::fs::write(&path, text.replacen(arthritis, &format!("{arthritis}\n      \"excluded\": true,"), 1)).unwrap();
    let output = casebook(&["import", changed.to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "{}", stderr(&output));

    let output = casebook(&["report", "--verify", out.to_str().unwrap(), "--database", &url]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("the patient data changed"), "{text}");
    assert!(text.contains("manifestation.group.inflammatory-joint: 4/7 (57 %) then, 3/7 (43 %) now"), "{text}");
}

#[test]
fn a_report_says_which_files_of_its_folder_it_did_not_write() {
    let (dir, url) = registry_with_reference_study();
    let out = dir.path().join("report");
    let report = || casebook(&["report", "--study", "was-anti-il1", "--out", out.to_str().unwrap(), "--database", &url]);

    let output = report();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("Note"), "a fresh folder holds only the report: {}", stderr(&output));
    // A figure an earlier report drew, and the user's own file: both stay, and are named.
    std::fs::write(out.join("figure-ferritin.svg"), "<svg/>").unwrap();
    std::fs::write(out.join("my notes.txt"), "mine").unwrap();
    let output = report();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("also holds files this report did not write (from an earlier report?): figure-ferritin.svg, my notes.txt"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(out.join("my notes.txt")).unwrap(), "mine");
}
