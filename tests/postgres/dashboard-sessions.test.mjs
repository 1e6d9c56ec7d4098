// The dashboard's sessions in a real PostgreSQL (scripts/with-postgres.sh), as a team runs it: two
// instances on one database behind one address (a load balancer). A sign-in through one (local
// accounts, and through a real OpenID Connect provider, oidc-provider, whose answer the other
// instance takes) is a session on the other, CSRF token included; signing out on the second ends
// it on the first; a restart keeps it; idle and absolute expiry follow the database's clock; the
// per-user rate limit counts both instances' requests; the table holds the SHA-256 of each
// session's id, never the cookie's value; expired rows are pruned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { hashPassword } from '../../www/server/dashboard-auth.js';
import { SESSION_TABLE, SESSION_TABLE_SQL, postgresSessions } from '../../www/server/dashboard-sessions.js';
import { startOidcProvider } from '../www/oidc-provider.mjs';
import { pool, PG_URL } from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'iapv-sessions-pg-'));
const PASSWORDS = { ada: 'agent-password-pg', vera: 'viewer-password-pg' };
const MAX = { email: 'max@example.test', groups: ['support-leads'] };
const db = pool(2);
/** The address the team uses (the load balancer's): the first instance's, chosen before it starts. */
let front;
let provider;
const running = new Set();

/** One instance: the team's config (sessions in the audit trail's database), on a port of its own. */
async function instance(port = 0, extra = {}) {
  const d = await startDashboard({
    port,
    emulator: false,
    auth: {
      accountsFile: join(dir, 'accounts.json'),
      oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, scopes: 'openid email profile groups', roles: { admin: ['group:support-leads'] }, redirectUri: `${front}/api/auth/callback` },
      ...extra.auth,
    },
    audit: { postgres: PG_URL },
    rateLimit: { perMinute: 1000, signInPerMinute: 1000, ...extra.rateLimit },
  });
  running.add(d);
  return d;
}
const stop = async (d) => {
  running.delete(d);
  await d.close();
};

before(async () => {
  await db.query(`DROP TABLE IF EXISTS ${SESSION_TABLE}`);
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ users: [
    { name: 'ada', role: 'agent', password: await hashPassword(PASSWORDS.ada) },
    { name: 'vera', role: 'viewer', password: await hashPassword(PASSWORDS.vera) },
  ] }));
  // The redirect URI names the front address, whichever instance the provider's answer reaches.
  const port = await new Promise((resolve) => {
    import('node:net').then(({ createServer }) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
  });
  front = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider({ redirectUris: [`${front}/api/auth/callback`], groups: { [MAX.email]: MAX.groups } });
});

after(async () => {
  for (const d of running) await d.close();
  await provider?.close();
  await db.query(`DROP TABLE IF EXISTS ${SESSION_TABLE}`);
  await db.end();
  rmSync(dir, { recursive: true, force: true });
});

const cookieOf = (res) => res.headers.getSetCookie().find((c) => /^iapv_session=/.test(c))?.split(';')[0];

