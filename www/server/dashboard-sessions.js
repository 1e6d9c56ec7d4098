// Where the dashboard keeps what a sign-in needs between requests: the sessions (user, role, CSRF
// token, created and last seen), the OpenID Connect sign-ins under way (PKCE verifier, state,
// nonce, between the redirect to the provider and its answer) and the per-user and per-address
// rate-limit windows. In this process's memory (one instance; a restart signs everyone out), or in
// PostgreSQL, table `iap_verify_dashboard_sessions`, shared by every instance on that database
// (behind a load balancer, and across restarts).
//
// A session's id is 32 random bytes, kept only in the browser's cookie: both stores key a session
// by the SHA-256 of its id, so whoever reads the table (or a backup of it) cannot present one.
// On PostgreSQL the expiry is the database's clock: every instance agrees on it, whatever its own.
import { createHash, randomBytes } from 'node:crypto';
import { openPool } from './dashboard-pg.js';

/** @typedef {import('./dashboard-auth.js').Role} Role */
/**
 * A session as the server uses it (`created`, `seen`: ms since the epoch).
 * @typedef {{ user: string, role: Role, via: 'local' | 'oidc' | 'none', csrf: string, created: number, seen: number }} Session
 */
/** An OpenID Connect sign-in under way. @typedef {{ verifier: string, state: string, nonce: string }} PendingLogin */
/**
 * @typedef {{ kind: 'memory' | 'postgres', absoluteMs: number, idleMs: number,
 *   create(user: string, role: Role, via: Session['via']): Promise<{ id: string, session: Session }>,
 *   get(id: string | undefined): Promise<Session | undefined>,
 *   destroy(id: string | undefined): Promise<void>,
 *   putLogin(p: PendingLogin): Promise<string>,
 *   takeLogin(loginId: string | undefined): Promise<PendingLogin | undefined>,
 *   take(key: string, max: number, windowMs: number): Promise<{ ok: boolean, retryAfterS: number }>,
 *   prune(): Promise<number>, close(): Promise<void> }} SessionStore
 */

/** How long a sign-in at the provider may take, from the redirect to its answer. */
export const LOGIN_TTL_MS = 10 * 60_000;

/** The table's name. */
export const SESSION_TABLE = 'iap_verify_dashboard_sessions';

/**
 * The table, as the dashboard creates it at start (or a database owner creates it beforehand, for
 * a role without CREATE: docs/deployment.md). `id_hash`: the SHA-256 (base64url) of the session's
 * or sign-in's id, or of a rate-limit key; `kind`: session, login or rate.
 */
export const SESSION_TABLE_SQL = `CREATE TABLE IF NOT EXISTS ${SESSION_TABLE} (
  id_hash text PRIMARY KEY,
  kind text NOT NULL,
  user_name text,
  role text,
  via text,
  csrf text,
  login jsonb,
  n integer,
  created timestamptz NOT NULL,
  seen timestamptz NOT NULL
)`;

/** A random token, base64url. */
const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** The key an id is kept under. @param {string} kind @param {string} id */
export const idHash = (kind, id) => createHash('sha256').update(kind === 'session' ? id : `${kind}:${id}`).digest('base64url');

/** An id as a cookie brings it: a token of sane length, else none. @param {string | undefined} id */
const usable = (id) => (typeof id === 'string' && id.length > 0 && id.length <= 128 ? id : undefined);

/**
 * @param {{ absoluteMs: number, idleMs: number }} o
 */
function checkTimes({ absoluteMs, idleMs }) {
  if (!(absoluteMs > 0) || !(idleMs > 0)) throw new Error('sessionHours and idleMinutes must be positive');
}

/**
 * The store in this process's memory. Each session ends `absoluteMs` after sign-in or `idleMs`
 * after its last request, whichever comes first.
 * @param {{ absoluteMs: number, idleMs: number, now?: () => number }} o
 * @returns {SessionStore}
 */
