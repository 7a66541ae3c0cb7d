//! Integration tests of `casebook-phenopackets` against real documents (the phenopacket-store
//! subset and the schema's examples in ../shared/data) and constructed ones, one module per
//! feature.

mod bad_input;
mod canonical;
mod changed_conformance;
mod conformance;
mod round_trip;
mod snake_case;
mod store;
mod support;
mod validation;
