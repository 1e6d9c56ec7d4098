// The local server sends notifications as the stores do: App Store Server Notifications V2 signed
// with its own PKI, Pub/Sub pushes with an OIDC token whose key set it serves, ONE store PNS and
// SNS. Each is received here by the package's own createNotificationHandler (Apple: a
// SignedDataVerifier trusting only the emulator's root; Google: verifyPubSubPush with the
// emulator's key set), so every event below passed the real checks. Retries, replays,
// duplicates, out-of-order and forged deliveries, and ONE store's pause. Node only (node:http).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as iap from './load.mjs';
import { startEmulator } from '../../emulator/src/emulator.js';

const FAST = [20, 40, 60];

/**
 * A receiver: the package's notification handler behind node:http, with a switch that answers
 * `failFirst` requests with `failStatus` before the handler sees them (a backend in trouble).
 */
async function receiver(makeOptions) {
  const events = [];
  const requests = [];
  const control = { failFirst: 0, failStatus: 503 };
  let listener;
  const server = createServer((req, res) => {
    requests.push({ authorization: req.headers.authorization ?? null, url: req.url });
    if (control.failFirst > 0) {
      control.failFirst -= 1;
      req.resume();
      res.writeHead(control.failStatus).end();
      return;
    }
    listener(req, res).catch((e) => {
      res.writeHead(500).end(String(e));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/notifications`;
  const statuses = [];
  const handler = iap.createNotificationHandler({
    dedupe: iap.createMemoryNotificationStore(),
    ...makeOptions(url),
    async on(event) {
      events.push(event);
    },
  });
  listener = iap.toNodeListener(async (request) => {
    const response = await handler(request);
    statuses.push(response.status);
    return response;
  });
  return { url, events, requests, statuses, control, close: () => new Promise((r) => server.close(r)) };
}

const appleVerifier = (emu) => new iap.SignedDataVerifier([emu.appStore.rootCertificate], false, iap.Environment.SANDBOX, emu.appStore.bundleId);

async function admin(emu, method, path, body) {
  const res = await fetch(emu.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  assert.ok(res.ok, JSON.stringify(json));
  return json;
}

test('App Store face: every change is POSTed as a signed notification V2 that the handler accepts', async () => {
  const emu = await startEmulator({ port: 0, appStore: { retrySchedule: FAST } });
  const rx = await receiver(() => ({ apple: appleVerifier(emu) }));
  try {
    emu.appStore.setNotificationUrl(rx.url);
    const a = emu.appStore;
    const gem = a.addTransaction({ productId: 'gem_500', customer: 'c-9' });
    const sub = a.addTransaction({ productId: 'vip_monthly', customer: 'c-9' });
    await emu.notifications.idle();
    a.renew({ originalTransactionId: sub.transactionId });
    await emu.notifications.idle();
    a.failRenewal({ originalTransactionId: sub.transactionId, gracePeriodDays: 6 });
    await emu.notifications.idle();
    a.renew({ originalTransactionId: sub.transactionId });
    await emu.notifications.idle();
    a.setRenewalInfo({ originalTransactionId: sub.transactionId, autoRenewStatus: 0 });
    await emu.notifications.idle();
    a.setRenewalInfo({ originalTransactionId: sub.transactionId, autoRenewStatus: 1 });
    await emu.notifications.idle();
    a.failRenewal({ originalTransactionId: sub.transactionId });
    await emu.notifications.idle();
    a.expire({ originalTransactionId: sub.transactionId });
    await emu.notifications.idle();
    const asked = a.requestRefund({ transactionId: gem.transactionId });
    await emu.notifications.idle();
    a.refund({ transactionId: gem.transactionId, revocationReason: 1 });
    await emu.notifications.idle();
    assert.deepEqual(rx.events.map((e) => [e.type, e.storeType, e.subtype ?? '']), [
      ['PURCHASED', 'ONE_TIME_CHARGE', ''],
      ['PURCHASED', 'SUBSCRIBED', 'INITIAL_BUY'],
      ['RENEWED', 'DID_RENEW', ''],
      ['IN_GRACE_PERIOD', 'DID_FAIL_TO_RENEW', 'GRACE_PERIOD'],
      ['RECOVERED', 'DID_RENEW', 'BILLING_RECOVERY'],
      ['AUTO_RENEW_OFF', 'DID_CHANGE_RENEWAL_STATUS', 'AUTO_RENEW_DISABLED'],
      ['AUTO_RENEW_ON', 'DID_CHANGE_RENEWAL_STATUS', 'AUTO_RENEW_ENABLED'],
      ['RENEWAL_FAILED', 'DID_FAIL_TO_RENEW', ''],
      ['EXPIRED', 'EXPIRED', 'BILLING_RETRY'],
      ['REFUND_REQUESTED', 'CONSUMPTION_REQUEST', ''],
      ['REFUNDED', 'REFUND', ''],
    ]);
    assert.ok(rx.statuses.every((s) => s === 200));
    // A fresh notificationUUID each, the verified transaction inside, the request's deadline.
    assert.equal(new Set(rx.events.map((e) => e.id)).size, rx.events.length);
    assert.equal(rx.events[0].purchase.transactionId, gem.transactionId);
    assert.equal(rx.events[9].id, asked.notificationUUID);
    assert.equal(rx.events[9].deadline, rx.events[9].occurredAt + 12 * 3600_000);
    assert.equal(rx.events[9].raw.data.consumptionRequestReason, 'UNINTENDED_PURCHASE');
    assert.equal(rx.events[10].reason, 'APP_ISSUE');
    // Apple's notification history reports each attempt.
    const list = emu.notifications.list({ store: 'appStore' });
    assert.equal(list.length, 11);
    assert.ok(list.every((n) => n.state === 'delivered' && n.attempts.length === 1 && n.attempts[0].status === 200));
    const history = (await admin(emu, 'GET', '/admin/appstore/state')).notifications;
    assert.ok(history.filter((n) => n.notificationUUID === asked.notificationUUID)[0].sendAttempts[0].sendAttemptResult === 'SUCCESS');
  } finally {
    await emu.close();
    await rx.close();
  }
});

test('a failed delivery is retried on the schedule, and the event is handled once', async () => {
  const emu = await startEmulator({ port: 0, appStore: { retrySchedule: FAST } });
  const rx = await receiver(() => ({ apple: appleVerifier(emu) }));
  try {
    await admin(emu, 'POST', '/admin/appstore/config', { notificationUrl: rx.url });
    rx.control.failFirst = 2;
    const t0 = Date.now();
    emu.appStore.addTransaction({ productId: 'remove_ads' });
    assert.equal(await emu.notifications.idle(), true);
    const [n] = (await admin(emu, 'GET', '/admin/notifications?store=appStore')).notifications;
    assert.deepEqual(n.attempts.map((a) => a.status), [503, 503, 200]);
    assert.equal(n.state, 'delivered');
    // The retries waited their turn: 20 ms, then 40 ms.
    assert.ok(n.attempts[2].at - t0 >= 60, JSON.stringify(n.attempts));
    assert.equal(rx.events.length, 1);
    const history = (await admin(emu, 'GET', '/admin/appstore/state')).notifications.at(-1);
    assert.deepEqual(history.sendAttempts.map((a) => a.sendAttemptResult), ['UNSUCCESSFUL_HTTP_RESPONSE_CODE', 'UNSUCCESSFUL_HTTP_RESPONSE_CODE', 'SUCCESS']);

    // Never answered well: one attempt and one per retry, then it is given up.
    rx.control.failFirst = 10;
    rx.control.failStatus = 500;
    emu.appStore.addTransaction({ productId: 'gem_500' });
    await emu.notifications.idle();
    const failed = emu.notifications.list({ store: 'appStore' }).at(-1);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.attempts.length, FAST.length + 1);
    assert.equal(rx.events.length, 1);

    rx.control.failFirst = 0;
    // An endpoint that is not there: a network error, retried.
    const closed = createServer();
    await new Promise((r) => closed.listen(0, '127.0.0.1', r));
    const gone = `http://127.0.0.1:${closed.address().port}/none`;
    await new Promise((r) => closed.close(r));
    emu.appStore.setNotificationUrl(gone);
    emu.appStore.addTransaction({ productId: 'gem_500' });
    await emu.notifications.idle();
    const unreachable = emu.notifications.list({ store: 'appStore' }).at(-1);
    assert.equal(unreachable.state, 'failed');
    assert.ok(unreachable.attempts.every((a) => a.status === null && a.error === 'ECONNREFUSED'), JSON.stringify(unreachable.attempts));
  } finally {
    await emu.close();
    await rx.close();
  }
});

test('replay, duplicate, out of order and forged deliveries', async () => {
  const emu = await startEmulator({ port: 0, appStore: { retrySchedule: FAST } });
  const rx = await receiver(() => ({ apple: appleVerifier(emu) }));
  try {
    emu.appStore.setNotificationUrl(rx.url);
    const sub = emu.appStore.addTransaction({ productId: 'vip_monthly' });
    await emu.notifications.idle();
    const [first] = emu.notifications.list();
    // A replay and two duplicates at once: the same notificationUUID; `on` ran once.
    const replay = emu.notifications.replay(first.id);
    assert.equal(replay.notificationId, first.notificationId);
    assert.equal(replay.origin, 'replay');
    const dups = (await admin(emu, 'POST', '/admin/notifications/duplicate', { id: first.id })).notifications;
    assert.equal(dups.length, 2);
    await emu.notifications.idle();
    assert.equal(rx.events.length, 1);
    // One of the two concurrent duplicates may meet the first's claim (503, retried): all end delivered.
    assert.ok(emu.notifications.list().every((n) => n.state === 'delivered'));

    // Out of order: held, then released newest first.
    await admin(emu, 'POST', '/admin/notifications/hold', { store: 'appStore' });
    emu.appStore.renew({ originalTransactionId: sub.transactionId });
    emu.appStore.setRenewalInfo({ originalTransactionId: sub.transactionId, autoRenewStatus: 0 });
    await emu.notifications.settled();
    assert.equal(rx.events.length, 1);
    assert.deepEqual(emu.notifications.list().slice(-2).map((n) => n.state), ['held', 'held']);
    const { released } = await admin(emu, 'POST', '/admin/notifications/release', {});
    assert.equal(released.length, 2);
    await emu.notifications.idle();
    assert.deepEqual(rx.events.slice(1).map((e) => e.type), ['AUTO_RENEW_OFF', 'RENEWED']);
    assert.ok(rx.events[1].occurredAt >= rx.events[2].occurredAt);

    // Forged: another payload under the signature, or a chain to a root nobody trusts: 401, never dispatched.
    const before = rx.events.length;
    const forged = await admin(emu, 'POST', '/admin/notifications/forge', { id: first.id });
    assert.equal(forged.forged, 'signature');
    const chain = emu.notifications.forge(first.id, 'chain');
    await emu.notifications.idle();
    for (const id of [forged.id, chain.id]) {
      const n = emu.notifications.list().find((x) => x.id === id);
      assert.equal(n.origin, 'forged');
      assert.deepEqual(n.attempts.map((a) => a.status), [401], 'a forged notification is sent once, not retried');
      assert.equal(n.state, 'failed');
    }
    assert.equal(rx.events.length, before);
    await assert.rejects(admin(emu, 'POST', '/admin/notifications/forge', { id: first.id, how: 'nonsense' }));
  } finally {
    await emu.close();
    await rx.close();
  }
});

test('Play face: Pub/Sub pushes with an OIDC token of the served key set pass verifyPubSubPush', async () => {
  const emu = await startEmulator({ port: 0, googlePlay: { retrySchedule: FAST } });
  const push = () => emu.googlePlay.push;
  // Configured as a user would: the key set fetched from the emulator's URL (Google's path).
  const rx = await receiver((url) => {
    emu.googlePlay.setPushEndpoint(url);
    const { audience, serviceAccountEmail, jwksUrl } = push();
    return { google: { audience, serviceAccountEmail, fetch: (u, init) => fetch(u.replace('https://www.googleapis.com/oauth2/v3/certs', jwksUrl), init) } };
  });
  try {
    const g = emu.googlePlay;
    assert.equal(push().audience, rx.url);
    g.addProductPurchase({ token: 'rtdn-one', productId: 'gem_500' });
    g.addSubscription({ token: 'rtdn-sub', productId: 'vip_monthly' });
    await emu.notifications.idle();
    g.renew({ token: 'rtdn-sub' });
    g.setSubscriptionState({ token: 'rtdn-sub', state: 'IN_GRACE_PERIOD' });
    g.setSubscriptionState({ token: 'rtdn-sub', state: 'ON_HOLD' });
    g.renew({ token: 'rtdn-sub' });
    g.setSubscriptionState({ token: 'rtdn-sub', state: 'PAUSED' });
    g.void({ token: 'rtdn-one' });
    g.openRefundReview({ orderId: g.productPurchases().find((p) => p.token === 'rtdn-one').orderId });
    await admin(emu, 'POST', '/admin/googleplay/test-notifications', {});
    await emu.notifications.idle();
    // Pushed at once, they may arrive in any order (as Pub/Sub's do): read them in the order sent.
    const list = emu.notifications.list({ store: 'googlePlay' });
    const byId = new Map(rx.events.map((e) => [e.id, e]));
    const events = list.map((n) => byId.get(n.notificationId));
    assert.deepEqual(events.map((e) => e?.type), ['PURCHASED', 'PURCHASED', 'RENEWED', 'IN_GRACE_PERIOD', 'ON_HOLD', 'RECOVERED', 'PAUSED', 'REFUNDED', 'REFUND_REQUESTED', 'TEST']);
    assert.equal(rx.events.length, list.length);
    assert.ok(rx.statuses.every((s) => s === 200), rx.statuses.join());
    assert.equal(events[0].purchaseToken, 'rtdn-one');
    assert.equal(events[0].productId, 'gem_500');
    assert.equal(events[7].partial, false);
    assert.equal(events[8].deadline, events[8].occurredAt + 24 * 3600_000);
    // Each push: its own messageId (the event id) and a Bearer token.
    assert.ok(rx.requests.every((r) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(r.authorization)));
    assert.equal(list[0].body.subscription, 'projects/emulator-project/subscriptions/play-rtdn');

    // Retried with a fresh token; the key set also works given directly.
    rx.control.failFirst = 1;
    g.addSubscription({ token: 'rtdn-sub-2', productId: 'vip_monthly' });
    await emu.notifications.idle();
    const retried = emu.notifications.list({ store: 'googlePlay' }).at(-1);
    assert.deepEqual(retried.attempts.map((a) => a.status), [503, 200]);
    const direct = { audience: push().audience, serviceAccountEmail: push().serviceAccountEmail, jwks: push().jwks };
    await iap.verifyPubSubPush(rx.requests.at(-1).authorization, direct);

    // Forged tokens: another key with the same kid, another audience, none: 401, never dispatched.
    const count = rx.events.length;
    for (const how of ['token', 'audience', 'none']) emu.notifications.forge(retried.id, how);
    await emu.notifications.idle();
    assert.deepEqual(emu.notifications.list({ store: 'googlePlay' }).slice(-3).map((n) => [n.forged, n.attempts.map((a) => a.status).join()]), [
      ['token', '401'], ['audience', '401'], ['none', '401'],
    ]);
    assert.equal(rx.events.length, count);
    // The real key set refuses the emulator's tokens.
    await assert.rejects(iap.verifyPubSubPush(rx.requests.at(-4).authorization, { ...direct, jwks: { keys: [] } }));
  } finally {
    await emu.close();
    await rx.close();
  }
});

test('ONE store face: PNS and SNS retried; a subscription paused and resumed as its state table says', async () => {
  const got = [];
  let failFirst = 1;
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ path: req.url, body: JSON.parse(body) });
      res.writeHead(failFirst-- > 0 ? 500 : 200).end();
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${hook.address().port}`;
  const emu = await startEmulator({ port: 0, oneStore: { pnsUrl: `${base}/pns`, snsUrl: `${base}/sns`, retrySchedule: FAST } });
  try {
    const o = emu.oneStore;
    o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBRETRY000000000001' });
    await emu.notifications.idle();
    assert.deepEqual(o.notifications()[0].attempts.map((a) => a.status), [500, 200]);
    assert.equal(o.notifications()[0].status, 200);
    assert.equal(got.length, 2);
    assert.deepEqual(got[0].body, got[1].body, 'the same PNS again');
    assert.equal(iap.verifyOneStoreNotification(JSON.stringify(got[1].body), o.licenseKey).purchaseToken, 'SBRETRY000000000001');
    // A forged PNS (another price under the signature) does not verify.
    const forged = emu.notifications.forge(o.notifications()[0].id);
    await emu.notifications.idle();
    assert.throws(() => iap.verifyOneStoreNotification(JSON.stringify(forged.body), o.licenseKey), (e) => e.code === 'INVALID_SIGNATURE');

    // Pause: scheduled from the next payment (SNS 11), paused there (10), resumed at its end (1).
    const client = new iap.OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url });
    const ids = { productId: 'vip.monthly', purchaseToken: 'SBPAUSE000000000001' };
    o.addSubscription({ ...ids, acknowledged: true });
    const scheduled = await admin(emu, 'POST', '/admin/onestore/pauses', { purchaseToken: ids.purchaseToken, months: 1 });
    const start = emu.state.now();
    assert.equal(scheduled.pauseStartTimeMillis, scheduled.expiryTimeMillis);
    assert.equal(scheduled.pauseEndTimeMillis, scheduled.expiryTimeMillis + 5 * 60_000);
    let detail = await client.getSubscriptionDetail(ids);
    assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: detail }, start).status, 'ACTIVE');
    await admin(emu, 'POST', '/admin/clock', { advanceMs: 6 * 60_000 });
    detail = await client.getSubscriptionDetail(ids);
    assert.equal(detail.paymentState, 0);
    assert.equal(detail.autoRenewing, true);
    assert.equal(detail.autoResumeTimeMillis, scheduled.pauseEndTimeMillis);
    assert.ok(detail.expiryTimeMillis < emu.state.now());
    assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: detail }, emu.state.now()).status, 'PAUSED');
    await admin(emu, 'POST', '/admin/clock', { advanceMs: 5 * 60_000 });
    detail = await client.getSubscriptionDetail(ids);
    assert.equal(detail.paymentState, 1);
    assert.equal(detail.expiryTimeMillis, scheduled.pauseEndTimeMillis + 5 * 60_000);
    assert.equal(detail.pauseStartTimeMillis, undefined);
    assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: detail }, emu.state.now()).status, 'ACTIVE');
    // Paused again, then resumed early by the subscriber.
    o.pause({ purchaseToken: ids.purchaseToken, months: 2 });
    await admin(emu, 'POST', '/admin/clock', { advanceMs: 6 * 60_000 });
    assert.equal((await client.getSubscriptionDetail(ids)).paymentState, 0);
    const resumed = await admin(emu, 'POST', '/admin/onestore/resumes', { purchaseToken: ids.purchaseToken });
    assert.equal(resumed.paymentState, 1);
    assert.ok(resumed.expiryTimeMillis > emu.state.now());
    await emu.notifications.idle();
    const sns = o.notifications().filter((n) => n.kind === 'SNS').map((n) => n.body.subscriptionNotification.notificationType);
    assert.deepEqual(sns, [4, 11, 10, 1, 11, 10, 1]);
    assert.ok(o.notifications().every((n) => n.status === 200 || n.id === forged.id));
    // A paused subscription is cancelled at once.
    o.pause({ purchaseToken: ids.purchaseToken });
    await assert.rejects(admin(emu, 'POST', '/admin/onestore/pauses', { purchaseToken: ids.purchaseToken, months: 4 }));
    await admin(emu, 'POST', '/admin/clock', { advanceMs: 6 * 60_000 });
    await client.cancelSubscription(ids);
    detail = await client.getSubscriptionDetail(ids);
    assert.equal(detail.autoRenewing, false);
    assert.equal(detail.pauseStartTimeMillis, undefined);
  } finally {
    await emu.close();
    hook.close();
  }
});

test('the default retry schedules follow the stores, an hour scaled to a second', async () => {
  const { RETRY_SCHEDULES } = await import('../../emulator/src/emulator-notify.js');
  // Apple: 1, 12, 24, 48, 72 hours after the previous attempt.
  assert.deepEqual(RETRY_SCHEDULES.appStore, [1000, 12000, 24000, 48000, 72000]);
  // Pub/Sub: 10 s doubling to 600 s.
  assert.equal(RETRY_SCHEDULES.googlePlay.length, 20);
  assert.deepEqual(RETRY_SCHEDULES.googlePlay.slice(0, 7), [3, 6, 11, 22, 44, 89, 167]);
  assert.ok(RETRY_SCHEDULES.googlePlay.slice(6).every((d) => d === 167));
  // ONE store: 30·k² s, 29 retries: 30 attempts over about 3 days (72 s here).
  assert.equal(RETRY_SCHEDULES.oneStore.length, 29);
  assert.deepEqual(RETRY_SCHEDULES.oneStore.slice(0, 4), [8, 33, 75, 133]);
  const total = RETRY_SCHEDULES.oneStore.reduce((a, b) => a + b, 0);
  assert.ok(total > 70_000 && total < 73_000, String(total));
});

test('admin over HTTP: the App Store face\'s new changes, the Play push settings and key set, held per store, forged SNS', async () => {
  const emu = await startEmulator({ port: 0, appStore: { retrySchedule: [] }, googlePlay: { retrySchedule: [] }, oneStore: { retrySchedule: [] } });
  const rx = await receiver(() => ({ apple: appleVerifier(emu) }));
  try {
    await admin(emu, 'POST', '/admin/appstore/config', { notificationUrl: rx.url });
    const sub = '2000000100000003'; // the seed's renewed vip_monthly
    await admin(emu, 'POST', '/admin/appstore/billing-failures', { originalTransactionId: sub });
    await admin(emu, 'POST', '/admin/appstore/expirations', { originalTransactionId: sub, reason: 'PRICE_INCREASE' });
    const [asked] = [await admin(emu, 'POST', '/admin/appstore/refund-requests', { transactionId: '2000000100000001' })];
    await admin(emu, 'POST', '/admin/appstore/refund-declines', { transactionId: '2000000100000001' });
    await emu.notifications.idle();
    const byId = new Map(rx.events.map((e) => [e.id, e]));
    const sent = emu.notifications.list({ store: 'appStore' }).map((n) => byId.get(n.notificationId));
    assert.deepEqual(sent.map((e) => [e.type, e.storeType, e.subtype ?? e.reason ?? '']), [
      ['RENEWAL_FAILED', 'DID_FAIL_TO_RENEW', ''],
      ['EXPIRED', 'EXPIRED', 'PRICE_INCREASE'],
      ['REFUND_REQUESTED', 'CONSUMPTION_REQUEST', ''],
      ['UNKNOWN', 'REFUND_DECLINED', ''],
    ]);
    assert.equal(sent[2].id, asked.notificationUUID);
    // The renewal info says what happened.
    const renewal = (await admin(emu, 'GET', '/admin/appstore/state')).renewals.find((r) => r.originalTransactionId === sub);
    assert.deepEqual([renewal.autoRenewStatus, renewal.isInBillingRetryPeriod, renewal.expirationIntent], [0, false, 3]);
    await assert.rejects(admin(emu, 'POST', '/admin/appstore/expirations', { originalTransactionId: sub, reason: 'BORED' }));

    // The Play face's push settings, and its key set at Google's path (cacheable, as Google's).
    const push = await admin(emu, 'POST', '/admin/googleplay/config', { pushEndpoint: 'http://127.0.0.1:9/x', pushAudience: 'aud-1' });
    assert.deepEqual([push.endpoint, push.audience, push.jwksUrl], ['http://127.0.0.1:9/x', 'aud-1', `${emu.url}/oauth2/v3/certs`]);
    const certs = await fetch(push.jwksUrl);
    assert.match(certs.headers.get('cache-control'), /max-age=\d+/);
    assert.deepEqual(await certs.json(), (await admin(emu, 'GET', '/admin/googleplay/push')).jwks);
    assert.equal((await fetch(push.jwksUrl, { method: 'POST' })).status, 405);

    // Held per store: the App Store's wait, ONE store's (no URL) are kept as they are.
    await admin(emu, 'POST', '/admin/notifications/hold', { store: 'appStore' });
    emu.appStore.addTransaction({ productId: 'gem_500' });
    emu.oneStore.addSubscription({ productId: 'vip.monthly', purchaseToken: 'SBHOLD0000000000001' });
    await emu.notifications.settled();
    assert.equal(emu.notifications.list({ store: 'appStore' }).at(-1).state, 'held');
    const sns = emu.notifications.list({ store: 'oneStore' }).at(-1);
    assert.equal(sns.state, 'no-url');
    await assert.rejects(admin(emu, 'POST', '/admin/notifications/hold', { store: 'nowhere' }));
    await admin(emu, 'POST', '/admin/notifications/release', { store: 'appStore', order: 'sent' });
    await emu.notifications.idle();
    assert.equal(emu.notifications.list({ store: 'appStore' }).at(-1).state, 'delivered');
    // A forged SNS names a subscription ONE store does not have.
    const forged = (await admin(emu, 'POST', '/admin/notifications/forge', { id: sns.id })).body;
    assert.notEqual(forged.subscriptionNotification.purchaseToken, 'SBHOLD0000000000001');
    const o = emu.oneStore;
    const client = new iap.OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url });
    await assert.rejects(iap.confirmOneStoreSubscriptionNotification(JSON.stringify(forged), client), (e) => e.details?.errorCode === 'NoSuchData');
    await assert.rejects(admin(emu, 'POST', '/admin/notifications/replay', { id: 'n999' }));
    // A reset forgets them.
    await admin(emu, 'POST', '/admin/reset');
    assert.deepEqual((await admin(emu, 'GET', '/admin/notifications')).notifications, []);
  } finally {
    await emu.close();
    await rx.close();
  }
});

test('the command line says where notifications are configured and where the push key set is', async () => {
  const { main } = await import('../../emulator/src/emulator-cli.js');
  const lines = [];
  const running = await main(['--port', '0'], { log: (l) => lines.push(l), signals: false });
  try {
    const text = lines.join('\n');
    assert.match(text, /POST \/admin\/appstore\/config \{notificationUrl\}/);
    assert.match(text, /GET \/admin\/notifications/);
    const certs = new RegExp(`GET (${running.url.replaceAll('.', '\\.')}/oauth2/v3/certs)`).exec(text)?.[1];
    assert.ok(certs, text);
    assert.equal((await (await fetch(certs)).json()).keys[0].kid, running.googlePlay.push.jwks.keys[0].kid);
  } finally {
    await running.close();
  }
});

test('a server left running keeps a bounded list: the oldest done notifications go, pending and held ones stay', async () => {
  const { Notifier, NOTIFICATIONS_KEPT } = await import('../../emulator/src/emulator-notify.js');
  assert.equal(NOTIFICATIONS_KEPT, 10_000);
  const n = new Notifier({ now: () => 0, keep: 3 });
  const out = (type, url = null) => ({ store: 'oneStore', kind: 'PNS', type, notificationId: type, url, body: {} });
  n.hold('oneStore');
  // Held: it waits for release(), so it is kept however many come after it.
  n.send(out('held', 'http://127.0.0.1:1/never'));
  for (const type of ['a', 'b', 'c', 'd']) n.send(out(type));
  assert.deepEqual(n.list.map((d) => [d.notificationId, d.state]), [['held', 'held'], ['c', 'no-url'], ['d', 'no-url']]);
  assert.throws(() => n.get('n2'), RangeError);
  assert.equal(n.get('n5').notificationId, 'd');
  n.close();
});

test('admin config: a body that is not an object, or a URL that is not text, is a 400 that says so; the setting stays', async () => {
  const emu = await startEmulator({ port: 0 });
  try {
    const post = (path, body) => fetch(emu.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await admin(emu, 'POST', '/admin/onestore/config', { pnsUrl: 'http://127.0.0.1:9/pns' });
    for (const [path, body, says] of [
      ['/admin/appstore/config', 'http://127.0.0.1:9/x', /the body must be a JSON object with notificationUrl/],
      ['/admin/googleplay/config', ['http://127.0.0.1:9/x'], /the body must be a JSON object with pushEndpoint, pushAudience/],
      ['/admin/onestore/config', { pnsUrl: 5 }, /pnsUrl must be a URL \(text\) or null/],
    ]) {
      const res = await post(path, body);
      assert.equal(res.status, 400, path);
      assert.match((await res.json()).error, says);
    }
    // The answer is the settings, not the client credentials.
    assert.deepEqual(await admin(emu, 'POST', '/admin/onestore/config', {}), { pnsUrl: 'http://127.0.0.1:9/pns', snsUrl: null });
    assert.equal((await admin(emu, 'POST', '/admin/onestore/config', { pnsUrl: null })).pnsUrl, null);
  } finally {
    await emu.close();
  }
});

test('reset() while a delivery is under way: the old attempt records nothing and schedules no retry', async () => {
  const { Notifier } = await import('../../emulator/src/emulator-notify.js');
  let asked = 0;
  const server = createServer((req, res) => {
    asked += 1;
    req.resume();
    setTimeout(() => res.writeHead(503).end(), 150);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const n = new Notifier({ now: () => 0 });
  try {
    const d = n.send({ store: 'oneStore', kind: 'PNS', type: 't', notificationId: 'x', url: `http://127.0.0.1:${server.address().port}/`, body: {}, retrySchedule: [10, 10] });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(asked, 1);
    n.reset();
    assert.equal(await n.idle(2000), true);
    assert.deepEqual([d.attempts.length, n.timers.size, n.list.length, asked], [0, 0, 0, 1]);
  } finally {
    n.close();
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
  }
});
