// runtimes: also iap-verify/verify
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';

test('IapError is a real Error subclass with code, retryable and details', () => {
  const e = new iap.IapError('TIMEOUT', 'no answer', { retryable: true, details: { afterMs: 5 } });
  assert.ok(e instanceof Error);
  assert.ok(e instanceof iap.IapError);
  assert.equal(e.name, 'IapError');
  assert.equal(e.code, 'TIMEOUT');
  assert.equal(e.retryable, true);
  assert.deepEqual(e.details, { afterMs: 5 });
  assert.match(e.stack, /IapError/);
});

test('errors thrown by the wasm module are IapError instances with a stack', () => {
  try {
    iap.verifyGooglePurchase('{}', 'AAAA', 'AAAA');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof iap.IapError);
    assert.equal(e.code, 'INVALID_PUBLIC_KEY');
    assert.equal(e.retryable, false);
    assert.equal(typeof e.stack, 'string');
  }
});
