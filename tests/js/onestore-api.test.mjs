// OneStoreClient against an in-test fake of ONE store's OAuth endpoint and server API V7: the
// client-credentials form, the token shared and renewed (under 600 s left, and once after
// AccessTokenExpired / InvalidAccessToken), every method's request and answer, the voided pages,
// the error envelope mapped by its code, retries of reads only, timeouts, and no secret in any
// error. Portable: every runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { rejectsCode as rejects } from './rejects.mjs';
import { BASE_URL, CLIENT_ID, CLIENT_SECRET, PREFIX, SUCCESS, accessToken, oneStoreClient, oneStoreError, oneStoreFake } from './onestore-fake.mjs';

const T = 1_717_243_200_000;
const DETAILS = { consumptionState: 0, developerPayload: 'order-7', purchaseState: 0, purchaseTime: T, purchaseId: 'SANDBOX3000000004564', acknowledgeState: 0, quantity: 1 };
const SUB = {
  acknowledgementState: 1, developerPayload: '', autoRenewing: true, paymentState: 1, priceAmount: '4900', priceAmountMicros: 4_900_000_000,
  nextPaymentTimeMillis: T + 30 * 86_400_000, priceCurrencyCode: 'KRW', countryCode: 'KR', startTimeMillis: T, expiryTimeMillis: T + 30 * 86_400_000, lastPurchaseId: 'P2',
};
const ids = { productId: 'gem.100', purchaseToken: 'TOKEN3000000312345' };
const bearer = (n) => `Bearer ${accessToken(n)}`;

test('getPurchaseDetails: the token request (client credentials, form-encoded, x-market-code), the API request, the answer', async () => {
  const f = oneStoreFake([{ body: DETAILS }, { body: DETAILS }]);
  const c = oneStoreClient(f);
  assert.equal(c.baseUrl, BASE_URL);
  const p = await c.getPurchaseDetails(ids);
  assert.equal(p.purchaseTime, T);
  assert.equal(p.purchaseTimeMs, T);
  assert.equal(p.purchaseId, 'SANDBOX3000000004564');

  assert.equal(f.tokens.length, 1);
  const [t] = f.tokens;
  assert.equal(t.method, 'POST');
  assert.equal(t.url, `${BASE_URL}/v7/oauth/token`);
  assert.equal(t.headers['Content-Type'], 'application/x-www-form-urlencoded');
  assert.equal(t.headers['x-market-code'], 'MKT_ONE');
  assert.deepEqual([...t.form.entries()], [['client_id', CLIENT_ID], ['client_secret', CLIENT_SECRET], ['grant_type', 'client_credentials']]);
  assert.equal(t.redirect, 'manual');

  const [req] = f.api;
  assert.equal(req.method, 'GET');
  assert.equal(req.url, `${PREFIX}/purchases/inapp/products/gem.100/TOKEN3000000312345`);
  assert.equal(req.headers.Authorization, bearer(1));
  assert.equal(req.headers['Content-Type'], 'application/json');
  assert.equal(req.headers['x-market-code'], 'MKT_ONE');
  assert.equal(req.body, undefined);
  // The token is reused.
  await c.getPurchaseDetails(ids);
  assert.equal(f.tokens.length, 1);
  assert.equal(f.api[1].headers.Authorization, bearer(1));
});

