// One backend instance in its own process, for tests/postgres/purchase-store.test.mjs: runs one
// purchase of `job.store` (GG, ONESTORE, AS or NHN) through runPurchase (the store's real client
// against the local server, the PostgreSQL purchase store, the grant written in the DELIVERED
// transaction), and with `killAt: n` kills itself (SIGKILL) at its n-th operation (every store
// call and every call to the store's API). Prints its ops.
import * as iap from '../../pkg/node.mjs';
import { createPostgresPurchaseStore } from '../../pkg/src/postgres.js';
import { pool, verifyTestPurchase } from './lib.mjs';

const job = JSON.parse(process.env.IAP_JOB);
const killAt = job.killAt ?? -1;
let n = 0;
const op = async (name) => {
  process.stdout.write(`op ${n} ${name}\n`);
  if (n++ === killAt) process.kill(process.pid, 'SIGKILL');
};

/** Each store's adapter over its real client, and what this worker's purchase is. */
const STORES = {
  GG: () => ({
    adapter: iap.googlePlayAdapter({ client: new iap.GooglePlayClient({ serviceAccount: job.serviceAccount, baseUrl: job.url, retryDelayMs: 5, timeoutMs: 2000 }), packageName: job.packageName }),
    purchase: { store: 'GG', storeId: job.id, productId: 'gem_500', userId: 'killed' },
  }),
  ONESTORE: () => ({
    adapter: iap.oneStoreAdapter({
      client: new iap.OneStoreClient({ clientId: job.clientId, clientSecret: job.clientSecret, environment: job.environment, baseUrl: job.url, retryDelayMs: 5, timeoutMs: 2000 }),
    }),
    purchase: { store: 'ONESTORE', storeId: job.id, productId: 'gem_500', userId: 'killed' },
  }),
  AS: () => {
    const a = job.appStore;
    const root = Buffer.from(a.rootCertificate, 'base64');
    const client = new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, { baseUrl: job.url, rootCertificates: [root], appAppleId: a.appAppleId, retryDelayMs: 5, timeoutMs: 2000 });
    const verifier = new iap.SignedDataVerifier([root], false, a.environment, a.bundleId, a.appAppleId);
    return {
      adapter: iap.appStoreAdapter({ verify: async (flow) => ({ purchase: await verifier.verifyAndDecodeTransaction((await client.getTransactionInfo(flow.storeId)).signedTransactionInfo) }) }),
      purchase: { store: 'AS', storeId: job.id, productId: 'gem_500', userId: 'killed' },
    };
  },
  NHN: () => ({
    adapter: iap.nhnAdapter({ client: new iap.IapClient({ appKey: job.appKey, baseUrl: job.url, timeoutMs: 2000, retries: 0 }), verify: async () => ({ purchase: verifyTestPurchase() }) }),
    purchase: { store: 'GG', storeId: job.id, productId: 'gem_pack_100', nhn: true, token: job.token, userId: 'killed' },
  }),
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
  const { adapter, purchase } = STORES[job.store]();
  const flow = await iap.runPurchase({
    store,
    adapter: {
      store: adapter.store,
      verify: async (f) => (await op('verify'), adapter.verify(f)),
      settle: async (e, f) => {
        await op('settle');
        const answer = await adapter.settle(e, f);
        await op('settled');
        return answer;
      },
    },
    catalog: { gem_500: { kind: 'CONSUMABLE' }, gem_pack_100: { kind: 'CONSUMABLE' } },
    purchase,
    maxSettleAttempts: 5,
    deliver: async (effect, f, { transaction }) => {
      await op('deliver');
      await transaction.query(`INSERT INTO "${job.grants}" (store, store_id, who) VALUES ($1, $2, $3)`, [effect.store, effect.storeId, job.who]);
      await op('delivered');
    },
    complete: async () => op('complete'),
  });
  process.stdout.write(`state ${flow.state}\n`);
} finally {
  await p.end();
}
