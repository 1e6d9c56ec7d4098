//! JS bindings for the purchase logic: `toPurchase` and
//! `subscriptionStatus`.
//!
//! **The brand.** JS objects can be forged, so "only verified values" is enforced with a
//! registry inside this module: a `WeakMap` (unreachable from JS) from each object a verifier
//! returned to a snapshot of the verified document taken at verification time. `toPurchase`
//! accepts only registered objects and reads the snapshot, not the object, so editing a verified
//! object afterwards changes nothing. Purchases returned by `toPurchase` are registered the same
//! way, and `flow.apply({ type: 'VERIFIED', purchase })` accepts only those.

use js_sys::{Object, Reflect, WeakMap};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{js_error, now_ms, to_js, JsResult};
use iap_verify::Error;
use iap_verify::limits;
use iap_verify::binding;
use iap_verify::purchase::subscription_status_json;

/// What `toPurchase` accepts, in TypeScript: the Play Developer API's answers only where the
/// clients are in the module.
/// What a registered object was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verified {
    /// `GooglePurchase` from the Google verifier.
    Google,
    /// `OneStorePurchase` from the ONE store verifier.
    OneStore,
    /// `JWSTransactionDecodedPayload` from `verifyAndDecodeTransaction`.
    AppleTransaction,
    /// `ResponseBodyV2DecodedPayload` from `verifyAndDecodeNotification`.
    AppleNotification,
    #[cfg(feature = "clients")]
    /// An NHN IAP / Gamebase API record.
    NhnRecord,
    #[cfg(feature = "clients")]
    /// A Play Developer API `ProductPurchase`, registered as `{"request": …, "resource": …}`.
    GooglePlayProduct,
    #[cfg(feature = "clients")]
    /// A Play Developer API `SubscriptionPurchaseV2`, registered likewise.
    GooglePlaySubscription,
    #[cfg(feature = "clients")]
    /// A Play Developer API `ProductPurchaseV2`, registered likewise.
    GooglePlayProductV2,
    #[cfg(feature = "clients")]
    /// A ONE store `getPurchaseDetails` answer, registered as `{"request": …, "resource": …}`.
    OneStoreProduct,
    #[cfg(feature = "clients")]
    /// A ONE store `getSubscriptionDetail` answer, registered likewise.
    OneStoreSubscription,
    /// A `Purchase` returned by `toPurchase`.
    Purchase,
}

impl Verified {
    fn tag(self) -> &'static str {
        match self {
            Verified::Google => "GOOGLE",
            Verified::OneStore => "ONESTORE",
            Verified::AppleTransaction => "APPLE_TRANSACTION",
            Verified::AppleNotification => "APPLE_NOTIFICATION",
            #[cfg(feature = "clients")]
            Verified::NhnRecord => "NHN_RECORD",
            #[cfg(feature = "clients")]
            Verified::GooglePlayProduct => "GOOGLE_PLAY_PRODUCT",
            #[cfg(feature = "clients")]
            Verified::GooglePlaySubscription => "GOOGLE_PLAY_SUBSCRIPTION",
            #[cfg(feature = "clients")]
            Verified::GooglePlayProductV2 => "GOOGLE_PLAY_PRODUCT_V2",
            #[cfg(feature = "clients")]
            Verified::OneStoreProduct => "ONESTORE_PRODUCT",
            #[cfg(feature = "clients")]
            Verified::OneStoreSubscription => "ONESTORE_SUBSCRIPTION",
            Verified::Purchase => "PURCHASE",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        [
            Verified::Google,
            Verified::OneStore,
            Verified::AppleTransaction,
            Verified::AppleNotification,
            #[cfg(feature = "clients")]
            Verified::NhnRecord,
            #[cfg(feature = "clients")]
            Verified::GooglePlayProduct,
            #[cfg(feature = "clients")]
            Verified::GooglePlaySubscription,
            #[cfg(feature = "clients")]
            Verified::GooglePlayProductV2,
            #[cfg(feature = "clients")]
            Verified::OneStoreProduct,
            #[cfg(feature = "clients")]
            Verified::OneStoreSubscription,
            Verified::Purchase,
        ]
        .into_iter()
        .find(|v| v.tag() == tag)
    }
}

thread_local! {
    static REGISTRY: WeakMap = WeakMap::new();
}

/// Registers `object` (a JS value this module or a verifier just made from `value`) as verified.
pub(crate) fn register(object: &JsValue, kind: Verified, value: &impl Serialize) -> JsResult<()> {
    let Some(object) = object.dyn_ref::<Object>() else {
        return Err(js_error(Error::invalid_argument("only objects can be registered as verified")));
    };
    let json = serde_json::to_string(value).map_err(|e| js_error(Error::malformed("verified value", e.to_string())))?;
    let entry = format!("{}\n{json}", kind.tag());
    REGISTRY.with(|r| r.set(object, &JsValue::from_str(&entry)));
    Ok(())
}

