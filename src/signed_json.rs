//! The scheme Google Play and ONE store share: an RSASSA-PKCS1-v1_5 signature over the exact bytes
//! of a JSON document, with the developer's licence key. Verify first, over the bytes as received
//! (never re-serialized); parse afterwards, from those same bytes.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::host::{check_signature, run_ready, Algorithm, RingOnly, SignatureCheck, SignatureHost};
use crate::rsa::RsaPublicKey;
use crate::{b64, limits};

/// One store's use of the scheme: what its data decodes to, what it is called, which hash it
/// signs with. Implemented by [`crate::google::GooglePlay`] and [`crate::onestore::OneStore`]
/// only (sealed: the algorithms are fixed by the store, never chosen by a caller or the input).
pub trait PurchaseScheme: sealed::Algorithms + 'static {
    /// The decoded purchase.
    type Purchase: DeserializeOwned;
    /// What the signed data is called in errors.
    const WHAT: &'static str;
    /// The algorithm a host is asked to check (see [`crate::host`]).
    const ALGORITHM: Algorithm;
}

pub(crate) mod sealed {
    use ring::signature::RsaParameters;

    /// ring's algorithm for keys of 2048 bits and more, and for 1024..2047 bits (only with
    /// `allow_legacy_1024_bit_keys`); and the wire schema of the purchase (its model's fields, in
    /// declaration order), which the signed JSON is read through.
    pub trait Algorithms {
        const MODERN: &'static RsaParameters;
        const LEGACY: &'static RsaParameters;
        const FIELDS: &'static [crate::wire::Field];
    }
}

/// Options for [`SignedPurchaseVerifier::new`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Accept 1024-bit keys. Off by default: store keys are 2048-bit, and 1024-bit RSA is too weak
    /// to trust for money. Public test data uses 1024-bit keys, hence the option.
    pub allow_legacy_1024_bit_keys: bool,
}

/// A licence key bound to its store's scheme, parsed and checked once, ready for many
/// verifications. Used as [`crate::google::GoogleVerifier`] and [`crate::onestore::OneStoreVerifier`].
#[derive(Debug, Clone)]
pub struct SignedPurchaseVerifier<S> {
    key: RsaPublicKey,
    legacy: bool,
    scheme: PhantomData<S>,
}

/// Purchase data whose signature verified. Only [`SignedPurchaseVerifier::verify`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSignedPurchase<S: PurchaseScheme> {
    purchase: S::Purchase,
}

impl<S: PurchaseScheme> VerifiedSignedPurchase<S> {
    /// The decoded purchase.
    pub fn purchase(&self) -> &S::Purchase {
        &self.purchase
    }

    /// Takes the decoded purchase out.
    pub fn into_purchase(self) -> S::Purchase {
        self.purchase
    }
}

/// Verified purchase data as JSON, for a binding that hands it to a JavaScript engine.
#[derive(Debug, Clone, PartialEq)]
pub enum VerifiedJson {
    /// The purchase as the JSON object the store signed, read through the purchase model's schema:
    /// exactly what serializing the typed purchase gives.
    Object(Map<String, Value>),
    /// The signed bytes are UTF-8 JSON whose plain `JSON.parse` is exactly that object, so the
    /// binding may parse the text as received instead of converting the object.
    AsSent,
}

impl<S: PurchaseScheme> SignedPurchaseVerifier<S> {
    /// `public_key_base64` is the app's licence key from the store's console: base64 of an RSA
    /// SubjectPublicKeyInfo (line breaks allowed). Errors: `INVALID_PUBLIC_KEY`, `INPUT_TOO_LARGE`.
    pub fn new(public_key_base64: &str, options: VerifyOptions) -> Result<Self> {
        let min_bits = if options.allow_legacy_1024_bit_keys { crate::rsa::MIN_LEGACY_BITS } else { crate::rsa::MIN_BITS };
        let key = RsaPublicKey::from_spki_base64(public_key_base64, min_bits)?;
        let legacy = key.bits() < crate::rsa::MIN_BITS;
        Ok(SignedPurchaseVerifier { key, legacy, scheme: PhantomData })
    }

