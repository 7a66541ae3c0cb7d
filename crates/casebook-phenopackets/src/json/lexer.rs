//! A JSON tokenizer for documents that are JSON, in front of serde_json's: the same values handed
//! to the same visitors, found faster, and on anything it does not take as it is, a step aside.
//!
//! serde_json reads whitespace and strings one byte at a time, and published phenopackets are
//! indented: two bytes in five of the 1,508 phenopacket-store files are spaces and newlines. This
//! tokenizer takes a run of spaces, and a string up to its closing quote, eight bytes at a time:
//! reading those files took 16 % fewer instructions (255 → 214 million, callgrind), an import of
//! 10,000 files about 3 % less time.
//!
//! It never decides anything serde_json would decide differently: whatever is not plainly valid
//! JSON (a syntax error, nesting deeper than serde_json allows, a number or escape it cannot take
//! as it is) makes it give up with [`GaveUp`], and the document is read again by serde_json, which
//! then gives the error with its line and column, or the same values. Numbers other than small
//! non-negative integers and strings with escapes are handed to serde_json's own parsers, so that
//! every value is serde_json's to the bit.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;

use crate::json::first_needing_escape;

/// How deep lists and objects may nest before this tokenizer leaves the document to serde_json,
/// whose limit is 128.
const DEPTH_LIMIT: usize = 100;

/// The tokenizer at a place in a text.
pub(crate) struct Lexer<'de> {
    text: &'de str,
    at: usize,
    depth: usize,
}

/// The tokenizer met something it leaves to serde_json.
#[derive(Debug)]
pub(crate) struct GaveUp;

impl fmt::Display for GaveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for GaveUp {}

impl de::Error for GaveUp {
    /// A visitor's own error too: serde_json, reading again, gives it with its place.
    fn custom<T: fmt::Display>(_: T) -> GaveUp {
        GaveUp
    }
}

impl<'de> Lexer<'de> {
    pub(crate) fn new(text: &'de str) -> Lexer<'de> {
        Lexer { text, at: 0, depth: 0 }
    }

    /// Whether only whitespace is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.next_byte().is_none()
    }

    /// The next byte that is not whitespace, not consumed.
    #[inline]
    fn next_byte(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        loop {
            let byte = *bytes.get(self.at)?;
            match byte {
                // Indentation: the run of spaces among the next eight bytes at once.
                b' ' => self.at += bytes.get(self.at..self.at + 8).map_or(1, |eight| leading(eight, b' ')),
                b'\n' | b'\t' | b'\r' => self.at += 1,
                _ => return Some(byte),
            }
        }
    }

    /// Consumes `expected` as the next byte that is not whitespace.
    fn expect(&mut self, expected: u8) -> Result<(), GaveUp> {
        if self.next_byte() != Some(expected) {
            return Err(GaveUp);
        }
        self.at += 1;
        Ok(())
    }

    /// Consumes `word` (`null`, `true` or `false`), which starts at the current place.
    fn literal(&mut self, word: &[u8]) -> Result<(), GaveUp> {
        if !self.text.as_bytes()[self.at..].starts_with(word) {
            return Err(GaveUp);
        }
        self.at += word.len();
        Ok(())
    }

    /// Reads the string that starts at the current place (its opening quote) and hands it to
    /// `visitor`: borrowed from the text when it has no escapes, as serde_json does.
    fn string<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GaveUp> {
        let bytes = self.text.as_bytes();
        let start = self.at + 1;
        let mut at = start;
        // Eight bytes at a time up to the first that ends the string or needs a look.
        while let Some(eight) = bytes.get(at..at + 8) {
            match first_needing_escape(eight) {
                Some(offset) => {
                    at += offset;
                    break;
                }
                None => at += 8,
            }
        }
        loop {
            match *bytes.get(at).ok_or(GaveUp)? {
                b'"' => {
                    self.at = at + 1;
                    return visitor.visit_borrowed_str(&self.text[start..at]);
                }
                b'\\' => return self.escaped_string(visitor),
                0..=0x1f => return Err(GaveUp),
                _ => at += 1,
            }
        }
    }

    /// A string with escapes, unescaped by serde_json.
    fn escaped_string<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GaveUp> {
        let bytes = self.text.as_bytes();
        let mut at = self.at + 1;
        loop {
            match *bytes.get(at).ok_or(GaveUp)? {
                b'"' => break,
                b'\\' => at += 2,
                _ => at += 1,
            }
        }
        let token = self.text.get(self.at..=at).ok_or(GaveUp)?;
        let unescaped: String = serde_json::from_str(token).map_err(|_| GaveUp)?;
        self.at = at + 1;
        visitor.visit_str(&unescaped)
    }

