//! JS bindings for Apple: app receipts (`verifyAppReceipt`, `AppReceiptVerifier`, the
//! transaction id extractors) and signed data (`SignedDataVerifier`, Apple's method names).

use std::rc::Rc;

use js_sys::{Array, Promise, Reflect, Uint8Array};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use crate::purchase::{verbatim_js, register, register_receipt_entries, to_js_verified, Verified as Registered};
use crate::engine::{Engine, HostKeys};
#[cfg(feature = "online")]
use crate::ocsp::FetchTransport;
use crate::{as_verification, bytes_arg, invalid, is_absent, js_error, string_arg, to_js, JsResult, Options};
use iap_verify::apple::{SignedKind, Verified, WithText};
use iap_verify::binding::ms_from_f64;
use iap_verify::apple::models::Environment;
use iap_verify::binding::decoded_transaction;
use iap_verify::host::run_ready;
use iap_verify::apple::{AppReceiptVerifier as CoreReceiptVerifier, ReceiptOptions, VerifiedAppReceipt};
use iap_verify::apple::SignedDataVerifier as CoreSignedDataVerifier;
use iap_verify::Error;
use iap_verify::limits;

/// `rootCertificates`: `null`/`undefined` (Apple's), or an array whose entries are DER bytes or
/// PEM / base64 text, as bytes (`Buffer`, `Uint8Array`, as `fs.readFileSync` gives either) or a
/// string. One PEM entry may hold several certificates.
fn roots_arg(v: &JsValue) -> JsResult<Option<Vec<Vec<u8>>>> {
    if is_absent(v) {
        return Ok(None);
    }
    let what = "rootCertificates must be an array of certificates (DER or PEM, as Uint8Array/Buffer or string)";
    let array = v.dyn_ref::<Array>().ok_or_else(|| invalid(what.into()))?;
    let mut roots = Vec::new();
    for item in array.iter() {
        let bytes = match (item.as_string(), item.dyn_ref::<Uint8Array>()) {
            (Some(s), _) => s.into_bytes(),
            (None, Some(b)) => b.to_vec(),
            (None, None) => return Err(invalid(what.into())),
        };
        roots.extend(iap_verify::apple::roots::root_certificates_from(&bytes).map_err(js_error)?);
    }
    Ok(Some(roots))
}

/// `deviceId`: UUID text or 16 bytes.
fn device_arg(v: Option<JsValue>) -> JsResult<Option<[u8; 16]>> {
    let Some(v) = v else { return Ok(None) };
    if let Some(s) = v.as_string() {
        return iap_verify::apple::parse_uuid(&s).map(Some).map_err(js_error);
    }
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return <[u8; 16]>::try_from(a.to_vec().as_slice())
            .map(Some)
            .map_err(|_| invalid("deviceId must be 16 bytes".into()));
    }
    Err(invalid("deviceId must be a UUID string or a Uint8Array".into()))
}

/// A receipt argument: base64 text or DER/BER bytes.
fn receipt_bytes(v: &JsValue) -> JsResult<Vec<u8>> {
    if let Some(s) = crate::js_utf8(v) {
        limits::check("receipt", s.len(), limits::MAX_RECEIPT_TEXT).map_err(js_error)?;
        return iap_verify::binding::decode_standard_bytes("receipt", &s).map_err(js_error);
    }
    bytes_arg(v, "receipt", limits::MAX_RECEIPT_BYTES)
}

struct CallOptions {
    bundle_id: Option<String>,
    device_id: Option<[u8; 16]>,
    now: i64,
}

fn call_options(o: &Options) -> JsResult<CallOptions> {
    Ok(CallOptions { bundle_id: o.string("bundleId")?, device_id: device_arg(o.get("deviceId"))?, now: o.now()? })
}

fn verify_with(v: &CoreReceiptVerifier, host: &HostKeys, receipt: &JsValue, o: &CallOptions) -> JsResult<JsValue> {
    let bytes = receipt_bytes(receipt)?;
    let verified = run_ready(receipt_checked(v, &Engine::Sync(host), &bytes, o)).and_then(|r| r);
    receipt_js(&verified.map_err(js_error)?)
}

