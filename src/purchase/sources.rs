//! Store documents → [`Purchase`], one function per verified shape.
//!
//! Each function reads the decoded JSON of a document that a verifier already accepted (the
//! signed Google / ONE store purchase data, the Apple JWS transaction payload, an NHN IAP or
//! Gamebase API record) or, for the App Store receipt, the fields of one in-app entry. They are
//! crate-private: each verified type's [`super::IntoPurchase`] impl is one line over them, and
//! the `binding` feature's functions read a binding's snapshots of verified values with
//! them (the NHN records and Play Developer API resources, which only a binding registers as
//! verified, exist only with it); nothing public turns unverified JSON into a trusted purchase.
//!
//! Field rules (the "why" of each mapping):
//! * Times are epoch ms. Apple sends fractional ms in Xcode; they are truncated. Gamebase sends
//!   ISO-8601 strings with an offset; they are converted.
//! * `quantity` defaults to 1 and must be at least 1.
//! * Test purchases: Google data without `orderId` (licence testers), ONE store ids starting with
//!   `SANDBOX`, Apple `Sandbox`/`Xcode`/`LocalTesting`, NHN `isTestPurchase`/`purchaseType: Test`
//!   all get `purchaseType: TEST`. `TEST` wins over `PROMO`.

use serde_json::Value;

use super::model::{Environment, Offer, OfferType, ProductType, Purchase, PurchaseState, PurchaseType, Store};
use crate::time::int_value;
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
use crate::time::time_value;
use crate::error::{Error, Result};

/// Google's acknowledgement window: a purchase not acknowledged within three days of purchase
/// is refunded (Play Billing, "Process purchases").
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
pub(crate) const ACKNOWLEDGE_WINDOW_MS: i64 = 3 * 24 * 60 * 60 * 1000;

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(int_value)
}

fn flag(v: &Value, key: &str) -> Option<bool> {
    v.get(key)?.as_bool()
}

fn require<T>(what: &'static str, field: &str, value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::malformed(what, format!("missing or invalid \"{field}\"")))
}

fn quantity(what: &'static str, v: &Value) -> Result<u32> {
    match v.get("quantity") {
        None | Some(Value::Null) => Ok(1),
        Some(q) => int_value(q)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n >= 1)
            .ok_or_else(|| Error::malformed(what, "\"quantity\" must be a whole number of at least 1")),
    }
}

fn require_object(what: &'static str, v: &Value) -> Result<()> {
    if v.is_object() {
        Ok(())
    } else {
        Err(Error::malformed(what, "expected a JSON object"))
    }
}

/// Google Play signed purchase data (`Purchase.getOriginalJson()`), already signature-checked.
///
/// `purchaseState` 0 → `PURCHASED`, 4 → `PENDING`, legacy 1 → `CANCELED`, 2 → `REFUNDED`; absent
/// means purchased (as the Play Billing Library reads it). The data does not say whether a
/// one-time product is consumable, so its `productType` is `UNKNOWN` unless `autoRenewing` marks a
/// subscription. No `orderId` means a licence-tester purchase: `SANDBOX` + `TEST`.
pub(crate) fn google_purchase_data(v: &Value) -> Result<Purchase> {
    const WHAT: &str = "Google purchase data";
    require_object(WHAT, v)?;
    let product_id =
        text(v, "productId").or_else(|| v.get("productIds")?.as_array()?.first()?.as_str().map(str::to_owned));
    let order_id = text(v, "orderId");
    let state = match int(v, "purchaseState") {
        None | Some(0) => PurchaseState::Purchased,
        Some(4) => PurchaseState::Pending,
        Some(1) => PurchaseState::Canceled,
        Some(2) => PurchaseState::Refunded,
        Some(n) => PurchaseState::Unknown(n.to_string()),
    };
    let test = order_id.is_none() || int(v, "purchaseType") == Some(0);
    let purchase_type = if test {
        Some(PurchaseType::Test)
    } else if int(v, "purchaseType") == Some(1) {
        Some(PurchaseType::Promo)
    } else {
        None
    };
    Ok(Purchase {
        store: Store::GooglePlay,
        product_id: require(WHAT, "productId", product_id)?,
        // Renewals are `GPA.x..0`, `GPA.x..1`: the original order is the part before `..`.
        original_transaction_id: order_id
            .as_deref()
            .map(|o| o.split_once("..").map_or(o, |(first, _)| first).to_owned()),
        transaction_id: order_id,
        purchase_token: text(v, "purchaseToken").or_else(|| text(v, "token")),
        payment_seq: None,
        purchase_time: require(WHAT, "purchaseTime", int(v, "purchaseTime"))?,
        expires_time: None,
        quantity: quantity(WHAT, v)?,
        product_type: if v.get("autoRenewing").is_some() {
            ProductType::AutoRenewable
        } else {
            ProductType::Unknown("UNKNOWN".into())
        },
        environment: if test { Environment::Sandbox } else { Environment::Production },
        state,
        purchase_type,
        offer: None,
        account_id: text(v, "obfuscatedAccountId").or_else(|| text(v, "obfuscatedExternalAccountId")),
        needs_acknowledgement: None,
        acknowledge_by: None,
        source: v.clone(),
    })
}

/// ONE store signed purchase data, already signature-checked.
///
/// `purchaseState` 0 purchased, 1 canceled, 2 refunded. `recurringState` 0 or 1 marks an
/// auto-renewing product (-1 means not one). Sandbox purchase ids start with `SANDBOX`.
pub(crate) fn onestore_purchase_data(v: &Value) -> Result<Purchase> {
    const WHAT: &str = "ONE store purchase data";
    require_object(WHAT, v)?;
    let order_id = text(v, "orderId");
    let purchase_id = text(v, "purchaseId");
    let token = text(v, "purchaseToken").or_else(|| purchase_id.clone());
    let sandbox =
        [&purchase_id, &token, &order_id].iter().any(|s| s.as_deref().is_some_and(|s| s.starts_with("SANDBOX")));
    let state = match int(v, "purchaseState") {
        None | Some(0) => PurchaseState::Purchased,
        Some(1) => PurchaseState::Canceled,
        Some(2) => PurchaseState::Refunded,
        Some(n) => PurchaseState::Unknown(n.to_string()),
    };
    Ok(Purchase {
        store: Store::OneStore,
        product_id: require(WHAT, "productId", text(v, "productId"))?,
        original_transaction_id: order_id.clone(),
        transaction_id: order_id,
        purchase_token: token,
        payment_seq: None,
        purchase_time: require(WHAT, "purchaseTime", int(v, "purchaseTime"))?,
        expires_time: None,
        quantity: quantity(WHAT, v)?,
        product_type: match int(v, "recurringState") {
            Some(0 | 1) => ProductType::AutoRenewable,
            _ => ProductType::Unknown("UNKNOWN".into()),
        },
        environment: if sandbox { Environment::Sandbox } else { Environment::Production },
        state,
        purchase_type: sandbox.then_some(PurchaseType::Test),
        offer: None,
        account_id: None,
        needs_acknowledgement: None,
        acknowledge_by: None,
        source: v.clone(),
    })
}

