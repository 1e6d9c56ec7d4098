//! The I/O of the online checks: sends the core's OCSP requests with `fetch` (the caller's, or the
//! global one looked up at call time) and hands the response bytes back to the core.

use std::future::Future;
use std::pin::Pin;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::{invalid, JsResult, Options};
use iap_verify::{Error, Result};
use iap_verify::limits;
use iap_verify::ocsp::{OcspRequest, OcspTransport};

/// Apple's library waits 30 s; the package's API clients 10 s, and so do the online checks.
const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

#[wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(ms)` (Node 17.3+, Deno, Bun, workerd, browsers).
    #[wasm_bindgen(js_namespace = AbortSignal, js_name = timeout, catch)]
    fn abort_after(ms: f64) -> Result<JsValue, JsValue>;
}

/// `fetch` and the per-request timeout, from the verifier's options.
pub(crate) struct FetchTransport {
    fetch: Option<Function>,
    timeout_ms: f64,
}

impl FetchTransport {
    /// `{ fetch?, timeoutMs? }` (the `SignedDataVerifier` constructor's sixth argument).
    pub(crate) fn from_options(value: &JsValue) -> JsResult<FetchTransport> {
        let o = Options::read(value, "options", &["fetch", "timeoutMs"])?;
        let fetch = o
            .get("fetch")
            .map(|f| f.dyn_into::<Function>().map_err(|_| invalid("options.fetch must be a function".into())))
            .transpose()?;
        let timeout_ms = match o.get("timeoutMs") {
            None => DEFAULT_TIMEOUT_MS,
            Some(t) => t
                .as_f64()
                .filter(|t| t.is_finite() && *t > 0.0)
                .ok_or_else(|| invalid("options.timeoutMs must be a positive number".into()))?,
        };
        Ok(FetchTransport { fetch, timeout_ms })
    }

    fn send(&self, request: &OcspRequest) -> Result<Promise> {
        let fetch = match &self.fetch {
            Some(f) => f.clone(),
            None => Reflect::get(&js_sys::global(), &"fetch".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| Error::invalid_argument("this runtime has no global fetch; pass one as options.fetch"))?,
        };
        let init = Object::new();
        let headers = Object::new();
        for (k, v) in request.headers {
            let _ = Reflect::set(&headers, &k.into(), &v.into());
        }
        let _ = Reflect::set(&init, &"method".into(), &request.method.into());
        let _ = Reflect::set(&init, &"headers".into(), &headers);
        let _ = Reflect::set(&init, &"body".into(), &Uint8Array::from(request.body.as_slice()));
        // A redirect is answered, not followed: the response is then not 2xx, a NETWORK_ERROR.
        let _ = Reflect::set(&init, &"redirect".into(), &"manual".into());
        if let Ok(signal) = abort_after(self.timeout_ms) {
            let _ = Reflect::set(&init, &"signal".into(), &signal);
        }
        // Called as a plain function: a host fetch called as a method of another object throws.
        let sent = fetch.call2(&JsValue::UNDEFINED, &request.url.as_str().into(), &init).map_err(|e| self.failure(&e))?;
        sent.dyn_into::<Promise>().map_err(|_| network("fetch did not return a Promise"))
    }

    /// A rejection as TIMEOUT (the abort signal fired) or NETWORK_ERROR; only the error's name, so
    /// no URL or body reaches the message.
    fn failure(&self, e: &JsValue) -> Error {
        let name = Reflect::get(e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_else(|| "Error".into());
        if name == "TimeoutError" || name == "AbortError" {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a positive finite number of ms
            return Error::Timeout { after_ms: self.timeout_ms as u64 };
        }
        network(&format!("OCSP request failed ({name})"))
    }

    async fn exchange(&self, sent: Result<Promise>) -> Result<Vec<u8>> {
        let res = JsFuture::from(sent?).await.map_err(|e| self.failure(&e))?;
        let status = Reflect::get(&res, &"status".into()).ok().and_then(|s| s.as_f64()).unwrap_or(0.0);
        if !(200.0..300.0).contains(&status) {
            // As Apple's library: any non-2xx answer is worth retrying later.
            return Err(network(&format!("the OCSP responder answered HTTP {status}")));
        }
        // The package's capped reader (pkg/src/read-body.js): an oversized answer is refused by
        // its Content-Length or as soon as its stream passes the limit, never buffered whole.
        let read = crate::body_reader()
            .and_then(|f| f.call2(&JsValue::UNDEFINED, &res, &JsValue::from(limits::MAX_OCSP_RESPONSE)).ok())
            .and_then(|p| p.dyn_into::<Promise>().ok())
            .ok_or_else(|| network("the package is not initialized (no body reader)"))?;
        let read = JsFuture::from(read).await.map_err(|e| self.failure(&e))?;
        if let Some(seen) = Reflect::get(&read, &"oversize".into()).ok().and_then(|v| v.as_f64()) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // a byte count
            limits::check("OCSP response", seen as usize, limits::MAX_OCSP_RESPONSE)?;
        }
        let body = Reflect::get(&read, &"bytes".into()).ok().and_then(|b| b.dyn_into::<Uint8Array>().ok()).ok_or_else(|| network("the OCSP response has no body"))?;
        let len = usize::try_from(body.length()).unwrap_or(usize::MAX);
        limits::check("OCSP response", len, limits::MAX_OCSP_RESPONSE)?;
        Ok(body.to_vec())
    }
}

fn network(reason: &str) -> Error {
    Error::Network { reason: reason.to_owned() }
}

impl OcspTransport for FetchTransport {
    type Pending = Pin<Box<dyn Future<Output = Result<Vec<u8>>> + 'static>>;

    fn start(&self, request: &OcspRequest) -> Self::Pending {
        // The fetch starts now; only the waiting is deferred.
        let sent = self.send(request);
        let me = FetchTransport { fetch: self.fetch.clone(), timeout_ms: self.timeout_ms };
        Box::pin(async move { me.exchange(sent).await })
    }

    /// 32 bytes from `crypto.getRandomValues` (RFC 8954 §2.1), or none without it.
    fn nonce(&self) -> Option<Vec<u8>> {
        let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
        let fill = Reflect::get(&crypto, &"getRandomValues".into()).ok()?.dyn_into::<Function>().ok()?;
        let bytes = Uint8Array::new_with_length(32);
        fill.call1(&crypto, &bytes).ok()?;
        Some(bytes.to_vec())
    }
}
