//! The scheme Google Play and ONE store share: an RSASSA-PKCS1-v1_5 signature over the exact bytes
//! of a JSON document, with the developer's licence key. Verify first, over the bytes as received
//! (never re-serialized); parse afterwards, from those same bytes.

use std::collections::HashSet;
use std::fmt;

use ring::signature::RsaParameters;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, Result};
use crate::rsa::RsaPublicKey;
use crate::{b64, limits};

/// A licence key bound to the one algorithm its store uses.
#[derive(Debug, Clone)]
pub(crate) struct SignedJsonVerifier {
    key: RsaPublicKey,
    alg: &'static RsaParameters,
}

impl SignedJsonVerifier {
    /// `modern` applies to keys of 2048 bits and more, `legacy` (when given) to 1024..2047 bits.
    pub(crate) fn new(
        key_base64: &str,
        modern: &'static RsaParameters,
        legacy: Option<&'static RsaParameters>,
    ) -> Result<Self> {
        let min_bits = if legacy.is_some() { crate::rsa::MIN_LEGACY_BITS } else { crate::rsa::MIN_BITS };
        let key = RsaPublicKey::from_spki_base64(key_base64, min_bits)?;
        let alg = match legacy {
            Some(legacy) if key.bits() < crate::rsa::MIN_BITS => legacy,
            _ => modern,
        };
        Ok(SignedJsonVerifier { key, alg })
    }

    /// Checks the signature over `signed_data` with ring, then decodes it as `T`.
    pub(crate) fn verify<T: DeserializeOwned>(
        &self,
        what: &'static str,
        signed_data: &[u8],
        signature_base64: &str,
    ) -> Result<T> {
        let signature = self.prepare(what, signed_data, signature_base64)?;
        self.key.verify(self.alg, signed_data, &signature)?;
        decode_object(what, signed_data)
    }

    /// The checks before the signature itself (sizes, signature base64), returning the raw
    /// signature. Lets another engine (the host's WebCrypto) do the one RSA operation in between
    /// `prepare` and [`decode_object`], with the same results and errors as [`Self::verify`].
    pub(crate) fn prepare(&self, what: &'static str, signed_data: &[u8], signature_base64: &str) -> Result<Vec<u8>> {
        limits::check(what, signed_data.len(), limits::MAX_SIGNED_DATA)?;
        limits::check("signature", signature_base64.len(), limits::MAX_SIGNATURE_TEXT)?;
        // A signature that is not base64 cannot verify: same answer as a wrong one.
        b64::decode_standard("signature", signature_base64).map_err(|_| Error::InvalidSignature)
    }

    /// The checked key.
    pub(crate) fn key(&self) -> &RsaPublicKey {
        &self.key
    }
}

/// Decodes a JSON object, refusing duplicate top-level keys.
///
/// Both values of a duplicated key are covered by the signature, but JSON parsers disagree on
/// which one wins (first, last, error). An app server and a fraud tool reading the same purchase
/// differently is exactly the ambiguity a forger wants, so a duplicate is `MALFORMED_INPUT`.
pub(crate) fn decode_object<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T> {
    let malformed = |e: serde_json::Error| {
        let offset = offset_of(bytes, e.line(), e.column());
        Error::MalformedInput { what, reason: e.to_string(), offset }
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.deserialize_map(UniqueKeys).map_err(malformed)?;
    serde_json::from_slice(bytes).map_err(malformed)
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

struct UniqueKeys;

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
            }
            map.next_value::<IgnoredAny>()?;
        }
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
