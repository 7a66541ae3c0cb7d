//! The canonical JSON written: what `MessageToJson` prints for the same message.

use casebook_phenopackets::{
    Age, Individual, Message, MetaData, OntologyClass, Phenopacket, PhenotypicFeature, Quantity, Sex, TimeElement, Timestamp, VcfRecord,
    time_element,
};

#[test]
fn a_small_phenopacket_is_written_exactly_so() {
    let phenopacket = Phenopacket {
        id: "case-1".into(),
        subject: Some(Individual { id: "P1".into(), sex: Sex::Male, ..Individual::default() }),
        phenotypic_features: vec![
            PhenotypicFeature {
                r#type: Some(OntologyClass { id: "HP:0001369".into(), label: "Arthritis".into() }),
                onset: Some(TimeElement { element: Some(time_element::Element::Age(Age { iso8601duration: "P3Y6M".into() })) }),
                ..PhenotypicFeature::default()
            },
            PhenotypicFeature {
                r#type: Some(OntologyClass { id: "HP:0002633".into(), label: "Vasculitis".into() }),
                excluded: true,
                ..PhenotypicFeature::default()
            },
        ],
        meta_data: Some(MetaData {
            created: Some(Timestamp::from_date(2025, 6, 1).unwrap()),
            created_by: "site 03".into(),
            phenopacket_schema_version: "2.0.2".into(),
            ..MetaData::default()
        }),
        ..Phenopacket::default()
    };
    let expected = r#"{
  "id": "case-1",
  "subject": {
    "id": "P1",
    "sex": "MALE"
  },
  "phenotypicFeatures": [
    {
      "type": {
        "id": "HP:0001369",
        "label": "Arthritis"
      },
      "onset": {
        "age": {
          "iso8601duration": "P3Y6M"
        }
      }
    },
    {
      "type": {
        "id": "HP:0002633",
        "label": "Vasculitis"
      },
      "excluded": true
    }
  ],
  "metaData": {
    "created": "2025-06-01T00:00:00Z",
    "createdBy": "site 03",
    "phenopacketSchemaVersion": "2.0.2"
  }
}"#;
    assert_eq!(phenopacket.to_json(), expected);
}

#[test]
fn defaults_are_left_out_but_set_empty_messages_are_kept() {
    let text = r#"{"id": "", "subject": {"id": "S1", "sex": "UNKNOWN_SEX", "karyotypicSex": 0, "alternateIds": [], "taxonomy": {}},
                   "phenotypicFeatures": [{"excluded": false, "description": ""}], "measurements": []}"#;
    let expected = "{\n  \"subject\": {\n    \"id\": \"S1\",\n    \"taxonomy\": {}\n  },\n  \"phenotypicFeatures\": [\n    {}\n  ]\n}";
    assert_eq!(Phenopacket::from_json(text).unwrap().to_json(), expected);
    assert_eq!(Phenopacket::default().to_json(), "{}");
}

#[test]
fn sixty_four_bit_integers_are_strings_and_thirty_two_bit_ones_numbers() {
    let vcf = VcfRecord::from_json(r#"{"pos": 48689350, "chrom": "chrX"}"#).unwrap();
    assert_eq!(vcf.pos, 48_689_350);
    assert_eq!(vcf.to_json(), "{\n  \"chrom\": \"chrX\",\n  \"pos\": \"48689350\"\n}");
    assert_eq!(VcfRecord::from_json(r#"{"pos": "18446744073709551615"}"#).unwrap().pos, u64::MAX);

    let status = casebook_phenopackets::VitalStatus::from_json(r#"{"survivalTimeInDays": "42", "status": 2}"#).unwrap();
    assert_eq!(status.to_json(), "{\n  \"status\": \"DECEASED\",\n  \"survivalTimeInDays\": 42\n}");
}

#[test]
fn doubles_are_written_as_python_prints_them() {
    let cases = [
        ("86", "86.0"),
        ("0.1", "0.1"),
        ("1e-5", "1e-05"),
        ("\"5\"", "5.0"),
        ("1.5e16", "1.5e+16"),
        ("\"NaN\"", "\"NaN\""),
        ("-0.0", "-0.0"),
    ];
    for (input, output) in cases {
        let quantity = Quantity::from_json(&format!(r#"{{"value": {input}}}"#)).unwrap();
        assert_eq!(quantity.to_json(), format!("{{\n  \"value\": {output}\n}}"), "{input}");
    }
    assert_eq!(Quantity::from_json(r#"{"value": 0}"#).unwrap().to_json(), "{}");
}

#[test]
fn timestamps_are_written_in_utc_with_the_fewest_exact_fraction_digits() {
    let meta =
        MetaData::from_json(r#"{"created": "2025-06-01T14:00:00.5+02:00", "updates": [{"timestamp": "2025-06-01T00:00:00.000000001Z"}]}"#)
            .unwrap();
    let written = meta.to_json();
    assert!(written.contains("\"created\": \"2025-06-01T12:00:00.500Z\""), "{written}");
    assert!(written.contains("\"timestamp\": \"2025-06-01T00:00:00.000000001Z\""), "{written}");
}

#[test]
fn keys_are_written_in_field_number_order_whatever_the_input_order() {
    let phenopacket =
        Phenopacket::from_json(r#"{"metaData": {"createdBy": "x"}, "diseases": [{"term": {"label": "b", "id": "a"}}], "id": "p"}"#)
            .unwrap();
    let written = phenopacket.to_json();
    let positions: Vec<usize> = ["\"id\": \"p\"", "\"diseases\"", "\"metaData\"", "\"id\": \"a\"", "\"label\""]
        .iter()
        .map(|key| written.find(key).unwrap())
        .collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]) || positions[3] < positions[4], "{written}");
    assert!(written.find("\"id\": \"p\"") < written.find("\"diseases\"") && written.find("\"diseases\"") < written.find("\"metaData\""));
    assert!(written.find("\"id\": \"a\"") < written.find("\"label\": \"b\""));
}

#[test]
fn text_is_escaped_as_json_requires_and_nothing_more() {
    let class = OntologyClass { id: "X:1".into(), label: "a \"quoted\" label\twith é, ☃ and \\".into() };
    assert_eq!(class.to_json(), "{\n  \"id\": \"X:1\",\n  \"label\": \"a \\\"quoted\\\" label\\twith é, ☃ and \\\\\"\n}");
    assert_eq!(OntologyClass::from_json(&class.to_json()).unwrap(), class);
}

#[test]
fn compact_json_is_the_canonical_json_as_serde_json_writes_it() {
    for input in ["86", "0.1", "1e-5", "1.5e16", "\"NaN\"", "\"-Infinity\"", "-0.0", "123456789.125", "5e-324"] {
        let quantity =
            Quantity::from_json(&format!(r#"{{"value": {input}, "unit": {{"id": "UCUM:mg", "label": "a \"unit\"\n"}}}}"#)).unwrap();
        let expected = serde_json::to_string(&quantity.to_json_value()).unwrap();
        assert_eq!(quantity.to_compact_json(), expected, "{input}");
    }
    for folder in [crate::support::store_dir(), crate::support::fixtures_dir()] {
        for path in crate::support::json_files(&folder) {
            let Ok(document) = casebook_phenopackets::Document::from_json(&crate::support::read(&path)) else { continue };
            for phenopacket in document.members().iter().map(|member| member.phenopacket) {
                let expected = serde_json::to_string(&phenopacket.to_json_value()).unwrap();
                assert_eq!(phenopacket.to_compact_json(), expected, "{}", path.display());
            }
        }
    }
}
