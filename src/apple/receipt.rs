//! Apple app receipts (PKCS#7): documented on [`AppReceiptVerifier`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use ring::signature;
use serde::Serialize;

use super::pkcs7::{self, Digest};
use crate::der::{self, tag, Tlv};
use crate::error::{Error, Result, Unit};
use crate::host::{check_signature, run_ready, Algorithm, RingOnly, SignatureCheck, SignatureHost};
use crate::limits;
use crate::x509::{ext, Certificate, KeyKind, TrustAnchors, Validity};

const WHAT: &str = "receipt payload";

/// How many verified chains an [`AppReceiptVerifier`] remembers.
pub(crate) const CHAIN_CACHE_SIZE: usize = 16;

/// An attribute the parser does not interpret, kept as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "ReceiptUnknownAttribute"))]
pub struct UnknownAttribute {
    /// The attribute type number.
    #[serde(rename = "type")]
    pub kind: i64,
    /// The attribute version (Apple varies it; it carries no meaning).
    pub version: i64,
    /// The raw OCTET STRING contents, standard base64.
    pub value: String,
}

/// One in-app purchase receipt (attribute 17), store-formats §3.1.4. Dates are epoch ms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "AppReceiptInAppPurchase", optional_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InAppPurchase {
    /// How many were bought (attribute 1701).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// The product id (1702).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The transaction id (1703).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Purchase date, epoch ms (1704).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_date: Option<i64>,
    /// The original transaction id (1705).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_transaction_id: Option<String>,
    /// Original purchase date, epoch ms (1706).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_purchase_date: Option<i64>,
    /// 1707 (undocumented): 0 non-consumable, 1 consumable, 2 non-renewing, 3 auto-renewable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_type: Option<i64>,
    /// Subscription expiry, epoch ms (1708).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_date: Option<i64>,
    /// 1711, as a decimal string (ids stay strings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_order_line_item_id: Option<String>,
    /// Cancellation (refund) date, epoch ms (1712).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation_date: Option<i64>,
    /// Whether a free trial (1713).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_trial_period: Option<bool>,
    /// Whether in an introductory offer period (1719).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_in_intro_offer_period: Option<bool>,
    /// The promotional offer id (1721).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotional_offer_id: Option<String>,
    /// Every other attribute, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
    pub unknown_attributes: Vec<UnknownAttribute>,
}

/// The wire names of [`AppReceipt`]'s fields, in serialization order (a test holds them to the
/// struct): what the dashboard knows of a receipt.
#[cfg(any(test, feature = "binding"))]
pub(crate) const RECEIPT_FIELDS: &[&str] = &[
    "receiptType", "appItemId", "bundleId", "applicationVersion", "opaqueValue", "sha1Hash", "transactionDate",
    "fulfillmentToolVersion", "ageRating", "developerId", "receiptCreationDate", "downloadId", "inApp",
    "originalPurchaseDate", "originalApplicationVersion", "expirationDate", "unknownAttributes",
];

/// The app receipt payload, store-formats §3.1.3. Dates are epoch ms; byte values are base64.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppReceipt {
    /// 0 (undocumented): `Production`, `ProductionSandbox`, `Xcode`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_type: Option<String>,
    /// 1 (undocumented): the App Store item id, as a decimal string (0 in sandbox).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_item_id: Option<String>,
    /// The bundle id (attribute 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle_id: Option<String>,
    /// The app version, CFBundleVersion (3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_version: Option<String>,
    /// An opaque value, base64 (4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opaque_value: Option<String>,
    /// The SHA-1 device hash, base64 (5).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha1_hash: Option<String>,
    /// Transaction date, epoch ms (8, undocumented).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_date: Option<i64>,
    /// Fulfillment tool version (9, undocumented).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fulfillment_tool_version: Option<i64>,
    /// 10 (undocumented), e.g. `4+`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_rating: Option<String>,
    /// 11 (undocumented), decimal string
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_id: Option<String>,
    /// Receipt creation date, epoch ms (12).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_creation_date: Option<i64>,
    /// 15 (undocumented), decimal string
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_id: Option<String>,
    /// The in-app purchases, in order (17).
    pub in_app: Vec<InAppPurchase>,
    /// Original purchase date of the app, epoch ms (18).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_purchase_date: Option<i64>,
    /// The app version first bought (19).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_application_version: Option<String>,
    /// Receipt expiry, epoch ms (21: volume purchase receipts; Xcode writes 4001-01-01).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<i64>,
    /// Every other attribute (6, 7, 13, 14, 16, 20, 25, …), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<_>", optional))]
    pub unknown_attributes: Vec<UnknownAttribute>,
    #[serde(skip)]
    raw: RawFields,
}

