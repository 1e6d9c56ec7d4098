// One backend instance in its own process, for tests/postgres/revoke.test.mjs: applies a refund to
// `job.key` of the PostgreSQL purchase store, its `revoke` writing the grant's take-back into
// `job.grants` (idempotent on store and storeId: in the transaction that records REVOKED, or, with
// `job.noTransaction`, on its own), then kills itself (SIGKILL) at `job.killAt`: `revoke` (as the
// revoke starts) or `revoked` (after the take-back was written, before REVOKED is recorded).
import * as iap from '../../pkg/node.mjs';
import { createPostgresPurchaseStore } from '../../pkg/src/postgres.js';
import { pool } from './lib.mjs';

const job = JSON.parse(process.env.IAP_JOB);
const p = pool(2);
const at = (name) => {
  process.stdout.write(`at ${name}\n`);
  if (job.killAt === name) process.kill(process.pid, 'SIGKILL');
};
try {
  const inner = createPostgresPurchaseStore(p, { table: job.table, paymentTable: null });
  const { deliverInTransaction, ...plain } = inner;
  const store = job.noTransaction ? plain : { ...plain, deliverInTransaction };
  const flow = await iap.applyRefund({
    store,
    key: job.key,
    reason: 'killed',
    revoke: async (effect, f, { transaction }) => {
      at('revoke');
      await (transaction ?? p).query(
        `INSERT INTO "${job.grants}" (store, store_id, who) SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM "${job.grants}" WHERE store = $1 AND store_id = $2)`,
        [effect.store, effect.storeId, 'worker'],
      );
      at('revoked');
    },
  });
  process.stdout.write(`state ${flow.state} ${flow.revokePending}\n`);
} finally {
  await p.end();
}
