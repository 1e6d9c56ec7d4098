//! Every store's notification as one event: documented on [`StoreEvent`].

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Purchase, Store};
use super::sources;
use crate::apple::VerifiedNotification;
use crate::error::{Error, Result};
use crate::google::rtdn::DeveloperNotification;
use crate::model_fields::{object, text};
use crate::onestore::VerifiedOneStoreNotification;

/// An integer field (a date, a code), also when the verifier kept it as a JSON number with a fraction of zero.
fn int(map: &Map<String, Value>, name: &str) -> Option<i64> {
    map.get(name).and_then(crate::time::int_value)
}

/// What happened, in one closed list for every store. The table of [`StoreEvent`] says which
/// store type becomes which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "StoreEventType"))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    /// A first purchase, a resubscription, a one-time purchase.
    Purchased,
    /// A subscription renewed, or its paid period was extended (a deferral, a renewal extension).
    Renewed,
    /// A renewal failed and the store keeps retrying (billing retry); not entitled.
    RenewalFailed,
    /// A renewal failed and the store still grants access for a while.
    InGracePeriod,
    /// Google's account hold: not entitled while the payment method is fixed.
    OnHold,
    /// The subscription is paused.
    Paused,
    /// A failed renewal succeeded after all, or a hold ended.
    Recovered,
    /// The subscriber turned auto-renew off (entitled to the period's end).
    AutoRenewOff,
    /// The subscriber turned auto-renew back on.
    AutoRenewOn,
    /// The subscription is over.
    Expired,
    /// The store refunded the purchase, wholly or in part ([`StoreEvent::partial`]).
    Refunded,
    /// Access was taken away without a refund to this buyer (Apple Family Sharing, Google revoke).
    Revoked,
    /// A price change was announced, accepted or updated.
    PriceChange,
    /// The customer asked the store for a refund and the store asks the developer for its view
    /// before [`StoreEvent::deadline`] (Apple `CONSUMPTION_REQUEST`, Google's pending refund review).
    RefundRequested,
    /// The subscriber moved to another plan or changed the items of the subscription.
    PlanChanged,
    /// A pending purchase was canceled before it was paid: nothing was granted.
    PendingCanceled,
    /// A test notification.
    Test,
    /// A store type with no place in this list, or one this version does not know:
    /// [`StoreEvent::store_type`] says which.
    Unknown,
}

