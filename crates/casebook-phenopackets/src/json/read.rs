//! Reading a JSON text in one pass: a tokenizer hands each value straight to the reader of the
//! field it belongs to, which builds the typed message as it goes. The tokenizer is [`Lexer`] for
//! a text that is plainly JSON, and serde_json's for any other (`lexer.rs` says why).
//!
//! Parsing into a `serde_json::Value` first and reading the typed message from that costs about
//! twice as much as the typed reading alone (every object is an `IndexMap`, every value an
//! allocation). Driving a serde `Deserializer` with `DeserializeSeed`s and `Visitor`s that carry
//! the [`Reader`] keeps serde_json's syntax errors, and skips the tree.
//! Every value is read with `deserialize_any`, so a value of the wrong JSON type is an error the
//! reader records, not one that ends the reading: all of a document's errors are still collected.
//! Only a syntax error ends it; the field errors found before it are then dropped, as they were
//! when the text had to parse as a whole first.
//!
//! Each value is read into its place (a field of the message being read, the next element of a
//! list) rather than returned: messages are hundreds of bytes (a GenomicInterpretation about a
//! kilobyte), and returning them through the layers of `Result`s, visitors and seeds copied each
//! several times, a fifth of the reading time.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess};
use serde_json::Number;

use crate::error::PhenopacketsError;
use crate::json::lexer::Lexer;
use crate::json::{JsonField, Oneof, Reader};

/// What reading one JSON value into its place gave. The place is changed only when it is `Set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// `null`: as good as absent for a field, an error in a list.
    Null,
    /// A usable value, now in its place.
    Set,
    /// An unusable value, whose problem is recorded.
    Rejected,
}

impl Read {
    fn usable(usable: bool) -> Read {
        if usable { Read::Set } else { Read::Rejected }
    }
}

/// A JSON value that is neither `null`, a list nor an object.
#[derive(Debug)]
pub enum Scalar<'a> {
    /// `true` or `false`.
    Bool(bool),
    /// A number, as serde_json reads it: an integer if it is one in range of `u64` or `i64`,
    /// else the nearest double. Kept as a `Number` so errors show it as serde_json prints it.
    Number(Number),
    /// A string, unescaped.
    String(&'a str),
}

impl Scalar<'_> {
    /// The JSON type, as error messages name it.
    pub(crate) fn json_type(&self) -> &'static str {
        match self {
            Scalar::Bool(_) => "a boolean",
            Scalar::Number(_) => "a number",
            Scalar::String(_) => "a string",
        }
    }
}

/// Reads a whole text as a `T`: `None` when the value is unusable, the problems recorded in `r`.
///
/// The text is read by [`Lexer`], and read again by serde_json's tokenizer, with `r` as it was
/// before, only when the lexer gives up (a text that is not JSON, or a rare construct).
pub(crate) fn read_text<T: JsonField>(text: &str, r: &mut Reader) -> Result<Option<T>, PhenopacketsError> {
    let before = r.clone();
    let mut lexer = Lexer::new(text);
    let mut value = T::default();
    let read = match T::read_json(&mut lexer, &mut value, r) {
        Ok(read) if lexer.at_end() => read,
        _ => {
            *r = before;
            value = T::default();
            let mut json = serde_json::Deserializer::from_str(text);
            T::read_json(&mut json, &mut value, r).and_then(|read| json.end().map(|()| read)).map_err(syntax_error)?
        }
    };
    Ok(match read {
        Read::Set => Some(value),
        Read::Null => {
            r.wrong_type(T::EXPECTED, "null");
            None
        }
        Read::Rejected => None,
    })
}

/// serde_json's error as [`PhenopacketsError::Syntax`]: the message without its
/// ` at line L column C`, which the error's own fields carry.
fn syntax_error(error: serde_json::Error) -> PhenopacketsError {
    let (line, column) = (error.line(), error.column());
    let full = error.to_string();
    let location = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&location).unwrap_or(&full).to_string();
    PhenopacketsError::Syntax { line, column, message }
}

/// Reads the next value (a field's value or a list element) into `place`: as a seed it hands
/// the value to `T::read_json`, and as the visitor that then sees the value it hands it to the
/// `read_*` method of `T` for its JSON type.
pub(crate) struct ValueReader<'a, T> {
    place: &'a mut T,
    r: &'a mut Reader,
}

