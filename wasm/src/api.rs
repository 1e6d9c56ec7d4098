//! JS bindings for the server APIs, sans-I/O: one class, `__ServerApi`, builds the request of any
//! declared endpoint and parses its response. The declarations themselves reach JS at build time
//! (`examples/declarations.rs` prints them, `scripts/gen-endpoints.mjs` writes the table
//! `pkg/src/clients.js` makes the public classes from, and their types). The types of parameters
//! and results are below.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::purchase::{register, Verified};
use crate::{js_error, to_js, JsResult};
use iap_verify::endpoint::{Endpoint, ServerApi};
use iap_verify::{Error, Unit};
use iap_verify::limits;
use iap_verify::apple::AppStoreServerApi;
use iap_verify::google::GooglePlayApi;
use iap_verify::binding::strip_quoted;
use iap_verify::nhn::{GamebaseApi, HttpResponse, IapApi};

#[wasm_bindgen(typescript_custom_section)]
const TS: &'static str = r#"
/** A request for `fetch`: `fetch(r.url, { method: r.method, headers: r.headers, body: r.body })`. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** JSON text, or the caller's bytes for an upload (`uploadImage`); absent when there is no body. */
  body?: string | Uint8Array;
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

#[wasm_bindgen(typescript_custom_section)]
const APP_STORE_TS: &'static str = r#"
/** Options of the sans-I/O `AppStoreServerApi` (the client takes them as Apple's constructor arguments). */
export interface AppStoreServerApiOptions {
  /** The .p8 file's text (PKCS#8 PEM, P-256). */
  signingKey: string;
  keyId: string;
  issuerId: string;
  bundleId: string;
  environment: 'Production' | 'Sandbox' | 'LocalTesting';
  baseUrl?: string;
  /** Roots that signed data in answers must chain to, as base64 DER. Default: Apple's roots. */
  rootCertificates?: string[];
  /** Needed to verify Production data. */
  appAppleId?: number;
}
export interface TransactionHistoryRequest {
  startDate?: number; endDate?: number; productIds?: string[]; productTypes?: string[]; sort?: 'ASCENDING' | 'DESCENDING';
  subscriptionGroupIdentifiers?: string[]; inAppOwnershipType?: 'FAMILY_SHARED' | 'PURCHASED'; revoked?: boolean;
}
export interface ConsumptionRequestV1 { [field: string]: unknown }
export interface ConsumptionRequest {
  customerConsented: boolean; consumptionPercentage?: number; deliveryStatus: string; refundPreference?: string; sampleContentProvided: boolean;
}
export interface ExtendRenewalDateRequest { extendByDays?: number; extendReasonCode?: number; requestIdentifier?: string }
export interface MassExtendRenewalDateRequest extends ExtendRenewalDateRequest { storefrontCountryCodes?: string[]; productId?: string }
export interface NotificationHistoryRequest {
  startDate?: number; endDate?: number; notificationType?: string; notificationSubtype?: string; transactionId?: string; onlyFailures?: boolean;
}
export interface UpdateAppAccountTokenRequest { appAccountToken: string }
/** Answers: Apple's fields, and beside each signed field its verified decoding. */
export interface TransactionInfoResponse { signedTransactionInfo?: string; decodedTransactionInfo?: JWSTransactionDecodedPayload }
export interface HistoryResponse {
  revision?: string; hasMore?: boolean; bundleId?: string; appAppleId?: number; environment?: string;
  signedTransactions?: string[]; decodedTransactions?: JWSTransactionDecodedPayload[];
}
export interface LastTransactionsItem {
  status?: number; originalTransactionId?: string;
  signedTransactionInfo?: string; decodedTransactionInfo?: JWSTransactionDecodedPayload;
  signedRenewalInfo?: string; decodedRenewalInfo?: JWSRenewalInfoDecodedPayload;
}
export interface StatusResponse {
  environment?: string; bundleId?: string; appAppleId?: number;
  data?: { subscriptionGroupIdentifier?: string; lastTransactions?: LastTransactionsItem[] }[];
}
export interface OrderLookupResponse { status?: number; signedTransactions?: string[]; decodedTransactions?: JWSTransactionDecodedPayload[] }
export interface RefundHistoryResponse { signedTransactions?: string[]; decodedTransactions?: JWSTransactionDecodedPayload[]; revision?: string; hasMore?: boolean }
export interface ExtendRenewalDateResponse { originalTransactionId?: string; webOrderLineItemId?: string; success?: boolean; effectiveDate?: number }
export interface MassExtendRenewalDateResponse { requestIdentifier?: string }
export interface MassExtendRenewalDateStatusResponse {
  requestIdentifier?: string; complete?: boolean; completeDate?: number; succeededCount?: number; failedCount?: number;
}
export interface SendAttemptItem { attemptDate?: number; sendAttemptResult?: string }
export interface NotificationHistoryResponse {
  paginationToken?: string; hasMore?: boolean;
  notificationHistory?: { signedPayload?: string; decodedPayload?: ResponseBodyV2DecodedPayload; sendAttempts?: SendAttemptItem[] }[];
}
export interface SendTestNotificationResponse { testNotificationToken?: string }
export interface CheckTestNotificationResponse { signedPayload?: string; decodedPayload?: ResponseBodyV2DecodedPayload; sendAttempts?: SendAttemptItem[] }
export interface AppTransactionInfoResponse { signedAppTransactionInfo?: string; decodedAppTransactionInfo?: AppTransaction }
/** Retention Messaging API. States and sizes are Apple's strings; new values are passed through. */
export type ReviewState = 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED' | (string & {});
export interface GetImageListResponse {
  imageIdentifiers?: { imageIdentifier?: string; imageState?: ReviewState; imageSize?: 'FULL_SIZE' | 'BULLET_POINT' | (string & {}) }[];
}
export interface GetMessageListResponse { messageIdentifiers?: { messageIdentifier?: string; messageState?: ReviewState }[] }
export interface UploadMessageRequestBody {
  header: string; body: string; image?: { imageIdentifier: string; altText: string };
  headerPosition?: 'ABOVE_BODY' | 'ABOVE_IMAGE' | (string & {}); bulletPoints?: { text: string; imageIdentifier: string; altText: string }[];
}
export interface DefaultConfigurationRequest { messageIdentifier?: string }
export interface DefaultConfigurationResponse { messageIdentifier: string }
export interface RealtimeUrlRequest { realtimeURL: string }
export interface RealtimeUrlResponse { realtimeURL: string }
export interface PerformanceTestRequest { originalTransactionId: string }
export interface PerformanceTestConfig {
  maxConcurrentRequests: number; totalRequests: number; totalDuration: number; responseTimeThreshold: number; successRateThreshold: number;
}
export interface PerformanceTestResponse { config: PerformanceTestConfig; requestId: string }
export interface PerformanceTestResultResponse {
  config: PerformanceTestConfig; target: string; result: 'PENDING' | 'PASS' | 'FAIL' | (string & {}); successRate: number; numPending: number;
  responseTimes: { average: number; p50: number; p90: number; p95: number; p99: number };
  failures: Record<string, number>;
}
"#;

