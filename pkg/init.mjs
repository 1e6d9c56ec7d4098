// Browsers and bundlers, explicit initialization: nothing happens at import time; `await init()`
// once before the first call. For pages and bundlers without top-level await, and for callers
// who load the wasm themselves (another URL, a `Response`, bytes or a compiled `WebAssembly.Module`).
import wbgInit, { __registerErrorClass } from './web/iap_verify.js';
import { IapError, VerificationException } from './src/error.js';
import { readBytes } from './src/read-body.js';

let ready;

/**
 * Loads and instantiates the WebAssembly module. Idempotent: later calls return the first call's
 * promise (a failed load may be retried). `input` defaults to `web/iap_verify_bg.wasm` next to this
 * file, fetched with the global `fetch` and compiled while it streams.
 */
export function init(input) {
  if (ready === undefined) {
    const moduleOrPath = input ?? new URL('./web/iap_verify_bg.wasm', import.meta.url);
    ready = wbgInit({ module_or_path: moduleOrPath }).then(() => {
      __registerErrorClass(IapError, VerificationException, readBytes);
    });
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}

export * from './src/api.js';