test('every method: its request (method, URL, body) and its answer', async () => {
  const voided = { continuationKey: '', voidedPurchaseList: [{ purchaseId: 'P1', purchaseTime: T, voidedTime: T + 1000, purchaseToken: 'T1', marketCode: 'MKT_GLB' }] };
  const recurring = { startTime: T, expiryTime: T + 86_400_000, nextPaymentTime: T + 86_400_000, autoRenewing: true, cancelReason: 0, acknowledgeState: 1, lastPurchaseId: 'L1', lastPurchaseState: 0 };
  const f = oneStoreFake([{ body: recurring }, SUCCESS, SUCCESS, SUCCESS, { body: '' }, { body: voided }, { body: SUB }, SUCCESS, SUCCESS, SUCCESS]);
  const c = oneStoreClient(f, { marketCode: 'MKT_GLB' });
  const r = await c.getRecurringPurchaseDetails(ids);
  assert.equal(r.expiryTimeMs, T + 86_400_000);
  assert.equal(await c.acknowledgePurchase({ ...ids, developerPayload: 'order-7' }), undefined);
  assert.equal(await c.consumePurchase(ids), undefined);
  assert.equal(await c.cancelRecurringPurchase(ids), undefined);
  assert.equal(await c.reactivateRecurringPurchase(ids), undefined);
  const v = await c.getVoidedPurchases({ startTime: T - 86_400_000, maxResults: 50 });
  assert.equal(v.voidedPurchaseList[0].voidedTimeMs, T + 1000);
  const s = await c.getSubscriptionDetail(ids);
  assert.equal(s.expiryTimeMs, T + 30 * 86_400_000);
  assert.equal(s.startTimeMs, T);
  assert.equal(await c.cancelSubscription(ids), undefined);
  assert.equal(await c.reactivateSubscription(ids), undefined);
  assert.equal(await c.deferSubscription({ ...ids, deferPeriod: 10 }), undefined);

  const p = '/purchases';
  const tail = 'products/gem.100/TOKEN3000000312345';
  const shapes = f.api.map((q) => [q.method, q.url.slice(PREFIX.length), q.body === undefined ? undefined : JSON.parse(q.body)]);
  assert.deepEqual(shapes, [
    ['GET', `${p}/auto/${tail}`, undefined],
    ['POST', `${p}/all/${tail}/acknowledge`, { developerPayload: 'order-7' }],
    ['POST', `${p}/inapp/${tail}/consume`, {}],
    ['POST', `${p}/auto/${tail}/cancel`, undefined],
    ['POST', `${p}/auto/${tail}/reactivate`, undefined],
    ['GET', `/voided-purchases?startTime=${T - 86_400_000}&maxResults=50`, undefined],
    ['GET', `${p}/subscription/${tail}`, undefined],
    ['POST', `${p}/subscription/${tail}/cancel`, undefined],
    ['POST', `${p}/subscription/${tail}/reactivate`, undefined],
    ['POST', `${p}/subscription/${tail}/defer`, { deferPeriod: 10 }],
  ]);
  assert.ok(f.api.every((q) => q.headers.Authorization === bearer(1) && q.headers['x-market-code'] === 'MKT_GLB' && q.headers['Content-Type'] === 'application/json'));
  assert.equal(f.tokens[0].headers['x-market-code'], 'MKT_GLB');
  assert.equal(f.tokens.length, 1);
});

test('getVoidedPurchasesPages follows continuationKey to an empty one', async () => {
  const page = (next, ...list) => ({ body: { continuationKey: next, voidedPurchaseList: list.map((id) => ({ purchaseId: id, voidedTime: T })) } });
  const f = oneStoreFake([page('k2', 'a', 'b'), page('k3', 'c'), page('', 'd')]);
  const seen = [];
  for await (const p of oneStoreClient(f).getVoidedPurchasesPages({ maxResults: 2 })) seen.push(...p.voidedPurchaseList.map((v) => v.purchaseId));
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
  assert.deepEqual(f.api.map((r) => r.query.get('continuationKey')), [null, 'k2', 'k3']);
  assert.ok(f.api.every((r) => r.query.get('maxResults') === '2'));
  // A page handing back the key it was asked with would loop forever: an error instead.
  const stuck = oneStoreFake([page('k2', 'a'), page('k2', 'b')]);
  const it = oneStoreClient(stuck).getVoidedPurchasesPages({});
  await it.next();
  await it.next();
  await rejects(it.next(), 'MALFORMED_INPUT');
  assert.equal(stuck.api.length, 2);
});

