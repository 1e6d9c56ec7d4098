// createNotificationHandler({ ledger }): store events applied to the purchase ledger (runPurchase's
// records, memory store here; tests/postgres/notification-ledger.test.mjs on PostgreSQL): a refund,
// void or revocation revokes what was delivered exactly once (redelivered, re-sent under another
// notification id, raced by two handler instances), a renewal extends the subscription's record,
// events for purchases the ledger does not hold are reported; applyRefund from a StoreEvent; and
// refund requests answered through the stores' clients before their deadline, end to end against
// the local server (which records the answers it received).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import * as testing from '../../pkg/src/testing.js';
import { startEmulator } from '../../emulator/src/emulator.js';
import { throwsCode } from './rejects.mjs';

const BUNDLE = 'com.example.app';
const AUDIENCE = 'https://backend.example.com/notifications';
const EMAIL = 'rtdn-push@example.iam.gserviceaccount.com';
const NOW = Date.now();
const google = { audience: AUDIENCE, serviceAccountEmail: EMAIL, jwks: testing.TEST_PUBSUB_JWKS };
const catalog = { gems: { kind: 'CONSUMABLE' }, vip: { kind: 'SUBSCRIPTION' }, 'gem.100': { kind: 'CONSUMABLE' } };
const post = (body, headers = {}) => new Request(AUDIENCE, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

/** Runs a purchase into `store` through an adapter that answers with `purchase` (a verified value). */
async function record(store, request, purchase) {
  const adapter = { store: request.store, verify: () => ({ purchase }), settle: async () => 'SETTLED' };
  const flow = await iap.runPurchase({ store, adapter, catalog, purchase: request, deliver: () => {} });
  assert.ok(flow.delivered);
  return flow;
}

const appleVerifier = (bundleId = BUNDLE) => new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, bundleId);

/** An App Store purchase recorded in the ledger: transaction `id` of `productId`. */
async function appleRecord(store, id, productId = 'gems', extra = {}) {
  const jws = await testing.signAppleTransaction({ bundleId: BUNDLE, productId, transactionId: id, now: NOW, ...extra });
  return record(store, { store: 'AS', storeId: id, productId }, await appleVerifier().verifyAndDecodeTransactionAsync(jws));
}

/** A Google Play purchase recorded in the ledger under `token`. */
async function googleRecord(store, token, productId = 'gems') {
  const p = await testing.signGooglePurchase({ orderId: `GPA.${token}`, packageName: BUNDLE, productId, purchaseTime: NOW, purchaseState: 0, purchaseToken: token, quantity: 1 });
  return record(store, { store: 'GG', storeId: token, productId }, new iap.GoogleVerifier(testing.TEST_LICENSE_KEY).verify(p.signedData, p.signature));
}

const appleRefund = async (id, { uuid, type = 'REFUND', productId = 'gems', ...extra } = {}) =>
  testing.appleNotificationBody({ bundleId: BUNDLE, notificationType: type, notificationUUID: uuid, now: NOW, signedTransactionInfo: await testing.signAppleTransaction({ bundleId: BUNDLE, productId, transactionId: id, now: NOW, ...extra }) });

async function googlePost(handler, notification, messageId) {
  const authorization = await testing.mintPubSubToken({ audience: AUDIENCE, serviceAccountEmail: EMAIL });
  return handler(post(testing.pubSubPushBody({ version: '1.0', packageName: BUNDLE, eventTimeMillis: String(NOW), ...notification }, { messageId }), { authorization }));
}

function setup(ledgerStore = iap.createMemoryPurchaseStore(), extra = {}) {
  const revoked = [];
  const problems = [];
  const unknown = [];
  const handler = iap.createNotificationHandler({
    apple: appleVerifier(), google, oneStore: { licenseKey: testing.TEST_LICENSE_KEY },
    dedupe: iap.createMemoryNotificationStore(),
    on: () => {},
    onError: (p) => void problems.push(p),
    ledger: { store: ledgerStore, revoke: (effect, flow, event) => void revoked.push({ effect, state: flow.state, event: event.id }), unknown: (e) => void unknown.push(e) },
    ...extra,
  });
  return { handler, revoked, problems, unknown, store: ledgerStore };
}

