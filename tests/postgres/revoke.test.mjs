// A revoke is at least once and REVOKED recorded once on a real PostgreSQL ledger
// (scripts/with-postgres.sh): a revoke that throws is asked again by the store's redelivery (one
// successful take-back); instances on their own pools racing on an owed revoke call it once (the
// row lock of the transaction that records REVOKED); a process killed between REFUNDED and
// REVOKED (a worker process, SIGKILL) leaves the record owed, and the sweeper (revokeUnrevoked
// over `unrevoked()`, served by its partial index) revokes it: once, with the transaction or
// through the idempotency key without one. Rows written before `revokePending` are read.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as iap from '../../pkg/node.mjs';
import * as testing from '../../pkg/src/testing.js';
import { createPostgresPurchaseStore, migratePurchases, purchaseMigrationSql } from '../../pkg/src/postgres.js';
import { pool } from './lib.mjs';

const BUNDLE = 'com.example.app';
const NOW = Date.now();
const INSTANCES = 6;
const catalog = { gems: { kind: 'CONSUMABLE' } };
const db = pool(10);
const pools = Array.from({ length: INSTANCES }, () => pool(3));
after(async () => {
  await Promise.all([db, ...pools].map((p) => p.end()));
});

let n = 0;
async function fresh() {
  const name = `${process.pid}_${++n}`;
  const table = `ledger_r_${name}`;
  const grants = `grants_r_${name}`;
  await db.query(`DROP TABLE IF EXISTS "${table}", "${grants}"`);
  await migratePurchases(db, { table, paymentTable: null });
  await migratePurchases(db, { table, paymentTable: null });
  await db.query(`CREATE TABLE "${grants}" (id bigserial PRIMARY KEY, store text NOT NULL, store_id text NOT NULL, who text NOT NULL)`);
  const store = (p = db) => createPostgresPurchaseStore(p, { table, paymentTable: null });
  return { table, grants, store };
}

/** A delivered Google Play purchase recorded under `token`. */
async function record(store, token) {
  const p = await testing.signGooglePurchase({ orderId: `GPA.${token}`, packageName: BUNDLE, productId: 'gems', purchaseTime: NOW, purchaseState: 0, purchaseToken: token, quantity: 1 });
  const purchase = new iap.GoogleVerifier(testing.TEST_LICENSE_KEY).verify(p.signedData, p.signature);
  const flow = await iap.runPurchase({ store, adapter: { store: 'GG', verify: () => ({ purchase }), settle: async () => 'SETTLED' }, catalog, purchase: { store: 'GG', storeId: token, productId: 'gems' }, deliver: () => {} });
  assert.equal(flow.state, 'COMPLETED');
}

/** The app's revoke: the take-back written into the grants table, in the REVOKED transaction when there is one. */
const takeBack = (t, p, who, calls = []) => async (effect, flow, { transaction }) => {
  calls.push(`${effect.store} ${effect.storeId}`);
  await (transaction ?? p).query(`INSERT INTO "${t.grants}" (store, store_id, who) VALUES ($1, $2, $3)`, [effect.store, effect.storeId, who]);
};
const grants = async (t) => (await db.query(`SELECT store, store_id FROM "${t.grants}" ORDER BY id`)).rows.map((r) => `${r.store} ${r.store_id}`);
const owed = async (t) => (await t.store().unrevoked()).map((r) => r.storeId);

