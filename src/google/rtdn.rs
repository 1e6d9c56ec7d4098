//! Google Play real-time developer notifications (RTDN), as Cloud Pub/Sub pushes them.
//!
//! **The body is not signed.** Its authenticity comes from the push request itself: configure the
//! Pub/Sub push subscription with authentication, then check the `Authorization: Bearer` OIDC token
//! on the HTTP request (issuer `https://accounts.google.com`, audience = the value configured on the
//! subscription, email = the push service account, signature by Google's published keys) before
//! trusting anything decoded here. Even then, treat a notification as a hint: fetch the purchase
//! from the Play Developer API with its `purchaseToken` before granting or revoking.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::{b64, limits};

/// The Pub/Sub envelope of a notification.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct PushMetadata {
    /// The Pub/Sub message id (`messageId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// RFC 3339, as Pub/Sub sends it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_time: Option<String>,
    /// The message's attributes, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(type = "Record<string, string>"))]
    pub attributes: Option<Map<String, Value>>,
    /// The Pub/Sub subscription that pushed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
}

/// A decoded `DeveloperNotification`. Exactly one of the notification fields is present for the
/// kinds this version knows; a kind it does not know is kept in `extra` and `kind` is `"unknown"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct DeveloperNotification {
    /// `subscription`, `oneTimeProduct`, `voidedPurchase`, `pendingRefundReview`, `test` or `unknown`.
    #[cfg_attr(feature = "typescript", ts(type = "'subscription' | 'oneTimeProduct' | 'voidedPurchase' | 'pendingRefundReview' | 'test' | 'unknown'"))]
    pub kind: &'static str,
    /// The notification's version (`1.0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The app's package name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// Epoch milliseconds (Google sends a string; some tools send a number; both are read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time_millis: Option<i64>,
    /// Present for a subscription event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_notification: Option<SubscriptionNotification>,
    /// Present for a one-time product event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub one_time_product_notification: Option<OneTimeProductNotification>,
    /// Present for a voided purchase (refund, chargeback, revocation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voided_purchase_notification: Option<VoidedPurchaseNotification>,
    /// Present for a refund Google asks you to review: answer with `reviewRefundOrder` and its
    /// `pendingRefundToken`. Kept as sent: Google's API reference names the token ("included in the
    /// pending refund review notification"), but its RTDN reference, as of December 2026, does not
    /// document this notification; the other field names are those of independent
    /// implementations, unconfirmed by Google.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "typescript",
        ts(optional, type = "{ version?: string; pendingRefundToken?: string; orderId?: string; obfuscatedAccountId?: string; refundReason?: number; [unknownField: string]: unknown }")
    )]
    pub pending_refund_review_notification: Option<Map<String, Value>>,
    /// Present for a test notification sent from the Play Console.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", ts(optional, type = "{ version?: string; [unknownField: string]: unknown }"))]
    pub test_notification: Option<Map<String, Value>>,
    /// Fields this version does not know (newer notification kinds among them), as sent.
    #[serde(skip_serializing_if = "Map::is_empty")]
    #[cfg_attr(feature = "typescript", ts(as = "Option<crate::typescript::UnknownFields>", optional))]
    pub extra: Map<String, Value>,
    /// The Pub/Sub envelope.
    pub push: PushMetadata,
}