test('an App Store refund revokes once: redelivered, sent again under another id, raced by two instances', async () => {
  const store = iap.createMemoryPurchaseStore();
  await appleRecord(store, '7001');
  const a = setup(store);
  const b = setup(store);
  const body = await appleRefund('7001', { uuid: 'refund-1' });
  // Two instances (each its own notification store: the worst case) get the same delivery at once.
  const answers = await Promise.all([a.handler(post(body)), b.handler(post(body))]);
  assert.deepEqual(answers.map((r) => r.status), [200, 200]);
  // Apple's redelivery to either: a duplicate.
  assert.deepEqual(await (await b.handler(post(body))).json(), { duplicate: true });
  // Apple's REVOKE of the same transaction (another notification) finds the record refunded.
  assert.equal((await a.handler(post(await appleRefund('7001', { uuid: 'revoke-1', type: 'REVOKE' })))).status, 200);
  const revoked = [...a.revoked, ...b.revoked];
  assert.equal(revoked.length, 1);
  assert.deepEqual([revoked[0].effect.type, revoked[0].effect.store, revoked[0].effect.storeId, revoked[0].effect.quantity, revoked[0].state, revoked[0].event], ['REVOKE', 'AS', '7001', 1, 'REFUNDED', 'refund-1']);
  const entry = await store.purchase('AS', '7001');
  assert.equal(entry.state, 'REFUNDED');
  assert.ok(entry.refundedAt > 0);
  assert.deepEqual([...a.problems, ...b.problems, ...a.unknown], []);
});

test('Google: a voided purchase and a revoked subscription revoke; a partial refund is reported, not applied', async () => {
  const { handler, revoked, problems, store } = setup();
  await googleRecord(store, 'tok-void');
  await googleRecord(store, 'tok-partial');
  await googleRecord(store, 'tok-sub', 'vip');
  assert.equal((await googlePost(handler, { voidedPurchaseNotification: { purchaseToken: 'tok-void', orderId: 'GPA.tok-void', productType: 2, refundType: 1 } }, 'm-1')).status, 200);
  assert.equal((await googlePost(handler, { voidedPurchaseNotification: { purchaseToken: 'tok-void', orderId: 'GPA.tok-void', productType: 2, refundType: 1 } }, 'm-2')).status, 200);
  assert.equal((await googlePost(handler, { voidedPurchaseNotification: { purchaseToken: 'tok-partial', orderId: 'GPA.tok-partial', productType: 2, refundType: 2 } }, 'm-3')).status, 200);
  assert.equal((await googlePost(handler, { subscriptionNotification: { version: '1.0', notificationType: 12, purchaseToken: 'tok-sub', subscriptionId: 'vip' } }, 'm-4')).status, 200);
  assert.deepEqual(revoked.map((r) => r.effect.storeId), ['tok-void', 'tok-sub']);
  assert.equal((await store.purchase('GG', 'tok-partial')).state, 'COMPLETED');
  assert.deepEqual(problems.map((p) => [p.kind, p.id, p.reason]), [['LEDGER_SKIPPED', 'm-3', 'a partial refund: decide what to take back']]);
  assert.match((await store.load('GG', 'tok-sub')).flow.reason, /^GG SUBSCRIPTION_REVOKED, notification m-4$/);
});

