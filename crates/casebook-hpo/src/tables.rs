//! The tables of one release: its terms, synonyms, identifier index and `is_a` graph, built
//! from the OBO text ([`Tables::build`]) and written to and read from bytes
//! ([`Tables::encode`], [`Tables::decode`]).
//!
//! The build script builds the vendored release's tables and writes them into the binary
//! beside the text, so that loading the embedded release only reads them back: parsing 10 MB of
//! OBO and building the indexes took about 10 ms, on one core, at the start of every command.
//! The build script compiles this file (and `obo.rs`, `graph.rs`, `id.rs`, `error.rs`) as
//! modules of its own, so nothing here may use the rest of the crate.

use crate::error::HpoError;
use crate::graph::Graph;
use crate::id::TermId;
use crate::obo;

/// Everything an [`crate::Hpo`] knows about a release but the text its spans point into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tables {
    pub(crate) data_version: String,
    pub(crate) format_version: Option<String>,
    /// Texts that had OBO escapes, unescaped: the spans past the end of the OBO text.
    pub(crate) unescaped: String,
    pub(crate) terms: Vec<Term>,
    /// Every term's synonyms, term after term.
    pub(crate) synonyms: Vec<SynonymEntry>,
    /// The names of the synonym types, such as `layperson term`; a synonym's `kind` is a
    /// place in this list.
    pub(crate) synonym_kinds: Vec<Span>,
    /// Every identifier, primary and alt.
    pub(crate) ids: IdIndex,
    pub(crate) n_current: usize,
    pub(crate) graph: Graph,
}

/// What an identifier points at in the term table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The identifier of the term's own stanza.
    Primary(u32),
    /// An `alt_id` listed by the term.
    Alt(u32),
}

impl Slot {
    const ALT: u32 = 1 << 31;

    /// The slot as one number for [`Tables::id_slots`]: the table position plus one, with the
    /// top bit for an alt id, so that 0 is no identifier.
    fn encode(self) -> u32 {
        match self {
            Slot::Primary(idx) => idx + 1,
            Slot::Alt(idx) => (idx + 1) | Slot::ALT,
        }
    }

    fn decode(code: u32) -> Option<Slot> {
        let idx = (code & !Slot::ALT).checked_sub(1)?;
        Some(if code & Slot::ALT == 0 { Slot::Primary(idx) } else { Slot::Alt(idx) })
    }
}

/// Every identifier (primary and alt) by its number, in pages of 256 numbers. A lookup is two
/// reads, no search: validation looks up every term of every document, several times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IdIndex {
    /// Where each page starts in `slots`, or [`NO_PAGE`] when no identifier is on it.
    pages: Vec<u32>,
    /// The pages that have identifiers, 256 numbers each: every number's [`Slot`], encoded
    /// ([`Slot::encode`]), 0 for none.
    slots: Vec<u32>,
}

/// [`IdIndex::pages`] of a number no identifier has.
const NO_PAGE: u32 = u32::MAX;

/// Identifiers per page of [`IdIndex::slots`]: the 22,929 identifiers of the 2025-01-16 release
/// fall on 113 pages (116 KiB), among 23,443 page entries (92 KiB).
const PAGE: u32 = 256;

impl IdIndex {
    fn new(ids: impl IntoIterator<Item = (TermId, Slot)>) -> IdIndex {
        let mut index = IdIndex { pages: Vec::new(), slots: Vec::new() };
        for (id, slot) in ids {
            let page = (id.number() / PAGE) as usize;
            if page >= index.pages.len() {
                index.pages.resize(page + 1, NO_PAGE);
            }
            if index.pages[page] == NO_PAGE {
                index.pages[page] = as_u32(index.slots.len());
                index.slots.resize(index.slots.len() + PAGE as usize, 0);
            }
            index.slots[(index.pages[page] + id.number() % PAGE) as usize] = slot.encode();
        }
        index
    }

    /// What an identifier points at, if it is one of the release.
    pub(crate) fn slot_of(&self, id: TermId) -> Option<Slot> {
        let start = *self.pages.get((id.number() / PAGE) as usize)?;
        if start == NO_PAGE {
            return None;
        }
        Slot::decode(self.slots[(start + id.number() % PAGE) as usize])
    }
}

pub(crate) fn as_u32(value: usize) -> u32 {
    u32::try_from(value).expect("fewer than 2^32 terms")
}

impl Tables {
    /// Parses an OBO text and builds its tables; see [`crate::Hpo::parse_obo`] for what is
    /// checked.
    pub(crate) fn build(obo: &str) -> Result<Tables, HpoError> {
        let parsed = obo::parse(obo)?;
        let terms = parsed.terms;

        // Sorting by (id, table position) puts the later of two stanzas with one id second.
        let mut primaries: Vec<(TermId, u32)> = terms.iter().enumerate().map(|(idx, term)| (term.id, as_u32(idx))).collect();
        primaries.sort_unstable();
        if let Some(pair) = primaries.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(HpoError::DuplicateTerm { line: parsed.id_lines[pair[1].1 as usize], id: pair[1].0.to_string() });
        }

