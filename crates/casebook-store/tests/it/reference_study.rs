//! Every fact of the published abstract holds in the reference study, as stored in and read back
//! from the registry (not as read from its files).

use std::collections::BTreeSet;
use std::path::PathBuf;

use casebook_domain::check::{derive_course, zhu_results};
use casebook_domain::drug::DrugClass;
use casebook_domain::patient::{Patient, ResponseGrade, TerminationReason, TimePoint, TreatmentCourse, TreatmentPhase};
use casebook_domain::rules::chimerism::{ChimerismClass, classify_chimerism};
use casebook_domain::study::Study;
use casebook_formats::native::folder::read_study_folder;

use crate::fixtures::tester;
use crate::store_test;

const ECZEMA: &str = "HP:0000964";
const PYODERMA_GANGRENOSUM: &str = "HP:0025452";
const ERYSIPELAS_LIKE: &str = "HP:0033622";
const CUTANEOUS_VASCULITIS: &str = "HP:0200029";
const ARTHRITIS: &str = "HP:0001369";
const IBD: &str = "HP:0002037";
const PERSISTENT_FEVER: &str = "HP:0033399";
const RAISED_CRP: &str = "HP:0011227";

fn reference_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../studies/was-anti-il1")
}

fn has(patient: &Patient, hpo: &str) -> bool {
    patient.features.iter().any(|f| f.term.id().to_string() == hpo && !f.excluded)
}

fn excludes(patient: &Patient, hpo: &str) -> bool {
    patient.features.iter().any(|f| f.term.id().to_string() == hpo && f.excluded)
}

fn with<'a>(patients: &'a [Patient], hpo: &str) -> Vec<&'a Patient> {
    patients.iter().filter(|p| has(p, hpo)).collect()
}

fn courses_of_class<'a>(study: &Study, patient: &'a Patient, class: DrugClass) -> Vec<&'a TreatmentCourse> {
    patient.courses.iter().filter(|c| study.drugs.get(&c.drug).is_some_and(|d| d.class() == class)).collect()
}

fn course_of<'a>(patient: &'a Patient, drug: &str) -> Vec<&'a TreatmentCourse> {
    patient.courses.iter().filter(|c| c.drug == drug).collect()
}

fn duration_months(course: &TreatmentCourse) -> f64 {
    let end = course.end.expect("a finished course has an end");
    (end.earliest_day_number() - course.start.earliest_day_number()) as f64 / 30.4375
}