/// A caller's JS object as JSON, every key included (so that typos are errors, not ignored).
pub(super) fn json_arg(value: JsValue, what: &'static str) -> JsResult<serde_json::Value> {
    crate::js_to_json(&value).map_err(|e| js_error(Error::invalid_argument(format!("{what}: {}", strip_quoted(&e)))))
}

/// The response, refused before it is copied into the module when its body is over the limit
/// (a JS string's UTF-16 length never exceeds its UTF-8 byte length, so the early check is safe).
pub(super) fn response_arg(value: JsValue, what: &'static str) -> JsResult<HttpResponse> {
    if let Ok(body) = js_sys::Reflect::get(&value, &JsValue::from_str("body")) {
        if let Some(text) = body.dyn_ref::<js_sys::JsString>() {
            let len = usize::try_from(text.length()).unwrap_or(usize::MAX);
            // Counted in UTF-16 units: more of them than the limit means more bytes too.
            limits::check_count(what, len, limits::MAX_API_RESPONSE, Unit::Characters).map_err(js_error)?;
        }
    }
    let json = json_arg(value, "response")?;
    serde_json::from_value(json).map_err(|e| js_error(Error::invalid_argument(format!("response: {}", strip_quoted(&e.to_string())))))
}

/// The core API behind a `__ServerApi`.
pub(super) enum Core {
    Iap(IapApi),
    Gamebase(GamebaseApi),
    AppStore(Box<AppStoreServerApi>),
    GooglePlay(Box<GooglePlayApi>),
}

/// Internal, for `pkg/src/endpoints.js`: one server API, any of its declared endpoints.
#[wasm_bindgen(js_name = __ServerApi, skip_typescript)]
pub struct JsServerApi {
    pub(super) core: Core,
}

pub(super) fn request_of<A: ServerApi>(api: &A, name: &str, params: JsValue, now_ms: f64) -> JsResult<JsValue> {
    let endpoint = A::endpoint(name).map_err(js_error)?;
    // No parameters object reads as an empty one: the declaration then names what is missing.
    let params = if params.is_undefined() || params.is_null() { serde_json::json!({}) } else { json_arg(params, "params")? };
    to_js(&api.request(endpoint, &params, ms(now_ms)).map_err(js_error)?)
}

