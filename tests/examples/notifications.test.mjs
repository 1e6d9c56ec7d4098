// The notification examples (examples/*-notifications), each run as a user would run it (copied
// into an empty folder, the package from its tarball) and fed by the local server, end to end:
// the emulator sends App Store Server Notifications V2, Pub/Sub pushes and ONE store PNS and SNS →
// the example's createNotificationHandler → its purchase ledger (runPurchase for purchases, over the
// emulator's Play Developer API and ONE store server API; the handler's `ledger` for refunds and
// renewals). Each run checks a duplicate delivery, forged requests (a PNS under a wrong signature,
// an SNS naming a subscription ONE store does not have among them), a retried delivery (the Play
// API unavailable once: the handler answers 500, the emulator delivers again, the purchase is
// granted once), a ONE store subscription renewed (SNS) and a ONE store purchase refunded (PNS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { bin, bundleWorker, freePort, install, start, startQuiet, workspace } from './harness.mjs';
import { startEmulator } from '../../emulator/src/emulator.js';

workspace();

const FAST = [50, 100, 200];
const AUDIENCE = 'https://backend.example/notifications';

/** A local server whose notifications go to the example at `url`; and the example's settings. */
async function emulator() {
  const emu = await startEmulator({ port: 0, appStore: { retrySchedule: FAST }, googlePlay: { retrySchedule: FAST }, oneStore: { retrySchedule: FAST } });
  const env = {
    APPLE_BUNDLE_ID: emu.appStore.bundleId,
    APPLE_ENVIRONMENT: 'Sandbox',
    APPLE_ROOT_CERTIFICATE: Buffer.from(emu.appStore.rootCertificate).toString('base64'),
    PUBSUB_AUDIENCE: AUDIENCE,
    PUBSUB_SERVICE_ACCOUNT: emu.googlePlay.push.serviceAccountEmail,
    PUBSUB_JWKS: JSON.stringify(emu.googlePlay.push.jwks),
    GOOGLE_PACKAGE_NAME: emu.googlePlay.packageName,
    GOOGLE_SERVICE_ACCOUNT: JSON.stringify(emu.googlePlay.serviceAccount),
    GOOGLE_PLAY_API_URL: emu.url,
    ONESTORE_LICENSE_KEY: emu.oneStore.licenseKey,
    ONESTORE_CLIENT_ID: emu.oneStore.clientId,
    ONESTORE_CLIENT_SECRET: emu.oneStore.clientSecret,
    ONESTORE_ENVIRONMENT: emu.oneStore.environment,
    ONESTORE_API_URL: emu.url,
  };
  return { emu, env };
}

async function json(url) {
  const r = await fetch(url);
  assert.equal(r.status, 200);
  return r.json();
}

async function admin(emu, path, body) {
  const r = await fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.ok(r.ok, `${path}: ${r.status}`);
  return r.json();
}

/**
 * The same story for every example: purchases in the three stores, a retried delivery, a
 * duplicate, forgeries, a ONE store renewal, refunds (one replayed).
 * @param {Awaited<ReturnType<typeof startEmulator>>} emu
 * @param {string} base the example's origin (`/notifications`, `/ledger`)
 */