store_test!(the_reference_study_holds_every_fact_of_the_abstract, |db| {
    let folder = read_study_folder(&reference_folder()).expect("the reference study passes its checks");
    db.store.import_study(&folder.study, &folder.patients, &tester()).await.unwrap();
    let study = db.store.load_study("was-anti-il1").await.unwrap();
    let patients = db.store.load_patients("was-anti-il1").await.unwrap();

    // Seven constructed patients from four centers in Italy and the United Kingdom.
    assert_eq!(patients.len(), 7);
    assert_eq!(study.data_label.as_deref(), Some("constructed to match the published aggregate figures; not real patient data"));
    assert!(patients.iter().all(|p| p.source == casebook_domain::patient::Source::Constructed));
    assert_eq!(study.centers.len(), 4);
    let countries: BTreeSet<&str> = study.centers.iter().map(|c| c.country.as_str()).collect();
    assert_eq!(countries, BTreeSet::from(["GB", "IT"]));
    for center in &study.centers {
        assert!(patients.iter().any(|p| p.center == center.id), "center {} has no patient", center.id);
    }

    // Zhu score severe in all.
    for patient in &patients {
        let results = zhu_results(patient, &study);
        assert!(results.last().is_some_and(|r| r.severe), "{}: Zhu score not severe: {results:?}", patient.pseudonym);
    }

    // Eczema in all; inflammatory cutaneous involvement other than eczema in 5/7 (1 + 2 + 2).
    assert_eq!(with(&patients, ECZEMA).len(), 7);
    assert_eq!(with(&patients, PYODERMA_GANGRENOSUM).len(), 1);
    assert_eq!(with(&patients, ERYSIPELAS_LIKE).len(), 2);
    assert_eq!(with(&patients, CUTANEOUS_VASCULITIS).len(), 2);
    let cutaneous: Vec<&Patient> =
        patients.iter().filter(|p| [PYODERMA_GANGRENOSUM, ERYSIPELAS_LIKE, CUTANEOUS_VASCULITIS].iter().any(|t| has(p, t))).collect();
    assert_eq!(cutaneous.len(), 5);
    for term in [PYODERMA_GANGRENOSUM, ERYSIPELAS_LIKE, CUTANEOUS_VASCULITIS] {
        assert_eq!(patients.iter().filter(|p| has(p, term) || excludes(p, term)).count(), 7, "every patient is assessed for {term}");
    }

    // Joints and IBD in 4 each; the others assessed and absent.
    for term in [ARTHRITIS, IBD] {
        assert_eq!(with(&patients, term).len(), 4, "{term}");
        assert_eq!(patients.iter().filter(|p| excludes(p, term)).count(), 3, "{term}");
    }

    // Prominent fever in 2/7: onset in the first year, raised inflammatory markers, severe
    // cutaneous involvement in both, IBD and joint involvement in one.
    let febrile = with(&patients, PERSISTENT_FEVER);
    assert_eq!(febrile.len(), 2);
    for patient in &febrile {
        let fever = patient.features.iter().find(|f| f.term.id().to_string() == PERSISTENT_FEVER).unwrap();
        let onset_months = match fever.onset.expect("fever onset is recorded") {
            TimePoint::Age(age) => age.max_months(),
            TimePoint::Date(date) => patient.age_at(&date).unwrap().max_months(),
        };
        assert!(onset_months < 12, "{}: fever onset at {onset_months} months", patient.pseudonym);
        assert!(has(patient, RAISED_CRP), "{}", patient.pseudonym);
        assert!(cutaneous.contains(patient), "{}", patient.pseudonym);
        let severe_skin = patient.features.iter().any(|f| {
            [PYODERMA_GANGRENOSUM, ERYSIPELAS_LIKE, CUTANEOUS_VASCULITIS].contains(&f.term.id().to_string().as_str())
                && f.severity == Some(casebook_domain::patient::Severity::Severe)
        });
        assert!(severe_skin, "{}: cutaneous involvement must be severe", patient.pseudonym);
    }
    assert_eq!(febrile.iter().filter(|p| has(p, IBD) && has(p, ARTHRITIS)).count(), 1);

    // Systemic corticosteroids in all, with only partial efficacy in most.
    let mut partial_steroid_response = 0;
    for patient in &patients {
        let steroids = courses_of_class(&study, patient, DrugClass::SystemicCorticosteroid);
        assert!(!steroids.is_empty(), "{} had no systemic corticosteroid", patient.pseudonym);
        partial_steroid_response +=
            usize::from(steroids.iter().any(|c| c.response.as_ref().is_some_and(|r| r.grade == ResponseGrade::Partial)));
    }
    assert!(partial_steroid_response >= 4, "partial steroid response in most, found {partial_steroid_response}");

    // Anakinra in all: 2 months to 34 years, 2-5 mg/kg/day where known, very good or complete
    // response, steroids discontinued, no significant adverse event, months (years in one).
    let anakinra = study.drugs.get("anakinra").unwrap();
    let mut ages = Vec::new();
    let mut doses = Vec::new();
    let mut long_courses = 0;
    for patient in &patients {
        let courses = course_of(patient, "anakinra");
        assert_eq!(courses.len(), 1, "{}", patient.pseudonym);
        let course = courses[0];
        let age = patient.age_at(&course.start).unwrap();
        assert!(age.is_exact(), "{}: the age at anakinra start must be known to the month", patient.pseudonym);
        ages.push(age.min_months());
        doses.extend(derive_course(patient, course, anakinra, &study.drugs, "").derived.and_then(|d| d.mg_per_kg_per_day));
        let response = course.response.as_ref().expect("anakinra response is recorded");
        assert!(matches!(response.grade, ResponseGrade::Complete | ResponseGrade::VeryGood), "{}: {:?}", patient.pseudonym, response.grade);
        assert!(course.steroids_discontinued.is_some(), "{}: steroids not discontinued", patient.pseudonym);
        let events = course.adverse_events.as_ref().expect("adverse events were assessed");
        assert!(events.iter().all(|e| !e.serious && e.grade.value() < 3), "{}: significant adverse event", patient.pseudonym);
        let months = duration_months(course);
        assert!(months >= 1.0, "{}: anakinra for {months:.1} months", patient.pseudonym);
        long_courses += usize::from(months >= 24.0);
    }
    assert_eq!((ages.iter().min(), ages.iter().max()), (Some(&2), Some(&(34 * 12))));
    assert!(doses.len() < 7, "the dose must be unknown for at least one patient");
    assert!(doses.len() >= 5, "doses known for most patients");
    let (low, high) = (doses.iter().copied().fold(f64::INFINITY, f64::min), doses.iter().copied().fold(0.0, f64::max));
    assert!((low - 2.0).abs() < 1e-9 && (high - 5.0).abs() < 1e-9, "anakinra {low}-{high} mg/kg/day");
    assert_eq!(long_courses, 1, "years of anakinra in exactly one patient");

    // Gene therapy in 5, anakinra before it and not after.
    let gene_therapy: Vec<&Patient> = patients.iter().filter(|p| p.definitive_therapies.iter().any(|t| t.kind.is_gene_therapy())).collect();
    assert_eq!(gene_therapy.len(), 5);
    for patient in &gene_therapy {
        let therapy = patient.definitive_therapies.iter().find(|t| t.kind.is_gene_therapy()).unwrap();
        for course in courses_of_class(&study, patient, DrugClass::Il1Blocker) {
            assert_eq!(course.phase, TreatmentPhase::BeforeDefinitiveTherapy, "{}", patient.pseudonym);
            let end = course.end.expect("anakinra stopped");
            assert_ne!(
                end.definitely_cmp(&therapy.date),
                Some(std::cmp::Ordering::Greater),
                "{}: anakinra after gene therapy",
                patient.pseudonym
            );
        }
    }

    // HSCT in 2: mixed myeloid chimerism, anakinra after HSCT, then canakinumab with a good response.
    let hsct: Vec<&Patient> = patients.iter().filter(|p| p.definitive_therapies.iter().any(|t| !t.kind.is_gene_therapy())).collect();
    assert_eq!(hsct.len(), 2);
    for patient in &hsct {
        let myeloid: Vec<_> = patient.engraftment.iter().filter(|m| m.lineage.is_myeloid()).collect();
        let last = myeloid.iter().max_by_key(|m| m.date.sort_key()).expect("myeloid chimerism is measured");
        assert_eq!(
            classify_chimerism(last.percent_donor.unwrap(), &study.settings.chimerism),
            ChimerismClass::Mixed,
            "{}",
            patient.pseudonym
        );
        let anakinra_course = course_of(patient, "anakinra")[0];
        assert_eq!(anakinra_course.phase, TreatmentPhase::AfterHsct);
        assert_eq!(anakinra_course.termination, Some(TerminationReason::Switched));
        let canakinumab = course_of(patient, "canakinumab");
        assert_eq!(canakinumab.len(), 1, "{}", patient.pseudonym);
        assert_eq!(anakinra_course.switched_to.as_ref(), Some(&canakinumab[0].id));
        assert_eq!(canakinumab[0].response.as_ref().map(|r| r.grade), Some(ResponseGrade::Good));
    }
});
