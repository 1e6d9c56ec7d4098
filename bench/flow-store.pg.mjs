// Payments per second through runPayment's flow store: PostgreSQL (a real server, started by
// scripts/with-postgres.sh; `make bench`) against the in-memory store, with 1, 4 and 16 workers
// running distinct payments concurrently in one process. Each payment is the whole flow: insert,
// VERIFIED, CONSUME_REQUESTED, CONSUMED, DELIVERED (the grant row written in the transaction),
// COMPLETED; the verify is the real Google check, the IAP server's consume an in-process stub, so
// the difference between the rows is the store. Rounds alternate the stores; medians are shown.
import { createMemoryFlowStore, runPayment } from '../pkg/node.mjs';
import { createPostgresFlowStore } from '../pkg/src/postgres.js';
import { freshTables, paidFlow, pool, verifyTestPurchase } from '../tests/postgres/lib.mjs';

const ROUNDS = 5;
const PAYMENTS = 400; // per round and configuration
const db = pool(16);
const tables = await freshTables(db, 'bench');
let seq = 3000000000000000;

async function round(store, workers, grant) {
  const queue = Array.from({ length: PAYMENTS }, () => String(++seq));
  const start = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    for (let s = queue.pop(); s !== undefined; s = queue.pop()) {
      const flow = await runPayment({
        store,
        flow: paidFlow(s, `at-${s}`),
        verify: verifyTestPurchase,
        consume: async () => {},
        deliver: (effect, f, { transaction }) => grant(effect, transaction),
      });
      if (flow.state !== 'COMPLETED') throw new Error(`payment ${s} ended ${flow.state}`);
    }
  }));
  return PAYMENTS / ((performance.now() - start) / 1000);
}

const pg = createPostgresFlowStore(db, { table: tables.table });
const pgGrant = (effect, tx) => tx.query(`INSERT INTO "${tables.grants}" (payment_seq, who) VALUES ($1, 'bench')`, [effect.paymentSeq]);
let memoryGrants = 0;
const memGrant = () => void (memoryGrants += 1);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nrunPayment through a flow store: payments/s (median of ${ROUNDS} alternating rounds of ${PAYMENTS} payments)`);
console.log(`  ${'workers'.padEnd(8)} ${'in-memory'.padStart(10)} ${'PostgreSQL'.padStart(11)} ${'ratio'.padStart(7)} ${'store cost per payment'.padStart(23)}`);
for (const workers of [1, 4, 16]) {
  const mem = [];
  const pgs = [];
  await round(pg, workers, pgGrant); // warm the pool and the plans
  for (let r = 0; r < ROUNDS; r++) {
    const memory = createMemoryFlowStore();
    if (r % 2) {
      pgs.push(await round(pg, workers, pgGrant));
      mem.push(await round(memory, workers, memGrant));
    } else {
      mem.push(await round(memory, workers, memGrant));
      pgs.push(await round(pg, workers, pgGrant));
    }
  }
  const [m, p] = [median(mem), median(pgs)];
  const costMs = 1000 / p - 1000 / m;
  console.log(`  ${String(workers).padEnd(8)} ${m.toFixed(0).padStart(10)} ${p.toFixed(0).padStart(11)} ${`${(m / p).toFixed(1)}×`.padStart(7)} ${`${costMs.toFixed(2)} ms`.padStart(23)}`);
}
const rows = (await db.query(`SELECT count(*)::int AS n, count(DISTINCT payment_seq)::int AS d FROM "${tables.grants}"`)).rows[0];
if (rows.n !== rows.d) throw new Error(`${rows.n} grants for ${rows.d} payments`);
console.log(`  (${rows.n} PostgreSQL payments, one grant each; ${memoryGrants} in memory)`);
await db.end();
