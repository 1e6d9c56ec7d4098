//! The certificates `inspect` (pkg/src/inspect.js) shows: those an Apple receipt or JWS carries,
//! described by the core ([`iap_verify::describe_certificate`]). Internal, not public API; the types are
//! `CertificateInfo` in pkg/src/inspect.d.ts.

use wasm_bindgen::prelude::*;

use crate::{js_error, to_js, JsResult};

/// Internal: the certificates of a DER/BER receipt (`receipt` true), or the one DER certificate
/// given (a JWS `x5c` entry), described; a receipt's certificate that cannot be read is left out.
/// Throws `IapError` when the receipt, or the one certificate, cannot be read.
#[wasm_bindgen(js_name = __describeCertificates, skip_typescript)]
pub fn describe_certificates(input: &[u8], receipt: bool) -> JsResult<JsValue> {
    let described = if receipt {
        iap_verify::apple::describe_receipt_certificates(input).map(|all| all.into_iter().filter_map(Result::ok).collect())
    } else {
        iap_verify::describe_certificate(input).map(|one| vec![one])
    };
    to_js(&described.map_err(js_error)?)
}
