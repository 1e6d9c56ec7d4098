// runtimes: also iap-verify/verify
// The purchase model: toPurchase and subscriptionStatus, through the built package (the payment
// flow and runPayment: purchase.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { throwsCode } from './rejects.mjs';
import { publicText, ownText } from './vectors.mjs';

const key = ownText('google/test-key-2048.pub');
const verifiedGoogle = (name = 'consumable') =>
  iap.verifyGooglePurchase(ownText(`google/${name}.json`), ownText(`google/${name}.sig`), key);

// ---------------------------------------------------------------------------------------------
// toPurchase

test('toPurchase: a verified Google purchase', () => {
  const p = iap.toPurchase(verifiedGoogle());
  assert.equal(p.store, 'GG');
  assert.equal(p.productId, 'gem_pack_100');
  assert.equal(p.transactionId, 'GPA.3301-1234-5678-90123');
  assert.equal(p.purchaseToken, 'opaque-token-abc.AO-J1Oy');
  assert.equal(p.purchaseTime, 1764000000123);
  assert.equal(p.quantity, 2);
  assert.equal(p.environment, 'PRODUCTION');
  assert.equal(p.state, 'PURCHASED');
  assert.equal(p.accountId, 'acct-7f3a');
  assert.equal('purchaseType' in p, false);
  assert.deepEqual(p.source.futureField, { nested: [1, 'two'] });
});

test('toPurchase: renewal order suffix, pending state, the voltrue2 test subscription', () => {
  const sub = iap.toPurchase(verifiedGoogle('subscription'));
  assert.equal(sub.originalTransactionId, 'GPA.3301-1234-5678-90124');
  assert.equal(sub.productType, 'AUTO_RENEWABLE');
  assert.equal(iap.toPurchase(verifiedGoogle('pending')).state, 'PENDING');
  const real = iap.verifyGooglePurchase(
    publicText('google-voltrue2-subscription.json'),
    publicText('google-voltrue2-subscription.sig'),
    publicText('google-voltrue2-subscription.pub'),
  );
  const p = iap.toPurchase(real);
  assert.equal(p.environment, 'SANDBOX');
  assert.equal(p.purchaseType, 'TEST');
});

test('toPurchase: a verified ONE store purchase (sandbox id)', () => {
  const v = iap.verifyOneStorePurchase(
    ownText('onestore/v21.json'),
    ownText('onestore/v21.sig'),
    ownText('onestore/test-key-2048.pub'),
  );
  const p = iap.toPurchase(v);
  assert.equal(p.store, 'ONESTORE');
  assert.equal(p.purchaseToken, 'TOKEN3000000312345');
  assert.equal(p.environment, 'SANDBOX');
  assert.equal(p.purchaseType, 'TEST');
});

test('toPurchase: only values a verifier returned; later edits are ignored', () => {
  const v = verifiedGoogle();
  for (const forged of [{ ...v }, JSON.parse(JSON.stringify(v)), { productId: 'x', purchaseTime: 1 }, null, 'x']) {
    throwsCode(() => iap.toPurchase(forged), 'INVALID_ARGUMENT');
  }
  v.productId = 'diamond_pack_9999';
  v.quantity = 1000;
  const p = iap.toPurchase(v);
  assert.equal(p.productId, 'gem_pack_100');
  assert.equal(p.quantity, 2);
  // A purchase is itself accepted (it was made from a verified value), a copy of it is not.
  assert.deepEqual(iap.toPurchase(p), p);
  throwsCode(() => iap.toPurchase({ ...p }), 'INVALID_ARGUMENT');
});

// ---------------------------------------------------------------------------------------------
// subscriptionStatus

function jwsPayload(jws) {
  return JSON.parse(Buffer.from(jws.trim().split('.')[1], 'base64url').toString('utf8'));
}

