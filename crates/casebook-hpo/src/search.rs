//! Term search for an autocomplete: identifiers, exact texts, prefixes, word prefixes and typos.
//!
//! At load time every label and synonym of a current term becomes an index entry: its text folded
//! to lowercase without accents, and its words as numbers into a vocabulary of distinct words. A
//! query is folded the same way, each query word is compared once with each vocabulary word, and
//! then one pass over the entries ranks every term by its best entry. Nothing is allocated per
//! entry, so a query over the whole release takes a few milliseconds.

use std::collections::HashMap;

use crate::Hpo;
use crate::id::{TermId, parse_curie, parse_seven_digits};
use crate::term::{Lookup, TermRef};

/// One search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchHit<'a> {
    /// The term found.
    pub id: TermId,
    /// The term's label.
    pub label: &'a str,
    /// The label or synonym that matched, as written in the release. For [`MatchKind::Id`] it is
    /// the label.
    pub matched_text: &'a str,
    /// How the query matched; results are ordered by it first.
    pub kind: MatchKind,
}

/// How a query matched a term, from best to worst. Results are sorted by this order first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MatchKind {
    /// The query is the term's identifier (`HP:0000964` or `0000964`), one of its alt ids, or the
    /// identifier of an obsolete term it replaces.
    Id,
    /// The query equals the label, ignoring case, accents and repeated spaces.
    ExactLabel,
    /// The query equals a synonym, ignoring case, accents and repeated spaces.
    ExactSynonym,
    /// The label starts with the query.
    LabelPrefix,
    /// A synonym starts with the query.
    SynonymPrefix,
    /// Every query word starts some word of the label or of one synonym.
    WordPrefix,
    /// Every query word starts some word of the label or of one synonym, allowing small typos:
    /// one edit for query words of 4 to 7 letters, two from 8 letters on (a swap of two
    /// neighbouring letters counts as one edit). Words under 4 letters must match exactly.
    Fuzzy,
}

/// The folded texts and words of every label and synonym of the current terms.
#[derive(Debug, Clone)]
pub(crate) struct SearchIndex {
    /// All folded entry texts, one after the other.
    text: String,
    entries: Vec<Entry>,
    /// The vocabulary word numbers of each entry, one entry after the other.
    entry_words: Vec<u32>,
    /// All distinct folded words, one after the other.
    vocab_text: String,
    /// `(start, end)` of each vocabulary word in `vocab_text`.
    vocab: Vec<(u32, u32)>,
    /// The label length in characters, per term index, for breaking ties.
    label_chars: Vec<u16>,
}

/// One label or synonym of a current term.
#[derive(Debug, Clone, Copy)]
struct Entry {
    term: u32,
    /// `None` for the label, otherwise the synonym's position in the term's list.
    synonym: Option<u32>,
    text_start: u32,
    text_end: u32,
    words_start: u32,
    words_end: u32,
}

/// Query words longer than this are not compared with typos allowed.
const MAX_FUZZY_WORD: usize = 32;
/// No distance is known: the query word matches no vocabulary word.
const NO_MATCH: u8 = u8::MAX;