/// `subscriptionNotification`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionNotification {
    /// The notification's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Google's number for the event (`SUBSCRIPTION_RENEWED` is 2, …).
    pub notification_type: i64,
    /// The name Google documents for `notification_type`, or `UNKNOWN` for a number this version
    /// does not know (the number is kept in `notification_type`).
        pub notification_type_name: &'static str,
    /// The token of the subscription purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    /// Legacy; absent in newer notifications.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// Fields this version does not know, as sent.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// `oneTimeProductNotification`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct OneTimeProductNotification {
    /// The notification's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Google's number for the event (1 purchased, 2 canceled).
    pub notification_type: i64,
    /// The name Google documents for `notification_type`, or `UNKNOWN`.
        #[cfg_attr(feature = "typescript", ts(type = "'ONE_TIME_PRODUCT_PURCHASED' | 'ONE_TIME_PRODUCT_CANCELED' | 'UNKNOWN'"))]
    pub notification_type_name: &'static str,
    /// The token of the purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    /// The product id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Fields this version does not know, as sent.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// `voidedPurchaseNotification`: a refund, chargeback or revocation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct VoidedPurchaseNotification {
    /// The token of the voided purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    /// The order id of the voided purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// 1 subscription, 2 one-time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_type: Option<i64>,
    /// `PRODUCT_TYPE_SUBSCRIPTION`, `PRODUCT_TYPE_ONE_TIME` or `UNKNOWN`.
        #[cfg_attr(feature = "typescript", ts(type = "'PRODUCT_TYPE_SUBSCRIPTION' | 'PRODUCT_TYPE_ONE_TIME' | 'UNKNOWN'"))]
    pub product_type_name: &'static str,
    /// 1 full refund, 2 quantity-based partial refund.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund_type: Option<i64>,
    /// `REFUND_TYPE_FULL_REFUND`, `REFUND_TYPE_QUANTITY_BASED_PARTIAL_REFUND` or `UNKNOWN`.
        #[cfg_attr(feature = "typescript", ts(type = "'REFUND_TYPE_FULL_REFUND' | 'REFUND_TYPE_QUANTITY_BASED_PARTIAL_REFUND' | 'UNKNOWN'"))]
    pub refund_type_name: &'static str,
    /// Fields this version does not know, as sent.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// Google's names for `subscriptionNotification.notificationType`
/// (developer.android.com/google/play/billing/rtdn-reference).
pub fn subscription_type_name(code: i64) -> &'static str {
    match code {
        1 => "SUBSCRIPTION_RECOVERED",
        2 => "SUBSCRIPTION_RENEWED",
        3 => "SUBSCRIPTION_CANCELED",
        4 => "SUBSCRIPTION_PURCHASED",
        5 => "SUBSCRIPTION_ON_HOLD",
        6 => "SUBSCRIPTION_IN_GRACE_PERIOD",
        7 => "SUBSCRIPTION_RESTARTED",
        8 => "SUBSCRIPTION_PRICE_CHANGE_CONFIRMED",
        9 => "SUBSCRIPTION_DEFERRED",
        10 => "SUBSCRIPTION_PAUSED",
        11 => "SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED",
        12 => "SUBSCRIPTION_REVOKED",
        13 => "SUBSCRIPTION_EXPIRED",
        17 => "SUBSCRIPTION_ITEMS_CHANGED",
        18 => "SUBSCRIPTION_CANCELLATION_SCHEDULED",
        19 => "SUBSCRIPTION_PRICE_CHANGE_UPDATED",
        20 => "SUBSCRIPTION_PENDING_PURCHASE_CANCELED",
        22 => "SUBSCRIPTION_PRICE_STEP_UP_CONSENT_UPDATED",
        _ => "UNKNOWN",
    }
}

/// Google's names for `oneTimeProductNotification.notificationType`.
pub fn one_time_type_name(code: i64) -> &'static str {
    match code {
        1 => "ONE_TIME_PRODUCT_PURCHASED",
        2 => "ONE_TIME_PRODUCT_CANCELED",
        _ => "UNKNOWN",
    }
}

const KNOWN_KINDS: [&str; 5] = [
    "subscriptionNotification",
    "oneTimeProductNotification",
    "voidedPurchaseNotification",
    "pendingRefundReviewNotification",
    "testNotification",
];

