// The dashboard shared by a team, over HTTP (no browser): local accounts (scrypt), sessions and
// their cookies, CSRF, every API route tried with every role, the customer actions against the
// local store server, the audit trail (and no secret in it), settings held by the server, rate
// limits, the health endpoint, and the refusal to listen beyond loopback without sign-in; the
// customer view over a purchase ledger (runPurchase's records of a customer in two stores) and the
// reopen of a stuck record.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { hashPassword, verifyPassword, roleFromClaims } from '../../www/server/dashboard-auth.js';
import { createMemoryPurchaseStore, runPurchase } from 'iap-verify';
import { CUSTOMER, customerPurchases } from './ledger-fixture.mjs';

const dir = mkdtempSync(join(tmpdir(), 'iapv-team-'));
const PASSWORDS = { vera: 'viewer-pass-1', ada: 'agent-pass-22', max: 'admin-pass-333' };
const ROLE_OF = { vera: 'viewer', ada: 'agent', max: 'admin' };

let dash;
let base;
const ledgerStore = createMemoryPurchaseStore();
/** The fixture's purchases (tests/www/ledger-fixture.mjs). */
let bought;

before(async () => {
  const users = [];
  for (const [name, pw] of Object.entries(PASSWORDS)) users.push({ name, role: ROLE_OF[name], password: await hashPassword(pw) });
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ users }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({
    auth: { accountsFile: 'accounts.json' },
    audit: { file: 'audit.jsonl', retentionDays: 30 },
    settingsFile: 'settings.json',
    rateLimit: { perMinute: 1000, signInPerMinute: 1000 },
  }));
  dash = await startDashboard({ port: 0, config: join(dir, 'config.json'), emulator: true, ledger: { store: ledgerStore } });
  base = dash.url.replace(/\/$/, '');
  bought = await customerPurchases(dash.emulator, ledgerStore);
});

after(async () => {
  await dash?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Signs `name` in: `{ cookie, csrf, setCookie }`. */
async function signIn(name, password = PASSWORDS[name], url = base) {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: name, password }) });
  assert.equal(res.status, 200, `sign-in of ${name}`);
  const setCookie = res.headers.get('set-cookie');
  const body = await res.json();
  return { cookie: setCookie.split(';')[0], csrf: body.csrf, setCookie, body };
}

/** A request as a signed-in user (or anonymous for null). */
function call(who, method, path, body, { csrf = true } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (who) headers.cookie = who.cookie;
  if (who && csrf) headers['x-csrf-token'] = who.csrf;
  return fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const auditLines = () => readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('passwords', () => {
  test('scrypt hashes verify, are salted, and a wrong password or a weak parameter fails', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    assert.match(a, /^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('correct horse', a), true);
    assert.equal(await verifyPassword('correct horsf', a), false);
    assert.equal(await verifyPassword('correct horse', a.replace('$131072$', '$1024$')), false);
    await assert.rejects(hashPassword('short'));
  });

  test('roles from claims: the strongest listed, verified e-mail or group, else the default', () => {
    const map = { admin: ['lead@example.com'], agent: ['group:support'], viewer: ['group:staff'] };
    assert.equal(roleFromClaims(map, { email: 'LEAD@example.com' }, null), 'admin');
    assert.equal(roleFromClaims(map, { email: 'lead@example.com', email_verified: false }, null), null);
    assert.equal(roleFromClaims(map, { email: 'x@example.com', groups: ['staff', 'support'] }, null), 'agent');
    assert.equal(roleFromClaims(map, { email: 'x@example.com' }, 'viewer'), 'viewer');
  });
});