impl SearchIndex {
    pub(crate) fn build(hpo: &Hpo) -> SearchIndex {
        let mut index = SearchIndex {
            text: String::with_capacity(1 << 20),
            entries: Vec::with_capacity(hpo.tables.terms.len() * 2),
            entry_words: Vec::with_capacity(200_000),
            vocab_text: String::with_capacity(1 << 18),
            vocab: Vec::with_capacity(32_000),
            label_chars: hpo.terms().map(|term| u16::try_from(term.name().chars().count()).unwrap_or(u16::MAX)).collect(),
        };
        let mut word_numbers: HashMap<String, u32> = HashMap::with_capacity(32_000);
        let mut word = String::new();
        for (term_idx, term) in hpo.terms().enumerate() {
            if term.is_obsolete() {
                continue;
            }
            let term_idx = as_u32(term_idx);
            let texts = std::iter::once((None, term.name()))
                .chain(term.synonyms().enumerate().map(|(synonym_idx, synonym)| (Some(as_u32(synonym_idx)), synonym.text())));
            for (synonym, raw) in texts {
                let text_start = as_u32(index.text.len());
                fold_into(raw, &mut index.text);
                let text_end = as_u32(index.text.len());
                let words_start = as_u32(index.entry_words.len());
                let folded = &index.text[text_start as usize..];
                let entry_words = &mut index.entry_words;
                for_each_word(folded, &mut word, |word| {
                    let number = match word_numbers.get(word) {
                        Some(&number) => number,
                        None => {
                            let number = as_u32(index.vocab.len());
                            let start = as_u32(index.vocab_text.len());
                            index.vocab_text.push_str(word);
                            index.vocab.push((start, as_u32(index.vocab_text.len())));
                            word_numbers.insert(word.to_string(), number);
                            number
                        }
                    };
                    entry_words.push(number);
                });
                let words_end = as_u32(index.entry_words.len());
                index.entries.push(Entry { term: term_idx, synonym, text_start, text_end, words_start, words_end });
            }
        }
        index
    }

    pub(crate) fn search<'a>(&self, hpo: &'a Hpo, query: &str, limit: usize) -> Vec<SearchHit<'a>> {
        if limit == 0 {
            return Vec::new();
        }
        let mut hits: Vec<SearchHit<'a>> = id_hits(hpo, query);
        let mut folded_query = String::new();
        fold_into(query, &mut folded_query);
        if folded_query.is_empty() || hits.len() >= limit {
            hits.truncate(limit);
            return hits;
        }
        let mut query_words: Vec<String> = Vec::new();
        for_each_word(&folded_query, &mut String::new(), |word| query_words.push(word.to_string()));
        let word_distances: Vec<Vec<u8>> = query_words.iter().map(|query_word| self.vocab_distances(query_word)).collect();

        // The best (kind, edit distance, words not covered by the query, entry) of each term.
        let mut best: Vec<Option<(MatchKind, u8, u16, u32)>> = vec![None; self.label_chars.len()];
        for (entry_idx, entry) in self.entries.iter().enumerate() {
            let Some((kind, distance, extra_words)) = self.match_entry(entry, &folded_query, &word_distances) else {
                continue;
            };
            let candidate = (kind, distance, extra_words, as_u32(entry_idx));
            let slot = &mut best[entry.term as usize];
            // Entries come label first, so on a tie the label is kept as the matched text.
            if slot.is_none_or(|current| (kind, distance, extra_words) < (current.0, current.1, current.2)) {
                *slot = Some(candidate);
            }
        }

        for hit in &hits {
            if let Some(idx) = hpo.index_of(hit.id) {
                best[idx as usize] = None;
            }
        }
        let sort_key = |&(term_idx, (kind, distance, extra_words, _entry)): &(u32, (MatchKind, u8, u16, u32))| {
            (kind, distance, extra_words, self.label_chars[term_idx as usize], hpo.tables.terms[term_idx as usize].id)
        };
        let mut ranked: Vec<(u32, (MatchKind, u8, u16, u32))> =
            best.iter().enumerate().filter_map(|(term_idx, slot)| slot.map(|found| (as_u32(term_idx), found))).collect();
        let wanted = limit - hits.len();
        if ranked.len() > wanted {
            ranked.select_nth_unstable_by_key(wanted - 1, sort_key);
            ranked.truncate(wanted);
        }
        ranked.sort_unstable_by_key(sort_key);

        hits.extend(ranked.into_iter().map(|(term_idx, (kind, _, _, entry_idx))| {
            let term = TermRef::new(hpo, term_idx);
            let matched_text = match self.entries[entry_idx as usize].synonym {
                None => term.name(),
                Some(synonym_idx) => term.synonyms().nth(synonym_idx as usize).map_or(term.name(), |synonym| synonym.text()),
            };
            SearchHit { id: term.id(), label: term.name(), matched_text, kind }
        }));
        hits
    }

    /// How one entry matches the query, if it does: kind, edit distance, and how many of the
    /// entry's words the query leaves uncovered.
    fn match_entry(&self, entry: &Entry, folded_query: &str, word_distances: &[Vec<u8>]) -> Option<(MatchKind, u8, u16)> {
        let text = &self.text[entry.text_start as usize..entry.text_end as usize];
        let is_label = entry.synonym.is_none();
        if text == folded_query {
            return Some((if is_label { MatchKind::ExactLabel } else { MatchKind::ExactSynonym }, 0, 0));
        }
        if text.starts_with(folded_query) {
            return Some((if is_label { MatchKind::LabelPrefix } else { MatchKind::SynonymPrefix }, 0, 0));
        }
        if word_distances.is_empty() {
            return None;
        }
        let words = &self.entry_words[entry.words_start as usize..entry.words_end as usize];
        let mut total_distance: u8 = 0;
        for distances in word_distances {
            let closest = words.iter().map(|&word| distances[word as usize]).min().unwrap_or(NO_MATCH);
            if closest == NO_MATCH {
                return None;
            }
            total_distance = total_distance.saturating_add(closest);
        }
        let extra_words = u16::try_from(words.len().saturating_sub(word_distances.len())).unwrap_or(u16::MAX);
        let kind = if total_distance == 0 { MatchKind::WordPrefix } else { MatchKind::Fuzzy };
        Some((kind, total_distance, extra_words))
    }

    /// For one query word, its distance to every vocabulary word: 0 when the vocabulary word starts
    /// with it, the edit distance to the closest prefix when small enough, else [`NO_MATCH`].
    fn vocab_distances(&self, query_word: &str) -> Vec<u8> {
        let query_bytes = query_word.as_bytes();
        let max_edits = allowed_edits(query_bytes.len());
        self.vocab
            .iter()
            .map(|&(start, end)| {
                let word = &self.vocab_text.as_bytes()[start as usize..end as usize];
                if word.starts_with(query_bytes) {
                    0
                } else if max_edits == 0 {
                    NO_MATCH
                } else {
                    prefix_distance(query_bytes, word, max_edits).unwrap_or(NO_MATCH)
                }
            })
            .collect()
    }
}

