//! PKCS#7 / CMS SignedData (RFC 2315 §9, RFC 5652 §5) with attached content, as Apple's app
//! receipts use it: DER from the App Store, BER (indefinite lengths, a constructed OCTET STRING
//! eContent) from Xcode. Only the parts a receipt needs are read; the structure is still checked
//! all the way, so trailing or truncated bytes are `MALFORMED_INPUT`.

use std::borrow::Cow;

use crate::der::{self, tag, Reader, Tlv};
use crate::error::{Error, Result, Unit};
use crate::limits;

const WHAT: &str = "receipt";

/// 1.2.840.113549.1.7.2 signedData
const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
/// 1.2.840.113549.1.7.1 data
const DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
/// 1.3.14.3.2.26 SHA-1
const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
/// 2.16.840.1.101.3.4.2.1 SHA-256
const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];

/// The content digest of a SignerInfo; with RSA it fixes the signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Digest {
    /// SHA-1: receipts signed until 2023–2025 through the old WWDR intermediates.
    Sha1,
    /// SHA-256: WWDR G5 and later.
    Sha256,
}

/// The one SignerInfo of a receipt.
#[derive(Debug, Clone)]
pub(crate) struct SignerInfo<'a> {
    /// The signer certificate's issuer Name TLV.
    pub(crate) issuer: &'a [u8],
    /// The signer certificate's serial INTEGER contents.
    pub(crate) serial: &'a [u8],
    pub(crate) digest: Digest,
    /// The RSA PKCS#1 v1.5 signature over the content octets.
    pub(crate) signature: &'a [u8],
}

/// A parsed, unverified SignedData.
#[derive(Debug, Clone)]
pub(crate) struct SignedData<'a> {
    /// The eContent octets (joined when BER split them into pieces).
    pub(crate) content: Cow<'a, [u8]>,
    /// The contents of the `certificates` field as sent (the cache key of a verified chain).
    pub(crate) certificate_set: &'a [u8],
    /// Each embedded certificate's DER.
    pub(crate) certificates: Vec<&'a [u8]>,
    pub(crate) signer: SignerInfo<'a>,
}

/// Parses a ContentInfo holding SignedData. Nothing may follow it.
pub(crate) fn parse(input: &[u8]) -> Result<SignedData<'_>> {
    let ci = der::read_all(WHAT, input, |r| r.expect_ber(tag::SEQUENCE))?;
    ci.read_all(WHAT, |r| {
        let ct = r.expect(tag::OID)?;
        if ct.value != SIGNED_DATA {
            return Err(Error::malformed_at(WHAT, "content type is not signedData", ct.offset));
        }
        let explicit = r.expect_ber(tag::CONTEXT_CONSTRUCTED_0)?;
        explicit.read_all(WHAT, |r| r.expect_ber(tag::SEQUENCE)?.read_all(WHAT, signed_data))
    })
}

fn signed_data<'a>(r: &mut Reader<'a>) -> Result<SignedData<'a>> {
    let version = r.expect(tag::INTEGER)?;
    if !matches!(version.value, [1] | [3]) {
        return Err(Error::malformed_at(WHAT, "unsupported SignedData version", version.offset));
    }
    // digestAlgorithms is informational; the SignerInfo's digest is the one that counts.
    r.expect_ber(tag::SET)?;
    let content = r.expect_ber(tag::SEQUENCE)?.read_all(WHAT, encap_content)?;
    let mut certificate_set: &[u8] = &[];
    let mut certificates = Vec::new();
    if r.peek_tag() == Some(tag::CONTEXT_CONSTRUCTED_0) {
        let set = r.expect_ber(tag::CONTEXT_CONSTRUCTED_0)?;
        certificate_set = set.value;
        set.read_all(WHAT, |c| {
            while !c.at_end() {
                let cert = c.expect(tag::SEQUENCE)?;
                certificates.push(cert.raw);
                limits::check_count("receipt certificates", certificates.len(), limits::MAX_RECEIPT_CERTIFICATES, Unit::Certificates)?;
            }
            Ok(())
        })?;
    }
    if r.peek_tag() == Some(tag::CONTEXT_CONSTRUCTED_0 | 1) {
        r.read_ber_tlv()?; // CRLs: Apple sends none, and revocation is out of scope offline.
    }
    let signers = r.expect_ber(tag::SET)?;
    let signer = signers.read_all(WHAT, |s| {
        if s.at_end() {
            return Err(Error::malformed_at(WHAT, "the receipt has no SignerInfo; Apple's have exactly one", s.offset()));
        }
        let first = s.expect_ber(tag::SEQUENCE)?.read_all(WHAT, signer_info)?;
        // Which of several signers counts is exactly what two readers could disagree on.
        if !s.at_end() {
            let second = s.offset();
            let mut count = 1usize;
            while !s.at_end() {
                s.read_ber_tlv()?;
                count = count.saturating_add(1);
            }
            let reason = format!("the receipt has {count} SignerInfos; Apple's have exactly one");
            return Err(Error::malformed_at(WHAT, reason, second));
        }
        Ok(first)
    })?;
    Ok(SignedData { content, certificate_set, certificates, signer })
}

