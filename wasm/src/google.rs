//! JS bindings for Google Play and ONE store signed purchases.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::purchase::{verbatim_js, to_js_verified, Verified};
use crate::engine::{Engine, HostKeys};
use crate::{bytes_arg, js_error, string_arg, to_js, JsResult, Options};
use iap_verify::google::{GooglePlay, VerifyOptions};
use iap_verify::limits;
use iap_verify::onestore::OneStore;
use iap_verify::host::run_ready;
use iap_verify::signed_purchase::{PurchaseScheme, SignedPurchaseVerifier, VerifiedJson};

fn key_options(value: &JsValue) -> JsResult<VerifyOptions> {
    let o = Options::read(value, "options", &["allowLegacy1024BitKeys"])?;
    Ok(VerifyOptions { allow_legacy_1024_bit_keys: o.flag("allowLegacy1024BitKeys")? })
}

/// A store scheme whose verified purchases the JS registry knows (for `toPurchase`).
trait Branded: PurchaseScheme<Purchase: Serialize> {
    const BRAND: Verified;
}

impl Branded for GooglePlay {
    const BRAND: Verified = Verified::Google;
}

impl Branded for OneStore {
    const BRAND: Verified = Verified::OneStore;
}

/// Whether the signed data may be handed out as passed: a JS string whose UTF-8 (what was
/// verified) holds no U+FFFD, which is what a lone surrogate in the string would have become.
fn verbatim_allowed(signed_data: &JsValue, data: &[u8]) -> bool {
    signed_data.is_string() && !data.windows(3).any(|w| w == [0xef, 0xbf, 0xbd])
}

/// How many verifiers each one-shot function keeps (one per distinct key and options).
const ONE_SHOT_VERIFIERS: usize = 4;

/// A one-shot function's warm verifiers: (key text, options, verifier). The options are all of
/// the key's policy, so they are part of the key.
type OneShot<S> = Vec<(String, VerifyOptions, Purchases<S>)>;

/// A licence key, parsed once, with its host-imported twin.
struct Purchases<S> {
    core: Rc<SignedPurchaseVerifier<S>>,
    host: Rc<HostKeys>,
}

impl<S: Branded> Purchases<S> {
    fn new(public_key_base64: &JsValue, options: &JsValue) -> JsResult<Self> {
        let key = string_arg(public_key_base64, "publicKeyBase64", limits::MAX_PUBLIC_KEY_TEXT)?;
        let core = SignedPurchaseVerifier::new(&key, key_options(options)?).map_err(js_error)?;
        Ok(Purchases { core: Rc::new(core), host: Rc::default() })
    }

    /// The one-shot functions' verifier for this key and these options: a warm one from `cache`
    /// (keyed by the exact key text and every option that changes the policy), else a new one,
    /// kept there (at most [`ONE_SHOT_VERIFIERS`], the oldest dropped first).
    fn cached(cache: &'static std::thread::LocalKey<RefCell<OneShot<S>>>, public_key_base64: &JsValue, options: &JsValue) -> JsResult<Self> {
        let key = string_arg(public_key_base64, "publicKeyBase64", limits::MAX_PUBLIC_KEY_TEXT)?;
        let opts = key_options(options)?;
        let hit = cache.with(|c| {
            let c = c.try_borrow().ok()?;
            let (_, _, p) = c.iter().find(|(k, o, _)| *k == key && *o == opts)?;
            Some(Purchases { core: Rc::clone(&p.core), host: Rc::clone(&p.host) })
        });
        if let Some(found) = hit {
            return Ok(found);
        }
        let core = SignedPurchaseVerifier::new(&key, opts).map_err(js_error)?;
        let made = Purchases { core: Rc::new(core), host: Rc::default() };
        cache.with(|c| {
            if let Ok(mut c) = c.try_borrow_mut() {
                if c.len() >= ONE_SHOT_VERIFIERS {
                    c.remove(0);
                }
                c.push((key, opts, Purchases { core: Rc::clone(&made.core), host: Rc::clone(&made.host) }));
            }
        });
        Ok(made)
    }

    fn args(signed_data: &JsValue, signature: &JsValue) -> JsResult<(Vec<u8>, String)> {
        let data = bytes_arg(signed_data, "signedData", limits::MAX_SIGNED_DATA)?;
        let signature = string_arg(signature, "signature", limits::MAX_SIGNATURE_TEXT)?;
        Ok((data, signature))
    }