fn apple_environment(raw: Option<&str>) -> Environment {
    match raw {
        Some("Production") => Environment::Production,
        Some("Sandbox" | "ProductionSandbox") => Environment::Sandbox,
        Some("Xcode" | "LocalTesting") => Environment::Test,
        Some(other) => Environment::Unknown(other.to_owned()),
        // Absent: Apple omits nothing here in practice; refuse to call it production.
        None => Environment::Unknown(String::new()),
    }
}

fn apple_offer_type(n: i64) -> OfferType {
    match n {
        1 => OfferType::Introductory,
        2 => OfferType::Promotional,
        3 => OfferType::OfferCode,
        4 => OfferType::WinBack,
        other => OfferType::Unknown(other.to_string()),
    }
}

/// Apple `JWSTransactionDecodedPayload` (StoreKit 2 / App Store Server API), already verified.
///
/// `revocationDate` present → `REFUNDED`. `offerType` 3 (offer code) → `PROMO`. Non-production
/// environments → `TEST`.
pub(crate) fn apple_transaction(v: &Value) -> Result<Purchase> {
    const WHAT: &str = "Apple transaction";
    require_object(WHAT, v)?;
    let environment = apple_environment(v.get("environment").and_then(Value::as_str));
    let offer_type = int(v, "offerType");
    let purchase_type = if environment != Environment::Production {
        Some(PurchaseType::Test)
    } else if offer_type == Some(3) {
        Some(PurchaseType::Promo)
    } else {
        None
    };
    let product_type = match v.get("type").and_then(Value::as_str) {
        Some("Consumable") => ProductType::Consumable,
        Some("Non-Consumable") => ProductType::NonConsumable,
        Some("Auto-Renewable Subscription") => ProductType::AutoRenewable,
        Some("Non-Renewing Subscription") => ProductType::NonRenewing,
        Some(other) => ProductType::Unknown(other.to_owned()),
        None => ProductType::Unknown("UNKNOWN".into()),
    };
    Ok(Purchase {
        store: Store::AppStore,
        product_id: require(WHAT, "productId", text(v, "productId"))?,
        transaction_id: Some(require(WHAT, "transactionId", text(v, "transactionId"))?),
        original_transaction_id: text(v, "originalTransactionId"),
        purchase_token: None,
        payment_seq: None,
        purchase_time: require(WHAT, "purchaseDate", int(v, "purchaseDate"))?,
        expires_time: int(v, "expiresDate"),
        quantity: quantity(WHAT, v)?,
        product_type,
        environment,
        state: if v.get("revocationDate").is_some_and(|d| !d.is_null()) {
            PurchaseState::Refunded
        } else {
            PurchaseState::Purchased
        },
        purchase_type,
        offer: offer_type.map(|n| Offer { kind: apple_offer_type(n), id: text(v, "offerIdentifier") }),
        account_id: text(v, "appAccountToken"),
        needs_acknowledgement: None,
        acknowledge_by: None,
        source: v.clone(),
    })
}

/// One in-app entry (attribute 17) of a verified App Store receipt, in the camelCase JSON the
/// receipt module produces (`productId` 1702, `transactionId` 1703, `purchaseDate` 1704,
/// `originalTransactionId` 1705, `productType` 1707, `expiresDate` 1708, `cancellationDate` 1712,
/// `isInIntroOfferPeriod` 1719, `promotionalOfferId` 1721; dates in epoch ms), and the receipt's
/// own type (attribute 0: `Production`, `ProductionSandbox`, `Xcode`).
///
/// A cancellation date → `REFUNDED`; a promotional offer id or intro period → the offer;
/// `productType` 0/1/2/3 → non-consumable / consumable / non-renewing / auto-renewable.
pub(crate) fn apple_receipt_in_app(entry: &Value, receipt_type: Option<&str>) -> Result<Purchase> {
    const WHAT: &str = "Apple receipt in-app entry";
    require_object(WHAT, entry)?;
    let environment = apple_environment(receipt_type);
    let offer = match (text(entry, "promotionalOfferId"), flag(entry, "isInIntroOfferPeriod")) {
        (Some(id), _) => Some(Offer { kind: OfferType::Promotional, id: Some(id) }),
        (None, Some(true)) => Some(Offer { kind: OfferType::Introductory, id: None }),
        _ => None,
    };
    Ok(Purchase {
        store: Store::AppStore,
        product_id: require(WHAT, "productId", text(entry, "productId"))?,
        transaction_id: Some(require(WHAT, "transactionId", text(entry, "transactionId"))?),
        original_transaction_id: text(entry, "originalTransactionId"),
        purchase_token: None,
        payment_seq: None,
        purchase_time: require(WHAT, "purchaseDate", int(entry, "purchaseDate"))?,
        expires_time: int(entry, "expiresDate"),
        quantity: quantity(WHAT, entry)?,
        product_type: match int(entry, "productType") {
            Some(0) => ProductType::NonConsumable,
            Some(1) => ProductType::Consumable,
            Some(2) => ProductType::NonRenewing,
            Some(3) => ProductType::AutoRenewable,
            Some(n) => ProductType::Unknown(n.to_string()),
            None => ProductType::Unknown("UNKNOWN".into()),
        },
        purchase_type: (environment != Environment::Production).then_some(PurchaseType::Test),
        environment,
        state: if entry.get("cancellationDate").is_some_and(|d| !d.is_null()) {
            PurchaseState::Refunded
        } else {
            PurchaseState::Purchased
        },
        offer,
        account_id: None,
        needs_acknowledgement: None,
        acknowledge_by: None,
        source: entry.clone(),
    })
}

