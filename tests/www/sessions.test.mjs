// The memory session store on its own, with a clock the test moves: idle and absolute expiry,
// sign-out, the key being the id's SHA-256, OpenID Connect sign-ins taken once and for ten minutes
// only, the rate-limit windows, pruning; and which store the dashboard picks. (tests/postgres/dashboard-sessions.test.mjs runs the same
// behaviour on PostgreSQL, shared by two dashboard instances.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOGIN_TTL_MS, idHash, memorySessions } from '../../www/server/dashboard-sessions.js';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { hashPassword } from '../../www/server/dashboard-auth.js';

const clock = () => {
  const c = { t: 1_800_000_000_000, now: () => c.t };
  return c;
};

test('a session: found by its id until idle or past its absolute limit; sign-out ends it', async () => {
  const c = clock();
  const s = memorySessions({ absoluteMs: 8 * 3_600_000, idleMs: 30 * 60_000, now: c.now });
  assert.equal(s.kind, 'memory');
  const { id, session } = await s.create('ada', 'agent', 'local');
  assert.match(id, /^[\w-]{43}$/, '256 random bits, base64url');
  assert.match(session.csrf, /^[\w-]{43}$/);
  assert.notEqual(session.csrf, id);
  assert.equal(idHash('session', id), createHash('sha256').update(id).digest('base64url'));
  c.t += 29 * 60_000;
  assert.deepEqual(await s.get(id), { ...session, seen: c.t });
  c.t += 29 * 60_000;
  assert.equal((await s.get(id))?.user, 'ada', 'each request moves the idle limit');
  c.t += 31 * 60_000;
  assert.equal(await s.get(id), undefined, 'idle too long');

  const other = await s.create('vera', 'viewer', 'oidc');
  for (let i = 0; i < 16; i += 1) {
    c.t += 29 * 60_000;
    assert.ok(await s.get(other.id), `alive after ${i + 1} steps`);
  }
  c.t += 29 * 60_000;
  assert.equal(await s.get(other.id), undefined, 'past 8 hours since sign-in, however active');

  const third = await s.create('max', 'admin', 'local');
  assert.equal(await s.get(idHash('session', third.id)), undefined, 'the stored key is no session id');
  assert.equal(await s.get('x'.repeat(129)), undefined);
  assert.equal(await s.get(undefined), undefined);
  await s.destroy(third.id);
  assert.equal(await s.get(third.id), undefined);
});

test('a sign-in under way is taken once, within ten minutes', async () => {
  const c = clock();
  const s = memorySessions({ absoluteMs: 3_600_000, idleMs: 60_000, now: c.now });
  const p = { verifier: 'v'.repeat(43), state: 's1', nonce: 'n1' };
  const a = await s.putLogin(p);
  const b = await s.putLogin({ ...p, state: 's2' });
  assert.notEqual(a, b);
  assert.deepEqual(await s.takeLogin(a), p);
  assert.equal(await s.takeLogin(a), undefined, 'taken once');
  c.t += LOGIN_TTL_MS + 1;
  assert.equal(await s.takeLogin(b), undefined, 'too late');
  assert.equal(await s.takeLogin(undefined), undefined);
});

test('rate-limit windows: max per window and key, then a new window', async () => {
  const c = clock();
  const s = memorySessions({ absoluteMs: 3_600_000, idleMs: 60_000, now: c.now });
  const got = [];
  for (let i = 0; i < 4; i += 1) got.push((await s.take('user:ada', 3, 60_000)).ok);
  assert.deepEqual(got, [true, true, true, false]);
  assert.equal((await s.take('user:vera', 3, 60_000)).ok, true, 'another key, another window');
  c.t += 20_000;
  assert.equal((await s.take('user:ada', 3, 60_000)).retryAfterS, 40);
  c.t += 40_000;
  assert.equal((await s.take('user:ada', 3, 60_000)).ok, true, 'a new window');
});

test('prune deletes expired sessions and sign-ins only', async () => {
  const c = clock();
  const s = memorySessions({ absoluteMs: 3_600_000, idleMs: 60_000, now: c.now });
  const old = await s.create('old', 'viewer', 'local');
  const login = await s.putLogin({ verifier: 'v', state: 's', nonce: 'n' });
  c.t += 59_000;
  const live = await s.create('live', 'viewer', 'local');
  c.t += 2_000;
  assert.equal(await s.prune(), 1);
  assert.equal(await s.get(old.id), undefined);
  assert.equal((await s.get(live.id))?.user, 'live');
  c.t += LOGIN_TTL_MS;
  assert.equal(await s.prune(), 2, 'the live session is now idle too, and the sign-in too old');
  assert.equal(await s.takeLogin(login), undefined);
});

test("the dashboard's choice: memory without PostgreSQL or when the config says so; a wrong setting stops the start", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iapv-sessions-'));
  try {
    writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ users: [{ name: 'ada', role: 'agent', password: await hashPassword('agent-password') }] }));
    const config = (extra) => {
      writeFileSync(join(dir, 'team.json'), JSON.stringify({ auth: { accountsFile: 'accounts.json' }, audit: { file: 'audit.jsonl' }, ...extra }));
      return join(dir, 'team.json');
    };
    for (const extra of [{}, { sessions: { memory: true } }, { sessions: { memory: true, postgres: 'postgres://nobody@127.0.0.1:1/x' } }]) {
      const d = await startDashboard({ port: 0, emulator: false, config: config(extra) });
      try {
        assert.equal(d.sessions, 'memory', JSON.stringify(extra));
      } finally {
        await d.close();
      }
    }
    const alone = await startDashboard({ port: 0, emulator: false });
    assert.equal(alone.sessions, null, 'no sign-in: no sessions');
    await alone.close();
    await assert.rejects(startDashboard({ port: 0, emulator: false, config: config({ sessions: { postgres: 5432 } }) }), /sessions\.postgres: a PostgreSQL URL/);
    await assert.rejects(startDashboard({ port: 0, emulator: false, config: config({ sessions: { memory: 'yes' } }) }), /sessions\.memory: true or false/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