/// A notification of any store, as one event.
///
/// `id` is the store's stable id of the notification, for de-duplication (never the signed text:
/// ES256 signatures have a second valid form): Apple's `notificationUUID`, Pub/Sub's `messageId`,
/// ONE store's `purchaseId` and `purchaseState` for a PNS (`{purchaseId}:{purchaseState}`: ONE
/// store resends one message up to 30 times, and a payment and its cancellation share the id),
/// and for an SNS, which has no id, `{purchaseToken}:{notificationType}:{eventTimeMillis}` (a
/// subscription's renewals share the token and the type, so the time tells them apart).
/// `store_type` and `subtype` are the store's own names, kept as sent (a PNS: its `purchaseState`).
///
/// | [`EventType`] | App Store (`notificationType`, `subtype`) | Google Play RTDN | ONE store PNS (`purchaseState`), SNS (`notificationType`) |
/// | --- | --- | --- | --- |
/// | `PURCHASED` | `SUBSCRIBED`; `ONE_TIME_CHARGE`; `OFFER_REDEEMED` (`INITIAL_BUY`, `RESUBSCRIBE`) | subscription 4 `PURCHASED`; one-time 1 `ONE_TIME_PRODUCT_PURCHASED` | PNS `COMPLETED`; SNS 4 |
/// | `RENEWED` | `DID_RENEW`; `RENEWAL_EXTENDED` | subscription 2 `RENEWED`, 9 `DEFERRED` | SNS 2, 9 |
/// | `RENEWAL_FAILED` | `DID_FAIL_TO_RENEW`; `GRACE_PERIOD_EXPIRED` | | |
/// | `IN_GRACE_PERIOD` | `DID_FAIL_TO_RENEW` (`GRACE_PERIOD`) | subscription 6 `IN_GRACE_PERIOD` | SNS 6 |
/// | `ON_HOLD` | | subscription 5 `ON_HOLD` | SNS 5 |
/// | `PAUSED` | | subscription 10 `PAUSED` | SNS 10 |
/// | `RECOVERED` | `DID_RENEW` (`BILLING_RECOVERY`) | subscription 1 `RECOVERED` | SNS 1 |
/// | `AUTO_RENEW_OFF` | `DID_CHANGE_RENEWAL_STATUS` (`AUTO_RENEW_DISABLED`) | subscription 3 `CANCELED`, 18 `CANCELLATION_SCHEDULED` | SNS 3 |
/// | `AUTO_RENEW_ON` | `DID_CHANGE_RENEWAL_STATUS` (`AUTO_RENEW_ENABLED`) | subscription 7 `RESTARTED` | SNS 7 |
/// | `EXPIRED` | `EXPIRED` (the subtype is the `reason`) | subscription 13 `EXPIRED` | SNS 13 |
/// | `REFUNDED` | `REFUND` (`partial` when `revocationType` is `REFUND_PRORATED`) | `voidedPurchaseNotification` (`partial` for refund type 2) | PNS `CANCELED` (a whole payment: `partial` false) |
/// | `REVOKED` | `REVOKE` | subscription 12 `REVOKED` | SNS 12 |
/// | `PRICE_CHANGE` | `PRICE_INCREASE`; `PRICE_CHANGE` | subscription 8 `PRICE_CHANGE_CONFIRMED`, 19 `PRICE_CHANGE_UPDATED`, 22 `PRICE_STEP_UP_CONSENT_UPDATED` | SNS 8 |
/// | `REFUND_REQUESTED` | `CONSUMPTION_REQUEST` (deadline: `signedDate` + 12 h) | `pendingRefundReviewNotification` (deadline: `eventTimeMillis` + 24 h, unconfirmed by Google; `reason`: `refundReason`) | |
/// | `PLAN_CHANGED` | `DID_CHANGE_RENEWAL_PREF`; `OFFER_REDEEMED` (`UPGRADE`, `DOWNGRADE`) | subscription 17 `ITEMS_CHANGED` | |
/// | `PENDING_CANCELED` | | subscription 20 `PENDING_PURCHASE_CANCELED`; one-time 2 `ONE_TIME_PRODUCT_CANCELED` | |
/// | `TEST` | `TEST` | `testNotification` | |
/// | `UNKNOWN` | `REFUND_DECLINED`, `REFUND_REVERSED`, `RENEWAL_EXTENSION`, `EXTERNAL_PURCHASE_TOKEN`, `METADATA_UPDATE`, `MIGRATION`, any other | subscription 11 `PAUSE_SCHEDULE_CHANGED`, any other type or kind | any other `purchaseState`; SNS 11 and any other type |
///
/// `purchase` is the unified [`Purchase`] where the notification carries a verified one (Apple's
/// `decodedTransactionInfo`); a Google notification carries only `purchaseToken` (and `productId`,
/// `orderId` where sent): look the purchase up with the Play Developer API. A ONE store event
/// carries `purchaseToken` and `productId` (and a PNS's `purchaseId` as `order_id`): look the
/// purchase up with ONE store's server API (an SNS is not signed: confirm it so before acting).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct StoreEvent {
    /// The store's id of this notification, for de-duplication.
    pub id: String,
    /// Which store sent it.
    pub store: Store,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The store's own name of its type (`DID_RENEW`, `SUBSCRIPTION_RENEWED`, `voidedPurchase`;
    /// an unknown Google type number as its decimal text).
    pub store_type: String,
    /// The store's subtype (Apple), as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// When the store says it happened (epoch ms): Apple's `signedDate`, Google's `eventTimeMillis`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<i64>,
    /// Why, where the store says: an expiry's subtype, a refund's revocation reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For `REFUNDED`: whether only part of the purchase was refunded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<bool>,
    /// For `REFUND_REQUESTED`: answer before this instant (epoch ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<i64>,
    /// The product, where the notification names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Google: the purchase token to look the purchase up with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    /// The store's order or transaction id, where the notification names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The verified purchase the notification carries, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase: Option<Purchase>,
}

