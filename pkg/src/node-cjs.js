// Source of `node.cjs` (bundled to CommonJS by `make build`): the same API for `require()`.
// It must not use `import.meta`, which CommonJS does not have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync, __registerErrorClass, __registerNodeCrypto } from '../web/iap_verify.js';
import { nodeCrypto } from './node-crypto.js';
import { IapError, VerificationException } from './error.js';

initSync({ module: readFileSync(join(__dirname, 'web', 'iap_verify_bg.wasm')) });
__registerErrorClass(IapError, VerificationException);
// Signature checks on node:crypto (OpenSSL, native) instead of ring compiled to WebAssembly.
__registerNodeCrypto(nodeCrypto);

export * from './api.js';
