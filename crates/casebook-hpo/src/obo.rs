//! A line-oriented OBO 1.2/1.4 reader for exactly what the HPO needs.
//!
//! Read: the header's `data-version` and `format-version`, and in `[Term]` stanzas `id`, `name`,
//! `def`, `synonym`, `is_a`, `is_obsolete`, `replaced_by`, `consider` and `alt_id`. Everything
//! else (`[Typedef]` stanzas, `xref`, `comment`, `property_value`, ...) is skipped without being
//! looked at beyond its tag. The reader makes one pass over the text and copies only the values it
//! keeps; identifiers become numbers as they are read.

use crate::error::HpoError;
use crate::id::{TermId, parse_curie};
use crate::term::{Synonym, SynonymScope, Term};

/// The result of reading an OBO text, before the graph and indexes are built.
pub(crate) struct ParsedObo {
    pub(crate) data_version: String,
    pub(crate) format_version: Option<String>,
    pub(crate) terms: Vec<Term>,
    /// For each term (same index as `terms`), the line of its `id`.
    pub(crate) id_lines: Vec<usize>,
    /// `(child term index, parent id, line of the is_a)`, grouped by child in file order.
    pub(crate) is_a: Vec<(u32, TermId, usize)>,
    /// `(alt id, term index, line of the alt_id)`, in file order.
    pub(crate) alt_ids: Vec<(TermId, u32, usize)>,
}

/// Reads an OBO text. Errors name the 1-based line they were found on.
pub(crate) fn parse(text: &str) -> Result<ParsedObo, HpoError> {
    let mut parsed = ParsedObo {
        data_version: String::new(),
        format_version: None,
        // The 2025-01-16 release has 19,484 terms and 23,392 is_a lines.
        terms: Vec::with_capacity(20_000),
        id_lines: Vec::with_capacity(20_000),
        is_a: Vec::with_capacity(24_000),
        alt_ids: Vec::with_capacity(4_000),
    };
    let mut data_version: Option<String> = None;
    let mut section = Section::Header;
    let mut stanza: Option<TermStanza> = None;
    let mut line_no = 0;

    for raw_line in text.split('\n') {
        line_no += 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if line.is_empty() || line.starts_with('!') || line.trim().is_empty() {
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
                stanza = Some(TermStanza::new(line_no));
            }
            continue;
        }
        let Some((tag, value)) = line.split_once(':') else {
            return Err(HpoError::MalformedLine { line: line_no });
        };
        let value = value.trim();
        match section {
            Section::Header => match tag {
                "data-version" => data_version = Some(value.to_string()),
                "format-version" => parsed.format_version = Some(value.to_string()),
                _ => {}
            },
            Section::Term => {
                if let Some(current) = stanza.as_mut() {
                    current.read_tag(tag, value, line_no, &mut parsed)?;
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

/// The tags of one `[Term]` stanza read so far.
struct TermStanza {
    header_line: usize,
    id: Option<(TermId, usize)>,
    name: Option<String>,
    definition: Option<String>,
    synonyms: Vec<Synonym>,
    alt_ids: Vec<TermId>,
    obsolete: Option<bool>,
    replaced_by: Vec<TermId>,
    consider: Vec<TermId>,
}

impl TermStanza {
    fn new(header_line: usize) -> TermStanza {
        TermStanza {
            header_line,
            id: None,
            name: None,
            definition: None,
            synonyms: Vec::new(),
            alt_ids: Vec::new(),
            obsolete: None,
            replaced_by: Vec::new(),
            consider: Vec::new(),
        }
    }

    /// The index this stanza's term will have in `parsed.terms`.
    fn term_idx(parsed: &ParsedObo) -> u32 {
        u32::try_from(parsed.terms.len()).expect("fewer than 2^32 terms")
    }

    fn read_tag(&mut self, tag: &str, value: &str, line: usize, parsed: &mut ParsedObo) -> Result<(), HpoError> {
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
                self.name = Some(unescape(value));
            }
            "def" => {
                if self.definition.is_some() {
                    return Err(HpoError::RepeatedTag { line, tag: "def" });
                }
                let (text, _references) = quoted(value, line, "def")?;
                self.definition = Some(text);
            }
            "synonym" => {
                let (text, rest) = quoted(value, line, "synonym")?;
                let scope_word = rest.split_whitespace().next().unwrap_or("");
                let scope = SynonymScope::from_obo(scope_word)
                    .ok_or_else(|| HpoError::UnknownSynonymScope { line, scope: scope_word.to_string() })?;
                self.synonyms.push(Synonym::new(text, scope));
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
            synonyms: self.synonyms,
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
    let token = value.split_whitespace().next().unwrap_or("");
    parse_curie(token).ok_or_else(|| HpoError::InvalidTermId { line, value: token.to_string() })
}

/// Splits `"text" rest` into the unescaped text and what follows the closing quote.
fn quoted<'v>(value: &'v str, line: usize, tag: &'static str) -> Result<(String, &'v str), HpoError> {
    let malformed = || HpoError::MalformedQuotedText { line, tag };
    let body = value.strip_prefix('"').ok_or_else(malformed)?;
    let bytes = body.as_bytes();
    let mut has_escape = false;
    let mut pos = 0;
    while pos < bytes.len() {
        match bytes[pos] {
            // A backslash escapes the next character, which is therefore never a closing quote.
            // Both bytes compared here are ASCII, so `pos` stays on a character boundary
            // whenever the slice below is taken.
            b'\\' => {
                has_escape = true;
                pos += 2;
            }
            b'"' => {
                let raw = &body[..pos];
                let text = if has_escape { unescape(raw) } else { raw.to_string() };
                return Ok((text, &body[pos + 1..]));
            }
            _ => pos += 1,
        }
    }
    Err(malformed())
}

/// Resolves OBO escapes: `\n`, `\t`, `\W` (a space), and a backslash before any other character
/// stands for that character.
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
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
    out
}

#[cfg(test)]
mod tests {
    use crate::error::HpoError;
    use crate::obo::{parse, quoted, unescape};

    #[test]
    fn quoted_text_handles_escapes_and_returns_the_rest() {
        let cases: [(&str, &str, &str); 4] = [
            (r#""Eczema" EXACT layperson []"#, "Eczema", " EXACT layperson []"),
            (r#""one \"has to\" do it" []"#, "one \"has to\" do it", " []"),
            (r#""back\\slash" NARROW"#, "back\\slash", " NARROW"),
            (r#""""#, "", ""),
        ];
        for (value, text, rest) in cases {
            assert_eq!(quoted(value, 1, "def"), Ok((text.to_string(), rest)), "{value}");
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
        assert_eq!(unescape(r"a\nb\tc\Wd\:e"), "a\nb\tc d:e");
        assert_eq!(unescape("plain"), "plain");
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
