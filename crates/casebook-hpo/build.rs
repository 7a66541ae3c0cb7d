//! Prepares the vendored HPO release for the binary: its text, decompressed (inflating 10 MB on
//! every start took a third of loading the HPO), and the tables built from it (`hp.tables`),
//! so that loading the embedded release only reads them back instead of parsing the text and
//! building the indexes on every start. The release stays in the repository exactly as
//! distributed (`vendor/hpo/hp.obo.gz`).
//!
//! The tables are built by the crate's own reader: its modules are compiled here as well, so the
//! embedded tables and [`casebook_hpo::Hpo::parse_obo`] cannot drift apart (a test also compares
//! them).

use std::io::Read;
use std::path::PathBuf;

// The modules the tables need, and nothing that uses the rest of the crate; what only the
// library calls is unused here.
#[allow(dead_code)]
#[path = "src/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "src/graph.rs"]
mod graph;
#[allow(dead_code)]
#[path = "src/id.rs"]
mod id;
#[allow(dead_code)]
#[path = "src/obo.rs"]
mod obo;
#[allow(dead_code)]
#[path = "src/tables.rs"]
mod tables;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let source = manifest_dir.join("../../vendor/hpo/hp.obo.gz");
    println!("cargo::rerun-if-changed={}", source.display());
    for module in ["error", "graph", "id", "obo", "tables"] {
        println!("cargo::rerun-if-changed=src/{module}.rs");
    }
    let compressed = std::fs::read(&source).unwrap_or_else(|error| panic!("reading {}: {error}", source.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_string(&mut text)
        .unwrap_or_else(|error| panic!("{} is not valid gzip of UTF-8 text: {error}", source.display()));
    let tables = tables::Tables::build(&text).unwrap_or_else(|error| panic!("{} is not a valid HPO release: {error}", source.display()));
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, bytes) in [("hp.obo", text.as_bytes()), ("hp.tables", &tables.encode())] {
        let target = out_dir.join(name);
        std::fs::write(&target, bytes).unwrap_or_else(|error| panic!("writing {}: {error}", target.display()));
    }
}