    fn js(signed_data: &JsValue, verified: &VerifiedJson) -> JsResult<JsValue> {
        match verified {
            VerifiedJson::Object(map) => to_js_verified(map, S::BRAND),
            VerifiedJson::Verbatim => verbatim_js(signed_data, S::BRAND),
        }
    }

    fn verify(&self, signed_data: JsValue, signature: JsValue) -> JsResult<JsValue> {
        let (data, signature) = Self::args(&signed_data, &signature)?;
        let verbatim = verbatim_allowed(&signed_data, &data);
        let verified = run_ready(self.core.verify_json_with(&Engine::Sync(&self.host), &data, &signature, verbatim))
            .and_then(|r| r)
            .map_err(js_error)?;
        Self::js(&signed_data, &verified)
    }

    fn verify_async(&self, signed_data: JsValue, signature: JsValue) -> js_sys::Promise {
        let args = Self::args(&signed_data, &signature);
        let (core, host) = (Rc::clone(&self.core), Rc::clone(&self.host));
        future_to_promise(async move {
            let (data, signature) = args?;
            let verbatim = verbatim_allowed(&signed_data, &data);
            let verified = core.verify_json_with(&Engine::Async(&host), &data, &signature, verbatim).await.map_err(js_error)?;
            Self::js(&signed_data, &verified)
        })
    }
}