test('a revoke that throws: the handler answers 503, the record stays owed, Google\'s redelivery revokes once', async () => {
  const t = await fresh();
  await record(t.store(), 'tok-throw');
  const AUDIENCE = 'https://backend.example.com/notifications';
  const EMAIL = 'rtdn-push@example.iam.gserviceaccount.com';
  const problems = [];
  const calls = [];
  let failures = 1;
  const ok = takeBack(t, db, 'handler', calls);
  const handler = iap.createNotificationHandler({
    google: { audience: AUDIENCE, serviceAccountEmail: EMAIL, jwks: testing.TEST_PUBSUB_JWKS },
    dedupe: iap.createMemoryNotificationStore(),
    on: () => {},
    onError: (x) => void problems.push(x),
    ledger: {
      store: t.store(),
      revoke: async (effect, flow, event, context) => {
        if (failures-- > 0) {
          // The take-back was written in the transaction, then the app failed: rolled back with it.
          await context.transaction.query(`INSERT INTO "${t.grants}" (store, store_id, who) VALUES ($1, $2, 'rolled back')`, [effect.store, effect.storeId]);
          throw new Error('grants service down');
        }
        return ok(effect, flow, context);
      },
    },
  });
  const authorization = await testing.mintPubSubToken({ audience: AUDIENCE, serviceAccountEmail: EMAIL });
  const body = testing.pubSubPushBody({ version: '1.0', packageName: BUNDLE, eventTimeMillis: String(NOW), voidedPurchaseNotification: { purchaseToken: 'tok-throw', orderId: 'GPA.tok-throw', productType: 2, refundType: 1 } }, { messageId: 'pg-void-1' });
  const push = () => handler(new Request(AUDIENCE, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization } }));
  assert.equal((await push()).status, 503);
  assert.deepEqual(problems.map((p) => [p.kind, p.effect.storeId, p.error.message]), [['REVOKE_FAILED', 'tok-throw', 'grants service down']]);
  assert.deepEqual(await grants(t), []);
  assert.deepEqual(await owed(t), ['tok-throw']);
  assert.equal((await t.store().purchase('GG', 'tok-throw')).state, 'REFUNDED');
  assert.equal((await push()).status, 200);
  assert.equal((await push()).status, 200);
  assert.deepEqual(await grants(t), ['GG tok-throw']);
  assert.deepEqual(calls, ['GG tok-throw']);
  assert.deepEqual(await owed(t), []);
  const flow = iap.PurchaseFlow.fromJSON((await t.store().load('GG', 'tok-throw')).flow);
  assert.deepEqual([flow.state, flow.revokePending, flow.reason], ['REFUNDED', false, 'GG voidedPurchase, notification pg-void-1']);
});

test(`${INSTANCES} instances racing on one owed revoke (redeliveries and sweepers on their own pools): one take-back`, async () => {
  const t = await fresh();
  await record(t.store(), 'tok-race');
  await assert.rejects(iap.applyRefund({ store: t.store(), key: ['GG', 'tok-race'], revoke: () => { throw new Error('down'); } }), /down/);
  assert.deepEqual(await owed(t), ['tok-race']);
  const calls = [];
  const runs = pools.map((p, i) => (i % 2 === 0
    ? iap.applyRefund({ store: t.store(p), key: ['GG', 'tok-race'], revoke: takeBack(t, p, `i${i}`, calls) })
    : iap.revokeUnrevoked({ store: t.store(p), revoke: takeBack(t, p, `i${i}`, calls) })));
  const results = await Promise.all(runs);
  assert.deepEqual(await grants(t), ['GG tok-race']);
  assert.deepEqual(calls, ['GG tok-race'], 'called once: the others found it done under the lock');
  assert.ok(results.every((r) => (r.revoked ? r.failed.length === 0 : r.revokePending === false)), JSON.stringify(results));
  assert.deepEqual(await owed(t), []);
});

/** Runs the revoke worker process; resolves with its exit signal and output. */
function worker(job) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./revoke-worker.mjs', import.meta.url))], { env: { ...process.env, IAP_JOB: JSON.stringify(job) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
}

