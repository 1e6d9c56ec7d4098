// Google Play verification: our GoogleVerifier against node:crypto with a cached KeyObject
// (OpenSSL, native), on the same RSA-2048/SHA-1 purchase, in one process.
//   verify        parsing, policy and decoding in WebAssembly; the RSA step on node:crypto
//   ring          the same with the Node engine unregistered: ring compiled to WebAssembly
//   WebCrypto     verifyAsync without the Node engine: the RSA step on crypto.subtle
// The baseline is what a Node developer writes by hand: a cached KeyObject, the signature
// base64-decoded, `verify`, then `JSON.parse` of the data (no duplicate-key rule, no limits).
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GoogleVerifier, verifyGooglePurchase, __registerNodeCrypto } from '../pkg/node.mjs';
import { nodeCrypto } from '../pkg/src/node-crypto.js';
import { compare, median, record, times, us } from './harness.mjs';

const read = (p) => readFileSync(new URL(`../tests/vectors/${p}`, import.meta.url), 'utf8');
const keyB64 = read('google/test-key-2048.pub');
const data = read('google/consumable.json');
const sigB64 = read('google/consumable.sig');

const ours = new GoogleVerifier(keyB64);
const keyObject = createPublicKey({ key: Buffer.from(keyB64, 'base64'), format: 'der', type: 'spki' });

const byHand = () => {
  if (!verify('sha1', Buffer.from(data), keyObject, Buffer.from(sigB64, 'base64'))) throw new Error('INVALID_SIGNATURE');
  return JSON.parse(data);
};
byHand();
ours.verify(data, sigB64);
await ours.verifyAsync(data, sigB64);
verifyGooglePurchase(data, sigB64, keyB64);

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

const VERIFY = 'iap-verify GoogleVerifier.verify (node:crypto engine)';
const ONE_SHOT = 'iap-verify verifyGooglePurchase(data, sig, key), one shot';
const BASE = 'by hand: node:crypto verify (cached KeyObject) + base64 + JSON.parse';
const stats = await compare('Google Play purchase, RSA-2048 SHA1withRSA, verify + decode', {
  [VERIFY]: () => ours.verify(data, sigB64),
  [ONE_SHOT]: () => verifyGooglePurchase(data, sigB64, keyB64),
  'iap-verify GoogleVerifier.verifyAsync (node:crypto engine)': () => ours.verifyAsync(data, sigB64),
  'iap-verify GoogleVerifier.verify, ring in wasm': without(() => ours.verify(data, sigB64)),
  'iap-verify GoogleVerifier.verifyAsync, WebCrypto': withoutAsync(() => ours.verifyAsync(data, sigB64)),
  [BASE]: byHand,
});

const [v, o, b] = [median(stats, VERIFY), median(stats, ONE_SHOT), median(stats, BASE)];
record('google', {
  path: 'Google `GoogleVerifier.verify` (RSA-2048 SHA-1, node:crypto engine)',
  ours: us(v),
  peer: `by hand, node:crypto with a cached \`KeyObject\` + base64 + \`JSON.parse\`: ${us(b)}`,
  ratio: `${times(b / v)} the speed`,
  goal: '≥ 0.9× the speed',
  met: b / v >= 0.9,
});
record('google-oneshot', {
  path: 'one-shot `verifyGooglePurchase(data, sig, key)`',
  ours: us(o),
  peer: `warm \`GoogleVerifier.verify\`: ${us(v)}`,
  ratio: `${times(o / v)} the time`,
  goal: '≤ 1.2× the warm verifier',
  met: o / v <= 1.2,
});
