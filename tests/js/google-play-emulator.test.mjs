// GooglePlayClient over real HTTP against the local server's Google Play face: the token endpoint
// (the RS256 assertion checked against the seeded service account), every method, acknowledgement
// and consumption as state the next read sees, voided purchases page by page, Google's errors
// (404, 410 Gone, 403, 400), the faults, and no secret in any error. Portable: the runtime runner
// hosts one emulator for every runtime, and the tests reach its state only through its admin API.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { emulator } from './services.mjs';

let emu = null;
const NONE = 'no GooglePlayClient or emulator in this build';
const DAY = 86_400_000;
const subtle = globalThis.crypto.subtle;

before(async () => {
  if (typeof iap.GooglePlayClient === 'function') emu = await emulator();
  if (emu && !emu.googlePlay) emu = null;
});
after(() => emu?.close());
beforeEach(async () => {
  if (emu) await admin('POST', '/admin/reset');
});

async function admin(method, path, body) {
  // Admin writes are taken as JSON only (a page on another site could send text/plain).
  const res = await fetch(emu.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  assert.ok(res.ok, JSON.stringify(json));
  return json;
}
const requests = async (prefix = '/androidpublisher/') => (await admin('GET', '/admin/requests')).requests.filter((r) => r.path.startsWith(prefix));
const fault = (f) => admin('POST', '/admin/faults', { path: '/androidpublisher/', times: 1, ...f });

function client(extra = {}, account = emu.googlePlay.serviceAccount) {
  // The tests also run in a headless browser page.
  return new iap.GooglePlayClient({ serviceAccount: account, baseUrl: emu.url, retryDelayMs: 5, dangerouslyAllowBrowser: true, ...extra });
}
const pkg = () => emu.googlePlay.packageName;
const product = (token, productId = 'gem_500') => ({ packageName: pkg(), productId, token });

async function rejects(promise, code, status) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof iap.IapError, `expected IapError ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (status !== undefined) assert.equal(caught.details?.status, status, JSON.stringify(caught.details));
  return caught;
}

test('token endpoint: one RS256 assertion for many calls; the access token works until the server forgets it', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  await Promise.all([c.getProductPurchase(product('play-token-unacknowledged')), c.getSubscriptionPurchaseV2({ packageName: pkg(), token: 'play-sub-active' })]);
  await c.getProductPurchase(product('play-token-consumed'));
  assert.equal((await requests('/token')).length, 1, 'concurrent calls share one token request');
  assert.equal((await admin('GET', '/admin/googleplay/state')).accessTokens, 1);
  // After a reset the server knows no token: the call is refused (401), the client gets a new one once.
  await admin('POST', '/admin/reset');
  assert.equal((await c.getProductPurchase(product('play-token-consumed'))).consumptionState, 1);
  assert.deepEqual((await requests()).map((r) => r.status), [401, 200]);
  assert.equal((await requests('/token')).length, 1);
});

test('a product purchase: needs acknowledging, then acknowledged; consumed once; pending, unknown, expired, other app', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const fresh = await c.getProductPurchase(product('play-token-unacknowledged'));
  assert.deepEqual([fresh.purchaseState, fresh.acknowledgementState, fresh.consumptionState, fresh.purchaseType], [0, 0, 0, 0]);
  const p = iap.toPurchase(fresh);
  assert.deepEqual([p.state, p.needsAcknowledgement, p.acknowledgeBy, p.purchaseToken, p.environment], ['PURCHASED', true, fresh.purchaseTimeMs + 3 * DAY, 'play-token-unacknowledged', 'SANDBOX']);
  assert.ok(fresh.purchaseTimeMs < Date.now() && fresh.purchaseTimeMs > Date.now() - 3 * 3600_000);

  assert.equal(await c.acknowledgeProductPurchase({ ...product('play-token-unacknowledged'), developerPayload: 'order-1' }), undefined);
  const acked = await c.getProductPurchase(product('play-token-unacknowledged'));
  assert.deepEqual([acked.acknowledgementState, iap.toPurchase(acked).needsAcknowledgement, iap.toPurchase(acked).acknowledgeBy], [1, false, undefined]);
  await c.consumeProductPurchase(product('play-token-unacknowledged'));
  assert.equal((await c.getProductPurchase(product('play-token-unacknowledged'))).consumptionState, 1);
  const twice = await rejects(c.consumeProductPurchase(product('play-token-unacknowledged')), 'API_ERROR', 400);
  assert.equal(twice.details.errorStatus, 'FAILED_PRECONDITION');

  const pending = await c.getProductPurchase(product('play-token-pending'));
  assert.deepEqual([pending.purchaseState, iap.toPurchase(pending).state, iap.toPurchase(pending).needsAcknowledgement], [2, 'PENDING', false]);
  await rejects(c.consumeProductPurchase(product('play-token-pending')), 'API_ERROR', 400);

  const missing = await rejects(c.getProductPurchase(product('no-such-token')), 'API_ERROR', 404);
  assert.equal(missing.details.errorStatus, 'NOT_FOUND');
  await rejects(c.getProductPurchase(product('play-token-unacknowledged', 'remove_ads')), 'API_ERROR', 404);
  await admin('DELETE', '/admin/requests');
  const gone = await rejects(c.getProductPurchase(product('play-token-expired')), 'API_ERROR', 410);
  assert.deepEqual([gone.details.errorStatus, gone.retryable], ['GONE', false]);
  assert.equal((await requests()).length, 1, '410 is not retried');
  const other = await rejects(c.getProductPurchase({ ...product('play-token-consumed'), packageName: 'com.other.app' }), 'API_ERROR', 403);
  assert.equal(other.details.errorStatus, 'PERMISSION_DENIED');
});

test('subscriptions: v2 states, cancel and revoke as state, the v1 acknowledge, renewals', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const sub = (token) => c.getSubscriptionPurchaseV2({ packageName: pkg(), token });
  const active = await sub('play-sub-active');
  assert.deepEqual([active.subscriptionState, active.acknowledgementState, active.lineItems[0].productId], ['SUBSCRIPTION_STATE_ACTIVE', 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED', 'vip_monthly']);
  assert.ok(active.lineItems[0].expiryTimeMs > Date.now() + 19 * DAY);
  assert.equal((await sub('play-sub-grace')).subscriptionState, 'SUBSCRIPTION_STATE_IN_GRACE_PERIOD');
  assert.equal((await sub('play-sub-canceled')).subscriptionState, 'SUBSCRIPTION_STATE_CANCELED');

  await c.cancelSubscriptionPurchaseV2({ packageName: pkg(), token: 'play-sub-active', cancellationContext: { cancellationType: 'DEVELOPER_REQUESTED_STOP_PAYMENTS' } });
  const canceled = await sub('play-sub-active');
  assert.equal(canceled.subscriptionState, 'SUBSCRIPTION_STATE_CANCELED');
  assert.equal(canceled.lineItems[0].autoRenewingPlan, undefined);
  assert.deepEqual(await c.revokeSubscriptionPurchaseV2({ packageName: pkg(), token: 'play-sub-active', revocationContext: { fullRefund: {} } }), {});
  const revoked = await sub('play-sub-active');
  assert.equal(revoked.subscriptionState, 'SUBSCRIPTION_STATE_EXPIRED');
  assert.ok(revoked.lineItems[0].expiryTimeMs <= Date.now());

  const [added] = await admin('POST', '/admin/googleplay/subscriptions', [{ token: 'play-sub-new', productId: 'vip_monthly', startTime: '-5m', acknowledged: false }]);
  assert.equal(added.acknowledgementState, 'ACKNOWLEDGEMENT_STATE_PENDING');
  const fresh = await sub('play-sub-new');
  assert.deepEqual([iap.toPurchase(fresh).needsAcknowledgement, iap.toPurchase(fresh).acknowledgeBy], [true, fresh.startTimeMs + 3 * DAY]);
  await c.acknowledgeSubscriptionPurchase({ packageName: pkg(), subscriptionId: 'vip_monthly', token: 'play-sub-new' });
  assert.equal((await sub('play-sub-new')).acknowledgementState, 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED');
  await rejects(c.acknowledgeSubscriptionPurchase({ packageName: pkg(), subscriptionId: 'vip_monthly', token: 'play-sub-new' }), 'API_ERROR', 400);
  await c.cancelSubscriptionPurchase({ packageName: pkg(), subscriptionId: 'vip_monthly', token: 'play-sub-new' });
  assert.equal((await sub('play-sub-new')).subscriptionState, 'SUBSCRIPTION_STATE_CANCELED');
  await rejects(sub('no-such-token'), 'API_ERROR', 404);

  // A renewal: a new period and Google's renewal order id; a lapsed grace period renews to active.
  const graceBefore = await sub('play-sub-grace');
  const [renewed] = await admin('POST', '/admin/googleplay/renewals', [{ token: 'play-sub-grace' }]);
  assert.equal(renewed.latestOrderId, `${graceBefore.latestOrderId.replace(/\.\.\d+$/, '')}..1`);
  const after = await sub('play-sub-grace');
  assert.equal(after.subscriptionState, 'SUBSCRIPTION_STATE_ACTIVE');
  assert.ok(after.lineItems[0].expiryTimeMs > Date.now() + 29 * DAY);
  assert.equal((await admin('POST', '/admin/googleplay/renewals', [{ token: 'play-sub-grace' }]))[0].latestOrderId.endsWith('..2'), true);
});

test('voided purchases: the seeded refund, type 0 without subscriptions, every page by token, the window', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const seeded = await c.listVoidedPurchases({ packageName: pkg() });
  assert.deepEqual(seeded.voidedPurchases.map((v) => [v.purchaseToken, v.orderId, v.voidedReason, v.voidedSource]), [['play-token-refunded', 'GPA.3300-1111-2222-00004', 1, 0]]);
  assert.ok(seeded.voidedPurchases[0].voidedTimeMs < Date.now());
  // A refunded one-time purchase reads as canceled.
  assert.equal(iap.toPurchase(await c.getProductPurchase(product('play-token-refunded', 'remove_ads'))).state, 'CANCELED');

  await admin('POST', '/admin/googleplay/voided', [{ token: 'play-token-consumed', voidedTime: '-2h', voidedReason: 7, voidedSource: 2 }, { token: 'play-sub-active', voidedTime: '-1h' }]);
  assert.equal((await c.listVoidedPurchases({ packageName: pkg() })).voidedPurchases.length, 2, 'type 0: one-time purchases only');
  const tokens = [];
  let pages = 0;
  for await (const page of c.listVoidedPurchasesPages({ packageName: pkg(), type: 1, maxResults: 1 })) {
    pages += 1;
    tokens.push(...page.voidedPurchases.map((v) => v.purchaseToken));
  }
  assert.deepEqual([pages, tokens], [3, ['play-token-refunded', 'play-token-consumed', 'play-sub-active']]);
  const recent = await c.listVoidedPurchases({ packageName: pkg(), type: 1, startTime: Date.now() - 3 * 3600_000 });
  assert.deepEqual(recent.voidedPurchases.map((v) => v.purchaseToken), ['play-token-consumed', 'play-sub-active']);
  await rejects(c.listVoidedPurchases({ packageName: pkg(), startTime: Date.now() - 40 * DAY }), 'API_ERROR', 400);
});

test('faults on the Google face: a slow answer, 500 and 429 (Retry-After) retried for reads only; a lost consume took effect', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  await c.getProductPurchase(product('play-token-consumed')); // the token, before the faults
  // Slow: the attempt times out (TIMEOUT, retryable); with retries the next attempt answers.
  await fault({ delayMs: 1000 });
  const late = await rejects(client({ timeoutMs: 100, retries: 0 }).getProductPurchase(product('play-token-consumed')), 'TIMEOUT');
  assert.equal(late.retryable, true);
  await admin('DELETE', '/admin/requests');
  await fault({ delayMs: 1000 });
  assert.equal((await client({ timeoutMs: 200 }).getProductPurchase(product('play-token-consumed'))).consumptionState, 1);
  assert.equal((await requests()).length, 2);
  await admin('DELETE', '/admin/requests');
  await fault({ status: 500 });
  assert.equal((await c.getProductPurchase(product('play-token-consumed'))).consumptionState, 1);
  assert.deepEqual((await requests()).map((r) => r.status), [500, 200]);
  await fault({ status: 500 });
  const e500 = await rejects(client({ retries: 0 }).getProductPurchase(product('play-token-consumed')), 'API_ERROR', 500);
  assert.deepEqual([e500.details.errorStatus, e500.retryable], ['INTERNAL', true]);

  await admin('DELETE', '/admin/requests');
  await fault({ status: 429, retryAfter: 0 });
  await c.listVoidedPurchases({ packageName: pkg() });
  assert.deepEqual((await requests()).map((r) => r.status), [429, 200]);
  await fault({ status: 429, retryAfter: 3600 });
  const limited = await rejects(c.listVoidedPurchases({ packageName: pkg() }), 'API_ERROR', 429);
  assert.deepEqual([limited.details.retryAfterMs, limited.details.errorStatus], [3_600_000, 'RESOURCE_EXHAUSTED']);

  // A mutation is sent once, whatever the answer.
  await admin('DELETE', '/admin/requests');
  await fault({ status: 503 });
  await rejects(c.acknowledgeProductPurchase(product('play-token-unacknowledged')), 'API_ERROR', 503);
  assert.equal((await requests()).length, 1);
  // A consume whose answer is lost: NETWORK_ERROR, yet consumed; the next consume says so.
  // (Some runtimes resend a request once when a kept-alive connection closes unanswered.)
  await fault({ lose: true, times: 3 });
  await rejects(c.consumeProductPurchase(product('play-token-unacknowledged')), 'NETWORK_ERROR');
  await admin('DELETE', '/admin/faults');
  assert.equal((await c.getProductPurchase(product('play-token-unacknowledged'))).consumptionState, 1);
  await rejects(c.consumeProductPurchase(product('play-token-unacknowledged')), 'API_ERROR', 400);
});

test('a service account the server does not know: invalid_grant, and no key, assertion or token in the error', async (t) => {
  if (!emu) return t.skip(NONE);
  const pair = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign']);
  const pk8 = new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey));
  const pem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...pk8)).replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
  const stranger = { ...emu.googlePlay.serviceAccount, private_key: pem };
  const e = await rejects(client({}, stranger).getProductPurchase(product('play-token-consumed')), 'API_ERROR', 400);
  assert.equal(e.details.errorStatus, 'invalid_grant');
  const [tokenRequest] = await requests('/token');
  assert.equal(tokenRequest.authError, 'Invalid JWT Signature.');
  const other = { ...emu.googlePlay.serviceAccount, client_email: 'someone@else.iam.gserviceaccount.com' };
  await rejects(client({}, other).getProductPurchase(product('play-token-consumed')), 'API_ERROR', 400);
  const text = `${e.message} ${JSON.stringify(e.details)} ${String(e.stack)}`;
  for (const secret of [pem.split('\n')[1], emu.googlePlay.serviceAccount.private_key.split('\n')[1], 'ya29.']) assert.ok(!text.includes(secret), 'a secret in the error');
  // Garbage at the token endpoint: Google's OAuth errors, never a crash.
  for (const [body, error] of [
    ['', 'unsupported_grant_type'],
    ['grant_type=password', 'unsupported_grant_type'],
    ['grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer', 'invalid_grant'],
    ['grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c', 'invalid_grant'],
    ['grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=%00%FF', 'invalid_grant'],
  ]) {
    const r = await fetch(`${emu.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.deepEqual([r.status, (await r.json()).error], [400, error], body);
  }
  // No bearer at all: 401 UNAUTHENTICATED in Google's envelope.
  const res = await fetch(`${emu.url}/androidpublisher/v3/applications/${pkg()}/purchases/voidedpurchases`);
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.status, 'UNAUTHENTICATED');
});

