// runPurchase's ledger on a real PostgreSQL (make test-postgres): the shared purchase store
// contract, the migration from today's payment-flow table (its rows stay readable by runPayment
// and appear in the ledger), and several backend instances on separate connections racing on one
// purchase (Google Play, ONE store, the App Store and NHN with their real clients against the
// emulator), a lost settle answer, and processes killed at every step of a Google
// Play purchase: one grant row, COMPLETED.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from '../../pkg/node.mjs';
import { startEmulator } from '../../emulator/src/emulator.js';
import { createPostgresFlowStore, createPostgresPurchaseStore, migrate, migratePurchases, migrationSql, purchaseMigrationSql } from '../../pkg/src/postgres.js';
import { main as dbCli } from '../../pkg/src/db-cli.js';
import { purchaseStoreContract } from '../js/purchase-store-contract.mjs';
import { pool, paidFlow, verifyTestPurchase } from './lib.mjs';

const db = pool(40);
const emu = await startEmulator({ port: 0 });
after(async () => {
  await db.end();
  await emu.close();
});

let tables = 0;
/** A fresh ledger (and payment-flow) table pair. */
async function fresh() {
  const n = `${process.pid}_${++tables}`;
  const table = `purchases_${n}`;
  const paymentTable = `payments_${n}`;
  await db.query(`DROP TABLE IF EXISTS "${table}", "${paymentTable}", "grants_${n}"`);
  await migrate(db, { table: paymentTable });
  await migratePurchases(db, { table, paymentTable });
  await db.query(`CREATE TABLE "grants_${n}" (id bigserial PRIMARY KEY, store text NOT NULL, store_id text NOT NULL, who text NOT NULL)`);
  return { table, paymentTable, grants: `grants_${n}`, store: createPostgresPurchaseStore(db, { table, paymentTable }) };
}

purchaseStoreContract(test, async () => (await fresh()).store, 'postgres');

test('postgres: the migration keeps runPayment rows where they are, readable by runPayment and by the ledger', async () => {
  const n = `mig_${process.pid}`;
  await db.query(`DROP TABLE IF EXISTS "old_${n}", "led_${n}"`);
  await migrate(db, { table: `old_${n}` });
  const flows = createPostgresFlowStore(db, { table: `old_${n}` });
  assert.equal(await flows.insert('2025112600000077', paidFlow('2025112600000077', 'at-77').toJSON()), true);
  const before = await flows.load('2025112600000077');
  const sql = purchaseMigrationSql({ table: `led_${n}`, paymentTable: `old_${n}` });
  await db.query(sql);
  await db.query(sql); // idempotent
  const after = await flows.load('2025112600000077');
  assert.deepEqual(after, before);
  iap.PaymentFlow.fromJSON(after.flow);
  const ledger = createPostgresPurchaseStore(db, { table: `led_${n}`, paymentTable: `old_${n}` });
  const [entry] = await ledger.purchasesOf('user-1');
  assert.deepEqual([entry.store, entry.storeId, entry.state, entry.productId], ['NHN', '2025112600000077', 'PAID', 'gem_pack_100']);
  assert.deepEqual(await ledger.purchase('NHN', '2025112600000077'), entry);
  const indexes = (await db.query(`SELECT indexname FROM pg_indexes WHERE tablename IN ($1, $2) ORDER BY 1`, [`led_${n}`, `old_${n}`])).rows.map((r) => r.indexname);
  for (const i of [`led_${n}_user`, `led_${n}_unsettled`, `old_${n}_user`]) assert.ok(indexes.includes(i), `${i} in ${indexes}`);
  const plan = (await db.query(`EXPLAIN SELECT * FROM "led_${n}" WHERE user_id = 'x' ORDER BY created_at DESC`)).rows.map((r) => r['QUERY PLAN']).join('\n');
  assert.ok(plan.length > 0);
});

