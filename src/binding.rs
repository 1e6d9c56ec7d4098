//! For a language binding that hands verified values to its caller and takes them back (the
//! wasm-bindgen facade in `wasm/`). Compiled only with the `binding` feature: nothing here checks
//! a signature, so it is not part of the crate's ordinary surface, where a [`Purchase`] is made
//! only from a verified type ([`crate::purchase::IntoPurchase`]).
//!
//! The contract: a binding keeps, for each value a verifier returned, a snapshot of the verified
//! document where its caller cannot reach it (the facade keeps them in a `WeakMap` inside the
//! module, keyed by the object it returned), and passes only such snapshots here.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::purchase::model::StoredPurchase;
use crate::purchase::{sources, Purchase};
use crate::signed_json::sealed::Algorithms;
use crate::wire;

/// What a snapshot is a snapshot of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Snapshot {
    /// A Google Play purchase as the verifier returned it, or its signed text.
    Google,
    /// A ONE store purchase as the verifier returned it, or its signed text.
    OneStore,
    /// An App Store `JWSTransactionDecodedPayload` as the verifier returned it, or its text.
    AppleTransaction,
    /// One in-app entry of a verified receipt: `{"receiptType": …, "entry": {…}}`.
    AppleReceiptInApp,
    /// An NHN IAP / Gamebase API record.
    NhnRecord,
    /// A Play Developer API `ProductPurchase`: `{"request": …, "resource": …}`.
    GooglePlayProduct,
    /// A Play Developer API `SubscriptionPurchaseV2`: `{"request": …, "resource": …}`.
    GooglePlaySubscription,
    /// A [`Purchase`] as serialized.
    Purchase,
}

/// The unified purchase of a snapshot of `kind`. A snapshot of a signed text is read through its
/// model's schema first, which makes it the decoded object the verifier returned (reading a decoded
/// object again changes nothing). `MALFORMED_INPUT` when the document lacks what a purchase needs.
///
/// One function per kind rather than one taking the kind: a binding built without some sources
/// (the module for the edge has no API clients) then carries none of their code.
pub fn purchase(kind: Snapshot, json: &str) -> Result<Purchase> {
    match kind {
        Snapshot::Google => google(json),
        Snapshot::OneStore => onestore(json),
        Snapshot::AppleTransaction => apple_transaction(json),
        Snapshot::AppleReceiptInApp => apple_receipt_in_app(json),
        Snapshot::NhnRecord => nhn_record(json),
        Snapshot::GooglePlayProduct => play_product(json),
        Snapshot::GooglePlaySubscription => play_subscription(json),
        Snapshot::Purchase => stored(json),
    }
}

fn value(json: &str) -> Result<Value> {
    serde_json::from_str(json).map_err(|e| Error::malformed("verified value", e.to_string()))
}

/// The snapshot read through `fields`: a snapshot of the signed text becomes the decoded object.
fn read(json: &str, fields: &'static [wire::Field]) -> Result<Value> {
    wire::read_object(value(json)?, fields).map(Value::Object).map_err(|reason| Error::malformed("verified value", reason))
}

/// [`Snapshot::Google`].
pub fn google(json: &str) -> Result<Purchase> {
    sources::google_purchase_data(&read(json, crate::google::GooglePlay::FIELDS)?)
}

/// [`Snapshot::OneStore`].
pub fn onestore(json: &str) -> Result<Purchase> {
    sources::onestore_purchase_data(&read(json, crate::onestore::OneStore::FIELDS)?)
}

/// [`Snapshot::AppleTransaction`].
pub fn apple_transaction(json: &str) -> Result<Purchase> {
    sources::apple_transaction(&read(json, crate::apple::jws::TRANSACTION.fields)?)
}

/// [`Snapshot::AppleReceiptInApp`].
pub fn apple_receipt_in_app(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::apple_receipt_in_app(v.get("entry").unwrap_or(&Value::Null), v.get("receiptType").and_then(Value::as_str))
}

/// [`Snapshot::NhnRecord`].
pub fn nhn_record(json: &str) -> Result<Purchase> {
    sources::nhn_record(&value(json)?)
}

/// [`Snapshot::GooglePlayProduct`].
pub fn play_product(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::google_product_purchase(v.get("resource").unwrap_or(&Value::Null), v.get("request").unwrap_or(&Value::Null))
}

/// [`Snapshot::GooglePlaySubscription`].
pub fn play_subscription(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::google_subscription_v2(v.get("resource").unwrap_or(&Value::Null), v.get("request").unwrap_or(&Value::Null))
}

/// [`Snapshot::Purchase`], straight from the text: the path a saved flow takes.
pub fn stored(json: &str) -> Result<Purchase> {
    serde_json::from_str::<StoredPurchase>(json).map(Purchase::from).map_err(|e| Error::malformed("purchase", e.to_string()))
}

/// Whether `v` is an NHN IAP / Gamebase record a purchase can be made from (a binding registers
/// only those of an API answer).
pub fn is_nhn_record(v: &Value) -> bool {
    sources::nhn_record(v).is_ok()
}
