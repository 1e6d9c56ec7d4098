//! A minimal X.509 v3 certificate parser (RFC 5280 §4.1) on [`crate::der`], and the chain checks
//! the Apple formats need: one signature link at a time with the algorithm fixed by the child's
//! signature algorithm and the issuer's key type, validity at a given instant, marker OIDs, and
//! pinned [`TrustAnchors`].
//!
//! Parsing is kept apart from verification: [`Certificate::parse`] only reads the structure;
//! nothing about a parsed certificate is trusted until a `verify_*`/`check_*` call says so. Any
//! failure to parse a certificate that is part of a chain is reported as `INVALID_CHAIN`.

use std::fmt::Write as _;

use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use serde::Serialize;

use crate::der::{self, oid, tag, SubjectPublicKeyInfo, Tlv};
use crate::error::{Error, Result};

/// Extension and attribute OIDs (DER content bytes), dotted form in the comment.
pub(crate) mod ext {
    /// 2.5.29.19 basicConstraints
    pub(crate) const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    /// 2.5.29.15 keyUsage
    pub(crate) const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    /// 2.5.29.37 extKeyUsage
    pub(crate) const EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
    /// 2.5.29.14 subjectKeyIdentifier
    pub(crate) const SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1d, 0x0e];
    /// 2.5.29.35 authorityKeyIdentifier
    pub(crate) const AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
    /// 2.5.29.32 certificatePolicies
    pub(crate) const CERTIFICATE_POLICIES: &[u8] = &[0x55, 0x1d, 0x20];
    /// 2.5.29.17 subjectAltName
    pub(crate) const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
    /// 1.2.840.113635.100.6.11.1: Apple "Mac App Store receipt signing" marker (leaf).
    pub(crate) const APPLE_RECEIPT_SIGNING: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x06, 0x0b, 0x01];
    /// 1.2.840.113635.100.6.2.1: Apple "WWDR intermediate" marker.
    pub(crate) const APPLE_WWDR_INTERMEDIATE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x06, 0x02, 0x01];
    /// 2.5.4.3 commonName (an attribute type in a Name, not an extension).
    pub(crate) const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];

    /// Critical extensions we understand; any other critical extension makes the certificate
    /// unusable (RFC 5280 §4.2). Key usages are not enforced: Apple's chains fix the roles.
    pub(crate) const UNDERSTOOD_CRITICAL: &[&[u8]] = &[
        BASIC_CONSTRAINTS,
        KEY_USAGE,
        EXT_KEY_USAGE,
        SUBJECT_KEY_ID,
        AUTHORITY_KEY_ID,
        CERTIFICATE_POLICIES,
        SUBJECT_ALT_NAME,
    ];
}

const WHAT: &str = "certificate";

/// One certificate extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Extension<'a> {
    /// The extension OID's content bytes.
    pub(crate) oid: &'a [u8],
    /// The `critical` flag (DEFAULT FALSE).
    pub(crate) critical: bool,
    /// The contents of `extnValue` (the DER of the extension's own value).
    pub(crate) value: &'a [u8],
}

/// A parsed, not yet trusted, X.509 certificate borrowing its DER.
#[derive(Debug, Clone)]
pub(crate) struct Certificate<'a> {
    /// The whole certificate DER.
    pub(crate) raw: &'a [u8],
    /// The TBSCertificate TLV, header included (what the issuer signed).
    pub(crate) tbs: &'a [u8],
    /// The outer signatureAlgorithm OID's content bytes.
    pub(crate) signature_algorithm: &'a [u8],
    /// The signature BIT STRING contents (no unused-bits byte).
    pub(crate) signature: &'a [u8],
    /// The serial number INTEGER contents as encoded.
    pub(crate) serial: &'a [u8],
    /// The issuer Name TLV, header included (compared byte for byte).
    pub(crate) issuer: &'a [u8],
    /// The subject Name TLV, header included.
    pub(crate) subject: &'a [u8],
    /// notBefore, epoch milliseconds.
    pub(crate) not_before: i64,
    /// notAfter, epoch milliseconds.
    pub(crate) not_after: i64,
    /// The subject public key.
    pub(crate) spki: SubjectPublicKeyInfo<'a>,
    /// The SubjectPublicKeyInfo TLV as encoded (what WebCrypto's `importKey('spki')` takes).
    pub(crate) spki_der: &'a [u8],
    /// The v3 extensions, in order.
    pub(crate) extensions: Vec<Extension<'a>>,
}

