//! Recognizes signed JSON that needs no re-serialization: text that every conforming JSON parser
//! (`JSON.parse` in particular) reads as exactly the object the crate's decoding of it returns
//! (the duplicate-key rule of [`super::decode_object`], serde_json's parse, then [`crate::model_fields`]'s reader).
//! The wasm layer then hands the caller `JSON.parse` of the text as received instead of
//! serializing the decoded object and parsing that: the same object, with less work.
//! [`verbatim_text`] also takes the outer object's known fields in any order (Apple writes its
//! transactions in another order than the models declare) and puts its members, each as received,
//! in the decoded order.
//!
//! It is conservative by design: [`is_verbatim`] says `true` only for a plain, common shape (the
//! stores' own), and `false` for anything else, whatever the crate would make of it; a `false`
//! sends the caller down the full decoding, with its results and errors. So it must never say
//! `true` where the full decoding fails or returns something else, and the tests hold it to that.
//!
//! `true` needs: UTF-8; one JSON object, nothing after it but whitespace; depth at most [`MAX_DEPTH`]; no
//! object with more than [`MAX_KEYS`] keys or a repeated key, and no key with an escape; the
//! model's known fields first, in declaration order, none `null` (the order [`crate::model_fields`] keeps
//! in place), each of its model's JSON type; numbers without exponent, of at most
//! [`MAX_NUMBER`] characters, never a negative zero integer (`-0`, which one parser reads as `0` and
//! another as `-0`), and integers where the model wants one of at most 18 digits; strings without
//! raw control characters, and escapes only of the standard kinds and never of a surrogate.

use std::borrow::Cow;

use crate::model_fields::{Field, Kind};

/// Deeper nesting is left to the full decoding.
const MAX_DEPTH: usize = 32;
/// Objects with more keys are left to the full decoding (the repeated-key check here is quadratic).
const MAX_KEYS: usize = 64;
/// Longer number tokens are left to the full decoding.
const MAX_NUMBER: usize = 20;

/// Whether `bytes` is a JSON object that every conforming parser reads as exactly what the crate's
/// decoding through `fields` returns (see the module doc). `false` means "not known to be".
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
pub(crate) fn is_verbatim(bytes: &[u8], fields: &'static [Field]) -> bool {
    matches!(verbatim_text(bytes, fields), Some(Cow::Borrowed(_)))
}

/// The same, but the known fields of the outer object may come in any order: then the text with
/// its outer members put in the decoded order (known fields in declaration order, then the
/// unknown ones as sent), each member's bytes as received. `JSON.parse` of what this returns is
/// exactly what the crate's decoding returns; `None` means "not known to be".
pub(crate) fn verbatim_text<'t>(bytes: &'t [u8], fields: &'static [Field]) -> Option<Cow<'t, str>> {
    // Strings must be UTF-8 (serde_json refuses others); outside strings only ASCII is JSON.
    let text = std::str::from_utf8(bytes).ok()?;
    let mut s = Scanner { bytes, at: 0 };
    s.ws();
    let mut members = Vec::new();
    if s.peek() != Some(b'{') || !s.object(Some(fields), 0, Some(&mut members)) {
        return None;
    }
    s.ws();
    if s.at != bytes.len() {
        return None;
    }
    // In the decoded order already (the order the crate keeps in place)?
    let mut last = None;
    let mut unknown_seen = false;
    let in_order = members.iter().all(|&(i, _, _)| match i {
        Some(i) => {
            let ok = !unknown_seen && last.is_none_or(|l| l < i);
            last = Some(i);
            ok
        }
        None => {
            unknown_seen = true;
            true
        }
    });
    if in_order {
        return Some(Cow::Borrowed(text));
    }
    let mut known: Vec<Member> = Vec::new();
    for &m in members.iter().filter(|m| m.0.is_some()) {
        known.insert(known.partition_point(|k| k.0 < m.0), m);
    }
    let mut out = String::with_capacity(text.len());
    out.push('{');
    for (n, &(_, start, end)) in known.iter().chain(members.iter().filter(|m| m.0.is_none())).enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(text.get(start..end)?);
    }
    out.push('}');
    Some(Cow::Owned(out))
}

