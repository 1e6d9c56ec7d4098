// GooglePlayClient against an in-test fake of Google's token endpoint and the Play Developer API:
// the RS256 assertion (claims, header, signature checked with WebCrypto), the token shared and
// renewed, every method's request and answer, pages, Google's errors, retries, 401 handling,
// timeouts, toPurchase with the acknowledgement deadline, and no secret in any error.
// Portable: every runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { rejectsCode as rejects } from './rejects.mjs';
import { BASE_URL, EMAIL, PREFIX, PRIVATE_KEY, SERVICE_ACCOUNT, TOKEN_URL, googleError, playClient, playFake } from './google-play-fake.mjs';


const T = 1_717_243_200_000;
const PRODUCT = { kind: 'androidpublisher#productPurchase', purchaseTimeMillis: String(T), purchaseState: 0, consumptionState: 0, orderId: 'GPA.3312-1111-2222-33333', acknowledgementState: 0, purchaseType: 0, regionCode: 'KR' };
const SUB = {
  kind: 'androidpublisher#subscriptionPurchaseV2', startTime: '2024-06-01T12:00:00Z', subscriptionState: 'SUBSCRIPTION_STATE_ACTIVE',
  latestOrderId: 'GPA.1-2-3..1', acknowledgementState: 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED',
  lineItems: [{ productId: 'monthly', expiryTime: '2024-07-01T12:00:00Z', autoRenewingPlan: { autoRenewEnabled: true } }],
};
const ids = { packageName: 'com.example.app', productId: 'gems.100', token: 'purchase-token-1' };

