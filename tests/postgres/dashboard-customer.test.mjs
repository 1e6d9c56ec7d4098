// The dashboard's customer view against the real purchase ledger in PostgreSQL
// (scripts/with-postgres.sh): the ledger's tables as the backend makes them (migrate,
// migratePurchases), a customer's purchases in Google Play and ONE store run by runPurchase
// against the local store server, an NHN payment of runPayment's table read beside them, the
// dashboard configured with "ledger" in its config file; the agent reopens the stuck record and
// the row changes in the database. The grants docs/deployment.md documents are enough: the
// dashboard runs as a role holding only those. A missing table or an unreachable server stops the
// start, without the URL's password in the message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as iap from '../../pkg/node.mjs';
import { startEmulator } from '../../emulator/src/emulator.js';
import { DEFAULT_PURCHASE_TABLE, DEFAULT_TABLE, createPostgresFlowStore, createPostgresPurchaseStore, migrate, migratePurchases } from '../../pkg/src/postgres.js';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { hashPassword } from '../../www/server/dashboard-auth.js';
import { CUSTOMER, customerPurchases } from '../www/ledger-fixture.mjs';
import { pool, PG_URL } from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'iapv-customer-pg-'));
const PASSWORDS = { vera: 'viewer-password-pg', ada: 'agent-password-pg' };
const table = `dash_purchases_${process.pid}`;
const paymentTable = `dash_payments_${process.pid}`;
const db = pool(4);
let emu;
let dash;
let bought;

before(async () => {
  await db.query(`DROP TABLE IF EXISTS "${table}", "${paymentTable}"`);
  await migrate(db, { table: paymentTable });
  await migratePurchases(db, { table, paymentTable });
  emu = await startEmulator({ port: 0 });
  bought = await customerPurchases(emu, createPostgresPurchaseStore(db, { table, paymentTable }), { tag: 'pg' });
  // An NHN payment of runPayment's, in its own table.
  const nhn = iap.PaymentFlow.start({ paymentSeq: '2026120700000042', userId: CUSTOMER, store: 'GG', productId: 'gem_pack_100' }).apply({ type: 'PAID', accessToken: 'at-42' }).flow;
  assert.equal(await createPostgresFlowStore(db, { table: paymentTable }).insert('2026120700000042', nhn.toJSON()), true);
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ users: [
    { name: 'vera', role: 'viewer', password: await hashPassword(PASSWORDS.vera) },
    { name: 'ada', role: 'agent', password: await hashPassword(PASSWORDS.ada) },
  ] }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    auth: { accountsFile: 'accounts.json' },
    audit: { file: 'audit.jsonl' },
    ledger: { postgres: PG_URL, table, paymentTable },
  }));
  dash = await startDashboard({ port: 0, emulator: false, config: join(dir, 'config.json') });
});

