// IapClient and GamebaseClient against the local IAP server (emulator/src/emulator.js): every method,
// every fault, and the same calls through an injected fetch.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { startEmulator } from '../../emulator/src/emulator.js';
import { main as emulatorMain } from '../../emulator/src/emulator-cli.js';

let emu;
const PACKAGE = 'com.example.game';

before(async () => {
  emu = await startEmulator();
});
after(() => emu.close());
beforeEach(async () => {
  await admin('POST', '/admin/reset');
});

async function admin(method, path, body) {
  // Admin writes are taken as JSON only (a page on another site could send text/plain).
  const res = await fetch(emu.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  assert.ok(res.ok, JSON.stringify(json));
  return json;
}

const fault = (f) => admin('POST', '/admin/faults', f);
const requests = async (path) => (await admin('GET', '/admin/requests')).requests.filter((r) => !path || r.path === path);

function iapClient(extra = {}) {
  return new iap.IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, retryDelayMs: 5, ...extra });
}

function gbClient(extra = {}) {
  return new iap.GamebaseClient({ appId: emu.gamebase.appId, secretKey: emu.gamebase.secretKey, baseUrl: emu.url, retryDelayMs: 5, ...extra });
}

/** Awaits `promise`, expects an IapError with `code`, returns it. */
async function rejectsCode(promise, code) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ${code}, nothing was thrown`);
  assert.ok(caught instanceof iap.IapError, `not an IapError: ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

// ------------------------------------------------------------------ IapClient

test('IapClient: list, consume once, then ALREADY_CONSUMED, and the list follows', async () => {
  const c = iapClient();
  const before = await c.listConsumables({ marketId: 'GG', userKey: 'user-1' });
  assert.equal(before.length, 1);
  const [p] = before;
  assert.equal(typeof p.paymentSeq, 'string');
  assert.match(p.paymentSeq, /^\d{16}$/);
  assert.equal(p.price, 1.99);
  assert.equal(p.currency, 'USD');

  const consumed = await c.consume({ paymentSeq: p.paymentSeq, accessToken: p.accessToken });
  assert.deepEqual(consumed, { price: 1.99, currency: 'USD', productSeq: 1000001 });
  assert.deepEqual(await c.listConsumables({ marketId: 'GG', userKey: 'user-1' }), []);

  const e = await rejectsCode(c.consume({ paymentSeq: p.paymentSeq, accessToken: p.accessToken }), 'ALREADY_CONSUMED');
  assert.equal(e.retryable, false);
  assert.equal(e.details.resultCode, 5018);
});

test('records from the IAP server are accepted by toPurchase; copies are not', async () => {
  // Gamebase's records name their store, product and times; the IAP API's lists name no store.
  const [sub] = await gbClient().listActiveSubscriptions({ userId: 'user-2', packageName: PACKAGE });
  const purchase = iap.toPurchase(sub);
  assert.equal(purchase.store, 'GG');
  assert.equal(purchase.paymentSeq, sub.paymentSeq);
  assert.equal(purchase.productId, sub.productId);
  assert.throws(() => iap.toPurchase({ ...sub }), (e) => e instanceof iap.IapError && e.code === 'INVALID_ARGUMENT');
});

test('IapClient: userChannel defaults to GF and markets are separate', async () => {
  const c = iapClient();
  assert.equal((await c.listConsumables({ marketId: 'ONESTORE', userKey: 'user-2', userChannel: 'GF' })).length, 1);
  assert.equal((await c.listConsumables({ marketId: 'AS', userKey: 'user-1' })).length, 0, 'the AS payment is consumed in the seed');
  const [req] = (await requests('/v1/service/consumable'));
  assert.equal(req.method, 'POST');
});

test('IapClient: wrong payment token is API_ERROR 5000, not retried', async () => {
  const c = iapClient();
  const e = await rejectsCode(c.consume({ paymentSeq: '2026010110000001', accessToken: 'wrong' }), 'API_ERROR');
  assert.equal(e.details.resultCode, 5000);
  assert.equal(e.details.status, 200);
  assert.equal(e.retryable, false);
});