impl<'a, T: JsonField> ValueReader<'a, T> {
    pub(crate) fn new(place: &'a mut T, r: &'a mut Reader) -> ValueReader<'a, T> {
        ValueReader { place, r }
    }

    fn scalar<E>(self, scalar: Scalar<'_>) -> Result<Read, E> {
        Ok(match T::read_scalar(scalar, self.r) {
            Some(value) => {
                *self.place = value;
                Read::Set
            }
            None => Read::Rejected,
        })
    }
}

impl<'de, T: JsonField> de::Visitor<'de> for ValueReader<'_, T> {
    type Value = Read;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(T::EXPECTED)
    }

    fn visit_unit<E>(self) -> Result<Read, E> {
        Ok(Read::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Read, E> {
        self.scalar(Scalar::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Read, E> {
        self.scalar(Scalar::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Read, E> {
        self.scalar(Scalar::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Read, E> {
        let number = Number::from_f64(value).expect("serde_json reads only finite numbers");
        self.scalar(Scalar::Number(number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Read, E> {
        self.scalar(Scalar::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, list: A) -> Result<Read, A::Error> {
        Ok(Read::usable(T::read_list(list, self.place, self.r)?))
    }

    fn visit_map<A: MapAccess<'de>>(self, object: A) -> Result<Read, A::Error> {
        Ok(Read::usable(T::read_object(object, self.place, self.r)?))
    }
}

impl<'de, T: JsonField> DeserializeSeed<'de> for ValueReader<'_, T> {
    type Value = Read;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<Read, D::Error> {
        T::read_json(json, self.place, self.r)
    }
}

/// Reads the next value as the member of oneof `E` that `key` names, into `place`.
pub(crate) struct MemberSeed<'a, E> {
    key: &'static str,
    place: &'a mut Option<E>,
    r: &'a mut Reader,
}

impl<'a, E: Oneof> MemberSeed<'a, E> {
    pub(crate) fn new(key: &'static str, place: &'a mut Option<E>, r: &'a mut Reader) -> MemberSeed<'a, E> {
        MemberSeed { key, place, r }
    }
}

impl<'de, E: Oneof> DeserializeSeed<'de> for MemberSeed<'_, E> {
    type Value = Read;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<Read, D::Error> {
        E::read_member(self.key, json, self.place, self.r)
    }
}

/// The next key of an object, borrowed from the text unless it has escapes.
pub(crate) fn next_key<'de, A: MapAccess<'de>>(object: &mut A) -> Result<Option<Cow<'de, str>>, A::Error> {
    object.next_key_seed(KeySeed)
}

/// Reads a key as text.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<Cow<'de, str>, D::Error> {
        json.deserialize_str(KeySeed)
    }
}

impl<'de> de::Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(key.to_owned()))
    }
}

/// Consumes the next value, of any type, without keeping it; gives whether it was `null`.
///
/// Not `serde::de::IgnoredAny`: for that, serde_json only scans the text, and lets through what
/// parsing it rejects (a lone surrogate `\ud800`, a number beyond the range of a double like
/// `1e400`, nesting deeper than 128). Parsing the skipped value as parsing it into a `Value` did
/// keeps a text that is not JSON a syntax error wherever the problem is, e.g. in an unknown field.
pub(crate) struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, json: D) -> Result<bool, D::Error> {
        json.deserialize_any(Skip)
    }
}

impl<'de> de::Visitor<'de> for Skip {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(true)
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, list: A) -> Result<bool, A::Error> {
        skip_list(list)?;
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, object: A) -> Result<bool, A::Error> {
        skip_object(object)?;
        Ok(false)
    }
}

/// Consumes the rest of a list (see [`Skip`]).
pub(crate) fn skip_list<'de, A: SeqAccess<'de>>(mut list: A) -> Result<(), A::Error> {
    while list.next_element_seed(Skip)?.is_some() {}
    Ok(())
}

/// Consumes the rest of an object (see [`Skip`]).
pub(crate) fn skip_object<'de, A: MapAccess<'de>>(mut object: A) -> Result<(), A::Error> {
    while object.next_key_seed(Skip)?.is_some() {
        object.next_value_seed(Skip)?;
    }
    Ok(())
}
