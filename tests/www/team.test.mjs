// The dashboard as a support team uses it, in headless Chromium: three people sign in through a
// real OpenID Connect provider (oidc-provider, tests/www/oidc-provider.mjs) and get their role from
// its claims; the viewer and the agent look up the same customer; the viewer cannot revoke a
// subscription (the button is disabled and the server refuses it when sent anyway), the agent
// does; the admin reads both in the audit trail. Then once more behind Debian's nginx with TLS (a
// throwaway certificate, on loopback) with --public-origin. Screenshots of each screen in
// tests/www/artifacts/team-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { CHROMIUM, launchChromium } from './chromium.mjs';
import { startOidcProvider } from './oidc-provider.mjs';
import { hashPassword } from '../../www/server/dashboard-auth.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const NGINX = '/usr/sbin/nginx';
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} not found (scripts/setup.sh chromium)` : false;
const skipTls = skip || (!existsSync(NGINX) ? `${NGINX} not found (scripts/setup.sh nginx)` : false);

const USERS = { vera: 'vera@example.test', ada: 'ada@example.test', max: 'max@example.test' };
const GROUPS = { [USERS.vera]: ['support-staff'], [USERS.ada]: ['support-agents', 'support-staff'], [USERS.max]: ['support-staff'] };
const ROLES = { admin: [USERS.max], agent: ['group:support-agents'], viewer: ['group:support-staff'] };

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const dir = mkdtempSync(join(tmpdir(), 'iapv-team-browser-'));
let browser;
let provider;
let plainPort;
let tlsPort;
let behindPort;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  [plainPort, tlsPort, behindPort] = [await freePort(), await freePort(), await freePort()];
  provider = await startOidcProvider({
    redirectUris: [`http://127.0.0.1:${plainPort}/api/auth/callback`, `https://localhost:${tlsPort}/api/auth/callback`],
    groups: GROUPS,
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await provider?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The dashboard's team options: sign-in through the provider, the trail in a file of `name`. */
const teamOptions = (name, redirectUri) => ({
  emulator: true,
  auth: { oidc: { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, scopes: 'openid email profile groups', roles: ROLES, ...(redirectUri ? { redirectUri } : {}) } },
  audit: { file: join(dir, `${name}.jsonl`) },
  rateLimit: { signInPerMinute: 100 },
});

/**
 * Signs `email` in through the provider's pages in a fresh browser context: the page, its context
 * and the console errors it logged.
 */
async function signIn(base, email, { shots } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true, timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // The provider's own development pages are not the dashboard.
    if (m.type() === 'error' && page.url().startsWith(base)) errors.push(`console: ${m.text()}`);
  });
  await page.goto(base);
  await page.getByTestId('signin-oidc').waitFor();
  assert.equal(await page.locator('#lookup').isVisible(), false, 'nothing but the sign-in before signing in');
  assert.equal(await page.getByTestId('signin-user').isVisible(), false, 'no local accounts configured: no password form');
  if (shots) await page.screenshot({ path: `${ARTIFACTS}${shots}-signin.png` });
  await page.getByTestId('signin-oidc').click();
  await page.waitForURL((u) => u.href.startsWith(provider.issuer));
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill('any password: the development provider');
  if (shots) await page.screenshot({ path: `${ARTIFACTS}${shots}-provider.png` });
  await page.locator('button[type="submit"]').first().click();
  await page.waitForURL((u) => u.href.startsWith(base));
  await page.getByTestId('role').waitFor({ timeout: 10_000 }).catch(async (e) => {
    throw new Error(`not signed in at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 300)}`, { cause: e });
  });
  return { page, context, errors };
}

/** Looks `userId` up in the page; the status line. */
async function lookUp(page, userId) {
  await page.getByTestId('user-id').fill(userId);
  await page.getByTestId('lookup-submit').click();
  await page.locator('[data-testid="lookup-status"]:not(:empty):not(:text("Looking up…"))').waitFor();
  return page.getByTestId('lookup-status').innerText();
}

/** Revokes `token` through the action's form, accepting the confirmation; the status line. */
async function revoke(page, token) {
  const form = page.getByTestId('action-google.revoke');
  await form.locator('input[name="token"]').fill(token);
  const dialogs = [];
  page.once('dialog', (d) => {
    dialogs.push(d.message());
    d.accept();
  });
  await page.getByTestId('action-submit-google.revoke').click();
  const status = page.getByTestId('action-status-google.revoke');
  await page.waitForFunction(() => /Done|Refused/.test(document.querySelector('[data-testid="action-status-google.revoke"]')?.textContent ?? ''));
  assert.match(dialogs[0] ?? '', /Revoke this subscription\?/);
  return status.innerText();
}

/** What the server says to an action sent from this page's session anyway (past a disabled button). */
const sendAction = (page, action, input) => page.evaluate(async ({ action, input }) => {
  const { csrf } = await (await fetch('/api/session')).json();
  const res = await fetch('/api/action', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ action, input }) });
  return { status: res.status, body: await res.json() };
}, { action, input });