test('renewals extend the subscription\'s record: Google by token, Apple by the original transaction with its expiry', async () => {
  const { handler, problems, store } = setup();
  await googleRecord(store, 'tok-renew', 'vip');
  const renewed = (messageId, at = NOW + 1000) =>
    handler(post(testing.pubSubPushBody({ version: '1.0', packageName: BUNDLE, eventTimeMillis: String(at), subscriptionNotification: { version: '1.0', notificationType: 2, purchaseToken: 'tok-renew', subscriptionId: 'vip' } }, { messageId }), {}));
  const authorized = async (messageId, at) => {
    const authorization = await testing.mintPubSubToken({ audience: AUDIENCE, serviceAccountEmail: EMAIL });
    const r = await renewed(messageId, at);
    assert.equal(r.status, 401, 'no token: refused, nothing applied');
    return handler(post(testing.pubSubPushBody({ version: '1.0', packageName: BUNDLE, eventTimeMillis: String(at), subscriptionNotification: { version: '1.0', notificationType: 2, purchaseToken: 'tok-renew', subscriptionId: 'vip' } }, { messageId }), { authorization }));
  };
  assert.equal((await authorized('r-1', NOW + 1000)).status, 200);
  // Google publishing the same renewal again under another message id: the record changes once.
  assert.equal((await authorized('r-2', NOW + 1000)).status, 200);
  let flow = iap.PurchaseFlow.fromJSON((await store.load('GG', 'tok-renew')).flow);
  assert.deepEqual([flow.renewals, flow.renewedAt, flow.expiresAt], [1, NOW + 1000, undefined]);
  assert.equal((await authorized('r-3', NOW + 2000)).status, 200);
  flow = iap.PurchaseFlow.fromJSON((await store.load('GG', 'tok-renew')).flow);
  assert.deepEqual([flow.renewals, flow.renewedAt], [2, NOW + 2000]);

  // Apple: the record is the first transaction's; the renewal is a new transaction of it.
  const expires = NOW + 30 * 86_400_000;
  await appleRecord(store, '8001', 'vip', { type: 'Auto-Renewable Subscription', expiresDate: NOW + 86_400_000 });
  const renewal = await testing.appleNotificationBody({
    bundleId: BUNDLE, notificationType: 'DID_RENEW', notificationUUID: 'renew-a', now: NOW + 5000,
    signedTransactionInfo: await testing.signAppleTransaction({ bundleId: BUNDLE, productId: 'vip', transactionId: '8002', originalTransactionId: '8001', type: 'Auto-Renewable Subscription', expiresDate: expires, now: NOW + 5000 }),
  });
  assert.equal((await handler(post(renewal))).status, 200);
  flow = iap.PurchaseFlow.fromJSON((await store.load('AS', '8001')).flow);
  assert.deepEqual([flow.state, flow.renewals, flow.renewedAt, flow.expiresAt], ['COMPLETED', 1, NOW + 5000, expires]);
  assert.equal(await store.load('AS', '8002'), null, 'no record for the renewal transaction');
  assert.deepEqual(problems, []);
});