test('getProductPurchase: the token request and its RS256 assertion, the API request, the answer and its toPurchase', async () => {
  const f = playFake([{ body: PRODUCT }, { body: PRODUCT }]);
  const c = playClient(f);
  assert.equal(c.baseUrl, BASE_URL);
  const p = await c.getProductPurchase(ids);
  assert.equal(p.purchaseTimeMillis, String(T));
  assert.equal(p.purchaseTimeMs, T);
  assert.equal(p.orderId, 'GPA.3312-1111-2222-33333');

  assert.equal(f.tokens.length, 1);
  const [t] = f.tokens;
  assert.equal(t.method, 'POST');
  assert.equal(t.headers['Content-Type'], 'application/x-www-form-urlencoded');
  assert.deepEqual([...t.form.keys()], ['grant_type', 'assertion']);
  assert.equal(t.form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  assert.deepEqual(t.header, { alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
  assert.deepEqual(Object.keys(t.claims).sort(), ['aud', 'exp', 'iat', 'iss', 'scope']);
  assert.equal(t.claims.iss, EMAIL);
  assert.equal(t.claims.scope, 'https://www.googleapis.com/auth/androidpublisher');
  assert.equal(t.claims.aud, TOKEN_URL);
  assert.ok(Math.abs(t.claims.iat * 1000 - Date.now()) < 60_000);
  assert.equal(t.claims.exp - t.claims.iat, 3600);
  assert.equal(t.signed, true, 'the assertion verifies with the service account public key');

  const [req] = f.api;
  assert.equal(req.method, 'GET');
  assert.equal(req.url, `${PREFIX}/products/gems.100/tokens/purchase-token-1`);
  assert.equal(req.headers.Authorization, 'Bearer tok-1');
  assert.equal(req.headers.Accept, 'application/json');
  assert.equal(req.body, undefined);

  // The token is reused.
  await c.getProductPurchase(ids);
  assert.equal(f.tokens.length, 1);
  assert.equal(f.api[1].headers.Authorization, 'Bearer tok-1');

  // toPurchase: the request's product and token (Google's answer left them out), the deadline.
  const purchase = iap.toPurchase(p);
  assert.equal(purchase.store, 'GG');
  assert.equal(purchase.productId, 'gems.100');
  assert.equal(purchase.purchaseToken, 'purchase-token-1');
  assert.equal(purchase.purchaseTime, T);
  assert.equal(purchase.needsAcknowledgement, true);
  assert.equal(purchase.acknowledgeBy, T + 3 * 24 * 3600 * 1000);
  assert.equal(purchase.purchaseType, 'TEST');
  assert.equal(purchase.environment, 'SANDBOX');
  // A copy is not a verified value.
  assert.throws(() => iap.toPurchase({ ...p }), (e) => e.code === 'INVALID_ARGUMENT');
});

test('every method: its request (method, URL, body) and its answer', async () => {
  const voided = { tokenPagination: {}, voidedPurchases: [{ purchaseToken: 't', purchaseTimeMillis: '1717000000000', voidedTimeMillis: '1717100000000', orderId: 'GPA.9', voidedSource: 1, voidedReason: 1 }] };
  const f = playFake([{}, { status: 204 }, { body: SUB }, { body: {} }, {}, {}, {}, { body: voided }]);
  const c = playClient(f);
  const sub = { packageName: 'com.example.app', token: 'sub/token+1' };
  assert.equal(await c.acknowledgeProductPurchase({ ...ids, developerPayload: 'order-7' }), undefined);
  assert.equal(await c.consumeProductPurchase(ids), undefined);
  const s = await c.getSubscriptionPurchaseV2(sub);
  assert.equal(s.startTimeMs, Date.parse('2024-06-01T12:00:00Z'));
  assert.equal(s.lineItems[0].expiryTimeMs, Date.parse('2024-07-01T12:00:00Z'));
  assert.deepEqual(await c.revokeSubscriptionPurchaseV2({ ...sub, revocationContext: { fullRefund: {} } }), {});
  assert.equal(await c.cancelSubscriptionPurchaseV2({ ...sub, cancellationContext: { cancellationType: 'USER_REQUESTED_STOP_RENEWALS' } }), undefined);
  assert.equal(await c.cancelSubscriptionPurchase({ packageName: 'com.example.app', subscriptionId: 'monthly', token: 'sub/token+1' }), undefined);
  assert.equal(await c.acknowledgeSubscriptionPurchase({ packageName: 'com.example.app', subscriptionId: 'monthly', token: 'sub/token+1' }), undefined);
  const v = await c.listVoidedPurchases({ packageName: 'com.example.app', startTime: 1_716_000_000_000, maxResults: 50, type: 1, includeQuantityBasedPartialRefund: true });
  assert.equal(v.voidedPurchases[0].voidedTimeMs, 1_717_100_000_000);

  const enc = 'sub%2Ftoken%2B1';
  const shapes = f.api.map((r) => [r.method, r.url.slice(PREFIX.length), r.body === undefined ? undefined : JSON.parse(r.body), r.headers['Content-Type']]);
  assert.deepEqual(shapes, [
    ['POST', '/products/gems.100/tokens/purchase-token-1:acknowledge', { developerPayload: 'order-7' }, 'application/json'],
    ['POST', '/products/gems.100/tokens/purchase-token-1:consume', undefined, undefined],
    ['GET', `/subscriptionsv2/tokens/${enc}`, undefined, undefined],
    ['POST', `/subscriptionsv2/tokens/${enc}:revoke`, { revocationContext: { fullRefund: {} } }, 'application/json'],
    ['POST', `/subscriptionsv2/tokens/${enc}:cancel`, { cancellationContext: { cancellationType: 'USER_REQUESTED_STOP_RENEWALS' } }, 'application/json'],
    ['POST', `/subscriptions/monthly/tokens/${enc}:cancel`, undefined, undefined],
    ['POST', `/subscriptions/monthly/tokens/${enc}:acknowledge`, {}, 'application/json'],
    ['GET', '/voidedpurchases?startTime=1716000000000&maxResults=50&type=1&includeQuantityBasedPartialRefund=true', undefined, undefined],
  ]);
  assert.ok(f.api.every((r) => r.headers.Authorization === 'Bearer tok-1'));
  assert.equal(f.tokens.length, 1);

  // A subscription's toPurchase: acknowledged, so nothing is due.
  const p = iap.toPurchase(s);
  assert.equal(p.productId, 'monthly');
  assert.equal(p.purchaseToken, 'sub/token+1');
  assert.equal(p.productType, 'AUTO_RENEWABLE');
  assert.equal(p.expiresTime, Date.parse('2024-07-01T12:00:00Z'));
  assert.equal(p.originalTransactionId, 'GPA.1-2-3');
  assert.equal(p.needsAcknowledgement, false);
  assert.equal(p.acknowledgeBy, undefined);
});

test('listVoidedPurchasesPages walks tokenPagination.nextPageToken to the end', async () => {
  const page = (next, ...tokens) => ({ body: { tokenPagination: next ? { nextPageToken: next } : {}, voidedPurchases: tokens.map((t) => ({ purchaseToken: t, voidedTimeMillis: '5' })) } });
  const f = playFake([page('p2', 'a', 'b'), page('p3', 'c'), page(undefined, 'd')]);
  const seen = [];
  for await (const p of playClient(f).listVoidedPurchasesPages({ packageName: 'com.example.app', type: 1 })) seen.push(...p.voidedPurchases.map((v) => v.purchaseToken));
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
  assert.deepEqual(f.api.map((r) => r.query.get('token')), [null, 'p2', 'p3']);
  assert.ok(f.api.every((r) => r.query.get('type') === '1'));

  // A page that hands back the token it was asked with would loop forever: an error instead.
  const stuck = playFake([page('p2', 'a'), page('p2', 'b')]);
  const it = playClient(stuck).listVoidedPurchasesPages({ packageName: 'com.example.app' });
  await it.next();
  await it.next();
  await rejects(it.next(), 'MALFORMED_INPUT');
  assert.equal(stuck.api.length, 2);
});

test('a 401 renews the token once and sends the call once more, mutations included', async () => {
  const unauth = googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
  const f = playFake([unauth, { body: PRODUCT }, unauth, {}]);
  const c = playClient(f);
  assert.equal((await c.getProductPurchase(ids)).orderId, PRODUCT.orderId);
  assert.deepEqual(f.api.map((r) => r.headers.Authorization), ['Bearer tok-1', 'Bearer tok-2']);
  assert.equal(f.tokens.length, 2);
  assert.equal(await c.consumeProductPurchase(ids), undefined);
  assert.deepEqual(f.api.slice(2).map((r) => r.headers.Authorization), ['Bearer tok-2', 'Bearer tok-3']);

  // Twice 401: the error, after one renewal; not retried further.
  const g = playFake([unauth, unauth, { body: PRODUCT }]);
  const e = await rejects(playClient(g).getProductPurchase(ids), 'API_ERROR');
  assert.equal(e.details.status, 401);
  assert.equal(e.details.errorStatus, 'UNAUTHENTICATED');
  assert.equal(e.retryable, false);
  assert.equal(g.api.length, 2);
  assert.equal(g.tokens.length, 2);
});

test('reads are retried on 5xx and on 429 after Retry-After; mutations are sent once; 410 is not retried', async () => {
  const f = playFake([{ status: 503, body: 'busy' }, { status: 500, body: '' }, { body: PRODUCT }]);
  assert.equal((await playClient(f).getProductPurchase(ids)).purchaseTimeMs, T);
  assert.equal(f.api.length, 3);

  const m = playFake([{ status: 503, body: '' }, {}]);
  const e = await rejects(playClient(m).acknowledgeProductPurchase(ids), 'API_ERROR');
  assert.equal(e.details.status, 503);
  assert.equal(e.retryable, true);
  assert.equal(m.api.length, 1);

  const limited = { ...googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded'), headers: { 'Retry-After': '1' } };
  const r = playFake([limited, { body: SUB }]);
  const start = Date.now();
  assert.equal((await playClient(r).getSubscriptionPurchaseV2({ packageName: 'com.example.app', token: 't' })).kind, SUB.kind);
  assert.ok(Date.now() - start >= 950, 'waited for Retry-After');
  assert.equal(r.api.length, 2);

  const gone = playFake([googleError(410, 'GONE', 'The subscription purchase is no longer available for query because it has been expired for too long.'), { body: SUB }]);
  const g = await rejects(playClient(gone).getSubscriptionPurchaseV2({ packageName: 'com.example.app', token: 'old' }), 'API_ERROR');
  assert.equal(g.details.status, 410);
  assert.equal(g.details.errorStatus, 'GONE');
  assert.match(g.details.errorMessage, /no longer available/);
  assert.equal(g.retryable, false);
  assert.equal(gone.api.length, 1);
});

test('timeouts: each attempt is bounded, reads retried, mutations not', async () => {
  const never = () => new Promise(() => {});
  // The token request is bounded by the same timeout: long enough for it on a loaded machine.
  const f = playFake([never, never]);
  const started = Date.now();
  const e = await rejects(playClient(f, { timeoutMs: 400, retries: 1 }).getProductPurchase(ids), 'TIMEOUT');
  assert.equal(e.retryable, true);
  assert.equal(e.details.afterMs, 400);
  assert.equal(f.tokens.length, 1);
  assert.equal(f.api.length, 2);
  assert.ok(Date.now() - started >= 800);
  const m = playFake([never, never]);
  await rejects(playClient(m, { timeoutMs: 400, retries: 1 }).consumeProductPurchase(ids), 'TIMEOUT');
  assert.equal(m.api.length, 1);
  // A token endpoint that does not answer: TIMEOUT, and no API request.
  const t = playFake([{ body: PRODUCT }], { token: () => new Promise(() => {}) });
  await rejects(playClient(t, { timeoutMs: 100, retries: 0 }).getProductPurchase(ids), 'TIMEOUT');
  assert.equal(t.api.length, 0);
});

test('ten concurrent calls share one token request; a short-lived token is renewed before use', async () => {
  const f = playFake(Array.from({ length: 10 }, () => ({ body: PRODUCT })), { delayMs: 20 });
  const c = playClient(f);
  const all = await Promise.all(Array.from({ length: 10 }, () => c.getProductPurchase(ids)));
  assert.equal(all.length, 10);
  assert.equal(f.tokens.length, 1);
  assert.ok(f.api.every((r) => r.headers.Authorization === 'Bearer tok-1'));

  // Under a minute left: renewed for the next call.
  const s = playFake([{ body: PRODUCT }, { body: PRODUCT }], { expiresIn: 30 });
  const sc = playClient(s);
  await sc.getProductPurchase(ids);
  await sc.getProductPurchase(ids);
  assert.equal(s.tokens.length, 2);
  assert.deepEqual(s.api.map((r) => r.headers.Authorization), ['Bearer tok-1', 'Bearer tok-2']);
});

test('the token endpoint refusing the assertion: API_ERROR with its error, nothing sent to the API', async () => {
  const f = playFake([{ body: PRODUCT }], { token: () => ({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } }) });
  const e = await rejects(playClient(f).getProductPurchase(ids), 'API_ERROR');
  assert.equal(e.details.status, 400);
  assert.equal(e.details.errorStatus, 'invalid_grant');
  assert.equal(e.details.errorMessage, 'Invalid JWT Signature.');
  assert.equal(f.api.length, 0);
  // A token answer that is not one.
  const bad = playFake([{ body: PRODUCT }], { token: () => ({ body: { token_type: 'Bearer' } }) });
  await rejects(playClient(bad).getProductPurchase(ids), 'MALFORMED_INPUT');
  assert.equal(bad.api.length, 0);
});

test('no secret in any error: not the private key, the assertion or the access token', async () => {
  const echo = (req) => googleError(403, 'PERMISSION_DENIED', `denied for ${req.headers.Authorization}`);
  const f = playFake([echo], { token: (req, n) => (n > 1 ? { status: 400, body: { error: 'invalid_grant', error_description: `bad ${new URLSearchParams(req.body).get('assertion')}` } } : undefined) });
  const c = playClient(f);
  const errors = [await rejects(c.getProductPurchase(ids), 'API_ERROR')];
  // A 401 forces a renewal, whose refusal echoes the assertion.
  const g = playFake([googleError(401, 'UNAUTHENTICATED', 'no')], { token: (req, n) => (n > 1 ? { status: 400, body: { error: 'invalid_grant', error_description: `bad ${new URLSearchParams(req.body).get('assertion')}` } } : undefined) });
  errors.push(await rejects(playClient(g).getProductPurchase(ids), 'API_ERROR'));
  for (const bad of [{ ...SERVICE_ACCOUNT, private_key: PRIVATE_KEY.replace('MII', 'MIX') }, JSON.stringify({ ...SERVICE_ACCOUNT, type: 'user' }), { ...SERVICE_ACCOUNT, client_email: 5 }]) {
    try {
      playClient(f, { serviceAccount: bad });
      assert.fail('accepted a bad key file');
    } catch (e) {
      assert.equal(e.code, 'INVALID_ARGUMENT');
      errors.push(e);
    }
  }
  const secrets = [PRIVATE_KEY.split('\n')[1], 'tok-1', 'tok-2', ...f.tokens.map((t) => t.assertion), ...g.tokens.map((t) => t.assertion)];
  for (const e of errors) {
    const text = `${e.message} ${String(e)} ${JSON.stringify(e.details ?? {})} ${e.stack ?? ''}`;
    for (const s of secrets) assert.ok(!text.includes(s), `${e.code} leaks ${s.slice(0, 12)}…: ${text.slice(0, 200)}`);
  }
  assert.equal(errors[0].details.errorMessage, 'denied for Bearer <redacted>');
  assert.equal(errors[1].details.errorStatus, 'invalid_grant');
  assert.equal(errors[1].details.errorMessage, 'bad <redacted>');
});

test('bad arguments are refused before anything is sent', async () => {
  const f = playFake([{ body: PRODUCT }]);
  assert.throws(() => playClient(f, { serviceAcount: SERVICE_ACCOUNT }), (e) => e.code === 'INVALID_ARGUMENT' && /serviceAcount/.test(e.message));
  assert.throws(() => new iap.GooglePlayClient({ fetch: f.fetch, dangerouslyAllowBrowser: true }), (e) => e.code === 'INVALID_ARGUMENT' && /serviceAccount/.test(e.message));
  assert.throws(() => playClient(f, { tokenUrl: 'oauth.test/token' }), (e) => e.code === 'INVALID_ARGUMENT');
  const c = playClient(f);
  await rejects(c.getProductPurchase({ packageName: 'com.example.app', productId: 'gems.100' }), 'INVALID_ARGUMENT');
  await rejects(c.getProductPurchase({ ...ids, tokn: 'x' }), 'INVALID_ARGUMENT');
  await rejects(c.revokeSubscriptionPurchaseV2({ packageName: 'com.example.app', token: 't' }), 'INVALID_ARGUMENT');
  await rejects(c.listVoidedPurchases({ packageName: 'com.example.app', startTime: 'last week' }), 'INVALID_ARGUMENT');
  assert.equal(f.api.length, 0);
});

test('sans-I/O GooglePlayApi: tokenRequest, parseToken, then any request; parse with the params for toPurchase', () => {
  const a = new iap.GooglePlayApi({ serviceAccount: JSON.stringify(SERVICE_ACCOUNT), baseUrl: BASE_URL });
  assert.throws(() => a.getProductPurchaseRequest(ids), (e) => e.code === 'INVALID_ARGUMENT' && /tokenRequest/.test(e.message));
  const t = a.tokenRequest();
  assert.equal(t.url, TOKEN_URL);
  assert.equal(t.method, 'POST');
  const info = a.parseToken({ status: 200, body: JSON.stringify({ access_token: 'sans-io-token', expires_in: 3599, token_type: 'Bearer' }) });
  assert.equal(info.tokenType, 'Bearer');
  assert.equal(info.expiresIn, 3599);
  assert.ok(Math.abs(info.expiresAtMs - (Date.now() + 3_599_000)) < 5_000);
  assert.ok(!JSON.stringify(info).includes('sans-io-token'));
  const r = a.getProductPurchaseRequest(ids);
  assert.equal(r.headers.Authorization, 'Bearer sans-io-token');
  const ack = { ...PRODUCT, purchaseType: undefined, acknowledgementState: 1 };
  const p = a.parseGetProductPurchase({ status: 200, body: JSON.stringify(ack) }, ids);
  const purchase = iap.toPurchase(p);
  assert.equal(purchase.productId, 'gems.100');
  assert.equal(purchase.needsAcknowledgement, false);
  assert.equal(purchase.environment, 'PRODUCTION');
  // Without the params, the answer alone names no product: toPurchase says so.
  const alone = a.parseGetProductPurchase({ status: 200, body: JSON.stringify(PRODUCT) });
  assert.throws(() => iap.toPurchase(alone), (e) => e.code === 'MALFORMED_INPUT');
});
