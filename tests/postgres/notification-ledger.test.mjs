// createNotificationHandler({ ledger }) on a real PostgreSQL ledger (scripts/with-postgres.sh):
// several handler instances, each on its own connection pool, receive the same refund at once
// (with the PostgreSQL notification store, and with none shared at all: each instance's own memory
// store, so that only the ledger's compare-and-set stands between them) and the REVOKE is asked
// for once (one row in the grants table); the same renewal published under several message ids
// extends the subscription's record once; applyRefund from a StoreEvent on the same ledger.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from '../../pkg/node.mjs';
import * as testing from '../../pkg/src/testing.js';
import { createPostgresNotificationStore, createPostgresPurchaseStore, migrateNotifications, migratePurchases } from '../../pkg/src/postgres.js';
import { pool } from './lib.mjs';

const BUNDLE = 'com.example.app';
const AUDIENCE = 'https://backend.example.com/notifications';
const EMAIL = 'rtdn-push@example.iam.gserviceaccount.com';
const NOW = Date.now();
const INSTANCES = 6;
const catalog = { gems: { kind: 'CONSUMABLE' }, vip: { kind: 'SUBSCRIPTION' } };

const db = pool(10);
const pools = Array.from({ length: INSTANCES }, () => pool(4));
after(async () => {
  await Promise.all([db, ...pools].map((p) => p.end()));
});

let n = 0;
async function fresh() {
  const name = `${process.pid}_${++n}`;
  const table = `ledger_n_${name}`;
  const notifications = `notif_n_${name}`;
  const grants = `revokes_n_${name}`;
  await db.query(`DROP TABLE IF EXISTS "${table}", "${notifications}", "${grants}"`);
  await migratePurchases(db, { table, paymentTable: null });
  await migrateNotifications(db, { table: notifications });
  await db.query(`CREATE TABLE "${grants}" (id bigserial PRIMARY KEY, store text NOT NULL, store_id text NOT NULL, instance int NOT NULL)`);
  return { table, notifications, grants, store: createPostgresPurchaseStore(db, { table, paymentTable: null }) };
}

async function record(store, request, purchase) {
  const adapter = { store: request.store, verify: () => ({ purchase }), settle: async () => 'SETTLED' };
  return iap.runPurchase({ store, adapter, catalog, purchase: request, deliver: () => {} });
}

/** `INSTANCES` handlers on their own pools, revoking into the grants table. */
function instances(t, { sharedDedupe }) {
  const problems = [];
  const handlers = pools.map((p, i) => iap.createNotificationHandler({
    apple: new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, BUNDLE),
    google: { audience: AUDIENCE, serviceAccountEmail: EMAIL, jwks: testing.TEST_PUBSUB_JWKS },
    dedupe: sharedDedupe ? createPostgresNotificationStore(p, { table: t.notifications }) : iap.createMemoryNotificationStore(),
    on: () => {},
    onError: (x) => void problems.push(x),
    ledger: {
      store: createPostgresPurchaseStore(p, { table: t.table, paymentTable: null }),
      revoke: async (effect) => {
        await p.query(`INSERT INTO "${t.grants}" (store, store_id, instance) VALUES ($1, $2, $3)`, [effect.store, effect.storeId, i]);
      },
      unknown: (e) => void problems.push({ kind: 'UNKNOWN', id: e.id }),
    },
  }));
  return { handlers, problems };
}

