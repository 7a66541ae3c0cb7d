//! The data freeze: what a report was computed from, and checking that it still matches.

use casebook_domain::patient::Patient;
use casebook_domain::study::Study;
use casebook_formats::native::folder::{patient_to_json, study_to_toml};
use sha2::{Digest, Sha256};

use crate::model::Freeze;

/// The freeze of a study's data and configuration under this software version.
pub fn freeze(study: &Study, patients: &[Patient], hpo_release: &str) -> Freeze {
    let mut sorted: Vec<&Patient> = patients.iter().collect();
    sorted.sort_by(|a, b| a.pseudonym.cmp(&b.pseudonym));
    let mut data = Sha256::new();
    for patient in sorted {
        // Each record in its canonical export form, separated so that no two sequences of
        // records hash alike.
        data.update(patient_to_json(patient).as_bytes());
        data.update([0u8]);
    }
    Freeze {
        data_sha256: hex(&data.finalize()),
        config_sha256: hex(&Sha256::digest(study_to_toml(study).as_bytes())),
        software_version: env!("CARGO_PKG_VERSION").to_string(),
        hpo_release: hpo_release.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What differs between a saved report and one recomputed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Each difference in words, e.g. "the HPO release changed (… then, … now)"; empty when all match.
    pub differences: Vec<String>,
}

impl Verification {
    /// Whether the saved report still matches: same data, configuration, software, HPO release and statistics.
    pub fn matches(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Compares a saved report with a freshly computed one: the freeze, then every statistic.
pub fn verify(saved: &crate::model::Report, recomputed: &crate::model::Report) -> Verification {
    let mut differences = Vec::new();
    let (a, b) = (&saved.freeze, &recomputed.freeze);
    if a.data_sha256 != b.data_sha256 {
        differences.push(format!("the patient data changed (data SHA-256 {} then, {} now)", short(&a.data_sha256), short(&b.data_sha256)));
    }
    if a.config_sha256 != b.config_sha256 {
        differences.push(format!(
            "the study configuration changed (SHA-256 {} then, {} now)",
            short(&a.config_sha256),
            short(&b.config_sha256)
        ));
    }
    if a.software_version != b.software_version {
        differences.push(format!("the report was made by Casebook {}, this is {}", a.software_version, b.software_version));
    }
    if a.hpo_release != b.hpo_release {
        differences.push(format!("the HPO release changed ({} then, {} now)", a.hpo_release, b.hpo_release));
    }
    for statistic in &saved.statistics {
        match recomputed.statistic(&statistic.id) {
            None => differences.push(format!("statistic {} no longer exists", statistic.id)),
            Some(now) if now.display != statistic.display || now.patients != statistic.patients => {
                differences.push(format!("{}: {} then, {} now", statistic.id, statistic.display, now.display))
            }
            Some(_) => {}
        }
    }
    for statistic in &recomputed.statistics {
        if saved.statistic(&statistic.id).is_none() {
            differences.push(format!("statistic {} is new", statistic.id));
        }
    }
    Verification { differences }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
