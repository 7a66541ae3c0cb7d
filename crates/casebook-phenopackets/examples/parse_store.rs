//! Reads, writes back and re-reads every Phenopacket JSON file under a folder, validates them,
//! and reports how long each step took (reading the files from disk is not counted).
//!
//! With a second folder, also writes each document's canonical JSON there, under the same
//! relative path, e.g. to check with `conformance/phenopackets_reference.py --check` that the
//! Python reference reads what Casebook writes.
//!
//! ```text
//! cargo run --release -p casebook-phenopackets --example parse_store -- /work/shared/data/phenopacket-store [OUT]
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use casebook_hpo::Hpo;
use casebook_phenopackets::{Document, Level, validate_document};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args().nth(1).ok_or("usage: parse_store FOLDER [OUTPUT_FOLDER]")?;
    let output_folder = std::env::args().nth(2).map(PathBuf::from);
    let mut paths = Vec::new();
    collect_json_files(Path::new(&folder), &mut paths)?;
    paths.sort();
    let texts = paths.iter().map(std::fs::read_to_string).collect::<Result<Vec<_>, _>>()?;
    let megabytes = texts.iter().map(String::len).sum::<usize>() as f64 / 1e6;

    let start = Instant::now();
    let documents = texts.iter().map(|text| Document::from_json(text)).collect::<Vec<_>>();
    let parsed = start.elapsed();
    let outputs: Vec<String> = documents.iter().flatten().map(Document::to_json).collect();
    let written = start.elapsed() - parsed;

    let failures: Vec<_> = paths.iter().zip(&documents).filter_map(|(path, document)| Some((path, document.as_ref().err()?))).collect();
    for (path, error) in &failures {
        eprintln!("{}: {error}", path.display());
    }
    let round_trips = outputs
        .iter()
        .zip(documents.iter().flatten())
        .filter(|(output, document)| Document::from_json(output).as_ref() == Ok(document))
        .count();

    if let Some(output_folder) = &output_folder {
        for (path, document) in paths.iter().zip(&documents) {
            if let Ok(document) = document {
                let target = output_folder.join(path.strip_prefix(&folder)?);
                std::fs::create_dir_all(target.parent().ok_or("a file has a parent folder")?)?;
                std::fs::write(&target, document.to_json() + "\n")?;
            }
        }
        println!("canonical JSON written to {}", output_folder.display());
    }

    let hpo = Hpo::embedded();
    let validation_start = Instant::now();
    let (mut errors, mut warnings) = (0, 0);
    for document in documents.iter().flatten() {
        for issue in validate_document(document, hpo) {
            match issue.level {
                Level::Error => errors += 1,
                Level::Warning => warnings += 1,
            }
        }
    }
    let validated = validation_start.elapsed();

    println!("{} files ({megabytes:.1} MB) under {folder}", paths.len());
    println!("parsed: {}, failed: {}, round trips identical: {round_trips}", outputs.len(), failures.len());
    println!("parse:        {}", millis(parsed));
    println!("write:        {}", millis(written));
    println!("parse+write:  {}", millis(parsed + written));
    println!("validate:     {} ({errors} errors, {warnings} warnings, HPO {})", millis(validated), hpo.release());
    if failures.is_empty() { Ok(()) } else { Err(format!("{} files failed to parse", failures.len()).into()) }
}

fn millis(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

fn collect_json_files(folder: &Path, paths: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json_files(&path, paths)?;
        } else if path.extension().is_some_and(|extension| extension == "json") {
            paths.push(path);
        }
    }
    Ok(())
}