/// Decodes a Pub/Sub push body (the JSON the push endpoint receives). Not a verification: see the
/// module documentation for how to authenticate the push request.
/// Errors: `INPUT_TOO_LARGE`, `MALFORMED_INPUT` (not a push body, `data` not base64 or not a
/// DeveloperNotification, more than one notification kind).
pub fn decode_push(body: &[u8]) -> Result<DeveloperNotification> {
    const WHAT: &str = "Pub/Sub push body";
    limits::check(WHAT, body.len(), limits::MAX_NOTIFICATION)?;
    let mut push = Fields::new(WHAT, crate::json_text::decode_object(WHAT, body)?);
    let mut message = Fields::new(WHAT, push.object("message")?.ok_or_else(|| Error::malformed(WHAT, "`message` is missing"))?);
    let data = message.string("data")?.ok_or_else(|| Error::malformed(WHAT, "`message.data` is missing"))?;
    let data = b64::decode_standard("RTDN message data", &data)?;
    // Pub/Sub sends the message id and publish time twice, in camelCase and snake_case.
    let (message_id, message_id_snake) = (message.string("messageId")?, message.string("message_id")?);
    let (publish_time, publish_time_snake) = (message.string("publishTime")?, message.string("publish_time")?);
    let meta = PushMetadata {
        message_id: message_id.or(message_id_snake),
        publish_time: publish_time.or(publish_time_snake),
        attributes: message.object("attributes")?,
        subscription: push.string("subscription")?,
    };
    decode_notification(&data, meta)
}

/// A JSON object read field by field (what a field holds is checked; `null` is absent), the
/// fields not taken kept. Read by hand rather than through derived deserializers: the same checks
/// in a fraction of the WebAssembly.
struct Fields {
    what: &'static str,
    map: Map<String, Value>,
}

impl Fields {
    fn new(what: &'static str, map: Map<String, Value>) -> Self {
        Self { what, map }
    }

    /// The value of `key`, taken out; `None` when absent or `null`.
    fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    fn wrong(&self, key: &str, expected: &str) -> Error {
        Error::malformed(self.what, format!("`{key}` is {expected}"))
    }

    fn string(&mut self, key: &str) -> Result<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong(key, "not a string")),
        }
    }

    fn int(&mut self, key: &str) -> Result<Option<i64>> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| self.wrong(key, "not an integer")),
        }
    }

    fn required_int(&mut self, key: &str) -> Result<i64> {
        self.int(key)?.ok_or_else(|| self.wrong(key, "missing"))
    }

    fn object(&mut self, key: &str) -> Result<Option<Map<String, Value>>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(_) => Err(self.wrong(key, "not an object")),
        }
    }

    /// A nested notification object, read as `T` by `read`.
    fn nested<T>(&mut self, key: &'static str, read: impl FnOnce(Fields) -> Result<T>) -> Result<Option<T>> {
        self.object(key)?.map(|m| read(Fields::new(key, m))).transpose()
    }

    /// What is left, refusing a key this library writes itself (a decoded notification must not
    /// carry a name that looks like ours but was sent).
    fn rest(self, written: &[&str]) -> Result<Map<String, Value>> {
        match written.iter().find(|k| self.map.contains_key(**k)) {
            Some(k) => Err(Error::malformed(self.what, format!("`{k}` is written by this library, not read"))),
            None => Ok(self.map),
        }
    }
}

