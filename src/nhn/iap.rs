//! NHN Cloud IAP server API (reference §2 and §3): requests and typed responses.
//!
//! Current API (NHN Cloud SDK): `POST /v1/service/{consume,consumable,activeSubscriptionList}`
//! with the `X-NHN-TCIAP-AppKey` header. The AppKey ships inside every app (the SDK is
//! configured with it), so it is an identifier, not a secret; what authorises a consume is the
//! per-payment `accessToken`.
//!
//! Legacy API (old IAP SDK), still documented: consume v3, the standard consumable list and the
//! item list. The reference documents no auth header for them, so none is sent.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::envelope::{self, decode, decode_list};
use super::http::{encode_component, normalize_base_url, require, Headers, HttpRequest, HttpResponse, Method, Transport};
use super::model::{long, opt_long, seq_string, MarketId, ProductType};
use crate::error::{Error, Result};

/// Production host of the IAP server API.
pub const IAP_BASE_URL: &str = "https://api-iap.cloud.toast.com";
/// The auth header of the current IAP server API.
pub const APP_KEY_HEADER: &str = "X-NHN-TCIAP-AppKey";
/// `userChannel` as every document shows it.
pub const DEFAULT_USER_CHANNEL: &str = "GF";

fn default_channel() -> String {
    DEFAULT_USER_CHANNEL.to_owned()
}

// ---- parameters (what callers pass; unknown fields refused so a typo does not go unnoticed) ----

/// One payment, as the client sends it to the app server: the NHN payment number and the
/// per-payment access token (the SDK's `purchaseToken`). Other fields are ignored, so an entry
/// of a consumable or subscription list can be passed as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRef {
    /// NHN payment number, a 16-digit string.
    pub payment_seq: String,
    /// Payment access token.
    pub access_token: String,
}

impl PaymentRef {
    /// A reference from its two parts.
    pub fn new(payment_seq: impl Into<String>, access_token: impl Into<String>) -> Self {
        Self { payment_seq: payment_seq.into(), access_token: access_token.into() }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        require("paymentSeq", &self.payment_seq)?;
        require("accessToken", &self.access_token)
    }
}

/// Parameters of `POST /v1/service/consumable` (E2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListConsumablesParams {
    /// Store code (`GG`, `AS`, `ONESTORE`).
    pub market_id: MarketId,
    /// The user id the app registered with the SDK.
    pub user_key: String,
    /// User channel, `GF` unless told otherwise.
    #[serde(default = "default_channel")]
    pub user_channel: String,
}

/// Parameters of `POST /v1/service/activeSubscriptionList` (E3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListActiveSubscriptionsParams {
    /// Store code.
    pub market_id: MarketId,
    /// Package name / bundle id.
    pub package_name: String,
    /// The user id the app registered with the SDK.
    pub user_key: String,
    /// User channel, `GF` unless told otherwise.
    #[serde(default = "default_channel")]
    pub user_channel: String,
}

/// Parameters of the legacy `POST /inapp/v3/consume/{paymentSeq}/items/{itemSeq}` (L1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyConsumeParams {
    /// NHN payment number.
    pub payment_seq: String,
    /// Console item number.
    #[serde(deserialize_with = "long")]
    pub item_seq: i64,
    /// The legacy per-payment token.
    pub purchase_token: String,
}

/// Parameters of the legacy `POST /standard/inapp/v1/consumable/list` (L2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyConsumablesParams {
    /// Console app number.
    #[serde(deserialize_with = "long")]
    pub app_seq: i64,
    /// The user id.
    pub user_key: String,
    /// User channel, `GF` unless told otherwise.
    #[serde(default = "default_channel")]
    pub user_channel: String,
}

/// Parameters of the legacy `GET /standard/item/list/{appSeq}` (L3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacyItemListParams {
    /// Console app number.
    #[serde(deserialize_with = "long")]
    pub app_seq: i64,
}

// ---- results (what the server sends; unknown fields ignored, as NHN asks) ----

/// Result of a consume (E1): what was consumed, at what price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConsumeResult {
    /// Price; a JSON number that may carry decimals.
    pub price: f64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Console item number.
    #[serde(deserialize_with = "long")]
    pub product_seq: i64,
}

/// One unconsumed payment (E2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Consumable {
    /// NHN payment number.
    #[serde(deserialize_with = "seq_string")]
    pub payment_seq: String,
    /// Console item number.
    #[serde(deserialize_with = "long")]
    pub product_seq: i64,
    /// Currency code.
    pub currency: String,
    /// Price.
    pub price: f64,
    /// Token to consume this payment with.
    pub access_token: String,
}

