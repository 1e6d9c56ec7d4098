// What the PostgreSQL tests and the flow-store benchmark share: the server's URL (from
// scripts/with-postgres.sh), a pool, a fresh table per test, and one backend's runPayment over
// the real IapClient, the emulator and the PostgreSQL store, delivering inside the transaction.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { IapClient, PaymentFlow, runPayment, verifyGooglePurchase } from '../../pkg/node.mjs';
import { createPostgresFlowStore, migrate } from '../../pkg/src/postgres.js';

const own = (p) => readFileSync(new URL(`../vectors/${p}`, import.meta.url), 'utf8');
const KEY = own('google/test-key-2048.pub');
const SIGNED = own('google/consumable.json');
const SIG = own('google/consumable.sig');
/** The real offline check of the project's Google test purchase (what every `verify` here does). */
export const verifyTestPurchase = () => verifyGooglePurchase(SIGNED, SIG, KEY);

export const PG_URL = process.env.IAP_VERIFY_PG_URL;
if (!PG_URL) throw new Error('IAP_VERIFY_PG_URL is not set: run through scripts/with-postgres.sh (make test-postgres)');

export const pool = (max = 20) => new pg.Pool({ connectionString: PG_URL, max });

/** A fresh flow table and grant table, named after `name`. */
export async function freshTables(p, name) {
  const table = `flows_${name}`;
  await p.query(`DROP TABLE IF EXISTS "${table}", "grants_${name}"`);
  await migrate(p, { table });
  await p.query(`CREATE TABLE "grants_${name}" (id bigserial PRIMARY KEY, payment_seq text NOT NULL, who text NOT NULL)`);
  return { table, grants: `grants_${name}` };
}

export const paidFlow = (paymentSeq, accessToken) =>
  PaymentFlow.start({ paymentSeq, userId: 'user-1', store: 'GG', productId: 'gem_pack_100' })
    .apply({ type: 'PAID', accessToken }).flow;

/**
 * One backend instance's runPayment for `payment` (from the emulator): verifies the Google
 * purchase offline, consumes with IapClient, writes the grant with the transaction's client.
 * `hooks.op(name)` is awaited before every store operation and callback (the kill points).
 */
export function runOne(p, { table, grants }, { url, appKey }, payment, who, hooks = {}) {
  const op = hooks.op ?? (async () => {});
  const inner = createPostgresFlowStore(p, { table });
  const store = {
    load: async (...a) => (await op('load'), inner.load(...a)),
    insert: async (...a) => (await op('insert'), inner.insert(...a)),
    update: async (...a) => (await op(`update ${a[1].state}`), inner.update(...a)),
    deliverInTransaction: async (...a) => (await op('deliverInTransaction'), inner.deliverInTransaction(...a)),
  };
  const iap = new IapClient({ appKey, baseUrl: url, timeoutMs: hooks.timeoutMs ?? 2000, retries: 0 });
  return runPayment({
    store,
    flow: paidFlow(payment.paymentSeq, payment.accessToken),
    maxConsumeAttempts: hooks.maxConsumeAttempts ?? 5,
    verify: async () => (await op('verify'), verifyTestPurchase()),
    consume: async (effect) => {
      await op('consume');
      await iap.consume({ paymentSeq: effect.paymentSeq, accessToken: effect.accessToken });
      await op('consumed');
    },
    deliver: async (effect, flow, { transaction }) => {
      await op('deliver');
      await transaction.query(`INSERT INTO "${grants}" (payment_seq, who) VALUES ($1, $2)`, [effect.paymentSeq, who]);
      await op('delivered');
    },
    complete: async () => op('complete'),
    flag: async (effect) => {
      await p.query(`INSERT INTO "${grants}" (payment_seq, who) VALUES ($1, $2)`, [effect.paymentSeq, `FLAG by ${who}`]);
    },
  });
}
