//! Gamebase purchase API v1.3 (reference §4): requests and typed responses.
//!
//! Every path is under `/tcgb-inapp/v1.3/apps/{appId}`; every request carries `X-Secret-Key`.
//! That key authorises refunds (`subscriptions/revoke`) and reads every user's payments, so it
//! belongs on a server only: never ship it to a browser or an app. Gamebase answers HTTP 200
//! for business errors; success is read from `header.isSuccessful`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::envelope;
use super::fields::{decode_list, decode_nothing, decode_one, list, nothing, one, FromResult, Obj};
use super::record::{ActiveSubscription, ConsumeResult, Consumable, Payment, SubscriptionTimes};
use super::iap::{declared_params, PaymentRef, PAYMENT};
use super::model::{MarketId, ProductType, ReferenceStatus};
use crate::endpoint::{
    encode_component, normalize_base_url, require, typed_endpoints, Args, typed_params, Client, Endpoint, FromJson, Headers,
    HttpRequest, HttpResponse, Kind, Method, Param, ServerApi, Transport,
};
use crate::error::Result;

/// Current production host of the Gamebase server API.
pub const GAMEBASE_BASE_URL: &str = "https://api-gamebase.nhncloudservice.com";
/// The auth header (the console's secret key).
pub const SECRET_KEY_HEADER: &str = "X-Secret-Key";
/// Optional correlation id, echoed back by the server.
pub const TRANSACTION_ID_HEADER: &str = "X-TCGB-Transaction-Id";
/// Most payments one `subscriptions/status` request may carry (reference §4.2 G5).
pub const SUBSCRIPTIONS_STATUS_BATCH: usize = 10;

// ---- parameters ----

/// Parameters of `POST /consumable` (G2). The deprecated single `marketId` is not offered:
/// `marketIds` replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListConsumablesParams {
    /// The Gamebase user id.
    pub user_id: String,
    /// Stores to include; absent or empty means all but AMAZON, which must be named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_ids: Option<Vec<MarketId>>,
}

/// Parameters of `GET /payment/transaction` (G3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPaymentTransactionParams {
    /// The access token the client claims for its payment.
    pub access_token: String,
}

/// Parameters of `POST /active-subscriptions` (G4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListActiveSubscriptionsParams {
    /// The Gamebase user id.
    pub user_id: String,
    /// Package name / bundle id.
    pub package_name: String,
    /// Stores to include.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_ids: Option<Vec<MarketId>>,
    /// Google statuses to include although inactive (documented value: `ON_HOLD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_inactive_google_statuses: Option<Vec<ReferenceStatus>>,
}

/// Parameters of `POST /subscriptions/status` (G5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsStatusParams {
    /// The subscriptions to look up; at most [`SUBSCRIPTIONS_STATUS_BATCH`] per request.
    pub payments: Vec<PaymentRef>,
}

declared_params!(
    ListConsumablesParams = LIST_CONSUMABLES,
    GetPaymentTransactionParams = GET_PAYMENT_TRANSACTION,
    ListActiveSubscriptionsParams = LIST_ACTIVE_SUBSCRIPTIONS,
    SubscriptionsStatusParams = SUBSCRIPTIONS_STATUS,
);

// ---- results ----

/// One payment as Gamebase knows it (G3): the server-side check of a client-supplied token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentTransaction {
    /// The payment: compare its `payment_seq` with the one the client sent.
    #[serde(flatten)]
    pub payment: Payment,
    /// Whether the payment can still be consumed.
    pub is_consumable: bool,
    /// Access token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// ONE store only: purchase id (V5) or purchase token (V6, V7).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_token: Option<String>,
    /// Product type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_type: Option<ProductType>,
    /// Gamebase user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// The status of one subscription (G5).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields, rename = "GamebaseSubscriptionStatus"))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionStatus {
    /// NHN payment number.
    pub payment_seq: String,
    /// Gamebase user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Access token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Latest store payment id (Google adds `..N` per renewal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// First store payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_payment_id: Option<String>,
    /// Purchase, expiry and renewal times.
    #[serde(flatten)]
    pub times: SubscriptionTimes,
    /// Google only: the subscription's state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_status: Option<ReferenceStatus>,
}