    /// Verifies `signature_base64` over exactly `signed_data` (the bytes the app received: any
    /// trailing newline or odd spacing is part of what was signed), then decodes it.
    /// Errors: `INVALID_SIGNATURE`, then `MALFORMED_INPUT` if the signed bytes are not a JSON
    /// object of purchase fields, `INPUT_TOO_LARGE`.
    pub fn verify(&self, signed_data: &[u8], signature_base64: &str) -> Result<VerifiedSignedPurchase<S>> {
        run_ready(self.check_with(&RingOnly, signed_data, signature_base64))??;
        let purchase = serde_json::from_value(Value::Object(self.decode_json(signed_data)?))
            .map_err(|e| Error::malformed(S::WHAT, e.to_string()))?;
        Ok(VerifiedSignedPurchase { purchase })
    }

    /// [`Self::verify`] with the RSA check asked of `host` first, the purchase as JSON. With
    /// `as_sent_allowed` (the caller can parse the bytes exactly as received), plain-shaped data
    /// is returned as [`VerifiedJson::AsSent`]. Same checks, same results, same errors.
    pub async fn verify_json_with<H: SignatureHost>(
        &self,
        host: &H,
        signed_data: &[u8],
        signature_base64: &str,
        as_sent_allowed: bool,
    ) -> Result<VerifiedJson> {
        self.check_with(host, signed_data, signature_base64).await?;
        if as_sent_allowed && crate::as_sent::is_as_sent(signed_data, S::FIELDS) {
            return Ok(VerifiedJson::AsSent);
        }
        self.decode_json(signed_data).map(VerifiedJson::Object)
    }

    /// The checks before the signature (sizes, signature base64), then the signature.
    async fn check_with<H: SignatureHost>(&self, host: &H, signed_data: &[u8], signature_base64: &str) -> Result<()> {
        limits::check(S::WHAT, signed_data.len(), limits::MAX_SIGNED_DATA)?;
        limits::check("signature", signature_base64.len(), limits::MAX_SIGNATURE_TEXT)?;
        // A signature that is not base64 cannot verify: same answer as a wrong one.
        let signature = b64::decode_standard("signature", signature_base64).map_err(|_| Error::InvalidSignature)?;
        let check = SignatureCheck { algorithm: S::ALGORITHM, key: self.key.spki_der(), message: signed_data, signature: &signature };
        let alg = if self.legacy { S::LEGACY } else { S::MODERN };
        check_signature(host, check, || self.key.verify(alg, signed_data, &signature)).await
    }

    /// The verified data as the JSON object the store signed, read through the purchase model's
    /// schema ([`crate::wire`]).
    fn decode_json(&self, signed_data: &[u8]) -> Result<Map<String, Value>> {
        let object = decode_object::<Value>(S::WHAT, signed_data)?;
        crate::wire::read_object(object, S::FIELDS).map_err(|reason| Error::MalformedInput { what: S::WHAT, reason, offset: None })
    }
}

/// Decodes a JSON object in which no object, at any depth, repeats a key.
///
/// Both values of a duplicated key are covered by the signature, but JSON parsers disagree on
/// which one wins (first, last, error). An app server and a fraud tool reading the same purchase
/// differently is exactly the ambiguity a forger wants, so a duplicate is `MALFORMED_INPUT`,
/// in a nested object or an unknown field as much as at the top.
pub(crate) fn decode_object<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T> {
    let malformed = |e: serde_json::Error| {
        let offset = offset_of(bytes, e.line(), e.column());
        Error::MalformedInput { what, reason: e.to_string(), offset }
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.deserialize_map(UniqueKeys).map_err(malformed)?;
    serde_json::from_slice(bytes).map_err(malformed)
}

/// The duplicate-key rule of [`decode_object`] for JSON that is not itself the signed bytes (a
/// JWS header or payload, base64 inside the token; a Pub/Sub push body): one scan of the whole
/// document, and a duplicate at any depth is `MALFORMED_INPUT`. Other faults (not JSON, trailing
/// data, too deep) are left to the typed parse that follows, which reports them as before.
pub(crate) fn check_unique_keys(what: &'static str, bytes: &[u8]) -> Result<()> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde::de::DeserializeSeed::deserialize(UniqueKeys, &mut de) {
        // The walk accepts every JSON type, so its only data error is a duplicate key.
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            Err(Error::malformed(what, format!("{e} of the decoded JSON")))
        }
        _ => Ok(()),
    }
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

