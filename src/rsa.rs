//! RSA public keys as stores hand them out: a base64 SubjectPublicKeyInfo ("licence key").
//!
//! The key is parsed and checked once (size, exponent), so that a bad key is reported as
//! `INVALID_PUBLIC_KEY` when a verifier is made, not as a failed signature on every call.

use ring::signature::{RsaParameters, UnparsedPublicKey};

use crate::der::{oid, tag, SubjectPublicKeyInfo};
use crate::error::{Error, Result};
use crate::{b64, limits};

/// Smallest modulus accepted by default. Real Play Console keys are 2048-bit.
pub(crate) const MIN_BITS: usize = 2048;
/// Smallest modulus accepted with the explicit legacy option (public test keys are 1024-bit).
pub(crate) const MIN_LEGACY_BITS: usize = 1024;
/// Largest modulus accepted (ring's limit for PKCS#1 verification).
pub(crate) const MAX_BITS: usize = 8192;

/// A checked RSA public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RsaPublicKey {
    /// DER RSAPublicKey (PKCS#1), the form ring takes.
    pkcs1: Vec<u8>,
    /// DER SubjectPublicKeyInfo, the form WebCrypto's `importKey('spki', ...)` takes.
    spki: Vec<u8>,
    bits: usize,
}

impl RsaPublicKey {
    /// Parses a base64 SubjectPublicKeyInfo and checks its size against `min_bits`..=[`MAX_BITS`].
    pub(crate) fn from_spki_base64(text: &str, min_bits: usize) -> Result<Self> {
        limits::check("public key", text.len(), limits::MAX_PUBLIC_KEY_TEXT)?;
        let der = b64::decode_standard("public key", text).map_err(|_| Error::bad_key("not base64"))?;
        Self::from_spki_der(&der, min_bits)
    }

    /// Parses a DER SubjectPublicKeyInfo and checks its size against `min_bits`..=[`MAX_BITS`].
    pub(crate) fn from_spki_der(der: &[u8], min_bits: usize) -> Result<Self> {
        let spki = SubjectPublicKeyInfo::parse(der, "public key")
            .map_err(|e| Error::bad_key(format!("not a SubjectPublicKeyInfo ({e})")))?;
        if spki.algorithm != oid::RSA_ENCRYPTION {
            return Err(Error::bad_key("not an RSA key (an RSA SubjectPublicKeyInfo is required)"));
        }
        let (n, e) = modulus_and_exponent(spki.key).map_err(|e| Error::bad_key(format!("malformed RSAPublicKey ({e})")))?;

        let bits = bit_length(n);
        if bits < min_bits {
            return Err(Error::bad_key(format!(
                "{bits}-bit RSA key is below the {min_bits}-bit minimum{}",
                if min_bits > MIN_LEGACY_BITS && bits >= MIN_LEGACY_BITS {
                    " (pass allowLegacy1024BitKeys to accept legacy test keys)"
                } else {
                    ""
                }
            )));
        }
        if bits > MAX_BITS {
            return Err(Error::bad_key(format!("{bits}-bit RSA key is above the {MAX_BITS}-bit maximum")));
        }
        // ring accepts odd exponents from 3 to 2^33 - 1; say so now rather than fail every call.
        let exponent = match e {
            [] => 0,
            bytes if bytes.len() <= 5 => bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
            _ => u64::MAX,
        };
        if exponent < 3 || exponent % 2 == 0 || exponent >= 1 << 33 {
            return Err(Error::bad_key("unsupported RSA public exponent"));
        }
        Ok(RsaPublicKey { pkcs1: spki.key.to_vec(), spki: der.to_vec(), bits })
    }

    /// Builds the key from its big-endian modulus and exponent (a JWK's `n` and `e`, RFC 7518
    /// §6.3.1), then checks it as [`Self::from_spki_der`] does. Leading zero bytes are allowed.
    pub(crate) fn from_components(n: &[u8], e: &[u8], min_bits: usize) -> Result<Self> {
        // Longer than the largest accepted modulus: refused before any encoding.
        if n.len() > MAX_BITS / 8 + 1 || e.len() > 8 {
            return Err(Error::bad_key(format!("RSA key above the {MAX_BITS}-bit maximum")));
        }
        let mut key = der_integer(n);
        key.extend(der_integer(e));
        let mut bits = vec![0u8]; // no unused bits
        bits.extend(der_tlv(tag::SEQUENCE, &key));
        // AlgorithmIdentifier { rsaEncryption, NULL }.
        let mut spki = der_tlv(tag::SEQUENCE, &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]);
        spki.extend(der_tlv(0x03, &bits));
        Self::from_spki_der(&der_tlv(tag::SEQUENCE, &spki), min_bits)
    }

    /// The checked key as DER SubjectPublicKeyInfo.
    pub(crate) fn spki_der(&self) -> &[u8] {
        &self.spki
    }

    /// Modulus size in bits.
    pub(crate) fn bits(&self) -> usize {
        self.bits
    }

    /// Verifies an RSASSA-PKCS1-v1_5 signature over exactly `message`.
    pub(crate) fn verify(&self, alg: &'static RsaParameters, message: &[u8], signature: &[u8]) -> Result<()> {
        UnparsedPublicKey::new(alg, &self.pkcs1)
            .verify(message, signature)
            .map_err(|_| Error::InvalidSignature)
    }
}

