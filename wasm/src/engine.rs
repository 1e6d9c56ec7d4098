//! The host's native crypto as the engine for the one public-key operation of a verification.
//! Everything else (parsing, limits, chain logic, policy) stays in the core; the host only answers
//! "does this signature verify under this key".
//!
//! Two engines, tried in order, and ring as the last word:
//! - **node:crypto** (Node, and Bun, which loads the same entry), registered by the Node entry
//!   points, synchronous (for the async API too: one check is faster than a trip
//!   through Node's thread pool). OpenSSL natively is about ten times faster than ring in wasm.
//! - **WebCrypto** (`globalThis.crypto.subtle`: browsers, workerd, Deno), async only.
//! - When neither can do it (no engine, key refused, an exception), ring does the check, so results
//!   never depend on the host; the parity tests run every case through every path.

use std::cell::RefCell;
use std::collections::VecDeque;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use iap_verify::host::{Algorithm, SignatureCheck, SignatureHost};

/// The number the Node engine (`pkg/src/node-crypto.js`, `HASH`) knows an algorithm by: a number
/// crosses the boundary without a string conversion. (2, SHA-384, no format uses.)
/// `None` for an algorithm it has no number for (ring checks those).
fn node_id(algorithm: Algorithm) -> Option<u32> {
    match algorithm {
        Algorithm::RsaPkcs1Sha1 => Some(0),
        Algorithm::RsaPkcs1Sha256 => Some(1),
        Algorithm::RsaPkcs1Sha512 => Some(3),
        Algorithm::EcdsaP256Sha256 => Some(4),
        _ => None,
    }
}

/// WebCrypto's `importKey` format and algorithm.
fn webcrypto_import(algorithm: Algorithm) -> (&'static str, Object) {
    let alg = Object::new();
    if algorithm.is_rsa() {
        set(&alg, "name", "RSASSA-PKCS1-v1_5");
        set(&alg, "hash", algorithm.hash_name());
        ("spki", alg)
    } else {
        set(&alg, "name", "ECDSA");
        set(&alg, "namedCurve", "P-256");
        ("raw", alg)
    }
}

/// WebCrypto's `verify` algorithm.
fn webcrypto_verify(algorithm: Algorithm) -> Object {
    let alg = Object::new();
    if algorithm.is_rsa() {
        set(&alg, "name", "RSASSA-PKCS1-v1_5");
    } else {
        set(&alg, "name", "ECDSA");
        set(&alg, "hash", algorithm.hash_name());
    }
    alg
}

fn set(obj: &Object, key: &str, value: &str) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &key.into(), &value.into());
}

/// The Node engine's functions, looked up once at registration.
#[derive(Clone)]
struct NodeEngine {
    import_key: Function,
    verify: Function,
}

thread_local! {
    static NODE: RefCell<Option<NodeEngine>> = const { RefCell::new(None) };
}

/// Internal: the Node entry points register `pkg/src/node-crypto.js` here; `null` unregisters it
/// (the tests use that to run every case through each engine). Not public API.
#[wasm_bindgen(js_name = __registerNodeCrypto, skip_typescript)]
pub fn register_node_crypto(engine: JsValue) {
    let engine = engine.dyn_into::<Object>().ok().and_then(|e| {
        Some(NodeEngine {
            import_key: method(&e, "importKey")?,
            verify: method(&e, "verify")?,
        })
    });
    NODE.with(|n| *n.borrow_mut() = engine);
}

fn node() -> Option<NodeEngine> {
    NODE.with(|n| n.borrow().clone())
}

fn method(target: &Object, name: &str) -> Option<Function> {
    Reflect::get(target, &name.into()).ok()?.dyn_into::<Function>().ok()
}

fn subtle() -> Option<Object> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    Reflect::get(&crypto, &"subtle".into()).ok()?.dyn_into::<Object>().ok()
}

/// One imported key: the Node `KeyObject` and/or the WebCrypto `CryptoKey` promise.
struct Entry {
    algorithm: Algorithm,
    key: Vec<u8>,
    /// `Some(Ok(KeyObject))`, or `Some(Err)` once Node refused it (then ring is used).
    node: Option<Result<JsValue, ()>>,
    /// `Some(Ok(promise of CryptoKey))`, or `Some(Err)` once WebCrypto refused it.
    subtle: Option<Result<Promise, ()>>,
}

/// Keys imported into the host engines, per verifier, at most [`HostKeys::CAPACITY`] (least
/// recently imported dropped first). Keyed by the exact key bytes and scheme.
#[derive(Default)]
pub(crate) struct HostKeys {
    entries: RefCell<VecDeque<Entry>>,
}

impl HostKeys {
    /// Apple rotates signing keys every year or two; a verifier rarely sees more than two.
    const CAPACITY: usize = 8;

    fn with_entry<R>(&self, algorithm: Algorithm, key: &[u8], f: impl FnOnce(&mut Entry) -> R) -> R {
        // An entry marked refused by both engines sends the check to ring.
        let no_host = || Entry { algorithm, key: key.to_vec(), node: Some(Err(())), subtle: Some(Err(())) };
        // `f` calls only the package's own engine functions, which never call back into the
        // module; were the cache ever borrowed already, ring does the check instead of a panic.
        let Ok(mut entries) = self.entries.try_borrow_mut() else { return f(&mut no_host()) };
        let pos = entries.iter().position(|e| e.algorithm == algorithm && e.key == key);
        let index = match pos {
            Some(i) => i,
            None => {
                if entries.len() >= Self::CAPACITY {
                    entries.pop_front();
                }
                entries.push_back(Entry { algorithm, key: key.to_vec(), node: None, subtle: None });
                entries.len() - 1
            }
        };
        match entries.get_mut(index) {
            Some(entry) => f(entry),
            None => f(&mut no_host()),
        }
    }