/// The exact bytes the device hash covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct RawFields {
    bundle_id: Vec<u8>,
    opaque: Vec<u8>,
    hash: Vec<u8>,
}

/// A receipt whose signature and chain were verified. Only [`AppReceiptVerifier::verify`] and
/// [`verify_app_receipt`] make one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedAppReceipt {
    #[serde(flatten)]
    receipt: AppReceipt,
}

impl VerifiedAppReceipt {
    /// The verified payload.
    pub fn receipt(&self) -> &AppReceipt {
        &self.receipt
    }

    /// Takes the payload out.
    pub fn into_receipt(self) -> AppReceipt {
        self.receipt
    }
}

/// Per-call checks.
#[derive(Debug, Clone, Default)]
pub struct ReceiptOptions<'a> {
    /// Expected bundle id (exact, case-sensitive) → `INVALID_APP_IDENTIFIER`.
    pub bundle_id: Option<&'a str>,
    /// The 16-byte `identifierForVendor` (or macOS GUID): the device hash must match, else
    /// `INVALID_SIGNATURE`.
    pub device_id: Option<&'a [u8]>,
    /// Epoch ms. Used as the effective date only for a receipt without a creation date.
    pub now: i64,
}

/// A verified signer and chain, remembered by the exact bytes that decided them: the receipt's
/// `certificates` field and the SignerInfo's issuer and serial. The same bytes select the same
/// signer certificate and the same chain, so a hit skips parsing the certificates and verifying
/// the chain; the validity windows are still checked at every call's effective date.
#[derive(Debug)]
struct CachedChain {
    certificate_set: Vec<u8>,
    issuer: Vec<u8>,
    serial: Vec<u8>,
    key: crate::x509::PublicKey,
    spki: Vec<u8>,
    validities: Vec<Validity>,
}

/// Verifies app receipts against a fixed set of roots, remembering verified chains so a hot
/// call costs one RSA check (validity is still checked at every call).
///
/// # How a receipt is verified
///
/// Order of work: parse the container; find the signer certificate by issuer and serial; check
/// the chain signer → embedded intermediate → pinned root with Apple's marker OIDs (or a signer
/// that *is* a pinned root, as Xcode's self-signed StoreKit certificate is; cached per verifier);
/// check the RSA signature over the content octets (SHA-1 or SHA-256, as the SignerInfo says);
/// only then parse the payload, and check every certificate's validity at the receipt creation
/// date (field 12; `now` only when a receipt has none). Then the optional bundle id and device
/// hash checks.
#[derive(Debug)]
pub struct AppReceiptVerifier {
    anchors: TrustAnchors,
    cache: Mutex<VecDeque<Arc<CachedChain>>>,
}

impl Default for AppReceiptVerifier {
    fn default() -> Self {
        Self::with_anchors(super::roots::receipt_roots())
    }
}

impl AppReceiptVerifier {
    /// A verifier trusting `anchors`.
    pub(crate) fn with_anchors(anchors: TrustAnchors) -> Self {
        AppReceiptVerifier { anchors, cache: Mutex::new(VecDeque::new()) }
    }

    /// A verifier from DER roots; `None` means Apple Root CA.
    pub fn with_roots<B: AsRef<[u8]>>(roots: Option<&[B]>) -> Result<Self> {
        match roots {
            Some(r) => Ok(Self::with_anchors(TrustAnchors::from_der(r)?)),
            None => Ok(Self::default()),
        }
    }