/// Decodes the `DeveloperNotification` JSON carried in `message.data`.
pub fn decode_notification(data: &[u8], push: PushMetadata) -> Result<DeveloperNotification> {
    const WHAT: &str = "DeveloperNotification";
    let mut fields = Fields::new(WHAT, crate::json_text::decode_object(WHAT, data)?);
    if KNOWN_KINDS.iter().filter(|k| fields.map.contains_key(**k)).count() > 1 {
        return Err(Error::malformed(WHAT, "more than one notification kind"));
    }
    let version = fields.string("version")?;
    let package_name = fields.string("packageName")?;
    // Google sends a string; some tools send a number; both are read.
    let event_time_millis = match fields.map.remove("eventTimeMillis") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.parse::<i64>().map_err(|_| Error::malformed(WHAT, "`eventTimeMillis` is not an integer"))?),
        Some(v) => Some(v.as_i64().ok_or_else(|| Error::malformed(WHAT, "`eventTimeMillis` is not an integer"))?),
    };
    let subscription = fields.nested("subscriptionNotification", |mut f| {
        let notification_type = f.required_int("notificationType")?;
        Ok(SubscriptionNotification {
            version: f.string("version")?,
            notification_type,
            notification_type_name: subscription_type_name(notification_type),
            purchase_token: f.string("purchaseToken")?,
            subscription_id: f.string("subscriptionId")?,
            extra: f.rest(&["notificationTypeName"])?,
        })
    })?;
    let one_time = fields.nested("oneTimeProductNotification", |mut f| {
        let notification_type = f.required_int("notificationType")?;
        Ok(OneTimeProductNotification {
            version: f.string("version")?,
            notification_type,
            notification_type_name: one_time_type_name(notification_type),
            purchase_token: f.string("purchaseToken")?,
            sku: f.string("sku")?,
            extra: f.rest(&["notificationTypeName"])?,
        })
    })?;
    let voided = fields.nested("voidedPurchaseNotification", |mut f| {
        let (product_type, refund_type) = (f.int("productType")?, f.int("refundType")?);
        Ok(VoidedPurchaseNotification {
            purchase_token: f.string("purchaseToken")?,
            order_id: f.string("orderId")?,
            product_type,
            product_type_name: match product_type {
                Some(1) => "PRODUCT_TYPE_SUBSCRIPTION",
                Some(2) => "PRODUCT_TYPE_ONE_TIME",
                _ => "UNKNOWN",
            },
            refund_type,
            refund_type_name: match refund_type {
                Some(1) => "REFUND_TYPE_FULL_REFUND",
                Some(2) => "REFUND_TYPE_QUANTITY_BASED_PARTIAL_REFUND",
                _ => "UNKNOWN",
            },
            extra: f.rest(&["productTypeName", "refundTypeName"])?,
        })
    })?;
    let review = fields.object("pendingRefundReviewNotification")?;
    let test = fields.object("testNotification")?;
    let kind = match (&subscription, &one_time, &voided, &review, &test) {
        (Some(_), ..) => "subscription",
        (_, Some(_), ..) => "oneTimeProduct",
        (_, _, Some(_), ..) => "voidedPurchase",
        (_, _, _, Some(_), _) => "pendingRefundReview",
        (.., Some(_)) => "test",
        _ => "unknown",
    };
    Ok(DeveloperNotification {
        kind,
        version,
        package_name,
        event_time_millis,
        subscription_notification: subscription,
        one_time_product_notification: one_time,
        voided_purchase_notification: voided,
        pending_refund_review_notification: review,
        test_notification: test,
        extra: fields.map,
        push,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn push(notification: &str) -> Vec<u8> {
        let data = base64::engine::general_purpose::STANDARD.encode(notification);
        format!(
            r#"{{"message":{{"attributes":{{"k":"v"}},"data":"{data}","messageId":"136969346945","message_id":"136969346945","publishTime":"2026-11-26T10:00:00.123Z"}},"subscription":"projects/myproject/subscriptions/mysubscription"}}"#
        )
        .into_bytes()
    }

    // Shapes from Google's RTDN reference (developer.android.com/google/play/billing/rtdn-reference).
    #[test]
    fn subscription_notification_with_every_documented_type() {
        for (code, name) in [(1, "SUBSCRIPTION_RECOVERED"), (2, "SUBSCRIPTION_RENEWED"), (4, "SUBSCRIPTION_PURCHASED"),
            (5, "SUBSCRIPTION_ON_HOLD"), (6, "SUBSCRIPTION_IN_GRACE_PERIOD"), (12, "SUBSCRIPTION_REVOKED"),
            (13, "SUBSCRIPTION_EXPIRED"), (20, "SUBSCRIPTION_PENDING_PURCHASE_CANCELED"), (99, "UNKNOWN")] {
            let n = decode_push(&push(&format!(
                r#"{{"version":"1.0","packageName":"com.some.thing","eventTimeMillis":"503349783000","subscriptionNotification":{{"version":"1.0","notificationType":{code},"purchaseToken":"PURCHASE_TOKEN","subscriptionId":"my.sku"}}}}"#
            )))
            .unwrap();
            assert_eq!(n.kind, "subscription");
            assert_eq!(n.event_time_millis, Some(503349783000));
            let s = n.subscription_notification.unwrap();
            assert_eq!((s.notification_type, s.notification_type_name), (code, name));
            assert_eq!(s.purchase_token.as_deref(), Some("PURCHASE_TOKEN"));
            assert_eq!(n.push.message_id.as_deref(), Some("136969346945"));
            assert_eq!(n.push.subscription.as_deref(), Some("projects/myproject/subscriptions/mysubscription"));
        }
    }

    #[test]
    fn one_time_voided_and_test_notifications() {
        let n = decode_push(&push(r#"{"version":"1.0","packageName":"com.some.thing","eventTimeMillis":503349783000,"oneTimeProductNotification":{"version":"1.0","notificationType":1,"purchaseToken":"PURCHASE_TOKEN","sku":"my.sku"}}"#)).unwrap();
        assert_eq!(n.kind, "oneTimeProduct");
        let o = n.one_time_product_notification.unwrap();
        assert_eq!((o.notification_type_name, o.sku.as_deref()), ("ONE_TIME_PRODUCT_PURCHASED", Some("my.sku")));

        let n = decode_push(&push(r#"{"version":"1.0","packageName":"com.some.app","eventTimeMillis":"503349783000","voidedPurchaseNotification":{"purchaseToken":"PURCHASE_TOKEN","orderId":"GS.0000-0000-0000","productType":1,"refundType":2}}"#)).unwrap();
        assert_eq!(n.kind, "voidedPurchase");
        let v = n.voided_purchase_notification.unwrap();
        assert_eq!(v.order_id.as_deref(), Some("GS.0000-0000-0000"));
        assert_eq!((v.product_type_name, v.refund_type_name), ("PRODUCT_TYPE_SUBSCRIPTION", "REFUND_TYPE_QUANTITY_BASED_PARTIAL_REFUND"));

        let n = decode_push(&push(r#"{"version":"1.0","packageName":"com.some.thing","eventTimeMillis":"503349783000","testNotification":{"version":"1.0"}}"#)).unwrap();
        assert_eq!(n.kind, "test");
        assert_eq!(n.test_notification.unwrap()["version"], "1.0");
    }

    #[test]
    fn unknown_kinds_are_kept_not_refused() {
        let n = decode_push(&push(r#"{"version":"1.0","packageName":"p","eventTimeMillis":"1","futureNotification":{"purchaseToken":"t"}}"#)).unwrap();
        assert_eq!(n.kind, "unknown");
        assert_eq!(n.extra["futureNotification"]["purchaseToken"], "t");
    }

    #[test]
    fn pending_refund_review_and_the_newer_subscription_types() {
        let n = decode_push(&push(r#"{"version":"1.0","packageName":"p","eventTimeMillis":"1","pendingRefundReviewNotification":{"version":"1.0","pendingRefundToken":"prt-1","orderId":"GPA.1-2-3","obfuscatedAccountId":"u7","refundReason":7}}"#)).unwrap();
        assert_eq!(n.kind, "pendingRefundReview");
        let r = n.pending_refund_review_notification.unwrap();
        assert_eq!((r["pendingRefundToken"].as_str(), r["orderId"].as_str(), r["refundReason"].as_i64()), (Some("prt-1"), Some("GPA.1-2-3"), Some(7)));
        assert_eq!(r["obfuscatedAccountId"], "u7");
        // Not two kinds at once; not an object.
        for body in [
            r#"{"pendingRefundReviewNotification":{},"testNotification":{}}"#,
            r#"{"pendingRefundReviewNotification":"x"}"#,
        ] {
            assert_eq!(decode_push(&push(body)).unwrap_err().code(), "MALFORMED_INPUT", "{body}");
        }
        for (code, name) in [(17, "SUBSCRIPTION_ITEMS_CHANGED"), (18, "SUBSCRIPTION_CANCELLATION_SCHEDULED"), (19, "SUBSCRIPTION_PRICE_CHANGE_UPDATED"),
            (20, "SUBSCRIPTION_PENDING_PURCHASE_CANCELED"), (21, "UNKNOWN"), (22, "SUBSCRIPTION_PRICE_STEP_UP_CONSENT_UPDATED"), (23, "UNKNOWN")] {
            assert_eq!(subscription_type_name(code), name);
        }
    }

    #[test]
    fn malformed_bodies() {
        let cases: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"[]".to_vec(),
            br#"{"message":{}}"#.to_vec(),
            br#"{"message":{"data":"%%%"}}"#.to_vec(),
            push("not json"),
            push(r#"{"eventTimeMillis":"soon"}"#),
            push(r#"{"packageName":7}"#),
            push(r#"{"subscriptionNotification":{"notificationType":"two"}}"#),
            push(r#"{"subscriptionNotification":{"notificationType":2},"testNotification":{}}"#),
            br#"{"message":{"data":null}}"#.to_vec(),
            br#"{"message":"x"}"#.to_vec(),
            br#"{"message":{"data":"e30=","attributes":[]}}"#.to_vec(),
            push(r#"{"subscriptionNotification":{}}"#),
            push(r#"{"subscriptionNotification":{"notificationType":2.5}}"#),
            push(r#"{"subscriptionNotification":{"notificationType":2,"purchaseToken":7}}"#),
            push(r#"{"testNotification":[]}"#),
            // A name this library writes, sent in the notification, is refused rather than kept
            // beside (or instead of) the one it derives.
            push(r#"{"subscriptionNotification":{"notificationType":2,"notificationTypeName":"SUBSCRIPTION_EXPIRED"}}"#),
            push(r#"{"oneTimeProductNotification":{"notificationType":1,"notificationTypeName":"X"}}"#),
            push(r#"{"voidedPurchaseNotification":{"refundTypeName":"REFUND_TYPE_FULL_REFUND"}}"#),
        ];
        for body in cases {
            let e = decode_push(&body).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT", "{}", String::from_utf8_lossy(&body));
        }
        // `null` is absent, for the optional fields of the envelope and of a notification alike.
        let n = decode_push(br#"{"message":{"data":"eyJzdWJzY3JpcHRpb25Ob3RpZmljYXRpb24iOnsibm90aWZpY2F0aW9uVHlwZSI6MiwicHVyY2hhc2VUb2tlbiI6bnVsbH19","messageId":null},"subscription":null}"#).unwrap();
        let sub = n.subscription_notification.unwrap();
        assert_eq!((sub.notification_type_name, sub.purchase_token, n.push.message_id), ("SUBSCRIPTION_RENEWED", None, None));
        let big = vec![b' '; limits::MAX_NOTIFICATION + 1];
        assert_eq!(decode_push(&big).unwrap_err().code(), "INPUT_TOO_LARGE");
    }

    #[test]
    fn duplicate_keys_at_any_depth_in_the_body_or_the_notification() {
        let good = r#"{"version":"1.0","packageName":"p","eventTimeMillis":"1","subscriptionNotification":{"version":"1.0","notificationType":2,"purchaseToken":"t","subscriptionId":"s"}}"#;
        decode_push(&push(good)).unwrap();
        let dup_data = [
            r#"{"version":"1.0","packageName":"p","packageName":"q","eventTimeMillis":"1","testNotification":{"version":"1.0"}}"#,
            r#"{"version":"1.0","packageName":"p","eventTimeMillis":"1","subscriptionNotification":{"notificationType":2,"notificationType":13,"purchaseToken":"t"}}"#,
            r#"{"version":"1.0","packageName":"p","eventTimeMillis":"1","testNotification":{"version":"1.0"},"future":{"a":[{"b":1,"b":2}]}}"#,
        ];
        for data in dup_data {
            let e = decode_push(&push(data)).unwrap_err();
            assert!(e.to_string().starts_with("malformed DeveloperNotification: duplicate key"), "{e}");
        }
        // The Pub/Sub envelope around it follows the same rule.
        let body = String::from_utf8(push(good)).unwrap();
        for dup in [body.replace(r#""attributes":{"k":"v"}"#, r#""attributes":{"k":"v","k":"w"}"#), body.replace(r#""subscription":"#, r#""subscription":"x","subscription":"#)] {
            assert_ne!(dup, body);
            let e = decode_push(dup.as_bytes()).unwrap_err();
            assert!(e.to_string().starts_with("malformed Pub/Sub push body: duplicate key"), "{e}");
        }
    }
}
