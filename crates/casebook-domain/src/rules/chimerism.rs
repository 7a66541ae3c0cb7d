//! Donor chimerism after HSCT: full, mixed or graft failure, and the 50 % myeloid mark.
//!
//! The bands come from the PIDTC and international WAS cohorts (Burroughs 2020, Moratto 2011;
//! clinical.md §6.1): full donor chimerism from 95 %, graft failure below 5 %, mixed between.
//! The papers' exact cut-offs were not all retrieved (the <5 % band is unconfirmed), so the
//! thresholds are a study setting with these values as the default, never fixed constants.
//!
//! Separately, donor myeloid chimerism below 50 % is associated with persistent
//! thrombocytopenia (Moratto 2011) and follows reduced-intensity conditioning more often
//! (Burroughs 2020), so it is reported whatever the study's thresholds.

use crate::drug::parse_key;
use crate::error::DomainError;
use crate::quantity::Percent;

/// Donor myeloid chimerism below this is clinically significant (Moratto 2011; Burroughs 2020).
pub const MYELOID_SIGNIFICANT_BELOW_PERCENT: f64 = 50.0;

/// The study's bands of donor chimerism: full from `full_at_least`, graft failure below
/// `graft_failure_below`, mixed in between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChimerismThresholds {
    full_at_least: Percent,
    graft_failure_below: Percent,
}

impl ChimerismThresholds {
    /// Thresholds that leave a mixed band: the graft-failure threshold must be below the
    /// full-chimerism one.
    pub fn new(full_at_least: Percent, graft_failure_below: Percent) -> Result<ChimerismThresholds, DomainError> {
        if graft_failure_below.value() >= full_at_least.value() {
            return Err(DomainError::OutOfRange {
                quantity: "graft-failure threshold",
                value: graft_failure_below.value(),
                min: 0.0,
                max: full_at_least.value(),
                unit: "% donor (it must be below the full-chimerism threshold)",
            });
        }
        Ok(ChimerismThresholds { full_at_least, graft_failure_below })
    }

    /// Donor chimerism at or above this is full.
    pub fn full_at_least(&self) -> Percent {
        self.full_at_least
    }

    /// Donor chimerism below this is graft failure.
    pub fn graft_failure_below(&self) -> Percent {
        self.graft_failure_below
    }
}

impl Default for ChimerismThresholds {
    /// Full from 95 %, graft failure below 5 %: the registry recommendation of clinical.md §6.1,
    /// from the bands implied by Burroughs 2020 (">95 %" full, "5–49 %" low-level mixed).
    fn default() -> ChimerismThresholds {
        let full_at_least = Percent::new(95.0).expect("95 is a percentage");
        let graft_failure_below = Percent::new(5.0).expect("5 is a percentage");
        ChimerismThresholds { full_at_least, graft_failure_below }
    }
}

/// Where a donor chimerism value falls in the study's bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChimerismClass {
    /// Full donor chimerism.
    Full,
    /// Mixed chimerism: associated with incomplete lymphocyte reconstitution and post-HSCT
    /// autoimmunity (Moratto 2011; Ozsahin 2008).
    Mixed,
    /// Graft failure: (almost) no donor cells.
    GraftFailure,
}

impl ChimerismClass {
    /// Every class, from most to least donor.
    pub const ALL: [ChimerismClass; 3] = [ChimerismClass::Full, ChimerismClass::Mixed, ChimerismClass::GraftFailure];

    /// The stable keyword stored and exchanged for this class.
    pub fn key(self) -> &'static str {
        match self {
            ChimerismClass::Full => "full",
            ChimerismClass::Mixed => "mixed",
            ChimerismClass::GraftFailure => "graft-failure",
        }
    }

    /// Parses a keyword produced by [`ChimerismClass::key`].
    pub fn parse(text: &str) -> Result<ChimerismClass, DomainError> {
        parse_key("chimerism class", text, &ChimerismClass::ALL, |class| class.key())
    }

    /// The name a clinician reads.
    pub fn label(self) -> &'static str {
        match self {
            ChimerismClass::Full => "full donor chimerism",
            ChimerismClass::Mixed => "mixed chimerism",
            ChimerismClass::GraftFailure => "graft failure",
        }
    }
}