    /// Reads the number that starts at the current place and hands it to `visitor` as serde_json's
    /// `deserialize_any` does: a non-negative integer that fits as `u64`, a negative one that fits
    /// as `i64`, anything else as the `f64` serde_json reads.
    fn number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, GaveUp> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let end = start + bytes[start..].iter().take_while(|byte| matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')).count();
        let token = &bytes[start..end];
        self.at = end;
        // Plain digits without a leading zero, few enough to fit: most numbers in a document.
        if token.len() <= 19 && token.iter().all(u8::is_ascii_digit) && (token.len() == 1 || token[0] != b'0') {
            return visitor.visit_u64(token.iter().fold(0, |value, digit| value * 10 + u64::from(digit - b'0')));
        }
        let number: serde_json::Number = self.text[start..end].parse().map_err(|_| GaveUp)?;
        if let Some(value) = number.as_u64() {
            visitor.visit_u64(value)
        } else if let Some(value) = number.as_i64() {
            visitor.visit_i64(value)
        } else {
            visitor.visit_f64(number.as_f64().ok_or(GaveUp)?)
        }
    }

    /// Enters a list or an object whose opening bracket is at the current place.
    fn enter(&mut self) -> Result<(), GaveUp> {
        self.depth += 1;
        if self.depth > DEPTH_LIMIT {
            return Err(GaveUp);
        }
        self.at += 1;
        Ok(())
    }

    /// Leaves a list or an object at its closing bracket.
    fn leave(&mut self, closing: u8) -> Result<(), GaveUp> {
        self.depth -= 1;
        self.expect(closing)
    }
}

