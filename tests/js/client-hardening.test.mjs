// runtimes: node-only (local HTTP servers on loopback play an upstream that redirects)
// The server API clients against hostile or mistaken upstreams and callers (issue 25): redirects
// are never followed, plain http only to loopback, a call's retries end by its deadline, the
// request object of getTransactionHistory cannot replace its positional arguments, path
// parameters stay in their endpoint, and answers that carry fields the package writes are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as iap from './load.mjs';
import { rejectsCode } from './rejects.mjs';
import { client as appleClient, fake, tx } from './app-store-fake.mjs';
import { SERVICE_ACCOUNT, playClient, playFake } from './google-play-fake.mjs';
import { own } from './vectors.mjs';

let target; // where a redirect points: must never be reached
let redirector; // answers every request with a redirect to `target`
const reached = [];

const listen = (handler) =>
  new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
const url = (s) => `http://127.0.0.1:${s.address().port}`;

before(async () => {
  target = await listen((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      reached.push({ url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  redirector = await listen((req, res) => {
    req.resume();
    const status = Number(new URL(req.url, 'http://x').searchParams.get('status') ?? 307);
    res.writeHead(Number.isFinite(status) ? status : 307, { location: `${url(target)}${req.url}` });
    res.end();
  });
});
after(() => {
  for (const s of [target, redirector]) {
    s.closeAllConnections();
    s.close();
  }
});


test('a redirect is an API_ERROR: the secret key, the access token and the assertion stay home', async () => {
  reached.length = 0;
  const gamebase = new iap.GamebaseClient({ appId: 'app', secretKey: 'gb-secret', baseUrl: url(redirector), retries: 0 });
  let e = await rejectsCode(gamebase.listConsumables({ userId: 'u' }), 'API_ERROR');
  assert.equal(e.details.status, 307);
  // A consume (a mutation that carries the payment's access token) behind a 308.
  const nhn = new iap.IapClient({ appKey: 'k', baseUrl: url(redirector), retries: 0, fetch: (u, init) => fetch(`${u}?status=308`, init) });
  e = await rejectsCode(nhn.consume({ paymentSeq: '2025112612345678', accessToken: 'payment-access-token' }), 'API_ERROR');
  assert.equal(e.details.status, 308);
  // Google's token endpoint redirected: the signed assertion is not re-posted.
  const play = new iap.GooglePlayClient({ serviceAccount: SERVICE_ACCOUNT, baseUrl: url(redirector), tokenUrl: `${url(redirector)}/token`, retries: 0 });
  e = await rejectsCode(play.getProductPurchase({ packageName: 'com.example.app', productId: 'p', token: 't' }), 'API_ERROR');
  assert.equal(e.details.status, 307);
  // And Apple's bearer token.
  const apple = new iap.AppStoreServerAPIClient(appleKey(), 'K', 'I', 'com.example.app', 'Sandbox', { baseUrl: url(redirector), retries: 0 });
  e = await rejectsCode(apple.getTransactionInfo('1'), 'API_ERROR');
  assert.equal(e.details.status, 307);
  assert.deepEqual(reached, [], 'nothing reached the redirect target');
});

function appleKey() {
  // The test PKI's P-256 leaf, as a .p8 file would hold it.
  return `-----BEGIN PRIVATE KEY-----\n${Buffer.from(own('testpki/leaf-ec.pk8')).toString('base64')}\n-----END PRIVATE KEY-----\n`;
}

test('plain http only to a loopback host, unless allowInsecureHttp', () => {
  for (const make of [
    (o) => new iap.IapClient({ appKey: 'k', ...o }),
    (o) => new iap.GamebaseClient({ appId: 'a', secretKey: 's', ...o }),
    (o) => new iap.GooglePlayClient({ serviceAccount: SERVICE_ACCOUNT, ...o }),
    (o) => new iap.AppStoreServerAPIClient(appleKey(), 'K', 'I', 'com.example.app', 'Sandbox', o),
  ]) {
    for (const baseUrl of ['http://api.example.com', 'http://10.0.0.8:8080', 'http://localhost.example.com']) {
      assert.throws(() => make({ baseUrl }), (e) => e.code === 'INVALID_ARGUMENT' && /allowInsecureHttp/.test(e.message), baseUrl);
      assert.equal(make({ baseUrl, allowInsecureHttp: true }).baseUrl, baseUrl);
    }
    for (const baseUrl of ['http://127.0.0.1:8787', 'http://localhost:1', 'http://[::1]:2', 'https://api.example.com']) {
      assert.equal(make({ baseUrl }).baseUrl, baseUrl);
    }
  }
  // A key file whose token_uri is plain http to a remote host.
  assert.throws(
    () => new iap.GooglePlayClient({ serviceAccount: { ...SERVICE_ACCOUNT, token_uri: 'http://oauth2.googleapis.com/token' } }),
    (e) => e.code === 'INVALID_ARGUMENT' && /tokenUrl/.test(e.message),
  );
});

test("Retry-After never stretches a call past its deadline", async () => {
  const f = fake(...Array.from({ length: 5 }, () => ({ status: 429, headers: { 'retry-after': '30' }, body: { errorCode: 4290000 } })));
  const started = Date.now();
  const e = await rejectsCode(appleClient(f, 'Sandbox', { deadlineMs: 5_000 }).getTransactionInfo('1'), 'API_ERROR');
  assert.ok(Date.now() - started < 2_000, 'thrown at once, not after 30 s');
  assert.equal(e.details.retryAfterMs, 30_000);
  assert.equal(f.sent.length, 1);
  // Backoff waits count too: 200 ms fits a 1 s deadline, the next 400 ms does not.
  const g = fake(...Array.from({ length: 5 }, () => ({ status: 503, body: '' })));
  const t0 = Date.now();
  await rejectsCode(appleClient(g, 'Sandbox', { retries: 4, retryDelayMs: 200, deadlineMs: 500 }).getTransactionInfo('1'), 'API_ERROR');
  assert.equal(g.sent.length, 2);
  assert.ok(Date.now() - t0 < 1_500);
  assert.throws(() => appleClient(g, 'Sandbox', { deadlineMs: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
  // Without a deadline in the way, Retry-After is honoured.
  const h = fake({ status: 429, headers: { 'retry-after': '0' }, body: {} }, { body: { signedTransactionInfo: await tx('9') } });
  assert.equal((await appleClient(h).getTransactionInfo('9')).decodedTransactionInfo.transactionId, '9');
});

test("getTransactionHistory's request object cannot replace the transaction id, revision or version", async () => {
  const f = fake();
  const c = appleClient(f);
  for (const request of [{ transactionId: '2' }, { revision: 'r9' }, { version: 'v2' }]) {
    await rejectsCode(c.getTransactionHistory('1', null, request), 'INVALID_ARGUMENT');
  }
  await rejectsCode(c.getTransactionHistory('1', null, { sort: 'ASCENDING' }, '../v1'), 'INVALID_ARGUMENT');
  assert.equal(f.sent.length, 0, 'nothing was sent');
});

test('path parameters that would leave their endpoint are refused before anything is sent', async () => {
  const f = playFake([]);
  const c = playClient(f);
  for (const token of ['.', '..', '']) {
    await rejectsCode(c.getProductPurchase({ packageName: 'com.example.app', productId: 'gems', token }), 'INVALID_ARGUMENT');
  }
  const a = fake();
  await rejectsCode(appleClient(a).getTransactionInfo('..'), 'INVALID_ARGUMENT');
  assert.equal(f.api.length + a.sent.length, 0, 'no API request was sent (the OAuth token may have been fetched)');
  assert.throws(() => new iap.GamebaseClient({ appId: '..', secretKey: 's' }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('an answer carrying a field the package writes is MALFORMED_INPUT, in both store clients', async () => {
  const f = fake({ body: { decodedTransactionInfo: { transactionId: '1', productId: 'gems' } } });
  await rejectsCode(appleClient(f).getTransactionInfo('1'), 'MALFORMED_INPUT');
  const g = playFake([{ body: { purchaseState: 0, purchaseTimeMillis: '1', purchaseTimeMs: 2 } }]);
  await rejectsCode(playClient(g).getProductPurchase({ packageName: 'com.example.app', productId: 'gems', token: 't' }), 'MALFORMED_INPUT');
});

test("an upstream that echoes the request's Authorization header: the token never reaches details", async () => {
  // Apple's bearer JWT, echoed as a proxy might; then Google's access token with its dot escaped.
  const f = fake((req) => ({ status: 400, body: { errorCode: 4000000, errorMessage: `rejected ${req.headers.Authorization}` } }));
  const e = await rejectsCode(appleClient(f, 'Sandbox', { retries: 0 }).getTransactionInfo('1'), 'API_ERROR');
  const sent = f.sent[0].headers.Authorization.replace(/^Bearer /, '');
  for (const part of sent.split('.')) assert.ok(!JSON.stringify(e.details).includes(part), JSON.stringify(e.details));
  assert.match(e.details.errorMessage, /<redacted>/);

  // A 401 renews the token once and sends the call again: both answers echo.
  const echo = (req) => ({ status: 401, body: `{"error":{"code":401,"status":"UNAUTHENTICATED","message":"bad ${req.headers.Authorization.replace('Bearer ', '').replace('-', '\\u002d')}"}}` });
  const g = playFake([echo, echo]);
  const e2 = await rejectsCode(playClient(g, { retries: 0 }).getProductPurchase({ packageName: 'com.example.app', productId: 'gems', token: 't' }), 'API_ERROR');
  assert.ok(!JSON.stringify(e2.details).includes('tok-'), JSON.stringify(e2.details));
});