async function signIn(d, name) {
  const res = await fetch(new URL('/api/auth/login', d.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password: PASSWORDS[name] }) });
  assert.equal(res.status, 200);
  return { cookie: cookieOf(res), 'x-csrf-token': (await res.json()).csrf };
}
const call = (d, who, method, path, body) => fetch(new URL(path, d.url), { method, headers: { ...who, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
const whoAmI = async (d, who) => (await (await call(d, who, 'GET', '/api/session')).json()).user;
const sessionRows = async () => (await db.query(`SELECT * FROM ${SESSION_TABLE} WHERE kind = 'session'`)).rows;
const hashOf = (who) => createHash('sha256').update(who.cookie.split('=')[1]).digest('base64url');

/**
 * Signs `email` in at the provider with its development pages, by HTTP, as a browser would: the
 * dashboard's redirect from `startAt`, the provider's login form, and its redirect back. Resolves
 * with the callback's URL (on the front address) and the dashboard's login cookie.
 */
async function throughProvider(startAt, email) {
  const start = await fetch(new URL('/api/auth/oidc', startAt.url), { redirect: 'manual' });
  assert.equal(start.status, 302);
  const loginCookie = start.headers.getSetCookie().find((c) => c.startsWith('iapv_login='))?.split(';')[0];
  assert.ok(loginCookie, 'the sign-in cookie');
  /** The provider's cookies, by name (paths ignored: one host, one client). */
  const jar = new Map();
  const go = async (url, init = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return res;
  };
  let url = new URL(start.headers.get('location'));
  assert.equal(url.origin, provider.issuer);
  for (let hop = 0; hop < 10; hop += 1) {
    const res = await go(url);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location'), url);
      if (url.href.startsWith(`${front}/api/auth/callback`)) return { callback: url, loginCookie };
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && /name="login"/.test(html), `the provider's login form, got ${res.status}: ${html.slice(0, 200)}`);
    const posted = await go(new URL(action.replaceAll('&amp;', '&'), url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login: email, password: 'any password: the development provider' }).toString(),
    });
    assert.ok(posted.status >= 300 && posted.status < 400, `the login form's answer: ${posted.status}`);
    url = new URL(posted.headers.get('location'), url);
  }
  throw new Error('the provider never sent the browser back');
}

