//! GA4GH Phenopackets v2: Casebook patients written as phenopackets, and phenopackets read as
//! Casebook patients.

pub mod export;
pub mod files;
pub mod import;
pub mod vocabulary;
