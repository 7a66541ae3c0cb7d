//! Decompresses the vendored HPO release into the build's output folder, so that the binary
//! carries the text itself: inflating 10 MB on every start took a third of loading the HPO.
//! The release stays in the repository exactly as distributed (`vendor/hpo/hp.obo.gz`).

use std::io::Read;
use std::path::PathBuf;

fn main() {
    let source =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("../../vendor/hpo/hp.obo.gz");
    println!("cargo::rerun-if-changed={}", source.display());
    let compressed = std::fs::read(&source).unwrap_or_else(|error| panic!("reading {}: {error}", source.display()));
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut text)
        .unwrap_or_else(|error| panic!("{} is not valid gzip: {error}", source.display()));
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("hp.obo");
    std::fs::write(&target, text).unwrap_or_else(|error| panic!("writing {}: {error}", target.display()));
}