test('productsv2: line items with quantities, pending without a completion time, toPurchase; refunds by quantity in the voided list', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const [added] = await admin('POST', '/admin/googleplay/products', [{ token: 'play-v2-three', productId: 'gem_100', quantity: 3, accountId: 'user-9', orderId: 'GPA.3300-9999-0000-00001' }]);
  assert.equal(added.quantity, 3);
  const v2 = await c.getProductPurchaseV2({ packageName: pkg(), token: 'play-v2-three' });
  assert.equal(v2.productLineItem[0].productId, 'gem_100');
  assert.deepEqual([v2.productLineItem[0].productOfferDetails.quantity, v2.productLineItem[0].productOfferDetails.refundableQuantity], [3, 3]);
  assert.equal(v2.purchaseStateContext.purchaseState, 'PURCHASED');
  assert.equal(typeof v2.purchaseCompletionTimeMs, 'number');
  const p = iap.toPurchase(v2);
  assert.deepEqual([p.productId, p.quantity, p.purchaseToken, p.transactionId, p.accountId, p.needsAcknowledgement, p.environment],
    ['gem_100', 3, 'play-v2-three', 'GPA.3300-9999-0000-00001', 'user-9', true, 'SANDBOX']);
  const pending = await c.getProductPurchaseV2({ packageName: pkg(), token: 'play-token-pending' });
  assert.equal(pending.purchaseStateContext.purchaseState, 'PENDING');
  assert.equal(pending.purchaseCompletionTime, undefined);
  assert.equal(iap.toPurchase(pending).state, 'PENDING');
  await rejects(c.getProductPurchaseV2({ packageName: pkg(), token: 'nope' }), 'API_ERROR', 404);

  // One of the three refunded: the rest stays refundable, and the list shows it only when asked.
  await admin('POST', '/admin/googleplay/voided', { token: 'play-v2-three', quantity: 1 });
  const after1 = await c.getProductPurchaseV2({ packageName: pkg(), token: 'play-v2-three' });
  assert.equal(after1.productLineItem[0].productOfferDetails.refundableQuantity, 2);
  assert.equal(after1.purchaseStateContext.purchaseState, 'PURCHASED');
  const plain = await c.listVoidedPurchases({ packageName: pkg() });
  assert.ok(!(plain.voidedPurchases ?? []).some((v) => v.purchaseToken === 'play-v2-three'));
  const withPartial = await c.listVoidedPurchases({ packageName: pkg(), includeQuantityBasedPartialRefund: true });
  assert.equal(withPartial.voidedPurchases.find((v) => v.purchaseToken === 'play-v2-three').voidedQuantity, 1);
  const order = await c.getOrder({ packageName: pkg(), orderId: 'GPA.3300-9999-0000-00001' });
  assert.equal(order.state, 'PARTIALLY_REFUNDED');
  assert.equal(order.orderHistory.partialRefundEvents[0].refundDetails.quantity, 1);
});

