//! JSON as received, read exactly: what every parser of the same text agrees on.
//!
//! - The duplicate-key rule: [`decode_object`] refuses a document in which an object, at any
//!   depth, repeats a key (parsers disagree on which value wins).
//! - Signed JSON that needs no re-serialization ([`verbatim`]): text whose plain `JSON.parse` is
//!   exactly the object the crate's decoding returns, which a binding may hand out as received.

mod verbatim;

use std::fmt;

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::{Error, Result};

pub(crate) use verbatim::verbatim_text;
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
pub(crate) use verbatim::is_verbatim;

/// Decodes a JSON object in which no object, at any depth, repeats a key.
///
/// Both values of a duplicated key are covered by the signature, but JSON parsers disagree on
/// which one wins (first, last, error). An app server and a fraud tool reading the same purchase
/// differently is exactly the ambiguity a forger wants, so a duplicate is `MALFORMED_INPUT`,
/// in a nested object or an unknown field as much as at the top.
///
/// One pass: the object is built as it is read, and a key its object already holds is the error
/// (keys compared after unescaping, so `"a"` and `"\u0061"` are the same key).
pub(crate) fn decode_object(what: &'static str, bytes: &[u8]) -> Result<Map<String, Value>> {
    let malformed = |e: serde_json::Error| {
        let offset = offset_of(bytes, e.line(), e.column());
        Error::MalformedInput { what, reason: e.to_string(), offset }
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = de.deserialize_map(UniqueValue).map_err(malformed)?;
    de.end().map_err(malformed)?;
    match value {
        Value::Object(map) => Ok(map),
        // deserialize_map gives an object or an error.
        _ => Err(Error::malformed(what, "expected a JSON object")),
    }
}

/// [`decode_object`] of JSON found inside another encoding (base64 in a token): a parser's
/// position is then one of the decoded JSON, not of the input, so it goes in the reason, saying so,
/// and the error has no offset.
pub(crate) fn decode_inner_object(what: &'static str, bytes: &[u8]) -> Result<Map<String, Value>> {
    decode_object(what, bytes).map_err(|e| match e {
        Error::MalformedInput { what, reason, .. } => {
            Error::MalformedInput { what, reason: format!("{reason} of the decoded JSON"), offset: None }
        }
        other => other,
    })
}

/// Builds any JSON value as serde_json's own `Value` would, refusing an object that repeats a key.
/// Depth is bounded by serde_json's recursion limit, so deep nesting is an error, not a stack overflow.
#[derive(Clone, Copy)]
struct UniqueValue;

impl<'de> serde::de::DeserializeSeed<'de> for UniqueValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> std::result::Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(duplicate(&key));
            }
            let value = access.next_value_seed(self)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        // JSON has no NaN or infinity, so serde_json never hands one over; `null` as its Value does.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
}

/// The duplicate-key error. Debug-escaped: control and bidi characters in a key never reach a
/// message raw.
fn duplicate<E: serde::de::Error>(key: &str) -> E {
    let shown: String = key.chars().take(KEY_SHOWN).collect();
    E::custom(format!("duplicate key {shown:?}"))
}

/// Converts serde_json's 1-based line/column into a byte offset, where it has one.
fn offset_of(bytes: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let mut start = 0usize;
    for _ in 1..line {
        let rest = bytes.get(start..)?;
        start = start.checked_add(rest.iter().position(|&b| b == b'\n')?)?.checked_add(1)?;
    }
    start.checked_add(column.saturating_sub(1))
}

/// Keys longer than this are cut in the message (they are untrusted text).
const KEY_SHOWN: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_only_and_no_duplicates() {
        assert!(decode_object("t", br#"{"a":1,"b":{"a":2}}"#).is_ok());
        for bad in [&br#"[1]"#[..], br#""x""#, br#"{"a":1,"a":2}"#, b"{", b"", b"\xef\xbb\xbf{}"] {
            let e = decode_object("t", bad).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT", "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn duplicates_are_refused_at_any_depth() {
        let ok = [
            &br#"{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":1}],"d":[[{"y":1}],[{"y":1}]]}"#[..],
            br#"{"a":[],"b":{},"c":null,"d":true,"e":-1.5e3,"f":"\u0000"}"#,
        ];
        for good in ok {
            assert!(decode_object("t", good).is_ok(), "{}", String::from_utf8_lossy(good));
        }
        for (bad, key) in [
            (&br#"{"foo":{"x":1,"x":2}}"#[..], "\"x\""),
            (br#"{"a":[1,{"b":{"c":[{"d":1,"d":1}]}}]}"#, "\"d\""),
            (br#"{"a":1,"\u0061":2}"#, "\"a\""),
            (r#"{"k":{"\ud83d\ude00":1,"😀":2}}"#.as_bytes(), "\"😀\""),
        ] {
            let e = decode_object("t", bad).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT");
            assert!(e.to_string().starts_with(&format!("malformed t: duplicate key {key}")), "{e}");
        }
    }

    #[test]
    fn a_hostile_key_is_escaped_and_cut_in_the_message() {
        let key = format!("\u{202e}\u{1b}[2J{}", "k".repeat(1000));
        let doc = format!("{{{k}:1,{k}:2}}", k = serde_json::to_string(&key).unwrap());
        let m = decode_object("t", doc.as_bytes()).unwrap_err().to_string();
        assert!(m.contains(r"\u{202e}\u{1b}[2J"), "{m}");
        assert!(!m.contains('\u{202e}') && !m.contains('\u{1b}') && m.len() < 200, "{m}");
    }

    #[test]
    fn error_offsets_point_into_the_input() {
        let e = decode_object("t", b"{\n\"a\":1,\n\"a\":2}").unwrap_err();
        match e {
            Error::MalformedInput { offset: Some(o), .. } => assert!((9..=15).contains(&o), "{o}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inner_json_errors_say_so_and_point_nowhere_in_the_input() {
        match decode_inner_object("t", b"{\n\"a\":1,\n\"a\":2}").unwrap_err() {
            Error::MalformedInput { offset: None, reason, .. } => {
                assert!(reason.starts_with("duplicate key \"a\"") && reason.ends_with(" of the decoded JSON"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(decode_inner_object("t", br#"{"a":{"a":1}}"#).is_ok());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        let e = decode_object("t", deep.as_bytes()).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT");
    }
}