describe('sessions', () => {
  test('a session cookie is HttpOnly, SameSite=Strict, not Secure over http; a wrong password is refused', async () => {
    const s = await signIn('vera');
    assert.match(s.setCookie, /^iapv_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    assert.deepEqual(s.body.user, { name: 'vera', role: 'viewer', via: 'local' });
    const bad = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'vera', password: 'nope-nope' }) });
    assert.equal(bad.status, 401);
    const unknown = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nobody', password: 'nope-nope' }) });
    assert.equal(unknown.status, 401);
    assert.deepEqual(await bad.json(), await unknown.json(), 'the same answer whether the name exists or not');
  });

  test('sign-out ends the session; CSRF token required on every POST and PUT', async () => {
    const s = await signIn('ada');
    assert.equal((await call(s, 'GET', '/api/config')).status, 200);
    assert.equal((await call(s, 'POST', '/api/lookup', { userId: 'user-1' }, { csrf: false })).status, 403);
    assert.equal((await call({ ...s, csrf: 'x'.repeat(43) }, 'POST', '/api/lookup', { userId: 'user-1' })).status, 403);
    assert.equal((await call(s, 'POST', '/api/auth/logout', undefined, { csrf: false })).status, 403);
    const out = await call(s, 'POST', '/api/auth/logout');
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie'), /Max-Age=0/);
    assert.equal((await call(s, 'GET', '/api/config')).status, 401);
  });

  test('a session expires when idle; Secure and __Host- behind an https public origin', async () => {
    const d = await startDashboard({ port: 0, emulator: false, publicOrigin: 'https://support.example.test', auth: { accountsFile: join(dir, 'accounts.json'), idleMinutes: 0.01 }, audit: { file: join(dir, 'audit2.jsonl') } });
    try {
      const url = d.url.replace(/\/$/, '');
      const s = await signIn('vera', PASSWORDS.vera, url);
      assert.match(s.setCookie, /^__Host-iapv_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Secure; Max-Age=/);
      const ok = await fetch(`${url}/api/session`, { headers: { cookie: s.cookie } });
      assert.equal((await ok.json()).user.name, 'vera');
      await new Promise((r) => setTimeout(r, 900));
      const gone = await fetch(`${url}/api/session`, { headers: { cookie: s.cookie } });
      assert.equal((await gone.json()).user, null);
      // The browser at the public origin passes the Origin check; another origin does not.
      const viaProxy = await fetch(`${url}/api/health`, { headers: { origin: 'https://support.example.test', host: 'support.example.test' } });
      assert.equal(viaProxy.status, 200);
      const other = await fetch(`${url}/api/health`, { headers: { origin: 'https://evil.example.test' } });
      assert.equal(other.status, 403);
    } finally {
      await d.close();
    }
  });
});

describe('every route with every role', () => {
  // The least role of each route; anonymous gets 401 on each.
  const ROUTES = [
    ['GET', '/api/config', undefined, 'viewer'],
    ['POST', '/api/lookup', { userId: 'user-1' }, 'viewer'],
    ['POST', '/api/store-lookup', { store: 'apple', by: 'order', id: 'MK5TTTVWJH' }, 'viewer'],
    ['POST', '/api/customer', { userId: CUSTOMER }, 'viewer'],
    ['GET', '/api/actions', undefined, 'viewer'],
    ['GET', '/api/settings', undefined, 'viewer'],
    ['POST', '/api/action', { action: 'apple.consumption', input: { transactionId: '2000000100000001', deliveryStatus: 'DELIVERED', refundPreference: 'DECLINE', consumedPercent: '100' } }, 'agent'],
    ['PUT', '/api/settings', { bundleId: 'com.example.game' }, 'admin'],
    ['GET', '/api/audit', undefined, 'admin'],
  ];
  const RANK = { viewer: 0, agent: 1, admin: 2 };

  test('anonymous: 401 everywhere but health and session', async () => {
    for (const [method, path, body] of ROUTES) assert.equal((await call(null, method, path, body)).status, 401, `${method} ${path}`);
    assert.equal((await call(null, 'GET', '/api/health')).status, 200);
    const s = await (await call(null, 'GET', '/api/session')).json();
    assert.deepEqual(s, { signIn: { required: true, local: true, oidc: false }, user: null, csrf: null });
  });

  for (const name of ['vera', 'ada', 'max']) {
    test(`${name} (${ROLE_OF[name]})`, async () => {
      const s = await signIn(name);
      for (const [method, path, body, least] of ROUTES) {
        const res = await call(s, method, path, body);
        const allowed = RANK[ROLE_OF[name]] >= RANK[least];
        assert.equal(res.status, allowed ? 200 : 403, `${method} ${path} as ${ROLE_OF[name]}: ${await res.clone().text()}`);
      }
    });
  }

  test('refusals are audited with who and what was needed', async () => {
    const refused = auditLines().filter((e) => e.result === 'refused' && e.user === 'vera');
    assert.ok(refused.some((e) => e.action === 'GET /api/audit' && e.detail === 'needs admin'));
    assert.ok(refused.some((e) => e.action === 'apple.consumption' && e.target === '2000000100000001' && e.detail === 'needs agent'));
  });
});

