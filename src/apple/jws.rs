//! StoreKit 2 / App Store Server signed data (JWS): documented on [`SignedDataVerifier`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use ring::signature;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::models::{AppData, AppTransaction, Environment, JwsRenewalInfoDecodedPayload, JwsTransactionDecodedPayload, NotificationData};
use crate::host::{check_signature, run_ready, Algorithm, DynHost, RingOnly, SignatureCheck};
use crate::model_fields::{self, Field};
use crate::error::{Error, Result};
use crate::limits;
use crate::ocsp::{DynTransport, OcspCache, OcspTarget, OcspTransport};
use crate::x509::{ext, Certificate, KeyKind, PublicKey, TrustAnchors, Validity};

/// How many verified chains a [`SignedDataVerifier`] remembers.
pub(crate) const CHAIN_CACHE_SIZE: usize = 32;

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

/// What a signed payload is: which model it is read as, and which of Apple's checks follow. Public
/// only with the `binding` feature, for [`SignedDataVerifier::verify_json_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(not(feature = "binding"), allow(unreachable_pub))]
pub enum SignedKind {
    /// `signedTransactionInfo`.
    Transaction,
    /// `signedRenewalInfo`.
    RenewalInfo,
    /// `signedAppTransactionInfo`.
    AppTransaction,
    /// A notification's `signedPayload` (App Store Server Notifications V2).
    Notification,
}