const post = (body, headers = {}) => new Request(AUDIENCE, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

for (const sharedDedupe of [true, false]) {
  test(`one App Store refund delivered to ${INSTANCES} instances at once, twice each (${sharedDedupe ? 'PostgreSQL notification store' : 'no shared notification store'}): one REVOKE`, async () => {
    const t = await fresh();
    const verifier = new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, BUNDLE);
    const signed = await testing.signAppleTransaction({ bundleId: BUNDLE, productId: 'gems', transactionId: '5001', now: NOW });
    await record(t.store, { store: 'AS', storeId: '5001', productId: 'gems' }, await verifier.verifyAndDecodeTransactionAsync(signed));
    const body = await testing.appleNotificationBody({ bundleId: BUNDLE, notificationType: 'REFUND', notificationUUID: 'pg-refund-1', now: NOW, signedTransactionInfo: signed });
    const { handlers, problems } = instances(t, { sharedDedupe });
    const statuses = [];
    // Apple retries what was not answered 200: deliver until every instance has had a 200.
    for (let round = 0; round < 5 && !(statuses.length && statuses.at(-1).every((s) => s === 200)); round++) {
      statuses.push((await Promise.all([...handlers, ...handlers].map((h) => h(post(body))))).map((r) => r.status));
    }
    assert.ok(statuses.at(-1).every((s) => s === 200), JSON.stringify(statuses));
    assert.ok(statuses.flat().every((s) => s === 200 || s === 503), JSON.stringify(statuses));
    const { rows } = await db.query(`SELECT store, store_id FROM "${t.grants}"`);
    assert.deepEqual(rows, [{ store: 'AS', store_id: '5001' }]);
    const entry = await t.store.purchase('AS', '5001');
    assert.equal(entry.state, 'REFUNDED');
    assert.ok(entry.refundedAt > 0);
    assert.deepEqual(problems, []);
  });
}

test(`one Google renewal published under ${INSTANCES} message ids to ${INSTANCES} instances at once: renewed once; then a later renewal`, async () => {
  const t = await fresh();
  const p = await testing.signGooglePurchase({ orderId: 'GPA.pg-sub', packageName: BUNDLE, productId: 'vip', purchaseTime: NOW, purchaseState: 0, purchaseToken: 'pg-sub', quantity: 1 });
  await record(t.store, { store: 'GG', storeId: 'pg-sub', productId: 'vip' }, new iap.GoogleVerifier(testing.TEST_LICENSE_KEY).verify(p.signedData, p.signature));
  const { handlers, problems } = instances(t, { sharedDedupe: true });
  const authorization = await testing.mintPubSubToken({ audience: AUDIENCE, serviceAccountEmail: EMAIL });
  const push = (messageId, at) => testing.pubSubPushBody({ version: '1.0', packageName: BUNDLE, eventTimeMillis: String(at), subscriptionNotification: { version: '1.0', notificationType: 2, purchaseToken: 'pg-sub', subscriptionId: 'vip' } }, { messageId });
  const answers = await Promise.all(handlers.map((h, i) => h(post(push(`pg-m-${i}`, NOW + 1000), { authorization }))));
  assert.deepEqual(answers.map((r) => r.status), handlers.map(() => 200));
  let flow = iap.PurchaseFlow.fromJSON((await t.store.load('GG', 'pg-sub')).flow);
  assert.deepEqual([flow.renewals, flow.renewedAt], [1, NOW + 1000]);
  assert.equal((await handlers[0](post(push('pg-m-later', NOW + 2000), { authorization }))).status, 200);
  flow = iap.PurchaseFlow.fromJSON((await t.store.load('GG', 'pg-sub')).flow);
  assert.deepEqual([flow.renewals, flow.renewedAt, flow.state], [2, NOW + 2000, 'COMPLETED']);
  // applyRefund from the event of a revocation, on the same ledger, raced by every pool.
  const revoked = [];
  const event = iap.googleNotificationEvent(testing.pubSubPushBody({ version: '1.0', packageName: BUNDLE, eventTimeMillis: String(NOW + 3000), subscriptionNotification: { version: '1.0', notificationType: 12, purchaseToken: 'pg-sub', subscriptionId: 'vip' } }, { messageId: 'pg-revoke' }));
  const flows = await Promise.all(pools.map((q) => iap.applyRefund({ store: createPostgresPurchaseStore(q, { table: t.table, paymentTable: null }), event, revoke: (e) => void revoked.push(e) })));
  assert.ok(flows.every((f) => f.state === 'REFUNDED'));
  assert.equal(revoked.length, 1);
  assert.deepEqual(problems, []);
});
