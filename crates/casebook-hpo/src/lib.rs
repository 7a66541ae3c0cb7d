//! The Human Phenotype Ontology (HPO) for Casebook: the release shipped inside the binary, its
//! `is_a` graph, and a term search for autocomplete.
//!
//! [`Hpo::embedded`] gives the vendored release (HPO 2025-01-16, `vendor/hpo/hp.obo.gz`), loaded
//! on first use from tables the build script made of it, in a few milliseconds.
//! [`Hpo::parse_obo`] reads any HPO release in OBO format. An [`Hpo`] answers:
//!
//! - what an identifier stands for: [`Hpo::term`] gives a [`TermRef`] (label, definition,
//!   [`Synonym`]s, parents), and [`Hpo::lookup`] tells current, obsolete (with replacements),
//!   merged (`alt_id`) and unknown identifiers apart ([`Lookup`]);
//! - how terms relate: [`Hpo::ancestors`], [`Hpo::descendants`], [`Hpo::is_descendant_of`];
//! - which terms a person means: [`Hpo::search`] ranks [`SearchHit`]s by [`MatchKind`].
//!
//! Identifiers are [`TermId`]s (`HP:` and seven digits, stored as the number). The graph methods
//! take anything that is a [`TermKey`]: a `TermId`, a `TermRef` or a text such as `"HP:0000964"`.
//!
//! ```
//! use casebook_hpo::{Hpo, Lookup, MatchKind};
//!
//! let hpo = Hpo::embedded();
//! assert_eq!(hpo.release(), "2025-01-16");
//!
//! let eczema = hpo.term("HP:0000964").unwrap();
//! assert_eq!(eczema.name(), "Eczematoid dermatitis");
//! assert!(hpo.is_descendant_of("HP:0033399", "HP:0001945")); // Persistent fever is a Fever
//!
//! let hits = hpo.search("ecezma", 5); // a typo
//! assert!(hits.iter().any(|hit| hit.id == eczema.id() && hit.kind == MatchKind::Fuzzy));
//!
//! assert!(matches!(hpo.lookup("HP:0000057"), Lookup::Obsolete { .. }));
//! ```
//!
//! **Licence.** The HPO may be used and shipped only unaltered, acknowledged and with its release
//! shown wherever terms are displayed: show [`Hpo::attribution`] (an about page, report footers)
//! and cite [`CITATION`]. This crate therefore reads the release as it is and offers no way to
//! edit terms or relations.
//!
//! Not here: phenotype annotations (`phenotype.hpoa`), other ontologies, semantic similarity,
//! and any IO: the embedded release is compiled in, and other releases come in as text.

#![deny(missing_docs)]

mod error;
mod graph;
mod id;
mod obo;
mod search;
mod tables;
mod term;

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use crate::search::SearchIndex;
use crate::tables::{Slot, Span, Tables};

pub use crate::error::HpoError;
pub use crate::id::{TermId, TermKey};
pub use crate::search::{MatchKind, SearchHit};
pub use crate::tables::SynonymScope;
pub use crate::term::{Lookup, Synonym, TermRef};

/// The citation the HPO licence asks for.
pub const CITATION: &str = "Gargano MA et al., The Human Phenotype Ontology in 2024: phenotypes around the world, \
                            Nucleic Acids Res 2024;52(D1):D1333-D1346";

/// The vendored release (`vendor/hpo/hp.obo.gz`, exactly as distributed), decompressed by the
/// build script.
static EMBEDDED_OBO: &str = include_str!(concat!(env!("OUT_DIR"), "/hp.obo"));

/// The vendored release's tables, built from [`EMBEDDED_OBO`] by the build script with the
/// code that [`Hpo::parse_obo`] runs ([`Tables::encode`]).
static EMBEDDED_TABLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hp.tables"));

/// One HPO release: its terms, the `is_a` graph between them, and a search index.
///
/// Terms live in one table; identifiers and alt ids map to table positions through a sorted
/// index, and parents and children are flat adjacency tables ([`Tables`]). Labels, definitions
/// and synonyms stay where they are in the OBO text, which the `Hpo` keeps (borrowed for the
/// embedded release), so loading copies no text. An `Hpo` is immutable and `Sync`, so one
/// instance serves every thread.
pub struct Hpo {
    /// The release as given; term texts are [`Span`]s of it.
    obo: Cow<'static, str>,
    tables: Tables,
    /// Built on the first search: about twice the load time, and most users of a release (an
    /// import validating terms, a report) never search.
    search_index: OnceLock<SearchIndex>,
    /// Each term's ancestors, found on the first request: an import validates the same few
    /// hundred terms in document after document.
    ancestors: Box<[OnceLock<Box<[TermId]>>]>,
}

