// The page's own modules in Node (no browser): kind detection (pkg/src/detect.js, which the
// package's inspect() uses) on every public vector, the certificates inspect() describes for the
// page's chain table on DER and BER receipts and JWS headers, and that neither throws on garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { base64ToBytes, bytesToBase64, detect, peekJws } from '../../pkg/src/detect.js';
import { createHash } from 'node:crypto';
import * as iap from '../../pkg/node.mjs';
import { nameLine } from '../../www/page/render.js';
import { parseRoots } from '../../www/page/verify.js';

const PUBLIC = fileURLToPath(new URL('../vectors/public/', import.meta.url));
const OURS = fileURLToPath(new URL('../vectors/', import.meta.url));
const publicText = (f) => readFileSync(PUBLIC + f, 'utf8');

test('detect: every kind from content alone', () => {
  const cases = {
    'google-voltrue2-subscription.json': 'google-purchase',
    'google-mokelab-ok.json': 'google-purchase',
    'apple-receipt-tpinapp-sandbox-g5.b64': 'apple-receipt',
    'apple-receipt-xcode-backyardbirds-empty.b64': 'apple-receipt',
    'apple-ios6-transaction-receipt-synthetic-applelib.b64': 'apple-transaction-receipt',
    'apple-jws-xcode-signed-transaction.jws': 'apple-transaction',
    'apple-jws-xcode-signed-renewal-info.jws': 'apple-renewal-info',
    'apple-jws-awa-renewalinfo-sandbox.jws': 'apple-renewal-info',
    'apple-jws-xcode-signed-app-transaction.jws': 'apple-app-transaction',
    'apple-jws-aporat-notification-test-sandbox.jws': 'apple-notification',
    'apple-jws-gopay-notification-did-renew-sandbox.jws': 'apple-notification',
  };
  for (const [file, kind] of Object.entries(cases)) assert.equal(detect(publicText(file)).kind, kind, file);
  assert.equal(detect(readFileSync(`${OURS}onestore/v21.json`, 'utf8')).kind, 'onestore-purchase');
  assert.equal(detect(readFileSync(`${OURS}onestore/v17.json`, 'utf8')).kind, 'onestore-purchase');
  assert.equal(detect(readFileSync(`${OURS}rtdn/voided.json`, 'utf8')).kind, 'google-rtdn');
  const body = JSON.stringify({ signedPayload: publicText('apple-jws-aporat-notification-test-sandbox.jws') });
  assert.deepEqual(detect(body), { kind: 'apple-notification', input: publicText('apple-jws-aporat-notification-test-sandbox.jws').trim() });
  // Minimal test-CA payloads: a guess, said to be one.
  assert.deepEqual([detect(publicText('apple-jws-testca-transactionInfo.jws')).kind, detect(publicText('apple-jws-testca-transactionInfo.jws')).guessed], ['apple-transaction', true]);
  assert.equal(detect(publicText('apple-jws-testca-renewalInfo.jws')).kind, 'apple-renewal-info');
  // Signed JSON is passed on exactly as pasted (the signature covers those bytes).
  const mokelab = publicText('google-mokelab-ok.json');
  assert.equal(detect(mokelab).input, mokelab);
  // A binary DER file is a receipt.
  const der = base64ToBytes(publicText('apple-receipt-tpinapp-sandbox-g5.b64'));
  assert.equal(detect('', der).kind, 'apple-receipt');
});

test('detect: raw bytes are the input of signed JSON when given; a store option settles the store', () => {
  const text = readFileSync(`${OURS}onestore/v21.json`, 'utf8');
  const bytes = new TextEncoder().encode(text);
  assert.deepEqual(detect(text, bytes), { kind: 'onestore-purchase', input: bytes });
  assert.equal(detect(text, bytes, { store: 'google' }).kind, 'google-purchase');
  const google = readFileSync(`${OURS}google/consumable.json`, 'utf8');
  assert.deepEqual(detect(google), { kind: 'google-purchase', input: google });
  assert.equal(detect(google, undefined, { store: 'onestore' }).kind, 'onestore-purchase');
  // A JWS wrapped across lines (as in an e-mail) is passed on without the whitespace.
  const jws = 'eyJhbGciOiJFUzI1NiJ9.eyJ0cmFuc2FjdGlvbklkIjoiMSJ9.c2ln';
  assert.deepEqual(detect(`${jws.slice(0, 20)}\n  ${jws.slice(20)}\n`), { kind: 'apple-transaction', input: jws });
});

test('detect: unknown input is reported, never thrown', () => {
  for (const input of ['', '   ', '{', '{"a":1}', 'hello world', 'a.b.c', '====', '[1,2]', 'eyJ9.eyJ9.x', '\u0000\u0001']) {
    const d = detect(input);
    assert.equal(d.kind, undefined, input);
    assert.equal(typeof d.reason, 'string');
  }
});

