// OneStoreClient over real HTTP against the local server's ONE store face: the token endpoint
// (client credentials checked), every method, acknowledgement and consumption as state the next
// read sees, the 3-day auto-cancel on the emulator's clock, subscriptions on the sandbox clocks,
// the voided list's window, ONE store's errors, the faults, and the PNS (verified with the licence
// key) and SNS the face sends. Portable: the runtime runner hosts one emulator for every runtime,
// and the tests reach its state only through its admin API.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { emulator } from './services.mjs';
import { rejectsCode as rejects } from './rejects.mjs';

let emu = null;
const DAY = 86_400_000;
const MINUTE = 60_000;

before(async () => {
  if (typeof iap.OneStoreClient === 'function') emu = await emulator();
  if (emu && !emu.oneStore) emu = null;
});
after(() => emu?.close());
beforeEach(async () => {
  if (emu) await admin('POST', '/admin/reset');
});

async function admin(method, path, body) {
  const res = await fetch(emu.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  assert.ok(res.ok, JSON.stringify(json));
  return json;
}
const advance = (advanceMs) => admin('POST', '/admin/clock', { advanceMs });
const notifications = async () => (await admin('GET', '/admin/onestore/notifications')).notifications;

function client(extra = {}) {
  const o = emu.oneStore;
  return new iap.OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url, retryDelayMs: 5, dangerouslyAllowBrowser: true, ...extra });
}

test('a purchase: look up, acknowledge (the next read sees it), consume; PNS COMPLETED signed with the licence key', async (t) => {
  if (!emu) return t.skip('no OneStoreClient or emulator in this build');
  const [p] = await admin('POST', '/admin/onestore/purchases', [{ productId: 'gem.100', purchaseToken: 'SBTOKEN000000000001', developerPayload: 'order-7' }]);
  assert.equal(p.acknowledgeState, 0);
  const c = client();
  const ids = { productId: 'gem.100', purchaseToken: 'SBTOKEN000000000001' };
  const d = await c.getPurchaseDetails(ids);
  assert.equal(d.purchaseState, 0);
  assert.equal(d.acknowledgeState, 0);
  assert.match(d.purchaseId, /^SANDBOX/);
  const purchase = iap.toPurchase(d);
  assert.equal(purchase.needsAcknowledgement, true);
  assert.equal(purchase.acknowledgeBy, d.purchaseTime + 3 * DAY);
  assert.equal(purchase.environment, 'SANDBOX');
  // A payload that is not the purchase's: refused.
  assert.equal((await rejects(c.acknowledgePurchase({ ...ids, developerPayload: 'other' }), 'API_ERROR')).details.errorCode, 'DeveloperPayloadNotMatch');
  assert.equal(await c.acknowledgePurchase({ ...ids, developerPayload: 'order-7' }), undefined);
  assert.equal((await c.getPurchaseDetails(ids)).acknowledgeState, 1);
  assert.equal(await c.consumePurchase(ids), undefined);
  const after = await c.getPurchaseDetails(ids);
  assert.equal(after.consumptionState, 1);
  assert.equal((await rejects(c.consumePurchase(ids), 'API_ERROR')).details.errorCode, 'InvalidConsumeState');
  // Unknown token, wrong kind: NoSuchData.
  assert.equal((await rejects(c.getPurchaseDetails({ ...ids, purchaseToken: 'NOPE' }), 'API_ERROR')).details.errorCode, 'NoSuchData');
  assert.equal((await rejects(c.getRecurringPurchaseDetails(ids), 'API_ERROR')).details.errorCode, 'NoSuchData');
  // The PNS it sent verifies with the licence key.
  const [n] = await notifications();
  assert.equal(n.kind, 'PNS');
  const m = iap.verifyOneStoreNotification(n.body, emu.oneStore.licenseKey);
  assert.equal(m.purchaseState, 'COMPLETED');
  assert.equal(m.purchaseToken, 'SBTOKEN000000000001');
  assert.equal(m.msgVersion, '3.1.0D');
  assert.throws(() => iap.verifyOneStoreNotification({ ...n.body, price: '1' }, emu.oneStore.licenseKey), (e) => e.code === 'INVALID_SIGNATURE');
});

