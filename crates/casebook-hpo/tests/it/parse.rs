//! Reading OBO text: what is kept, what is skipped, and errors that name the line.

use casebook_hpo::{Hpo, HpoError, Lookup, SynonymScope, TermId};

const HEADER: &str = "format-version: 1.2\ndata-version: hp/releases/2025-01-16\n";

fn parse(body: &str) -> Result<Hpo, HpoError> {
    Hpo::parse_obo(&format!("{HEADER}{body}"))
}

#[test]
fn a_small_ontology_is_read_with_every_tag_it_needs() {
    let body = "\n[Term]\nid: HP:0000001\nname: All\n\n\
                [Term]\nid: HP:0000118\nname: Phenotypic abnormality\nalt_id: HP:0000005\n\
                def: \"A \\\"quoted\\\" definition.\" [PMID:1]\n\
                synonym: \"Phenotype\" BROAD layperson []\nsynonym: \"Organ abnormality\" RELATED [ORCID:1]\n\
                xref: UMLS:C4021790\nis_a: HP:0000001 {source=x} ! All\n\n\
                [Term]\nid: HP:0000002\nname: obsolete Something\nis_obsolete: true\nreplaced_by: HP:0000118\nconsider: HP:0000001\n\n\
                [Typedef]\nid: part_of\nname: part of\n";
    let hpo = parse(body).unwrap();
    assert_eq!((hpo.release(), hpo.term_count(), hpo.stanza_count()), ("2025-01-16", 2, 3));
    let term = hpo.term("HP:0000005").unwrap();
    assert_eq!(term.name(), "Phenotypic abnormality");
    assert_eq!(term.definition(), Some("A \"quoted\" definition."));
    let synonyms: Vec<(&str, SynonymScope)> = term.synonyms().map(|s| (s.text(), s.scope())).collect();
    assert_eq!(synonyms, [("Phenotype", SynonymScope::Broad), ("Organ abnormality", SynonymScope::Related)]);
    assert_eq!(hpo.ancestors("HP:0000118"), [TermId::parse("HP:0000001").unwrap()]);
    let Lookup::Obsolete { replaced_by, consider, .. } = hpo.lookup("HP:0000002") else { panic!("HP:0000002 is obsolete") };
    assert_eq!((replaced_by.len(), consider.len()), (1, 1));
    assert_eq!(hpo.search("organ abn", 5)[0].matched_text, "Organ abnormality");
}

#[test]
fn a_synonym_type_is_named_as_the_header_declares_it_or_by_its_id() {
    let text = "format-version: 1.2\ndata-version: hp/releases/2025-01-16\nsynonymtypedef: layperson \"layperson term\"\n\n\
                [Term]\nid: HP:0000001\nname: All\nsynonym: \"Everything\" EXACT layperson []\n\
                synonym: \"Al\" EXACT abbreviation [PMID:1]\nsynonym: \"The lot\" RELATED [PMID:2]\n";
    let hpo = Hpo::parse_obo(text).unwrap();
    let kinds: Vec<(&str, Option<&str>)> = hpo.term("HP:0000001").unwrap().synonyms().map(|s| (s.text(), s.kind())).collect();
    assert_eq!(kinds, [("Everything", Some("layperson term")), ("Al", Some("abbreviation")), ("The lot", None)]);
}

#[test]
fn malformed_text_is_rejected_with_its_line() {
    // The header takes lines 1 and 2, so a body's first line is line 3.
    let cases: [(&str, HpoError); 13] = [
        ("[Term]\nid: HP:0000001\nname All\n", HpoError::MalformedLine { line: 5 }),
        ("[Term]\nid: HP:1\nname: All\n", HpoError::InvalidTermId { line: 4, value: "HP:1".to_string() }),
        (
            "[Term]\nid: HP:0000001\nname: All\nis_a: MONDO:0000001\n",
            HpoError::InvalidTermId { line: 6, value: "MONDO:0000001".to_string() },
        ),
        ("[Term]\nid: HP:0000001\nname: All\ndef: \"unclosed []\n", HpoError::MalformedQuotedText { line: 6, tag: "def" }),
        ("[Term]\nid: HP:0000001\nname: All\nsynonym: Everything EXACT []\n", HpoError::MalformedQuotedText { line: 6, tag: "synonym" }),
        (
            "[Term]\nid: HP:0000001\nname: All\nsynonym: \"Everything\" SOMETIMES []\n",
            HpoError::UnknownSynonymScope { line: 6, scope: "SOMETIMES".to_string() },
        ),
        ("[Term]\nid: HP:0000001\nname: All\nis_obsolete: yes\n", HpoError::InvalidObsoleteFlag { line: 6, value: "yes".to_string() }),
        ("[Term]\nid: HP:0000001\nname: All\nname: Everything\n", HpoError::RepeatedTag { line: 6, tag: "name" }),
        ("[Term]\nname: All\n", HpoError::MissingId { line: 3 }),
        ("\n[Term]\nid: HP:0000001\n", HpoError::MissingName { line: 4, id: "HP:0000001".to_string() }),
        (
            "[Term]\nid: HP:0000001\nname: All\n\n[Term]\nid: HP:0000001\nname: All again\n",
            HpoError::DuplicateTerm { line: 8, id: "HP:0000001".to_string() },
        ),
        (
            "[Term]\nid: HP:0000001\nname: All\nalt_id: HP:0000009\n\n[Term]\nid: HP:0000002\nname: Two\nalt_id: HP:0000009\n",
            HpoError::DuplicateAltId { line: 11, id: "HP:0000009".to_string() },
        ),
        ("[Term]\nid: HP:0000002\nname: Two\nis_a: HP:0000001 ! All\n", HpoError::UnknownParent { line: 6, id: "HP:0000001".to_string() }),
    ];
    for (body, expected) in cases {
        assert_eq!(parse(body).unwrap_err(), expected, "{body}");
    }
}

#[test]
fn a_header_without_data_version_is_rejected() {
    let error = Hpo::parse_obo("format-version: 1.2\n\n[Term]\nid: HP:0000001\nname: All\n").unwrap_err();
    assert_eq!(error, HpoError::MissingDataVersion { line: 3 });
    assert_eq!(error.to_string(), "line 3: the header ends without a `data-version`, so the HPO release is unknown");
}

#[test]
fn error_messages_name_the_line() {
    let error = parse("[Term]\nid: HP:0000001\nname: All\nsynonym: \"x\" SOMETIMES []\n").unwrap_err();
    assert_eq!(error.to_string(), "line 6: synonym scope `SOMETIMES` is not EXACT, RELATED, BROAD or NARROW");
}

#[test]
fn windows_line_endings_and_comments_are_accepted() {
    let text =
        "format-version: 1.2\r\ndata-version: hp/releases/2025-01-16\r\n! a comment\r\n\r\n[Term]\r\nid: HP:0000001\r\nname: All\r\n";
    let hpo = Hpo::parse_obo(text).unwrap();
    assert_eq!(hpo.term("HP:0000001").unwrap().name(), "All");
}
