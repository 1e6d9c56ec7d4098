// The PostgreSQL flow store against a real server (scripts/with-postgres.sh starts a throwaway
// one; `make test-postgres`): the migration, the store contract, and many backend instances on one
// payment, from separate connections and from separate processes, with the emulator's faults and a
// process killed at every step. What must hold every time: the IAP server accepted exactly one
// consume, exactly one grant row was written, nothing was flagged, and the row ends COMPLETED.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../emulator/src/emulator.js';
import { IapError } from '../../pkg/node.mjs';
import { createPostgresFlowStore, migrate, migrationSql, purchaseMigrationSql } from '../../pkg/src/postgres.js';
import { main as cli } from '../../pkg/bin/iap-verify.mjs';
import { main as dbCli } from '../../pkg/src/db-cli.js';
import { PG_URL, freshTables, paidFlow, pool, runOne } from './lib.mjs';

const db = pool(40);
const emu = await startEmulator({ port: 0 });
const emulator = { url: emu.url, appKey: emu.iap.appKey };
after(async () => {
  await db.end();
  await emu.close();
});

let payments = 0;
const newPayment = () => emu.addPayment({ userId: 'user-1', productId: 'gem_100', marketId: 'GG', paymentId: `GPA.0000-0000-0000-${String(++payments).padStart(5, '0')}` });
const fault = (f) => fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/v1/service/consume', ...f }) });

/** The consume requests the emulator logged for nothing else but this test's payments. */
async function acceptedConsumes(since) {
  const { requests } = await (await fetch(`${emu.url}/admin/requests`)).json();
  return requests.slice(since).filter((r) => r.path === '/v1/service/consume' && r.resultCode === 0).length;
}
const logLength = async () => (await (await fetch(`${emu.url}/admin/requests`)).json()).requests.length;

/** The invariants, for one payment. */
async function assertOnce(tables, payment, since, at) {
  const row = (await db.query(`SELECT state, version, flow FROM "${tables.table}" WHERE payment_seq = $1`, [payment.paymentSeq])).rows[0];
  assert.equal(row?.state, 'COMPLETED', `${at}: the row is COMPLETED`);
  assert.equal(row.flow.state, 'COMPLETED', at);
  assert.equal(row.flow.flagged, false, `${at}: not flagged`);
  const grants = (await db.query(`SELECT who FROM "${tables.grants}" WHERE payment_seq = $1`, [payment.paymentSeq])).rows;
  assert.equal(grants.length, 1, `${at}: one grant, got ${JSON.stringify(grants)}`);
  assert.doesNotMatch(grants[0].who, /FLAG/, at);
  assert.equal(await acceptedConsumes(since), 1, `${at}: the IAP server accepted one consume`);
}

test('migration: idempotent, a unique paymentSeq and a version column; `iap-verify db migrate` and `db sql`', async () => {
  await db.query('DROP TABLE IF EXISTS cli_flows, cli_purchases');
  const out = [];
  const io = { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => out.push(s) } };
  assert.equal(await dbCli(['migrate', '--url', PG_URL, '--table', 'cli_flows', '--purchase-table', 'cli_purchases'], io), 0, out.join(''));
  assert.match(out.join(''), /table cli_flows and the purchase ledger cli_purchases are ready/);
  // Through the command's dispatcher too (its plugins write to the process's own streams).
  assert.equal(await cli(['db', 'migrate', '--url', PG_URL, '--table', 'cli_flows', '--purchase-table', 'cli_purchases']), 0, 'a second run changes nothing');
  const cols = (await db.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'cli_flows' ORDER BY ordinal_position`)).rows;
  assert.deepEqual(cols.map((c) => c.column_name), ['payment_seq', 'version', 'state', 'flow', 'created_at', 'updated_at']);
  assert.ok(cols.every((c) => c.is_nullable === 'NO'));
  const pk = (await db.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'cli_flows'::regclass AND i.indisprimary`)).rows;
  assert.deepEqual(pk.map((r) => r.attname), ['payment_seq']);
  out.length = 0;
  assert.equal(await dbCli(['migrate', '--url', PG_URL, '--table', 'bad name; DROP'], io), 2);
  assert.equal(await dbCli(['frobnicate'], io), 2);
  assert.equal(await dbCli(['migrate'], { ...io, env: {} }), 2);
  assert.match(out.join(''), /--table: .*letters, digits[\s\S]*unknown action 'frobnicate'[\s\S]*DATABASE_URL/);
  out.length = 0;
  assert.equal(await dbCli(['sql', '--table', 'app.flows'], io), 0);
  assert.equal(out.join(''), migrationSql({ table: 'app.flows' }) + purchaseMigrationSql({ paymentTable: 'app.flows' }));
  assert.match(out.join(''), /"app"\."flows"/);
  assert.match(migrationSql(), /CREATE TABLE IF NOT EXISTS "iap_payment_flow"/);
  assert.throws(() => migrationSql({ table: 'x"; DROP TABLE y; --' }), (e) => e instanceof IapError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => createPostgresFlowStore({}), (e) => e.code === 'INVALID_ARGUMENT');
});

