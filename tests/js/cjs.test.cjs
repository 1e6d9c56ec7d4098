// The CommonJS entry: the same API through require(), with its own IapError.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const iap = require('../../pkg/node.cjs');

const own = (name) => readFileSync(join(__dirname, '..', 'vectors', name), 'utf8');

test('require() gives a working verifier', () => {
  const v = new iap.GoogleVerifier(own('google/test-key-2048.pub'));
  const p = v.verify(own('google/consumable.json'), own('google/consumable.sig'));
  assert.equal(p.orderId, 'GPA.3301-1234-5678-90123');
});

test('require(): errors are IapError', () => {
  assert.throws(
    () => iap.verifyGooglePurchase('{}', 'AAAA', own('google/ec-p256.pub')),
    (e) => e instanceof iap.IapError && e.code === 'INVALID_PUBLIC_KEY',
  );
});

test('require() through the package name resolves the CJS entry', () => {
  const viaExports = require(join(__dirname, '..', '..', 'pkg'));
  assert.equal(typeof viaExports.verifyGooglePurchase, 'function');
});