test('errors: the envelope becomes API_ERROR with details.errorCode, by the code and not the status', async () => {
  // The guide's own example: NoSuchData with HTTP 400.
  const f = oneStoreFake([oneStoreError(400, 'NoSuchData', 'no such purchase'), { status: 200, body: { error: { code: 'NoSuchData', message: 'x' } } }, oneStoreError(409, 'InvalidPurchaseState')]);
  const c = oneStoreClient(f);
  const e = await rejects(c.getPurchaseDetails(ids), 'API_ERROR');
  assert.equal(e.details.errorCode, 'NoSuchData');
  assert.equal(e.details.status, 400);
  assert.equal(e.details.errorMessage, 'no such purchase');
  assert.equal(e.retryable, false);
  assert.equal(f.api.length, 1, 'not retried');
  assert.equal((await rejects(c.getSubscriptionDetail(ids), 'API_ERROR')).details.errorCode, 'NoSuchData');
  const m = await rejects(c.acknowledgePurchase(ids), 'API_ERROR');
  assert.equal(m.details.errorCode, 'InvalidPurchaseState');
  // A mutation's result that is not Success.
  const r = oneStoreFake([{ body: { result: { code: 'DeveloperPayloadNotMatch', message: 'no' } } }]);
  assert.equal((await rejects(oneStoreClient(r).consumePurchase({ ...ids, developerPayload: 'x' }), 'API_ERROR')).details.errorCode, 'DeveloperPayloadNotMatch');
});

test('reads are retried on ServiceMaintenance and 5xx; mutations are sent once', async () => {
  const f = oneStoreFake([oneStoreError(503, 'ServiceMaintenance'), oneStoreError(400, 'ServiceMaintenance'), { status: 502, body: 'gateway' }, { body: DETAILS }]);
  assert.equal((await oneStoreClient(f, { retries: 3 }).getPurchaseDetails(ids)).purchaseId, DETAILS.purchaseId);
  assert.equal(f.api.length, 4);
  const m = oneStoreFake([oneStoreError(500, 'InternalError'), SUCCESS]);
  const e = await rejects(oneStoreClient(m).consumePurchase(ids), 'API_ERROR');
  assert.equal(e.details.errorCode, 'InternalError');
  assert.equal(e.retryable, true);
  assert.equal(m.api.length, 1);
  const d = oneStoreFake([oneStoreError(503, 'ServiceMaintenance'), SUCCESS]);
  await rejects(oneStoreClient(d).deferSubscription({ ...ids, deferPeriod: 3 }), 'API_ERROR');
  assert.equal(d.api.length, 1);
});

test('AccessTokenExpired / InvalidAccessToken renew the token once and send the call once more, mutations included', async () => {
  for (const code of ['AccessTokenExpired', 'InvalidAccessToken']) {
    const f = oneStoreFake([oneStoreError(401, code), { body: DETAILS }, oneStoreError(401, code), SUCCESS]);
    const c = oneStoreClient(f);
    assert.equal((await c.getPurchaseDetails(ids)).purchaseId, DETAILS.purchaseId);
    assert.deepEqual(f.api.map((r) => r.headers.Authorization), [bearer(1), bearer(2)]);
    assert.equal(await c.acknowledgePurchase(ids), undefined);
    assert.deepEqual(f.api.slice(2).map((r) => r.headers.Authorization), [bearer(2), bearer(3)]);
    assert.equal(f.tokens.length, 3);
  }
  // Twice refused: the error after one renewal.
  const g = oneStoreFake([oneStoreError(401, 'AccessTokenExpired'), oneStoreError(401, 'AccessTokenExpired'), { body: DETAILS }]);
  const e = await rejects(oneStoreClient(g).getPurchaseDetails(ids), 'API_ERROR');
  assert.equal(e.details.errorCode, 'AccessTokenExpired');
  assert.equal(g.api.length, 2);
  assert.equal(g.tokens.length, 2);
  // Another 401 (a bad header) is not a token refusal: no renewal.
  const h = oneStoreFake([oneStoreError(401, 'InvalidAuthorizationHeader'), { body: DETAILS }]);
  await rejects(oneStoreClient(h).getPurchaseDetails(ids), 'API_ERROR');
  assert.equal(h.tokens.length, 1);
  assert.equal(h.api.length, 1);
});