impl<'a> Certificate<'a> {
    /// Parses one DER certificate; nothing may follow it. Failures are `INVALID_CHAIN`, marked
    /// unreadable ([`describe`] reads with the same parser but reports `MALFORMED_INPUT`).
    pub(crate) fn parse(der: &'a [u8]) -> Result<Self> {
        Self::parse_inner(der).map_err(|e| match e {
            Error::MalformedInput { reason, offset, .. } => Error::unreadable_chain(match offset {
                Some(o) => format!("unreadable certificate: {reason} (at byte {o})"),
                None => format!("unreadable certificate: {reason}"),
            }),
            other => other,
        })
    }

    fn parse_inner(der: &'a [u8]) -> Result<Self> {
        let cert = der::read_all(WHAT, der, |r| r.expect(tag::SEQUENCE))?;
        cert.read_all(WHAT, |r| {
            let tbs = r.expect(tag::SEQUENCE)?;
            let signature_algorithm = algorithm_oid(&r.expect(tag::SEQUENCE)?)?;
            let bits = r.expect(tag::BIT_STRING)?;
            let signature = match bits.value {
                [0, sig @ ..] => sig,
                _ => return Err(Error::malformed_at(WHAT, "signature with unused bits", bits.offset)),
            };
            let mut c = tbs.read_all(WHAT, |t| parse_tbs(t, der, signature_algorithm))?;
            c.tbs = tbs.raw;
            c.signature = signature;
            Ok(c)
        })
    }

    /// The extension with this OID, if present.
    pub(crate) fn extension(&self, oid: &[u8]) -> Option<&Extension<'a>> {
        self.extensions.iter().find(|e| e.oid == oid)
    }

    /// Whether basicConstraints says `cA: TRUE`.
    pub(crate) fn is_ca(&self) -> Result<bool> {
        let Some(bc) = self.extension(ext::BASIC_CONSTRAINTS) else {
            return Ok(false);
        };
        let seq = der::read_all(WHAT, bc.value, |r| r.expect(tag::SEQUENCE))?;
        seq.read_all(WHAT, |r| {
            let ca = match r.optional(tag::BOOLEAN)? {
                Some(b) => b.value == [0xff],
                None => false,
            };
            // pathLenConstraint is not needed: Apple's chains have a fixed length.
            r.skip_rest()?;
            Ok(ca)
        })
        .map_err(|_| Error::bad_chain("unreadable basicConstraints"))
    }

    /// A printable name for messages: the subject CN, or `(no CN)`.
    pub(crate) fn common_name(&self) -> String {
        common_name(self.subject).unwrap_or_else(|| "(no CN)".to_owned())
    }

    /// `CERTIFICATE_EXPIRED` unless `not_before <= at <= not_after`.
    pub(crate) fn check_validity_at(&self, at: i64) -> Result<()> {
        check_validity(&self.common_name(), self.not_before, self.not_after, at)
    }

    /// `INVALID_CHAIN` unless the certificate carries the extension `oid`.
    pub(crate) fn require_extension(&self, oid: &[u8], name: &str) -> Result<()> {
        if self.extension(oid).is_none() {
            return Err(Error::bad_chain(format!("'{}' lacks the {name} marker OID", self.common_name())));
        }
        Ok(())
    }

    /// Checks this certificate's signature with the issuer's public key. The algorithm is fixed
    /// by this certificate's signature algorithm and the issuer's key type (never anything else
    /// from the input); a mismatch or a bad signature is `INVALID_CHAIN`.
    pub(crate) fn verify_signed_by(&self, issuer: &PublicKey) -> Result<()> {
        let alg = signature_algorithm(self.signature_algorithm, issuer.kind)
            .ok_or_else(|| Error::bad_chain(format!("'{}' uses an unsupported signature algorithm", self.common_name())))?;
        UnparsedPublicKey::new(alg, &issuer.key)
            .verify(self.tbs, self.signature)
            .map_err(|_| Error::bad_chain(format!("'{}' is not signed by its issuer's key", self.common_name())))
    }

    /// The subject public key as an owned, typed key.
    pub(crate) fn public_key(&self) -> Result<PublicKey> {
        PublicKey::from_spki(&self.spki)
    }
}

