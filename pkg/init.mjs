// Browsers and bundlers, explicit initialization: nothing happens at import time; `await init()`
// once before the first call. For pages and bundlers without top-level await, and for callers
// who load the wasm themselves (another URL, a `Response`, bytes or a compiled `WebAssembly.Module`).
// @ts-expect-error the glue's default export, its loader, is left out of its declarations (stripped by the build, so that projects without the DOM lib compile)
import wbgInit, { __registerErrorClass } from './web/iap_verify.js';
import { IapError, VerificationException } from './src/error.js';
import { readBytes } from './src/read-body.js';

/** @type {Promise<void> | undefined} */
let ready;

/**
 * Loads and instantiates the WebAssembly module. Idempotent: later calls return the first call's
 * promise (a failed load may be retried). `input` defaults to `web/iap_verify_bg.wasm` next to this
 * file, fetched with the global `fetch` and compiled while it streams.
 * @param {import('iap-verify/init').WasmSource | Promise<Response>} [input]
 * @returns {Promise<void>}
 */
export function init(input) {
  if (ready === undefined) {
    const moduleOrPath = input ?? new URL('./web/iap_verify_bg.wasm', import.meta.url);
    /** @type {Promise<void>} */
    const loading = wbgInit({ module_or_path: moduleOrPath }).then(() => {
      __registerErrorClass(IapError, VerificationException, readBytes);
    });
    ready = loading;
    loading.catch(() => {
      ready = undefined;
    });
    return loading;
  }
  return ready;
}

export * from './src/api.js';
