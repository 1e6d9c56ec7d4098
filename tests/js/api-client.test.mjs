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
  const res = await fetch(emu.url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
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
