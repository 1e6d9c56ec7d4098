//! NHN Cloud IAP server API (reference §2 and §3): requests and typed responses.
//!
//! Current API (NHN Cloud SDK): `POST /v1/service/{consume,consumable,activeSubscriptionList}`
//! with the `X-NHN-TCIAP-AppKey` header. The AppKey ships inside every app (the SDK is
//! configured with it), so it is an identifier, not a secret; what authorises a consume is the
//! per-payment `accessToken`.
//!
//! Legacy API (old IAP SDK), still documented: consume v3, the standard consumable list and the
//! item list. The reference documents no auth header for them, so none is sent.

use serde::Serialize;
use serde_json::Value;
use serde_json::json;

use super::envelope;
use super::fields::{decode_list, decode_one, Args, FromJson, FromResult, Obj};
use super::http::{encode_component, normalize_base_url, require, Headers, HttpRequest, HttpResponse, Method, Transport};
use super::model::{MarketId, ProductType};
use crate::error::Result;

/// Production host of the IAP server API.
pub const IAP_BASE_URL: &str = "https://api-iap.cloud.toast.com";
/// The auth header of the current IAP server API.
pub const APP_KEY_HEADER: &str = "X-NHN-TCIAP-AppKey";
/// `userChannel` as every document shows it.
pub const DEFAULT_USER_CHANNEL: &str = "GF";

fn channel(a: &Args<'_>) -> Result<String> {
    Ok(a.opt_str("userChannel")?.unwrap_or_else(|| DEFAULT_USER_CHANNEL.to_owned()))
}

// ---- parameters (what callers pass; unknown fields refused so a typo does not go unnoticed) ----

/// One payment, as the client sends it to the app server: the NHN payment number and the
/// per-payment access token (the SDK's `purchaseToken`). Other fields are ignored, so an entry
/// of a consumable or subscription list can be passed as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListConsumablesParams {
    /// Store code (`GG`, `AS`, `ONESTORE`).
    pub market_id: MarketId,
    /// The user id the app registered with the SDK.
    pub user_key: String,
    /// User channel, `GF` unless told otherwise.
    pub user_channel: String,
}

/// Parameters of `POST /v1/service/activeSubscriptionList` (E3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListActiveSubscriptionsParams {
    /// Store code.
    pub market_id: MarketId,
    /// Package name / bundle id.
    pub package_name: String,
    /// The user id the app registered with the SDK.
    pub user_key: String,
    /// User channel, `GF` unless told otherwise.
    pub user_channel: String,
}

/// Parameters of the legacy `POST /inapp/v3/consume/{paymentSeq}/items/{itemSeq}` (L1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyConsumeParams {
    /// NHN payment number.
    pub payment_seq: String,
    /// Console item number.
    pub item_seq: i64,
    /// The legacy per-payment token.
    pub purchase_token: String,
}

/// Parameters of the legacy `POST /standard/inapp/v1/consumable/list` (L2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyConsumablesParams {
    /// Console app number.
    pub app_seq: i64,
    /// The user id.
    pub user_key: String,
    /// User channel, `GF` unless told otherwise.
    pub user_channel: String,
}

/// Parameters of the legacy `GET /standard/item/list/{appSeq}` (L3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyItemListParams {
    /// Console app number.
    pub app_seq: i64,
}

impl FromJson for PaymentRef {
    /// Extra fields are ignored, so a listed payment can be passed as it is.
    fn from_json(v: &Value) -> Result<Self> {
        let a = Args::new(v, "payment", None)?;
        Ok(Self { payment_seq: a.str("paymentSeq")?, access_token: a.str("accessToken")? })
    }
}

impl FromJson for ListConsumablesParams {
    fn from_json(v: &Value) -> Result<Self> {
        let a = Args::new(v, "params", Some(&["marketId", "userKey", "userChannel"]))?;
        Ok(Self { market_id: a.str("marketId")?.into(), user_key: a.str("userKey")?, user_channel: channel(&a)? })
    }
}

impl FromJson for ListActiveSubscriptionsParams {
    fn from_json(v: &Value) -> Result<Self> {
        let a = Args::new(v, "params", Some(&["marketId", "packageName", "userKey", "userChannel"]))?;
        Ok(Self {
            market_id: a.str("marketId")?.into(),
            package_name: a.str("packageName")?,
            user_key: a.str("userKey")?,
            user_channel: channel(&a)?,
        })
    }
}

impl FromJson for LegacyConsumeParams {
    fn from_json(v: &Value) -> Result<Self> {
        let a = Args::new(v, "params", Some(&["paymentSeq", "itemSeq", "purchaseToken"]))?;
        Ok(Self { payment_seq: a.str("paymentSeq")?, item_seq: a.long("itemSeq")?, purchase_token: a.str("purchaseToken")? })
    }
}

impl FromJson for LegacyConsumablesParams {
    fn from_json(v: &Value) -> Result<Self> {
        let a = Args::new(v, "params", Some(&["appSeq", "userKey", "userChannel"]))?;
        Ok(Self { app_seq: a.long("appSeq")?, user_key: a.str("userKey")?, user_channel: channel(&a)? })
    }
}

impl FromJson for LegacyItemListParams {
    fn from_json(v: &Value) -> Result<Self> {
        let a = Args::new(v, "params", Some(&["appSeq"]))?;
        Ok(Self { app_seq: a.long("appSeq")? })
    }
}