/// The core's receipt verification with the RSA step asked of the host engine.
async fn receipt_checked(v: &CoreReceiptVerifier, engine: &Engine<'_>, bytes: &[u8], o: &CallOptions) -> Result<VerifiedAppReceipt, Error> {
    let opts = ReceiptOptions { bundle_id: o.bundle_id.as_deref(), device_id: o.device_id.as_ref().map(|d| &d[..]), now: o.now };
    v.verify_with(engine, bytes, &opts).await
}

/// A verified receipt as JS, its `inApp` entries registered so `toPurchase(receipt.inApp[i])`
/// accepts them.
fn receipt_js(verified: &VerifiedAppReceipt) -> JsResult<JsValue> {
    register_receipt_entries(verified)
}

/// A verified payload (its JSON object) as JS, with `testData: true` for Xcode/LocalTesting data.
/// Set on the parsed object, that is where (and how) serializing `Verified` would have put it.
fn payload_js(v: &Verified<Map<String, Value>>) -> JsResult<JsValue> {
    let js = to_js(v.payload())?;
    if v.is_test_data() {
        let _ = Reflect::set(&js, &"testData".into(), &JsValue::TRUE);
    }
    Ok(js)
}

/// [`payload_js`], from the payload's text when it may be handed out as sent (its `JSON.parse`
/// is the decoded payload, see the core's `json_text::verbatim`).
fn checked_js((v, text): &Checked) -> JsResult<JsValue> {
    let Some(text) = text else { return payload_js(v) };
    let js = crate::json_parse(&js_sys::JsString::from(text.as_str()))
        .map_err(|_| js_error(Error::malformed("result", "not JSON")))?;
    if v.is_test_data() {
        let _ = Reflect::set(&js, &"testData".into(), &JsValue::TRUE);
    }
    Ok(js)
}

/// A verified transaction as JS, registered for `toPurchase` (one serialization for both, or
/// none when the payload's text may be handed out as sent).
fn transaction_js((v, text): &Checked) -> JsResult<JsValue> {
    let js = match text {
        Some(text) => verbatim_js(&js_sys::JsString::from(text.as_str()).into(), Registered::AppleTransaction)?,
        None => to_js_verified(v.payload(), Registered::AppleTransaction)?,
    };
    if v.is_test_data() {
        let _ = Reflect::set(&js, &"testData".into(), &JsValue::TRUE);
    }
    Ok(js)
}

/// A verified notification as JS, registered; its decoded nested transaction is registered for `toPurchase`.
fn notification_js(v: &Verified<Map<String, Value>>) -> JsResult<JsValue> {
    // Registered, so that its event (`appleNotificationEvent`) is made from what was verified.
    let js = to_js_verified(v.payload(), Registered::AppleNotification)?;
    if v.is_test_data() {
        let _ = Reflect::set(&js, &"testData".into(), &JsValue::TRUE);
    }
    if let Some(t) = decoded_transaction(v.payload()) {
        let data = Reflect::get(&js, &"data".into()).unwrap_or(JsValue::UNDEFINED);
        let nested = Reflect::get(&data, &"decodedTransactionInfo".into()).unwrap_or(JsValue::UNDEFINED);
        register(&nested, Registered::AppleTransaction, t)?;
    }
    Ok(js)
}

/// Verifies app receipts against fixed roots, caching verified chains between calls.
#[wasm_bindgen]
pub struct AppReceiptVerifier {
    inner: Rc<CoreReceiptVerifier>,
    /// Signer keys imported into the host's crypto on first use.
    host: Rc<HostKeys>,
}

