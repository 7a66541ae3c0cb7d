//! The cross-field rules of `check_patient`, run on small patient files.

use casebook_domain::check::{Level, check_patient};
use casebook_domain::study::Study;
use casebook_formats::native::folder::{parse_patient_json, parse_study_toml};

fn study() -> Study {
    parse_study_toml("id = \"s\"\ntitle = \"t\"\n[[centers]]\nid = \"A\"\nname = \"Center A\"\ncountry = \"IT\"\n").unwrap()
}

/// A patient with one anakinra course; `course` and `extra` are spliced into the JSON.
fn patient_json(course: &str, extra: &str) -> String {
    format!(
        r#"{{
  "pseudonym": "P-01", "center": "A", "source": "constructed", "sex": "male", "birth": "2015-03",
  "vitalStatus": "alive", "lastFollowUp": "2022-01",
  "features": [ {{ "id": "HP:0000964", "label": "Eczematoid dermatitis" }} ],
  "weights": [ {{ "date": "2016-01", "kg": 10.0 }} ],
  "courses": [ {{ "id": "C1", "drug": "anakinra", "route": "sc", "frequency": "qd", "start": "2016-02", "phase": "no-definitive-therapy"{course} }} ]
  {extra}
}}"#
    )
}

/// Rule ids found for a patient file, with their levels.
fn rules_found(json: &str) -> Vec<(Level, String)> {
    let patient = parse_patient_json(json).unwrap_or_else(|problems| panic!("fixture must parse: {problems:?}"));
    check_patient(&patient, &study()).into_iter().map(|d| (d.level, d.rule)).collect()
}

#[test]
fn each_rule_fires_on_its_own_case_and_names_itself() {
    let cases: &[(&str, String, &[(Level, &str)])] = &[
        ("a plausible course", patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, ""), &[]),
        ("end before start", patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}, "end": "2016-01""#, ""), &[(Level::Error, "course-end-before-start")]),
        ("a course after the last follow-up", patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}, "end": "2023-01""#, ""), &[(Level::Error, "date-after-last-follow-up")]),
        ("a date before birth", patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, r#", "symptomOnset": "2014""#), &[(Level::Error, "date-before-birth")]),
        ("a unit slip: 30 mg/kg instead of 30 mg", patient_json(r#", "dose": {"value": 30.0, "unit": "mg/kg"}"#, ""), &[(Level::Warning, "anakinra-above-label-max")]),
        ("an unknown drug", patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, "").replace("\"anakinra\"", "\"wonderdrug\""), &[(Level::Error, "unknown-drug")]),
        (
            "a phase that contradicts the dates",
            patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, r#", "definitiveTherapies": [ { "id": "GT1", "type": "gene-therapy", "date": "2015-12" } ]"#),
            &[(Level::Error, "phase-contradicts-dates")],
        ),
        (
            "a feature both present and excluded",
            patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, "").replace(
                r#"{ "id": "HP:0000964", "label": "Eczematoid dermatitis" }"#,
                r#"{ "id": "HP:0000964", "label": "Eczematoid dermatitis" }, { "id": "HP:0000964", "label": "Eczematoid dermatitis", "excluded": true }"#,
            ),
            &[(Level::Error, "feature-observed-and-excluded")],
        ),
        (
            "an onset age and a course end past the age at the last follow-up, given as an age",
            patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}, "end": "2023-01""#, r#", "symptomOnsetAgeMonths": 90"#)
                .replace(r#""lastFollowUp": "2022-01""#, r#""lastFollowUpAgeMonths": 80"#),
            &[(Level::Warning, "age-after-last-follow-up"), (Level::Warning, "age-after-last-follow-up")],
        ),
        (
            "a feature's onset age past the last follow-up, a date 82 months after birth",
            patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, "")
                .replace(r#""label": "Eczematoid dermatitis" }"#, r#""label": "Eczematoid dermatitis", "onset": { "ageMonths": 83 } }"#),
            &[(Level::Warning, "age-after-last-follow-up")],
        ),
        (
            "ages within the follow-up",
            patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, r#", "symptomOnsetAgeMonths": 9"#)
                .replace(r#""label": "Eczematoid dermatitis" }"#, r#""label": "Eczematoid dermatitis", "onset": { "ageMonths": 82 } }"#),
            &[],
        ),
        ("a switch to a course that does not exist", patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}, "termination": "switched", "switchedTo": "C9""#, ""), &[(Level::Error, "unknown-course")]),
    ];
    for (case, json, expected) in cases {
        let found = rules_found(json);
        let expected: Vec<(Level, String)> = expected.iter().map(|(level, rule)| (*level, rule.to_string())).collect();
        assert_eq!(found, expected, "{case}");
    }
}

#[test]
fn the_dose_warning_says_the_numbers_and_its_source() {
    let patient = parse_patient_json(&patient_json(r#", "dose": {"value": 30.0, "unit": "mg/kg"}"#, "")).unwrap();
    let found = check_patient(&patient, &study());
    assert_eq!(found[0].path, "courses[0].dose");
    assert!(found[0].message.contains("30"), "{}", found[0].message);
    assert!(found[0].source.as_deref().is_some_and(|source| source.contains("label")), "{:?}", found[0].source);
}

#[test]
fn a_center_outside_the_study_is_an_error() {
    let json = patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}"#, "").replace(r#""center": "A""#, r#""center": "Z""#);
    assert_eq!(rules_found(&json), vec![(Level::Error, "unknown-center".to_string())]);
}

#[test]
fn an_age_past_the_last_follow_up_names_its_place_and_both_ages() {
    let json = patient_json(r#", "dose": {"value": 30.0, "unit": "mg"}, "end": "2023-01""#, r#", "symptomOnsetAgeMonths": 90"#)
        .replace(r#""lastFollowUp": "2022-01""#, r#""lastFollowUpAgeMonths": 80"#);
    let patient = parse_patient_json(&json).unwrap();
    let found: Vec<(String, String)> = check_patient(&patient, &study()).into_iter().map(|d| (d.path, d.message)).collect();
    assert_eq!(
        found,
        [
            (
                "symptomOnsetAgeMonths".to_string(),
                "an age of 7 years 6 months is past the age at the last follow-up, 6 years 8 months".to_string()
            ),
            (
                "courses[0].end".to_string(),
                "an age of 7 years 10 months is past the age at the last follow-up, 6 years 8 months".to_string()
            ),
        ]
    );
}