/// Google's answer window for a pending refund review: 24 hours from the notification, as
/// independent implementations say (Google's RTDN reference does not document the notification).
const GOOGLE_REFUND_REVIEW_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Apple's answer window for a consumption request (App Store Server API, "Send Consumption
/// Information": within 12 hours of the notification).
const APPLE_CONSUMPTION_WINDOW_MS: i64 = 12 * 60 * 60 * 1000;

impl StoreEvent {
    /// The event of a verified App Store Server Notification V2.
    pub fn from_apple(notification: &VerifiedNotification) -> Result<StoreEvent> {
        let value = super::verified::to_value("App Store notification", notification.payload())?;
        apple(value.as_object().ok_or_else(|| Error::malformed(APPLE, "not an object"))?)
    }

    /// The event of a Google real-time developer notification. Decoding verifies nothing: call this
    /// only for a push whose `Authorization` token was verified.
    pub fn from_google(notification: &DeveloperNotification) -> Result<StoreEvent> {
        google(notification)
    }

    /// The event of a ONE store Payment Notification (PNS) whose signature verified.
    pub fn from_onestore_payment(notification: &VerifiedOneStoreNotification) -> Result<StoreEvent> {
        onestore_payment(notification.message())
    }

    /// The event of a ONE store Subscription Notification (SNS) as
    /// [`crate::onestore::decode_subscription_notification`] returned it. An SNS is not signed:
    /// nothing about it is verified; confirm it with `getSubscriptionDetail` before acting on it.
    pub fn from_onestore_subscription(notification: &Map<String, Value>) -> Result<StoreEvent> {
        onestore_subscription(notification)
    }
}

const APPLE: &str = "App Store notification";

/// The event of a verified notification's decoded JSON object (with the verifier's
/// `data.decodedTransactionInfo`).
pub(crate) fn apple(n: &Map<String, Value>) -> Result<StoreEvent> {
    let id = text(n, "notificationUUID").ok_or_else(|| Error::malformed(APPLE, "no notificationUUID"))?;
    let store_type = text(n, "notificationType").ok_or_else(|| Error::malformed(APPLE, "no notificationType"))?;
    let subtype = text(n, "subtype");
    let occurred_at = int(n, "signedDate");
    let transaction = object(n, "data").and_then(|d| object(d, "decodedTransactionInfo"));
    let purchase = transaction.map(|t| sources::apple_transaction(&Value::Object(t.clone()))).transpose()?;
    use EventType as T;
    let event_type = match (store_type, subtype) {
        ("SUBSCRIBED" | "ONE_TIME_CHARGE", _) | ("OFFER_REDEEMED", Some("INITIAL_BUY" | "RESUBSCRIBE")) => T::Purchased,
        ("DID_RENEW", Some("BILLING_RECOVERY")) => T::Recovered,
        ("DID_RENEW" | "RENEWAL_EXTENDED", _) => T::Renewed,
        ("DID_FAIL_TO_RENEW", Some("GRACE_PERIOD")) => T::InGracePeriod,
        ("DID_FAIL_TO_RENEW" | "GRACE_PERIOD_EXPIRED", _) => T::RenewalFailed,
        ("DID_CHANGE_RENEWAL_STATUS", Some("AUTO_RENEW_DISABLED")) => T::AutoRenewOff,
        ("DID_CHANGE_RENEWAL_STATUS", Some("AUTO_RENEW_ENABLED")) => T::AutoRenewOn,
        ("DID_CHANGE_RENEWAL_PREF", _) | ("OFFER_REDEEMED", Some("UPGRADE" | "DOWNGRADE")) => T::PlanChanged,
        ("EXPIRED", _) => T::Expired,
        ("REFUND", _) => T::Refunded,
        ("REVOKE", _) => T::Revoked,
        ("PRICE_INCREASE" | "PRICE_CHANGE", _) => T::PriceChange,
        ("CONSUMPTION_REQUEST", _) => T::RefundRequested,
        ("TEST", _) => T::Test,
        _ => T::Unknown,
    };
    let reason = match event_type {
        T::Expired => subtype.map(str::to_owned),
        T::Refunded | T::Revoked => transaction.and_then(|t| int(t, "revocationReason")).map(|r| match r {
            0 => "OTHER".to_owned(),
            1 => "APP_ISSUE".to_owned(),
            n => n.to_string(),
        }),
        _ => None,
    };
    let partial = (event_type == T::Refunded).then(|| transaction.and_then(|t| text(t, "revocationType")) == Some("REFUND_PRORATED"));
    let deadline = (event_type == T::RefundRequested).then(|| occurred_at.map(|t| t.saturating_add(APPLE_CONSUMPTION_WINDOW_MS))).flatten();
    Ok(StoreEvent {
        id: id.to_owned(),
        store: Store::AppStore,
        event_type,
        store_type: store_type.to_owned(),
        subtype: subtype.map(str::to_owned),
        occurred_at,
        reason,
        partial,
        deadline,
        product_id: transaction.and_then(|t| text(t, "productId")).map(str::to_owned),
        purchase_token: None,
        order_id: transaction.and_then(|t| text(t, "transactionId")).map(str::to_owned),
        purchase,
    })
}