impl SignedKind {
    fn model(self) -> Model {
        match self {
            SignedKind::Transaction => TRANSACTION,
            SignedKind::RenewalInfo => RENEWAL_INFO,
            SignedKind::AppTransaction => APP_TRANSACTION,
            SignedKind::Notification => NOTIFICATION,
        }
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

/// The JOSE header of a compact JWS: a JSON object in which no key repeats, its `alg`, `crit` and
/// `x5c` read by hand (absent and `null` alike), other members ignored.
struct Header(Map<String, Value>);

impl Header {
    fn decode(h64: &str) -> Result<Self> {
        crate::json_text::decode_inner_object("JWS header", &crate::b64::decode_url("JWS header", h64)?).map(Header)
    }

    fn member(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    fn alg(&self) -> Option<&str> {
        self.member("alg").and_then(Value::as_str)
    }

    /// RFC 7515 §4.1.11: extensions the recipient must understand. We understand none.
    fn has_crit(&self) -> bool {
        self.member("crit").is_some()
    }

    fn x5c(&self) -> Option<&Value> {
        self.member("x5c")
    }
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
///
/// StoreKit 2 / App Store Server signed data: compact JWS, ES256, an `x5c` chain to a pinned root.
///
/// [`SignedDataVerifier`] follows Apple's `SignedDataVerifier` with `enableOnlineChecks = false`
/// (store-formats §3.3.2), and is stricter where Apple's is loose:
///
/// 1. the token is three base64url parts; the header's `alg` must be `ES256` — checked before
///    any key or certificate is read. The header, and after the signature the payload, must not
///    repeat a key in any object at any depth (`MALFORMED_INPUT`; see
///    the README for why);
/// 2. `x5c` holds exactly three certificates. The leaf (`x5c[0]`, P-256, OID …6.11.1) must be signed
///    by the intermediate (`x5c[1]`, a CA with OID …6.2.1), and the intermediate by one of the
///    configured roots. `x5c[2]` must be a certificate but is never trusted as sent;
/// 3. the signature is raw `r‖s` (64 bytes) over `header.payload`, with the leaf's key;
/// 4. the payload is decoded, and the leaf, intermediate and root must be valid at the effective
///    date: the payload's `signedDate` (`receiptCreationDate` for an app transaction), or `now`
///    when it has none — Apple's rule, which is why an old notification without `signedDate`
///    fails once its leaf has expired (see the README);
/// 5. then the app checks in Apple's order (bundle id, app Apple id for Production, environment).
///
/// For `Xcode` and `LocalTesting`, Apple skips verification. We do not skip the signature: the
/// token must carry exactly one certificate and verify under its key; there is no trust in it,
/// so the result is marked as test data ([`Verified::is_test_data`]).
///
/// Verified chains are cached per verifier (keyed by the x5c text, which fixes the bytes), so a
/// hot call costs one ES256 check; validity is re-checked on every call.
///
/// With `enable_online_checks`, as in Apple's library, validity is judged at `now` (not the
/// signed date) and the leaf and the intermediate must each have a current `good` OCSP answer
/// ([`crate::ocsp`]). The core stays sans-I/O: the chain says what to ask (an `OcspTarget` each),
/// the caller (the wasm layer's `…Async` methods) sends the requests and hands the answers to the
/// targets; the synchronous methods refuse to run with online checks on.
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
    /// [`Self::with_roots`] with the roots already parsed.
    pub(crate) fn with_anchors(
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

    /// A verifier trusting `roots` (DER certificates; `None` means Apple's bundled roots, Apple
    /// Root CA - G3, G2 and Apple Root CA, see [`crate::apple::roots`]), for `environment`, the
    /// app's `bundle_id` and, required for Production as Apple requires, its `app_apple_id`.
    ///
    /// With `enable_online_checks`, validity is judged at `now` and each chain needs a current
    /// `good` OCSP answer: only [`Self::verify_and_decode_transaction_online`] (which sends the
    /// requests through the caller's transport) verifies then; the other methods refuse
    /// (`INVALID_ARGUMENT`). Errors: `INVALID_ARGUMENT` (a root that is not a certificate, an
    /// unknown environment, no `app_apple_id` for Production).
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
        Self::with_anchors(anchors, enable_online_checks, environment, bundle_id, app_apple_id)
    }

    /// The verifier of an App Store Server API client's answers: [`Self::with_roots`] offline,
    /// except that Production does not need `app_apple_id` (Apple's client does not ask for it).
    /// Without it, the app Apple id of the data is not compared (the bundle id, the environment
    /// and the chain still are); with it, it is, as by [`Self::with_roots`].
    pub(crate) fn for_api_answers<B: AsRef<[u8]>>(
        roots: Option<&[B]>,
        environment: Environment,
        bundle_id: impl Into<String>,
        app_apple_id: Option<i64>,
    ) -> Result<Self> {
        // Made as a Sandbox verifier (no app Apple id needed), then set to the environment asked.
        let mut v = Self::with_roots(roots, false, Environment::Sandbox, bundle_id, app_apple_id)?;
        if let Environment::Unknown(e) = &environment {
            return Err(Error::invalid_argument(format!(
                "unknown environment '{e}' (expected Sandbox, Production, Xcode or LocalTesting)"
            )));
        }
        v.environment = environment;
        Ok(v)
    }

    /// Whether online (OCSP) checks are on.
    pub fn online_checks(&self) -> bool {
        self.online
    }

    /// `INVALID_ARGUMENT` when online checks are on: a call without a transport cannot make them.
    fn refuse_online(&self) -> Result<()> {
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
        self.json(SignedKind::Transaction, jws, now)?.typed()
    }

    /// `signedRenewalInfo`. Renewal info has no bundle id: only the environment is checked.
    pub fn verify_and_decode_renewal_info(&self, jws: &str, now: i64) -> Result<VerifiedRenewalInfo> {
        self.json(SignedKind::RenewalInfo, jws, now)?.typed()
    }

    /// `signedAppTransactionInfo`. The effective date is `receiptCreationDate`.
    pub fn verify_and_decode_app_transaction(&self, jws: &str, now: i64) -> Result<VerifiedAppTransaction> {
        self.json(SignedKind::AppTransaction, jws, now)?.typed()
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
        let (v, _) = self.drive(SignedKind::Transaction, jws, now, &RingOnly, Some(transport)).await?;
        v.typed()
    }

    /// A payload of `kind` as its JSON object, offline, every check by ring.
    pub(crate) fn json(&self, kind: SignedKind, jws: &str, now: i64) -> Result<Verified<Map<String, Value>>> {
        run_ready(self.drive(kind, jws, now, &RingOnly, None))?.map(|(v, _)| v)
    }

    /// Every step of the module doc for a payload of `kind`, each ES256 check asked of `host` first
    /// (see [`crate::host`]); for a notification, its nested JWS too, each verified the same way
    /// and added decoded. Returns the payload as its JSON object, and its JSON text when a binding
    /// may parse that instead: UTF-8 JSON whose plain `JSON.parse` is exactly the object (never for
    /// a notification). A verifier made with online checks refuses (`INVALID_ARGUMENT`): use
    /// [`Self::verify_json_online_with`]. Only with the `binding` feature.
    #[cfg(feature = "binding")]
    pub async fn verify_json_with<H: crate::host::SignatureHost>(&self, kind: SignedKind, jws: &str, now: i64, host: &H) -> Result<WithText> {
        self.drive(kind, jws, now, host, None).await
    }

    /// [`Self::verify_json_with`] with the online checks (a verifier made with
    /// `enable_online_checks`; none otherwise): OCSP requests through `transport`, after the
    /// signature and validity of each JWS and before its app checks. Only with the `binding`
    /// feature.
    #[cfg(feature = "binding")]
    pub async fn verify_json_online_with<H: crate::host::SignatureHost, T: OcspTransport>(
        &self,
        kind: SignedKind,
        jws: &str,
        now: i64,
        host: &H,
        transport: &T,
    ) -> Result<WithText> {
        self.drive(kind, jws, now, host, Some(transport)).await
    }

    /// The one driver behind every form: not generic, so a binary carries one copy of it whatever
    /// hosts and transports it uses.
    async fn drive(&self, kind: SignedKind, jws: &str, now: i64, host: &dyn DynHost, transport: Option<&dyn DynTransport>) -> Result<WithText> {
        if transport.is_none() {
            self.refuse_online()?;
        }
        if kind != SignedKind::Notification {
            return self.one(kind, jws, now, host, transport).await;
        }
        let (mut v, _) = self.one(kind, jws, now, host, transport).await?;
        let kinds = [SignedKind::Transaction, SignedKind::RenewalInfo, SignedKind::AppTransaction];
        for (nested, kind) in NESTED.into_iter().zip(kinds) {
            let Some(jws) = nested_jws(v.payload(), nested) else { continue };
            let (decoded, _) = self.one(kind, &jws, now, host, transport).await?;
            add_decoded(v.payload_mut(), nested, decoded.into_payload());
        }
        Ok((v, None))
    }

    /// One JWS: steps 1–4, the online step, then the app checks of `kind`.
    async fn one(&self, kind: SignedKind, jws: &str, now: i64, host: &dyn DynHost, transport: Option<&dyn DynTransport>) -> Result<WithText> {
        let prepared = self.prepare(jws)?;
        let check = SignatureCheck {
            algorithm: Algorithm::EcdsaP256Sha256,
            key: &prepared.chain.key.key,
            message: prepared.signing_input(),
            signature: &prepared.signature,
        };
        check_signature(host, check, || prepared.verify_signature()).await?;
        let verified = prepared.decode_text(now, kind.model())?;
        // The online step after the local ones: a forged token never reaches the network.
        if let Some(transport) = transport {
            transport.check_all_boxed(prepared.ocsp_targets(), &self.ocsp_cache, now).await?;
        }
        let payload = verified.0.payload();
        match kind {
            SignedKind::Transaction => self.check_transaction(payload),
            SignedKind::RenewalInfo => self.check_renewal_info(payload),
            SignedKind::AppTransaction => self.check_app_transaction(payload),
            SignedKind::Notification => self.check_notification(payload),
        }?;
        Ok(verified)
    }

    /// Apple's transaction checks: bundle id, then environment.
    pub(crate) fn check_transaction(&self, t: &Map<String, Value>) -> Result<()> {
        self.check_bundle_id(model_fields::text(t, "bundleId"))?;
        self.check_environment(environment(t, "environment").as_ref())
    }

    /// Apple's renewal info check: environment only (there is no bundle id).
    pub(crate) fn check_renewal_info(&self, r: &Map<String, Value>) -> Result<()> {
        self.check_environment(environment(r, "environment").as_ref())
    }

    /// Apple's app transaction checks: bundle id, app Apple id (Production), `receiptType`.
    pub(crate) fn check_app_transaction(&self, a: &Map<String, Value>) -> Result<()> {
        self.check_app(model_fields::text(a, "bundleId"), model_fields::int(a, "appAppleId"))?;
        self.check_environment(environment(a, "receiptType").as_ref())
    }

    /// Apple's notification checks: bundle id and app Apple id (Production), then environment,
    /// taken from `data`, `summary`, `externalPurchaseToken` or `appData`, as Apple picks them.
    pub(crate) fn check_notification(&self, n: &Map<String, Value>) -> Result<()> {
        let (bundle_id, app_apple_id, env) = if let Some(d) = model_fields::object(n, "data") {
            app_of(d)
        } else if let Some(s) = model_fields::object(n, "summary") {
            app_of(s)
        } else if let Some(t) = model_fields::object(n, "externalPurchaseToken") {
            let env = if model_fields::text(t, "externalPurchaseId").is_some_and(|id| id.starts_with("SANDBOX")) {
                Environment::Sandbox
            } else {
                Environment::Production
            };
            (model_fields::text(t, "bundleId"), model_fields::int(t, "appAppleId"), Some(env))
        } else if let Some(a) = model_fields::object(n, "appData") {
            app_of(a)
        } else {
            (None, None, None)
        };
        self.check_app(bundle_id, app_apple_id)?;
        self.check_environment(env.as_ref())
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

    /// The app Apple id, checked only when the environment is Production (Apple's rule), and only
    /// by a verifier that knows it (one for API answers may not, see [`Self::for_api_answers`]).
    pub(crate) fn check_app_apple_id(&self, app_apple_id: Option<i64>) -> Result<()> {
        if self.environment == Environment::Production && self.app_apple_id.is_some() && app_apple_id != self.app_apple_id {
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

    /// Steps 1–4 of the module doc by ring, offline; the decoded payload, read as `model`.
    pub(crate) fn verify_jws(&self, jws: &str, now: i64, model: Model) -> Result<Verified<Map<String, Value>>> {
        self.refuse_online()?;
        let prepared = self.prepare(jws)?;
        prepared.verify_signature()?;
        prepared.decode_text(now, model).map(|(verified, _)| verified)
    }

    /// Step 1 and 2: shape, algorithm, chain (cached). The signature is not checked yet.
    fn prepare<'a>(&self, jws: &'a str) -> Result<PreparedJws<'a>> {
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
        let header = Header::decode(h64)?;
        if header.alg() != Some("ES256") {
            return Err(Error::malformed("JWS header", "alg must be ES256"));
        }
        if header.has_crit() {
            return Err(Error::malformed("JWS header", "critical header extensions are not supported"));
        }
        let x5c = x5c_strings(header.x5c())?;
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
#[cfg(test)]
pub(crate) fn verify_x5c_chain(anchors: &TrustAnchors, leaf_der: &[u8], intermediate_der: &[u8]) -> Result<(PublicKey, Vec<Validity>)> {
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
pub(crate) fn check_validity_at(validities: &[Validity], at: i64) -> Result<()> {
    validities.iter().try_for_each(|v| v.check_at(at))
}

/// A verified payload as its JSON object, and its JSON text when a binding may parse that instead
/// (see `SignedDataVerifier::verify_json_with`, with the `binding` feature).
#[cfg_attr(not(feature = "binding"), allow(unreachable_pub))]
pub type WithText = (Verified<Map<String, Value>>, Option<String>);

/// A JWS whose shape, algorithm and certificate chain have been checked, and whose ES256
/// signature has not (yet).
struct PreparedJws<'a> {
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
    fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    /// What to ask OCSP responders about (leaf, intermediate), or nothing when offline (or for
    /// Xcode/LocalTesting data, which has no chain).
    fn ocsp_targets(&self) -> &[OcspTarget] {
        if self.online {
            &self.chain.ocsp
        } else {
            &[]
        }
    }

    /// Step 3 with ring.
    fn verify_signature(&self) -> Result<()> {
        self.chain.key.verify(&signature::ECDSA_P256_SHA256_FIXED, self.signing_input(), &self.signature)
    }

    /// Step 4 after the signature verified: the payload read as `model`, and its JSON text when
    /// its plain `JSON.parse` is exactly the decoded payload ([`crate::json_text::verbatim`]).
    fn decode_text(&self, now: i64, model: Model) -> Result<WithText> {
        let json = crate::b64::decode_url("JWS payload", self.payload_b64)?;
        // The plain shape has no repeated key, so the scan could only pass. `Some(None)`: the
        // payload text as it is; `Some(Some(text))`: its fields put in the decoded order.
        let verbatim = match crate::json_text::verbatim_text(&json, model.fields) {
            Some(std::borrow::Cow::Borrowed(_)) => Some(None),
            Some(std::borrow::Cow::Owned(reordered)) => Some(Some(reordered)),
            None => None,
        };
        let not_expected = |e: String| Error::malformed("JWS payload", format!("not the expected JSON: {e}"));
        let value = if verbatim.is_none() {
            Value::Object(crate::json_text::decode_inner_object("JWS payload", &json)?)
        } else {
            serde_json::from_slice(&json).map_err(|e| not_expected(e.to_string()))?
        };
        let payload = model_fields::read_object(value, model.fields).map_err(not_expected)?;
        // Online, as in Apple's library, the chain must be valid now, when its status is asked.
        let signed = if self.online { None } else { payload.get(model.date).and_then(Value::as_f64).and_then(crate::time::ms_from_f64) };
        let at = signed.unwrap_or(now);
        check_validity_at(&self.chain.validities, at)?;
        let text = match verbatim {
            Some(Some(reordered)) => Some(reordered),
            Some(None) => String::from_utf8(json).ok(),
            None => None,
        };
        Ok((Verified { payload, test_data: self.test_data }, text))
    }
}

/// Where a notification nests a JWS: the object (`data`, `appData`), the model's fields, the
/// signed field, and the field its decoded payload is added as.
pub(crate) type Nested = (&'static str, &'static [Field], &'static str, &'static str);

/// The nested JWS of a notification, in the order they are verified.
pub(crate) const NESTED: [Nested; 3] = [
    ("data", NotificationData::FIELDS, "signedTransactionInfo", "decodedTransactionInfo"),
    ("data", NotificationData::FIELDS, "signedRenewalInfo", "decodedRenewalInfo"),
    ("appData", AppData::FIELDS, "signedAppTransactionInfo", "decodedAppTransactionInfo"),
];

/// The nested JWS text at `nested`, if the notification has one.
pub(crate) fn nested_jws(n: &Map<String, Value>, nested: Nested) -> Option<String> {
    model_fields::object(n, nested.0).and_then(|o| model_fields::text(o, nested.2)).map(str::to_owned)
}

/// Adds the decoded payload of the JWS at `nested`.
pub(crate) fn add_decoded(n: &mut Map<String, Value>, nested: Nested, decoded: Map<String, Value>) {
    if let Some(Value::Object(o)) = n.get_mut(nested.0) {
        model_fields::insert_added(o, nested.1, nested.3, Value::Object(decoded));
    }
}

/// Bundle id, app Apple id and environment of a notification's `data`, `summary` or `appData`.
fn app_of(o: &Map<String, Value>) -> (Option<&str>, Option<i64>, Option<Environment>) {
    (model_fields::text(o, "bundleId"), model_fields::int(o, "appAppleId"), environment(o, "environment"))
}

/// An environment field of a read payload.
pub(crate) fn environment(map: &Map<String, Value>, name: &str) -> Option<Environment> {
    model_fields::text(map, name).map(Environment::from_wire)
}

/// The `x5c` certificates of a compact JWS's header, described for display in the order sent
/// ([`crate::describe_certificate`]; an entry that is not base64 DER is its own `MALFORMED_INPUT`). A
/// header without an `x5c` array is `INVALID_CHAIN`, as the verifiers say. Nothing is verified:
/// use it to show a JWS's chain, never to decide anything.
pub fn describe_certificates(jws: &str) -> Result<Vec<Result<crate::x509::CertificateInfo>>> {
    limits::check("JWS", jws.len(), limits::MAX_JWS)?;
    let h64 = jws.split('.').next().unwrap_or_default();
    let header = Header::decode(h64)?;
    Ok(x5c_strings(header.x5c())?.into_iter().map(|b64| crate::x509::describe(&crate::b64::decode_standard("x5c", b64)?)).collect())
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// 2026-11-18: every real Apple leaf in the vectors has expired.
    const NOW: i64 = 1_795_000_000_000;

    fn pem(name: &str) -> Vec<u8> {
        let text = std::fs::read_to_string(format!("{}/tests/vectors/public/certs/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap()
    }

    #[test]
    fn real_apple_chain_like_apples_own_tests() {
        let anchors = crate::apple::roots::jws_roots();
        let g6 = pem("apple-wwdr-g6.pem");
        // "Should validate a real chain": the 2025 leaf at 2025-10-31.
        let (_, windows) = verify_x5c_chain(&anchors, &pem("leaf-prod-ecc-receipt-signing-2025.pem"), &g6).unwrap();
        check_validity_at(&windows, 1_761_962_975_000).unwrap();
        // The expiry case of the same test file.
        assert_eq!(check_validity_at(&windows, 2_280_946_846_000).unwrap_err().code(), "CERTIFICATE_EXPIRED");
        // The 2021 leaf of the public JWS vectors: valid at their signed dates, expired now.
        let (_, old) = verify_x5c_chain(&anchors, &pem("leaf-prod-ecc-receipt-signing-2021.pem"), &g6).unwrap();
        check_validity_at(&old, 1_662_122_492_884).unwrap();
        assert_eq!(check_validity_at(&old, NOW).unwrap_err().code(), "CERTIFICATE_EXPIRED");
        // A receipt-signing RSA leaf is not an ES256 key; the intermediate must be G6's issuer too.
        assert_eq!(verify_x5c_chain(&anchors, &pem("leaf-mas-itunes-receipt-signing-2024.pem"), &g6).unwrap_err().code(), "INVALID_CHAIN");
        // The leaf as its own intermediate: not a CA.
        let leaf = pem("leaf-prod-ecc-receipt-signing-2025.pem");
        assert_eq!(verify_x5c_chain(&anchors, &leaf, &leaf).unwrap_err().code(), "INVALID_CHAIN");
        // Apple's RSA receipt chains (SHA-1 2015 leaf via WWDR G1, SHA-256 2024 leaf via G5) link up
        // under the bundled Apple Root CA with the receipt verifier's algorithms.
        for (leaf, int) in [("leaf-mas-itunes-receipt-signing-2015.pem", "apple-wwdr-g1.pem"), ("leaf-mas-itunes-receipt-signing-2024.pem", "apple-wwdr-g5.pem")] {
            let (l, i) = (pem(leaf), pem(int));
            let (l, i) = (Certificate::parse(&l).unwrap(), Certificate::parse(&i).unwrap());
            l.verify_signed_by(&i.public_key().unwrap()).unwrap();
            crate::apple::roots::receipt_roots().find_issuer(&i).unwrap();
        }
    }
}
