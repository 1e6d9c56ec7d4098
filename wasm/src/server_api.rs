//! JS bindings for the server APIs, sans-I/O: one class, `__ServerApi`, builds the request of any
//! declared endpoint and parses its response. The declarations themselves reach JS at build time
//! (`examples/declarations.rs` prints them, `scripts/gen-endpoints.mjs` writes the table
//! `pkg/src/clients.js` makes the public classes from, and their types). The types of parameters
//! and results are below.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::purchase::{register, Verified};
use crate::{js_error, to_js, JsResult};
use iap_verify::endpoint::{Endpoint, ServerApi};
use iap_verify::{Error, Unit};
use iap_verify::limits;
use iap_verify::apple::AppStoreServerApi;
use iap_verify::google::GooglePlayApi;
use iap_verify::onestore::OneStoreApi;
use iap_verify::binding::strip_quoted;
use iap_verify::nhn::{GamebaseApi, HttpResponse, IapApi};

/// A caller's JS object as JSON, every key included (so that typos are errors, not ignored).
pub(super) fn json_arg(value: JsValue, what: &'static str) -> JsResult<serde_json::Value> {
    crate::js_to_json(&value).map_err(|e| js_error(Error::invalid_argument(format!("{what}: {}", strip_quoted(&e)))))
}

/// The response, refused before it is copied into the module when its body is over the limit
/// (a JS string's UTF-16 length never exceeds its UTF-8 byte length, so the early check is safe).
pub(super) fn response_arg(value: JsValue, what: &'static str) -> JsResult<HttpResponse> {
    if let Ok(body) = js_sys::Reflect::get(&value, &JsValue::from_str("body")) {
        if let Some(text) = body.dyn_ref::<js_sys::JsString>() {
            let len = usize::try_from(text.length()).unwrap_or(usize::MAX);
            // Counted in UTF-16 units: more of them than the limit means more bytes too.
            limits::check_count(what, len, limits::MAX_API_RESPONSE, Unit::Characters).map_err(js_error)?;
        }
    }
    let json = json_arg(value, "response")?;
    serde_json::from_value(json).map_err(|e| js_error(Error::invalid_argument(format!("response: {}", strip_quoted(&e.to_string())))))
}

/// The core API behind a `__ServerApi`.
pub(super) enum Core {
    Iap(IapApi),
    Gamebase(GamebaseApi),
    AppStore(Box<AppStoreServerApi>),
    GooglePlay(Box<GooglePlayApi>),
    OneStore(Box<OneStoreApi>),
}

/// Internal, for `pkg/src/endpoints.js`: one server API, any of its declared endpoints.
#[wasm_bindgen(js_name = __ServerApi, skip_typescript)]
pub struct JsServerApi {
    pub(super) core: Core,
}

pub(super) fn request_of<A: ServerApi>(api: &A, name: &str, params: JsValue, now_ms: f64) -> JsResult<JsValue> {
    let endpoint = A::endpoint(name).map_err(js_error)?;
    // No parameters object reads as an empty one: the declaration then names what is missing.
    let params = if params.is_undefined() || params.is_null() { serde_json::json!({}) } else { json_arg(params, "params")? };
    to_js(&api.request(endpoint, &params, ms(now_ms)).map_err(js_error)?)
}

/// `Date.now()` as whole ms; `as` saturates (NaN is 0).
pub(super) fn ms(now_ms: f64) -> i64 {
    #[allow(clippy::cast_possible_truncation)]
    let n = now_ms as i64;
    n
}

pub(super) fn parse_of<A: ServerApi>(api: &A, name: &str, response: JsValue, now_ms: f64, records: bool) -> JsResult<JsValue> {
    let endpoint: &Endpoint<A> = A::endpoint(name).map_err(js_error)?;
    let value = api.parse(endpoint, &response_arg(response, A::RESPONSE)?, ms(now_ms)).map_err(js_error)?;
    match value {
        serde_json::Value::Null => Ok(JsValue::UNDEFINED),
        v if records => records_js(&v),
        v => to_js(&v),
    }
}


#[wasm_bindgen(js_class = __ServerApi)]
impl JsServerApi {
    /// `new __ServerApi(api, options)`, `api` one of `iap`, `gamebase`, `appstore`, `googleplay`, `onestore`.
    #[wasm_bindgen(constructor)]
    pub fn new(api: &str, options: JsValue) -> JsResult<JsServerApi> {
        let o = json_arg(options, "options")?;
        let core = match api {
            "iap" => Core::Iap(IapApi::from_options(&o).map_err(js_error)?),
            "gamebase" => Core::Gamebase(GamebaseApi::from_options(&o).map_err(js_error)?),
            "appstore" => Core::AppStore(Box::new(AppStoreServerApi::from_options(&o).map_err(js_error)?)),
            "googleplay" => Core::GooglePlay(Box::new(GooglePlayApi::from_options(&o).map_err(js_error)?)),
            "onestore" => Core::OneStore(Box::new(OneStoreApi::from_options(&o).map_err(js_error)?)),
            _ => return Err(js_error(Error::invalid_argument(format!("no server API named {api:?}")))),
        };
        Ok(JsServerApi { core })
    }

