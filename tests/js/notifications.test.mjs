// createNotificationHandler: App Store notifications signed with the test PKI, Pub/Sub pushes with
// tokens signed by the test keys (their key set given, nothing fetched), each row of the status
// policy (docs/notifications.md), de-duplication, and the node:http adapter on a real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as iap from './load.mjs';
import { ROOT, SIGNED, jws } from './app-store-fake.mjs';
import { AUDIENCE, EMAIL, NOW, bearer, fakeCerts, jwksText } from './jwt.mjs';
import { throwsCode } from './rejects.mjs';

const verifier = () => new iap.SignedDataVerifier([ROOT], false, iap.Environment.SANDBOX, 'com.example.app');
const google = (extra = {}) => ({ audience: AUDIENCE, serviceAccountEmail: EMAIL, jwks: jwksText(), now: NOW, ...extra });

/** A signed transaction with what a purchase needs (Apple's always carry it). */
const tx = (id) =>
  jws({ transactionId: id, originalTransactionId: '1', bundleId: 'com.example.app', environment: 'Sandbox', signedDate: SIGNED, productId: 'gems', purchaseDate: SIGNED - 1000, quantity: 1, type: 'Consumable', inAppOwnershipType: 'PURCHASED' });

async function appleBody({ type = 'DID_RENEW', subtype, uuid = 'uuid-1', transaction = true, extra = {} } = {}) {
  const data = { bundleId: 'com.example.app', environment: 'Sandbox' };
  if (transaction) data.signedTransactionInfo = await tx('2000');
  const payload = { notificationType: type, notificationUUID: uuid, signedDate: SIGNED, version: '2.0', data, ...extra };
  if (subtype) payload.subtype = subtype;
  return JSON.stringify({ signedPayload: await jws(payload) });
}

/** A Pub/Sub push body carrying `notification` (the RTDN JSON) as message `messageId`. */
function pushBody(notification, messageId = 'm-1') {
  const data = btoa(JSON.stringify(notification));
  return JSON.stringify({ message: { data, messageId, publishTime: '2025-01-01T00:10:00Z' }, subscription: 'projects/p/subscriptions/rtdn' });
}

const renewal = { version: '1.0', packageName: 'com.example.app', eventTimeMillis: '1735690200000', subscriptionNotification: { version: '1.0', notificationType: 2, purchaseToken: 'tok-1', subscriptionId: 'monthly' } };

const post = (body, headers = {}) => new Request('https://backend.example.com/notifications', { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

/** A handler whose events are collected in `seen`. */
function setup(extra = {}) {
  const seen = [];
  const problems = [];
  const dedupe = iap.createMemoryNotificationStore();
  const handler = iap.createNotificationHandler({
    apple: verifier(),
    google: google(),
    dedupe,
    on: (event) => {
      seen.push(event);
    },
    onError: (p) => {
      problems.push(p);
    },
    ...extra,
  });
  return { handler, seen, problems, dedupe };
}

test('Apple: a signed notification is verified, made one event with its purchase, handled once', async () => {
  const { handler, seen } = setup();
  const body = await appleBody();
  const first = await handler(post(body));
  assert.equal(first.status, 200);
  assert.deepEqual(await first.json(), { handled: true });
  assert.equal(seen.length, 1);
  const [e] = seen;
  assert.equal(e.id, 'uuid-1');
  assert.equal(e.store, 'AS');
  assert.equal(e.type, 'RENEWED');
  assert.equal(e.storeType, 'DID_RENEW');
  assert.equal(e.occurredAt, SIGNED);
  assert.equal(e.productId, 'gems');
  assert.equal(e.orderId, '2000');
  assert.equal(e.raw.notificationUUID, 'uuid-1');
  assert.equal(e.raw.data.decodedTransactionInfo.transactionId, '2000');
  // The purchase is one the package made: it goes on into toPurchase (and a flow) as one.
  assert.equal(iap.toPurchase(e.purchase).transactionId, '2000');
  // The same notification again (Apple's retry): success, the handler not run again.
  const again = await handler(post(body));
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), { duplicate: true });
  assert.equal(seen.length, 1);
});

