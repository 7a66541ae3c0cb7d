//! The house rules of the Casebook style guide, checked over the whole repository so that
//! `cargo test` fails when one is broken: module docs, no `should_panic` or `ignore` attributes,
//! matching migrations, the one-way crate graph, and no `todo!` or `unimplemented!` in shipped
//! code.
//!
//! Each test collects every violation before failing, and names the file of each one, so a
//! single run lists everything there is to fix.

use std::path::{Path, PathBuf};

/// What each crate may depend on among the workspace's crates (`[dependencies]` only). The
/// direction is a reviewed decision: a new crate or a new edge is added here on purpose.
const ALLOWED_EDGES: &[(&str, Allowed)] = &[
    ("casebook-domain", Allowed::Only(&[])),
    ("casebook-hpo", Allowed::Only(&[])),
    ("casebook-plot", Allowed::Only(&[])),
    ("casebook-phenopackets", Allowed::Only(&["casebook-hpo"])),
    ("casebook-formats", Allowed::Only(&["casebook-domain", "casebook-phenopackets", "casebook-hpo"])),
    ("casebook-store", Allowed::Only(&["casebook-domain", "casebook-formats"])),
    ("casebook-fhir", Allowed::Only(&["casebook-domain"])),
    ("casebook-report", Allowed::Only(&["casebook-domain", "casebook-formats", "casebook-hpo", "casebook-plot"])),
    // The web application sits on everything the command line uses, except the binary itself.
    (
        "casebook-web",
        Allowed::Only(&["casebook-domain", "casebook-fhir", "casebook-formats", "casebook-hpo", "casebook-report", "casebook-store"]),
    ),
    // The binary is glue: it may call any library crate.
    ("casebook", Allowed::Any),
];

/// The workspace crates a crate may depend on.
enum Allowed {
    Only(&'static [&'static str]),
    Any,
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let mut violations = Vec::new();
    for crate_dir in crate_dirs() {
        for file in rust_files_under(&crate_dir.join("src")) {
            let text = read(&file);
            let first_line = text.lines().map(str::trim).find(|line| !line.is_empty());
            if !first_line.is_some_and(|line| line.starts_with("//!")) {
                violations.push(format!("{}: the first non-empty line is not a `//!` module doc", relative(&file)));
            }
        }
    }
    assert_no_violations("every source file starts with a `//!` module doc", &violations);
}

#[test]
fn no_test_uses_should_panic_or_ignore() {
    // Built from pieces so that this file does not match its own search.
    let banned = [concat!("#[should", "_panic"), concat!("#[ig", "nore]"), concat!("#[ig", "nore =")];
    let mut violations = Vec::new();
    for file in rust_files_under(&repository().join("crates")) {
        for (index, line) in read(&file).lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for attribute in banned.iter().filter(|attribute| code.contains(**attribute)) {
                violations.push(format!(
                    "{}:{}: `{attribute}` is banned; assert the `Err` value instead, or assert today's behaviour with a FIXME",
                    relative(&file),
                    index + 1
                ));
            }
        }
    }
    assert_no_violations("no test uses `should_panic` or `ignore`", &violations);
}

#[test]
fn sqlite_and_postgres_migrations_have_the_same_file_names() {
    let migrations = repository().join("crates/casebook-store/migrations");
    let (sqlite_dir, postgres_dir) = (migrations.join("sqlite"), migrations.join("postgres"));
    let (sqlite, postgres) = (file_names(&sqlite_dir), file_names(&postgres_dir));
    let mut violations = Vec::new();
    for name in sqlite.iter().filter(|name| !postgres.contains(name)) {
        violations.push(format!("{}/{name} has no counterpart in {}", relative(&sqlite_dir), relative(&postgres_dir)));
    }
    for name in postgres.iter().filter(|name| !sqlite.contains(name)) {
        violations.push(format!("{}/{name} has no counterpart in {}", relative(&postgres_dir), relative(&sqlite_dir)));
    }
    assert!(!sqlite.is_empty(), "{} holds no migrations", relative(&sqlite_dir));
    assert_no_violations("both backends have the same migrations", &violations);
}

