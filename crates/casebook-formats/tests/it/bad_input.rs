//! Bad patient files are refused with every problem, its JSON path and the reason.

use casebook_domain::check::Diagnostic;
use casebook_formats::native::folder::{parse_patient_json, parse_study_toml};

const VALID: &str = r#"{
  "pseudonym": "P-01",
  "center": "A",
  "source": "constructed",
  "sex": "male",
  "birth": "2015-03",
  "vitalStatus": "alive",
  "features": [ { "id": "HP:0000964", "label": "Eczematoid dermatitis" } ],
  "courses": [ { "id": "C1", "drug": "anakinra", "start": "2016-02", "phase": "no-definitive-therapy" } ]
}"#;

fn problems(json: &str) -> Vec<Diagnostic> {
    parse_patient_json(json).expect_err("the file must be refused")
}

/// (case, text in the valid file, its replacement, expected path, a word the message must contain)
const SINGLE_PROBLEMS: &[(&str, &str, &str, &str, &str)] = &[
    ("unknown HPO-style id", r#""HP:0000964""#, r#""HP:96400""#, "features[0].id", "7 digits"),
    ("unknown field", r#""sex": "male""#, r#""sexe": "male""#, "sexe", "unknown field `sexe`"),
    ("wrong JSON type", r#""birth": "2015-03""#, r#""birth": 201503"#, "birth", "invalid type"),
    ("impossible date", r#""start": "2016-02""#, r#""start": "2016-13""#, "courses[0].start", "month must be 01 to 12"),
    ("unknown keyword", r#""no-definitive-therapy""#, r#""pre-treatment""#, "courses[0].phase", "expected one of"),
    ("missing field", r#""sex": "male","#, "", "line", "missing field `sex`"),
    ("broken JSON", r#""vitalStatus": "alive","#, r#""vitalStatus": "alive""#, "line 8", "expected `,`"),
];

#[test]
fn each_kind_of_bad_value_is_named_with_its_path_and_reason() {
    for (case, original, replacement, expected_path, expected_word) in SINGLE_PROBLEMS {
        let json = VALID.replace(original, replacement);
        assert_ne!(json, VALID, "{case}: the replacement must change the file");
        let found = problems(&json);
        assert_eq!(found.len(), 1, "{case}: {found:?}");
        assert!(found[0].path.starts_with(expected_path), "{case}: path `{}` should start with `{expected_path}`", found[0].path);
        assert!(found[0].message.contains(expected_word), "{case}: message `{}` should mention `{expected_word}`", found[0].message);
    }
}

#[test]
fn every_value_problem_of_a_file_is_reported_at_once() {
    let json = VALID
        .replace(r#""HP:0000964""#, r#""HPO:0000964""#)
        .replace(r#""2015-03""#, r#""2015-3""#)
        .replace(r#""anakinra", "start": "2016-02""#, r#""anakinra", "start": "2016-02-30""#);
    let found = problems(&json);
    let paths: Vec<&str> = found.iter().map(|d| d.path.as_str()).collect();
    assert_eq!(paths, ["birth", "features[0].id", "courses[0].start"], "{found:?}");
}

#[test]
fn the_valid_file_parses() {
    let patient = parse_patient_json(VALID).unwrap();
    assert_eq!(patient.pseudonym.as_str(), "P-01");
    assert_eq!(patient.courses[0].drug, "anakinra");
}

#[test]
fn a_study_file_with_an_unknown_key_names_its_line() {
    let found = parse_study_toml("id = \"s\"\ntitle = \"t\"\ncentres = []\n").unwrap_err();
    assert_eq!(found[0].path, "line 3");
    assert!(found[0].message.contains("unknown field `centres`"), "{}", found[0].message);
}

#[test]
fn a_study_needs_centers_with_valid_countries() {
    let found = parse_study_toml("id = \"s\"\ntitle = \"t\"\n[[centers]]\nid = \"A\"\nname = \"A\"\ncountry = \"Italy\"\n").unwrap_err();
    assert_eq!(found[0].path, "centers[0].country");
}