export function memorySessions({ absoluteMs, idleMs, now = Date.now }) {
  checkTimes({ absoluteMs, idleMs });
  /** @type {Map<string, Session>} */
  const sessions = new Map();
  /** @type {Map<string, PendingLogin & { at: number }>} */
  const logins = new Map();
  /** @type {Map<string, { start: number, n: number }>} */
  const windows = new Map();
  const expired = (/** @type {Session} */ s, /** @type {number} */ t) => t - s.created > absoluteMs || t - s.seen > idleMs;
  const sweep = () => {
    const t = now();
    let n = 0;
    for (const [k, s] of sessions) if (expired(s, t)) n += Number(sessions.delete(k));
    for (const [k, l] of logins) if (t - l.at > LOGIN_TTL_MS) n += Number(logins.delete(k));
    return n;
  };
  return {
    kind: 'memory',
    absoluteMs,
    idleMs,
    async create(user, role, via) {
      const id = token();
      const t = now();
      /** @type {Session} */
      const session = { user, role, via, csrf: token(), created: t, seen: t };
      sweep();
      sessions.set(idHash('session', id), session);
      return { id, session: { ...session } };
    },
    async get(id) {
      const ok = usable(id);
      if (!ok) return undefined;
      const k = idHash('session', ok);
      const s = sessions.get(k);
      if (!s) return undefined;
      const t = now();
      if (expired(s, t)) {
        sessions.delete(k);
        return undefined;
      }
      s.seen = t;
      return { ...s };
    },
    async destroy(id) {
      const ok = usable(id);
      if (ok) sessions.delete(idHash('session', ok));
    },
    async putLogin(p) {
      sweep();
      if (logins.size > 1000) logins.clear();
      const loginId = token();
      logins.set(idHash('login', loginId), { verifier: p.verifier, state: p.state, nonce: p.nonce, at: now() });
      return loginId;
    },
    async takeLogin(loginId) {
      const ok = usable(loginId);
      if (!ok) return undefined;
      const k = idHash('login', ok);
      const l = logins.get(k);
      logins.delete(k);
      if (!l || now() - l.at > LOGIN_TTL_MS) return undefined;
      return { verifier: l.verifier, state: l.state, nonce: l.nonce };
    },
    async take(key, max, windowMs) {
      const t = now();
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        if (windows.size > 10_000) windows.clear();
        w = { start: t, n: 0 };
        windows.set(key, w);
      }
      w.n += 1;
      return { ok: w.n <= max, retryAfterS: Math.max(1, Math.ceil((w.start + windowMs - t) / 1000)) };
    },
    prune: async () => sweep(),
    close: async () => {},
  };
}

/** A Postgres interval of `ms` milliseconds, from a parameter. @param {number} i the parameter's number */
const ms = (i) => `($${i}::double precision * interval '1 millisecond')`;

/**
 * The store in PostgreSQL (the `pg` package, installed beside the dashboard), shared by every
 * instance on the database. The table is created when missing; a role that may not create it
 * finds it made by the database's owner (SESSION_TABLE_SQL and a grant of SELECT, INSERT, UPDATE, DELETE), else the start stops.
 * @param {string} url
 * @param {{ absoluteMs: number, idleMs: number }} o
 * @returns {Promise<SessionStore>}
 */