#[wasm_bindgen]
impl AppReceiptVerifier {
    /// `rootCertificates`: DER or PEM roots; `null`/omitted = the bundled Apple Root CA.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = rootCertificates, unchecked_optional_param_type = "RootCertificate[] | null")] root_certificates: JsValue,
    ) -> JsResult<AppReceiptVerifier> {
        let roots = roots_arg(&root_certificates)?;
        let inner = CoreReceiptVerifier::with_roots(roots.as_deref()).map_err(js_error)?;
        Ok(AppReceiptVerifier { inner: Rc::new(inner), host: Rc::default() })
    }

    /// Verifies a receipt (base64 text or DER bytes) and returns its payload.
    #[wasm_bindgen(unchecked_return_type = "AppReceipt")]
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] receipt: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AppReceiptVerifyOptions")] options: JsValue,
    ) -> JsResult<JsValue> {
        let o = Options::read(&options, "options", &["bundleId", "deviceId", "now"])?;
        verify_with(&self.inner, &self.host, &receipt, &call_options(&o)?)
    }

    /// `verify` with the RSA check done by the host's crypto (node:crypto or WebCrypto) where it
    /// has one (ring otherwise). Same checks, same results, same errors; returns a Promise.
    #[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = "Promise<AppReceipt>")]
    pub fn verify_async(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] receipt: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AppReceiptVerifyOptions")] options: JsValue,
    ) -> Promise {
        let args = (|| {
            let o = Options::read(&options, "options", &["bundleId", "deviceId", "now"])?;
            Ok::<_, JsValue>((receipt_bytes(&receipt)?, call_options(&o)?))
        })();
        let (inner, host) = (Rc::clone(&self.inner), Rc::clone(&self.host));
        future_to_promise(async move {
            let (bytes, o) = args?;
            receipt_js(&receipt_checked(&inner, &Engine::Async(&host), &bytes, &o).await.map_err(jws_error)?)
        })
    }
}


/// Verifies one app receipt: signature, chain to Apple Root CA (or `rootCertificates`), validity
/// at the receipt creation date, then the optional bundle id and device checks. The verifiers of
/// the last four sets of roots are kept, so their chains are checked once.
#[wasm_bindgen(js_name = verifyAppReceipt, unchecked_return_type = "AppReceipt")]
pub fn verify_app_receipt(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] receipt: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "AppReceiptOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let o = Options::read(&options, "options", &["bundleId", "rootCertificates", "deviceId", "now"])?;
    let roots = roots_arg(&o.get("rootCertificates").unwrap_or(JsValue::NULL))?;
    let (v, host) = one_shot_receipt_verifier(roots)?;
    verify_with(&v, &host, &receipt, &call_options(&o)?)
}

/// How many receipt verifiers `verifyAppReceipt` keeps (one per distinct set of roots).
const ONE_SHOT_VERIFIERS: usize = 4;

type ReceiptVerifierEntry = (Option<Vec<Vec<u8>>>, Rc<CoreReceiptVerifier>, Rc<HostKeys>);

thread_local! {
    /// `verifyAppReceipt`'s warm verifiers, keyed by the exact root certificates (DER; `None` for
    /// Apple's bundled roots), oldest first. The roots are the only option that makes a
    /// verifier; the others are per call. A verifier only caches what the same bytes decided.
    static ONE_SHOT_RECEIPTS: std::cell::RefCell<Vec<ReceiptVerifierEntry>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn one_shot_receipt_verifier(roots: Option<Vec<Vec<u8>>>) -> JsResult<(Rc<CoreReceiptVerifier>, Rc<HostKeys>)> {
    let hit = ONE_SHOT_RECEIPTS.with(|c| {
        let c = c.try_borrow().ok()?;
        let (_, v, host) = c.iter().find(|(r, _, _)| *r == roots)?;
        Some((Rc::clone(v), Rc::clone(host)))
    });
    if let Some(found) = hit {
        return Ok(found);
    }
    let v = Rc::new(CoreReceiptVerifier::with_roots(roots.as_deref()).map_err(js_error)?);
    let host = Rc::new(HostKeys::default());
    ONE_SHOT_RECEIPTS.with(|c| {
        if let Ok(mut c) = c.try_borrow_mut() {
            if c.len() >= ONE_SHOT_VERIFIERS {
                c.remove(0);
            }
            c.push((roots, Rc::clone(&v), Rc::clone(&host)));
        }
    });
    Ok((v, host))
}

/// Apple's `ReceiptUtility.extractTransactionIdFromAppReceipt`: the first in-app transaction id,
/// or null. Nothing is verified: use it only to query the App Store Server API.
#[wasm_bindgen(js_name = extractTransactionIdFromAppReceipt, unchecked_return_type = "string | null")]
pub fn extract_transaction_id_from_app_receipt(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] receipt: JsValue,
) -> JsResult<JsValue> {
    let bytes = receipt_bytes(&receipt)?;
    iap_verify::apple::extract_transaction_id_from_app_receipt(&bytes).map(string_or_null).map_err(js_error)
}

