//! The scheme Google Play and ONE store share: an RSASSA-PKCS1-v1_5 signature over the exact bytes
//! of a JSON document, with the developer's licence key. Verify first, over the bytes as received
//! (never re-serialized); parse afterwards, from those same bytes.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
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
        const FIELDS: &'static [crate::model_fields::Field];
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

/// Verified purchase data as JSON, for a binding that hands it to a JavaScript engine: what
/// [`SignedPurchaseVerifier::verify_json_with`] returns. Only with the `binding` feature (nothing
/// in the crate takes one back as proof of anything).
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
#[derive(Debug, Clone, PartialEq)]
pub enum VerifiedJson {
    /// The purchase as the JSON object the store signed, read through the purchase model's schema:
    /// exactly what serializing the typed purchase gives.
    Object(Map<String, Value>),
    /// The signed bytes are UTF-8 JSON whose plain `JSON.parse` is exactly that object, so the
    /// binding may parse the text as received instead of converting the object.
    Verbatim,
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
    /// `verbatim_allowed` (the caller can parse the bytes exactly as received), plain-shaped data
    /// is returned as [`VerifiedJson::Verbatim`]. Same checks, same results, same errors. Only with
    /// the `binding` feature.
    #[cfg(any(feature = "binding", feature = "fuzzing", test))]
    pub async fn verify_json_with<H: SignatureHost>(
        &self,
        host: &H,
        signed_data: &[u8],
        signature_base64: &str,
        verbatim_allowed: bool,
    ) -> Result<VerifiedJson> {
        self.check_with(host, signed_data, signature_base64).await?;
        if verbatim_allowed && crate::json_text::is_verbatim(signed_data, S::FIELDS) {
            return Ok(VerifiedJson::Verbatim);
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

    /// Whether `signature` is the store's over exactly `message`, with the key's algorithm (for
    /// other messages the store signs with the same key: ONE store's PNS).
    pub(crate) fn check_raw(&self, message: &[u8], signature: &[u8]) -> Result<()> {
        let alg = if self.legacy { S::LEGACY } else { S::MODERN };
        self.key.verify(alg, message, signature)
    }

    /// The verified data as the JSON object the store signed, read through the purchase model's
    /// schema ([`crate::model_fields`]).
    fn decode_json(&self, signed_data: &[u8]) -> Result<Map<String, Value>> {
        let object = Value::Object(crate::json_text::decode_object(S::WHAT, signed_data)?);
        crate::model_fields::read_object(object, S::FIELDS).map_err(|reason| Error::MalformedInput { what: S::WHAT, reason, offset: None })
    }
}