/// The modulus and public exponent of a DER RSAPublicKey (PKCS#1), big-endian, without the sign
/// byte DER adds.
fn modulus_and_exponent(pkcs1: &[u8]) -> Result<(&[u8], &[u8])> {
    crate::der::read_all("RSA public key", pkcs1, |r| {
        r.expect(tag::SEQUENCE)?.read_all("RSA public key", |s| {
            let n = s.expect(tag::INTEGER)?.unsigned_integer("RSA modulus")?;
            let e = s.expect(tag::INTEGER)?.unsigned_integer("RSA exponent")?;
            Ok((n, e))
        })
    })
}

/// The modulus and public exponent of an RSA SubjectPublicKeyInfo (see
/// [`crate::host::SignatureCheck::rsa_numbers`]); `None` for anything else.
pub(crate) fn numbers_of_spki(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let spki = SubjectPublicKeyInfo::parse(der, "public key").ok()?;
    if spki.algorithm != oid::RSA_ENCRYPTION {
        return None;
    }
    modulus_and_exponent(spki.key).ok()
}

/// A DER TLV. Contents here are at most a few KiB (the modulus is bounded first), so two length
/// bytes always suffice.
fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    match (u8::try_from(len), u16::try_from(len)) {
        (Ok(short), _) if short < 0x80 => out.push(short),
        (Ok(byte), _) => out.extend([0x81, byte]),
        (_, Ok(two)) => {
            out.push(0x82);
            out.extend(two.to_be_bytes());
        }
        // Unreachable for the bounded inputs above; an empty length makes the parse fail.
        _ => {}
    }
    out.extend_from_slice(content);
    out
}

/// A non-negative DER INTEGER from big-endian bytes: leading zeros dropped, one added back when
/// the top bit is set.
fn der_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let digits = bytes.get(start..).unwrap_or_default();
    let mut content = Vec::with_capacity(digits.len() + 1);
    if digits.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(digits);
    der_tlv(tag::INTEGER, &content)
}

/// Bit length of a big-endian unsigned integer without leading zero bytes.
fn bit_length(n: &[u8]) -> usize {
    match n.first() {
        None | Some(0) if n.len() <= 1 => 0,
        Some(&first) => (n.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0]), 0);
        assert_eq!(bit_length(&[1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[0x01, 0, 0]), 17);
    }

    #[test]
    fn components_build_the_same_key_as_its_spki() {
        let text = include_str!("../tests/vectors/google/test-key-2048.pub");
        let key = RsaPublicKey::from_spki_base64(text, MIN_BITS).unwrap();
        // Read n and e back out of the SPKI (as a host's JWK import takes them), then rebuild from them.
        let (n, e) = numbers_of_spki(key.spki_der()).unwrap();
        // 2048 bits in 256 bytes: the sign byte DER puts before a modulus with its top bit set is gone.
        assert_eq!(n.len(), 256);
        assert!(n[0] & 0x80 != 0);
        assert_eq!(e, [1, 0, 1]);
        let check = |algorithm, key| crate::host::SignatureCheck { algorithm, key, message: b"", signature: b"" };
        assert_eq!(check(crate::host::Algorithm::RsaPkcs1Sha1, key.spki_der()).rsa_numbers(), Some((n, e)));
        assert_eq!(check(crate::host::Algorithm::EcdsaP256Sha256, key.spki_der()).rsa_numbers(), None);
        assert_eq!(numbers_of_spki(&key.spki_der()[..40]), None);
        // An EC SubjectPublicKeyInfo has no RSA numbers.
        let ec = crate::b64::decode_standard("t", include_str!("../tests/vectors/google/ec-p256.pub").trim()).unwrap();
        assert!(SubjectPublicKeyInfo::parse(&ec, "t").is_ok());
        assert_eq!(numbers_of_spki(&ec), None);
        let rebuilt = RsaPublicKey::from_components(n, e, MIN_BITS).unwrap();
        assert_eq!(rebuilt, key);
        let mut padded = vec![0, 0];
        padded.extend_from_slice(n);
        assert_eq!(RsaPublicKey::from_components(&padded, &[0, 1, 0, 1], MIN_BITS).unwrap(), key);
        for (n, e, why) in [
            (&n[..128], e, "small"),
            (n, &[1][..], "exponent 1"),
            (n, &[1, 0][..], "even exponent"),
            (&[][..], e, "empty modulus"),
            (n, &[][..], "empty exponent"),
            (&[0xff; 1100][..], e, "huge"),
        ] {
            let err = RsaPublicKey::from_components(n, e, MIN_BITS).unwrap_err();
            assert_eq!(err.code(), "INVALID_PUBLIC_KEY", "{why}");
        }
    }
}
