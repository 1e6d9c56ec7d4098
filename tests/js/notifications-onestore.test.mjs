// createNotificationHandler's ONE store face: a PNS authenticated by its signature (forged,
// tampered or another app's: 401, never dispatched), made one event whose id is the purchase id
// and state; an SNS confirmed through getSubscriptionDetail when a client is given (ONE store does
// not know it: 401; ONE store unreachable: 503), else dispatched marked unconfirmed; each row of the
// ONE store status policy (docs/notifications.md); and the local server's ONE store face POSTing
// its PNS and SNS to the handler on node:http (emulator -> handler), with a redelivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as iap from './load.mjs';
import { TEST_LICENSE_KEY, signOneStorePurchase } from '../../pkg/src/testing.js';
import { startEmulator } from '../../emulator/src/emulator.js';
import { ownText } from './vectors.mjs';
import { throwsCode } from './rejects.mjs';

const post = (body, headers = {}) => new Request('https://backend.example.com/notifications', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

const message = (purchaseState = 'COMPLETED', extra = {}) => ({
  msgVersion: '3.1.0D', clientId: 'com.example.app', productId: 'gem.100', messageType: 'SINGLE_PAYMENT_TRANSACTION',
  purchaseId: 'SANDBOX3000000000001', developerPayload: '', purchaseTimeMillis: 1_764_000_000_000, purchaseState,
  price: '1100', priceCurrencyCode: 'KRW', purchaseToken: 'TOKEN-PNS-1', environment: 'SANDBOX', marketCode: 'MKT_ONE', ...extra,
});

/** A PNS as ONE store sends it: the message and its SHA512withRSA signature (test licence key). */
async function pns(m = message()) {
  const { signature } = await signOneStorePurchase(m);
  return JSON.stringify({ ...m, signature });
}

const sns = (type = 2, { token = 'SUB-TOKEN-1', at = 1_764_000_100_000 } = {}) =>
  JSON.stringify({ msgVersion: '3.1.0', clientId: 'com.example.app', eventTimeMillis: at,
    subscriptionNotification: { version: '1', notificationType: type, purchaseToken: token, productId: 'vip.monthly' }, environment: 'SANDBOX', marketCode: 'MKT_ONE' });

function setup(oneStore = { licenseKey: TEST_LICENSE_KEY }, extra = {}) {
  const seen = [];
  const problems = [];
  const dedupe = iap.createMemoryNotificationStore();
  const handler = iap.createNotificationHandler({ oneStore, dedupe, on: (e) => void seen.push(e), onError: (p) => void problems.push(p), ...extra });
  return { handler, seen, problems, dedupe };
}

test('PNS: verified with the licence key, one event per purchase id and state, a redelivery runs nothing', async () => {
  const { handler, seen } = setup();
  const body = await pns();
  const r = await handler(post(body));
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { handled: true });
  const [e] = seen;
  assert.deepEqual(
    { id: e.id, store: e.store, type: e.type, storeType: e.storeType, occurredAt: e.occurredAt, productId: e.productId, purchaseToken: e.purchaseToken, orderId: e.orderId },
    { id: 'SANDBOX3000000000001:COMPLETED', store: 'ONESTORE', type: 'PURCHASED', storeType: 'COMPLETED', occurredAt: 1_764_000_000_000, productId: 'gem.100', purchaseToken: 'TOKEN-PNS-1', orderId: 'SANDBOX3000000000001' },
  );
  assert.equal(e.raw.purchaseId, 'SANDBOX3000000000001');
  assert.equal(e.raw.signature, undefined, 'raw is the verified message, without its signature');
  assert.equal(e.confirmed, undefined);
  // ONE store resends a message up to 30 times: each a duplicate.
  const again = await handler(post(body));
  assert.deepEqual([again.status, await again.json()], [200, { duplicate: true }]);
  // The same payment canceled is another event.
  assert.equal((await handler(post(await pns(message('CANCELED'))))).status, 200);
  assert.deepEqual(seen.map((x) => [x.id, x.type, x.partial]), [['SANDBOX3000000000001:COMPLETED', 'PURCHASED', undefined], ['SANDBOX3000000000001:CANCELED', 'REFUNDED', false]]);
});

