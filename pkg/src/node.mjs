// The Node.js and Bun entry (ESM), as written: the build bundles it, with the modules it imports,
// into one file, node.mjs (scripts/bundle-entries.mjs; each module file costs Node's loader about
// half a millisecond at start-up), and into verify/node.mjs for the edge module. The wasm is read
// from disk synchronously, so the API is usable as soon as the import resolves.
import { readFileSync } from 'node:fs';
import { initSync, __registerErrorClass, __registerNodeCrypto } from '../web/iap_verify.js';
import { nodeCrypto } from './node-crypto.js';
import { IapError, VerificationException } from './error.js';
import { readBytes } from './read-body.js';

// The bundles sit one folder up, beside web/ (the build checks that this path is there to rewrite).
initSync({ module: readFileSync(new URL('../web/iap_verify_bg.wasm', import.meta.url)) });
__registerErrorClass(IapError, VerificationException, readBytes);
// Signature checks on node:crypto (OpenSSL, native) instead of ring compiled to WebAssembly.
__registerNodeCrypto(nodeCrypto);

export * from './api.js';