fn encap_content<'a>(r: &mut Reader<'a>) -> Result<Cow<'a, [u8]>> {
    let ct = r.expect(tag::OID)?;
    if ct.value != DATA {
        return Err(Error::malformed_at(WHAT, "encapsulated content is not id-data", ct.offset));
    }
    let explicit = r.expect_ber(tag::CONTEXT_CONSTRUCTED_0)?;
    explicit.read_all(WHAT, |r| {
        let octets = r.read_ber_tlv()?;
        octet_string(&octets)
    })
}

/// The octets of an OCTET STRING, primitive or (BER) constructed from primitive pieces.
fn octet_string<'a>(t: &Tlv<'a>) -> Result<Cow<'a, [u8]>> {
    match t.tag {
        tag::OCTET_STRING => Ok(Cow::Borrowed(t.value)),
        0x24 => {
            let mut joined = Vec::with_capacity(t.value.len());
            t.read_all(WHAT, |p| {
                while !p.at_end() {
                    // Apple's pieces are primitive; nested constructed pieces are refused.
                    joined.extend_from_slice(p.expect(tag::OCTET_STRING)?.value);
                }
                Ok(())
            })?;
            Ok(Cow::Owned(joined))
        }
        _ => Err(Error::malformed_at(WHAT, "eContent is not an OCTET STRING", t.offset)),
    }
}

fn algorithm(r: &mut Reader<'_>) -> Result<(Vec<u8>, usize)> {
    let alg = r.expect_ber(tag::SEQUENCE)?;
    let at = alg.offset;
    let oid = alg.read_all(WHAT, |a| {
        let oid = a.expect(tag::OID)?.value;
        a.skip_rest()?;
        Ok(oid)
    })?;
    Ok((oid.to_vec(), at))
}

fn signer_info<'a>(r: &mut Reader<'a>) -> Result<SignerInfo<'a>> {
    let version = r.expect(tag::INTEGER)?;
    if version.value != [1] {
        // Version 3 means a subjectKeyIdentifier sid, which Apple never uses.
        return Err(Error::malformed_at(WHAT, "SignerInfo must identify the signer by issuer and serial", version.offset));
    }
    let (issuer, serial) = r.expect_ber(tag::SEQUENCE)?.read_all(WHAT, |s| {
        let issuer = s.expect(tag::SEQUENCE)?.raw;
        let serial = s.expect(tag::INTEGER)?.value;
        Ok((issuer, serial))
    })?;
    let (digest_oid, at) = algorithm(r)?;
    let digest = if digest_oid == SHA1 {
        Digest::Sha1
    } else if digest_oid == SHA256 {
        Digest::Sha256
    } else {
        return Err(Error::malformed_at(WHAT, "unsupported digest algorithm", at));
    };
    if r.peek_tag() == Some(tag::CONTEXT_CONSTRUCTED_0) {
        // Apple's receipts have none; with them the signature would cover other bytes.
        return Err(Error::malformed_at(WHAT, "signed attributes are not supported", r.offset()));
    }
    let (sig_oid, at) = algorithm(r)?;
    let sig_ok = sig_oid == der::oid::RSA_ENCRYPTION
        || (sig_oid == der::oid::SHA256_WITH_RSA && digest == Digest::Sha256)
        || (sig_oid == der::oid::SHA1_WITH_RSA && digest == Digest::Sha1);
    if !sig_ok {
        return Err(Error::malformed_at(WHAT, "unsupported signature algorithm", at));
    }
    let signature = r.expect(tag::OCTET_STRING)?.value;
    if r.peek_tag() == Some(tag::CONTEXT_CONSTRUCTED_0 | 1) {
        r.read_ber_tlv()?; // unsigned attributes are not covered by the signature; ignored.
    }
    Ok(SignerInfo { issuer, serial, digest, signature })
}

/// Walks a receipt's ContentInfo just far enough to return the content octets, for callers that
/// only extract data without verifying (Apple's `ReceiptUtility`).
pub(crate) fn content(input: &[u8]) -> Result<Cow<'_, [u8]>> {
    parse(input).map(|sd| sd.content)
}