test('an unacknowledged purchase is cancelled after 3 days on the emulator\'s clock, voided, and a PNS CANCELED is sent', async (t) => {
  if (!emu) return t.skip('no OneStoreClient or emulator in this build');
  await admin('POST', '/admin/onestore/purchases', [{ productId: 'gem.100', purchaseToken: 'SBTOKEN000000000002' }, { productId: 'gem.100', purchaseToken: 'SBTOKEN000000000003', acknowledged: true }]);
  const c = client();
  await advance(3 * DAY + MINUTE);
  assert.equal((await c.getPurchaseDetails({ productId: 'gem.100', purchaseToken: 'SBTOKEN000000000002' })).purchaseState, 1);
  assert.equal((await c.getPurchaseDetails({ productId: 'gem.100', purchaseToken: 'SBTOKEN000000000003' })).purchaseState, 0);
  const v = await c.getVoidedPurchases({});
  assert.deepEqual(v.voidedPurchaseList.map((x) => x.purchaseToken), ['SBTOKEN000000000002']);
  const canceled = (await notifications()).filter((n) => n.kind === 'PNS' && n.body.purchaseState === 'CANCELED');
  assert.equal(canceled.length, 1);
  assert.equal(iap.verifyOneStoreNotification(canceled[0].body, emu.oneStore.licenseKey).purchaseToken, 'SBTOKEN000000000002');
  // The window: not more than a month back, not in the future.
  await rejects(c.getVoidedPurchases({ startTime: Date.now() + 3 * DAY - 40 * DAY }), 'API_ERROR');
  await rejects(c.getVoidedPurchases({ endTime: Date.now() + 30 * DAY }), 'API_ERROR');
});

test('voided purchases page by continuationKey; refunds are voided', async (t) => {
  if (!emu) return t.skip('no OneStoreClient or emulator in this build');
  const tokens = ['SBV1', 'SBV2', 'SBV3'];
  await admin('POST', '/admin/onestore/purchases', tokens.map((purchaseToken) => ({ productId: 'gem.100', purchaseToken, acknowledged: true })));
  await admin('POST', '/admin/onestore/refunds', tokens.map((purchaseToken) => ({ purchaseToken })));
  const seen = [];
  for await (const page of client().getVoidedPurchasesPages({ maxResults: 2 })) seen.push(...page.voidedPurchaseList.map((v) => v.purchaseToken));
  assert.deepEqual(seen, tokens);
});

test('a subscription on the sandbox clocks: renews every 5 minutes, cancel is reserved then expires, reactivate, defer', async (t) => {
  if (!emu) return t.skip('no OneStoreClient or emulator in this build');
  const [s] = await admin('POST', '/admin/onestore/subscriptions', [{ productId: 'vip.monthly', purchaseToken: 'SBSUB00000000000001' }]);
  assert.equal(s.expiryTimeMillis - s.startTimeMillis, 5 * MINUTE);
  const c = client();
  const ids = { productId: 'vip.monthly', purchaseToken: 'SBSUB00000000000001' };
  assert.equal(iap.toPurchase(await c.getSubscriptionDetail(ids)).needsAcknowledgement, true);
  await c.acknowledgePurchase(ids);
  assert.equal((await c.getSubscriptionDetail(ids)).acknowledgementState, 1);
  await advance(5 * MINUTE + 1000);
  const renewed = await c.getSubscriptionDetail(ids);
  assert.equal(renewed.expiryTimeMillis, s.startTimeMillis + 10 * MINUTE);
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: renewed }, renewed.expiryTimeMillis - 1000).status, 'ACTIVE');
  await c.deferSubscription({ ...ids, deferPeriod: 3 });
  assert.equal((await c.getSubscriptionDetail(ids)).expiryTimeMillis, s.startTimeMillis + 13 * MINUTE);
  await c.cancelSubscription(ids);
  const reserved = await c.getSubscriptionDetail(ids);
  assert.equal(reserved.autoRenewing, false);
  await c.reactivateSubscription(ids);
  assert.equal((await c.getSubscriptionDetail(ids)).autoRenewing, true);
  await c.cancelSubscription(ids);
  await advance(20 * MINUTE);
  const over = await c.getSubscriptionDetail(ids);
  assert.equal(over.autoRenewing, false);
  assert.equal(over.paymentState, null, 'null: expired');
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: over }, Date.now() + 20 * MINUTE).status, 'EXPIRED');
  const types = (await notifications()).filter((n) => n.kind === 'SNS').map((n) => n.body.subscriptionNotification.notificationType);
  assert.deepEqual(types, [4, 2, 9, 3, 7, 3, 13]);
  for (const n of (await notifications()).filter((x) => x.kind === 'SNS')) assert.equal(iap.decodeOneStoreSubscriptionNotification(n.body).subscriptionNotification.purchaseToken, ids.purchaseToken);
});