test('PNS: forged, tampered, unsigned or another app\'s: 401, never dispatched, nothing claimed', async () => {
  const { handler, seen, dedupe } = setup();
  const genuine = JSON.parse(await pns());
  const tampered = JSON.stringify({ ...genuine, purchaseState: 'CANCELED' });
  const otherKey = iap.createNotificationHandler({ oneStore: { licenseKey: ownText('google/other-key-2048.pub').trim() }, dedupe, on: () => assert.fail('dispatched') });
  for (const body of [tampered, JSON.stringify({ ...genuine, signature: 'AAAA' }), JSON.stringify({ ...genuine, signature: 'not base64!' })]) {
    const r = await handler(post(body));
    assert.equal(r.status, 401, body.slice(-40));
    assert.equal((await r.json()).error, 'INVALID_SIGNATURE');
  }
  assert.equal((await otherKey(post(JSON.stringify(genuine)))).status, 401);
  // A repeated key is refused before any signature is looked at.
  const repeated = `{"purchaseId":"a","purchaseId":"b","signature":"${genuine.signature}"}`;
  assert.equal((await handler(post(repeated))).status, 401);
  assert.equal(seen.length, 0);
  assert.deepEqual(dedupe.entries(), []);
});

test('PNS: signed but naming no purchase: reported as UNDECODABLE and acknowledged', async () => {
  const { handler, seen, problems } = setup();
  const { purchaseId, ...rest } = message();
  const r = await handler(post(await pns(rest)));
  assert.deepEqual([r.status, await r.json()], [200, { undecodable: true }]);
  assert.equal(seen.length, 0);
  assert.deepEqual([problems[0].kind, problems[0].store, problems[0].error.code], ['UNDECODABLE', 'ONESTORE', 'MALFORMED_INPUT']);
  assert.ok(purchaseId);
});

test('SNS without a client: dispatched marked unconfirmed; renewals of one subscription are separate events', async () => {
  const { handler, seen } = setup();
  assert.equal((await handler(post(sns(2, { at: 1 })))).status, 200);
  assert.equal((await handler(post(sns(2, { at: 1 })))).status, 200);
  assert.equal((await handler(post(sns(2, { at: 2 })))).status, 200);
  assert.deepEqual(seen.map((e) => [e.id, e.type, e.storeType, e.confirmed, e.subscription]), [
    ['SUB-TOKEN-1:2:1', 'RENEWED', 'SUBSCRIPTION_RENEWED', false, undefined],
    ['SUB-TOKEN-1:2:2', 'RENEWED', 'SUBSCRIPTION_RENEWED', false, undefined],
  ]);
  assert.equal(seen[0].raw.subscriptionNotification.notificationTypeName, 'SUBSCRIPTION_RENEWED');
  // An SNS that does not decode is no notification (it is not signed, so nothing vouches for it).
  assert.equal((await handler(post('{"subscriptionNotification":{"notificationType":"2"}}'))).status, 400);
});

test('SNS with a client: confirmed by getSubscriptionDetail; unknown to ONE store 401; ONE store down 503', async () => {
  const calls = [];
  const detail = { acknowledgementState: 1, autoRenewing: true, paymentState: 1, expiryTimeMillis: 1_764_100_000_000 };
  const client = {
    async getSubscriptionDetail(params) {
      calls.push(params);
      if (params.purchaseToken === 'FORGED') throw new iap.IapError('API_ERROR', 'NoSuchData', { details: { status: 400, code: 'NoSuchData' } });
      if (params.purchaseToken === 'DOWN') throw new iap.IapError('NETWORK_ERROR', 'unreachable', { retryable: true });
      return detail;
    },
  };
  const { handler, seen } = setup({ licenseKey: TEST_LICENSE_KEY, client });
  const ok = await handler(post(sns(4)));
  assert.equal(ok.status, 200);
  assert.deepEqual(calls[0], { productId: 'vip.monthly', purchaseToken: 'SUB-TOKEN-1' });
  assert.deepEqual([seen[0].type, seen[0].confirmed, seen[0].subscription], ['PURCHASED', true, detail]);
  const forged = await handler(post(sns(12, { token: 'FORGED' })));
  assert.deepEqual([forged.status, (await forged.json()).error], [401, 'API_ERROR']);
  assert.equal((await handler(post(sns(12, { token: 'DOWN' })))).status, 503);
  assert.equal(seen.length, 1, 'neither dispatched');
});