after(async () => {
  await dash?.close();
  await emu?.close();
  await db.query(`DROP TABLE IF EXISTS "${table}", "${paymentTable}"`);
  await db.end();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(name) {
  const res = await fetch(new URL('/api/auth/login', dash.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password: PASSWORDS[name] }) });
  assert.equal(res.status, 200);
  return { cookie: res.headers.get('set-cookie').split(';')[0], 'x-csrf-token': (await res.json()).csrf };
}
const call = (who, method, path, body) => fetch(new URL(path, dash.url), { method, headers: { ...who, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });

describe('the customer view on the PostgreSQL ledger', () => {
  test("every store's purchases of the customer, runPayment's NHN payment among them", async () => {
    assert.equal(dash.ledger, 'postgres');
    const vera = await signIn('vera');
    const res = await call(vera, 'POST', '/api/customer', { userId: CUSTOMER });
    assert.equal(res.status, 200, await res.clone().text());
    const out = await res.json();
    assert.deepEqual(out.stores.sort(), ['GG', 'NHN', 'ONESTORE']);
    const by = Object.fromEntries(out.rows.map((r) => [`${r.store} ${r.storeId}`, r]));
    assert.equal(out.rows.length, 5);
    const gem = by['GG pg-gg-gem'];
    assert.deepEqual([gem.state, gem.kind, gem.productId], ['COMPLETED', 'CONSUMABLE', 'gem_500']);
    assert.ok(gem.deliveredAt > 0 && gem.settledAt > 0 && gem.refundedAt === null);
    const vip = by['GG pg-gg-vip'];
    assert.deepEqual([vip.subscription.status, vip.subscription.entitled], ['ACTIVE', true]);
    assert.equal(by[`ONESTORE ${bought.osToken}`].state, 'COMPLETED');
    const nhn = by['NHN 2026120700000042'];
    assert.deepEqual([nhn.state, nhn.productId, nhn.reopenable, nhn.deliveredAt], ['PAID', 'gem_pack_100', false, null]);
    const stuck = by[`GG ${bought.stuckToken}`];
    assert.deepEqual([stuck.state, stuck.reopenable], ['VERIFY_FAILED', true]);
  });

  test('the agent reopens the stuck record: the row in the database says so; the viewer may not', async () => {
    const vera = await signIn('vera');
    const ada = await signIn('ada');
    const body = { action: 'ledger.reopen', input: { store: 'GG', storeId: bought.stuckToken, reason: 'ticket 99' } };
    assert.equal((await call(vera, 'POST', '/api/action', body)).status, 403);
    const res = await call(ada, 'POST', '/api/action', body);
    assert.equal(res.status, 200, await res.clone().text());
    const { rows } = await db.query(`SELECT state, flow FROM "${table}" WHERE store = 'GG' AND store_id = $1`, [bought.stuckToken]);
    assert.equal(rows[0].state, 'RECEIVED');
    assert.deepEqual(rows[0].flow.reopened, ['ada: ticket 99 (was VERIFY_FAILED)']);
    // runPayment's rows are not the ledger's: not reopenable here.
    const nhn = await call(ada, 'POST', '/api/action', { action: 'ledger.reopen', input: { store: 'NHN', storeId: '2026120700000042', reason: 'x' } });
    assert.equal(nhn.status, 400);
  });

  test("the deployment page's grants are enough: the dashboard as a role holding only those shows and reopens", async () => {
    const doc = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
    const block = /<!-- snippet: deployment-ledger-grant -->\n```sh\n([\s\S]*?)```/.exec(doc)[1];
    const grants = [...block.matchAll(/GRANT ([A-Z, ]+) ON (\w+) TO \w+/g)].map(([, privileges, on]) => ({ privileges, on }));
    assert.deepEqual(grants.map((g) => g.on), [DEFAULT_PURCHASE_TABLE, DEFAULT_TABLE]);
    const role = `iapv_dash_${process.pid}`;
    const ours = { [DEFAULT_PURCHASE_TABLE]: table, [DEFAULT_TABLE]: paymentTable };
    await db.query(`DROP ROLE IF EXISTS ${role}`);
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD 'role-password-pg'`);
    for (const g of grants) await db.query(`GRANT ${g.privileges} ON "${ours[g.on]}" TO ${role}`);
    const other = await customerPurchases(emu, createPostgresPurchaseStore(db, { table, paymentTable }), { userId: 'cust-8', tag: 'pg2' });
    const url = new URL(PG_URL);
    url.username = role;
    url.password = 'role-password-pg';
    const d = await startDashboard({ port: 0, emulator: false, ledger: { postgres: url.href, table, paymentTable } });
    try {
      const post = (path, body) => fetch(new URL(path, d.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const view = await (await post('/api/customer', { userId: 'cust-8' })).json();
      assert.equal(view.rows.length, 4, JSON.stringify(view));
      const res = await post('/api/action', { action: 'ledger.reopen', input: { store: 'GG', storeId: other.stuckToken, reason: 'as the dashboard role' } });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal((await db.query(`SELECT state FROM "${table}" WHERE store_id = $1`, [other.stuckToken])).rows[0].state, 'RECEIVED');
      // Nothing more than that: the role cannot write runPayment's table.
      const direct = new (await import('pg')).default.Client({ connectionString: url.href });
      await direct.connect();
      try {
        await assert.rejects(direct.query(`UPDATE "${paymentTable}" SET state = state`), /permission denied/);
      } finally {
        await direct.end();
      }
    } finally {
      await d.close();
      await db.query(`DROP OWNED BY ${role}`);
      await db.query(`DROP ROLE ${role}`);
    }
  });

  test("a missing table or an unreachable server stops the start; the URL's password is not in the message", async () => {
    await assert.rejects(startDashboard({ port: 0, emulator: false, ledger: { postgres: PG_URL, table: `no_such_table_${process.pid}`, paymentTable: null } }), /^Error: ledger: .*no_such_table/);
    const url = 'postgres://ledger:s3cret-ledger-password@127.0.0.1:1/shop';
    await assert.rejects(startDashboard({ port: 0, emulator: false, ledger: { postgres: url } }), (e) => /^ledger: /.test(e.message) && !e.message.includes('s3cret-ledger-password'));
  });
});
