// Types of `iap-verify/init`: the whole API, plus `init()`, which must have resolved before the
// first call.
export * from './index.js';

/** What `init()` accepts: a URL (fetched), a `Response`, the bytes, or a compiled module. */
export type WasmSource = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads and instantiates the WebAssembly module (default: `web/iap_verify_bg.wasm` next to the
 * package's entry, fetched). Idempotent; a failed load may be retried.
 */
export declare function init(input?: WasmSource | Promise<Response>): Promise<void>;