test('IapClient: active subscriptions follow expiry', async () => {
  const c = iapClient();
  const subs = await c.listActiveSubscriptions({ marketId: 'GG', packageName: PACKAGE, userKey: 'user-1' });
  assert.equal(subs.length, 1, 'the expired seed subscription is not listed');
  const [s] = subs;
  assert.equal(s.productType, 'AUTO_RENEWABLE');
  assert.equal(s.price, 2.29);
  assert.equal(typeof s.expiryTimeMillis, 'number');
  assert.ok(s.expiryTimeMillis > Date.now());

  await admin('POST', '/admin/clock', { now: s.expiryTimeMillis + 1 });
  assert.deepEqual(await c.listActiveSubscriptions({ marketId: 'GG', packageName: PACKAGE, userKey: 'user-1' }), []);
  assert.deepEqual(await c.listActiveSubscriptions({ marketId: 'GG', packageName: 'other.app', userKey: 'user-2' }), []);
});

test('IapClient: a payment added by the store side appears, and a consumable subscription is in both lists', async () => {
  const added = emu.addPayment({ userId: 'user-9', productId: 'pass_weekly', expiryTime: '+7d' });
  const c = iapClient();
  const list = await c.listConsumables({ marketId: 'GG', userKey: 'user-9' });
  assert.deepEqual(list.map((x) => x.paymentSeq), [added.paymentSeq]);
  const subs = await c.listActiveSubscriptions({ marketId: 'GG', packageName: PACKAGE, userKey: 'user-9' });
  assert.equal(subs[0].productType, 'CONSUMABLE_AUTO_RENEWABLE');
  // Same through the admin endpoint.
  const viaHttp = await admin('POST', '/admin/payments', { userId: 'user-9', productSeq: 1000001 });
  assert.equal((await c.listConsumables({ marketId: 'GG', userKey: 'user-9' })).length, 2);
  assert.match(viaHttp.paymentSeq, /^\d{16}$/);
});

