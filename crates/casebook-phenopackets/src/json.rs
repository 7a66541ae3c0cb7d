//! The protobuf proto3 JSON mapping, field type by field type: how a value is read from JSON
//! text (collecting every error with its path; see [`read`] for how the text is read) and
//! written as canonical JSON.
//!
//! The message, oneof and enum types themselves are declared with the macros in `macros.rs`,
//! which expand to calls of the traits here. The traits are public only so that the public
//! [`crate::Message`] trait can require them; this module is private, so no one outside can name
//! or implement them.

mod lexer;
mod read;

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::de::{Deserializer, MapAccess, SeqAccess};

use self::read::{MemberSeed, Skip, ValueReader, skip_list, skip_object};
pub use self::read::{Read, Scalar};
pub(crate) use self::read::{next_key, read_text};
use crate::error::{FieldError, Reason};
use crate::timestamp::Timestamp;

/// A JSONPath such as `$.phenotypicFeatures[3].type.id`, grown and shrunk while walking a document.
#[derive(Debug, Clone)]
pub struct JsonPath(String);

impl JsonPath {
    pub(crate) fn root() -> JsonPath {
        JsonPath("$".to_string())
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// Runs `f` with the path extended by a field's name from the schema.
    pub(crate) fn with_field<R>(&mut self, name: &'static str, f: impl FnOnce(&mut JsonPath) -> R) -> R {
        let len = self.0.len();
        push_field_name(&mut self.0, name);
        let result = f(self);
        self.0.truncate(len);
        result
    }

    /// Runs `f` with the path extended by a list index.
    pub(crate) fn with_index<R>(&mut self, index: usize, f: impl FnOnce(&mut JsonPath) -> R) -> R {
        let len = self.0.len();
        push_index(&mut self.0, index);
        let result = f(self);
        self.0.truncate(len);
        result
    }

    /// The path extended by a key, as a new text.
    pub(crate) fn join(&self, key: &str) -> String {
        let mut path = self.0.clone();
        push_key(&mut path, key);
        path
    }
}

/// Appends `[index]`, written by hand: `write!` costs more than the rest of a validation walk's
/// step.
fn push_index(path: &mut String, index: usize) {
    path.push('[');
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = index;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    path.push_str(std::str::from_utf8(&digits[start..]).expect("ASCII digits"));
    path.push(']');
}

/// Appends a field's name from the schema, always a plain identifier, as `.name`. A walk or a
/// read appends one for every field it enters, so it skips `push_key`'s look at every byte.
fn push_field_name(path: &mut String, name: &'static str) {
    debug_assert!(is_plain_key(name), "schema field names are identifiers: {name}");
    path.push('.');
    path.push_str(name);
}

/// Plain identifiers are appended as `.key`, anything else as `["key"]` with JSON escapes.
fn push_key(path: &mut String, key: &str) {
    if is_plain_key(key) {
        path.push('.');
        path.push_str(key);
    } else {
        path.push('[');
        write_string(path, key);
        path.push(']');
    }
}

/// Whether a key can follow a dot in a JSONPath: an identifier of ASCII letters, digits and `_`.
fn is_plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    bytes.first().is_some_and(|first| first.is_ascii_alphabetic() || *first == b'_')
        && bytes.iter().all(|byte| byte.is_ascii_alphanumeric() || *byte == b'_')
}

/// Collects the errors of one document while its reader walks it.
#[derive(Debug, Clone)]
pub struct Reader {
    path: JsonPath,
    errors: Vec<FieldError>,
}

impl Reader {
    pub(crate) fn new() -> Reader {
        Reader { path: JsonPath::root(), errors: Vec::new() }
    }

    pub(crate) fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// Records a problem at the current path.
    pub(crate) fn fail(&mut self, reason: Reason) {
        self.errors.push(FieldError { path: self.path.as_str().to_string(), reason });
    }

    /// Records a value of JSON type `found` (e.g. `a number`) where `expected` belongs.
    pub(crate) fn wrong_type(&mut self, expected: &'static str, found: &'static str) {
        self.fail(Reason::WrongType { expected, found });
    }

    /// Runs `f` at the path extended by a field's name (its JSON or its proto name).
    fn field<R>(&mut self, name: &'static str, f: impl FnOnce(&mut Reader) -> R) -> R {
        let len = self.path.0.len();
        push_field_name(&mut self.path.0, name);
        let result = f(self);
        self.path.0.truncate(len);
        result
    }