/// An outer member: its field's declaration index (`None`: unknown) and its bytes, from the key's
/// opening quote to the end of its value.
type Member = (Option<usize>, usize, usize);

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline(always)]
    fn bump(&mut self) {
        self.at = self.at.saturating_add(1);
    }

    #[inline(always)]
    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.bump();
            true
        } else {
            false
        }
    }

    #[inline(always)]
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let end = self.at.saturating_add(word.len());
        if self.bytes.get(self.at..end) == Some(word) {
            self.at = end;
            true
        } else {
            false
        }
    }

    /// An object at `self.at` (`{`), its fields read through `fields` (`None`: any JSON, as an
    /// unknown field's value is). With `members` (the outer object), the known fields may come in
    /// any order, and each member is listed there; otherwise they must be in the decoded order.
    fn object(&mut self, fields: Option<&'static [Field]>, depth: usize, mut members: Option<&mut Vec<Member>>) -> bool {
        if depth >= MAX_DEPTH || !self.eat(b'{') {
            return false;
        }
        let mut keys: Vec<&'a [u8]> = Vec::new();
        let mut last_known: Option<usize> = None;
        let mut unknown_seen = false;
        self.ws();
        if self.eat(b'}') {
            return true;
        }
        loop {
            self.ws();
            let start = self.at;
            let Some(key) = self.key() else { return false };
            if keys.len() >= MAX_KEYS || keys.contains(&key) {
                return false;
            }
            keys.push(key);
            self.ws();
            if !self.eat(b':') {
                return false;
            }
            self.ws();
            let known = fields.and_then(|f| {
                let hint = last_known.map_or(0, |l| l.saturating_add(1));
                crate::model_fields::field_index(f, key, hint).and_then(|i| f.get(i).map(|&(_, kind)| (i, kind)))
            });
            let ok = match known {
                Some((i, kind)) => {
                    if members.is_none() && (unknown_seen || last_known.is_some_and(|l| l > i)) {
                        return false;
                    }
                    last_known = Some(i);
                    self.typed(kind, depth)
                }
                None => {
                    unknown_seen = true;
                    self.value(depth)
                }
            };
            if !ok {
                return false;
            }
            if let Some(list) = members.as_deref_mut() {
                list.push((known.map(|(i, _)| i), start, self.at));
            }
            self.ws();
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}');
        }
    }

    /// A known field's value: of its model's type, and not `null`.
    fn typed(&mut self, kind: Kind, depth: usize) -> bool {
        match kind {
            Kind::Str => self.string(),
            Kind::Bool => self.literal(b"true") || self.literal(b"false"),
            Kind::Int => self.number(true),
            Kind::Num => self.number(false),
            Kind::Strs => self.array(depth, true),
            Kind::Any | Kind::Added => self.peek() != Some(b'n') && self.value(depth),
            Kind::Object(fields) => self.object(Some(fields), depth.saturating_add(1), None),
        }
    }

    /// Any JSON value.
    fn value(&mut self, depth: usize) -> bool {
        match self.peek() {
            Some(b'{') => self.object(None, depth.saturating_add(1), None),
            Some(b'[') => self.array(depth, false),
            Some(b'"') => self.string(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => self.number(false),
        }
    }

    fn array(&mut self, depth: usize, strings_only: bool) -> bool {
        let depth = depth.saturating_add(1);
        if depth >= MAX_DEPTH || !self.eat(b'[') {
            return false;
        }
        self.ws();
        if self.eat(b']') {
            return true;
        }
        loop {
            self.ws();
            let ok = if strings_only { self.string() } else { self.value(depth) };
            if !ok {
                return false;
            }
            self.ws();
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']');
        }
    }

    /// A key: a string without escapes (so that equal keys are equal bytes).
    fn key(&mut self) -> Option<&'a [u8]> {
        let start = self.at.saturating_add(1);
        if !self.string() {
            return None;
        }
        let bytes: &'a [u8] = self.bytes;
        let key = bytes.get(start..self.at.saturating_sub(1))?;
        (!key.contains(&b'\\')).then_some(key)
    }

    fn string(&mut self) -> bool {
        if !self.eat(b'"') {
            return false;
        }
        loop {
            // The plain run up to the next quote, escape or control character, in one step.
            let rest = self.bytes.get(self.at..).unwrap_or_default();
            let Some(stop) = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20) else { return false };
            self.at = self.at.saturating_add(stop);
            let Some(b) = self.peek() else { return false };
            self.bump();
            match b {
                b'"' => return true,
                b'\\' => {
                    let Some(e) = self.peek() else { return false };
                    self.bump();
                    match e {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            let end = self.at.saturating_add(4);
                            let Some(hex) = self.bytes.get(self.at..end) else { return false };
                            let Some(code) = std::str::from_utf8(hex).ok().and_then(|h| u16::from_str_radix(h, 16).ok()) else {
                                return false;
                            };
                            // `from_str_radix` takes a sign; JSON does not.
                            if !hex.iter().all(u8::is_ascii_hexdigit) || (0xd800..=0xdfff).contains(&code) {
                                return false;
                            }
                            self.at = end;
                        }
                        _ => return false,
                    }
                }
                // A raw control character.
                _ => return false,
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, no exponent, at most [`MAX_NUMBER`] characters; with
    /// `integer`, no fraction and at most 18 digits (so it fits an `i64`). Never `-0`.
    fn number(&mut self, integer: bool) -> bool {
        let start = self.at;
        let negative = self.eat(b'-');
        let int_start = self.at;
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.bump();
                }
            }
            _ => return false,
        }
        let int_digits = self.at.saturating_sub(int_start);
        let mut fraction = false;
        if self.eat(b'.') {
            fraction = true;
            let frac_start = self.at;
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.bump();
            }
            if self.at == frac_start {
                return false;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            return false;
        }
        if negative && !fraction && self.bytes.get(int_start) == Some(&b'0') {
            return false;
        }
        if integer && (fraction || int_digits > 18) {
            return false;
        }
        self.at.saturating_sub(start) <= MAX_NUMBER
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const FIELDS: &[Field] = &[
        ("a", Kind::Str),
        ("n", Kind::Int),
        ("t", Kind::Num),
        ("b", Kind::Bool),
        ("list", Kind::Strs),
        ("any", Kind::Any),
        ("o", Kind::Object(&[("x", Kind::Int), ("y", Kind::Str)])),
        ("added", Kind::Added),
    ];

    /// What the crate's decoding gives (`None` when it refuses the input), read back as the
    /// caller gets it: its JSON text parsed.
    fn decoded(bytes: &[u8], fields: &'static [Field]) -> Option<Value> {
        let v = Value::Object(crate::json_text::decode_object("t", bytes).ok()?);
        let map = crate::model_fields::read_object(v, fields).ok()?;
        serde_json::from_str(&serde_json::to_string(&map).ok()?).ok()
    }

    /// Equal as JavaScript sees them: keys in order, numbers as doubles (`-0` apart from `0`).
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64().map(f64::to_bits) == y.as_f64().map(f64::to_bits),
            (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
            }
            _ => a == b,
        }
    }

    fn check_with(bytes: &[u8], fields: &'static [Field]) -> bool {
        let yes = is_verbatim(bytes, fields);
        let text = String::from_utf8_lossy(bytes);
        if yes {
            let d = decoded(bytes, fields).unwrap_or_else(|| panic!("said verbatim, but the decoding refuses: {text}"));
            let parsed: Value = serde_json::from_slice(bytes).unwrap();
            assert!(same(&d, &parsed), "said verbatim, but the decoding differs: {text}");
        }
        // The reordering form: whatever text it gives parses to the decoding, and it gives the
        // input itself exactly when the strict form says yes.
        match verbatim_text(bytes, fields) {
            Some(out) => {
                let d = decoded(bytes, fields).unwrap_or_else(|| panic!("gave a text, but the decoding refuses: {text}"));
                let parsed: Value = serde_json::from_str(&out).unwrap();
                assert!(same(&d, &parsed), "the reordered text differs from the decoding: {text} -> {out}");
                assert_eq!(matches!(out, Cow::Borrowed(_)), yes, "{text}");
            }
            None => assert!(!yes, "{text}"),
        }
        yes
    }

    fn check(text: &str) -> bool {
        check_with(text.as_bytes(), FIELDS)
    }

    #[test]
    fn the_stores_shape_is_verbatim() {
        for text in [
            r#"{}"#,
            r#"{"a":"x","n":1,"t":1700000000000,"b":true,"list":["p","q"],"any":{"k":[1,null,"\u00e9"]},"o":{"x":-3,"y":"z"},"zz":null}"#,
            " {\"a\" : \"tab\\tline\\n\\\"q\\\" \\/ \\u20ac\", \"n\": 0}\n",
            r#"{"n":-12,"t":-0.5,"unknown":1.25,"added":"is unknown here"}"#,
            r#"{"a":"é ✓ 😀"}"#,
        ] {
            assert!(check(text), "{text}");
        }
    }

    #[test]
    fn model_field_names_are_distinct() {
        // `model_fields::field_index` relies on it.
        fn check(fields: &'static [Field]) {
            for (i, (n, k)) in fields.iter().enumerate() {
                assert!(!fields[..i].iter().any(|(m, _)| m == n), "{n} twice");
                if let Kind::Object(nested) = k {
                    check(nested);
                }
            }
        }
        check(crate::apple::jws::TRANSACTION.fields);
        check(crate::apple::jws::RENEWAL_INFO.fields);
        check(crate::apple::jws::APP_TRANSACTION.fields);
        check(crate::apple::jws::NOTIFICATION.fields);
        check(<crate::google::GooglePlay as crate::signed_purchase::sealed::Algorithms>::FIELDS);
        check(<crate::onestore::OneStore as crate::signed_purchase::sealed::Algorithms>::FIELDS);
        check(FIELDS);
    }

    #[test]
    fn out_of_order_fields_are_put_in_the_decoded_order() {
        let text = r#"{ "zz" : [1, {"k":2}], "n":3,"a" :"x", "o":{"x":1,"y":"z"},"t":1.5 }"#;
        assert!(!check(text));
        let out = verbatim_text(text.as_bytes(), FIELDS).unwrap();
        assert_eq!(out, r#"{"a" :"x","n":3,"t":1.5,"o":{"x":1,"y":"z"},"zz" : [1, {"k":2}]}"#);
        // Nested models must still be in order.
        assert!(verbatim_text(br#"{"o":{"y":"z","x":1},"a":"x"}"#, FIELDS).is_none());
        assert!(verbatim_text(br#"{"n":1,"a":null}"#, FIELDS).is_none());
    }

    #[test]
    fn anything_else_goes_the_full_way() {
        for text in [
            r#"[]"#,
            r#"{"a":"x"} x"#,
            r#"{"a":"x","a":"y"}"#,
            r#"{"\u0061":"x","a":"y"}"#,
            r#"{"n":1,"a":"x"}"#,
            r#"{"zz":1,"a":"x"}"#,
            r#"{"a":null}"#,
            r#"{"n":1.0}"#,
            r#"{"n":"1"}"#,
            r#"{"n":1234567890123456789}"#,
            r#"{"t":1e3}"#,
            r#"{"z":-0}"#,
            r#"{"z":01}"#,
            r#"{"z":1.}"#,
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"raw\u{1}control\"}",
            r#"{"list":["a",1]}"#,
            r#"{"o":{"y":"z","x":1}}"#,
            r#"{"any":null}"#,
            r#"{"b":"true"}"#,
            r#"{"z":123456789012345678901}"#,
            r#"{"a":"x",}"#,
            r#"{"a" "x"}"#,
            "\u{feff}{}",
        ] {
            assert!(!check(text), "{text}");
        }
        let deep = format!("{{\"z\":{}{}}}", "[".repeat(40), "]".repeat(40));
        assert!(!check(&deep));
        let many: Vec<String> = (0..70).map(|i| format!("\"k{i}\":1")).collect();
        assert!(!check(&format!("{{{}}}", many.join(","))));
    }

    #[test]
    fn mutations_never_make_it_lie() {
        // Every one-byte change and every truncation of a rich document: whenever the scanner says
        // verbatim, the decoding agrees (checked inside `check`).
        let base = r#"{"a":"x\"y","n":-7,"t":2.5,"b":false,"list":["p"],"any":{"k":[1,{"m":null}]},"o":{"x":1,"y":"z"},"u":"v"}"#;
        let symbols = b"{}[]\",:-.0123456789eE+tfnul\\ \"axyzbnt";
        let bytes = base.as_bytes();
        for i in 0..bytes.len() {
            for &s in symbols {
                let mut m = bytes.to_vec();
                if let Some(b) = m.get_mut(i) {
                    *b = s;
                }
                check_with(&m, FIELDS);
            }
            check_with(bytes.get(..i).unwrap_or_default(), FIELDS);
        }
        // The real purchases of the test vectors.
        for f in ["consumable.json", "pending.json", "subscription.json", "bom.json", "latin1.json", "duplicate-key.json", "duplicate-nested.json", "duplicate-unknown.json", "not-an-object.json", "consumable.reserialized.json"] {
            let path = format!("{}/tests/vectors/google/{f}", env!("CARGO_MANIFEST_DIR"));
            let bytes = std::fs::read(&path).unwrap();
            let yes = check_with(&bytes, <crate::google::GooglePlay as crate::signed_purchase::sealed::Algorithms>::FIELDS);
            check_with(&bytes, crate::apple::jws::TRANSACTION.fields);
            if f == "consumable.json" || f == "pending.json" {
                assert!(yes, "{f} is the common shape");
            }
        }
        // Apple's genuine transactions (nested in go-pay's notification): their fields come in
        // another order than the model declares, so they are reordered.
        let jws = std::fs::read_to_string(format!("{}/tests/vectors/public/apple-jws-gopay-notification-did-renew-sandbox.jws", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let decode = |part: &str| crate::b64::decode_url("t", part).unwrap();
        let notification: Value = serde_json::from_slice(&decode(jws.split('.').nth(1).unwrap())).unwrap();
        for (name, model) in [("signedTransactionInfo", crate::apple::jws::TRANSACTION), ("signedRenewalInfo", crate::apple::jws::RENEWAL_INFO)] {
            let nested = notification["data"][name].as_str().unwrap();
            let payload = decode(nested.split('.').nth(1).unwrap());
            check_with(&payload, model.fields);
            assert!(verbatim_text(&payload, model.fields).is_some(), "{name}");
        }
    }
}
