//! The native exchange format: a study as a folder.
//!
//! ```text
//! my-study/
//!   study.toml              the study, its centers, rule settings and extra drugs
//!   patients/
//!     WAS-IT1-01.json       one file per patient, named by pseudonym
//! ```
//!
//! Patient files are described by `schemas/patient.schema.json` and `study.toml` by
//! `schemas/study.schema.json`. Reading a folder checks every file completely and reports all
//! problems at once, each with its file and JSON path; writing is deterministic, so import
//! followed by export reproduces the folder byte for byte.

pub mod convert;
pub mod folder;
pub mod patient_dto;
pub mod record;
pub mod study_dto;
