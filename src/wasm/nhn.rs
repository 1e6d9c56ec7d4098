//! JS bindings for the NHN Cloud IAP and Gamebase APIs, sans-I/O: `IapApi` and `GamebaseApi` build
//! `HttpRequest`s and parse `HttpResponse`s; `pkg/src/clients.js` sends them with `fetch`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::purchase::{register, Verified};
use super::{js_error, to_js, JsResult};
use crate::error::{Error, Unit};
use crate::limits;
use crate::nhn::gamebase::{self, GamebaseApi as CoreGamebase};
use crate::nhn::iap::{self, IapApi as CoreIap};
use crate::nhn::{strip_quoted, Args, FromJson, HttpResponse, PaymentRef};

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = r#"
/** A request for `fetch`: `fetch(r.url, { method: r.method, headers: r.headers, body: r.body })`. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** JSON text; absent for GET. */
  body?: string;
}

/** What came back: the status, the headers (optional) and the body as text. */
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** Store code. Values not listed here are passed through as sent. */
export type MarketId = 'GG' | 'AS' | 'ONESTORE' | 'GALAXY' | 'AMAZON' | 'HUAWEI' | 'MYCARD' | 'TS' | (string & {});
/** IAP console product type; new values are passed through as sent. */
export type ProductType = 'CONSUMABLE' | 'AUTO_RENEWABLE' | 'CONSUMABLE_AUTO_RENEWABLE' | (string & {});
/** Gamebase `referenceStatus` of a Google subscription; new values are passed through as sent. */
export type ReferenceStatus =
  | 'PURCHASED' | 'REPURCHASED' | 'RESTARTED' | 'PENDING' | 'RENEWED' | 'RECOVERED' | 'PAUSE_SCHEDULED'
  | 'PAUSED' | 'REVOKED' | 'CANCELED_PRODUCT' | 'CANCELED_SUBSCRIPTION' | 'ON_HOLD' | 'IN_GRACE'
  | 'EXPIRED' | 'NOT_APPOINTED' | (string & {});

/** One payment as the app hands it to its server: NHN's payment number and its access token. */
export interface PaymentRef {
  /** 16-digit payment number, a string. */
  paymentSeq: string;
  /** Payment access token (the SDK's purchaseToken). */
  accessToken: string;
}

export interface IapApiOptions {
  /** The IAP AppKey from the console (URL & Appkey). Not a secret: every app embeds it. */
  appKey: string;
  /** Default https://api-iap.cloud.toast.com. */
  baseUrl?: string;
}

export interface IapListConsumablesParams { marketId: MarketId; userKey: string; userChannel?: string }
export interface IapListActiveSubscriptionsParams { marketId: MarketId; packageName: string; userKey: string; userChannel?: string }
export interface LegacyConsumeParams { paymentSeq: string; itemSeq: number; purchaseToken: string }
export interface LegacyConsumablesParams { appSeq: number; userKey: string; userChannel?: string }
export interface LegacyItemListParams { appSeq: number }

/** What a consume returns. `price` may carry decimals. */
export interface IapConsumeResult { price: number; currency: string; productSeq: number }
export interface IapConsumable { paymentSeq: string; productSeq: number; currency: string; price: number; accessToken: string }
/** Times are epoch milliseconds, as the IAP server sends them. */
export interface IapActiveSubscription {
  paymentSeq: string; productSeq: number; productId: string; productType: ProductType;
  channel?: string; userId?: string; appId?: string; currency: string; price: number;
  paymentId?: string; originalPaymentId?: string;
  purchaseTimeMillis?: number; expiryTimeMillis?: number; renewTimeMillis?: number;
}
export interface LegacyConsumeResult { price: number; currency: string }
export interface LegacyConsumable { paymentSeq: string; itemSeq: number; currency: string; price: number; purchaseToken: string }
export interface LegacyItem {
  itemSeq: number; itemName?: string; marketItemId?: string; usingStatus?: string;
  /** As sent, e.g. "2014-12-05 07:02:34" (zone unstated). */
  regYmdt?: string; appName?: string; marketId?: MarketId;
}
export interface LegacyItemList { appSeq?: number; appUsingStatus?: string; marketAppId?: string; itemList: LegacyItem[] }