describe('customer actions against the local store server', () => {
  test('google.revoke: refused for a viewer, done for an agent, the subscription then expired; both audited', async () => {
    const vera = await signIn('vera');
    const ada = await signIn('ada');
    const body = { action: 'google.revoke', input: { token: 'play-sub-active', refund: 'full' } };
    assert.equal((await call(vera, 'POST', '/api/action', body)).status, 403);
    const before = await (await call(ada, 'POST', '/api/store-lookup', { store: 'google', by: 'token', id: 'play-sub-active' })).json();
    assert.equal(before.rows[0].status, 'ACTIVE');
    const res = await call(ada, 'POST', '/api/action', body);
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { done: 'revoked (full refund)' });
    const afterLookup = await (await call(ada, 'POST', '/api/store-lookup', { store: 'google', by: 'token', id: 'play-sub-active' })).json();
    assert.equal(afterLookup.rows[0].status, 'EXPIRED');
    const entries = auditLines().filter((e) => e.action === 'google.revoke');
    assert.ok(entries.some((e) => e.user === 'vera' && e.result === 'refused' && e.target === 'play-sub-active'));
    assert.ok(entries.some((e) => e.user === 'ada' && e.result === 'ok' && e.target === 'play-sub-active' && e.store === 'google'));
  });

  test('apple.extend moves the expiry; apple.consumption is sent; a bad field is refused before the store', async () => {
    const ada = await signIn('ada');
    const status = async () => (await (await call(ada, 'POST', '/api/store-lookup', { store: 'apple', by: 'transaction', id: '2000000100000003' })).json()).rows.find((r) => r.kind === 'subscription');
    const was = await status();
    const res = await call(ada, 'POST', '/api/action', { action: 'apple.extend', input: { originalTransactionId: '2000000100000003', days: '7', reason: '1 customer satisfaction' } });
    assert.equal(res.status, 200, await res.clone().text());
    const now = await status();
    assert.equal(now.expiryTime - was.expiryTime, 7 * 86_400_000);
    assert.equal(dash.emulator.appStore.consumption?.length ?? 0, 0);
    const sent = await call(ada, 'POST', '/api/action', { action: 'apple.consumption', input: { transactionId: '2000000100000001', deliveryStatus: 'DELIVERED', refundPreference: 'DECLINE', consumedPercent: '40' } });
    assert.equal(sent.status, 200, await sent.clone().text());
    const tooMany = await call(ada, 'POST', '/api/action', { action: 'apple.extend', input: { originalTransactionId: '2000000100000003', days: '365', reason: '1' } });
    assert.equal(tooMany.status, 400);
    assert.equal((await tooMany.json()).error.code, 'INVALID_ARGUMENT');
    const unknown = await call(ada, 'POST', '/api/action', { action: '__proto__', input: {} });
    assert.equal(unknown.status, 400);
    const storeError = await call(ada, 'POST', '/api/action', { action: 'google.cancel', input: { token: 'no-such-token' } });
    assert.equal(storeError.status, 502);
    assert.ok(auditLines().some((e) => e.action === 'google.cancel' && e.result === 'error' && e.target === 'no-such-token'));
  });
});

