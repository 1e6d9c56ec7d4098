//! JS bindings for Google Play and ONE store signed purchases.

use std::rc::Rc;

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::purchase::{to_js_verified, Verified};
use super::webcrypto::HostRsaKey;
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

/// Verifies Google Play purchase data with the app's licence key (parsed and checked once).
#[wasm_bindgen]
pub struct GoogleVerifier {
    inner: Rc<CoreGoogle>,
    host: Rc<HostRsaKey>,
}

#[wasm_bindgen]
impl GoogleVerifier {
    /// `publicKeyBase64`: the Play Console licence key (base64 RSA SubjectPublicKeyInfo).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = publicKeyBase64)] public_key_base64: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> JsResult<GoogleVerifier> {
        let inner = CoreGoogle::new(public_key_base64, key_options(options)?).map_err(js_error)?;
        let (spki, hash) = inner.host_key();
        let host = Rc::new(HostRsaKey::new(spki, hash));
        Ok(GoogleVerifier { inner: Rc::new(inner), host })
    }

    /// Verifies SHA1withRSA over exactly `signedData` (`Purchase.getOriginalJson()`), then decodes it.
    #[wasm_bindgen(unchecked_return_type = "GooglePurchase")]
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> JsResult<JsValue> {
        let data = bytes_arg(&signed_data, "signedData", limits::MAX_SIGNED_DATA)?;
        let signature = string_arg(&signature, "signature", limits::MAX_SIGNATURE_TEXT)?;
        let verified = self.inner.verify(&data, &signature).map_err(js_error)?;
        to_js_verified(verified.purchase(), Verified::Google)
    }

    /// The same check as `verify`, with the RSA operation done by the host's WebCrypto where it
    /// exists (natively, off the main thread in Node); ring otherwise. Same results, same errors.
    #[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = "Promise<GooglePurchase>")]
    pub fn verify_async(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> js_sys::Promise {
        let prepared = bytes_arg(&signed_data, "signedData", limits::MAX_SIGNED_DATA).and_then(|data| {
            let signature = string_arg(&signature, "signature", limits::MAX_SIGNATURE_TEXT)?;
            Ok((data, signature))
        });
        let (inner, host) = (Rc::clone(&self.inner), Rc::clone(&self.host));
        future_to_promise(async move {
            let (data, signature_b64) = prepared?;
            let signature = inner.prepare(&data, &signature_b64).map_err(js_error)?;
            let verified = match host.verify(&data, &signature).await {
                Some(true) => inner.decode_host_verified(&data),
                Some(false) => Err(crate::Error::InvalidSignature),
                None => inner.verify(&data, &signature_b64),
            }
            .map_err(js_error)?;
            to_js_verified(verified.purchase(), Verified::Google)
        })
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
    inner: Rc<CoreOneStore>,
    host: Rc<HostRsaKey>,
}

#[wasm_bindgen]
impl OneStoreVerifier {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = publicKeyBase64)] public_key_base64: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
    ) -> JsResult<OneStoreVerifier> {
        let inner = CoreOneStore::new(public_key_base64, key_options(options)?).map_err(js_error)?;
        let (spki, hash) = inner.host_key();
        let host = Rc::new(HostRsaKey::new(spki, hash));
        Ok(OneStoreVerifier { inner: Rc::new(inner), host })
    }

    #[wasm_bindgen(unchecked_return_type = "OneStorePurchase")]
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> JsResult<JsValue> {
        let data = bytes_arg(&signed_data, "signedData", limits::MAX_SIGNED_DATA)?;
        let signature = string_arg(&signature, "signature", limits::MAX_SIGNATURE_TEXT)?;
        let verified = self.inner.verify(&data, &signature).map_err(js_error)?;
        to_js_verified(verified.purchase(), Verified::OneStore)
    }

    /// The same check as `verify`, with the RSA operation done by the host's WebCrypto where it
    /// exists (natively, off the main thread in Node); ring otherwise. Same results, same errors.
    #[wasm_bindgen(js_name = verifyAsync, unchecked_return_type = "Promise<OneStorePurchase>")]
    pub fn verify_async(
        &self,
        #[wasm_bindgen(js_name = signedData, unchecked_param_type = "string | Uint8Array")] signed_data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
    ) -> js_sys::Promise {
        let prepared = bytes_arg(&signed_data, "signedData", limits::MAX_SIGNED_DATA).and_then(|data| {
            let signature = string_arg(&signature, "signature", limits::MAX_SIGNATURE_TEXT)?;
            Ok((data, signature))
        });
        let (inner, host) = (Rc::clone(&self.inner), Rc::clone(&self.host));
        future_to_promise(async move {
            let (data, signature_b64) = prepared?;
            let signature = inner.prepare(&data, &signature_b64).map_err(js_error)?;
            let verified = match host.verify(&data, &signature).await {
                Some(true) => inner.decode_host_verified(&data),
                Some(false) => Err(crate::Error::InvalidSignature),
                None => inner.verify(&data, &signature_b64),
            }
            .map_err(js_error)?;
            to_js_verified(verified.purchase(), Verified::OneStore)
        })
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