export interface GamebaseApiOptions {
  /** The NHN Cloud project id. */
  appId: string;
  /** The Gamebase console secret key. Server-side only: it can refund and read every payment. */
  secretKey: string;
  /** Default https://api-gamebase.nhncloudservice.com. */
  baseUrl?: string;
  /** Sent as X-TCGB-Transaction-Id; the server echoes it. */
  transactionId?: string;
}

export interface GamebaseListConsumablesParams { userId: string; marketIds?: MarketId[] }
export interface GetPaymentTransactionParams { accessToken: string }
export interface GamebaseListActiveSubscriptionsParams {
  userId: string; packageName: string; marketIds?: MarketId[]; includeInactiveGoogleStatuses?: ReferenceStatus[];
}
export interface SubscriptionsStatusParams { payments: PaymentRef[] }

export interface GamebaseConsumeResult {
  price: number; currency: string; productSeq: number; marketId?: MarketId; gamebaseProductId?: string; payload?: string;
}
/** `purchaseTime` is ISO-8601 with offset, as Gamebase sends it; `purchaseTimeMillis` the same instant in epoch ms. */
export interface GamebaseConsumable {
  paymentSeq: string; productSeq: number; currency: string; price: number; accessToken: string;
  marketId?: MarketId; paymentId?: string; gamebaseProductId?: string; purchaseTime?: string; purchaseTimeMillis?: number;
  payload?: string; isTestPurchase?: boolean;
}
export interface PaymentTransaction {
  paymentSeq: string; productSeq: number; currency: string; price: number;
  /** Whether the payment can still be consumed. */
  isConsumable: boolean;
  marketId?: MarketId; accessToken?: string; paymentId?: string;
  /** ONE store only. */
  paymentToken?: string; productType?: ProductType; userId?: string; gamebaseProductId?: string;
  purchaseTime?: string; purchaseTimeMillis?: number; payload?: string; isTestPurchase?: boolean;
}
export interface GamebaseActiveSubscription {
  paymentSeq: string; productSeq: number; productId: string; productType: ProductType; price: number; currency: string;
  accessToken: string; marketId?: MarketId; userId?: string; originalPaymentId?: string; paymentId?: string;
  linkedPaymentId?: string; gamebaseProductId?: string; payload?: string;
  /** ISO-8601 as sent; the `*Millis` twins are the same instants in epoch ms (absent if unreadable). */
  purchaseTime?: string; expiryTime?: string; renewTime?: string;
  purchaseTimeMillis?: number; expiryTimeMillis?: number; renewTimeMillis?: number; isTestPurchase?: boolean;
  referenceStatus?: ReferenceStatus;
}
/** One payment's row of Gamebase's `POST /subscriptions/status` (not `subscriptionStatus()`'s result). */
export interface GamebaseSubscriptionStatus {
  paymentSeq: string; userId?: string; accessToken?: string; paymentId?: string; originalPaymentId?: string;
  purchaseTime?: string; expiryTime?: string; renewTime?: string;
  purchaseTimeMillis?: number; expiryTimeMillis?: number; renewTimeMillis?: number; referenceStatus?: ReferenceStatus;
}
"#;

/// A caller's JS object as JSON, every key included (so that typos are errors, not ignored).
fn json_arg(value: JsValue, what: &'static str) -> JsResult<serde_json::Value> {
    super::js_to_json(&value).map_err(|e| js_error(Error::invalid_argument(format!("{what}: {}", strip_quoted(&e)))))
}

/// Caller parameters: a wrong shape or an unknown field is `INVALID_ARGUMENT`.
fn arg<T: FromJson>(value: JsValue, what: &'static str) -> JsResult<T> {
    T::from_json(&json_arg(value, what)?).map_err(js_error)
}

/// The response, refused before it is copied into the module when its body is over the limit
/// (a JS string's UTF-16 length never exceeds its UTF-8 byte length, so the early check is safe).
fn response_arg(value: JsValue) -> JsResult<HttpResponse> {
    if let Ok(body) = js_sys::Reflect::get(&value, &JsValue::from_str("body")) {
        if let Some(text) = body.dyn_ref::<js_sys::JsString>() {
            let len = usize::try_from(text.length()).unwrap_or(usize::MAX);
            // Counted in UTF-16 units: more of them than the limit means more bytes too.
            limits::check_count("NHN API response", len, limits::MAX_API_RESPONSE, Unit::Characters).map_err(js_error)?;
        }
    }
    let json = json_arg(value, "response")?;
    serde_json::from_value(json).map_err(|e| js_error(Error::invalid_argument(format!("response: {}", strip_quoted(&e.to_string())))))
}