/// One non-expired subscription (E3). Times are epoch milliseconds, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActiveSubscription {
    /// NHN payment number.
    #[serde(deserialize_with = "seq_string")]
    pub payment_seq: String,
    /// Console item number.
    #[serde(deserialize_with = "long")]
    pub product_seq: i64,
    /// Store product id.
    pub product_id: String,
    /// Product type.
    pub product_type: ProductType,
    /// User channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// User id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Package name / bundle id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Currency code.
    pub currency: String,
    /// Price.
    pub price: f64,
    /// Latest (renewed) store payment id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// First store payment id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_payment_id: Option<String>,
    /// Latest renewal time.
    #[serde(default, deserialize_with = "opt_long", skip_serializing_if = "Option::is_none")]
    pub purchase_time_millis: Option<i64>,
    /// Expiry time.
    #[serde(default, deserialize_with = "opt_long", skip_serializing_if = "Option::is_none")]
    pub expiry_time_millis: Option<i64>,
    /// Renewal registration / notification time.
    #[serde(default, deserialize_with = "opt_long", skip_serializing_if = "Option::is_none")]
    pub renew_time_millis: Option<i64>,
}

/// Result of the legacy consume (L1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyConsumeResult {
    /// Price.
    pub price: f64,
    /// Currency code.
    pub currency: String,
}

/// One unconsumed payment in the legacy list (L2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyConsumable {
    /// NHN payment number.
    #[serde(deserialize_with = "seq_string")]
    pub payment_seq: String,
    /// Console item number.
    #[serde(deserialize_with = "long")]
    pub item_seq: i64,
    /// Currency code.
    pub currency: String,
    /// Price.
    pub price: f64,
    /// Token for the legacy consume.
    pub purchase_token: String,
}

/// The legacy item list (L3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyItemList {
    /// Console app number.
    #[serde(default, deserialize_with = "opt_long", skip_serializing_if = "Option::is_none")]
    pub app_seq: Option<i64>,
    /// `USE` or `STOP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_using_status: Option<String>,
    /// The store's app id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_app_id: Option<String>,
    /// The items.
    #[serde(default)]
    pub item_list: Vec<LegacyItem>,
}

/// One item of the legacy item list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyItem {
    /// Console item number.
    #[serde(deserialize_with = "long")]
    pub item_seq: i64,
    /// Item name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_name: Option<String>,
    /// Store product id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_item_id: Option<String>,
    /// `USE` or `STOP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using_status: Option<String>,
    /// Registration time as sent (`2014-12-05 07:02:34`, zone unstated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reg_ymdt: Option<String>,
    /// App name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Store code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<MarketId>,
}

// ---- the API: request builders and response parsers ----

/// The IAP server API for one app: builds requests, parses responses. No I/O.
#[derive(Debug, Clone)]
pub struct IapApi {
    base_url: String,
    app_key: String,
}