test('postgres: `iap-verify db migrate` over an old payment-flow table adds the ledger; the old rows stay readable', async () => {
  const n = `cli_${process.pid}`;
  await db.query(`DROP TABLE IF EXISTS "flows_${n}", "ledger_${n}"`);
  // The table as releases before the ledger made it, with a payment in it.
  await migrate(db, { table: `flows_${n}` });
  const flows = createPostgresFlowStore(db, { table: `flows_${n}` });
  assert.equal(await flows.insert('2025112600000088', paidFlow('2025112600000088', 'at-88').toJSON()), true);
  const before = await flows.load('2025112600000088');
  const out = [];
  const io = { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => out.push(s) }, env: { DATABASE_URL: process.env.IAP_VERIFY_PG_URL } };
  for (let i = 0; i < 2; i++) assert.equal(await dbCli(['migrate', '--table', `flows_${n}`, '--purchase-table', `ledger_${n}`], io), 0, out.join(''));
  assert.match(out.join(''), new RegExp(`table flows_${n} and the purchase ledger ledger_${n} are ready`));
  // The old row: unchanged, readable by runPayment's store and by the ledger.
  const after = await flows.load('2025112600000088');
  assert.deepEqual(after, before);
  assert.equal(iap.PaymentFlow.fromJSON(after.flow).state, 'PAID');
  const ledger = createPostgresPurchaseStore(db, { table: `ledger_${n}`, paymentTable: `flows_${n}` });
  assert.deepEqual((await ledger.purchase('NHN', '2025112600000088'))?.state, 'PAID');
  assert.deepEqual((await ledger.purchasesOf('user-1')).map((e) => [e.store, e.storeId]), [['NHN', '2025112600000088']]);
  // The ledger's own table and indexes are there, and take a purchase.
  const indexes = (await db.query(`SELECT indexname FROM pg_indexes WHERE tablename IN ($1, $2)`, [`ledger_${n}`, `flows_${n}`])).rows.map((r) => r.indexname);
  for (const i of [`ledger_${n}_user`, `ledger_${n}_unsettled`, `flows_${n}_user`]) assert.ok(indexes.includes(i), `${i} in ${indexes}`);
  const flow = iap.PurchaseFlow.start({ store: 'GG', storeId: `tok-${n}`, productId: 'gem_500', kind: 'CONSUMABLE', userId: 'user-1' });
  assert.equal(await ledger.insert('GG', `tok-${n}`, flow.toJSON()), true);
  assert.deepEqual((await ledger.purchasesOf('user-1')).map((e) => e.store).sort(), ['GG', 'NHN']);
  // `db sql` prints what `migrate` ran; a bad ledger name is a usage error, nothing run.
  out.length = 0;
  assert.equal(await dbCli(['sql', '--table', `flows_${n}`, '--purchase-table', `ledger_${n}`], io), 0);
  assert.equal(out.join(''), migrationSql({ table: `flows_${n}` }) + purchaseMigrationSql({ table: `ledger_${n}`, paymentTable: `flows_${n}` }));
  out.length = 0;
  assert.equal(await dbCli(['migrate', '--purchase-table', 'x"; DROP TABLE y'], io), 2);
  assert.match(out.join(''), /--purchase-table: .*letters, digits/);
});

const catalog = { gem_500: { kind: 'CONSUMABLE', deliver: 'gems' }, gem_pack_100: { kind: 'CONSUMABLE', deliver: 'gems' }, remove_ads: { kind: 'NON_CONSUMABLE' } };

/** One backend instance's runPurchase, writing its grant row in the DELIVERED transaction. */
const instance = (t, adapter, purchase, who) =>
  iap.runPurchase({
    store: t.store,
    adapter,
    catalog,
    purchase,
    maxSettleAttempts: 5,
    deliver: async (effect, flow, { transaction }) => {
      await transaction.query(`INSERT INTO "${t.grants}" (store, store_id, who) VALUES ($1, $2, $3)`, [effect.store, effect.storeId, who]);
    },
  });

async function assertOnce(t, key, what) {
  const grants = (await db.query(`SELECT who FROM "${t.grants}" WHERE store_id = $1`, [key[1]])).rows;
  assert.equal(grants.length, 1, `${what}: one grant, got ${grants.map((g) => g.who)}`);
  const row = (await db.query(`SELECT state, settled_at, delivered_at FROM "${t.table}" WHERE store = $1 AND store_id = $2`, key)).rows[0];
  assert.equal(row.state, 'COMPLETED', what);
  assert.ok(row.delivered_at && row.settled_at, what);
}

