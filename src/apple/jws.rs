//! StoreKit 2 / App Store Server signed data: compact JWS, ES256, an `x5c` chain to a pinned root.
//!
//! [`SignedDataVerifier`] follows Apple's `SignedDataVerifier` with `enableOnlineChecks = false`
//! (store-formats §3.3.2), and is stricter where Apple's is loose:
//!
//! 1. the token is three base64url parts; the header's `alg` must be `ES256` — checked before
//!    any key or certificate is read. The header, and after the signature the payload, must not
//!    repeat a key in any object at any depth (`MALFORMED_INPUT`; see
//!    the README for why);
//! 2. `x5c` holds exactly three certificates. The leaf (`x5c[0]`, P-256, OID …6.11.1) must be signed
//!    by the intermediate (`x5c[1]`, a CA with OID …6.2.1), and the intermediate by one of the
//!    configured roots. `x5c[2]` must be a certificate but is never trusted as sent;
//! 3. the signature is raw `r‖s` (64 bytes) over `header.payload`, with the leaf's key;
//! 4. the payload is decoded, and the leaf, intermediate and root must be valid at the effective
//!    date: the payload's `signedDate` (`receiptCreationDate` for an app transaction), or `now`
//!    when it has none — Apple's rule, which is why an old notification without `signedDate`
//!    fails once its leaf has expired (see the README);
//! 5. then the app checks in Apple's order (bundle id, app Apple id for Production, environment).
//!
//! For `Xcode` and `LocalTesting`, Apple skips verification. We do not skip the signature: the
//! token must carry exactly one certificate and verify under its key; there is no trust in it,
//! so the result is marked as test data ([`Verified::is_test_data`]).
//!
//! Verified chains are cached per verifier (keyed by the x5c text, which fixes the bytes), so a
//! hot call costs one ES256 check; validity is re-checked on every call.
//!
//! With `enable_online_checks`, as in Apple's library, validity is judged at `now` (not the
//! signed date) and the leaf and the intermediate must each have a current `good` OCSP answer
//! ([`crate::ocsp`]). The core stays sans-I/O: the chain says what to ask (an `OcspTarget` each),
//! the caller (the wasm layer's `…Async` methods) sends the requests and hands the answers to the
//! targets; the synchronous methods refuse to run with online checks on.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use ring::signature;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::models::{AppTransaction, Environment, JwsRenewalInfoDecodedPayload, JwsTransactionDecodedPayload};
use crate::wire::{self, Field};
use crate::error::{Error, Result};
use crate::limits;
use crate::ocsp::{OcspCache, OcspTarget, OcspTransport};
use crate::x509::{ext, Certificate, KeyKind, PublicKey, TrustAnchors, Validity};

/// How many verified chains a [`SignedDataVerifier`] remembers.
pub const CHAIN_CACHE_SIZE: usize = 32;

/// A decoded payload whose signature and chain were verified. Only a [`SignedDataVerifier`]
/// makes one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verified<T> {
    #[serde(flatten)]
    payload: T,
    /// Present (`true`) only for Xcode/LocalTesting data, which no Apple key signed.
    #[serde(rename = "testData", skip_serializing_if = "std::ops::Not::not")]
    test_data: bool,
}

impl Verified<Map<String, Value>> {
    /// The typed view of a verified JSON payload (which was read as `T`'s model, so this cannot
    /// fail but for a bug).
    pub(crate) fn typed<T: DeserializeOwned>(self) -> Result<Verified<T>> {
        let test_data = self.test_data;
        Ok(Verified { payload: typed(self.payload)?, test_data })
    }

    /// The payload as JSON callers get it: the object, with `testData: true` for Xcode/LocalTesting
    /// data, as serializing the typed `Verified<T>` gives.
    pub(crate) fn into_json(self) -> Value {
        let mut payload = self.payload;
        if self.test_data {
            payload.insert("testData".to_owned(), Value::Bool(true));
        }
        Value::Object(payload)
    }
}

/// `T` from a payload read as its model.
pub(crate) fn typed<T: DeserializeOwned>(payload: Map<String, Value>) -> Result<T> {
    serde_json::from_value(Value::Object(payload)).map_err(|e| Error::malformed("JWS payload", format!("not the expected JSON: {e}")))
}

/// What a payload is read as: its model's fields, and the field holding its effective date.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Model {
    pub(crate) fields: &'static [Field],
    date: &'static str,
}

