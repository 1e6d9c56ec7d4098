//! The scheme Google Play and ONE store share: an RSASSA-PKCS1-v1_5 signature over the exact bytes
//! of a JSON document, with the developer's licence key. Verify first, over the bytes as received
//! (never re-serialized); parse afterwards, from those same bytes.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, Result};
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
    /// The hash's name in WebCrypto (and node:crypto), for host engines.
    const HASH: &'static str;
}

pub(crate) mod sealed {
    use ring::signature::RsaParameters;

    /// ring's algorithm for keys of 2048 bits and more, and for 1024..2047 bits (only with
    /// `allow_legacy_1024_bit_keys`).
    pub trait Algorithms {
        const MODERN: &'static RsaParameters;
        const LEGACY: &'static RsaParameters;
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

/// Purchase data whose signature verified. Only [`SignedPurchaseVerifier::verify`] (and, inside
/// the crate, a host engine's check) makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSignedPurchase<S: PurchaseScheme> {
    purchase: S::Purchase,
}

impl<S: PurchaseScheme> VerifiedSignedPurchase<S> {
    pub fn purchase(&self) -> &S::Purchase {
        &self.purchase
    }

    pub fn into_purchase(self) -> S::Purchase {
        self.purchase
    }
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
        let signature = self.prepare(signed_data, signature_base64)?;
        let alg = if self.legacy { S::LEGACY } else { S::MODERN };
        self.key.verify(alg, signed_data, &signature)?;
        self.decode_host_verified(signed_data)
    }

    /// The checks before the signature itself (sizes, signature base64), returning the raw
    /// signature. Lets a host engine (node:crypto, WebCrypto) do the one RSA operation between
    /// `prepare` and the crate's own decoding step, with the same results and errors as
    /// [`Self::verify`].
    pub fn prepare(&self, signed_data: &[u8], signature_base64: &str) -> Result<Vec<u8>> {
        limits::check(S::WHAT, signed_data.len(), limits::MAX_SIGNED_DATA)?;
        limits::check("signature", signature_base64.len(), limits::MAX_SIGNATURE_TEXT)?;
        // A signature that is not base64 cannot verify: same answer as a wrong one.
        b64::decode_standard("signature", signature_base64).map_err(|_| Error::InvalidSignature)
    }

    /// The checked key (SubjectPublicKeyInfo DER) and the hash name of this scheme, for a host
    /// engine.
    pub fn host_key(&self) -> (&[u8], &'static str) {
        (self.key.spki_der(), S::HASH)
    }

    /// Decodes data whose signature a host engine has verified after [`Self::prepare`].
    /// Crate-private: nothing outside the crate can make a verified value without a check.
    pub(crate) fn decode_host_verified(&self, signed_data: &[u8]) -> Result<VerifiedSignedPurchase<S>> {
        Ok(VerifiedSignedPurchase { purchase: decode_object(S::WHAT, signed_data)? })
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
