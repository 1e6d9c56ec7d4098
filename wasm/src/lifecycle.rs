//! JS bindings for `PurchaseFlow`: one purchase lifecycle for every store.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::purchase::{json_text, lookup, unverified, Verified};
use crate::{js_error, to_js, JsResult};
use iap_verify::binding;
use iap_verify::limits;
use iap_verify::purchase::{PurchaseEvent, PurchaseFlow, PurchaseStart};
use iap_verify::Error;

fn event_from_js(event: &JsValue) -> JsResult<PurchaseEvent> {
    let Some(object) = event.dyn_ref::<Object>() else {
        return Err(js_error(Error::invalid_argument("the event must be an object with a `type`")));
    };
    let kind = Reflect::get(object, &"type".into()).ok().and_then(|t| t.as_string());
    if kind.as_deref() == Some("VERIFIED") {
        let keys = Object::keys(object);
        if !keys.iter().all(|k| matches!(k.as_string().as_deref(), Some("type" | "purchase"))) {
            return Err(js_error(Error::invalid_argument("VERIFIED takes only `type` and `purchase`")));
        }
        let purchase = Reflect::get(object, &"purchase".into()).unwrap_or(JsValue::UNDEFINED);
        return match lookup(&purchase) {
            Some((Verified::Purchase, json)) => binding::stored(&json)
                .map(|p| PurchaseEvent::Verified { purchase: Box::new(p) })
                .map_err(js_error),
            _ => Err(unverified("VERIFIED's purchase (from toPurchase)")),
        };
    }
    let text = json_text(event, "purchase event", limits::MAX_FLOW_FIELD * 4)?;
    PurchaseEvent::from_json(&text).map_err(js_error)
}

/// One purchase's lifecycle, any store: verify → deliver exactly once → settle → complete (NHN
/// settles first). Immutable: `apply` returns the next flow; `next` says what to do now.
#[wasm_bindgen(js_name = PurchaseFlow)]
pub struct JsPurchaseFlow {
    inner: PurchaseFlow,
}

#[wasm_bindgen(js_class = PurchaseFlow)]
impl JsPurchaseFlow {
    /// A new flow in `RECEIVED`.
    pub fn start(#[wasm_bindgen(unchecked_param_type = "PurchaseStart")] params: JsValue) -> JsResult<JsPurchaseFlow> {
        let text = json_text(&params, "purchase start", limits::MAX_FLOW_FIELD * 8)?;
        let params = PurchaseStart::from_json(&text).map_err(js_error)?;
        Ok(JsPurchaseFlow { inner: PurchaseFlow::start(params).map_err(js_error)? })
    }

    /// Applies one event: `{ flow, effects, duplicate }`. Save `flow` before performing `effects`.
    #[wasm_bindgen(unchecked_return_type = "PurchaseApplied")]
    pub fn apply(&self, #[wasm_bindgen(unchecked_param_type = "PurchaseEvent")] event: JsValue) -> JsResult<JsValue> {
        let event = event_from_js(&event)?;
        let applied = self.inner.apply(&event).map_err(js_error)?;
        let out = Object::new();
        let effects = to_js(&applied.effects)?;
        let flow = JsValue::from(JsPurchaseFlow { inner: applied.flow });
        let _ = Reflect::set(&out, &"flow".into(), &flow);
        let _ = Reflect::set(&out, &"effects".into(), &effects);
        let _ = Reflect::set(&out, &"duplicate".into(), &applied.duplicate.into());
        Ok(out.into())
    }

    /// What the driver does now: `VERIFY`, `REQUEST_SETTLE`, `RETRY_SETTLE`, `DELIVER`,
    /// `COMPLETE`, `REVOKE`, `WAIT` or `NONE`.
    #[wasm_bindgen(unchecked_return_type = "PurchaseStep")]
    pub fn next(&self) -> JsResult<JsValue> {
        to_js(&self.inner.next_step())
    }

    /// The `DELIVER` effect of this flow.
    #[wasm_bindgen(js_name = deliverEffect, unchecked_return_type = "PurchaseEffectOf<'DELIVER'>")]
    pub fn deliver_effect(&self) -> JsResult<JsValue> {
        to_js(&self.inner.deliver_effect())
    }

    /// The `REVOKE` effect of this flow (owed while `revokePending`).
    #[wasm_bindgen(js_name = revokeEffect, unchecked_return_type = "PurchaseEffectOf<'REVOKE'>")]
    pub fn revoke_effect(&self) -> JsResult<JsValue> {
        to_js(&self.inner.revoke_effect())
    }

    /// The stored form.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "PurchaseFlowJSON")]
    pub fn to_json(&self) -> JsResult<JsValue> {
        to_js(&self.inner)
    }

