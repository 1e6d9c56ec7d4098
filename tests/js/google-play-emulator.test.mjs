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
