// runtimes: node-only (a local HTTP OCSP responder on loopback)
// enableOnlineChecks end to end: SignedDataVerifier's ...Async methods send OCSP requests with
// fetch to a local responder (node:http) that serves the answers tests/pki/gen-ocsp.sh made with
// `openssl ocsp`, chosen by the URL path each test certificate's AIA names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { webcrypto } from 'node:crypto';
import * as iap from './load.mjs';
import { rejectsCode } from './rejects.mjs';
import { own } from './vectors.mjs';

const pki = (name) => new Uint8Array(own(`testpki-ocsp/${name}`));
const AIA = 'http://ocsp.iap-verify.test';
let server;
let base;
const asked = [];
const hugeEnds = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url.slice(1);
      asked.push({ path, method: req.method, type: req.headers['content-type'], bytes: Buffer.concat(chunks).length });
      const send = () => {
        res.writeHead(200, { 'content-type': 'application/ocsp-response' });
        res.end(own(`testpki-ocsp/resp-${path === 'root' ? 'int' : path}.der`));
      };
      if (path === 'slow') setTimeout(send, 2_000);
      else if (path === 'huge-declared') {
        // Says 10 MB up front; sends a first chunk, then waits to see whether the reader hangs up.
        res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': String(10_000_000) });
        res.write(Buffer.alloc(1024));
        hugeEnds.push(new Promise((r) => res.on('close', () => r(res.writableEnded))));
      } else if (path === 'huge-chunked') {
        // No length: an endless stream of 16 KiB chunks, stopped only by the client.
        res.writeHead(200, { 'content-type': 'application/ocsp-response' });
        let sent = 0;
        const more = () => {
          if (res.destroyed) return;
          sent += 16 * 1024;
          res.write(Buffer.alloc(16 * 1024), () => setImmediate(more));
        };
        more();
        hugeEnds.push(new Promise((r) => res.on('close', () => r(sent))));
      } else send();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** The test certificates name ocsp.iap-verify.test; this fetch sends their requests to the local server. */
