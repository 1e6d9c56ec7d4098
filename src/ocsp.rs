//! Online revocation checks: OCSP (RFC 6960), sans-I/O, for
//! [`SignedDataVerifier::verify_and_decode_transaction_online`](crate::apple::SignedDataVerifier::verify_and_decode_transaction_online).
//! The verifier says what to ask (the leaf, as its intermediate issued it, and the intermediate,
//! as the root did), builds each [`OcspRequest`] and judges the answers; the caller's
//! [`OcspTransport`] sends the requests (the wasm layer uses `fetch`). Verdicts are kept for the
//! responses' validity, per verifier.
//!
//! Choices (Apple's `SignedDataVerifier` makes the same ones where it checks at all, see the README):
//! - the CertID uses SHA-256; the request is a POST of `application/ocsp-request` to the
//!   `id-ad-ocsp` URI of the certificate's Authority Information Access extension;
//! - the response must be signed by the issuer itself, or by a responder certificate the issuer
//!   signed that carries `id-kp-OCSPSigning` and is valid at `now` (RFC 6960 §4.2.2.2), with
//!   ECDSA or RSA over SHA-256/384/512 (no SHA-1);
//! - freshness: `thisUpdate` not after `now + leeway`, `nextUpdate` (when present) not before
//!   `now - leeway`; a nonce in the response must be the one sent (a response without one is
//!   accepted: pre-signed responders ignore nonces, RFC 5019 §2.2.1).

use std::collections::VecDeque;
use std::sync::Mutex;

use ring::digest;

use crate::der::{self, tag, Reader, Tlv};
use crate::error::{Error, OcspProblem, Result};
use crate::x509::{Certificate, PublicKey};

const WHAT: &str = "OCSP response";

/// Clock skew tolerated on `thisUpdate`/`nextUpdate` (Apple's library allows 60 s too).
pub(crate) const LEEWAY_MS: i64 = 60_000;
/// Verdicts an [`OcspCache`] keeps.
pub(crate) const CACHE_SIZE: usize = 64;

mod oid {
    /// 1.3.6.1.5.5.7.1.1 id-pe-authorityInfoAccess
    pub(crate) const AIA: &[u8] = &[0x2b, 6, 1, 5, 5, 7, 1, 1];
    /// 1.3.6.1.5.5.7.48.1 id-ad-ocsp
    pub(crate) const AD_OCSP: &[u8] = &[0x2b, 6, 1, 5, 5, 7, 0x30, 1];
    /// 1.3.6.1.5.5.7.48.1.1 id-pkix-ocsp-basic
    pub(crate) const BASIC: &[u8] = &[0x2b, 6, 1, 5, 5, 7, 0x30, 1, 1];
    /// 1.3.6.1.5.5.7.48.1.2 id-pkix-ocsp-nonce
    pub(crate) const NONCE: &[u8] = &[0x2b, 6, 1, 5, 5, 7, 0x30, 1, 2];
    /// 1.3.6.1.5.5.7.3.9 id-kp-OCSPSigning
    pub(crate) const OCSP_SIGNING: &[u8] = &[0x2b, 6, 1, 5, 5, 7, 3, 9];
    /// 2.16.840.1.101.3.4.2.1 id-sha256
    pub(crate) const SHA256: &[u8] = &[0x60, 0x86, 0x48, 1, 0x65, 3, 4, 2, 1];
}

/// What to send: `POST url` with these headers and this body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcspRequest {
    /// Always `POST` (RFC 6960 Appendix A.1).
    pub method: &'static str,
    /// The responder URL from the certificate's AIA extension.
    pub url: String,
    /// `content-type` and `accept`.
    pub headers: [(&'static str, &'static str); 2],
    /// The DER `OCSPRequest`.
    pub body: Vec<u8>,
}

/// The status a responder vouched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CertStatus {
    /// Not revoked.
    Good,
    /// Revoked at `time` (epoch ms), with the CRLReason code when the responder gave one.
    Revoked { time: i64, reason: Option<u8> },
}

/// A verified answer: the status and the window it is valid for (epoch ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OcspVerdict {
    pub(crate) status: CertStatus,
    pub(crate) this_update: i64,
    pub(crate) next_update: Option<i64>,
}

/// One certificate whose status is asked, and the issuer that vouches for the answer.
#[derive(Debug, Clone)]
pub(crate) struct OcspTarget {
    name: String,
    url: String,
    /// DER `CertID` (SHA-256), as sent and as the response must name it.
    cert_id: Vec<u8>,
    issuer_subject: Vec<u8>,
    issuer_key: PublicKey,
}

