// verifyPubSubPush: Pub/Sub push tokens signed with the test keys, Google's key set served by a
// fake fetch with Cache-Control, time moved with `now`. Portable: runs in every runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { AUDIENCE, EMAIL, IAT, NOW, bearer, claims, fakeCerts, jwksOf, jwksText } from './jwt.mjs';

const CERTS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const opts = (extra = {}) => ({ audience: AUDIENCE, serviceAccountEmail: EMAIL, now: NOW, ...extra });
const cached = (seconds, more = {}) => () => ({ headers: { 'cache-control': `public, max-age=${seconds}, must-revalidate, no-transform`, ...more } });

async function rejects(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof iap.IapError, `not an IapError: ${e}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}, got a result`);
}

/** Neither the token nor any part of it in the error's message, details, stack or string form. */
function assertNoLeak(e, authorization) {
  const token = String(authorization ?? '').replace(/^\s*bearer\s+/i, '').trim();
  const seen = [e.message, String(e), e.stack ?? '', JSON.stringify(e.details ?? null), JSON.stringify(e)].join('\n');
  if (token.length >= 8) assert.ok(!seen.includes(token), `token in: ${seen}`);
  for (const part of token.split('.').filter((p) => p.length >= 8)) assert.ok(!seen.includes(part), `token part in: ${seen}`);
}

test('a good token verifies against a given key set (object or text) and returns its claims', async () => {
  const token = await bearer();
  assert.deepEqual(await iap.verifyPubSubPush(token, opts({ jwks: JSON.parse(jwksText()) })), claims());
  assert.deepEqual(await iap.verifyPubSubPush(token, opts({ jwks: jwksText() })), claims());
  const other = await bearer({ key: 'other-key-2048', payload: claims({ iss: 'accounts.google.com' }) });
  assert.equal((await iap.verifyPubSubPush(other, opts({ jwks: jwksText() }))).iss, 'accounts.google.com');
  // A set without the token's key.
  const e = await rejects(iap.verifyPubSubPush(other, opts({ jwks: jwksOf('test-key-2048') })), 'INVALID_TOKEN');
  assert.deepEqual(e.details, { claim: 'kid' });
});

test('the key set is fetched once from Google and kept for its max-age, less its Age', async () => {
  const certs = fakeCerts(cached(300, { age: '100' }));
  const token = await bearer();
  const calls = Array.from({ length: 20 }, (_, i) => iap.verifyPubSubPush(token, opts({ fetch: certs.fetch, now: NOW + i })));
  for (const c of await Promise.all(calls)) assert.equal(c.email, EMAIL);
  assert.equal(certs.requests.length, 1, 'one fetch for 20 concurrent calls');
  assert.equal(certs.requests[0].url, CERTS_URL);
  assert.equal(certs.requests[0].method, 'GET');
  for (let i = 0; i < 5; i++) await iap.verifyPubSubPush(token, opts({ fetch: certs.fetch, now: NOW + 99_000 }));
  assert.equal(certs.requests.length, 1, 'still fresh at 99 s (max-age 300, age 100)');
  await iap.verifyPubSubPush(token, opts({ fetch: certs.fetch, now: NOW + 200_000 }));
  assert.equal(certs.requests.length, 2, 'refetched once stale');
  await iap.verifyPubSubPush(token, opts({ fetch: certs.fetch, now: NOW + 250_000 }));
  assert.equal(certs.requests.length, 2, 'the new copy is fresh again');
});

test('no-store, no-cache or no max-age: the key set is not kept', async () => {
  const token = await bearer();
  for (const headers of [{ 'cache-control': 'no-store' }, { 'cache-control': 'max-age=600, no-cache' }, {}]) {
    const certs = fakeCerts(() => ({ headers }));
    await iap.verifyPubSubPush(token, opts({ fetch: certs.fetch }));
    await iap.verifyPubSubPush(token, opts({ fetch: certs.fetch }));
    assert.equal(certs.requests.length, 2, JSON.stringify(headers));
  }
});

