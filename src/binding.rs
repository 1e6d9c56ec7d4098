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
use crate::signed_purchase::sealed::Algorithms;
use crate::model_fields;

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
pub fn purchase(kind: Snapshot, json: &str) -> Result<Purchase> {
    if kind == Snapshot::Purchase {
        // Straight from the text: the path a saved flow takes.
        return serde_json::from_str::<StoredPurchase>(json).map(Purchase::from).map_err(|e| Error::malformed("purchase", e.to_string()));
    }
    document(kind, serde_json::from_str(json).map_err(|e| Error::malformed("verified value", e.to_string()))?)
}

fn document(kind: Snapshot, v: Value) -> Result<Purchase> {
    let read = |fields: &'static [model_fields::Field], v: Value| {
        model_fields::read_object(v, fields).map(Value::Object).map_err(|reason| Error::malformed("verified value", reason))
    };
    let part = |k| v.get(k).unwrap_or(&Value::Null);
    match kind {
        Snapshot::Google => sources::google_purchase_data(&read(crate::google::GooglePlay::FIELDS, v)?),
        Snapshot::OneStore => sources::onestore_purchase_data(&read(crate::onestore::OneStore::FIELDS, v)?),
        Snapshot::AppleTransaction => sources::apple_transaction(&read(crate::apple::jws::TRANSACTION.fields, v)?),
        Snapshot::AppleReceiptInApp => sources::apple_receipt_in_app(part("entry"), part("receiptType").as_str()),
        Snapshot::NhnRecord => sources::nhn_record(&v),
        Snapshot::GooglePlayProduct => sources::google_product_purchase(part("resource"), part("request")),
        Snapshot::GooglePlaySubscription => sources::google_subscription_v2(part("resource"), part("request")),
        Snapshot::Purchase => serde_json::from_value::<StoredPurchase>(v)
            .map(Purchase::from)
            .map_err(|e| Error::malformed("purchase", e.to_string())),
    }
}

/// Whether `v` is an NHN IAP / Gamebase record a purchase can be made from (a binding registers
/// only those of an API answer).
pub fn is_nhn_record(v: &Value) -> bool {
    sources::nhn_record(v).is_ok()
}