/// `Tag ‖ length ‖ content` in DER.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = Vec::with_capacity(len.saturating_add(6));
    out.push(tag);
    if len < 0x80 {
        out.extend(len.to_be_bytes().last());
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.extend(u8::try_from(significant.len()).ok().map(|n| 0x80 | n));
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

fn sha256(data: &[u8]) -> Vec<u8> {
    digest::digest(&digest::SHA256, data).as_ref().to_vec()
}

impl OcspTarget {
    /// `cert` as issued by `issuer_subject`/`issuer_key` (already verified by the chain check).
    /// `INVALID_CHAIN` when the certificate names no OCSP responder.
    pub(crate) fn new(cert: &Certificate<'_>, issuer_subject: &[u8], issuer_key: &PublicKey) -> Result<Self> {
        let name = cert.common_name();
        let url = responder_url(cert)?.ok_or_else(|| {
            Error::bad_chain(format!("'{name}' names no OCSP responder (Authority Information Access), needed for online checks"))
        })?;
        let alg = tlv(tag::SEQUENCE, &[tlv(tag::OID, oid::SHA256), vec![tag::NULL, 0]].concat());
        let cert_id = tlv(
            tag::SEQUENCE,
            &[
                alg,
                tlv(tag::OCTET_STRING, &sha256(issuer_subject)),
                tlv(tag::OCTET_STRING, &sha256(&issuer_key.key)),
                tlv(tag::INTEGER, cert.serial),
            ]
            .concat(),
        );
        Ok(OcspTarget { name, url, cert_id, issuer_subject: issuer_subject.to_vec(), issuer_key: issuer_key.clone() })
    }

    /// The DER CertID (also the [`OcspCache`] key).
    pub(crate) fn cert_id(&self) -> &[u8] {
        &self.cert_id
    }

    /// The request, with a nonce extension (RFC 8954) when `nonce` is given.
    pub(crate) fn request(&self, nonce: Option<&[u8]>) -> OcspRequest {
        // OCSPRequest { TBSRequest { requestList { Request { reqCert } }, [2] requestExtensions } }
        let mut tbs = tlv(tag::SEQUENCE, &tlv(tag::SEQUENCE, &self.cert_id));
        if let Some(n) = nonce {
            tbs.extend(tlv(tag::CONTEXT_CONSTRUCTED_0 | 2, &tlv(tag::SEQUENCE, &nonce_extension(n))));
        }
        OcspRequest {
            method: "POST",
            url: self.url.clone(),
            headers: [("content-type", "application/ocsp-request"), ("accept", "application/ocsp-response")],
            body: tlv(tag::SEQUENCE, &tlv(tag::SEQUENCE, &tbs)),
        }
    }

    /// Judges a response to [`Self::request`] at `now`: a verified `good` is `Ok`; `revoked` is
    /// `INVALID_CHAIN` with `details.revoked`; everything else is an `OCSP_*` error or
    /// `MALFORMED_INPUT`. Never panics, whatever the bytes.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn check_response(&self, der: &[u8], nonce: Option<&[u8]>, now: i64) -> Result<OcspVerdict> {
        self.verdict_result(self.judge(der, nonce, now)?)
    }

    /// [`Self::check_response`], but a verified `revoked` answer is `Ok` too (to be cached).
    pub(crate) fn judge(&self, der: &[u8], nonce: Option<&[u8]>, now: i64) -> Result<OcspVerdict> {
        let verdict = self.verify(der, nonce, now)?;
        check_fresh(&verdict, now).map_err(|problem| self.fail(problem))?;
        Ok(verdict)
    }

    /// `Ok` for good, the revocation error for revoked.
    pub(crate) fn verdict_result(&self, verdict: OcspVerdict) -> Result<OcspVerdict> {
        match verdict.status {
            CertStatus::Good => Ok(verdict),
            CertStatus::Revoked { time, reason } => Err(Error::Revoked { subject: self.name.clone(), time, reason }),
        }
    }

    fn fail(&self, problem: OcspProblem) -> Error {
        Error::Ocsp { subject: self.name.clone(), problem }
    }

    fn verify(&self, der: &[u8], nonce: Option<&[u8]>, now: i64) -> Result<OcspVerdict> {
        crate::limits::check(WHAT, der.len(), crate::limits::MAX_OCSP_RESPONSE)?;
        let malformed = || Error::malformed(WHAT, "not a well-formed OCSP response (RFC 6960)");
        let basic = read_envelope(der).ok_or_else(malformed)?.map_err(|status| self.fail(OcspProblem::Responder { status }))?;
        let b = parse_basic(basic).ok_or_else(malformed)?;
        let signer = self.signer(&b, now)?;
        let sig_ok = crate::x509::signature_algorithm(b.sig_alg, signer.kind)
            .filter(|_| b.sig_alg != der::oid::SHA1_WITH_RSA)
            .is_some_and(|alg| signer.verify(alg, b.tbs, b.signature).is_ok());
        if !sig_ok {
            return Err(self.fail(OcspProblem::BadSignature));
        }
        // Only signed bytes from here on.
        match (b.nonce, nonce) {
            (None, _) => {}
            (Some(got), Some(n)) if got == tlv(tag::OCTET_STRING, n).as_slice() => {}
            _ => return Err(self.fail(OcspProblem::NonceMismatch)),
        }
        let mut found = None;
        let mut responses = b.responses.reader(WHAT);
        while !responses.at_end() {
            let v = responses.expect(tag::SEQUENCE).ok().and_then(|t| read_single(&t, &self.cert_id)).ok_or_else(malformed)?;
            if found.is_none() {
                found = v;
            }
        }
        let (status, this_update, next_update) = found.ok_or_else(|| self.fail(OcspProblem::CertIdMismatch))?;
        let status = status.ok_or_else(|| self.fail(OcspProblem::Unknown))?;
        Ok(OcspVerdict { status, this_update, next_update })
    }

    /// The key the response must be signed with: the issuer's, or an authorized responder's.
    fn signer(&self, b: &Basic<'_>, now: i64) -> Result<PublicKey> {
        let matches = |subject: &[u8], key: &PublicKey| match b.responder {
            Responder::Name(n) => n == subject,
            Responder::KeyHash(h) => digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &key.key).as_ref() == h,
        };
        if matches(&self.issuer_subject, &self.issuer_key) {
            return Ok(self.issuer_key.clone());
        }
        let unauthorized = || self.fail(OcspProblem::BadSignature);
        let mut certs = b.certs.map(|c| c.reader(WHAT)).unwrap_or_else(|| Reader::new(WHAT, &[]));
        while !certs.at_end() {
            let raw = certs.read_tlv()?.raw;
            let cert = Certificate::parse(raw).map_err(|_| Error::malformed(WHAT, "an embedded certificate does not parse"))?;
            let Ok(key) = cert.public_key() else { continue };
            if !matches(cert.subject, &key) {
                continue;
            }
            // A delegated responder (RFC 6960 §4.2.2.2): issued by the issuer, for OCSP signing, valid now.
            if cert.issuer != self.issuer_subject.as_slice()
                || cert.verify_signed_by(&self.issuer_key).is_err()
                || !has_ocsp_signing(&cert)
                || cert.check_validity_at(now).is_err()
            {
                return Err(unauthorized());
            }
            return Ok(key);
        }
        Err(unauthorized())
    }
}