impl Model {
    /// The model's wire schema.
    #[allow(dead_code)] // used on wasm32 only
    pub(crate) fn wire_fields(&self) -> &'static [Field] {
        self.fields
    }
}

/// `JWSTransactionDecodedPayload`; effective date `signedDate`.
pub(crate) const TRANSACTION: Model = Model { fields: JwsTransactionDecodedPayload::FIELDS, date: "signedDate" };
/// `JWSRenewalInfoDecodedPayload`; effective date `signedDate`.
pub(crate) const RENEWAL_INFO: Model = Model { fields: JwsRenewalInfoDecodedPayload::FIELDS, date: "signedDate" };
/// `AppTransaction`; effective date `receiptCreationDate`.
pub(crate) const APP_TRANSACTION: Model = Model { fields: AppTransaction::FIELDS, date: "receiptCreationDate" };
/// `ResponseBodyV2DecodedPayload`; effective date `signedDate`.
pub(crate) const NOTIFICATION: Model =
    Model { fields: super::models::ResponseBodyV2DecodedPayload::FIELDS, date: "signedDate" };
/// `DecodedRealtimeRequestBody`: any JSON object (its types are checked apart); `signedDate`.
pub(crate) const REALTIME_REQUEST: Model = Model { fields: &[], date: "signedDate" };

impl<T> Verified<T> {
    pub(crate) fn new(payload: T, test_data: bool) -> Self {
        Verified { payload, test_data }
    }

    /// The decoded payload.
    pub fn payload(&self) -> &T {
        &self.payload
    }

    /// Takes the payload out.
    pub fn into_payload(self) -> T {
        self.payload
    }

    pub(crate) fn payload_mut(&mut self) -> &mut T {
        &mut self.payload
    }

    /// True when the data was signed by a local Xcode/StoreKit test certificate, not by Apple.
    pub fn is_test_data(&self) -> bool {
        self.test_data
    }
}

/// A verified transaction.
pub type VerifiedTransaction = Verified<JwsTransactionDecodedPayload>;
/// Verified renewal info.
pub type VerifiedRenewalInfo = Verified<JwsRenewalInfoDecodedPayload>;
/// A verified app transaction.
pub type VerifiedAppTransaction = Verified<AppTransaction>;

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    x5c: Option<serde_json::Value>,
    /// RFC 7515 §4.1.11: extensions the recipient must understand. We understand none.
    crit: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
struct CachedChain {
    /// The three x5c entries as sent (x5c[2] too, so a hit behaves exactly like a miss).
    x5c: [String; 3],
    key: PublicKey,
    validities: Vec<Validity>,
    /// Leaf (asked of the intermediate) and intermediate (asked of the root); empty offline.
    ocsp: Vec<OcspTarget>,
}

/// Verifies and decodes Apple's signed data, as Apple's `SignedDataVerifier` does offline.
#[derive(Debug)]
pub struct SignedDataVerifier {
    anchors: TrustAnchors,
    environment: Environment,
    bundle_id: String,
    app_apple_id: Option<i64>,
    cache: Mutex<VecDeque<Arc<CachedChain>>>,
    /// Headers (base64url text as received) that passed step 1 and 2, with their chain: the same
    /// text decodes to the same header, so a hit skips decoding it and reading its `x5c`.
    headers: Mutex<VecDeque<(String, Arc<CachedChain>)>>,
    online: bool,
    ocsp_cache: OcspCache,
}

impl SignedDataVerifier {
    /// `anchors`: the roots (Apple's: [`super::roots::jws_roots`]). With `enable_online_checks`
    /// the synchronous methods refuse to verify (`INVALID_ARGUMENT`): OCSP needs the network,
    /// which only the JS `…Async` methods use (see the module doc). `app_apple_id` is required for
    /// Production, as Apple requires.
    pub fn new(
        anchors: TrustAnchors,
        enable_online_checks: bool,
        environment: Environment,
        bundle_id: impl Into<String>,
        app_apple_id: Option<i64>,
    ) -> Result<Self> {
        if environment == Environment::Production && app_apple_id.is_none() {
            return Err(Error::invalid_argument("appAppleId is required for the Production environment"));
        }
        if let Environment::Unknown(e) = &environment {
            return Err(Error::invalid_argument(format!(
                "unknown environment '{e}' (expected Sandbox, Production, Xcode or LocalTesting)"
            )));
        }
        Ok(SignedDataVerifier {
            anchors,
            environment,
            bundle_id: bundle_id.into(),
            app_apple_id,
            cache: Mutex::new(VecDeque::new()),
            headers: Mutex::new(VecDeque::new()),
            online: enable_online_checks,
            ocsp_cache: OcspCache::default(),
        })
    }