test('events for purchases the ledger does not hold are reported (ledger.unknown, else onError); a renewal the record refuses is skipped and reported', async () => {
  const { handler, unknown, revoked, problems, store } = setup();
  assert.equal((await handler(post(await appleRefund('9999', { uuid: 'u-unknown' })))).status, 200);
  assert.equal((await googlePost(handler, { subscriptionNotification: { version: '1.0', notificationType: 2, purchaseToken: 'nobody', subscriptionId: 'vip' } }, 'm-unknown')).status, 200);
  assert.deepEqual(unknown.map((e) => [e.id, e.type]), [['u-unknown', 'REFUNDED'], ['m-unknown', 'RENEWED']]);
  assert.equal(revoked.length, 0);
  // Without ledger.unknown: onError hears UNKNOWN_PURCHASE; if it cannot, the store delivers again.
  const reports = [];
  const plain = iap.createNotificationHandler({
    apple: appleVerifier(), dedupe: iap.createMemoryNotificationStore(), on: () => {}, ledger: { store, revoke: () => {} },
    onError: (p) => {
      if (reports.length === 0) {
        reports.push('failed');
        throw new Error('log down');
      }
      reports.push(p);
    },
  });
  const body = await appleRefund('9998', { uuid: 'u-unknown-2' });
  assert.equal((await plain(post(body))).status, 500);
  assert.equal((await plain(post(body))).status, 200);
  // The failed report failed the ledger step (reported too, once onError worked again).
  assert.deepEqual(reports.map((r) => r.kind ?? r), ['failed', 'LEDGER_FAILED', 'UNKNOWN_PURCHASE']);
  assert.equal(reports[2].event.id, 'u-unknown-2');
  // A renewal of a consumable's record: the reducer refuses it; reported, acknowledged.
  await googleRecord(store, 'tok-gem');
  assert.equal((await googlePost(handler, { subscriptionNotification: { version: '1.0', notificationType: 2, purchaseToken: 'tok-gem', subscriptionId: 'gems' } }, 'm-gem')).status, 200);
  assert.equal(problems.at(-1).kind, 'LEDGER_SKIPPED');
  assert.match(problems.at(-1).reason, /RENEWED applies to a subscription/);
});

test('a revoke that throws is reported with its effect and answered 503: the redelivery revokes once; a ledger that is down is 503 and the redelivery applies it once', async () => {
  const store = iap.createMemoryPurchaseStore();
  await appleRecord(store, '7101');
  const problems = [];
  const calls = [];
  const taken = new Set();
  let failures = 1;
  const failing = iap.createNotificationHandler({
    apple: appleVerifier(), dedupe: iap.createMemoryNotificationStore(), on: () => {}, onError: (p) => void problems.push(p),
    ledger: {
      store,
      revoke: (effect, flow, event, context) => {
        calls.push([effect.store, effect.storeId, event.id, flow.revokePending, context.transaction]);
        if (failures-- > 0) throw new Error('grants db down');
        taken.add(`${effect.store} ${effect.storeId}`);
      },
    },
  });
  const refund = await appleRefund('7101', { uuid: 'rf-1' });
  const first = await failing(post(refund));
  assert.equal(first.status, 503);
  assert.deepEqual(await first.json(), { error: 'the revoke failed; it is retried' });
  assert.deepEqual([problems[0].kind, problems[0].effect.type, problems[0].effect.storeId, problems[0].error.message], ['REVOKE_FAILED', 'REVOKE', '7101', 'grants db down']);
  assert.equal(problems.length, 1, 'reported once');
  assert.equal((await store.purchase('AS', '7101')).state, 'REFUNDED');
  assert.deepEqual((await store.unrevoked()).map((r) => r.storeId), ['7101'], 'owed');
  // Apple delivers again: the claim was released, the revoke is asked again and returns.
  assert.equal((await failing(post(refund))).status, 200);
  assert.deepEqual(await store.unrevoked(), []);
  assert.deepEqual(await (await failing(post(refund))).json(), { duplicate: true });
  // A later REVOKE notification of the same transaction asks for nothing.
  assert.equal((await failing(post(await appleRefund('7101', { uuid: 'rv-1', type: 'REVOKE' })))).status, 200);
  assert.deepEqual(calls, [['AS', '7101', 'rf-1', true, undefined], ['AS', '7101', 'rf-1', true, undefined]], 'the same key each time');
  assert.deepEqual([...taken], ['AS 7101']);
  assert.equal(problems.length, 1);

  await appleRecord(store, '7102');
  let down = true;
  const flaky = {
    ...store,
    load: (...a) => (down ? Promise.reject(new iap.IapError('NETWORK_ERROR', 'db unreachable', { retryable: true })) : store.load(...a)),
    update: (...a) => store.update(...a),
  };
  const { handler, revoked, problems: p2 } = setup(flaky);
  const body = await appleRefund('7102', { uuid: 'rf-2' });
  assert.equal((await handler(post(body))).status, 503);
  assert.equal(p2[0].kind, 'LEDGER_FAILED');
  down = false;
  assert.equal((await handler(post(body))).status, 200);
  assert.equal((await handler(post(body))).status, 200);
  assert.deepEqual(revoked.map((r) => r.effect.storeId), ['7102']);
});