fn nonce_extension(nonce: &[u8]) -> Vec<u8> {
    // Extension { extnID, extnValue OCTET STRING { OCTET STRING nonce } } (RFC 8954 §2.1)
    tlv(tag::SEQUENCE, &[tlv(tag::OID, oid::NONCE), tlv(tag::OCTET_STRING, &tlv(tag::OCTET_STRING, nonce))].concat())
}

fn check_fresh(v: &OcspVerdict, now: i64) -> std::result::Result<(), OcspProblem> {
    let early = v.this_update > now.saturating_add(LEEWAY_MS);
    let late = v.next_update.is_some_and(|n| n < now.saturating_sub(LEEWAY_MS));
    if early || late {
        return Err(OcspProblem::Stale { this_update: v.this_update, next_update: v.next_update, at: now });
    }
    Ok(())
}

/// The one TLV of tag `t` that `bytes` must consist of (no closures: one copy in the module).
fn whole<'a>(what: &'static str, bytes: &'a [u8], t: u8) -> Option<Tlv<'a>> {
    let mut r = Reader::new(what, bytes);
    let v = r.expect(t).ok()?;
    r.expect_end().ok()?;
    Some(v)
}

/// The one TLV of tag `t` inside `outer` (an EXPLICIT tag's contents).
fn inner<'a>(outer: &Tlv<'a>, t: u8) -> Option<Tlv<'a>> {
    let mut r = outer.reader(WHAT);
    let v = r.expect(t).ok()?;
    r.expect_end().ok()?;
    Some(v)
}

/// The first `id-ad-ocsp` URI (http or https) of the AIA extension, if any.
pub(crate) fn responder_url(cert: &Certificate<'_>) -> Result<Option<String>> {
    let Some(aia) = cert.extension(oid::AIA) else { return Ok(None) };
    read_url(aia.value).ok_or_else(|| Error::bad_chain(format!("'{}' has an unreadable Authority Information Access", cert.common_name())))
}