test('Apple: types and subtypes map to the one list', async () => {
  const { handler, seen } = setup();
  const cases = [
    ['SUBSCRIBED', 'INITIAL_BUY', 'PURCHASED'],
    ['DID_FAIL_TO_RENEW', 'GRACE_PERIOD', 'IN_GRACE_PERIOD'],
    ['DID_CHANGE_RENEWAL_STATUS', 'AUTO_RENEW_DISABLED', 'AUTO_RENEW_OFF'],
    ['REFUND', undefined, 'REFUNDED'],
    ['CONSUMPTION_REQUEST', undefined, 'REFUND_REQUESTED'],
    ['SOMETHING_NEW', undefined, 'UNKNOWN'],
  ];
  for (const [i, [type, subtype]] of cases.entries()) {
    assert.equal((await handler(post(await appleBody({ type, subtype, uuid: `u-${i}` })))).status, 200);
  }
  assert.deepEqual(seen.map((e) => e.type), cases.map(([, , want]) => want));
  assert.equal(seen[4].deadline, SIGNED + 12 * 3600 * 1000);
  assert.equal(seen[5].storeType, 'SOMETHING_NEW');
});

test('Apple: a forged or tampered payload is refused (401) and never dispatched', async () => {
  const { handler, seen, dedupe } = setup();
  const { signedPayload } = JSON.parse(await appleBody());
  const [h, p, s] = signedPayload.split('.');
  const other = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')));
  other.notificationType = 'REFUND';
  const swapped = `${h}.${btoa(JSON.stringify(other)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.${s}`;
  for (const forged of [swapped, `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`, 'not.a.jws']) {
    const r = await handler(post(JSON.stringify({ signedPayload: forged })));
    assert.equal(r.status, 401, forged.slice(0, 20));
  }
  // Another app's notification: verified, but not ours.
  const strange = iap.createNotificationHandler({
    apple: new iap.SignedDataVerifier([ROOT], false, iap.Environment.SANDBOX, 'com.other.app'),
    dedupe,
    on: () => assert.fail('dispatched'),
  });
  assert.equal((await strange(post(await appleBody()))).status, 401);
  assert.equal(seen.length, 0);
  assert.deepEqual(dedupe.entries(), []);
});

test('Apple: a genuine notification that makes no event is reported and acknowledged', async () => {
  const { handler, seen, problems } = setup();
  const body = JSON.stringify({ signedPayload: await jws({ notificationType: 'TEST', signedDate: SIGNED, data: { bundleId: 'com.example.app', environment: 'Sandbox' } }) });
  const r = await handler(post(body));
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { undecodable: true });
  assert.equal(seen.length, 0);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].kind, 'UNDECODABLE');
  assert.equal(problems[0].error.code, 'MALFORMED_INPUT');
  assert.equal(problems[0].body, body);
});

test('Google: an authenticated push becomes one event; a duplicate message id runs nothing', async () => {
  const { handler, seen } = setup();
  const body = pushBody(renewal, 'm-77');
  const authorization = await bearer();
  const r = await handler(post(body, { authorization }));
  assert.equal(r.status, 200);
  assert.equal(seen.length, 1);
  const [e] = seen;
  assert.deepEqual(
    { id: e.id, store: e.store, type: e.type, storeType: e.storeType, occurredAt: e.occurredAt, purchaseToken: e.purchaseToken, productId: e.productId },
    { id: 'm-77', store: 'GG', type: 'RENEWED', storeType: 'SUBSCRIPTION_RENEWED', occurredAt: 1735690200000, purchaseToken: 'tok-1', productId: 'monthly' },
  );
  assert.equal(e.purchase, undefined);
  assert.equal(e.raw.kind, 'subscription');
  assert.equal(e.raw.push.messageId, 'm-77');
  assert.equal((await handler(post(body, { authorization }))).status, 200);
  assert.equal(seen.length, 1);
  // Another message id with the same content is another delivery of Google's: handled.
  assert.equal((await handler(post(pushBody(renewal, 'm-78'), { authorization }))).status, 200);
  assert.equal(seen.length, 2);
});

