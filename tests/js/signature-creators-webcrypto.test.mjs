// Apple's signature creators in every runtime: each signature checked with the runtime's own
// WebCrypto (the v1 DER signature turned into WebCrypto's r ‖ s), over the text or the JWS input
// Apple defines, and each JWS's claims. The key is the test PKI's P-256 leaf (tests/vectors/testpki/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { own } from './vectors.mjs';

const subtle = globalThis.crypto.subtle;
const NONE = 'no signature creators in this build';
const pk8 = new Uint8Array(own('testpki/leaf-ec.pk8'));
const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
const KEY = `-----BEGIN PRIVATE KEY-----\n${b64(pk8)}\n-----END PRIVATE KEY-----\n`;
const fromB64 = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const utf8 = (s) => new TextEncoder().encode(s);
const json = (segment) => JSON.parse(new TextDecoder().decode(fromB64(segment)));

const publicKey = (async () => {
  const { x, y } = await subtle.exportKey('jwk', await subtle.importKey('pkcs8', pk8, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']));
  return subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x, y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
})();
const verifies = async (sig, data) => subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, await publicKey, sig, data);

/** DER `SEQUENCE { INTEGER r, INTEGER s }` to 64 bytes r ‖ s, checking its shape. */
function rawOfDer(der) {
  assert.equal(der[0], 0x30);
  assert.equal(der[1], der.length - 2);
  const out = new Uint8Array(64);
  let at = 2;
  for (const half of [0, 32]) {
    assert.equal(der[at], 0x02);
    const len = der[at + 1];
    let n = der.subarray(at + 2, at + 2 + len);
    if (n[0] === 0) n = n.subarray(1);
    assert.ok(n.length <= 32);
    out.set(n, half + 32 - n.length);
    at += 2 + len;
  }
  assert.equal(at, der.length);
  return out;
}

test('v1 promotional offer: a DER ECDSA signature over the U+2063-joined text, lower-cased token and nonce', async (t) => {
  if (typeof iap.PromotionalOfferSignatureCreator !== 'function') return t.skip(NONE);
  const c = new iap.PromotionalOfferSignatureCreator(KEY, 'KEY1', 'com.example.app');
  const sig = c.createSignature('monthly', 'WINBACK', 'AAAA-BBBB', 'NONCE-1', 1764979200000);
  const raw = rawOfDer(fromB64(sig));
  const text = ['com.example.app', 'KEY1', 'monthly', 'WINBACK', 'aaaa-bbbb', 'nonce-1', '1764979200000'].join('\u2063');
  assert.ok(await verifies(raw, utf8(text)));
  assert.equal(await verifies(raw, utf8(text.replace('WINBACK', 'WINBACK2'))), false);
});

test('the JWS creators: ES256 over header.claims, Apple\'s header, audience and claims, a fresh nonce', async (t) => {
  if (typeof iap.PromotionalOfferV2SignatureCreator !== 'function') return t.skip(NONE);
  const args = [KEY, 'KEY1', 'issuer-1', 'com.example.app'];
  const made = [
    [new iap.PromotionalOfferV2SignatureCreator(...args).createSignature('monthly', 'WINBACK', '2000000000000001'), 'promotional-offer', { productId: 'monthly', offerIdentifier: 'WINBACK', transactionId: '2000000000000001' }],
    [new iap.IntroductoryOfferEligibilitySignatureCreator(...args).createSignature('monthly', false, '2000000000000001'), 'introductory-offer-eligibility', { productId: 'monthly', allowIntroductoryOffer: false, transactionId: '2000000000000001' }],
    [new iap.AdvancedCommerceInAppSignatureCreator(...args).createSignature({ operation: 'CREATE_ONE_TIME_CHARGE', version: '1' }), 'advanced-commerce-api', { request: btoa('{"operation":"CREATE_ONE_TIME_CHARGE","version":"1"}') }],
  ];
  const nonces = new Set();
  for (const [jws, aud, own] of made) {
    const [h, p, s] = jws.split('.');
    assert.ok(await verifies(fromB64(s), utf8(`${h}.${p}`)), aud);
    assert.deepEqual(json(h), { alg: 'ES256', typ: 'JWT', kid: 'KEY1' });
    const { nonce, iat, ...claims } = json(p);
    assert.deepEqual(claims, { ...own, bid: 'com.example.app', aud, iss: 'issuer-1' });
    assert.ok(Math.abs(iat * 1000 - Date.now()) < 60_000);
    assert.match(nonce, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    nonces.add(nonce);
  }
  assert.equal(nonces.size, 3);
});