describe('sessions in PostgreSQL, shared by two instances', () => {
  test('local accounts: signed in on one, the session (and its CSRF token) works on the other; signed out there, refused on both', async () => {
    const a = await instance();
    const b = await instance();
    assert.equal(a.sessions, 'postgres');
    const ada = await signIn(a, 'ada');
    assert.deepEqual(await whoAmI(b, ada), { name: 'ada', role: 'agent', via: 'local' });
    assert.equal((await call(b, ada, 'GET', '/api/config')).status, 200);
    // A state-changing request (the sign-out) on the other instance: refused with a wrong CSRF
    // token, done with the one the first instance gave.
    assert.equal((await call(b, { cookie: ada.cookie, 'x-csrf-token': 'wrong' }, 'POST', '/api/auth/logout')).status, 403);
    assert.ok(await whoAmI(a, ada), 'still signed in');
    const out = await call(b, ada, 'POST', '/api/auth/logout');
    assert.equal(out.status, 200);
    assert.equal((await call(a, ada, 'GET', '/api/config')).status, 401, 'signed out on the second: refused on the first');
    assert.equal(await whoAmI(a, ada), null);
    assert.equal((await db.query(`SELECT count(*)::int AS n FROM ${SESSION_TABLE} WHERE id_hash = $1`, [hashOf(ada)])).rows[0].n, 0, 'sign-out deletes the row');
    await stop(a);
    await stop(b);
  });

  test('OpenID Connect: the sign-in starts on one instance and the provider\'s answer reaches the other', async () => {
    const a = await instance(Number(new URL(front).port));
    const b = await instance();
    const { callback, loginCookie } = await throughProvider(a, MAX.email);
    // The load balancer sends the callback to the second instance (same path and query).
    const done = await fetch(new URL(callback.pathname + callback.search, b.url), { redirect: 'manual', headers: { cookie: loginCookie } });
    assert.equal(done.status, 303, await done.text());
    const max = { cookie: cookieOf(done) };
    assert.ok(max.cookie);
    const onA = await (await call(a, max, 'GET', '/api/session')).json();
    assert.deepEqual(onA.user, { name: MAX.email, role: 'admin', via: 'oidc' });
    max['x-csrf-token'] = onA.csrf;
    assert.equal((await call(a, max, 'GET', '/api/audit')).status, 200);
    // The sign-in under way was taken once: the same answer again is refused (by either instance).
    const again = await fetch(new URL(callback.pathname + callback.search, a.url), { redirect: 'manual', headers: { cookie: loginCookie } });
    assert.equal(again.status, 400);
    assert.equal((await db.query(`SELECT count(*)::int AS n FROM ${SESSION_TABLE} WHERE kind = 'login'`)).rows[0].n, 0, 'no sign-in left under way');
    assert.equal((await call(a, max, 'POST', '/api/auth/logout')).status, 200);
    assert.equal((await call(b, max, 'GET', '/api/config')).status, 401);
    await stop(a);
    await stop(b);
  });

  test('a restart keeps the session', async () => {
    const a = await instance();
    const vera = await signIn(a, 'vera');
    await stop(a);
    const again = await instance();
    assert.deepEqual(await whoAmI(again, vera), { name: 'vera', role: 'viewer', via: 'local' });
    assert.equal((await call(again, vera, 'GET', '/api/config')).status, 200);
    await stop(again);
  });

  test('the table holds the SHA-256 of the session id, never the cookie\'s value', async () => {
    const a = await instance();
    const ada = await signIn(a, 'ada');
    const raw = ada.cookie.split('=')[1];
    assert.ok(raw.length >= 40, 'a 256-bit id');
    const rows = await sessionRows();
    const mine = rows.filter((r) => r.id_hash === hashOf(ada));
    assert.equal(mine.length, 1);
    assert.equal(mine[0].user_name, 'ada');
    const everything = JSON.stringify((await db.query(`SELECT * FROM ${SESSION_TABLE}`)).rows);
    assert.ok(!everything.includes(raw), 'the raw session id is in the table');
    // A database reader presenting what the table holds gets nothing.
    assert.equal(await whoAmI(a, { cookie: `iapv_session=${mine[0].id_hash}` }), null);
    await stop(a);
  });

  test("expiry follows the database's clock: idle and absolute", async () => {
    const a = await instance(0, { auth: { idleMinutes: 30, sessionHours: 8 } });
    const ada = await signIn(a, 'ada');
    const vera = await signIn(a, 'vera');
    assert.ok(await whoAmI(a, ada));
    // 31 minutes without a request, by the database's time (the process's clock is not consulted).
    await db.query(`UPDATE ${SESSION_TABLE} SET seen = now() - interval '31 minutes' WHERE id_hash = $1`, [hashOf(ada)]);
    assert.equal(await whoAmI(a, ada), null, 'idle too long');
    // Active a minute ago, but signed in 8 hours and a minute ago.
    await db.query(`UPDATE ${SESSION_TABLE} SET created = now() - interval '8 hours 1 minute', seen = now() - interval '1 minute' WHERE id_hash = $1`, [hashOf(vera)]);
    assert.equal(await whoAmI(a, vera), null, 'past the absolute limit');
    // 29 minutes idle is still alive, and the request moves its last-seen to the database's now.
    const fresh = await signIn(a, 'ada');
    await db.query(`UPDATE ${SESSION_TABLE} SET seen = now() - interval '29 minutes' WHERE id_hash = $1`, [hashOf(fresh)]);
    assert.ok(await whoAmI(a, fresh));
    const { rows } = await db.query(`SELECT now() - seen < interval '1 minute' AS touched FROM ${SESSION_TABLE} WHERE id_hash = $1`, [hashOf(fresh)]);
    assert.equal(rows[0].touched, true);
    await stop(a);
  });

  test('expired sessions and sign-ins are pruned; live ones kept', async () => {
    const store = await postgresSessions(PG_URL, { absoluteMs: 8 * 3_600_000, idleMs: 30 * 60_000 });
    try {
      // The earlier tests' rows (some expired on purpose) are not this test's.
      await db.query(`DELETE FROM ${SESSION_TABLE}`);
      const live = await store.create('live', 'viewer', 'local');
      const idle = await store.create('idle', 'viewer', 'local');
      const old = await store.create('old', 'viewer', 'local');
      const loginLive = await store.putLogin({ verifier: 'v1', state: 's1', nonce: 'n1' });
      const loginOld = await store.putLogin({ verifier: 'v2', state: 's2', nonce: 'n2' });
      await db.query(`UPDATE ${SESSION_TABLE} SET seen = now() - interval '2 hours' WHERE user_name = 'idle'`);
      await db.query(`UPDATE ${SESSION_TABLE} SET created = now() - interval '9 hours' WHERE user_name = 'old'`);
      await db.query(`UPDATE ${SESSION_TABLE} SET created = now() - interval '11 minutes' WHERE login->>'state' = 's2'`);
      assert.equal(await store.prune(), 3);
      assert.equal((await store.get(live.id))?.user, 'live');
      assert.equal(await store.get(idle.id), undefined);
      assert.equal(await store.get(old.id), undefined);
      assert.deepEqual(await store.takeLogin(loginLive), { verifier: 'v1', state: 's1', nonce: 'n1' });
      assert.equal(await store.takeLogin(loginLive), undefined, 'taken once');
      assert.equal(await store.takeLogin(loginOld), undefined);
      await store.destroy(live.id);
    } finally {
      await store.close();
    }
  });

  test('the per-user rate limit counts the requests of both instances', async () => {
    const a = await instance(0, { rateLimit: { perMinute: 4 } });
    const b = await instance(0, { rateLimit: { perMinute: 4 } });
    // A window of the user's own: the earlier tests' requests are not counted here.
    await db.query(`DELETE FROM ${SESSION_TABLE} WHERE kind = 'rate'`);
    const vera = await signIn(a, 'vera');
    const statuses = [];
    for (const d of [a, b, a, b, a]) statuses.push((await call(d, vera, 'GET', '/api/config')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
    const refused = await call(b, vera, 'GET', '/api/config');
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    await stop(a);
    await stop(b);
  });

  test("a role without CREATE uses the table the deployment page's SQL made; without the table the start stops, the password not shown", async () => {
    const role = `iapv_sessions_${process.pid}`;
    const doc = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
    const sql = /<!-- snippet: deployment-sessions-table -->\n```sh\n[^\n]*<<'SQL'\n([\s\S]*?)\nSQL\n```/.exec(doc)[1];
    assert.ok(sql.includes(SESSION_TABLE_SQL.split('\n')[0]));
    await db.query(`DROP TABLE IF EXISTS ${SESSION_TABLE}`);
    await db.query(`DROP ROLE IF EXISTS ${role}`);
    await db.query(`CREATE ROLE ${role} LOGIN PASSWORD 'role-password-pg'`);
    try {
      const url = new URL(PG_URL);
      url.username = role;
      url.password = 'role-password-pg';
      // PostgreSQL 15's default: only the owner creates in public (said again for older servers).
      await db.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
      await db.query(sql.replace(/ TO \w+;?\s*$/, ` TO ${role}`));
      const own = await startDashboard({ port: 0, emulator: false, auth: { accountsFile: join(dir, 'accounts.json') }, audit: { file: join(dir, 'audit.jsonl') }, sessions: { postgres: url.href } });
      try {
        assert.equal(own.sessions, 'postgres');
        const ada = await signIn(own, 'ada');
        assert.deepEqual(await whoAmI(own, ada), { name: 'ada', role: 'agent', via: 'local' });
      } finally {
        await own.close();
      }
      await db.query(`DROP TABLE ${SESSION_TABLE}`);
      await assert.rejects(
        startDashboard({ port: 0, emulator: false, auth: { accountsFile: join(dir, 'accounts.json') }, audit: { file: join(dir, 'audit.jsonl') }, sessions: { postgres: url.href } }),
        (e) => /^sessions: table iap_verify_dashboard_sessions is missing/.test(e.message) && !e.message.includes('role-password-pg'),
      );
    } finally {
      await db.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await db.query(`DROP ROLE IF EXISTS ${role}`);
    }
  });

  test("an unreachable server: the dashboard does not start, and the URL's password is not in the message", async () => {
    await assert.rejects(
      startDashboard({ port: 0, emulator: false, auth: { accountsFile: join(dir, 'accounts.json') }, audit: { file: join(dir, 'audit.jsonl') }, sessions: { postgres: 'postgres://s:s3cret-session-pw@127.0.0.1:1/x' } }),
      (e) => /^sessions: /.test(e.message) && !e.message.includes('s3cret-session-pw'),
    );
  });
});
