//! House rules, checked over this crate's sources.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).expect("readable directory").map(|entry| entry.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_source_file_has_a_module_header_and_no_banned_attributes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "examples"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found only {files:?}");
    // Spelled in pieces so this file does not trip its own check.
    let banned = [concat!("#[should", "_panic"), concat!("#[ig", "nore")];
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable file");
        assert!(text.starts_with("//!"), "{} has no //! header", file.display());
        for attribute in banned {
            assert!(!text.contains(attribute), "{} uses {attribute}", file.display());
        }
    }
}
