//! For a language binding that hands verified values to its caller and takes them back (the
//! wasm-bindgen facade in `wasm/`). Compiled only with the `binding` feature, off by default.
//!
//! The function per kind of snapshot ([`google`], [`onestore`], [`apple_transaction`],
//! [`apple_receipt_in_app`], [`nhn_record`], [`play_product`], [`play_subscription`], [`onestore_product`],
//! [`onestore_subscription`], [`stored`]) is
//! the one deliberate exception to the rule of the rest of the crate, where a [`Purchase`] is made
//! only from a verified type ([`crate::purchase::IntoPurchase`]): it makes one from a JSON
//! snapshot and checks no signature. The contract: a binding keeps, for each value
//! a verifier returned, a snapshot of the verified document where its caller cannot reach it (the
//! facade keeps them in a `WeakMap` inside the module, keyed by the object it returned), and
//! passes only such snapshots here.
//!
//! The rest is what a binding needs beside the verifiers: the JSON forms of their results
//! ([`crate::signed_purchase::VerifiedJson`], [`decoded_transaction`]) and the helpers the crate
//! uses itself for arguments and error text ([`ms_from_f64`], [`decode_standard_bytes`],
//! [`upstream_text`], [`strip_quoted`]).

use serde_json::{Map, Value};

use crate::apple::jws::{nested_jws, NESTED};
use crate::error::{Error, Result};
use crate::model_fields;
use crate::purchase::model::StoredPurchase;
use crate::purchase::{sources, Purchase};
use crate::signed_purchase::sealed::Algorithms;

// The snapshots, one function per kind (a binding built without some sources, as the module for
// the edge has no API clients, then carries none of their code). A snapshot of a signed text is
// read through its model's schema first, which makes it the decoded object the verifier returned
// (reading a decoded object again changes nothing). `MALFORMED_INPUT` when the document lacks what
// a purchase needs.

fn value(json: &str) -> Result<Value> {
    serde_json::from_slice(json.as_bytes()).map_err(|e| Error::malformed("verified value", e.to_string()))
}

/// The snapshot read through `fields`: a snapshot of the signed text becomes the decoded object.
fn read(json: &str, fields: &'static [model_fields::Field]) -> Result<Value> {
    model_fields::read_object(value(json)?, fields).map(Value::Object).map_err(|reason| Error::malformed("verified value", reason))
}

/// A Google Play purchase as the verifier returned it, or its signed text.
pub fn google(json: &str) -> Result<Purchase> {
    sources::google_purchase_data(&read(json, crate::google::GooglePlay::FIELDS)?)
}

/// A ONE store purchase as the verifier returned it, or its signed text.
pub fn onestore(json: &str) -> Result<Purchase> {
    sources::onestore_purchase_data(&read(json, crate::onestore::OneStore::FIELDS)?)
}

/// An App Store `JWSTransactionDecodedPayload` as the verifier returned it, or its text.
pub fn apple_transaction(json: &str) -> Result<Purchase> {
    sources::apple_transaction(&read(json, crate::apple::jws::TRANSACTION.fields)?)
}

/// The event of a verified App Store notification, from its snapshot (the decoded JSON object,
/// with the verifier's `data.decodedTransactionInfo`).
pub fn apple_event(json: &str) -> Result<crate::purchase::StoreEvent> {
    match value(json)? {
        Value::Object(n) => crate::purchase::event::apple(&n),
        _ => Err(Error::malformed("verified value", "not an object")),
    }
}

/// In-app entry `index` of a verified receipt, from the receipt's JSON form (parsed once by the
/// binding for all of its entries).
pub fn apple_receipt_in_app(receipt: &Value, index: usize) -> Result<Purchase> {
    let entry = receipt.get("inApp").and_then(|entries| entries.get(index)).unwrap_or(&Value::Null);
    sources::apple_receipt_in_app(entry, receipt.get("receiptType").and_then(Value::as_str))
}

/// An NHN IAP / Gamebase API record.
pub fn nhn_record(json: &str) -> Result<Purchase> {
    sources::nhn_record(&value(json)?)
}

/// A Play Developer API `ProductPurchase`: `{"request": …, "resource": …}`.
pub fn play_product(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::google_product_purchase(v.get("resource").unwrap_or(&Value::Null), v.get("request").unwrap_or(&Value::Null))
}

/// A Play Developer API `ProductPurchaseV2`: `{"request": …, "resource": …}`.
pub fn play_product_v2(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::google_product_purchase_v2(v.get("resource").unwrap_or(&Value::Null), v.get("request").unwrap_or(&Value::Null))
}

/// A Play Developer API `SubscriptionPurchaseV2`: `{"request": …, "resource": …}`.
pub fn play_subscription(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::google_subscription_v2(v.get("resource").unwrap_or(&Value::Null), v.get("request").unwrap_or(&Value::Null))
}

