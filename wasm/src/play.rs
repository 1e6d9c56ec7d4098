//! JS bindings of the Play Developer API (and the token exchange ONE store's API shares with it) beside the generic `__ServerApi` ones: the token
//! exchange (`tokenRequest`, `parseToken`), and the purchases its answers carry registered for
//! `toPurchase` (with the request's product id and token, which the answer may leave out).

use wasm_bindgen::prelude::*;

use crate::server_api::{json_arg, ms, response_arg, Core, JsServerApi};
use crate::purchase::{register, Verified};
use crate::{js_error, to_js, JsResult};
use iap_verify::endpoint::ServerApi;
use iap_verify::Error;
use iap_verify::binding::request_facts;
use iap_verify::google::GooglePlayApi;
use iap_verify::onestore::OneStoreApi;

fn no_token() -> JsValue {
    js_error(Error::invalid_argument("only the Google Play Developer API and ONE store's API have an OAuth token exchange"))
}

#[wasm_bindgen(js_class = __ServerApi)]
impl JsServerApi {
    /// The token request (RFC 7523 JWT-bearer grant) with an assertion signed at `nowMs`.
    #[wasm_bindgen(js_name = tokenRequest)]
    pub fn token_request(&self, now_ms: f64) -> JsResult<JsValue> {
        match &self.core {
            Core::GooglePlay(a) => to_js(&a.token_request(ms(now_ms)).map_err(js_error)?),
            Core::OneStore(a) => to_js(&a.token_request().map_err(js_error)?),
            _ => Err(no_token()),
        }
    }

    /// Reads the token response; the access token is kept for the requests that follow.
    #[wasm_bindgen(js_name = parseToken)]
    pub fn parse_token(&self, response: JsValue, now_ms: f64) -> JsResult<JsValue> {
        match &self.core {
            Core::GooglePlay(a) => to_js(&a.parse_token(&response_arg(response, "Google OAuth token response")?, ms(now_ms)).map_err(js_error)?),
            Core::OneStore(a) => to_js(&a.parse_token(&response_arg(response, "ONE store OAuth token response")?, ms(now_ms)).map_err(js_error)?),
            _ => Err(no_token()),
        }
    }

    /// Forgets the access token (after a 401).
    #[wasm_bindgen(js_name = clearToken)]
    pub fn clear_token(&self) -> JsResult<()> {
        match &self.core {
            Core::GooglePlay(a) => a.clear_token(),
            Core::OneStore(a) => a.clear_token(),
            _ => return Err(no_token()),
        }
        Ok(())
    }
}

/// `parse` for the Play API: the answer, and for a purchase its registration for `toPurchase`.
pub(super) fn parse(api: &GooglePlayApi, name: &str, response: JsValue, now_ms: f64, params: &JsValue) -> JsResult<JsValue> {
    let endpoint = GooglePlayApi::endpoint(name).map_err(js_error)?;
    let value = api.parse(endpoint, &response_arg(response, GooglePlayApi::RESPONSE)?, ms(now_ms)).map_err(js_error)?;
    if value.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    let js = to_js(&value)?;
    let kind = match name {
        "getProductPurchase" => Verified::GooglePlayProduct,
        "getSubscriptionPurchaseV2" => Verified::GooglePlaySubscription,
        "getProductPurchaseV2" => Verified::GooglePlayProductV2,
        _ => return Ok(js),
    };
    let request = if params.is_undefined() || params.is_null() { serde_json::json!({}) } else { json_arg(params.clone(), "params")? };
    register(&js, kind, &serde_json::json!({ "request": request_facts(&request), "resource": value }))?;
    Ok(js)
}

/// `parse` for ONE store's API: the answer, and for a purchase or subscription its registration
/// for `toPurchase` (with the request's product id and token and the client's environment, which
/// the answer leaves out).
pub(super) fn parse_onestore(api: &OneStoreApi, name: &str, response: JsValue, now_ms: f64, params: &JsValue) -> JsResult<JsValue> {
    let endpoint = OneStoreApi::endpoint(name).map_err(js_error)?;
    let value = api.parse(endpoint, &response_arg(response, OneStoreApi::RESPONSE)?, ms(now_ms)).map_err(js_error)?;
    if value.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    let js = to_js(&value)?;
    let kind = match name {
        "getPurchaseDetails" => Verified::OneStoreProduct,
        "getSubscriptionDetail" => Verified::OneStoreSubscription,
        _ => return Ok(js),
    };
    let request = if params.is_undefined() || params.is_null() { serde_json::json!({}) } else { json_arg(params.clone(), "params")? };
    let mut facts = request_facts(&request);
    if let Some(o) = facts.as_object_mut() {
        o.insert("environment".into(), api.environment().as_str().into());
    }
    register(&js, kind, &serde_json::json!({ "request": facts, "resource": value }))?;
    Ok(js)
}