test('orders: get, batchGet (one unknown id fails all), refund, and a pending refund review answered once', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const ids = ['GPA.3300-1111-2222-00001', 'GPA.3300-1111-3333-00001..0'];
  const one = await c.getOrder({ packageName: pkg(), orderId: ids[0] });
  assert.deepEqual([one.orderId, one.state, one.purchaseToken, one.lineItems[0].productId], [ids[0], 'PROCESSED', 'play-token-unacknowledged', 'gem_500']);
  assert.equal(typeof one.createTimeMs, 'number');
  const both = await c.batchGetOrders({ packageName: pkg(), orderIds: ids });
  assert.deepEqual(both.orders.map((o) => o.orderId), ids);
  assert.equal(both.orders[1].lineItems[0].subscriptionDetails.basePlanId, 'monthly');
  await rejects(c.batchGetOrders({ packageName: pkg(), orderIds: [ids[0], 'GPA.0000-0000-0000-00000'] }), 'API_ERROR', 404);
  await rejects(c.batchGetOrders({ packageName: pkg(), orderIds: [ids[0], ids[0]] }), 'INVALID_ARGUMENT');
  await rejects(c.getOrder({ packageName: pkg(), orderId: 'GPA.0000-0000-0000-00000' }), 'API_ERROR', 404);

  // A pending refund review: the notification's token, answered once.
  const [review] = await admin('POST', '/admin/googleplay/refund-reviews', [{ orderId: ids[0] }]);
  assert.equal((await c.getOrder({ packageName: pkg(), orderId: ids[0] })).state, 'PENDING_REFUND');
  const pushBody = { message: { data: btoa(JSON.stringify(review.notification)), messageId: '1' }, subscription: 'projects/p/subscriptions/s' };
  const n = iap.decodeGoogleNotification(pushBody);
  assert.equal(n.kind, 'pendingRefundReview');
  const token = n.pendingRefundReviewNotification.pendingRefundToken;
  await rejects(c.reviewRefundOrder({ packageName: pkg(), orderId: ids[0], pendingRefundToken: 'wrong', refundPreference: 'DECLINE', sampleContentProvided: false }), 'API_ERROR', 400);
  await c.reviewRefundOrder({ packageName: pkg(), orderId: ids[0], pendingRefundToken: token, refundPreference: 'DECLINE', sampleContentProvided: true, consumptionPercentageMilliunits: 100000 });
  await rejects(c.reviewRefundOrder({ packageName: pkg(), orderId: ids[0], pendingRefundToken: token, refundPreference: 'APPROVE', sampleContentProvided: true }), 'API_ERROR', 400);
  const [stored] = await admin('GET', '/admin/googleplay/refund-reviews');
  assert.deepEqual([stored.answer.refundPreference, stored.answer.consumptionPercentageMilliunits], ['DECLINE', 100000]);

  // A refund of a one-time order voids the purchase; a second is refused.
  await c.refundOrder({ packageName: pkg(), orderId: ids[0] });
  assert.equal((await c.getOrder({ packageName: pkg(), orderId: ids[0] })).state, 'REFUNDED');
  await rejects(c.refundOrder({ packageName: pkg(), orderId: ids[0] }), 'API_ERROR', 400);
  const voided = await c.listVoidedPurchases({ packageName: pkg() });
  assert.equal(voided.voidedPurchases.find((v) => v.orderId === ids[0]).voidedSource, 1);
  // Refunding a subscription's order with revoke ends it.
  await c.refundOrder({ packageName: pkg(), orderId: ids[1], revoke: true });
  assert.equal((await c.getSubscriptionPurchaseV2({ packageName: pkg(), token: 'play-sub-active' })).subscriptionState, 'SUBSCRIPTION_STATE_EXPIRED');
});