    /// The same with DER roots; `None` means Apple's bundled roots.
    pub fn with_roots<B: AsRef<[u8]>>(
        roots: Option<&[B]>,
        enable_online_checks: bool,
        environment: Environment,
        bundle_id: impl Into<String>,
        app_apple_id: Option<i64>,
    ) -> Result<Self> {
        let anchors = match roots {
            Some(r) => TrustAnchors::from_der(r)?,
            None => super::roots::jws_roots(),
        };
        Self::new(anchors, enable_online_checks, environment, bundle_id, app_apple_id)
    }

    /// Whether online (OCSP) checks are on.
    pub fn online_checks(&self) -> bool {
        self.online
    }

    /// The online step for a JWS whose signature and validity have been checked: a current
    /// `good` OCSP answer for the leaf and the intermediate (cached ones first), through the
    /// caller's `transport`. Nothing to do offline or for Xcode/LocalTesting data.
    pub(crate) async fn check_online<T: OcspTransport>(&self, prepared: &PreparedJws<'_>, now: i64, transport: &T) -> Result<()> {
        crate::ocsp::check_all(prepared.ocsp_targets(), &self.ocsp_cache, now, transport).await
    }

    /// `INVALID_ARGUMENT` when online checks are on: a synchronous call cannot make them.
    pub(crate) fn refuse_online(&self) -> Result<()> {
        if self.online {
            return Err(Error::invalid_argument(
                "enableOnlineChecks: true needs the ...Async methods (OCSP requests are sent with fetch); \
                 the synchronous methods verify offline only",
            ));
        }
        Ok(())
    }

    /// The configured environment.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }

    /// `signedTransactionInfo` / a transaction from the App Store Server API.
    pub fn verify_and_decode_transaction(&self, jws: &str, now: i64) -> Result<VerifiedTransaction> {
        self.transaction_json(jws, now)?.typed()
    }

    /// [`Self::verify_and_decode_transaction`], the payload as the JSON object.
    pub(crate) fn transaction_json(&self, jws: &str, now: i64) -> Result<Verified<Map<String, Value>>> {
        let v = self.verify_jws(jws, now, TRANSACTION)?;
        self.check_transaction(&v.payload)?;
        Ok(v)
    }

    /// `signedRenewalInfo`. Renewal info has no bundle id: only the environment is checked.
    pub fn verify_and_decode_renewal_info(&self, jws: &str, now: i64) -> Result<VerifiedRenewalInfo> {
        self.renewal_info_json(jws, now)?.typed()
    }

    /// [`Self::verify_and_decode_renewal_info`], the payload as the JSON object.
    pub(crate) fn renewal_info_json(&self, jws: &str, now: i64) -> Result<Verified<Map<String, Value>>> {
        let v = self.verify_jws(jws, now, RENEWAL_INFO)?;
        self.check_renewal_info(&v.payload)?;
        Ok(v)
    }

    /// `signedAppTransactionInfo`. The effective date is `receiptCreationDate`.
    pub fn verify_and_decode_app_transaction(&self, jws: &str, now: i64) -> Result<VerifiedAppTransaction> {
        self.app_transaction_json(jws, now)?.typed()
    }

    /// [`Self::verify_and_decode_app_transaction`], the payload as the JSON object.
    pub(crate) fn app_transaction_json(&self, jws: &str, now: i64) -> Result<Verified<Map<String, Value>>> {
        let v = self.verify_jws(jws, now, APP_TRANSACTION)?;
        self.check_app_transaction(&v.payload)?;
        Ok(v)
    }

    /// [`Self::verify_and_decode_transaction`] with the online checks, for a verifier made with
    /// `enable_online_checks`: OCSP requests go through the caller's `transport` (sans-I/O), after
    /// the signature and validity (at `now`) and before the app checks.
    pub async fn verify_and_decode_transaction_online<T: OcspTransport>(
        &self,
        jws: &str,
        now: i64,
        transport: &T,
    ) -> Result<VerifiedTransaction> {
        let prepared = self.prepare(jws)?;
        prepared.verify_signature()?;
        let v = prepared.decode(now, TRANSACTION)?;
        self.check_online(&prepared, now, transport).await?;
        self.check_transaction(&v.payload)?;
        v.typed()
    }