/// Sans-I/O NHN Cloud IAP server API: request builders and response parsers for one app.
#[wasm_bindgen(js_name = IapApi)]
pub struct JsIapApi {
    inner: CoreIap,
}

#[wasm_bindgen(js_class = IapApi)]
impl JsIapApi {
    /// `new IapApi({ appKey, baseUrl? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "IapApiOptions")] options: JsValue) -> JsResult<JsIapApi> {
        let json = json_arg(options, "IapApi options")?;
        let o = Args::new(&json, "IapApi options", Some(&["appKey", "baseUrl"])).map_err(js_error)?;
        let (app_key, base_url) = (o.str("appKey").map_err(js_error)?, o.opt_str("baseUrl").map_err(js_error)?);
        let inner = CoreIap::new(&app_key, base_url.as_deref()).map_err(js_error)?;
        Ok(JsIapApi { inner })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }
}

/// Sans-I/O Gamebase purchase API (v1.3) for one project. Holds the secret key: server-side only.
#[wasm_bindgen(js_name = GamebaseApi)]
pub struct JsGamebaseApi {
    inner: CoreGamebase,
}

#[wasm_bindgen(js_class = GamebaseApi)]
impl JsGamebaseApi {
    /// `new GamebaseApi({ appId, secretKey, baseUrl?, transactionId? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "GamebaseApiOptions")] options: JsValue) -> JsResult<JsGamebaseApi> {
        let json = json_arg(options, "GamebaseApi options")?;
        let o = Args::new(&json, "GamebaseApi options", Some(&["appId", "secretKey", "baseUrl", "transactionId"]))
            .map_err(js_error)?;
        let read = |k| o.opt_str(k).map_err(js_error);
        let (app_id, secret_key) = (o.str("appId").map_err(js_error)?, o.str("secretKey").map_err(js_error)?);
        let (base_url, transaction_id) = (read("baseUrl")?, read("transactionId")?);
        let inner = CoreGamebase::new(&app_id, &secret_key, base_url.as_deref(), transaction_id.as_deref())
            .map_err(js_error)?;
        Ok(JsGamebaseApi { inner })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_owned()
    }

    /// G5 for any number of payments: one request per batch of ten, in order. Send each, parse
    /// each with `parseSubscriptionsStatus`, and concatenate.
    #[wasm_bindgen(js_name = subscriptionsStatusRequests, unchecked_return_type = "HttpRequest[]")]
    pub fn subscriptions_status_requests(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaymentRef[]")] payments: JsValue,
    ) -> JsResult<JsValue> {
        let json = json_arg(payments, "payments")?;
        let list = json.as_array().ok_or_else(|| js_error(Error::invalid_argument("payments must be a list")))?;
        let payments = list.iter().map(PaymentRef::from_json).collect::<Result<Vec<_>, _>>().map_err(js_error)?;
        to_js(&self.inner.subscriptions_status_batches(&payments).map_err(js_error)?)
    }

    /// Reads a G6 (cancel) or G7 (revoke) response, which carries only the header.
    #[wasm_bindgen(js_name = parseHeaderOnly)]
    pub fn parse_header_only(
        &self,
        #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
    ) -> JsResult<()> {
        self.inner.parse_header_only(&response_arg(response)?).map_err(js_error)
    }
}

