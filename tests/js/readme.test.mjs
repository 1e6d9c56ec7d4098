// The README's quick-start snippet is run as written, with `iap-verify` pointing at the package
// under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const own = (p) => readFileSync(new URL(`../vectors/${p}`, import.meta.url), 'utf8');

test('README quick start runs as documented', async () => {
  const quickStart = readme.split('## Quick start')[1];
  const snippet = quickStart.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(snippet, /from 'iap-verify'/);
  const file = new URL(`./.readme-snippet-${process.pid}.mjs`, import.meta.url);
  writeFileSync(file, snippet.replace("from 'iap-verify'", "from './load.mjs'"));
  process.env.GOOGLE_PLAY_LICENSE_KEY = own('google/test-key-2048.pub');
  try {
    const { checkGooglePurchase } = await import(file.href);
    const json = own('google/consumable.json');
    const sig = own('google/consumable.sig');
    assert.deepEqual(checkGooglePurchase(json, sig), { ok: true, productId: 'gem_pack_100', orderId: 'GPA.3301-1234-5678-90123' });
    assert.deepEqual(checkGooglePurchase(json.replace('gem_pack_100', 'gem_pack_999'), sig), { ok: false, reason: 'INVALID_SIGNATURE' });
    assert.deepEqual(checkGooglePurchase(own('google/pending.json'), own('google/pending.sig')), { ok: false, reason: 'PENDING' });
  } finally {
    rmSync(file);
  }
});

test('README flow-store snippet: eight instances at once, one consume, one grant', async () => {
  const section = readme.split('#### Many backend instances: a flow store')[1];
  const snippet = section.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(snippet, /from 'iap-verify'/);
  const file = new URL(`./.readme-store-${process.pid}.mjs`, import.meta.url);
  writeFileSync(file, snippet.replace("from 'iap-verify'", "from './load.mjs'"));
  try {
    const { handlePaid } = await import(file.href);
    const iap = await import('./load.mjs');
    const key = own('google/test-key-2048.pub');
    const consumed = new Set();
    let consumes = 0;
    const grants = [];
    const deps = {
      verify: () => iap.verifyGooglePurchase(own('google/consumable.json'), own('google/consumable.sig'), key),
      consume: async (effect) => {
        consumes += 1;
        await new Promise((r) => setTimeout(r, 1));
        if (consumed.has(effect.paymentSeq)) throw new iap.IapError('ALREADY_CONSUMED', '5018', { details: { resultCode: 5018 } });
        consumed.add(effect.paymentSeq);
      },
      grant: (effect) => void grants.push(effect.paymentSeq),
    };
    const req = { paymentSeq: '2025112699990001', accessToken: 'at-readme', userId: 'user-1' };
    const states = await Promise.all(Array.from({ length: 8 }, () => handlePaid(req, deps)));
    assert.ok(states.includes('COMPLETED'), states.join());
    assert.equal(consumes, 1);
    assert.deepEqual(grants, [req.paymentSeq]);
    assert.equal(await handlePaid(req, deps), 'COMPLETED');
    assert.equal(grants.length, 1);
  } finally {
    rmSync(file);
  }
});

test('README App Store Server API snippet: an order id to its transactions and their refunds', async () => {
  const section = readme.split('### App Store Server API: `AppStoreServerAPIClient`')[1];
  const snippet = section.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(snippet, /from 'iap-verify'/);
  const file = new URL(`./.readme-apple-${process.pid}.mjs`, import.meta.url);
  writeFileSync(file, snippet.replace("from 'iap-verify'", "from './load.mjs'"));
  const { PEM, client, fake, tx } = await import('./app-store-fake.mjs');
  Object.assign(process.env, { APPLE_P8_KEY: PEM, APPLE_KEY_ID: 'K', APPLE_ISSUER_ID: 'I', APPLE_APP_ID: '42' });
  try {
    const { whereIsMyItem } = await import(file.href);
    const f = fake(
      { body: { status: 0, signedTransactions: [await tx('10'), await tx('11')] } },
      { body: { signedTransactions: [], hasMore: true, revision: 'r1' } },
      { body: { signedTransactions: [await tx('10')], hasMore: false, revision: 'r2' } },
      { body: { signedTransactions: [], hasMore: false } },
    );
    assert.deepEqual(await whereIsMyItem(client(f), 'MK5TTTVWJH'), [
      { productId: 'gems', transactionId: '10', refunded: true },
      { productId: 'gems', transactionId: '11', refunded: false },
    ]);
    assert.deepEqual(f.sent.map((r) => new URL(r.url).pathname + new URL(r.url).search), [
      '/inApps/v1/lookup/MK5TTTVWJH',
      '/inApps/v2/refund/lookup/10',
      '/inApps/v2/refund/lookup/10?revision=r1',
      '/inApps/v2/refund/lookup/11',
    ]);
  } finally {
    rmSync(file);
  }
});