    /// Apple's transaction checks: bundle id, then environment.
    pub(crate) fn check_transaction(&self, t: &Map<String, Value>) -> Result<()> {
        self.check_bundle_id(wire::text(t, "bundleId"))?;
        self.check_environment(environment(t, "environment").as_ref())
    }

    /// Apple's renewal info check: environment only (there is no bundle id).
    pub(crate) fn check_renewal_info(&self, r: &Map<String, Value>) -> Result<()> {
        self.check_environment(environment(r, "environment").as_ref())
    }

    /// Apple's app transaction checks: bundle id, app Apple id (Production), `receiptType`.
    pub(crate) fn check_app_transaction(&self, a: &Map<String, Value>) -> Result<()> {
        self.check_app(wire::text(a, "bundleId"), wire::int(a, "appAppleId"))?;
        self.check_environment(environment(a, "receiptType").as_ref())
    }

    pub(crate) fn check_bundle_id(&self, actual: Option<&str>) -> Result<()> {
        if actual != Some(self.bundle_id.as_str()) {
            return Err(Error::InvalidAppIdentifier { expected: self.bundle_id.clone(), actual: actual.map(str::to_owned) });
        }
        Ok(())
    }

    /// Bundle id, then the app Apple id when the environment is Production (Apple's rule).
    pub(crate) fn check_app(&self, bundle_id: Option<&str>, app_apple_id: Option<i64>) -> Result<()> {
        self.check_bundle_id(bundle_id)?;
        self.check_app_apple_id(app_apple_id)
    }

    /// The app Apple id, checked only when the environment is Production (Apple's rule).
    pub(crate) fn check_app_apple_id(&self, app_apple_id: Option<i64>) -> Result<()> {
        if self.environment == Environment::Production && app_apple_id != self.app_apple_id {
            return Err(Error::InvalidAppIdentifier {
                expected: self.app_apple_id.map(|i| i.to_string()).unwrap_or_default(),
                actual: app_apple_id.map(|i| i.to_string()),
            });
        }
        Ok(())
    }

    pub(crate) fn check_environment(&self, actual: Option<&Environment>) -> Result<()> {
        if actual != Some(&self.environment) {
            return Err(Error::InvalidEnvironment {
                expected: self.environment.as_str().to_owned(),
                actual: actual.map(|e| e.as_str().to_owned()),
            });
        }
        Ok(())
    }

    /// Steps 1–4 of the module doc; returns the decoded payload, read as `model`.
    pub(crate) fn verify_jws(&self, jws: &str, now: i64, model: Model) -> Result<Verified<Map<String, Value>>> {
        self.refuse_online()?;
        let prepared = self.prepare(jws)?;
        prepared.verify_signature()?;
        prepared.decode(now, model)
    }

