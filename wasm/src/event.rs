//! Every store's notification as one event (`StoreEvent`): the JS boundary of the core's
//! `purchase::StoreEvent`.

use iap_verify::purchase::StoreEvent;
use iap_verify::binding;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::purchase::{lookup, register, Verified};
use crate::{js_error, to_js, JsResult};

/// The event as JS, its `purchase` registered as one `toPurchase` returned.
fn event_js(event: &StoreEvent) -> JsResult<JsValue> {
    let js = to_js(event)?;
    if let Some(purchase) = &event.purchase {
        let object = Reflect::get(&js, &"purchase".into()).unwrap_or(JsValue::UNDEFINED);
        register(&object, Verified::Purchase, purchase)?;
    }
    Ok(js)
}

/// The event of a notification `verifyAndDecodeNotification` (or its `...Async` form) returned.
/// `INVALID_ARGUMENT` for anything else: the event is made from what was verified, not from the
/// object handed in.
#[wasm_bindgen(js_name = appleNotificationEvent, unchecked_return_type = "StoreEvent")]
pub fn apple_notification_event(
    #[wasm_bindgen(unchecked_param_type = "ResponseBodyV2DecodedPayload")] notification: JsValue,
) -> JsResult<JsValue> {
    match lookup(&notification) {
        Some((Verified::AppleNotification, json)) => event_js(&binding::apple_event(&json).map_err(js_error)?),
        _ => Err(crate::purchase::unverified("appleNotificationEvent's argument")),
    }
}

/// The event of a Google real-time developer notification, from the Pub/Sub push body (text or the
/// parsed object). Decoding verifies nothing: call it for a push whose `Authorization` token
/// `verifyPubSubPush` accepted.
#[wasm_bindgen(js_name = googleNotificationEvent, unchecked_return_type = "StoreEvent")]
pub fn google_notification_event(
    #[wasm_bindgen(js_name = pushBody, unchecked_param_type = "string | PubSubPushBody")] push_body: JsValue,
) -> JsResult<JsValue> {
    let body = crate::google::push_body_text(&push_body)?;
    let notification = iap_verify::google::rtdn::decode_push(body.as_bytes()).map_err(js_error)?;
    event_js(&StoreEvent::from_google(&notification).map_err(js_error)?)
}

/// The event of a ONE store Payment Notification (PNS), verified here with the app's licence key
/// (as `verifyOneStoreNotification` does: a forged or tampered message is `INVALID_SIGNATURE`,
/// and no event is made). The body as received (a string) or as parsed.
#[wasm_bindgen(js_name = oneStorePaymentEvent, unchecked_return_type = "StoreEvent")]
pub fn onestore_payment_event(
    #[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue,
    #[wasm_bindgen(js_name = licenseKey, unchecked_param_type = "string")] license_key: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "KeyOptions")] options: JsValue,
) -> JsResult<JsValue> {
    let verified = crate::google::verified_pns(&body, &license_key, &options)?;
    event_js(&StoreEvent::from_onestore_payment(&verified).map_err(js_error)?)
}

/// Internal, for the notification handler (`pkg/src/notifications.js`): a PNS verified once, as
/// `{ message, event }` (what `verifyOneStoreNotification` and `oneStorePaymentEvent` return), or
/// `{ message, error }` when the verified message makes no event. A PNS that does not verify
/// throws, as it does in both.
#[wasm_bindgen(js_name = __oneStorePaymentNotification, skip_typescript)]
pub fn onestore_payment_notification(body: JsValue, license_key: JsValue, options: JsValue) -> JsResult<JsValue> {
    let verified = crate::google::verified_pns(&body, &license_key, &options)?;
    let out = js_sys::Object::new();
    let (key, value) = match StoreEvent::from_onestore_payment(&verified) {
        Ok(event) => ("event", event_js(&event)?),
        Err(e) => ("error", js_error(e)),
    };
    Reflect::set(&out, &key.into(), &value)?;
    Reflect::set(&out, &"message".into(), &to_js(&serde_json::Value::Object(verified.into_message()))?)?;
    Ok(out.into())
}

/// The event of a ONE store Subscription Notification (SNS). It is not signed, so decoding
/// verifies nothing: confirm it with `getSubscriptionDetail` before acting on it.
#[wasm_bindgen(js_name = oneStoreSubscriptionEvent, unchecked_return_type = "StoreEvent")]
pub fn onestore_subscription_event(#[wasm_bindgen(unchecked_param_type = "string | object")] body: JsValue) -> JsResult<JsValue> {
    event_js(&StoreEvent::from_onestore_subscription(&crate::google::decoded_sns(&body)?).map_err(js_error)?)
}
