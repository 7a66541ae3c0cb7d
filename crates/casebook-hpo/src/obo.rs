//! A line-oriented OBO 1.2/1.4 reader for exactly what the HPO needs.
//!
//! Read: the header's `data-version` and `format-version`, and in `[Term]` stanzas `id`, `name`,
//! `def`, `synonym`, `is_a`, `is_obsolete`, `replaced_by`, `consider` and `alt_id`. Everything
//! else (`[Typedef]` stanzas, `xref`, `comment`, `property_value`, ...) is skipped without being
//! looked at beyond its tag. The reader makes one pass over the text and copies nothing but the
//! few texts with OBO escapes: labels, definitions and synonyms are kept as [`Span`]s of the text,
//! and identifiers become numbers as they are read.

use crate::error::HpoError;
use crate::id::{TermId, parse_curie};
use crate::tables::{Span, SynonymEntry, SynonymScope, Term};

/// The result of reading an OBO text, before the graph and indexes are built.
pub(crate) struct ParsedObo {
    pub(crate) data_version: String,
    pub(crate) format_version: Option<String>,
    pub(crate) terms: Vec<Term>,
    /// Every term's synonyms, term after term; each term names its range.
    pub(crate) synonyms: Vec<SynonymEntry>,
    /// The texts that had escapes, unescaped; their spans start after the end of the OBO text.
    pub(crate) unescaped: String,
    /// For each term (same index as `terms`), the line of its `id`.
    pub(crate) id_lines: Vec<usize>,
    /// `(child term index, parent id, line of the is_a)`, grouped by child in file order.
    pub(crate) is_a: Vec<(u32, TermId, usize)>,
    /// `(alt id, term index, line of the alt_id)`, in file order.
    pub(crate) alt_ids: Vec<(TermId, u32, usize)>,
    /// The synonym types' ids, such as `layperson`: the header's `synonymtypedef`s, then any
    /// other a synonym names.
    pub(crate) synonym_type_ids: Vec<Span>,
    /// Their names, in the same order, such as `layperson term` (an undeclared type is named by its
    /// id); a synonym's [`SynonymEntry::kind`] is a place in this list.
    pub(crate) synonym_kinds: Vec<Span>,
}

impl ParsedObo {
    /// The place of the synonym type `id` in [`ParsedObo::synonym_kinds`]; a type the header
    /// does not declare is added, named by its id.
    fn synonym_kind(&mut self, obo: &str, id: &str) -> u32 {
        let known = self.synonym_type_ids.iter().position(|&known| text_of(obo, &self.unescaped, known) == id);
        as_u32(known.unwrap_or_else(|| {
            let span = span_of(obo, &mut self.unescaped, id);
            self.synonym_type_ids.push(span);
            self.synonym_kinds.push(span);
            self.synonym_kinds.len() - 1
        }))
    }
}

/// Reads an OBO text. Errors name the 1-based line they were found on.
pub(crate) fn parse(text: &str) -> Result<ParsedObo, HpoError> {
    // Spans are 32-bit offsets: past the text itself they point into the unescaped copies, which
    // are never longer than the texts they come from.
    if text.len() > (u32::MAX / 2) as usize {
        return Err(HpoError::TooLarge { bytes: text.len() });
    }
    let mut parsed = ParsedObo {
        data_version: String::new(),
        format_version: None,
        // The 2025-01-16 release has 19,484 terms, 23,519 synonyms and 23,392 is_a lines.
        terms: Vec::with_capacity(20_000),
        synonyms: Vec::with_capacity(24_000),
        unescaped: String::new(),
        id_lines: Vec::with_capacity(20_000),
        is_a: Vec::with_capacity(24_000),
        alt_ids: Vec::with_capacity(4_000),
        synonym_type_ids: Vec::new(),
        synonym_kinds: Vec::new(),
    };
    let mut data_version: Option<String> = None;
    let mut section = Section::Header;
    let mut stanza: Option<TermStanza> = None;
    let mut line_no = 0;

    // Lines are found with `memchr`: splitting with `str::split` took a third of the load.
    let mut rest = text;
    while !rest.is_empty() {
        let (raw_line, after) = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(end) => (&rest[..end], &rest[end + 1..]),
            None => (rest, ""),
        };
        rest = after;
        line_no += 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        // Tag lines start with a letter; only those and stanza headers are worth a closer look.
        if line.is_empty() || line.starts_with('!') || (line.as_bytes()[0].is_ascii_whitespace() && line.trim().is_empty()) {
            continue;
        }
        if line.starts_with('[') {
            if let Some(done) = stanza.take() {
                done.finish(&mut parsed)?;
            }
            if section == Section::Header {
                parsed.data_version = data_version.take().ok_or(HpoError::MissingDataVersion { line: line_no })?;
            }
            section = if line.trim_end() == "[Term]" { Section::Term } else { Section::Other };
            if section == Section::Term {
                stanza = Some(TermStanza::new(line_no, parsed.synonyms.len()));
            }
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line.as_bytes()) else {
            return Err(HpoError::MalformedLine { line: line_no });
        };
        let (tag, value) = (&line[..colon], line[colon + 1..].trim());
        match section {
            Section::Header => match tag {
                "data-version" => data_version = Some(value.to_string()),
                "format-version" => parsed.format_version = Some(value.to_string()),
                // `synonymtypedef: layperson "layperson term"`
                "synonymtypedef" => {
                    let (id, name) = value.split_once(' ').ok_or(HpoError::MalformedLine { line: line_no })?;
                    let (name, _) = quoted(name.trim_start(), line_no, "synonymtypedef")?;
                    let (id, name) = (span_of(text, &mut parsed.unescaped, id), span_of(text, &mut parsed.unescaped, name));
                    parsed.synonym_type_ids.push(id);
                    parsed.synonym_kinds.push(name);
                }
                _ => {}
            },
            Section::Term => {
                if let Some(current) = stanza.as_mut() {
                    current.read_tag(tag, value, line_no, text, &mut parsed)?;
                }
            }
            Section::Other => {}
        }
    }
    if let Some(done) = stanza.take() {
        done.finish(&mut parsed)?;
    }
    if section == Section::Header {
        parsed.data_version = data_version.ok_or(HpoError::MissingDataVersion { line: line_no })?;
    }
    Ok(parsed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Term,
    Other,
}