    /// Step 1 and 2: shape, algorithm, chain (cached). The signature is not checked yet.
    pub(crate) fn prepare<'a>(&self, jws: &'a str) -> Result<PreparedJws<'a>> {
        limits::check("JWS", jws.len(), limits::MAX_JWS)?;
        let mut parts = jws.split('.');
        let (Some(h64), Some(p64), Some(s64), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(Error::malformed("JWS", "a compact JWS has exactly three parts"));
        };
        let test_data = self.environment.is_local_test();
        let chain = match self.cached_header(h64) {
            Some(chain) => chain,
            None => {
                let chain = self.header_chain(h64, test_data)?;
                if let Ok(mut headers) = self.headers.lock() {
                    if headers.len() >= CHAIN_CACHE_SIZE {
                        headers.pop_front();
                    }
                    headers.push_back((h64.to_owned(), Arc::clone(&chain)));
                }
                chain
            }
        };

        let sig = crate::b64::decode_url("JWS signature", s64)?;
        let signature: [u8; 64] = sig.as_slice().try_into().map_err(|_| Error::InvalidSignature)?;
        let signed_len = h64.len().saturating_add(1).saturating_add(p64.len());
        let signing_input = jws.get(..signed_len).ok_or_else(|| Error::malformed("JWS", "bad part lengths"))?;
        let online = self.online && !test_data;
        Ok(PreparedJws { signing_input, payload_b64: p64, signature, chain, test_data, online })
    }

    /// The chain of a header that passed steps 1 and 2 before, by its exact text.
    fn cached_header(&self, h64: &str) -> Option<Arc<CachedChain>> {
        let headers = self.headers.lock().ok()?;
        headers.iter().find(|(text, _)| text == h64).map(|(_, chain)| Arc::clone(chain))
    }

    /// Steps 1 and 2 on the header: its JSON, `alg`, `crit`, and the `x5c` chain (cached).
    fn header_chain(&self, h64: &str, test_data: bool) -> Result<Arc<CachedChain>> {
        let header_json = crate::b64::decode_url("JWS header", h64)?;
        crate::signed_json::check_unique_keys("JWS header", &header_json)?;
        let header: Header = serde_json::from_slice(&header_json)
            .map_err(|e| Error::malformed("JWS header", format!("not a JSON object: {e}")))?;
        if header.alg.as_deref() != Some("ES256") {
            return Err(Error::malformed("JWS header", "alg must be ES256"));
        }
        if header.crit.is_some() {
            return Err(Error::malformed("JWS header", "critical header extensions are not supported"));
        }
        let x5c = x5c_strings(header.x5c.as_ref())?;
        if test_data {
            let [only] = x5c.as_slice() else {
                return Err(Error::unreadable_chain("Xcode/LocalTesting data must carry exactly one certificate"));
            };
            // No root vouches for it: only the signature is checked, and the result is marked.
            let key = ec_p256_key(&Certificate::parse(&cert_bytes(only)?)?)?;
            Ok(Arc::new(CachedChain { x5c: Default::default(), key, validities: Vec::new(), ocsp: Vec::new() }))
        } else {
            let [leaf, intermediate, root] = x5c.as_slice() else {
                return Err(Error::unreadable_chain("x5c must hold exactly three certificates"));
            };
            self.chain(leaf, intermediate, root)
        }
    }

    /// The leaf key and validities of a verified chain, from the cache or built and cached.
    fn chain(&self, leaf_b64: &str, intermediate_b64: &str, root_b64: &str) -> Result<Arc<CachedChain>> {
        if let Ok(cache) = self.cache.lock() {
            if let Some(hit) = cache.iter().find(|c| c.x5c == [leaf_b64, intermediate_b64, root_b64]) {
                return Ok(Arc::clone(hit));
            }
        }
        let leaf_der = cert_bytes(leaf_b64)?;
        let int_der = cert_bytes(intermediate_b64)?;
        // x5c[2] must be a certificate, but trust comes from the configured roots only.
        Certificate::parse(&cert_bytes(root_b64)?)?;
        let (key, validities, anchor) = verify_chain(&self.anchors, &leaf_der, &int_der)?;
        let ocsp = if self.online {
            let (leaf, int) = (Certificate::parse(&leaf_der)?, Certificate::parse(&int_der)?);
            vec![
                OcspTarget::new(&leaf, int.subject, &int.public_key()?)?,
                OcspTarget::new(&int, anchor.subject(), anchor.public_key())?,
            ]
        } else {
            Vec::new()
        };
        let entry = Arc::new(CachedChain {
            x5c: [leaf_b64.to_owned(), intermediate_b64.to_owned(), root_b64.to_owned()],
            key,
            validities,
            ocsp,
        });
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CHAIN_CACHE_SIZE {
                cache.pop_front();
            }
            cache.push_back(Arc::clone(&entry));
        }
        Ok(entry)
    }
}

/// Apple's JWS chain rule on DER certificates: the leaf (P-256, OID …6.11.1) issued and signed by
/// the intermediate (a CA with OID …6.2.1), which is signed by one of `anchors`. Returns the leaf
/// key and the validity windows of leaf, intermediate and root, which the caller checks at the
/// effective date (see [`check_validity_at`]).
pub fn verify_x5c_chain(anchors: &TrustAnchors, leaf_der: &[u8], intermediate_der: &[u8]) -> Result<(PublicKey, Vec<Validity>)> {
    verify_chain(anchors, leaf_der, intermediate_der).map(|(key, validities, _)| (key, validities))
}

