// The local IAP server's own guards (issue 25, item 3): the Host allow-list it shares with the
// dashboard (emulator/src/host-check.js), foreign Origins refused, admin writes taken only as
// application/json. A page on another site can neither drive /admin/* blindly (a "simple"
// cross-origin POST) nor read /admin/*/credentials by rebinding its name to the emulator.
// runtimes: node-only (raw requests with chosen Host headers through node:http)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startEmulator } from '../../emulator/src/emulator.js';
import { main as emulatorMain } from '../../emulator/src/emulator-cli.js';

let emu;
before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu.close());

/** A raw request to 127.0.0.1 at the server's port, any Host and Origin: `{ status, body }`. */
function raw(url, { method = 'GET', path = '/admin/state', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: new URL(url).port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const state = async () => JSON.parse((await raw(emu.url)).body);

/** Requests a rebinding page would make: the store API, the admin reads, the key files. */
const READS = [
  { path: '/admin/state' },
  { path: '/admin/appstore/credentials' },
  { path: '/admin/googleplay/credentials' },
  { path: '/admin/requests' },
];

test('Host allow-list: a foreign Host is refused on the store API and every admin route; loopback names are answered', async () => {
  const consumable = () => ({
    method: 'POST', path: '/v1/service/consumable',
    headers: { 'content-type': 'application/json', 'x-nhn-tciap-appkey': emu.iap.appKey },
    body: JSON.stringify({ marketId: 'GG', userKey: 'user-1' }),
  });
  for (const call of [...READS, consumable(), { method: 'POST', path: '/admin/reset', headers: { 'content-type': 'application/json' } }]) {
    for (const host of ['evil.example', `evil.example:${emu.port}`, 'localhost.evil.example']) {
      const r = await raw(emu.url, { ...call, headers: { ...call.headers, host } });
      assert.equal(r.status, 421, `${call.path} with Host ${host}`);
      assert.doesNotMatch(r.body, /PRIVATE KEY|private_key|secretKey|appKey/);
    }
  }
  for (const host of [`127.0.0.1:${emu.port}`, `localhost:${emu.port}`, 'LOCALHOST.', `[::1]:${emu.port}`]) {
    for (const call of [...READS, consumable()]) {
      const r = await raw(emu.url, { ...call, headers: { ...call.headers, host } });
      assert.equal(r.status, 200, `${call.path} with Host ${host}: ${r.body.slice(0, 200)}`);
    }
  }
  // The store API answers as before under an allowed name: the IAP envelope.
  const r = await raw(emu.url, consumable());
  assert.equal(JSON.parse(r.body).header.isSuccessful, true);
});

test('Host allow-list: bound to 0.0.0.0 the emulator answers --allowed-host names (and its own addresses), nothing else', async () => {
  const wide = await startEmulator({ port: 0, host: '0.0.0.0', allowedHosts: ['iap-emulator', 'emu.internal'] });
  try {
    for (const host of ['iap-emulator', `iap-emulator:${wide.port}`, 'emu.internal', `127.0.0.1:${wide.port}`, `0.0.0.0:${wide.port}`]) {
      assert.equal((await raw(wide.url, { headers: { host } })).status, 200, host);
    }
    for (const host of ['evil.example', 'iap-emulator.evil.example']) {
      assert.equal((await raw(wide.url, { headers: { host } })).status, 421, host);
      assert.equal((await raw(wide.url, { path: '/admin/appstore/credentials', headers: { host } })).status, 421, host);
    }
  } finally {
    await wide.close();
  }
  await assert.rejects(startEmulator({ port: 0, allowedHosts: ['http://x.example/'] }), TypeError);
});

test('Origin: a request from another site is refused (403) and changes nothing; the emulator\'s own origin is not', async () => {
  const before = await state();
  const json = { 'content-type': 'application/json' };
  for (const origin of ['http://evil.example', `http://evil.example:${emu.port}`, 'null', `https://127.0.0.1:${emu.port}`, 'http://127.0.0.1:1']) {
    for (const call of [
      { method: 'POST', path: '/admin/faults', headers: json, body: JSON.stringify({ status: 503, times: 5 }) },
      { method: 'POST', path: '/admin/payments', headers: json, body: JSON.stringify({ userId: 'evil', productSeq: 1000001 }) },
      { method: 'POST', path: '/admin/reset', headers: json },
      { method: 'DELETE', path: '/admin/requests' },
      ...READS,
      { method: 'POST', path: '/v1/service/consumable', headers: { ...json, 'x-nhn-tciap-appkey': emu.iap.appKey }, body: JSON.stringify({ marketId: 'GG', userKey: 'user-1' }) },
    ]) {
      const r = await raw(emu.url, { ...call, headers: { ...call.headers, origin } });
      assert.equal(r.status, 403, `${call.method ?? 'GET'} ${call.path} from ${origin}`);
      assert.doesNotMatch(r.body, /PRIVATE KEY|private_key|secretKey/);
    }
  }
  const after = await state();
  assert.deepEqual(after.faults, before.faults);
  assert.equal(after.payments.length, before.payments.length);
  // A page the emulator serves itself (the runtime suite in Chromium is one): its origin is fine.
  for (const origin of [`http://127.0.0.1:${emu.port}`, `http://localhost:${emu.port}`]) {
    const r = await raw(emu.url, { method: 'POST', path: '/admin/faults', headers: { ...json, origin }, body: JSON.stringify({ status: 503, path: '/nowhere' }) });
    assert.equal(r.status, 200, origin);
  }
  await raw(emu.url, { method: 'DELETE', path: '/admin/faults' });
});

test('admin writes only as application/json: a "simple" POST (text/plain, a form, no type) is refused with 415 and changes nothing', async () => {
  const before = await state();
  for (const type of [undefined, 'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
    for (const [path, body] of [
      ['/admin/faults', JSON.stringify({ status: 503, times: 5 })],
      ['/admin/payments', JSON.stringify({ userId: 'evil', productSeq: 1000001 })],
      ['/admin/clock', JSON.stringify({ advanceMs: 86_400_000 })],
      ['/admin/appstore/transactions', JSON.stringify([{ customer: 'evil', productId: 'gem_500' }])],
      ['/admin/googleplay/voided', JSON.stringify([{ token: 'play-token-consumed' }])],
      ['/admin/reset', undefined],
    ]) {
      const r = await raw(emu.url, { method: 'POST', path, headers: type ? { 'content-type': type } : {}, body });
      assert.equal(r.status, 415, `POST ${path} as ${type}`);
      assert.match(JSON.parse(r.body).error, /application\/json/);
    }
  }
  const after = await state();
  assert.deepEqual(after.faults, before.faults);
  assert.equal(after.payments.length, before.payments.length);
  assert.ok(Math.abs(after.now - Date.now()) < 60_000, 'the clock did not move');
  assert.deepEqual(after.appStore, before.appStore);
  assert.deepEqual(after.googlePlay.voided ?? null, before.googlePlay.voided ?? null);
  // As JSON they work.
  const ok = await raw(emu.url, { method: 'POST', path: '/admin/payments', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ userId: 'u-json', productSeq: 1000001 }) });
  assert.equal(ok.status, 201);
  assert.equal((await raw(emu.url, { method: 'POST', path: '/admin/reset', headers: { 'content-type': 'application/json' } })).status, 200);
});

test('iap-verify emulator --allowed-host NAME (repeatable); a bad name is a usage error', async () => {
  const lines = [];
  const log = (l) => lines.push(l);
  assert.equal(await emulatorMain(['--help'], { log, signals: false }), 0);
  assert.match(lines.join('\n'), /--allowed-host NAME/);
  const realError = console.error;
  console.error = () => {};
  try {
    assert.equal(await emulatorMain(['--allowed-host', 'https://x.example'], { log, signals: false }), 2);
    assert.equal(await emulatorMain(['--allowed-host'], { log, signals: false }), 2);
  } finally {
    console.error = realError;
  }
  const run = await emulatorMain(['--port', '0', '--host', '0.0.0.0', '--allowed-host', 'emu.internal', '--allowed-host=iap-emulator'], { log, signals: false });
  try {
    for (const host of ['emu.internal', 'iap-emulator']) assert.equal((await raw(run.url, { headers: { host } })).status, 200, host);
    assert.equal((await raw(run.url, { headers: { host: 'evil.example' } })).status, 421);
  } finally {
    await run.close();
  }
});
