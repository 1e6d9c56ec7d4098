// Deno: a source-phase import gives the compiled `WebAssembly.Module` without any permission
// (reading the file with node:fs would need --allow-read), and instantiating it is synchronous, so
// the API is usable as soon as the import resolves. Works with `npm:iap-verify`, a node_modules
// folder, or a local path to this file.
import source wasmModule from './web/iap_verify_bg.wasm';
import { initSync, __registerErrorClass, __registerNodeCrypto } from './web/iap_verify.js';
import { nodeCrypto } from './src/node-crypto.js';
import { IapError, VerificationException } from './src/error.js';
import { readBytes } from './src/read-body.js';

initSync({ module: wasmModule });
__registerErrorClass(IapError, VerificationException, readBytes);
// Signature checks on Deno's node:crypto (native, no permission needed) instead of ring in wasm.
__registerNodeCrypto(nodeCrypto);

export * from './src/api.js';