impl FromResult for PaymentTransaction {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            payment: Payment::from_result(o)?,
            is_consumable: o.bool("isConsumable")?,
            access_token: o.opt_str("accessToken")?,
            payment_token: o.opt_str("paymentToken")?,
            product_type: o.opt_enumerated("productType")?,
            user_id: o.opt_str("userId")?,
        })
    }
}

impl FromResult for SubscriptionStatus {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            payment_seq: o.seq("paymentSeq")?,
            user_id: o.opt_str("userId")?,
            access_token: o.opt_str("accessToken")?,
            payment_id: o.opt_str("paymentId")?,
            original_payment_id: o.opt_str("originalPaymentId")?,
            times: SubscriptionTimes::from_result(o)?,
            reference_status: o.opt_enumerated("referenceStatus")?,
        })
    }
}

/// G4's reader: the shared [`ActiveSubscription`], with the access token Gamebase always sends
/// required (it is what cancel, revoke and the status lookup take).
pub(crate) fn decode_subscriptions(result: &Value) -> Result<Vec<ActiveSubscription>> {
    let list: Vec<ActiveSubscription> = decode_list(result)?;
    match list.iter().position(|s| s.access_token.is_none()) {
        Some(i) => Err(super::fields::missing("result", i, "accessToken", "a string")),
        None => Ok(list),
    }
}

/// G4's endpoint reader: [`decode_subscriptions`], as JSON for JS.
fn subscriptions(_: &GamebaseApi, result: Value, _now_ms: i64) -> Result<Value> {
    crate::endpoint::to_json(&decode_subscriptions(&result)?)
}

// ---- the API ----

// ---- the API: declarations ----

const USER_ID: Param = Param::body("userId", Kind::Str);
const MARKET_IDS: Param = Param::body("marketIds", Kind::Strings).optional();

/// G1 `POST /consume`.
pub(crate) const CONSUME: Endpoint<GamebaseApi> = Endpoint::new("consume", Method::Post, "/consume", one::<GamebaseApi, ConsumeResult>)
    .params(PAYMENT)
    .lenient()
    .doc("Consume one payment before delivering it (G1). Sent once, never retried.", "PaymentRef", "NhnConsumeResult");
/// G2 `POST /consumable`.
pub(crate) const LIST_CONSUMABLES: Endpoint<GamebaseApi> =
    Endpoint::new("listConsumables", Method::Post, "/consumable", list::<GamebaseApi, Consumable>)
        .params(&[USER_ID, MARKET_IDS])
        .read()
        .doc("Unconsumed payments of a user (G2).", "GamebaseListConsumablesParams", "NhnConsumable[]");
/// G3 `GET /payment/transaction?accessToken=…` (the token percent-encoded).
pub(crate) const GET_PAYMENT_TRANSACTION: Endpoint<GamebaseApi> =
    Endpoint::new("getPaymentTransaction", Method::Get, "/payment/transaction", one::<GamebaseApi, PaymentTransaction>)
        .params(&[Param::query("accessToken", Kind::Str).required()])
        .string_arg("accessToken")
        .read()
        .doc("Server-side check of a client-supplied access token (G3).", "GetPaymentTransactionParams", "PaymentTransaction");
/// G4 `POST /active-subscriptions`.
pub(crate) const LIST_ACTIVE_SUBSCRIPTIONS: Endpoint<GamebaseApi> =
    Endpoint::new("listActiveSubscriptions", Method::Post, "/active-subscriptions", subscriptions)
        .params(&[MARKET_IDS, Param::body("packageName", Kind::Str), USER_ID, Param::body("includeInactiveGoogleStatuses", Kind::Strings).optional()])
        .read()
        .doc("Active subscriptions of a user (G4).", "GamebaseListActiveSubscriptionsParams", "GamebaseActiveSubscription[]");
