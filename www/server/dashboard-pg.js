// The dashboard's PostgreSQL connections (the audit trail, the ledger, the sessions): `pg` is an
// optional dependency, so the dashboard installs and type-checks without it.

/**
 * A pool of at most four connections to `url`, once `ready(pool)` has resolved (made or read its
 * tables), with what it resolved to; when it throws, the pool is closed and the error thrown.
 * @template T
 * @param {string} url
 * @param {string} what what asks for it, as the error names it (`audit.postgres`)
 * @param {(pool: any) => Promise<T>} ready
 * @returns {Promise<{ pool: any, ready: T }>} the pool (a `pg.Pool`)
 */
export async function openPool(url, what, ready) {
  /** @type {any} */
  let pg;
  // Named through a variable, so that neither a bundler nor tsc looks for it.
  const name = 'pg';
  try {
    pg = (await import(name)).default;
  } catch {
    throw new Error(`${what} needs the pg package: npm install pg`);
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    return { pool, ready: await ready(pool) };
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }
}