/// One endpoint: `<name>Request(params): HttpRequest` and `parse<Name>(response): Result`.
macro_rules! endpoint {
    ($class:ident, $js_class:ident, $doc:tt,
     $build:ident = $build_js:ident($params:ty, $params_ts:tt) => $core_build:ident,
     $parse:ident = $parse_js:ident -> $result_ts:tt => $core_parse:ident) => {
        #[wasm_bindgen(js_class = $js_class)]
        impl $class {
            #[doc = $doc]
            #[wasm_bindgen(js_name = $build_js, unchecked_return_type = "HttpRequest")]
            pub fn $build(&self, #[wasm_bindgen(unchecked_param_type = $params_ts)] params: JsValue) -> JsResult<JsValue> {
                let p: $params = arg(params, "params")?;
                to_js(&self.inner.$core_build(&p).map_err(js_error)?)
            }

            /// Reads the response of the request built by the method above.
            #[wasm_bindgen(js_name = $parse_js, unchecked_return_type = $result_ts)]
            pub fn $parse(
                &self,
                #[wasm_bindgen(unchecked_param_type = "HttpResponse")] response: JsValue,
            ) -> JsResult<JsValue> {
                records_js(&self.inner.$core_parse(&response_arg(response)?).map_err(js_error)?)
            }
        }
    };
}

/// A parsed answer as JS, its payment records registered for `toPurchase`: each element of a
/// list, or the object itself, when it is a record the unified model can read (it names its
/// store, product and purchase time; the IAP API's lists name no store, the request did).
fn records_js<T: serde::Serialize>(value: &T) -> JsResult<JsValue> {
    let json = serde_json::to_value(value).map_err(|e| js_error(Error::malformed("result", e.to_string())))?;
    let js = to_js(&json)?;
    let is_record = |v: &serde_json::Value| crate::purchase::sources::nhn_record(v).is_ok();
    match &json {
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let Ok(index) = u32::try_from(i) else { break };
                if is_record(item) {
                    register(&js_sys::Array::from(&js).get(index), Verified::NhnRecord, item)?;
                }
            }
        }
        one if is_record(one) => register(&js, Verified::NhnRecord, one)?,
        _ => {}
    }
    Ok(js)
}

endpoint!(JsIapApi, IapApi, "E1 `POST /v1/service/consume`.",
    consume_request = consumeRequest(PaymentRef, "PaymentRef") => consume_request,
    parse_consume = parseConsume -> "IapConsumeResult" => parse_consume);
endpoint!(JsIapApi, IapApi, "E2 `POST /v1/service/consumable`.",
    list_consumables_request = listConsumablesRequest(iap::ListConsumablesParams, "IapListConsumablesParams") => list_consumables_request,
    parse_list_consumables = parseListConsumables -> "IapConsumable[]" => parse_list_consumables);
endpoint!(JsIapApi, IapApi, "E3 `POST /v1/service/activeSubscriptionList`.",
    list_active_subscriptions_request = listActiveSubscriptionsRequest(iap::ListActiveSubscriptionsParams, "IapListActiveSubscriptionsParams") => list_active_subscriptions_request,
    parse_list_active_subscriptions = parseListActiveSubscriptions -> "IapActiveSubscription[]" => parse_list_active_subscriptions);
endpoint!(JsIapApi, IapApi, "L1 legacy `POST /inapp/v3/consume/{paymentSeq}/items/{itemSeq}`.",
    consume_legacy_request = consumeLegacyRequest(iap::LegacyConsumeParams, "LegacyConsumeParams") => consume_legacy_request,
    parse_consume_legacy = parseConsumeLegacy -> "LegacyConsumeResult" => parse_consume_legacy);
endpoint!(JsIapApi, IapApi, "L2 legacy `POST /standard/inapp/v1/consumable/list`.",
    list_consumables_legacy_request = listConsumablesLegacyRequest(iap::LegacyConsumablesParams, "LegacyConsumablesParams") => list_consumables_legacy_request,
    parse_list_consumables_legacy = parseListConsumablesLegacy -> "LegacyConsumable[]" => parse_list_consumables_legacy);
endpoint!(JsIapApi, IapApi, "L3 legacy `GET /standard/item/list/{appSeq}`.",
    list_items_legacy_request = listItemsLegacyRequest(iap::LegacyItemListParams, "LegacyItemListParams") => list_items_legacy_request,
    parse_list_items_legacy = parseListItemsLegacy -> "LegacyItemList" => parse_list_items_legacy);

endpoint!(JsGamebaseApi, GamebaseApi, "G1 `POST /consume`.",
    consume_request = consumeRequest(PaymentRef, "PaymentRef") => consume_request,
    parse_consume = parseConsume -> "GamebaseConsumeResult" => parse_consume);
