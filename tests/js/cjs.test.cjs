// The CommonJS entry: the same API through require(), and the same module instance as import.
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

test('require() and import share one module: the same classes, one WebAssembly instance', async () => {
  const esm = await import('../../pkg/node.mjs');
  assert.equal(iap.IapError, esm.IapError);
  assert.equal(iap.GoogleVerifier, esm.GoogleVerifier);
  assert.deepEqual(Object.keys(iap).sort(), Object.keys(esm).sort());
  // An error thrown through one is an instance of the other's class.
  assert.throws(() => esm.verifyGooglePurchase('{}', 'AAAA', own('google/ec-p256.pub')), iap.IapError);
});

test('require() where Node.js cannot require ES modules: an error that says what to do', () => {
  const { spawnSync } = require('node:child_process');
  const r = spawnSync(process.execPath, ['--no-experimental-require-module', '-e', `require(${JSON.stringify(join(__dirname, '..', '..', 'pkg', 'node.cjs'))})`], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /iap-verify: require\(\) of this package needs require\(esm\), on by default from Node\.js 20\.19 and 22\.12/);
  assert.match(r.stderr, /Use import/);
});