test('subscriptionsv2.defer with the etag it was read with; a stale etag is refused; acknowledge with externalAccountIds', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const sub = { packageName: pkg(), token: 'play-sub-active' };
  const before = await c.getSubscriptionPurchaseV2(sub);
  const r = await c.deferSubscriptionPurchaseV2({ ...sub, deferralContext: { deferDuration: '604800s', etag: before.etag, validateOnly: true } });
  assert.equal(r.itemExpiryTimeDetails[0].expiryTimeMs, before.lineItems[0].expiryTimeMs + 7 * DAY);
  assert.equal((await c.getSubscriptionPurchaseV2(sub)).lineItems[0].expiryTimeMs, before.lineItems[0].expiryTimeMs, 'validateOnly changes nothing');
  await c.deferSubscriptionPurchaseV2({ ...sub, deferralContext: { deferDuration: '604800s', etag: before.etag } });
  const deferred = await c.getSubscriptionPurchaseV2(sub);
  assert.equal(deferred.lineItems[0].expiryTimeMs, before.lineItems[0].expiryTimeMs + 7 * DAY);
  await rejects(c.deferSubscriptionPurchaseV2({ ...sub, deferralContext: { deferDuration: '86400s', etag: before.etag } }), 'API_ERROR', 409);
  await rejects(c.deferSubscriptionPurchaseV2({ ...sub, deferralContext: { deferDuration: '86400s' } }), 'API_ERROR', 400);

  const [added] = await admin('POST', '/admin/googleplay/subscriptions', [{ token: 'play-sub-resub', productId: 'vip_monthly', acknowledged: false }]);
  assert.equal(added.acknowledgementState, 'ACKNOWLEDGEMENT_STATE_PENDING');
  await c.acknowledgeSubscriptionPurchase({ packageName: pkg(), subscriptionId: 'vip_monthly', token: 'play-sub-resub', externalAccountIds: { obfuscatedAccountId: 'acct-1' } });
  const state = await admin('GET', '/admin/googleplay/state');
  assert.deepEqual(state.subscriptions.find((s) => s.token === 'play-sub-resub').externalAccountIds, { obfuscatedAccountId: 'acct-1' });
});

test('adding a purchase answers with the token the app would send (made here when none is given), and the API finds it by it', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const [product, sub] = await Promise.all([
    admin('POST', '/admin/googleplay/products', { productId: 'gem_500' }),
    admin('POST', '/admin/googleplay/subscriptions', { productId: 'vip_monthly' }),
  ]);
  assert.equal(product.productId, 'gem_500');
  assert.equal(typeof product.purchaseToken, 'string');
  assert.ok(product.purchaseToken.length >= 20, product.purchaseToken);
  const read = await c.getProductPurchase({ packageName: pkg(), productId: 'gem_500', token: product.purchaseToken });
  assert.equal(read.orderId, product.orderId);
  assert.equal(sub.productId, 'vip_monthly');
  assert.notEqual(sub.purchaseToken, product.purchaseToken);
  assert.equal((await c.getSubscriptionPurchaseV2({ packageName: pkg(), token: sub.purchaseToken })).latestOrderId, sub.latestOrderId);
  // A given token is the one answered.
  assert.equal((await admin('POST', '/admin/googleplay/products', { productId: 'gem_500', token: 'chosen-token' })).purchaseToken, 'chosen-token');
});
