// Google Play verification: our GoogleVerifier against node:crypto with a cached KeyObject
// (OpenSSL, native), on the same RSA-2048/SHA-1 purchase, in one process.
//   verify        parsing, policy and decoding in WebAssembly; the RSA step on node:crypto
//   ring          the same with the Node engine unregistered: ring compiled to WebAssembly
//   WebCrypto     verifyAsync without the Node engine: the RSA step on crypto.subtle
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GoogleVerifier, __registerNodeCrypto } from '../pkg/node.mjs';
import { nodeCrypto } from '../pkg/src/node-crypto.js';
import { compare } from './harness.mjs';

const read = (p) => readFileSync(new URL(`../tests/vectors/${p}`, import.meta.url), 'utf8');
const keyB64 = read('google/test-key-2048.pub');
const data = read('google/consumable.json');
const sigB64 = read('google/consumable.sig');

const ours = new GoogleVerifier(keyB64);
const keyObject = createPublicKey({ key: Buffer.from(keyB64, 'base64'), format: 'der', type: 'spki' });
const dataBytes = Buffer.from(data);

if (!verify('sha1', dataBytes, keyObject, Buffer.from(sigB64, 'base64'))) throw new Error('baseline does not verify');
ours.verify(data, sigB64);
await ours.verifyAsync(data, sigB64);

// The engine is module-wide: the ring and WebCrypto candidates unregister node:crypto around
// their call (a few property lookups, small next to what they measure).
const without = (fn) => () => {
  __registerNodeCrypto(null);
  try {
    return fn();
  } finally {
    __registerNodeCrypto(nodeCrypto);
  }
};
const withoutAsync = (fn) => async () => {
  __registerNodeCrypto(null);
  try {
    return await fn();
  } finally {
    __registerNodeCrypto(nodeCrypto);
  }
};

await compare('Google Play purchase, RSA-2048 SHA1withRSA, verify + decode', {
  'iap-verify GoogleVerifier.verify (node:crypto engine)': () => ours.verify(data, sigB64),
  'iap-verify GoogleVerifier.verifyAsync (node:crypto engine)': () => ours.verifyAsync(data, sigB64),
  'iap-verify GoogleVerifier.verify, ring in wasm': without(() => ours.verify(data, sigB64)),
  'iap-verify GoogleVerifier.verifyAsync, WebCrypto': withoutAsync(() => ours.verifyAsync(data, sigB64)),
  'node:crypto verify, cached KeyObject (no JSON decode)': () =>
    verify('sha1', dataBytes, keyObject, Buffer.from(sigB64, 'base64')),
});
