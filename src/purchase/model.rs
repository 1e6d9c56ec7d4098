//! The unified [`Purchase`]: one shape for a Google Play, ONE store, App Store or NHN purchase.
//!
//! A `Purchase` is made only from a value that a verifier produced ([`IntoPurchase`] is
//! implemented for verified types only), so code that takes a `Purchase` knows it is genuine.
//! Its fields are private; read them with the accessors. The conversions themselves are in
//! [`super::sources`], one function per store shape.
//!
//! Store enums are *open*: a value we do not know (a new store code, product type, Apple
//! environment) becomes `Unknown(raw)` and round-trips as the raw string, never an error.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::open_enum::open_enum;

/// Turns a verified value into a [`Purchase`].
///
/// Implemented only for values that a `verify_*` function made, which is how the type system
/// keeps unverified data out of the purchase logic. The conversion can still fail with
/// `MALFORMED_INPUT` when a verified document lacks a field a purchase needs (a product id, a
/// purchase time): a genuine signature over an unusable document is still unusable.
pub trait IntoPurchase {
    /// The unified purchase for this verified value.
    fn to_purchase(&self) -> Result<Purchase>;
}


open_enum! {
    /// The store, as NHN's market codes name it (`marketId` / `storeCode`).
    Store: str as "StoreCode" {
        /// Google Play.
        GooglePlay = "GG",
        /// The App Store.
        AppStore = "AS",
        /// ONE store (Korea).
        OneStore = "ONESTORE",
    }
}

open_enum! {
    /// What kind of product was bought.
    ProductType: str as "PurchaseProductType" {
        /// Used up and bought again (must be consumed at the IAP server before delivery).
        Consumable = "CONSUMABLE",
        /// Bought once, owned for good.
        NonConsumable = "NON_CONSUMABLE",
        /// Auto-renewable subscription.
        AutoRenewable = "AUTO_RENEWABLE",
        /// Non-renewing subscription (Apple).
        NonRenewing = "NON_RENEWING",
        /// NHN's subscription that creates a consumable payment on every renewal.
        ConsumableAutoRenewable = "CONSUMABLE_AUTO_RENEWABLE",
    }
}

open_enum! {
    /// Where the purchase was made.
    Environment: str as "PurchaseEnvironment" {
        /// Real money.
        Production = "PRODUCTION",
        /// The store's sandbox (Apple Sandbox, Google licence testers, ONE store sandbox).
        Sandbox = "SANDBOX",
        /// Local testing (Xcode StoreKit testing, Apple `LocalTesting`).
        Test = "TEST",
    }
}

open_enum! {
    /// The purchase's own state as the store reported it.
    PurchaseState: str as "PurchaseState" {
        /// Paid.
        Purchased = "PURCHASED",
        /// Awaiting payment (Google pending purchases): do not deliver.
        Pending = "PENDING",
        /// Canceled before completion (ONE store / legacy Google).
        Canceled = "CANCELED",
        /// Refunded or revoked by the store.
        Refunded = "REFUNDED",
    }
}

open_enum! {
    /// How the purchase was made, when it was not an ordinary paid purchase.
    PurchaseType: str as "PurchaseType" {
        /// Promotion code, offer code or App Store promoted purchase.
        Promo = "PROMO",
        /// A test purchase (sandbox, licence tester, Xcode). Takes precedence over `PROMO`,
        /// since no real money changed hands either way.
        Test = "TEST",
    }
}

open_enum! {
    /// The kind of subscription offer applied.
    OfferType: str as "PurchaseOfferType" {
        /// Introductory offer (Apple offerType 1, receipt intro period).
        Introductory = "INTRODUCTORY",
        /// Promotional offer (Apple offerType 2, receipt `promotional_offer_id`).
        Promotional = "PROMOTIONAL",
        /// Offer code (Apple offerType 3).
        OfferCode = "OFFER_CODE",
        /// Win-back offer (Apple offerType 4).
        WinBack = "WIN_BACK",
    }
}

/// A subscription offer that applied to the purchase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields, rename = "PurchaseOffer"))]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// The kind of offer.
    #[serde(rename = "type")]
    pub kind: OfferType,
    /// The offer's identifier, when the store names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// One purchase, whatever the store. See the module docs; made by [`IntoPurchase`].