fn verify_chain<'t>(
    anchors: &'t TrustAnchors,
    leaf_der: &[u8],
    intermediate_der: &[u8],
) -> Result<(PublicKey, Vec<Validity>, &'t crate::x509::TrustAnchor)> {
    let leaf = Certificate::parse(leaf_der)?;
    let intermediate = Certificate::parse(intermediate_der)?;
    leaf.require_extension(ext::APPLE_RECEIPT_SIGNING, "receipt-signing (1.2.840.113635.100.6.11.1)")?;
    if !intermediate.is_ca()? {
        return Err(Error::bad_chain(format!("'{}' is not a CA", intermediate.common_name())));
    }
    intermediate.require_extension(ext::APPLE_WWDR_INTERMEDIATE, "WWDR intermediate (1.2.840.113635.100.6.2.1)")?;
    if leaf.issuer != intermediate.subject {
        return Err(Error::bad_chain("the leaf was not issued by x5c[1]"));
    }
    leaf.verify_signed_by(&intermediate.public_key()?)?;
    let anchor = anchors.find_issuer(&intermediate)?;
    Ok((ec_p256_key(&leaf)?, vec![Validity::of(&leaf), Validity::of(&intermediate), anchor.validity()], anchor))
}

/// `CERTIFICATE_EXPIRED` unless every window contains `at` (epoch ms).
pub fn check_validity_at(validities: &[Validity], at: i64) -> Result<()> {
    validities.iter().try_for_each(|v| v.check_at(at))
}

/// A verified payload, and its JSON text when it may be handed out as sent.
pub(crate) type WithText = (Verified<Map<String, Value>>, Option<String>);

/// A JWS whose shape, algorithm and certificate chain have been checked, and whose ES256
/// signature has not (yet). Crate-private: the wasm layer may check the signature with the host's
/// WebCrypto instead of ring, then call [`PreparedJws::decode_host_verified`].
pub(crate) struct PreparedJws<'a> {
    signing_input: &'a str,
    payload_b64: &'a str,
    signature: [u8; 64],
    chain: Arc<CachedChain>,
    test_data: bool,
    /// Online checks: validity at `now`, and OCSP for [`Self::ocsp_targets`].
    online: bool,
}

impl PreparedJws<'_> {
    /// `header.payload` as received: what the signature covers.
    pub(crate) fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// The raw `r‖s` signature.
    #[allow(dead_code)] // used on wasm32 only
    pub(crate) fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// The signing key: the uncompressed P-256 point of the verified leaf (or Xcode's certificate).
    #[allow(dead_code)] // used on wasm32 only
    pub(crate) fn key_point(&self) -> &[u8] {
        &self.chain.key.key
    }

    /// What to ask OCSP responders about (leaf, intermediate), or nothing when offline (or for
    /// Xcode/LocalTesting data, which has no chain).
    pub(crate) fn ocsp_targets(&self) -> &[OcspTarget] {
        if self.online {
            &self.chain.ocsp
        } else {
            &[]
        }
    }

    /// Step 3 with ring.
    pub(crate) fn verify_signature(&self) -> Result<()> {
        self.chain.key.verify(&signature::ECDSA_P256_SHA256_FIXED, self.signing_input(), &self.signature)
    }

    /// Step 4 after [`Self::verify_signature`] succeeded: the payload read as `model`.
    fn decode(&self, now: i64, model: Model) -> Result<Verified<Map<String, Value>>> {
        self.decode_text(now, model).map(|(verified, _)| verified)
    }

    /// [`Self::decode`], and the payload's JSON text when its plain `JSON.parse` is exactly the
    /// decoded payload ([`crate::as_sent`]), for the wasm layer to hand out instead of
    /// re-serializing it.
    fn decode_text(&self, now: i64, model: Model) -> Result<WithText> {
        let json = crate::b64::decode_url("JWS payload", self.payload_b64)?;
        // The plain shape has no repeated key, so the scan could only pass. `Some(None)`: the
        // payload text as it is; `Some(Some(text))`: its fields put in the decoded order.
        let as_sent = match crate::as_sent::as_sent_text(&json, model.fields) {
            Some(std::borrow::Cow::Borrowed(_)) => Some(None),
            Some(std::borrow::Cow::Owned(reordered)) => Some(Some(reordered)),
            None => None,
        };
        if as_sent.is_none() {
            crate::signed_json::check_unique_keys("JWS payload", &json)?;
        }
        let not_expected = |e: String| Error::malformed("JWS payload", format!("not the expected JSON: {e}"));
        let value: Value = serde_json::from_slice(&json).map_err(|e| not_expected(e.to_string()))?;
        let payload = wire::read_object(value, model.fields).map_err(not_expected)?;
        // Online, as in Apple's library, the chain must be valid now, when its status is asked.
        let signed = if self.online { None } else { payload.get(model.date).and_then(Value::as_f64).and_then(ms_from_f64) };
        let at = signed.unwrap_or(now);
        check_validity_at(&self.chain.validities, at)?;
        let text = match as_sent {
            Some(Some(reordered)) => Some(reordered),
            Some(None) => String::from_utf8(json).ok(),
            None => None,
        };
        Ok((Verified { payload, test_data: self.test_data }, text))
    }

    /// Step 4 for a signature a host engine (node:crypto or WebCrypto) has verified over
    /// [`Self::signing_input`] with [`Self::key_point`] (ECDSA P-256 SHA-256, IEEE P1363 `r‖s`).
    /// Only the wasm layer calls it, and only after the host said the signature is valid.
    #[allow(dead_code)] // used on wasm32 only
    pub(crate) fn decode_host_verified(&self, now: i64, model: Model) -> Result<Verified<Map<String, Value>>> {
        self.decode(now, model)
    }

    /// [`Self::decode_host_verified`] with the payload text when it may be handed out as sent
    /// (see [`Self::decode_text`]).
    #[allow(dead_code)] // used on wasm32 only
    pub(crate) fn decode_host_verified_text(&self, now: i64, model: Model) -> Result<WithText> {
        self.decode_text(now, model)
    }
}

