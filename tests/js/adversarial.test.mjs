// The adversarial suite on the built package (Node): forged chains made with the self-made test
// PKI (tests/pki/gen.sh), re-assembled PKCS#7, encodings that are not what was signed, inputs of
// 100 MB, and thousands of random inputs to every entry point, after which the same instance
// still verifies a genuine purchase.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import * as iap from './load.mjs';
import { own, ownText, publicText } from './vectors.mjs';
import { children, encode, readTlv } from './der.mjs';

const pki = (name) => own(`testpki/${name}`);
const b64url = (x) => Buffer.from(x).toString('base64url');
const SIGNED = 1_717_243_200_000; // 2024-06-01, inside the test PKI's validity

function code(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof iap.IapError, `not an IapError: ${e}`);
    return e.code;
  }
  return 'VERIFIED';
}

/** A StoreKit-2-shaped JWS signed with `signer` (a PKCS#8 EC key) carrying `chain` as x5c. */
function jws(chain, signer, header = {}) {
  const h = b64url(JSON.stringify({ alg: 'ES256', x5c: chain.map((c) => pki(`${c}.der`).toString('base64')), ...header }));
  const p = b64url(JSON.stringify({ transactionId: '1', bundleId: 'com.example.app', environment: 'Sandbox', signedDate: SIGNED }));
  const s = sign('sha256', Buffer.from(`${h}.${p}`), { key: pki(`${signer}.pk8`), format: 'der', type: 'pkcs8', dsaEncoding: 'ieee-p1363' });
  return `${h}.${p}.${b64url(s)}`;
}

test('forged JWS chains: each is refused with its code', () => {
  const ec = new iap.SignedDataVerifier([new Uint8Array(pki('root-ec.der'))], false, 'Sandbox', 'com.example.app');
  const rsaRooted = new iap.SignedDataVerifier([new Uint8Array(pki('root-rsa.der'))], false, 'Sandbox', 'com.example.app');
  const t = (v, token) => code(() => v.verifyAndDecodeTransaction(token));
  // The genuine shape verifies, so every refusal below is about the one thing changed.
  assert.equal(t(ec, jws(['leaf-ec', 'int-ec', 'root-ec'], 'leaf-ec')), 'VERIFIED');
  // A leaf whose certificate was signed by another key than the intermediate's.
  assert.equal(t(rsaRooted, jws(['leaf-ec', 'int-rsa', 'root-rsa'], 'leaf-ec')), 'INVALID_CHAIN');
  // A developer-style certificate under the same intermediate: valid, but no 6.11.1 marker.
  assert.equal(t(ec, jws(['leaf-ec-nooid', 'int-ec', 'root-ec'], 'leaf-ec')), 'INVALID_CHAIN');
  // An intermediate without 6.2.1, and one that is not a CA.
  assert.equal(t(ec, jws(['leaf-ec', 'int-ec-nooid', 'root-ec'], 'leaf-ec')), 'INVALID_CHAIN');
  assert.equal(t(ec, jws(['leaf-ec', 'int-ec-notca', 'root-ec'], 'leaf-ec')), 'INVALID_CHAIN');
  // Not yet valid, or expired, at the signed date.
  assert.equal(t(ec, jws(['leaf-ec-future', 'int-ec', 'root-ec'], 'leaf-ec')), 'CERTIFICATE_EXPIRED');
  assert.equal(t(ec, jws(['leaf-ec-expired', 'int-ec', 'root-ec'], 'leaf-ec')), 'CERTIFICATE_EXPIRED');
  // Signed by the intermediate's key (or the root's) instead of the leaf's.
  assert.equal(t(ec, jws(['leaf-ec', 'int-ec', 'root-ec'], 'int-ec')), 'INVALID_SIGNATURE');
  // A chain to another root, the genuine root sent as x5c[2] notwithstanding.
  assert.equal(t(ec, jws(['leaf-ec', 'int-ec', 'root2-ec'], 'leaf-ec')), 'VERIFIED', 'x5c[2] is not what is trusted');
  const other = new iap.SignedDataVerifier([new Uint8Array(pki('root2-ec.der'))], false, 'Sandbox', 'com.example.app');
  assert.equal(t(other, jws(['leaf-ec', 'int-ec', 'root-ec'], 'leaf-ec')), 'INVALID_CHAIN');
  // Algorithms other than ES256 are refused before any key is touched, whatever the signature:
  // the token is not of the one shape accepted.
  for (const alg of ['none', 'HS256', 'RS256', 'ES384', 'es256']) {
    assert.equal(t(ec, jws(['leaf-ec', 'int-ec', 'root-ec'], 'leaf-ec', { alg })), 'MALFORMED_INPUT', alg);
  }
  // Two or four certificates.
  assert.equal(t(ec, jws(['leaf-ec', 'int-ec'], 'leaf-ec')), 'INVALID_CHAIN');
  assert.equal(t(ec, jws(['leaf-ec', 'int-ec', 'root-ec', 'root-ec'], 'leaf-ec')), 'INVALID_CHAIN');
});