    /// The base URL requests go to.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        match &self.core {
            Core::Iap(a) => ServerApi::base_url(a).to_owned(),
            Core::Gamebase(a) => ServerApi::base_url(a).to_owned(),
            Core::AppStore(a) => ServerApi::base_url(a.as_ref()).to_owned(),
            Core::GooglePlay(a) => ServerApi::base_url(a.as_ref()).to_owned(),
            Core::OneStore(a) => ServerApi::base_url(a.as_ref()).to_owned(),
        }
    }

    /// The request of endpoint `name` for `params`; `nowMs` is the time (for signed tokens).
    pub fn request(&self, name: &str, params: JsValue, now_ms: f64) -> JsResult<JsValue> {
        match &self.core {
            Core::Iap(a) => request_of(a, name, params, now_ms),
            Core::Gamebase(a) => request_of(a, name, params, now_ms),
            Core::AppStore(a) => request_of(a.as_ref(), name, params, now_ms),
            Core::GooglePlay(a) => request_of(a.as_ref(), name, params, now_ms),
            Core::OneStore(a) => request_of(a.as_ref(), name, params, now_ms),
        }
    }

    /// The result of endpoint `name`'s `response` (`undefined` for an answer with none); `nowMs`
    /// is the time, for verifying signed data in it; `params`, the request's (optional), lets the
    /// Play API's purchases name their product and token for `toPurchase`.
    pub fn parse(&self, name: &str, response: JsValue, now_ms: f64, params: JsValue) -> JsResult<JsValue> {
        match &self.core {
            Core::Iap(a) => parse_of(a, name, response, now_ms, true),
            Core::Gamebase(a) => parse_of(a, name, response, now_ms, true),
            Core::AppStore(a) => parse_of(a.as_ref(), name, response, now_ms, false),
            Core::GooglePlay(a) => crate::play::parse(a, name, response, now_ms, &params),
            Core::OneStore(a) => crate::play::parse_onestore(a, name, response, now_ms, &params),
        }
    }
}

/// A parsed answer as JS, its payment records registered for `toPurchase`: each element of a
/// list, or the object itself, when it is a record the unified model can read (it names its
/// store, product and purchase time; the IAP API's lists name no store, the request did).
fn records_js(json: &serde_json::Value) -> JsResult<JsValue> {
    let js = to_js(json)?;
    let is_record = iap_verify::binding::is_nhn_record;
    match json {
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let Ok(index) = u32::try_from(i) else { break };
                if is_record(item) {
                    register(&js_sys::Array::from(&js).get(index), Verified::NhnRecord, item)?;
                }
            }
        }
        one if is_record(one) => register(&js, Verified::NhnRecord, one)?,
        _ => {}
    }
    Ok(js)
}

/// Internal, for `pkg/src/clients.js`: the package's error for a transport failure, so that
/// codes, messages and `retryable` come from the one error model. `kind` is `"network"`
/// (`reason` says what failed), `"timeout"` (`n` is the time allowed, in ms), `"too_large"` (`n`
/// is the body's size as far as it was read, or its Content-Length), `"malformed"` (an answer the
/// client cannot use, such as a page that says there is more but has no next token) or
/// `"argument"` (a bad client option).
#[wasm_bindgen(js_name = __clientError, skip_typescript)]
pub fn client_error(kind: &str, reason: &str, n: f64) -> JsValue {
    // `as` saturates (NaN is 0), so any JS number gives a sane count.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = n.round() as u64;
    let e = match kind {
        "timeout" => Error::Timeout { after_ms: n },
        "too_large" => Error::InputTooLarge {
            what: match reason {
                "appstore" => "App Store Server API response",
                "googleplay" => "Google Play Developer API response",
                "onestore" => "ONE store API response",
                _ => "NHN API response",
            },
            limit: limits::MAX_API_RESPONSE,
            actual: usize::try_from(n).unwrap_or(usize::MAX),
            unit: Unit::Bytes,
        },
        // The reason names the failure's kind; a caller's fetch may have made it up, so it is
        // cleaned like any upstream text.
        "network" => Error::Network { reason: iap_verify::binding::upstream_text(reason, None) },
        "malformed" => Error::malformed("store API response", iap_verify::binding::upstream_text(reason, None)),
        _ => Error::invalid_argument(reason),
    };
    js_error(e)
}

/// Internal, for `pkg/src/clients.js`: the most bytes an API response body may have, so that the
/// client stops reading a larger one as it arrives.
#[wasm_bindgen(js_name = __responseLimit, skip_typescript)]
pub fn response_limit() -> f64 {
    // 4 MiB: exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let limit = limits::MAX_API_RESPONSE as f64;
    limit
}