fn parse_tbs<'a>(t: &mut der::Reader<'a>, raw: &'a [u8], outer_alg: &'a [u8]) -> Result<Certificate<'a>> {
    if let Some(v) = t.optional(tag::CONTEXT_CONSTRUCTED_0)? {
        let version = v.read_all(WHAT, |r| r.expect(tag::INTEGER)?.small_integer(WHAT))?;
        if version != 2 {
            return Err(Error::malformed_at(WHAT, "only X.509 v3 certificates are supported", v.offset));
        }
    }
    let serial = t.expect(tag::INTEGER)?.value;
    let inner_alg = algorithm_oid(&t.expect(tag::SEQUENCE)?)?;
    if inner_alg != outer_alg {
        return Err(Error::malformed(WHAT, "the two signature algorithms differ"));
    }
    let issuer = t.expect(tag::SEQUENCE)?.raw;
    let (not_before, not_after) = t.expect(tag::SEQUENCE)?.read_all(WHAT, |v| Ok((read_time(v)?, read_time(v)?)))?;
    let subject = t.expect(tag::SEQUENCE)?.raw;
    let spki_tlv = t.expect(tag::SEQUENCE)?;
    let spki = SubjectPublicKeyInfo::from_tlv(&spki_tlv, WHAT)?;
    // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING) are skipped.
    let _ = t.optional(0x81)?;
    let _ = t.optional(0x82)?;
    let mut extensions = Vec::new();
    if let Some(exts) = t.optional(tag::CONTEXT_CONSTRUCTED_0 | 3)? {
        exts.read_all(WHAT, |r| {
            r.expect(tag::SEQUENCE)?.read_all(WHAT, |list| {
                while !list.at_end() {
                    extensions.push(list.expect(tag::SEQUENCE)?.read_all(WHAT, read_extension)?);
                }
                Ok(())
            })
        })?;
    }
    for e in &extensions {
        if e.critical && !ext::UNDERSTOOD_CRITICAL.contains(&e.oid) {
            return Err(Error::malformed(WHAT, "unknown critical extension"));
        }
    }
    Ok(Certificate {
        raw,
        tbs: &[],
        signature_algorithm: outer_alg,
        signature: &[],
        serial,
        issuer,
        subject,
        not_before,
        not_after,
        spki,
        spki_der: spki_tlv.raw,
        extensions,
    })
}

fn read_extension<'a>(r: &mut der::Reader<'a>) -> Result<Extension<'a>> {
    let oid = r.expect(tag::OID)?.value;
    let critical = match r.optional(tag::BOOLEAN)? {
        Some(b) => b.value == [0xff],
        None => false,
    };
    let value = r.expect(tag::OCTET_STRING)?.value;
    Ok(Extension { oid, critical, value })
}

fn algorithm_oid<'a>(alg: &Tlv<'a>) -> Result<&'a [u8]> {
    alg.read_all(WHAT, |a| {
        let oid = a.expect(tag::OID)?.value;
        // Parameters: absent (ECDSA) or NULL (RSA); their content is not used.
        a.skip_rest()?;
        Ok(oid)
    })
}

fn read_time(r: &mut der::Reader<'_>) -> Result<i64> {
    let t = r.read_tlv()?;
    let s = std::str::from_utf8(t.value).map_err(|_| Error::malformed_at(WHAT, "time is not ASCII", t.offset))?;
    let parsed = match t.tag {
        tag::UTC_TIME => parse_x509_time(s, false),
        tag::GENERALIZED_TIME => parse_x509_time(s, true),
        _ => None,
    };
    parsed.ok_or_else(|| Error::malformed_at(WHAT, "bad validity time", t.offset))
}

/// `YYMMDDHHMMSSZ` (UTCTime, RFC 5280: YY < 50 means 20YY) or `YYYYMMDDHHMMSSZ`.
pub(crate) fn parse_x509_time(s: &str, generalized: bool) -> Option<i64> {
    let digits = s.strip_suffix('Z')?;
    let (year, rest) = if generalized {
        (num(digits.get(0..4)?)?, digits.get(4..)?)
    } else {
        let yy = num(digits.get(0..2)?)?;
        (if yy < 50 { 2000 + yy } else { 1900 + yy }, digits.get(2..)?)
    };
    if rest.len() != 10 {
        return None;
    }
    crate::time::epoch_ms(
        year,
        num(rest.get(0..2)?)?,
        num(rest.get(2..4)?)?,
        num(rest.get(4..6)?)?,
        num(rest.get(6..8)?)?,
        num(rest.get(8..10)?)?,
    )
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}