/** Rebuilds the receipt with SignedData's fields changed by `edit(fields)`. */
function reassemble(der, edit) {
  const ci = readTlv(der);
  const [oid, explicit] = children(der, ci);
  const sd = children(der, explicit)[0];
  const fields = children(der, sd).map((f) => ({ tag: f.tag, bytes: der.subarray(f.start, f.end), content: der.subarray(f.body, f.end) }));
  edit(fields);
  const sdBytes = encode(0x30, Buffer.concat(fields.map((f) => f.bytes)));
  return new Uint8Array(encode(0x30, Buffer.concat([der.subarray(oid.start, oid.end), encode(0xa0, sdBytes)])));
}

/** A JWS over exactly these header and payload texts (JSON.stringify cannot repeat a key). */
function rawJws(headerText, payloadText) {
  const h = b64url(headerText);
  const p = b64url(payloadText);
  const s = sign('sha256', Buffer.from(`${h}.${p}`), { key: pki('leaf-ec.pk8'), format: 'der', type: 'pkcs8', dsaEncoding: 'ieee-p1363' });
  return `${h}.${p}.${b64url(s)}`;
}

test('a duplicate key at any depth of a JWS header, payload or nested JWS is MALFORMED_INPUT', () => {
  const v = new iap.SignedDataVerifier([new Uint8Array(pki('root-ec.der'))], false, 'Sandbox', 'com.example.app');
  const x5c = `"x5c":${JSON.stringify(['leaf-ec', 'int-ec', 'root-ec'].map((c) => pki(`${c}.der`).toString('base64')))}`;
  const header = `{"alg":"ES256",${x5c}}`;
  const base = `"transactionId":"1","bundleId":"com.example.app","environment":"Sandbox","signedDate":${SIGNED}`;
  const refused = (fn, what, key) => {
    try {
      fn();
    } catch (e) {
      assert.equal(e.code, 'MALFORMED_INPUT', e.message);
      assert.ok(e.message.startsWith(`malformed ${what}: duplicate key "${key}"`), e.message);
      return;
    }
    assert.fail(`${what} with a repeated "${key}" verified`);
  };
  assert.equal(v.verifyAndDecodeTransaction(rawJws(header, `{${base}}`)).transactionId, '1');
  refused(() => v.verifyAndDecodeTransaction(rawJws(header, `{${base},"foo":{"x":1,"x":2}}`)), 'JWS payload', 'x');
  refused(() => v.verifyAndDecodeTransaction(rawJws(header, `{${base},"price":1,"price":990000}`)), 'JWS payload', 'price');
  refused(() => v.verifyAndDecodeTransaction(rawJws(header, `{${base},"u":[{"k":1,"\\u006b":2}]}`)), 'JWS payload', 'k');
  refused(() => v.verifyAndDecodeTransaction(rawJws(`{"alg":"ES256",${x5c},"kid":"a","kid":"b"}`, `{${base}}`)), 'JWS header', 'kid');
  refused(() => v.verifyAndDecodeTransaction(rawJws(`{"alg":"none","alg":"ES256",${x5c}}`, `{${base}}`)), 'JWS header', 'alg');
  // The async path (WebCrypto or node:crypto for the signature) applies the same rule.
  return v.verifyAndDecodeTransactionAsync(rawJws(header, `{${base},"foo":{"x":1,"x":2}}`)).then(
    () => assert.fail('verified'),
    (e) => assert.match(e.message, /^malformed JWS payload: duplicate key "x"/),
  ).then(() => {
    const note = (inner, extra = '') => rawJws(header, `{"notificationType":"ONE_TIME_CHARGE","signedDate":${SIGNED},"data":{"bundleId":"com.example.app","environment":"Sandbox"${extra},"signedTransactionInfo":"${inner}"}}`);
    const good = rawJws(header, `{${base}}`);
    assert.equal(v.verifyAndDecodeNotification(note(good)).data.decodedTransactionInfo.transactionId, '1');
    refused(() => v.verifyAndDecodeNotification(note(good, ',"status":1,"status":2')), 'JWS payload', 'status');
    refused(() => v.verifyAndDecodeNotification(note(rawJws(header, `{${base},"offer":{"id":"a","id":"b"}}`))), 'JWS payload', 'id');
  });
});