test('ten concurrent calls share one token request; a token with under 600 s left is renewed before use', async () => {
  const f = oneStoreFake(Array.from({ length: 10 }, () => ({ body: DETAILS })), { delayMs: 20 });
  const c = oneStoreClient(f);
  await Promise.all(Array.from({ length: 10 }, () => c.getPurchaseDetails(ids)));
  assert.equal(f.tokens.length, 1);
  assert.ok(f.api.every((r) => r.headers.Authorization === bearer(1)));
  // 599 s left: renewed; 3010 s (the guide's example): kept.
  const s = oneStoreFake([{ body: DETAILS }, { body: DETAILS }], { expiresIn: 599 });
  const sc = oneStoreClient(s);
  await sc.getPurchaseDetails(ids);
  await sc.getPurchaseDetails(ids);
  assert.equal(s.tokens.length, 2);
  const k = oneStoreFake([{ body: DETAILS }, { body: DETAILS }], { expiresIn: 3010 });
  const kc = oneStoreClient(k);
  await kc.getPurchaseDetails(ids);
  await kc.getPurchaseDetails(ids);
  assert.equal(k.tokens.length, 1);
});

test('timeouts: each attempt is bounded, reads retried, mutations not', async () => {
  const never = () => new Promise(() => {});
  const f = oneStoreFake([never, never]);
  const e = await rejects(oneStoreClient(f, { timeoutMs: 300, retries: 1 }).getSubscriptionDetail(ids), 'TIMEOUT');
  assert.equal(e.retryable, true);
  assert.equal(f.api.length, 2);
  const m = oneStoreFake([never, never]);
  await rejects(oneStoreClient(m, { timeoutMs: 300, retries: 1 }).cancelSubscription(ids), 'TIMEOUT');
  assert.equal(m.api.length, 1);
});

test('no secret in any error: not the client secret, not the access token', async () => {
  const echo = (req) => oneStoreError(403, 'UnauthorizedAccess', `denied for ${req.headers.Authorization} token ${req.headers.Authorization.slice(7)}`);
  const f = oneStoreFake([echo, oneStoreError(401, 'InvalidAccessToken', 'x')], {
    token: (req, n) => (n > 1 ? { status: 401, body: { error: { code: 'UnauthorizedAccess', message: `bad ${req.body}` } } } : undefined),
  });
  const c = oneStoreClient(f);
  const errors = [await rejects(c.getPurchaseDetails(ids), 'API_ERROR'), await rejects(c.getPurchaseDetails(ids), 'API_ERROR')];
  const o = oneStoreFake([], { token: () => ({ status: 400, body: { error: 'invalid_client', error_description: `client_secret=${CLIENT_SECRET}` } }) });
  errors.push(await rejects(oneStoreClient(o).getPurchaseDetails(ids), 'API_ERROR'));
  for (const bad of [{ clientSecret: '' }, { clientSecret: `${CLIENT_SECRET}\n` }, { environment: 'PROD' }, { clientSecret: 42 }]) {
    try {
      oneStoreClient(f, bad);
      assert.fail('accepted bad options');
    } catch (e) {
      assert.equal(e.code, 'INVALID_ARGUMENT');
      errors.push(e);
    }
  }
  const secrets = [CLIENT_SECRET, encodeURIComponent(CLIENT_SECRET), 'cs+/=secret', accessToken(1), accessToken(2)];
  for (const e of errors) {
    const text = `${e.message} ${String(e)} ${JSON.stringify(e.details ?? {})} ${e.stack ?? ''}`;
    for (const s of secrets) assert.ok(!text.includes(s), `${e.code} leaks ${s.slice(0, 12)}…: ${text.slice(0, 300)}`);
  }
  assert.equal(errors[0].details.errorMessage, 'denied for Bearer <redacted> token <redacted>');
  assert.equal(errors[1].details.errorCode, 'UnauthorizedAccess');
  assert.equal(errors[2].details.errorCode, 'invalid_client');
});

