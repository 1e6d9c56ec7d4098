// runtimes: also iap-verify/verify
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { publicBytes, publicText, own, ownText } from './vectors.mjs';

const legacy = { allowLegacy1024BitKeys: true };

/** Asserts that `fn` throws an IapError with `code`, and returns it. */
export function throwsCode(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ${code}, nothing was thrown`);
  assert.ok(caught instanceof iap.IapError, `not an IapError: ${caught}`);
  assert.ok(caught instanceof Error);
  assert.equal(caught.code, code, caught.message);
  assert.equal(typeof caught.message, 'string');
  assert.equal(typeof caught.retryable, 'boolean');
  return caught;
}

test('voltrue2: real Play signature, 2048-bit key, no option needed', () => {
  const p = iap.verifyGooglePurchase(
    publicText('google-voltrue2-subscription.json'),
    publicText('google-voltrue2-subscription.sig'),
    publicText('google-voltrue2-subscription.pub'),
  );
  assert.equal(p.packageName, 'com.topdox.android.trivialdrivesample2');
  assert.equal(p.purchaseTime, 1456139019030);
  assert.equal(typeof p.purchaseTime, 'number');
  assert.equal(p.autoRenewing, true);
  assert.equal('orderId' in p, false, 'absent fields stay absent');
});

test('awa: 1024-bit key refused by default, accepted with the option; wrong signature refused', () => {
  const key = publicText('google-awa-goiap.pub');
  const data = publicText('google-awa-goiap.json');
  const sig = publicText('google-awa-goiap.sig');
  const e = throwsCode(() => iap.verifyGooglePurchase(data, sig, key), 'INVALID_PUBLIC_KEY');
  assert.match(e.message, /allowLegacy1024BitKeys/);
  const p = iap.verifyGooglePurchase(data, sig, key, legacy);
  assert.equal(p.orderId, 'GPA.xxxx-xxxx-xxxx-xxxxx');
  throwsCode(
    () => iap.verifyGooglePurchase(data, publicText('google-awa-goiap-NEGATIVE-wrongsig.sig'), key, legacy),
    'INVALID_SIGNATURE',
  );
  throwsCode(
    () => new iap.GoogleVerifier(publicText('google-awa-goiap-NEGATIVE-wrongsig.sig'), legacy),
    'INVALID_PUBLIC_KEY',
  );
});

test('mokelab: the trailing newline is signed; bytes and strings both work', () => {
  const v = new iap.GoogleVerifier(publicText('google-mokelab-ok.pub'), legacy);
  const sig = publicText('google-mokelab-ok.sig');
  const bytes = publicBytes('google-mokelab-ok.json');
  assert.equal(v.verify(bytes.toString('utf8'), sig).productId, 'dummy_app_item');
  assert.equal(v.verify(new Uint8Array(bytes), sig).productId, 'dummy_app_item');
  throwsCode(() => v.verify(bytes.toString('utf8').trimEnd(), sig), 'INVALID_SIGNATURE');
  throwsCode(() => v.verify(publicText('google-mokelab-NEGATIVE-broken.json'), sig), 'INVALID_SIGNATURE');
});

test('own consumable: every field, unknown ones kept', () => {
  const v = new iap.GoogleVerifier(ownText('google/test-key-2048.pub'));
  const p = v.verify(ownText('google/consumable.json'), ownText('google/consumable.sig'));
  assert.deepEqual(p, {
    orderId: 'GPA.3301-1234-5678-90123',
    packageName: 'com.example.game',
    productId: 'gem_pack_100',
    purchaseTime: 1764000000123,
    purchaseState: 0,
    purchaseToken: 'opaque-token-abc.AO-J1Oy',
    quantity: 2,
    acknowledged: false,
    obfuscatedAccountId: 'acct-7f3a',
    obfuscatedProfileId: 'prof-19',
    developerPayload: '',
    futureField: { nested: [1, 'two'] },
  });
});

test('own negatives: SHA-256, re-serialized, not an object, duplicate key, EC key, too large', () => {
  const key = ownText('google/test-key-2048.pub');
  const data = ownText('google/consumable.json');
  throwsCode(() => iap.verifyGooglePurchase(data, ownText('google/consumable.sha256.sig'), key), 'INVALID_SIGNATURE');
  throwsCode(() => iap.verifyGooglePurchase(data, ownText('google/consumable.reserialized.sig'), key), 'INVALID_SIGNATURE');
  throwsCode(
    () => iap.verifyGooglePurchase(JSON.stringify(JSON.parse(data), null, 1), ownText('google/consumable.sig'), key),
    'INVALID_SIGNATURE',
  );
  for (const name of ['not-an-object', 'duplicate-key', 'duplicate-nested', 'duplicate-unknown']) {
    const e = throwsCode(
      () => iap.verifyGooglePurchase(ownText(`google/${name}.json`), ownText(`google/${name}.sig`), key),
      'MALFORMED_INPUT',
    );
    assert.equal(e.details.input, 'Google purchase data');
  }
  throwsCode(() => iap.verifyGooglePurchase(data, ownText('google/consumable.sig'), ownText('google/ec-p256.pub')), 'INVALID_PUBLIC_KEY');
  throwsCode(() => iap.verifyGooglePurchase(data, ownText('google/consumable.sig'), 'not base64!'), 'INVALID_PUBLIC_KEY');
  const e = throwsCode(() => iap.verifyGooglePurchase(' '.repeat(70_000), 'AAAA', key), 'INPUT_TOO_LARGE');
  assert.equal(e.details.limit, 65536);
  throwsCode(() => iap.verifyGooglePurchase(data, 'A'.repeat(5000), key), 'INPUT_TOO_LARGE');
});

test('wrong argument types are INVALID_ARGUMENT, not crashes', () => {
  const key = ownText('google/test-key-2048.pub');
  throwsCode(() => iap.verifyGooglePurchase(42, 'AAAA', key), 'INVALID_ARGUMENT');
  throwsCode(() => iap.verifyGooglePurchase('{}', null, key), 'INVALID_ARGUMENT');
  throwsCode(() => new iap.GoogleVerifier(key, { allowLegacy1024BitKey: true }), 'INVALID_ARGUMENT');
  throwsCode(() => new iap.GoogleVerifier(key, { allowLegacy1024BitKeys: 'yes' }), 'INVALID_ARGUMENT');
  throwsCode(() => new iap.OneStoreVerifier(key, 'legacy'), 'INVALID_ARGUMENT');
  // Absent, undefined and null options are the defaults.
  for (const options of [undefined, null, {}, { allowLegacy1024BitKeys: undefined }, { allowLegacy1024BitKeys: false }]) {
    assert.ok(new iap.GoogleVerifier(key, options));
  }
});

test('ONE store: SHA512withRSA, v21 and v17 shapes', () => {
  const v = new iap.OneStoreVerifier(ownText('onestore/test-key-2048.pub'));
  const p = v.verify(ownText('onestore/v21.json'), ownText('onestore/v21.sig'));
  assert.equal(p.purchaseToken, 'TOKEN3000000312345');
  assert.equal(p.recurringState, -1);
  const p17 = iap.verifyOneStorePurchase(ownText('onestore/v17.json'), ownText('onestore/v17.sig'), ownText('onestore/test-key-2048.pub'));
  assert.equal(p17.purchaseId, 'SANDBOX3000000288794');
  throwsCode(() => v.verify(ownText('onestore/v21.json'), ownText('onestore/v21.sha1.sig')), 'INVALID_SIGNATURE');
});

test('the module keeps working after many errors', () => {
  const v = new iap.GoogleVerifier(ownText('google/test-key-2048.pub'));
  for (let i = 0; i < 500; i++) {
    const junk = new Uint8Array(i % 97).map((_, j) => (i * 31 + j * 7) & 0xff);
    assert.throws(() => v.verify(junk, 'AAAA'), iap.IapError);
  }
  assert.equal(v.verify(ownText('google/consumable.json'), ownText('google/consumable.sig')).quantity, 2);
});

test('a duplicate key at any depth of signed data is MALFORMED_INPUT, saying which key and where', () => {
  const cases = [
    [iap.verifyGooglePurchase, 'google/test-key-2048.pub', 'google/duplicate-nested', '"price"', 'Google purchase data'],
    [iap.verifyGooglePurchase, 'google/test-key-2048.pub', 'google/duplicate-unknown', '"futureField"', 'Google purchase data'],
    [iap.verifyOneStorePurchase, 'onestore/test-key-2048.pub', 'onestore/duplicate-nested', '"count"', 'ONE store purchase data'],
  ];
  for (const [verify, key, name, dup, input] of cases) {
    const data = ownText(`${name}.json`);
    const e = throwsCode(() => verify(data, ownText(`${name}.sig`), ownText(key)), 'MALFORMED_INPUT');
    assert.ok(e.message.startsWith(`malformed ${input}: duplicate key ${dup}`), e.message);
    assert.equal(e.details.input, input);
    // The offset points just past the repeated key.
    assert.equal(data.lastIndexOf(dup, e.details.offset), data.indexOf(dup, data.indexOf(dup) + 1), `${name}: offset ${e.details.offset}`);
  }
});