/// Classifies a percentage of donor cells by the study's thresholds.
pub fn classify_chimerism(percent_donor: Percent, thresholds: &ChimerismThresholds) -> ChimerismClass {
    if percent_donor.value() >= thresholds.full_at_least.value() {
        ChimerismClass::Full
    } else if percent_donor.value() < thresholds.graft_failure_below.value() {
        ChimerismClass::GraftFailure
    } else {
        ChimerismClass::Mixed
    }
}

/// Donor myeloid chimerism below 50 %, associated with persistent thrombocytopenia
/// (Moratto 2011; Burroughs 2020). Meaningful for a myeloid lineage; the caller decides which
/// lineages it applies to.
pub fn myeloid_below_50_percent(percent_donor: Percent) -> bool {
    percent_donor.value() < MYELOID_SIGNIFICANT_BELOW_PERCENT
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(value: f64) -> Percent {
        Percent::new(value).unwrap()
    }

    fn thresholds(full_at_least: f64, graft_failure_below: f64) -> ChimerismThresholds {
        ChimerismThresholds::new(percent(full_at_least), percent(graft_failure_below)).unwrap()
    }

    fn check(case: &str, percent_donor: f64, thresholds: ChimerismThresholds, expected: ChimerismClass) {
        assert_eq!(classify_chimerism(percent(percent_donor), &thresholds), expected, "{case}: {percent_donor} % donor");
    }

    #[test]
    fn donor_chimerism_falls_into_the_bands_at_their_boundaries() {
        let default = ChimerismThresholds::default();
        let cases = [
            ("all donor", 100.0, default, ChimerismClass::Full),
            ("exactly the full threshold", 95.0, default, ChimerismClass::Full),
            ("just below the full threshold", 94.9, default, ChimerismClass::Mixed),
            ("half donor", 50.0, default, ChimerismClass::Mixed),
            ("exactly the graft-failure threshold", 5.0, default, ChimerismClass::Mixed),
            ("just below the graft-failure threshold", 4.9, default, ChimerismClass::GraftFailure),
            ("no donor cells", 0.0, default, ChimerismClass::GraftFailure),
            ("custom: 90 is full from 90", 90.0, thresholds(90.0, 10.0), ChimerismClass::Full),
            ("custom: 89.9 is mixed below 90", 89.9, thresholds(90.0, 10.0), ChimerismClass::Mixed),
            ("custom: 9.9 is graft failure below 10", 9.9, thresholds(90.0, 10.0), ChimerismClass::GraftFailure),
            ("custom: 10 is mixed from 10", 10.0, thresholds(90.0, 10.0), ChimerismClass::Mixed),
            ("custom: no graft-failure band when its threshold is 0", 0.0, thresholds(99.0, 0.0), ChimerismClass::Mixed),
            ("custom: 100 is still full when full needs 100", 100.0, thresholds(100.0, 5.0), ChimerismClass::Full),
        ];
        for (case, percent_donor, thresholds, expected) in cases {
            check(case, percent_donor, thresholds, expected);
        }
    }

    #[test]
    fn the_default_thresholds_are_95_and_5() {
        let default = ChimerismThresholds::default();
        assert_eq!((default.full_at_least().value(), default.graft_failure_below().value()), (95.0, 5.0));
    }

    #[test]
    fn thresholds_without_a_mixed_band_are_refused() {
        for (full_at_least, graft_failure_below) in [(50.0, 50.0), (40.0, 60.0), (0.0, 0.0)] {
            let error = ChimerismThresholds::new(percent(full_at_least), percent(graft_failure_below)).unwrap_err().to_string();
            assert!(error.contains("below the full-chimerism threshold"), "full {full_at_least}, failure {graft_failure_below}: {error}");
        }
    }

    #[test]
    fn myeloid_chimerism_below_50_percent_is_flagged() {
        for (percent_donor, expected) in [(0.0, true), (49.9, true), (50.0, false), (95.0, false)] {
            assert_eq!(myeloid_below_50_percent(percent(percent_donor)), expected, "{percent_donor} % donor");
        }
    }

    #[test]
    fn every_class_keyword_parses_back_to_its_class() {
        for class in ChimerismClass::ALL {
            assert_eq!(ChimerismClass::parse(class.key()), Ok(class), "{}", class.label());
        }
        assert!(ChimerismClass::parse("Full").is_err());
    }
}