/// `CERTIFICATE_EXPIRED` unless `not_before <= at <= not_after`.
pub(crate) fn check_validity(name: &str, not_before: i64, not_after: i64, at: i64) -> Result<()> {
    if at < not_before || at > not_after {
        return Err(Error::CertificateExpired { subject: name.to_owned(), not_before, not_after, at });
    }
    Ok(())
}

/// The first commonName in a Name, decoded leniently for messages only.
fn common_name(name: &[u8]) -> Option<String> {
    let seq = der::read_all(WHAT, name, |r| r.expect(tag::SEQUENCE)).ok()?;
    let mut rdns = seq.reader(WHAT);
    while !rdns.at_end() {
        let set = rdns.expect(tag::SET).ok()?;
        let mut atvs = set.reader(WHAT);
        while !atvs.at_end() {
            let atv = atvs.expect(tag::SEQUENCE).ok()?;
            let mut a = atv.reader(WHAT);
            let t = a.expect(tag::OID).ok()?;
            let v = a.read_tlv().ok()?;
            if t.value == ext::COMMON_NAME {
                return Some(String::from_utf8_lossy(v.value).into_owned());
            }
        }
    }
    None
}

/// One attribute of a Name (subject or issuer), as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamePart {
    /// `CN`, `OU`, `O`, `C`, `L`, `ST` or `E`; any other attribute type as its dotted OID.
    pub key: String,
    /// The value's bytes as UTF-8 (lossy), whatever its string type.
    pub value: String,
}

/// What a certificate says about itself, for people to read (the dashboard, the command line).
/// Nothing in it is checked or trusted: whether a chain is trusted is decided by the verifiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    /// The subject's attributes, in the order of the certificate.
    pub subject: Vec<NamePart>,
    /// The issuer's attributes, in the order of the certificate.
    pub issuer: Vec<NamePart>,
    /// The serial number as lowercase hex, without the zero byte DER puts before a high bit.
    pub serial: String,
    /// notBefore, epoch milliseconds.
    pub not_before: i64,
    /// notAfter, epoch milliseconds.
    pub not_after: i64,
    /// `EC P-256`, `EC P-384`, `RSA`, or the key algorithm's dotted OID.
    pub key_algorithm: String,
    /// Whether basicConstraints says `cA: TRUE`.
    pub is_ca: bool,
    /// SHA-256 of the DER, uppercase hex pairs joined by colons (as browsers and `openssl -fingerprint` show it).
    pub sha256: String,
}

/// Describes one DER certificate for display: subject, issuer, serial, validity, key, CA flag and
/// fingerprint. The certificate is read by the parser the chain checks use;
/// anything it refuses, and a basicConstraints it cannot read, is `MALFORMED_INPUT`. Never trusts
/// or verifies anything.
pub fn describe(der: &[u8]) -> Result<CertificateInfo> {
    let c = Certificate::parse_inner(der)?;
    let is_ca = c.is_ca().map_err(|_| Error::malformed(WHAT, "unreadable basicConstraints"))?;
    let serial = match c.serial {
        [0, rest @ ..] if rest.first().is_some_and(|b| b & 0x80 != 0) => rest,
        s => s,
    };
    let key_algorithm = match PublicKey::from_spki(&c.spki).map(|k| k.kind) {
        Ok(KeyKind::EcP256) => "EC P-256".to_owned(),
        Ok(KeyKind::EcP384) => "EC P-384".to_owned(),
        Ok(KeyKind::Rsa) => "RSA".to_owned(),
        Err(_) => dotted(c.spki.algorithm),
    };
    Ok(CertificateInfo {
        subject: name_parts(c.subject)?,
        issuer: name_parts(c.issuer)?,
        serial: hex(serial, "").to_ascii_lowercase(),
        not_before: c.not_before,
        not_after: c.not_after,
        key_algorithm,
        is_ca,
        sha256: hex(ring::digest::digest(&ring::digest::SHA256, der).as_ref(), ":"),
    })
}

/// Uppercase hex pairs joined by `sep`.
fn hex(bytes: &[u8], sep: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        for nibble in [b >> 4, b & 15] {
            out.push(char::from(DIGITS.get(usize::from(nibble)).copied().unwrap_or(b'0')));
        }
    }
    out
}