/// `null` (not `undefined`) when absent, as Apple's library returns.
fn string_or_null(s: Option<String>) -> JsValue {
    s.map_or(JsValue::NULL, |s| JsValue::from_str(&s))
}

/// Apple's `ReceiptUtility.extractTransactionIdFromTransactionReceipt` (iOS 6 style receipts),
/// or null. Nothing is verified.
#[wasm_bindgen(js_name = extractTransactionIdFromTransactionReceipt, unchecked_return_type = "string | null")]
pub fn extract_transaction_id_from_transaction_receipt(
    #[wasm_bindgen(js_name = transactionReceipt, unchecked_param_type = "string")] transaction_receipt: JsValue,
) -> JsResult<JsValue> {
    let text = string_arg(&transaction_receipt, "transactionReceipt", limits::MAX_TRANSACTION_RECEIPT_TEXT)?;
    iap_verify::apple::extract_transaction_id_from_transaction_receipt(&text).map(string_or_null).map_err(js_error)
}

/// Apple's `SignedDataVerifier` (offline): verifies and decodes StoreKit 2 / App Store Server JWS.
#[wasm_bindgen]
pub struct SignedDataVerifier {
    inner: Rc<CoreSignedDataVerifier>,
    host: Rc<HostKeys>,
    /// How the `…Async` methods send OCSP requests when online checks are on.
    #[cfg(feature = "online")]
    online: Rc<FetchTransport>,
}

fn jws_call(options: &JsValue) -> JsResult<i64> {
    Options::read(options, "options", &["now"])?.now()
}