endpoint!(JsGamebaseApi, GamebaseApi, "G2 `POST /consumable`.",
    list_consumables_request = listConsumablesRequest(gamebase::ListConsumablesParams, "GamebaseListConsumablesParams") => list_consumables_request,
    parse_list_consumables = parseListConsumables -> "GamebaseConsumable[]" => parse_list_consumables);
endpoint!(JsGamebaseApi, GamebaseApi, "G3 `GET /payment/transaction?accessToken=`.",
    get_payment_transaction_request = getPaymentTransactionRequest(gamebase::GetPaymentTransactionParams, "GetPaymentTransactionParams") => get_payment_transaction_request,
    parse_get_payment_transaction = parseGetPaymentTransaction -> "PaymentTransaction" => parse_get_payment_transaction);
endpoint!(JsGamebaseApi, GamebaseApi, "G4 `POST /active-subscriptions`.",
    list_active_subscriptions_request = listActiveSubscriptionsRequest(gamebase::ListActiveSubscriptionsParams, "GamebaseListActiveSubscriptionsParams") => list_active_subscriptions_request,
    parse_list_active_subscriptions = parseListActiveSubscriptions -> "GamebaseActiveSubscription[]" => parse_list_active_subscriptions);
endpoint!(JsGamebaseApi, GamebaseApi, "G5 `POST /subscriptions/status` for at most ten payments.",
    subscriptions_status_request = subscriptionsStatusRequest(gamebase::SubscriptionsStatusParams, "SubscriptionsStatusParams") => subscriptions_status_request,
    parse_subscriptions_status = parseSubscriptionsStatus -> "GamebaseSubscriptionStatus[]" => parse_subscriptions_status);

#[wasm_bindgen(js_class = GamebaseApi)]
impl JsGamebaseApi {
    /// G6 `POST /subscriptions/cancel` (Google only); read the answer with `parseHeaderOnly`.
    #[wasm_bindgen(js_name = cancelSubscriptionRequest, unchecked_return_type = "HttpRequest")]
    pub fn cancel_subscription_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaymentRef")] params: JsValue,
    ) -> JsResult<JsValue> {
        let p: PaymentRef = arg(params, "params")?;
        to_js(&self.inner.cancel_subscription_request(&p).map_err(js_error)?)
    }

    /// G7 `POST /subscriptions/revoke` (Google only, refunds); read the answer with `parseHeaderOnly`.
    #[wasm_bindgen(js_name = revokeSubscriptionRequest, unchecked_return_type = "HttpRequest")]
    pub fn revoke_subscription_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PaymentRef")] params: JsValue,
    ) -> JsResult<JsValue> {
        let p: PaymentRef = arg(params, "params")?;
        to_js(&self.inner.revoke_subscription_request(&p).map_err(js_error)?)
    }
}

/// Internal, for `pkg/src/clients.js`: the package's error for a transport failure, so that
/// codes, messages and `retryable` come from the one error model. `kind` is `"network"`
/// (`reason` says what failed), `"timeout"` (`n` is the time allowed, in ms), `"too_large"` (`n`
/// is the body's size as far as it was read, or its Content-Length) or `"argument"` (a bad client
/// option).
#[wasm_bindgen(js_name = __nhnClientError, skip_typescript)]
pub fn client_error(kind: &str, reason: &str, n: f64) -> JsValue {
    // `as` saturates (NaN is 0), so any JS number gives a sane count.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = n.round() as u64;
    let e = match kind {
        "timeout" => Error::Timeout { after_ms: n },
        "too_large" => Error::InputTooLarge {
            what: "NHN API response",
            limit: limits::MAX_API_RESPONSE,
            actual: usize::try_from(n).unwrap_or(usize::MAX),
            unit: Unit::Bytes,
        },
        // The reason names the failure's kind; a caller's fetch may have made it up, so it is
        // cleaned like any upstream text.
        "network" => Error::Network { reason: crate::error::upstream_text(reason, None) },
        _ => Error::invalid_argument(reason),
    };
    js_error(e)
}

/// Internal, for `pkg/src/clients.js`: the most bytes an API response body may have, so that the
/// client stops reading a larger one as it arrives.
#[wasm_bindgen(js_name = __nhnResponseLimit, skip_typescript)]
pub fn response_limit() -> f64 {
    // 4 MiB: exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let limit = limits::MAX_API_RESPONSE as f64;
    limit
}