test('applyRefund takes a StoreEvent: the record found from the event, the reason written from it', async () => {
  const store = iap.createMemoryPurchaseStore();
  await googleRecord(store, 'tok-event');
  const body = testing.pubSubPushBody({ version: '1.0', packageName: BUNDLE, eventTimeMillis: String(NOW), voidedPurchaseNotification: { purchaseToken: 'tok-event', orderId: 'GPA.x', productType: 2, refundType: 1 } }, { messageId: 'v-1' });
  const event = iap.googleNotificationEvent(body);
  const revoked = [];
  const flow = await iap.applyRefund({ store, event, revoke: (e) => void revoked.push(e) });
  assert.equal(flow.state, 'REFUNDED');
  assert.equal(flow.reason, 'GG voidedPurchase, notification v-1');
  assert.equal((await iap.applyRefund({ store, event, revoke: (e) => void revoked.push(e) })).state, 'REFUNDED');
  assert.equal(revoked.length, 1);
  assert.equal(await iap.applyRefund({ store, event: { ...event, purchaseToken: 'nobody' }, revoke: () => {} }), null);
  await assert.rejects(iap.applyRefund({ store, event: { ...event, type: 'RENEWED' }, revoke: () => {} }), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(iap.applyRefund({ store, event, key: ['GG', 'tok-event'], revoke: () => {} }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('a ONE store SNS renewal, confirmed, extends the record to the expiry ONE store answers; unconfirmed, it is not applied', async () => {
  const store = iap.createMemoryPurchaseStore();
  const p = await testing.signOneStorePurchase({ orderId: 'ONESTORE-SUB', packageName: BUNDLE, productId: 'vip', purchaseTime: NOW, purchaseState: 0, purchaseToken: 'SUB-1', quantity: 1 });
  await record(store, { store: 'ONESTORE', storeId: 'SUB-1', productId: 'vip' }, new iap.OneStoreVerifier(testing.TEST_LICENSE_KEY).verify(p.signedData, p.signature));
  const expiry = NOW + 30 * 86_400_000;
  const client = { getSubscriptionDetail: async () => ({ acknowledgementState: 1, autoRenewing: true, paymentState: 1, expiryTimeMillis: expiry }) };
  const sns = (at) => JSON.stringify({ msgVersion: '3.1.0', clientId: BUNDLE, eventTimeMillis: at, subscriptionNotification: { version: '1', notificationType: 2, purchaseToken: 'SUB-1', productId: 'vip' } });
  const unconfirmed = setup(store);
  assert.equal((await unconfirmed.handler(post(sns(NOW + 10)))).status, 200);
  assert.equal(iap.PurchaseFlow.fromJSON((await store.load('ONESTORE', 'SUB-1')).flow).renewals, 0);
  const { handler, problems } = setup(store, { oneStore: { licenseKey: testing.TEST_LICENSE_KEY, client } });
  assert.equal((await handler(post(sns(NOW + 10)))).status, 200);
  const flow = iap.PurchaseFlow.fromJSON((await store.load('ONESTORE', 'SUB-1')).flow);
  assert.deepEqual([flow.renewals, flow.renewedAt, flow.expiresAt], [1, NOW + 10, expiry]);
  assert.deepEqual(problems, []);
});

test('a refund request the hook answers with nothing sends nothing', async () => {
  const sent = [];
  const appStore = { sendConsumptionInformation: async (...a) => void sent.push(a) };
  const asked = [];
  const handler = iap.createNotificationHandler({
    apple: appleVerifier(), dedupe: iap.createMemoryNotificationStore(), on: () => {},
    refundClients: { appStore }, onRefundRequest: (event, context) => void asked.push([event.type, context.deadline]),
  });
  const body = await testing.appleNotificationBody({ bundleId: BUNDLE, notificationType: 'CONSUMPTION_REQUEST', now: NOW, signedTransactionInfo: await testing.signAppleTransaction({ bundleId: BUNDLE, productId: 'gems', transactionId: '1', now: NOW }) });
  assert.equal((await handler(post(body))).status, 200);
  assert.deepEqual(asked, [['REFUND_REQUESTED', NOW + 12 * 3_600_000]]);
  assert.deepEqual(sent, []);
  // Other events never ask the hook.
  assert.equal((await handler(post(await appleRefund('1', { uuid: 'not-a-request' })))).status, 200);
  assert.equal(asked.length, 1);
});

test('ledger options are checked', () => {
  const dedupe = iap.createMemoryNotificationStore();
  const store = iap.createMemoryPurchaseStore();
  const base = { apple: appleVerifier(), dedupe, on: () => {} };
  throwsCode(() => iap.createNotificationHandler({ ...base, ledger: { store, revoke: () => {}, unknown: () => {} } }), 'INVALID_ARGUMENT', 'no onError');
  throwsCode(() => iap.createNotificationHandler({ ...base, onError: () => {}, ledger: { store: {}, revoke: () => {} } }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ ...base, onError: () => {}, ledger: { store, unknown: () => {} } }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ ...base, onRefundRequest: () => {} }), 'INVALID_ARGUMENT', 'no App Store client');
  throwsCode(() => iap.createNotificationHandler({ ...base, onRefundRequest: () => {}, refundClients: { appStore: {} } }), 'INVALID_ARGUMENT');
  assert.equal(typeof iap.createNotificationHandler({ ...base, onError: () => {}, ledger: { store, revoke: () => {} } }), 'function');
});

// ------------------------------------------------------------ ONE store and refund requests, end to end

let emu;
before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu?.close());

async function admin(method, path, body) {
  const res = await fetch(emu.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  assert.ok(res.ok, JSON.stringify(json));
  return json;
}

test('ONE store -> handler -> ledger: a canceled payment (PNS) revokes; an SNS revocation only once confirmed and no longer entitled', async () => {
  const { createServer } = await import('node:http');
  const o = emu.oneStore;
  const client = new iap.OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url });
  const store = iap.createMemoryPurchaseStore();
  const revoked = [];
  const problems = [];
  const make = (withClient) => iap.toNodeListener(iap.createNotificationHandler({
    oneStore: { licenseKey: o.licenseKey, ...(withClient ? { client } : {}) }, dedupe: iap.createMemoryNotificationStore(), on: () => {},
    onError: (p) => void problems.push(p), ledger: { store, revoke: (e) => void revoked.push(e), unknown: () => {} },
  }));
  let listener = make(false);
  const server = createServer((req, res) => listener(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/n`;
  try {
    await admin('POST', '/admin/onestore/config', { pnsUrl: url, snsUrl: url });
    o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBLEDGER0000000001' });
    o.addSubscription({ productId: 'vip', purchaseToken: 'SBLEDGER0000000002' });
    await o.settled();
    await iap.runPurchase({ store, adapter: iap.oneStoreAdapter({ client }), catalog, purchase: { store: 'ONESTORE', storeId: 'SBLEDGER0000000001', productId: 'gem.100' }, deliver: () => {} });
    // oneStoreAdapter reads managed products only: a subscription is verified with getSubscriptionDetail here.
    const adapter = {
      store: 'ONESTORE',
      verify: async (flow) => ({ purchase: await client.getSubscriptionDetail({ productId: flow.productId, purchaseToken: flow.storeId }) }),
      settle: async () => 'SETTLED',
    };
    await iap.runPurchase({ store, adapter, catalog, purchase: { store: 'ONESTORE', storeId: 'SBLEDGER0000000002', productId: 'vip' }, deliver: () => {} });
    assert.equal((await store.purchase('ONESTORE', 'SBLEDGER0000000002')).state, 'COMPLETED');

    await admin('POST', '/admin/onestore/refunds', { purchaseToken: 'SBLEDGER0000000001' });
    await admin('POST', '/admin/onestore/revocations', { purchaseToken: 'SBLEDGER0000000002' });
    await o.settled();
    // The PNS is signed: applied. The SNS is not, and no client confirmed it: not applied.
    assert.deepEqual(revoked.map((e) => e.storeId), ['SBLEDGER0000000001']);
    assert.equal((await store.purchase('ONESTORE', 'SBLEDGER0000000002')).state, 'COMPLETED');
    // With a client: ONE store's answer confirms the revocation (no longer entitled): applied.
    listener = make(true);
    const [sns] = o.notifications().filter((n) => n.kind === 'SNS' && n.body.subscriptionNotification.notificationType === 12);
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sns.body) });
    assert.equal(r.status, 200);
    assert.deepEqual(revoked.map((e) => e.storeId), ['SBLEDGER0000000001', 'SBLEDGER0000000002']);
    assert.equal((await store.purchase('ONESTORE', 'SBLEDGER0000000002')).state, 'REFUNDED');
    // A forged SNS "revoking" a live subscription: ONE store still reports it entitled; skipped.
    o.addSubscription({ productId: 'vip', purchaseToken: 'SBLEDGER0000000003' });
    await o.settled();
    await iap.runPurchase({ store, adapter, catalog, purchase: { store: 'ONESTORE', storeId: 'SBLEDGER0000000003', productId: 'vip' }, deliver: () => {} });
    const forged = { ...sns.body, eventTimeMillis: Date.now(), subscriptionNotification: { ...sns.body.subscriptionNotification, purchaseToken: 'SBLEDGER0000000003' } };
    assert.equal((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) })).status, 200);
    assert.equal((await store.purchase('ONESTORE', 'SBLEDGER0000000003')).state, 'COMPLETED');
    assert.equal(revoked.length, 2);
    assert.deepEqual(problems.map((p) => [p.kind, p.reason]), [['LEDGER_SKIPPED', 'ONE store still reports the subscription entitled']]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('refund requests: the hook\'s answer reaches the App Store and Google Play (the local server records it), once, before the deadline', async () => {
  await admin('POST', '/admin/reset');
  const a = emu.appStore;
  const appStore = new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, { baseUrl: emu.url, rootCertificates: [a.rootCertificate], appAppleId: a.appAppleId, retryDelayMs: 5 });
  const googlePlay = new iap.GooglePlayClient({ serviceAccount: emu.googlePlay.serviceAccount, baseUrl: emu.url, retryDelayMs: 5 });
  let clock = NOW;
  const asked = [];
  const problems = [];
  const handler = iap.createNotificationHandler({
    apple: new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, a.bundleId),
    google,
    dedupe: iap.createMemoryNotificationStore(),
    on: () => {},
    onError: (p) => void problems.push(p),
    now: () => clock,
    refundClients: { appStore, googlePlay },
    onRefundRequest: (event, { deadline }) => {
      asked.push([event.store, event.orderId, deadline]);
      return event.store === 'AS'
        ? { customerConsented: true, deliveryStatus: 'DELIVERED', sampleContentProvided: false, consumptionPercentage: 100000, refundPreference: 'DECLINE' }
        : { refundPreference: 'DECLINE', sampleContentProvided: true, consumptionPercentageMilliunits: 100000 };
    },
  });
  // Apple: a consumption request for a transaction the local server holds.
  const request = async (uuid, now = NOW) => testing.appleNotificationBody({
    bundleId: a.bundleId, notificationType: 'CONSUMPTION_REQUEST', notificationUUID: uuid, now,
    signedTransactionInfo: await testing.signAppleTransaction({ bundleId: a.bundleId, productId: 'gems', transactionId: '2000000100000001', now }),
  });
  const body = await request('cr-1');
  assert.equal((await handler(post(body))).status, 200);
  assert.equal((await handler(post(body))).status, 200, 'Apple\'s retry: a duplicate, nothing sent again');
  let consumption = (await admin('GET', '/admin/appstore/state')).consumption;
  assert.deepEqual(consumption.map((c) => [c.transactionId, c.version, c.request.refundPreference, c.request.consumptionPercentage]), [['2000000100000001', 'v2', 'DECLINE', 100000]]);
  assert.deepEqual(asked, [['AS', '2000000100000001', NOW + 12 * 3_600_000]]);
  // Past its deadline: not sent (Apple would refuse it), reported, acknowledged.
  clock = NOW + 12 * 3_600_000;
  assert.equal((await handler(post(await request('cr-2')))).status, 200);
  consumption = (await admin('GET', '/admin/appstore/state')).consumption;
  assert.equal(consumption.length, 1);
  assert.deepEqual([problems[0].kind, problems[0].id, problems[0].deadline], ['REFUND_DEADLINE_PASSED', 'cr-2', NOW + 12 * 3_600_000]);
  clock = NOW;

  // Google: the local server opens a pending refund review and hands out its notification.
  const [review] = await admin('POST', '/admin/googleplay/refund-reviews', [{ orderId: 'GPA.3300-1111-2222-00001' }]);
  const authorization = await testing.mintPubSubToken({ audience: AUDIENCE, serviceAccountEmail: EMAIL });
  const push = testing.pubSubPushBody({ ...review.notification, eventTimeMillis: String(NOW) }, { messageId: 'rr-1' });
  assert.equal((await handler(post(push, { authorization }))).status, 200);
  assert.equal((await handler(post(push, { authorization }))).status, 200);
  const [stored] = await admin('GET', '/admin/googleplay/refund-reviews');
  assert.deepEqual([stored.answer.refundPreference, stored.answer.sampleContentProvided, stored.answer.consumptionPercentageMilliunits], ['DECLINE', true, 100000]);
  assert.deepEqual(asked.at(-1), ['GG', 'GPA.3300-1111-2222-00001', NOW + 24 * 3_600_000]);
  // Pub/Sub re-publishing it under another message id: the store refuses a second answer; reported, acknowledged.
  const again = testing.pubSubPushBody({ ...review.notification, eventTimeMillis: String(NOW) }, { messageId: 'rr-2' });
  assert.equal((await handler(post(again, { authorization }))).status, 200);
  assert.deepEqual([problems.at(-1).kind, problems.at(-1).error.code], ['REFUND_ANSWER_FAILED', 'API_ERROR']);
  assert.equal((await admin('GET', '/admin/googleplay/refund-reviews'))[0].answer.refundPreference, 'DECLINE');

  // The store unreachable: 503, and the redelivery sends the answer.
  const [review2] = await admin('POST', '/admin/googleplay/refund-reviews', [{ orderId: 'GPA.3300-1111-3333-00001..0' }]);
  await admin('POST', '/admin/faults', { path: ':reviewrefund', times: 1, status: 503 });
  const push2 = testing.pubSubPushBody({ ...review2.notification, eventTimeMillis: String(NOW) }, { messageId: 'rr-3' });
  assert.equal((await handler(post(push2, { authorization }))).status, 503);
  assert.equal(problems.at(-1).kind, 'REFUND_ANSWER_FAILED');
  assert.equal((await handler(post(push2, { authorization }))).status, 200);
  const answered = (await admin('GET', '/admin/googleplay/refund-reviews')).find((r) => r.token === review2.token);
  assert.equal(answered.answer.refundPreference, 'DECLINE');
});