test('Google: no token, a forged or foreign token is 401; keys that cannot be fetched are 503', async () => {
  const { handler, seen } = setup();
  const body = pushBody(renewal);
  assert.equal((await handler(post(body))).status, 401);
  const wrongAudience = await bearer({ payload: { ...JSON.parse(atob((await bearer()).split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))), aud: 'https://elsewhere.example' } });
  assert.equal((await handler(post(body, { authorization: wrongAudience }))).status, 401);
  const good = await bearer();
  const [h, p, s] = good.split('.');
  assert.equal((await handler(post(body, { authorization: `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}` }))).status, 401);
  assert.equal(seen.length, 0);
  const down = fakeCerts(() => ({ status: 503, body: 'unavailable' }));
  const unfetched = setup({ google: { audience: AUDIENCE, serviceAccountEmail: EMAIL, fetch: down.fetch, now: NOW, retries: 0 } });
  const r = await unfetched.handler(post(body, { authorization: good }));
  assert.equal(r.status, 503);
  assert.equal(unfetched.seen.length, 0);
});

test('Google: an authenticated push that does not decode is reported and acknowledged (a retry cannot help)', async () => {
  const { handler, seen, problems } = setup();
  const body = JSON.stringify({ message: { data: btoa('not json'), messageId: 'm-9' }, subscription: 's' });
  const r = await handler(post(body, { authorization: await bearer() }));
  assert.equal(r.status, 200);
  assert.equal(seen.length, 0);
  assert.equal(problems[0].kind, 'UNDECODABLE');
  assert.equal(problems[0].store, 'GOOGLE');
});

test('a failing handler is 500 and runs again on the retry; a failing report is 500 too', async () => {
  let calls = 0;
  const { handler, problems, dedupe } = setup({
    on: () => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
    },
  });
  const body = await appleBody();
  const r = await handler(post(body));
  assert.equal(r.status, 500);
  assert.equal(problems[0].kind, 'HANDLER_FAILED');
  assert.equal(problems[0].error.message, 'database down');
  assert.deepEqual(dedupe.entries(), [], 'the claim was released');
  assert.equal((await handler(post(body))).status, 200);
  assert.equal(calls, 2);
  assert.equal((await handler(post(body))).status, 200);
  assert.equal(calls, 2);

  const failingReport = setup({ on: () => Promise.reject(new Error('no')), onError: () => Promise.reject(new Error('logger down')) });
  assert.equal((await failingReport.handler(post(await appleBody({ uuid: 'u-2' })))).status, 500);
});

test('two deliveries at once: one runs the handler, the other is told to come back (503, Retry-After)', async () => {
  let finish;
  const started = [];
  const { handler } = setup({
    on: (e) => {
      started.push(e.id);
      return new Promise((resolve) => {
        finish = resolve;
      });
    },
  });
  const body = await appleBody();
  const first = handler(post(body));
  while (started.length === 0) await new Promise((r) => setTimeout(r, 1));
  const second = await handler(post(body));
  assert.equal(second.status, 503);
  assert.equal(second.headers.get('retry-after'), '60');
  finish();
  assert.equal((await first).status, 200);
  assert.equal((await handler(post(body))).status, 200);
  assert.deepEqual(started, ['uuid-1']);
});

test('a notification store that fails is 503 (retry), and the handler is not run', async () => {
  const { handler, seen, problems } = setup({
    dedupe: { claim: async () => { throw new Error('pg down'); }, complete: async () => {}, release: async () => {} },
  });
  assert.equal((await handler(post(await appleBody()))).status, 503);
  assert.equal(seen.length, 0);
  assert.equal(problems[0].kind, 'DEDUPE_FAILED');
});