test('subscriptionStatus: Apple DID_RENEW vector at its boundaries', () => {
  const n = jwsPayload(publicText('apple-jws-gopay-notification-did-renew-sandbox.jws'));
  const input = {
    source: 'APPLE',
    transaction: jwsPayload(n.data.signedTransactionInfo),
    renewalInfo: jwsPayload(n.data.signedRenewalInfo),
    notificationType: n.notificationType,
  };
  const expires = 1646387196000;
  assert.deepEqual(iap.subscriptionStatus(input, expires - 1), {
    status: 'ACTIVE',
    entitled: true,
    expiresTime: expires,
    autoRenewing: true,
  });
  const at = iap.subscriptionStatus(input, expires);
  assert.equal(at.status, 'EXPIRED');
  assert.equal(at.entitled, false);
  // `at` defaults to now, long after this 2022 sandbox subscription.
  assert.equal(iap.subscriptionStatus(input).status, 'EXPIRED');
});

test('subscriptionStatus: grace period boundaries, Google and NHN', () => {
  const exp = Date.UTC(2025, 0, 1);
  const grace = exp + 3 * 86400000;
  const apple = {
    source: 'APPLE',
    transaction: { originalTransactionId: '1', expiresDate: exp },
    renewalInfo: { originalTransactionId: '1', autoRenewStatus: 1, gracePeriodExpiresDate: grace, isInBillingRetryPeriod: true },
  };
  assert.equal(iap.subscriptionStatus(apple, exp).status, 'IN_GRACE_PERIOD');
  assert.equal(iap.subscriptionStatus(apple, grace - 1).gracePeriodEndTime, grace);
  assert.deepEqual(
    [iap.subscriptionStatus(apple, grace).status, iap.subscriptionStatus(apple, grace).entitled],
    ['IN_BILLING_RETRY', false],
  );
  const google = {
    source: 'GOOGLE',
    subscription: {
      subscriptionState: 'SUBSCRIPTION_STATE_CANCELED',
      lineItems: [{ productId: 'vip', expiryTime: new Date(exp).toISOString(), autoRenewingPlan: { autoRenewEnabled: false } }],
    },
  };
  assert.equal(iap.subscriptionStatus(google, exp - 1).status, 'CANCELED');
  assert.equal(iap.subscriptionStatus(google, exp - 1).entitled, true);
  assert.equal(iap.subscriptionStatus(google, exp).entitled, false);
  const nhn = { source: 'NHN', record: { referenceStatus: 'ON_HOLD', expiryTime: '2025-01-01T09:00:00+09:00' } };
  assert.deepEqual(iap.subscriptionStatus(nhn, 0), { status: 'ON_HOLD', entitled: false, expiresTime: exp, autoRenewing: true });
});

test('subscriptionStatus: a decoded RTDN (decodeGoogleNotification) plus the purchase', () => {
  const exp = Date.UTC(2025, 0, 1);
  const purchase = { expiryTimeMillis: String(exp), autoRenewing: true };
  const renewed = iap.decodeGoogleNotification(ownText('rtdn/subscription-renewed.json'));
  assert.equal(renewed.subscriptionNotification.notificationType, 2);
  const s = iap.subscriptionStatus({ source: 'GOOGLE_RTDN', notification: renewed, purchase }, exp - 1);
  assert.deepEqual(s, { status: 'ACTIVE', entitled: true, expiresTime: exp, autoRenewing: true });
  assert.equal(iap.subscriptionStatus({ source: 'GOOGLE_RTDN', notification: renewed, purchase }, exp).entitled, false);
  const voided = { voidedPurchaseNotification: { purchaseToken: 't', orderId: 'GPA.1', productType: 1, refundType: 1 } };
  assert.equal(iap.subscriptionStatus({ source: 'GOOGLE_RTDN', notification: voided, purchase }, exp - 1).status, 'REVOKED');
});

test('subscriptionStatus: contradicting or malformed input is a typed error', () => {
  throwsCode(
    () => iap.subscriptionStatus({ source: 'APPLE', transaction: { purchaseDate: 10, expiresDate: 5 } }, 0),
    'MALFORMED_INPUT',
  );
  throwsCode(() => iap.subscriptionStatus({ source: 'STEAM' }, 0), 'MALFORMED_INPUT');
  throwsCode(() => iap.subscriptionStatus({ source: 'NHN', record: {} }, 1.5), 'INVALID_ARGUMENT');
});

test('toPurchase: results of the async verifiers are registered too', async () => {
  const v = new iap.GoogleVerifier(key);
  const p = iap.toPurchase(await v.verifyAsync(ownText('google/consumable.json'), ownText('google/consumable.sig')));
  assert.equal(p.productId, 'gem_pack_100');
});
