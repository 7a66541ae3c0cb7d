//! Where the test data is, and a JSON comparison that names the first difference.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

/// The shared data folder, beside the repository (`../shared/data` from its root).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The 1,508-file subset of phenopacket-store.
pub fn store_dir() -> PathBuf {
    data_dir().join("phenopacket-store")
}

/// The schema's and phenopackets-rust's example documents.
pub fn examples_dir() -> PathBuf {
    data_dir().join("phenopacket-examples")
}

/// Constructed documents with every corner of the JSON mapping, checked against the reference.
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance")
}

/// Every `*.json` file under a folder, recursively, sorted.
pub fn json_files(folder: &Path) -> Vec<PathBuf> {
    fn collect(folder: &Path, files: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(folder).unwrap_or_else(|error| panic!("reading {}: {error}", folder.display()));
        for entry in entries {
            let path = entry.expect("a readable folder entry").path();
            if path.is_dir() {
                collect(&path, files);
            } else if path.extension().is_some_and(|extension| extension == "json") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    collect(folder, &mut files);
    files.sort();
    files
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// The first place two JSON values differ, as a path and a description, or `None` when they
/// are equal. Objects are compared as maps (key order does not matter), lists in order, and
/// numbers by value, so `86` equals `86.0`.
pub fn first_difference(left: &Json, right: &Json) -> Option<(String, String)> {
    fn walk(left: &Json, right: &Json, path: &mut String) -> Option<(String, String)> {
        match (left, right) {
            (Json::Object(left), Json::Object(right)) => {
                for (key, value) in left {
                    let len = path.len();
                    path.push('.');
                    path.push_str(key);
                    let found = match right.get(key) {
                        Some(other) => walk(value, other, path),
                        None => Some((path.clone(), format!("only on the left: {value}"))),
                    };
                    path.truncate(len);
                    if found.is_some() {
                        return found;
                    }
                }
                let missing = right.keys().find(|key| !left.contains_key(*key))?;
                Some((format!("{path}.{missing}"), format!("only on the right: {}", right[missing])))
            }
            (Json::Array(left), Json::Array(right)) => {
                for (index, (value, other)) in left.iter().zip(right).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{index}]"));
                    let found = walk(value, other, path);
                    path.truncate(len);
                    if found.is_some() {
                        return found;
                    }
                }
                (left.len() != right.len()).then(|| (path.clone(), format!("{} elements against {}", left.len(), right.len())))
            }
            (Json::Number(a), Json::Number(b)) if a.as_f64() == b.as_f64() && (a.as_f64().is_some() || a == b) => None,
            _ if left == right => None,
            _ => Some((path.clone(), format!("{left} against {right}"))),
        }
    }
    walk(left, right, &mut "$".to_string())
}
