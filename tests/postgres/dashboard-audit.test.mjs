// The dashboard's audit trail in a real PostgreSQL (scripts/with-postgres.sh): a team's look-ups
// and actions land in iap_verify_dashboard_audit, an admin filters them through the API, the
// retention setting deletes older rows, nothing secret is written, and a URL's password never
// reaches an error message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { hashPassword } from '../../www/server/dashboard-auth.js';
import { postgresAudit } from '../../www/server/dashboard-audit.js';

const PG_URL = process.env.IAP_VERIFY_PG_URL;
if (!PG_URL) throw new Error('IAP_VERIFY_PG_URL is not set: run through scripts/with-postgres.sh (make test-postgres)');

const dir = mkdtempSync(join(tmpdir(), 'iapv-audit-pg-'));
const PASSWORDS = { ada: 'agent-password-pg', max: 'admin-password-pg' };
let dash;
let db;

before(async () => {
  db = new pg.Pool({ connectionString: PG_URL, max: 2 });
  await db.query('DROP TABLE IF EXISTS iap_verify_dashboard_audit');
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ users: [
    { name: 'ada', role: 'agent', password: await hashPassword(PASSWORDS.ada) },
    { name: 'max', role: 'admin', password: await hashPassword(PASSWORDS.max) },
  ] }));
  dash = await startDashboard({ port: 0, emulator: true, auth: { accountsFile: join(dir, 'accounts.json') }, audit: { postgres: PG_URL, retentionDays: 7 } });
});

after(async () => {
  await dash?.close();
  await db?.end();
  rmSync(dir, { recursive: true, force: true });
});

async function signIn(name) {
  const res = await fetch(new URL('/api/auth/login', dash.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password: PASSWORDS[name] }) });
  assert.equal(res.status, 200);
  return { cookie: res.headers.get('set-cookie').split(';')[0], 'x-csrf-token': (await res.json()).csrf };
}
const call = (who, method, path, body) => fetch(new URL(path, dash.url), { method, headers: { ...who, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });

describe('audit trail in PostgreSQL', () => {
  test('look-ups and actions are rows; an admin filters them; no secret is written', async () => {
    assert.equal(dash.audit, 'postgres');
    const ada = await signIn('ada');
    assert.equal((await call(ada, 'POST', '/api/lookup', { userId: 'user-2' })).status, 200);
    assert.equal((await call(ada, 'POST', '/api/action', { action: 'google.cancel', input: { token: 'play-sub-active' } })).status, 200);
    assert.equal((await call(ada, 'GET', '/api/audit')).status, 403);
    const { rows } = await db.query('SELECT actor, role, action, store, target, result FROM iap_verify_dashboard_audit ORDER BY id');
    assert.deepEqual(rows.filter((r) => r.actor === 'ada' && r.action !== 'sign-in'), [
      { actor: 'ada', role: 'agent', action: 'lookup', store: 'ALL', target: 'user-2', result: 'ok' },
      { actor: 'ada', role: 'agent', action: 'google.cancel', store: 'google', target: 'play-sub-active', result: 'ok' },
      { actor: 'ada', role: 'agent', action: 'GET /api/audit', store: null, target: null, result: 'refused' },
    ]);
    const max = await signIn('max');
    const out = await (await call(max, 'GET', '/api/audit?user=ada&action=google.cancel')).json();
    assert.equal(out.kind, 'postgres');
    assert.equal(out.entries.length, 1);
    assert.equal(out.entries[0].target, 'play-sub-active');
    const all = JSON.stringify((await db.query('SELECT * FROM iap_verify_dashboard_audit')).rows);
    for (const secret of [...Object.values(PASSWORDS), ada.cookie.split('=')[1], ada['x-csrf-token'], dash.emulator.gamebase.secretKey, dash.emulator.iap.appKey]) {
      assert.ok(!all.includes(secret), `a secret in the trail: ${secret.slice(0, 4)}…`);
    }
  });

  test('retention: rows older than retentionDays are deleted, newer ones kept', async () => {
    const trail = await postgresAudit(PG_URL, 7);
    try {
      await trail.append({ at: new Date(Date.now() - 8 * 86_400_000).toISOString(), user: 'old', role: 'viewer', action: 'lookup', result: 'ok' });
      await trail.append({ at: new Date(Date.now() - 6 * 86_400_000).toISOString(), user: 'recent', role: 'viewer', action: 'lookup', result: 'ok' });
      assert.equal(await trail.prune(), 1);
      assert.deepEqual((await trail.query({ user: 'old' })).length, 0);
      assert.deepEqual((await trail.query({ user: 'recent' })).length, 1);
    } finally {
      await trail.close();
    }
  });

  test("an unreachable server: the dashboard does not start, and the URL's password is not in the message", async () => {
    const url = 'postgres://auditor:s3cret-pg-password@127.0.0.1:1/audit';
    await assert.rejects(
      startDashboard({ port: 0, emulator: false, auth: { accountsFile: join(dir, 'accounts.json') }, audit: { postgres: url } }),
      (e) => /^audit: /.test(e.message) && !e.message.includes('s3cret-pg-password'),
    );
  });
});