/// G5 `POST /subscriptions/status` for 1 to [`SUBSCRIPTIONS_STATUS_BATCH`] payments; the clients
/// send a longer list in batches (see [`GamebaseApi::subscriptions_status_batches`]) and
/// concatenate the results in order.
pub(crate) const SUBSCRIPTIONS_STATUS: Endpoint<GamebaseApi> =
    Endpoint::new("subscriptionsStatus", Method::Post, "/subscriptions/status", list::<GamebaseApi, SubscriptionStatus>)
        .params(&[Param::body("payments", Kind::Payments(SUBSCRIPTIONS_STATUS_BATCH))])
        .batch("payments", SUBSCRIPTIONS_STATUS_BATCH)
        .call("getSubscriptionsStatus")
        .read()
        .doc("Status of any number of subscriptions (G5): sent ten per request, results concatenated in order.", "SubscriptionsStatusParams", "GamebaseSubscriptionStatus[]");
/// G6 `POST /subscriptions/cancel` (Google only): stop renewal, keep access until expiry.
pub(crate) const CANCEL_SUBSCRIPTION: Endpoint<GamebaseApi> =
    Endpoint::new("cancelSubscription", Method::Post, "/subscriptions/cancel", nothing::<GamebaseApi>)
        .params(PAYMENT)
        .lenient()
        .doc("Google only: stop a subscription's renewal (G6). Sent once, never retried.", "PaymentRef", "void");
/// G7 `POST /subscriptions/revoke` (Google only): cancel now and refund.
pub(crate) const REVOKE_SUBSCRIPTION: Endpoint<GamebaseApi> =
    Endpoint::new("revokeSubscription", Method::Post, "/subscriptions/revoke", nothing::<GamebaseApi>)
        .params(PAYMENT)
        .lenient()
        .doc("Google only: cancel a subscription now and refund it (G7). Sent once, never retried.", "PaymentRef", "void");

/// The Gamebase purchase API for one project: builds requests, parses responses. No I/O.
/// `Debug` does not show the secret key.
#[derive(Clone)]
pub struct GamebaseApi {
    base_url: String,
    app_id: String,
    secret_key: String,
    transaction_id: Option<String>,
}

impl std::fmt::Debug for GamebaseApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GamebaseApi")
            .field("base_url", &self.base_url)
            .field("app_id", &self.app_id)
            .field("secret_key", &"<redacted>")
            .field("transaction_id", &self.transaction_id)
            .finish()
    }
}

impl GamebaseApi {
    /// An API for project `app_id` with its secret key, at `base_url` (default
    /// [`GAMEBASE_BASE_URL`]). `transaction_id`, when given, is sent as `X-TCGB-Transaction-Id`.
    pub fn new(app_id: &str, secret_key: &str, base_url: Option<&str>, transaction_id: Option<&str>) -> Result<Self> {
        require("appId", app_id)?;
        crate::endpoint::path_segment("appId", app_id)?;
        require("secretKey", secret_key)?;
        let base_url = normalize_base_url(base_url.unwrap_or(GAMEBASE_BASE_URL), false)?;
        Ok(Self {
            base_url,
            app_id: app_id.to_owned(),
            secret_key: secret_key.to_owned(),
            transaction_id: transaction_id.filter(|t| !t.is_empty()).map(str::to_owned),
        })
    }

    /// An API from the JS options `{ appId, secretKey, baseUrl?, transactionId?, allowInsecureHttp? }`.
    pub fn from_options(options: &Value) -> Result<Self> {
        let o = Args::new(options, "GamebaseApi options", Some(&["appId", "secretKey", "baseUrl", "transactionId", "allowInsecureHttp"]))?;
        let (base_url, transaction_id) = (o.opt_str("baseUrl")?, o.opt_str("transactionId")?);
        let mut api = Self::new(&o.str("appId")?, &o.str("secretKey")?, None, transaction_id.as_deref())?;
        if let Some(url) = base_url {
            api.base_url = normalize_base_url(&url, o.opt_bool("allowInsecureHttp")?.unwrap_or(false))?;
        }
        Ok(api)
    }

