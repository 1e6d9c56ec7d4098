//! JS bindings for Google Play and ONE store signed purchases.

use std::rc::Rc;

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::purchase::{to_js_verified, Verified};
use super::host::{run_sync, AsyncHost, Engine, HostKeys, Scheme, SyncHost};
use super::{bytes_arg, js_error, options, string_arg, to_js, JsResult};
use crate::google::{GoogleVerifier as CoreGoogle, VerifyOptions};
use crate::limits;
use crate::onestore::OneStoreVerifier as CoreOneStore;

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = r#"
/** Options for the Google Play and ONE store verifiers. */
export interface KeyOptions {
  /** Accept 1024-bit licence keys (public test data). Default false: real keys are 2048-bit. */
  allowLegacy1024BitKeys?: boolean;
}

/** A verified Google Play purchase, as Google sends it. Absent fields are absent. */
export interface GooglePurchase {
  orderId?: string;
  packageName?: string;
  productId?: string;
  productIds?: string[];
  /** Epoch milliseconds. */
  purchaseTime?: number;
  /** 0 purchased, 4 pending. */
  purchaseState?: number;
  purchaseToken?: string;
  quantity?: number;
  acknowledged?: boolean;
  autoRenewing?: boolean;
  obfuscatedAccountId?: string;
  obfuscatedProfileId?: string;
  developerPayload?: string;
  /** Fields this version does not know, as sent. */
  [unknownField: string]: unknown;
}

/** A verified ONE store purchase (SDK v17 to v21 field names). */
export interface OneStorePurchase {
  orderId?: string;
  packageName?: string;
  productId?: string;
  /** Epoch milliseconds. */
  purchaseTime?: number;
  purchaseId?: string;
  purchaseToken?: string;
  developerPayload?: string;
  /** 0 purchased, 1 canceled, 2 refunded. */
  purchaseState?: number;
  /** -1 not a subscription, 0 recurring, 1 cancellation reserved. */
  recurringState?: number;
  quantity?: number;
  /** 0 not acknowledged, 1 acknowledged. */
  acknowledgeState?: number;
  [unknownField: string]: unknown;
}
"#;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeyOptions {
    #[serde(default)]
    allow_legacy_1024_bit_keys: bool,
}

impl From<KeyOptions> for VerifyOptions {
    fn from(o: KeyOptions) -> Self {
        VerifyOptions { allow_legacy_1024_bit_keys: o.allow_legacy_1024_bit_keys }
    }
}

fn key_options(value: JsValue) -> JsResult<VerifyOptions> {
    options::<KeyOptions>(value, "options").map(Into::into)
}

/// What the Google Play and ONE store cores share: the same scheme with another hash.
trait SignedPurchase: 'static {
    type Verified;
    fn prepare(&self, data: &[u8], signature_base64: &str) -> crate::Result<Vec<u8>>;
    fn host_key(&self) -> (&[u8], &'static str);
    fn decode_host_verified(&self, data: &[u8]) -> crate::Result<Self::Verified>;
    fn verify_with_ring(&self, data: &[u8], signature_base64: &str) -> crate::Result<Self::Verified>;
    fn js(verified: &Self::Verified) -> JsResult<JsValue>;
}

macro_rules! signed_purchase {
    ($core:ty, $verified:ty, $brand:expr) => {
        impl SignedPurchase for $core {
            type Verified = $verified;
            fn prepare(&self, data: &[u8], signature_base64: &str) -> crate::Result<Vec<u8>> {
                <$core>::prepare(self, data, signature_base64)
            }
            fn host_key(&self) -> (&[u8], &'static str) {
                <$core>::host_key(self)
            }
            fn decode_host_verified(&self, data: &[u8]) -> crate::Result<$verified> {
                <$core>::decode_host_verified(self, data)
            }
            fn verify_with_ring(&self, data: &[u8], signature_base64: &str) -> crate::Result<$verified> {
                <$core>::verify(self, data, signature_base64)
            }
            fn js(verified: &$verified) -> JsResult<JsValue> {
                to_js_verified(verified.purchase(), $brand)
            }
        }
    };
}
signed_purchase!(CoreGoogle, crate::google::VerifiedGooglePurchase, Verified::Google);
signed_purchase!(CoreOneStore, crate::onestore::VerifiedOneStorePurchase, Verified::OneStore);

