// AppStoreServerAPIClient over real HTTP against the local server's App Store face: every method,
// the page iterators, each fault, and the bearer-token checks. The emulator signs its answers with
// the PKI it made at start; the client trusts only that root, so every decoded value below passed
// the full chain check. Portable: the runtime runner hosts one emulator for every runtime, and the
// tests reach its state only through its HTTP admin API.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { emulator } from './services.mjs';

let emu = null;
const NONE = 'no AppStoreServerAPIClient or emulator in this build';
const DAY = 86_400_000;
const SUB = '2000000100000003'; // seeded vip_monthly, renewed once (2000000100000004)
const subtle = globalThis.crypto.subtle;

before(async () => {
  if (typeof iap.AppStoreServerAPIClient === 'function') emu = await emulator();
  if (emu && !emu.appStore) emu = null;
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
const state = () => admin('GET', '/admin/appstore/state');
const tx = async (id) => (await state()).transactions.find((t) => t.transactionId === id);
const requests = async () => (await admin('GET', '/admin/requests')).requests.filter((r) => r.path.startsWith('/inApps/'));

function client(extra = {}, creds = {}) {
  const a = { ...emu.appStore, ...creds };
  return new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, {
    baseUrl: emu.url, rootCertificates: [emu.appStore.rootCertificate], appAppleId: a.appAppleId, retryDelayMs: 5, ...extra,
  });
}

async function rejects(promise, code, errorCode) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof iap.IapError, `expected IapError ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  if (errorCode !== undefined) assert.equal(caught.details?.errorCode, errorCode, JSON.stringify(caught.details));
  return caught;
}

/** Adds `n` purchases of `productId` for a fresh customer; returns their transaction ids. */
async function purchases(customer, n) {
  const now = Date.now();
  const list = Array.from({ length: n }, (_, i) => ({ customer, productId: 'remove_ads', purchaseDate: now - (n - i) * 60_000 }));
  return (await admin('POST', '/admin/appstore/transactions', list)).map((t) => t.transactionId);
}

test('getTransactionInfo: the seeded renewal, verified against the emulator root; unknown and malformed ids', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const seeded = await tx('2000000100000004');
  const { decodedTransactionInfo: d, signedTransactionInfo } = await c.getTransactionInfo('2000000100000004');
  assert.equal(signedTransactionInfo.split('.').length, 3);
  assert.equal(d.transactionId, '2000000100000004');
  assert.equal(d.originalTransactionId, SUB);
  assert.equal(d.transactionReason, 'RENEWAL');
  assert.equal(d.bundleId, emu.appStore.bundleId);
  assert.equal(d.environment, emu.appStore.environment);
  assert.equal(d.expiresDate, seeded.expiresDate);
  assert.equal(d.purchaseDate, seeded.purchaseDate);
  assert.ok(Math.abs(d.signedDate - Date.now()) < 60_000);

  await rejects(c.getTransactionInfo('2999999999999999'), 'API_ERROR', 4040010);
  const bad = await rejects(c.getTransactionInfo('not-a-number'), 'API_ERROR', 4000006);
  assert.equal(bad.details.errorName, 'INVALID_TRANSACTION_ID');
  assert.equal(bad.details.status, 400);
  // Without the emulator's root (Apple's roots by default) the same answer does not verify.
  const apple = new iap.AppStoreServerAPIClient(emu.appStore.signingKey, emu.appStore.keyId, emu.appStore.issuerId, emu.appStore.bundleId, emu.appStore.environment, { baseUrl: emu.url });
  await rejects(apple.getTransactionInfo('2000000100000004'), 'INVALID_CHAIN');
});

test('getTransactionHistory: v2 pages of 20 with revision, v1 without finished consumables, the filters', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const ids = await purchases('history-1', 22);
  const [unfinished] = (await admin('POST', '/admin/appstore/transactions', [{ customer: 'history-1', productId: 'gem_500', finished: false }])).map((x) => x.transactionId);
  const [finished] = (await admin('POST', '/admin/appstore/transactions', [{ customer: 'history-1', productId: 'gem_500' }])).map((x) => x.transactionId);
  const [refunded] = (await admin('POST', '/admin/appstore/transactions', [{ customer: 'history-1', productId: 'gem_500', revocationDate: Date.now() }])).map((x) => x.transactionId);

  const pages = [];
  for await (const p of c.getTransactionHistoryPages(ids[0], null, {}, 'v2')) pages.push(p);
  assert.deepEqual(pages.map((p) => [p.decodedTransactions.length, p.hasMore]), [[20, true], [5, false]]);
  assert.equal(pages[0].bundleId, emu.appStore.bundleId);
  const v2 = pages.flatMap((p) => p.decodedTransactions.map((d) => d.transactionId));
  assert.deepEqual(v2, [...ids, unfinished, finished, refunded], 'ascending by modification, every transaction of the customer');

  const v1 = [];
  for await (const p of c.getTransactionHistoryPages(ids[0], null, {}, 'v1')) v1.push(...p.decodedTransactions.map((d) => d.transactionId));
  assert.deepEqual(v1, [...ids, unfinished, refunded], 'v1 leaves the finished consumable out');

  // Filters (Apple's TransactionHistoryRequest spread into the query).
  const only = async (request) => (await c.getTransactionHistory(ids[0], null, request, 'v2')).decodedTransactions.map((d) => d.transactionId);
  assert.deepEqual(await only({ productTypes: ['CONSUMABLE'] }), [unfinished, finished, refunded]);
  assert.deepEqual(await only({ productIds: ['gem_500'], revoked: true }), [refunded]);
  assert.deepEqual(await only({ productIds: ['gem_500'], revoked: false, sort: 'DESCENDING' }), [finished, unfinished]);
  const from = (await tx(ids[20])).purchaseDate;
  assert.deepEqual(await only({ startDate: from, endDate: from + 60_001, productTypes: ['NON_CONSUMABLE'] }), [ids[20], ids[21]]);
  assert.deepEqual(await only({ subscriptionGroupIdentifiers: ['21000001'] }), []);
  assert.deepEqual(await only({ inAppOwnershipType: 'FAMILY_SHARED' }), []);
  await rejects(c.getTransactionHistory(ids[0], null, { productTypes: ['BOGUS'] }, 'v2'), 'API_ERROR', 4000022);
  await rejects(c.getTransactionHistory(ids[0], null, { sort: 'SIDEWAYS' }, 'v2'), 'API_ERROR', 4000021);
  await rejects(c.getTransactionHistory(ids[0], null, { startDate: 2, endDate: 1 }, 'v2'), 'API_ERROR', 4000013);
  await rejects(c.getTransactionHistory(ids[0], 'not-a-revision', {}, 'v2'), 'API_ERROR', 4000005);

  // The last revision asks for what changed since: a new purchase only.
  const [news] = (await admin('POST', '/admin/appstore/transactions', [{ customer: 'history-1', productId: 'remove_ads' }])).map((x) => x.transactionId);
  const later = await c.getTransactionHistory(ids[0], pages[1].revision, {}, 'v2');
  assert.deepEqual(later.decodedTransactions.map((d) => d.transactionId), [news]);
  // Another customer's history holds none of these.
  const other = await c.getTransactionHistory('2000000100000005', null, {}, 'v2');
  // ...and sorts by modification: the refund (a day ago) moved 5 after 6 (bought two days ago).
  assert.deepEqual(other.decodedTransactions.map((d) => d.transactionId), ['2000000100000006', '2000000100000005']);
});

test('getAllSubscriptionStatuses: active, expired, billing retry, grace period, revoked, and the status filter', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const one = async (id, status) => {
    const r = await c.getAllSubscriptionStatuses(id, status);
    return r.data.flatMap((g) => g.lastTransactions.map((l) => ({ group: g.subscriptionGroupIdentifier, ...l })));
  };
  const [active] = await one(SUB);
  assert.equal(active.group, '21000001');
  assert.equal(active.status, 1);
  assert.equal(active.originalTransactionId, SUB);
  assert.equal(active.decodedTransactionInfo.transactionId, '2000000100000004', 'the last transaction of the subscription');
  assert.equal(active.decodedRenewalInfo.autoRenewStatus, 1);
  assert.equal(active.decodedRenewalInfo.renewalDate, active.decodedTransactionInfo.expiresDate);
  assert.deepEqual(await one(SUB, [2, 5]), []);

  const [expired] = await admin('POST', '/admin/appstore/transactions', [{ customer: 'subs', productId: 'vip_monthly', purchaseDate: Date.now() - 40 * DAY }]);
  assert.deepEqual((await one(expired.transactionId)).map((l) => l.status), [2]);
  await admin('POST', '/admin/appstore/renewal-info', { originalTransactionId: expired.transactionId, isInBillingRetryPeriod: true });
  assert.deepEqual((await one(expired.transactionId)).map((l) => l.status), [3]);
  await admin('POST', '/admin/appstore/renewal-info', { originalTransactionId: expired.transactionId, gracePeriodExpiresDate: '+2d' });
  const [grace] = await one(expired.transactionId);
  assert.equal(grace.status, 4);
  assert.equal(grace.decodedRenewalInfo.isInBillingRetryPeriod, true);
  // A renewal makes it active again, with the new transaction last; its refund revokes it.
  const [renewal] = await admin('POST', '/admin/appstore/renewals', [{ originalTransactionId: expired.transactionId, purchaseDate: Date.now() - DAY }]);
  const [renewed] = await one(expired.transactionId, [1]);
  assert.equal(renewed.decodedTransactionInfo.transactionId, renewal.transactionId);
  assert.equal(renewed.decodedTransactionInfo.transactionReason, 'RENEWAL');
  await admin('POST', '/admin/appstore/refunds', { transactionId: renewal.transactionId, revocationReason: 1 });
  const [revoked] = await one(expired.transactionId);
  assert.equal(revoked.status, 5);
  assert.equal(revoked.decodedTransactionInfo.revocationReason, 1);
  await rejects(c.getAllSubscriptionStatuses(SUB, [9]), 'API_ERROR', 4000031);
});

test('lookUpOrderId and getRefundHistory (every page)', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const order = await c.lookUpOrderId('MN8PQ2RS4T');
  assert.equal(order.status, 0);
  assert.deepEqual(order.decodedTransactions.map((d) => d.transactionId).sort(), ['2000000100000005', '2000000100000006']);
  const unknown = await c.lookUpOrderId('ZZZZZZZZZZ');
  assert.deepEqual([unknown.status, unknown.signedTransactions], [1, []]);

  const refunds = await c.getRefundHistory('2000000100000006');
  assert.deepEqual(refunds.decodedTransactions.map((d) => [d.transactionId, d.revocationReason]), [['2000000100000005', 0]]);
  assert.equal(refunds.hasMore, false);
  assert.deepEqual((await c.getRefundHistory(SUB)).decodedTransactions, []);

  const ids = await purchases('refunds-1', 21);
  await admin('POST', '/admin/appstore/refunds', ids.map((transactionId) => ({ transactionId })));
  const seen = [];
  let pages = 0;
  for await (const p of c.getRefundHistoryPages(ids[3])) {
    pages += 1;
    seen.push(...p.decodedTransactions.map((d) => d.transactionId));
    for (const d of p.decodedTransactions) assert.equal(typeof d.revocationDate, 'number');
  }
  assert.equal(pages, 2);
  assert.deepEqual(seen.sort(), [...ids].sort());
  await rejects(c.getRefundHistory(ids[0], 'garbage'), 'API_ERROR', 4000005);
});

test('sendConsumptionData (v1) and sendConsumptionInformation (v2): 202, recorded, Apple\'s field checks', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const v1 = {
    customerConsented: true, consumptionStatus: 2, platform: 1, sampleContentProvided: false, deliveryStatus: 0,
    appAccountToken: '', accountTenure: 1, playTime: 2, lifetimeDollarsRefunded: 0, lifetimeDollarsPurchased: 3, userStatus: 1, refundPreference: 2,
  };
  assert.equal(await c.sendConsumptionData('2000000100000001', v1), undefined);
  const v2 = { customerConsented: true, sampleContentProvided: true, deliveryStatus: 'DELIVERED', consumptionPercentage: 25000, refundPreference: 'GRANT_PRORATED' };
  assert.equal(await c.sendConsumptionInformation('2000000100000001', v2), undefined);
  const recorded = (await state()).consumption;
  assert.deepEqual(recorded.map((r) => [r.transactionId, r.version, r.request]), [['2000000100000001', 'v1', v1], ['2000000100000001', 'v2', v2]]);
  assert.deepEqual((await requests()).map((r) => r.status), [202, 202]);

  await rejects(c.sendConsumptionData('2000000100000001', { ...v1, customerConsented: false }), 'API_ERROR', 4000035);
  await rejects(c.sendConsumptionData('2000000100000001', { ...v1, playTime: 8 }), 'API_ERROR', 4000040);
  await rejects(c.sendConsumptionData('2000000100000001', { ...v1, appAccountToken: 'x' }), 'API_ERROR', 4000033);
  await rejects(c.sendConsumptionInformation('2000000100000001', { ...v2, deliveryStatus: 'LOST' }), 'API_ERROR', 4000036);
  await rejects(c.sendConsumptionInformation('2999999999999999', v2), 'API_ERROR', 4040010);
  assert.equal((await state()).consumption.length, 2, 'refused requests record nothing');
});

test('extendSubscriptionRenewalDate: moves the expiry once per request id, two a year; mass extension and its status', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const before = (await tx('2000000100000004')).expiresDate;
  const request = { extendByDays: 3, extendReasonCode: 1, requestIdentifier: 'ext-1' };
  const r = await c.extendSubscriptionRenewalDate(SUB, request);
  assert.deepEqual([r.success, r.originalTransactionId, r.effectiveDate], [true, SUB, before + 3 * DAY]);
  assert.equal((await c.getTransactionInfo('2000000100000004')).decodedTransactionInfo.expiresDate, before + 3 * DAY);
  const [status] = (await c.getAllSubscriptionStatuses(SUB)).data[0].lastTransactions;
  assert.equal(status.decodedRenewalInfo.renewalDate, before + 3 * DAY);
  // The same request identifier again: the same answer, not a second extension.
  assert.deepEqual(await c.extendSubscriptionRenewalDate(SUB, request), r);
  assert.equal((await tx('2000000100000004')).expiresDate, before + 3 * DAY);
  await c.extendSubscriptionRenewalDate(SUB, { ...request, requestIdentifier: 'ext-2' });
  const max = await rejects(c.extendSubscriptionRenewalDate(SUB, { ...request, requestIdentifier: 'ext-3' }), 'API_ERROR', 4030005);
  assert.equal(max.details.status, 403);
  await rejects(c.extendSubscriptionRenewalDate(SUB, { ...request, extendByDays: 91 }), 'API_ERROR', 4000009);
  await rejects(c.extendSubscriptionRenewalDate(SUB, { ...request, extendReasonCode: 7 }), 'API_ERROR', 4000010);
  await rejects(c.extendSubscriptionRenewalDate('2999999999999999', { ...request, requestIdentifier: 'ext-4' }), 'API_ERROR', 4040005);
  const [expired] = await admin('POST', '/admin/appstore/transactions', [{ productId: 'vip_monthly', purchaseDate: Date.now() - 40 * DAY }]);
  await rejects(c.extendSubscriptionRenewalDate(expired.transactionId, { ...request, requestIdentifier: 'ext-5' }), 'API_ERROR', 4030004);

  // Mass: every active vip_monthly subscriber (two new ones; the seeded one is at its yearly maximum).
  const fresh = await admin('POST', '/admin/appstore/transactions', [{ customer: 'm1', productId: 'vip_monthly' }, { customer: 'm2', productId: 'vip_monthly' }]);
  const mass = { extendByDays: 5, extendReasonCode: 3, requestIdentifier: 'mass-1', productId: 'vip_monthly' };
  assert.deepEqual(await c.extendRenewalDateForAllActiveSubscribers(mass), { requestIdentifier: 'mass-1' });
  const s = await c.getStatusOfSubscriptionRenewalDateExtensions('mass-1', 'vip_monthly');
  assert.deepEqual([s.requestIdentifier, s.complete, s.succeededCount, s.failedCount], ['mass-1', true, 2, 1]);
  for (const f of fresh) assert.equal((await tx(f.transactionId)).expiresDate, f.expiresDate + 5 * DAY);
  await rejects(c.getStatusOfSubscriptionRenewalDateExtensions('mass-2', 'vip_monthly'), 'API_ERROR', 4040009);
  await rejects(c.extendRenewalDateForAllActiveSubscribers({ ...mass, productId: 'gem_500' }), 'API_ERROR', 4000023);
});

test('getNotificationHistory (every page by paginationToken, filters) and the test notification', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const ids = await purchases('notes-1', 21);
  const window = { startDate: Date.now() - 60 * DAY, endDate: Date.now() + 1000 };
  const types = [];
  let pages = 0;
  for await (const p of c.getNotificationHistoryPages(null, window)) {
    pages += 1;
    for (const n of p.notificationHistory) {
      assert.deepEqual(n.sendAttempts, []);
      types.push(n.decodedPayload.notificationType);
    }
  }
  const seeded = (await state()).notifications;
  assert.equal(pages, 2);
  assert.equal(types.length, seeded.length);
  assert.deepEqual(types, seeded.map((n) => n.notificationType));

  const refunds = await c.getNotificationHistory(null, { ...window, notificationType: 'REFUND' });
  const [refund] = refunds.notificationHistory;
  assert.equal(refunds.notificationHistory.length, 1);
  assert.equal(refund.decodedPayload.data.decodedTransactionInfo.transactionId, '2000000100000005');
  assert.equal(refund.decodedPayload.data.bundleId, emu.appStore.bundleId);
  const renewals = await c.getNotificationHistory(null, { ...window, transactionId: '2000000100000004' });
  const subscribed = renewals.notificationHistory.map((n) => [n.decodedPayload.notificationType, n.decodedPayload.subtype ?? null]);
  // customer-1's, oldest first: the subscription (40 days ago), remove_ads (20), the renewal (10), gems (1 h).
  assert.deepEqual(subscribed, [['SUBSCRIBED', 'INITIAL_BUY'], ['ONE_TIME_CHARGE', null], ['DID_RENEW', null], ['ONE_TIME_CHARGE', null]]);
  assert.equal(renewals.notificationHistory[2].decodedPayload.data.decodedRenewalInfo.originalTransactionId, SUB);
  const mine = await c.getNotificationHistory(null, { ...window, transactionId: ids[0] });
  assert.deepEqual(mine.notificationHistory.map((n) => n.decodedPayload.data.decodedTransactionInfo.transactionId), ids.slice(0, 20));
  assert.equal(mine.hasMore, true);
  await rejects(c.getNotificationHistory(null, { ...window, notificationType: 'REFUND', transactionId: ids[0] }), 'API_ERROR', 4000019);
  await rejects(c.getNotificationHistory(null, { ...window, startDate: Date.now() - 200 * DAY }), 'API_ERROR', 4000012);
  await rejects(c.getNotificationHistory(null, { ...window, notificationType: 'NOPE' }), 'API_ERROR', 4000018);
  await rejects(c.getNotificationHistory('bad-token', window), 'API_ERROR', 4000014);

  const { testNotificationToken } = await c.requestTestNotification();
  const check = await c.getTestNotificationStatus(testNotificationToken);
  assert.equal(check.decodedPayload.notificationType, 'TEST');
  assert.equal(check.decodedPayload.data.appAppleId, emu.appStore.appAppleId);
  await rejects(c.getTestNotificationStatus(`00000000-0000-4000-8000-000000000000_${Date.now()}`), 'API_ERROR', 4040008);
});

test('setAppAccountToken on every transaction of the purchase; getAppTransactionInfo', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const token = 'b6a4c2a1-0e3c-4f63-8e8e-5d5f1a2b3c4d';
  assert.equal(await c.setAppAccountToken(SUB, { appAccountToken: token }), undefined);
  for (const id of [SUB, '2000000100000004']) assert.equal((await c.getTransactionInfo(id)).decodedTransactionInfo.appAccountToken, token);
  await rejects(c.setAppAccountToken(SUB, { appAccountToken: 'not-a-uuid' }), 'API_ERROR', 4000183);
  await rejects(c.setAppAccountToken('2000000100000004', { appAccountToken: token }), 'API_ERROR', 4000187);
  await rejects(c.setAppAccountToken('2999999999999999', { appAccountToken: token }), 'API_ERROR', 4040010);

  const { decodedAppTransactionInfo: a } = await c.getAppTransactionInfo('2000000100000001');
  assert.deepEqual([a.bundleId, a.appAppleId, a.receiptType], [emu.appStore.bundleId, emu.appStore.appAppleId, emu.appStore.environment]);
  assert.ok(a.originalPurchaseDate < (await tx(SUB)).purchaseDate, 'the app was bought before its first in-app purchase');
  const [d] = (await c.getTransactionHistory('2000000100000001', null, {}, 'v2')).decodedTransactions;
  assert.equal(d.appTransactionId, a.appTransactionId);
  assert.equal((await c.getAppTransactionInfo(a.appTransactionId)).decodedAppTransactionInfo.appTransactionId, a.appTransactionId);
  await rejects(c.getAppTransactionInfo('2999999999999999'), 'API_ERROR', 4040010);
});

test('retention messaging: images, messages, default messages, the realtime URL, a performance test; finishTransaction', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const [img, msg, other] = ['a1b2c3d4-0000-4000-8000-00000000000a', 'a1b2c3d4-0000-4000-8000-00000000000b', 'a1b2c3d4-0000-4000-8000-00000000000c'];
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  assert.equal(await c.uploadImage(img, png, 'FULL_SIZE'), undefined);
  assert.deepEqual((await c.getImageList()).imageIdentifiers, [{ imageIdentifier: img, imageState: 'APPROVED', imageSize: 'FULL_SIZE' }]);
  await rejects(c.uploadImage(img, png), 'API_ERROR', 4090000);
  await rejects(c.uploadImage(img.toUpperCase(), png), 'API_ERROR', 4000000);
  await rejects(c.uploadImage(other, png, 'HUGE'), 'API_ERROR', 4000216);

  await rejects(c.uploadMessage(msg, { header: 'h'.repeat(67), body: 'b' }), 'API_ERROR', 4000162);
  await rejects(c.uploadMessage(msg, { header: 'h', body: 'b'.repeat(145) }), 'API_ERROR', 4000163);
  await rejects(c.uploadMessage(msg, { header: 'h', body: 'b', headerPosition: 'ABOVE_IMAGE' }), 'API_ERROR', 4000224);
  await rejects(c.uploadMessage(msg, { header: 'h', body: 'b', image: { imageIdentifier: other, altText: 'x' } }), 'API_ERROR', 4040014);
  await c.uploadMessage(msg, { header: 'Before you go', body: 'A month at half price', image: { imageIdentifier: img, altText: 'a gem' } });
  await rejects(c.uploadMessage(msg, { header: 'h', body: 'b' }), 'API_ERROR', 4090001);
  assert.deepEqual((await c.getMessageList()).messageIdentifiers, [{ messageIdentifier: msg, messageState: 'APPROVED' }]);
  await rejects(c.deleteImage(img), 'API_ERROR', 4030019);

  await rejects(c.getDefaultMessage('vip_monthly', 'en-US'), 'API_ERROR', 4040020);
  await rejects(c.configureDefaultMessage('vip_monthly', 'en-US', { messageIdentifier: other }), 'API_ERROR', 4040015);
  await rejects(c.configureDefaultMessage('vip_monthly', 'english', { messageIdentifier: msg }), 'API_ERROR', 4000164);
  await c.configureDefaultMessage('vip_monthly', 'en-US', { messageIdentifier: msg });
  assert.deepEqual(await c.getDefaultMessage('vip_monthly', 'en-US'), { messageIdentifier: msg });
  await c.deleteDefaultMessage('vip_monthly', 'en-US');
  await rejects(c.getDefaultMessage('vip_monthly', 'en-US'), 'API_ERROR', 4040020);

  await rejects(c.getRealtimeURL(), 'API_ERROR', 4040021);
  await rejects(c.initiatePerformanceTest({ originalTransactionId: SUB }), 'API_ERROR', 4040021);
  await rejects(c.configureRealtimeURL({ realtimeURL: 'http://example.com/retention' }), 'API_ERROR', 4000215);
  await c.configureRealtimeURL({ realtimeURL: 'https://example.com/retention' });
  assert.deepEqual(await c.getRealtimeURL(), { realtimeURL: 'https://example.com/retention' });
  const run = await c.initiatePerformanceTest({ originalTransactionId: SUB });
  assert.equal(typeof run.requestId, 'string');
  await rejects(c.initiatePerformanceTest({ originalTransactionId: SUB }), 'API_ERROR', 4000213);
  const result = await c.getPerformanceTestResults(run.requestId);
  assert.deepEqual([result.result, result.target, result.numPending], ['PENDING', 'https://example.com/retention', run.config.totalRequests]);
  await rejects(c.getPerformanceTestResults('a1b2c3d4-0000-4000-8000-0000000000ff'), 'API_ERROR', 4040018);
  await c.deleteRealtimeURL();
  await rejects(c.getRealtimeURL(), 'API_ERROR', 4040021);

  await c.deleteMessage(msg);
  await c.deleteImage(img);
  await rejects(c.deleteMessage(msg), 'API_ERROR', 4040015);
  assert.deepEqual([(await c.getImageList()).imageIdentifiers, (await c.getMessageList()).messageIdentifiers], [[], []]);

  assert.equal(await c.finishTransaction(SUB), undefined);
  assert.deepEqual((await state()).finished, [SUB]);
  await rejects(c.finishTransaction('2999999999999999'), 'API_ERROR', 4040010);
});

test('faults on the App Store face: slow answer, 500 and 429 (Retry-After) retried for reads only, lost and dropped answers', async (t) => {
  if (!emu) return t.skip(NONE);
  const fault = (f) => admin('POST', '/admin/faults', { path: '/inApps/', times: 1, ...f });
  // Slow: the attempt times out (TIMEOUT, retryable); with retries the second attempt answers.
  await fault({ delayMs: 1000 });
  const late = await rejects(client({ timeoutMs: 100, retries: 0 }).getTransactionInfo(SUB), 'TIMEOUT');
  assert.equal(late.retryable, true);
  await admin('DELETE', '/admin/requests');
  await fault({ delayMs: 1000 });
  assert.equal((await client({ timeoutMs: 200 }).getTransactionInfo(SUB)).decodedTransactionInfo.transactionId, SUB);
  assert.equal((await requests()).length, 2);

  // 500 with Apple's body: a read is tried again; with no retries it is API_ERROR, retryable.
  await fault({ status: 500 });
  const e500 = await rejects(client({ retries: 0 }).getTransactionInfo(SUB), 'API_ERROR', 5000001);
  assert.equal(e500.retryable, true);
  await admin('DELETE', '/admin/requests');
  await fault({ status: 500 });
  await client().lookUpOrderId('MK5TTTVWJH');
  assert.deepEqual((await requests()).map((r) => r.status), [500, 200]);
  // A mutation is sent once.
  await admin('DELETE', '/admin/requests');
  await fault({ status: 500 });
  await rejects(client().setAppAccountToken(SUB, { appAccountToken: 'b6a4c2a1-0e3c-4f63-8e8e-5d5f1a2b3c4d' }), 'API_ERROR', 5000001);
  assert.equal((await requests()).length, 1);

  // 429: Retry-After 0 is waited for and retried; an hour is left to the caller.
  await admin('DELETE', '/admin/requests');
  await fault({ status: 429, retryAfter: 0 });
  await client().getTransactionInfo(SUB);
  assert.deepEqual((await requests()).map((r) => r.status), [429, 200]);
  await fault({ status: 429, retryAfter: 3600 });
  const limited = await rejects(client().getTransactionInfo(SUB), 'API_ERROR', 4290000);
  assert.deepEqual([limited.details.status, limited.details.retryAfterMs, limited.details.errorName], [429, 3_600_000, 'RATE_LIMIT_EXCEEDED']);

  // Lost answer of a mutation: NETWORK_ERROR, not re-sent by the client, yet the extension took
  // effect, once; sending the same request identifier again answers what happened. (Deno, Bun and
  // Chromium resend an idempotent PUT once by themselves when a kept-alive connection closes
  // unanswered, so the fault outlasts that, and the request identifier keeps it to one extension.)
  const before = (await tx('2000000100000004')).expiresDate;
  await admin('DELETE', '/admin/requests');
  await fault({ lose: true, times: 3 });
  const request = { extendByDays: 2, extendReasonCode: 0, requestIdentifier: 'lost-1' };
  const lost = await rejects(client().extendSubscriptionRenewalDate(SUB, request), 'NETWORK_ERROR');
  assert.equal(lost.retryable, true);
  const sent = (await requests()).map((r) => r.status);
  assert.ok(sent.length >= 1 && sent.length <= 2 && sent.every((s) => s === 'lost'), JSON.stringify(sent));
  await admin('DELETE', '/admin/faults');
  assert.equal((await tx('2000000100000004')).expiresDate, before + 2 * DAY);
  assert.equal((await client().extendSubscriptionRenewalDate(SUB, request)).effectiveDate, before + 2 * DAY);
  assert.equal((await tx('2000000100000004')).expiresDate, before + 2 * DAY);
  // Dropped (Chromium and Deno resend once by themselves on a closed keep-alive connection).
  await fault({ drop: true, times: 3 });
  await rejects(client({ retries: 0 }).getTransactionInfo(SUB), 'NETWORK_ERROR');
  await admin('DELETE', '/admin/faults');
});

// ---- bearer tokens

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const text64 = (v) => b64url(new TextEncoder().encode(JSON.stringify(v)));
const der = (pem) => Uint8Array.from(atob(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));

async function token(header, claims, key) {
  const input = `${text64(header)}.${text64(claims)}`;
  const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(input));
  return `${input}.${b64url(sig)}`;
}

test('bearer tokens: the client\'s passes; a wrong key, kid, iss, bid, aud, typ, alg, lifetime or an expired one is 401, not retried', async (t) => {
  if (!emu) return t.skip(NONE);
  const a = emu.appStore;
  // Another P-256 key, as a .p8 PEM.
  const other = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const pk8 = new Uint8Array(await subtle.exportKey('pkcs8', other.privateKey));
  const otherPem = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...pk8))}\n-----END PRIVATE KEY-----\n`;
  const refused = async (c, reason) => {
    await admin('DELETE', '/admin/requests');
    const e = await rejects(c.getTransactionInfo(SUB), 'API_ERROR');
    assert.equal(e.details.status, 401);
    assert.equal(e.retryable, false);
    const log = await requests();
    assert.equal(log.length, 1, '401 is not retried');
    assert.match(log[0].authError, reason);
  };
  await refused(client({}, { signingKey: otherPem }), /signature/);
  await refused(client({}, { keyId: 'OTHERKEY01' }), /kid/);
  await refused(client({}, { issuerId: 'e0e0e0e0-0000-4000-8000-00000000ffff' }), /iss/);
  await refused(client({}, { bundleId: 'com.example.other' }), /bid/);
  // The clock two hours on: the client's 20-minute token has expired.
  await admin('POST', '/admin/clock', { advanceMs: 2 * 3600_000 });
  await refused(client(), /expired/);
  await admin('POST', '/admin/reset');
  assert.equal((await client().getTransactionInfo(SUB)).decodedTransactionInfo.transactionId, SUB);

  // Hand-made tokens signed with the emulator's own key: each rule on its own.
  const key = await subtle.importKey('pkcs8', der(a.signingKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', kid: a.keyId, typ: 'JWT' };
  const claims = { iss: a.issuerId, iat: now, exp: now + 600, aud: 'appstoreconnect-v1', bid: a.bundleId };
  const send = async (authorization) => {
    const res = await fetch(`${emu.url}/inApps/v1/transactions/${SUB}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });
    return { status: res.status, reason: res.headers.get('x-emulator-reason'), text: await res.text() };
  };
  const good = await send(`Bearer ${await token(header, claims, key)}`);
  assert.equal(good.status, 200, good.reason);
  assert.ok(JSON.parse(good.text).signedTransactionInfo);
  const cases = [
    [undefined, /Bearer/],
    ['Basic abc', /Bearer/],
    [`Bearer ${await token({ ...header, alg: 'HS256' }, claims, key)}`, /alg/],
    [`Bearer ${await token({ alg: 'ES256', kid: a.keyId }, claims, key)}`, /typ/],
    [`Bearer ${await token(header, { ...claims, aud: 'appstoreconnect-v2' }, key)}`, /aud/],
    [`Bearer ${await token(header, { ...claims, exp: now + 7200 }, key)}`, /hour/],
    [`Bearer ${await token(header, { ...claims, iat: now - 7200, exp: now - 3700 }, key)}`, /expired/],
    [`Bearer ${await token(header, { ...claims, iat: now + 600, exp: now + 1200 }, key)}`, /future/],
    [`Bearer ${(await token(header, claims, key)).replace(/\.(.)([^.]*)$/, (_, c, rest) => `.${c === 'A' ? 'B' : 'A'}${rest}`)}`, /signature/],
  ];
  for (const [authorization, reason] of cases) {
    const r = await send(authorization);
    assert.equal(r.status, 401, String(authorization));
    assert.match(r.reason, reason);
    assert.match(r.text, /^Unauthenticated/);
  }
});

test('Advanced Commerce API: the six calls post their request, answer with verified signed data; cancel and revoke change state', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const request = { requestInfo: { requestReferenceId: 'ref-1' }, storefront: 'USA' };
  for (const m of ['changeSubscriptionMetadata', 'changeSubscriptionPrice', 'migrateSubscription']) {
    const r = await c[m](SUB, request);
    assert.equal(r.decodedTransactionInfo.transactionId, SUB, m);
    assert.equal(r.decodedRenewalInfo.originalTransactionId, r.decodedTransactionInfo.originalTransactionId, m);
  }
  const cancelled = await c.cancelSubscription(SUB, request);
  assert.equal(cancelled.decodedRenewalInfo.autoRenewStatus, iap.AutoRenewStatus.OFF);
  const revoked = await c.revokeSubscription(SUB, request);
  assert.equal(typeof revoked.decodedTransactionInfo.revocationDate, 'number');
  const sent = (await admin('GET', '/admin/requests')).requests.filter((r) => r.path.startsWith('/advancedCommerce/'));
  assert.deepEqual(sent.map((r) => `${r.method} ${r.path}`), [
    `POST /advancedCommerce/v1/subscription/changeMetadata/${SUB}`,
    `POST /advancedCommerce/v1/subscription/changePrice/${SUB}`,
    `POST /advancedCommerce/v1/subscription/migrate/${SUB}`,
    `POST /advancedCommerce/v1/subscription/cancel/${SUB}`,
    `POST /advancedCommerce/v1/subscription/revoke/${SUB}`,
  ]);
  // A request without its requestInfo, an unknown transaction: Apple's errors.
  await rejects(c.requestTransactionRefund(SUB, { storefront: 'USA' }), 'API_ERROR', 4000000);
  await rejects(c.cancelSubscription('9999999999', request), 'API_ERROR', 4040010);
  // Not an object: refused before anything is sent.
  await rejects(c.cancelSubscription(SUB, 'cancel'), 'INVALID_ARGUMENT');
});