test('store contract on PostgreSQL: insert once, compare-and-set, transactions roll back', async () => {
  const { table } = await freshTables(db, 'contract');
  const store = createPostgresFlowStore(db, { table });
  const seq = '2025120100000001';
  const json = paidFlow(seq, 'at-1').toJSON();
  assert.equal(await store.load(seq), null);
  assert.equal(await store.insert(seq, json), true);
  assert.equal(await store.insert(seq, json), false);
  assert.deepEqual(await store.load(seq), { flow: json, version: 1 });
  assert.equal(await store.update(seq, json, 2), false);
  assert.equal(await store.update(seq, json, 1), true);
  assert.equal(await store.update(seq, json, 1), false);
  assert.equal((await store.load(seq)).version, 2);

  await assert.rejects(store.deliverInTransaction(seq, async ({ transaction }) => {
    await transaction.query(`UPDATE "${table}" SET state = 'TAMPERED' WHERE payment_seq = $1`, [seq]);
    throw new Error('grant failed');
  }), /grant failed/);
  const r = await db.query(`SELECT state, version FROM "${table}" WHERE payment_seq = $1`, [seq]);
  assert.deepEqual(r.rows[0], { state: 'PAID', version: '2' }, 'rolled back: the write inside the transaction is gone');
  const done = await store.deliverInTransaction(seq, async (locked) => {
    assert.equal(locked.version, 2);
    return locked.flow;
  });
  assert.equal(done.version, 3);
  await assert.rejects(store.deliverInTransaction('2025120100000999', async () => null), (e) => e.code === 'INVALID_ARGUMENT');

  // A write waits for the row lock and then finds the version moved.
  const seen = [];
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const tx = store.deliverInTransaction(seq, async (locked) => {
    seen.push('locked');
    await held;
    return locked.flow;
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const stale = store.update(seq, json, 3).then((ok) => (seen.push(`update ${ok}`), ok));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seen, ['locked'], 'the update waits for the transaction');
  release();
  await tx;
  assert.equal(await stale, false);
  assert.equal(await store.update(seq, json, 4), true);
  assert.deepEqual(await store.unfinished({ updatedBefore: Date.now() + 60_000 }), [seq]);
});

test('16 instances on separate connections, one payment at a time, with the emulator\'s faults', async () => {
  const tables = await freshTables(db, 'connections');
  const faults = [null, { lose: true }, { status: 503 }, { delayMs: 2500 }, { drop: true }, { lose: true, times: 2 }];
  for (let i = 0; i < 12; i++) {
    const payment = newPayment();
    const since = await logLength();
    const f = faults[i % faults.length];
    if (f) await fault(f);
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, n) => runOne(db, tables, emulator, payment, `c${n}`)),
    );
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason?.retryable, true, String(r.reason?.stack ?? r.reason));
    // An app retry after the storm (a no-op when the race finished it).
    await runOne(db, tables, emulator, payment, 'retry');
    await assertOnce(tables, payment, since, `payment ${i}, fault ${JSON.stringify(f)}`);
  }
});

/** Runs the worker process; resolves with its exit code or signal and its output. */
function worker(job) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./worker.mjs', import.meta.url))], {
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

test('4 separate processes race on one payment, twice with a lost consume answer', async () => {
  const tables = await freshTables(db, 'processes');
  for (let i = 0; i < 3; i++) {
    const payment = newPayment();
    const since = await logLength();
    if (i > 0) await fault({ lose: true });
    const runs = await Promise.all(Array.from({ length: 4 }, (_, n) => worker({ tables, emulator, payment, who: `p${n}` })));
    for (const r of runs) assert.equal(r.code, 0, r.out);
    await runOne(db, tables, emulator, payment, 'retry');
    await assertOnce(tables, payment, since, `race ${i}`);
  }
});

test('a process killed at each step (and a second instance racing it): one consume, one grant, no flag', async () => {
  const tables = await freshTables(db, 'kills');
  // How many operations a whole run goes through.
  const probe = newPayment();
  const full = await worker({ tables, emulator, payment: probe, who: 'probe' });
  assert.equal(full.code, 0, full.out);
  assert.ok(full.ops >= 12, full.out);
  let kills = 0;
  for (let killAt = 0; killAt < full.ops; killAt++) {
    for (const racing of [false, true]) {
      const payment = newPayment();
      const since = await logLength();
      const [killed, rival] = await Promise.all([
        worker({ tables, emulator, payment, who: `killed@${killAt}`, killAt }),
        racing ? worker({ tables, emulator, payment, who: 'rival' }) : null,
      ]);
      const at = `killed at op ${killAt}${racing ? ' with a rival' : ''}`;
      // Alone it always reaches its kill point; with a rival it may lose a race first and stop.
      if (racing) assert.ok(killed.signal === 'SIGKILL' || killed.code === 0, `${at}: ${killed.out}`);
      else assert.equal(killed.signal, 'SIGKILL', `${at}: ${killed.out}`);
      if (killed.signal === 'SIGKILL') kills += 1;
      if (rival) assert.equal(rival.code, 0, `${at}: rival: ${rival.out}`);
      // The next run (an app retry, a sweeper over store.unfinished()) resumes the stored flow.
      const resumed = await worker({ tables, emulator, payment, who: 'resumed' });
      assert.equal(resumed.code, 0, `${at}: ${resumed.out}`);
      await assertOnce(tables, payment, since, at);
    }
  }
  assert.ok(kills >= full.ops + 2, `${kills} kills in ${2 * full.ops} runs`);
  console.log(`# ${kills} processes killed at ${full.ops} steps, each run resumed`);
});
