// `iap-verify dashboard` without a browser: configuration from the environment, the lookup API's
// answers and refusals, and that no credential ever reaches a response.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, main, startDashboard } from '../../www/server/dashboard-cli.js';
import { hashPassword } from '../../www/server/dashboard-auth.js';

// Bound beyond loopback the dashboard needs sign-in: one local account, its audit trail in a temp folder.
const teamDir = mkdtempSync(join(tmpdir(), 'iapv-dash-team-'));
const TEAM_PASSWORD = 'agent-password-1';
writeFileSync(join(teamDir, 'accounts.json'), JSON.stringify({ users: [{ name: 'ada', role: 'agent', password: await hashPassword(TEAM_PASSWORD) }] }));
writeFileSync(join(teamDir, 'config.json'), JSON.stringify({ auth: { accountsFile: 'accounts.json' }, audit: { file: 'audit.jsonl' }, rateLimit: { perMinute: 100000 } }));
const team = { auth: { accountsFile: join(teamDir, 'accounts.json') }, audit: { file: join(teamDir, 'audit.jsonl') }, rateLimit: { perMinute: 100000 } };
/** A signed-in session's headers (cookie and CSRF token) for the dashboard at `url`. */
async function signedIn(url) {
  const res = await fetch(new URL('/api/auth/login', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: TEAM_PASSWORD }) });
  assert.equal(res.status, 200);
  return { cookie: res.headers.get('set-cookie').split(';')[0], 'x-csrf-token': (await res.json()).csrf };
}
import { startEmulator } from '../../emulator/src/emulator.js';

const post = (url, body, headers = {}) =>
  fetch(`${url}api/lookup`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A raw request with a chosen Host header (fetch does not let one set it). */
function withHost(url, host) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: '/api/config', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A raw request to the server at `url` (connecting to 127.0.0.1 whatever address it is bound to),
 * with any Host and Origin: `{ status, body }`.
 */
function raw(url, { method = 'GET', path = '/api/config', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: '127.0.0.1', port: u.port, method, path, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function openSocket(port) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => resolve(sock));
    sock.once('error', reject);
  });
}

/**
 * POSTs a body larger than the limit: `contentLength` declared (else chunked), `chunk` bytes at a
 * time up to `max`, stopping when an answer or a close arrives. `{ head, body, closed, sent }`.
 */
