//! Integration tests of the native study folder format.

mod bad_input;
mod phenopackets;
mod reference_folder;
mod rules;