test('postgres, Google Play: six instances race on one purchase, the first consume answer lost', async () => {
  const t = await fresh();
  await fetch(`${emu.url}/admin/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  await fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: ':consume', times: 1, lose: true }) });
  const client = new iap.GooglePlayClient({ serviceAccount: emu.googlePlay.serviceAccount, baseUrl: emu.url, retryDelayMs: 5 });
  const adapter = iap.googlePlayAdapter({ client, packageName: emu.googlePlay.packageName });
  const purchase = { store: 'GG', storeId: 'play-token-unacknowledged', productId: 'gem_500', userId: 'u-gg' };
  const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => instance(t, adapter, purchase, `i${i}`)));
  // A run that lost its settle answer and was overtaken may reject; the purchase is finished by whoever is ahead.
  await instance(t, adapter, purchase, 'after');
  assert.ok(results.some((r) => r.status === 'fulfilled'));
  await assertOnce(t, ['GG', 'play-token-unacknowledged'], 'Google Play');
  const { requests } = await (await fetch(`${emu.url}/admin/requests`)).json();
  const accepted = requests.filter((r) => r.path.endsWith(':consume') && r.status === 200).length;
  assert.ok(accepted <= 1, `consumes accepted: ${accepted}`);
  const [entry] = await t.store.purchasesOf('u-gg');
  assert.equal(entry.state, 'COMPLETED');
});

test('postgres, NHN through runPurchase: racing instances consume first, deliver once', async () => {
  const t = await fresh();
  const payment = emu.addPayment({ userId: 'user-1', productId: 'gem_100', marketId: 'GG', paymentId: 'GPA.0000-0000-0000-28001' });
  const client = new iap.IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, timeoutMs: 2000, retries: 0 });
  const adapter = iap.nhnAdapter({ client, verify: async () => ({ purchase: verifyTestPurchase() }) });
  const purchase = { store: 'GG', storeId: payment.paymentSeq, productId: 'gem_pack_100', nhn: true, token: payment.accessToken, userId: 'u-nhn' };
  await Promise.allSettled(Array.from({ length: 6 }, (_, i) => instance(t, adapter, purchase, `i${i}`)));
  const flow = await instance(t, adapter, purchase, 'after');
  assert.equal(flow.token, undefined);
  await assertOnce(t, ['NHN', payment.paymentSeq], 'NHN');
  const stored = (await t.store.load('NHN', payment.paymentSeq)).flow;
  assert.equal(JSON.stringify(stored).includes(payment.accessToken), false, 'the accessToken is not kept once settled');
});

test('postgres, ONE store (OneStoreClient, local server): six instances race on one purchase, the first consume answer lost', async () => {
  const t = await fresh();
  const token = `SBRACE${process.pid % 100000}`;
  await fetch(`${emu.url}/admin/onestore/purchases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ productId: 'gem_pack_100', purchaseToken: token }]) });
  await fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/consume', times: 1, lose: true }) });
  const o = emu.oneStore;
  const client = new iap.OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url, retryDelayMs: 5, retries: 0 });
  const adapter = iap.oneStoreAdapter({ client });
  const purchase = { store: 'ONESTORE', storeId: token, productId: 'gem_pack_100', userId: 'u-one' };
  await Promise.allSettled(Array.from({ length: 6 }, (_, i) => instance(t, adapter, purchase, `i${i}`)));
  await instance(t, adapter, purchase, 'after');
  await assertOnce(t, ['ONESTORE', token], 'ONE store');
  const { requests } = await (await fetch(`${emu.url}/admin/requests`)).json();
  const consumes = requests.filter((r) => r.path.includes(`/${token}/consume`));
  assert.ok(consumes.filter((r) => r.status === 200).length <= 1, `consumes accepted: ${consumes.map((r) => r.status)}`);
  const { purchases } = await (await fetch(`${emu.url}/admin/onestore/state`)).json();
  assert.equal(purchases.find((p) => p.purchaseToken === token)?.consumptionState, 1);
});

test('postgres, App Store: six instances race on one transaction (verified offline from the local server\'s answer)', async () => {
  const t = await fresh();
  const a = emu.appStore;
  const client = new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, { baseUrl: emu.url, rootCertificates: [a.rootCertificate], appAppleId: a.appAppleId, retryDelayMs: 5 });
  const verifier = new iap.SignedDataVerifier([a.rootCertificate], false, a.environment, a.bundleId, a.appAppleId);
  const adapter = iap.appStoreAdapter({ verify: async (flow) => ({ purchase: await verifier.verifyAndDecodeTransaction((await client.getTransactionInfo(flow.storeId)).signedTransactionInfo) }) });
  const purchase = { store: 'AS', storeId: '2000000100000004', productId: 'vip_monthly', userId: 'u-as' };
  const cat = { vip_monthly: { kind: 'SUBSCRIPTION' } };
  const run = (who) => iap.runPurchase({ store: t.store, adapter, catalog: cat, purchase, deliver: async (effect, flow, { transaction }) => {
    await transaction.query(`INSERT INTO "${t.grants}" (store, store_id, who) VALUES ($1, $2, $3)`, [effect.store, effect.storeId, who]);
  } });
  await Promise.allSettled(Array.from({ length: 6 }, (_, i) => run(`i${i}`)));
  assert.equal((await run('after')).state, 'COMPLETED');
  await assertOnce(t, ['AS', '2000000100000004'], 'App Store');
});

