// Purchases per second through runPurchase, per store, with the in-memory and the PostgreSQL
// purchase store (a real server, started by scripts/with-postgres.sh; `make bench`), 4 workers
// running distinct purchases in one process. Each purchase is the whole lifecycle: insert,
// VERIFIED, DELIVERED (the grant row written in the transaction), SETTLE_REQUESTED, SETTLED /
// COMPLETED (NHN: settle first; the App Store: nothing to settle). The verify is the real offline
// check of a purchase signed before the clock starts (Google Play: SHA1withRSA; ONE store:
// SHA512withRSA; the App Store: an ES256 JWS transaction under the local server's certificate
// chain, checked by SignedDataVerifier against its root; NHN: the Google purchase under an NHN
// payment); the store's settle is an in-process stub, so the difference between the columns is the
// store. Medians of alternating rounds, each configuration measured side by side in one run.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Environment, SignedDataVerifier, appStoreAdapter, createMemoryPurchaseStore, runPurchase, toPurchase, verifyGooglePurchase, verifyOneStorePurchase } from '../pkg/node.mjs';
import { createAppStorePki } from '../emulator/src/emulator-pki.js';
import { createPostgresPurchaseStore, migrate, migratePurchases } from '../pkg/src/postgres.js';
import { pool } from '../tests/postgres/lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 300); // per round and configuration
const WORKERS = 4;
const own = (p) => readFileSync(new URL(`../tests/vectors/${p}`, import.meta.url), 'utf8');
const db = pool(16);
await db.query('DROP TABLE IF EXISTS "bench_purchases", "bench_payments", "bench_purchase_grants"');
await migrate(db, { table: 'bench_payments' });
await migratePurchases(db, { table: 'bench_purchases', paymentTable: 'bench_payments' });
await db.query('CREATE TABLE "bench_purchase_grants" (id bigserial PRIMARY KEY, store text NOT NULL, store_id text NOT NULL)');

const BUNDLE_ID = 'com.example.game';
const pki = createAppStorePki();
const appleVerifier = new SignedDataVerifier([pki.root.der], false, Environment.SANDBOX, BUNDLE_ID);

let n = 0;
/** `count` signed purchases of `store`, made before timing. */
function signed(store, count) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const id = `${store}-${process.pid}-${++n}`;
    if (store === 'AS') {
      const transactionId = String(2000000000000000 + n);
      const now = Date.now();
      const jws = pki.signJws({ transactionId, originalTransactionId: transactionId, bundleId: BUNDLE_ID, productId: 'gem_pack_100', purchaseDate: now, originalPurchaseDate: now, quantity: 1, type: 'Consumable', inAppOwnershipType: 'PURCHASED', signedDate: now, environment: 'Sandbox', transactionReason: 'PURCHASE', storefront: 'USA', storefrontId: '143441', price: 1990, currency: 'USD' });
      out.push({ id: transactionId, jws });
    } else if (store === 'ONESTORE') {
      const data = JSON.stringify({ orderId: `ONESTORE7_${id}`, packageName: 'com.example.game', productId: 'gem_pack_100', purchaseTime: Date.now(), purchaseId: id, purchaseToken: id, purchaseState: 0, quantity: 1 });
      out.push({ id, data, sig: createSign('RSA-SHA512').update(data).sign(own('onestore/test-key-2048.pem'), 'base64') });
    } else {
      const data = JSON.stringify({ orderId: `GPA.${id}`, packageName: 'com.example.game', productId: 'gem_pack_100', purchaseTime: Date.now(), purchaseState: 0, purchaseToken: id, quantity: 1 });
      out.push({ id, data, sig: createSign('RSA-SHA1').update(data).sign(own('google/test-key-2048.pem'), 'base64') });
    }
  }
  return out;
}

const catalog = { gem_pack_100: { kind: 'CONSUMABLE', deliver: 100 } };
const adapters = {
  GG: (p) => ({ store: 'GG', verify: () => ({ purchase: verifyGooglePurchase(p.data, p.sig, own('google/test-key-2048.pub')) }), settle: async () => 'SETTLED' }),
  ONESTORE: (p) => ({ store: 'ONESTORE', verify: () => ({ purchase: verifyOneStorePurchase(p.data, p.sig, own('onestore/test-key-2048.pub')) }), settle: async () => 'SETTLED' }),
  AS: (p) => appStoreAdapter({ verify: async () => ({ purchase: await appleVerifier.verifyAndDecodeTransaction(p.jws) }) }),
  NHN: (p) => ({ store: 'NHN', verify: () => ({ purchase: toPurchase(verifyGooglePurchase(p.data, p.sig, own('google/test-key-2048.pub'))) }), settle: async () => 'SETTLED' }),
};
const request = (store, p) =>
  store === 'NHN'
    ? { store: 'GG', nhn: true, storeId: String(9000000000000000 + ++n), token: `at-${p.id}`, productId: 'gem_pack_100', userId: 'bench' }
    : { store, storeId: p.id, productId: 'gem_pack_100', userId: 'bench' };

async function round(purchaseStore, store, grant) {
  const queue = signed(store === 'NHN' ? 'GG' : store, PURCHASES);
  const start = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    for (let p = queue.pop(); p !== undefined; p = queue.pop()) {
      const flow = await runPurchase({ store: purchaseStore, adapter: adapters[store](p), catalog, purchase: request(store, p), deliver: (effect, f, { transaction }) => grant(effect, transaction) });
      if (flow.state !== 'COMPLETED') throw new Error(`${store} ${p.id} ended ${flow.state}`);
    }
  }));
  return PURCHASES / ((performance.now() - start) / 1000);
}

const pg = createPostgresPurchaseStore(db, { table: 'bench_purchases', paymentTable: 'bench_payments' });
const pgGrant = (effect, tx) => tx.query('INSERT INTO "bench_purchase_grants" (store, store_id) VALUES ($1, $2)', [effect.store, effect.storeId]);
const memGrant = () => {};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`\nrunPurchase, ${WORKERS} workers: purchases/s per store (median of ${ROUNDS} alternating rounds of ${PURCHASES})`);
console.log(`  ${'store'.padEnd(10)} ${'in-memory'.padStart(10)} ${'PostgreSQL'.padStart(11)} ${'ratio'.padStart(7)}`);
for (const store of ['GG', 'ONESTORE', 'AS', 'NHN']) {
  const mem = [];
  const pgs = [];
  await round(pg, store, pgGrant); // warm the pool and the plans
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [[pg, pgs, pgGrant], [null, mem, memGrant]] : [[null, mem, memGrant], [pg, pgs, pgGrant]];
    for (const [s, out, grant] of order) out.push(await round(s ?? createMemoryPurchaseStore(), store, grant));
  }
  const [m, p] = [median(mem), median(pgs)];
  console.log(`  ${store.padEnd(10)} ${m.toFixed(0).padStart(10)} ${p.toFixed(0).padStart(11)} ${`${(m / p).toFixed(1)}×`.padStart(7)}`);
}
const rows = (await db.query('SELECT count(*)::int AS n, count(DISTINCT (store, store_id))::int AS d FROM "bench_purchase_grants"')).rows[0];
if (rows.n !== rows.d) throw new Error(`${rows.n} grants for ${rows.d} purchases`);
console.log(`  (${rows.n} PostgreSQL purchases, one grant each)`);
await db.end();
