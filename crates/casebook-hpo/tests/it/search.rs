//! Search for autocomplete: ranking, typos and identifiers (times: `bench/hpo.sh`).

use casebook_hpo::{Hpo, MatchKind, TermId};

fn id(text: &str) -> TermId {
    TermId::parse(text).unwrap()
}

/// Runs one query and checks where an expected term lands and how it matched.
fn check(query: &str, expected: &str, max_rank: usize, kind: MatchKind) {
    let hits = Hpo::embedded().search(query, 20);
    let rank = hits.iter().position(|hit| hit.id == id(expected));
    let shown: Vec<String> =
        hits.iter().map(|hit| format!("{} {} ({:?} via {:?})", hit.id, hit.label, hit.kind, hit.matched_text)).collect();
    let Some(rank) = rank else { panic!("{query:?}: {expected} not found in {shown:#?}") };
    assert!(rank <= max_rank, "{query:?}: {expected} at rank {rank}, expected at most {max_rank}: {shown:#?}");
    assert_eq!(hits[rank].kind, kind, "{query:?}: {shown:#?}");
}

#[test]
fn queries_find_the_expected_terms() {
    // (query, expected term, worst acceptable 0-based rank, how it matches)
    let cases: [(&str, &str, usize, MatchKind); 15] = [
        ("eczema", "HP:0000964", 0, MatchKind::ExactSynonym),
        ("Eczema", "HP:0000964", 0, MatchKind::ExactSynonym),
        ("  ECZEMA ", "HP:0000964", 0, MatchKind::ExactSynonym),
        ("eczematoid dermatitis", "HP:0000964", 0, MatchKind::ExactLabel),
        ("fever", "HP:0001945", 0, MatchKind::ExactLabel),
        ("pyoderma", "HP:0000999", 0, MatchKind::ExactLabel),
        ("pyoderma", "HP:0025452", 1, MatchKind::LabelPrefix),
        ("persistent fe", "HP:0033399", 0, MatchKind::LabelPrefix),
        ("morbus cro", "HP:0100280", 0, MatchKind::SynonymPrefix),
        ("crohn", "HP:0100280", 0, MatchKind::LabelPrefix),
        ("crohns", "HP:0100280", 2, MatchKind::WordPrefix),
        ("gangrenosum pyo", "HP:0025452", 0, MatchKind::WordPrefix),
        ("ecezma", "HP:0000964", 0, MatchKind::Fuzzy),
        ("pyoderma gangrenossum", "HP:0025452", 0, MatchKind::Fuzzy),
        ("arthritis", "HP:0001369", 0, MatchKind::ExactLabel),
    ];
    for (query, expected, max_rank, kind) in cases {
        check(query, expected, max_rank, kind);
    }
}

#[test]
fn an_identifier_query_returns_that_term_first() {
    let hpo = Hpo::embedded();
    for query in ["HP:0001369", "hp:0001369", "0001369", " HP_0001369 "] {
        let hits = hpo.search(query, 10);
        assert_eq!(hits[0].id, id("HP:0001369"), "{query}");
        assert_eq!((hits[0].label, hits[0].kind), ("Arthritis", MatchKind::Id), "{query}");
    }
    // An alt id finds its primary term, and an obsolete id finds its replacement.
    assert_eq!(hpo.search("HP:0001481", 5)[0].id, id("HP:0000964"));
    assert_eq!(hpo.search("HP:0000976", 5)[0].id, id("HP:0000964"));
    let replacements: Vec<TermId> = hpo.search("HP:0000535", 5).iter().take(2).map(|hit| hit.id).collect();
    assert_eq!(replacements, [id("HP:0045074"), id("HP:0045075")]);
}

#[test]
fn obsolete_terms_are_never_returned() {
    let hpo = Hpo::embedded();
    for query in ["obsolete", "clitoromegaly", "sparse and thin eyebrow", "HP:0000057", "a", "abnormality"] {
        for hit in hpo.search(query, 200) {
            assert!(!hpo.term(hit.id).unwrap().is_obsolete(), "{query}: {}", hit.id);
        }
    }
}

#[test]
fn results_are_ranked_by_kind_then_shorter_label_then_id() {
    let hpo = Hpo::embedded();
    let hits = hpo.search("skin", 200);
    assert_eq!(hits.len(), 200);
    for pair in hits.windows(2) {
        assert!(pair[0].kind <= pair[1].kind, "{pair:?}");
        if pair[0].kind == pair[1].kind && pair[0].kind <= MatchKind::SynonymPrefix {
            let key = |hit: &casebook_hpo::SearchHit<'_>| (hit.label.chars().count(), hit.id);
            assert!(key(&pair[0]) < key(&pair[1]), "{pair:?}");
        }
    }
    assert_eq!(hpo.search("skin", 200), hits, "the order is deterministic");
}

#[test]
fn limits_and_empty_queries_are_respected() {
    let hpo = Hpo::embedded();
    assert_eq!(hpo.search("abnormal", 7).len(), 7);
    assert!(hpo.search("abnormal", 0).is_empty());
    assert!(hpo.search("", 10).is_empty());
    assert!(hpo.search("   ", 10).is_empty());
    assert!(hpo.search("?!", 10).is_empty());
    assert!(hpo.search("qqqqqqqqqqqq", 10).is_empty());
}

#[test]
fn matched_text_is_the_label_or_synonym_as_written() {
    let hpo = Hpo::embedded();
    let hit = hpo.search("eczema", 1)[0];
    assert_eq!((hit.label, hit.matched_text), ("Eczematoid dermatitis", "Eczema"));
    let hit = hpo.search("kienbock", 1)[0];
    assert_eq!(hit.matched_text, "Kienböck's disease");
}