/// The event of a decoded RTDN.
pub(crate) fn google(n: &DeveloperNotification) -> Result<StoreEvent> {
    use EventType as T;
    let id = n.push.message_id.clone().ok_or_else(|| Error::malformed("Google notification", "no Pub/Sub messageId"))?;
    let mut event = StoreEvent {
        id,
        store: Store::GooglePlay,
        event_type: T::Unknown,
        store_type: n.kind.to_owned(),
        subtype: None,
        occurred_at: n.event_time_millis,
        reason: None,
        partial: None,
        deadline: None,
        product_id: None,
        purchase_token: None,
        order_id: None,
        purchase: None,
    };
    if let Some(s) = &n.subscription_notification {
        event.event_type = subscription_type(s.notification_type);
        event.store_type = type_name(s.notification_type_name, s.notification_type);
        event.purchase_token.clone_from(&s.purchase_token);
        event.product_id.clone_from(&s.subscription_id);
    } else if let Some(o) = &n.one_time_product_notification {
        event.event_type = match o.notification_type {
            1 => T::Purchased,
            2 => T::PendingCanceled,
            _ => T::Unknown,
        };
        event.store_type = type_name(o.notification_type_name, o.notification_type);
        event.purchase_token.clone_from(&o.purchase_token);
        event.product_id.clone_from(&o.sku);
    } else if let Some(v) = &n.voided_purchase_notification {
        event.event_type = T::Refunded;
        event.partial = Some(v.refund_type == Some(2));
        event.purchase_token.clone_from(&v.purchase_token);
        event.order_id.clone_from(&v.order_id);
    } else if let Some(r) = &n.pending_refund_review_notification {
        event.event_type = T::RefundRequested;
        event.order_id = r.get("orderId").and_then(Value::as_str).map(str::to_owned);
        event.reason = r.get("refundReason").and_then(crate::time::int_value).map(|code| code.to_string());
        event.deadline = n.event_time_millis.map(|t| t.saturating_add(GOOGLE_REFUND_REVIEW_WINDOW_MS));
    } else if n.test_notification.is_some() {
        event.event_type = T::Test;
    }
    Ok(event)
}

/// The event type of a Google RTDN subscription notification type; ONE store's SNS uses Google's
/// numbers 1 to 13 for the same things.
fn subscription_type(code: i64) -> EventType {
    use EventType as T;
    match code {
        1 => T::Recovered,
        2 | 9 => T::Renewed,
        3 | 18 => T::AutoRenewOff,
        4 => T::Purchased,
        5 => T::OnHold,
        6 => T::InGracePeriod,
        7 => T::AutoRenewOn,
        8 | 19 | 22 => T::PriceChange,
        10 => T::Paused,
        12 => T::Revoked,
        13 => T::Expired,
        17 => T::PlanChanged,
        20 => T::PendingCanceled,
        _ => T::Unknown,
    }
}