test('re-assembled receipts: two SignerInfos, signer missing from the certificates', () => {
  const der = pki('receipt-openssl-sha256.der');
  const v = new iap.AppReceiptVerifier([new Uint8Array(pki('root-rsa.der'))]);
  assert.equal(code(() => v.verify(new Uint8Array(der))), 'VERIFIED');
  assert.equal(code(() => v.verify(reassemble(der, () => {}))), 'VERIFIED', 'the re-assembly itself is faithful');
  const twoSigners = reassemble(der, (f) => {
    const set = f[f.length - 1];
    set.bytes = encode(0x31, Buffer.concat([set.content, set.content]));
  });
  assert.equal(code(() => v.verify(twoSigners)), 'MALFORMED_INPUT');
  assert.throws(() => v.verify(twoSigners), (e) => /^malformed receipt: the receipt has 2 SignerInfos; Apple's have exactly one \(at byte \d+\)$/.test(e.message));
  const noLeaf = reassemble(der, (f) => {
    const certs = f.find((x) => x.tag === 0xa0);
    const list = children(certs.bytes, readTlv(certs.bytes));
    const kept = list.filter((c) => !certs.bytes.subarray(c.start, c.end).equals(pki('leaf-rsa.der')));
    assert.equal(kept.length, list.length - 1, 'the leaf was embedded');
    certs.bytes = encode(0xa0, Buffer.concat(kept.map((c) => certs.bytes.subarray(c.start, c.end))));
  });
  assert.equal(code(() => v.verify(noLeaf)), 'INVALID_CHAIN');
});

test('signed Google data that is not clean UTF-8 JSON: BOM, Latin-1', () => {
  const v = new iap.GoogleVerifier(ownText('google/test-key-2048.pub'));
  for (const name of ['bom', 'latin1']) {
    // As bytes, exactly as signed: the signature verifies, then decoding refuses.
    assert.equal(code(() => v.verify(new Uint8Array(own(`google/${name}.json`)), ownText(`google/${name}.sig`))), 'MALFORMED_INPUT', name);
  }
});

test('100 MB inputs are INPUT_TOO_LARGE before anything is copied', () => {
  const huge = 'A'.repeat(100 * 1024 * 1024);
  const bytes = new Uint8Array(100 * 1024 * 1024);
  const google = new iap.GoogleVerifier(ownText('google/test-key-2048.pub'));
  assert.equal(code(() => google.verify(huge, 'AAAA')), 'INPUT_TOO_LARGE');
  assert.equal(code(() => google.verify(bytes, 'AAAA')), 'INPUT_TOO_LARGE');
  assert.equal(code(() => google.verify('{}', huge)), 'INPUT_TOO_LARGE');
  assert.equal(code(() => new iap.GoogleVerifier(huge)), 'INPUT_TOO_LARGE');
  assert.equal(code(() => iap.verifyAppReceipt(huge)), 'INPUT_TOO_LARGE');
  assert.equal(code(() => iap.verifyAppReceipt(bytes)), 'INPUT_TOO_LARGE');
  const apple = new iap.SignedDataVerifier(null, false, 'Sandbox', 'x');
  assert.equal(code(() => apple.verifyAndDecodeTransaction(huge)), 'INPUT_TOO_LARGE');
  assert.equal(code(() => iap.decodeGoogleNotification(huge)), 'INPUT_TOO_LARGE');
  // Each names the limit and the unit.
  const said = (fn) => {
    try {
      fn();
    } catch (e) {
      return [e.message, e.details.unit, e.details.limit];
    }
    return 'VERIFIED';
  };
  assert.deepEqual(said(() => google.verify(bytes, 'AAAA')), ['signedData: 104857600 bytes, over the limit of 65536 bytes', 'bytes', 65536]);
  assert.deepEqual(said(() => iap.verifyAppReceipt(bytes)), ['receipt: 104857600 bytes, over the limit of 4194304 bytes', 'bytes', 4194304]);
  assert.deepEqual(said(() => apple.verifyAndDecodeTransaction(huge)), ['signedTransactionInfo: 104857600 bytes, over the limit of 262144 bytes', 'bytes', 262144]);
  if (typeof iap.IapApi === 'function') {
    // Checked on the JS string before it is copied in: counted in its characters.
    const api = new iap.IapApi({ appKey: 'k' });
    assert.deepEqual(said(() => api.parseListConsumables({ status: 200, body: huge })), ['NHN API response: 104857600 characters, over the limit of 4194304 characters', 'characters', 4194304]);
  }
});

test('thousands of random inputs to every entry point, then the same instance still verifies', () => {
  let seed = 0x9e3779b9;
  const rnd = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const bytes = (n) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
  const text = (n) => String.fromCharCode(...Array.from({ length: n }, () => 32 + Math.floor(rnd() * 95)));
  const genuine = {
    receipt: Buffer.from(publicText('apple-receipt-tpinapp-sandbox-g5.b64'), 'base64'),
    jws: publicText('apple-jws-aporat-notification-test-sandbox.jws'),
    google: own('google/consumable.json'),
  };
  // Random bytes, and genuine inputs with random bytes changed (reaching deeper into the parsers).
  const mutate = (buf) => {
    const out = Uint8Array.from(buf);
    for (let i = 0, n = 1 + Math.floor(rnd() * 4); i < n; i++) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
    return out;
  };
  const google = new iap.GoogleVerifier(ownText('google/test-key-2048.pub'));
  const receipts = new iap.AppReceiptVerifier(null);
  const signed = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities');
  const codes = new Set();
  const attempt = (fn) => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof iap.IapError)) throw e;
      codes.add(e.code);
    }
  };
  for (let i = 0; i < 3000; i++) {
    const n = Math.floor(rnd() * 300);
    attempt(() => google.verify(i % 2 ? bytes(n) : mutate(genuine.google), text(n)));
    attempt(() => new iap.GoogleVerifier(text(n)));
    attempt(() => receipts.verify(i % 2 ? bytes(n) : mutate(genuine.receipt)));
    attempt(() => iap.extractTransactionIdFromAppReceipt(i % 2 ? bytes(n) : mutate(genuine.receipt)));
    attempt(() => signed.verifyAndDecodeNotification(i % 2 ? text(n) : Buffer.from(mutate(Buffer.from(genuine.jws))).toString('latin1')));
    attempt(() => iap.decodeGoogleNotification(text(n)));
    attempt(() => iap.PaymentFlow.fromJSON(text(n)));
  }
  assert.ok(codes.has('MALFORMED_INPUT'));
  // The instance is intact: genuine inputs still verify.
  assert.equal(google.verify(ownText('google/consumable.json'), ownText('google/consumable.sig')).quantity, 2);
  assert.equal(receipts.verify(publicText('apple-receipt-tpinapp-sandbox-g5.b64')).bundleId, 'dev.bonzer.weeka.app');
  assert.equal(signed.verifyAndDecodeNotification(genuine.jws).notificationType, 'TEST');
});
