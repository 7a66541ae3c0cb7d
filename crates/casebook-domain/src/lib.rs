//! The clinical domain of Casebook: typed values, the patient record, and the clinical rules.
//!
//! Everything here is pure: no files, no database, no clock, no randomness. Raw text becomes a
//! domain value only through a `parse`/`new` that checks it, so code that holds a
//! [`date::PartialDate`] or a [`code::Curie`] never has to check it again.
//!
//! Not here: serialization (the formats crate owns the file shapes), storage (the store crate)
//! and presentation.
//!
//! ```
//! use casebook_domain::date::{Age, PartialDate};
//! let birth = PartialDate::parse("2010-11").unwrap();
//! let start = PartialDate::parse("2011-01-15").unwrap();
//! assert_eq!(Age::between(&birth, &start).unwrap().to_string(), "2 months");
//! ```

#![deny(missing_docs)]

pub mod check;
pub mod code;
pub mod date;
pub mod drug;
pub mod error;
pub mod patient;
pub mod privacy;
pub mod quantity;
pub mod rules;
pub mod study;
pub mod summary;

pub use error::DomainError;