async function oversized(port, path, { contentLength, chunk, max }) {
  const sock = await openSocket(port);
  const framing = contentLength === undefined ? 'Transfer-Encoding: chunked' : `Content-Length: ${contentLength}`;
  let text = '';
  let closed = false;
  let sent = 0;
  sock.setEncoding('latin1');
  sock.on('data', (d) => (text += d));
  sock.on('error', () => {});
  const done = new Promise((resolve) => sock.on('close', () => resolve((closed = true))));
  sock.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`);
  while (sent < max && !closed && text === '') {
    const part = 'x'.repeat(Math.min(chunk, max - sent));
    sock.write(contentLength === undefined ? `${part.length.toString(16)}\r\n${part}\r\n` : part);
    sent += part.length;
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
  sock.destroy();
  const [head, body = ''] = text.split('\r\n\r\n');
  return { head, body, closed, sent };
}

/** Sends `start`, then `more` every 50 ms (never finishing) until the server closes or 5 s pass. */
async function trickle(port, start, more) {
  const sock = await openSocket(port);
  let text = '';
  let closed = false;
  sock.setEncoding('latin1');
  sock.on('data', (d) => (text += d));
  sock.on('error', () => {});
  sock.on('close', () => (closed = true));
  sock.write(start);
  const until = Date.now() + 5000;
  while (!closed && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    if (!closed) sock.write(more);
  }
  sock.destroy();
  return { head: text.split('\r\n')[0], closed };
}

/** The three API routes with a valid request each. */
const API_CALLS = [
  { method: 'GET', path: '/api/config' },
  { method: 'POST', path: '/api/lookup', body: { userId: 'user-1', store: 'GG' } },
  { method: 'POST', path: '/api/store-lookup', body: { store: 'google', by: 'voided' } },
];

describe('dashboard server', () => {
  let emu;
  before(async () => {
    emu = await startEmulator({ port: 0 });
  });
  after(async () => {
    await emu.close();
  });

  test('loadConfig: the environment wins over the file; incomplete entries do not count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iap-dash-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ iap: { appKey: 'file-key', baseUrl: 'http://file' }, gamebase: { appId: 'only-id' } }));
    const c = loadConfig({ config: file, env: { IAP_APPKEY: 'env-key' } });
    assert.deepEqual(c.iap, { appKey: 'env-key', baseUrl: 'http://file', packageName: undefined });
    assert.equal(c.gamebase, undefined, 'Gamebase needs both the app id and the secret key');
    assert.deepEqual(loadConfig({ env: {} }), { iap: undefined, gamebase: undefined });
  });

  test('configured through the environment: no emulator is started, lookups reach the configured server', async () => {
    const env = {
      GAMEBASE_APP_ID: emu.gamebase.appId,
      GAMEBASE_SECRET_KEY: emu.gamebase.secretKey,
      GAMEBASE_BASE_URL: emu.url,
      GAMEBASE_PACKAGE_NAME: emu.iap.packageName,
    };
    const dash = await startDashboard({ port: 0, env });
    try {
      assert.equal(dash.emulator, undefined);
      const conf = await (await fetch(`${dash.url}api/config`)).json();
      assert.deepEqual(Object.keys(conf.apis), ['gamebase']);
      assert.equal(conf.emulator, false);
      const res = await post(dash.url, { userId: 'user-1', store: 'GG' });
      assert.equal(res.status, 200);
      const out = await res.json();
      assert.equal(out.api, 'gamebase');
      assert.deepEqual(out.rows.map((r) => [r.paymentSeq, r.kind, r.status]), [
        ['2026010110000001', 'unconsumed', 'UNCONSUMED'],
        ['2026010110000003', 'subscription', 'ACTIVE'],
      ]);
      assert.equal(typeof out.rows[0].purchaseTime, 'number');
      // The IAP API is not configured here.
      assert.equal((await post(dash.url, { userId: 'user-1', api: 'iap' })).status, 400);
    } finally {
      await dash.close();
    }
  });

  test('a wrong secret key: API_ERROR from the server, and the key is in no response', async () => {
    const secret = 'not-the-secret-0123456789';
    const dash = await startDashboard({ port: 0, env: { GAMEBASE_APP_ID: emu.gamebase.appId, GAMEBASE_SECRET_KEY: secret, GAMEBASE_BASE_URL: emu.url } });
    try {
      const res = await post(dash.url, { userId: 'user-1' });
      const text = await res.text();
      assert.equal(res.status, 502);
      assert.equal(JSON.parse(text).error.code, 'API_ERROR');
      assert.doesNotMatch(text, new RegExp(secret));
      assert.doesNotMatch(await (await fetch(`${dash.url}api/config`)).text(), new RegExp(secret));
    } finally {
      await dash.close();
    }
  });

  test('refusals: bad input, other origins, other Host names, other methods, files outside www/ and the browser entry', async () => {
    const dash = await startDashboard({ port: 0, emulator: true, env: {} });
    try {
      assert.equal((await post(dash.url, { userId: '' })).status, 400);
      assert.equal((await post(dash.url, { userId: 'u', store: 'XX' })).status, 400);
      assert.equal((await post(dash.url, { userId: 'u' }, { origin: 'http://evil.example' })).status, 403);
      assert.equal((await post(dash.url, { userId: 'u' }, { 'content-type': 'text/plain' })).status, 415);
      assert.equal((await fetch(`${dash.url}api/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' })).status, 400);
      assert.equal((await fetch(`${dash.url}api/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(20000) })).status, 413);
      assert.equal((await fetch(`${dash.url}api/consume`, { method: 'POST' })).status, 404, 'no write call is exposed');
      assert.equal(await withHost(dash.url, 'evil.example:80'), 421, 'DNS rebinding: unknown Host refused');
      assert.equal(await withHost(dash.url, `localhost:${dash.port}`), 200);
      for (const path of ['pkg/node.mjs', 'pkg/src/emulator-seed.json', 'server/dashboard-cli.js', '..%2fCargo.toml', '%E0%A4%A']) {
        assert.equal((await fetch(dash.url + path)).status, 404, path);
      }
      const page = await fetch(dash.url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
      assert.equal((await fetch(`${dash.url}pkg/web/iap_verify_bg.wasm`)).headers.get('content-type'), 'application/wasm');
    } finally {
      await dash.close();
    }
  });

  test('Host allow-list: bound to 0.0.0.0, a foreign Host is refused on every /api route; loopback names and --allowed-host are not', async () => {
    const dash = await startDashboard({ port: 0, host: '0.0.0.0', emulator: true, env: {}, ...team });
    const auth = await signedIn(dash.url);
    try {
      for (const call of API_CALLS) {
        for (const host of ['evil.example', `evil.example:${dash.port}`, 'EVIL.example.', '127.0.0.1.evil.example', '[::1', 'localhost@evil.example']) {
          const r = await raw(dash.url, { ...call, headers: { host } });
          assert.equal(r.status, 421, `${call.path} with Host ${host}: ${r.body}`);
          assert.doesNotMatch(r.body, /rows|storeApis|apis/);
        }
        // A page that rebound its own name sends its own origin too: refused all the same.
        const rebound = await raw(dash.url, { ...call, headers: { host: `evil.example:${dash.port}`, origin: `http://evil.example:${dash.port}` } });
        assert.equal(rebound.status, 421, call.path);
        for (const host of [`127.0.0.1:${dash.port}`, `localhost:${dash.port}`, `[::1]:${dash.port}`, 'LOCALHOST']) {
          const r = await raw(dash.url, { ...call, headers: { host, ...auth } });
          assert.equal(r.status, 200, `${call.path} with Host ${host}: ${r.body}`);
        }
      }
      assert.equal((await raw(dash.url, { path: '/', headers: { host: 'evil.example' } })).status, 421, 'the page too');
    } finally {
      await dash.close();
    }
    const named = await startDashboard({ port: 0, host: '0.0.0.0', emulator: true, env: {}, allowedHosts: ['support.internal', 'Dash.Example.'], ...team });
    const auth2 = await signedIn(named.url);
    try {
      for (const call of API_CALLS) {
        for (const host of [`support.internal:${named.port}`, 'dash.example', `dash.example:${named.port}`]) {
          assert.equal((await raw(named.url, { ...call, headers: { host, ...auth2 } })).status, 200, `${call.path} with Host ${host}`);
        }
        assert.equal((await raw(named.url, { ...call, headers: { host: 'evil.example' } })).status, 421, call.path);
      }
      // Origins come from the allow-list: any allowed name at this port, never the request's Host.
      const lookup = API_CALLS[1];
      const host = `support.internal:${named.port}`;
      assert.equal((await raw(named.url, { ...lookup, headers: { host, origin: `http://support.internal:${named.port}`, ...auth2 } })).status, 200);
      assert.equal((await raw(named.url, { ...lookup, headers: { host, origin: `http://dash.example:${named.port}`, ...auth2 } })).status, 200);
      for (const origin of ['http://evil.example', `http://evil.example:${named.port}`, `https://support.internal:${named.port}`, 'http://support.internal:1', 'null']) {
        assert.equal((await raw(named.url, { ...lookup, headers: { host, origin, ...auth2 } })).status, 403, origin);
      }
    } finally {
      await named.close();
    }
  });

  test('behind an HTTPS reverse proxy: a lookup works with --public-origin and is refused without it', async () => {
    const proxied = { host: 'support.example.com', origin: 'https://support.example.com', 'x-forwarded-proto': 'https' };
    const plain = await startDashboard({ port: 0, emulator: true, env: {} });
    try {
      for (const call of API_CALLS) assert.equal((await raw(plain.url, { ...call, headers: proxied })).status, 421, call.path);
    } finally {
      await plain.close();
    }
    // Its name allowed but not its origin: the Host passes, the https:// Origin does not.
    const named = await startDashboard({ port: 0, emulator: true, env: {}, allowedHosts: ['support.example.com'] });
    try {
      assert.equal((await raw(named.url, { ...API_CALLS[1], headers: proxied })).status, 403);
    } finally {
      await named.close();
    }
    const dash = await startDashboard({ port: 0, emulator: true, env: {}, publicOrigin: 'https://support.example.com' });
    try {
      for (const call of API_CALLS) {
        const r = await raw(dash.url, { ...call, headers: proxied });
        assert.equal(r.status, 200, `${call.path}: ${r.body}`);
      }
      const out = JSON.parse((await raw(dash.url, { ...API_CALLS[1], headers: proxied })).body);
      assert.ok(out.rows.length > 0);
      // Only that origin: not its http:// twin, nor another name behind the same proxy.
      for (const origin of ['http://support.example.com', 'https://evil.example', 'https://support.example.com:8443']) {
        assert.equal((await raw(dash.url, { ...API_CALLS[1], headers: { ...proxied, origin } })).status, 403, origin);
      }
      assert.equal((await raw(dash.url, { ...API_CALLS[1], headers: { ...proxied, host: 'evil.example' } })).status, 421);
      // A proxy that sends the dashboard's own address as Host (nginx's default) works too.
      assert.equal((await raw(dash.url, { ...API_CALLS[1], headers: { ...proxied, host: `127.0.0.1:${dash.port}` } })).status, 200);
      // The local names still work as before.
      assert.equal((await post(dash.url, { userId: 'user-1' })).status, 200);
    } finally {
      await dash.close();
    }
  });

  test('main: --allowed-host (repeatable) and --public-origin are read and checked', async () => {
    const lines = [];
    const log = (l) => lines.push(l);
    assert.equal(await main(['--help'], { log, signals: false }), 0);
    assert.match(lines.join('\n'), /--allowed-host NAME/);
    assert.match(lines.join('\n'), /--public-origin URL/);
    const realError = console.error;
    const errors = [];
    console.error = (l) => errors.push(l);
    try {
      for (const bad of [['--public-origin', 'support.example.com'], ['--public-origin', 'https://support.example.com/path'], ['--public-origin', 'ftp://x.example'],
        ['--allowed-host', ''], ['--allowed-host', 'a b'], ['--allowed-host', 'x.example/'], ['--allowed-host'],
        // Beyond loopback without sign-in.
        ['--port', '0', '--host', '0.0.0.0', '--no-emulator']]) {
        assert.equal(await main(bad, { log, signals: false, env: {} }), 2, bad.join(' '));
      }
    } finally {
      console.error = realError;
    }
    const dash = await main(['--port', '0', '--host', '0.0.0.0', '--config', join(teamDir, 'config.json'), '--allowed-host', 'a.example', '--allowed-host=b.example', '--public-origin', 'https://support.example.com'], { log, signals: false, env: {} });
    assert.match(lines.join('\n'), /sign-in required; audit trail: file; sessions: in memory \(this instance only\)/);
    const auth = await signedIn(dash.url);
    try {
      for (const host of ['a.example', 'b.example', 'support.example.com']) assert.equal((await raw(dash.url, { headers: { host, ...auth } })).status, 200, host);
      assert.equal((await raw(dash.url, { headers: { host: 'c.example' } })).status, 421);
    } finally {
      await dash.close();
    }
  });

  test('an oversized body: 413 at the limit (declared or streamed), and the connection is closed without reading the rest', async () => {
    const dash = await startDashboard({ port: 0, emulator: true, env: {} });
    try {
      assert.equal(dash.limits.maxBodyBytes, 16 * 1024);
      for (const path of ['/api/lookup', '/api/store-lookup']) {
        // Declared: 50 MB announced, 8 KiB sent. The answer comes without waiting for the rest.
        const declared = await oversized(dash.port, path, { contentLength: 50_000_000, chunk: 8 * 1024, max: 8 * 1024 });
        assert.match(declared.head, /^HTTP\/1\.1 413 /, path);
        assert.match(declared.head, /\r\nconnection: close\r\n/i);
        assert.match(declared.body, /INPUT_TOO_LARGE/);
        assert.ok(declared.closed, 'the server closed the connection');
        assert.equal(declared.sent, 8 * 1024);
        // Streamed (chunked, no length): refused once past 16 KiB, long before the 8 MiB the
        // client would send, and closed.
        const streamed = await oversized(dash.port, path, { chunk: 4 * 1024, max: 8 * 1024 * 1024 });
        assert.match(streamed.head, /^HTTP\/1\.1 413 /, path);
        assert.ok(streamed.closed, 'the server closed the connection');
        assert.ok(streamed.sent < 1024 * 1024, `${streamed.sent} bytes sent before the answer`);
      }
      // At the limit exactly: read and answered (400 here: not JSON, but not too large).
      const atLimit = await fetch(`${dash.url}api/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ' '.repeat(16 * 1024 - 2) + '{}' });
      assert.equal(atLimit.status, 400);
    } finally {
      await dash.close();
    }
  });

  test('header and request timeouts and a connection cap, not Node\'s defaults', async () => {
    const dash = await startDashboard({ port: 0, emulator: true, env: {} });
    try {
      // The defaults: Node's are 60 s for the headers, 300 s for a request and no cap.
      assert.deepEqual(dash.limits, { maxBodyBytes: 16 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 64 });
    } finally {
      await dash.close();
    }
    const quick = await startDashboard({ port: 0, emulator: true, env: {}, headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 3 });
    try {
      assert.deepEqual(quick.limits, { maxBodyBytes: 16 * 1024, headersTimeoutMs: 300, requestTimeoutMs: 600, maxConnections: 3 });
      // Headers that never end (slowloris): answered 408 and closed, within a second or two.
      const started = Date.now();
      const slow = await trickle(quick.port, 'GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 'a');
      assert.ok(slow.closed, 'closed');
      assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
      assert.match(slow.head || 'HTTP/1.1 408', /^HTTP\/1\.1 408/);
      // A body that never ends within the request timeout: 408 and closed.
      const body = await trickle(quick.port, 'POST /api/lookup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', ' ');
      assert.ok(body.closed, 'closed');
      assert.ok(Date.now() - started < 6000);
      // Three connections held open: a fourth is dropped; once one closes, requests work again.
      const held = await Promise.all([0, 1, 2].map(() => openSocket(quick.port)));
      const fourth = await openSocket(quick.port);
      const dropped = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 2000);
        fourth.on('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
        fourth.on('error', () => {});
        fourth.write('GET /api/config HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      });
      assert.ok(dropped, 'the connection over the cap was closed');
      for (const sock of held) sock.destroy();
      let status;
      for (let i = 0; i < 50 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 20));
        status = (await raw(quick.url).catch(() => ({ status: 0 }))).status;
      }
      assert.equal(status, 200);
    } finally {
      await quick.close();
    }
  });

  test('api: only the configured APIs by their own names; inherited names are a 400 with the choices', async () => {
    const dash = await startDashboard({ port: 0, emulator: true, env: {} });
    try {
      for (const api of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf', '', 'IAP', 42, null, ['iap'], { iap: 1 }]) {
        const res = await post(dash.url, { userId: 'user-1', api });
        assert.equal(res.status, 400, JSON.stringify(api));
        const { error } = await res.json();
        assert.equal(error.code, 'INVALID_ARGUMENT', JSON.stringify(api));
        assert.equal(error.message, 'api: one of iap, gamebase', JSON.stringify(api));
      }
      for (const api of ['iap', 'gamebase']) {
        const res = await post(dash.url, { userId: 'user-1', api });
        assert.equal(res.status, 200, api);
        assert.equal((await res.json()).api, api);
      }
    } finally {
      await dash.close();
    }
  });

  test('a hostile upstream: the browser gets our message and only the documented fields, cleaned and cut', async () => {
    // A fake IAP server: a failure envelope with a hostile 1 MB message, or a list whose entries
    // carry fields the dashboard does not document (the access token among them).
    let answer;
    const upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer));
      });
    });
    await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const env = { IAP_APPKEY: 'app-key', IAP_BASE_URL: `http://127.0.0.1:${upstream.address().port}` };
    const dash = await startDashboard({ port: 0, env });
    try {
      const hostile = `<img src=x onerror=alert(1)>\u202e\u0000\u001b[31m</script>\n${'x'.repeat(1024 * 1024)}`;
      answer = { header: { isSuccessful: false, resultCode: 1100, resultMessage: hostile, traceError: { uri: '/secret/path' } } };
      const res = await post(dash.url, { userId: 'user-1', store: 'GG' });
      assert.equal(res.status, 502);
      const text = await res.text();
      assert.ok(text.length < 2048, `${text.length} bytes sent to the browser`);
      const { error, ...rest } = JSON.parse(text);
      assert.deepEqual(rest, {});
      assert.deepEqual(Object.keys(error).sort(), ['code', 'details', 'message']);
      assert.equal(error.code, 'API_ERROR');
      assert.equal(error.message, 'the server refused the request with result code 1100 (HTTP 200)');
      assert.deepEqual(Object.keys(error.details).sort(), ['resultCode', 'resultMessage', 'status']);
      assert.equal([...error.details.resultMessage].length, 256);
      assert.match(error.details.resultMessage, /^<img src=x onerror=alert\(1\)>\[31m<\/script> x+…$/);
      assert.doesNotMatch(text, /secret\/path|traceError/);

      answer = {
        header: { isSuccessful: true, resultCode: 0, resultMessage: 'SUCCESS' },
        result: [{ paymentSeq: '2026010110000001', productSeq: 1, currency: 'KRW', price: 1000, accessToken: 'TOKEN-NOT-FOR-THE-BROWSER', hostile: '<script>alert(1)</script>' }],
      };
      const ok = await post(dash.url, { userId: 'user-1', store: 'GG' });
      assert.equal(ok.status, 200);
      const body = await ok.text();
      assert.doesNotMatch(body, /TOKEN-NOT-FOR-THE-BROWSER|hostile|<script>/);
      const out = JSON.parse(body);
      assert.deepEqual(Object.keys(out).sort(), ['api', 'notes', 'rows']);
      const documented = ['kind', 'paymentSeq', 'marketId', 'productSeq', 'productId', 'productType', 'price', 'currency', 'paymentId',
        'originalPaymentId', 'purchaseTime', 'expiryTime', 'renewTime', 'test', 'status', 'entitled', 'statusError', 'referenceStatus'];
      for (const r of out.rows) for (const k of Object.keys(r)) assert.ok(documented.includes(k), `undocumented field ${k}`);
      assert.deepEqual(out.rows.map((r) => [r.paymentSeq, r.price, r.status]), [['2026010110000001', 1000, 'UNCONSUMED']]);
    } finally {
      await dash.close();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });

  test('main: usage errors exit 2, --help exits 0, a running dashboard prints its URL', async () => {
    const lines = [];
    const log = (l) => lines.push(l);
    assert.equal(await main(['--help'], { log, signals: false }), 0);
    assert.match(lines.join('\n'), /--config FILE/);
    const realError = console.error;
    console.error = () => {};
    try {
      assert.equal(await main(['--port', 'x'], { log, signals: false }), 2);
      assert.equal(await main(['--www', '/nonexistent'], { log, signals: false, env: {} }), 2);
    } finally {
      console.error = realError;
    }
    lines.length = 0;
    const dash = await main(['dashboard', '--port', '0'], { log, signals: false, env: {} });
    try {
      assert.match(lines[0], /^iap-verify dashboard: http:\/\/127\.0\.0\.1:\d+\/$/);
      assert.match(lines.join('\n'), /local IAP server/);
    } finally {
      await dash.close();
    }
  });
});