    /// The base URL in use.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// G5 for any number of payments: one request per batch of at most
    /// [`SUBSCRIPTIONS_STATUS_BATCH`], in order. An empty list gives no request.
    pub fn subscriptions_status_batches(&self, payments: &[PaymentRef]) -> Result<Vec<HttpRequest>> {
        payments
            .chunks(SUBSCRIPTIONS_STATUS_BATCH)
            .map(|c| self.subscriptions_status_request(&SubscriptionsStatusParams { payments: c.to_vec() }))
            .collect()
    }

    /// Reads a G6 or G7 response (header only).
    pub fn parse_header_only(&self, r: &HttpResponse) -> Result<()> {
        self.open(r).map(drop)
    }
}

impl ServerApi for GamebaseApi {
    const RESPONSE: &'static str = envelope::RESPONSE;

    fn endpoints() -> &'static [&'static Endpoint<Self>] {
        &[
            &CONSUME,
            &LIST_CONSUMABLES,
            &GET_PAYMENT_TRANSACTION,
            &LIST_ACTIVE_SUBSCRIPTIONS,
            &SUBSCRIPTIONS_STATUS,
            &CANCEL_SUBSCRIPTION,
            &REVOKE_SUBSCRIPTION,
        ]
    }

    fn base_url(&self) -> &str {
        &self.base_url
    }

    fn prefix(&self) -> String {
        format!("/tcgb-inapp/v1.3/apps/{}", encode_component(&self.app_id))
    }

    fn headers(&self, _endpoint: &Endpoint<Self>, _now_ms: i64) -> Result<Headers> {
        let mut headers = Headers::new();
        headers.push("Content-Type", "application/json; charset=UTF-8");
        headers.push(SECRET_KEY_HEADER, self.secret_key.as_str());
        if let Some(t) = &self.transaction_id {
            headers.push(TRANSACTION_ID_HEADER, t.as_str());
        }
        Ok(headers)
    }

    fn open(&self, response: &HttpResponse) -> Result<Value> {
        envelope::open(response, Some(&self.secret_key))
    }
}

typed_endpoints!(GamebaseApi {
    /// G1: consume one payment.
    CONSUME: consume_request(PaymentRef), parse_consume -> ConsumeResult = decode_one, consume;
    /// G2: unconsumed payments of a user.
    LIST_CONSUMABLES: list_consumables_request(ListConsumablesParams), parse_list_consumables -> Vec<Consumable> = decode_list, list_consumables;
    /// G3: look a payment up by its access token.
    GET_PAYMENT_TRANSACTION: get_payment_transaction_request(GetPaymentTransactionParams), parse_get_payment_transaction -> PaymentTransaction = decode_one, get_payment_transaction;
    /// G4: active subscriptions of a user.
    LIST_ACTIVE_SUBSCRIPTIONS: list_active_subscriptions_request(ListActiveSubscriptionsParams), parse_list_active_subscriptions -> Vec<ActiveSubscription> = decode_subscriptions, list_active_subscriptions;
    /// G5 for at most ten payments (more is `INVALID_ARGUMENT`).
    SUBSCRIPTIONS_STATUS: subscriptions_status_request(SubscriptionsStatusParams), parse_subscriptions_status -> Vec<SubscriptionStatus> = decode_list, subscriptions_status;
    /// G6: stop a Google subscription's renewal.
    CANCEL_SUBSCRIPTION: cancel_subscription_request(PaymentRef), parse_cancel_subscription -> () = decode_nothing, cancel_subscription;
    /// G7: revoke (cancel and refund) a Google subscription.
    REVOKE_SUBSCRIPTION: revoke_subscription_request(PaymentRef), parse_revoke_subscription -> () = decode_nothing, revoke_subscription;
});

/// The Gamebase API over a [`Transport`]. Each call sends once (no retries here).
pub type GamebaseClient<T> = Client<GamebaseApi, T>;

impl<T: Transport> GamebaseClient<T> {
    /// G5: status of any number of subscriptions, ten per request, results in request order.
    pub fn get_subscriptions_status(&mut self, payments: &[PaymentRef]) -> Result<Vec<SubscriptionStatus>> {
        let mut all = Vec::new();
        for req in self.api().subscriptions_status_batches(payments)? {
            let resp = self.send(&req)?;
            all.extend(self.api().parse_subscriptions_status(&resp)?);
        }
        Ok(all)
    }
}
