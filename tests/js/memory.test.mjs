// runtimes: also iap-verify/verify
// 10,000 verifications (valid and invalid, every kind) in one instance: after a warm-up the
// module's linear memory stops growing. A leak of even a few bytes per call would show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { publicText, ownText } from './vectors.mjs';

test('wasm memory stops growing over 10,000 verifications', () => {
  const google = new iap.GoogleVerifier(ownText('google/test-key-2048.pub'));
  const receipts = new iap.AppReceiptVerifier(null);
  const jws = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities');
  const data = ownText('google/consumable.json');
  const sig = ownText('google/consumable.sig');
  const receipt = publicText('apple-receipt-tpinapp-sandbox-g5.b64');
  const token = publicText('apple-jws-aporat-notification-test-sandbox.jws');
  const round = (i) => {
    google.verify(data, sig);
    assert.throws(() => google.verify(data, ownText('google/consumable.sha256.sig')));
    if (i % 10 === 0) receipts.verify(receipt);
    if (i % 10 === 5) jws.verifyAndDecodeNotification(token);
    if (i % 10 === 7) assert.throws(() => jws.verifyAndDecodeNotification(token.slice(0, -4)));
  };
  for (let i = 0; i < 1000; i++) round(i);
  const warm = iap.__wasmMemoryBytes();
  for (let i = 0; i < 10_000; i++) round(i);
  const after = iap.__wasmMemoryBytes();
  console.log(`wasm memory: ${warm} bytes after 1,000 warm-up rounds, ${after} after 10,000 more`);
  assert.equal(after, warm, `grew by ${after - warm} bytes`);
});