export async function postgresSessions(url, { absoluteMs, idleMs }) {
  checkTimes({ absoluteMs, idleMs });
  const { pool } = await openPool(url, 'the session store in PostgreSQL', async (pool) => {
    try {
      await pool.query(SESSION_TABLE_SQL);
    } catch (e) {
      // 42501: no CREATE in the schema. The table may have been made by the database's owner.
      if (/** @type {{ code?: string }} */ (e).code !== '42501') throw e;
      await pool.query(`SELECT id_hash, kind, user_name, role, via, csrf, login, n, created, seen FROM ${SESSION_TABLE} LIMIT 0`).catch(() => {
        throw new Error(`table ${SESSION_TABLE} is missing and this role may not create it: create it as the database's owner (the deployment guide's "Several instances" has the SQL)`);
      });
    }
  });
  const expiredSql = `(kind = 'session' AND (created <= now() - ${ms(1)} OR seen <= now() - ${ms(2)}))
    OR (kind = 'login' AND created <= now() - ${ms(3)})`;
  /** @param {any} row @returns {Session} */
  const session = (row) => ({ user: row.user_name, role: row.role, via: row.via, csrf: row.csrf, created: new Date(row.created).getTime(), seen: new Date(row.seen).getTime() });
  return {
    kind: 'postgres',
    absoluteMs,
    idleMs,
    async create(user, role, via) {
      const id = token();
      const r = await pool.query(
        `INSERT INTO ${SESSION_TABLE} (id_hash, kind, user_name, role, via, csrf, created, seen) VALUES ($1, 'session', $2, $3, $4, $5, now(), now())
         RETURNING user_name, role, via, csrf, created, seen`,
        [idHash('session', id), user, role, via, token()],
      );
      return { id, session: session(r.rows[0]) };
    },
    async get(id) {
      const ok = usable(id);
      if (!ok) return undefined;
      // Alive by the database's clock: seen now, in the same statement that checks it.
      const r = await pool.query(
        `UPDATE ${SESSION_TABLE} SET seen = now()
         WHERE id_hash = $1 AND kind = 'session' AND created > now() - ${ms(2)} AND seen > now() - ${ms(3)}
         RETURNING user_name, role, via, csrf, created, seen`,
        [idHash('session', ok), absoluteMs, idleMs],
      );
      return r.rows[0] ? session(r.rows[0]) : undefined;
    },
    async destroy(id) {
      const ok = usable(id);
      if (ok) await pool.query(`DELETE FROM ${SESSION_TABLE} WHERE id_hash = $1 AND kind = 'session'`, [idHash('session', ok)]);
    },
    async putLogin(p) {
      const loginId = token();
      await pool.query(`INSERT INTO ${SESSION_TABLE} (id_hash, kind, login, created, seen) VALUES ($1, 'login', $2, now(), now())`, [
        idHash('login', loginId), JSON.stringify({ verifier: p.verifier, state: p.state, nonce: p.nonce }),
      ]);
      return loginId;
    },
    async takeLogin(loginId) {
      const ok = usable(loginId);
      if (!ok) return undefined;
      // Taken once: the row goes as it is read, so a second answer with the same cookie finds nothing.
      const r = await pool.query(`DELETE FROM ${SESSION_TABLE} WHERE id_hash = $1 AND kind = 'login' RETURNING login, created > now() - ${ms(2)} AS alive`, [
        idHash('login', ok), LOGIN_TTL_MS,
      ]);
      const row = r.rows[0];
      if (!row?.alive) return undefined;
      const l = row.login;
      return typeof l?.verifier === 'string' && typeof l.state === 'string' && typeof l.nonce === 'string' ? { verifier: l.verifier, state: l.state, nonce: l.nonce } : undefined;
    },
    async take(key, max, windowMs) {
      // One window per key, counted by every instance: a new window once the last one is over.
      const r = await pool.query(
        `INSERT INTO ${SESSION_TABLE} AS t (id_hash, kind, n, created, seen) VALUES ($1, 'rate', 1, now(), now())
         ON CONFLICT (id_hash) DO UPDATE SET
           n = CASE WHEN t.created > now() - ${ms(2)} THEN t.n + 1 ELSE 1 END,
           created = CASE WHEN t.created > now() - ${ms(2)} THEN t.created ELSE now() END,
           seen = now()
         RETURNING n, extract(epoch FROM (created + ${ms(2)} - now())) AS left_s`,
        [idHash('rate', key), windowMs],
      );
      const { n, left_s: left } = r.rows[0];
      return { ok: n <= max, retryAfterS: Math.max(1, Math.ceil(Number(left))) };
    },
    async prune() {
      const r = await pool.query(`DELETE FROM ${SESSION_TABLE} WHERE ${expiredSql} OR (kind = 'rate' AND seen <= now() - interval '1 hour')`, [absoluteMs, idleMs, LOGIN_TTL_MS]);
      return r.rowCount ?? 0;
    },
    close: () => pool.end(),
  };
}
