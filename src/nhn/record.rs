//! The payment records both NHN APIs answer with, one model each: what a consume returns, an
//! unconsumed payment, an active subscription. The IAP server (E1–E3) and Gamebase (G1, G2, G4)
//! send the same records, Gamebase with more fields; a field one API does not send is absent.

use serde::Serialize;

use super::fields::{FromResult, Obj};
use super::model::{iso8601_millis, MarketId, ProductType, ReferenceStatus};
use crate::error::Result;

/// What a consume returns (IAP E1, Gamebase G1): what was consumed, at what price.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields, rename = "NhnConsumeResult"))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConsumeResult {
    /// Price; a JSON number that may carry decimals.
    pub price: f64,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Console item number.
    pub product_seq: i64,
    /// Store code (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_id: Option<MarketId>,
    /// Gamebase product id (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gamebase_product_id: Option<String>,
    /// Developer payload (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}

/// What every NHN payment record says of its payment: the number, the item, the price, and what
/// Gamebase adds (absent in the IAP server's records).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields, rename = "NhnPayment"))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Payment {
    /// NHN payment number.
    pub payment_seq: String,
    /// Console item number.
    pub product_seq: i64,
    /// Currency code.
    pub currency: String,
    /// Price; a JSON number that may carry decimals.
    pub price: f64,
    /// Store code (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_id: Option<MarketId>,
    /// Store order / transaction id (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// Gamebase product id (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gamebase_product_id: Option<String>,
    /// Purchase time, ISO-8601 with offset (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time: Option<String>,
    /// `purchaseTime` in epoch milliseconds, when it reads as ISO-8601 with a zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time_millis: Option<i64>,
    /// Developer payload (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Whether this was a store test purchase (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_test_purchase: Option<bool>,
}

/// One unconsumed payment (IAP E2, Gamebase G2).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(rename = "NhnConsumable"))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Consumable {
    /// The payment.
    #[serde(flatten)]
    pub payment: Payment,
    /// Token to consume this payment with.
    pub access_token: String,
}

/// A subscription's times: Gamebase sends ISO-8601 text with offset, each given here with its
/// epoch-millisecond twin when it reads as one; the IAP server sends the milliseconds only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SubscriptionTimes {
    /// Latest purchase / renewal time, ISO-8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time: Option<String>,
    /// The latest purchase / renewal in epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time_millis: Option<i64>,
    /// Expiry time, ISO-8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_time: Option<String>,
    /// The expiry in epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_time_millis: Option<i64>,
    /// Renewal (registration or notification) time, ISO-8601.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<String>,
    /// The renewal in epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew_time_millis: Option<i64>,
}

/// One active subscription (IAP E3, Gamebase G4).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields, rename = "NhnActiveSubscription"))]
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
    /// Price.
    pub price: f64,
    /// Currency code.
    pub currency: String,
    /// Access token: with `payment_seq`, what Gamebase's cancel, revoke and status lookup take.
    /// Gamebase always sends it (a Gamebase answer without it is refused); the IAP server never does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Store code (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_id: Option<MarketId>,
    /// User channel (IAP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// User id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Package name / bundle id (IAP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// Latest (renewed) store payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_id: Option<String>,
    /// First store payment id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_payment_id: Option<String>,
    /// Google: the original transaction on cancel/repurchase (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linked_payment_id: Option<String>,
    /// Gamebase product id (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gamebase_product_id: Option<String>,
    /// Developer payload (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Purchase, expiry and renewal times.
    #[serde(flatten)]
    pub times: SubscriptionTimes,
    /// Whether this was a store test purchase (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_test_purchase: Option<bool>,
    /// Google only: the subscription's state (Gamebase).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_status: Option<ReferenceStatus>,
}

/// `key` as ISO-8601 text (Gamebase) and its milliseconds: read from the text when there is one
/// (never from the input then, so the two cannot disagree; none when the text does not read as a
/// time with a zone), else `millis_key` as sent (the IAP server sends only those).
fn time(o: &Obj<'_>, key: &str, millis_key: &str) -> Result<(Option<String>, Option<i64>)> {
    let text = o.opt_str(key)?;
    let millis = match &text {
        Some(t) => iso8601_millis(t),
        None => o.opt_long(millis_key)?,
    };
    Ok((text, millis))
}

impl FromResult for SubscriptionTimes {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        let (purchase_time, purchase_time_millis) = time(o, "purchaseTime", "purchaseTimeMillis")?;
        let (expiry_time, expiry_time_millis) = time(o, "expiryTime", "expiryTimeMillis")?;
        let (renew_time, renew_time_millis) = time(o, "renewTime", "renewTimeMillis")?;
        Ok(Self { purchase_time, purchase_time_millis, expiry_time, expiry_time_millis, renew_time, renew_time_millis })
    }
}

impl FromResult for ConsumeResult {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            price: o.num("price")?,
            currency: o.str("currency")?,
            product_seq: o.long("productSeq")?,
            market_id: o.opt_enumerated("marketId")?,
            gamebase_product_id: o.opt_str("gamebaseProductId")?,
            payload: o.opt_str("payload")?,
        })
    }
}

impl FromResult for Payment {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        let (purchase_time, purchase_time_millis) = time(o, "purchaseTime", "purchaseTimeMillis")?;
        Ok(Self {
            payment_seq: o.seq("paymentSeq")?,
            product_seq: o.long("productSeq")?,
            currency: o.str("currency")?,
            price: o.num("price")?,
            market_id: o.opt_enumerated("marketId")?,
            payment_id: o.opt_str("paymentId")?,
            gamebase_product_id: o.opt_str("gamebaseProductId")?,
            purchase_time,
            purchase_time_millis,
            payload: o.opt_str("payload")?,
            is_test_purchase: o.opt_bool("isTestPurchase")?,
        })
    }
}

impl FromResult for Consumable {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self { payment: Payment::from_result(o)?, access_token: o.str("accessToken")? })
    }
}

impl FromResult for ActiveSubscription {
    fn from_result(o: &Obj<'_>) -> Result<Self> {
        Ok(Self {
            payment_seq: o.seq("paymentSeq")?,
            product_seq: o.long("productSeq")?,
            product_id: o.str("productId")?,
            product_type: o.enumerated("productType")?,
            price: o.num("price")?,
            currency: o.str("currency")?,
            access_token: o.opt_str("accessToken")?,
            market_id: o.opt_enumerated("marketId")?,
            channel: o.opt_str("channel")?,
            user_id: o.opt_str("userId")?,
            app_id: o.opt_str("appId")?,
            payment_id: o.opt_str("paymentId")?,
            original_payment_id: o.opt_str("originalPaymentId")?,
            linked_payment_id: o.opt_str("linkedPaymentId")?,
            gamebase_product_id: o.opt_str("gamebaseProductId")?,
            payload: o.opt_str("payload")?,
            times: SubscriptionTimes::from_result(o)?,
            is_test_purchase: o.opt_bool("isTestPurchase")?,
            reference_status: o.opt_enumerated("referenceStatus")?,
        })
    }
}
