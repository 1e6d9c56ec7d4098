// `iap-verify/postgres`: a flow store on PostgreSQL, through the `pg` driver the caller already
// has (an optional peer dependency: this file never imports it; it is handed a `pg.Pool`). One row
// per payment, keyed by paymentSeq, with a version column that every write compares and bumps in
// one statement, so several backend instances can share payments safely (see flow-store.js for
// the contract, the README for the conflict rules).
import { IapError } from './error.js';

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
      const client = await pool.connect();
      /** @type {unknown} */
      let broken;
      try {
        await client.query('BEGIN');
        const locked = record((await client.query(sql.lock, [paymentSeq])).rows[0]);
        if (!locked) throw new IapError('INVALID_ARGUMENT', `postgres flow store: no flow stored for paymentSeq ${paymentSeq}`);
        const next = await fn({ ...locked, transaction: client });
        let result = locked;
        if (next != null) {
          const r = await client.query(sql.update, [paymentSeq, next.state, checkFlow(next), locked.version]);
          // The row is locked by this transaction, so the version cannot have moved.
          if (r.rowCount !== 1) throw new IapError('INVALID_STATE_TRANSITION', `postgres flow store: the locked row of ${paymentSeq} changed`);
          result = { flow: next, version: locked.version + 1 };
        }
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch (rollback) {
          broken = rollback; // the connection is unusable: drop it from the pool
        }
        throw e;
      } finally {
        client.release(broken);
      }
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

// The notification store of createNotificationHandler (notifications.js), on the same pool.
export { createPostgresNotificationStore, migrateNotifications, notificationMigrationSql, DEFAULT_NOTIFICATION_TABLE } from './postgres-notifications.js';
