// runtimes: also iap-verify/verify
// The async twins (WebCrypto where the host has it, ring otherwise) give exactly the sync results
// and errors, case by case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { publicText, ownText } from './vectors.mjs';

const legacy = { allowLegacy1024BitKeys: true };
const g = (p) => ownText(`google/${p}`);

const googleCases = [
  ['consumable', g('test-key-2048.pub'), {}, g('consumable.json'), g('consumable.sig')],
  ['subscription', g('test-key-2048.pub'), {}, g('subscription.json'), g('subscription.sig')],
  ['sha256 signature', g('test-key-2048.pub'), {}, g('consumable.json'), g('consumable.sha256.sig')],
  ['tampered', g('test-key-2048.pub'), {}, g('consumable.json').replace('2,', '3,'), g('consumable.sig')],
  ['not an object', g('test-key-2048.pub'), {}, g('not-an-object.json'), g('not-an-object.sig')],
  ['duplicate key', g('test-key-2048.pub'), {}, g('duplicate-key.json'), g('duplicate-key.sig')],
  ['nested duplicate key', g('test-key-2048.pub'), {}, g('duplicate-nested.json'), g('duplicate-nested.sig')],
  ['signature not base64', g('test-key-2048.pub'), {}, g('consumable.json'), '%%%'],
  ['signature too short', g('test-key-2048.pub'), {}, g('consumable.json'), 'AAAA'],
  ['signature too large', g('test-key-2048.pub'), {}, g('consumable.json'), 'A'.repeat(5000)],
  ['data too large', g('test-key-2048.pub'), {}, ' '.repeat(70_000), g('consumable.sig')],
  ['data wrong type', g('test-key-2048.pub'), {}, 17, g('consumable.sig')],
  ['voltrue2', publicText('google-voltrue2-subscription.pub'), {}, publicText('google-voltrue2-subscription.json'), publicText('google-voltrue2-subscription.sig')],
  ['mokelab 1024', publicText('google-mokelab-ok.pub'), legacy, publicText('google-mokelab-ok.json'), publicText('google-mokelab-ok.sig')],
  ['mokelab stripped', publicText('google-mokelab-ok.pub'), legacy, publicText('google-mokelab-ok.json').trimEnd(), publicText('google-mokelab-ok.sig')],
];

const outcome = (fn) => {
  try {
    return { ok: fn() };
  } catch (e) {
    return { code: e.code, message: e.message, isIapError: e instanceof iap.IapError };
  }
};
const outcomeAsync = async (fn) => {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { code: e.code, message: e.message, isIapError: e instanceof iap.IapError };
  }
};

for (const [name, key, opts, data, sig] of googleCases) {
  test(`Google verify and verifyAsync agree: ${name}`, async () => {
    const v = new iap.GoogleVerifier(key, opts);
    const sync = outcome(() => v.verify(data, sig));
    const async_ = await outcomeAsync(() => v.verifyAsync(data, sig));
    assert.deepEqual(async_, sync);
    if (sync.code) assert.equal(sync.isIapError, true);
  });
}

test('ONE store verify and verifyAsync agree', async () => {
  const v = new iap.OneStoreVerifier(ownText('onestore/test-key-2048.pub'));
  for (const [data, sig] of [
    [ownText('onestore/v21.json'), ownText('onestore/v21.sig')],
    [ownText('onestore/v17.json'), ownText('onestore/v17.sig')],
    [ownText('onestore/v21.json'), ownText('onestore/v21.sha1.sig')],
  ]) {
    assert.deepEqual(await outcomeAsync(() => v.verifyAsync(data, sig)), outcome(() => v.verify(data, sig)));
  }
});

test('many concurrent verifyAsync calls share one imported key and all resolve', async () => {
  const v = new iap.GoogleVerifier(g('test-key-2048.pub'));
  const results = await Promise.all(Array.from({ length: 200 }, () => v.verifyAsync(g('consumable.json'), g('consumable.sig'))));
  assert.ok(results.every((p) => p.orderId === 'GPA.3301-1234-5678-90123'));
});
