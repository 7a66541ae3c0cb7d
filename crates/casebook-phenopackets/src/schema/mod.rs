//! The messages of Phenopacket Schema v2 (`phenopackets/schema/v2/**.proto`) and of VRSATILE,
//! one file per proto file. The crate root re-exports every type; VRS 1.x is the public
//! [`crate::vrs`] module.

// A message's nested types live in a module named after it (`interpretation::ProgressStatus`, as
// prost names them), inside the module of the proto file that defines both.
#![allow(clippy::module_inception)]

pub(crate) mod base;
pub(crate) mod biosample;
pub(crate) mod disease;
pub(crate) mod individual;
pub(crate) mod interpretation;
pub(crate) mod measurement;
pub(crate) mod medical_action;
pub(crate) mod meta_data;
pub(crate) mod pedigree;
pub(crate) mod phenopackets;
pub(crate) mod phenotypic_feature;
pub(crate) mod vrsatile;