/// The attributes of a Name TLV (SEQUENCE of SET of SEQUENCE { type, value, ... }), in order.
fn name_parts(name: &[u8]) -> Result<Vec<NamePart>> {
    let mut parts = Vec::new();
    let mut rdns = der::read_all(WHAT, name, |r| r.expect(tag::SEQUENCE))?.reader(WHAT);
    while !rdns.at_end() {
        let mut atvs = rdns.expect(tag::SET)?.reader(WHAT);
        while !atvs.at_end() {
            let mut a = atvs.expect(tag::SEQUENCE)?.reader(WHAT);
            let t = a.expect(tag::OID)?.value;
            let v = a.read_tlv()?.value;
            let key = match t {
                [0x55, 0x04, 3] => "CN",
                [0x55, 0x04, 6] => "C",
                [0x55, 0x04, 7] => "L",
                [0x55, 0x04, 8] => "ST",
                [0x55, 0x04, 10] => "O",
                [0x55, 0x04, 11] => "OU",
                [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => "E",
                _ => "",
            };
            let key = if key.is_empty() { dotted(t) } else { key.to_owned() };
            parts.push(NamePart { key, value: String::from_utf8_lossy(v).into_owned() });
        }
    }
    Ok(parts)
}

/// An OID's content bytes in dotted form (`2.5.4.3`); bits beyond 64 in one arc are dropped, and
/// an unfinished last arc is left out (display only).
fn dotted(oid: &[u8]) -> String {
    let mut out = String::new();
    let mut arc: u64 = 0;
    for &b in oid {
        arc = (arc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            let _ = if out.is_empty() {
                let first = arc.min(80) / 40;
                write!(out, "{first}.{}", arc.saturating_sub(first * 40))
            } else {
                write!(out, ".{arc}")
            };
            arc = 0;
        }
    }
    out
}

/// The kind of a public key, which with a certificate's signature algorithm fixes the ring
/// verification algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// RSA (rsaEncryption).
    Rsa,
    /// ECDSA on P-256.
    EcP256,
    /// ECDSA on P-384.
    EcP384,
}

/// An owned public key: its kind and the bytes ring takes (RSAPublicKey DER, or the uncompressed
/// EC point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    /// The key type.
    pub(crate) kind: KeyKind,
    /// RSAPublicKey DER for RSA, `04‖X‖Y` for EC.
    pub(crate) key: Vec<u8>,
}

impl PublicKey {
    /// Reads the key type from a SubjectPublicKeyInfo. Anything but RSA, P-256 and P-384 is
    /// `INVALID_CHAIN` (certificate keys only come from chains).
    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfo<'_>) -> Result<Self> {
        let kind = if spki.algorithm == oid::RSA_ENCRYPTION {
            KeyKind::Rsa
        } else if spki.algorithm == oid::EC_PUBLIC_KEY {
            match spki.parameters.map(|p| (p.tag, p.value)) {
                Some((tag::OID, curve)) if curve == oid::P256 => KeyKind::EcP256,
                Some((tag::OID, curve)) if curve == oid::P384 => KeyKind::EcP384,
                _ => return Err(Error::bad_chain("unsupported elliptic curve")),
            }
        } else {
            return Err(Error::bad_chain("unsupported public key algorithm"));
        };
        Ok(PublicKey { kind, key: spki.key.to_vec() })
    }

    /// Verifies `signature` over `message` with `alg`, mapping failure to `INVALID_SIGNATURE`.
    pub(crate) fn verify(&self, alg: &'static dyn VerificationAlgorithm, message: &[u8], sig: &[u8]) -> Result<()> {
        UnparsedPublicKey::new(alg, &self.key).verify(message, sig).map_err(|_| Error::InvalidSignature)
    }
}

/// The ring algorithm for a certificate (or OCSP response) signature, from (signature algorithm,
/// signer key kind).
pub(crate) fn signature_algorithm(sig_alg: &[u8], issuer: KeyKind) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match issuer {
        KeyKind::Rsa if sig_alg == oid::SHA1_WITH_RSA => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        KeyKind::Rsa if sig_alg == oid::SHA256_WITH_RSA => &signature::RSA_PKCS1_2048_8192_SHA256,
        KeyKind::Rsa if sig_alg == oid::SHA384_WITH_RSA => &signature::RSA_PKCS1_2048_8192_SHA384,
        KeyKind::Rsa if sig_alg == oid::SHA512_WITH_RSA => &signature::RSA_PKCS1_2048_8192_SHA512,
        KeyKind::EcP256 if sig_alg == oid::ECDSA_WITH_SHA256 => &signature::ECDSA_P256_SHA256_ASN1,
        KeyKind::EcP256 if sig_alg == oid::ECDSA_WITH_SHA384 => &signature::ECDSA_P256_SHA384_ASN1,
        KeyKind::EcP384 if sig_alg == oid::ECDSA_WITH_SHA256 => &signature::ECDSA_P384_SHA256_ASN1,
        KeyKind::EcP384 if sig_alg == oid::ECDSA_WITH_SHA384 => &signature::ECDSA_P384_SHA384_ASN1,
        _ => return None,
    })
}