        // An alt id that is also the id of a stanza (in HPO: an obsolete term) keeps pointing at
        // that stanza, which says what replaces it.
        let mut alt_entries: Vec<(TermId, u32, usize)> = Vec::with_capacity(parsed.alt_ids.len());
        for &(alt_id, idx, line) in &parsed.alt_ids {
            if primaries.binary_search_by_key(&alt_id, |&(id, _)| id).is_err() {
                alt_entries.push((alt_id, idx, line));
            }
        }
        // A stable sort keeps file order, so the second claim of an alt id is the one reported.
        alt_entries.sort_by_key(|&(id, _, _)| id);
        if let Some(pair) = alt_entries.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(HpoError::DuplicateAltId { line: pair[1].2, id: pair[1].0.to_string() });
        }
        let ids = IdIndex::new(
            primaries.iter().map(|&(id, idx)| (id, Slot::Primary(idx))).chain(alt_entries.iter().map(|&(id, idx, _)| (id, Slot::Alt(idx)))),
        );
        let mut edges: Vec<(u32, u32)> = Vec::with_capacity(parsed.is_a.len());
        for &(child, parent_id, line) in &parsed.is_a {
            match ids.slot_of(parent_id) {
                Some(Slot::Primary(parent)) => edges.push((child, parent)),
                _ => return Err(HpoError::UnknownParent { line, id: parent_id.to_string() }),
            }
        }
        Ok(Tables {
            data_version: parsed.data_version,
            format_version: parsed.format_version,
            unescaped: parsed.unescaped,
            n_current: terms.iter().filter(|term| !term.obsolete).count(),
            graph: Graph::new(terms.len(), &edges),
            terms,
            synonyms: parsed.synonyms,
            synonym_kinds: parsed.synonym_kinds,
            ids,
        })
    }

    /// The tables as bytes for [`Tables::decode`]: every number a little-endian `u32`, every
    /// list and text led by its length.
    #[cfg_attr(not(test), allow(dead_code, reason = "the build script writes the tables; the library only reads them"))]
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Encoder(Vec::with_capacity(4 << 20));
        out.text(&self.data_version);
        out.flag(self.format_version.is_some());
        out.text(self.format_version.as_deref().unwrap_or(""));
        out.text(&self.unescaped);
        out.count(self.terms.len());
        for term in &self.terms {
            out.number(term.id.number());
            out.span(term.name);
            out.flag(term.definition.is_some());
            out.span(term.definition.unwrap_or(Span { start: 0, end: 0 }));
            out.numbers(&[term.synonyms.0, term.synonyms.1]);
            out.flag(term.obsolete);
            for list in [&term.alt_ids, &term.replaced_by, &term.consider] {
                out.count(list.len());
                list.iter().for_each(|id| out.number(id.number()));
            }
        }
        out.count(self.synonyms.len());
        for synonym in &self.synonyms {
            out.span(synonym.text);
            // The scope's place in `SynonymScope::ALL` (declaration order) in the low two bits, and
            // one more than the type's place in `synonym_kinds` above them (0: no type), so that
            // loading reads no more numbers for the types.
            out.number(synonym.scope as u32 | synonym.kind.map_or(0, |kind| kind + 1) << 2);
        }
        out.count(self.synonym_kinds.len());
        self.synonym_kinds.iter().for_each(|&span| out.span(span));
        out.list(&self.ids.pages);
        out.list(&self.ids.slots);
        out.count(self.n_current);
        let (parent_start, parents, child_start, children) = self.graph.parts();
        for list in [parent_start, parents, child_start, children] {
            out.list(list);
        }
        out.0
    }

    /// Reads back what [`Tables::encode`] wrote.
    ///
    /// # Panics
    ///
    /// When `bytes` are not such tables: only the build script's own output is ever decoded.
    pub(crate) fn decode(bytes: &[u8]) -> Tables {
        let mut input = Decoder(bytes);
        let data_version = input.text();
        let has_format_version = input.flag();
        let format_version = Some(input.text()).filter(|_| has_format_version);
        let unescaped = input.text();
        let terms = (0..input.count())
            .map(|_| {
                let id = input.term_id();
                let name = input.span();
                let has_definition = input.flag();
                let definition = Some(input.span()).filter(|_| has_definition);
                let synonyms = (input.number(), input.number());
                let obsolete = input.flag();
                let mut ids = || (0..input.count()).map(|_| input.term_id()).collect();
                let (alt_ids, replaced_by, consider) = (ids(), ids(), ids());
                Term { id, name, definition, synonyms, alt_ids, obsolete, replaced_by, consider }
            })
            .collect();
        let synonyms = (0..input.count())
            .map(|_| {
                let text = input.span();
                let packed = input.number();
                let scope = SynonymScope::ALL[(packed & 0b11) as usize];
                let kind = (packed >> 2).checked_sub(1);
                SynonymEntry { text, scope, kind }
            })
            .collect();
        let synonym_kinds = (0..input.count()).map(|_| input.span()).collect();
        let ids = IdIndex { pages: input.list(), slots: input.list() };
        let n_current = input.count();
        let graph = Graph::from_parts(input.list(), input.list(), input.list(), input.list());
        assert!(input.0.is_empty(), "the tables end where their last list does");
        Tables { data_version, format_version, unescaped, terms, synonyms, synonym_kinds, ids, n_current, graph }
    }
}