impl Hpo {
    /// The vendored release (HPO 2025-01-16), loaded on first use and shared afterwards.
    pub fn embedded() -> &'static Hpo {
        static EMBEDDED: OnceLock<Hpo> = OnceLock::new();
        EMBEDDED.get_or_init(Hpo::load_embedded)
    }

    /// Loads the vendored release anew: its text and the tables the build script made of it.
    /// Use [`Hpo::embedded`] instead unless a separate instance is really wanted, e.g. to
    /// measure loading.
    pub fn load_embedded() -> Hpo {
        Hpo::new(Cow::Borrowed(EMBEDDED_OBO), Tables::decode(EMBEDDED_TABLES))
    }

    /// Parses an HPO release in OBO format.
    ///
    /// Every `[Term]` needs an `id` and a `name`, every `is_a` must name a term of the file, and
    /// the header must have a `data-version`. Errors name the line.
    ///
    /// ```
    /// use casebook_hpo::{Hpo, HpoError};
    /// let text = "data-version: hp/releases/2025-01-16\n\n[Term]\nid: HP:0000001\nname: All\n\n\
    ///             [Term]\nid: HP:0000118\nname: Phenotypic abnormality\nis_a: HP:000001 ! All\n";
    /// let error = Hpo::parse_obo(text).unwrap_err();
    /// assert_eq!(error, HpoError::InvalidTermId { line: 10, value: "HP:000001".to_string() });
    /// assert_eq!(error.to_string(), "line 10: `HP:000001` is not an HPO identifier: expected `HP:` followed by 7 digits");
    /// ```
    pub fn parse_obo(text: &str) -> Result<Hpo, HpoError> {
        Hpo::read(Cow::Owned(text.to_string()))
    }

    fn read(obo: Cow<'static, str>) -> Result<Hpo, HpoError> {
        let tables = Tables::build(&obo)?;
        Ok(Hpo::new(obo, tables))
    }

    fn new(obo: Cow<'static, str>, tables: Tables) -> Hpo {
        let ancestors = (0..tables.terms.len()).map(|_| OnceLock::new()).collect();
        Hpo { obo, tables, search_index: OnceLock::new(), ancestors }
    }

    /// The release date, e.g. `"2025-01-16"` for `data-version: hp/releases/2025-01-16`. A
    /// `data-version` of another shape is returned whole.
    pub fn release(&self) -> &str {
        let version = self.tables.data_version.strip_prefix("hp/releases/").unwrap_or(&self.tables.data_version);
        version.strip_suffix("/hp.obo").unwrap_or(version)
    }

    /// The header's `data-version` as written, e.g. `"hp/releases/2025-01-16"`.
    pub fn data_version(&self) -> &str {
        &self.tables.data_version
    }

    /// The header's `format-version`, e.g. `"1.2"`, if the file has one.
    pub fn format_version(&self) -> Option<&str> {
        self.tables.format_version.as_deref()
    }

    /// The acknowledgement the HPO licence asks to show wherever terms are displayed:
    /// `"Human Phenotype Ontology, release 2025-01-16"`.
    pub fn attribution(&self) -> String {
        format!("Human Phenotype Ontology, release {}", self.release())
    }

    /// The number of current (non-obsolete) terms: 19,034 in the 2025-01-16 release.
    pub fn term_count(&self) -> usize {
        self.tables.n_current
    }

    /// The number of `[Term]` stanzas, obsolete ones included: 19,484 in the 2025-01-16 release.
    pub fn stanza_count(&self) -> usize {
        self.tables.terms.len()
    }

    /// Every term, obsolete ones included, in file order (which is identifier order in HPO releases).
    pub fn terms(&self) -> impl ExactSizeIterator<Item = TermRef<'_>> {
        (0..tables::as_u32(self.tables.terms.len())).map(move |idx| TermRef::new(self, idx))
    }

    /// The term an identifier names: its own term, or for an alt id the term it was merged into.
    /// Obsolete terms are returned too; check [`TermRef::is_obsolete`], or use [`Hpo::lookup`].
    pub fn term(&self, id: impl TermKey) -> Option<TermRef<'_>> {
        let idx = self.index_of(id.term_id()?)?;
        Some(TermRef::new(self, idx))
    }

    /// What an identifier stands for in this release. A text that is not an HPO identifier is
    /// [`Lookup::Unknown`].
    pub fn lookup(&self, id: impl TermKey) -> Lookup<'_> {
        let Some(slot) = id.term_id().and_then(|id| self.tables.ids.slot_of(id)) else {
            return Lookup::Unknown;
        };
        match slot {
            Slot::Alt(idx) => Lookup::AltId { primary: TermRef::new(self, idx) },
            Slot::Primary(idx) => {
                let term = TermRef::new(self, idx);
                if term.is_obsolete() {
                    Lookup::Obsolete { term, replaced_by: term.replaced_by(), consider: term.consider() }
                } else {
                    Lookup::Current(term)
                }
            }
        }
    }

    /// Every `is_a` ancestor of a term, without the term itself, each once, nearest first
    /// (breadth-first, parents in file order). Empty for unknown identifiers and for roots.
    pub fn ancestors(&self, id: impl TermKey) -> &[TermId] {
        match self.resolve(id) {
            Some(idx) => self.ancestors[idx as usize].get_or_init(|| self.ids_of(&self.tables.graph.ancestors(idx)).into()),
            None => &[],
        }
    }

    /// Every `is_a` descendant of a term, without the term itself, each once, nearest first
    /// (breadth-first, children in file order). Empty for unknown identifiers and for leaves.
    pub fn descendants(&self, id: impl TermKey) -> Vec<TermId> {
        self.resolve(id).map(|idx| self.ids_of(&self.tables.graph.descendants(idx))).unwrap_or_default()
    }

    /// Whether `id` is `ancestor` or lies under it. False when either is unknown. Alt ids count
    /// as the term they were merged into.
    pub fn is_descendant_of(&self, id: impl TermKey, ancestor: impl TermKey) -> bool {
        match (self.resolve(id), self.resolve(ancestor)) {
            (Some(idx), Some(ancestor_idx)) => self.tables.graph.reaches_up(idx, ancestor_idx),
            _ => false,
        }
    }

    /// Current terms matching a query, best first, at most `limit` of them.
    ///
    /// Results are ranked by [`MatchKind`]: an identifier query (`HP:0000964`, `hp:0000964` or
    /// `0000964`) first, then an exact label, an exact synonym, a label prefix, a synonym prefix,
    /// word prefixes, and word prefixes with small typos. Within a kind, fewer edits come first,
    /// then entries with fewer words beyond the query's, then the shorter label, then the lower
    /// identifier, so results are deterministic. Matching ignores case, common accents and
    /// repeated spaces. Obsolete terms are never returned; the identifier of one yields its
    /// replacements.
    ///
    /// ```
    /// use casebook_hpo::{Hpo, MatchKind};
    /// let hits = Hpo::embedded().search("HP:0001369", 3);
    /// assert_eq!((hits[0].label, hits[0].kind), ("Arthritis", MatchKind::Id));
    /// ```
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit<'_>> {
        self.search_index.get_or_init(|| SearchIndex::build(self)).search(self, query, limit)
    }

    /// The table position of a term or alt id, resolved to the primary term.
    fn index_of(&self, id: TermId) -> Option<u32> {
        self.tables.ids.slot_of(id).map(|slot| match slot {
            Slot::Primary(idx) | Slot::Alt(idx) => idx,
        })
    }

    fn resolve(&self, id: impl TermKey) -> Option<u32> {
        self.index_of(id.term_id()?)
    }

    /// A term text: a span of the OBO text, or past its end, of the unescaped copies.
    fn text(&self, span: Span) -> &str {
        obo::text_of(&self.obo, &self.tables.unescaped, span)
    }

    fn ids_of(&self, indexes: &[u32]) -> Vec<TermId> {
        indexes.iter().map(|&idx| self.tables.terms[idx as usize].id).collect()
    }
}

impl fmt::Debug for Hpo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hpo")
            .field("data_version", &self.tables.data_version)
            .field("term_count", &self.tables.n_current)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use crate::tables::Tables;
    use crate::{EMBEDDED_OBO, EMBEDDED_TABLES};

    /// The build script's tables are the ones the library builds from the same text, and they
    /// read back as they were written.
    #[test]
    fn the_embedded_tables_are_those_of_the_embedded_text() {
        let built = Tables::build(EMBEDDED_OBO).unwrap();
        assert_eq!(Tables::decode(EMBEDDED_TABLES), built);
        assert_eq!(Tables::decode(&built.encode()), built);
    }

    /// What the release does not have: no `format-version`, a term without a definition.
    #[test]
    fn tables_without_a_format_version_or_a_definition_read_back() {
        let text =
            "data-version: test\n\n[Term]\nid: HP:0000001\nname: All\n\n[Term]\nid: HP:0000002\nname: Two \\W words\nis_a: HP:0000001\n";
        let built = Tables::build(text).unwrap();
        assert_eq!((built.format_version.as_deref(), built.terms[0].definition, built.unescaped.as_str()), (None, None, "Two   words"));
        assert_eq!(Tables::decode(&built.encode()), built);
    }
}
