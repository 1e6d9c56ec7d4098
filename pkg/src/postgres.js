// `iap-verify/postgres`: a flow store on PostgreSQL, through the `pg` driver the caller already
// has (an optional peer dependency: this file never imports it; it is handed a `pg.Pool`). One row
// per payment, keyed by paymentSeq, with a version column that every write compares and bumps in
// one statement, so several backend instances can share payments safely (see flow-store.js for
// the contract, the README for the conflict rules).
import { IapError } from './error.js';
import { checkLimit, ledgerColumns } from './purchase-store.js';

export const DEFAULT_TABLE = 'iap_payment_flow';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** The flow's end states, as SQL: the unfinished index and `unfinished()` leave these out. */
const ENDED = "('COMPLETED', 'VERIFY_FAILED', 'USER_CANCELED', 'REFUNDED', 'CONSUMED_ELSEWHERE')";

/**
 * `name` or `schema.name`, checked and double-quoted; anything else is INVALID_ARGUMENT.
 * @param {unknown} table
 */
function tableName(table) {
  const parts = typeof table === 'string' ? table.split('.') : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
    throw new IapError('INVALID_ARGUMENT', 'postgres flow store: `table` must be a name or schema.name of letters, digits and _');
  }
  return parts.map((p) => `"${p}"`).join('.');
}

/**
 * The migration: the table (and its index of unfinished payments) if they do not exist. The same
 * SQL as `iap-verify db migrate` runs and `iap-verify db sql` prints.
 * @param {{ table?: string }} [options]
 */
export function migrationSql({ table = DEFAULT_TABLE } = {}) {
  const t = tableName(table);
  const index = `"${table.split('.').pop()}_unfinished"`;
  return `CREATE TABLE IF NOT EXISTS ${t} (
  payment_seq text PRIMARY KEY,
  version     bigint NOT NULL CHECK (version > 0),
  state       text NOT NULL,
  flow        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ${index} ON ${t} (updated_at)
  WHERE state NOT IN ${ENDED};
`;
}

/**
 * Runs the migration on `pool` (idempotent).
 * @param {{ query(sql: string): Promise<unknown> }} pool a `pg.Pool` or `pg.Client`
 * @param {{ table?: string }} [options]
 */
export async function migrate(pool, options) {
  await pool.query(migrationSql(options));
}

/** @param {unknown} paymentSeq */
function checkSeq(paymentSeq) {
  if (typeof paymentSeq !== 'string' || paymentSeq === '') {
    throw new IapError('INVALID_ARGUMENT', 'postgres flow store: `paymentSeq` must be a non-empty string');
  }
}

/** @param {import('../web/iap_verify.js').PaymentFlowJSON} flow checked here: callers may pass anything */
function checkFlow(flow) {
  if (flow === null || typeof flow !== 'object' || typeof flow.state !== 'string') {
    throw new IapError('INVALID_ARGUMENT', 'postgres flow store: `flow` must be the object from flow.toJSON()');
  }
  return JSON.stringify(flow);
}

/**
 * A row as the contract's record; bigint comes back from pg as a string.
 * @param {{ flow: unknown, version: unknown } | undefined} row
 * @returns {import('./flow-store.js').FlowRecord | null}
 */
function record(row) {
  if (!row) return null;
  const version = Number(row.version);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new IapError('MALFORMED_INPUT', `postgres flow store: version ${String(row.version)} is not a positive integer`);
  }
  return { flow: typeof row.flow === 'string' ? JSON.parse(row.flow) : /** @type {import('../web/iap_verify.js').PaymentFlowJSON} */ (row.flow), version };
}

