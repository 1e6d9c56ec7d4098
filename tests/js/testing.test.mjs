// iap-verify/testing: everything it signs is accepted by the package's verifiers configured with its
// test root or key, and refused by verifiers with the real roots or another key; its keys are the
// repository's test vectors; and a notification endpoint can be tested with it end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import * as testing from '../../pkg/src/testing.js';
import { own, ownText } from './vectors.mjs';
import { rejectsCode, throwsCode } from './rejects.mjs';

const BUNDLE = 'com.example.app';
const NOW = Date.now();
const purchase = { orderId: 'GPA.1234-5678-9012-34567', packageName: 'com.example.app', productId: 'gems', purchaseTime: NOW, purchaseState: 0, purchaseToken: 'tok', quantity: 1, acknowledged: false };

test('the keys are the repository test vectors (one set of test keys)', () => {
  assert.equal(testing.TEST_LICENSE_KEY, ownText('google/test-key-2048.pub').trim());
  assert.deepEqual([...testing.TEST_APPLE_ROOT], [...new Uint8Array(own('testpki/root-ec.der'))]);
  const jwk = JSON.parse(ownText('google/pubsub-jwks.json')).keys.find((k) => k.kid === 'test-key-2048');
  assert.deepEqual(testing.TEST_PUBSUB_JWKS.keys[0], jwk);
});

test('Google and ONE store purchases: accepted with the test key, refused with another', async () => {
  const g = await testing.signGooglePurchase(purchase);
  assert.equal(g.signedData, JSON.stringify(purchase));
  assert.equal(new iap.GoogleVerifier(testing.TEST_LICENSE_KEY).verify(g.signedData, g.signature).orderId, purchase.orderId);
  throwsCode(() => new iap.GoogleVerifier(ownText('google/other-key-2048.pub')).verify(g.signedData, g.signature), 'INVALID_SIGNATURE');
  // SHA1withRSA, not ONE store's SHA512withRSA: each store's verifier refuses the other's.
  throwsCode(() => new iap.OneStoreVerifier(testing.TEST_LICENSE_KEY).verify(g.signedData, g.signature), 'INVALID_SIGNATURE');
  const o = await testing.signOneStorePurchase({ orderId: 'ONESTORE-1', packageName: 'com.example.app', productId: 'gems', purchaseTime: NOW, purchaseState: 0, purchaseToken: 't', quantity: 1 });
  assert.equal(new iap.OneStoreVerifier(testing.TEST_LICENSE_KEY).verify(o.signedData, o.signature).orderId, 'ONESTORE-1');
  throwsCode(() => new iap.GoogleVerifier(testing.TEST_LICENSE_KEY).verify(o.signedData, o.signature), 'INVALID_SIGNATURE');
  // The exact text given is what is signed.
  const text = '{"orderId":"x","productId":"p","purchaseTime":1,"purchaseState":0,"purchaseToken":"t","packageName":"p"}';
  assert.equal((await testing.signGooglePurchase(text)).signedData, text);
});

test('Pub/Sub push tokens: accepted with TEST_PUBSUB_JWKS, refused for another audience or with Google-shaped keys that are not these', async () => {
  const opts = { audience: 'https://backend.example/n', serviceAccountEmail: 'push@example.iam.gserviceaccount.com' };
  const header = await testing.mintPubSubToken({ ...opts, now: NOW });
  const claims = await iap.verifyPubSubPush(header, { ...opts, jwks: testing.TEST_PUBSUB_JWKS, now: NOW });
  assert.equal(claims.email, opts.serviceAccountEmail);
  await rejectsCode(iap.verifyPubSubPush(header, { ...opts, audience: 'https://other.example', jwks: testing.TEST_PUBSUB_JWKS, now: NOW }), 'INVALID_TOKEN');
  const others = JSON.parse(ownText('google/pubsub-jwks.json'));
  others.keys = others.keys.filter((k) => k.kid !== 'test-key-2048').map((k) => ({ ...k, kid: 'test-key-2048' }));
  await rejectsCode(iap.verifyPubSubPush(header, { ...opts, jwks: others, now: NOW }), 'INVALID_SIGNATURE');
  const expired = await testing.mintPubSubToken({ ...opts, now: NOW - 2 * 3600_000 });
  await rejectsCode(iap.verifyPubSubPush(expired, { ...opts, jwks: testing.TEST_PUBSUB_JWKS, now: NOW }), 'INVALID_TOKEN');
});

test('Apple: transactions and notifications verify with TEST_APPLE_ROOT and are refused with Apple’s roots', async () => {
  const signed = await testing.signAppleTransaction({ bundleId: BUNDLE, productId: 'gems', transactionId: '42' });
  const v = new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, BUNDLE);
  const tx = await v.verifyAndDecodeTransactionAsync(signed);
  assert.equal(tx.transactionId, '42');
  assert.equal(iap.toPurchase(tx).productId, 'gems');
  const real = new iap.SignedDataVerifier(null, false, iap.Environment.SANDBOX, BUNDLE);
  await assert.rejects(real.verifyAndDecodeTransactionAsync(signed), (e) => e instanceof iap.VerificationException);
  const body = await testing.appleNotificationBody({ bundleId: BUNDLE, notificationType: 'DID_RENEW', signedTransactionInfo: signed });
  const n = await v.verifyAndDecodeNotificationAsync(JSON.parse(body).signedPayload);
  assert.equal(n.data.decodedTransactionInfo.transactionId, '42');
  assert.equal(iap.appleNotificationEvent(n).type, 'RENEWED');
  await assert.rejects(real.verifyAndDecodeNotificationAsync(JSON.parse(body).signedPayload), (e) => e instanceof iap.VerificationException);
});

test('a notification endpoint tested with iap-verify/testing, both stores, end to end', async () => {
  const google = { audience: 'https://backend.example/n', serviceAccountEmail: 'push@example.iam.gserviceaccount.com', jwks: testing.TEST_PUBSUB_JWKS };
  const events = [];
  const handler = iap.createNotificationHandler({
    apple: new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, BUNDLE),
    google,
    dedupe: iap.createMemoryNotificationStore(),
    on: (e) => {
      events.push(`${e.store} ${e.type}`);
    },
  });
  const post = (body, headers = {}) => handler(new Request('https://backend.example/n', { method: 'POST', body, headers }));
  const refund = await testing.appleNotificationBody({ bundleId: BUNDLE, notificationType: 'REFUND', signedTransactionInfo: await testing.signAppleTransaction({ bundleId: BUNDLE, productId: 'gems' }) });
  assert.equal((await post(refund)).status, 200);
  const push = testing.pubSubPushBody({ version: '1.0', packageName: 'com.example.app', eventTimeMillis: String(NOW), voidedPurchaseNotification: { purchaseToken: 'tok', orderId: 'GPA.1', productType: 2, refundType: 1 } }, { messageId: 'm-1' });
  const authorization = await testing.mintPubSubToken(google);
  assert.equal((await post(push, { authorization })).status, 200);
  assert.equal((await post(push, { authorization })).status, 200);
  assert.deepEqual(events, ['AS REFUNDED', 'GG REFUNDED']);
});