/** The admin's audit trail rows for `target`, as text per row. */
async function auditRows(page, target) {
  await page.getByTestId('audit-target').fill(target);
  await page.getByTestId('audit-submit').click();
  await page.waitForFunction((t) => [...document.querySelectorAll('#audit-body tr')].every((r) => r.textContent.includes(t)) && document.querySelectorAll('#audit-body tr').length > 0, target);
  return page.locator('#audit-body tr').allInnerTexts();
}

/** The whole story on one dashboard at `base`; `name` prefixes the screenshots. */
async function teamStory(base, name, { secure }) {
  const vera = await signIn(base, USERS.vera, { shots: name });
  const ada = await signIn(base, USERS.ada);
  const max = await signIn(base, USERS.max);
  try {
    assert.match(await vera.page.getByTestId('role').innerText(), /viewer/i);
    assert.match(await ada.page.getByTestId('role').innerText(), /agent/i);
    assert.match(await max.page.getByTestId('role').innerText(), /admin/i);
    assert.equal(await vera.page.getByTestId('who').innerText(), USERS.vera);
    // The session cookie: HttpOnly, SameSite=Strict, Secure over TLS (and __Host- then).
    const cookies = await ada.context.cookies();
    const session = cookies.find((c) => /iapv_session$/.test(c.name));
    assert.ok(session, cookies.map((c) => c.name).join());
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.secure, secure);
    assert.equal(session.name, secure ? '__Host-iapv_session' : 'iapv_session');
    assert.equal(await ada.page.evaluate(() => document.cookie.includes('iapv_session')), false, 'the page script cannot read it');

    // Both look up the same customer.
    assert.match(await lookUp(vera.page, 'user-1'), /1 unconsumed payment, 1 active subscription for "user-1"/);
    assert.match(await lookUp(ada.page, 'user-1'), /1 unconsumed payment, 1 active subscription for "user-1"/);
    await vera.page.screenshot({ path: `${ARTIFACTS}${name}-viewer.png`, fullPage: true });

    // The viewer: the button is disabled, and the server refuses the action sent anyway.
    assert.equal(await vera.page.getByTestId('action-submit-google.revoke').isDisabled(), true);
    const refused = await sendAction(vera.page, 'google.revoke', { token: 'play-sub-active', refund: 'full' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'FORBIDDEN');
    // The agent: confirmed, done.
    assert.equal(await ada.page.getByTestId('action-submit-google.revoke').isDisabled(), false);
    assert.match(await revoke(ada.page, 'play-sub-active'), /Done: revoked \(full refund\)/);
    await ada.page.screenshot({ path: `${ARTIFACTS}${name}-agent.png`, fullPage: true });
    // Nothing for the viewer and the agent of the audit trail.
    assert.equal(await vera.page.locator('#audit').isVisible(), false);
    assert.equal(await ada.page.locator('#audit').isVisible(), false);

    // The admin sees both, and both look-ups.
    await max.page.locator('#audit').waitFor();
    const rows = await auditRows(max.page, 'play-sub-active');
    assert.ok(rows.some((r) => r.includes(USERS.vera) && r.includes('google.revoke') && /refused/.test(r)), rows.join('\n'));
    assert.ok(rows.some((r) => r.includes(USERS.ada) && r.includes('google.revoke') && /\bok\b/.test(r)), rows.join('\n'));
    const lookups = await auditRows(max.page, 'user-1');
    assert.ok(lookups.some((r) => r.includes(USERS.vera) && r.includes('lookup')));
    assert.ok(lookups.some((r) => r.includes(USERS.ada) && r.includes('lookup')));
    await auditRows(max.page, 'play-sub-active');
    await max.page.screenshot({ path: `${ARTIFACTS}${name}-audit.png`, fullPage: true });

    // Sign-out: back to the sign-in, and the old cookie is worth nothing.
    await ada.page.getByTestId('sign-out').click();
    await ada.page.getByTestId('signin-oidc').waitFor();
    const after = await ada.page.evaluate(async () => (await fetch('/api/config')).status);
    assert.equal(after, 401);
    // The only failed loads are the two this test made on purpose: the viewer's action, the signed-out request.
    assert.deepEqual(vera.errors, ['console: Failed to load resource: the server responded with a status of 403 (Forbidden)']);
    assert.deepEqual(ada.errors, ['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    assert.deepEqual(max.errors, []);
  } finally {
    for (const u of [vera, ada, max]) await u.context.close();
  }
}

describe('a support team in headless Chromium', { skip }, () => {
  test('three people sign in through the provider: viewer, agent, admin; one action refused, one done, both audited', async () => {
    const dash = await startDashboard({ port: plainPort, ...teamOptions('plain', `http://127.0.0.1:${plainPort}/api/auth/callback`) });
    try {
      await teamStory(dash.url.replace(/\/$/, ''), 'team', { secure: false });
      // The trail on disk: both, and no secret of the provider's client.
      const trail = readFileSync(join(dir, 'plain.jsonl'), 'utf8');
      const entries = trail.trim().split('\n').map((l) => JSON.parse(l));
      const revokes = entries.filter((e) => e.action === 'google.revoke').map(({ user, role, store, target, result }) => ({ user, role, store, target, result }));
      assert.deepEqual(revokes, [
        { user: USERS.vera, role: 'viewer', store: 'google', target: 'play-sub-active', result: 'refused' },
        { user: USERS.ada, role: 'agent', store: 'google', target: 'play-sub-active', result: 'ok' },
      ]);
      assert.ok(entries.some((e) => e.user === USERS.max && e.action === 'sign-in' && e.detail === 'oidc' && e.role === 'admin'));
      assert.ok(!trail.includes(provider.clientSecret));
    } finally {
      await dash.close();
    }
  });

  test('local accounts beside the provider: the password form signs in, a wrong password is told, sign-out', async () => {
    writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ users: [{ name: 'lee', role: 'admin', password: await hashPassword('lee-local-password') }] }));
    const options = teamOptions('local', `http://127.0.0.1:${plainPort}/api/auth/callback`);
    const dash = await startDashboard({ port: plainPort, ...options, auth: { ...options.auth, accountsFile: join(dir, 'accounts.json') } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(dash.url);
      await page.getByTestId('signin-user').waitFor();
      assert.equal(await page.getByTestId('signin-oidc').isVisible(), true);
      await page.getByTestId('signin-user').fill('lee');
      await page.getByTestId('signin-password').fill('not-the-password');
      await page.getByTestId('signin-submit').click();
      await page.locator('[data-testid="signin-status"]:has-text("Sign-in failed")').waitFor();
      assert.match(await page.getByTestId('signin-status').innerText(), /wrong user name or password/);
      await page.screenshot({ path: `${ARTIFACTS}team-local-signin.png` });
      await page.getByTestId('signin-password').fill('lee-local-password');
      await page.getByTestId('signin-submit').click();
      await page.getByTestId('role').waitFor();
      assert.match(await page.getByTestId('role').innerText(), /admin/i);
      assert.equal(await page.getByTestId('who').innerText(), 'lee');
      await page.locator('#audit').waitFor();
      await page.getByTestId('sign-out').click();
      await page.getByTestId('signin-user').waitFor();
    } finally {
      await context.close();
      await dash.close();
    }
  });

  test('through the provider, a user no role names is refused, and a forged callback is too; both audited', async () => {
    const dash = await startDashboard({ port: plainPort, ...teamOptions('refused', `http://127.0.0.1:${plainPort}/api/auth/callback`) });
    const base = dash.url.replace(/\/$/, '');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(base);
      await page.getByTestId('signin-oidc').click();
      await page.waitForURL((u) => u.href.startsWith(provider.issuer));
      await page.locator('input[name="login"]').fill('nobody@example.test');
      await page.locator('input[name="password"]').fill('whatever');
      await page.locator('button[type="submit"]').first().click();
      await page.waitForURL((u) => u.href.startsWith(`${base}/api/auth/callback`));
      assert.match(await page.locator('body').innerText(), /no role in this dashboard/);
      assert.deepEqual((await context.cookies()).filter((c) => /iapv_session$/.test(c.name)), []);
      // A callback this browser did not start (no login cookie, a made-up code and state).
      const forged = await fetch(`${base}/api/auth/callback?code=made-up&state=made-up`);
      assert.equal(forged.status, 400);
      assert.equal(forged.headers.get('set-cookie')?.includes('iapv_session='), false);
      const entries = readFileSync(join(dir, 'refused.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(entries.some((e) => e.user === 'nobody@example.test' && e.action === 'sign-in' && e.result === 'refused' && e.detail === 'oidc: no role'));
      assert.ok(entries.some((e) => e.action === 'sign-in' && e.result === 'error' && /^oidc: /.test(e.detail)));
    } finally {
      await context.close();
      await dash.close();
    }
  });

  test('behind nginx with TLS (a throwaway certificate) and --public-origin', { skip: skipTls }, async () => {
    // The certificate for localhost, made now.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const conf = `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${tlsPort} ssl;
    server_name localhost;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    location / {
      proxy_pass http://127.0.0.1:${behindPort};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`;
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'nginx-error.log')], { stdio: 'ignore' });
    const publicOrigin = `https://localhost:${tlsPort}`;
    const dash = await startDashboard({ port: behindPort, publicOrigin, ...teamOptions('tls') });
    try {
      // nginx is up when it answers.
      for (let i = 0; i < 50; i++) {
        const up = await new Promise((resolve) => {
          httpsGet(`${publicOrigin}/api/health`, { rejectUnauthorized: false }, (r) => resolve(r.statusCode === 200)).on('error', () => resolve(false));
        });
        if (up) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await teamStory(publicOrigin, 'team-tls', { secure: true });
      const entries = readFileSync(join(dir, 'tls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.ok(entries.some((e) => e.user === USERS.ada && e.action === 'google.revoke' && e.result === 'ok'));
    } finally {
      await dash.close();
      nginx.kill('SIGTERM');
      await new Promise((r) => (nginx.exitCode !== null ? r() : nginx.once('exit', r)));
    }
  });
});