///
/// Times are epoch milliseconds (fractional store values are truncated). Serializes to the JS
/// `Purchase` object (camelCase, absent optionals omitted). It does not implement
/// `Deserialize`: purchase JSON (say, sent by a client) must never become a `Purchase`. The
/// crate restores the ones it stored itself, inside a saved [`super::PaymentFlow`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct Purchase {
    /// The store.
    pub(crate) store: Store,
    /// The product id.
    pub(crate) product_id: String,
    /// Order / transaction id; Google test purchases have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transaction_id: Option<String>,
    /// The first transaction of a subscription (Apple).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) original_transaction_id: Option<String>,
    /// The store's purchase token (Google Play, ONE store).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) purchase_token: Option<String>,
    /// NHN payment number, for purchases read from an NHN record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) payment_seq: Option<String>,
    /// Epoch ms.
    pub(crate) purchase_time: i64,
    /// End of the paid period (epoch ms), for subscriptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expires_time: Option<i64>,
    /// How many were bought.
    pub(crate) quantity: u32,
    /// What was bought.
    pub(crate) product_type: ProductType,
    /// Where it was bought.
    pub(crate) environment: Environment,
    /// The store's view of the purchase. Only `PURCHASED` may be delivered.
    pub(crate) state: PurchaseState,
    /// `PROMO` or `TEST`; absent for ordinary purchases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) purchase_type: Option<PurchaseType>,
    /// The subscription offer that applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) offer: Option<Offer>,
    /// The app's account id as the store carries it (obfuscatedAccountId, appAccountToken, NHN userId).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) account_id: Option<String>,
    /// Google Play API purchases: whether it still has to be acknowledged (Google refunds a
    /// purchase not acknowledged within three days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) needs_acknowledgement: Option<bool>,
    /// While it needs acknowledging: by when (epoch ms, purchase time + 3 days).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) acknowledge_by: Option<i64>,
    /// The verified document this purchase came from, as decoded.
    #[cfg_attr(feature = "typescript", ts(type = "Record<string, unknown>"))]
    pub(crate) source: serde_json::Value,
}

/// The stored form of a [`Purchase`], read back only from JSON this crate wrote (a saved flow,
/// the JS registry of verified values). Crate-private so that no caller can deserialize a
/// purchase.
pub(crate) struct StoredPurchase(Purchase);

impl<'de> Deserialize<'de> for StoredPurchase {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let map = Map::deserialize(d)?;
        Stored(map).purchase().map(StoredPurchase).map_err(serde::de::Error::custom)
    }
}

impl From<StoredPurchase> for Purchase {
    fn from(s: StoredPurchase) -> Self {
        s.0
    }
}

#[cfg(feature = "binding")]
impl StoredPurchase {
    /// Reads the stored form from a JSON value already parsed.
    pub(crate) fn from_value(value: Value) -> std::result::Result<Purchase, String> {
        match value {
            Value::Object(map) => Stored(map).purchase(),
            _ => Err("invalid type: expected an object".into()),
        }
    }
}

/// The reader of the stored form: as strict as the serialization is exact (every field of its
/// type, `null` only where a field is optional, no field it does not write). Hand-written rather
/// than derived: a derived visitor for these 18 fields was 16 KB of the module for the edge, and
/// the errors are the same ones (`missing field`, `unknown field`, `invalid type`), naming the field.
struct Stored(Map<String, Value>);

type Read<T> = std::result::Result<T, String>;

impl Stored {
    fn purchase(mut self) -> Read<Purchase> {
        let purchase = Purchase {
            store: self.enumerated("store")?,
            product_id: self.string("productId")?,
            transaction_id: self.opt_string("transactionId")?,
            original_transaction_id: self.opt_string("originalTransactionId")?,
            purchase_token: self.opt_string("purchaseToken")?,
            payment_seq: self.opt_string("paymentSeq")?,
            purchase_time: self.int("purchaseTime")?,
            expires_time: self.opt_int("expiresTime")?,
            quantity: self.int("quantity")?,
            product_type: self.enumerated("productType")?,
            environment: self.enumerated("environment")?,
            state: self.enumerated("state")?,
            purchase_type: self.opt_string("purchaseType")?.map(PurchaseType::from),
            offer: self.opt_offer()?,
            account_id: self.opt_string("accountId")?,
            needs_acknowledgement: match self.take("needsAcknowledgement") {
                None => None,
                Some(Value::Bool(b)) => Some(b),
                Some(_) => return Err(invalid("needsAcknowledgement", "a boolean")),
            },
            acknowledge_by: self.opt_int("acknowledgeBy")?,
            source: self.0.remove("source").ok_or_else(|| missing("source"))?,
        };
        self.none_left()?;
        Ok(purchase)
    }

    /// The value of `key`, taken out; `None` when absent or `null`.
    fn take(&mut self, key: &str) -> Option<Value> {
        self.0.remove(key).filter(|v| !v.is_null())
    }