/// The span of `raw`, a part of the OBO text `obo`: that part itself, or, when it has escapes,
/// an unescaped copy added to `unescaped`.
fn span_of(obo: &str, unescaped: &mut String, raw: &str) -> Span {
    if memchr::memchr(b'\\', raw.as_bytes()).is_some() {
        let start = obo.len() + unescaped.len();
        unescape_into(raw, unescaped);
        return Span { start: as_u32(start), end: as_u32(obo.len() + unescaped.len()) };
    }
    // `raw` is a slice of `obo`, so its offset is the distance between their starts.
    let start = raw.as_ptr() as usize - obo.as_ptr() as usize;
    Span { start: as_u32(start), end: as_u32(start + raw.len()) }
}

/// The text a [`Span`] made by [`span_of`] stands for.
#[inline]
pub(crate) fn text_of<'t>(obo: &'t str, unescaped: &'t str, span: Span) -> &'t str {
    let (start, end) = (span.start as usize, span.end as usize);
    match start.checked_sub(obo.len()) {
        Some(copy_start) => &unescaped[copy_start..end - obo.len()],
        None => &obo[start..end],
    }
}

fn as_u32(offset: usize) -> u32 {
    u32::try_from(offset).expect("the text was checked to be under 2 GiB")
}

/// The tags of one `[Term]` stanza read so far.
struct TermStanza {
    header_line: usize,
    id: Option<(TermId, usize)>,
    name: Option<Span>,
    definition: Option<Span>,
    /// Where the stanza's synonyms start in the synonym table.
    synonyms_start: usize,
    alt_ids: Vec<TermId>,
    obsolete: Option<bool>,
    replaced_by: Vec<TermId>,
    consider: Vec<TermId>,
}

impl TermStanza {
    fn new(header_line: usize, synonyms_start: usize) -> TermStanza {
        TermStanza {
            header_line,
            id: None,
            name: None,
            definition: None,
            synonyms_start,
            alt_ids: Vec::new(),
            obsolete: None,
            replaced_by: Vec::new(),
            consider: Vec::new(),
        }
    }

    /// The index this stanza's term will have in `parsed.terms`.
    fn term_idx(parsed: &ParsedObo) -> u32 {
        as_u32(parsed.terms.len())
    }

