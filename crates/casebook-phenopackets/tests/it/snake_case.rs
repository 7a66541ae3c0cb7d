//! Documents written with the proto field names (snake_case) read the same as with the JSON
//! names (lowerCamelCase), as every protobuf JSON parser accepts both.

use serde_json::{Map, Value as Json};

use casebook_phenopackets::{Document, Message, Phenopacket};

use crate::support::{examples_dir, json_files, read, store_dir};

/// The proto name of a JSON name: `phenotypicFeatures` → `phenotypic_features`, `Id` → `_id`.
fn snake_case(key: &str) -> String {
    let mut snake = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    snake
}

/// Renames every field key, leaving the keys of map fields (which are data) alone.
fn to_snake_case(json: &Json) -> Json {
    match json {
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(key, value)| {
                    let is_map_field = matches!(key.as_str(), "fileAttributes" | "individualToFileIdentifiers");
                    let value = if is_map_field { value.clone() } else { to_snake_case(value) };
                    (snake_case(key), value)
                })
                .collect::<Map<_, _>>(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(to_snake_case).collect()),
        other => other.clone(),
    }
}

#[test]
fn snake_case_names_convert_as_the_proto_compiler_does() {
    assert_eq!(snake_case("phenotypicFeatures"), "phenotypic_features");
    assert_eq!(snake_case("iso8601duration"), "iso8601duration");
    assert_eq!(snake_case("Id"), "_id");
}

#[test]
fn every_real_document_reads_the_same_with_snake_case_keys() {
    let files: Vec<_> = json_files(&store_dir()).into_iter().chain(json_files(&examples_dir())).collect();
    for path in &files {
        let camel: Json = serde_json::from_str(&read(path)).unwrap();
        let snake = to_snake_case(&camel);
        assert_ne!(camel, snake, "{}", path.display());
        let expected = Document::from_json_value(&camel).unwrap();
        assert_eq!(Document::from_json_value(&snake).unwrap(), expected, "{}", path.display());
    }
    assert_eq!(files.len(), 1508 + 6);
}

#[test]
fn a_document_may_mix_both_spellings() {
    let mixed = r#"{"id": "x", "phenotypic_features": [{"type": {"id": "HP:0001369", "label": "Arthritis"}}],
                   "metaData": {"created_by": "me", "phenopacketSchemaVersion": "2.0"}}"#;
    let camel = r#"{"id": "x", "phenotypicFeatures": [{"type": {"id": "HP:0001369", "label": "Arthritis"}}],
                   "metaData": {"createdBy": "me", "phenopacketSchemaVersion": "2.0"}}"#;
    assert_eq!(Phenopacket::from_json(mixed).unwrap(), Phenopacket::from_json(camel).unwrap());
    assert!(Phenopacket::from_json(mixed).unwrap().to_json().contains("\"phenotypicFeatures\""));
}