    /// Verifies a base64 receipt (standard alphabet, whitespace tolerated).
    pub fn verify_base64(&self, receipt: &str, opts: &ReceiptOptions<'_>) -> Result<VerifiedAppReceipt> {
        limits::check("receipt", receipt.len(), limits::MAX_RECEIPT_TEXT)?;
        let bytes = crate::b64::decode_standard("receipt", receipt)?;
        self.verify(&bytes, opts)
    }

    /// Verifies a DER/BER receipt.
    pub fn verify(&self, receipt: &[u8], opts: &ReceiptOptions<'_>) -> Result<VerifiedAppReceipt> {
        run_ready(self.verify_with(&RingOnly, receipt, opts))?
    }

    /// [`Self::verify`] with the RSA check of the content asked of `host` first (see
    /// [`crate::host`]). Same checks, same order, same results and errors.
    pub async fn verify_with<H: SignatureHost>(&self, host: &H, receipt: &[u8], opts: &ReceiptOptions<'_>) -> Result<VerifiedAppReceipt> {
        let prepared = self.prepare(receipt)?;
        let check = SignatureCheck {
            algorithm: prepared.algorithm(),
            key: &prepared.chain.spki,
            message: &prepared.sd.content,
            signature: prepared.sd.signer.signature,
        };
        check_signature(host, check, || prepared.verify_signature()).await?;
        prepared.decode(opts)
    }

    /// Container, signer and chain (cached); the content signature is not checked yet.
    fn prepare<'a>(&self, receipt: &'a [u8]) -> Result<PreparedReceipt<'a>> {
        limits::check("receipt", receipt.len(), limits::MAX_RECEIPT_BYTES)?;
        let sd = pkcs7::parse(receipt)?;
        if let Some(chain) = self.cached(&sd) {
            return Ok(PreparedReceipt { sd, chain });
        }
        let certs = sd.certificates.iter().map(|c| Certificate::parse(c)).collect::<Result<Vec<_>>>()?;
        let signer = certs
            .iter()
            .find(|c| c.issuer == sd.signer.issuer && c.serial == sd.signer.serial)
            .ok_or_else(|| Error::bad_chain("the signer certificate is not in the receipt"))?;
        let key = signer.public_key()?;
        if key.kind != KeyKind::Rsa {
            return Err(Error::bad_chain("the receipt signer key is not RSA"));
        }
        let validities = build_chain(&self.anchors, signer, &certs)?;
        let chain = Arc::new(CachedChain {
            certificate_set: sd.certificate_set.to_vec(),
            issuer: sd.signer.issuer.to_vec(),
            serial: sd.signer.serial.to_vec(),
            key,
            spki: signer.spki_der.to_vec(),
            validities,
        });
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CHAIN_CACHE_SIZE {
                cache.pop_front();
            }
            cache.push_back(Arc::clone(&chain));
        }
        Ok(PreparedReceipt { sd, chain })
    }

    /// The chain verified earlier for exactly these certificates and signer, if any.
    fn cached(&self, sd: &pkcs7::SignedData<'_>) -> Option<Arc<CachedChain>> {
        let cache = self.cache.lock().ok()?;
        cache
            .iter()
            .find(|c| c.certificate_set == sd.certificate_set && c.issuer == sd.signer.issuer && c.serial == sd.signer.serial)
            .cloned()
    }
}

/// A receipt whose container, signer and chain have been checked, and whose content signature
/// has not (yet).
struct PreparedReceipt<'a> {
    sd: pkcs7::SignedData<'a>,
    chain: Arc<CachedChain>,
}

impl PreparedReceipt<'_> {
    /// RSA PKCS#1 v1.5 with the SignerInfo's digest.
    fn algorithm(&self) -> Algorithm {
        match self.sd.signer.digest {
            Digest::Sha1 => Algorithm::RsaPkcs1Sha1,
            Digest::Sha256 => Algorithm::RsaPkcs1Sha256,
        }
    }

    /// The content signature with ring.
    fn verify_signature(&self) -> Result<()> {
        let alg: &'static dyn signature::VerificationAlgorithm = match self.sd.signer.digest {
            Digest::Sha1 => &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            Digest::Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        };
        self.chain.key.verify(alg, &self.sd.content, self.sd.signer.signature)
    }

    /// After the signature: payload, validity at the creation date, the checks.
    fn decode(&self, opts: &ReceiptOptions<'_>) -> Result<VerifiedAppReceipt> {
        let receipt = parse_payload(&self.sd.content)?;
        let at = receipt.receipt_creation_date.unwrap_or(opts.now);
        for v in &self.chain.validities {
            v.check_at(at)?;
        }
        check_receipt(&receipt, opts)?;
        Ok(VerifiedAppReceipt { receipt })
    }
}

