// Google Play verification: our GoogleVerifier against node:crypto with a cached KeyObject
// (OpenSSL, native), on the same RSA-2048/SHA-1 purchase, in one process.
//   verify        ring compiled to WebAssembly, synchronous
//   verifyAsync   the host's WebCrypto for the RSA step, all parsing/policy in WebAssembly
//   ×64 batch     64 verifyAsync calls in flight at once (Node runs WebCrypto on its thread pool)
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GoogleVerifier } from '../pkg/node.mjs';
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

const batch = 64;
await compare('Google Play purchase, RSA-2048 SHA1withRSA', {
  'iap-verify GoogleVerifier.verify (ring/wasm, + JSON decode)': () => ours.verify(data, sigB64),
  'iap-verify GoogleVerifier.verifyAsync, one at a time': () => ours.verifyAsync(data, sigB64),
  [`iap-verify GoogleVerifier.verifyAsync, ×${batch} in flight`]: {
    fn: () => Promise.all(Array.from({ length: batch }, () => ours.verifyAsync(data, sigB64))),
    ops: batch,
  },
  'node:crypto verify, cached KeyObject (no JSON decode)': () =>
    verify('sha1', dataBytes, keyObject, Buffer.from(sigB64, 'base64')),
});