test('base64 helpers round-trip, standard and URL-safe', () => {
  const bytes = new Uint8Array(300).map((_, i) => (i * 37) & 0xff);
  const b64 = bytesToBase64(bytes);
  assert.deepEqual(base64ToBytes(b64), bytes);
  assert.deepEqual(base64ToBytes(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')), bytes);
  assert.deepEqual(base64ToBytes(b64.replace(/.{64}/g, '$&\n')), bytes);
  assert.equal(base64ToBytes('***'), undefined);
});

test('certificates: DER receipt (3, Apple), BER Xcode receipt (1, StoreKit), JWS x5c (3, G3)', () => {
  const g5 = iap.inspect(publicText('apple-receipt-tpinapp-sandbox-g5.b64')).certificates;
  assert.deepEqual(g5.map((c) => nameLine(c.subject)), [
    'Mac App Store and iTunes Store Receipt Signing, Apple Worldwide Developer Relations, Apple Inc., US',
    'Apple Worldwide Developer Relations Certification Authority, G5, Apple Inc., US',
    'Apple Root CA, Apple Certification Authority, Apple Inc., US',
  ]);
  assert.equal(new Date(g5[0].notAfter).toISOString(), '2026-08-23T14:50:02.000Z');
  assert.equal(nameLine(g5[0].issuer), nameLine(g5[1].subject));
  const xcode = iap.inspect(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64')).certificates;
  assert.deepEqual(xcode.map((c) => [nameLine(c.subject), new Date(c.notBefore).toISOString(), new Date(c.notAfter).toISOString()]), [
    ['StoreKit, StoreKit, StoreKit, US', '2020-04-01T17:52:35.000Z', '2040-03-27T17:52:35.000Z'],
  ]);
  const jws = iap.inspect(publicText('apple-jws-gopay-notification-did-renew-sandbox.jws')).certificates;
  assert.equal(jws.length, 3);
  assert.equal(new Date(jws[0].notAfter).toISOString(), '2023-09-24T02:50:33.000Z');
  assert.match(nameLine(jws[2].subject), /^Apple Root CA - G3/);
  // The root file itself, and PEM / base64 roots as Settings hold them.
  const root = readFileSync(`${PUBLIC}apple-root-AppleRootCA-G3.cer`);
  assert.equal(jws[2].sha256, createHash('sha256').update(root).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:'));
  const pem = `-----BEGIN CERTIFICATE-----\n${root.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----`;
  assert.equal(parseRoots([pem + '\n' + pem]).length, 2);
  assert.equal(parseRoots([root.toString('base64')]).length, 1);
  assert.equal(parseRoots(['not a certificate']).length, 0);
});

test('certificates: truncations, bit flips and random bytes give a result, never a throw', () => {
  const receipt = base64ToBytes(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64'));
  const cert = new Uint8Array(readFileSync(`${PUBLIC}apple-root-AppleRootCA-G3.cer`));
  // A certificate reaches the reader as a JWS x5c entry.
  const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const withX5c = (der) => `${b64url({ alg: 'ES256', x5c: [bytesToBase64(der)] })}.${b64url({ transactionId: '1', environment: 'Sandbox' })}.c2ln`;
  const check = (r) => {
    assert.equal(typeof r.status, 'string');
    for (const c of r.certificates ?? []) assert.equal(typeof c.sha256, 'string');
  };
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let n = 0; n < receipt.length; n += Math.max(1, Math.floor(receipt.length / 300))) check(iap.inspect(receipt.subarray(0, n), { type: 'apple-receipt' }));
  for (let n = 0; n < cert.length; n += 3) check(iap.inspect(withX5c(cert.subarray(0, n))));
  for (let i = 0; i < 1000; i++) {
    for (const base of [receipt, cert]) {
      const b = base.slice();
      for (let k = 0; k < 3; k++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
      check(base === receipt ? iap.inspect(b, { type: 'apple-receipt' }) : iap.inspect(withX5c(b)));
    }
  }
  for (let i = 0; i < 1000; i++) {
    const b = new Uint8Array(1 + Math.floor(rand() * 64)).map(() => Math.floor(rand() * 256));
    b[0] = 0x30;
    check(iap.inspect(b));
    check(iap.inspect(withX5c(b)));
  }
  // Deep indefinite-length nesting stops at the depth limit.
  const deep = new Uint8Array(4000).fill(0x30).map((v, i) => (i % 2 ? 0x80 : 0x30));
  const r = iap.inspect(deep);
  assert.deepEqual([r.kind, r.status, r.certificates], ['apple-receipt', 'invalid', undefined]);
});