/// One trust anchor, owned: what chain building needs from a root certificate.
#[derive(Debug, Clone)]
pub(crate) struct TrustAnchor {
    der: Vec<u8>,
    subject: Vec<u8>,
    key: PublicKey,
    name: String,
    not_before: i64,
    not_after: i64,
}

impl TrustAnchor {
    /// Parses a DER root certificate. Its own signature is not checked: it is trusted by
    /// configuration, not by what it says about itself.
    pub(crate) fn from_der(der: &[u8]) -> Result<Self> {
        let c = Certificate::parse(der).map_err(|_| Error::invalid_argument("a root certificate is not a DER X.509 certificate"))?;
        let key = c.public_key().map_err(|_| Error::invalid_argument("a root certificate has an unsupported key"))?;
        Ok(TrustAnchor {
            der: der.to_vec(),
            subject: c.subject.to_vec(),
            key,
            name: c.common_name(),
            not_before: c.not_before,
            not_after: c.not_after,
        })
    }

    /// The root's public key.
    pub(crate) fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// The subject CN, for messages.
    #[cfg(test)]
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The subject Name DER.
    pub(crate) fn subject(&self) -> &[u8] {
        &self.subject
    }

    /// The validity window as `(name, not_before, not_after)`.
    pub(crate) fn validity(&self) -> Validity {
        Validity { name: self.name.clone(), not_before: self.not_before, not_after: self.not_after }
    }
}

/// A validity window remembered for re-checking at each call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Validity {
    /// The subject CN, for messages.
    pub(crate) name: String,
    /// notBefore, epoch ms.
    pub(crate) not_before: i64,
    /// notAfter, epoch ms.
    pub(crate) not_after: i64,
}

impl Validity {
    /// The window of a parsed certificate.
    pub(crate) fn of(cert: &Certificate<'_>) -> Self {
        Validity { name: cert.common_name(), not_before: cert.not_before, not_after: cert.not_after }
    }

    /// `CERTIFICATE_EXPIRED` unless `at` is inside the window.
    pub(crate) fn check_at(&self, at: i64) -> Result<()> {
        check_validity(&self.name, self.not_before, self.not_after, at)
    }
}

/// The pinned roots a chain must end at. Only roots: an intermediate is never an anchor.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrustAnchors {
    anchors: Vec<TrustAnchor>,
}

impl TrustAnchors {
    /// Anchors from DER root certificates (`INVALID_ARGUMENT` for one that does not parse).
    pub(crate) fn from_der<B: AsRef<[u8]>>(roots: &[B]) -> Result<Self> {
        let anchors = roots.iter().map(|r| TrustAnchor::from_der(r.as_ref())).collect::<Result<Vec<_>>>()?;
        Ok(TrustAnchors { anchors })
    }

