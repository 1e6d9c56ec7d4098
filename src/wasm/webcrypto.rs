//! The host's WebCrypto (`globalThis.crypto.subtle`) as a second engine for the one public-key
//! operation of a verification. Node, Deno, Bun, workerd and browsers run it natively, several
//! times faster than ring compiled to WebAssembly; everything else (parsing, policy, limits)
//! stays in the core. When WebCrypto is missing or refuses the key, ring does the check instead,
//! so results never depend on the host.

use std::cell::RefCell;

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// An RSA public key imported into WebCrypto once, on first use, for RSASSA-PKCS1-v1_5.
pub(crate) struct HostRsaKey {
    spki: Vec<u8>,
    hash: &'static str,
    /// `Some(promise of CryptoKey)` once import started; concurrent first calls share it.
    imported: RefCell<Option<Promise>>,
}

fn subtle() -> Option<Object> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).ok()?;
    subtle.dyn_into::<Object>().ok()
}

fn call(target: &Object, method: &str, args: &Array) -> Option<Promise> {
    let f = Reflect::get(target, &method.into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
    f.apply(target, args).ok()?.dyn_into::<Promise>().ok()
}

fn algorithm(hash: Option<&str>) -> Object {
    let alg = Object::new();
    let _ = Reflect::set(&alg, &"name".into(), &"RSASSA-PKCS1-v1_5".into());
    if let Some(hash) = hash {
        let _ = Reflect::set(&alg, &"hash".into(), &hash.into());
    }
    alg
}

impl HostRsaKey {
    pub(crate) fn new(spki: &[u8], hash: &'static str) -> Self {
        HostRsaKey { spki: spki.to_vec(), hash, imported: RefCell::new(None) }
    }

    fn key_promise(&self, subtle: &Object) -> Option<Promise> {
        if let Some(p) = self.imported.borrow().as_ref() {
            return Some(p.clone());
        }
        let usages = Array::of1(&"verify".into());
        let args = Array::of5(
            &"spki".into(),
            &Uint8Array::from(self.spki.as_slice()),
            &algorithm(Some(self.hash)),
            &false.into(),
            &usages,
        );
        let p = call(subtle, "importKey", &args)?;
        *self.imported.borrow_mut() = Some(p.clone());
        Some(p)
    }

    /// `Some(valid)` from WebCrypto, or `None` when the host cannot do it (no WebCrypto, key
    /// refused): the caller then uses ring.
    pub(crate) async fn verify(&self, message: &[u8], signature: &[u8]) -> Option<bool> {
        let subtle = subtle()?;
        let key = match JsFuture::from(self.key_promise(&subtle)?).await {
            Ok(key) => key,
            Err(_) => {
                // Keep the refusal: later calls go straight to ring.
                *self.imported.borrow_mut() = Some(Promise::reject(&JsValue::NULL));
                return None;
            }
        };
        let args = Array::of4(
            &algorithm(None),
            &key,
            &Uint8Array::from(signature),
            &Uint8Array::from(message),
        );
        // A rejection here is about the inputs (e.g. a signature of the wrong length): invalid.
        Some(JsFuture::from(call(&subtle, "verify", &args)?).await.ok()?.as_bool().unwrap_or(false))
    }
}
