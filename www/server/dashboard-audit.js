// The audit trail: every look-up and action (who, when, which customer or id, what was done, the
// result), appended to PostgreSQL when a URL is configured (the `pg` package, installed beside the
// dashboard), else to a JSON-lines file. Entries are built from named fields only: whatever a
// request carried beyond them (a password, a token, a key) has no field to land in.
import { appendFile, readFile, writeFile, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { openPool } from './dashboard-pg.js';

/**
 * One entry. `target`: the customer or id looked at or acted on; `result`: ok, refused, error.
 * @typedef {{ at: string, user: string, role: string, action: string, store?: string, target?: string,
 *   result: 'ok' | 'refused' | 'error', detail?: string }} AuditEntry
 */
/** @typedef {{ user?: string, action?: string, target?: string, since?: string, limit?: number }} AuditQuery */

const MAX_TEXT = 256;
const text = (/** @type {unknown} */ v) => (typeof v === 'string' ? v.slice(0, MAX_TEXT) : undefined);

/**
 * The entry as it is written: each field its type, texts cut at 256 characters.
 * @param {Omit<AuditEntry, 'at'> & { at?: string }} e
 * @returns {AuditEntry}
 */
function clean(e) {
  /** @type {AuditEntry} */
  const out = {
    at: e.at ?? new Date().toISOString(),
    user: text(e.user) ?? '?',
    role: text(e.role) ?? '?',
    action: text(e.action) ?? '?',
    result: e.result === 'ok' || e.result === 'refused' ? e.result : 'error',
  };
  const store = text(e.store);
  const target = text(e.target);
  const detail = text(e.detail);
  if (store !== undefined) out.store = store;
  if (target !== undefined) out.target = target;
  if (detail !== undefined) out.detail = detail;
  return out;
}

/**
 * @param {AuditEntry} e
 * @param {AuditQuery} q
 */
const matches = (e, q) =>
  (!q.user || e.user === q.user) && (!q.action || e.action === q.action) && (!q.target || (e.target ?? '').includes(q.target)) && (!q.since || e.at >= q.since);

/**
 * @typedef {{ kind: 'postgres' | 'file' | 'memory', append(e: Omit<AuditEntry, 'at'> & { at?: string }): Promise<void>,
 *   query(q?: AuditQuery): Promise<AuditEntry[]>, prune(now?: number): Promise<number>, close(): Promise<void>,
 *   retentionDays: number }} AuditTrail
 */

/**
 * The JSON-lines trail in `file` (created when missing). Writes are serialized in this process.
 * @param {string} file
 * @param {number} retentionDays
 * @returns {AuditTrail}
 */
export function fileAudit(file, retentionDays) {
  /** @type {Promise<unknown>} */
  let queue = Promise.resolve();
  /** @template T @param {() => Promise<T>} f @returns {Promise<T>} */
  const serial = (f) => {
    const p = queue.then(f);
    queue = p.catch(() => undefined);
    return p;
  };
  const readAll = async () => {
    if (!existsSync(file)) return [];
    /** @type {AuditEntry[]} */
    const out = [];
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // A torn last line (a crash mid-write) is skipped.
      }
    }
    return out;
  };
  return {
    kind: 'file',
    retentionDays,
    append: (e) => serial(() => appendFile(file, `${JSON.stringify(clean(e))}\n`, { mode: 0o600 })),
    query: (q = {}) =>
      serial(async () => {
        const limit = Math.min(Math.max(1, q.limit ?? 200), 1000);
        return (await readAll()).filter((e) => matches(e, q)).reverse().slice(0, limit);
      }),
    prune: (now = Date.now()) =>
      serial(async () => {
        const cut = new Date(now - retentionDays * 86_400_000).toISOString();
        const all = await readAll();
        const kept = all.filter((e) => e.at >= cut);
        if (kept.length === all.length) return 0;
        const tmp = `${file}.tmp`;
        await writeFile(tmp, kept.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
        await rename(tmp, file);
        return all.length - kept.length;
      }),
    close: async () => {
      await queue;
    },
  };
}

/**
 * The trail in PostgreSQL, table `iap_verify_dashboard_audit` (created when missing).
 * @param {string} url
 * @param {number} retentionDays
 * @returns {Promise<AuditTrail>}
 */
export async function postgresAudit(url, retentionDays) {
  const { pool } = await openPool(url, 'audit.postgres', async (pool) => {
    await pool.query(`CREATE TABLE IF NOT EXISTS iap_verify_dashboard_audit (
    id bigserial PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL, role text NOT NULL,
    action text NOT NULL, store text, target text, result text NOT NULL, detail text)`);
    await pool.query('CREATE INDEX IF NOT EXISTS iap_verify_dashboard_audit_at ON iap_verify_dashboard_audit (at)');
  });
  return {
    kind: 'postgres',
    retentionDays,
    async append(e) {
      const c = clean(e);
      await pool.query('INSERT INTO iap_verify_dashboard_audit (at, actor, role, action, store, target, result, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        c.at, c.user, c.role, c.action, c.store ?? null, c.target ?? null, c.result, c.detail ?? null,
      ]);
    },
    async query(q = {}) {
      const limit = Math.min(Math.max(1, q.limit ?? 200), 1000);
      const r = await pool.query(
        `SELECT at, actor, role, action, store, target, result, detail FROM iap_verify_dashboard_audit
         WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2)
           AND ($3::text IS NULL OR strpos(coalesce(target, ''), $3) > 0) AND ($4::timestamptz IS NULL OR at >= $4)
         ORDER BY at DESC, id DESC LIMIT $5`,
        [q.user || null, q.action || null, q.target || null, q.since || null, limit],
      );
      return r.rows.map((/** @type {any} */ row) => clean({ ...row, at: new Date(row.at).toISOString(), user: row.actor, store: row.store ?? undefined, target: row.target ?? undefined, detail: row.detail ?? undefined }));
    },
    async prune(now = Date.now()) {
      const r = await pool.query('DELETE FROM iap_verify_dashboard_audit WHERE at < $1', [new Date(now - retentionDays * 86_400_000).toISOString()]);
      return r.rowCount ?? 0;
    },
    close: () => pool.end(),
  };
}

/**
 * The configured trail: `{ postgres: URL }` or `{ file: PATH }` (default `iap-verify-dashboard-audit.jsonl`
 * in the working folder), `retentionDays` (default 365).
 * @param {{ postgres?: string, file?: string, retentionDays?: number } | undefined} conf
 */
export async function openAudit(conf = {}) {
  const days = conf.retentionDays ?? 365;
  if (!Number.isInteger(days) || days < 1) throw new Error('audit.retentionDays: a positive integer');
  return conf.postgres ? postgresAudit(conf.postgres, days) : fileAudit(conf.file ?? 'iap-verify-dashboard-audit.jsonl', days);
}

/**
 * The trail kept in this process only (one person on their own machine with nothing configured):
 * the console shows it; it ends with the process.
 * @returns {AuditTrail}
 */
export function memoryAudit() {
  /** @type {AuditEntry[]} */
  const all = [];
  return {
    kind: 'memory',
    retentionDays: 1,
    append: async (e) => {
      all.push(clean(e));
      if (all.length > 10_000) all.splice(0, all.length - 10_000);
    },
    query: async (q = {}) => all.filter((e) => matches(e, q)).reverse().slice(0, Math.min(Math.max(1, q.limit ?? 200), 1000)),
    prune: async () => 0,
    close: async () => {},
  };
}