fn read_url(aia: &[u8]) -> Option<Option<String>> {
    let mut r = whole("AIA", aia, tag::SEQUENCE)?.reader("AIA");
    while !r.at_end() {
        let mut d = r.expect(tag::SEQUENCE).ok()?.reader("AIA");
        let method = d.expect(tag::OID).ok()?.value;
        let location = d.read_tlv().ok()?;
        d.expect_end().ok()?;
        // accessLocation [6] IMPLICIT IA5String: a uniformResourceIdentifier.
        if method == oid::AD_OCSP && location.tag == 0x86 {
            if let Ok(url) = std::str::from_utf8(location.value) {
                if url.starts_with("http://") || url.starts_with("https://") {
                    return Some(Some(url.to_owned()));
                }
            }
        }
    }
    Some(None)
}

fn has_ocsp_signing(cert: &Certificate<'_>) -> bool {
    let Some(eku) = cert.extension(crate::x509::ext::EXT_KEY_USAGE) else { return false };
    let Some(seq) = whole("EKU", eku.value, tag::SEQUENCE) else { return false };
    let mut r = seq.reader("EKU");
    while let Ok(o) = r.expect(tag::OID) {
        if o.value == oid::OCSP_SIGNING {
            return true;
        }
    }
    false
}

/// OCSPResponse → the BasicOCSPResponse bytes, or `Err(responseStatus)` when not successful.
/// The parsers answer `None` for anything malformed (one error for all: smaller code).
fn read_envelope(der: &[u8]) -> Option<std::result::Result<&[u8], u8>> {
    let mut r = whole(WHAT, der, tag::SEQUENCE)?.reader(WHAT);
    let status = r.expect(0x0a).ok()?;
    match status.value {
        [0] => {}
        [s] => return Some(Err(*s)),
        _ => return None,
    }
    let bytes = r.expect(tag::CONTEXT_CONSTRUCTED_0).ok()?;
    r.expect_end().ok()?;
    let mut b = inner(&bytes, tag::SEQUENCE)?.reader(WHAT);
    if b.expect(tag::OID).ok()?.value != oid::BASIC {
        return None;
    }
    let response = b.expect(tag::OCTET_STRING).ok()?.value;
    b.expect_end().ok()?;
    Some(Ok(response))
}

enum Responder<'a> {
    /// A Name's DER.
    Name(&'a [u8]),
    /// SHA-1 of the responder's public key (BIT STRING contents).
    KeyHash(&'a [u8]),
}

struct Basic<'a> {
    tbs: &'a [u8],
    responder: Responder<'a>,
    responses: Tlv<'a>,
    nonce: Option<&'a [u8]>,
    sig_alg: &'a [u8],
    signature: &'a [u8],
    certs: Option<Tlv<'a>>,
}

fn parse_basic(bytes: &[u8]) -> Option<Basic<'_>> {
    let mut r = whole(WHAT, bytes, tag::SEQUENCE)?.reader(WHAT);
    let tbs = r.expect(tag::SEQUENCE).ok()?;
    let mut a = r.expect(tag::SEQUENCE).ok()?.reader(WHAT);
    let sig_alg = a.expect(tag::OID).ok()?.value;
    a.skip_rest().ok()?;
    let signature = match r.expect(tag::BIT_STRING).ok()?.value {
        [0, s @ ..] => s,
        _ => return None,
    };
    let certs = match r.optional(tag::CONTEXT_CONSTRUCTED_0).ok()? {
        Some(c) => Some(inner(&c, tag::SEQUENCE)?),
        None => None,
    };
    r.expect_end().ok()?;

    let mut t = tbs.reader(WHAT);
    if let Some(v) = t.optional(tag::CONTEXT_CONSTRUCTED_0).ok()? {
        if inner(&v, tag::INTEGER)?.small_integer(WHAT).ok()? != 0 {
            return None;
        }
    }
    let id = t.read_tlv().ok()?;
    let responder = match id.tag {
        0xa1 => Responder::Name(inner(&id, tag::SEQUENCE)?.raw),
        0xa2 => Responder::KeyHash(inner(&id, tag::OCTET_STRING)?.value),
        _ => return None,
    };
    read_time(&mut t)?; // producedAt
    let responses = t.expect(tag::SEQUENCE).ok()?;
    let nonce = match t.optional(tag::CONTEXT_CONSTRUCTED_0 | 1).ok()? {
        Some(exts) => find_extension(&exts, oid::NONCE)?,
        None => None,
    };
    t.expect_end().ok()?;
    Some(Basic { tbs: tbs.raw, responder, responses, nonce, sig_alg, signature, certs })
}