describe('the customer view over the purchase ledger', () => {
  test("every store's purchases of one customer: state, delivery, settlement, subscription status, the stuck record", async () => {
    assert.deepEqual([bought.googleGem.state, bought.googleVip.state, bought.oneStoreGem.state, bought.stuck.state], ['COMPLETED', 'COMPLETED', 'COMPLETED', 'VERIFY_FAILED']);
    const vera = await signIn('vera');
    const res = await call(vera, 'POST', '/api/customer', { userId: CUSTOMER });
    assert.equal(res.status, 200, await res.clone().text());
    const out = await res.json();
    assert.equal(out.userId, CUSTOMER);
    assert.deepEqual(out.stores.sort(), ['GG', 'ONESTORE']);
    const by = Object.fromEntries(out.rows.map((r) => [r.storeId, r]));
    assert.equal(out.rows.length, 4);
    const gem = by['c7-gg-gem'];
    assert.deepEqual([gem.store, gem.productId, gem.state, gem.kind, gem.reopenable], ['GG', 'gem_500', 'COMPLETED', 'CONSUMABLE', false]);
    assert.ok(gem.deliveredAt > 0 && gem.settledAt >= gem.deliveredAt && gem.refundedAt === null, JSON.stringify(gem));
    const vip = by['c7-gg-vip'];
    assert.equal(vip.kind, 'SUBSCRIPTION');
    assert.equal(vip.subscription.status, 'ACTIVE');
    assert.equal(vip.subscription.entitled, true);
    assert.ok(vip.subscription.expiresTime > Date.now() + 26 * 86_400_000, JSON.stringify(vip.subscription));
    const os = by[bought.osToken];
    assert.deepEqual([os.store, os.productId, os.state], ['ONESTORE', 'gem_100_os', 'COMPLETED']);
    assert.equal(os.subscription, undefined, 'a managed product has no subscription status');
    const stuck = by[bought.stuckToken];
    assert.deepEqual([stuck.state, stuck.reopenable, stuck.deliveredAt], ['VERIFY_FAILED', true, null]);
    assert.match(stuck.reason, /Google Play/);
    // Newest first.
    assert.deepEqual(out.rows.map((r) => r.createdAt), out.rows.map((r) => r.createdAt).sort((x, y) => y - x));
    const entry = auditLines().findLast((e) => e.action === 'customer');
    assert.deepEqual([entry.user, entry.store, entry.target, entry.result], ['vera', 'ledger', CUSTOMER, 'ok']);
  });

  test('an unknown customer has no rows and a note; a bad user id is refused before the ledger', async () => {
    const vera = await signIn('vera');
    const none = await (await call(vera, 'POST', '/api/customer', { userId: 'nobody-here' })).json();
    assert.deepEqual(none.rows, []);
    assert.match(none.notes[0], /no purchase of nobody-here/);
    for (const userId of ['', '   ', 'x'.repeat(257), 42]) assert.equal((await call(vera, 'POST', '/api/customer', { userId })).status, 400, JSON.stringify(userId));
  });

  test('ledger.reopen: refused for a viewer, done for an agent with their name on the record; not twice', async () => {
    const vera = await signIn('vera');
    const ada = await signIn('ada');
    const body = { action: 'ledger.reopen', input: { storeId: bought.stuckToken, store: 'GG', reason: 'ticket 4711: the token was right' } };
    assert.equal((await call(vera, 'POST', '/api/action', body)).status, 403);
    assert.equal((await ledgerStore.load('GG', bought.stuckToken)).flow.state, 'VERIFY_FAILED', 'nothing changed for the viewer');
    const res = await call(ada, 'POST', '/api/action', body);
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { done: 'reopened (now RECEIVED)', state: 'RECEIVED' });
    const { flow } = await ledgerStore.load('GG', bought.stuckToken);
    assert.equal(flow.state, 'RECEIVED');
    assert.deepEqual(flow.reopened, ['ada: ticket 4711: the token was right (was VERIFY_FAILED)']);
    const row = (await (await call(ada, 'POST', '/api/customer', { userId: CUSTOMER })).json()).rows.find((r) => r.storeId === bought.stuckToken);
    assert.deepEqual([row.state, row.reopenable, row.reopened, row.lastReopen], ['RECEIVED', false, 1, 'ada: ticket 4711: the token was right (was VERIFY_FAILED)']);
    const again = await call(ada, 'POST', '/api/action', body);
    assert.equal(again.status, 409, await again.clone().text());
    const unknown = await call(ada, 'POST', '/api/action', { ...body, input: { ...body.input, storeId: 'no-such-record' } });
    assert.equal(unknown.status, 400);
    const badReason = await call(ada, 'POST', '/api/action', { ...body, input: { ...body.input, reason: 'two\nlines' } });
    assert.equal(badReason.status, 400);
    const entries = auditLines().filter((e) => e.action === 'ledger.reopen' && e.target === bought.stuckToken);
    assert.ok(entries.some((e) => e.user === 'vera' && e.result === 'refused' && e.store === 'ledger:GG'));
    assert.ok(entries.some((e) => e.user === 'ada' && e.result === 'ok' && e.store === 'ledger:GG'));
    assert.ok(entries.some((e) => e.user === 'ada' && e.result === 'error' && e.detail === 'INVALID_STATE_TRANSITION'));
    assert.ok(!readFileSync(join(dir, 'audit.jsonl'), 'utf8').includes('ticket 4711'), 'the reason is on the record, not in the trail');
  });

  test("an NHN payment that failed verification is not offered for reopen: its accessToken is gone", async () => {
    const refuse = { store: 'NHN', verify: () => ({ refused: 'NHN: no such payment' }), settle: async () => 'SETTLED' };
    const flow = await runPurchase({
      store: ledgerStore, adapter: refuse, catalog: { gem_500: { kind: 'CONSUMABLE' } }, deliver: () => {},
      purchase: { store: 'GG', storeId: '2026120700000099', productId: 'gem_500', userId: 'cust-9', nhn: true, token: 'at-99' },
    });
    assert.equal(flow.state, 'VERIFY_FAILED');
    const ada = await signIn('ada');
    const [row] = (await (await call(ada, 'POST', '/api/customer', { userId: 'cust-9' })).json()).rows;
    assert.deepEqual([row.store, row.storeId, row.state, row.reopenable], ['NHN', '2026120700000099', 'VERIFY_FAILED', false]);
    const res = await call(ada, 'POST', '/api/action', { action: 'ledger.reopen', input: { store: 'NHN', storeId: '2026120700000099', reason: 'try anyway' } });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error.message, /accessToken is gone/);
  });

  test('a dashboard without a ledger: the view says so, the reopen action is not available', async () => {
    await assert.rejects(startDashboard({ port: 0, emulator: false, ledger: {} }), /^Error: ledger: give "postgres"/);
    await assert.rejects(startDashboard({ port: 0, emulator: false, ledger: { store: {} } }), /^Error: ledger: ledger.store: a purchase store/);
    const d = await startDashboard({ port: 0, emulator: false });
    try {
      const url = d.url.replace(/\/$/, '');
      const res = await fetch(`${url}/api/customer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: CUSTOMER }) });
      assert.equal(res.status, 400);
      assert.match((await res.json()).error.message, /no purchase ledger is configured/);
      const { actions } = await (await fetch(`${url}/api/actions`)).json();
      assert.equal(actions.find((a) => a.id === 'ledger.reopen').available, false);
      assert.equal((await (await fetch(`${url}/api/config`)).json()).ledger, null);
    } finally {
      await d.close();
    }
    const ada = await signIn('ada');
    const { actions } = await (await call(ada, 'GET', '/api/actions')).json();
    assert.equal(actions.find((a) => a.id === 'ledger.reopen').available, true);
    assert.equal((await (await call(ada, 'GET', '/api/config')).json()).ledger, 'given');
  });
});

describe('Google refunds and ONE store subscriptions against the local store server', () => {
  test('google.refund: the order is refunded at Google; a second refund is the store error', async () => {
    const ada = await signIn('ada');
    const order = async () => (await (await call(ada, 'POST', '/api/store-lookup', { store: 'google', by: 'order', id: 'GPA.3300-1111-2222-00002' })).json()).rows[0];
    assert.equal((await order()).status, 'PROCESSED');
    const res = await call(ada, 'POST', '/api/action', { action: 'google.refund', input: { orderId: 'GPA.3300-1111-2222-00002', revoke: 'revoke' } });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { done: 'refunded, access revoked' });
    const now = await order();
    assert.deepEqual([now.status, now.refunded], ['REFUNDED', true]);
    const again = await call(ada, 'POST', '/api/action', { action: 'google.refund', input: { orderId: 'GPA.3300-1111-2222-00002', revoke: 'keep' } });
    assert.equal(again.status, 502);
    assert.equal((await again.json()).error.details.errorStatus, 'FAILED_PRECONDITION');
    const bad = await call(ada, 'POST', '/api/action', { action: 'google.refund', input: { orderId: 'GPA.3300-1111-2222-00001', revoke: 'maybe' } });
    assert.equal(bad.status, 400);
    const entries = auditLines().filter((e) => e.action === 'google.refund' && e.target === 'GPA.3300-1111-2222-00002');
    assert.deepEqual(entries.map((e) => [e.user, e.store, e.result]), [['ada', 'google', 'ok'], ['ada', 'google', 'error']]);
  });

  test('the ONE store subscription lookup: state, next payment, the status the library computes', async () => {
    const token = 'SBSUBLOOKUP0000001';
    const sub = dash.emulator.oneStore.addSubscription({ productId: 'os_vip_monthly', purchaseToken: token, acknowledged: true });
    const vera = await signIn('vera');
    const res = await call(vera, 'POST', '/api/store-lookup', { store: 'onestore', by: 'subscription', id: token, productId: 'os_vip_monthly' });
    assert.equal(res.status, 200, await res.clone().text());
    const out = await res.json();
    const [row] = out.rows;
    assert.deepEqual([row.store, row.kind, row.productId, row.status, row.entitled, row.autoRenew, row.acknowledged, row.paymentState], ['onestore', 'subscription', 'os_vip_monthly', 'ACTIVE', true, true, true, 'paid']);
    assert.ok(row.expiryTime > Date.now() && row.purchaseTime <= Date.now(), JSON.stringify(row));
    assert.equal(row.expiryTime, sub.expiryTimeMillis);
    assert.equal(row.renewalTime, sub.nextPaymentTimeMillis ?? sub.expiryTimeMillis);
    assert.match(out.notes.join(' '), /renews on /);
    assert.equal((await call(vera, 'POST', '/api/store-lookup', { store: 'onestore', by: 'subscription', id: token })).status, 400, 'the product id is required');
    const unknown = await call(vera, 'POST', '/api/store-lookup', { store: 'onestore', by: 'subscription', id: 'SBNOSUCHTOKEN00000', productId: 'os_vip_monthly' });
    assert.equal(unknown.status, 502);
    assert.equal((await unknown.json()).error.details.errorCode, 'NoSuchData');
  });

  test('onestore.cancel and onestore.defer: refused for a viewer, done for an agent, seen in the next lookup', async () => {
    const one = dash.emulator.oneStore;
    const [a, b] = ['SBSUBCANCEL0000001', 'SBSUBDEFER00000001'];
    for (const purchaseToken of [a, b]) one.addSubscription({ productId: 'os_vip_monthly', purchaseToken, acknowledged: true });
    const vera = await signIn('vera');
    const ada = await signIn('ada');
    const look = async (token) => (await (await call(ada, 'POST', '/api/store-lookup', { store: 'onestore', by: 'subscription', id: token, productId: 'os_vip_monthly' })).json()).rows[0];
    const cancel = { action: 'onestore.cancel', input: { purchaseToken: a, productId: 'os_vip_monthly' } };
    assert.equal((await call(vera, 'POST', '/api/action', cancel)).status, 403);
    assert.equal((await look(a)).status, 'ACTIVE');
    const canceled = await call(ada, 'POST', '/api/action', cancel);
    assert.equal(canceled.status, 200, await canceled.clone().text());
    assert.deepEqual(await canceled.json(), { done: 'cancellation reserved' });
    const afterCancel = await look(a);
    assert.deepEqual([afterCancel.status, afterCancel.autoRenew, afterCancel.entitled], ['CANCELED', false, true]);
    const was = await look(b);
    const deferred = await call(ada, 'POST', '/api/action', { action: 'onestore.defer', input: { purchaseToken: b, productId: 'os_vip_monthly', period: '10' } });
    assert.equal(deferred.status, 200, await deferred.clone().text());
    assert.deepEqual(await deferred.json(), { done: 'deferred by 10 minutes (sandbox)' });
    assert.equal((await look(b)).expiryTime - was.expiryTime, 10 * 60_000);
    assert.equal((await call(ada, 'POST', '/api/action', { action: 'onestore.defer', input: { purchaseToken: b, productId: 'os_vip_monthly', period: '0' } })).status, 400);
    const entries = auditLines().filter((e) => e.action.startsWith('onestore.'));
    assert.ok(entries.some((e) => e.action === 'onestore.cancel' && e.user === 'vera' && e.result === 'refused' && e.target === a));
    assert.ok(entries.some((e) => e.action === 'onestore.cancel' && e.user === 'ada' && e.result === 'ok' && e.target === a && e.store === 'onestore'));
    assert.ok(entries.some((e) => e.action === 'onestore.defer' && e.user === 'ada' && e.result === 'ok' && e.target === b));
  });
});

describe('audit trail, settings, secrets', () => {
  test('admins filter the trail; lookups are in it with who and which customer', async () => {
    const ada = await signIn('ada');
    await call(ada, 'POST', '/api/lookup', { userId: 'user-2' });
    const max = await signIn('max');
    const res = await call(max, 'GET', '/api/audit?user=ada&action=lookup&target=user-2');
    const { entries, kind, retentionDays } = await res.json();
    assert.equal(kind, 'file');
    assert.equal(retentionDays, 30);
    assert.ok(entries.length >= 1);
    for (const e of entries) assert.deepEqual([e.user, e.role, e.action, e.target, e.result], ['ada', 'agent', 'lookup', 'user-2', 'ok']);
  });

  test('settings held by the server: an admin saves them, a viewer reads them, only known fields kept', async () => {
    const max = await signIn('max');
    const put = await call(max, 'PUT', '/api/settings', { bundleId: 'com.example.game', environment: 'Sandbox', roots: ['-----BEGIN CERTIFICATE-----x'], signingKey: 'should-not-be-kept' });
    assert.equal(put.status, 200);
    const vera = await signIn('vera');
    const got = await (await call(vera, 'GET', '/api/settings')).json();
    assert.equal(got.held, 'server');
    assert.equal(got.editable, false);
    assert.equal(got.settings.bundleId, 'com.example.game');
    assert.equal(got.settings.signingKey, undefined);
    assert.equal(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).environment, 'Sandbox');
  });

  test('no password, session id, CSRF token or store key in the trail or in what the page gets', async () => {
    const s = await signIn('max');
    const em = dash.emulator;
    const secrets = [
      ...Object.values(PASSWORDS), s.cookie.split('=')[1], s.csrf,
      em.iap.appKey, em.gamebase.secretKey, em.appStore.signingKey.split('\n')[1], em.googlePlay.serviceAccount.private_key.split('\n')[1], em.oneStore.clientSecret,
    ];
    const seen = [readFileSync(join(dir, 'audit.jsonl'), 'utf8')];
    for (const path of ['/api/config', '/api/actions', '/api/settings', '/api/audit']) seen.push(await (await call(s, 'GET', path)).text());
    for (const text of seen) for (const secret of secrets) assert.ok(secret.length > 8 && !text.includes(secret), `a secret leaked: ${secret.slice(0, 4)}…`);
    // A wrong password typed as a user name is the only way one reaches the trail: it is cut to 128 characters and never the password field.
    await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'max', password: 'Wr0ng-secret-pass' }) });
    assert.ok(!readFileSync(join(dir, 'audit.jsonl'), 'utf8').includes('Wr0ng-secret-pass'));
  });
});

describe('deployment', () => {
  test('refuses to listen beyond loopback without sign-in; starts there with it', async () => {
    await assert.rejects(startDashboard({ port: 0, host: '0.0.0.0', emulator: false }), /configure sign-in first/);
    const d = await startDashboard({ port: 0, host: '0.0.0.0', emulator: false, auth: { accountsFile: join(dir, 'accounts.json') }, audit: { file: join(dir, 'audit3.jsonl') } });
    assert.equal(d.signIn, true);
    await d.close();
  });

  test('health answers without a session; the per-user rate limit gives 429 with Retry-After', async () => {
    const d = await startDashboard({ port: 0, emulator: true, auth: { accountsFile: join(dir, 'accounts.json') }, audit: { file: join(dir, 'audit4.jsonl') }, rateLimit: { perMinute: 3 } });
    try {
      const url = d.url.replace(/\/$/, '');
      assert.deepEqual(await (await fetch(`${url}/api/health`)).json(), { status: 'ok', signIn: true, audit: 'file' });
      const vera = await signIn('vera', PASSWORDS.vera, url);
      const ada = await signIn('ada', PASSWORDS.ada, url);
      const get = (who) => fetch(`${url}/api/config`, { headers: { cookie: who.cookie } });
      for (let i = 0; i < 3; i++) assert.equal((await get(vera)).status, 200);
      const limited = await get(vera);
      assert.equal(limited.status, 429);
      assert.match(limited.headers.get('retry-after'), /^\d+$/);
      assert.equal((await get(ada)).status, 200, 'another user has their own limit');
      // The customer view counts against the same limit.
      const customer = await fetch(`${url}/api/customer`, { method: 'POST', headers: { cookie: vera.cookie, 'x-csrf-token': vera.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ userId: CUSTOMER }) });
      assert.equal(customer.status, 429);
    } finally {
      await d.close();
    }
  });

  test('alone on loopback without sign-in: one admin user, as before, audit in memory', async () => {
    const d = await startDashboard({ port: 0, emulator: true });
    try {
      const url = d.url.replace(/\/$/, '');
      const s = await (await fetch(`${url}/api/session`)).json();
      assert.deepEqual(s.user, { name: 'local', role: 'admin', via: 'none' });
      assert.equal((await fetch(`${url}/api/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"userId":"user-1"}' })).status, 200);
      const audit = await (await fetch(`${url}/api/audit`)).json();
      assert.equal(audit.kind, 'memory');
      assert.equal(audit.entries[0].action, 'lookup');
    } finally {
      await d.close();
    }
  });
});