    /// Reads one `tag: value` line of the stanza; `obo` is the whole text, which `value` is part of.
    fn read_tag(&mut self, tag: &str, value: &str, line: usize, obo: &str, parsed: &mut ParsedObo) -> Result<(), HpoError> {
        match tag {
            "id" => {
                if self.id.is_some() {
                    return Err(HpoError::RepeatedTag { line, tag: "id" });
                }
                self.id = Some((term_id(value, line)?, line));
            }
            "name" => {
                if self.name.is_some() {
                    return Err(HpoError::RepeatedTag { line, tag: "name" });
                }
                self.name = Some(span_of(obo, &mut parsed.unescaped, value));
            }
            "def" => {
                if self.definition.is_some() {
                    return Err(HpoError::RepeatedTag { line, tag: "def" });
                }
                let (text, _references) = quoted(value, line, "def")?;
                self.definition = Some(span_of(obo, &mut parsed.unescaped, text));
            }
            "synonym" => {
                let (text, rest) = quoted(value, line, "synonym")?;
                let mut words = rest.split_whitespace();
                let scope_word = words.next().unwrap_or("");
                let scope = SynonymScope::from_obo(scope_word)
                    .ok_or_else(|| HpoError::UnknownSynonymScope { line, scope: scope_word.to_string() })?;
                // `"Fever" EXACT layperson []`: a type may stand between the scope and the references.
                let kind = words.next().filter(|word| !word.starts_with('[')).map(|word| parsed.synonym_kind(obo, word));
                let text = span_of(obo, &mut parsed.unescaped, text);
                parsed.synonyms.push(SynonymEntry { text, scope, kind });
            }
            "is_a" => parsed.is_a.push((TermStanza::term_idx(parsed), term_id(value, line)?, line)),
            "is_obsolete" => {
                if self.obsolete.is_some() {
                    return Err(HpoError::RepeatedTag { line, tag: "is_obsolete" });
                }
                self.obsolete = Some(match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err(HpoError::InvalidObsoleteFlag { line, value: value.to_string() }),
                });
            }
            "replaced_by" => self.replaced_by.push(term_id(value, line)?),
            "consider" => self.consider.push(term_id(value, line)?),
            "alt_id" => {
                let alt_id = term_id(value, line)?;
                self.alt_ids.push(alt_id);
                parsed.alt_ids.push((alt_id, TermStanza::term_idx(parsed), line));
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(self, parsed: &mut ParsedObo) -> Result<(), HpoError> {
        let Some((id, id_line)) = self.id else {
            return Err(HpoError::MissingId { line: self.header_line });
        };
        let Some(name) = self.name else {
            return Err(HpoError::MissingName { line: self.header_line, id: id.to_string() });
        };
        parsed.terms.push(Term {
            id,
            name,
            definition: self.definition,
            synonyms: (as_u32(self.synonyms_start), as_u32(parsed.synonyms.len())),
            alt_ids: self.alt_ids,
            obsolete: self.obsolete.unwrap_or(false),
            replaced_by: self.replaced_by,
            consider: self.consider,
        });
        parsed.id_lines.push(id_line);
        Ok(())
    }
}

/// Reads the identifier at the start of a value, ignoring any trailing `{qualifiers}` or `! comment`.
fn term_id(value: &str, line: usize) -> Result<TermId, HpoError> {
    let token = value.split_ascii_whitespace().next().unwrap_or("");
    parse_curie(token).ok_or_else(|| HpoError::InvalidTermId { line, value: token.to_string() })
}

/// Splits `"text" rest` into the text as written (escapes still in it) and what follows the
/// closing quote.
fn quoted<'v>(value: &'v str, line: usize, tag: &'static str) -> Result<(&'v str, &'v str), HpoError> {
    let malformed = || HpoError::MalformedQuotedText { line, tag };
    let body = value.strip_prefix('"').ok_or_else(malformed)?;
    let bytes = body.as_bytes();
    let mut pos = 0;
    // Both bytes looked for are ASCII, so every position found is a character boundary.
    while let Some(found) = bytes.get(pos..).and_then(|rest| memchr::memchr2(b'"', b'\\', rest)) {
        pos += found;
        if bytes[pos] == b'"' {
            return Ok((&body[..pos], &body[pos + 1..]));
        }
        // A backslash escapes the next character, which is therefore never a closing quote.
        pos += 2;
    }
    Err(malformed())
}

/// Resolves OBO escapes onto the end of `out`: `\n`, `\t`, `\W` (a space), and a backslash
/// before any other character stands for that character.
fn unescape_into(raw: &str, out: &mut String) {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('W') => out.push(' '),
            Some(other) => out.push(other),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::error::HpoError;
    use crate::obo::{parse, quoted, unescape_into};

    #[test]
    fn quoted_text_handles_escapes_and_returns_the_rest() {
        let cases: [(&str, &str, &str); 4] = [
            (r#""Eczema" EXACT layperson []"#, "Eczema", " EXACT layperson []"),
            (r#""one \"has to\" do it" []"#, "one \"has to\" do it", " []"),
            (r#""back\\slash" NARROW"#, "back\\slash", " NARROW"),
            (r#""""#, "", ""),
        ];
        for (value, text, rest) in cases {
            let (raw, after) = quoted(value, 1, "def").unwrap();
            let mut unescaped = String::new();
            unescape_into(raw, &mut unescaped);
            assert_eq!((unescaped.as_str(), after), (text, rest), "{value}");
        }
    }

    #[test]
    fn quoted_text_must_open_and_close() {
        for value in ["Eczema EXACT", r#""Eczema EXACT"#, r#""ends in a backslash\"#] {
            assert_eq!(quoted(value, 7, "synonym"), Err(HpoError::MalformedQuotedText { line: 7, tag: "synonym" }), "{value}");
        }
    }

    #[test]
    fn unescape_resolves_obo_escapes() {
        let unescape = |raw| {
            let mut out = String::from("kept ");
            unescape_into(raw, &mut out);
            out
        };
        assert_eq!(unescape(r"a\nb\tc\Wd\:e"), "kept a\nb\tc d:e");
        assert_eq!(unescape("plain"), "kept plain");
    }

    #[test]
    fn typedef_stanzas_and_unknown_tags_are_skipped() {
        let text = "format-version: 1.2\ndata-version: hp/releases/2025-01-16\n\n[Term]\nid: HP:0000001\nname: All\n\
                    xref: UMLS:C0444868\n\n[Typedef]\nid: part_of\nname: part of\nis_a: not_an_hp_id\n";
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.terms.len(), 1);
        assert_eq!(parsed.format_version.as_deref(), Some("1.2"));
        assert_eq!(parsed.data_version, "hp/releases/2025-01-16");
    }
}