#[wasm_bindgen]
impl SignedDataVerifier {
    /// `rootCertificates`: DER or PEM roots, `null` = Apple's bundled roots. `enableOnlineChecks`: OCSP
    /// for the leaf and the intermediate in the `…Async` methods (the synchronous ones then refuse
    /// to verify). `appAppleId` is required for Production. `options`: `{ fetch?, timeoutMs? }`
    /// for the OCSP requests.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = rootCertificates, unchecked_param_type = "RootCertificate[] | null")] root_certificates: JsValue,
        #[wasm_bindgen(js_name = enableOnlineChecks, unchecked_param_type = "boolean")] enable_online_checks: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Environment")] environment: JsValue,
        #[wasm_bindgen(js_name = bundleId, unchecked_param_type = "string")] bundle_id: JsValue,
        #[wasm_bindgen(js_name = appAppleId, unchecked_optional_param_type = "number")] app_apple_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "OnlineCheckOptions")] options: JsValue,
    ) -> JsResult<SignedDataVerifier> {
        let roots = roots_arg(&root_certificates)?;
        let online = enable_online_checks.as_bool().ok_or_else(|| invalid("enableOnlineChecks must be a boolean".into()))?;
        #[cfg(feature = "online")]
        let transport = FetchTransport::from_options(&options)?;
        #[cfg(not(feature = "online"))]
        if online || !is_absent(&options) {
            return Err(invalid(
                "online checks (OCSP) are not in this module (iap-verify/verify verifies offline): import 'iap-verify' for them".into(),
            ));
        }
        let env = environment
            .as_string()
            .ok_or_else(|| invalid("environment must be 'Sandbox', 'Production', 'Xcode' or 'LocalTesting'".into()))?;
        let bundle_id = bundle_id.as_string().ok_or_else(|| invalid("bundleId must be a string".into()))?;
        let app_apple_id = if is_absent(&app_apple_id) {
            None
        } else {
            let n = app_apple_id.as_f64().filter(|n| n.fract() == 0.0).and_then(ms_from_f64);
            Some(n.ok_or_else(|| invalid("appAppleId must be an integer".into()))?)
        };
        let inner = CoreSignedDataVerifier::with_roots(roots.as_deref(), online, Environment::from_wire(&env), bundle_id, app_apple_id)
            .map_err(js_error)?;
        Ok(SignedDataVerifier {
            inner: Rc::new(inner),
            host: Rc::default(),
            #[cfg(feature = "online")]
            online: Rc::new(transport),
        })
    }

    /// Verifies and decodes a signed transaction (`signedTransactionInfo`).
    #[wasm_bindgen(js_name = verifyAndDecodeTransaction, unchecked_return_type = "JWSTransactionDecodedPayload")]
    pub fn verify_and_decode_transaction(
        &self,
        #[wasm_bindgen(js_name = signedTransactionInfo, unchecked_param_type = "string")] jws: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> JsResult<JsValue> {
        self.now(SignedKind::Transaction, &jws, "signedTransactionInfo", &options)
    }

    /// Verifies and decodes signed renewal info (`signedRenewalInfo`).
    #[wasm_bindgen(js_name = verifyAndDecodeRenewalInfo, unchecked_return_type = "JWSRenewalInfoDecodedPayload")]
    pub fn verify_and_decode_renewal_info(
        &self,
        #[wasm_bindgen(js_name = signedRenewalInfo, unchecked_param_type = "string")] jws: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> JsResult<JsValue> {
        self.now(SignedKind::RenewalInfo, &jws, "signedRenewalInfo", &options)
    }

    /// Verifies and decodes a signed app transaction (`signedAppTransactionInfo`).
    #[wasm_bindgen(js_name = verifyAndDecodeAppTransaction, unchecked_return_type = "AppTransaction")]
    pub fn verify_and_decode_app_transaction(
        &self,
        #[wasm_bindgen(js_name = signedAppTransactionInfo, unchecked_param_type = "string")] jws: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> JsResult<JsValue> {
        self.now(SignedKind::AppTransaction, &jws, "signedAppTransactionInfo", &options)
    }

    /// Verifies and decodes a notification's `signedPayload`, including its nested JWS.
    #[wasm_bindgen(js_name = verifyAndDecodeNotification, unchecked_return_type = "ResponseBodyV2DecodedPayload")]
    pub fn verify_and_decode_notification(
        &self,
        #[wasm_bindgen(js_name = signedPayload, unchecked_param_type = "string")] signed_payload: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> JsResult<JsValue> {
        self.now(SignedKind::Notification, &signed_payload, "signedPayload", &options)
    }

    /// Verifies and decodes a Retention Messaging API real-time request's `signedPayload`
    /// (Apple's library 3.x). No bundle id: the app Apple id (Production), then the environment.
    #[wasm_bindgen(js_name = verifyAndDecodeRealtimeRequest, unchecked_return_type = "DecodedRealtimeRequestBody")]
    pub fn verify_and_decode_realtime_request(
        &self,
        #[wasm_bindgen(js_name = signedPayload, unchecked_param_type = "string")] signed_payload: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> JsResult<JsValue> {
        (|| {
            let (jws, now) = async_args(&signed_payload, "signedPayload", &options)?;
            payload_js(&self.inner.realtime_request_json(&jws, now).map_err(js_error)?)
        })()
        .map_err(as_verification)
    }

    /// `verifyAndDecodeTransaction` with the ES256 check done by the host's crypto (node:crypto or
    /// WebCrypto) where it has one (ring otherwise). Same checks, same results, same errors;
    /// returns a Promise.
    #[wasm_bindgen(js_name = verifyAndDecodeTransactionAsync, unchecked_return_type = "Promise<JWSTransactionDecodedPayload>")]
    pub fn verify_and_decode_transaction_async(
        &self,
        #[wasm_bindgen(js_name = signedTransactionInfo, unchecked_param_type = "string")] jws: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> Promise {
        self.later(SignedKind::Transaction, &jws, "signedTransactionInfo", &options)
    }

    /// `verifyAndDecodeRenewalInfo`, ES256 by the host's crypto where it has one; returns a Promise.
    #[wasm_bindgen(js_name = verifyAndDecodeRenewalInfoAsync, unchecked_return_type = "Promise<JWSRenewalInfoDecodedPayload>")]
    pub fn verify_and_decode_renewal_info_async(
        &self,
        #[wasm_bindgen(js_name = signedRenewalInfo, unchecked_param_type = "string")] jws: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> Promise {
        self.later(SignedKind::RenewalInfo, &jws, "signedRenewalInfo", &options)
    }

    /// `verifyAndDecodeAppTransaction`, ES256 by the host's crypto where it has one; returns a Promise.
    #[wasm_bindgen(js_name = verifyAndDecodeAppTransactionAsync, unchecked_return_type = "Promise<AppTransaction>")]
    pub fn verify_and_decode_app_transaction_async(
        &self,
        #[wasm_bindgen(js_name = signedAppTransactionInfo, unchecked_param_type = "string")] jws: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> Promise {
        self.later(SignedKind::AppTransaction, &jws, "signedAppTransactionInfo", &options)
    }

    /// `verifyAndDecodeNotification`, every ES256 check (nested JWS included) by the host's crypto
    /// where it has one; returns a Promise.
    #[wasm_bindgen(js_name = verifyAndDecodeNotificationAsync, unchecked_return_type = "Promise<ResponseBodyV2DecodedPayload>")]
    pub fn verify_and_decode_notification_async(
        &self,
        #[wasm_bindgen(js_name = signedPayload, unchecked_param_type = "string")] signed_payload: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> Promise {
        self.later(SignedKind::Notification, &signed_payload, "signedPayload", &options)
    }

    /// `verifyAndDecodeRealtimeRequest` as a Promise (same checks, results and errors).
    #[wasm_bindgen(js_name = verifyAndDecodeRealtimeRequestAsync, unchecked_return_type = "Promise<DecodedRealtimeRequestBody>")]
    pub fn verify_and_decode_realtime_request_async(
        &self,
        #[wasm_bindgen(js_name = signedPayload, unchecked_param_type = "string")] signed_payload: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyCallOptions")] options: JsValue,
    ) -> Promise {
        // ES256 by ring here: real-time requests are few (one per retention offer shown), so
        // this method stays one compiled path, the synchronous one, to keep the module small.
        let result = self.verify_and_decode_realtime_request(signed_payload, options);
        future_to_promise(async move { result })
    }
}