    /// Runs `f` at the path extended by an object key as given in the document.
    pub(crate) fn key<R>(&mut self, key: &str, f: impl FnOnce(&mut Reader) -> R) -> R {
        let len = self.path.0.len();
        push_key(&mut self.path.0, key);
        let result = f(self);
        self.path.0.truncate(len);
        result
    }

    fn index<R>(&mut self, index: usize, f: impl FnOnce(&mut Reader) -> R) -> R {
        let len = self.path.0.len();
        push_index(&mut self.path.0, index);
        let result = f(self);
        self.path.0.truncate(len);
        result
    }

    pub(crate) fn unknown_field(&mut self, key: &str, full_name: &'static str) {
        let message = full_name.rsplit('.').next().unwrap_or(full_name);
        self.key(key, |r| r.fail(Reason::UnknownField { field: key.to_string(), message }));
    }
}

/// The keys of one JSON object given so far, to reject a key given twice, a field given under
/// both of its names, and a second member of a oneof.
pub struct Seen {
    /// Each field given (null or not) with the key it was given under. A oneof member's two names
    /// count as two fields here, so only the same key twice is a duplicate; the member's other
    /// name is a second member of the oneof.
    fields: Claims,
    /// Each oneof set (given and not null) with the key of its member.
    oneofs: Claims,
    /// The keys that name no field, as written.
    unknown_keys: Vec<String>,
}

/// Names, each with the key that claimed it, in the order claimed.
///
/// The first few are kept in place: most objects give a handful of fields, and a list on the
/// heap cost an allocation and a free for every object read (every ontology class is one).
struct Claims {
    inline: [(&'static str, &'static str); Claims::INLINE],
    len: usize,
    more: Vec<(&'static str, &'static str)>,
}

impl Claims {
    const INLINE: usize = 8;

    fn new() -> Claims {
        Claims { inline: [("", ""); Claims::INLINE], len: 0, more: Vec::new() }
    }

    /// The key that claimed `name`, if one did.
    fn key_of(&self, name: &'static str) -> Option<&'static str> {
        let inline = &self.inline[..self.len.min(Claims::INLINE)];
        inline.iter().chain(&self.more).find(|(claimed, _)| *claimed == name).map(|&(_, key)| key)
    }

    fn claim(&mut self, name: &'static str, key: &'static str) {
        match self.inline.get_mut(self.len) {
            Some(place) => *place = (name, key),
            None => self.more.push((name, key)),
        }
        self.len += 1;
    }
}

impl Seen {
    pub(crate) fn new() -> Seen {
        Seen { fields: Claims::new(), oneofs: Claims::new(), unknown_keys: Vec::new() }
    }

    /// Whether `key` is the first key that names field `field`; records an error otherwise.
    fn claim_field(&mut self, field: &'static str, key: &'static str, r: &mut Reader) -> bool {
        if let Some(first) = self.fields.key_of(field) {
            r.field(key, |r| r.fail(Reason::DuplicateField { first: first.to_string() }));
            return false;
        }
        self.fields.claim(field, key);
        true
    }

    /// Reads the value of field `field` (its JSON name), given under `key` (its JSON or its proto
    /// name), into `place`, the field as yet unset. A field given before is an error, and the
    /// value is skipped.
    pub(crate) fn read_field<'de, T: JsonField, A: MapAccess<'de>>(
        &mut self,
        field: &'static str,
        key: &'static str,
        object: &mut A,
        place: &mut T,
        r: &mut Reader,
    ) -> Result<(), A::Error> {
        if self.claim_field(field, key, r) {
            r.field(key, |r| object.next_value_seed(ValueReader::new(place, r)))?;
        } else {
            object.next_value_seed(Skip)?;
        }
        Ok(())
    }