/// The `extnValue` contents of the extension `wanted` in `[n] { SEQUENCE OF Extension }`.
fn find_extension<'a>(exts: &Tlv<'a>, wanted: &[u8]) -> Option<Option<&'a [u8]>> {
    let mut r = inner(exts, tag::SEQUENCE)?.reader(WHAT);
    let mut found = None;
    while !r.at_end() {
        let mut e = r.expect(tag::SEQUENCE).ok()?.reader(WHAT);
        let id = e.expect(tag::OID).ok()?.value;
        let _critical = e.optional(tag::BOOLEAN).ok()?;
        let value = e.expect(tag::OCTET_STRING).ok()?.value;
        e.expect_end().ok()?;
        if id == wanted && found.is_none() {
            found = Some(value);
        }
    }
    Some(found)
}

type Single = (Option<CertStatus>, i64, Option<i64>);

/// A SingleResponse: `None` when it is about another certificate; status `None` for unknown.
fn read_single(single: &Tlv<'_>, cert_id: &[u8]) -> Option<Option<Single>> {
    let mut r = single.reader(WHAT);
    let id = r.expect(tag::SEQUENCE).ok()?;
    let status = r.read_tlv().ok()?;
    let this_update = read_time(&mut r)?;
    let next_update = match r.optional(tag::CONTEXT_CONSTRUCTED_0).ok()? {
        Some(n) => {
            let mut n = n.reader(WHAT);
            let t = read_time(&mut n)?;
            n.expect_end().ok()?;
            Some(t)
        }
        None => None,
    };
    r.skip_rest().ok()?; // singleExtensions
    if cert_id_parts(&id)? != cert_id_parts(&whole(WHAT, cert_id, tag::SEQUENCE)?)? {
        return Some(None);
    }
    let status = match status.tag {
        0x80 => Some(CertStatus::Good),
        0x82 => None,
        0xa1 => {
            let mut s = status.reader(WHAT);
            let time = read_time(&mut s)?;
            let reason = match s.optional(tag::CONTEXT_CONSTRUCTED_0).ok()? {
                Some(x) => inner(&x, 0x0a)?.value.first().copied(),
                None => None,
            };
            s.expect_end().ok()?;
            Some(CertStatus::Revoked { time, reason })
        }
        _ => return None,
    };
    Some(Some((status, this_update, next_update)))
}

/// CertIDs compare on the hash OID (parameters NULL or absent), both hashes and the serial.
fn cert_id_parts<'a>(id: &Tlv<'a>) -> Option<[&'a [u8]; 4]> {
    let mut r = id.reader(WHAT);
    let alg = r.expect(tag::SEQUENCE).ok()?.reader(WHAT).expect(tag::OID).ok()?.value;
    let name = r.expect(tag::OCTET_STRING).ok()?.value;
    let key = r.expect(tag::OCTET_STRING).ok()?.value;
    let serial = r.expect(tag::INTEGER).ok()?.value;
    r.expect_end().ok()?;
    Some([alg, name, key, serial])
}

fn read_time(r: &mut Reader<'_>) -> Option<i64> {
    let t = r.expect(tag::GENERALIZED_TIME).ok()?;
    crate::x509::parse_x509_time(std::str::from_utf8(t.value).ok()?, true)
}

/// How the online checks reach a responder: the caller's I/O. `start` must begin sending at
/// once (so both checks of a chain run concurrently) and resolve to the response body, or to
/// `NETWORK_ERROR`/`TIMEOUT` (or `INPUT_TOO_LARGE` past [`crate::limits::MAX_OCSP_RESPONSE`]).
pub trait OcspTransport {
    /// The response in flight.
    type Pending: std::future::Future<Output = Result<Vec<u8>>>;
    /// Sends one request.
    fn start(&self, request: &OcspRequest) -> Self::Pending;
    /// A fresh unpredictable nonce for the next request, or `None` to send none.
    fn nonce(&self) -> Option<Vec<u8>>;
}

/// An [`OcspTransport`] behind a pointer, for a driver compiled once for every transport.
pub(crate) trait DynTransport {
    fn check_all_boxed<'a>(
        &'a self,
        targets: &'a [OcspTarget],
        cache: &'a OcspCache,
        now: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + 'a>>;
}

impl<T: OcspTransport> DynTransport for T {
    fn check_all_boxed<'a>(
        &'a self,
        targets: &'a [OcspTarget],
        cache: &'a OcspCache,
        now: i64,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + 'a>> {
        Box::pin(check_all(targets, cache, now, self))
    }
}

