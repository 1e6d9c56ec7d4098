// runtimes: also iap-verify/verify
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';

// Shapes from Google's RTDN reference page.
const pushOf = (notification) => ({
  message: {
    attributes: { key: 'value' },
    data: Buffer.from(JSON.stringify(notification)).toString('base64'),
    messageId: '136969346945',
    message_id: '136969346945',
    publishTime: '2026-11-26T10:00:00.123Z',
  },
  subscription: 'projects/myproject/subscriptions/mysubscription',
});

test('subscription notification, from an object and from the raw body string', () => {
  const body = pushOf({
    version: '1.0',
    packageName: 'com.some.thing',
    eventTimeMillis: '503349783000',
    subscriptionNotification: { version: '1.0', notificationType: 6, purchaseToken: 'PURCHASE_TOKEN', subscriptionId: 'my.sku' },
  });
  for (const input of [body, JSON.stringify(body)]) {
    const n = iap.decodeGoogleNotification(input);
    assert.equal(n.kind, 'subscription');
    assert.equal(n.eventTimeMillis, 503349783000);
    assert.equal(n.subscriptionNotification.notificationTypeName, 'SUBSCRIPTION_IN_GRACE_PERIOD');
    assert.equal(n.subscriptionNotification.purchaseToken, 'PURCHASE_TOKEN');
    assert.equal(n.push.messageId, '136969346945');
    assert.deepEqual(n.push.attributes, { key: 'value' });
  }
});

test('one-time, voided, test and unknown kinds', () => {
  const one = iap.decodeGoogleNotification(pushOf({ version: '1.0', packageName: 'p', eventTimeMillis: '1', oneTimeProductNotification: { version: '1.0', notificationType: 2, purchaseToken: 't', sku: 's' } }));
  assert.equal(one.oneTimeProductNotification.notificationTypeName, 'ONE_TIME_PRODUCT_CANCELED');
  const voided = iap.decodeGoogleNotification(pushOf({ version: '1.0', packageName: 'p', eventTimeMillis: '1', voidedPurchaseNotification: { purchaseToken: 't', orderId: 'GPA.1', productType: 2, refundType: 1 } }));
  assert.equal(voided.kind, 'voidedPurchase');
  assert.equal(voided.voidedPurchaseNotification.refundTypeName, 'REFUND_TYPE_FULL_REFUND');
  assert.equal(iap.decodeGoogleNotification(pushOf({ version: '1.0', packageName: 'p', eventTimeMillis: '1', testNotification: { version: '1.0' } })).kind, 'test');
  const later = iap.decodeGoogleNotification(pushOf({ version: '1.0', packageName: 'p', eventTimeMillis: '1', subscriptionNotification: { notificationType: 77 } }));
  assert.equal(later.subscriptionNotification.notificationTypeName, 'UNKNOWN');
  assert.equal(later.subscriptionNotification.notificationType, 77);
});

test('malformed bodies are MALFORMED_INPUT; wrong types INVALID_ARGUMENT', () => {
  for (const bad of ['{}', '[]', 'nope', JSON.stringify({ message: { data: '%%' } })]) {
    assert.throws(() => iap.decodeGoogleNotification(bad), (e) => e instanceof iap.IapError && e.code === 'MALFORMED_INPUT', bad);
  }
  assert.throws(() => iap.decodeGoogleNotification(42), (e) => e.code === 'INVALID_ARGUMENT');
});
