//! A second, different study: another disease, other drugs, other groupings and numbers.

use crate::{assert_proportion, report_of};

#[test]
fn a_different_study_gets_correct_tables_from_its_configuration() {
    let folder = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/caps-rilonacept");
    let (report, _dir) = report_of(&folder);
    assert_eq!(report.statistic("cohort.patients").unwrap().numerator, 4);
    assert_eq!(report.statistic("cohort.countries").unwrap().numerator, 2);
    assert!(report.statistic("cohort.zhu.severe").is_none(), "no Zhu assessments, no Zhu rows");

    assert_proportion(&report, "manifestation.group.urticaria", 4, 4);
    // One patient was not assessed for hearing: N is 3, not 4.
    assert_proportion(&report, "manifestation.group.hearing-loss", 2, 3);
    assert_proportion(&report, "manifestation.term.HP:0000509", 1, 3);
    assert_proportion(&report, "manifestation.category.mucocutaneous", 4, 4);

    assert_proportion(&report, "treatment.rilonacept.exposed", 1, 4);
    assert_proportion(&report, "treatment.canakinumab.exposed", 3, 4);
    assert_proportion(&report, "treatment.rilonacept.switch.canakinumab", 1, 1);
    assert_proportion(&report, "treatment.rilonacept.adverse-events.grade-2", 1, 1);
    assert_proportion(&report, "treatment.canakinumab.response.complete", 2, 3);
    assert_proportion(&report, "definitive.gene-therapy", 0, 4);
    assert!(report.statistics.iter().all(|s| !s.id.contains("anakinra")), "nothing of the reference study leaks in");
}