test('bad arguments are refused before anything is sent', async () => {
  const f = oneStoreFake([{ body: DETAILS }]);
  assert.throws(() => oneStoreClient(f, { packageName: 'x' }), (e) => e.code === 'INVALID_ARGUMENT' && /packageName/.test(e.message));
  assert.throws(() => oneStoreClient(f, { marketCode: 'MKT_STM' }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => oneStoreClient(f, { baseUrl: 'http://onestore.example' }), (e) => e.code === 'INVALID_ARGUMENT');
  const c = oneStoreClient(f);
  await rejects(c.getPurchaseDetails({ productId: 'gem.100' }), 'INVALID_ARGUMENT');
  await rejects(c.getPurchaseDetails({ ...ids, token: 'x' }), 'INVALID_ARGUMENT');
  await rejects(c.acknowledgePurchase({ ...ids, developerPayload: 'd'.repeat(201) }), 'INVALID_ARGUMENT');
  await rejects(c.deferSubscription(ids), 'INVALID_ARGUMENT');
  await rejects(c.getVoidedPurchases({ startTime: 'last week' }), 'INVALID_ARGUMENT');
  assert.equal(f.api.length, 0);
  // COMMERCIAL: days, 1 to 365.
  await rejects(oneStoreClient(f, { environment: 'COMMERCIAL' }).deferSubscription({ ...ids, deferPeriod: 366 }), 'INVALID_ARGUMENT');
  assert.equal(new iap.OneStoreClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, environment: 'COMMERCIAL', fetch: f.fetch, dangerouslyAllowBrowser: true }).baseUrl, 'https://iap-apis.onestore.net');
  assert.equal(new iap.OneStoreClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, environment: 'SANDBOX', fetch: f.fetch, dangerouslyAllowBrowser: true }).baseUrl, 'https://sbpp.onestore.net');
});

test('sans-I/O OneStoreApi: tokenRequest, parseToken, then any request and its parse', () => {
  const a = new iap.OneStoreApi({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, environment: 'SANDBOX', baseUrl: BASE_URL });
  assert.throws(() => a.getPurchaseDetailsRequest(ids), (e) => e.code === 'INVALID_ARGUMENT' && /tokenRequest/.test(e.message));
  const t = a.tokenRequest();
  assert.equal(t.url, `${BASE_URL}/v7/oauth/token`);
  assert.equal(new URLSearchParams(t.body).get('client_secret'), CLIENT_SECRET);
  const info = a.parseToken({ status: 200, body: JSON.stringify({ client_id: CLIENT_ID, access_token: 'sans-io-token', token_type: 'bearer', expires_in: 3010, scope: 'DEFAULT' }) });
  assert.deepEqual(Object.keys(info).sort(), ['expiresAtMs', 'expiresIn', 'tokenType']);
  assert.equal(info.expiresIn, 3010);
  assert.ok(!JSON.stringify(info).includes('sans-io-token'));
  assert.equal(a.getPurchaseDetailsRequest(ids).headers.Authorization, 'Bearer sans-io-token');
  assert.equal(a.parseGetPurchaseDetails({ status: 200, body: JSON.stringify(DETAILS) }, ids).purchaseTimeMs, T);
  assert.equal(a.parseConsumePurchase({ status: 200, body: JSON.stringify(SUCCESS.body) }), undefined);
});

