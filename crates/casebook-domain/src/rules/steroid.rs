//! Prednisone-equivalent corticosteroid doses, for the steroid-sparing analysis.
//!
//! Courses store the raw drug and dose; the prednisone equivalent is always derived, so a
//! corrected equivalence or weight corrects every figure. The equivalence of each steroid is
//! pharmacological knowledge held by the drug catalogue ([`Drug::prednisone_equivalence`]):
//! prednisone 5 mg = prednisolone 5 mg = methylprednisolone 4 mg = dexamethasone 0.75 mg =
//! hydrocortisone 20 mg (FDA prednisolone label, clinical.md §4.4).

use crate::drug::{Dose, Drug, Frequency};
use crate::quantity::BodyWeightKg;
use crate::rules::dosing::derive_dose;

/// The prednisone dose equivalent to `mg` of `drug`; `None` when the drug has no prednisone
/// equivalence (it is not a systemic corticosteroid, or the study did not give one).
pub fn prednisone_equivalent_mg(drug: &Drug, mg: f64) -> Option<f64> {
    drug.prednisone_equivalence().map(|prednisone_mg_per_mg| mg * prednisone_mg_per_mg)
}

/// The prednisone-equivalent dose in mg/kg/day; `None` when the drug has no prednisone
/// equivalence, or the schedule is a single dose and so has no daily rate.
pub fn prednisone_equivalent_mg_per_kg_per_day(drug: &Drug, dose: &Dose, frequency: Frequency, weight: BodyWeightKg) -> Option<f64> {
    let mg_per_kg_per_day = derive_dose(dose, frequency, weight).mg_per_kg_per_day?;
    prednisone_equivalent_mg(drug, mg_per_kg_per_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drug::{DoseUnit, DrugCatalog, DrugClass};

    fn close(actual: Option<f64>, expected: Option<f64>) -> bool {
        match (actual, expected) {
            (Some(actual), Some(expected)) => (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0),
            (actual, expected) => actual == expected,
        }
    }

    fn check(case: &str, drug_key: &str, mg: f64, expected_prednisone_mg: Option<f64>) {
        let catalog = DrugCatalog::builtin();
        let drug = catalog.get(drug_key).unwrap_or_else(|| panic!("{case}: no drug {drug_key}"));
        let actual = prednisone_equivalent_mg(drug, mg);
        assert!(
            close(actual, expected_prednisone_mg),
            "{case}: {mg} mg {drug_key} gave {actual:?} mg prednisone, expected {expected_prednisone_mg:?}"
        );
    }

    #[test]
    fn steroid_doses_convert_to_prednisone_as_in_the_label_table() {
        let cases = [
            ("prednisone is its own reference", "prednisone", 5.0, Some(5.0)),
            ("5 mg prednisolone is 5 mg prednisone", "prednisolone", 5.0, Some(5.0)),
            ("4 mg methylprednisolone is 5 mg prednisone", "methylprednisolone", 4.0, Some(5.0)),
            ("0.75 mg dexamethasone is 5 mg prednisone", "dexamethasone", 0.75, Some(5.0)),
            ("20 mg hydrocortisone is 5 mg prednisone", "hydrocortisone", 20.0, Some(5.0)),
            ("FDA label: 12 mg methylprednisolone is 15 mg", "methylprednisolone", 12.0, Some(15.0)),
            ("FDA label: 2.25 mg dexamethasone is 15 mg", "dexamethasone", 2.25, Some(15.0)),
            ("FDA label: 60 mg hydrocortisone is 15 mg", "hydrocortisone", 60.0, Some(15.0)),
            ("an IL-1 blocker has no prednisone equivalent", "anakinra", 100.0, None),
            ("a TNF blocker has no prednisone equivalent", "infliximab", 100.0, None),
        ];
        for (case, drug_key, mg, expected) in cases {
            check(case, drug_key, mg, expected);
        }
    }

    #[test]
    fn a_steroid_the_study_declares_without_an_equivalence_has_none() {
        let budesonide = Drug::new("budesonide", "budesonide", DrugClass::SystemicCorticosteroid, vec![], None).unwrap();
        assert_eq!(prednisone_equivalent_mg(&budesonide, 9.0), None);
    }

    #[test]
    fn prednisone_equivalents_per_kg_per_day_use_the_schedule_and_the_weight() {
        let catalog = DrugCatalog::builtin();
        let weight = BodyWeightKg::new(10.0).unwrap();
        // (case, drug, amount, unit, frequency, mg/kg/day of prednisone)
        let cases = [
            ("2 mg methylprednisolone twice daily at 10 kg", "methylprednisolone", 2.0, DoseUnit::Mg, Frequency::TwiceDaily, Some(0.5)),
            ("1 mg/kg prednisolone daily", "prednisolone", 1.0, DoseUnit::MgPerKg, Frequency::Daily, Some(1.0)),
            ("0.15 mg/kg dexamethasone daily", "dexamethasone", 0.15, DoseUnit::MgPerKg, Frequency::Daily, Some(1.0)),
            (
                "30 mg/kg methylprednisolone pulse weekly",
                "methylprednisolone",
                30.0,
                DoseUnit::MgPerKg,
                Frequency::Weekly,
                Some(37.5 / 7.0),
            ),
            (
                "20 mg hydrocortisone three times daily at 10 kg",
                "hydrocortisone",
                20.0,
                DoseUnit::Mg,
                Frequency::ThreeTimesDaily,
                Some(1.5),
            ),
            ("a single pulse has no daily rate", "methylprednisolone", 30.0, DoseUnit::MgPerKg, Frequency::Once, None),
            ("anakinra has no prednisone equivalent", "anakinra", 2.0, DoseUnit::MgPerKg, Frequency::Daily, None),
        ];
        for (case, drug_key, amount, unit, frequency, expected) in cases {
            let drug = catalog.get(drug_key).unwrap();
            let dose = Dose::new(amount, unit).unwrap();
            let actual = prednisone_equivalent_mg_per_kg_per_day(drug, &dose, frequency, weight);
            assert!(close(actual, expected), "{case}: got {actual:?} mg/kg/day, expected {expected:?}");
        }
    }
}