    /// Reads the member of oneof `E` that `key` names into `place`, the oneof. The same key given
    /// before, or another member when the oneof is set, is an error, and the value is skipped; a
    /// null member is as good as absent and does not set the oneof.
    pub(crate) fn read_member<'de, E: Oneof, A: MapAccess<'de>>(
        &mut self,
        key: &'static str,
        object: &mut A,
        place: &mut Option<E>,
        r: &mut Reader,
    ) -> Result<(), A::Error> {
        if !self.claim_field(key, key, r) {
            object.next_value_seed(Skip)?;
            return Ok(());
        }
        if let Some(first) = self.oneofs.key_of(E::ONEOF_NAME) {
            let was_null = object.next_value_seed(Skip)?;
            if !was_null {
                r.field(key, |r| r.fail(Reason::OneofConflict { oneof: E::ONEOF_NAME, first: first.to_string() }));
            }
            return Ok(());
        }
        let read = r.field(key, |r| object.next_value_seed(MemberSeed::new(key, place, r)))?;
        if read != Read::Null {
            self.oneofs.claim(E::ONEOF_NAME, key);
        }
        Ok(())
    }

    /// Records `key`, which names no field of message `full_name`, as unknown (or as given twice)
    /// and skips its value.
    pub(crate) fn skip_unknown<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        full_name: &'static str,
        object: &mut A,
        r: &mut Reader,
    ) -> Result<(), A::Error> {
        if self.unknown_keys.iter().any(|unknown| unknown == key) {
            r.key(key, |r| r.fail(Reason::DuplicateField { first: key.to_string() }));
        } else {
            self.unknown_keys.push(key.to_string());
            r.unknown_field(key, full_name);
        }
        object.next_value_seed(Skip)?;
        Ok(())
    }
}

/// Records that a `T` cannot be a scalar of this JSON type; gives no value.
pub(crate) fn reject_type<T: JsonField>(scalar: &Scalar<'_>, r: &mut Reader) -> Option<T> {
    r.wrong_type(T::EXPECTED, scalar.json_type());
    None
}

/// The key as declared, `json` or `proto`, if `key` is one of them: a field's or member's name
/// without allocating, for the errors that quote the key a field was first given under.
pub(crate) fn declared_name(key: &str, json: &'static str, proto: &'static str) -> Option<&'static str> {
    if key == json {
        Some(json)
    } else if key == proto {
        Some(proto)
    } else {
        None
    }
}

/// Sees every message of a document, outermost first, with its path.
pub trait Visitor {
    /// Called once per message; `node` is the message, to be downcast to its type.
    fn visit(&mut self, path: &JsonPath, node: &dyn Any);
}

/// A type that can be the value of a message field (or of a oneof member, or a list element).
///
/// serde_json hands each value to the `read_*` method for its JSON type; the defaults reject the
/// value as of the wrong type (and skip it), so a type implements those it accepts.
pub trait JsonField: Sized + Default {
    /// What the field takes, as error messages name it, e.g. `a string`.
    const EXPECTED: &'static str;

    /// Reads one JSON value at the reader's path into `place`, which holds the default.
    fn read_json<'de, D: Deserializer<'de>>(json: D, place: &mut Self, r: &mut Reader) -> Result<Read, D::Error> {
        json.deserialize_any(ValueReader::new(place, r))
    }

    /// Reads a boolean, number or string. Returns `None` when the value is unusable, after
    /// recording why.
    fn read_scalar(scalar: Scalar<'_>, r: &mut Reader) -> Option<Self> {
        reject_type(&scalar, r)
    }

    /// Reads a list, to its end, into `place`, which holds the default. Returns whether the list
    /// is usable; `place` is changed only if it is.
    fn read_list<'de, A: SeqAccess<'de>>(list: A, _place: &mut Self, r: &mut Reader) -> Result<bool, A::Error> {
        r.wrong_type(Self::EXPECTED, "a list");
        skip_list(list)?;
        Ok(false)
    }

    /// Reads an object, to its end, into `place` (see [`JsonField::read_list`]).
    fn read_object<'de, A: MapAccess<'de>>(object: A, _place: &mut Self, r: &mut Reader) -> Result<bool, A::Error> {
        r.wrong_type(Self::EXPECTED, "an object");
        skip_object(object)?;
        Ok(false)
    }

    /// Whether a canonical printer leaves the field out: the proto3 default of a field without
    /// presence, or an unset message.
    fn is_default(&self) -> bool;

    /// Writes the value at the writer's position.
    fn write_json(&self, w: &mut Writer);

    /// Whether the value can hold messages: a walk enters only such fields, as building their
    /// paths for nothing was a good part of a validation's time.
    const HOLDS_MESSAGES: bool = false;

    /// Visits the messages inside the value.
    fn walk(&self, _path: &mut JsonPath, _visitor: &mut dyn Visitor) {}
}