/// Asks about every target (the cache first), concurrently; `Ok` when every answer is a current,
/// verified `good`. The first target's error wins, as if they were checked in order.
pub(crate) async fn check_all<T: OcspTransport>(targets: &[OcspTarget], cache: &OcspCache, now: i64, transport: &T) -> Result<()> {
    let mut pending = Vec::new();
    for t in targets {
        match cache.get(t.cert_id(), now) {
            Some(v) => pending.push((t, None, Some(v))),
            None => {
                let nonce = transport.nonce();
                let sent = transport.start(&t.request(nonce.as_deref()));
                pending.push((t, Some((sent, nonce)), None));
            }
        }
    }
    let mut first = Ok(());
    for (t, sent, cached) in pending {
        let verdict = match (sent, cached) {
            (Some((sent, nonce)), _) => sent.await.and_then(|body| t.judge(&body, nonce.as_deref(), now)),
            (None, Some(v)) => Ok(v),
            (None, None) => Err(Error::malformed(WHAT, "no answer")),
        };
        let checked = verdict.and_then(|v| {
            cache.put(t.cert_id(), v);
            t.verdict_result(v).map(drop)
        });
        if first.is_ok() {
            first = checked;
        }
    }
    first
}

/// Verdicts kept for their validity: an entry is used while `thisUpdate - leeway <= now <=
/// nextUpdate`; a verdict without `nextUpdate` is never kept (RFC 6960 §4.2.2.1: newer
/// information is always available).
#[derive(Debug, Default)]
pub(crate) struct OcspCache {
    entries: Mutex<VecDeque<(Vec<u8>, OcspVerdict)>>,
}

impl OcspCache {
    /// A usable verdict for this CertID at `now`.
    pub(crate) fn get(&self, cert_id: &[u8], now: i64) -> Option<OcspVerdict> {
        let entries = self.entries.lock().ok()?;
        entries
            .iter()
            .find(|(id, v)| id == cert_id && v.this_update <= now.saturating_add(LEEWAY_MS) && v.next_update.is_some_and(|n| now <= n))
            .map(|(_, v)| *v)
    }

    /// Keeps a verified verdict (replacing one for the same CertID).
    pub(crate) fn put(&self, cert_id: &[u8], verdict: OcspVerdict) {
        if verdict.next_update.is_none() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(id, _)| id != cert_id);
            if entries.len() >= CACHE_SIZE {
                entries.pop_front();
            }
            entries.push_back((cert_id.to_vec(), verdict));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! v {
        ($name:literal) => {
            include_bytes!(concat!("../tests/vectors/testpki-ocsp/", $name)).as_slice()
        };
    }
    const INT: &[u8] = v!("int.der");
    const ROOT: &[u8] = v!("root.der");