/** Runs the purchase worker process; resolves with its exit code or signal and its output. */
async function worker(job) {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./purchase-worker.mjs', import.meta.url))], {
      env: { ...process.env, IAP_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, ops: out.split('\n').filter((l) => l.startsWith('op ')).length }));
  });
}

const json = async (path, body) =>
  (await fetch(`${emu.url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
let purchases = 0;
/**
 * What the killed-process test needs of each store: the worker's credentials, a new purchase at
 * the local server (its id, and the NHN accessToken), and whether the store says it is settled.
 */
const KILLED = {
  GG: {
    job: () => ({ serviceAccount: emu.googlePlay.serviceAccount, packageName: emu.googlePlay.packageName }),
    async add() {
      const id = `play-token-kill-${process.pid}-${++purchases}`;
      await json('/admin/googleplay/products', [{ token: id, productId: 'gem_500', purchaseTime: '-1h' }]);
      return { id };
    },
    settled: async (id) => (await json('/admin/googleplay/state')).products.find((x) => x.token === id)?.consumptionState === 1,
  },
  ONESTORE: {
    job: () => ({ clientId: emu.oneStore.clientId, clientSecret: emu.oneStore.clientSecret, environment: emu.oneStore.environment }),
    async add() {
      const id = `SBK${process.pid % 100000}X${++purchases}`;
      await json('/admin/onestore/purchases', [{ productId: 'gem_500', purchaseToken: id }]);
      return { id };
    },
    settled: async (id) => (await json('/admin/onestore/state')).purchases.find((x) => x.purchaseToken === id)?.consumptionState === 1,
  },
  AS: {
    job: async () => ({ appStore: await json('/admin/appstore/credentials') }),
    async add() {
      const [t] = await json('/admin/appstore/transactions', [{ productId: 'gem_500', customer: `killed-${++purchases}` }]);
      return { id: t.transactionId };
    },
    // Nothing to settle with the App Store.
    settled: async () => true,
  },
  NHN: {
    job: () => ({ appKey: emu.iap.appKey }),
    async add() {
      const p = await json('/admin/payments', { userId: 'user-1', productId: 'gem_100', marketId: 'GG', paymentId: `GPA.0000-0000-0000-${String(29000 + ++purchases)}` });
      return { id: p.paymentSeq, token: p.accessToken };
    },
    settled: async (id) => (await json('/admin/state')).payments.find((x) => x.paymentSeq === id)?.consumed === true,
  },
};

for (const [name, s] of Object.entries(KILLED)) {
  test(`postgres, ${name}: a process killed at each step (and one racing it): one grant, settled once, COMPLETED`, async () => {
    const t = await fresh();
    const base = { store: name, table: t.table, grants: t.grants, url: emu.url, ...(await s.job()) };
    const probe = await worker({ ...base, ...(await s.add()), who: 'probe' });
    assert.match(probe.out, /state COMPLETED/, probe.out);
    let kills = 0;
    for (let killAt = 0; killAt < probe.ops; killAt++) {
      for (const racing of [false, true]) {
        const added = await s.add();
        const at = `${name} killed at op ${killAt}${racing ? ' with a rival' : ''}`;
        const [killed, rival] = await Promise.all([
          worker({ ...base, ...added, who: `killed@${killAt}`, killAt }),
          racing ? worker({ ...base, ...added, who: 'rival' }) : null,
        ]);
        if (racing) assert.ok(killed.signal === 'SIGKILL' || killed.code === 0, `${at}: ${killed.out}`);
        else assert.equal(killed.signal, 'SIGKILL', `${at}: ${killed.out}`);
        if (killed.signal === 'SIGKILL') kills += 1;
        if (rival) assert.equal(rival.code, 0, `${at}: rival: ${rival.out}`);
        const resumed = await worker({ ...base, ...added, who: 'resumed' });
        assert.equal(resumed.code, 0, `${at}: resumed: ${resumed.out}`);
        assert.match(resumed.out, /state COMPLETED/, `${at}: resumed: ${resumed.out}`);
        await assertOnce(t, [name, added.id], at);
        assert.equal(await s.settled(added.id), true, `${at}: settled at the store`);
      }
    }
    assert.ok(kills >= probe.ops, `${kills} kills in ${2 * probe.ops} runs`);
    console.log(`# ${name}: ${kills} processes killed at ${probe.ops} steps, each purchase resumed`);
  });
}