test('README Google Play Developer API snippet: a purchase redeemed once, voided purchases over every page', async () => {
  const section = readme.split('### Google Play Developer API: `GooglePlayClient`')[1];
  const snippet = section.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(snippet, /from 'iap-verify'/);
  const file = new URL(`./.readme-play-${process.pid}.mjs`, import.meta.url);
  writeFileSync(file, snippet.replace("from 'iap-verify'", "from './load.mjs'"));
  const { PREFIX, SERVICE_ACCOUNT, playClient, playFake } = await import('./google-play-fake.mjs');
  process.env.GOOGLE_SERVICE_ACCOUNT_JSON = JSON.stringify(SERVICE_ACCOUNT);
  try {
    const { redeem, voided } = await import(file.href);
    const t = 1_717_243_200_000;
    const bought = { purchaseTimeMillis: String(t), purchaseState: 0, consumptionState: 0, acknowledgementState: 0, orderId: 'GPA.1' };
    const f = playFake([{ body: bought }, {}, { body: { ...bought, consumptionState: 1, acknowledgementState: 1 } }, { body: { ...bought, purchaseState: 2 } }]);
    const c = playClient(f);
    const ids = { packageName: 'com.example.app', productId: 'gems', token: 'tok-a' };
    const granted = [];
    const grant = async (p) => void granted.push([p.productId, p.transactionId, p.purchaseToken]);
    assert.deepEqual(await redeem(c, ids, grant), { ok: true, acknowledgeBy: t + 259_200_000 });
    assert.deepEqual(await redeem(c, ids, grant), { ok: false, state: 'ALREADY_CONSUMED' });
    assert.deepEqual(await redeem(c, ids, grant), { ok: false, state: 'PENDING' });
    assert.deepEqual(granted, [['gems', 'GPA.1', 'tok-a']]);
    assert.deepEqual(f.api.map((r) => `${r.method} ${r.url.slice(PREFIX.length)}`), [
      'GET /products/gems/tokens/tok-a',
      'POST /products/gems/tokens/tok-a:consume',
      'GET /products/gems/tokens/tok-a',
      'GET /products/gems/tokens/tok-a',
    ]);
    assert.equal(f.tokens.length, 1);

    const v = playFake([
      { body: { tokenPagination: { nextPageToken: 'n2' }, voidedPurchases: [{ purchaseToken: 'a', voidedTimeMillis: '5' }] } },
      { body: { voidedPurchases: [{ purchaseToken: 'b', voidedTimeMillis: '6' }] } },
    ]);
    assert.deepEqual(await voided(playClient(v), 'com.example.app'), [
      { purchaseToken: 'a', voidedTimeMs: 5 },
      { purchaseToken: 'b', voidedTimeMs: 6 },
    ]);
    assert.deepEqual(v.api.map((r) => r.query.get('token')), [null, 'n2']);
  } finally {
    rmSync(file);
  }
});

test('README RTDN snippet: a push is accepted only with a valid Pub/Sub token', async () => {
  const { bearer, claims, jwksText, AUDIENCE, EMAIL } = await import('./jwt.mjs');
  const section = readme.split('### Google real-time developer notifications')[1];
  const snippet = section.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(snippet, /from 'iap-verify'/);
  const file = new URL(`./.readme-rtdn-${process.pid}.mjs`, import.meta.url);
  writeFileSync(file, snippet.replace("from 'iap-verify'", "from './load.mjs'"));
  process.env.RTDN_PUSH_AUDIENCE = AUDIENCE;
  process.env.RTDN_PUSH_SERVICE_ACCOUNT = EMAIL;
  // Google's certs endpoint, played by a stub of the global fetch.
  const realFetch = globalThis.fetch;
  const fetched = [];
  let certs = () => new Response(jwksText(), { headers: { 'cache-control': 'public, max-age=3600' } });
  globalThis.fetch = async (url) => (fetched.push(url), certs());
  try {
    const { handleRtdnPush } = await import(file.href);
    const body = JSON.stringify({
      message: { data: btoa(JSON.stringify({ version: '1.0', packageName: 'com.example.game', eventTimeMillis: '1', testNotification: { version: '1.0' } })), messageId: '1' },
      subscription: 'projects/p/subscriptions/s',
    });
    const push = (authorization) =>
      handleRtdnPush(new Request('https://backend.example.com/rtdn', { method: 'POST', headers: authorization ? { authorization } : {}, body }));
    const iat = Math.floor(Date.now() / 1000) - 10;
    const good = await bearer({ payload: claims({ iat, exp: iat + 3600 }) });
    const ok = await push(good);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { kind: 'test', packageName: 'com.example.game' });
    assert.equal((await push(good)).status, 200);
    assert.deepEqual(fetched, ['https://www.googleapis.com/oauth2/v3/certs'], 'one fetch, then the cache');
    assert.equal((await push(undefined)).status, 401);
    assert.equal((await push(await bearer({ payload: claims({ iat, exp: iat + 3600, aud: 'https://elsewhere.example.com' }) }))).status, 401);
    assert.equal((await push(await bearer({ payload: claims() }))).status, 401, 'expired in 2025');
    // A key Google has not published: the fresh cached set is not refetched within a minute.
    const rotated = await bearer({ key: 'other-key-2048', header: { alg: 'RS256', kid: 'next-key' }, payload: claims({ iat, exp: iat + 3600 }) });
    assert.equal((await push(rotated)).status, 401);
    assert.equal(fetched.length, 1);
    // Google's endpoint down (a new fetch function has its own, empty cache): 503, Pub/Sub retries.
    globalThis.fetch = async (url) => (fetched.push(url), new Response('unavailable', { status: 503 }));
    assert.equal((await push(good)).status, 503);
    assert.equal(fetched.length, 4, 'the first attempt and two retries');
  } finally {
    globalThis.fetch = realFetch;
    rmSync(file);
  }
});
