//! FHIR R4 (4.0.1) export of a Casebook study: one `Bundle` of type `collection`.
//!
//! [`study_bundle`] turns a study and its patients into the bundle as JSON, [`bundle_json`] into
//! its pretty-printed text. The resources are hand-written serde structs for just what is
//! emitted; no FHIR model crate is used. The same input always gives the same bytes: ids are
//! name-based UUIDs of the study id, pseudonym and record index, and entries come in record
//! order.
//!
//! | Casebook record | FHIR R4 resource |
//! | --- | --- |
//! | center | `Organization` (name, `address.country` as ISO 3166-1 alpha-2) |
//! | patient | `Patient`: the pseudonym as the only identifier, gender, partial `birthDate`, `deceasedBoolean`, `managingOrganization`; never a name, address or record number |
//! | diagnosis | `Condition` (MONDO, OMIM or Orphanet), `verificationStatus` confirmed, `recordedDate` = diagnosis date, `onsetDateTime` or `onsetAge` = the symptom onset for the diagnosis it belongs to ([`Patient::symptom_onset_diagnosis`](casebook_domain::patient::Patient::symptom_onset_diagnosis)) |
//! | phenotypic feature, present or excluded | `Observation` on the phenomics-exchange IG Phenotype profile: HPO code, LOINC LA9633-4 Present / LA9634-2 Absent, onset age and HPO severity and modifiers as components |
//! | laboratory value | `Observation` in the canonical UCUM unit, LOINC-coded for CRP and platelets |
//! | treatment course | `MedicationStatement` with UCUM dose, `timing.repeat`, route text, the derived mg/kg/day, targets as `reasonCode` |
//! | adverse event of a course | `AdverseEvent` (R4) with the course's `MedicationStatement` as suspect |
//! | definitive therapy | `Procedure` coded in MAxO |
//! | engraftment measurement | `Observation` (donor chimerism, vector copies, WASP-positive cells) |
//!
//! A study's data label (such as "constructed ... not real patient data") is a `meta.tag` of the
//! bundle and of every resource, so a resource taken out of the bundle stays labelled.
//!
//! ```
//! use std::path::Path;
//!
//! let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../studies/was-anti-il1");
//! let loaded = casebook_formats::native::folder::read_study_folder(&folder).unwrap();
//! let bundle = casebook_fhir::study_bundle(&loaded.study, &loaded.patients);
//! assert_eq!(bundle["resourceType"], "Bundle");
//! assert_eq!(bundle["type"], "collection");
//! assert_eq!(casebook_fhir::bundle_json(&loaded.study, &loaded.patients), casebook_fhir::bundle_json(&loaded.study, &loaded.patients));
//! ```
//!
//! Not here: reading FHIR (import), genomic variants (the Genomics Reporting IG), Zhu score
//! assessments, and the validation of the output, which `conformance/fhir/validate_bundle.py`
//! does independently with the Python `fhir.resources` models.

#![deny(missing_docs)]

mod export;
mod ids;
mod model;
mod terminology;

use casebook_domain::patient::Patient;
use casebook_domain::study::Study;

use crate::export::Exporter;
use crate::model::{Bundle, Identifier, Meta};

/// The `meta.tag` system that carries a study's data label.
pub const DATA_LABEL_SYSTEM: &str = export::DATA_LABEL_SYSTEM;

/// The study as one FHIR R4 `Bundle` of type `collection`.
///
/// The bundle's `id` is the study id (with `_` written as `-`, which FHIR ids cannot hold) and
/// its `identifier` the study id in the `urn:casebook:study` system. Every `fullUrl` is a
/// `urn:uuid:` and every reference points at one of them.
pub fn study_bundle(study: &Study, patients: &[Patient]) -> serde_json::Value {
    let mut exporter = Exporter::new(study);
    for center in &study.centers {
        exporter.add_center(center);
    }
    for patient in patients {
        exporter.add_patient(patient);
    }
    let tag = exporter.data_label_tags();
    let bundle = Bundle {
        resource_type: "Bundle",
        id: study.id.as_str().replace('_', "-"),
        meta: (!tag.is_empty()).then_some(Meta { profile: Vec::new(), tag }),
        identifier: Identifier { system: "urn:casebook:study".to_string(), value: study.id.to_string() },
        kind: "collection",
        entry: exporter.into_entries(),
    };
    serde_json::to_value(bundle).expect("a FHIR bundle serializes to JSON")
}

/// [`study_bundle`] as pretty-printed JSON with a final newline; the same input gives the same
/// bytes.
pub fn bundle_json(study: &Study, patients: &[Patient]) -> String {
    let mut text = serde_json::to_string_pretty(&study_bundle(study, patients)).expect("a JSON value always prints");
    text.push('\n');
    text
}