test('confirmOneStoreSubscriptionNotification: decodes the SNS, reads getSubscriptionDetail for its product and token', async () => {
  const sns = { msgVersion: '3.1.0', clientId: CLIENT_ID, eventTimeMillis: T, subscriptionNotification: { version: '1', notificationType: 4, purchaseToken: 'SUBTOKEN1', productId: 'vip.monthly' }, environment: 'SANDBOX', marketCode: 'MKT_ONE' };
  const f = oneStoreFake([{ body: SUB }, oneStoreError(404, 'NoSuchData')]);
  const c = oneStoreClient(f);
  const { notification, subscription } = await iap.confirmOneStoreSubscriptionNotification(JSON.stringify(sns), c);
  assert.equal(notification.subscriptionNotification.notificationTypeName, 'SUBSCRIPTION_PURCHASED');
  assert.equal(subscription.expiryTimeMs, SUB.expiryTimeMillis);
  assert.equal(f.api[0].url, `${PREFIX}/purchases/subscription/products/vip.monthly/SUBTOKEN1`);
  // A message naming a purchase ONE store does not know: the lookup's error.
  const e = await rejects(iap.confirmOneStoreSubscriptionNotification(sns, c), 'API_ERROR');
  assert.equal(e.details.errorCode, 'NoSuchData');
  await rejects(iap.confirmOneStoreSubscriptionNotification(sns, {}), 'INVALID_ARGUMENT');
});

test('toPurchase of getPurchaseDetails and getSubscriptionDetail: the request names product and token, the acknowledgement deadline is 3 days', async () => {
  const f = oneStoreFake([{ body: DETAILS }, { body: { ...SUB, acknowledgementState: 0 } }, { body: { ...DETAILS, consumptionState: 1 } }]);
  const c = oneStoreClient(f);
  const p = iap.toPurchase(await c.getPurchaseDetails(ids));
  assert.equal(p.store, 'ONESTORE');
  assert.equal(p.productId, 'gem.100');
  assert.equal(p.purchaseToken, 'TOKEN3000000312345');
  assert.equal(p.transactionId, DETAILS.purchaseId);
  assert.equal(p.purchaseTime, T);
  assert.equal(p.environment, 'SANDBOX');
  assert.equal(p.purchaseType, 'TEST');
  assert.equal(p.needsAcknowledgement, true);
  assert.equal(p.acknowledgeBy, T + 3 * 86_400_000);
  const s = await c.getSubscriptionDetail({ productId: 'vip.monthly', purchaseToken: 'SUBTOKEN1' });
  const sp = iap.toPurchase(s);
  assert.equal(sp.productId, 'vip.monthly');
  assert.equal(sp.productType, 'AUTO_RENEWABLE');
  assert.equal(sp.expiresTime, SUB.expiryTimeMillis);
  assert.equal(sp.acknowledgeBy, T + 3 * 86_400_000);
  // Consumed counts as acknowledged.
  assert.equal(iap.toPurchase(await c.getPurchaseDetails(ids)).needsAcknowledgement, false);
  // A copy is not a verified value.
  assert.throws(() => iap.toPurchase({ ...s }), (e) => e.code === 'INVALID_ARGUMENT');
  // subscriptionStatus reads the detail by ONE store's state table.
  const st = iap.subscriptionStatus({ source: 'ONESTORE', subscription: s }, T + 86_400_000);
  assert.equal(st.status, 'ACTIVE');
  assert.equal(st.entitled, true);
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: { ...s, autoRenewing: false } }, T + 86_400_000).status, 'CANCELED');
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: { ...s, paymentState: 0 } }, T + 86_400_000).status, 'IN_GRACE_PERIOD');
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: { ...s, paymentState: 0 } }, T + 31 * 86_400_000).status, 'ON_HOLD');
  assert.equal(iap.subscriptionStatus({ source: 'ONESTORE', subscription: { ...s, autoRenewing: false, paymentState: null } }, T + 31 * 86_400_000).status, 'EXPIRED');
});