/// `to_js(value)`, registered as a verified value of `kind`. Verifiers return this.
pub(crate) fn to_js_verified(value: &impl Serialize, kind: Verified) -> JsResult<JsValue> {
    // One serialization and one string crossing for both the result and its registry entry
    // (this is on every verification's hot path).
    let json = serde_json::to_string(value).map_err(|e| js_error(Error::malformed("verified value", e.to_string())))?;
    let tag = kind.tag();
    let entry = js_sys::JsString::from(format!("{tag}\n{json}"));
    let start = u32::try_from(tag.len() + 1).unwrap_or(0);
    let js = crate::json_parse(&entry.slice(start, entry.length()))
        .map_err(|_| js_error(Error::malformed("verified value", "not JSON")))?;
    let Some(object) = js.dyn_ref::<Object>() else {
        return Err(js_error(Error::invalid_argument("only objects can be registered as verified")));
    };
    REGISTRY.with(|r| r.set(object, &entry));
    Ok(js)
}

/// `JSON.parse(text)` of signed data known to parse to exactly what the core's decoding returns
/// (the core's `json_text::verbatim`), registered as a verified value of `kind` with the text as its snapshot
/// (`toPurchase` reads snapshots through the model's schema, which makes it the same).
pub(crate) fn verbatim_js(text: &JsValue, kind: Verified) -> JsResult<JsValue> {
    let not_json = || js_error(Error::malformed("verified value", "not JSON"));
    let text = text.dyn_ref::<js_sys::JsString>().ok_or_else(not_json)?;
    let js = crate::json_parse(text).map_err(|_| not_json())?;
    let Some(object) = js.dyn_ref::<Object>() else {
        return Err(js_error(Error::invalid_argument("only objects can be registered as verified")));
    };
    let entry = js_sys::JsString::from(format!("{}\n", kind.tag())).concat(text);
    REGISTRY.with(|r| r.set(object, &entry));
    Ok(js)
}

/// A verified receipt as JS (one serialization, one `JSON.parse`), each entry of its `inApp` array
/// registered as an App Store in-app purchase, so that `toPurchase(receipt.inApp[i])` works.
///
/// The entries share one registry value, `[i, receipt JSON text]` (the text is one JS string for
/// all of them): registering costs a few property operations per entry, not a serialization each.
/// [`lookup`] turns it into the entry's snapshot, `{"receiptType": …, "entry": {…}}`.
pub(crate) fn register_receipt_entries(verified: &iap_verify::apple::VerifiedAppReceipt) -> JsResult<JsValue> {
    let json = serde_json::to_string(verified).map_err(|e| js_error(Error::malformed("result", e.to_string())))?;
    let text = js_sys::JsString::from(json);
    let js = crate::json_parse(&text).map_err(|_| js_error(Error::malformed("result", "not JSON")))?;
    let array = Reflect::get(&js, &"inApp".into()).unwrap_or(JsValue::UNDEFINED);
    let Some(array) = array.dyn_ref::<js_sys::Array>() else { return Ok(js) };
    let text: JsValue = text.into();
    REGISTRY.with(|r| {
        for i in 0..array.length() {
            let entry = array.get(i);
            let Some(object) = entry.dyn_ref::<Object>() else {
                return Err(js_error(Error::invalid_argument("only objects can be registered as verified")));
            };
            r.set(object, &js_sys::Array::of2(&JsValue::from(i), &text));
        }
        Ok(())
    })?;
    Ok(js)
}

thread_local! {
    /// The receipt JSON text (a JS string) last read by [`receipt_entry`], and its parse: calling
    /// `toPurchase` on every entry of one receipt parses it once, not once per entry.
    static LAST_RECEIPT: std::cell::RefCell<Option<(JsValue, serde_json::Value)>> = const { std::cell::RefCell::new(None) };
}

/// The purchase of in-app entry `index` of the receipt whose JSON text is `text` (a registry
/// value shared by the receipt's entries); `None` when the value is not such a pair.
fn receipt_entry(index: &JsValue, text: &JsValue) -> Option<Result<iap_verify::purchase::Purchase, Error>> {
    let index = index.as_f64().filter(|f| f.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(f))?;
    // A whole number in u32's range (registered from one): exact as usize.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let index = index as usize;
    LAST_RECEIPT.with(|last| {
        let mut last = last.try_borrow_mut().ok()?;
        if last.as_ref().is_none_or(|(t, _)| t != text) {
            let receipt: serde_json::Value = serde_json::from_slice(text.as_string()?.as_bytes()).ok()?;
            *last = Some((text.clone(), receipt));
        }
        let (_, receipt) = last.as_ref()?;
        Some(binding::apple_receipt_in_app(receipt, index))
    })
}

/// What the registry holds for `object`: a receipt entry's `[index, receipt text]` pair, or a tagged
/// snapshot (JSON text).
enum Entry {
    /// A receipt entry: `[index, receipt text]`.
    ReceiptEntry(js_sys::Array),
    /// Anything else: its kind and snapshot.
    Snapshot(Verified, String),
}

