//! Ancestors, descendants and subsumption over the real `is_a` graph.

use casebook_hpo::{Hpo, TermId};

fn id(text: &str) -> TermId {
    TermId::parse(text).unwrap()
}

const PHENOTYPIC_ABNORMALITY: &str = "HP:0000118";

#[test]
fn subsumption_matches_the_release() {
    let hpo = Hpo::embedded();
    // (term, ancestor, expected): real relations of HPO 2025-01-16, checked against hp.obo.
    let cases: [(&str, &str, bool); 12] = [
        ("HP:0033399", "HP:0001945", true),  // Persistent fever is_a Fever
        ("HP:0025452", "HP:0200042", true),  // Pyoderma gangrenosum is_a Skin ulcer
        ("HP:0100280", "HP:0004386", true),  // Crohn's disease is_a Gastrointestinal inflammation
        ("HP:0100280", "HP:0002037", false), // ... but not under Inflammation of the large intestine
        ("HP:0100280", PHENOTYPIC_ABNORMALITY, true),
        ("HP:0000964", "HP:0011123", true), // Eczematoid dermatitis is_a Inflammatory abnormality of the skin
        ("HP:0001945", "HP:0001945", true), // a term is under itself
        ("HP:0001945", "HP:0033399", false), // not the other way round
        ("HP:0001481", "HP:0011123", true), // an alt id counts as its primary term
        ("HP:0000057", PHENOTYPIC_ABNORMALITY, false), // obsolete terms have no parents
        ("HP:9999999", "HP:0000001", false),
        ("HP:0000001", "HP:9999999", false),
    ];
    for (term, ancestor, expected) in cases {
        assert_eq!(hpo.is_descendant_of(term, ancestor), expected, "{term} under {ancestor}");
        assert_eq!(hpo.ancestors(term).contains(&id(ancestor)), expected && term != ancestor, "{term} ancestors");
    }
}

#[test]
fn ancestors_of_persistent_fever_lead_to_the_root_nearest_first() {
    let hpo = Hpo::embedded();
    let ancestors = hpo.ancestors("HP:0033399");
    assert_eq!(ancestors.first(), Some(&id("HP:0001945")));
    assert_eq!(ancestors.last(), Some(&id("HP:0000001")));
    assert!(ancestors.contains(&id(PHENOTYPIC_ABNORMALITY)));
    assert!(!ancestors.contains(&id("HP:0033399")));
    let mut deduplicated = ancestors.to_vec();
    deduplicated.sort();
    deduplicated.dedup();
    assert_eq!(deduplicated.len(), ancestors.len());
    assert_eq!(hpo.ancestors("HP:0033399"), ancestors, "the order is deterministic");
}

#[test]
fn ancestors_of_crohns_disease_are_the_real_chain() {
    let hpo = Hpo::embedded();
    let names: Vec<&str> = hpo.ancestors("HP:0100280").iter().map(|&ancestor| hpo.term(ancestor).unwrap().name()).collect();
    assert_eq!(names[0], "Gastrointestinal inflammation");
    for expected in ["Abnormality of the gastrointestinal tract", "Abnormality of the digestive system", "Phenotypic abnormality", "All"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
}

#[test]
fn descendants_of_fever_include_persistent_fever() {
    let hpo = Hpo::embedded();
    let descendants = hpo.descendants("HP:0001945");
    assert!(descendants.contains(&id("HP:0033399")));
    assert!(!descendants.contains(&id("HP:0001945")));
    assert!(hpo.descendants("HP:0200042").contains(&id("HP:0025452")));
    assert!(hpo.descendants("HP:9999999").is_empty());
}

#[test]
fn phenotypic_abnormality_is_an_ancestor_of_every_term_under_it() {
    let hpo = Hpo::embedded();
    let under = hpo.descendants(PHENOTYPIC_ABNORMALITY);
    // Most of the release is phenotypic abnormalities; the rest is modes of inheritance, clinical
    // modifiers, courses, frequencies and past medical history.
    assert!(under.len() > 17_000 && under.len() < hpo.term_count(), "{}", under.len());
    for &term in &under {
        assert!(hpo.ancestors(term).contains(&id(PHENOTYPIC_ABNORMALITY)), "{term}");
        assert!(hpo.is_descendant_of(term, PHENOTYPIC_ABNORMALITY), "{term}");
    }
}

#[test]
fn every_current_term_except_the_root_reaches_the_root() {
    let hpo = Hpo::embedded();
    let root = id("HP:0000001");
    assert_eq!(hpo.descendants(root).len() + 1, hpo.term_count());
    for term in hpo.terms().filter(|term| !term.is_obsolete()) {
        assert_eq!(term.parents().len() == 0, term.id() == root, "{}", term.curie());
    }
}
