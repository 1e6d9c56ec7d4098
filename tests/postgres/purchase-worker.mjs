// One backend instance in its own process, for tests/postgres/purchase-store.test.mjs: runs one
// Google Play purchase through runPurchase (the local server's Play face, the PostgreSQL purchase
// store, the grant written in the DELIVERED transaction), and with KILL_AT=n kills itself (SIGKILL)
// at its n-th operation (every store call and every call to the store's API). Prints its ops.
import { GooglePlayClient, googlePlayAdapter, runPurchase } from '../../pkg/node.mjs';
import { createPostgresPurchaseStore } from '../../pkg/src/postgres.js';
import { pool } from './lib.mjs';

const job = JSON.parse(process.env.IAP_JOB);
const killAt = job.killAt ?? -1;
let n = 0;
const op = async (name) => {
  process.stdout.write(`op ${n} ${name}\n`);
  if (n++ === killAt) process.kill(process.pid, 'SIGKILL');
};
const p = pool(2);
try {
  const inner = createPostgresPurchaseStore(p, { table: job.table, paymentTable: null });
  const store = {
    load: async (...a) => (await op('load'), inner.load(...a)),
    insert: async (...a) => (await op('insert'), inner.insert(...a)),
    update: async (...a) => (await op(`update ${a[2].state}`), inner.update(...a)),
    deliverInTransaction: async (...a) => (await op('deliverInTransaction'), inner.deliverInTransaction(...a)),
  };
  const adapter = googlePlayAdapter({ client: new GooglePlayClient({ serviceAccount: job.serviceAccount, baseUrl: job.url, retryDelayMs: 5, timeoutMs: 2000 }), packageName: job.packageName });
  const flow = await runPurchase({
    store,
    adapter: {
      store: 'GG',
      verify: async (f) => (await op('verify'), adapter.verify(f)),
      settle: async (e, f) => {
        await op('settle');
        const answer = await adapter.settle(e, f);
        await op('settled');
        return answer;
      },
    },
    catalog: { gem_500: { kind: 'CONSUMABLE' } },
    purchase: { store: 'GG', storeId: job.token, productId: 'gem_500', userId: 'killed' },
    maxSettleAttempts: 5,
    deliver: async (effect, f, { transaction }) => {
      await op('deliver');
      await transaction.query(`INSERT INTO "${job.grants}" (store, store_id, who) VALUES ($1, $2, $3)`, [effect.store, effect.storeId, job.who]);
      await op('delivered');
    },
  });
  process.stdout.write(`state ${flow.state}\n`);
} finally {
  await p.end();
}
