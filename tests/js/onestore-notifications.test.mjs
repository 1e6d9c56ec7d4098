// runtimes: also iap-verify/verify
// ONE store notifications: verifyOneStoreNotification (PNS) on messages signed over each official
// sample's serialization (tests/vectors/onestore/gen-pns.py: PHP and Python by the real
// interpreters, Jackson's form by hand), as text and as parsed objects; tampered, otherwise
// serialized, repeated-key and oversize bodies refused; decodeOneStoreSubscriptionNotification (SNS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { throwsCode } from './rejects.mjs';
import { ownText } from './vectors.mjs';

const KEY = ownText('onestore/test-key-2048.pub');

test('a PNS signed over the Jackson, PHP or Python form verifies; the message comes back without its signature', () => {
  for (const form of ['jackson', 'php', 'python', 'php-float-price']) {
    const body = ownText(`onestore/pns-${form}.json`);
    for (const input of [body, JSON.parse(body)]) {
      const m = iap.verifyOneStoreNotification(input, KEY);
      assert.equal(m.signature, undefined, form);
      assert.equal(m.purchaseId, 'SANDBOX3000000004564');
      assert.equal(m.productName, '보석 100개 (1/2 세일)');
      assert.equal(m.developerPayload, 'order/7\u001f 주문');
      assert.equal(m.purchaseState, 'COMPLETED');
      assert.equal(m.purchaseTimeMillis, 1_717_243_200_000);
      assert.equal(m.paymentTypeList[1].paymentMethod, 'POINT');
      assert.deepEqual(Object.keys(m)[0], 'msgVersion');
    }
  }
});

test('refused: tampered, signed over a form no sample writes, another key, repeated keys, oversize, not JSON', () => {
  throwsCode(() => iap.verifyOneStoreNotification(ownText('onestore/pns-tampered.json'), KEY), 'INVALID_SIGNATURE');
  throwsCode(() => iap.verifyOneStoreNotification(ownText('onestore/pns-pretty-signed.json'), KEY), 'INVALID_SIGNATURE');
  throwsCode(() => iap.verifyOneStoreNotification(ownText('onestore/pns-python.json'), ownText('google/test-key-2048.pub')), 'INVALID_SIGNATURE');
  throwsCode(() => iap.verifyOneStoreNotification(ownText('onestore/pns-duplicate-key.json'), KEY), 'MALFORMED_INPUT');
  const body = JSON.parse(ownText('onestore/pns-python.json'));
  throwsCode(() => iap.verifyOneStoreNotification({ ...body, price: '1' }, KEY), 'INVALID_SIGNATURE');
  throwsCode(() => iap.verifyOneStoreNotification({ ...body, signature: undefined }, KEY), 'MALFORMED_INPUT');
  throwsCode(() => iap.verifyOneStoreNotification({ ...body, pad: 'x'.repeat(70_000) }, KEY), 'INPUT_TOO_LARGE');
  throwsCode(() => iap.verifyOneStoreNotification('not json', KEY), 'MALFORMED_INPUT');
  throwsCode(() => iap.verifyOneStoreNotification(42, KEY), 'INVALID_ARGUMENT');
  throwsCode(() => iap.verifyOneStoreNotification(body, 'not a key'), 'INVALID_PUBLIC_KEY');
});

test('an SNS decodes with its type name; it is not signed, so nothing is verified', () => {
  const body = ownText('onestore/sns-renewed.json');
  for (const input of [body, JSON.parse(body)]) {
    const n = iap.decodeOneStoreSubscriptionNotification(input);
    assert.equal(n.subscriptionNotification.notificationType, 2);
    assert.equal(n.subscriptionNotification.notificationTypeName, 'SUBSCRIPTION_RENEWED');
    assert.equal(n.subscriptionNotification.purchaseToken, 'SUBTOKEN00000001');
    assert.equal(n.environment, 'SANDBOX');
    assert.equal(n.eventTimeMs, 1_717_243_200_000);
  }
  const parsed = JSON.parse(body);
  throwsCode(() => iap.decodeOneStoreSubscriptionNotification({ ...parsed, subscriptionNotification: { notificationType: 2 } }), 'MALFORMED_INPUT');
  throwsCode(() => iap.decodeOneStoreSubscriptionNotification(body.replace('"productId":"vip.monthly"', '"productId":"vip.monthly","productId":"x"')), 'MALFORMED_INPUT');
  throwsCode(() => iap.decodeOneStoreSubscriptionNotification({ ...parsed, pad: 'x'.repeat(70_000) }), 'INPUT_TOO_LARGE');
});