/// A ONE store `getPurchaseDetails` answer: `{"request": …, "resource": …}`.
pub fn onestore_product(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::onestore_purchase_details(v.get("resource").unwrap_or(&Value::Null), v.get("request").unwrap_or(&Value::Null))
}

/// A ONE store `getSubscriptionDetail` answer: `{"request": …, "resource": …}`.
pub fn onestore_subscription(json: &str) -> Result<Purchase> {
    let v = value(json)?;
    sources::onestore_subscription_detail(v.get("resource").unwrap_or(&Value::Null), v.get("request").unwrap_or(&Value::Null))
}

/// A [`Purchase`] as serialized, straight from the text: the path a saved flow takes.
pub fn stored(json: &str) -> Result<Purchase> {
    let value = serde_json::from_slice(json.as_bytes()).map_err(|e| Error::malformed("purchase", e.to_string()))?;
    StoredPurchase::from_value(value).map_err(|reason| Error::malformed("purchase", reason))
}

/// The wire names of the fields each signed document is read with, by the kind names of the
/// package's `inspect` (`google-purchase`, `apple-transaction`, ...): what a display of a verified
/// value knows. Fields the package adds (a nested JWS decoded) are not among them.
pub fn known_fields() -> Vec<(&'static str, Vec<&'static str>)> {
    let names = |fields: &'static [model_fields::Field]| {
        fields.iter().filter(|(_, kind)| !matches!(kind, model_fields::Kind::Added)).map(|(name, _)| *name).collect()
    };
    vec![
        ("google-purchase", names(crate::google::GooglePlay::FIELDS)),
        ("onestore-purchase", names(crate::onestore::OneStore::FIELDS)),
        ("apple-transaction", names(crate::apple::jws::TRANSACTION.fields)),
        ("apple-renewal-info", names(crate::apple::jws::RENEWAL_INFO.fields)),
        ("apple-app-transaction", names(crate::apple::jws::APP_TRANSACTION.fields)),
        ("apple-notification", names(crate::apple::jws::NOTIFICATION.fields)),
        ("apple-receipt", crate::apple::receipt::RECEIPT_FIELDS.to_vec()),
    ]
}

/// Whether `v` is an NHN IAP / Gamebase record a purchase can be made from (a binding registers
/// only those of an API answer).
pub fn is_nhn_record(v: &Value) -> bool {
    sources::nhn_record(v).is_ok()
}

/// The parameters of a Play Developer API request that a [`play_product`] or
/// [`play_subscription`] snapshot keeps as its `request` beside the resource (Google's
/// answer may leave out the product id and the token): `{ packageName, productId?,
/// subscriptionId?, token }`, strings only.
pub fn request_facts(params: &Value) -> Value {
    let mut o = Map::new();
    for k in ["packageName", "productId", "subscriptionId", "token", "purchaseToken"] {
        if let Some(Value::String(s)) = params.get(k) {
            o.insert(k.into(), s.as_str().into());
        }
    }
    Value::Object(o)
}

/// The decoded transaction a verified notification carries (the JSON object of
/// [`crate::apple::SignedDataVerifier::verify_json_with`] for
/// [`SignedKind::Notification`](crate::apple::SignedKind::Notification)): what verification added
/// beside its `data.signedTransactionInfo`, never a field of that name the input carried without it.
pub fn decoded_transaction(notification: &Map<String, Value>) -> Option<&Value> {
    let [transaction, ..] = NESTED;
    nested_jws(notification, transaction)?;
    model_fields::object(notification, transaction.0)?.get(transaction.3)
}

/// Epoch milliseconds from a JavaScript number, floored; `None` when it is not a finite,
/// representable time (beyond ±8×10¹⁵ ms).
pub fn ms_from_f64(ms: f64) -> Option<i64> {
    crate::time::ms_from_f64(ms)
}

/// Standard base64 (padding optional, ASCII whitespace skipped) from the UTF-8 bytes of a text, as
/// the verifiers read base64 arguments; `MALFORMED_INPUT` naming `what` otherwise.
pub fn decode_standard_bytes(what: &'static str, text: &[u8]) -> Result<Vec<u8>> {
    crate::b64::decode_standard_bytes(what, text)
}

/// Text a server or a transport sent, made fit to show in an error's details, as the crate's own
/// API clients keep it: control and bidirectional formatting characters removed, `secret` and
/// anything shaped like a credential replaced by `<redacted>`, cut to
/// [`MAX_UPSTREAM_TEXT`](crate::limits::MAX_UPSTREAM_TEXT) characters.
pub fn upstream_text(text: &str, secret: Option<&str>) -> String {
    crate::clean_text::upstream_text(text, secret)
}

/// Replaces the contents of every `"..."` in `s` with `…`: for a parser message that echoes the
/// values it refused (which may be secrets or hostile text) before it is shown.
pub fn strip_quoted(s: &str) -> String {
    crate::clean_text::strip_quoted(s)
}