/// A message: a JSON object whose keys are field names.
pub trait MessageJson: Default + 'static {
    /// The full protobuf name, e.g. `org.phenopackets.schema.v2.core.OntologyClass`.
    const FULL_NAME: &'static str;

    /// Reads the fields of an object, to its end, into `message`, which holds the default;
    /// records every problem.
    fn read_fields<'de, A: MapAccess<'de>>(object: &mut A, message: &mut Self, r: &mut Reader) -> Result<(), A::Error>;

    /// Writes the fields that are not at their default, in field-number order.
    fn write_fields(&self, o: &mut ObjectWriter<'_>);

    /// Visits the messages in the fields.
    fn walk_fields(&self, path: &mut JsonPath, visitor: &mut dyn Visitor);
}

/// The members of a oneof, as a Rust enum with one variant per member.
pub trait Oneof: Sized {
    /// The oneof's protobuf name, e.g. `element`.
    const ONEOF_NAME: &'static str;

    /// The member's key as declared (its JSON or proto name), if `key` names a member.
    fn member_key(key: &str) -> Option<&'static str>;

    /// Reads the value of the member that `key`, a key [`Oneof::member_key`] gave, names, into
    /// `place`, the oneof, which is changed only if the value is usable.
    fn read_member<'de, D: Deserializer<'de>>(
        key: &'static str,
        json: D,
        place: &mut Option<Self>,
        r: &mut Reader,
    ) -> Result<Read, D::Error>;

    /// Writes the member as `"key": value`, always (a set oneof member has presence).
    fn write_member(&self, o: &mut ObjectWriter<'_>);

    /// Visits the messages inside the member.
    fn walk_member(&self, path: &mut JsonPath, visitor: &mut dyn Visitor);
}

/// A oneof field of a message: `Option<E>` for a [`Oneof`] enum `E`.
pub trait OneofField {
    /// The enum of the members.
    type Member: Oneof;
    /// Writes the set member, if any.
    fn write_oneof(&self, o: &mut ObjectWriter<'_>);
    /// Visits the messages inside the set member, if any.
    fn walk_oneof(&self, path: &mut JsonPath, visitor: &mut dyn Visitor);
}

impl<E: Oneof> OneofField for Option<E> {
    type Member = E;

    fn write_oneof(&self, o: &mut ObjectWriter<'_>) {
        if let Some(member) = self {
            member.write_member(o);
        }
    }

    fn walk_oneof(&self, path: &mut JsonPath, visitor: &mut dyn Visitor) {
        if let Some(member) = self {
            member.walk_member(path, visitor);
        }
    }
}

/// Builds canonical JSON text: 2-space indent, `": "` after keys, `[]` and `{}` for empty lists
/// and objects — the layout of Python's `json.dumps(indent=2)`, which `MessageToJson` uses.
/// Compact, it writes the same values without any whitespace, as serde_json does.
#[derive(Debug)]
pub struct Writer {
    out: String,
    depth: usize,
    compact: bool,
}

impl Writer {
    pub(crate) fn new() -> Writer {
        Writer { out: String::with_capacity(4096), depth: 0, compact: false }
    }

    pub(crate) fn compact() -> Writer {
        Writer { out: String::with_capacity(4096), depth: 0, compact: true }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn newline(&mut self) {
        if self.compact {
            return;
        }
        self.out.push('\n');
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    pub(crate) fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    pub(crate) fn string(&mut self, text: &str) {
        write_string(&mut self.out, text);
    }

    pub(crate) fn double(&mut self, value: f64) {
        if self.compact && value.is_finite() {
            // serde_json's shortest round-trip form (`1e-5`, not Python's `1e-05`): the compact
            // text is byte for byte what serializing the parsed canonical JSON with serde_json
            // gives, which is how source documents have always been stored.
            let number = serde_json::Number::from_f64(value).expect("a finite double is a JSON number");
            write!(self.out, "{number}").expect("writing to a String cannot fail");
        } else {
            write_double(&mut self.out, value);
        }
    }

    /// Writes an object whose members `f` adds.
    pub(crate) fn object(&mut self, f: impl FnOnce(&mut ObjectWriter<'_>)) {
        self.depth += 1;
        let mut object = ObjectWriter { w: self, empty: true };
        f(&mut object);
        let empty = object.empty;
        self.depth -= 1;
        if empty {
            self.out.push_str("{}");
        } else {
            self.newline();
            self.out.push('}');
        }
    }

    fn array<T: JsonField>(&mut self, items: &[T]) {
        if items.is_empty() {
            self.out.push_str("[]");
            return;
        }
        self.out.push('[');
        self.depth += 1;
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.out.push(',');
            }
            self.newline();
            item.write_json(self);
        }
        self.depth -= 1;
        self.newline();
        self.out.push(']');
    }
}

/// Adds members to an object being written.
pub struct ObjectWriter<'a> {
    w: &'a mut Writer,
    empty: bool,
}

impl ObjectWriter<'_> {
    /// Writes a field of the schema unless it is at its default.
    pub(crate) fn field<T: JsonField>(&mut self, name: &'static str, value: &T) {
        if !value.is_default() {
            self.member(name, value);
        }
    }

