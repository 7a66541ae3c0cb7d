//! Terms, identifiers and the release header of the embedded ontology.

use casebook_hpo::{Hpo, Lookup, SynonymScope, TermId};

fn id(text: &str) -> TermId {
    TermId::parse(text).unwrap()
}

#[test]
fn the_embedded_release_is_2025_01_16_with_its_term_counts() {
    let hpo = Hpo::embedded();
    assert_eq!(hpo.release(), "2025-01-16");
    assert_eq!(hpo.data_version(), "hp/releases/2025-01-16");
    assert_eq!(hpo.format_version(), Some("1.2"));
    assert_eq!(hpo.attribution(), "Human Phenotype Ontology, release 2025-01-16");
    assert_eq!(hpo.stanza_count(), 19_484);
    assert_eq!(hpo.term_count(), 19_034);
}

#[test]
fn a_term_has_its_name_definition_synonyms_and_parents() {
    let hpo = Hpo::embedded();
    let eczema = hpo.term("HP:0000964").unwrap();
    assert_eq!(eczema.id(), id("HP:0000964"));
    assert_eq!(eczema.curie(), "HP:0000964");
    assert_eq!(eczema.number(), 964);
    assert_eq!(eczema.name(), "Eczematoid dermatitis");
    assert!(eczema.definition().unwrap().starts_with("Eczema is a form of dermatitis"));
    let synonyms: Vec<(&str, SynonymScope)> = eczema.synonyms().map(|s| (s.text(), s.scope())).collect();
    assert_eq!(synonyms, [("Eczema", SynonymScope::Exact)]);
    let parents: Vec<(String, &str)> = eczema.parents().map(|p| (p.curie(), p.name())).collect();
    assert_eq!(parents, [("HP:0011123".to_string(), "Inflammatory abnormality of the skin")]);
    assert_eq!(eczema.alt_ids(), [id("HP:0000976"), id("HP:0001481")]);
    assert!(!eczema.is_obsolete());
}

#[test]
fn synonyms_carry_the_name_of_their_type() {
    let hpo = Hpo::embedded();
    let kinds = |id: &str| -> Vec<(String, Option<String>)> {
        hpo.term(id).unwrap().synonyms().map(|s| (s.text().to_string(), s.kind().map(str::to_string))).collect()
    };
    let named = |text: &str, kind: Option<&str>| (text.to_string(), kind.map(str::to_string));
    // As hp.obo has them: `synonym: "Bleeding gums" EXACT layperson [...]`, and in its header
    // `synonymtypedef: layperson "layperson term"` and `synonymtypedef: uk_spelling "UK spelling"`.
    assert_eq!(
        kinds("HP:0000225"),
        [
            named("Bleeding gums", Some("layperson term")),
            named("Gingival haemorrhage", Some("UK spelling")),
            named("Gingival hemorrhage", None),
            named("Gingivorrhagia", None),
        ]
    );
    // A type whose id is a CURIE: `synonymtypedef: HP:0034334 "allelic_requirement"`.
    assert!(kinds("HP:0000006").contains(&named("monoallelic_autosomal", Some("allelic_requirement"))), "{:?}", kinds("HP:0000006"));
}

#[test]
fn definitions_keep_escaped_quotes() {
    let hpo = Hpo::embedded();
    let pectus = hpo.term("HP:0000767").unwrap();
    assert_eq!(pectus.name(), "Pectus excavatum");
    assert!(pectus.definition().unwrap().contains("(\"pectus\")"), "{:?}", pectus.definition());
}

#[test]
fn lookup_tells_current_obsolete_merged_and_unknown_ids_apart() {
    let hpo = Hpo::embedded();
    let Lookup::Current(fever) = hpo.lookup("HP:0001945") else { panic!("Fever is current") };
    assert_eq!(fever.name(), "Fever");

    // HP:0000057 has its own obsolete stanza, replaced by HP:0008665 (Clitoral hypertrophy).
    let Lookup::Obsolete { term, replaced_by, consider } = hpo.lookup("HP:0000057") else { panic!("HP:0000057 is obsolete") };
    assert_eq!(term.name(), "obsolete Clitoromegaly");
    assert!(term.is_obsolete());
    assert_eq!(replaced_by, [id("HP:0008665")]);
    assert_eq!(hpo.term(replaced_by[0]).unwrap().name(), "Clitoral hypertrophy");
    assert!(consider.is_empty());

    // An obsolete term with `consider` instead of a replacement, and one with two replacements.
    let Lookup::Obsolete { replaced_by, consider, .. } = hpo.lookup("HP:0000489") else { panic!("HP:0000489 is obsolete") };
    assert!(replaced_by.is_empty());
    assert_eq!(consider, [id("HP:0100886"), id("HP:0100887")]);
    let Lookup::Obsolete { replaced_by, .. } = hpo.lookup("HP:0000535") else { panic!("HP:0000535 is obsolete") };
    assert_eq!(replaced_by, [id("HP:0045074"), id("HP:0045075")]);

    // HP:0001481 was merged into Eczematoid dermatitis. HP:0000976, its other alt id, also has an
    // obsolete stanza of its own, which wins because it names the replacement.
    let Lookup::AltId { primary } = hpo.lookup("HP:0001481") else { panic!("HP:0001481 is an alt id") };
    assert_eq!(primary.id(), id("HP:0000964"));
    assert_eq!(hpo.term("HP:0001481").unwrap().id(), id("HP:0000964"));
    let Lookup::Obsolete { term, replaced_by, .. } = hpo.lookup("HP:0000976") else { panic!("HP:0000976 is obsolete") };
    assert_eq!((term.name(), replaced_by), ("obsolete Eczematoid dermatitis", &[id("HP:0000964")][..]));

    for unknown in ["HP:9999999", "HP:964", "eczema", ""] {
        assert_eq!(hpo.lookup(unknown), Lookup::Unknown, "{unknown}");
        assert!(hpo.term(unknown).is_none(), "{unknown}");
    }
}

#[test]
fn every_identifier_of_the_release_is_found_and_its_neighbours_only_if_they_are_in_it() {
    let hpo = Hpo::embedded();
    let mut known = std::collections::BTreeSet::new();
    for term in hpo.terms() {
        known.insert(term.number());
        known.extend(term.alt_ids().iter().map(|alt_id| alt_id.number()));
    }
    // Lookups go through pages of 256 numbers: the numbers on either side of every identifier,
    // and the ends of every page up to past the highest, cross their edges.
    let highest = *known.last().unwrap();
    let neighbours = known.iter().flat_map(|&number| [number.saturating_sub(1), number + 1]);
    let page_ends = (0..=(highest >> 8) + 1).flat_map(|page| [page << 8, (page << 8) + 255]);
    for number in known.iter().copied().chain(neighbours).chain(page_ends) {
        let Some(term_id) = TermId::from_number(number) else { continue };
        assert_eq!(hpo.lookup(term_id) != Lookup::Unknown, known.contains(&number), "{term_id}");
    }
}

#[test]
fn every_obsolete_term_is_a_leaf_and_every_replacement_is_current() {
    let hpo = Hpo::embedded();
    let mut n_obsolete = 0;
    for term in hpo.terms().filter(|term| term.is_obsolete()) {
        n_obsolete += 1;
        assert_eq!((term.parents().len(), term.children().len()), (0, 0), "{}", term.curie());
        for &replacement in term.replaced_by() {
            assert!(matches!(hpo.lookup(replacement), Lookup::Current(_)), "{} -> {replacement}", term.curie());
        }
    }
    assert_eq!(n_obsolete, 450);
}