// ---- results (what the server sends; unknown fields ignored, as NHN asks) ----

/// Result of a consume (E1): what was consumed, at what price.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConsumeResult {
    /// Price; a JSON number that may carry decimals.
    pub price: f64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Console item number.
    pub product_seq: i64,
}

/// One unconsumed payment (E2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Consumable {
    /// NHN payment number.
    pub payment_seq: String,
    /// Console item number.
    pub product_seq: i64,
    /// Currency code.
    pub currency: String,
    /// Price.
    pub price: f64,
    /// Token to consume this payment with.
    pub access_token: String,
}

/// One non-expired subscription (E3). Times are epoch milliseconds, as sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ActiveSubscription {
    /// NHN payment number.
    pub payment_seq: String,
    /// Console item number.
    pub product_seq: i64,
    /// Store product id.
    pub product_id: String,
    /// Product type.
    pub product_type: ProductType,
    /// User channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// User id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Package name / bundle id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Currency code.
    pub currency: String,
    /// Price.
    pub price: f64,
    /// Latest (renewed) store payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// First store payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_payment_id: Option<String>,
    /// Latest renewal time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time_millis: Option<i64>,
    /// Expiry time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_time_millis: Option<i64>,
    /// Renewal registration / notification time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew_time_millis: Option<i64>,
}

/// Result of the legacy consume (L1).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyConsumeResult {
    /// Price.
    pub price: f64,
    /// Currency code.
    pub currency: String,
}

/// One unconsumed payment in the legacy list (L2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyConsumable {
    /// NHN payment number.
    pub payment_seq: String,
    /// Console item number.
    pub item_seq: i64,
    /// Currency code.
    pub currency: String,
    /// Price.
    pub price: f64,
    /// Token for the legacy consume.
    pub purchase_token: String,
}

/// The legacy item list (L3).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyItemList {
    /// Console app number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_seq: Option<i64>,
    /// `USE` or `STOP`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_using_status: Option<String>,
    /// The store's app id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_app_id: Option<String>,
    /// The items.
    pub item_list: Vec<LegacyItem>,
}

/// One item of the legacy item list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegacyItem {
    /// Console item number.
    pub item_seq: i64,
    /// Item name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_name: Option<String>,
    /// Store product id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_item_id: Option<String>,
    /// `USE` or `STOP`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub using_status: Option<String>,
    /// Registration time as sent (`2014-12-05 07:02:34`, zone unstated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reg_ymdt: Option<String>,
    /// App name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Store code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_id: Option<MarketId>,
}

impl FromResult for ConsumeResult {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self { price: o.num("price")?, currency: o.str("currency")?, product_seq: o.long("productSeq")? })
    }
}

impl FromResult for Consumable {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            payment_seq: o.seq("paymentSeq")?,
            product_seq: o.long("productSeq")?,
            currency: o.str("currency")?,
            price: o.num("price")?,
            access_token: o.str("accessToken")?,
        })
    }
}

impl FromResult for ActiveSubscription {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            payment_seq: o.seq("paymentSeq")?,
            product_seq: o.long("productSeq")?,
            product_id: o.str("productId")?,
            product_type: o.enumerated("productType")?,
            channel: o.opt_str("channel")?,
            user_id: o.opt_str("userId")?,
            app_id: o.opt_str("appId")?,
            currency: o.str("currency")?,
            price: o.num("price")?,
            payment_id: o.opt_str("paymentId")?,
            original_payment_id: o.opt_str("originalPaymentId")?,
            purchase_time_millis: o.opt_long("purchaseTimeMillis")?,
            expiry_time_millis: o.opt_long("expiryTimeMillis")?,
            renew_time_millis: o.opt_long("renewTimeMillis")?,
        })
    }
}

impl FromResult for LegacyConsumeResult {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self { price: o.num("price")?, currency: o.str("currency")? })
    }
}

impl FromResult for LegacyConsumable {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            payment_seq: o.seq("paymentSeq")?,
            item_seq: o.long("itemSeq")?,
            currency: o.str("currency")?,
            price: o.num("price")?,
            purchase_token: o.str("purchaseToken")?,
        })
    }
}

impl FromResult for LegacyItemList {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            app_seq: o.opt_long("appSeq")?,
            app_using_status: o.opt_str("appUsingStatus")?,
            market_app_id: o.opt_str("marketAppId")?,
            item_list: o.list("itemList")?,
        })
    }
}

impl FromResult for LegacyItem {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            item_seq: o.long("itemSeq")?,
            item_name: o.opt_str("itemName")?,
            market_item_id: o.opt_str("marketItemId")?,
            using_status: o.opt_str("usingStatus")?,
            reg_ymdt: o.opt_str("regYmdt")?,
            app_name: o.opt_str("appName")?,
            market_id: o.opt_enumerated("marketId")?,
        })
    }
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
        decode_one(&envelope::open(r, None)?)
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
        decode_list(&envelope::open(r, None)?)
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
        decode_list(&envelope::open(r, None)?)
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
        decode_one(&envelope::open(r, None)?)
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
        decode_list(&envelope::open(r, None)?)
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
        decode_one(&envelope::open(r, None)?)
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