/// An NHN IAP or Gamebase API record (consumable list, active subscriptions, payment
/// transaction, subscription status), as returned over TLS by the IAP server.
///
/// `marketId` gives the store; `paymentId`/`originalPaymentId` the store's ids; `productId`
/// (or `marketItemId`) the product. Times may be ms (`purchaseTimeMillis`) or ISO-8601
/// (`purchaseTime`); an `expiryTime` of 0 means none (consumables). `referenceStatus` `REVOKED` →
/// `REFUNDED`, `CANCELED_PRODUCT` → `CANCELED`, `PENDING` → `PENDING`. The legacy type name
/// `AUTO_SUBSCRIPTION` reads as `AUTO_RENEWABLE`.
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
pub(crate) fn nhn_record(v: &Value) -> Result<Purchase> {
    const WHAT: &str = "NHN purchase record";
    require_object(WHAT, v)?;
    let store = Store::from_wire(&require(WHAT, "marketId", text(v, "marketId").or_else(|| text(v, "storeCode")))?);
    let time = |keys: &[&str]| keys.iter().find_map(|k| v.get(*k).and_then(time_value));
    let test = flag(v, "isTestPurchase") == Some(true)
        || v.get("purchaseType").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("test"));
    let promo = v.get("purchaseType").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("promo"));
    let state = match v.get("referenceStatus").and_then(Value::as_str) {
        Some("REVOKED") => PurchaseState::Refunded,
        Some("CANCELED_PRODUCT") => PurchaseState::Canceled,
        Some("PENDING") => PurchaseState::Pending,
        _ => PurchaseState::Purchased,
    };
    Ok(Purchase {
        store,
        // Gamebase's payment records (getPaymentTransaction, listConsumables) carry no store
        // product id, only the Gamebase one: that is the product they name.
        product_id: require(
            WHAT,
            "productId",
            text(v, "productId").or_else(|| text(v, "marketItemId")).or_else(|| text(v, "gamebaseProductId")),
        )?,
        transaction_id: text(v, "paymentId"),
        original_transaction_id: text(v, "originalPaymentId"),
        purchase_token: text(v, "paymentToken"),
        payment_seq: text(v, "paymentSeq"),
        purchase_time: require(WHAT, "purchaseTime", time(&["purchaseTimeMillis", "purchaseTime"]))?,
        expires_time: time(&["expiryTimeMillis", "expiryTime"]).filter(|t| *t != 0),
        quantity: quantity(WHAT, v)?,
        product_type: match v.get("productType").and_then(Value::as_str) {
            Some("AUTO_SUBSCRIPTION") => ProductType::AutoRenewable,
            Some(t) => ProductType::from_wire(t),
            None => ProductType::Unknown("UNKNOWN".into()),
        },
        environment: if test { Environment::Sandbox } else { Environment::Production },
        state,
        purchase_type: if test {
            Some(PurchaseType::Test)
        } else if promo {
            Some(PurchaseType::Promo)
        } else {
            None
        },
        offer: None,
        account_id: text(v, "userId"),
        needs_acknowledgement: None,
        acknowledge_by: None,
        source: v.clone(),
    })
}

/// The order id, and the original one without a renewal's `..n` suffix.
#[cfg(any(feature = "binding", test))]
fn google_orders(order_id: Option<String>) -> (Option<String>, Option<String>) {
    let original = order_id.as_deref().map(|o| o.split_once("..").map_or(o, |(first, _)| first).to_owned());
    (order_id, original)
}

/// Whether a Google purchase still needs acknowledging, and by when (`ACKNOWLEDGE_WINDOW_MS`
/// after `purchase_time`): only a completed purchase can be, and only one not yet acknowledged.
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
fn google_acknowledgement(acknowledged: Option<bool>, state: &PurchaseState, purchase_time: i64) -> (Option<bool>, Option<i64>) {
    let needs = acknowledged.map(|a| !a && *state == PurchaseState::Purchased);
    let by = needs.filter(|n| *n).map(|_| purchase_time.saturating_add(ACKNOWLEDGE_WINDOW_MS));
    (needs, by)
}

/// A Play Developer API `ProductPurchase` (purchases.products.get, read over TLS with the
/// service account's token), with the request it answered (`productId`, `token`: Google's
/// answer may leave them out).
///
/// `purchaseState` 0 → `PURCHASED`, 1 → `CANCELED`, 2 → `PENDING`; `purchaseType` 0 (test) →
/// `SANDBOX` + `TEST`, 1 → `PROMO`, 2 → `REWARDED`; `consumptionState` 1 marks a consumable
/// (consuming also acknowledges); `acknowledgementState` 0 → still to acknowledge, by purchase
/// time + 3 days.
#[cfg(any(feature = "binding", test))]
pub(crate) fn google_product_purchase(v: &Value, request: &Value) -> Result<Purchase> {
    const WHAT: &str = "Google ProductPurchase";
    require_object(WHAT, v)?;
    let state = match int(v, "purchaseState") {
        None | Some(0) => PurchaseState::Purchased,
        Some(1) => PurchaseState::Canceled,
        Some(2) => PurchaseState::Pending,
        Some(n) => PurchaseState::Unknown(n.to_string()),
    };
    let kind = int(v, "purchaseType");
    let test = kind == Some(0);
    let consumed = int(v, "consumptionState") == Some(1);
    let purchase_time = require(WHAT, "purchaseTimeMillis", int(v, "purchaseTimeMillis"))?;
    let acknowledged = int(v, "acknowledgementState").map(|a| a == 1 || consumed);
    let product_id = require(WHAT, "productId", text(v, "productId").or_else(|| text(request, "productId")))?;
    let purchase_type = match kind {
        Some(0) => Some(PurchaseType::Test),
        Some(1) => Some(PurchaseType::Promo),
        Some(2) => Some(PurchaseType::Unknown("REWARDED".into())),
        _ => None,
    };
    let token = text(v, "purchaseToken").or_else(|| text(request, "token"));
    Ok(play_one_time(v, product_id, token, purchase_time, quantity(WHAT, v)?, (consumed, test, acknowledged), state, purchase_type))
}

/// The `Purchase` of a Play one-time purchase (v1 or v2), from what each reader found: the order
/// id and the account id are read from `v` (both versions name them alike).
#[cfg(any(feature = "binding", test))]
#[allow(clippy::too_many_arguments)]
fn play_one_time(
    v: &Value,
    product_id: String,
    purchase_token: Option<String>,
    purchase_time: i64,
    quantity: u32,
    (consumed, test, acknowledged): (bool, bool, Option<bool>),
    state: PurchaseState,
    purchase_type: Option<PurchaseType>,
) -> Purchase {
    let (needs_acknowledgement, acknowledge_by) = google_acknowledgement(acknowledged, &state, purchase_time);
    let (transaction_id, original_transaction_id) = google_orders(text(v, "orderId"));
    Purchase {
        store: Store::GooglePlay,
        product_id,
        transaction_id,
        original_transaction_id,
        purchase_token,
        payment_seq: None,
        purchase_time,
        expires_time: None,
        quantity,
        product_type: if consumed { ProductType::Consumable } else { ProductType::Unknown("UNKNOWN".into()) },
        environment: if test { Environment::Sandbox } else { Environment::Production },
        state,
        purchase_type,
        offer: None,
        account_id: text(v, "obfuscatedExternalAccountId"),
        needs_acknowledgement,
        acknowledge_by,
        source: v.clone(),
    }
}

