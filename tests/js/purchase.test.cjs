// The purchase logic through require(): runPayment, PaymentFlow and IapError come from one bundle,
// so `instanceof` checks inside runPayment hold for CommonJS callers too.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const iap = require('../../pkg/node.cjs');

const own = (name) => readFileSync(join(__dirname, '..', 'vectors', name), 'utf8');

test('require(): runPayment drives a PaymentFlow to COMPLETED', async () => {
  const verified = iap.verifyGooglePurchase(
    own('google/consumable.json'),
    own('google/consumable.sig'),
    own('google/test-key-2048.pub'),
  );
  const start = { paymentSeq: '2025112600000001', userId: 'u', store: 'GG', productId: 'gem_pack_100' };
  const flow = iap.PaymentFlow.start(start).apply({ type: 'PAID', accessToken: 't' }).flow;
  const saved = [];
  const done = await iap.runPayment({
    flow,
    verify: () => iap.toPurchase(verified),
    consume: () => {},
    deliver: () => {},
    save: (json) => saved.push(json.state),
  });
  assert.equal(done.state, 'COMPLETED');
  assert.deepEqual(saved, ['VERIFIED', 'CONSUME_REQUESTED', 'CONSUMED', 'DELIVERED', 'COMPLETED']);
  assert.throws(
    () => done.apply({ type: 'PAID', accessToken: 'x' }),
    (e) => e instanceof iap.IapError && e.code === 'INVALID_STATE_TRANSITION',
  );
});
