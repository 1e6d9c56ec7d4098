// Node.js, Deno and Bun (ESM): the wasm is read from disk synchronously, so the API is usable as
// soon as the import resolves.
import { readFileSync } from 'node:fs';
import { initSync, __registerErrorClass, __registerNodeCrypto } from './web/iap_verify.js';
import { nodeCrypto } from './src/node-crypto.js';
import { IapError, VerificationException } from './src/error.js';
import { readBytes } from './src/read-body.js';

initSync({ module: readFileSync(new URL('./web/iap_verify_bg.wasm', import.meta.url)) });
__registerErrorClass(IapError, VerificationException, readBytes);
// Signature checks on node:crypto (OpenSSL, native) instead of ring compiled to WebAssembly.
__registerNodeCrypto(nodeCrypto);

export * from './src/api.js';