/// Verifies one receipt with a fresh verifier (`roots` `None` = Apple Root CA).
pub fn verify_app_receipt<B: AsRef<[u8]>>(
    receipt: &[u8],
    roots: Option<&[B]>,
    opts: &ReceiptOptions<'_>,
) -> Result<VerifiedAppReceipt> {
    AppReceiptVerifier::with_roots(roots)?.verify(receipt, opts)
}

/// Signer → intermediate → pinned root, or a signer that is itself a pinned root (Xcode).
fn build_chain(anchors: &TrustAnchors, signer: &Certificate<'_>, certs: &[Certificate<'_>]) -> Result<Vec<Validity>> {
    if let Some(anchor) = anchors.find_exact(signer.raw) {
        // A locally configured self-signed signer (Xcode's StoreKit certificate): trusted as
        // configured. Apple's markers do not apply to it.
        return Ok(vec![anchor.validity()]);
    }
    signer.require_extension(ext::APPLE_RECEIPT_SIGNING, "receipt-signing (1.2.840.113635.100.6.11.1)")?;
    let intermediate = certs
        .iter()
        .filter(|c| c.raw != signer.raw && c.subject == signer.issuer)
        .find(|c| c.public_key().is_ok_and(|k| signer.verify_signed_by(&k).is_ok()))
        .ok_or_else(|| Error::bad_chain(format!("no embedded certificate issued '{}'", signer.common_name())))?;
    if !intermediate.is_ca()? {
        return Err(Error::bad_chain(format!("'{}' is not a CA", intermediate.common_name())));
    }
    intermediate.require_extension(ext::APPLE_WWDR_INTERMEDIATE, "WWDR intermediate (1.2.840.113635.100.6.2.1)")?;
    let anchor = anchors.find_issuer(intermediate)?;
    Ok(vec![Validity::of(signer), Validity::of(intermediate), anchor.validity()])
}

fn check_receipt(receipt: &AppReceipt, opts: &ReceiptOptions<'_>) -> Result<()> {
    if let Some(expected) = opts.bundle_id {
        if receipt.bundle_id.as_deref() != Some(expected) {
            return Err(Error::InvalidAppIdentifier { expected: expected.to_owned(), actual: receipt.bundle_id.clone() });
        }
    }
    if let Some(device) = opts.device_id {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
        ctx.update(device);
        ctx.update(&receipt.raw.opaque);
        ctx.update(&receipt.raw.bundle_id);
        // The hash is not a secret (it is in the receipt), so a plain comparison is fine.
        if ctx.finish().as_ref() != receipt.raw.hash.as_slice() {
            return Err(Error::InvalidSignature);
        }
    }
    Ok(())
}

/// Parses a `deviceId` in UUID text form (`956328D9-CC6A-47F4-BE40-6953FB0AB6C7`) to its 16 bytes.
pub fn parse_uuid(text: &str) -> Result<[u8; 16]> {
    let hex: Vec<u8> = text.bytes().filter(|b| *b != b'-').collect();
    let bad = || Error::invalid_argument("deviceId must be a UUID (32 hex digits, dashes optional)");
    if hex.len() != 32 {
        return Err(bad());
    }
    let mut out = [0u8; 16];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let s = std::str::from_utf8(pair).map_err(|_| bad())?;
        *o = u8::from_str_radix(s, 16).map_err(|_| bad())?;
    }
    Ok(out)
}

/// One `ReceiptAttribute ::= SEQUENCE { type INTEGER, version INTEGER, value OCTET STRING }`.
struct Attribute<'a> {
    kind: i64,
    version: i64,
    value: &'a [u8],
    offset: usize,
}