test('an unknown kid makes at most one refetch, and none within a minute of the last fetch', async () => {
  let set = jwksOf('test-key-2048');
  const certs = fakeCerts(() => ({ body: JSON.stringify(set), headers: { 'cache-control': 'max-age=3600' } }));
  assert.equal((await iap.verifyPubSubPush(await bearer(), opts({ fetch: certs.fetch }))).aud, AUDIENCE);
  // Google publishes a new key and starts signing with it.
  set = jwksOf('test-key-2048', 'other-key-2048');
  const rotated = await bearer({ key: 'other-key-2048' });
  const e = await rejects(iap.verifyPubSubPush(rotated, opts({ fetch: certs.fetch, now: NOW + 30_000 })), 'INVALID_TOKEN');
  assert.equal(e.details.claim, 'kid');
  assert.equal(certs.requests.length, 1, 'the set in hand is 30 s old: no refetch');
  assert.equal((await iap.verifyPubSubPush(rotated, opts({ fetch: certs.fetch, now: NOW + 61_000 }))).email, EMAIL);
  assert.equal(certs.requests.length, 2, 'one refetch found the new key');
  // A kid Google never published: one refetch, then the error; not another one right after.
  const made_up = await bearer({ header: { alg: 'RS256', kid: 'made-up', typ: 'JWT' } });
  await rejects(iap.verifyPubSubPush(made_up, opts({ fetch: certs.fetch, now: NOW + 200_000 })), 'INVALID_TOKEN');
  assert.equal(certs.requests.length, 3);
  await rejects(iap.verifyPubSubPush(made_up, opts({ fetch: certs.fetch, now: NOW + 201_000 })), 'INVALID_TOKEN');
  assert.equal(certs.requests.length, 3);
});

test('a request that fails before its key is looked up never causes a fetch', async () => {
  const certs = fakeCerts(cached(3600));
  const good = await bearer();
  const [h, p, s] = good.slice('Bearer '.length).split('.');
  const noneAlg = btoa('{"alg":"none","kid":"test-key-2048"}').replace(/=+$/, '');
  const cases = [undefined, null, '', 'Basic dXNlcjpwYXNz', `Bearer ${h}.${p}`, `Bearer ${noneAlg}.${p}.`, `Bearer ${h}!.${p}.${s}`];
  for (const header of cases) {
    const e = await rejects(iap.verifyPubSubPush(header, opts({ fetch: certs.fetch })), 'MALFORMED_INPUT');
    assertNoLeak(e, header);
  }
  await rejects(iap.verifyPubSubPush('Bearer ' + 'A'.repeat(20_000), opts({ fetch: certs.fetch })), 'INPUT_TOO_LARGE');
  await rejects(iap.verifyPubSubPush(good, opts({ fetch: certs.fetch, audience: '' })), 'INVALID_ARGUMENT');
  await rejects(iap.verifyPubSubPush(good, { ...opts({ fetch: certs.fetch }), audiance: AUDIENCE }), 'INVALID_ARGUMENT');
  await rejects(iap.verifyPubSubPush(good, opts({ fetch: certs.fetch, now: NaN })), 'INVALID_ARGUMENT');
  await rejects(iap.verifyPubSubPush(good), 'INVALID_ARGUMENT');
  await rejects(iap.verifyPubSubPush(42, opts({ fetch: certs.fetch })), 'INVALID_ARGUMENT');
  assert.equal(certs.requests.length, 0);
});

