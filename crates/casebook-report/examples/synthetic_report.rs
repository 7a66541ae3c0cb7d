//! Benchmark driver: builds and writes the report of a synthetic study of N constructed patients.
//!
//! ```text
//! cargo run --release -p casebook-report --example synthetic_report -- 100000 /tmp/bench-report
//! ```
//!
//! The patients are copies of the reference study's seven constructed patients under new
//! pseudonyms, spread over its centers, so every section of the report has work to do. Prints
//! the time of each phase and the peak resident memory, and writes `patients.csv` (one row per
//! patient) beside the report for the Python `tableone` comparison in `bench/report.sh`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use casebook_domain::patient::{Patient, Pseudonym};
use casebook_formats::native::folder::read_study_folder;
use casebook_hpo::Hpo;
use casebook_report::build::{Presence, presence};
use casebook_report::{build_report, write_report};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).expect("usage: synthetic_report N OUT_DIR");
    let out = PathBuf::from(args.next().expect("usage: synthetic_report N OUT_DIR"));
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../studies/was-anti-il1");

    let started = Instant::now();
    let hpo = Hpo::embedded();
    let folder = read_study_folder(&reference).expect("the reference study loads");
    let mut study = folder.study;
    study.title = format!("Synthetic benchmark study of {n} constructed patients");
    study.data_label = Some("synthetic copies of constructed patients, for benchmarking only; not real patient data".into());
    let patients: Vec<Patient> = (0..n)
        .map(|i| {
            let mut patient = folder.patients[i % folder.patients.len()].clone();
            patient.pseudonym = Pseudonym::parse(&format!("SYN-{i:07}")).expect("synthetic pseudonyms are valid");
            patient.center = study.centers[i % study.centers.len()].id.clone();
            patient
        })
        .collect();
    let generated = started.elapsed();

    let built = Instant::now();
    let report = build_report(&study, &patients, hpo);
    let build_time = built.elapsed();

    let written = Instant::now();
    let files = write_report(&out, &report).expect("the report is written");
    let write_time = written.elapsed();

    // One row per patient with the Table 1 variables, for tableone.
    let mut csv = String::from("pseudonym,center,sex,zhu_severe,eczema,inflammatory_cutaneous,arthritis,ibd,fever,gene_therapy,hsct\n");
    let group = |id: &str| study.report.groupings.iter().find(|g| g.id.as_str() == id).expect("grouping exists").terms.clone();
    let groups: Vec<_> =
        ["eczema", "inflammatory-cutaneous", "inflammatory-joint", "ibd", "prominent-fever"].iter().map(|id| group(id)).collect();
    for patient in &patients {
        let cells: Vec<&str> = groups
            .iter()
            .map(|terms| match presence(hpo, patient, terms) {
                Presence::Present => "yes",
                Presence::Excluded => "no",
                Presence::NotAssessed => "",
            })
            .collect();
        let severe = casebook_domain::check::zhu_results(patient, &study).last().is_some_and(|r| r.severe);
        let gene_therapy = patient.definitive_therapies.iter().any(|t| t.kind.is_gene_therapy());
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{}",
            patient.pseudonym,
            patient.center,
            patient.sex.key(),
            if severe { "yes" } else { "no" },
            cells.join(","),
            format_args!("{},{}", if gene_therapy { "yes" } else { "no" }, if gene_therapy { "no" } else { "yes" })
        );
    }
    std::fs::write(out.join("patients.csv"), csv).expect("patients.csv is written");

    let total_bytes: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    println!(
        "patients={n} generate_s={:.3} build_s={:.3} write_s={:.3} total_s={:.3} peak_rss_mib={:.0} statistics={} output_mib={:.1}",
        generated.as_secs_f64(),
        build_time.as_secs_f64(),
        write_time.as_secs_f64(),
        started.elapsed().as_secs_f64(),
        peak_rss_mib(),
        report.statistics.len(),
        total_bytes as f64 / 1_048_576.0
    );
}
