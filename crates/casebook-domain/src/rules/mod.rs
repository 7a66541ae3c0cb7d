//! Clinical rules: pure functions over domain values, each tested against its source.
//!
//! Each module turns one part of the domain research (clinical.md) into code, cites the section
//! it implements, and keeps that section's reference cases as a table of unit tests:
//!
//! - [`zhu`]: the Zhu/Ochs WAS clinical score, with its phenotype class and flags (§2.4);
//! - [`dosing`]: mg/kg/day from a dose, a schedule and the weight at that date, and the
//!   dose-plausibility rules for the IL-1 blockers (§4.1–4.5);
//! - [`steroid`]: prednisone-equivalent doses for the steroid-sparing analysis (§4.4);
//! - [`chimerism`]: full, mixed or graft-failure donor chimerism after HSCT (§6.1).
//!
//! Rules report; they never refuse a record. Facts the research marks unconfirmed are not
//! rules, and thresholds that are a study's choice arrive as settings, not constants.

pub mod chimerism;
pub mod dosing;
pub mod steroid;
pub mod zhu;