#[test]
fn crates_depend_only_along_the_allowed_graph() {
    let mut violations = Vec::new();
    for crate_dir in crate_dirs() {
        let manifest_path = crate_dir.join("Cargo.toml");
        let manifest = read(&manifest_path);
        let name = package_name(&manifest).unwrap_or_else(|| panic!("{} has no `name` in `[package]`", relative(&manifest_path)));
        let Some((_, allowed)) = ALLOWED_EDGES.iter().find(|(known, _)| *known == name) else {
            violations.push(format!(
                "{}: crate `{name}` is not in the allowed crate graph; add it and its edges to ALLOWED_EDGES in {} deliberately",
                relative(&manifest_path),
                file!()
            ));
            continue;
        };
        for dependency in workspace_dependencies(&manifest) {
            let permitted = match allowed {
                Allowed::Any => true,
                Allowed::Only(targets) => targets.contains(&dependency.as_str()),
            };
            if !permitted {
                violations.push(format!(
                    "{}: `{name}` depends on `{dependency}`, an edge the crate graph does not allow; if the graph should change, \
                     add the edge to ALLOWED_EDGES in {} deliberately",
                    relative(&manifest_path),
                    file!()
                ));
            }
        }
    }
    assert_no_violations("the crate graph has one direction", &violations);
}

#[test]
fn no_source_file_contains_todo_or_unimplemented() {
    // Built from pieces so that a search of the repository does not find them here.
    let banned = [concat!("todo", "!("), concat!("unimplemented", "!(")];
    let mut violations = Vec::new();
    for crate_dir in crate_dirs() {
        for file in rust_files_under(&crate_dir.join("src")) {
            for (index, line) in read(&file).lines().enumerate() {
                for macro_call in banned.iter().filter(|macro_call| line.contains(**macro_call)) {
                    violations.push(format!("{}:{}: `{macro_call}` left in shipped code", relative(&file), index + 1));
                }
            }
        }
    }
    assert_no_violations("no source file contains `todo!` or `unimplemented!`", &violations);
}

/// The repository root, two levels above this crate.
fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A path relative to the repository root, as people type it.
fn relative(path: &Path) -> String {
    path.strip_prefix(repository()).unwrap_or(path).display().to_string()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", relative(path)))
}

/// Every crate folder under `crates/`, by name.
fn crate_dirs() -> Vec<PathBuf> {
    let crates = repository().join("crates");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&crates)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", relative(&crates)))
        .map(|entry| entry.unwrap_or_else(|error| panic!("cannot list {}: {error}", relative(&crates))).path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "{} holds no crates", relative(&crates));
    dirs
}

/// Every `.rs` file below `dir`, sorted; none when `dir` does not exist. Build output and hidden
/// folders are skipped because they are not source.
fn rust_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else { continue };
        for entry in entries {
            let path = entry.unwrap_or_else(|error| panic!("cannot list {}: {error}", relative(&current))).path();
            let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", relative(dir)))
        .map(|entry| entry.unwrap_or_else(|error| panic!("cannot list {}: {error}", relative(dir))).path())
        .filter(|path| path.is_file())
        .filter_map(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// The `name` of the `[package]` section.
fn package_name(manifest: &str) -> Option<String> {
    section_lines(manifest, |header| header == "package").find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "name").then(|| value.trim().trim_matches('"').to_string())
    })
}

/// The `casebook-*` crates named in `[dependencies]`, whether written as `casebook-x.workspace =
/// true`, `casebook-x = { path = ... }` or as a `[dependencies.casebook-x]` table.
fn workspace_dependencies(manifest: &str) -> Vec<String> {
    let mut names: Vec<String> = section_lines(manifest, |header| header == "dependencies")
        .filter_map(|line| line.split(['=', '.']).next())
        .map(|key| key.trim().trim_matches('"').to_string())
        .chain(manifest.lines().filter_map(|line| {
            let header = line.trim().strip_prefix("[dependencies.")?.strip_suffix(']')?;
            Some(header.trim().trim_matches('"').to_string())
        }))
        .filter(|name| name.starts_with("casebook-"))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The lines of every section whose header (without brackets) `is_wanted` accepts, comments and
/// blank lines left out.
fn section_lines<'a>(manifest: &'a str, is_wanted: impl Fn(&str) -> bool + 'a) -> impl Iterator<Item = &'a str> + 'a {
    let mut in_wanted = false;
    manifest.lines().map(str::trim).filter(move |line| {
        if let Some(header) = line.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
            in_wanted = is_wanted(header.trim());
            return false;
        }
        in_wanted && !line.is_empty() && !line.starts_with('#')
    })
}

fn assert_no_violations(rule: &str, violations: &[String]) {
    assert!(violations.is_empty(), "house rule broken: {rule}\n  {}", violations.join("\n  "));
}