/// Reads a `SET OF ReceiptAttribute`, calling `f` for each in order. Linear in the input.
fn attributes<'a>(input: &'a [u8], mut f: impl FnMut(Attribute<'a>) -> Result<()>) -> Result<()> {
    let set = der::read_all(WHAT, input, |r| r.expect(tag::SET))?;
    set.read_all(WHAT, |r| {
        while !r.at_end() {
            let a = r.expect(tag::SEQUENCE)?.read_all(WHAT, |s| {
                let kind = s.expect(tag::INTEGER)?.small_integer(WHAT)?;
                let version = s.expect(tag::INTEGER)?.small_integer(WHAT)?;
                let v = s.expect(tag::OCTET_STRING)?;
                Ok(Attribute { kind, version, value: v.value, offset: v.offset })
            })?;
            f(a)?;
        }
        Ok(())
    })
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unknown(a: &Attribute<'_>) -> UnknownAttribute {
    UnknownAttribute { kind: a.kind, version: a.version, value: b64(a.value) }
}

/// The single DER value inside an attribute's OCTET STRING.
fn inner<'a>(a: &Attribute<'a>) -> Result<Tlv<'a>> {
    der::read_all(WHAT, a.value, |r| r.read_tlv())
        .map_err(|_| Error::malformed_at(WHAT, format!("attribute {} does not hold one DER value", a.kind), a.offset))
}

fn string(a: &Attribute<'_>) -> Result<String> {
    text(a).map(str::to_owned)
}

/// The attribute's string, borrowed from the payload.
fn text<'a>(a: &Attribute<'a>) -> Result<&'a str> {
    let t = inner(a)?;
    if !matches!(t.tag, tag::UTF8_STRING | tag::IA5_STRING | tag::PRINTABLE_STRING) {
        return Err(Error::malformed_at(WHAT, format!("attribute {} is not a string", a.kind), a.offset));
    }
    std::str::from_utf8(t.value).map_err(|_| Error::malformed_at(WHAT, format!("attribute {} is not UTF-8", a.kind), a.offset))
}

fn integer(a: &Attribute<'_>) -> Result<i64> {
    inner(a)?
        .small_integer(WHAT)
        .map_err(|_| Error::malformed_at(WHAT, format!("attribute {} is not an INTEGER", a.kind), a.offset))
}