async function story(emu, base) {
  emu.appStore.setNotificationUrl(`${base}/notifications`);
  emu.googlePlay.setPushEndpoint(`${base}/notifications`, AUDIENCE);
  await admin(emu, '/admin/onestore/config', { pnsUrl: `${base}/notifications`, snsUrl: `${base}/notifications` });
  const ledger = () => json(`${base}/ledger`);
  const idle = async () => assert.equal(await emu.notifications.idle(60_000), true, 'every delivery ended');

  // Purchases: Apple's carries the verified transaction; Google's and ONE store's (a PNS, an SNS for
  // the subscription) are looked up, delivered, consumed or acknowledged.
  const gem = emu.appStore.addTransaction({ productId: 'gem_500', customer: 'player-1' });
  emu.googlePlay.addProductPurchase({ token: 'example-gem-1', productId: 'gem_500' });
  emu.oneStore.addPurchase({ purchaseToken: 'onestore-gem-1', productId: 'gem_500' });
  emu.oneStore.addSubscription({ purchaseToken: 'onestore-vip-1', productId: 'vip_monthly', period: 'MONTH' });
  await idle();
  let l = await ledger();
  assert.deepEqual(l.granted.map((g) => `${g.store}:${g.storeId}:${g.item.gems ?? g.item.feature}`).sort(),
    [`AS:${gem.transactionId}:500`, 'GG:example-gem-1:500', 'ONESTORE:onestore-gem-1:500', 'ONESTORE:onestore-vip-1:vip']);
  assert.deepEqual(l.ledger.map((e) => e.state), ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
  assert.equal(emu.googlePlay.productPurchases().find((p) => p.token === 'example-gem-1').consumptionState, 1);
  const oneStore = await json(`${emu.url}/admin/onestore/state`);
  assert.equal(oneStore.purchases.find((p) => p.purchaseToken === 'onestore-gem-1').consumptionState, 1);
  assert.equal(oneStore.subscriptions.find((s) => s.purchaseToken === 'onestore-vip-1').acknowledgementState, 1);

  // A retried delivery: the Play API answers 503 to every attempt of the client's first call, the
  // handler answers 500, the emulator delivers again, the purchase is granted once.
  await fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/androidpublisher/', status: 503, times: 3 }) });
  emu.googlePlay.addProductPurchase({ token: 'example-gem-2', productId: 'gem_500' });
  await idle();
  const retried = emu.notifications.list({ store: 'googlePlay' }).at(-1);
  assert.deepEqual(retried.attempts.map((a) => a.status), [500, 200]);
  assert.equal(retried.state, 'delivered');
  l = await ledger();
  assert.equal(l.granted.filter((g) => g.storeId === 'example-gem-2').length, 1);
  assert.equal(l.events.filter((e) => e.id === retried.notificationId).length, 2, 'on ran for the failed attempt and for the retry');

  // A duplicate (two more deliveries at once) and a replay: acknowledged, not handled again.
  const [applePurchase] = emu.notifications.list({ store: 'appStore' });
  const pns = emu.notifications.list({ store: 'oneStore' }).find((n) => n.kind === 'PNS' && n.body.purchaseToken === 'onestore-gem-1');
  const sns = emu.notifications.list({ store: 'oneStore' }).find((n) => n.kind === 'SNS');
  const before = (await ledger()).events.length;
  emu.notifications.duplicate(applePurchase.id);
  emu.notifications.replay(retried.id);
  emu.notifications.duplicate(pns.id);
  emu.notifications.replay(sns.id);
  await idle();
  l = await ledger();
  assert.equal(l.events.length, before);
  assert.equal(l.granted.length, 5);

  // Forged: another payload under Apple's signature, a chain to an unknown root, a token of another key, another audience.
  const forged = [
    emu.notifications.forge(applePurchase.id, 'signature'),
    emu.notifications.forge(applePurchase.id, 'chain'),
    emu.notifications.forge(retried.id, 'token'),
    emu.notifications.forge(retried.id, 'audience'),
    emu.notifications.forge(pns.id, 'signature'),
    emu.notifications.forge(sns.id, 'token'),
  ];
  await idle();
  for (const f of forged) {
    const n = emu.notifications.list().find((x) => x.id === f.id);
    assert.deepEqual(n.attempts.map((a) => a.status), [401], `${n.store} ${n.forged}`);
  }
  assert.equal((await ledger()).events.length, before);

  // A renewal: the ONE store subscription's month (five minutes on ONE store's sandbox clock) ends,
  // ONE store charges again and sends SNS 2; the handler confirms it and extends the record, once
  // however often the SNS comes.
  await admin(emu, '/admin/clock', { advanceMs: 6 * 60_000 });
  await json(`${emu.url}/admin/onestore/state`); // the emulator's ONE store renews on its next request
  await idle();
  const renewal = emu.notifications.list({ store: 'oneStore' }).find((n) => n.type === 'SUBSCRIPTION_RENEWED');
  assert.ok(renewal, 'ONE store sent SNS 2 SUBSCRIPTION_RENEWED');
  emu.notifications.replay(renewal.id);
  await idle();
  l = await ledger();
  assert.deepEqual(l.events.filter((e) => e.type === 'RENEWED').map((e) => e.store), ['ONESTORE']);
  const vip = l.ledger.find((e) => e.storeId === 'onestore-vip-1');
  assert.deepEqual([vip.state, vip.renewals], ['COMPLETED', 1]);
  assert.equal(l.granted.length, 5, 'a renewal delivers nothing again');

  // Refunds take back what was delivered, once: Apple's REFUND (replayed too), Google's voided
  // purchase, ONE store's cancelled purchase (PNS CANCELED).
  emu.appStore.refund({ transactionId: gem.transactionId });
  emu.googlePlay.void({ token: 'example-gem-1' });
  await admin(emu, '/admin/onestore/refunds', { purchaseToken: 'onestore-gem-1' });
  await idle();
  emu.notifications.replay(emu.notifications.list({ store: 'appStore' }).at(-1).id);
  await idle();
  l = await ledger();
  assert.deepEqual(l.revoked.map((r) => `${r.store}:${r.storeId}`).sort(), [`AS:${gem.transactionId}`, 'GG:example-gem-1', 'ONESTORE:onestore-gem-1']);
  assert.deepEqual(l.events.filter((e) => e.type === 'REFUNDED').map((e) => e.store).sort(), ['AS', 'GG', 'ONESTORE']);
  const states = Object.fromEntries(l.ledger.map((e) => [`${e.store}:${e.storeId}`, e.state]));
  assert.deepEqual(states, {
    [`AS:${gem.transactionId}`]: 'REFUNDED', 'GG:example-gem-1': 'REFUNDED', 'GG:example-gem-2': 'COMPLETED',
    'ONESTORE:onestore-gem-1': 'REFUNDED', 'ONESTORE:onestore-vip-1': 'COMPLETED',
  });
  // Every notification the emulator made was answered 2xx in the end (the forged ones 401).
  for (const n of emu.notifications.list()) assert.equal(n.state, n.origin === 'forged' ? 'failed' : 'delivered', `${n.id} ${n.type}`);
}

test('Express: App Store, Google Play and ONE store notifications into the ledger, from the local server', async () => {
  const dir = install('express-notifications');
  const { emu, env } = await emulator();
  let server;
  try {
    server = await start(process.execPath, ['server.mjs'], { cwd: dir, env: { ...env, PORT: '0' }, ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/ });
    await story(emu, server.match[1]);
  } finally {
    await server?.stop();
    await emu.close();
  }
});

test('Deno: App Store, Google Play and ONE store notifications into the ledger, from the local server', async () => {
  const dir = install('deno-notifications');
  // Type-checked against the package's own types, as `deno check` does for a user.
  const checked = spawnSync(bin('deno'), ['check', 'main.ts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(checked.status, 0, checked.stderr);
  const { emu, env } = await emulator();
  let server;
  try {
    server = await start(bin('deno'), ['run', '--allow-net', '--allow-env', '--allow-read', 'main.ts'], {
      cwd: dir, env: { ...env, PORT: '0', NO_COLOR: '1' }, ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    });
    await story(emu, server.match[1]);
  } finally {
    await server?.stop();
    await emu.close();
  }
});

test('Cloudflare Worker: bundled by wrangler, run in workerd, App Store, Google Play and ONE store notifications into the ledger', async () => {
  const dir = install('cloudflare-worker-notifications', { omitDev: true });
  const { emu, env } = await emulator();
  const port = await freePort();
  const { toml, dist } = bundleWorker(dir, { port, bindings: env, network: true });
  assert.doesNotMatch(toml, /^compatibility_flags/m, 'the worker needs no nodejs_compat');
  const server = startQuiet(bin('workerd'), ['serve', 'config.capnp', '--verbose'], dist);
  const base = `http://127.0.0.1:${port}`;
  try {
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      up = await fetch(`${base}/ledger`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(up, `workerd did not answer:\n${server.output()}`);
    await story(emu, base);
  } catch (e) {
    e.message += `\nworkerd:\n${server.output()}`;
    throw e;
  } finally {
    await server.stop();
    await emu.close();
  }
});
