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
use serde_json::Value;

use super::envelope;
use super::fields::{decode_list, decode_one, list, one, FromResult, Obj};
use super::record::{ActiveSubscription, ConsumeResult, Consumable};
use crate::endpoint::{
    normalize_base_url, require, typed_endpoints, Args, typed_params, Client, Endpoint, FromJson, Headers, HttpResponse, Kind,
    Method, Param, ServerApi,
};
use super::model::MarketId;
use crate::error::Result;

/// Production host of the IAP server API.
pub const IAP_BASE_URL: &str = "https://api-iap.cloud.toast.com";
/// The auth header of the current IAP server API.
pub const APP_KEY_HEADER: &str = "X-NHN-TCIAP-AppKey";
/// `userChannel` as every document shows it.
pub const DEFAULT_USER_CHANNEL: &str = "GF";

// ---- parameters (what callers pass; unknown fields refused so a typo does not go unnoticed) ----

/// One payment, as the client sends it to the app server: the NHN payment number and the
/// per-payment access token (the SDK's `purchaseToken`). Other fields are ignored, so an entry
/// of a consumable or subscription list can be passed as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
}

/// Parameters of `POST /v1/service/consumable` (E2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyItemListParams {
    /// Console app number.
    pub app_seq: i64,
}

/// Every parameters type reads through its endpoint's declaration.
macro_rules! declared_params {
    ($($params:ty = $endpoint:ident),* $(,)?) => {
        $(impl FromJson for $params {
            fn from_json(v: &Value) -> Result<Self> {
                typed_params(&$endpoint, v)
            }
        })*
    };
}
pub(crate) use declared_params;

declared_params!(
    PaymentRef = CONSUME,
    ListConsumablesParams = LIST_CONSUMABLES,
    ListActiveSubscriptionsParams = LIST_ACTIVE_SUBSCRIPTIONS,
    LegacyConsumeParams = CONSUME_LEGACY,
    LegacyConsumablesParams = LIST_CONSUMABLES_LEGACY,
    LegacyItemListParams = LIST_ITEMS_LEGACY,
);

// ---- results (what the server sends; unknown fields ignored, as NHN asks) ----

/// Result of the legacy consume (L1).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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

// ---- the API: declarations ----

/// `{ paymentSeq, accessToken }` in the body: consume, and Gamebase's consume, cancel, revoke.
pub(crate) const PAYMENT: &[Param] = &[Param::body("paymentSeq", Kind::Str), Param::body("accessToken", Kind::Str)];
const MARKET_ID: Param = Param::body("marketId", Kind::Str);
const USER_CHANNEL: Param = Param::body("userChannel", Kind::Str).or(DEFAULT_USER_CHANNEL);
const USER_KEY: Param = Param::body("userKey", Kind::Str);

/// E1 `POST /v1/service/consume`. Other fields of the payment are ignored.
pub(crate) const CONSUME: Endpoint<IapApi> = Endpoint::new("consume", Method::Post, "/v1/service/consume", one::<IapApi, ConsumeResult>)
    .params(PAYMENT)
    .lenient()
    .doc("Consume one payment before delivering it (E1). Sent once, never retried.", "PaymentRef", "NhnConsumeResult");
/// E2 `POST /v1/service/consumable`.
pub(crate) const LIST_CONSUMABLES: Endpoint<IapApi> =
    Endpoint::new("listConsumables", Method::Post, "/v1/service/consumable", list::<IapApi, Consumable>)
        .params(&[MARKET_ID, USER_CHANNEL, USER_KEY])
        .read()
        .doc("Unconsumed payments of a user (E2).", "IapListConsumablesParams", "NhnConsumable[]");
/// E3 `POST /v1/service/activeSubscriptionList`.
pub(crate) const LIST_ACTIVE_SUBSCRIPTIONS: Endpoint<IapApi> =
    Endpoint::new("listActiveSubscriptions", Method::Post, "/v1/service/activeSubscriptionList", list::<IapApi, ActiveSubscription>)
        .params(&[MARKET_ID, Param::body("packageName", Kind::Str), USER_CHANNEL, USER_KEY])
        .read()
        .doc("Non-expired subscriptions of a user (E3).", "IapListActiveSubscriptionsParams", "NhnActiveSubscription[]");
/// L1 `POST /inapp/v3/consume/{paymentSeq}/items/{itemSeq}`, without the AppKey.
pub(crate) const CONSUME_LEGACY: Endpoint<IapApi> =
    Endpoint::new("consumeLegacy", Method::Post, "/inapp/v3/consume/{paymentSeq}/items/{itemSeq}", one::<IapApi, LegacyConsumeResult>)
        .params(&[Param::path("paymentSeq", Kind::Str), Param::path("itemSeq", Kind::Long), Param::body("purchaseToken", Kind::Str)])
        .no_auth()
        .doc("Legacy consume v3 (L1). Sent once, never retried.", "LegacyConsumeParams", "LegacyConsumeResult");