test('emulator: a subscription is not consumable, unknown products are refused, a seed file is read', async () => {
  const c = iapClient();
  const [sub] = await c.listActiveSubscriptions({ marketId: 'GG', packageName: PACKAGE, userKey: 'user-1' });
  const seeded = (await admin('GET', '/admin/state')).payments.find((p) => p.paymentSeq === sub.paymentSeq);
  const e = await rejectsCode(c.consume({ paymentSeq: sub.paymentSeq, accessToken: seeded.accessToken }), 'API_ERROR');
  assert.equal(e.details.resultCode, 5000);
  const res = await fetch(`${emu.url}/admin/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u', productId: 'nope' }) });
  assert.equal(res.status, 400);

  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'iap-seed-'));
  const file = join(dir, 'seed.json');
  writeFileSync(file, JSON.stringify({
    iap: { appKey: 'file-key', appSeq: 7, packageName: 'com.file' },
    gamebase: { appId: 'file-app', secretKey: 'file-secret' },
    items: [{ productSeq: 1, productId: 'coin', productType: 'CONSUMABLE', marketId: 'AS', price: 0.99, currency: 'USD' }],
    payments: [{ paymentSeq: '2026020100000001', accessToken: 'tok', userId: 'f', productSeq: 1, purchaseTime: '-5m' }],
  }));
  const other = await startEmulator({ seed: file });
  try {
    const list = await new iap.IapClient({ appKey: 'file-key', baseUrl: other.url }).listConsumables({ marketId: 'AS', userKey: 'f' });
    assert.deepEqual(list, [{ paymentSeq: '2026020100000001', productSeq: 1, currency: 'USD', price: 0.99, accessToken: 'tok' }]);
  } finally {
    await other.close();
    rmSync(dir, { recursive: true });
  }
});

test('IapClient: legacy consume, consumable list and item list', async () => {
  const c = iapClient();
  const list = await c.listConsumablesLegacy({ appSeq: emu.iap.appSeq, userKey: 'user-2' });
  assert.equal(list.length, 2);
  const os = list.find((x) => x.itemSeq === 1000005);
  assert.equal(typeof os.purchaseToken, 'string');
  const r = await c.consumeLegacy({ paymentSeq: os.paymentSeq, itemSeq: os.itemSeq, purchaseToken: os.purchaseToken });
  assert.deepEqual(r, { price: 1100, currency: 'KRW' });
  await rejectsCode(c.consumeLegacy({ paymentSeq: os.paymentSeq, itemSeq: os.itemSeq, purchaseToken: os.purchaseToken }), 'ALREADY_CONSUMED');
  const [req] = await requests(`/inapp/v3/consume/${os.paymentSeq}/items/1000005`);
  assert.equal(req.method, 'POST');

  const items = await c.listItemsLegacy({ appSeq: emu.iap.appSeq });
  assert.equal(items.appUsingStatus, 'USE');
  assert.equal(items.marketAppId, PACKAGE);
  assert.ok(items.itemList.some((i) => i.itemSeq === 1000003 && i.marketItemId === 'vip_monthly'));
  const e = await rejectsCode(c.listItemsLegacy({ appSeq: 999 }), 'API_ERROR');
  assert.equal(e.details.resultCode, 1100);
});

test('IapClient: a wrong AppKey is rejected by the server', async () => {
  const e = await rejectsCode(iapClient({ appKey: 'not-the-key' }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'API_ERROR');
  assert.equal(e.details.resultCode, 1100);
  assert.equal(e.retryable, false);
  assert.equal((await requests('/v1/service/consumable')).length, 1, 'a 4xx-like business error is not retried');
});

test('emulator: Content-Type and method are checked like the IAP server does', async () => {
  const url = `${emu.url}/v1/service/consumable`;
  const headers = { 'X-NHN-TCIAP-AppKey': emu.iap.appKey };
  const body = JSON.stringify({ marketId: 'GG', userChannel: 'GF', userKey: 'user-1' });
  const asText = await (await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'text/plain' }, body })).json();
  assert.equal(asText.header.resultCode, 2111);
  const asGet = await (await fetch(url, { headers })).json();
  assert.equal(asGet.header.resultCode, 2112);
  const gb = await (await fetch(`${emu.url}/tcgb-inapp/v1.3/apps/${emu.gamebase.appId}/consumable`, {
    method: 'POST', headers: { 'X-Secret-Key': emu.gamebase.secretKey, 'Content-Type': 'application/json', 'X-TCGB-Transaction-Id': 'abc' }, body: '{"userId":"user-1"}',
  }));
  assert.equal(gb.headers.get('x-tcgb-transaction-id'), 'abc');
  assert.equal((await gb.json()).header.transactionId, 'abc');
});

test('IapClient: bad options and params are INVALID_ARGUMENT, as rejected promises', async () => {
  assert.throws(() => new iap.IapClient({ baseUrl: emu.url }), (e) => e instanceof iap.IapError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new iap.IapClient({ appKey: 'k', apiKey: 'typo' }), (e) => e.code === 'INVALID_ARGUMENT' && /apiKey/.test(e.message));
  assert.throws(() => new iap.IapClient({ appKey: 'k', timeoutMs: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new iap.IapClient({ appKey: 'k', fetch: 'no' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new iap.IapClient({ appKey: 'k', baseUrl: 'ftp://x' }), (e) => e.code === 'INVALID_ARGUMENT');
  const c = iapClient();
  const pending = c.consume({ paymentSeq: '', accessToken: 't' });
  assert.ok(pending instanceof Promise);
  await rejectsCode(pending, 'INVALID_ARGUMENT');
  await rejectsCode(c.listConsumables({ marketId: 'GG', userKey: 'u', extra: 1 }), 'INVALID_ARGUMENT');
  assert.equal((await requests()).length, 0, 'nothing was sent');
});

// ------------------------------------------------------------------ GamebaseClient

test('GamebaseClient: verify a client token, consume, then ALREADY_CONSUMED', async () => {
  const g = gbClient();
  const list = await g.listConsumables({ userId: 'user-2' });
  assert.deepEqual(list.map((x) => x.marketId).sort(), ['GG', 'ONESTORE']);
  const os = list.find((x) => x.marketId === 'ONESTORE');
  assert.match(os.purchaseTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);

  const tx = await g.getPaymentTransaction(os.accessToken);
  assert.equal(tx.paymentSeq, os.paymentSeq);
  assert.equal(tx.isConsumable, true);
  assert.equal(tx.userId, 'user-2');
  assert.equal(typeof tx.paymentToken, 'string', 'ONE store payments carry a paymentToken');

  const r = await g.consume({ paymentSeq: os.paymentSeq, accessToken: os.accessToken });
  assert.equal(r.price, 1100);
  assert.equal(r.marketId, 'ONESTORE');
  assert.equal(r.gamebaseProductId, 'gem_100');
  assert.equal((await g.getPaymentTransaction({ accessToken: os.accessToken })).isConsumable, false);
  await rejectsCode(g.consume({ paymentSeq: os.paymentSeq, accessToken: os.accessToken }), 'ALREADY_CONSUMED');
  assert.deepEqual((await g.listConsumables({ userId: 'user-2', marketIds: ['ONESTORE'] })), []);
});

test('GamebaseClient: unknown token, and AMAZON only when asked', async () => {
  const g = gbClient();
  const e = await rejectsCode(g.getPaymentTransaction('no-such-token'), 'API_ERROR');
  assert.equal(e.details.resultCode, -4000005);
  emu.addPayment({ userId: 'user-5', productSeq: 1000001, marketId: 'AMAZON' });
  assert.equal((await g.listConsumables({ userId: 'user-5' })).length, 0);
  assert.equal((await g.listConsumables({ userId: 'user-5', marketIds: ['AMAZON'] })).length, 1);
});

test('GamebaseClient: active subscriptions, cancel keeps access, revoke ends it', async () => {
  const g = gbClient();
  const [sub] = await g.listActiveSubscriptions({ userId: 'user-1', packageName: PACKAGE });
  assert.equal(sub.referenceStatus, 'RENEWED');
  assert.match(sub.expiryTime, /\+09:00$/);
  assert.equal(sub.expiryTimeMillis, Date.parse(sub.expiryTime));
  // The emulator's own record, to the second (Gamebase times carry no milliseconds).
  const seeded = (await admin('GET', '/admin/state')).payments.find((p) => p.paymentSeq === sub.paymentSeq);
  assert.equal(sub.expiryTimeMillis, Math.floor(seeded.expiryTime / 1000) * 1000);
  const ref = { paymentSeq: sub.paymentSeq, accessToken: sub.accessToken };

  assert.equal(await g.cancelSubscription(ref), undefined);
  const [after] = await g.listActiveSubscriptions({ userId: 'user-1', packageName: PACKAGE, marketIds: ['GG'] });
  assert.equal(after.referenceStatus, 'CANCELED_SUBSCRIPTION');

  await g.revokeSubscription(ref);
  assert.deepEqual(await g.listActiveSubscriptions({ userId: 'user-1', packageName: PACKAGE }), []);
  const [status] = await g.getSubscriptionsStatus([ref]);
  assert.equal(status.referenceStatus, 'REVOKED');
  assert.equal((await requests()).filter((r) => r.path.endsWith('/subscriptions/revoke')).length, 1);
});

test('GamebaseClient: includeInactiveGoogleStatuses keeps ON_HOLD subscriptions', async () => {
  emu.addPayment({ userId: 'user-7', productSeq: 1000003, purchaseTime: '-40d', expiryTime: '-1d', referenceStatus: 'ON_HOLD' });
  const g = gbClient();
  assert.deepEqual(await g.listActiveSubscriptions({ userId: 'user-7', packageName: PACKAGE }), []);
  const held = await g.listActiveSubscriptions({ userId: 'user-7', packageName: PACKAGE, includeInactiveGoogleStatuses: ['ON_HOLD'] });
  assert.equal(held[0].referenceStatus, 'ON_HOLD');
});

test('GamebaseClient: getSubscriptionsStatus splits 23 payments into 10+10+3 and keeps their order', async () => {
  const refs = [];
  for (let i = 0; i < 23; i++) {
    const p = emu.addPayment({ userId: 'bulk', productSeq: 1000003, expiryTime: '+3d' });
    refs.push({ paymentSeq: p.paymentSeq, accessToken: p.accessToken });
  }
  const g = gbClient();
  const all = await g.getSubscriptionsStatus({ payments: refs });
  assert.deepEqual(all.map((s) => s.paymentSeq), refs.map((r) => r.paymentSeq));
  const sent = (await requests()).filter((r) => r.path.endsWith('/subscriptions/status'));
  assert.equal(sent.length, 3);
  assert.deepEqual(await g.getSubscriptionsStatus([]), []);
});

test('GamebaseClient: a wrong secret or appId is rejected, and the secret never shows', async () => {
  const secret = 'definitely-wrong-secret-123';
  const e = await rejectsCode(gbClient({ secretKey: secret }).listConsumables({ userId: 'user-1' }), 'API_ERROR');
  assert.equal(e.details.resultCode, -4010004);
  const e2 = await rejectsCode(gbClient({ appId: 'nope' }).listConsumables({ userId: 'user-1' }), 'API_ERROR');
  assert.equal(e2.details.resultCode, -4010001);

  // A transport failure says what failed, not where or with which key.
  const net = await rejectsCode(
    gbClient({ secretKey: secret, baseUrl: 'http://127.0.0.1:1', retries: 0 }).listConsumables({ userId: 'u' }),
    'NETWORK_ERROR',
  );
  for (const err of [e, e2, net]) {
    assert.ok(!err.message.includes(secret), err.message);
    assert.ok(!JSON.stringify(err.details ?? {}).includes(secret));
    assert.ok(!String(err.stack).includes(secret));
  }
  assert.equal(net.retryable, true);
});

test('GamebaseClient: refuses to run in a browser page unless told it is a test', async () => {
  const had = { document: Object.getOwnPropertyDescriptor(globalThis, 'document'), navigator: Object.getOwnPropertyDescriptor(globalThis, 'navigator') };
  Object.defineProperty(globalThis, 'document', { value: {}, configurable: true });
  Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true });
  try {
    assert.throws(() => gbClient(), (e) => e instanceof iap.IapError && e.code === 'INVALID_ARGUMENT' && /browser/.test(e.message));
    assert.ok(gbClient({ dangerouslyAllowBrowser: true }));
    assert.ok(iapClient(), 'the IAP client has no secret and works anywhere');
  } finally {
    for (const [k, d] of Object.entries(had)) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete globalThis[k];
    }
  }
});

// ------------------------------------------------------------------ faults

test('fault: a timeout really aborts the request', async () => {
  await fault({ delayMs: 2000 });
  const c = iapClient({ timeoutMs: 150, retries: 0 });
  const t0 = performance.now();
  const e = await rejectsCode(c.listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'TIMEOUT');
  const elapsed = performance.now() - t0;
  assert.ok(elapsed < 1000, `gave up after ${elapsed} ms`);
  assert.equal(e.retryable, true);
  assert.equal(e.details.afterMs, 150);
  // The server saw the client hang up before it answered.
  await new Promise((r) => setTimeout(r, 50));
  const [req] = await requests('/v1/service/consumable');
  assert.equal(req.aborted, true);
  assert.equal(req.status, null);
});

test('fault: a 5xx on a read is retried, then succeeds', async () => {
  await fault({ status: 503, times: 1 });
  const list = await iapClient().listConsumables({ marketId: 'GG', userKey: 'user-1' });
  assert.equal(list.length, 1);
  const sent = await requests('/v1/service/consumable');
  assert.deepEqual(sent.map((r) => r.status), [503, 200]);
});

test('fault: a read gives up after `retries` extra attempts', async () => {
  await fault({ status: 502, times: 10 });
  const e = await rejectsCode(gbClient({ retries: 2 }).listConsumables({ userId: 'user-1' }), 'API_ERROR');
  assert.equal(e.details.status, 502);
  assert.equal(e.retryable, true);
  assert.equal((await requests()).length, 3);
});

test('fault: consume is never retried, whatever the failure', async () => {
  const c = iapClient({ timeoutMs: 150 });
  const p = { paymentSeq: '2026010110000001', accessToken: '-Qm2b7r1Xc0pZs9LkT4vNw8eYd3hUa6fGi5jKo1' };
  await fault({ status: 503, path: '/v1/service/consume' });
  assert.equal((await rejectsCode(c.consume(p), 'API_ERROR')).details.status, 503);
  await fault({ drop: true, path: '/v1/service/consume' });
  await rejectsCode(c.consume(p), 'NETWORK_ERROR');
  await fault({ delayMs: 1000, path: '/v1/service/consume' });
  await rejectsCode(c.consume(p), 'TIMEOUT');
  assert.equal((await requests('/v1/service/consume')).length, 3, 'one request per call');
  // None of them reached the backend, so the payment is still there to consume.
  assert.equal((await c.consume(p)).productSeq, 1000001);
});

test('fault: a lost answer - the consume went through, the client saw NETWORK_ERROR, the next one says 5018', async () => {
  const c = iapClient();
  const p = { paymentSeq: '2026010110000001', accessToken: '-Qm2b7r1Xc0pZs9LkT4vNw8eYd3hUa6fGi5jKo1' };
  await fault({ lose: true, path: '/v1/service/consume' });
  const e = await rejectsCode(c.consume(p), 'NETWORK_ERROR');
  assert.equal(e.retryable, true);
  const [req] = await requests('/v1/service/consume');
  assert.equal(req.status, 'lost');
  await rejectsCode(c.consume(p), 'ALREADY_CONSUMED');
  assert.deepEqual(await c.listConsumables({ marketId: 'GG', userKey: 'user-1' }), []);
});

test('fault: a malformed body is MALFORMED_INPUT (not retried)', async () => {
  await fault({ malformed: true });
  const e = await rejectsCode(gbClient().getPaymentTransaction('anything'), 'MALFORMED_INPUT');
  assert.equal(e.retryable, false);
  assert.equal((await requests()).length, 1);
});

test('fault: a dropped connection is NETWORK_ERROR and a read retries past it', async () => {
  await fault({ drop: true, times: 2 });
  const subs = await iapClient({ retries: 2 }).listActiveSubscriptions({ marketId: 'GG', packageName: PACKAGE, userKey: 'user-1' });
  assert.equal(subs.length, 1);
  assert.equal((await requests()).length, 3);
  await fault({ drop: true });
  const e = await rejectsCode(iapClient({ retries: 0 }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'NETWORK_ERROR');
  assert.equal(e.retryable, true);
});

test('fault: switched per request by header (through an injected fetch)', async () => {
  const withFault = (value) => (url, init) => fetch(url, { ...init, headers: { ...init.headers, 'X-Emulator-Fault': value } });
  await rejectsCode(iapClient({ fetch: withFault('malformed') }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'MALFORMED_INPUT');
  const e = await rejectsCode(iapClient({ fetch: withFault('status=500'), retries: 1 }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'API_ERROR');
  assert.equal(e.details.status, 500);
  await rejectsCode(iapClient({ fetch: withFault('delay=1000'), timeoutMs: 100, retries: 0 }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'TIMEOUT');
  await rejectsCode(gbClient({ fetch: withFault('drop'), retries: 0 }).listConsumables({ userId: 'user-1' }), 'NETWORK_ERROR');
  // A delay that fits in the timeout is only a delay.
  assert.equal((await iapClient({ fetch: withFault('delay=50') }).listConsumables({ marketId: 'GG', userKey: 'user-1' })).length, 1);
});

// ------------------------------------------------------------------ injected fetch

test('injected fetch: every method goes through it, not through the global fetch', async () => {
  const seen = [];
  const realFetch = globalThis.fetch;
  const injected = (url, init) => {
    seen.push({ url, method: init.method, headers: init.headers, hasSignal: init.signal instanceof AbortSignal });
    return realFetch(url, init);
  };
  globalThis.fetch = () => Promise.reject(new Error('the global fetch must not be used'));
  try {
    const c = iapClient({ fetch: injected });
    const [p] = await c.listConsumables({ marketId: 'GG', userKey: 'user-1' });
    await c.listActiveSubscriptions({ marketId: 'GG', packageName: PACKAGE, userKey: 'user-1' });
    await c.consume(p);
    const [legacy] = await c.listConsumablesLegacy({ appSeq: 1000, userKey: 'user-2' });
    await c.consumeLegacy({ paymentSeq: legacy.paymentSeq, itemSeq: legacy.itemSeq, purchaseToken: legacy.purchaseToken });
    await c.listItemsLegacy({ appSeq: 1000 });

    const g = gbClient({ fetch: injected, transactionId: 'trace-42' });
    const [gp] = await g.listConsumables({ userId: 'user-2' });
    await g.getPaymentTransaction(gp.accessToken);
    await g.consume(gp);
    const [sub] = await g.listActiveSubscriptions({ userId: 'user-1', packageName: PACKAGE });
    await g.getSubscriptionsStatus([sub]);
    await g.cancelSubscription(sub);
    await g.revokeSubscription(sub);
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(seen.length, 13);
  assert.ok(seen.every((s) => s.hasSignal));
  const first = seen[0];
  assert.equal(first.url, `${emu.url}/v1/service/consumable`);
  assert.equal(first.headers['X-NHN-TCIAP-AppKey'], emu.iap.appKey);
  const gb = seen.find((s) => s.url.includes('/tcgb-inapp/'));
  assert.equal(gb.headers['X-Secret-Key'], emu.gamebase.secretKey);
  assert.equal(gb.headers['X-TCGB-Transaction-Id'], 'trace-42');
  assert.ok(seen.some((s) => s.method === 'GET' && s.url.includes('/payment/transaction?accessToken=')));
});

test('injected fetch: a mock with no server at all', async () => {
  const calls = [];
  const mock = async (url, init) => {
    calls.push([url, JSON.parse(init.body)]);
    const body = JSON.stringify({ header: { isSuccessful: true, resultCode: 0, resultMessage: 'SUCCESS' }, result: { price: 2.29, currency: 'EUR', productSeq: 7 } });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const c = new iap.IapClient({ appKey: 'k', fetch: mock });
  assert.equal(c.baseUrl, 'https://api-iap.cloud.toast.com');
  assert.deepEqual(await c.consume({ paymentSeq: '2016122110023124', accessToken: 'tok' }), { price: 2.29, currency: 'EUR', productSeq: 7 });
  assert.deepEqual(calls, [['https://api-iap.cloud.toast.com/v1/service/consume', { paymentSeq: '2016122110023124', accessToken: 'tok' }]]);

  // The injected fetch is called as a plain function (a host fetch called with another `this`
  // throws "Illegal invocation" in browsers).
  let seenThis = 'unset';
  const strict = function (url, init) {
    seenThis = this;
    return mock(url, init);
  };
  await new iap.IapClient({ appKey: 'k', fetch: strict }).consume({ paymentSeq: '1', accessToken: 't' });
  assert.equal(seenThis, undefined);

  // A fetch that throws is a NETWORK_ERROR; one that never settles is a TIMEOUT.
  await rejectsCode(new iap.IapClient({ appKey: 'k', fetch: () => Promise.reject(new TypeError('boom')), retries: 0 }).listItemsLegacy({ appSeq: 1 }), 'NETWORK_ERROR');
  const hang = (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  await rejectsCode(new iap.IapClient({ appKey: 'k', fetch: hang, timeoutMs: 30, retries: 0 }).listItemsLegacy({ appSeq: 1 }), 'TIMEOUT');
  // Even a fetch that ignores the abort signal cannot hold the caller past the timeout.
  const deaf = () => new Promise(() => {});
  await rejectsCode(new iap.IapClient({ appKey: 'k', fetch: deaf, timeoutMs: 30, retries: 1, retryDelayMs: 1 }).listItemsLegacy({ appSeq: 1 }), 'TIMEOUT');
  // A body that never finishes is a timeout too.
  const stall = async () => ({ status: 200, text: () => new Promise(() => {}) });
  await rejectsCode(new iap.IapClient({ appKey: 'k', fetch: stall, timeoutMs: 30, retries: 0 }).consume({ paymentSeq: '1', accessToken: 't' }), 'TIMEOUT');
});

test('the sans-I/O pieces are usable on their own', () => {
  const api = new iap.GamebaseApi({ appId: 'proj', secretKey: 's3cret', transactionId: 't1' });
  const req = api.getPaymentTransactionRequest({ accessToken: 'a/b+c' });
  assert.deepEqual(req, {
    method: 'GET',
    url: 'https://api-gamebase.nhncloudservice.com/tcgb-inapp/v1.3/apps/proj/payment/transaction?accessToken=a%2Fb%2Bc',
    headers: { 'Content-Type': 'application/json; charset=UTF-8', 'X-Secret-Key': 's3cret', 'X-TCGB-Transaction-Id': 't1' },
  });
  const batches = api.subscriptionsStatusRequests(Array.from({ length: 11 }, (_, i) => ({ paymentSeq: String(i), accessToken: 't' })));
  assert.equal(batches.length, 2);
  assert.throws(() => api.subscriptionsStatusRequest({ payments: Array.from({ length: 11 }, () => ({ paymentSeq: '1', accessToken: 't' })) }), (e) => e.code === 'INVALID_ARGUMENT');

  const iapApi = new iap.IapApi({ appKey: 'k' });
  // The reference's E3 example, with its duplicate productSeq key: the last one wins.
  const body = '{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS"},"result":[{"paymentSeq":"2018102610330423","productId":"subs_p1w","productType":"AUTO_RENEWABLE","productSeq":1002904,"currency":"KRW","price":1000,"productSeq":1000009}]}';
  assert.equal(iapApi.parseListActiveSubscriptions({ status: 200, body })[0].productSeq, 1000009);
  assert.throws(() => iapApi.parseConsume({ status: 200, body: '<html>' }), (e) => e instanceof iap.IapError && e.code === 'MALFORMED_INPUT');
  assert.throws(() => iapApi.parseConsume({ status: 503, body: '' }), (e) => e.code === 'API_ERROR' && e.retryable && e.details.status === 503);
});

test('emulator CLI: main() starts a server on the given port', async () => {
  const lines = [];
  const running = await emulatorMain(['emulator', '--port', '0'], { log: (l) => lines.push(l), signals: false });
  try {
    assert.match(lines[0], /listening on http:\/\/127\.0\.0\.1:\d+/);
    const c = new iap.IapClient({ appKey: running.iap.appKey, baseUrl: running.url });
    assert.equal((await c.listConsumables({ marketId: 'GG', userKey: 'user-1' })).length, 1);
  } finally {
    await running.close();
  }
  const quiet = () => {};
  const origError = console.error;
  console.error = quiet;
  try {
    assert.equal(await emulatorMain(['--port', 'x'], { log: quiet }), 2);
  } finally {
    console.error = origError;
  }
});

test('the emulator is importable by package name as iap-verify-emulator, beside iap-verify', async () => {
  const { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  // An app with both packages installed (symlinks stand in for npm install).
  const app = mkdtempSync(join(tmpdir(), 'iap-app-'));
  try {
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(new URL('../../pkg', import.meta.url).pathname, join(app, 'node_modules', 'iap-verify'), 'dir');
    symlinkSync(new URL('../../emulator', import.meta.url).pathname, join(app, 'node_modules', 'iap-verify-emulator'), 'dir');
    writeFileSync(join(app, 'main.mjs'), "export { startEmulator } from 'iap-verify-emulator';\nexport { IapClient } from 'iap-verify';\n");
    const mod = await import(join(app, 'main.mjs'));
    const other = await mod.startEmulator();
    try {
      const list = await new mod.IapClient({ appKey: other.iap.appKey, baseUrl: other.url }).listConsumables({ marketId: 'GG', userKey: 'user-1' });
      assert.equal(list.length, 1);
    } finally {
      await other.close();
    }
  } finally {
    rmSync(app, { recursive: true });
  }
});

test("the emulator's Google face lists its one-time purchases (copies), as the dashboard reads them", async () => {
  const emu = await startEmulator({ port: 0 });
  try {
    const seeded = emu.googlePlay.productPurchases().find((p) => p.token === 'play-token-unacknowledged');
    assert.deepEqual([seeded.productId, seeded.purchaseState, seeded.acknowledgementState], ['gem_500', 0, 0]);
    emu.googlePlay.addProductPurchase({ token: 'listed-token', productId: 'gem_500', acknowledged: true });
    const added = emu.googlePlay.productPurchases().find((p) => p.token === 'listed-token');
    assert.equal(added.acknowledgementState, 1);
    // Copies: changing one changes nothing the server holds.
    seeded.acknowledgementState = 1;
    assert.equal(emu.googlePlay.productPurchases().find((p) => p.token === 'play-token-unacknowledged').acknowledgementState, 0);
  } finally {
    await emu.close();
  }
});
