// Google Play verification: our GoogleVerifier (ring in WebAssembly) against node:crypto with a
// cached KeyObject (OpenSSL, native), on the same RSA-2048/SHA-1 purchase, in one process.
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
const sigBytes = Buffer.from(sigB64, 'base64');

if (!verify('sha1', dataBytes, keyObject, sigBytes)) throw new Error('node:crypto baseline does not verify');
ours.verify(data, sigB64);

compare('Google Play purchase, RSA-2048 SHA1withRSA', {
  'iap-verify GoogleVerifier.verify (+ JSON decode)': () => ours.verify(data, sigB64),
  'node:crypto verify, cached KeyObject (no decode)': () => verify('sha1', dataBytes, keyObject, Buffer.from(sigB64, 'base64')),
});