impl<'de> de::Deserializer<'de> for &mut Lexer<'de> {
    type Error = GaveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GaveUp> {
        match self.next_byte().ok_or(GaveUp)? {
            b'"' => self.string(visitor),
            b'{' => {
                self.enter()?;
                let value = visitor.visit_map(Entries { lexer: self, first: true })?;
                self.leave(b'}')?;
                Ok(value)
            }
            b'[' => {
                self.enter()?;
                let value = visitor.visit_seq(Entries { lexer: self, first: true })?;
                self.leave(b']')?;
                Ok(value)
            }
            b'n' => self.literal(b"null").and_then(|()| visitor.visit_unit()),
            b't' => self.literal(b"true").and_then(|()| visitor.visit_bool(true)),
            b'f' => self.literal(b"false").and_then(|()| visitor.visit_bool(false)),
            b'-' | b'0'..=b'9' => self.number(visitor),
            _ => Err(GaveUp),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The entries of a list or an object, its opening bracket consumed: serde's `SeqAccess` for a
/// list and `MapAccess` for an object.
struct Entries<'a, 'de> {
    lexer: &'a mut Lexer<'de>,
    first: bool,
}

impl Entries<'_, '_> {
    /// The first byte of the next entry, the comma before it consumed; `None` at `closing`.
    fn next(&mut self, closing: u8) -> Result<Option<u8>, GaveUp> {
        let byte = self.lexer.next_byte().ok_or(GaveUp)?;
        if byte == closing {
            return Ok(None);
        }
        if std::mem::replace(&mut self.first, false) {
            return Ok(Some(byte));
        }
        if byte != b',' {
            return Err(GaveUp);
        }
        self.lexer.at += 1;
        match self.lexer.next_byte() {
            // A trailing comma is serde_json's to report.
            Some(byte) if byte != closing => Ok(Some(byte)),
            _ => Err(GaveUp),
        }
    }
}

impl<'de> SeqAccess<'de> for Entries<'_, 'de> {
    type Error = GaveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, GaveUp> {
        match self.next(b']')? {
            Some(_) => seed.deserialize(&mut *self.lexer).map(Some),
            None => Ok(None),
        }
    }
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = GaveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, GaveUp> {
        match self.next(b'}')? {
            // A key is a string; serde_json reports any other.
            Some(b'"') => seed.deserialize(&mut *self.lexer).map(Some),
            Some(_) => Err(GaveUp),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GaveUp> {
        self.lexer.expect(b':')?;
        seed.deserialize(&mut *self.lexer)
    }
}

/// How many of eight bytes, from the first, are `byte`: the lowest differing byte of the word
/// is the first in memory, as the word is read little-endian.
fn leading(eight: &[u8], byte: u8) -> usize {
    let word = u64::from_le_bytes(eight.try_into().expect("eight bytes")) ^ (0x0101_0101_0101_0101 * u64::from(byte));
    (word.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::Value;

    use crate::Message;
    use crate::json::lexer::Lexer;
    use crate::json::{JsonField, Reader, read::Read};
    use crate::schema::phenopackets::Phenopacket;

    /// What the lexer reads `text` as, through serde_json's own `Value` (which takes whatever
    /// `deserialize_any` finds); `None` when it gives up.
    fn lexed(text: &str) -> Option<Value> {
        let mut lexer = Lexer::new(text);
        Value::deserialize(&mut lexer).ok().filter(|_| lexer.at_end())
    }

    #[test]
    fn values_are_serde_json_s_to_the_bit() {
        let texts = [
            "0",
            "7",
            "-0",
            "-7",
            "1234567890123456789",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "0.1",
            "1.5e-7",
            "1E5",
            "2.2250738585072014e-308",
            "123456789012345678901234567890",
            r#""plain""#,
            r#""line\nbreak, \"quote\", tab\t, caf\u00e9, \ud83d\ude00 and \\""#,
            r#""ünïcödé ✓""#,
            "true",
            "false",
            "null",
            "[]",
            "{}",
            " [ 1 , [ 2 , { \"a\" : [ ] } ] ]\n",
            "{\n        \"indented\": {\n                \"deeper\": [\n                        1.25\n                ]\n        }\n}",
        ];
        for text in texts {
            let expected: Value = serde_json::from_str(text).unwrap();
            let value = lexed(text).unwrap_or_else(|| panic!("gave up on {text}"));
            assert_eq!(value, expected, "{text}");
            // Equal numbers can still differ in kind (-0.0 and 0) or bits: compare as written.
            assert_eq!(value.to_string(), expected.to_string(), "{text}");
        }
    }

    #[test]
    fn what_is_not_plainly_json_is_left_to_serde_json() {
        let deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
        let texts = [
            "",
            "   ",
            "[1 2]",
            "[1,]",
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            r#"{1: 2}"#,
            "tru",
            "nul",
            "01",
            "-",
            "1.",
            "1e400",
            "+1",
            r#""\ud800""#,
            r#""\x""#,
            "\"control \u{1} character\"",
            "\"unterminated",
            "{} {}",
            "\u{feff}{}",
            &deep,
        ];
        for text in texts {
            assert_eq!(lexed(text), None, "{text:?}");
        }
        // Nesting the lexer leaves to serde_json is still JSON to serde_json.
        assert!(serde_json::from_str::<Value>(&deep).is_ok());
    }

    /// The phenopacket the lexer alone reads from `text`, or `None` when it gives up.
    fn lexed_phenopacket(text: &str) -> Option<Phenopacket> {
        let mut lexer = Lexer::new(text);
        let (mut phenopacket, mut reader) = (Phenopacket::default(), Reader::new());
        let read = Phenopacket::read_json(&mut lexer, &mut phenopacket, &mut reader).ok()?;
        (lexer.at_end() && read == Read::Set && reader.into_errors().is_empty()).then_some(phenopacket)
    }

    #[test]
    fn an_edge_case_phenopacket_is_read_without_serde_json_s_tokenizer() {
        // Proto names, 64-bit integers as strings, a double where an integer belongs, escapes.
        let text = include_str!("../../tests/fixtures/conformance/mapping-edge-cases.json");
        let phenopacket = lexed_phenopacket(text).expect("the lexer reads it");
        assert_eq!(phenopacket, Phenopacket::from_json(text).unwrap());
        assert_eq!(phenopacket.id, "edge-cases");
    }

    #[test]
    fn every_published_phenopacket_is_read_without_serde_json_s_tokenizer() {
        // The speed of an import rests on this; the conformance tests check the values.
        let store = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/phenopacket-store");
        let mut files = 0;
        for folder in std::fs::read_dir(&store).expect("the phenopacket-store beside the checkout") {
            let folder = folder.unwrap().path();
            if !folder.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(folder).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|ext| ext == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert!(lexed_phenopacket(&text).is_some(), "gave up on {}", path.display());
                    files += 1;
                }
            }
        }
        assert_eq!(files, 1508);
    }

    /// What reading a phenopacket gives: the outcome, the value and every problem recorded.
    type TypedRead = (Read, Phenopacket, Vec<crate::FieldError>);

    /// A phenopacket as the lexer alone reads it; `None` when it gives up.
    fn lexer_read(text: &str) -> Option<TypedRead> {
        let (mut lexer, mut phenopacket, mut reader) = (Lexer::new(text), Phenopacket::default(), Reader::new());
        let read = Phenopacket::read_json(&mut lexer, &mut phenopacket, &mut reader).ok()?;
        lexer.at_end().then(|| (read, phenopacket, reader.into_errors()))
    }

    /// A phenopacket as serde_json's tokenizer reads it; `None` when the text is not JSON.
    fn serde_json_read(text: &str) -> Option<TypedRead> {
        let (mut json, mut phenopacket, mut reader) = (serde_json::Deserializer::from_str(text), Phenopacket::default(), Reader::new());
        let read = Phenopacket::read_json(&mut json, &mut phenopacket, &mut reader).ok()?;
        json.end().is_ok().then(|| (read, phenopacket, reader.into_errors()))
    }

    /// Texts a mutation puts in: JSON's punctuation, escapes valid and not, control and non-ASCII
    /// characters, numbers at the edges of what integers and doubles hold, and keys of the schema.
    const PIECES: &[&str] = &[
        "\"",
        "\\",
        "\\u0000",
        "\\ud83d\\ude00",
        "\\ud800",
        "\\udc00x",
        "\\u00e9",
        "\\/",
        "\\b",
        "\\x",
        "\\u12",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        " ",
        "\n",
        "\t",
        "\r",
        "\u{1}",
        "\u{7f}",
        "é",
        "😀",
        "\u{2028}",
        "\u{feff}",
        "0",
        "-0",
        "7",
        "1e309",
        "1.5e-7",
        "-",
        ".",
        "e",
        "E+",
        "01",
        "4294967296",
        "18446744073709551616",
        "-9223372036854775809",
        "true",
        "null",
        "false",
        "nul",
        "\"id\"",
        "\"phenotypic_features\"",
        "\"excluded\": true",
        "[]",
        "{}",
        "\"a\": 1",
        ", \"x\": 2",
    ];

    /// The published phenopacket `text` with one random change: a character replaced, a piece
    /// put in, a stretch taken out or repeated elsewhere, or the end cut off.
    fn mutated(text: &str, random: &mut impl FnMut() -> usize) -> String {
        let boundary = |random: &mut dyn FnMut() -> usize| {
            let mut at = random() % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let at = boundary(random);
        let piece = PIECES[random() % PIECES.len()];
        match random() % 5 {
            0 => {
                let next = text[at..].chars().next().map_or(0, char::len_utf8);
                format!("{}{piece}{}", &text[..at], &text[at + next..])
            }
            1 => format!("{}{piece}{}", &text[..at], &text[at..]),
            2 => {
                let end = boundary(random).max(at).min(at + 40);
                let end = (end..=text.len()).find(|&end| text.is_char_boundary(end)).unwrap_or(text.len());
                format!("{}{}", &text[..at], &text[end..])
            }
            3 => {
                let end = (at + random() % 40..=text.len()).find(|&end| text.is_char_boundary(end)).unwrap_or(text.len());
                let to = boundary(random);
                format!("{}{}{}", &text[..to], &text[at..end], &text[to..])
            }
            _ => text[..at].to_string(),
        }
    }

    /// The tokenizer's promise, on texts near real ones: whatever it reads, serde_json reads the
    /// same (the same `Value`, and a phenopacket with the same values and problems), and it gives
    /// up on every text serde_json refuses. Each case is a published phenopacket with one change;
    /// `CASEBOOK_MUTATIONS` (per file, 12 by default) makes a longer run.
    #[test]
    fn changed_published_phenopackets_read_as_serde_json_reads_them() {
        let store = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/phenopacket-store");
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&store)
            .expect("the phenopacket-store beside the checkout")
            .flat_map(|folder| std::fs::read_dir(folder.unwrap().path()).into_iter().flatten())
            .map(|file| file.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        let per_file: usize = std::env::var("CASEBOOK_MUTATIONS").map_or(12, |n| n.parse().expect("a number"));
        // Seeded: the same cases on every run.
        let mut rng = fastrand::Rng::with_seed(0x9E37_79B9_7F4A_7C15);
        let mut random = move || rng.usize(..);
        let (mut cases, mut lexed_whole, mut refused) = (0, 0, 0);
        for path in files.iter().step_by(10) {
            let text = std::fs::read_to_string(path).unwrap();
            for _ in 0..per_file {
                let changed = mutated(&text, &mut random);
                cases += 1;
                let by_serde_json = serde_json::from_str::<Value>(&changed);
                match (lexed(&changed), &by_serde_json) {
                    (Some(value), Ok(expected)) => {
                        assert_eq!(&value, expected, "{changed}");
                        assert_eq!(value.to_string(), expected.to_string(), "{changed}");
                        lexed_whole += 1;
                    }
                    (Some(_), Err(error)) => panic!("the lexer read what serde_json refuses ({error}): {changed}"),
                    (None, result) => refused += usize::from(result.is_err()),
                }
                if let Some(read) = lexer_read(&changed) {
                    assert_eq!(Some(read), serde_json_read(&changed), "{changed}");
                }
                // The whole reader never panics, and what it takes writes back to itself.
                if let Ok(document) = crate::Document::from_json(&changed) {
                    assert_eq!(crate::Document::from_json(&document.to_json()).as_ref(), Ok(&document), "{changed}");
                }
            }
        }
        // Both kinds are tried: changes that leave JSON (about a third) and changes that do not.
        assert!(lexed_whole > cases / 5 && refused > cases / 5, "{cases} cases: {lexed_whole} read, {refused} refused");
    }
}
