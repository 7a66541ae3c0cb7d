//! Integration tests of `casebook-hpo` against the real vendored release (HPO 2025-01-16), one
//! module per feature.

mod graph;
mod lookup;
mod parse;
mod search;