    /// Writes `"name": value` for a field of the schema. Its name is an identifier and needs no
    /// escapes, so it is not looked at byte by byte: a document has a few hundred of them.
    pub(crate) fn member<T: JsonField>(&mut self, name: &'static str, value: &T) {
        debug_assert!(is_plain_key(name), "schema field names are identifiers: {name}");
        self.separate();
        self.w.out.push('"');
        self.w.out.push_str(name);
        self.w.out.push('"');
        self.value(value);
    }

    /// Writes `"key": value` for a key from the document (a map's), escaped as needed.
    pub(crate) fn entry<T: JsonField>(&mut self, key: &str, value: &T) {
        self.separate();
        self.w.string(key);
        self.value(value);
    }

    fn separate(&mut self) {
        self.w.out.push(if self.empty { '{' } else { ',' });
        self.empty = false;
        self.w.newline();
    }

    fn value<T: JsonField>(&mut self, value: &T) {
        self.w.out.push_str(if self.w.compact { ":" } else { ": " });
        value.write_json(self.w);
    }
}

/// Appends a JSON string literal, escaping as Python's `json.dumps(ensure_ascii=False)` does.
pub(crate) fn write_string(out: &mut String, text: &str) {
    out.push('"');
    let bytes = text.as_bytes();
    // A kept document is mostly text that needs no escape: eight bytes at a time are passed over
    // while none of them does, and the rest is looked at byte by byte.
    let clean = bytes.chunks_exact(8).take_while(|&eight| !any_needs_escape(eight)).count() * 8;
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate().skip(clean) {
        // One table lookup per byte.
        let escape = ESCAPES[usize::from(byte)];
        if escape == 0 {
            continue;
        }
        out.push_str(&text[start..at]);
        match escape {
            b'u' => write!(out, "\\u{byte:04x}").expect("writing to a String cannot fail"),
            short => {
                out.push('\\');
                out.push(char::from(short));
            }
        }
        start = at + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}

/// Whether any of eight bytes is a control character, `"` or `\` (the bytes [`ESCAPES`] escapes).
fn any_needs_escape(eight: &[u8]) -> bool {
    escape_marks(eight) != 0
}

/// Where the first of eight bytes that is a control character, `"` or `\` is, if one is.
fn first_needing_escape(eight: &[u8]) -> Option<usize> {
    let marks = escape_marks(eight);
    (marks != 0).then(|| (marks.trailing_zeros() / 8) as usize)
}

/// The word-at-a-time test for a zero byte (`(x - 0x01..) & !x & 0x80..`), applied to eight bytes
/// (read little-endian, the first the lowest) against 0x20 and to their differences from `"` and
/// `\`: the high bit of the lowest byte marked is that of the first byte found. Bytes above the
/// first may be marked wrongly (a borrow runs upwards), so only the lowest mark counts.
fn escape_marks(eight: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let word = u64::from_le_bytes(eight.try_into().expect("eight bytes"));
    let below = |word: u64, bound: u8| word.wrapping_sub(ONES * u64::from(bound)) & !word;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    (control | quote | backslash) & HIGH_BITS
}

/// For each byte, 0 when it stands as it is, the letter of its short escape (`\n`), or `u`
/// for a `\u00XX` escape.
static ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = b'u';
        byte += 1;
    }
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table
};

