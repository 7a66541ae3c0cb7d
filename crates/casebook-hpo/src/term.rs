//! Terms as callers see them: a borrowed view ([`TermRef`]), its synonyms, and what an identifier
//! stands for in the release ([`Lookup`]).

use std::fmt;

use crate::Hpo;
use crate::id::{TermId, TermKey};
use crate::tables::{SynonymScope, Term};

/// A borrowed view of one term of an [`Hpo`]: its identifier, label, definition, synonyms and
/// direct parents and children.
///
/// It is two words wide and `Copy`; everything it returns borrows from the ontology.
#[derive(Clone, Copy)]
pub struct TermRef<'a> {
    hpo: &'a Hpo,
    idx: u32,
}

impl<'a> TermRef<'a> {
    /// The term's primary identifier.
    pub fn id(&self) -> TermId {
        self.term().id
    }

    /// The primary identifier as a CURIE, e.g. `"HP:0000964"`.
    pub fn curie(&self) -> String {
        self.id().to_string()
    }

    /// The numeric part of the primary identifier, e.g. 964.
    pub fn number(&self) -> u32 {
        self.id().number()
    }

    /// The label (`name`), e.g. `"Eczematoid dermatitis"`. Obsolete terms keep the `obsolete `
    /// prefix the release gives them.
    pub fn name(&self) -> &'a str {
        self.hpo.text(self.term().name)
    }

    /// The textual definition (`def`), without its references.
    pub fn definition(&self) -> Option<&'a str> {
        self.term().definition.map(|span| self.hpo.text(span))
    }

    /// The synonyms, in file order.
    pub fn synonyms(&self) -> impl ExactSizeIterator<Item = Synonym<'a>> + use<'a> {
        let hpo = self.hpo;
        let (start, end) = self.term().synonyms;
        hpo.tables.synonyms[start as usize..end as usize].iter().map(move |synonym| Synonym {
            text: hpo.text(synonym.text),
            scope: synonym.scope,
            kind: synonym.kind.map(|kind| hpo.text(hpo.tables.synonym_kinds[kind as usize])),
        })
    }

    /// Identifiers merged into this term (`alt_id`); looking them up leads here.
    pub fn alt_ids(&self) -> &'a [TermId] {
        &self.term().alt_ids
    }

    /// Whether the release marks the term obsolete. Obsolete terms have no parents or children and
    /// are never returned by search.
    pub fn is_obsolete(&self) -> bool {
        self.term().obsolete
    }

    /// For an obsolete term, the terms that replace it (`replaced_by`). Usually one; the 2025-01-16
    /// release has one obsolete term, HP:0000535, with two.
    pub fn replaced_by(&self) -> &'a [TermId] {
        &self.term().replaced_by
    }

    /// For an obsolete term, terms to consider instead (`consider`), in file order.
    pub fn consider(&self) -> &'a [TermId] {
        &self.term().consider
    }

    /// The direct `is_a` parents, in file order.
    pub fn parents(&self) -> impl ExactSizeIterator<Item = TermRef<'a>> + use<'a> {
        let hpo = self.hpo;
        hpo.tables.graph.parents(self.idx).iter().map(move |&idx| TermRef::new(hpo, idx))
    }

    /// The direct `is_a` children, in file order.
    pub fn children(&self) -> impl ExactSizeIterator<Item = TermRef<'a>> + use<'a> {
        let hpo = self.hpo;
        hpo.tables.graph.children(self.idx).iter().map(move |&idx| TermRef::new(hpo, idx))
    }

    pub(crate) fn new(hpo: &'a Hpo, idx: u32) -> TermRef<'a> {
        TermRef { hpo, idx }
    }

    fn term(&self) -> &'a Term {
        &self.hpo.tables.terms[self.idx as usize]
    }
}

impl PartialEq for TermRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.hpo, other.hpo) && self.idx == other.idx
    }
}

impl Eq for TermRef<'_> {}

impl fmt::Debug for TermRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TermRef").field("id", &self.id()).field("name", &self.name()).finish()
    }
}

impl TermKey for TermRef<'_> {
    fn term_id(&self) -> Option<TermId> {
        Some(self.id())
    }
}

/// Another text for a term, with how closely it means the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Synonym<'a> {
    text: &'a str,
    scope: SynonymScope,
    kind: Option<&'a str>,
}

impl<'a> Synonym<'a> {
    /// The synonym as written in the release, e.g. `"Eczema"`.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// How the synonym relates to the term's meaning.
    pub fn scope(&self) -> SynonymScope {
        self.scope
    }

    /// The synonym's type, when it has one, by the name the release gives it (`synonymtypedef`):
    /// `layperson term`, `abbreviation`, `plural form`, `UK spelling` and the like.
    pub fn kind(&self) -> Option<&'a str> {
        self.kind
    }
}

/// What an identifier stands for in the release, from [`Hpo::lookup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// A current (non-obsolete) term, under its primary identifier.
    Current(TermRef<'a>),
    /// A term the release marks obsolete.
    ///
    /// An identifier with its own obsolete `[Term]` stanza is reported here even when a current
    /// term also lists it as an `alt_id` (387 identifiers in the 2025-01-16 release), because the
    /// stanza says what replaces it.
    Obsolete {
        /// The obsolete term.
        term: TermRef<'a>,
        /// The replacements (`replaced_by`): usually none or one, two for HP:0000535.
        replaced_by: &'a [TermId],
        /// Terms to consider instead (`consider`).
        consider: &'a [TermId],
    },
    /// An identifier that was merged into another term (`alt_id`).
    AltId {
        /// The term that lists the identifier as an `alt_id`.
        primary: TermRef<'a>,
    },
    /// Not an identifier of this release, or not an HPO identifier at all.
    Unknown,
}