/// `Date.now()` as whole ms; `as` saturates (NaN is 0).
pub(super) fn ms(now_ms: f64) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let n = now_ms as i64;
    n
}

pub(super) fn parse_of<A: ServerApi>(api: &A, name: &str, response: JsValue, now_ms: f64, records: bool) -> JsResult<JsValue> {
    let endpoint: &Endpoint<A> = A::endpoint(name).map_err(js_error)?;
    let value = api.parse(endpoint, &response_arg(response, A::RESPONSE)?, ms(now_ms)).map_err(js_error)?;
    match value {
        serde_json::Value::Null => Ok(JsValue::UNDEFINED),
        v if records => records_js(&v),
        v => to_js(&v),
    }
}


#[wasm_bindgen(js_class = __ServerApi)]
impl JsServerApi {
    /// `new __ServerApi(api, options)`, `api` one of `iap`, `gamebase`, `appstore`, `googleplay`.
    #[wasm_bindgen(constructor)]
    pub fn new(api: &str, options: JsValue) -> JsResult<JsServerApi> {
        let o = json_arg(options, "options")?;
        let core = match api {
            "iap" => Core::Iap(IapApi::from_options(&o).map_err(js_error)?),
            "gamebase" => Core::Gamebase(GamebaseApi::from_options(&o).map_err(js_error)?),
            "appstore" => Core::AppStore(Box::new(AppStoreServerApi::from_options(&o).map_err(js_error)?)),
            "googleplay" => Core::GooglePlay(Box::new(GooglePlayApi::from_options(&o).map_err(js_error)?)),
            _ => return Err(js_error(Error::invalid_argument(format!("no server API named {api:?}")))),
        };
        Ok(JsServerApi { core })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        match &self.core {
            Core::Iap(a) => ServerApi::base_url(a).to_owned(),
            Core::Gamebase(a) => ServerApi::base_url(a).to_owned(),
            Core::AppStore(a) => ServerApi::base_url(a.as_ref()).to_owned(),
            Core::GooglePlay(a) => ServerApi::base_url(a.as_ref()).to_owned(),
        }
    }

    /// The request of endpoint `name` for `params`; `nowMs` is the time (for signed tokens).
    pub fn request(&self, name: &str, params: JsValue, now_ms: f64) -> JsResult<JsValue> {
        match &self.core {
            Core::Iap(a) => request_of(a, name, params, now_ms),
            Core::Gamebase(a) => request_of(a, name, params, now_ms),
            Core::AppStore(a) => request_of(a.as_ref(), name, params, now_ms),
            Core::GooglePlay(a) => request_of(a.as_ref(), name, params, now_ms),
        }
    }

    /// The result of endpoint `name`'s `response` (`undefined` for an answer with none); `nowMs`
    /// is the time, for verifying signed data in it; `params`, the request's (optional), lets the
    /// Play API's purchases name their product and token for `toPurchase`.
    pub fn parse(&self, name: &str, response: JsValue, now_ms: f64, params: JsValue) -> JsResult<JsValue> {
        match &self.core {
            Core::Iap(a) => parse_of(a, name, response, now_ms, true),
            Core::Gamebase(a) => parse_of(a, name, response, now_ms, true),
            Core::AppStore(a) => parse_of(a.as_ref(), name, response, now_ms, false),
            Core::GooglePlay(a) => crate::play::parse(a, name, response, now_ms, &params),
        }
    }
}

/// A parsed answer as JS, its payment records registered for `toPurchase`: each element of a
/// list, or the object itself, when it is a record the unified model can read (it names its
/// store, product and purchase time; the IAP API's lists name no store, the request did).
fn records_js(json: &serde_json::Value) -> JsResult<JsValue> {
    let js = to_js(json)?;
    let is_record = iap_verify::binding::is_nhn_record;
    match json {
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
            what: match reason {
                "appstore" => "App Store Server API response",
                "googleplay" => "Google Play Developer API response",
                _ => "NHN API response",
            },
            limit: limits::MAX_API_RESPONSE,
            actual: usize::try_from(n).unwrap_or(usize::MAX),
            unit: Unit::Bytes,
        },
        // The reason names the failure's kind; a caller's fetch may have made it up, so it is
        // cleaned like any upstream text.
        "network" => Error::Network { reason: iap_verify::binding::upstream_text(reason, None) },
        "malformed" => Error::malformed("store API response", iap_verify::binding::upstream_text(reason, None)),
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