test('options: oneStore needs a licence key, a client needs getSubscriptionDetail', () => {
  const dedupe = iap.createMemoryNotificationStore();
  const on = () => {};
  throwsCode(() => iap.createNotificationHandler({ oneStore: {}, dedupe, on }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ oneStore: { licenseKey: '' }, dedupe, on }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ oneStore: { licenseKey: TEST_LICENSE_KEY, client: {} }, dedupe, on }), 'INVALID_ARGUMENT');
  assert.equal(typeof iap.createNotificationHandler({ oneStore: { licenseKey: TEST_LICENSE_KEY }, dedupe, on }), 'function');
});

test('oneStorePaymentEvent verifies; oneStoreSubscriptionEvent decodes', async () => {
  const body = await pns();
  assert.equal(iap.oneStorePaymentEvent(body, TEST_LICENSE_KEY).id, 'SANDBOX3000000000001:COMPLETED');
  assert.equal(iap.oneStorePaymentEvent(JSON.parse(body), TEST_LICENSE_KEY).type, 'PURCHASED');
  throwsCode(() => iap.oneStorePaymentEvent(JSON.stringify({ ...JSON.parse(body), purchaseState: 'CANCELED' }), TEST_LICENSE_KEY), 'INVALID_SIGNATURE');
  assert.equal(iap.oneStoreSubscriptionEvent(sns(13)).type, 'EXPIRED');
  throwsCode(() => iap.oneStoreSubscriptionEvent('{}'), 'MALFORMED_INPUT');
});

test('the local server\'s ONE store face -> the handler on node:http: PNS and SNS confirmed, a redelivery is a duplicate', async () => {
  const seen = [];
  let handler;
  const server = createServer((req, res) => handler(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/notifications`;
  const emu = await startEmulator({ port: 0, oneStore: { pnsUrl: url, snsUrl: url } });
  try {
    const o = emu.oneStore;
    const client = new iap.OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url });
    handler = iap.toNodeListener(iap.createNotificationHandler({
      oneStore: { licenseKey: o.licenseKey, client }, dedupe: iap.createMemoryNotificationStore(), on: (e) => void seen.push(e),
    }));
    o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBEVENTS0000000001' });
    o.addSubscription({ productId: 'vip.monthly', purchaseToken: 'SBEVENTS0000000002' });
    await o.settled();
    assert.deepEqual(o.notifications().map((n) => [n.kind, n.status]), [['PNS', 200], ['SNS', 200]]);
    assert.deepEqual(seen.map((e) => [e.store, e.type, e.purchaseToken, e.confirmed]), [['ONESTORE', 'PURCHASED', 'SBEVENTS0000000001', undefined], ['ONESTORE', 'PURCHASED', 'SBEVENTS0000000002', true]]);
    assert.match(seen[0].id, /^.+:COMPLETED$/);
    assert.equal(seen[1].subscription.acknowledgementState, 0);
    // ONE store's redelivery of the same PNS: acknowledged, not handled again.
    const again = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(o.notifications()[0].body) });
    assert.deepEqual([again.status, await again.json()], [200, { duplicate: true }]);
    // A canceled payment: its PNS CANCELED is a REFUNDED event.
    await fetch(`${emu.url}/admin/onestore/refunds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ purchaseToken: 'SBEVENTS0000000001' }) });
    await o.settled();
    assert.deepEqual(seen.slice(2).map((e) => [e.type, e.purchaseToken]), [['REFUNDED', 'SBEVENTS0000000001']]);
    assert.equal(seen.length, 3);
  } finally {
    await emu.close();
    await new Promise((r) => server.close(r));
  }
});