/// The core's checks, the RSA step by the host engine (or ring), then the core's decoding.
async fn verify_purchase<C: SignedPurchase>(
    core: &C,
    engine: &impl Engine,
    data: &[u8],
    signature_base64: &str,
) -> crate::Result<C::Verified> {
    let signature = core.prepare(data, signature_base64)?;
    let (spki, hash) = core.host_key();
    match engine.check(Scheme::Rsa(hash), spki, data, &signature).await {
        Some(true) => core.decode_host_verified(data),
        Some(false) => Err(crate::Error::InvalidSignature),
        None => core.verify_with_ring(data, signature_base64),
    }
}

/// A licence key, parsed once, with its host-imported twin.
struct Purchases<C> {
    core: Rc<C>,
    host: Rc<HostKeys>,
}

impl<C: SignedPurchase> Purchases<C> {
    fn new(core: C) -> Self {
        Purchases { core: Rc::new(core), host: Rc::default() }
    }

    fn args(signed_data: &JsValue, signature: &JsValue) -> JsResult<(Vec<u8>, String)> {
        let data = bytes_arg(signed_data, "signedData", limits::MAX_SIGNED_DATA)?;
        let signature = string_arg(signature, "signature", limits::MAX_SIGNATURE_TEXT)?;
        Ok((data, signature))
    }

    fn verify(&self, signed_data: JsValue, signature: JsValue) -> JsResult<JsValue> {
        let (data, signature) = Self::args(&signed_data, &signature)?;
        let engine = SyncHost(&self.host);
        let verified = run_sync(verify_purchase(&*self.core, &engine, &data, &signature))
            .unwrap_or_else(|| self.core.verify_with_ring(&data, &signature))
            .map_err(js_error)?;
        C::js(&verified)
    }

    fn verify_async(&self, signed_data: JsValue, signature: JsValue) -> js_sys::Promise {
        let args = Self::args(&signed_data, &signature);
        let (core, host) = (Rc::clone(&self.core), Rc::clone(&self.host));
        future_to_promise(async move {
            let (data, signature) = args?;
            let verified = verify_purchase(&*core, &AsyncHost(&host), &data, &signature).await.map_err(js_error)?;
            C::js(&verified)
        })
    }
}

/// Verifies Google Play purchase data with the app's licence key (parsed and checked once).
#[wasm_bindgen]
pub struct GoogleVerifier {
    inner: Purchases<CoreGoogle>,
}

#[wasm_bindgen]
impl GoogleVerifier {
    /// `publicKeyBase64`: the Play Console licence key (base64 RSA SubjectPublicKeyInfo).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = publicKeyBase64)] public_key_base64: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> JsResult<GoogleVerifier> {
        let core = CoreGoogle::new(public_key_base64, key_options(options)?).map_err(js_error)?;
        Ok(GoogleVerifier { inner: Purchases::new(core) })
    }

    /// Verifies SHA1withRSA over exactly `signedData` (`Purchase.getOriginalJson()`), then decodes
    /// it. The RSA step runs on node:crypto where the host has it (Node, Deno, Bun), else ring.
    #[wasm_bindgen(unchecked_return_type = "GooglePurchase")]
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> JsResult<JsValue> {
        self.inner.verify(signed_data, signature)
    }

    /// The same check as `verify`, with the RSA step on the host's thread pool (node:crypto) or
    /// WebCrypto where present, ring otherwise. Same results, same errors.
    #[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = "Promise<GooglePurchase>")]
    pub fn verify_async(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> js_sys::Promise {
        self.inner.verify_async(signed_data, signature)
    }
}

/// One-shot form of `new GoogleVerifier(publicKeyBase64, options).verify(signedData, signature)`.
#[wasm_bindgen(js_name = verifyGooglePurchase, unchecked_return_type = "GooglePurchase")]
pub fn verify_google_purchase(
    #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    #[wasm_bindgen(js_name = publicKeyBase64)] public_key_base64: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
) -> JsResult<JsValue> {
    GoogleVerifier::new(public_key_base64, options)?.verify(signed_data, signature)
}

/// Verifies ONE store purchase data (SHA512withRSA) with the app's licence key.
#[wasm_bindgen]
pub struct OneStoreVerifier {
    inner: Purchases<CoreOneStore>,
}