const PNS: &str = "ONE store payment notification";
const SNS: &str = "ONE store subscription notification";

/// The event of a verified PNS message (without its `signature`).
pub(crate) fn onestore_payment(n: &Map<String, Value>) -> Result<StoreEvent> {
    use EventType as T;
    let purchase_id = text(n, "purchaseId").filter(|s| !s.is_empty()).ok_or_else(|| Error::malformed(PNS, "no purchaseId"))?;
    // The guide's table spells it `purcahseState`; its example and ONE store's sender `purchaseState`.
    let state = text(n, "purchaseState")
        .or_else(|| text(n, "purcahseState"))
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::malformed(PNS, "no purchaseState"))?;
    let event_type = match state {
        "COMPLETED" => T::Purchased,
        "CANCELED" => T::Refunded,
        _ => T::Unknown,
    };
    Ok(StoreEvent {
        id: format!("{purchase_id}:{state}"),
        store: Store::OneStore,
        event_type,
        store_type: state.to_owned(),
        subtype: None,
        // The purchase's time: the PNS says when the payment was made, not when it was canceled.
        occurred_at: (event_type == T::Purchased).then(|| int(n, "purchaseTimeMillis")).flatten(),
        reason: None,
        // ONE store cancels whole payments.
        partial: (event_type == T::Refunded).then_some(false),
        deadline: None,
        product_id: text(n, "productId").map(str::to_owned),
        purchase_token: text(n, "purchaseToken").map(str::to_owned),
        order_id: Some(purchase_id.to_owned()),
        purchase: None,
    })
}

/// The event of a decoded SNS (with its `notificationTypeName`).
pub(crate) fn onestore_subscription(n: &Map<String, Value>) -> Result<StoreEvent> {
    let bad = |why: &str| Error::malformed(SNS, why.to_owned());
    let sub = object(n, "subscriptionNotification").ok_or_else(|| bad("no subscriptionNotification object"))?;
    let code = int(sub, "notificationType").ok_or_else(|| bad("no notificationType"))?;
    let token = text(sub, "purchaseToken").filter(|s| !s.is_empty()).ok_or_else(|| bad("no purchaseToken"))?;
    let at = int(n, "eventTimeMillis").ok_or_else(|| bad("no eventTimeMillis (the id of an SNS needs it)"))?;
    // ONE store's codes are Google's 1 to 13; a number past them is not Google's meaning.
    let event_type = if (1..=13).contains(&code) { subscription_type(code) } else { EventType::Unknown };
    let name = type_name(text(sub, "notificationTypeName").unwrap_or("UNKNOWN"), code);
    Ok(StoreEvent {
        id: format!("{token}:{code}:{at}"),
        store: Store::OneStore,
        event_type,
        store_type: name,
        subtype: None,
        occurred_at: Some(at),
        reason: None,
        partial: None,
        deadline: None,
        product_id: text(sub, "productId").map(str::to_owned),
        purchase_token: Some(token.to_owned()),
        order_id: None,
        purchase: None,
    })
}

