//! Integration tests of the native study folder format.

mod bad_input;
mod changed_phenopackets;
mod phenopackets;
mod reference_folder;
mod rules;