#[wasm_bindgen]
impl OneStoreVerifier {
    /// `publicKeyBase64`: the licence key from the ONE store Developer Center.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = publicKeyBase64)] public_key_base64: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> JsResult<OneStoreVerifier> {
        let core = CoreOneStore::new(public_key_base64, key_options(options)?).map_err(js_error)?;
        Ok(OneStoreVerifier { inner: Purchases::new(core) })
    }

    /// Verifies SHA512withRSA over exactly `signedData`, then decodes it.
    #[wasm_bindgen(unchecked_return_type = "OneStorePurchase")]
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> JsResult<JsValue> {
        self.inner.verify(signed_data, signature)
    }

    /// `verify` with the RSA step on the host's native crypto where present.
    #[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = "Promise<OneStorePurchase>")]
    pub fn verify_async(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> js_sys::Promise {
        self.inner.verify_async(signed_data, signature)
    }
}

/// One-shot form of `new OneStoreVerifier(publicKeyBase64, options).verify(signedData, signature)`.
#[wasm_bindgen(js_name = verifyOneStorePurchase, unchecked_return_type = "OneStorePurchase")]
pub fn verify_onestore_purchase(
    #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    #[wasm_bindgen(js_name = publicKeyBase64)] public_key_base64: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
) -> JsResult<JsValue> {
    OneStoreVerifier::new(public_key_base64, options)?.verify(signed_data, signature)
}

#[wasm_bindgen(typescript_custom_section)]
const TS_RTDN: &'static str = r#"
/** A decoded Google Play real-time developer notification. NOT verified: authenticate the push
 * request (the Pub/Sub OIDC token in its Authorization header) before trusting it. */
export interface DeveloperNotification {
  kind: 'subscription' | 'oneTimeProduct' | 'voidedPurchase' | 'test' | 'unknown';
  version?: string;
  packageName?: string;
  /** Epoch milliseconds. */
  eventTimeMillis?: number;
  subscriptionNotification?: {
    version?: string;
    notificationType: number;
    /** e.g. 'SUBSCRIPTION_RENEWED'; 'UNKNOWN' for a number this version does not know. */
    notificationTypeName: string;
    purchaseToken?: string;
    subscriptionId?: string;
    [unknownField: string]: unknown;
  };
  oneTimeProductNotification?: {
    version?: string;
    notificationType: number;
    notificationTypeName: 'ONE_TIME_PRODUCT_PURCHASED' | 'ONE_TIME_PRODUCT_CANCELED' | 'UNKNOWN';
    purchaseToken?: string;
    sku?: string;
    [unknownField: string]: unknown;
  };
  voidedPurchaseNotification?: {
    purchaseToken?: string;
    orderId?: string;
    productType?: number;
    productTypeName: 'PRODUCT_TYPE_SUBSCRIPTION' | 'PRODUCT_TYPE_ONE_TIME' | 'UNKNOWN';
    refundType?: number;
    refundTypeName: 'REFUND_TYPE_FULL_REFUND' | 'REFUND_TYPE_QUANTITY_BASED_PARTIAL_REFUND' | 'UNKNOWN';
    [unknownField: string]: unknown;
  };
  testNotification?: { version?: string; [unknownField: string]: unknown };
  /** Fields (and notification kinds) this version does not know, as sent. */
  extra?: Record<string, unknown>;
  /** The Pub/Sub envelope. */
  push: { messageId?: string; publishTime?: string; attributes?: Record<string, string>; subscription?: string };
}

/** The body Cloud Pub/Sub POSTs to a push endpoint. */
export interface PubSubPushBody {
  message: { data: string; messageId?: string; publishTime?: string; attributes?: Record<string, string> };
  subscription?: string;
}
"#;

/// Decodes a Google RTDN from its Pub/Sub push body (the request body as a string, or the parsed
/// object). Decoding only: the body carries no signature.
#[wasm_bindgen(js_name = decodeGoogleNotification, unchecked_return_type = "DeveloperNotification")]
pub fn decode_google_notification(
    #[wasm_bindgen(js_name = pushBody, unchecked_param_type = "string | PubSubPushBody")] push_body: JsValue,
) -> JsResult<JsValue> {
    let body = if push_body.is_string() {
        string_arg(&push_body, "pushBody", limits::MAX_NOTIFICATION)?
    } else if push_body.is_object() {
        let text = js_sys::JSON::stringify(&push_body)
            .map_err(|_| js_error(crate::Error::invalid_argument("pushBody cannot be serialized to JSON")))?;
        string_arg(&text.into(), "pushBody", limits::MAX_NOTIFICATION)?
    } else {
        return Err(js_error(crate::Error::invalid_argument("pushBody must be a string or an object")));
    };
    to_js(&crate::google::rtdn::decode_push(body.as_bytes()).map_err(js_error)?)
}