for (const [killAt, noTransaction] of [['revoke', false], ['revoked', false], ['revoke', true], ['revoked', true]]) {
  test(`a process killed at ${killAt} (${noTransaction ? 'no transaction: the key makes it idempotent' : 'in the REVOKED transaction'}): the record stays owed, the sweeper revokes once`, async () => {
    const t = await fresh();
    const key = ['GG', `tok-kill-${killAt}`];
    await record(t.store(), key[1]);
    const r = await worker({ table: t.table, grants: t.grants, key, killAt, noTransaction });
    assert.equal(r.signal, 'SIGKILL', r.out);
    assert.match(r.out, new RegExp(`at ${killAt}\\n$`));
    const flow = iap.PurchaseFlow.fromJSON((await t.store().load(...key)).flow);
    assert.deepEqual([flow.state, flow.revokePending, flow.next(), flow.reason], ['REFUNDED', true, 'REVOKE', 'killed']);
    // Killed inside the transaction: the take-back rolled back with it. Killed after its own write: it stays.
    assert.deepEqual(await grants(t), killAt === 'revoked' && noTransaction ? [key.join(' ')] : []);
    const listed = await t.store().unrevoked();
    assert.deepEqual(listed.map((x) => [x.store, x.storeId]), [key]);
    assert.ok(listed[0].refundedAt > 0);
    // The sweeper, as the worker's revoke (idempotent on store and storeId).
    const calls = [];
    const idempotent = async (effect, f, { transaction }) => {
      calls.push(`${effect.store} ${effect.storeId}`);
      await (transaction ?? db).query(`INSERT INTO "${t.grants}" (store, store_id, who) SELECT $1, $2, 'sweeper' WHERE NOT EXISTS (SELECT 1 FROM "${t.grants}" WHERE store = $1 AND store_id = $2)`, [effect.store, effect.storeId]);
    };
    assert.deepEqual(await iap.revokeUnrevoked({ store: t.store(), revoke: idempotent }), { revoked: [{ store: 'GG', storeId: key[1] }], failed: [] });
    assert.deepEqual(calls, [key.join(' ')]);
    assert.deepEqual(await grants(t), [key.join(' ')]);
    assert.deepEqual(await owed(t), []);
    assert.deepEqual(await iap.revokeUnrevoked({ store: t.store(), revoke: idempotent }), { revoked: [], failed: [] });
  });
}

test('unrevoked: oldest refund first, limited, served by its partial index; rows written before revokePending are read and not listed', async () => {
  const t = await fresh();
  for (const token of ['tok-1', 'tok-2', 'tok-3', 'tok-old']) await record(t.store(), token);
  for (const token of ['tok-2', 'tok-1', 'tok-3']) {
    await assert.rejects(iap.applyRefund({ store: t.store(), key: ['GG', token], revoke: () => { throw new Error('down'); } }));
  }
  // A row an older version refunded: REFUNDED with no revokePending field.
  const old = await t.store().load('GG', 'tok-old');
  const refunded = iap.PurchaseFlow.fromJSON(old.flow).apply({ type: 'REFUNDED' }).flow.toJSON();
  delete refunded.revokePending;
  await db.query(`UPDATE "${t.table}" SET flow = $1::jsonb, state = 'REFUNDED', refunded_at = now(), version = version + 1 WHERE store_id = 'tok-old'`, [JSON.stringify(refunded)]);
  assert.equal(iap.PurchaseFlow.fromJSON((await t.store().load('GG', 'tok-old')).flow).next(), 'NONE');
  assert.deepEqual(await owed(t), ['tok-2', 'tok-1', 'tok-3']);
  assert.deepEqual((await t.store().unrevoked({ limit: 2 })).map((r) => r.storeId), ['tok-2', 'tok-1']);
  await assert.rejects(t.store().unrevoked({ limit: 0 }), { code: 'INVALID_ARGUMENT' });
  assert.match(purchaseMigrationSql({ table: t.table }), /_unrevoked" ON .* \(refunded_at\) WHERE state = 'REFUNDED' AND \(flow->>'revokePending'\) = 'true'/);
  const client = await db.connect();
  try {
    await client.query('SET enable_seqscan = off');
    const plan = (await client.query(`EXPLAIN SELECT store, store_id, refunded_at FROM "${t.table}" WHERE state = 'REFUNDED' AND (flow->>'revokePending') = 'true' ORDER BY refunded_at LIMIT 10`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    assert.match(plan, new RegExp(`${t.table}_unrevoked`), plan);
  } finally {
    client.release();
  }
});