/**
 * Runs `fn` on one connection of `pool` between BEGIN and COMMIT; on a throw, ROLLBACK and the
 * error again. A connection whose ROLLBACK failed is unusable: it is dropped, not returned to the
 * pool.
 * @template T
 * @param {import('./postgres.js').PgPoolLike} pool
 * @param {(client: { query(sql: string, params?: unknown[]): Promise<any> }) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function inTransaction(pool, fn) {
  const client = await pool.connect();
  /** @type {unknown} */
  let broken;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch (rollback) {
      broken = rollback;
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * A flow store on PostgreSQL. Run `migrate(pool)` (or `iap-verify db migrate`) once first.
 * @param {import('./postgres.js').PgPoolLike} pool a `pg.Pool`
 * @param {{ table?: string }} [options] the table (default `iap_payment_flow`)
 * @returns {import('./postgres.js').PostgresFlowStore}
 */
export function createPostgresFlowStore(pool, { table = DEFAULT_TABLE } = {}) {
  if (pool === null || typeof pool !== 'object' || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
    throw new IapError('INVALID_ARGUMENT', 'createPostgresFlowStore: pass a pg.Pool (it needs query and connect)');
  }
  const t = tableName(table);
  const sql = {
    load: `SELECT flow, version FROM ${t} WHERE payment_seq = $1`,
    lock: `SELECT flow, version FROM ${t} WHERE payment_seq = $1 FOR UPDATE`,
    insert: `INSERT INTO ${t} (payment_seq, version, state, flow) VALUES ($1, 1, $2, $3::jsonb) ON CONFLICT (payment_seq) DO NOTHING`,
    update: `UPDATE ${t} SET flow = $3::jsonb, state = $2, version = version + 1, updated_at = now() WHERE payment_seq = $1 AND version = $4`,
    unfinished: `SELECT payment_seq FROM ${t} WHERE state NOT IN ${ENDED} AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
  };

  return {
    async load(paymentSeq) {
      checkSeq(paymentSeq);
      const r = await pool.query(sql.load, [paymentSeq]);
      return record(r.rows[0]);
    },
    async insert(paymentSeq, flow) {
      checkSeq(paymentSeq);
      const text = checkFlow(flow);
      const r = await pool.query(sql.insert, [paymentSeq, flow.state, text]);
      return r.rowCount === 1;
    },
    async update(paymentSeq, flow, expectedVersion) {
      checkSeq(paymentSeq);
      const text = checkFlow(flow);
      if (!Number.isSafeInteger(expectedVersion)) {
        throw new IapError('INVALID_ARGUMENT', 'postgres flow store: `expectedVersion` must be an integer');
      }
      const r = await pool.query(sql.update, [paymentSeq, flow.state, text, expectedVersion]);
      return r.rowCount === 1;
    },
    async deliverInTransaction(paymentSeq, fn) {
      checkSeq(paymentSeq);
      return inTransaction(pool, async (client) => {
        const locked = record((await client.query(sql.lock, [paymentSeq])).rows[0]);
        if (!locked) throw new IapError('INVALID_ARGUMENT', `postgres flow store: no flow stored for paymentSeq ${paymentSeq}`);
        const next = await fn({ ...locked, transaction: client });
        if (next == null) return locked;
        const r = await client.query(sql.update, [paymentSeq, next.state, checkFlow(next), locked.version]);
        // The row is locked by this transaction, so the version cannot have moved.
        if (r.rowCount !== 1) throw new IapError('INVALID_STATE_TRANSITION', `postgres flow store: the locked row of ${paymentSeq} changed`);
        return { flow: next, version: locked.version + 1 };
      });
    },
    async unfinished({ updatedBefore = Date.now(), limit = 100 } = {}) {
      if (!Number.isFinite(updatedBefore) || !Number.isSafeInteger(limit) || limit < 1) {
        throw new IapError('INVALID_ARGUMENT', 'postgres flow store: `updatedBefore` must be epoch ms and `limit` a positive integer');
      }
      const r = await pool.query(sql.unfinished, [new Date(updatedBefore), limit]);
      return r.rows.map((/** @type {{ payment_seq: string }} */ row) => row.payment_seq);
    },
  };
}

// ---- The notification store of createNotificationHandler (notifications.js): one row per
// notification id, claimed with a lease, so that of several backend instances receiving the same
// notification (a store's retry, a duplicate delivery) exactly one runs the handler, and a claim
// whose instance died lapses for another to take over. Times are the database's (`now()`), one
// clock for every instance. ----

export const DEFAULT_NOTIFICATION_TABLE = 'iap_notification';

/**
 * The migration (idempotent): the table and its index for `prune`.
 * @param {{ table?: string }} [options]
 */
export function notificationMigrationSql({ table = DEFAULT_NOTIFICATION_TABLE } = {}) {
  const t = tableName(table);
  const index = `"${table.split('.').pop()}_done_at"`;
  return `CREATE TABLE IF NOT EXISTS ${t} (
  id          text PRIMARY KEY,
  state       text NOT NULL CHECK (state IN ('BUSY', 'DONE')),
  lease_until timestamptz,
  done_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ${index} ON ${t} (done_at) WHERE state = 'DONE';
`;
}

/** @param {unknown} id */
function checkId(id) {
  if (typeof id !== 'string' || id === '') throw new IapError('INVALID_ARGUMENT', 'postgres notification store: the id must be a non-empty string');
  return id;
}

/**
 * A notification store on PostgreSQL. Run `migrateNotifications(pool)` once first.
 * @param {Pick<import('./postgres.js').PgPoolLike, 'query'>} pool a `pg.Pool`
 * @param {{ table?: string }} [options] the table (default `iap_notification`)
 * @returns {import('./postgres.js').PostgresNotificationStore}
 */
export function createPostgresNotificationStore(pool, { table = DEFAULT_NOTIFICATION_TABLE } = {}) {
  if (pool === null || typeof pool !== 'object' || typeof pool.query !== 'function') {
    throw new IapError('INVALID_ARGUMENT', 'createPostgresNotificationStore: pass a pg.Pool');
  }
  const t = tableName(table);
  const sql = {
    // A new id, or a claim whose lease ran out: this instance holds it now.
    claim: `INSERT INTO ${t} (id, state, lease_until) VALUES ($1, 'BUSY', now() + $2 * interval '1 millisecond')
ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until
  WHERE ${t}.state = 'BUSY' AND ${t}.lease_until < now()
RETURNING state`,
    state: `SELECT state FROM ${t} WHERE id = $1`,
    complete: `UPDATE ${t} SET state = 'DONE', done_at = now(), lease_until = NULL WHERE id = $1`,
    release: `DELETE FROM ${t} WHERE id = $1 AND state = 'BUSY'`,
    prune: `DELETE FROM ${t} WHERE state = 'DONE' AND done_at < $1`,
  };
  return {
    async claim(id, leaseMs) {
      checkId(id);
      if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) throw new IapError('INVALID_ARGUMENT', 'postgres notification store: `leaseMs` must be a positive integer');
      const r = await pool.query(sql.claim, [id, leaseMs]);
      if (r.rowCount === 1) return 'NEW';
      const s = await pool.query(sql.state, [id]);
      const state = s.rows[0]?.state;
      // Released between the two statements: it is free again, and the store will deliver it again.
      if (state === undefined) return 'BUSY';
      return state === 'DONE' ? 'DONE' : 'BUSY';
    },
    async complete(id) {
      await pool.query(sql.complete, [checkId(id)]);
    },
    async release(id) {
      await pool.query(sql.release, [checkId(id)]);
    },
    async prune({ doneBefore }) {
      if (!Number.isFinite(doneBefore)) throw new IapError('INVALID_ARGUMENT', 'postgres notification store: `doneBefore` must be epoch ms');
      const r = await pool.query(sql.prune, [new Date(doneBefore)]);
      return r.rowCount ?? 0;
    },
  };
}

/**
 * Runs the notification store's migration on `pool` (idempotent).
 * @param {{ query(sql: string): Promise<unknown> }} pool
 * @param {{ table?: string }} [options]
 */
export async function migrateNotifications(pool, options) {
  await pool.query(notificationMigrationSql(options));
}
// ---- The purchase ledger (runPurchase): one row per purchase, keyed by (store, store_id). ----

export const DEFAULT_PURCHASE_TABLE = 'iap_purchase';
/** A ledger row whose REVOKE is owed: the predicate of `unrevoked` and of its partial index (the same text, so the index serves it). */
const UNREVOKED = `state = 'REFUNDED' AND (flow->>'revokePending') = 'true'`;

/**
 * The ledger's migration (idempotent): its table keyed by (store, store_id), with the columns the
 * ledger's questions read and their indexes (a user's purchases newest first; unsettled purchases
 * by deadline; refunds whose revoke is owed, read from the stored flow's `revokePending`, so rows
 * written before that field need no new column), and, on today's payment-flow table (`paymentTable`, default `iap_payment_flow`,
 * `null` for none), an index on the flow's userId so that `purchasesOf` reads runPayment's rows in
 * place: they stay where they are, unchanged and readable by runPayment and by the ledger.
 * @param {{ table?: string, paymentTable?: string | null }} [options]
 */
export function purchaseMigrationSql({ table = DEFAULT_PURCHASE_TABLE, paymentTable = DEFAULT_TABLE } = {}) {
  const t = tableName(table);
  const base = table.split('.').pop();
  let sql = `CREATE TABLE IF NOT EXISTS ${t} (
  store          text NOT NULL,
  store_id       text NOT NULL,
  version        bigint NOT NULL CHECK (version > 0),
  state          text NOT NULL,
  user_id        text,
  product_id     text NOT NULL,
  flagged        boolean NOT NULL DEFAULT false,
  unsettled      boolean NOT NULL DEFAULT false,
  acknowledge_by bigint,
  flow           jsonb NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  delivered_at   timestamptz,
  settled_at     timestamptz,
  refunded_at    timestamptz,
  PRIMARY KEY (store, store_id)
);
CREATE INDEX IF NOT EXISTS "${base}_user" ON ${t} (user_id, created_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS "${base}_unsettled" ON ${t} (acknowledge_by) WHERE unsettled;
CREATE INDEX IF NOT EXISTS "${base}_unrevoked" ON ${t} (refunded_at) WHERE ${UNREVOKED};
`;
  if (paymentTable !== null) {
    const p = tableName(paymentTable);
    sql += `CREATE INDEX IF NOT EXISTS "${paymentTable.split('.').pop()}_user" ON ${p} ((flow->>'userId'), created_at DESC);
`;
  }
  return sql;
}

/**
 * Runs the ledger's migration on `pool`. Run `migrate` first when `paymentTable` is used.
 * @param {{ query(sql: string): Promise<unknown> }} pool
 * @param {{ table?: string, paymentTable?: string | null }} [options]
 */
export async function migratePurchases(pool, options) {
  await pool.query(purchaseMigrationSql(options));
}

/** @param {unknown} v a timestamptz as pg returns it */
const ms = (v) => (v == null ? null : v instanceof Date ? v.getTime() : new Date(String(v)).getTime());

/**
 * A purchase store (runPurchase's ledger) on PostgreSQL: the contract of purchase-store.js, every
 * write a compare-and-set on the row's version, `deliverInTransaction` under a row lock. With
 * `paymentTable` (default `iap_payment_flow`; `null` for none), `purchasesOf` and
 * `purchase('NHN', paymentSeq)` also read runPayment's rows there.
 * @param {import('./postgres.js').PgPoolLike} pool
 * @param {{ table?: string, paymentTable?: string | null }} [options]
 * @returns {import('./postgres.js').PostgresPurchaseStore}
 */
export function createPostgresPurchaseStore(pool, { table = DEFAULT_PURCHASE_TABLE, paymentTable = DEFAULT_TABLE } = {}) {
  if (pool === null || typeof pool !== 'object' || typeof pool.query !== 'function' || typeof pool.connect !== 'function') {
    throw new IapError('INVALID_ARGUMENT', 'createPostgresPurchaseStore: pass a pg.Pool (it needs query and connect)');
  }
  const t = tableName(table);
  const p = paymentTable === null ? null : tableName(paymentTable);
  const cols = 'store, store_id, user_id, product_id, state, flagged, created_at, delivered_at, settled_at, refunded_at, acknowledge_by';
  // runPayment's rows as ledger entries: NHN payments, settled when consumed.
  const legacy = p
    ? `SELECT 'NHN' AS store, payment_seq AS store_id, flow->>'userId' AS user_id, flow->>'productId' AS product_id, state,
         (flow->>'flagged')::boolean AS flagged, created_at,
         CASE WHEN (flow->>'delivered')::boolean THEN updated_at END AS delivered_at,
         CASE WHEN (flow->>'consumeAttempts')::int > 0 AND state IN ('CONSUMED', 'DELIVERED', 'COMPLETED') THEN updated_at END AS settled_at,
         CASE WHEN state = 'REFUNDED' THEN updated_at END AS refunded_at, NULL::bigint AS acknowledge_by FROM ${p}`
    : null;
  const set = `user_id = $4, product_id = $5, state = $6, flagged = $7, unsettled = $8, acknowledge_by = $9,
      delivered_at = COALESCE(delivered_at, CASE WHEN $10::boolean THEN now() END),
      settled_at = COALESCE(settled_at, CASE WHEN $11::boolean THEN now() END),
      refunded_at = COALESCE(refunded_at, CASE WHEN $12::boolean THEN now() END)`;
  const sql = {
    load: `SELECT flow, version FROM ${t} WHERE store = $1 AND store_id = $2`,
    lock: `SELECT flow, version FROM ${t} WHERE store = $1 AND store_id = $2 FOR UPDATE`,
    insert: `INSERT INTO ${t} (store, store_id, flow, version, user_id, product_id, state, flagged, unsettled, acknowledge_by, delivered_at, settled_at, refunded_at)
      VALUES ($1, $2, $3::jsonb, 1, $4, $5, $6, $7, $8, $9, CASE WHEN $10::boolean THEN now() END, CASE WHEN $11::boolean THEN now() END, CASE WHEN $12::boolean THEN now() END)
      ON CONFLICT (store, store_id) DO NOTHING`,
    update: `UPDATE ${t} SET flow = $3::jsonb, version = version + 1, updated_at = now(), ${set} WHERE store = $1 AND store_id = $2 AND version = $13`,
    one: `SELECT ${cols} FROM ${t} WHERE store = $1 AND store_id = $2`,
    legacyOne: legacy ? `SELECT * FROM (${legacy} WHERE payment_seq = $1) l` : '',
    of: `SELECT ${cols} FROM ${t} WHERE user_id = $1${legacy ? ` UNION ALL SELECT * FROM (${legacy} WHERE flow->>'userId' = $1) l` : ''} ORDER BY created_at DESC`,
    unsettled: `SELECT store, store_id, acknowledge_by FROM ${t} WHERE unsettled ORDER BY acknowledge_by LIMIT $1`,
    unrevoked: `SELECT store, store_id, refunded_at FROM ${t} WHERE ${UNREVOKED} ORDER BY refunded_at LIMIT $1`,
  };
  /** @param {string} store @param {string} storeId @param {any} flow */
  const params = (store, storeId, flow) => {
    checkKey(store, storeId);
    const c = ledgerColumns(flow);
    return [store, storeId, JSON.stringify(flow), c.userId, c.productId, c.state, c.flagged, c.unsettled, c.acknowledgeBy, c.delivered, c.settled, c.refunded];
  };
  /** @param {any} r */
  const entry = (r) => ({
    store: r.store,
    storeId: r.store_id,
    userId: r.user_id ?? null,
    productId: r.product_id,
    state: r.state,
    flagged: r.flagged === true,
    createdAt: /** @type {number} */ (ms(r.created_at)),
    deliveredAt: ms(r.delivered_at),
    settledAt: ms(r.settled_at),
    refundedAt: ms(r.refunded_at),
    acknowledgeBy: r.acknowledge_by == null ? null : Number(r.acknowledge_by),
  });
  return {
    async load(store, storeId) {
      checkKey(store, storeId);
      return /** @type {any} */ (record((await pool.query(sql.load, [store, storeId])).rows[0]));
    },
    async insert(store, storeId, flow) {
      return (await pool.query(sql.insert, params(store, storeId, flow))).rowCount === 1;
    },
    async update(store, storeId, flow, expectedVersion) {
      if (!Number.isSafeInteger(expectedVersion)) throw new IapError('INVALID_ARGUMENT', 'postgres purchase store: `expectedVersion` must be an integer');
      return (await pool.query(sql.update, [...params(store, storeId, flow), expectedVersion])).rowCount === 1;
    },
    async deliverInTransaction(store, storeId, fn) {
      checkKey(store, storeId);
      return inTransaction(pool, async (client) => {
        const locked = record((await client.query(sql.lock, [store, storeId])).rows[0]);
        if (!locked) throw new IapError('INVALID_ARGUMENT', `postgres purchase store: nothing stored for ${store} ${storeId}`);
        const next = await fn({ flow: /** @type {any} */ (locked.flow), version: locked.version, transaction: client });
        if (next == null) return /** @type {{ flow: any, version: number }} */ (locked);
        const r = await client.query(sql.update, [...params(store, storeId, next), locked.version]);
        if (r.rowCount !== 1) throw new IapError('INVALID_STATE_TRANSITION', `postgres purchase store: the locked row of ${store} ${storeId} changed`);
        return { flow: next, version: locked.version + 1 };
      });
    },
    async purchase(store, storeId) {
      checkKey(store, storeId);
      const r = (await pool.query(sql.one, [store, storeId])).rows[0];
      if (r) return entry(r);
      if (store !== 'NHN' || !sql.legacyOne) return null;
      const l = (await pool.query(sql.legacyOne, [storeId])).rows[0];
      return l ? entry(l) : null;
    },
    async purchasesOf(userId) {
      if (typeof userId !== 'string' || userId === '') throw new IapError('INVALID_ARGUMENT', 'postgres purchase store: `userId` must be a non-empty string');
      return (await pool.query(sql.of, [userId])).rows.map(entry);
    },
    async unsettled({ limit = 100 } = {}) {
      checkLimit(limit, 'postgres purchase store');
      return (await pool.query(sql.unsettled, [limit])).rows.map((/** @type {any} */ r) => ({ store: r.store, storeId: r.store_id, acknowledgeBy: r.acknowledge_by == null ? null : Number(r.acknowledge_by) }));
    },
    async unrevoked({ limit = 100 } = {}) {
      checkLimit(limit, 'postgres purchase store');
      return (await pool.query(sql.unrevoked, [limit])).rows.map((/** @type {any} */ r) => ({ store: r.store, storeId: r.store_id, refundedAt: ms(r.refunded_at) }));
    },
  };
}

/** @param {unknown} store @param {unknown} storeId */
function checkKey(store, storeId) {
  if (typeof store !== 'string' || store === '' || typeof storeId !== 'string' || storeId === '') {
    throw new IapError('INVALID_ARGUMENT', 'postgres purchase store: `store` and `storeId` must be non-empty strings');
  }
}