test('the key-set fetch: retried on 5xx and network errors, not on 4xx; timed out per attempt', async () => {
  const token = await bearer();
  const flaky = fakeCerts((n) => (n < 3 ? { status: 503, body: 'busy' } : cached(3600)()));
  assert.equal((await iap.verifyPubSubPush(token, opts({ fetch: flaky.fetch }))).email, EMAIL);
  assert.equal(flaky.requests.length, 3);

  const gone = fakeCerts(() => ({ status: 404, body: 'not here' }));
  const e404 = await rejects(iap.verifyPubSubPush(token, opts({ fetch: gone.fetch })), 'API_ERROR');
  assert.equal(e404.details.status, 404);
  assert.equal(e404.retryable, false);
  assert.equal(gone.requests.length, 1);

  const down = fakeCerts(() => {
    throw new TypeError('fetch failed');
  });
  const eNet = await rejects(iap.verifyPubSubPush(token, opts({ fetch: down.fetch, retries: 1 })), 'NETWORK_ERROR');
  assert.equal(eNet.retryable, true);
  assert.equal(down.requests.length, 2);
  assertNoLeak(eNet, token);

  const stalled = fakeCerts(() => new Promise(() => {}));
  const eTime = await rejects(iap.verifyPubSubPush(token, opts({ fetch: stalled.fetch, timeoutMs: 30, retries: 0 })), 'TIMEOUT');
  assert.equal(eTime.retryable, true);

  const junk = fakeCerts(() => ({ body: '{"keys":[{"kty":"RSA","kid":"x","n":"AQAB","e":"AQAB"}]}' }));
  await rejects(iap.verifyPubSubPush(token, opts({ fetch: junk.fetch })), 'INVALID_PUBLIC_KEY');
  const dup = fakeCerts(() => ({ body: '{"keys":[],"keys":[]}' }));
  await rejects(iap.verifyPubSubPush(token, opts({ fetch: dup.fetch })), 'MALFORMED_INPUT');
});

test('wrong claims, bad signatures and times are typed errors that never quote the token', async () => {
  const jwks = jwksText();
  const good = await bearer();
  const [h, p, s] = good.slice('Bearer '.length).split('.');
  const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
  const cases = [
    [await bearer({ payload: claims({ aud: 'https://other.example.com' }) }), 'INVALID_TOKEN', 'aud'],
    [await bearer({ payload: claims({ iss: 'https://evil.example.com' }) }), 'INVALID_TOKEN', 'iss'],
    [await bearer({ payload: claims({ email: 'someone@example.com' }) }), 'INVALID_TOKEN', 'email'],
    [await bearer({ payload: claims({ email_verified: false }) }), 'INVALID_TOKEN', 'email_verified'],
    [await bearer({ payload: claims({ exp: IAT + 500 }) }), 'INVALID_TOKEN', 'exp'],
    [await bearer({ payload: claims({ iat: IAT + 700 }) }), 'INVALID_TOKEN', 'iat'],
    [await bearer({ key: 'other-key-2048', header: { alg: 'RS256', kid: 'test-key-2048' } }), 'INVALID_SIGNATURE'],
    [`Bearer ${h}.${p}.${flipped}`, 'INVALID_SIGNATURE'],
    [`Bearer ${h}.${p}x.${s}`, 'INVALID_SIGNATURE'],
    [await bearer({ header: { alg: 'HS256', kid: 'test-key-2048' } }), 'MALFORMED_INPUT'],
    [await bearer({ header: '{"alg":"RS256","kid":"test-key-2048","kid":"other-key-2048"}' }), 'MALFORMED_INPUT'],
    [await bearer({ payload: JSON.stringify(claims()).replace('{', `{"email":"${EMAIL}",`) }), 'MALFORMED_INPUT'],
    [await bearer({ payload: claims({ pad: 'x'.repeat(16_000) }) }), 'INPUT_TOO_LARGE'],
  ];
  for (const [token, code, claim] of cases) {
    const e = await rejects(iap.verifyPubSubPush(token, opts({ jwks })), code);
    if (claim) assert.deepEqual(e.details, { claim }, e.message);
    assertNoLeak(e, token);
  }
  // Just inside the 60 s leeway, and just outside it.
  const expiring = await bearer({ payload: claims({ exp: IAT + 600 }) });
  assert.ok(await iap.verifyPubSubPush(expiring, opts({ jwks, now: NOW + 59_999 })));
  await rejects(iap.verifyPubSubPush(expiring, opts({ jwks, now: NOW + 60_000 })), 'INVALID_TOKEN');
});