    fn opt_string(&mut self, key: &'static str) -> Read<Option<String>> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid(key, "a string")),
        }
    }

    fn string(&mut self, key: &'static str) -> Read<String> {
        self.opt_string(key)?.ok_or_else(|| missing(key))
    }

    fn enumerated<E: From<String>>(&mut self, key: &'static str) -> Read<E> {
        self.string(key).map(E::from)
    }

    /// An integer that fits `T` (`i64` for times, `u32` for the quantity).
    fn opt_int<T: TryFrom<i64>>(&mut self, key: &'static str) -> Read<Option<T>> {
        match self.take(key) {
            None => Ok(None),
            Some(v) => v.as_i64().and_then(|n| T::try_from(n).ok()).map(Some).ok_or_else(|| invalid(key, "an integer in range")),
        }
    }

    fn int<T: TryFrom<i64>>(&mut self, key: &'static str) -> Read<T> {
        self.opt_int(key)?.ok_or_else(|| missing(key))
    }

    fn opt_offer(&mut self) -> Read<Option<Offer>> {
        match self.take("offer") {
            None => Ok(None),
            Some(Value::Object(map)) => {
                let mut offer = Stored(map);
                let read = Offer { kind: offer.enumerated("type")?, id: offer.opt_string("id")? };
                offer.none_left()?;
                Ok(Some(read))
            }
            Some(_) => Err(invalid("offer", "an object")),
        }
    }

    fn none_left(&self) -> Read<()> {
        match self.0.keys().next() {
            Some(k) => Err(format!("unknown field `{}`", k.chars().take(64).collect::<String>())),
            None => Ok(()),
        }
    }
}

fn missing(key: &str) -> String {
    format!("missing field `{key}`")
}

fn invalid(key: &str, expected: &str) -> String {
    format!("invalid type for `{key}`: expected {expected}")
}

impl Purchase {
    /// The store (`GG`, `AS`, `ONESTORE`, …).
    pub fn store(&self) -> &Store {
        &self.store
    }
    /// The store's product id (SKU).
    pub fn product_id(&self) -> &str {
        &self.product_id
    }
    /// The store's order / transaction id. Google test purchases have none.
    pub fn transaction_id(&self) -> Option<&str> {
        self.transaction_id.as_deref()
    }
    /// The first transaction of a subscription (Apple), the order id without its renewal suffix
    /// (Google), NHN's `originalPaymentId`.
    pub fn original_transaction_id(&self) -> Option<&str> {
        self.original_transaction_id.as_deref()
    }
    /// Google / ONE store purchase token.
    pub fn purchase_token(&self) -> Option<&str> {
        self.purchase_token.as_deref()
    }
    /// NHN payment number, for purchases read from an NHN record.
    pub fn payment_seq(&self) -> Option<&str> {
        self.payment_seq.as_deref()
    }
    /// When it was bought (epoch ms).
    pub fn purchase_time(&self) -> i64 {
        self.purchase_time
    }
    /// When a subscription period ends (epoch ms), where the document says.
    pub fn expires_time(&self) -> Option<i64> {
        self.expires_time
    }
    /// How many units (at least 1).
    pub fn quantity(&self) -> u32 {
        self.quantity
    }
    /// The kind of product.
    pub fn product_type(&self) -> &ProductType {
        &self.product_type
    }
    /// Production, sandbox or local test.
    pub fn environment(&self) -> &Environment {
        &self.environment
    }
    /// The store's view of the purchase.
    pub fn state(&self) -> &PurchaseState {
        &self.state
    }
    /// `PROMO` or `TEST` when the purchase was not an ordinary one.
    pub fn purchase_type(&self) -> Option<&PurchaseType> {
        self.purchase_type.as_ref()
    }
    /// The subscription offer, if any.
    pub fn offer(&self) -> Option<&Offer> {
        self.offer.as_ref()
    }
    /// The app's own account id as the store carries it (Google `obfuscatedAccountId`, Apple
    /// `appAccountToken`, NHN `userId`).
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
    /// Google Play API purchases: whether it still has to be acknowledged (`None` where the
    /// document does not say).
    pub fn needs_acknowledgement(&self) -> Option<bool> {
        self.needs_acknowledgement
    }
    /// While it needs acknowledging: the deadline (epoch ms), purchase time + 3 days.
    pub fn acknowledge_by(&self) -> Option<i64> {
        self.acknowledge_by
    }
    /// The verified document, decoded.
    pub fn source(&self) -> &serde_json::Value {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_keep_unknown_values() {
        assert_eq!(Store::from_wire("GG"), Store::GooglePlay);
        assert_eq!(Store::from_wire("GALAXY"), Store::Unknown("GALAXY".into()));
        let json = serde_json::to_string(&Store::Unknown("GALAXY".into())).unwrap_or_default();
        assert_eq!(json, "\"GALAXY\"");
        let back: ProductType = serde_json::from_str("\"SOMETHING_NEW\"").unwrap_or(ProductType::Consumable);
        assert_eq!(back.as_str(), "SOMETHING_NEW");
        assert_eq!(Environment::Test.to_string(), "TEST");
    }
}