/// Appends a double as Python's `repr` (and so `MessageToJson`) prints it: the shortest digits
/// that read back exactly, in fixed notation with at least one decimal (`86.0`, `0.0001`) for
/// decimal exponents -5 < e < 16 and in scientific notation otherwise (`1e-05`, `1.5e+16`).
/// Non-finite values are the mapping's strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
pub(crate) fn write_double(out: &mut String, value: f64) {
    if value.is_nan() {
        out.push_str("\"NaN\"");
        return;
    }
    if value.is_infinite() {
        out.push_str(if value > 0.0 { "\"Infinity\"" } else { "\"-Infinity\"" });
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits: "-8.6e1", "1e-5", "0e0".
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` always has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponents are integers");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    out.push_str(sign);
    if (-5 < exponent) && (exponent < 16) {
        let point = exponent + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
            out.push_str(&digits);
        } else {
            let point = point as usize;
            if digits.len() <= point {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        write!(out, "e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.unsigned_abs()).expect("writing to a String cannot fail");
    }
}

impl JsonField for String {
    const EXPECTED: &'static str = "a string";

    fn read_scalar(scalar: Scalar<'_>, r: &mut Reader) -> Option<String> {
        match scalar {
            Scalar::String(text) => Some(text.to_owned()),
            other => reject_type(&other, r),
        }
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }

    fn write_json(&self, w: &mut Writer) {
        w.string(self);
    }
}

impl JsonField for bool {
    const EXPECTED: &'static str = "true or false";

    fn read_scalar(scalar: Scalar<'_>, r: &mut Reader) -> Option<bool> {
        match scalar {
            Scalar::Bool(value) => Some(value),
            other => reject_type(&other, r),
        }
    }

    fn is_default(&self) -> bool {
        !*self
    }

    fn write_json(&self, w: &mut Writer) {
        w.raw(if *self { "true" } else { "false" });
    }
}

impl JsonField for f64 {
    const EXPECTED: &'static str = "a number (double)";

    fn read_scalar(scalar: Scalar<'_>, r: &mut Reader) -> Option<f64> {
        match scalar {
            Scalar::Number(number) => number.as_f64(),
            Scalar::String(text) => match text {
                "NaN" => Some(f64::NAN),
                "Infinity" => Some(f64::INFINITY),
                "-Infinity" => Some(f64::NEG_INFINITY),
                _ => match parse_decimal(text) {
                    Some(value) => Some(value),
                    None => {
                        r.fail(Reason::InvalidNumber { value: text.to_owned(), kind: "double", why: "not a number" });
                        None
                    }
                },
            },
            other => reject_type(&other, r),
        }
    }

    /// Only +0.0 is the default: the protobuf runtimes compare the bits, so -0.0 is printed.
    fn is_default(&self) -> bool {
        self.to_bits() == 0
    }

    fn write_json(&self, w: &mut Writer) {
        w.double(*self);
    }
}

/// A decimal number in a string (`"1.5"`, `"-2e3"`); no spaces, no `inf` or `nan` spellings.
fn parse_decimal(text: &str) -> Option<f64> {
    let numeric = !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit() || matches!(byte, b'+' | b'-' | b'.' | b'e' | b'E'));
    if numeric { text.parse().ok() } else { None }
}

/// Reads an integer given as a JSON number or as a string, as the mapping allows for every
/// integer type: integral floats (`3.0`, `1e2`) are accepted, fractions and out-of-range values
/// are not.
fn read_integer<T: JsonField + TryFrom<i128>>(scalar: Scalar<'_>, r: &mut Reader, kind: &'static str) -> Option<T> {
    let (parsed, shown) = match scalar {
        Scalar::Number(number) => {
            let parsed = match (number.as_i64(), number.as_u64()) {
                (Some(value), _) => Ok(i128::from(value)),
                (None, Some(value)) => Ok(i128::from(value)),
                (None, None) => integral(number.as_f64().unwrap_or(f64::NAN)),
            };
            (parsed, number.to_string())
        }
        Scalar::String(text) => {
            let parsed = match text.parse::<i128>() {
                Ok(value) => Ok(value),
                Err(_) => parse_decimal(text).map_or(Err("not an integer"), integral),
            };
            (parsed, text.to_owned())
        }
        other => return reject_type(&other, r),
    };
    match parsed.and_then(|value| T::try_from(value).map_err(|_| "out of range")) {
        Ok(value) => Some(value),
        Err(why) => {
            r.fail(Reason::InvalidNumber { value: shown, kind, why });
            None
        }
    }
}

fn integral(value: f64) -> Result<i128, &'static str> {
    if !value.is_finite() || value.fract() != 0.0 {
        Err("not an integer")
    } else if value.abs() > 1e30 {
        Err("out of range")
    } else {
        // Truncation is exact: the value is integral and far inside i128.
        Ok(value as i128)
    }
}

macro_rules! integer_field {
    ($ty:ty, $kind:literal, $expected:literal, quoted: $quoted:literal) => {
        impl JsonField for $ty {
            const EXPECTED: &'static str = $expected;

            fn read_scalar(scalar: Scalar<'_>, r: &mut Reader) -> Option<$ty> {
                read_integer(scalar, r, $kind)
            }

            fn is_default(&self) -> bool {
                *self == 0
            }

            fn write_json(&self, w: &mut Writer) {
                if $quoted {
                    write!(w.out, "\"{self}\"").expect("writing to a String cannot fail");
                } else {
                    write!(w.out, "{self}").expect("writing to a String cannot fail");
                }
            }
        }
    };
}

integer_field!(i32, "int32", "an integer (int32)", quoted: false);
integer_field!(u32, "uint32", "a non-negative integer (uint32)", quoted: false);
integer_field!(i64, "int64", "an integer (int64) as a string or a number", quoted: true);
integer_field!(u64, "uint64", "a non-negative integer (uint64) as a string or a number", quoted: true);

impl JsonField for Timestamp {
    const EXPECTED: &'static str = "an RFC 3339 timestamp string";

    fn read_scalar(scalar: Scalar<'_>, r: &mut Reader) -> Option<Timestamp> {
        match scalar {
            Scalar::String(text) => match Timestamp::parse(text) {
                Ok(timestamp) => Some(timestamp),
                Err(crate::PhenopacketsError::InvalidTimestamp { why, .. }) => {
                    r.fail(Reason::InvalidTimestamp { value: text.to_owned(), why });
                    None
                }
                Err(_) => unreachable!("Timestamp::parse fails only with InvalidTimestamp"),
            },
            other => reject_type(&other, r),
        }
    }

    /// A timestamp is a message: once set it has presence, so it is never left out.
    fn is_default(&self) -> bool {
        false
    }

    fn write_json(&self, w: &mut Writer) {
        w.string(&self.to_string());
    }
}

/// A singular message field (or a timestamp): `None` is unset and left out, `Some` is written
/// even when its own fields are all default (`{}`).
impl<T: JsonField> JsonField for Option<T> {
    const HOLDS_MESSAGES: bool = T::HOLDS_MESSAGES;
    const EXPECTED: &'static str = T::EXPECTED;

    /// Reads as `T` does, into a `T` made in place; the `read_*` methods for each JSON type are
    /// then never called.
    fn read_json<'de, D: Deserializer<'de>>(json: D, place: &mut Option<T>, r: &mut Reader) -> Result<Read, D::Error> {
        let read = T::read_json(json, place.insert(T::default()), r)?;
        if read != Read::Set {
            *place = None;
        }
        Ok(read)
    }

    fn is_default(&self) -> bool {
        self.is_none()
    }

    fn write_json(&self, w: &mut Writer) {
        if let Some(value) = self {
            value.write_json(w);
        }
    }

    fn walk(&self, path: &mut JsonPath, visitor: &mut dyn Visitor) {
        if let Some(value) = self {
            value.walk(path, visitor);
        }
    }
}

/// A repeated field: a JSON list without nulls; left out when empty.
impl<T: JsonField> JsonField for Vec<T> {
    const HOLDS_MESSAGES: bool = T::HOLDS_MESSAGES;
    const EXPECTED: &'static str = "a list";

    fn read_list<'de, A: SeqAccess<'de>>(mut list: A, place: &mut Vec<T>, r: &mut Reader) -> Result<bool, A::Error> {
        for index in 0.. {
            // Each element is read into its place at the end of the list, which is taken back
            // when there is no usable element.
            place.push(T::default());
            let element = place.last_mut().expect("an element was just pushed");
            let read = r.index(index, |r| list.next_element_seed(ValueReader::new(element, r)))?;
            if read != Some(Read::Set) {
                place.pop();
            }
            match read {
                None => break,
                Some(Read::Null) => r.index(index, |r| r.fail(Reason::NullInList)),
                Some(Read::Set | Read::Rejected) => {}
            }
        }
        // Grown an element at a time (serde_json cannot tell the length ahead), the list has up to
        // twice the room it needs; most lists are short, and without the slack the documents take
        // less memory and are quicker to walk and write.
        place.shrink_to_fit();
        Ok(true)
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }

    fn write_json(&self, w: &mut Writer) {
        w.array(self);
    }

    fn walk(&self, path: &mut JsonPath, visitor: &mut dyn Visitor) {
        for (index, item) in self.iter().enumerate() {
            path.with_index(index, |path| item.walk(path, visitor));
        }
    }
}

/// A `map<string, string>` field: a JSON object of strings; left out when empty. Keys are kept
/// sorted, so the output is deterministic (protobuf maps have no order).
impl JsonField for BTreeMap<String, String> {
    const EXPECTED: &'static str = "an object (a map of strings)";

    fn read_object<'de, A: MapAccess<'de>>(mut object: A, place: &mut BTreeMap<String, String>, r: &mut Reader) -> Result<bool, A::Error> {
        // Every key given, also those whose value was rejected, to reject a key given twice.
        let mut given = BTreeSet::new();
        while let Some(key) = next_key(&mut object)? {
            r.key(&key, |r| {
                if given.contains(key.as_ref()) {
                    r.fail(Reason::DuplicateField { first: key.to_string() });
                    object.next_value_seed(Skip)?;
                    return Ok(());
                }
                given.insert(key.to_string());
                let mut text = String::new();
                match object.next_value_seed(ValueReader::new(&mut text, r))? {
                    Read::Set => {
                        place.insert(key.to_string(), text);
                    }
                    Read::Null => r.wrong_type(String::EXPECTED, "null"),
                    Read::Rejected => {}
                }
                Ok(())
            })?;
        }
        Ok(true)
    }

    fn is_default(&self) -> bool {
        self.is_empty()
    }

    fn write_json(&self, w: &mut Writer) {
        w.object(|o| {
            for (key, value) in self {
                o.entry(key, value);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::json::{JsonPath, write_double, write_string};

    #[test]
    fn paths_name_keys_and_indices() {
        let mut path = JsonPath::root();
        for (index, expected) in
            [(0, "$.features[0].type"), (7, "$.features[7].type"), (10, "$.features[10].type"), (4096, "$.features[4096].type")]
        {
            let joined = path.with_field("features", |path| path.with_index(index, |path| path.join("type")));
            assert_eq!(joined, expected);
        }
        assert_eq!(path.as_str(), "$", "the path is as it was after each step");
        assert_eq!(path.join("odd key"), "$[\"odd key\"]");
    }

    fn double(value: f64) -> String {
        let mut out = String::new();
        write_double(&mut out, value);
        out
    }

    #[test]
    fn doubles_print_as_python_repr_does() {
        let cases = [
            (86.0, "86.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (2.5, "2.5"),
            (-2.5, "-2.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000012345, "1.2345e-05"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789.125, "123456789.125"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
            (f64::NAN, "\"NaN\""),
            (f64::NEG_INFINITY, "\"-Infinity\""),
        ];
        for (value, expected) in cases {
            assert_eq!(double(value), expected, "{value:e}");
        }
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_control_characters_only() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\\c\nd\u{1}é→");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é→""#);
    }

    #[test]
    fn strings_escape_every_byte_that_needs_it_wherever_it_stands() {
        // Each byte that needs an escape, and a few that do not, at every place of texts longer
        // than the eight bytes passed over at a time, against the byte-by-byte table.
        for byte in (0u8..0x80).filter(|byte| *byte < 0x21 || b"\"\\#]~\x7f".contains(byte)) {
            for at in 0..20 {
                let mut text = "abcdefghijklmnopqrst".to_string();
                text.replace_range(at..at + 1, std::str::from_utf8(&[byte]).expect("ASCII"));
                let mut out = String::new();
                write_string(&mut out, &text);
                let expected: String = text
                    .chars()
                    .map(|c| match c {
                        '"' => "\\\"".to_string(),
                        '\\' => "\\\\".to_string(),
                        '\n' => "\\n".to_string(),
                        '\r' => "\\r".to_string(),
                        '\t' => "\\t".to_string(),
                        '\u{8}' => "\\b".to_string(),
                        '\u{c}' => "\\f".to_string(),
                        c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32),
                        c => c.to_string(),
                    })
                    .collect();
                assert_eq!(out, format!("\"{expected}\""), "byte {byte:#04x} at {at}");
            }
        }
    }
}