/// An environment field of a read payload.
pub(crate) fn environment(map: &Map<String, Value>, name: &str) -> Option<Environment> {
    wire::text(map, name).map(Environment::from_wire)
}

/// The `x5c` certificates of a compact JWS's header, described for display in the order sent
/// ([`crate::x509::describe`]; an entry that is not base64 DER is its own `MALFORMED_INPUT`). A
/// header without an `x5c` array is `INVALID_CHAIN`, as the verifiers say. Nothing is verified:
/// use it to show a JWS's chain, never to decide anything.
pub fn describe_certificates(jws: &str) -> Result<Vec<Result<crate::x509::CertificateInfo>>> {
    limits::check("JWS", jws.len(), limits::MAX_JWS)?;
    let h64 = jws.split('.').next().unwrap_or_default();
    let header: Header = serde_json::from_slice(&crate::b64::decode_url("JWS header", h64)?)
        .map_err(|e| Error::malformed("JWS header", format!("not a JSON object: {e}")))?;
    Ok(x5c_strings(header.x5c.as_ref())?.into_iter().map(|b64| crate::x509::describe(&crate::b64::decode_standard("x5c", b64)?)).collect())
}

fn x5c_strings(x5c: Option<&serde_json::Value>) -> Result<Vec<&str>> {
    let items = match x5c {
        Some(serde_json::Value::Array(items)) => items,
        Some(_) => return Err(Error::unreadable_chain("x5c is not an array")),
        None => return Err(Error::unreadable_chain("the JWS header has no x5c certificate chain")),
    };
    if items.len() > limits::MAX_X5C {
        return Err(Error::unreadable_chain("x5c must hold exactly three certificates"));
    }
    items.iter().map(|v| v.as_str().ok_or_else(|| Error::unreadable_chain("an x5c entry is not a string"))).collect()
}

/// x5c entries are standard base64 DER (RFC 7515 §4.1.6); anything else is a bad chain.
fn cert_bytes(b64: &str) -> Result<Vec<u8>> {
    crate::b64::decode_standard("x5c", b64).map_err(|_| Error::unreadable_chain("an x5c entry is not base64"))
}

fn ec_p256_key(cert: &Certificate<'_>) -> Result<PublicKey> {
    let key = cert.public_key()?;
    if key.kind != KeyKind::EcP256 {
        return Err(Error::bad_chain(format!("'{}' does not have a P-256 key (ES256)", cert.common_name())));
    }
    Ok(key)
}

/// Epoch ms from a JSON number, floored; `None` when it is not a finite, representable time.
#[allow(clippy::cast_possible_truncation)] // range-checked just above the cast
pub(crate) fn ms_from_f64(ms: f64) -> Option<i64> {
    if ms.is_finite() && ms.abs() < 8.0e15 {
        Some(ms.floor() as i64)
    } else {
        None
    }
}
