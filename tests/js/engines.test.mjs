// Every signature engine gives the same results and errors, case by case: node:crypto (sync and
// thread pool), WebCrypto, and ring inside the module (sync, and async without any host crypto).
// Node-only: it swaps the engine the Node entry registered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { publicBytes, publicText, own, ownText } from './vectors.mjs';

const isNode = typeof process !== 'undefined' && process.versions?.node && !process.versions?.bun && typeof Deno === 'undefined';

async function outcome(fn) {
  try {
    return { ok: await fn() };
  } catch (e) {
    assert.ok(e instanceof iap.IapError, String(e));
    return { code: e.code, message: e.message };
  }
}

/** Runs `fn` under each engine and asserts all outcomes are equal; returns the outcome. */
async function sameUnderEveryEngine(label, syncFn, asyncFn) {
  const { nodeCrypto } = await import('../../pkg/src/node-crypto.js');
  const results = {};
  try {
    results['node:crypto sync'] = await outcome(syncFn);
    results['node:crypto async'] = await outcome(asyncFn);
    iap.__registerNodeCrypto(null);
    results['ring sync'] = await outcome(syncFn);
    results['WebCrypto async'] = await outcome(asyncFn);
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
    try {
      results['ring async'] = await outcome(asyncFn);
    } finally {
      Object.defineProperty(globalThis, 'crypto', saved);
    }
  } finally {
    iap.__registerNodeCrypto(nodeCrypto);
  }
  const [first, ...rest] = Object.entries(results);
  for (const [engine, r] of rest) assert.deepEqual(r, first[1], `${label}: ${engine} differs from ${first[0]}`);
  return first[1];
}

const g = (p) => ownText(`google/${p}`);

test('Google and ONE store: every engine agrees', { skip: !isNode }, async () => {
  const google = new iap.GoogleVerifier(g('test-key-2048.pub'));
  const legacy = new iap.GoogleVerifier(publicText('google-mokelab-ok.pub'), { allowLegacy1024BitKeys: true });
  const cases = [
    [google, g('consumable.json'), g('consumable.sig'), true],
    [google, g('consumable.json'), g('consumable.sha256.sig'), false],
    [google, g('consumable.json').replace('"quantity":2', '"quantity":9'), g('consumable.sig'), false],
    [google, g('duplicate-key.json'), g('duplicate-key.sig'), false],
    [google, g('consumable.json'), 'AAAA', false],
    [legacy, publicText('google-mokelab-ok.json'), publicText('google-mokelab-ok.sig'), true],
    [legacy, publicText('google-mokelab-ok.json').trimEnd(), publicText('google-mokelab-ok.sig'), false],
  ];
  for (const [v, data, sig, ok] of cases) {
    const r = await sameUnderEveryEngine('google', () => v.verify(data, sig), () => v.verifyAsync(data, sig));
    assert.equal('ok' in r, ok);
  }
  const one = new iap.OneStoreVerifier(ownText('onestore/test-key-2048.pub'));
  for (const sig of ['onestore/v21.sig', 'onestore/v21.sha1.sig']) {
    await sameUnderEveryEngine('onestore', () => one.verify(ownText('onestore/v21.json'), ownText(sig)), () => one.verifyAsync(ownText('onestore/v21.json'), ownText(sig)));
  }
});

test('Apple receipts and JWS: every engine agrees', { skip: !isNode }, async () => {
  const apple = new iap.AppReceiptVerifier(null);
  const sandbox = publicText('apple-receipt-tpinapp-sandbox-g5.b64');
  const tampered = new Uint8Array(Buffer.from(sandbox, 'base64'));
  tampered[Buffer.from(tampered).indexOf('dev.bonzer.weeka.app') + 3] ^= 1;
  const testPki = new iap.AppReceiptVerifier([new Uint8Array(own('testpki/root-rsa.der'))]);
  const receipts = [
    [apple, sandbox, { bundleId: 'dev.bonzer.weeka.app' }, true],
    [apple, tampered, {}, false],
    [testPki, new Uint8Array(own('testpki/receipt-openssl-sha1.der')), {}, null],
    [testPki, new Uint8Array(own('testpki/receipt-openssl-sha256.der')), {}, null],
  ];
  for (const [v, r, opts, ok] of receipts) {
    const out = await sameUnderEveryEngine('receipt', () => v.verify(r, opts), () => v.verifyAsync(r, opts));
    if (ok !== null) assert.equal('ok' in out, ok);
  }
  const jws = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities');
  const token = publicText('apple-jws-aporat-notification-test-sandbox.jws');
  const [h, p, s] = token.split('.');
  const forged = JSON.parse(Buffer.from(p, 'base64url'));
  forged.notificationType = 'REFUND';
  for (const [t, ok] of [[token, true], [`${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`, false]]) {
    const out = await sameUnderEveryEngine('jws', () => jws.verifyAndDecodeNotification(t), () => jws.verifyAndDecodeNotificationAsync(t));
    assert.equal('ok' in out, ok);
  }
  const renewal = new iap.SignedDataVerifier(null, false, 'Sandbox', 'x');
  const r = publicText('apple-jws-awa-renewalinfo-sandbox.jws');
  await sameUnderEveryEngine('renewal', () => renewal.verifyAndDecodeRenewalInfo(r), () => renewal.verifyAndDecodeRenewalInfoAsync(r));
});

test('node:crypto imports every key the Node entry hands it (RSA as a JWK of its numbers, P-256 as a point)', { skip: !isNode }, async () => {
  // The agreement above holds even if node:crypto refused every key (ring would then answer); this
  // checks that it does not: each scheme's key is imported and its checks are answered by node:crypto.
  const { nodeCrypto } = await import('../../pkg/src/node-crypto.js');
  const seen = [];
  iap.__registerNodeCrypto({
    importKey: (scheme, key, exponent) => {
      const k = nodeCrypto.importKey(scheme, key, exponent);
      seen.push({ scheme, imported: k !== undefined, bytes: key.length, exponent: exponent && [...exponent] });
      return k;
    },
    verify: (scheme, key, data, sig) => {
      const v = nodeCrypto.verify(scheme, key, data, sig);
      seen.push({ scheme, verified: v });
      return v;
    },
  });
  try {
    new iap.GoogleVerifier(g('test-key-2048.pub')).verify(g('consumable.json'), g('consumable.sig'));
    new iap.OneStoreVerifier(ownText('onestore/test-key-2048.pub')).verify(ownText('onestore/v21.json'), ownText('onestore/v21.sig'));
    new iap.AppReceiptVerifier(null).verify(publicText('apple-receipt-tpinapp-sandbox-g5.b64'), {});
    new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities').verifyAndDecodeNotification(publicText('apple-jws-aporat-notification-test-sandbox.jws'));
  } finally {
    iap.__registerNodeCrypto(nodeCrypto);
  }
  const imports = seen.filter((s) => 'imported' in s);
  assert.deepEqual(new Set(imports.map((s) => s.scheme)), new Set([0, 1, 3, 4]), JSON.stringify(imports));
  for (const s of imports) {
    assert.ok(s.imported, `scheme ${s.scheme}: node:crypto refused the key`);
    // RSA: the modulus without DER's sign byte (2048-bit keys: 256 bytes) and the exponent 65537.
    if (s.scheme !== 4) assert.deepEqual([s.bytes % 128, s.exponent], [0, [1, 0, 1]], JSON.stringify(s));
    else assert.equal(s.exponent, undefined);
  }
  assert.ok(seen.filter((s) => 'verified' in s).every((s) => s.verified === true), JSON.stringify(seen));
});