test('a failing renewal: grace, then hold; a revocation', async (t) => {
  if (!emu) return t.skip('no OneStoreClient or emulator in this build');
  await admin('POST', '/admin/onestore/subscriptions', [{ productId: 'vip.monthly', purchaseToken: 'SBSUB2', failRenewal: true, acknowledged: true }, { productId: 'vip.monthly', purchaseToken: 'SBSUB3', acknowledged: true }]);
  const c = client();
  await advance(5 * MINUTE + 1000);
  const grace = await c.getSubscriptionDetail({ productId: 'vip.monthly', purchaseToken: 'SBSUB2' });
  assert.equal(grace.paymentState, 0);
  const now = (await admin('GET', '/admin/state')).now;
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: grace }, now).status, 'IN_GRACE_PERIOD');
  await advance(5 * MINUTE);
  const hold = await c.getSubscriptionDetail({ productId: 'vip.monthly', purchaseToken: 'SBSUB2' });
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: hold }, now + 5 * MINUTE).status, 'ON_HOLD');
  await admin('POST', '/admin/onestore/revocations', [{ purchaseToken: 'SBSUB3' }]);
  const revoked = await c.getSubscriptionDetail({ productId: 'vip.monthly', purchaseToken: 'SBSUB3' });
  assert.equal(revoked.cancelledTimeMillis, revoked.expiryTimeMillis);
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: revoked }, revoked.expiryTimeMillis + 1).status, 'REVOKED');
});

test('OAuth: wrong credentials refused; the token is reused while 600 s or more are left; faults and retries', async (t) => {
  if (!emu) return t.skip('no OneStoreClient or emulator in this build');
  const bad = client({ clientSecret: 'wrong-secret' });
  const e = await rejects(bad.getPurchaseDetails({ productId: 'p', purchaseToken: 't' }), 'API_ERROR');
  assert.equal(e.details.errorCode, 'UnauthorizedAccess');
  assert.ok(!JSON.stringify(e.details).includes('wrong-secret'));
  const form = (secret = emu.oneStore.clientSecret) => fetch(`${emu.url}/v7/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: emu.oneStore.clientId, client_secret: secret, grant_type: 'client_credentials' }),
  }).then((r) => r.json());
  const a = await form();
  const b = await form();
  assert.equal(a.token_type, 'bearer');
  assert.equal(a.access_token, b.access_token);
  await advance((a.expires_in - 599) * 1000);
  assert.notEqual((await form()).access_token, a.access_token);
  // A 503 (ServiceMaintenance) is retried for a read, not for a mutation.
  await admin('POST', '/admin/onestore/purchases', [{ productId: 'gem.100', purchaseToken: 'SBF1' }]);
  await admin('POST', '/admin/faults', { path: '/v7/apps/', status: 503, times: 1 });
  const c = client();
  assert.equal((await c.getPurchaseDetails({ productId: 'gem.100', purchaseToken: 'SBF1' })).purchaseState, 0);
  await admin('POST', '/admin/faults', { path: '/v7/apps/', status: 503, times: 1 });
  const m = await rejects(c.consumePurchase({ productId: 'gem.100', purchaseToken: 'SBF1' }), 'API_ERROR');
  assert.equal(m.details.errorCode, 'ServiceMaintenance');
  // A lost answer: the consume went through; sent again it is InvalidConsumeState, and the next read says consumed.
  await admin('POST', '/admin/faults', { path: '/v7/apps/', lose: true, times: 1 });
  // The client sends it once; some runtimes' HTTP stacks (Chromium's, Deno's) re-send a request
  // whose connection closed without an answer by themselves, which ONE store then refuses.
  const lost = await c.consumePurchase({ productId: 'gem.100', purchaseToken: 'SBF1' }).then(() => null, (e) => e);
  assert.ok(lost?.code === 'NETWORK_ERROR' || lost?.details?.errorCode === 'InvalidConsumeState', String(lost));
  assert.equal((await rejects(c.consumePurchase({ productId: 'gem.100', purchaseToken: 'SBF1' }), 'API_ERROR')).details.errorCode, 'InvalidConsumeState');
  assert.equal((await c.getPurchaseDetails({ productId: 'gem.100', purchaseToken: 'SBF1' })).consumptionState, 1);
});

test('adding a purchase or a subscription answers with the product id and the token the app would send (made here when none is given)', async (t) => {
  if (!emu) return t.skip('no OneStoreClient or emulator in this build');
  const c = client();
  const p = await admin('POST', '/admin/onestore/purchases', { productId: 'gem.100' });
  assert.equal(p.productId, 'gem.100');
  assert.equal(typeof p.purchaseToken, 'string');
  assert.equal((await c.getPurchaseDetails({ productId: 'gem.100', purchaseToken: p.purchaseToken })).purchaseId, p.purchaseId);
  const s = await admin('POST', '/admin/onestore/subscriptions', { productId: 'vip.monthly' });
  assert.equal(s.productId, 'vip.monthly');
  assert.notEqual(s.purchaseToken, p.purchaseToken);
  assert.equal((await c.getSubscriptionDetail({ productId: 'vip.monthly', purchaseToken: s.purchaseToken })).expiryTimeMillis, s.expiryTimeMillis);
});
