//! The JavaScript boundary, and the only module that names wasm-bindgen or js-sys.
//!
//! It converts values (JSON text both ways: plain objects, 64-bit integers as numbers), turns
//! [`iap_verify::Error`] into the package's `IapError`, and reads `Date.now()` when the caller gives
//! no `now`. Everything it calls is the pure core.

use std::cell::RefCell;

use js_sys::{Function, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use iap_verify::Error;

mod apple;
mod engine;
#[cfg(feature = "events")]
mod event;
#[cfg(feature = "flow")]
mod flow;
#[cfg(feature = "flow")]
mod lifecycle;
mod google;
#[cfg(feature = "inspect")]
mod inspect;
#[cfg(feature = "online")]
mod ocsp;
#[cfg(feature = "clients")]
mod play;
#[cfg(feature = "pubsub")]
mod pubsub;
mod purchase;
#[cfg(feature = "clients")]
mod server_api;
#[cfg(feature = "clients")]
mod signature;

pub(crate) type JsResult<T> = Result<T, JsValue>;

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` on a string that is already a JS string (js-sys's takes `&str`, which would
    /// copy it across the boundary again).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    pub(crate) fn json_parse(text: &js_sys::JsString) -> Result<JsValue, JsValue>;

    /// The host's `TextEncoder`, for [`utf8_of`].
    type TextEncoder;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<TextEncoder, JsValue>;
    /// `encodeInto(string, view)`: `{ read, written }`.
    #[wasm_bindgen(method, js_name = encodeInto, catch)]
    fn encode_into(this: &TextEncoder, text: &js_sys::JsString, into: &Uint8Array) -> Result<EncodeResult, JsValue>;

    /// What `encodeInto` returns.
    type EncodeResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeResult) -> f64;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeResult) -> f64;
}

thread_local! {
    static ENCODER: Option<TextEncoder> = TextEncoder::new().ok();
}

/// Strings shorter than this (in UTF-16 units) cross as wasm-bindgen copies them.
const LONG_STRING: u32 = 512;
/// Nor longer than this: arguments over the size limits are refused after the usual copy.
const MAX_FAST_STRING: u32 = 1 << 20;

/// The UTF-8 bytes of a JS string. wasm-bindgen's own copy walks an ASCII string one character at
/// a time in JS; for a long one (a receipt's base64, a JWS) one native `TextEncoder.encodeInto`
/// straight into the module's memory is several times faster. The same bytes either way (both
/// encode a lone surrogate as U+FFFD); `None` for a short, very long or non-ASCII string, when the
/// host has no `TextEncoder` or it fails, and the caller then copies the usual way.
fn utf8_of(text: &js_sys::JsString) -> Option<Vec<u8>> {
    let units = text.length();
    if !(LONG_STRING..=MAX_FAST_STRING).contains(&units) {
        return None;
    }
    // Room for ASCII (a byte per unit), which is what long arguments are; with anything else the
    // buffer fills before the string ends, and the caller copies it the usual way.
    let capacity = usize::try_from(units).ok()?;
    let mut buf = vec![0u8; capacity];
    let memory = wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().ok()?;
    // The view is made after the allocation, so no growth of the memory can detach it.
    let start = u32::try_from(buf.as_ptr() as usize).ok()?;
    let view = Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), start, u32::try_from(capacity).ok()?);
    let done = ENCODER.with(|e| e.as_ref()?.encode_into(text, &view).ok())?;
    let (read, written) = (done.read(), done.written());
    if read != f64::from(units) || !(0.0..=f64::from(u32::MAX)).contains(&written) {
        return None;
    }
    // A whole number of bytes, checked in range above.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    buf.truncate(written as usize);
    Some(buf)
}

/// The UTF-8 bytes of `value` if it is a JS string (see [`utf8_of`]): what `as_string` gives,
/// without checking again that the encoder's output is UTF-8.
pub(crate) fn js_utf8(value: &JsValue) -> Option<Vec<u8>> {
    let text = value.dyn_ref::<js_sys::JsString>()?;
    utf8_of(text).or_else(|| value.as_string().map(String::into_bytes))
}

/// `value` as a Rust string if it is a JS string (see [`utf8_of`]).
pub(crate) fn js_string(value: &JsValue) -> Option<String> {
    let text = value.dyn_ref::<js_sys::JsString>()?;
    match utf8_of(text).map(String::from_utf8) {
        Some(Ok(s)) => Some(s),
        _ => value.as_string(),
    }
}

thread_local! {
    /// The package's `IapError` class, registered by each JS entry right after instantiation.
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// Its `VerificationException` subclass (Apple's name), for `SignedDataVerifier`'s errors.
    static VERIFICATION_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
    /// `readBytes(response, limit)` of `pkg/src/read-body.js`: a response body read with a cap.
    static BODY_READER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Internal: the package entries call this once with their `IapError` class (and its
/// `VerificationException` subclass), so that errors made here are `instanceof IapError`, and the
/// package's capped body reader, which the online checks read OCSP answers with. Not part of the
/// public API.
#[wasm_bindgen(js_name = __registerErrorClass, skip_typescript)]
pub fn register_error_class(class: Function, verification: Option<Function>, read_body: Option<Function>) {
    ERROR_CLASS.with(|c| *c.borrow_mut() = Some(class));
    VERIFICATION_CLASS.with(|c| *c.borrow_mut() = verification);
    BODY_READER.with(|c| *c.borrow_mut() = read_body);
}

/// The registered body reader (see [`register_error_class`]).
#[cfg(feature = "online")]
pub(crate) fn body_reader() -> Option<Function> {
    BODY_READER.with(|c| c.borrow().clone())
}

/// `err` (an `IapError` from [`js_error`]) as a `VerificationException`:
/// `VerificationException.from(err)`, which keeps its code, message and details and adds Apple's
/// `status` (the mapping lives in JS, `pkg/src/error.js`). Unchanged if no class was registered.
pub(crate) fn as_verification(err: JsValue) -> JsValue {
    let Some(class) = VERIFICATION_CLASS.with(|c| c.borrow().clone()) else { return err };
    Reflect::get(&class, &"from".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .and_then(|from| from.call1(&class, &err).ok())
        .unwrap_or(err)
}

/// Builds the JS error for `e`: `new IapError(code, message, { retryable, details })`, or a
/// plain `Error` with the same properties if no class was registered (never expected).
pub(crate) fn js_error(e: Error) -> JsValue {
    let code = JsValue::from_str(e.code());
    let message = JsValue::from_str(&e.to_string());
    let options = Object::new();
    // Setting properties on a fresh plain object cannot fail.
    let _ = Reflect::set(&options, &"retryable".into(), &e.retryable().into());
    let details = e.details();
    if !details.is_null() {
        if let Ok(d) = to_js(&details) {
            let _ = Reflect::set(&options, &"details".into(), &d);
        }
    }
    let class = ERROR_CLASS.with(|c| c.borrow().clone());
    if let Some(class) = class {
        let args = js_sys::Array::of3(&code, &message, &options);
        if let Ok(err) = Reflect::construct(&class, &args) {
            return err;
        }
    }
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("IapError");
    let _ = Reflect::set(&err, &"code".into(), &code);
    let _ = Reflect::set(&err, &"retryable".into(), &e.retryable().into());
    err.into()
}

/// Serializes a core value to plain JS objects: JSON text, then `JSON.parse`. One boundary
/// crossing instead of one per field, and the one serializer (serde_json's) the core already needs,
/// instead of a second instance per model (smaller wasm). Integers past 2^53 would round, as in
/// `JSON.parse` anywhere; the stores' ids are strings, and times are well below.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text = serde_json::to_string(value).map_err(|e| js_error(Error::malformed("result", e.to_string())))?;
    js_sys::JSON::parse(&text).map_err(|_| js_error(Error::malformed("result", "not JSON")))
}

/// A caller's JS value as JSON (`JSON.stringify`), every key included, so that a misspelt option
/// is an error rather than ignored. Values JSON cannot hold (functions, `undefined` members) are
/// dropped by `JSON.stringify` as everywhere; a BigInt or a cycle is refused.
#[cfg(feature = "clients")]
pub(crate) fn js_to_json(value: &JsValue) -> Result<serde_json::Value, String> {
    let text = js_sys::JSON::stringify(value).map_err(|_| "not representable as JSON".to_string())?;
    let text = text.as_string().ok_or_else(|| "not representable as JSON".to_string())?;
    serde_json::from_slice(text.as_bytes()).map_err(|e| e.to_string())
}

/// A caller's options object. `undefined` and `null` mean no options; any other non-object, and any
/// name outside the allowed ones, is `INVALID_ARGUMENT` (the caller's mistake, not untrusted data),
/// so a misspelt option is refused rather than ignored. Values are read one by one, not through
/// JSON, so options can carry bytes (`rootCertificates`, `deviceId`).
pub(crate) struct Options(Option<Object>);

impl Options {
    pub(crate) fn read(value: &JsValue, what: &str, allowed: &[&str]) -> JsResult<Options> {
        if is_absent(value) {
            return Ok(Options(None));
        }
        let obj = value
            .dyn_ref::<Object>()
            .filter(|_| value.is_object())
            .ok_or_else(|| invalid(format!("{what} must be an object")))?;
        for key in Object::keys(obj).iter() {
            let name = key.as_string().unwrap_or_default();
            if !allowed.contains(&name.as_str()) {
                return Err(invalid(format!("{what}: unknown option '{name}' (expected one of {})", allowed.join(", "))));
            }
        }
        Ok(Options(Some(obj.clone())))
    }

    /// The value of option `name`; `None` when it is absent, `undefined` or `null`.
    pub(crate) fn get(&self, name: &str) -> Option<JsValue> {
        let obj = self.0.as_ref()?;
        Reflect::get(obj, &JsValue::from_str(name)).ok().filter(|v| !is_absent(v))
    }

    pub(crate) fn string(&self, name: &str) -> JsResult<Option<String>> {
        self.get(name).map(|v| v.as_string().ok_or_else(|| invalid(format!("{name} must be a string")))).transpose()
    }

    /// A boolean option; absent is `false`.
    pub(crate) fn flag(&self, name: &str) -> JsResult<bool> {
        self.get(name).map_or(Ok(false), |v| v.as_bool().ok_or_else(|| invalid(format!("{name} must be a boolean"))))
    }

    /// `now` as whole epoch ms; absent is `Date.now()`.
    pub(crate) fn now(&self) -> JsResult<i64> {
        let Some(v) = self.get("now") else { return Ok(now_ms()) };
        v.as_f64()
            .and_then(iap_verify::binding::ms_from_f64)
            .ok_or_else(|| invalid("now must be a finite number of epoch milliseconds".into()))
    }
}

pub(crate) fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

pub(crate) fn invalid(reason: String) -> JsValue {
    js_error(Error::invalid_argument(reason))
}

/// Internal: the size of the module's linear memory in bytes, for the leak test and the
/// benchmarks. Not public API.
#[wasm_bindgen(js_name = __wasmMemoryBytes, skip_typescript)]
pub fn wasm_memory_bytes() -> f64 {
    // Pages of 64 KiB; at most 65,536 of them, exact in an f64.
    (core::arch::wasm32::memory_size(0) as f64) * 65536.0
}

/// `Date.now()` in whole epoch milliseconds.
pub(crate) fn now_ms() -> i64 {
    // Date.now() is an integral f64 well inside i64; `as` saturates, so it cannot wrap.
    #[allow(clippy::cast_possible_truncation)]
    let ms = js_sys::Date::now() as i64;
    ms
}

/// Reads a `string | Uint8Array` argument as bytes (strings as UTF-8), refusing anything larger
/// than `limit` before copying it into the module.
pub(crate) fn bytes_arg(value: &JsValue, what: &'static str, limit: usize) -> JsResult<Vec<u8>> {
    if let Some(s) = js_string(value) {
        iap_verify::limits::check(what, s.len(), limit).map_err(js_error)?;
        return Ok(s.into_bytes());
    }
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        let len = usize::try_from(array.length()).unwrap_or(usize::MAX);
        iap_verify::limits::check(what, len, limit).map_err(js_error)?;
        return Ok(array.to_vec());
    }
    Err(js_error(Error::invalid_argument(format!("{what} must be a string or a Uint8Array"))))
}

/// Reads a string argument, refusing anything longer than `limit` bytes of UTF-8.
pub(crate) fn string_arg(value: &JsValue, what: &'static str, limit: usize) -> JsResult<String> {
    let s = js_string(value).ok_or_else(|| js_error(Error::invalid_argument(format!("{what} must be a string"))))?;
    iap_verify::limits::check(what, s.len(), limit).map_err(js_error)?;
    Ok(s)
}