fn registered(object: &JsValue) -> Option<Entry> {
    let object = object.dyn_ref::<Object>()?;
    let entry = REGISTRY.with(|r| r.get(object));
    if let Some(pair) = entry.dyn_ref::<js_sys::Array>() {
        return Some(Entry::ReceiptEntry(pair.clone()));
    }
    let entry = entry.as_string()?;
    let (tag, json) = entry.split_once('\n')?;
    Some(Entry::Snapshot(Verified::from_tag(tag)?, json.to_owned()))
}

/// The snapshot (JSON text) registered for `object`, if it is a registered object other than a
/// receipt entry.
#[cfg(any(feature = "flow", feature = "events"))]
pub(crate) fn lookup(object: &JsValue) -> Option<(Verified, String)> {
    match registered(object)? {
        Entry::Snapshot(kind, json) => Some((kind, json)),
        Entry::ReceiptEntry(_) => None,
    }
}

pub(crate) fn unverified(what: &str) -> JsValue {
    js_error(Error::invalid_argument(format!(
        "{what} must be a value returned by this package's verifiers (they register what they verified; copies, \
         JSON round trips and hand-made objects are not accepted)"
    )))
}

/// The unified purchase of a verified value. `INVALID_ARGUMENT` for anything a verifier of this
/// package did not return; `MALFORMED_INPUT` when the verified document lacks what a purchase
/// needs (a product id, a purchase time).
#[wasm_bindgen(js_name = toPurchase, unchecked_return_type = "Purchase")]
pub fn to_purchase(#[wasm_bindgen(unchecked_param_type = "VerifiedValue")] verified: JsValue) -> JsResult<JsValue> {
    let unverified = || unverified("toPurchase's argument");
    let (kind, json) = match registered(&verified).ok_or_else(unverified)? {
        Entry::Snapshot(kind, json) => (kind, json),
        Entry::ReceiptEntry(pair) => {
            let purchase = receipt_entry(&pair.get(0), &pair.get(1)).ok_or_else(unverified)?.map_err(js_error)?;
            return to_js_verified(&purchase, Verified::Purchase);
        }
    };
    let purchase = match kind {
        Verified::Purchase => binding::stored(&json),
        Verified::Google => binding::google(&json),
        Verified::OneStore => binding::onestore(&json),
        Verified::AppleTransaction => binding::apple_transaction(&json),
        Verified::AppleNotification => Err(Error::invalid_argument(
            "a notification is not a purchase: pass its data.decodedTransactionInfo to toPurchase",
        )),
        #[cfg(feature = "clients")]
        Verified::NhnRecord => binding::nhn_record(&json),
        #[cfg(feature = "clients")]
        Verified::GooglePlayProduct => binding::play_product(&json),
        #[cfg(feature = "clients")]
        Verified::GooglePlaySubscription => binding::play_subscription(&json),
        #[cfg(feature = "clients")]
        Verified::GooglePlayProductV2 => binding::play_product_v2(&json),
        #[cfg(feature = "clients")]
        Verified::OneStoreProduct => binding::onestore_product(&json),
        #[cfg(feature = "clients")]
        Verified::OneStoreSubscription => binding::onestore_subscription(&json),
    }
    .map_err(js_error)?;
    to_js_verified(&purchase, Verified::Purchase)
}

/// JSON text of a JS value (a string is taken as JSON text already), size-checked before it is
/// copied into the module.
pub(crate) fn json_text(value: &JsValue, what: &'static str, limit: usize) -> JsResult<String> {
    let text = match value.as_string() {
        Some(s) => s,
        None => js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| js_error(Error::invalid_argument(format!("{what} must be an object or JSON text"))))?,
    };
    limits::check(what, text.len(), limit).map_err(js_error)?;
    Ok(text)
}

/// Subscription status at `at` (epoch ms; default now) from Apple, Google or NHN input.
#[wasm_bindgen(js_name = subscriptionStatus, unchecked_return_type = "SubscriptionStatus")]
pub fn subscription_status(
    #[wasm_bindgen(unchecked_param_type = "SubscriptionInput")] input: JsValue,
    at: Option<f64>,
) -> JsResult<JsValue> {
    let at = match at {
        None => now_ms(),
        Some(t) if t.is_finite() && t.fract() == 0.0 && t.abs() < 9.007_199_254_740_992e15 => {
            // A safe integer, so the conversion is exact.
            #[allow(clippy::cast_possible_truncation)]
            let ms = t as i64;
            ms
        }
        Some(_) => {
            return Err(js_error(Error::invalid_argument("`at` must be an integer number of epoch milliseconds")))
        }
    };
    let text = json_text(&input, "subscription input", limits::MAX_SUBSCRIPTION_JSON)?;
    to_js(&subscription_status_json(&text, at).map_err(js_error)?)
}