/// A Play Developer API `SubscriptionPurchaseV2` (purchases.subscriptionsv2.get), with the
/// request it answered (`token`: the resource does not repeat it).
///
/// The first line item gives the product (a `prepaidPlan` makes it `NON_RENEWING`, an
/// `autoRenewingPlan` `AUTO_RENEWABLE`, neither `UNKNOWN`: Google did not say), the latest
/// line-item `expiryTime` the expiry; `startTime` is the purchase time. `SUBSCRIPTION_STATE_PENDING`
/// → `PENDING`, `…_PENDING_PURCHASE_CANCELED` → `CANCELED`, the other documented states (active,
/// canceled, grace, hold, paused, expired) `PURCHASED` (whether it entitles now is
/// `subscriptionStatus`'s question); an absent, unspecified or unknown state is kept as it came
/// (`SUBSCRIPTION_STATE_UNSPECIFIED` when absent), never read as paid. `testPurchase` → `SANDBOX` + `TEST`.
/// `ACKNOWLEDGEMENT_STATE_PENDING` → still to acknowledge, by start time + 3 days.
#[cfg(any(feature = "binding", test))]
pub(crate) fn google_subscription_v2(v: &Value, request: &Value) -> Result<Purchase> {
    const WHAT: &str = "Google SubscriptionPurchaseV2";
    require_object(WHAT, v)?;
    let items = v.get("lineItems").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let first = items.first().unwrap_or(&Value::Null);
    let state = match v.get("subscriptionState").and_then(Value::as_str) {
        Some("SUBSCRIPTION_STATE_PENDING") => PurchaseState::Pending,
        Some("SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED") => PurchaseState::Canceled,
        // Paid for (whether it entitles now is subscriptionStatus's question).
        Some(
            "SUBSCRIPTION_STATE_ACTIVE"
            | "SUBSCRIPTION_STATE_CANCELED"
            | "SUBSCRIPTION_STATE_IN_GRACE_PERIOD"
            | "SUBSCRIPTION_STATE_ON_HOLD"
            | "SUBSCRIPTION_STATE_PAUSED"
            | "SUBSCRIPTION_STATE_EXPIRED",
        ) => PurchaseState::Purchased,
        // Unsaid (absent, unspecified) or a state this version does not know: never guessed paid.
        Some(other) => PurchaseState::Unknown(other.to_owned()),
        None => PurchaseState::Unknown("SUBSCRIPTION_STATE_UNSPECIFIED".into()),
    };
    let test = v.get("testPurchase").is_some_and(|t| !t.is_null());
    let purchase_time = require(WHAT, "startTime", v.get("startTime").and_then(time_value))?;
    let acknowledged = match v.get("acknowledgementState").and_then(Value::as_str) {
        Some("ACKNOWLEDGEMENT_STATE_PENDING") => Some(false),
        Some("ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED") => Some(true),
        _ => None,
    };
    let (needs_acknowledgement, acknowledge_by) = google_acknowledgement(acknowledged, &state, purchase_time);
    let (transaction_id, original_transaction_id) = google_orders(text(v, "latestOrderId"));
    Ok(Purchase {
        store: Store::GooglePlay,
        product_id: require(WHAT, "lineItems[0].productId", text(first, "productId"))?,
        transaction_id,
        original_transaction_id,
        purchase_token: text(request, "token"),
        payment_seq: None,
        purchase_time,
        expires_time: items.iter().filter_map(|i| i.get("expiryTime").and_then(time_value)).max(),
        quantity: 1,
        // The plan says it; a line item naming none leaves it unsaid (never guessed renewing).
        product_type: if first.get("prepaidPlan").is_some_and(Value::is_object) {
            ProductType::NonRenewing
        } else if first.get("autoRenewingPlan").is_some_and(Value::is_object) {
            ProductType::AutoRenewable
        } else {
            ProductType::Unknown("UNKNOWN".into())
        },
        environment: if test { Environment::Sandbox } else { Environment::Production },
        state,
        purchase_type: test.then_some(PurchaseType::Test),
        offer: None,
        account_id: v.get("externalAccountIdentifiers").and_then(|e| text(e, "obfuscatedExternalAccountId")),
        needs_acknowledgement,
        acknowledge_by,
        source: v.clone(),
    })
}

/// A Play Developer API `ProductPurchaseV2` (purchases.productsv2.getproductpurchasev2), with
/// the request it answered (`token`: the resource does not repeat it).
///
/// The first line item gives the product and the quantity (`productOfferDetails.quantity`; its
/// `refundableQuantity`, the purchase option, a rental's or a pre-order's details stay in
/// `source`). `purchaseStateContext.purchaseState` `PURCHASED` / `CANCELLED` / `PENDING` →
/// `PURCHASED` / `CANCELED` / `PENDING`; `purchaseCompletionTime` is the purchase time (a pending
/// purchase has none yet: 0); `testPurchaseContext` → `SANDBOX` + `TEST`; every line item
/// `CONSUMPTION_STATE_CONSUMED` marks a consumable (consuming also acknowledges);
/// `ACKNOWLEDGEMENT_STATE_PENDING` → still to acknowledge, by purchase time + 3 days.
#[cfg(any(feature = "binding", test))]
pub(crate) fn google_product_purchase_v2(v: &Value, request: &Value) -> Result<Purchase> {
    const WHAT: &str = "Google ProductPurchaseV2";
    require_object(WHAT, v)?;
    let items = v.get("productLineItem").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let first = items.first().unwrap_or(&Value::Null);
    let details = first.get("productOfferDetails").unwrap_or(&Value::Null);
    let state = match v.get("purchaseStateContext").and_then(|c| c.get("purchaseState")).and_then(Value::as_str) {
        None | Some("PURCHASED") => PurchaseState::Purchased,
        Some("CANCELLED") => PurchaseState::Canceled,
        Some("PENDING") => PurchaseState::Pending,
        Some(other) => PurchaseState::Unknown(other.to_owned()),
    };
    let completed = v.get("purchaseCompletionTime").and_then(time_value);
    let purchase_time = match (completed, &state) {
        (Some(t), _) => t,
        (None, PurchaseState::Pending) => 0,
        (None, _) => return Err(Error::malformed(WHAT, "missing \"purchaseCompletionTime\"")),
    };
    let test = v.get("testPurchaseContext").is_some_and(|t| !t.is_null());
    let consumed = !items.is_empty()
        && items.iter().all(|i| {
            i.get("productOfferDetails").and_then(|d| d.get("consumptionState")).and_then(Value::as_str) == Some("CONSUMPTION_STATE_CONSUMED")
        });
    let acknowledged = match v.get("acknowledgementState").and_then(Value::as_str) {
        Some("ACKNOWLEDGEMENT_STATE_PENDING") => Some(consumed),
        Some("ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED") => Some(true),
        _ => None,
    };
    let product_id = require(WHAT, "productLineItem[0].productId", text(first, "productId"))?;
    let quantity = quantity(WHAT, details)?;
    Ok(play_one_time(v, product_id, text(request, "token"), purchase_time, quantity, (consumed, test, acknowledged), state, test.then_some(PurchaseType::Test)))
}

/// A ONE store `getPurchaseDetails` answer (a managed product, read over TLS with the app's
/// token), with the request it answered (`productId`, `purchaseToken`, and the client's
/// `environment`: the answer names none of them).
///
/// `purchaseState` 0 → `PURCHASED`, 1 → `CANCELED`; `consumptionState` 1 marks a consumable;
/// `acknowledgeState` 0 (and not consumed, which counts as acknowledged) → still to acknowledge,
/// by purchase time + 3 days (ONE store refunds a purchase not acknowledged within 3 days).
/// SANDBOX (or a `SANDBOX…` purchase id) → `SANDBOX` + `TEST`.
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
pub(crate) fn onestore_purchase_details(v: &Value, request: &Value) -> Result<Purchase> {
    onestore_answer(v, request, false)
}

