//! Tests of the `casebook` binary, run as a user would run it.

mod audit;
mod cli;
mod import_export;
mod phenopackets;
mod report;
mod tidy;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The reference study folder in the repository.
pub fn reference_study() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../studies/was-anti-il1")
}

/// Runs `casebook` with `args` and no CASEBOOK_DATABASE from the environment.
pub fn casebook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casebook")).args(args).env_remove("CASEBOOK_DATABASE").output().expect("the casebook binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A temporary folder with a SQLite registry (`registry.db`) holding the reference study, and
/// the registry's URL. The folder goes when the first value is dropped.
pub fn registry_with_reference_study() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("registry.db").display());
    let output = casebook(&["import", reference_study().to_str().unwrap(), "--database", &url]);
    assert!(output.status.success(), "importing the reference study: {}", stderr(&output));
    (dir, url)
}

/// Copies a study folder so a test can break it.
pub fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("patients")).unwrap();
    std::fs::copy(from.join("study.toml"), to.join("study.toml")).unwrap();
    for entry in std::fs::read_dir(from.join("patients")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join("patients").join(path.file_name().unwrap())).unwrap();
    }
}

/// Every file under a folder with its bytes, by relative path.
pub fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// The rows of a CSV file as written by `--findings-csv` (RFC 4180), header first.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field, mut quoted, mut chars) = (Vec::new(), Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => field.push(chars.next().unwrap()),
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    assert!(row.is_empty() && field.is_empty(), "every row ends with a line end");
    rows
}