/// Reads the arguments before the Promise starts, so argument errors reject it like any other.
fn async_args(jws: &JsValue, what: &'static str, options: &JsValue) -> JsResult<(String, i64)> {
    Ok((string_arg(jws, what, limits::MAX_JWS)?, jws_call(options)?))
}

/// A `SignedDataVerifier` error: a `VerificationException` (see [`as_verification`]).
fn jws_error(e: Error) -> JsValue {
    as_verification(js_error(e))
}

/// A verified payload as JS: a transaction registered for `toPurchase`, a notification with its
/// nested transaction registered.
fn kind_js(kind: SignedKind, checked: &Checked) -> JsResult<JsValue> {
    match kind {
        SignedKind::Transaction => transaction_js(checked),
        SignedKind::Notification => notification_js(&checked.0),
        _ => checked_js(checked),
    }
}

/// A verified payload, and its JSON text when that may be handed out as sent.
type Checked = WithText;

impl SignedDataVerifier {
    /// Every synchronous method: the core's verification driven by Node's synchronous engine
    /// (ring where it has none), offline.
    /// With online checks on they return the `…Async` method's Promise instead, as Apple's
    /// methods (which always return one) do the checks.
    fn now(&self, kind: SignedKind, jws: &JsValue, what: &'static str, options: &JsValue) -> JsResult<JsValue> {
        #[cfg(feature = "online")]
        if self.inner.online_checks() {
            return Ok(self.later(kind, jws, what, options).into());
        }
        (|| {
            let (jws, now) = async_args(jws, what, options)?;
            let engine = Engine::Sync(&self.host);
            let verify = self.inner.verify_json_with(kind, &jws, now, &engine);
            kind_js(kind, &run_ready(verify).and_then(|r| r).map_err(js_error)?)
        })()
        .map_err(as_verification)
    }

    /// Every `…Async` method: the same verification with node:crypto or WebCrypto, and the online
    /// checks through `fetch` when the verifier has them.
    fn later(&self, kind: SignedKind, jws: &JsValue, what: &'static str, options: &JsValue) -> Promise {
        let args = async_args(jws, what, options);
        let (inner, host) = (Rc::clone(&self.inner), Rc::clone(&self.host));
        #[cfg(feature = "online")]
        let online = Rc::clone(&self.online);
        future_to_promise(async move {
            let (jws, now) = args.map_err(as_verification)?;
            #[cfg(feature = "online")]
            let verified = inner.verify_json_online_with(kind, &jws, now, &Engine::Async(&host), &*online).await;
            #[cfg(not(feature = "online"))]
            let verified = inner.verify_json_with(kind, &jws, now, &Engine::Async(&host)).await;
            kind_js(kind, &verified.map_err(jws_error)?)
        })
    }
}