test('requests that are no notification: 405, 413, 400', async () => {
  const { handler, seen } = setup();
  assert.equal((await handler(new Request('https://b.example/n', { method: 'GET' }))).status, 405);
  assert.equal((await handler(post('x'.repeat(iap.MAX_NOTIFICATION_BODY + 1)))).status, 413);
  assert.equal((await handler(post('{"signedPayload":'))).status, 400);
  assert.equal((await handler(post('{"hello":"world"}'))).status, 400);
  assert.equal((await handler(post(new Uint8Array([0x7b, 0xff, 0x7d])))).status, 400);
  // A store that is not configured is no notification of a configured store.
  const appleOnly = iap.createNotificationHandler({ apple: verifier(), dedupe: iap.createMemoryNotificationStore(), on: () => assert.fail() });
  assert.equal((await appleOnly(post(pushBody(renewal), { authorization: await bearer() }))).status, 400);
  assert.equal(seen.length, 0);
});

test('options are checked', () => {
  const dedupe = iap.createMemoryNotificationStore();
  const on = () => {};
  throwsCode(() => iap.createNotificationHandler({ apple: verifier(), dedupe }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ apple: verifier(), on }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ dedupe, on }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ apple: {}, dedupe, on }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ google: { audience: AUDIENCE }, dedupe, on }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.createNotificationHandler({ apple: verifier(), dedupe, on, leaseMs: 0 }), 'INVALID_ARGUMENT');
});

test('the memory notification store: one NEW per id, BUSY while leased, taken over after the lease, DONE after complete', async () => {
  let now = 1_000;
  const s = iap.createMemoryNotificationStore({ now: () => now });
  assert.equal(await s.claim('a', 100), 'NEW');
  assert.equal(await s.claim('a', 100), 'BUSY');
  now += 101;
  assert.equal(await s.claim('a', 100), 'NEW', 'a lapsed claim is taken over');
  await s.release('a');
  assert.equal(await s.claim('a', 100), 'NEW');
  await s.complete('a');
  assert.equal(await s.claim('a', 100), 'DONE');
  now += 1e9;
  assert.equal(await s.claim('a', 100), 'DONE');
  await s.release('a');
  assert.equal(await s.claim('a', 100), 'DONE', 'release leaves a handled id handled');
});

test('appleNotificationEvent takes only notifications this module verified', async () => {
  const n = await verifier().verifyAndDecodeNotificationAsync(JSON.parse(await appleBody()).signedPayload);
  assert.equal(iap.appleNotificationEvent(n).type, 'RENEWED');
  throwsCode(() => iap.appleNotificationEvent(structuredClone(n)), 'INVALID_ARGUMENT');
  throwsCode(() => iap.appleNotificationEvent({ notificationType: 'REFUND', notificationUUID: 'x' }), 'INVALID_ARGUMENT');
  // Editing the verified object afterwards changes nothing: the event is made from what was verified.
  n.notificationType = 'REFUND';
  assert.equal(iap.appleNotificationEvent(n).type, 'RENEWED');
  throwsCode(() => iap.toPurchase(n), 'INVALID_ARGUMENT');
});

test('toNodeListener serves the handler on node:http', async () => {
  const { handler, seen } = setup();
  const server = createServer(iap.toNodeListener(handler));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${server.address().port}/notifications`;
    const body = await appleBody();
    const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { handled: true });
    const pushed = await fetch(url, { method: 'POST', body: pushBody(renewal), headers: { authorization: await bearer() } });
    assert.equal(pushed.status, 200);
    assert.deepEqual(seen.map((e) => e.type), ['RENEWED', 'RENEWED']);
    const big = await fetch(url, { method: 'POST', body: 'x'.repeat(iap.MAX_NOTIFICATION_BODY + 10) });
    assert.equal(big.status, 413);
    assert.equal((await fetch(url)).status, 405);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