/// An object key as unescaped: borrowed from the input when it has no escapes.
#[derive(PartialEq, Eq, Hash)]
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Key<'de>, E> {
        Ok(Key(std::borrow::Cow::Owned(v)))
    }
}

/// Walks any JSON value, failing at the first object that repeats a key (compared after
/// unescaping, so `"a"` and `"\u0061"` are the same key). Depth is bounded by serde_json's
/// recursion limit, so deep nesting is an error, not a stack overflow.
#[derive(Clone, Copy)]
struct UniqueKeys;

impl<'de> serde::de::DeserializeSeed<'de> for UniqueKeys {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        // The keys seen, borrowed from the input where they have no escapes.
        let mut seen: HashSet<Key<'de>> = HashSet::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if seen.contains(&key) {
                // Debug-escaped: control and bidi characters in a key never reach a message raw.
                let shown: String = key.0.chars().take(KEY_SHOWN).collect();
                return Err(serde::de::Error::custom(format!("duplicate key {shown:?}")));
            }
            map.next_value_seed(self)?;
            seen.insert(key);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    #[test]
    fn objects_only_and_no_duplicates() {
        assert!(decode_object::<Map<String, Value>>("t", br#"{"a":1,"b":{"a":2}}"#).is_ok());
        for bad in [&br#"[1]"#[..], br#""x""#, br#"{"a":1,"a":2}"#, b"{", b"", b"\xef\xbb\xbf{}"] {
            let e = decode_object::<Map<String, Value>>("t", bad).unwrap_err();
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
            assert!(decode_object::<Map<String, Value>>("t", good).is_ok(), "{}", String::from_utf8_lossy(good));
            assert!(check_unique_keys("t", good).is_ok());
        }
        for (bad, key) in [
            (&br#"{"foo":{"x":1,"x":2}}"#[..], "\"x\""),
            (br#"{"a":[1,{"b":{"c":[{"d":1,"d":1}]}}]}"#, "\"d\""),
            (br#"{"a":1,"\u0061":2}"#, "\"a\""),
            (r#"{"k":{"\ud83d\ude00":1,"😀":2}}"#.as_bytes(), "\"😀\""),
        ] {
            let e = decode_object::<Map<String, Value>>("t", bad).unwrap_err();
            assert!(e.to_string().starts_with(&format!("malformed t: duplicate key {key}")), "{e}");
            let e = check_unique_keys("t", bad).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT");
            assert!(e.to_string().starts_with(&format!("malformed t: duplicate key {key}")), "{e}");
        }
        // Top-level arrays are scanned too (the typed parse refuses them later with its own words).
        assert_eq!(check_unique_keys("t", br#"[{"x":1,"x":1}]"#).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn the_scan_leaves_other_faults_to_the_typed_parse() {
        for other in [&b""[..], b"{", b"not json", b"{} trailing", b"\xef\xbb\xbf{}"] {
            assert!(check_unique_keys("t", other).is_ok(), "{}", String::from_utf8_lossy(other));
        }
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(check_unique_keys("t", deep.as_bytes()).is_ok(), "too deep is the parser's error, not a stack overflow");
    }

    #[test]
    fn a_hostile_key_is_escaped_and_cut_in_the_message() {
        let key = format!("\u{202e}\u{1b}[2J{}", "k".repeat(1000));
        let doc = format!("{{{k}:1,{k}:2}}", k = serde_json::to_string(&key).unwrap());
        let m = decode_object::<Map<String, Value>>("t", doc.as_bytes()).unwrap_err().to_string();
        assert!(m.contains(r"\u{202e}\u{1b}[2J"), "{m}");
        assert!(!m.contains('\u{202e}') && !m.contains('\u{1b}') && m.len() < 200, "{m}");
    }

    #[test]
    fn error_offsets_point_into_the_input() {
        let e = decode_object::<Map<String, Value>>("t", b"{\n\"a\":1,\n\"a\":2}").unwrap_err();
        match e {
            Error::MalformedInput { offset: Some(o), .. } => assert!((9..=15).contains(&o), "{o}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        let e = decode_object::<Map<String, Value>>("t", deep.as_bytes()).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT");
    }
}