const realFetch = globalThis.fetch;
const toLocal = (url, init) => realFetch(url.replace(AIA, base), init);

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
async function token(leaf, payload = {}) {
  const header = { alg: 'ES256', x5c: [pki(`leaf-${leaf}.der`), pki('int.der'), pki('root.der')].map((c) => Buffer.from(c).toString('base64')) };
  const body = { transactionId: '7', bundleId: 'com.example.app', environment: 'Sandbox', signedDate: 1_600_000_000_000, ...payload };
  const input = `${b64url(Buffer.from(JSON.stringify(header)))}.${b64url(Buffer.from(JSON.stringify(body)))}`;
  const key = await webcrypto.subtle.importKey('pkcs8', pki('leaf.pk8'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const sig = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(input));
  return `${input}.${b64url(new Uint8Array(sig))}`;
}

const verifier = (options) => new iap.SignedDataVerifier([pki('root.der')], true, 'Sandbox', 'com.example.app', undefined, options);


test('good: leaf and intermediate asked once each (POST application/ocsp-request), then cached', async () => {
  asked.length = 0;
  const v = verifier({ fetch: toLocal });
  const tx = await v.verifyAndDecodeTransactionAsync(await token('good'));
  assert.equal(tx.transactionId, '7');
  assert.deepEqual(asked.map((a) => a.path).sort(), ['good', 'root']);
  for (const a of asked) {
    assert.equal(a.method, 'POST');
    assert.equal(a.type, 'application/ocsp-request');
    assert.ok(a.bytes > 80, 'a DER OCSPRequest with a nonce');
  }
  await v.verifyAndDecodeTransactionAsync(await token('good', { transactionId: '8' }));
  assert.equal(asked.length, 2, 'the answers are cached for their validity');
});

test('revoked is INVALID_CHAIN with details.revoked, the time and the reason', async () => {
  const e = await rejectsCode(verifier({ fetch: toLocal }).verifyAndDecodeTransactionAsync(await token('revoked')), 'INVALID_CHAIN');
  assert.equal(e.details.revoked, true);
  assert.equal(e.details.revocationReason, 'keyCompromise');
  assert.equal(typeof e.details.revocationTime, 'number');
  assert.equal(e.retryable, false);
});

test('unknown, bad responder signature, stale: their own codes', async () => {
  const v = verifier({ fetch: toLocal });
  await rejectsCode(v.verifyAndDecodeTransactionAsync(await token('unknown')), 'OCSP_STATUS_UNKNOWN');
  await rejectsCode(v.verifyAndDecodeTransactionAsync(await token('badsig')), 'OCSP_INVALID_SIGNATURE');
  const stale = await rejectsCode(v.verifyAndDecodeTransactionAsync(await token('stale')), 'OCSP_STALE_RESPONSE');
  assert.ok(stale.details.nextUpdate < Date.now());
  await rejectsCode(v.verifyAndDecodeTransactionAsync(await token('noaia')), 'INVALID_CHAIN');
});

test('a slow responder is a retryable TIMEOUT; an unreachable one a retryable NETWORK_ERROR', async () => {
  const slow = await rejectsCode(verifier({ fetch: toLocal, timeoutMs: 300 }).verifyAndDecodeTransactionAsync(await token('slow')), 'TIMEOUT');
  assert.equal(slow.retryable, true);
  const closed = createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const dead = `http://127.0.0.1:${closed.address().port}`;
  await new Promise((r) => closed.close(r));
  const e = await rejectsCode(
    verifier({ fetch: (url, init) => fetch(url.replace(AIA, dead), init) }).verifyAndDecodeTransactionAsync(await token('good')),
    'NETWORK_ERROR',
  );
  assert.equal(e.retryable, true);
  assert.ok(!e.message.includes('127.0.0.1'), 'no URL in the message');
});

test('the global fetch is used when none is given; the Apple-named methods do the online checks too, returning a Promise', async () => {
  const saved = globalThis.fetch;
  let calls = 0;
  globalThis.fetch = (url, init) => {
    calls++;
    return toLocal(url, init);
  };
  try {
    await verifier().verifyAndDecodeTransactionAsync(await token('good'));
    assert.equal(calls, 2);
  } finally {
    globalThis.fetch = saved;
  }
  const v = verifier({ fetch: toLocal });
  // Apple's code, `await verifier.verifyAndDecodeTransaction(jws)` with enableOnlineChecks: true.
  asked.length = 0;
  const pending = v.verifyAndDecodeTransaction(await token('good', { transactionId: '9' }));
  assert.ok(pending instanceof Promise);
  assert.equal((await pending).transactionId, '9');
  assert.deepEqual(asked.map((a) => a.path).sort(), ['good', 'root'], 'the OCSP checks were made');
  await rejectsCode(verifier({ fetch: toLocal }).verifyAndDecodeNotification(await token('revoked')), 'INVALID_CHAIN');
  // Offline verifiers keep answering synchronously.
  assert.equal(typeof new iap.SignedDataVerifier([pki('root.der')], false, 'Sandbox', 'com.example.app').verifyAndDecodeTransaction, 'function');
  assert.throws(() => verifier({ fetch: 'nope' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => verifier({ timeoutMs: 0 }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => verifier({ proxy: 1 }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('an oversized OCSP answer is refused at 64 KiB and the connection dropped, never read whole', async () => {
  // Both of the token's certificates are asked of the path the fetch below picks.
  const v = (path) => verifier({ fetch: (url, init) => realFetch(`${base}/${path}`, init), timeoutMs: 5_000 });
  hugeEnds.length = 0;
  let e = await rejectsCode(v('huge-declared').verifyAndDecodeTransactionAsync(await token('good')), 'INPUT_TOO_LARGE');
  assert.equal(e.details.limit, 65_536);
  assert.equal(e.details.actual, 10_000_000, 'refused on its Content-Length');
  // The responder's connections end without it having sent its 10 MB.
  for (const ended of await Promise.all(hugeEnds)) assert.equal(ended, false);

  hugeEnds.length = 0;
  e = await rejectsCode(v('huge-chunked').verifyAndDecodeTransactionAsync(await token('good')), 'INPUT_TOO_LARGE');
  assert.ok(e.details.actual > 65_536 && e.details.actual <= 65_536 + 64 * 1024, `stopped at ${e.details.actual} bytes`);
  const sent = await Promise.all(hugeEnds);
  for (const bytes of sent) assert.ok(bytes < 4 * 1024 * 1024, `the responder got to send ${bytes} bytes`);
});