    /// Restores a stored flow (object or text); tampered JSON is `MALFORMED_INPUT`.
    #[wasm_bindgen(js_name = fromJSON)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "PurchaseFlowJSON | string")] stored: JsValue,
    ) -> JsResult<JsPurchaseFlow> {
        let text = json_text(&stored, "purchase flow", limits::MAX_FLOW_JSON)?;
        Ok(JsPurchaseFlow { inner: PurchaseFlow::from_json(&text).map_err(js_error)? })
    }

    /// The state.
    #[wasm_bindgen(getter, unchecked_return_type = "PurchaseFlowState")]
    pub fn state(&self) -> String {
        self.inner.state().as_str().to_owned()
    }
    /// The purchase's store code.
    #[wasm_bindgen(getter, unchecked_return_type = "StoreCode")]
    pub fn store(&self) -> String {
        self.inner.store().as_str().to_owned()
    }
    /// The ledger's store key: `NHN` for a payment through NHN, else the store code.
    #[wasm_bindgen(getter, js_name = ledgerStore)]
    pub fn ledger_store(&self) -> String {
        self.inner.ledger_store().to_owned()
    }
    /// The store's id of the purchase.
    #[wasm_bindgen(getter, js_name = storeId)]
    pub fn store_id(&self) -> String {
        self.inner.store_id().to_owned()
    }
    /// Through NHN.
    #[wasm_bindgen(getter)]
    pub fn nhn(&self) -> bool {
        self.inner.nhn()
    }
    /// The app's user id, when known.
    #[wasm_bindgen(getter, js_name = userId)]
    pub fn user_id(&self) -> Option<String> {
        self.inner.user_id().map(str::to_owned)
    }
    /// The product id.
    #[wasm_bindgen(getter, js_name = productId)]
    pub fn product_id(&self) -> String {
        self.inner.product_id().to_owned()
    }
    /// The catalog's kind.
    #[wasm_bindgen(getter, unchecked_return_type = "ProductKind")]
    pub fn kind(&self) -> String {
        self.inner.kind().as_str().to_owned()
    }
    /// How it is settled.
    #[wasm_bindgen(getter, unchecked_return_type = "Settle")]
    pub fn settle(&self) -> String {
        self.inner.settle().as_str().to_owned()
    }
    /// The verified purchase (a copy).
    #[wasm_bindgen(getter, unchecked_return_type = "Purchase | undefined")]
    pub fn purchase(&self) -> JsResult<JsValue> {
        self.inner.purchase().map_or(Ok(JsValue::UNDEFINED), to_js)
    }
    /// Granted.
    #[wasm_bindgen(getter)]
    pub fn delivered(&self) -> bool {
        self.inner.delivered()
    }
    /// Settled with the store.
    #[wasm_bindgen(getter)]
    pub fn settled(&self) -> bool {
        self.inner.settled()
    }
    /// Refunded after delivery, and the `REVOKE` is owed (not reported done with `REVOKED`).
    #[wasm_bindgen(getter, js_name = revokePending)]
    pub fn revoke_pending(&self) -> bool {
        self.inner.revoke_pending()
    }
    /// Delivered, not settled, with a store that refunds what is not settled in time.
    #[wasm_bindgen(getter)]
    pub fn unsettled(&self) -> bool {
        self.inner.unsettled()
    }
    /// When the store refunds it unless settled (epoch ms).
    #[wasm_bindgen(getter, js_name = acknowledgeBy)]
    pub fn acknowledge_by(&self) -> Option<f64> {
        // Epoch ms fit an f64 exactly.
        #[allow(clippy::cast_precision_loss)]
        self.inner.acknowledge_by().map(|t| t as f64)
    }
    /// A person should look.
    #[wasm_bindgen(getter)]
    pub fn flagged(&self) -> bool {
        self.inner.flagged()
    }
    /// Settle requests so far.
    #[wasm_bindgen(getter, js_name = settleAttempts)]
    pub fn settle_attempts(&self) -> u32 {
        self.inner.settle_attempts()
    }
    /// Why it ended, when known.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> Option<String> {
        self.inner.reason().map(str::to_owned)
    }
    /// The audit trail of reopenings.
    #[wasm_bindgen(getter)]
    pub fn reopened(&self) -> Vec<String> {
        self.inner.reopened().to_vec()
    }
    /// Renewals applied to this subscription.
    #[wasm_bindgen(getter)]
    pub fn renewals(&self) -> u32 {
        self.inner.renewals()
    }
    /// When the last renewal applied happened (epoch ms).
    #[wasm_bindgen(getter, js_name = renewedAt)]
    pub fn renewed_at(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        self.inner.renewed_at().map(|t| t as f64)
    }
    /// The end of the paid period (epoch ms): the latest a renewal said, else the purchase's expiry.
    #[wasm_bindgen(getter, js_name = expiresAt)]
    pub fn expires_at(&self) -> Option<f64> {
        #[allow(clippy::cast_precision_loss)]
        self.inner.expires_at().map(|t| t as f64)
    }
}
