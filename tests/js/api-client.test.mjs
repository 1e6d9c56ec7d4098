// IapClient and GamebaseClient over real HTTP against the local IAP server, with the runtime's own
// global fetch, timers and AbortSignal. Portable: the runtime runner runs it in every runtime
// against one emulator on the host (tests/js/nhn.test.mjs covers every method and fault in Node).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { emulator } from './services.mjs';

let emu = null;
const NONE = 'no IapClient or emulator in this build';

before(async () => {
  if (typeof iap.IapClient === 'function') emu = await emulator();
});
after(() => emu?.close());
beforeEach(async () => {
  if (emu) await admin('POST', '/admin/reset');
});

async function admin(method, path, body) {
  // Admin writes are taken as JSON only (a page on another site could send text/plain).
  const res = await fetch(emu.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  assert.ok(res.ok, JSON.stringify(json));
  return json;
}

async function rejectsCode(promise, code) {
  let caught;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof iap.IapError, `expected IapError ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const client = (extra = {}) => new iap.IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, retryDelayMs: 5, ...extra });

test('IapClient: list, consume once, then ALREADY_CONSUMED', async (t) => {
  if (!emu) return t.skip(NONE);
  const c = client();
  const [p, ...rest] = await c.listConsumables({ marketId: 'GG', userKey: 'user-1' });
  assert.equal(rest.length, 0);
  assert.match(p.paymentSeq, /^\d{16}$/);
  const consumed = await c.consume({ paymentSeq: p.paymentSeq, accessToken: p.accessToken });
  assert.equal(typeof consumed.price, 'number');
  assert.deepEqual(await c.listConsumables({ marketId: 'GG', userKey: 'user-1' }), []);
  const e = await rejectsCode(c.consume({ paymentSeq: p.paymentSeq, accessToken: p.accessToken }), 'ALREADY_CONSUMED');
  assert.equal(e.retryable, false);
  assert.equal(e.details.resultCode, 5018);
});

test('IapClient: a read is retried after a 503; a wrong AppKey is API_ERROR', async (t) => {
  if (!emu) return t.skip(NONE);
  await admin('POST', '/admin/faults', { status: 503, times: 1 });
  assert.equal((await client().listConsumables({ marketId: 'GG', userKey: 'user-1' })).length, 1);
  const e = await rejectsCode(new iap.IapClient({ appKey: 'wrong', baseUrl: emu.url }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'API_ERROR');
  assert.equal(typeof e.details.resultCode, 'number');
});

test('IapClient: no answer in time is TIMEOUT (AbortSignal), a dropped connection NETWORK_ERROR', async (t) => {
  if (!emu) return t.skip(NONE);
  await admin('POST', '/admin/faults', { delayMs: 1000, times: 1 });
  const late = await rejectsCode(client({ timeoutMs: 100, retries: 0 }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'TIMEOUT');
  assert.equal(late.retryable, true);
  // Chromium and Deno resend a request once by themselves when a reused keep-alive connection
  // closes before answering, so the drop must outlast that.
  await admin('POST', '/admin/faults', { drop: true, times: 3 });
  const n = await rejectsCode(client({ retries: 0 }).listConsumables({ marketId: 'GG', userKey: 'user-1' }), 'NETWORK_ERROR');
  assert.equal(n.retryable, true);
  await admin('DELETE', '/admin/faults');
});

test('GamebaseClient: consumables through the Gamebase API', async (t) => {
  if (!emu) return t.skip(NONE);
  const gb = new iap.GamebaseClient({ appId: emu.gamebase.appId, secretKey: emu.gamebase.secretKey, baseUrl: emu.url, retryDelayMs: 5, dangerouslyAllowBrowser: true });
  const list = await gb.listConsumables({ userId: 'user-2' });
  assert.ok(list.length > 0);
  assert.equal(typeof list[0].paymentSeq, 'string');
  const e = await rejectsCode(new iap.GamebaseClient({ appId: 'nope', secretKey: emu.gamebase.secretKey, baseUrl: emu.url, dangerouslyAllowBrowser: true }).listConsumables({ userId: 'user-2' }), 'API_ERROR');
  assert.equal(e.retryable, false);
});

test('IapClient: a body over the 4 MiB limit is INPUT_TOO_LARGE as it streams in, and read no further', async (t) => {
  if (typeof iap.IapClient !== 'function') return t.skip(NONE);
  const MiB = 1024 * 1024;
  const CHUNK = 64 * 1024;
  let pulls = 0;
  let cancelled = false;
  let calls = 0;
  // An endless body: without a cap, reading it would never finish (or exhaust memory).
  const endless = () => new Response(new ReadableStream({
    pull(controller) {
      pulls++;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  }));
  const fetchEndless = async () => {
    calls++;
    return endless();
  };
  const c = new iap.IapClient({ appKey: 'k', baseUrl: 'https://iap.example', fetch: fetchEndless, retryDelayMs: 1 });
  const e = await rejectsCode(c.listConsumables({ marketId: 'GG', userKey: 'u' }), 'INPUT_TOO_LARGE');
  assert.equal(e.retryable, false);
  assert.equal(calls, 1, 'an oversize answer is not retried');
  assert.ok(e.details.actual > 4 * MiB && e.details.actual <= 4 * MiB + CHUNK, `actual ${e.details.actual}`);
  assert.ok(pulls <= (4 * MiB) / CHUNK + 3, `${pulls} chunks pulled`);
  assert.equal(cancelled, true, 'the rest of the body is cancelled');

  // A declared length over the limit is refused before the body is read.
  pulls = 0;
  const declared = async () => new Response(new ReadableStream({
    pull(controller) {
      pulls++;
      controller.enqueue(new Uint8Array(16));
    },
  }), { headers: { 'content-length': String(5 * MiB) } });
  const d = await rejectsCode(new iap.IapClient({ appKey: 'k', baseUrl: 'https://iap.example', fetch: declared }).listConsumables({ marketId: 'GG', userKey: 'u' }), 'INPUT_TOO_LARGE');
  assert.equal(d.details.actual, 5 * MiB);
  assert.ok(pulls <= 1, `${pulls} chunks pulled`);

  // Exactly at the limit the body reaches the core, which reads it (and finds no JSON in it).
  const full = async () => new Response(' '.repeat(4 * MiB));
  await rejectsCode(new iap.IapClient({ appKey: 'k', baseUrl: 'https://iap.example', fetch: full }).listConsumables({ marketId: 'GG', userKey: 'u' }), 'MALFORMED_INPUT');
});

// What the README promises for upstream text: never the message; in details, cleaned and cut.
const UPSTREAM_MAX = 256;
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

test('A hostile upstream message is data: our own message; details cleaned of control and bidi characters, cut to 256 characters', async (t) => {
  if (typeof iap.IapClient !== 'function') return t.skip(NONE);
  const hostile = `<img src=x onerror="globalThis.pwned=1">\u001b[2J\u0000</script>\u202egnp.exe\u2066\r\nSet-Cookie: a=b\u0085${'M'.repeat(1024 * 1024)}`;
  const answer = (resultCode, status = 200) => async () =>
    new Response(JSON.stringify({ header: { isSuccessful: false, resultCode, resultMessage: hostile } }), { status, headers: { 'content-type': 'application/json' } });
  const secret = 'gb-secret-0123456789';
  const clients = [
    ['IapClient', (fetch) => new iap.IapClient({ appKey: 'k', baseUrl: 'https://iap.example', fetch, retries: 0 }).listConsumables({ marketId: 'GG', userKey: 'u' })],
    ['GamebaseClient', (fetch) => new iap.GamebaseClient({ appId: 'a', secretKey: secret, baseUrl: 'https://gb.example', fetch, retries: 0, dangerouslyAllowBrowser: true }).listConsumables({ userId: 'u' })],
  ];
  for (const [name, call] of clients) {
    const e = await rejectsCode(call(answer(1100)), 'API_ERROR');
    assert.equal(e.message, 'the server refused the request with result code 1100 (HTTP 200)', name);
    assert.equal(e.details.resultCode, 1100, name);
    const shown = e.details.resultMessage;
    assert.equal([...shown].length, UPSTREAM_MAX, name);
    assert.ok(shown.endsWith('…'), name);
    assert.ok(shown.startsWith('<img src=x onerror="globalThis.pwned=1">[2J</script>gnp.exe  Set-Cookie: a=bMMM'), `${name}: ${shown.slice(0, 80)}`);
    assert.doesNotMatch(shown, UNSAFE_CHARS, name);
    assert.doesNotMatch(JSON.stringify(e.details), new RegExp(secret), name);
    const used = await rejectsCode(call(answer(5018)), 'ALREADY_CONSUMED');
    assert.equal(used.message, 'the payment was already consumed (5018)', name);
    assert.equal([...used.details.resultMessage].length, UPSTREAM_MAX, name);
    assert.doesNotMatch(used.details.resultMessage, UNSAFE_CHARS, name);
    // A failure envelope under a 5xx: still retryable, still our message.
    const busy = await rejectsCode(call(answer(-1, 503)), 'API_ERROR');
    assert.equal(busy.retryable, true, name);
    assert.equal(busy.message, 'the server refused the request with result code -1 (HTTP 503)', name);
  }
  // A caller's fetch that fails with a made-up error name: the name is cleaned too.
  const odd = Object.assign(new Error('x'), { name: '\u202eEvil\n<b>name</b>' });
  const n = await rejectsCode(clients[0][1](async () => { throw odd; }), 'NETWORK_ERROR');
  assert.doesNotMatch(n.message, UNSAFE_CHARS);
  assert.match(n.message, /^network error: fetch failed \(Evil <b>name<\/b>\)$/);
});