/// The JS class of one store's verifier and its one-shot function. The two stores differ only in
/// names, hash and documentation, so one definition serves both. (Docs are passed as
/// `#[doc = "..."]`: wasm-bindgen copies a `///` raw string through a macro into the `.d.ts` with its
/// `r"` prefix.)
macro_rules! purchase_verifier {
    (
        $(#[doc = $class_doc:tt])* class $class:ident($scheme:ty) -> $ret:tt, $ret_async:tt;
        $(#[doc = $verify_doc:tt])* verify;
        $(#[doc = $fn_doc:tt])* fn $fn_name:ident = $js_fn:tt;
    ) => {
        $(#[doc = $class_doc])*
        #[wasm_bindgen]
        pub struct $class {
            inner: Purchases<$scheme>,
        }

        #[wasm_bindgen]
        impl $class {
            /// `publicKeyBase64`: the store's licence key (base64 RSA SubjectPublicKeyInfo).
            #[wasm_bindgen(constructor)]
            pub fn new(
                #[wasm_bindgen(js_name = publicKeyBase64, unchecked_param_type = "string")] public_key_base64: JsValue,
                #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
            ) -> JsResult<$class> {
                Ok($class { inner: Purchases::new(&public_key_base64, &options)? })
            }

            $(#[doc = $verify_doc])*
            #[wasm_bindgen(unchecked_return_type = $ret)]
            pub fn verify(
                &self,
                #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
            ) -> JsResult<JsValue> {
                self.inner.verify(signed_data, signature)
            }

            /// The same check as `verify`, with the RSA step on node:crypto or WebCrypto where
            /// the host has one, ring otherwise. Same results, same errors.
            #[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = $ret_async)]
            pub fn verify_async(
                &self,
                #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
                #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
            ) -> js_sys::Promise {
                self.inner.verify_async(signed_data, signature)
            }
        }

        $(#[doc = $fn_doc])*
        #[wasm_bindgen(js_name = $js_fn, unchecked_return_type = $ret)]
        pub fn $fn_name(
            #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
            #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
            #[wasm_bindgen(js_name = publicKeyBase64, unchecked_param_type = "string")] public_key_base64: JsValue,
            #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
        ) -> JsResult<JsValue> {
            thread_local! {
                static CACHE: RefCell<OneShot<$scheme>> = const { RefCell::new(Vec::new()) };
            }
            Purchases::<$scheme>::cached(&CACHE, &public_key_base64, &options)?.verify(signed_data, signature)
        }
    };
}

purchase_verifier! {
    #[doc = " Verifies Google Play purchase data with the app's Play Console licence key (parsed and"]
    #[doc = " checked once)."]
    class GoogleVerifier(GooglePlay) -> "GooglePurchase", "Promise<GooglePurchase>";
    #[doc = " Verifies SHA1withRSA over exactly `signedData` (`Purchase.getOriginalJson()`), then decodes"]
    #[doc = " it. The RSA step runs on node:crypto where the host has it (Node, Bun), else ring."]
    verify;
    #[doc = " One-shot form of `new GoogleVerifier(publicKeyBase64, options).verify(signedData, signature)`;"]
    #[doc = " the verifiers of the last four keys and options are kept, so a repeated key is parsed once."]
    fn verify_google_purchase = "verifyGooglePurchase";
}

purchase_verifier! {
    #[doc = " Verifies ONE store purchase data (SHA512withRSA) with the app's licence key from the ONE"]
    #[doc = " store Developer Center."]
    class OneStoreVerifier(OneStore) -> "OneStorePurchase", "Promise<OneStorePurchase>";
    #[doc = " Verifies SHA512withRSA over exactly `signedData`, then decodes it."]
    verify;
    #[doc = " One-shot form of `new OneStoreVerifier(publicKeyBase64, options).verify(signedData, signature)`;"]
    #[doc = " the verifiers of the last four keys and options are kept, so a repeated key is parsed once."]
    fn verify_onestore_purchase = "verifyOneStorePurchase";
}

/// A notification body as text: the request body as a string, or the parsed object serialized back
/// (in its keys' order, which `JSON.parse` keeps for keys that are not integer-like).
fn notification_text(body: &JsValue, what: &'static str) -> JsResult<String> {
    if body.is_string() {
        string_arg(body, what, limits::MAX_NOTIFICATION)
    } else if body.is_object() {
        let text = js_sys::JSON::stringify(body)
            .map_err(|_| js_error(iap_verify::Error::invalid_argument(format!("{what} cannot be serialized to JSON"))))?;
        string_arg(&text.into(), what, limits::MAX_NOTIFICATION)
    } else {
        Err(js_error(iap_verify::Error::invalid_argument(format!("{what} must be a string or an object"))))
    }
}

/// Decodes a Google RTDN from its Pub/Sub push body (the request body as a string, or the parsed
/// object). Decoding only: the body carries no signature.
#[wasm_bindgen(js_name = decodeGoogleNotification, unchecked_return_type = "DeveloperNotification")]
pub fn decode_google_notification(
    #[wasm_bindgen(js_name = pushBody, unchecked_param_type = "string | PubSubPushBody")] push_body: JsValue,
) -> JsResult<JsValue> {
    let body = push_body_text(&push_body)?;
    to_js(&iap_verify::google::rtdn::decode_push(body.as_bytes()).map_err(js_error)?)
}

/// A Pub/Sub push body given as its text or as the parsed object, as text, size-checked.
pub(crate) fn push_body_text(push_body: &JsValue) -> JsResult<String> {
    notification_text(push_body, "pushBody")
}

/// Verifies a ONE store Payment Notification (PNS: the body ONE store POSTs to the app's Payment
/// Notification URL) with the app's licence key: SHA512withRSA over the message without its
/// `signature`, re-serialized as any of ONE store's three official samples (Java/Jackson, PHP,
/// Python) would; returns that message. Pass the body as received (a string) or as parsed.
#[wasm_bindgen(js_name = verifyOneStoreNotification, unchecked_return_type = "OneStorePaymentNotification")]
pub fn verify_onestore_notification(
    #[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue,
    #[wasm_bindgen(js_name = licenseKey, unchecked_param_type = "string")] license_key: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
) -> JsResult<JsValue> {
    to_js(&serde_json::Value::Object(verified_pns(&body, &license_key, &options)?.into_message()))
}

/// A PNS verified with the licence key (its verifier cached as `verifyOneStoreNotification`'s).
pub(crate) fn verified_pns(body: &JsValue, license_key: &JsValue, options: &JsValue) -> JsResult<iap_verify::onestore::VerifiedOneStoreNotification> {
    thread_local! {
        static CACHE: RefCell<OneShot<OneStore>> = const { RefCell::new(Vec::new()) };
    }
    let text = notification_text(body, "body")?;
    let verifier = Purchases::<OneStore>::cached(&CACHE, license_key, options)?;
    verifier.core.verify_notification(text.as_bytes()).map_err(js_error)
}

/// An SNS decoded (nothing verified: it is not signed).
pub(crate) fn decoded_sns(body: &JsValue) -> JsResult<serde_json::Map<String, serde_json::Value>> {
    let text = notification_text(body, "body")?;
    iap_verify::onestore::decode_subscription_notification(text.as_bytes()).map_err(js_error)
}

/// Decodes a ONE store Subscription Notification (SNS). It is not signed: confirm it with
/// `getSubscriptionDetail` before acting on it (`confirmOneStoreSubscriptionNotification`).
#[wasm_bindgen(js_name = decodeOneStoreSubscriptionNotification, unchecked_return_type = "OneStoreSubscriptionNotification")]
pub fn decode_onestore_subscription_notification(#[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue) -> JsResult<JsValue> {
    to_js(&serde_json::Value::Object(decoded_sns(&body)?))
}