#[cfg_attr(not(test), allow(dead_code, reason = "the build script writes the tables"))]
struct Encoder(Vec<u8>);

#[cfg_attr(not(test), allow(dead_code, reason = "the build script writes the tables"))]
impl Encoder {
    fn number(&mut self, number: u32) {
        self.0.extend_from_slice(&number.to_le_bytes());
    }

    fn numbers(&mut self, numbers: &[u32]) {
        numbers.iter().for_each(|&number| self.number(number));
    }

    fn count(&mut self, count: usize) {
        self.number(as_u32(count));
    }

    fn flag(&mut self, flag: bool) {
        self.number(u32::from(flag));
    }

    fn span(&mut self, span: Span) {
        self.numbers(&[span.start, span.end]);
    }

    fn list(&mut self, numbers: &[u32]) {
        self.count(numbers.len());
        self.numbers(numbers);
    }

    fn text(&mut self, text: &str) {
        self.count(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }
}

struct Decoder<'a>(&'a [u8]);

impl Decoder<'_> {
    fn number(&mut self) -> u32 {
        let (number, rest) = self.0.split_first_chunk::<4>().expect("the tables hold another number");
        self.0 = rest;
        u32::from_le_bytes(*number)
    }

    fn count(&mut self) -> usize {
        self.number() as usize
    }

    fn flag(&mut self) -> bool {
        self.number() != 0
    }

    fn term_id(&mut self) -> TermId {
        TermId::from_number(self.number()).expect("the tables hold identifiers of seven digits")
    }

    fn span(&mut self) -> Span {
        Span { start: self.number(), end: self.number() }
    }

    fn list(&mut self) -> Vec<u32> {
        (0..self.count()).map(|_| self.number()).collect()
    }

    fn text(&mut self) -> String {
        let len = self.count();
        let (text, rest) = self.0.split_at(len);
        self.0 = rest;
        std::str::from_utf8(text).expect("the tables hold UTF-8 texts").to_string()
    }
}

/// The OBO synonym scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SynonymScope {
    /// Means exactly the same as the label.
    Exact,
    /// Related, but not the same.
    Related,
    /// Broader than the label.
    Broad,
    /// Narrower than the label.
    Narrow,
}

impl SynonymScope {
    /// Every scope, in declaration order.
    pub(crate) const ALL: [SynonymScope; 4] = [SynonymScope::Exact, SynonymScope::Related, SynonymScope::Broad, SynonymScope::Narrow];

    /// The scope as written in OBO: `EXACT`, `RELATED`, `BROAD` or `NARROW`.
    pub fn as_str(self) -> &'static str {
        match self {
            SynonymScope::Exact => "EXACT",
            SynonymScope::Related => "RELATED",
            SynonymScope::Broad => "BROAD",
            SynonymScope::Narrow => "NARROW",
        }
    }

    /// The scope [`SynonymScope::as_str`] writes as `word`.
    pub(crate) fn from_obo(word: &str) -> Option<SynonymScope> {
        SynonymScope::ALL.into_iter().find(|scope| scope.as_str() == word)
    }
}

/// One `synonym` line, as stored in the ontology's synonym table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SynonymEntry {
    pub(crate) text: Span,
    pub(crate) scope: SynonymScope,
    /// The synonym's type, as its place in the tables' `synonym_kinds`; most have none.
    pub(crate) kind: Option<u32>,
}

/// One `[Term]` stanza, as stored in the ontology's term table. Its texts are [`Span`]s of the
/// release, so that loading one copies no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub(crate) id: TermId,
    pub(crate) name: Span,
    pub(crate) definition: Option<Span>,
    /// `(start, end)` of the term's synonyms in the ontology's synonym table.
    pub(crate) synonyms: (u32, u32),
    pub(crate) alt_ids: Vec<TermId>,
    pub(crate) obsolete: bool,
    pub(crate) replaced_by: Vec<TermId>,
    pub(crate) consider: Vec<TermId>,
}

/// Where one text of a release is: a byte range of the OBO text as given, or, for a text that had
/// OBO escapes, of the unescaped copies kept after it (offsets past the end of the OBO text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}
