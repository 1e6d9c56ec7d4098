//! JS bindings for Pub/Sub push authentication: a parsed key set, and the token check with its
//! RSA step on the host's crypto (node:crypto where registered, ring otherwise). `pkg/src/pubsub.js`
//! fetches and caches the key set and exposes `verifyPubSubPush`.

use wasm_bindgen::prelude::*;

use crate::engine::{Engine, HostKeys};
use iap_verify::host::run_ready;
use crate::{js_error, string_arg, to_js, JsResult};
use iap_verify::Error;
use iap_verify::google::pubsub::{self, Expected, GoogleKeys};
use iap_verify::limits;

/// Internal, for `pkg/src/pubsub.js`: Google's key set, parsed and checked once, with its keys
/// imported into the host engines on first use. Not public API.
#[wasm_bindgen(js_name = __PubSubKeys, skip_typescript)]
pub struct PubSubKeys {
    keys: GoogleKeys,
    host: HostKeys,
}

#[wasm_bindgen(js_class = __PubSubKeys)]
impl PubSubKeys {
    /// From an HTTP answer (`status`, `body` text): non-2xx is `API_ERROR`. A caller's own key
    /// set comes as status 200.
    #[wasm_bindgen(constructor)]
    pub fn new(status: u16, body: JsValue) -> JsResult<PubSubKeys> {
        let body = string_arg(&body, "key set", limits::MAX_JWKS)?;
        let keys = GoogleKeys::from_response(status, body.as_bytes()).map_err(js_error)?;
        Ok(PubSubKeys { keys, host: HostKeys::default() })
    }

    /// The verified claims, or the `IapError`. Synchronous: the RSA step runs on node:crypto
    /// where the Node entries registered it (Node, Bun), else on ring. (An async form handing it to
    /// WebCrypto would cost about 5 KB of wasm for one RSA-2048 check per push, which ring does in
    /// well under a millisecond.)
    /// `pkg/src/pubsub.js` has checked the argument types; sizes and everything else are the core's.
    pub fn verify(&self, authorization: &str, audience: &str, email: &str, now: f64) -> JsResult<JsValue> {
        let now = iap_verify::binding::ms_from_f64(now)
            .ok_or_else(|| js_error(Error::invalid_argument("now must be a finite number of epoch milliseconds")))?;
        let expected = Expected::new(audience, email).map_err(js_error)?;
        let engine = Engine::Sync(&self.host);
        let verify = pubsub::verify_push_with(&engine, authorization, &self.keys, &expected, now);
        let verified = run_ready(verify).and_then(|r| r).map_err(js_error)?;
        to_js(verified.claims())
    }
}
