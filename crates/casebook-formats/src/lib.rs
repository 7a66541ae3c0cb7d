//! Casebook's exchange formats.
//!
//! Today: the native study folder ([`native`]), a `study.toml` and one JSON file per patient.
//! Each format has DTOs with serde derives and hand-written conversions to and from the domain
//! types, so renaming a domain field never silently changes a file format.
//!
//! Not here: storage (the store crate) and the clinical rules themselves (the domain crate),
//! which reading a folder runs but does not define.
//!
//! ```no_run
//! use casebook_formats::native::folder::read_study_folder;
//! let folder = read_study_folder(std::path::Path::new("studies/was-anti-il1")).unwrap();
//! println!("{} patients", folder.patients.len());
//! ```

pub mod csv;
pub mod error;
pub mod native;
pub mod output;
pub mod phenopacket;

pub use error::{Finding, FormatError};
