// The notification store of createNotificationHandler on PostgreSQL (re-exported by
// `iap-verify/postgres`): one row per notification id, claimed with a lease, so that of several
// backend instances receiving the same notification (a store's retry, a duplicate delivery) exactly
// one runs the handler, and a claim whose instance died lapses for another to take over. Times are
// the database's (`now()`), one clock for every instance.
import { IapError } from './error.js';

export const DEFAULT_NOTIFICATION_TABLE = 'iap_notification';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** @param {unknown} table */
function tableName(table) {
  const parts = typeof table === 'string' ? table.split('.') : [];
  if (parts.length < 1 || parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
    throw new IapError('INVALID_ARGUMENT', 'postgres notification store: `table` must be a name or schema.name of letters, digits and _');
  }
  return parts.map((p) => `"${p}"`).join('.');
}

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