/// L2 `POST /standard/inapp/v1/consumable/list`, without the AppKey. `appSeq` goes as a
/// string, as in the documented example.
pub(crate) const LIST_CONSUMABLES_LEGACY: Endpoint<IapApi> =
    Endpoint::new("listConsumablesLegacy", Method::Post, "/standard/inapp/v1/consumable/list", list::<IapApi, LegacyConsumable>)
        .params(&[Param::body("appSeq", Kind::LongText), USER_CHANNEL, USER_KEY])
        .read()
        .no_auth()
        .doc("Legacy unconsumed list (L2).", "LegacyConsumablesParams", "LegacyConsumable[]");
/// L3 `GET /standard/item/list/{appSeq}` (GET per the newer document), without the AppKey.
pub(crate) const LIST_ITEMS_LEGACY: Endpoint<IapApi> =
    Endpoint::new("listItemsLegacy", Method::Get, "/standard/item/list/{appSeq}", one::<IapApi, LegacyItemList>)
        .params(&[Param::path("appSeq", Kind::Long)])
        .read()
        .no_auth()
        .doc("Legacy item list (L3).", "LegacyItemListParams", "LegacyItemList");

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
        let base_url = normalize_base_url(base_url.unwrap_or(IAP_BASE_URL), false)?;
        Ok(Self { base_url, app_key: app_key.to_owned() })
    }

    /// An API from the JS options `{ appKey, baseUrl?, allowInsecureHttp? }`.
    pub fn from_options(options: &Value) -> Result<Self> {
        let o = Args::new(options, "IapApi options", Some(&["appKey", "baseUrl", "allowInsecureHttp"]))?;
        let mut api = Self::new(&o.str("appKey")?, None)?;
        if let Some(url) = o.opt_str("baseUrl")? {
            api.base_url = normalize_base_url(&url, o.opt_bool("allowInsecureHttp")?.unwrap_or(false))?;
        }
        Ok(api)
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl ServerApi for IapApi {
    const RESPONSE: &'static str = envelope::RESPONSE;

    fn endpoints() -> &'static [&'static Endpoint<Self>] {
        &[&CONSUME, &LIST_CONSUMABLES, &LIST_ACTIVE_SUBSCRIPTIONS, &CONSUME_LEGACY, &LIST_CONSUMABLES_LEGACY, &LIST_ITEMS_LEGACY]
    }

    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn headers(&self, endpoint: &Endpoint<Self>, _now_ms: i64) -> Result<Headers> {
        let mut headers = Headers::new();
        headers.push("Content-Type", "application/json");
        if endpoint.auth {
            headers.push(APP_KEY_HEADER, self.app_key.as_str());
        }
        Ok(headers)
    }

    fn open(&self, response: &HttpResponse) -> Result<Value> {
        envelope::open(response, None)
    }
}

typed_endpoints!(IapApi {
    /// E1: consume one payment.
    CONSUME: consume_request(PaymentRef), parse_consume -> ConsumeResult = decode_one, consume;
    /// E2: unconsumed payments of a user.
    LIST_CONSUMABLES: list_consumables_request(ListConsumablesParams), parse_list_consumables -> Vec<Consumable> = decode_list, list_consumables;
    /// E3: active subscriptions of a user.
    LIST_ACTIVE_SUBSCRIPTIONS: list_active_subscriptions_request(ListActiveSubscriptionsParams), parse_list_active_subscriptions -> Vec<ActiveSubscription> = decode_list, list_active_subscriptions;
    /// L1: legacy consume.
    CONSUME_LEGACY: consume_legacy_request(LegacyConsumeParams), parse_consume_legacy -> LegacyConsumeResult = decode_one, consume_legacy;
    /// L2: legacy unconsumed list.
    LIST_CONSUMABLES_LEGACY: list_consumables_legacy_request(LegacyConsumablesParams), parse_list_consumables_legacy -> Vec<LegacyConsumable> = decode_list, list_consumables_legacy;
    /// L3: legacy item list.
    LIST_ITEMS_LEGACY: list_items_legacy_request(LegacyItemListParams), parse_list_items_legacy -> LegacyItemList = decode_one, list_items_legacy;
});

/// The IAP API over a [`crate::endpoint::Transport`]: each call builds, sends once and parses.
pub type IapClient<T> = Client<IapApi, T>;
