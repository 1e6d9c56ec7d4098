// Cloudflare Workers (workerd) and other edge runtimes that import a `.wasm` file as a compiled
// `WebAssembly.Module`: workers may not compile WebAssembly from bytes at run time, may not fetch
// their own code, and have no file system. Instantiating an already compiled module is allowed and
// synchronous, so the API is usable as soon as the import resolves, as in Node.
import wasmModule from './web/iap_verify_bg.wasm';
import { initSync, __registerErrorClass } from './web/iap_verify.js';
import { IapError, VerificationException } from './src/error.js';
import { readBytes } from './src/read-body.js';

initSync({ module: wasmModule });
__registerErrorClass(IapError, VerificationException, readBytes);

export * from './src/api.js';