/// The hits for a query that is an identifier: the term itself, or the primary term of an alt id,
/// or the replacements of an obsolete term. Obsolete terms themselves are never returned.
fn id_hits<'a>(hpo: &'a Hpo, query: &str) -> Vec<SearchHit<'a>> {
    let trimmed = query.trim();
    let digits = trimmed.get(..3).filter(|prefix| prefix.eq_ignore_ascii_case("hp:") || prefix.eq_ignore_ascii_case("hp_"));
    let id = match digits {
        Some(_) => parse_curie(&format!("HP:{}", &trimmed[3..])),
        None => parse_seven_digits(trimmed),
    };
    let Some(id) = id else { return Vec::new() };
    let id_hit = |term: TermRef<'a>| SearchHit { id: term.id(), label: term.name(), matched_text: term.name(), kind: MatchKind::Id };
    match hpo.lookup(id) {
        Lookup::Current(term) | Lookup::AltId { primary: term } if !term.is_obsolete() => vec![id_hit(term)],
        Lookup::Obsolete { replaced_by, .. } => {
            replaced_by.iter().filter_map(|&replacement| hpo.term(replacement)).filter(|term| !term.is_obsolete()).map(id_hit).collect()
        }
        _ => Vec::new(),
    }
}

/// How many edits a query word of this many bytes may be away from a vocabulary word.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..4 => 0,
        4..8 => 1,
        8..=MAX_FUZZY_WORD => 2,
        _ => 0,
    }
}