fn date(a: &Attribute<'_>) -> Result<Option<i64>> {
    let s = text(a)?;
    if s.is_empty() {
        return Ok(None);
    }
    parse_rfc3339(s)
        .map(Some)
        .ok_or_else(|| Error::malformed_at(WHAT, format!("attribute {} is not an RFC 3339 date", a.kind), a.offset))
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]` then `Z`, `+hh:mm`, `+hhmm` (older Xcode) or `-…`, to epoch ms
/// (the crate's one parser, [`crate::time::parse_rfc3339_ms`]).
pub(crate) fn parse_rfc3339(s: &str) -> Option<i64> {
    crate::time::parse_rfc3339_ms(s)
}

/// Parses the payload (a DER `SET OF ReceiptAttribute`) into an [`AppReceipt`].
pub(crate) fn parse_payload(content: &[u8]) -> Result<AppReceipt> {
    let mut r = AppReceipt::default();
    attributes(content, |a| {
        match a.kind {
            0 => r.receipt_type = Some(string(&a)?),
            1 => r.app_item_id = Some(integer(&a)?.to_string()),
            2 => {
                r.bundle_id = Some(string(&a)?);
                r.raw.bundle_id = a.value.to_vec();
            }
            3 => r.application_version = Some(string(&a)?),
            4 => {
                r.opaque_value = Some(b64(a.value));
                r.raw.opaque = a.value.to_vec();
            }
            5 => {
                r.sha1_hash = Some(b64(a.value));
                r.raw.hash = a.value.to_vec();
            }
            8 => r.transaction_date = date(&a)?,
            9 => r.fulfillment_tool_version = Some(integer(&a)?),
            10 => r.age_rating = Some(string(&a)?),
            11 => r.developer_id = Some(integer(&a)?.to_string()),
            12 => r.receipt_creation_date = date(&a)?,
            15 => r.download_id = Some(integer(&a)?.to_string()),
            17 => {
                limits::check_count("in-app purchases", r.in_app.len().saturating_add(1), limits::MAX_IN_APP_PURCHASES, Unit::Entries)?;
                r.in_app.push(parse_in_app(a.value)?);
            }
            18 => r.original_purchase_date = date(&a)?,
            19 => r.original_application_version = Some(string(&a)?),
            21 => r.expiration_date = date(&a)?,
            _ => r.unknown_attributes.push(unknown(&a)),
        }
        Ok(())
    })?;
    Ok(r)
}

fn parse_in_app(value: &[u8]) -> Result<InAppPurchase> {
    let mut p = InAppPurchase::default();
    attributes(value, |a| {
        match a.kind {
            1701 => p.quantity = Some(integer(&a)?),
            1702 => p.product_id = Some(string(&a)?),
            1703 => p.transaction_id = Some(string(&a)?),
            1704 => p.purchase_date = date(&a)?,
            1705 => p.original_transaction_id = Some(string(&a)?),
            1706 => p.original_purchase_date = date(&a)?,
            1707 => p.product_type = Some(integer(&a)?),
            1708 => p.expires_date = date(&a)?,
            1711 => p.web_order_line_item_id = Some(integer(&a)?.to_string()),
            1712 => p.cancellation_date = date(&a)?,
            1713 => p.is_trial_period = Some(integer(&a)? != 0),
            1719 => p.is_in_intro_offer_period = Some(integer(&a)? != 0),
            1721 => p.promotional_offer_id = Some(string(&a)?),
            _ => p.unknown_attributes.push(unknown(&a)),
        }
        Ok(())
    })?;
    Ok(p)
}

/// The certificates a receipt carries (DER or BER PKCS#7), described for display in the order
/// sent ([`crate::describe_certificate`]; each one that cannot be read is its own error). Nothing is
/// verified: use it to show a receipt's chain, never to decide anything.
pub fn describe_certificates(receipt: &[u8]) -> Result<Vec<Result<crate::x509::CertificateInfo>>> {
    limits::check("receipt", receipt.len(), limits::MAX_RECEIPT_BYTES)?;
    Ok(pkcs7::parse(receipt)?.certificates.into_iter().map(crate::x509::describe).collect())
}

/// The same for a base64 receipt.
pub fn describe_certificates_base64(receipt: &str) -> Result<Vec<Result<crate::x509::CertificateInfo>>> {
    limits::check("receipt", receipt.len(), limits::MAX_RECEIPT_TEXT)?;
    describe_certificates(&crate::b64::decode_standard("receipt", receipt)?)
}

/// Apple's `ReceiptUtility.extractTransactionIdFromAppReceipt`: the first transaction id (1703,
/// or 1705 if it comes first) of the first in-app entry that has one, or `None`. It does **not**
/// verify the receipt: use it only to ask the App Store Server API, whose answer is signed.
pub fn extract_transaction_id_from_app_receipt(receipt: &[u8]) -> Result<Option<String>> {
    limits::check("receipt", receipt.len(), limits::MAX_RECEIPT_BYTES)?;
    let content = pkcs7::content(receipt)?;
    let mut found: Option<String> = None;
    attributes(&content, |a| {
        if found.is_none() && a.kind == 17 {
            attributes(a.value, |i| {
                if found.is_none() && (i.kind == 1703 || i.kind == 1705) {
                    found = Some(string(&i)?);
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(found)
}

/// The same for a base64 receipt.
pub fn extract_transaction_id_from_app_receipt_base64(receipt: &str) -> Result<Option<String>> {
    limits::check("receipt", receipt.len(), limits::MAX_RECEIPT_TEXT)?;
    extract_transaction_id_from_app_receipt(&crate::b64::decode_standard("receipt", receipt)?)
}

/// Apple's `ReceiptUtility.extractTransactionIdFromTransactionReceipt` for iOS 6 style
/// transaction receipts (base64 of an old-style plist whose `purchase-info` is base64 of another
/// plist): the `transaction-id`, or `None`. Nothing is verified.
pub fn extract_transaction_id_from_transaction_receipt(receipt: &str) -> Result<Option<String>> {
    limits::check("transaction receipt", receipt.len(), limits::MAX_TRANSACTION_RECEIPT_TEXT)?;
    let outer = crate::b64::decode_standard("transaction receipt", receipt)?;
    let outer = String::from_utf8_lossy(&outer);
    let Some(info) = plist_value(&outer, "purchase-info") else {
        return Ok(None);
    };
    let inner = crate::b64::decode_standard("transaction receipt purchase-info", info)?;
    let inner = String::from_utf8_lossy(&inner);
    Ok(plist_value(&inner, "transaction-id").map(str::to_owned))
}

/// The value of `"key" = "value";` in an old-style plist (values here never contain quotes).
fn plist_value<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let needle = format!("\"{key}\"");
    let after = text.get(text.find(&needle)? + needle.len()..)?;
    let after = after.trim_start().strip_prefix('=')?.trim_start().strip_prefix('"')?;
    let end = after.find('"')?;
    let rest = after.get(end + 1..)?.trim_start();
    if !rest.starts_with(';') {
        return None;
    }
    after.get(..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field set, serialized: exactly the names of `RECEIPT_FIELDS`, in its order.
    #[test]
    fn receipt_fields_are_the_struct_fields() {
        let some = || Some("x".to_owned());
        let receipt = AppReceipt {
            receipt_type: some(),
            app_item_id: some(),
            bundle_id: some(),
            application_version: some(),
            opaque_value: some(),
            sha1_hash: some(),
            transaction_date: Some(1),
            fulfillment_tool_version: Some(1),
            age_rating: some(),
            developer_id: some(),
            receipt_creation_date: Some(1),
            download_id: some(),
            in_app: Vec::new(),
            original_purchase_date: Some(1),
            original_application_version: some(),
            expiration_date: Some(1),
            unknown_attributes: vec![UnknownAttribute { kind: 99, version: 1, value: String::new() }],
            raw: RawFields::default(),
        };
        let json = serde_json::to_value(&receipt).unwrap_or_default();
        let names: Vec<&str> = json.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        assert_eq!(names, RECEIPT_FIELDS);
    }

    #[test]
    fn rfc3339_variants() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2025-12-26T18:39:47Z"), Some(1_766_774_387_000));
        assert_eq!(parse_rfc3339("2020-07-22T18:33:15+0100"), parse_rfc3339("2020-07-22T17:33:15Z"));
        assert_eq!(parse_rfc3339("2020-07-22T18:33:15+01:00"), parse_rfc3339("2020-07-22T17:33:15Z"));
        assert_eq!(parse_rfc3339("2020-07-22T16:33:15-01:00"), parse_rfc3339("2020-07-22T17:33:15Z"));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00.5Z"), Some(500));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00.123456Z"), Some(123));
        assert_eq!(parse_rfc3339("4001-01-01T00:00:00+0000"), Some(64_092_211_200_000));
        for bad in ["", "2020-07-22", "2020-07-22T18:33:15", "2020-07-22T18:33:15+1", "2020-13-01T00:00:00Z", "2020-07-22T18:33:15.Z", "२०२०-07-22T18:33:15Z"] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn uuid() {
        let u = parse_uuid("956328D9-CC6A-47F4-BE40-6953FB0AB6C7").unwrap();
        assert_eq!(u[0], 0x95);
        assert_eq!(u[15], 0xc7);
        assert!(parse_uuid("xyz").is_err());
        assert!(parse_uuid("956328D9-CC6A-47F4-BE40-6953FB0AB6CG").is_err());
    }

    #[test]
    fn plist() {
        assert_eq!(plist_value("{ \"a\" = \"1\"; \"b\" = \"2\"; }", "b"), Some("2"));
        assert_eq!(plist_value("{ \"a\" = \"1\" }", "a"), None);
        assert_eq!(plist_value("{}", "a"), None);
    }
}