    fn node_key(&self, engine: &NodeEngine, algorithm: Algorithm, key: &[u8]) -> Option<JsValue> {
        self.with_entry(algorithm, key, |e| {
            if e.node.is_none() {
                let imported = node_id(algorithm)
                    .and_then(|id| {
                        // RSA as its modulus and exponent (node:crypto imports a JWK faster than DER,
                        // which goes through OpenSSL's decoder lookup), ECDSA as its point.
                        let check = SignatureCheck { algorithm, key, message: &[], signature: &[] };
                        let (key, exponent) = match check.rsa_numbers() {
                            Some((n, e)) => (Uint8Array::from(n), JsValue::from(Uint8Array::from(e))),
                            None if algorithm.is_rsa() => return None,
                            None => (Uint8Array::from(key), JsValue::UNDEFINED),
                        };
                        (engine.import_key).call3(&JsValue::NULL, &id.into(), &key, &exponent).ok()
                    })
                    .filter(|k| !k.is_undefined())
                    .ok_or(());
                e.node = Some(imported);
            }
            e.node.clone().and_then(Result::ok)
        })
    }

    /// Node's synchronous check: `Some(valid)`, or `None` without a Node engine (use ring).
    fn verify_sync(&self, c: &SignatureCheck<'_>) -> Option<bool> {
        let engine = node()?;
        let key_object = self.node_key(&engine, c.algorithm, c.key)?;
        let message = view(c.message).unwrap_or_else(|| Uint8Array::from(c.message));
        // `call4`, not `apply` of an array: no argument array to allocate on every check.
        let id = JsValue::from(node_id(c.algorithm)?);
        engine.verify.call4(&JsValue::NULL, &id, &key_object, &message, &Uint8Array::from(c.signature)).ok()?.as_bool()
    }

    /// The async check: node:crypto, else WebCrypto; `None` when neither can (use ring).
    async fn verify(&self, c: &SignatureCheck<'_>) -> Option<bool> {
        // Node's synchronous check beats its thread pool here: the RSA/ECDSA operation takes tens
        // of microseconds, less than a round trip through the pool (measured in bench/).
        if let Some(valid) = self.verify_sync(c) {
            return Some(valid);
        }
        let (algorithm, key) = (c.algorithm, c.key);
        let subtle = subtle()?;
        let key_promise = self.with_entry(algorithm, key, |e| {
            if e.subtle.is_none() {
                let (format, alg) = webcrypto_import(algorithm);
                let args = Array::of5(&format.into(), &Uint8Array::from(key), &alg, &false.into(), &Array::of1(&"verify".into()));
                e.subtle = Some(
                    method(&subtle, "importKey")
                        .and_then(|f| f.apply(&subtle, &args).ok())
                        .and_then(|p| p.dyn_into::<Promise>().ok())
                        .ok_or(()),
                );
            }
            e.subtle.clone().and_then(Result::ok)
        })?;
        let Ok(crypto_key) = JsFuture::from(key_promise).await else {
            // Refused once, refused always: remembered, so that ring takes over at once next time
            // (a stored rejected promise would be reported as an unhandled rejection).
            self.with_entry(algorithm, key, |e| e.subtle = Some(Err(())));
            return None;
        };
        let args = Array::of4(&webcrypto_verify(algorithm), &crypto_key, &Uint8Array::from(c.signature), &Uint8Array::from(c.message));
        let promise = method(&subtle, "verify")?.apply(&subtle, &args).ok()?.dyn_into::<Promise>().ok()?;
        // A rejection here is about the inputs (a signature of the wrong length): invalid.
        Some(JsFuture::from(promise).await.ok()?.as_bool().unwrap_or(false))
    }
}

/// A view of `bytes` in the module's memory instead of a copy, for a long message handed to a
/// synchronous engine call: node:crypto reads it before returning and never calls back into the
/// module, so the memory cannot grow (and detach the view) meanwhile. `None` for short messages
/// (a copy is cheaper than making the view) or when the memory cannot be had.
fn view(bytes: &[u8]) -> Option<Uint8Array> {
    if bytes.len() < 1024 {
        return None;
    }
    let memory = wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().ok()?;
    let start = u32::try_from(bytes.as_ptr() as usize).ok()?;
    Some(Uint8Array::new_with_byte_offset_and_length(&memory.buffer(), start, u32::try_from(bytes.len()).ok()?))
}

/// The host of every verification ([`iap_verify::host`]): the sync API with [`Engine::Sync`] (driven by
/// [`iap_verify::host::run_ready`]), the async API with [`Engine::Async`]. One type rather than one per
/// mode: every verification of the core is then compiled once for the module, not once per mode.
#[derive(Clone, Copy)]
pub(crate) enum Engine<'a> {
    /// Node's synchronous engine: no await ever pends.
    Sync(&'a HostKeys),
    /// node:crypto, or WebCrypto.
    Async(&'a HostKeys),
}

impl SignatureHost for Engine<'_> {
    fn check<'a>(&'a self, c: SignatureCheck<'a>) -> impl std::future::Future<Output = Option<bool>> + 'a {
        self.answer(c)
    }
}

impl Engine<'_> {
    async fn answer(&self, c: SignatureCheck<'_>) -> Option<bool> {
        match *self {
            Engine::Sync(keys) => keys.verify_sync(&c),
            Engine::Async(keys) => keys.verify(&c).await,
        }
    }
}