    fn target(cert: &[u8], issuer: &[u8]) -> OcspTarget {
        let issuer = Certificate::parse(issuer).unwrap();
        OcspTarget::new(&Certificate::parse(cert).unwrap(), issuer.subject, &issuer.public_key().unwrap()).unwrap()
    }
    fn leaf(cert: &[u8]) -> OcspTarget {
        target(cert, INT)
    }
    /// thisUpdate of a response (all were made within a second of each other).
    fn made_at(resp: &[u8]) -> i64 {
        leaf(v!("leaf-good.der")).verify(resp, None, 0).map(|v| v.this_update).unwrap_or_else(|_| {
            leaf(v!("leaf-stale.der")).verify(v!("resp-stale.der"), None, 0).unwrap().this_update
        })
    }
    fn code(r: Result<OcspVerdict>) -> &'static str {
        r.unwrap_err().code()
    }

    #[test]
    fn request_is_byte_for_byte_what_openssl_builds() {
        let t = leaf(v!("leaf-good.der"));
        let req = t.request(None);
        assert_eq!(req.method, "POST");
        assert_eq!(req.url, "http://ocsp.iap-verify.test/good");
        assert_eq!(req.headers[0], ("content-type", "application/ocsp-request"));
        assert_eq!(req.body, v!("req-good.der"));
        // The same with openssl's nonce (the last 16 bytes of its request).
        let openssl = v!("req-nonce.der");
        let nonce = &openssl[openssl.len() - 16..];
        assert_eq!(t.request(Some(nonce)).body, openssl);
        // The intermediate's, answered by the root.
        assert_eq!(target(INT, ROOT).request(None).body, v!("req-int.der"));
        assert_eq!(target(INT, ROOT).request(None).url, "http://ocsp.iap-verify.test/root");
        // A nonce longer than 127 bytes takes long-form lengths.
        let long = t.request(Some(&[7u8; 200])).body;
        let parsed = der::read_all("t", &long, |r| r.expect(tag::SEQUENCE)).unwrap();
        assert_eq!(parsed.raw.len(), long.len());
    }

    #[test]
    fn no_responder_url_is_invalid_chain() {
        let int = Certificate::parse(INT).unwrap();
        let noaia = Certificate::parse(v!("leaf-noaia.der")).unwrap();
        assert_eq!(responder_url(&noaia).unwrap(), None);
        let e = OcspTarget::new(&noaia, int.subject, &int.public_key().unwrap()).unwrap_err();
        assert_eq!(e.code(), "INVALID_CHAIN");
        assert!(e.to_string().contains("OCSP responder"), "{e}");
    }

    #[test]
    fn good_direct_delegated_and_for_the_intermediate() {
        let now = made_at(v!("resp-good.der")) + 1_000;
        let t = leaf(v!("leaf-good.der"));
        let v = t.check_response(v!("resp-good.der"), None, now).unwrap();
        assert_eq!(v.status, CertStatus::Good);
        // -ndays 36500
        assert_eq!(v.next_update.unwrap() - v.this_update, 36_500 * 86_400_000);
        assert_eq!(t.check_response(v!("resp-good-delegated.der"), None, now).unwrap().status, CertStatus::Good);
        assert_eq!(target(INT, ROOT).check_response(v!("resp-int.der"), None, now).unwrap().status, CertStatus::Good);
        // The intermediate's response does not vouch for the leaf, nor the root's key for the leaf.
        assert_eq!(code(t.check_response(v!("resp-int.der"), None, now)), "OCSP_INVALID_SIGNATURE");
        // No nextUpdate: usable (RFC 6960), never cached.
        let nonext = t.check_response(v!("resp-nonext.der"), None, now).unwrap();
        assert_eq!(nonext.next_update, None);
    }

    #[test]
    fn revoked_is_invalid_chain_with_details() {
        let t = leaf(v!("leaf-revoked.der"));
        let now = made_at(v!("resp-good.der")) + 1_000;
        let e = t.check_response(v!("resp-revoked.der"), None, now).unwrap_err();
        assert_eq!(e.code(), "INVALID_CHAIN");
        assert!(!e.retryable());
        let d = e.details();
        assert_eq!(d["revoked"], true);
        assert_eq!(d["revocationReason"], "keyCompromise");
        assert_eq!(d["revocationReasonCode"], 1);
        assert_eq!(d["subject"], "OCSP Test Leaf revoked");
        let time = d["revocationTime"].as_i64().unwrap();
        assert!((now - 60_000..=now).contains(&time), "{time} vs {now}");
        assert!(e.to_string().contains("revoked"), "{e}");
    }

    #[test]
    fn unknown_badsig_mismatch() {
        let now = made_at(v!("resp-good.der")) + 1_000;
        assert_eq!(code(leaf(v!("leaf-unknown.der")).check_response(v!("resp-unknown.der"), None, now)), "OCSP_STATUS_UNKNOWN");
        // Signed by a responder the issuer never certified.
        assert_eq!(code(leaf(v!("leaf-badsig.der")).check_response(v!("resp-badsig.der"), None, now)), "OCSP_INVALID_SIGNATURE");
        // Signed by a responder the issuer certified, but not for OCSP signing.
        let good = leaf(v!("leaf-good.der"));
        assert_eq!(code(good.check_response(v!("resp-good-noeku.der"), None, now)), "OCSP_INVALID_SIGNATURE");
        // A genuine response about another certificate.
        assert_eq!(code(good.check_response(v!("resp-revoked.der"), None, now)), "OCSP_CERT_ID_MISMATCH");
        // One flipped bit in the signature (its last byte) or in the signed data.
        let resp = v!("resp-good.der");
        let basic = parse_basic(read_envelope(resp).unwrap().unwrap()).unwrap();
        let at = resp.windows(basic.signature.len()).position(|w| w == basic.signature).unwrap();
        let mut sig = resp.to_vec();
        sig[at + basic.signature.len() - 1] ^= 1;
        assert_eq!(code(good.check_response(&sig, None, now)), "OCSP_INVALID_SIGNATURE");
        let this_update = resp.windows(15).position(|w| w.ends_with(b"Z") && w.iter().take(14).all(u8::is_ascii_digit)).unwrap();
        let mut tbs = resp.to_vec();
        tbs[this_update + 13] ^= 1; // a seconds digit of producedAt: still a valid time
        assert_eq!(code(good.check_response(&tbs, None, now)), "OCSP_INVALID_SIGNATURE");
    }

    #[test]
    fn stale_and_future_responses() {
        let t = leaf(v!("leaf-stale.der"));
        let made = made_at(v!("resp-stale.der"));
        // nextUpdate is one minute after thisUpdate; the leeway is another minute.
        t.check_response(v!("resp-stale.der"), None, made).unwrap();
        t.check_response(v!("resp-stale.der"), None, made + 120_000).unwrap();
        let e = t.check_response(v!("resp-stale.der"), None, made + 120_001).unwrap_err();
        assert_eq!(e.code(), "OCSP_STALE_RESPONSE");
        assert_eq!(e.details()["nextUpdate"], made + 60_000);
        // thisUpdate more than the leeway in the future.
        let good = leaf(v!("leaf-good.der"));
        good.check_response(v!("resp-good.der"), None, made - 60_000).unwrap();
        assert_eq!(code(good.check_response(v!("resp-good.der"), None, made - 60_001 - 1_000)), "OCSP_STALE_RESPONSE");
    }

    #[test]
    fn nonces() {
        let t = leaf(v!("leaf-good.der"));
        let now = made_at(v!("resp-good.der")) + 1_000;
        let req = v!("req-nonce.der");
        let nonce = &req[req.len() - 16..];
        t.check_response(v!("resp-nonce.der"), Some(nonce), now).unwrap();
        let mut other = nonce.to_vec();
        other[0] ^= 1;
        assert_eq!(code(t.check_response(v!("resp-nonce.der"), Some(&other), now)), "OCSP_NONCE_MISMATCH");
        assert_eq!(code(t.check_response(v!("resp-nonce.der"), None, now)), "OCSP_NONCE_MISMATCH");
        // A responder that ignores nonces (pre-signed responses) is accepted.
        t.check_response(v!("resp-good.der"), Some(nonce), now).unwrap();
    }

    #[test]
    fn responder_error_statuses() {
        let t = leaf(v!("leaf-good.der"));
        for (status, retryable) in [(1u8, false), (2, true), (3, true), (5, false), (6, false)] {
            let e = t.check_response(&[0x30, 0x03, 0x0a, 0x01, status], None, 0).unwrap_err();
            assert_eq!(e.code(), "OCSP_RESPONDER_ERROR");
            assert_eq!(e.retryable(), retryable, "{status}");
            assert_eq!(e.details()["responseStatus"], status);
            assert_eq!(e.details()["subject"], "OCSP Test Leaf good");
        }
        // successful without responseBytes
        assert_eq!(code(t.check_response(&[0x30, 0x03, 0x0a, 0x01, 0x00], None, 0)), "MALFORMED_INPUT");
    }

    #[test]
    fn malformed_bytes_are_typed_errors_never_panics() {
        let t = leaf(v!("leaf-good.der"));
        let resp = v!("resp-good-delegated.der");
        let now = made_at(v!("resp-good.der")) + 1_000;
        for n in 0..resp.len() {
            assert_eq!(code(t.check_response(&resp[..n], None, now)), "MALFORMED_INPUT", "cut at {n}");
        }
        let mut trailing = resp.to_vec();
        trailing.push(0);
        assert_eq!(code(t.check_response(&trailing, None, now)), "MALFORMED_INPUT");
        for i in 0..resp.len() {
            for bit in [0x01, 0x80] {
                let mut m = resp.to_vec();
                m[i] ^= bit;
                // Anything but a panic; and a changed byte never yields a verified answer...
                if let Ok(v) = t.check_response(&m, None, now) {
                    // ...except in unsigned parts: the signature's DER framing and the embedded
                    // responder certificate's own unsigned fields do not exist, so only a good verdict
                    // identical to the genuine one may come out.
                    assert_eq!(v, t.check_response(resp, None, now).unwrap(), "byte {i}");
                }
            }
        }
        assert_eq!(code(t.check_response(&vec![0u8; MAX_OCSP + 1], None, now)), "INPUT_TOO_LARGE");
        assert_eq!(code(t.check_response(b"<html>not OCSP</html>", None, now)), "MALFORMED_INPUT");
    }
    const MAX_OCSP: usize = crate::limits::MAX_OCSP_RESPONSE;

    #[test]
    fn cache_keeps_verdicts_for_their_window() {
        let cache = OcspCache::default();
        let good = OcspVerdict { status: CertStatus::Good, this_update: 1_000_000, next_update: Some(2_000_000) };
        cache.put(b"id", good);
        assert_eq!(cache.get(b"id", 1_500_000), Some(good));
        assert_eq!(cache.get(b"id", 2_000_000), Some(good));
        assert_eq!(cache.get(b"id", 2_000_001), None);
        assert_eq!(cache.get(b"id", 1_000_000 - LEEWAY_MS - 1), None);
        assert_eq!(cache.get(b"other", 1_500_000), None);
        cache.put(b"nonext", OcspVerdict { next_update: None, ..good });
        assert_eq!(cache.get(b"nonext", 1_500_000), None);
        for i in 0..CACHE_SIZE {
            cache.put(&i.to_be_bytes(), good);
        }
        assert_eq!(cache.get(b"id", 1_500_000), None, "the oldest entry was dropped");
    }
}