/// A ONE store `getSubscriptionDetail` answer, with the request it answered (as above).
///
/// `startTimeMillis` is the purchase time, `expiryTimeMillis` the end of the current period,
/// `lastPurchaseId` the transaction; the state is always `PURCHASED` (whether it entitles now is
/// `subscriptionStatus`'s question, source `ONESTORE`). `acknowledgementState` 0 → still to
/// acknowledge, by start time + 3 days (only the first payment of a subscription needs it).
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
pub(crate) fn onestore_subscription_detail(v: &Value, request: &Value) -> Result<Purchase> {
    onestore_answer(v, request, true)
}

/// The two readings above, one function (their fields differ only in name).
#[cfg(any(feature = "binding", feature = "fuzzing", test))]
fn onestore_answer(v: &Value, request: &Value, subscription: bool) -> Result<Purchase> {
    let (what, time_key, ack_key, id_key) = if subscription {
        ("ONE store subscription detail", "startTimeMillis", "acknowledgementState", "lastPurchaseId")
    } else {
        ("ONE store purchase details", "purchaseTime", "acknowledgeState", "purchaseId")
    };
    require_object(what, v)?;
    let state = match int(v, "purchaseState").filter(|_| !subscription) {
        None | Some(0) => PurchaseState::Purchased,
        Some(1) => PurchaseState::Canceled,
        Some(n) => PurchaseState::Unknown(n.to_string()),
    };
    let consumed = !subscription && int(v, "consumptionState") == Some(1);
    let purchase_time = require(what, time_key, int(v, time_key))?;
    let acknowledged = int(v, ack_key).map(|a| a == 1 || consumed);
    let (needs_acknowledgement, acknowledge_by) = google_acknowledgement(acknowledged, &state, purchase_time);
    let id = text(v, id_key);
    let sandbox = request.get("environment").and_then(Value::as_str) == Some("SANDBOX") || id.as_deref().is_some_and(|i| i.starts_with("SANDBOX"));
    Ok(Purchase {
        store: Store::OneStore,
        product_id: require(what, "productId", text(request, "productId"))?,
        original_transaction_id: if subscription { None } else { id.clone() },
        transaction_id: id,
        purchase_token: text(request, "purchaseToken"),
        payment_seq: None,
        purchase_time,
        expires_time: if subscription { int(v, "expiryTimeMillis") } else { None },
        quantity: if subscription { 1 } else { quantity(what, v)? },
        product_type: if subscription {
            ProductType::AutoRenewable
        } else if consumed {
            ProductType::Consumable
        } else {
            ProductType::Unknown("UNKNOWN".into())
        },
        purchase_type: sandbox.then_some(PurchaseType::Test),
        environment: if sandbox { Environment::Sandbox } else { Environment::Production },
        state,
        offer: None,
        account_id: None,
        needs_acknowledgement,
        acknowledge_by,
        source: v.clone(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    fn vector(name: &str) -> String {
        std::fs::read_to_string(format!("{}/tests/vectors/public/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// The payload of a compact JWS, decoded without verifying (the verifier is elsewhere;
    /// these tests only need the documented JSON shape).
    pub(crate) fn jws_payload(name: &str) -> Value {
        let jws = vector(name);
        let payload = jws.trim().split('.').nth(1).unwrap();
        serde_json::from_slice(&crate::b64::decode_url("jws", payload).unwrap()).unwrap()
    }

    #[test]
    fn play_product_purchase_v2() {
        let v = json!({
            "kind": "androidpublisher#productPurchaseV2",
            "productLineItem": [{ "productId": "gems_100", "productOfferDetails": {
                "purchaseOptionId": "buy", "offerId": "launch", "quantity": 3, "refundableQuantity": 2,
                "consumptionState": "CONSUMPTION_STATE_YET_TO_BE_CONSUMED" } }],
            "purchaseStateContext": { "purchaseState": "PURCHASED" },
            "orderId": "GPA.1234-5678-9012-34567",
            "obfuscatedExternalAccountId": "user-7",
            "purchaseCompletionTime": "2026-11-01T10:00:00.250Z",
            "acknowledgementState": "ACKNOWLEDGEMENT_STATE_PENDING"
        });
        let p = google_product_purchase_v2(&v, &json!({ "token": "tok" })).unwrap();
        assert_eq!((p.product_id.as_str(), p.quantity, p.purchase_token.as_deref()), ("gems_100", 3, Some("tok")));
        assert_eq!(p.purchase_time, 1_793_527_200_250);
        assert_eq!(p.state, PurchaseState::Purchased);
        assert_eq!(p.needs_acknowledgement, Some(true));
        assert_eq!(p.acknowledge_by, Some(1_793_527_200_250 + ACKNOWLEDGE_WINDOW_MS));
        assert_eq!(p.account_id.as_deref(), Some("user-7"));
        assert_eq!(p.environment, Environment::Production);
        assert_eq!(p.transaction_id.as_deref(), Some("GPA.1234-5678-9012-34567"));
        // Pending: no completion time yet, nothing to acknowledge; a test purchase; consumed.
        let pending = json!({ "productLineItem": [{ "productId": "p", "productOfferDetails": { "consumptionState": "CONSUMPTION_STATE_CONSUMED" } }],
            "purchaseStateContext": { "purchaseState": "PENDING" }, "testPurchaseContext": { "fopType": "TEST" },
            "acknowledgementState": "ACKNOWLEDGEMENT_STATE_PENDING" });
        let p = google_product_purchase_v2(&pending, &json!({})).unwrap();
        assert_eq!((p.state, p.purchase_time, p.needs_acknowledgement), (PurchaseState::Pending, 0, Some(false)));
        assert_eq!((p.environment, p.purchase_type, p.product_type), (Environment::Sandbox, Some(PurchaseType::Test), ProductType::Consumable));
        let cancelled = json!({ "productLineItem": [{ "productId": "p" }], "purchaseStateContext": { "purchaseState": "CANCELLED" }, "purchaseCompletionTime": "2026-11-01T10:00:00Z" });
        assert_eq!(google_product_purchase_v2(&cancelled, &json!({})).unwrap().state, PurchaseState::Canceled);
        // Refused: no line item, a completed purchase without its time, a quantity of 0.
        assert!(google_product_purchase_v2(&json!({ "purchaseCompletionTime": "2026-11-01T10:00:00Z" }), &json!({})).is_err());
        assert!(google_product_purchase_v2(&json!({ "productLineItem": [{ "productId": "p" }] }), &json!({})).is_err());
        let zero = json!({ "productLineItem": [{ "productId": "p", "productOfferDetails": { "quantity": 0 } }], "purchaseCompletionTime": "2026-11-01T10:00:00Z" });
        assert!(google_product_purchase_v2(&zero, &json!({})).is_err());
    }

    #[test]
    fn google_voltrue2_subscription_is_a_test_subscription() {
        let v: Value = serde_json::from_str(&vector("google-voltrue2-subscription.json")).unwrap();
        let p = google_purchase_data(&v).unwrap();
        assert_eq!(p.store(), &Store::GooglePlay);
        assert_eq!(p.product_id(), "topdox_android_monthly_subscription");
        assert_eq!(p.purchase_time(), 1_456_139_019_030);
        assert_eq!(p.product_type(), &ProductType::AutoRenewable);
        assert_eq!(p.transaction_id(), None);
        assert_eq!(p.environment(), &Environment::Sandbox);
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
        assert!(p.purchase_token().unwrap().starts_with("edgcacfhmkpekcilnihgdjkb."));
        assert_eq!(p.quantity(), 1);
        assert_eq!(p.state(), &PurchaseState::Purchased);
    }

    #[test]
    fn google_order_renewal_suffix_pending_and_account() {
        let v = json!({"orderId":"GPA.1234-5678-9012-34567..2","packageName":"a","productId":"gold",
            "purchaseTime":5,"purchaseState":4,"purchaseToken":"t","quantity":3,"obfuscatedAccountId":"acc"});
        let p = google_purchase_data(&v).unwrap();
        assert_eq!(p.transaction_id(), Some("GPA.1234-5678-9012-34567..2"));
        assert_eq!(p.original_transaction_id(), Some("GPA.1234-5678-9012-34567"));
        assert_eq!(p.state(), &PurchaseState::Pending);
        assert_eq!(p.quantity(), 3);
        assert_eq!(p.account_id(), Some("acc"));
        assert_eq!(p.environment(), &Environment::Production);
        assert_eq!(p.purchase_type(), None);
        assert_eq!(p.product_type().as_str(), "UNKNOWN");
    }

    #[test]
    fn google_bad_documents_are_typed_errors() {
        for v in [
            json!([]),
            json!({"purchaseTime": 1}),
            json!({"productId": "x"}),
            json!({"productId": "x", "purchaseTime": "soon"}),
            json!({"productId": "x", "purchaseTime": 1, "quantity": 0}),
            json!({"productId": "x", "purchaseTime": 1, "quantity": -2}),
            json!({"productId": "x", "purchaseTime": 1, "quantity": 1e30}),
        ] {
            assert_eq!(google_purchase_data(&v).unwrap_err().code(), "MALFORMED_INPUT", "{v}");
        }
        let p =
            google_purchase_data(&json!({"productId":"x","purchaseTime":1,"purchaseState":9,"orderId":"o"})).unwrap();
        assert_eq!(p.state(), &PurchaseState::Unknown("9".into()));
    }

    #[test]
    fn onestore_sandbox_and_states() {
        let v = json!({"orderId":"ONESTORE7_000000000000000000000000286796","packageName":"p","productId":"gem",
            "purchaseTime":1548750220058u64,"purchaseId":"SANDBOX3000000288794","purchaseState":2,"recurringState":-1});
        let p = onestore_purchase_data(&v).unwrap();
        assert_eq!(p.store().as_str(), "ONESTORE");
        assert_eq!(p.environment(), &Environment::Sandbox);
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
        assert_eq!(p.purchase_token(), Some("SANDBOX3000000288794"));
        assert_eq!(p.state(), &PurchaseState::Refunded);
        assert_eq!(p.product_type().as_str(), "UNKNOWN");
        let p =
            onestore_purchase_data(&json!({"productId":"s","purchaseTime":1,"purchaseToken":"tok","recurringState":0}))
                .unwrap();
        assert_eq!(p.product_type(), &ProductType::AutoRenewable);
        assert_eq!(p.environment(), &Environment::Production);
    }

    #[test]
    fn apple_xcode_transaction_vector() {
        let p = apple_transaction(&jws_payload("apple-jws-xcode-signed-transaction.jws")).unwrap();
        assert_eq!(p.store(), &Store::AppStore);
        assert_eq!(p.product_id(), "pass.premium");
        assert_eq!(p.transaction_id(), Some("0"));
        // 1697679936049.7297 truncated.
        assert_eq!(p.purchase_time(), 1_697_679_936_049);
        assert_eq!(p.expires_time(), Some(1_700_358_336_049));
        assert_eq!(p.product_type(), &ProductType::AutoRenewable);
        assert_eq!(p.environment(), &Environment::Test);
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
        assert_eq!(p.offer(), Some(&Offer { kind: OfferType::Introductory, id: None }));
    }

    #[test]
    fn apple_did_renew_nested_transaction() {
        let n = jws_payload("apple-jws-gopay-notification-did-renew-sandbox.jws");
        let tx = n["data"]["signedTransactionInfo"].as_str().unwrap();
        let payload = tx.split('.').nth(1).unwrap();
        let v: Value = serde_json::from_slice(&crate::b64::decode_url("jws", payload).unwrap()).unwrap();
        let p = apple_transaction(&v).unwrap();
        assert_eq!(p.transaction_id(), Some("2000000004047119"));
        assert_eq!(p.original_transaction_id(), Some("2000000000842607"));
        assert_eq!(p.environment(), &Environment::Sandbox);
        assert_eq!(p.expires_time(), Some(1_646_387_196_000));
    }

    #[test]
    fn apple_production_refund_offer_code_account() {
        let v = json!({"transactionId":"1","originalTransactionId":"1","productId":"p","purchaseDate":10,
            "type":"Consumable","environment":"Production","offerType":3,"offerIdentifier":"SPRING",
            "appAccountToken":"7e3fb20b-4cdb-47cc-936d-99d65f608138","revocationDate":20,"quantity":2});
        let p = apple_transaction(&v).unwrap();
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Promo));
        assert_eq!(p.offer(), Some(&Offer { kind: OfferType::OfferCode, id: Some("SPRING".into()) }));
        assert_eq!(p.state(), &PurchaseState::Refunded);
        assert_eq!(p.account_id(), Some("7e3fb20b-4cdb-47cc-936d-99d65f608138"));
        assert_eq!(p.product_type(), &ProductType::Consumable);
        assert_eq!(p.quantity(), 2);
        assert!(apple_transaction(&json!({"productId":"p","purchaseDate":1})).is_err());
    }

    #[test]
    fn apple_receipt_entry_from_the_xcode_receipt_facts() {
        // The in-app entry of apple-receipt-xcode-backyardbirds-with-purchase.b64 (SOURCES.md §2).
        let t = |s| crate::time::parse_rfc3339_ms(s).unwrap();
        let entry = json!({"quantity": 1, "productId": "pass.premium", "transactionId": "0",
            "purchaseDate": t("2023-10-19T01:45:36Z"), "expiresDate": t("2023-11-19T01:45:36Z"),
            "isInIntroOfferPeriod": true});
        let p = apple_receipt_in_app(&entry, Some("Xcode")).unwrap();
        assert_eq!(p.environment(), &Environment::Test);
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
        assert_eq!(p.offer().map(|o| &o.kind), Some(&OfferType::Introductory));
        assert_eq!(p.expires_time(), Some(t("2023-11-19T01:45:36Z")));
        assert_eq!(p.source()["productId"], "pass.premium");
        let mut refunded = entry.clone();
        refunded["cancellationDate"] = json!(9);
        refunded["productType"] = json!(1);
        refunded["promotionalOfferId"] = json!("Offer.3M");
        let p = apple_receipt_in_app(&refunded, Some("Production")).unwrap();
        assert_eq!(p.state(), &PurchaseState::Refunded);
        assert_eq!(p.product_type(), &ProductType::Consumable);
        assert_eq!(p.environment(), &Environment::Production);
        assert_eq!(p.purchase_type(), None);
        assert_eq!(p.offer(), Some(&Offer { kind: OfferType::Promotional, id: Some("Offer.3M".into()) }));
        let mut bad = entry.clone();
        bad["quantity"] = json!(0);
        assert!(apple_receipt_in_app(&bad, None).is_err());
        assert!(apple_receipt_in_app(&json!({"productId": "p", "purchaseDate": 1}), None).is_err());
        // Without a receipt type the environment is unknown, never production.
        let p = apple_receipt_in_app(&entry, None).unwrap();
        assert_eq!(p.environment().as_str(), "");
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
    }

    #[test]
    fn nhn_records_e3_and_gamebase() {
        // E3 example item of the IAP server API (nhn-iap-api.md §2.3).
        let e3 = json!({"channel":"GF","userId":"default_testUserx","paymentSeq":"2018102610330423",
            "appId":"com.nhnent.iap.google.sample","productId":"subs_p1w","productType":"AUTO_RENEWABLE",
            "productSeq":1002904,"currency":"KRW","price":1000,"paymentId":"GPA.3375-2193-1175-57698",
            "originalPaymentId":"GPA.3375-2193-1175-57698","purchaseTimeMillis":1540522998289u64,
            "expiryTimeMillis":1541134994548u64,"renewTimeMillis":1540523045377u64,"marketId":"GG"});
        let p = nhn_record(&e3).unwrap();
        assert_eq!(p.store(), &Store::GooglePlay);
        assert_eq!(p.payment_seq(), Some("2018102610330423"));
        assert_eq!(p.expires_time(), Some(1_541_134_994_548));
        assert_eq!(p.product_type(), &ProductType::AutoRenewable);
        assert_eq!(p.account_id(), Some("default_testUserx"));
        let g4 = json!({"marketId":"GALAXY","userId":"u","paymentSeq":"1","productId":"p","productType":"AUTO_SUBSCRIPTION",
            "purchaseTime":"2020-06-02T13:38:56+09:00","expiryTime":"2020-07-02T13:38:56+09:00","isTestPurchase":true,
            "referenceStatus":"REVOKED"});
        let p = nhn_record(&g4).unwrap();
        assert_eq!(p.store(), &Store::Unknown("GALAXY".into()));
        assert_eq!(p.purchase_time(), crate::time::parse_rfc3339_ms("2020-06-02T04:38:56Z").unwrap());
        assert_eq!(p.state(), &PurchaseState::Refunded);
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
        assert_eq!(p.product_type(), &ProductType::AutoRenewable);
        // Gamebase SDK PurchasableReceipt shape: expiryTime 0 for consumables, purchaseType "Promo".
        let sdk = json!({"storeCode":"AS","marketItemId":"gem","purchaseTime":1617069916128u64,"expiryTime":0,"purchaseType":"Promo","productType":"CONSUMABLE"});
        let p = nhn_record(&sdk).unwrap();
        assert_eq!(p.expires_time(), None);
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Promo));
        assert!(nhn_record(&json!({"productId":"p","purchaseTime":1})).is_err());
    }

    #[test]
    fn product_purchases_to_purchase_with_the_acknowledgement_deadline() {
        let t = 1_717_243_200_000_i64;
        let req = json!({"packageName": "com.example.app", "productId": "gems.100", "token": "tok-1"});
        let mut v = json!({"purchaseTimeMillis": t.to_string(), "purchaseState": 0, "consumptionState": 0,
            "acknowledgementState": 0, "orderId": "GPA.1", "obfuscatedExternalAccountId": "acc-9"});
        let p = google_product_purchase(&v, &req).unwrap();
        assert_eq!(p.product_id(), "gems.100");
        assert_eq!(p.purchase_token(), Some("tok-1"));
        assert_eq!(p.purchase_time(), t);
        assert_eq!(p.needs_acknowledgement(), Some(true));
        assert_eq!(p.acknowledge_by(), Some(t + 3 * 86_400_000));
        assert_eq!(p.account_id(), Some("acc-9"));
        assert_eq!(p.purchase_type(), None);
        assert_eq!(p.environment().as_str(), "PRODUCTION");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["needsAcknowledgement"], true);
        assert_eq!(json["acknowledgeBy"], t + 259_200_000);

        v["acknowledgementState"] = json!(1);
        let p = google_product_purchase(&v, &req).unwrap();
        assert_eq!((p.needs_acknowledgement(), p.acknowledge_by()), (Some(false), None));
        assert!(serde_json::to_value(&p).unwrap().get("acknowledgeBy").is_none());
        // Consumed: consuming acknowledged it, and it is a consumable.
        v["acknowledgementState"] = json!(0);
        v["consumptionState"] = json!(1);
        let p = google_product_purchase(&v, &req).unwrap();
        assert_eq!(p.needs_acknowledgement(), Some(false));
        assert_eq!(p.product_type().as_str(), "CONSUMABLE");
        // Pending: nothing to acknowledge yet. Test purchases are sandbox.
        v["consumptionState"] = json!(0);
        v["purchaseState"] = json!(2);
        v["purchaseType"] = json!(0);
        let p = google_product_purchase(&v, &req).unwrap();
        assert_eq!(p.state(), &PurchaseState::Pending);
        assert_eq!(p.needs_acknowledgement(), Some(false));
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
        assert_eq!(p.environment().as_str(), "SANDBOX");
        // The answer's own productId and token win over the request's; without either, an error.
        let own = json!({"purchaseTimeMillis": "1", "productId": "own", "purchaseToken": "own-tok"});
        let p = google_product_purchase(&own, &req).unwrap();
        assert_eq!((p.product_id(), p.purchase_token()), ("own", Some("own-tok")));
        assert_eq!(p.needs_acknowledgement(), None);
        assert_eq!(google_product_purchase(&json!({"purchaseTimeMillis": "1"}), &json!({})).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(google_product_purchase(&json!({"productId": "x"}), &req).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(google_product_purchase(&json!([]), &req).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn subscription_v2_to_purchase_with_the_acknowledgement_deadline() {
        let req = json!({"packageName": "com.example.app", "token": "sub-tok"});
        let mut v = json!({"startTime": "2024-06-01T12:00:00Z", "subscriptionState": "SUBSCRIPTION_STATE_ACTIVE",
            "latestOrderId": "GPA.1-2-3..2", "acknowledgementState": "ACKNOWLEDGEMENT_STATE_PENDING",
            "externalAccountIdentifiers": {"obfuscatedExternalAccountId": "acc"},
            "lineItems": [{"productId": "monthly", "expiryTime": "2024-07-01T12:00:00Z"}, {"productId": "addon", "expiryTime": "2024-08-01T12:00:00Z"}]});
        let p = google_subscription_v2(&v, &req).unwrap();
        let start = 1_717_243_200_000_i64;
        assert_eq!(p.product_id(), "monthly");
        assert_eq!(p.purchase_time(), start);
        assert_eq!(p.expires_time(), Some(1_722_513_600_000));
        assert_eq!(p.transaction_id(), Some("GPA.1-2-3..2"));
        assert_eq!(p.original_transaction_id(), Some("GPA.1-2-3"));
        assert_eq!(p.purchase_token(), Some("sub-tok"));
        // No line item names its plan: Google did not say whether it renews.
        assert_eq!(p.product_type().as_str(), "UNKNOWN");
        assert_eq!(p.account_id(), Some("acc"));
        v["lineItems"][0]["autoRenewingPlan"] = json!({});
        assert_eq!(google_subscription_v2(&v, &req).unwrap().product_type().as_str(), "AUTO_RENEWABLE");
        v["lineItems"][0].as_object_mut().unwrap().remove("autoRenewingPlan");
        assert_eq!((p.needs_acknowledgement(), p.acknowledge_by()), (Some(true), Some(start + 259_200_000)));

        v["acknowledgementState"] = json!("ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED");
        v["testPurchase"] = json!({});
        v["lineItems"][0]["prepaidPlan"] = json!({});
        let p = google_subscription_v2(&v, &req).unwrap();
        assert_eq!((p.needs_acknowledgement(), p.acknowledge_by()), (Some(false), None));
        assert_eq!(p.purchase_type(), Some(&PurchaseType::Test));
        assert_eq!(p.environment().as_str(), "SANDBOX");
        assert_eq!(p.product_type().as_str(), "NON_RENEWING");

        v["subscriptionState"] = json!("SUBSCRIPTION_STATE_PENDING");
        v["acknowledgementState"] = json!("ACKNOWLEDGEMENT_STATE_PENDING");
        let p = google_subscription_v2(&v, &req).unwrap();
        assert_eq!(p.state(), &PurchaseState::Pending);
        assert_eq!(p.needs_acknowledgement(), Some(false));
        v["subscriptionState"] = json!("SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED");
        assert_eq!(google_subscription_v2(&v, &req).unwrap().state(), &PurchaseState::Canceled);
        for paid in ["CANCELED", "IN_GRACE_PERIOD", "ON_HOLD", "PAUSED", "EXPIRED"] {
            v["subscriptionState"] = json!(format!("SUBSCRIPTION_STATE_{paid}"));
            assert_eq!(google_subscription_v2(&v, &req).unwrap().state(), &PurchaseState::Purchased, "{paid}");
        }
        // Unsaid or unknown: kept as it came, never read as paid.
        v["subscriptionState"] = json!("SUBSCRIPTION_STATE_SOMETHING_NEW");
        assert_eq!(google_subscription_v2(&v, &req).unwrap().state(), &PurchaseState::Unknown("SUBSCRIPTION_STATE_SOMETHING_NEW".into()));
        v.as_object_mut().unwrap().remove("subscriptionState");
        assert_eq!(google_subscription_v2(&v, &req).unwrap().state(), &PurchaseState::Unknown("SUBSCRIPTION_STATE_UNSPECIFIED".into()));

        for bad in [json!({"lineItems": [{"productId": "m"}]}), json!({"startTime": "2024-06-01T12:00:00Z", "lineItems": []}), json!({"startTime": "x", "lineItems": [{"productId": "m"}]})] {
            assert_eq!(google_subscription_v2(&bad, &req).unwrap_err().code(), "MALFORMED_INPUT", "{bad}");
        }
    }

    #[test]
    fn onestore_server_answers_to_purchase_with_the_acknowledgement_deadline() {
        let t = 1_717_243_200_000_i64;
        let request = json!({ "productId": "gem.100", "purchaseToken": "TOKEN1", "environment": "COMMERCIAL" });
        let details = json!({ "consumptionState": 0, "developerPayload": "", "purchaseState": 0, "purchaseTime": t, "purchaseId": "P1", "acknowledgeState": 0, "quantity": 2 });
        let p = onestore_purchase_details(&details, &request).unwrap();
        assert_eq!(p.store, Store::OneStore);
        assert_eq!(p.product_id, "gem.100");
        assert_eq!(p.purchase_token.as_deref(), Some("TOKEN1"));
        assert_eq!(p.transaction_id.as_deref(), Some("P1"));
        assert_eq!(p.quantity, 2);
        assert_eq!(p.environment, Environment::Production);
        assert_eq!(p.purchase_type, None);
        assert_eq!(p.needs_acknowledgement, Some(true));
        assert_eq!(p.acknowledge_by, Some(t + 3 * 24 * 3600 * 1000));
        // Consumed counts as acknowledged; acknowledged needs nothing; canceled needs nothing.
        for (change, needs) in [(json!({ "consumptionState": 1 }), false), (json!({ "acknowledgeState": 1 }), false), (json!({ "purchaseState": 1 }), false)] {
            let mut d = details.clone();
            d.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
            let p = onestore_purchase_details(&d, &request).unwrap();
            assert_eq!(p.needs_acknowledgement, Some(needs), "{change}");
            assert_eq!(p.acknowledge_by, None);
        }
        let mut canceled = details.clone();
        canceled["purchaseState"] = json!(1);
        assert_eq!(onestore_purchase_details(&canceled, &request).unwrap().state, PurchaseState::Canceled);
        // The sandbox: from the client's environment, or a SANDBOX purchase id.
        let sandbox = onestore_purchase_details(&details, &json!({ "productId": "gem.100", "environment": "SANDBOX" })).unwrap();
        assert_eq!((sandbox.environment, sandbox.purchase_type), (Environment::Sandbox, Some(PurchaseType::Test)));
        let mut sid = details.clone();
        sid["purchaseId"] = json!("SANDBOX300000");
        assert_eq!(onestore_purchase_details(&sid, &request).unwrap().environment, Environment::Sandbox);
        // What a purchase needs.
        assert_eq!(onestore_purchase_details(&details, &json!({})).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(onestore_purchase_details(&json!({ "purchaseState": 0 }), &request).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(onestore_purchase_details(&json!([]), &request).unwrap_err().code(), "MALFORMED_INPUT");

        let sub = json!({ "acknowledgementState": 0, "autoRenewing": true, "paymentState": 1, "startTimeMillis": t, "expiryTimeMillis": t + 30 * 86_400_000_i64, "lastPurchaseId": "L2" });
        let p = onestore_subscription_detail(&sub, &request).unwrap();
        assert_eq!(p.product_type, ProductType::AutoRenewable);
        assert_eq!(p.expires_time, Some(t + 30 * 86_400_000));
        assert_eq!(p.transaction_id.as_deref(), Some("L2"));
        assert_eq!(p.acknowledge_by, Some(t + 3 * 24 * 3600 * 1000));
        let mut acked = sub.clone();
        acked["acknowledgementState"] = json!(1);
        assert_eq!(onestore_subscription_detail(&acked, &request).unwrap().needs_acknowledgement, Some(false));
        assert_eq!(onestore_subscription_detail(&json!({ "expiryTimeMillis": t }), &request).unwrap_err().code(), "MALFORMED_INPUT");
    }

    #[test]
    fn the_acknowledgement_window_is_googles() {
        assert_eq!(ACKNOWLEDGE_WINDOW_MS, 259_200_000);
    }
}