    /// The anchors, in the order given.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = &TrustAnchor> {
        self.anchors.iter()
    }

    /// Whether there are no anchors (then nothing verifies).
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchor whose DER is exactly `der`, if any.
    pub(crate) fn find_exact(&self, der: &[u8]) -> Option<&TrustAnchor> {
        self.anchors.iter().find(|a| a.der == der)
    }

    /// The anchor that issued `cert`: same subject as `cert`'s issuer and a key under which
    /// `cert`'s signature verifies. `INVALID_CHAIN` when none does.
    pub(crate) fn find_issuer(&self, cert: &Certificate<'_>) -> Result<&TrustAnchor> {
        self.anchors
            .iter()
            .filter(|a| a.subject == cert.issuer)
            .find(|a| cert.verify_signed_by(&a.key).is_ok())
            .ok_or_else(|| Error::bad_chain(format!("'{}' does not chain to a trusted root", cert.common_name())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APPLE_ROOT: &[u8] = include_bytes!("../tests/vectors/public/apple-root-AppleIncRootCertificate.cer");
    const G3: &[u8] = include_bytes!("../tests/vectors/public/apple-root-AppleRootCA-G3.cer");
    const STOREKIT: &[u8] = include_bytes!("../tests/vectors/public/apple-root-StoreKitTestCertificate.cer");
    const TEST_CA: &[u8] = include_bytes!("../tests/vectors/public/apple-root-testCA-app-store-server-library.der");

    #[test]
    fn parses_apple_roots() {
        let root = Certificate::parse(APPLE_ROOT).unwrap();
        assert_eq!(root.common_name(), "Apple Root CA");
        // 2006-04-25T21:40:36Z → 2035-02-09T21:40:36Z
        assert_eq!(root.not_before, 1_146_001_236_000);
        assert_eq!(root.not_after, 2_054_670_036_000);
        assert!(root.is_ca().unwrap());
        assert_eq!(root.public_key().unwrap().kind, KeyKind::Rsa);
        root.verify_signed_by(&root.public_key().unwrap()).unwrap();

        let g3 = Certificate::parse(G3).unwrap();
        assert_eq!(g3.common_name(), "Apple Root CA - G3");
        assert_eq!(g3.public_key().unwrap().kind, KeyKind::EcP384);
        g3.verify_signed_by(&g3.public_key().unwrap()).unwrap();
        // A signature by another key fails.
        let e = g3.verify_signed_by(&root.public_key().unwrap()).unwrap_err();
        assert_eq!(e.code(), "INVALID_CHAIN");

        let sk = Certificate::parse(STOREKIT).unwrap();
        assert_eq!(sk.common_name(), "StoreKit");
        let t = Certificate::parse(TEST_CA).unwrap();
        assert_eq!(t.public_key().unwrap().kind, KeyKind::EcP256);
        assert_eq!(t.common_name(), "(no CN)");
    }

    #[test]
    fn validity_is_inclusive_and_typed() {
        let root = Certificate::parse(APPLE_ROOT).unwrap();
        root.check_validity_at(root.not_before).unwrap();
        root.check_validity_at(root.not_after).unwrap();
        let e = root.check_validity_at(root.not_after + 1).unwrap_err();
        assert_eq!(e.code(), "CERTIFICATE_EXPIRED");
        assert_eq!(root.check_validity_at(root.not_before - 1).unwrap_err().code(), "CERTIFICATE_EXPIRED");
    }

    #[test]
    fn times() {
        assert_eq!(parse_x509_time("700101000000Z", false), Some(0));
        assert_eq!(parse_x509_time("491231235959Z", false), Some(2_524_607_999_000));
        assert_eq!(parse_x509_time("20500101000000Z", true), Some(2_524_608_000_000));
        assert_eq!(parse_x509_time("19700101000000", true), None);
        assert_eq!(parse_x509_time("7001010000Z", false), None);
        assert_eq!(parse_x509_time("701301000000Z", false), None);
        assert_eq!(parse_x509_time("70010100000+Z", false), None);
        assert_eq!(crate::time::epoch_ms(1, 1, 1, 0, 0, 0), Some(-62_135_596_800_000));
    }

    #[test]
    fn garbage_and_truncation_are_invalid_chain_not_panics() {
        for n in 0..APPLE_ROOT.len() {
            let e = Certificate::parse(APPLE_ROOT.get(..n).unwrap()).unwrap_err();
            assert_eq!(e.code(), "INVALID_CHAIN");
        }
        let mut trailing = APPLE_ROOT.to_vec();
        trailing.push(0);
        assert_eq!(Certificate::parse(&trailing).unwrap_err().code(), "INVALID_CHAIN");
        // Every single-byte flip either fails to parse or parses to something; never panics.
        for i in 0..G3.len() {
            let mut m = G3.to_vec();
            m[i] ^= 0x41;
            if let Ok(c) = Certificate::parse(&m) {
                if let Ok(k) = Certificate::parse(G3).unwrap().public_key() {
                    let _ = c.verify_signed_by(&k);
                }
            }
        }
    }

    fn parts(n: &[NamePart]) -> Vec<(&str, &str)> {
        n.iter().map(|p| (p.key.as_str(), p.value.as_str())).collect()
    }

    #[test]
    fn describes_certificates_for_display() {
        // The figures `openssl x509 -noout -text -fingerprint -sha256` prints for the same files.
        let g3 = describe(G3).unwrap();
        let g3_name = [("CN", "Apple Root CA - G3"), ("OU", "Apple Certification Authority"), ("O", "Apple Inc."), ("C", "US")];
        assert_eq!(parts(&g3.subject), g3_name);
        assert_eq!(parts(&g3.issuer), g3_name);
        assert_eq!(g3.serial, "2dc5fc88d2c54b95");
        // 2014-04-30T18:19:06Z → 2039-04-30T18:19:06Z
        assert_eq!((g3.not_before, g3.not_after), (1_398_881_946_000, 2_187_800_346_000));
        assert_eq!((g3.key_algorithm.as_str(), g3.is_ca), ("EC P-384", true));
        assert_eq!(g3.sha256, "63:34:3A:BF:B8:9A:6A:03:EB:B5:7E:9B:3F:5F:A7:BE:7C:4F:5C:75:6F:30:17:B3:A8:C4:88:C3:65:3E:91:79");

        let root = describe(APPLE_ROOT).unwrap();
        assert_eq!(parts(&root.subject), [("C", "US"), ("O", "Apple Inc."), ("OU", "Apple Certification Authority"), ("CN", "Apple Root CA")]);
        assert_eq!((root.serial.as_str(), root.key_algorithm.as_str(), root.is_ca), ("02", "RSA", true));
        assert_eq!(root.sha256, "B0:B1:73:0E:CB:C7:FF:45:05:14:2C:49:F1:29:5E:6E:DA:6B:CA:ED:7E:2C:68:C5:BE:91:B5:A1:10:01:F0:24");

        // No CN; a serial whose high bit is set loses DER's sign byte; the e-mail attribute.
        let t = describe(TEST_CA).unwrap();
        assert_eq!(parts(&t.subject), [("C", "US"), ("ST", "California"), ("L", "Cupertino")]);
        assert_eq!((t.serial.as_str(), t.key_algorithm.as_str()), ("b51ce402e21f9a5b", "EC P-256"));
        let sk = describe(STOREKIT).unwrap();
        assert_eq!(parts(&sk.subject), [("CN", "StoreKit"), ("O", "StoreKit"), ("OU", "StoreKit"), ("C", "US"), ("E", "StoreKit")]);

        // A leaf is not a CA; an unknown attribute type is named by its OID.
        let leaf = describe(include_bytes!("../tests/vectors/testpki/leaf-ec.der")).unwrap();
        assert!(!leaf.is_ca);
        assert_eq!(dotted(&[0x55, 0x04, 0x05]), "2.5.4.5");
        assert_eq!(dotted(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x63, 0x64, 0x06, 0x0b, 0x01]), "1.2.840.113635.100.6.11.1");
        assert_eq!(dotted(&[0x88, 0x37, 0x03]), "2.999.3");
        assert_eq!(dotted(&[]), "");
    }

    #[test]
    fn describe_reports_malformed_input_never_panics() {
        for n in 0..G3.len() {
            assert_eq!(describe(G3.get(..n).unwrap()).unwrap_err().code(), "MALFORMED_INPUT");
        }
        for i in 0..APPLE_ROOT.len() {
            for flip in [0x01, 0x80, 0xff] {
                let mut m = APPLE_ROOT.to_vec();
                m[i] ^= flip;
                if let Err(e) = describe(&m) {
                    assert_eq!(e.code(), "MALFORMED_INPUT");
                }
            }
        }
        assert_eq!(describe(b"").unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn anchors_find_issuer_by_name_and_key() {
        let anchors = TrustAnchors::from_der(&[APPLE_ROOT, G3]).unwrap();
        let g3 = Certificate::parse(G3).unwrap();
        assert_eq!(anchors.find_issuer(&g3).unwrap().name(), "Apple Root CA - G3");
        let sk = Certificate::parse(STOREKIT).unwrap();
        assert_eq!(anchors.find_issuer(&sk).unwrap_err().code(), "INVALID_CHAIN");
        assert!(anchors.find_exact(G3).is_some());
        assert_eq!(TrustAnchors::from_der(&[&b"nope"[..]]).unwrap_err().code(), "INVALID_ARGUMENT");
        assert!(!anchors.is_empty());
        // No roots: nothing verifies, but the empty set itself is not an error.
        assert!(TrustAnchors::from_der::<Vec<u8>>(&[]).unwrap().is_empty());
    }
}
