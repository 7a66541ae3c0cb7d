//! Documents that break the JSON mapping: every problem is reported with its JSON path and
//! reason, all of a document's problems at once.

use serde_json::Value as Json;

use casebook_phenopackets::{Document, DocumentKind, Family, Message, Phenopacket, PhenopacketsError, Reason};

const VARIANT: &str = "$.interpretations[0].diagnosis.genomicInterpretations[0].variantInterpretation.variationDescriptor";

/// A phenopacket whose variationDescriptor is `descriptor`.
fn with_variant(descriptor: &str) -> String {
    format!(
        r#"{{"id": "x", "interpretations": [{{"id": "i", "diagnosis": {{"genomicInterpretations": [{{"variantInterpretation": {{"variationDescriptor": {descriptor}}}}}]}}}}]}}"#
    )
}

/// The single error a text yields, as (path, reason text).
fn only_error(text: &str) -> (String, String) {
    let errors = match Phenopacket::from_json(text) {
        Err(PhenopacketsError::Invalid { errors }) => errors,
        other => panic!("expected field errors, got {other:?}"),
    };
    assert_eq!(errors.len(), 1, "{errors:#?}");
    (errors[0].path.clone(), errors[0].reason.to_string())
}

#[test]
fn each_bad_value_is_reported_at_its_path_with_its_reason() {
    let features = |feature: &str| format!(r#"{{"phenotypicFeatures": [{{}}, {{}}, {{}}, {feature}]}}"#);
    let cases: Vec<(&str, String, String, &str)> = vec![
        ("unknown top-level field", r#"{"id": "x", "foo": 1}"#.into(), "$.foo".into(), "unknown field `foo` in Phenopacket"),
        (
            "unknown nested field",
            features(r#"{"type": {"id": "HP:0001369", "lable": "Arthritis"}}"#),
            "$.phenotypicFeatures[3].type.lable".into(),
            "unknown field `lable` in OntologyClass",
        ),
        (
            "wrong type",
            features(r#"{"type": {"id": 1369}}"#),
            "$.phenotypicFeatures[3].type.id".into(),
            "expected a string, found a number",
        ),
        (
            "int64 given as a bool",
            with_variant(r#"{"vcfRecord": {"pos": true}}"#),
            format!("{VARIANT}.vcfRecord.pos"),
            "expected a non-negative integer (uint64) as a string or a number, found a boolean",
        ),
        (
            "uint64 given as a word",
            with_variant(r#"{"vcfRecord": {"pos": "48689350a"}}"#),
            format!("{VARIANT}.vcfRecord.pos"),
            "`48689350a` is not a valid uint64: not an integer",
        ),
        (
            "uint64 given negative",
            with_variant(r#"{"vcfRecord": {"pos": -1}}"#),
            format!("{VARIANT}.vcfRecord.pos"),
            "`-1` is not a valid uint64: out of range",
        ),
        (
            "bad enum name",
            r#"{"subject": {"sex": "MALEE"}}"#.into(),
            "$.subject.sex".into(),
            "`MALEE` is not a value of Sex; expected one of UNKNOWN_SEX, FEMALE, MALE, OTHER_SEX",
        ),
        (
            "enum name in the wrong case",
            r#"{"subject": {"sex": "male"}}"#.into(),
            "$.subject.sex".into(),
            "`male` is not a value of Sex; expected one of UNKNOWN_SEX, FEMALE, MALE, OTHER_SEX",
        ),
        (
            "unknown enum number",
            r#"{"subject": {"sex": 7}}"#.into(),
            "$.subject.sex".into(),
            "`7` is not a value of Sex; expected one of UNKNOWN_SEX, FEMALE, MALE, OTHER_SEX",
        ),
        (
            "enum given as an object",
            r#"{"subject": {"sex": {}}}"#.into(),
            "$.subject.sex".into(),
            "expected an enum value name (a string) or number, found an object",
        ),
        (
            "uint32 below zero",
            r#"{"subject": {"vitalStatus": {"survivalTimeInDays": -1}}}"#.into(),
            "$.subject.vitalStatus.survivalTimeInDays".into(),
            "`-1` is not a valid uint32: out of range",
        ),
        (
            "int32 with a fraction",
            r#"{"subject": {"timeAtLastEncounter": {"gestationalAge": {"weeks": 32.5}}}}"#.into(),
            "$.subject.timeAtLastEncounter.gestationalAge.weeks".into(),
            "`32.5` is not a valid int32: not an integer",
        ),
        (
            "int32 too large",
            r#"{"subject": {"timeAtLastEncounter": {"gestationalAge": {"weeks": 2147483648}}}}"#.into(),
            "$.subject.timeAtLastEncounter.gestationalAge.weeks".into(),
            "`2147483648` is not a valid int32: out of range",
        ),
        (
            "bool given as a string",
            features(r#"{"excluded": "true"}"#),
            "$.phenotypicFeatures[3].excluded".into(),
            "expected true or false, found a string",
        ),
        (
            "double given as a bool",
            r#"{"measurements": [{"value": {"quantity": {"value": true}}}]}"#.into(),
            "$.measurements[0].value.quantity.value".into(),
            "expected a number (double), found a boolean",
        ),
        (
            "double given as a word",
            r#"{"measurements": [{"value": {"quantity": {"value": "high"}}}]}"#.into(),
            "$.measurements[0].value.quantity.value".into(),
            "`high` is not a valid double: not a number",
        ),
        (
            "object given for a list",
            r#"{"phenotypicFeatures": {}}"#.into(),
            "$.phenotypicFeatures".into(),
            "expected a list, found an object",
        ),
        ("string given for a message", r#"{"subject": "S1"}"#.into(), "$.subject".into(), "expected an object, found a string"),
        ("null in a list", r#"{"diseases": [{}, null]}"#.into(), "$.diseases[1]".into(), "null is not allowed as an element of a list"),
        (
            "a field under both of its names",
            r#"{"metaData": {}, "meta_data": {}}"#.into(),
            "$.meta_data".into(),
            "the field is given twice, first as `metaData`",
        ),
        (
            "two members of a oneof",
            features(r#"{"onset": {"age": {"iso8601duration": "P1Y"}, "ontologyClass": {"id": "HP:0003593"}}}"#),
            "$.phenotypicFeatures[3].onset.ontologyClass".into(),
            "only one member of the oneof `element` may be set, and `age` is set already",
        ),
        (
            "impossible timestamp",
            r#"{"metaData": {"created": "2022-13-01T00:00:00Z"}}"#.into(),
            "$.metaData.created".into(),
            "`2022-13-01T00:00:00Z` is not an RFC 3339 timestamp: no such calendar day",
        ),
        (
            "timestamp without a zone",
            r#"{"metaData": {"created": "2022-03-01T00:00:00"}}"#.into(),
            "$.metaData.created".into(),
            "`2022-03-01T00:00:00` is not an RFC 3339 timestamp: expected YYYY-MM-DDTHH:MM:SS, optional fractional seconds (at most 9 digits), then Z or an offset ±HH:MM",
        ),
        (
            "timestamp given as a number",
            r#"{"metaData": {"created": 1646092800}}"#.into(),
            "$.metaData.created".into(),
            "expected an RFC 3339 timestamp string, found a number",
        ),
        (
            "map value that is not a string",
            r#"{"files": [{"uri": "a", "fileAttributes": {"file format": 1}}]}"#.into(),
            r#"$.files[0].fileAttributes["file format"]"#.into(),
            "expected a string, found a number",
        ),
        (
            "VRS _id spelled id",
            with_variant(r#"{"variation": {"allele": {"id": "ga4gh:VA.1"}}}"#),
            format!("{VARIANT}.variation.allele.id"),
            "unknown field `id` in Allele",
        ),
        ("a document that is a list", "[1, 2]".into(), "$".into(), "expected an object, found a list"),
    ];
    for (name, text, path, reason) in &cases {
        assert_eq!(only_error(text), (path.clone(), reason.to_string()), "case: {name}");
    }
}

#[test]
fn every_error_of_a_document_is_reported_in_document_order() {
    let text = r#"{
      "id": 1,
      "subject": {"id": "S1", "sex": "MAN", "vitalStatus": {"status": "ALIVE", "survivalTimeInDays": "many"}},
      "phenotypicFeatures": [{"type": {"id": "HP:0001369", "label": "Arthritis"}, "excluded": 0, "colour": "red"}],
      "metaData": {"created": "yesterday"}
    }"#;
    let error = Phenopacket::from_json(text).unwrap_err();
    let paths: Vec<&str> = error.field_errors().iter().map(|error| error.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "$.id",
            "$.subject.sex",
            "$.subject.vitalStatus.survivalTimeInDays",
            "$.phenotypicFeatures[0].excluded",
            "$.phenotypicFeatures[0].colour",
            "$.metaData.created"
        ]
    );
    assert!(error.to_string().starts_with("$.id: expected a string, found a number (and 5 more)"), "{error}");
}

#[test]
fn text_that_is_not_json_gives_the_line_and_column() {
    let cases = [
        ("truncated", "{\n  \"id\": \"x\",\n  \"subject\": {\"id\": \"S1\"", 3, 24, "EOF while parsing an object"),
        ("trailing comma", "{\"id\": \"x\",}", 1, 12, "trailing comma"),
        ("empty", "", 1, 0, "EOF while parsing a value"),
        ("not JSON at all", "id: x", 1, 1, "expected value"),
    ];
    for (name, text, line, column, message) in cases {
        match Phenopacket::from_json(text) {
            Err(PhenopacketsError::Syntax { line: l, column: c, message: m }) => {
                assert_eq!((l, c, m.as_str()), (line, column, message), "case: {name}");
            }
            other => panic!("case {name}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn null_and_absent_fields_are_defaults() {
    let with_nulls = r#"{"id": "x", "subject": null, "phenotypicFeatures": null, "metaData": {"createdBy": null, "resources": null},
                         "diseases": [{"term": {"id": "OMIM:301000", "label": null}, "excluded": null, "onset": {"age": null}}]}"#;
    let without = r#"{"id": "x", "metaData": {}, "diseases": [{"term": {"id": "OMIM:301000"}, "onset": {}}]}"#;
    assert_eq!(Phenopacket::from_json(with_nulls).unwrap(), Phenopacket::from_json(without).unwrap());
}

#[test]
fn a_null_oneof_member_does_not_block_another() {
    let text = r#"{"phenotypicFeatures": [{"onset": {"age": null, "ontologyClass": {"id": "HP:0003593", "label": "Infantile onset"}}}]}"#;
    let phenopacket = Phenopacket::from_json(text).unwrap();
    assert!(phenopacket.to_json().contains("\"ontologyClass\""));
}

#[test]
fn family_members_report_paths_inside_the_family() {
    let error = Family::from_json(r#"{"proband": {"subject": {"sex": "BOY"}}, "relatives": [{}, {"id": false}]}"#).unwrap_err();
    let found: Vec<(&str, &Reason)> = error.field_errors().iter().map(|error| (error.path.as_str(), &error.reason)).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "$.proband.subject.sex");
    assert_eq!(found[1], ("$.relatives[1].id", &Reason::WrongType { expected: "a string", found: "a boolean" }));
}

/// Every error of a text, as (path, reason text).
fn all_errors(text: &str) -> Vec<(String, String)> {
    match Phenopacket::from_json(text) {
        Err(PhenopacketsError::Invalid { errors }) => errors.iter().map(|error| (error.path.clone(), error.reason.to_string())).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

#[test]
fn a_key_given_twice_in_one_object_is_an_error() {
    // As Python's `json_format.Parse` refuses it; a parsed `serde_json::Value` would keep one of the two.
    let twice = |first: &str| format!("the field is given twice, first as `{first}`");
    let onset = |onset: &str| format!(r#"{{"phenotypicFeatures": [{{"onset": {onset}}}]}}"#);
    let cases: Vec<(&str, String, Vec<(&str, String)>)> = vec![
        ("a field", r#"{"id": "a", "subject": {}, "id": "b"}"#.into(), vec![("$.id", twice("id"))]),
        ("a field given null first", r#"{"subject": null, "subject": {"id": "S1"}}"#.into(), vec![("$.subject", twice("subject"))]),
        (
            "a oneof member",
            onset(r#"{"age": {"iso8601duration": "P1Y"}, "age": {"iso8601duration": "P2Y"}}"#),
            vec![("$.phenotypicFeatures[0].onset.age", twice("age"))],
        ),
        (
            "a oneof member given null first",
            onset(r#"{"age": null, "age": {"iso8601duration": "P1Y"}}"#),
            vec![("$.phenotypicFeatures[0].onset.age", twice("age"))],
        ),
        (
            "an unknown key",
            r#"{"colour": "red", "colour": "blue"}"#.into(),
            vec![("$.colour", "unknown field `colour` in Phenopacket".into()), ("$.colour", twice("colour"))],
        ),
        (
            "a key of a map field",
            r#"{"files": [{"uri": "a", "fileAttributes": {"format": "VCF", "genomeAssembly": "GRCh38", "format": "BAM"}}]}"#.into(),
            vec![("$.files[0].fileAttributes.format", twice("format"))],
        ),
        // The first eight fields of an object are kept apart from the rest (`Claims`).
        (
            "fields given again after eight others",
            r#"{"id": "a", "subject": {}, "phenotypicFeatures": [], "measurements": [], "biosamples": [], "interpretations": [],
                "diseases": [], "medicalActions": [], "files": [], "metaData": {}, "files": [], "id": "b"}"#
                .into(),
            vec![("$.files", twice("files")), ("$.id", twice("id"))],
        ),
        // Not the same key: a second member of the oneof, as before.
        (
            "a oneof member under both of its names",
            onset(r#"{"ontologyClass": {"id": "HP:0003593"}, "ontology_class": {"id": "HP:0003593"}}"#),
            vec![(
                "$.phenotypicFeatures[0].onset.ontology_class",
                "only one member of the oneof `element` may be set, and `ontologyClass` is set already".into(),
            )],
        ),
    ];
    for (name, text, expected) in cases {
        let expected: Vec<(String, String)> = expected.into_iter().map(|(path, reason)| (path.to_string(), reason)).collect();
        assert_eq!(all_errors(&text), expected, "case: {name}");
    }
}

#[test]
fn a_document_that_is_null_is_not_an_object() {
    assert_eq!(all_errors("null"), [("$".to_string(), "expected an object, found null".to_string())]);
}

#[test]
fn syntax_errors_are_serde_json_s_wherever_they_are() {
    // The text is read in one pass, skipping what it does not use; skipped values are still parsed
    // as parsing the whole text into a `serde_json::Value` does, so a text that is not JSON gives
    // the same error, and no field errors, whatever the part it is in.
    let deep = format!(r#"{{"id": "x", "colour": {}{}}}"#, "[".repeat(200), "]".repeat(200));
    let texts = [
        r#"{"id": "x", "colour": "\ud800"}"#.to_string(),
        r#"{"id": "x", "colour": [1e400]}"#.to_string(),
        r#"{"id": 7, "subject": {"id": ["\ud800"]}}"#.to_string(),
        r#"{"id": 7, "metaData": {"created": 1e400}}"#.to_string(),
        r#"{"id": 7, "subject": {"sex": "MAN"}, "phenotypicFeatures": [{"type": {}}, {"type": {"id": "HP:1"},}]}"#.to_string(),
        r#"{"id": 7, "subject": {"id": "S1"}} {}"#.to_string(),
        r#"{"id": 7, "colour": {"shade": "dark", 3: 4}}"#.to_string(),
        deep,
    ];
    for text in &texts {
        let error = serde_json::from_str::<Json>(text).expect_err(text);
        let (line, column) = (error.line(), error.column());
        let message = error.to_string().replace(&format!(" at line {line} column {column}"), "");
        assert_eq!(Phenopacket::from_json(text), Err(PhenopacketsError::Syntax { line, column, message }), "{text}");
    }
}

#[test]
fn a_document_is_read_as_the_kind_its_top_level_keys_make_it() {
    let cases = [
        (r#"{"id": "p", "subject": {"id": "S1"}}"#, DocumentKind::Phenopacket),
        (r#"{"id": "f", "relatives": [], "proband": {"id": "P1"}}"#, DocumentKind::Family),
        (r#"{"id": "c", "description": "a cohort", "members": [{"id": "M1"}]}"#, DocumentKind::Cohort),
        (r#"{"id": "f", "consanguinous_parents": true}"#, DocumentKind::Family),
        (r#"{"id": "x", "metaData": {}}"#, DocumentKind::Phenopacket),
    ];
    for (text, kind) in cases {
        let document = Document::from_json(text).unwrap_or_else(|error| panic!("{text}: {error}"));
        assert_eq!(document.kind(), kind, "{text}");
        assert_eq!(DocumentKind::detect(&serde_json::from_str(text).unwrap()), kind, "{text}");
    }

    // Keys of the other kinds are unknown fields of the kind the document is, wherever they are.
    let family = r#"{"subject": {"sex": "BOY"}, "id": 1, "proband": {"subject": {"sex": "GIRL"}}, "members": []}"#;
    let error = Document::from_json(family).unwrap_err();
    let found: Vec<String> = error.field_errors().iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "$.subject: unknown field `subject` in Family",
            "$.id: expected a string, found a number",
            "$.proband.subject.sex: `GIRL` is not a value of Sex; expected one of UNKNOWN_SEX, FEMALE, MALE, OTHER_SEX",
            "$.members: unknown field `members` in Family",
        ]
    );
    assert_eq!(Document::from_json_value(&serde_json::from_str(family).unwrap()), Err(error));
    let phenopacket = r#"{"id": "x", "colour": "red", "subject": {"sex": "BOY"}}"#;
    assert_eq!(Document::from_json(phenopacket).unwrap_err().field_errors().len(), 2);
}