/// The smallest optimal-string-alignment distance (Levenshtein plus swaps of neighbours) between
/// `query` and any prefix of `word`, if it is at most `max_edits`.
///
/// Works on bytes: the texts are folded to ASCII except for a handful of letters, for which an
/// edit counts once per byte.
fn prefix_distance(query: &[u8], word: &[u8], max_edits: usize) -> Option<u8> {
    const WIDTH: usize = MAX_FUZZY_WORD + 3;
    let m = query.len();
    if m > MAX_FUZZY_WORD || word.len() + max_edits < m {
        return None;
    }
    // A prefix longer than `m + max_edits` needs more than `max_edits` insertions.
    let n = word.len().min(m + max_edits);
    let mut two_rows_up = [0u8; WIDTH];
    let mut row_up = [0u8; WIDTH];
    let mut row = [0u8; WIDTH];
    for (j, cell) in row_up.iter_mut().enumerate().take(n + 1) {
        *cell = j as u8;
    }
    for i in 1..=m {
        row[0] = i as u8;
        let mut row_min = row[0];
        for j in 1..=n {
            let substitution = u8::from(query[i - 1] != word[j - 1]);
            let mut cell = (row_up[j] + 1).min(row[j - 1] + 1).min(row_up[j - 1] + substitution);
            if i > 1 && j > 1 && query[i - 1] == word[j - 2] && query[i - 2] == word[j - 1] {
                cell = cell.min(two_rows_up[j - 2] + 1);
            }
            row[j] = cell;
            row_min = row_min.min(cell);
        }
        // Row minima never decrease, so the rest cannot come back under the limit.
        if usize::from(row_min) > max_edits {
            return None;
        }
        two_rows_up = row_up;
        row_up = row;
    }
    let closest = *row_up[..=n].iter().min()?;
    (usize::from(closest) <= max_edits).then_some(closest)
}

/// Appends `text` lowercased, with common Latin accents removed, typographic apostrophes made
/// plain, runs of whitespace made one space, and no leading or trailing space.
fn fold_into(text: &str, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = out.len() > start;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase().map(fold_accent));
        }
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        '\u{2018}' | '\u{2019}' => '\'',
        other => other,
    }
}

/// Calls `visit` with each word of a folded text: runs of letters and digits, with apostrophes
/// dropped so that "crohn's" is the word "crohns".
fn for_each_word(folded: &str, buffer: &mut String, mut visit: impl FnMut(&str)) {
    buffer.clear();
    for c in folded.chars() {
        if c.is_alphanumeric() {
            buffer.push(c);
        } else if c != '\'' && !buffer.is_empty() {
            visit(buffer);
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        visit(buffer);
        buffer.clear();
    }
}

fn as_u32(value: usize) -> u32 {
    u32::try_from(value).expect("the index fits in u32")
}

#[cfg(test)]
mod tests {
    use crate::search::{fold_into, for_each_word, prefix_distance};

    #[test]
    fn prefix_distance_counts_edits_against_the_closest_prefix() {
        let cases: [(&str, &str, usize, Option<u8>); 9] = [
            ("eczema", "eczema", 1, Some(0)),
            ("ecezma", "eczema", 1, Some(1)),
            ("ecezma", "eczematoid", 1, Some(1)),
            ("eczma", "eczema", 1, Some(1)),
            ("ecxzema", "eczema", 1, Some(1)),
            ("fevre", "fever", 1, Some(1)),
            ("arthritis", "arthiritis", 2, Some(1)),
            ("eczema", "ecthyma", 1, None),
            ("pyoderma", "pyo", 2, None),
        ];
        for (query, word, max_edits, expected) in cases {
            assert_eq!(prefix_distance(query.as_bytes(), word.as_bytes(), max_edits), expected, "{query} / {word}");
        }
    }

    #[test]
    fn folding_lowercases_removes_accents_and_collapses_spaces() {
        let cases: [(&str, &str); 4] = [
            ("  Kienböck's   disease ", "kienbock's disease"),
            ("Folie à deux", "folie a deux"),
            ("Crohn\u{2019}s disease", "crohn's disease"),
            ("HP:0000964", "hp:0000964"),
        ];
        for (text, expected) in cases {
            let mut out = String::from("kept ");
            fold_into(text, &mut out);
            assert_eq!(out, format!("kept {expected}"), "{text}");
        }
    }

    #[test]
    fn words_split_on_punctuation_and_drop_apostrophes() {
        let mut words = Vec::new();
        for_each_word("crohn's disease, type-2 (x)", &mut String::new(), |word| words.push(word.to_string()));
        assert_eq!(words, ["crohns", "disease", "type", "2", "x"]);
    }
}