/// A Google (or ONE store SNS) type's name, or its number when this version does not know it.
fn type_name(name: &str, number: i64) -> String {
    if name == "UNKNOWN" {
        number.to_string()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::google::rtdn::decode_push;

    fn apple_event(n: Value) -> StoreEvent {
        apple(n.as_object().unwrap()).unwrap()
    }

    fn note(kind: &str, subtype: Option<&str>) -> Value {
        let mut n = json!({ "notificationType": kind, "notificationUUID": "u-1", "signedDate": 1_000 });
        if let Some(s) = subtype {
            n["subtype"] = json!(s);
        }
        n
    }

    #[test]
    fn apple_types_map_by_type_and_subtype() {
        use EventType as T;
        for (kind, subtype, want) in [
            ("SUBSCRIBED", Some("INITIAL_BUY"), T::Purchased),
            ("SUBSCRIBED", Some("RESUBSCRIBE"), T::Purchased),
            ("ONE_TIME_CHARGE", None, T::Purchased),
            ("OFFER_REDEEMED", Some("RESUBSCRIBE"), T::Purchased),
            ("OFFER_REDEEMED", Some("UPGRADE"), T::PlanChanged),
            ("OFFER_REDEEMED", None, T::Unknown),
            ("DID_RENEW", None, T::Renewed),
            ("DID_RENEW", Some("BILLING_RECOVERY"), T::Recovered),
            ("RENEWAL_EXTENDED", None, T::Renewed),
            ("DID_FAIL_TO_RENEW", None, T::RenewalFailed),
            ("DID_FAIL_TO_RENEW", Some("GRACE_PERIOD"), T::InGracePeriod),
            ("GRACE_PERIOD_EXPIRED", None, T::RenewalFailed),
            ("DID_CHANGE_RENEWAL_STATUS", Some("AUTO_RENEW_DISABLED"), T::AutoRenewOff),
            ("DID_CHANGE_RENEWAL_STATUS", Some("AUTO_RENEW_ENABLED"), T::AutoRenewOn),
            ("DID_CHANGE_RENEWAL_STATUS", None, T::Unknown),
            ("DID_CHANGE_RENEWAL_PREF", Some("DOWNGRADE"), T::PlanChanged),
            ("EXPIRED", Some("VOLUNTARY"), T::Expired),
            ("REFUND", None, T::Refunded),
            ("REVOKE", None, T::Revoked),
            ("PRICE_INCREASE", Some("PENDING"), T::PriceChange),
            ("CONSUMPTION_REQUEST", None, T::RefundRequested),
            ("TEST", None, T::Test),
            ("REFUND_REVERSED", None, T::Unknown),
            ("SOMETHING_NEW", None, T::Unknown),
        ] {
            let e = apple_event(note(kind, subtype));
            assert_eq!(e.event_type, want, "{kind} {subtype:?}");
            assert_eq!((e.store_type.as_str(), e.subtype.as_deref()), (kind, subtype));
            assert_eq!((e.id.as_str(), e.occurred_at, &e.store), ("u-1", Some(1_000), &Store::AppStore));
        }
    }

    #[test]
    fn apple_reasons_partial_refunds_deadlines_and_the_purchase() {
        let tx = json!({
            "transactionId": "2000", "originalTransactionId": "1000", "productId": "gold", "bundleId": "b",
            "purchaseDate": 500, "quantity": 1, "type": "Consumable", "environment": "Sandbox",
            "revocationReason": 1, "revocationType": "REFUND_PRORATED", "revocationDate": 900
        });
        let mut n = note("REFUND", None);
        n["data"] = json!({ "decodedTransactionInfo": tx });
        let e = apple_event(n);
        assert_eq!((e.reason.as_deref(), e.partial), (Some("APP_ISSUE"), Some(true)));
        assert_eq!((e.product_id.as_deref(), e.order_id.as_deref()), (Some("gold"), Some("2000")));
        assert_eq!(e.purchase.as_ref().map(Purchase::product_id), Some("gold"));
        let whole = apple_event(note("REFUND", None));
        assert_eq!((whole.partial, whole.purchase), (Some(false), None));
        let expired = apple_event(note("EXPIRED", Some("BILLING_RETRY")));
        assert_eq!((expired.reason.as_deref(), expired.partial), (Some("BILLING_RETRY"), None));
        let request = apple_event(note("CONSUMPTION_REQUEST", None));
        assert_eq!(request.deadline, Some(1_000 + 12 * 3_600_000));
        assert_eq!(apple_event(note("DID_RENEW", None)).deadline, None);
    }

    #[test]
    fn apple_without_an_id_or_type_is_malformed() {
        for bad in [json!({ "notificationType": "TEST" }), json!({ "notificationUUID": "u" })] {
            assert_eq!(apple(bad.as_object().unwrap()).unwrap_err().code(), "MALFORMED_INPUT");
        }
        // A transaction that does not make a purchase is an error, not a silent `None`.
        let mut n = note("DID_RENEW", None);
        n["data"] = json!({ "decodedTransactionInfo": { "transactionId": "1" } });
        assert_eq!(apple(n.as_object().unwrap()).unwrap_err().code(), "MALFORMED_INPUT");
    }

    /// Google's subscription notification types (ONE store's SNS uses the same codes): each
    /// code, the event type it maps to, and the store's name for it.
    const SUBSCRIPTION_TYPES: [(i64, EventType, &str); 13] = [
        (1, EventType::Recovered, "SUBSCRIPTION_RECOVERED"),
        (2, EventType::Renewed, "SUBSCRIPTION_RENEWED"),
        (3, EventType::AutoRenewOff, "SUBSCRIPTION_CANCELED"),
        (4, EventType::Purchased, "SUBSCRIPTION_PURCHASED"),
        (5, EventType::OnHold, "SUBSCRIPTION_ON_HOLD"),
        (6, EventType::InGracePeriod, "SUBSCRIPTION_IN_GRACE_PERIOD"),
        (7, EventType::AutoRenewOn, "SUBSCRIPTION_RESTARTED"),
        (8, EventType::PriceChange, "SUBSCRIPTION_PRICE_CHANGE_CONFIRMED"),
        (9, EventType::Renewed, "SUBSCRIPTION_DEFERRED"),
        (10, EventType::Paused, "SUBSCRIPTION_PAUSED"),
        (11, EventType::Unknown, "SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED"),
        (12, EventType::Revoked, "SUBSCRIPTION_REVOKED"),
        (13, EventType::Expired, "SUBSCRIPTION_EXPIRED"),
    ];

    fn push(data: Value) -> DeveloperNotification {
        use base64::Engine;
        let body = json!({
            "message": { "data": base64::engine::general_purpose::STANDARD.encode(data.to_string()), "messageId": "m-7", "publishTime": "2026-01-01T00:00:00Z" },
            "subscription": "projects/p/subscriptions/s"
        });
        decode_push(body.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn google_kinds_and_types_map() {
        use EventType as T;
        let base = json!({ "version": "1.0", "packageName": "com.example", "eventTimeMillis": "1700" });
        let with = |k: &str, v: Value| {
            let mut d = base.clone();
            d[k] = v;
            google(&push(d)).unwrap()
        };
        for (n, want, name) in SUBSCRIPTION_TYPES.into_iter().chain([(99, T::Unknown, "99")]) {
            let e = with("subscriptionNotification", json!({ "version": "1.0", "notificationType": n, "purchaseToken": "tok", "subscriptionId": "monthly" }));
            assert_eq!((e.event_type, e.store_type.as_str()), (want, name), "type {n}");
            assert_eq!((e.id.as_str(), e.occurred_at, e.purchase_token.as_deref(), e.product_id.as_deref()), ("m-7", Some(1700), Some("tok"), Some("monthly")));
        }
        let one = with("oneTimeProductNotification", json!({ "notificationType": 1, "purchaseToken": "t1", "sku": "gem" }));
        assert_eq!((one.event_type, one.product_id.as_deref()), (T::Purchased, Some("gem")));
        let canceled = with("oneTimeProductNotification", json!({ "notificationType": 2, "purchaseToken": "t1", "sku": "gem" }));
        assert_eq!(canceled.event_type, T::PendingCanceled);
        let voided = with("voidedPurchaseNotification", json!({ "purchaseToken": "t2", "orderId": "GPA.1", "productType": 2, "refundType": 2 }));
        assert_eq!((voided.event_type, voided.partial, voided.order_id.as_deref()), (T::Refunded, Some(true), Some("GPA.1")));
        let full = with("voidedPurchaseNotification", json!({ "purchaseToken": "t2", "orderId": "GPA.1", "productType": 2, "refundType": 1 }));
        assert_eq!(full.partial, Some(false));
        let review = with("pendingRefundReviewNotification", json!({ "version": "1.0", "pendingRefundToken": "prt-1", "orderId": "GPA.9", "refundReason": 7 }));
        assert_eq!((review.event_type, review.store_type.as_str()), (T::RefundRequested, "pendingRefundReview"));
        assert_eq!((review.order_id.as_deref(), review.reason.as_deref(), review.deadline), (Some("GPA.9"), Some("7"), Some(1700 + 24 * 3_600_000)));
        let test = with("testNotification", json!({ "version": "1.0" }));
        assert_eq!((test.event_type, test.store_type.as_str()), (T::Test, "test"));
    }

    #[test]
    fn google_without_a_message_id_is_malformed() {
        let mut n = push(json!({ "packageName": "p", "testNotification": {} }));
        n.push.message_id = None;
        assert_eq!(google(&n).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn onestore_pns_maps_by_purchase_state_with_id_and_state() {
        use EventType as T;
        let pns = |state: &str| {
            json!({ "msgVersion": "3.1.0", "clientId": "com.example.app", "productId": "gem", "messageType": "SINGLE_PAYMENT_TRANSACTION",
                "purchaseId": "SANDBOX3000", "purchaseTimeMillis": 1_700, "purchaseState": state, "purchaseToken": "TOKEN1" })
        };
        let done = onestore_payment(pns("COMPLETED").as_object().unwrap()).unwrap();
        assert_eq!((done.id.as_str(), done.event_type, done.store_type.as_str(), &done.store), ("SANDBOX3000:COMPLETED", T::Purchased, "COMPLETED", &Store::OneStore));
        assert_eq!((done.occurred_at, done.product_id.as_deref(), done.purchase_token.as_deref(), done.order_id.as_deref()), (Some(1_700), Some("gem"), Some("TOKEN1"), Some("SANDBOX3000")));
        let canceled = onestore_payment(pns("CANCELED").as_object().unwrap()).unwrap();
        assert_eq!((canceled.id.as_str(), canceled.event_type, canceled.partial, canceled.occurred_at), ("SANDBOX3000:CANCELED", T::Refunded, Some(false), None));
        let other = onestore_payment(pns("SOMETHING").as_object().unwrap()).unwrap();
        assert_eq!((other.event_type, other.store_type.as_str()), (T::Unknown, "SOMETHING"));
        // The guide's misspelt field name is read too.
        let misspelt = json!({ "purchaseId": "P", "purcahseState": "CANCELED" });
        assert_eq!(onestore_payment(misspelt.as_object().unwrap()).unwrap().event_type, T::Refunded);
        for bad in [json!({ "purchaseState": "COMPLETED" }), json!({ "purchaseId": "P" }), json!({ "purchaseId": "", "purchaseState": "COMPLETED" })] {
            assert_eq!(onestore_payment(bad.as_object().unwrap()).unwrap_err().code(), "MALFORMED_INPUT");
        }
    }

    #[test]
    fn onestore_sns_maps_like_google_with_token_type_and_time_as_id() {
        use EventType as T;
        let sns = |code: i64, at: i64| {
            let body = json!({ "msgVersion": "3.1.0", "clientId": "com.example.app", "eventTimeMillis": at,
                "subscriptionNotification": { "version": "1", "notificationType": code, "purchaseToken": "SUB1", "productId": "monthly" } });
            crate::onestore::decode_subscription_notification(body.to_string().as_bytes()).unwrap()
        };
        for (code, want, name) in SUBSCRIPTION_TYPES.into_iter().chain([(17, T::Unknown, "17"), (20, T::Unknown, "20")]) {
            let e = StoreEvent::from_onestore_subscription(&sns(code, 5_000)).unwrap();
            assert_eq!((e.event_type, e.store_type.as_str()), (want, name), "type {code}");
            assert_eq!((e.id, e.occurred_at, e.purchase_token.as_deref(), e.product_id.as_deref()), (format!("SUB1:{code}:5000"), Some(5_000), Some("SUB1"), Some("monthly")));
        }
        // Two renewals of one subscription are two events.
        assert_ne!(onestore_subscription(&sns(2, 1)).unwrap().id, onestore_subscription(&sns(2, 2)).unwrap().id);
        let mut no_time = sns(2, 1);
        no_time.shift_remove("eventTimeMillis");
        assert_eq!(onestore_subscription(&no_time).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(onestore_subscription(&Map::new()).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn the_json_shape() {
        let e = apple_event(note("TEST", None));
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            json!({ "id": "u-1", "store": "AS", "type": "TEST", "storeType": "TEST", "occurredAt": 1000 })
        );
    }
}