impl IapApi {
    /// An API for `app_key` at `base_url` (default [`IAP_BASE_URL`]).
    pub fn new(app_key: &str, base_url: Option<&str>) -> Result<Self> {
        require("appKey", app_key)?;
        let base_url = normalize_base_url(base_url.unwrap_or(IAP_BASE_URL))?;
        Ok(Self { base_url, app_key: app_key.to_owned() })
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn post(&self, path: &str, body: serde_json::Value, with_key: bool) -> HttpRequest {
        let mut headers = Headers::new();
        headers.push("Content-Type", "application/json");
        if with_key {
            headers.push(APP_KEY_HEADER, self.app_key.as_str());
        }
        HttpRequest { method: Method::Post, url: format!("{}{path}", self.base_url), headers, body: Some(body.to_string()) }
    }

    /// E1 `POST /v1/service/consume`.
    pub fn consume_request(&self, p: &PaymentRef) -> Result<HttpRequest> {
        p.validate()?;
        Ok(self.post("/v1/service/consume", json!({ "paymentSeq": p.payment_seq, "accessToken": p.access_token }), true))
    }

    /// Reads the E1 response.
    pub fn parse_consume(&self, r: &HttpResponse) -> Result<ConsumeResult> {
        decode(envelope::open(r, None)?)
    }

    /// E2 `POST /v1/service/consumable`.
    pub fn list_consumables_request(&self, p: &ListConsumablesParams) -> Result<HttpRequest> {
        require("userKey", &p.user_key)?;
        require("userChannel", &p.user_channel)?;
        require("marketId", p.market_id.as_str())?;
        let body = json!({ "marketId": p.market_id, "userChannel": p.user_channel, "userKey": p.user_key });
        Ok(self.post("/v1/service/consumable", body, true))
    }

    /// Reads the E2 response.
    pub fn parse_list_consumables(&self, r: &HttpResponse) -> Result<Vec<Consumable>> {
        decode_list(envelope::open(r, None)?)
    }

    /// E3 `POST /v1/service/activeSubscriptionList`.
    pub fn list_active_subscriptions_request(&self, p: &ListActiveSubscriptionsParams) -> Result<HttpRequest> {
        require("userKey", &p.user_key)?;
        require("userChannel", &p.user_channel)?;
        require("packageName", &p.package_name)?;
        require("marketId", p.market_id.as_str())?;
        let body = json!({
            "marketId": p.market_id, "packageName": p.package_name,
            "userChannel": p.user_channel, "userKey": p.user_key,
        });
        Ok(self.post("/v1/service/activeSubscriptionList", body, true))
    }

    /// Reads the E3 response.
    pub fn parse_list_active_subscriptions(&self, r: &HttpResponse) -> Result<Vec<ActiveSubscription>> {
        decode_list(envelope::open(r, None)?)
    }

    /// L1 `POST /inapp/v3/consume/{paymentSeq}/items/{itemSeq}`.
    pub fn consume_legacy_request(&self, p: &LegacyConsumeParams) -> Result<HttpRequest> {
        require("paymentSeq", &p.payment_seq)?;
        require("purchaseToken", &p.purchase_token)?;
        let path = format!("/inapp/v3/consume/{}/items/{}", encode_component(&p.payment_seq), p.item_seq);
        Ok(self.post(&path, json!({ "purchaseToken": p.purchase_token }), false))
    }

    /// Reads the L1 response.
    pub fn parse_consume_legacy(&self, r: &HttpResponse) -> Result<LegacyConsumeResult> {
        decode(envelope::open(r, None)?)
    }

    /// L2 `POST /standard/inapp/v1/consumable/list`. `appSeq` goes as a string, as in the
    /// documented example.
    pub fn list_consumables_legacy_request(&self, p: &LegacyConsumablesParams) -> Result<HttpRequest> {
        require("userKey", &p.user_key)?;
        require("userChannel", &p.user_channel)?;
        let body = json!({ "appSeq": p.app_seq.to_string(), "userChannel": p.user_channel, "userKey": p.user_key });
        Ok(self.post("/standard/inapp/v1/consumable/list", body, false))
    }

    /// Reads the L2 response.
    pub fn parse_list_consumables_legacy(&self, r: &HttpResponse) -> Result<Vec<LegacyConsumable>> {
        decode_list(envelope::open(r, None)?)
    }

    /// L3 `GET /standard/item/list/{appSeq}` (GET per the newer document).
    pub fn list_items_legacy_request(&self, p: &LegacyItemListParams) -> Result<HttpRequest> {
        let mut headers = Headers::new();
        headers.push("Content-Type", "application/json");
        Ok(HttpRequest {
            method: Method::Get,
            url: format!("{}/standard/item/list/{}", self.base_url, p.app_seq),
            headers,
            body: None,
        })
    }

    /// Reads the L3 response.
    pub fn parse_list_items_legacy(&self, r: &HttpResponse) -> Result<LegacyItemList> {
        let result = envelope::open(r, None)?;
        if result.is_null() {
            return Err(Error::malformed(envelope::RESPONSE, "no `result`"));
        }
        decode(result)
    }
}

/// The IAP API over a [`Transport`]: each call builds, sends once and parses. Retries are the
/// caller's choice (the JS client retries reads; consume is never retried).
#[derive(Debug)]
pub struct IapClient<T> {
    api: IapApi,
    transport: T,
}

impl<T: Transport> IapClient<T> {
    /// A client for `api` that sends with `transport`.
    pub fn new(api: IapApi, transport: T) -> Self {
        Self { api, transport }
    }

    /// The transport, e.g. to inspect a fake after a call.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// E1: consume one payment.
    pub fn consume(&mut self, p: &PaymentRef) -> Result<ConsumeResult> {
        let resp = self.transport.send(&self.api.consume_request(p)?)?;
        self.api.parse_consume(&resp)
    }

    /// E2: unconsumed payments of a user.
    pub fn list_consumables(&mut self, p: &ListConsumablesParams) -> Result<Vec<Consumable>> {
        let resp = self.transport.send(&self.api.list_consumables_request(p)?)?;
        self.api.parse_list_consumables(&resp)
    }

    /// E3: active subscriptions of a user.
    pub fn list_active_subscriptions(&mut self, p: &ListActiveSubscriptionsParams) -> Result<Vec<ActiveSubscription>> {
        let resp = self.transport.send(&self.api.list_active_subscriptions_request(p)?)?;
        self.api.parse_list_active_subscriptions(&resp)
    }

    /// L1: legacy consume.
    pub fn consume_legacy(&mut self, p: &LegacyConsumeParams) -> Result<LegacyConsumeResult> {
        let resp = self.transport.send(&self.api.consume_legacy_request(p)?)?;
        self.api.parse_consume_legacy(&resp)
    }

    /// L2: legacy unconsumed list.
    pub fn list_consumables_legacy(&mut self, p: &LegacyConsumablesParams) -> Result<Vec<LegacyConsumable>> {
        let resp = self.transport.send(&self.api.list_consumables_legacy_request(p)?)?;
        self.api.parse_list_consumables_legacy(&resp)
    }

    /// L3: legacy item list.
    pub fn list_items_legacy(&mut self, p: &LegacyItemListParams) -> Result<LegacyItemList> {
        let resp = self.transport.send(&self.api.list_items_legacy_request(p)?)?;
        self.api.parse_list_items_legacy(&resp)
    }
}
