//! JS bindings for the payment flow (`PaymentFlow`): NHN's server-to-server purchase states.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::purchase::{json_text, lookup, unverified, Verified};
use iap_verify::binding;
use iap_verify::purchase::Purchase;
use crate::{js_error, to_js, JsResult};
use iap_verify::Error;
use iap_verify::limits;
use iap_verify::purchase::{FlowEvent, PaymentFlow, StartParams};

/// A registered purchase, read straight from its JSON text (the same code path as a saved flow).
fn registered_purchase(json: &str) -> Result<Purchase, Error> {
    binding::stored(json)
}

fn event_from_js(event: &JsValue) -> JsResult<FlowEvent> {
    let Some(object) = event.dyn_ref::<Object>() else {
        return Err(js_error(Error::invalid_argument("the event must be an object with a `type`")));
    };
    let kind = Reflect::get(object, &"type".into()).ok().and_then(|t| t.as_string());
    if kind.as_deref() == Some("VERIFIED") {
        let keys = Object::keys(object);
        let only_known = keys.iter().all(|k| matches!(k.as_string().as_deref(), Some("type" | "purchase")));
        if !only_known {
            return Err(js_error(Error::invalid_argument("VERIFIED takes only `type` and `purchase`")));
        }
        let purchase = Reflect::get(object, &"purchase".into()).unwrap_or(JsValue::UNDEFINED);
        return match lookup(&purchase) {
            Some((Verified::Purchase, json)) => {
                registered_purchase(&json).map(|p| FlowEvent::Verified { purchase: Box::new(p) }).map_err(js_error)
            }
            _ => Err(unverified("VERIFIED's purchase (from toPurchase)")),
        };
    }
    let text = json_text(event, "payment flow event", limits::MAX_FLOW_FIELD * 4)?;
    serde_json::from_slice(text.as_bytes()).map_err(|e| js_error(Error::invalid_argument(format!("payment flow event: {e}"))))
}

/// One payment's flow through verify → consume → deliver → complete (see the README's
/// "Purchase state"). Immutable: `apply` returns the next flow.
#[wasm_bindgen(js_name = PaymentFlow)]
pub struct JsPaymentFlow {
    inner: PaymentFlow,
}

#[wasm_bindgen(js_class = PaymentFlow)]
impl JsPaymentFlow {
    /// A new flow in `RESERVED`.
    pub fn start(#[wasm_bindgen(unchecked_param_type = "FlowStart")] params: JsValue) -> JsResult<JsPaymentFlow> {
        let text = json_text(&params, "start parameters", limits::MAX_FLOW_FIELD * 4)?;
        let params: StartParams = serde_json::from_slice(text.as_bytes())
            .map_err(|e| js_error(Error::invalid_argument(format!("start parameters: {e}"))))?;
        Ok(JsPaymentFlow { inner: PaymentFlow::start(params).map_err(js_error)? })
    }

    /// Applies one event: `{ flow, effects, duplicate }`. Save `flow` before performing `effects`.
    #[wasm_bindgen(unchecked_return_type = "Applied")]
    pub fn apply(&self, #[wasm_bindgen(unchecked_param_type = "FlowEvent")] event: JsValue) -> JsResult<JsValue> {
        let event = event_from_js(&event)?;
        let applied = self.inner.apply(&event).map_err(js_error)?;
        let out = Object::new();
        let effects = to_js(&applied.effects)?;
        let flow = JsValue::from(JsPaymentFlow { inner: applied.flow });
        // Setting properties on a fresh plain object cannot fail.
        let _ = Reflect::set(&out, &"flow".into(), &flow);
        let _ = Reflect::set(&out, &"effects".into(), &effects);
        let _ = Reflect::set(&out, &"duplicate".into(), &applied.duplicate.into());
        Ok(out.into())
    }

    /// The effects the current state waits on (`VERIFY`, `CONSUME`, `DELIVER`, `COMPLETE`), for
    /// resuming a stored flow.
    #[wasm_bindgen(js_name = pendingEffects, unchecked_return_type = "Effect[]")]
    pub fn pending_effects(&self) -> JsResult<JsValue> {
        to_js(&self.inner.pending_effects())
    }

    /// The stored form, a plain object (`JSON.stringify(flow)` uses it).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "PaymentFlowJSON")]
    pub fn to_json(&self) -> JsResult<JsValue> {
        to_js(&self.inner)
    }

    /// Restores a stored flow (the object or its JSON text). Tampered or old JSON (unknown
    /// state, missing or unknown fields, impossible combinations) is `MALFORMED_INPUT`.
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "PaymentFlowJSON | string")] stored: JsValue,
    ) -> JsResult<JsPaymentFlow> {
        let text = json_text(&stored, "payment flow", limits::MAX_FLOW_JSON)?;
        Ok(JsPaymentFlow { inner: PaymentFlow::from_json(&text).map_err(js_error)? })
    }

    /// The current state.
    #[wasm_bindgen(getter, unchecked_return_type = "FlowState")]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_owned()
    }
    /// NHN payment number.
    #[wasm_bindgen(getter, js_name = paymentSeq)]
    pub fn payment_seq(&self) -> String {
        self.inner.payment_seq().to_owned()
    }
    /// The app's user id.
    #[wasm_bindgen(getter, js_name = userId)]
    pub fn user_id(&self) -> String {
        self.inner.user_id().to_owned()
    }
    /// The store code.
    #[wasm_bindgen(getter, unchecked_return_type = "StoreCode")]
    pub fn store(&self) -> String {
        self.inner.store().as_str().to_owned()
    }
    /// The product id.
    #[wasm_bindgen(getter, js_name = productId)]
    pub fn product_id(&self) -> String {
        self.inner.product_id().to_owned()
    }
    /// The consume token, once paid.
    #[wasm_bindgen(getter, js_name = accessToken)]
    pub fn access_token(&self) -> Option<String> {
        self.inner.access_token().map(str::to_owned)
    }
    /// The verified purchase, once verified (a copy: not accepted by `VERIFIED` of another flow).
    #[wasm_bindgen(getter, unchecked_return_type = "Purchase | undefined")]
    pub fn purchase(&self) -> JsResult<JsValue> {
        self.inner.purchase().map_or(Ok(JsValue::UNDEFINED), to_js)
    }
    /// Whether the item was granted.
    #[wasm_bindgen(getter)]
    pub fn delivered(&self) -> bool {
        self.inner.delivered()
    }
    /// Whether a person should look at this payment (consumed elsewhere).
    #[wasm_bindgen(getter)]
    pub fn flagged(&self) -> bool {
        self.inner.flagged()
    }
    /// Consume requests asked for so far.
    #[wasm_bindgen(getter, js_name = consumeAttempts)]
    pub fn consume_attempts(&self) -> u32 {
        self.inner.consume_attempts()
    }
    /// Why the flow ended, when known.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> Option<String> {
        self.inner.reason().map(str::to_owned)
    }
}

