// AppStoreServerAPIClient against an in-test fake of the App Store Server API: each request (URL,
// method, headers, the bearer token's claims and signature, body), signed answers verified and
// decoded, pagination, Apple's errors, retries, the sandbox fallback, and no secret in any error.
// Signed data is made with the test PKI through WebCrypto (./app-store-fake.mjs), so the file runs
// in every runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { rejectsCode as rejects } from './rejects.mjs';
import { PEM, ROOT, SIGNED, b64, client, fake, fromB64url, jws, leafKey, signingKey, subtle, tx } from './app-store-fake.mjs';


test('getTransactionInfo: the request, the ES256 bearer token, the answer verified and decoded', async () => {
  const signed = await tx('2000000001');
  const f = fake({ body: { signedTransactionInfo: signed } }, { body: { signedTransactionInfo: signed } });
  const c = client(f);
  const r = await c.getTransactionInfo('2000000001');
  assert.equal(r.signedTransactionInfo, signed);
  assert.equal(r.decodedTransactionInfo.transactionId, '2000000001');
  assert.equal(r.decodedTransactionInfo.productId, 'gems');

  const [req] = f.sent;
  assert.equal(req.url, 'https://apple.test/inApps/v1/transactions/2000000001');
  assert.equal(req.method, 'GET');
  assert.equal(req.headers.Accept, 'application/json');
  assert.equal(req.body, undefined);
  const token = req.headers.Authorization.replace(/^Bearer /, '');
  const [h, p, s] = token.split('.');
  assert.deepEqual(JSON.parse(new TextDecoder().decode(fromB64url(h))), { alg: 'ES256', kid: 'KEY123', typ: 'JWT' });
  const claims = JSON.parse(new TextDecoder().decode(fromB64url(p)));
  assert.deepEqual(Object.keys(claims), ['iss', 'iat', 'exp', 'aud', 'bid']);
  assert.equal(claims.iss, 'issuer-1');
  assert.equal(claims.aud, 'appstoreconnect-v1');
  assert.equal(claims.bid, 'com.example.app');
  assert.ok(Math.abs(claims.iat * 1000 - Date.now()) < 60_000);
  assert.ok(claims.exp > claims.iat && claims.exp - claims.iat <= 3600);
  // Signed by the .p8 key: verified with its public half.
  const jwk = await subtle.exportKey('jwk', await signingKey);
  const pub = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  assert.ok(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub, fromB64url(s), new TextEncoder().encode(`${h}.${p}`)));

  // The token is reused by the next call.
  await c.getTransactionInfo('2000000001');
  assert.equal(f.sent[1].headers.Authorization, req.headers.Authorization);
});

test('history: positional arguments, the request spread into the query, and every page', async () => {
  const page = async (rev, more, ...ids) => ({ body: { revision: rev, hasMore: more, bundleId: 'com.example.app', signedTransactions: await Promise.all(ids.map((i) => tx(i))) } });
  const f = fake(await page('r1', true, '1', '2'), await page('r2', true, '3'), await page('r3', false, '4'));
  const c = client(f);
  const seen = [];
  for await (const p of c.getTransactionHistoryPages('1', null, { productTypes: ['CONSUMABLE', 'NON_CONSUMABLE'], revoked: false, sort: 'ASCENDING' }, 'v2')) {
    seen.push(...p.decodedTransactions.map((t) => t.transactionId));
  }
  assert.deepEqual(seen, ['1', '2', '3', '4']);
  assert.equal(f.sent.length, 3);
  assert.equal(f.sent[0].url, 'https://apple.test/inApps/v2/history/1?productType=CONSUMABLE&productType=NON_CONSUMABLE&sort=ASCENDING&revoked=false');
  assert.deepEqual(f.sent.map((r) => r.query.get('revision')), [null, 'r1', 'r2']);

  // A page that says hasMore without a new revision would loop forever: an error instead.
  const stuck = fake(await page('r1', true, '1'), await page('r1', true, '2'));
  const it = client(stuck).getRefundHistoryPages('1');
  assert.equal((await it.next()).value.revision, 'r1');
  assert.equal((await it.next()).value.revision, 'r1');
  await rejects(it.next(), 'MALFORMED_INPUT');
  assert.equal(stuck.sent.length, 2);

  // Notification history pages on paginationToken, with a body.
  const note = await jws({ notificationType: 'TEST', notificationUUID: 'u', signedDate: SIGNED, data: { bundleId: 'com.example.app', environment: 'Sandbox' } });
  const n = fake({ body: { notificationHistory: [{ signedPayload: note, sendAttempts: [] }], hasMore: true, paginationToken: 'p2' } }, { body: { notificationHistory: [], hasMore: false } });
  const pages = [];
  for await (const p of client(n).getNotificationHistoryPages(null, { startDate: 1, endDate: 2 })) pages.push(p);
  assert.equal(pages[0].notificationHistory[0].decodedPayload.notificationType, 'TEST');
  assert.deepEqual(JSON.parse(n.sent[0].body), { startDate: 1, endDate: 2 });
  assert.equal(n.sent[0].headers['Content-Type'], 'application/json');
  assert.equal(n.sent[1].query.get('paginationToken'), 'p2');
});

test('every method builds the request Apple documents', async () => {
  const f = fake(...Array.from({ length: 12 }, () => ({ status: 200, body: {} })));
  const c = client(f);
  await c.getAllSubscriptionStatuses('7', [1, 2]);
  await c.lookUpOrderId('MK5TTTVWJH');
  await c.getRefundHistory('7', 'rev');
  await c.sendConsumptionData('7', { customerConsented: true, consumptionStatus: 1 });
  await c.sendConsumptionInformation('7', { customerConsented: true, deliveryStatus: 'DELIVERED', sampleContentProvided: false });
  await c.extendSubscriptionRenewalDate('8', { extendByDays: 3, extendReasonCode: 1, requestIdentifier: 'x' });
  await c.extendRenewalDateForAllActiveSubscribers({ extendByDays: 1, extendReasonCode: 1, requestIdentifier: 'y', productId: 'p' });
  await c.getStatusOfSubscriptionRenewalDateExtensions('y', 'p');
  await c.requestTestNotification();
  await c.getTestNotificationStatus('tok');
  await c.setAppAccountToken('8', { appAccountToken: '7e3fb20b-4cdb-47cc-936d-99d65f608138' });
  await c.getAppTransactionInfo('7');
  assert.deepEqual(
    f.sent.map((r) => `${r.method} ${r.url.replace('https://apple.test', '')}`),
    [
      'GET /inApps/v1/subscriptions/7?status=1&status=2',
      'GET /inApps/v1/lookup/MK5TTTVWJH',
      'GET /inApps/v2/refund/lookup/7?revision=rev',
      'PUT /inApps/v1/transactions/consumption/7',
      'PUT /inApps/v2/transactions/consumption/7',
      'PUT /inApps/v1/subscriptions/extend/8',
      'POST /inApps/v1/subscriptions/extend/mass',
      'GET /inApps/v1/subscriptions/extend/mass/p/y',
      'POST /inApps/v1/notifications/test',
      'GET /inApps/v1/notifications/test/tok',
      'PUT /inApps/v1/transactions/8/appAccountToken',
      'GET /inApps/v1/transactions/appTransactions/7',
    ],
  );
  assert.deepEqual(JSON.parse(f.sent[5].body), { extendByDays: 3, extendReasonCode: 1, requestIdentifier: 'x' });
  assert.equal(f.sent[8].body, undefined);
  // An empty 202 answer resolves with nothing.
  const put = fake({ status: 202 });
  assert.equal(await client(put).setAppAccountToken('8', { appAccountToken: 'a' }), undefined);
});

test('retention messaging and finishTransaction: Apple 3.x names, the image sent as its own bytes', async () => {
  const id = 'a1b2c3d4-0000-4000-8000-000000000001';
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const lists = {
    'GET /inApps/v1/messaging/image/list': { imageIdentifiers: [{ imageIdentifier: id, imageState: 'APPROVED', imageSize: 'FULL_SIZE' }] },
    'GET /inApps/v1/messaging/message/list': { messageIdentifiers: [{ messageIdentifier: id, messageState: 'PENDING_REVIEW' }] },
    'GET /inApps/v1/messaging/default/gold.month/en-US': { messageIdentifier: id },
    'GET /inApps/v1/messaging/realtime/url': { realtimeURL: 'https://example.com/retention' },
    'POST /inApps/v1/messaging/performanceTest': { requestId: 'run-1', config: { totalRequests: 10 } },
    'GET /inApps/v1/messaging/performanceTest/result/run-1': { result: 'PASS', successRate: 100 },
  };
  const answer = (r) => ({ status: 200, body: lists[`${r.method} ${r.path}`] ?? '' });
  const f = fake(...Array.from({ length: 15 }, () => answer));
  const c = client(f);
  assert.equal(await c.uploadImage(id, png, 'FULL_SIZE'), undefined);
  await c.uploadImage(id, png.buffer);
  assert.deepEqual(await c.getImageList(), lists['GET /inApps/v1/messaging/image/list']);
  await c.deleteImage(id);
  await c.uploadMessage(id, { header: 'Stay', body: '50% off', image: { imageIdentifier: id, altText: 'a gem' } });
  assert.deepEqual(await c.getMessageList(), lists['GET /inApps/v1/messaging/message/list']);
  await c.deleteMessage(id);
  await c.configureDefaultMessage('gold.month', 'en-US', { messageIdentifier: id });
  assert.deepEqual(await c.getDefaultMessage('gold.month', 'en-US'), { messageIdentifier: id });
  await c.deleteDefaultMessage('gold.month', 'en-US');
  await c.configureRealtimeURL({ realtimeURL: 'https://example.com/retention' });
  assert.deepEqual(await c.getRealtimeURL(), { realtimeURL: 'https://example.com/retention' });
  await c.deleteRealtimeURL();
  assert.equal((await c.initiatePerformanceTest({ originalTransactionId: '1' })).requestId, 'run-1');
  assert.equal((await c.getPerformanceTestResults('run-1')).result, 'PASS');
  assert.deepEqual(
    f.sent.map((r) => `${r.method} ${r.url.replace('https://apple.test', '')}`),
    [
      `PUT /inApps/v1/messaging/image/${id}?imageSize=FULL_SIZE`,
      `PUT /inApps/v1/messaging/image/${id}`,
      'GET /inApps/v1/messaging/image/list',
      `DELETE /inApps/v1/messaging/image/${id}`,
      `PUT /inApps/v1/messaging/message/${id}`,
      'GET /inApps/v1/messaging/message/list',
      `DELETE /inApps/v1/messaging/message/${id}`,
      'PUT /inApps/v1/messaging/default/gold.month/en-US',
      'GET /inApps/v1/messaging/default/gold.month/en-US',
      'DELETE /inApps/v1/messaging/default/gold.month/en-US',
      'PUT /inApps/v1/messaging/realtime/url',
      'GET /inApps/v1/messaging/realtime/url',
      'DELETE /inApps/v1/messaging/realtime/url',
      'POST /inApps/v1/messaging/performanceTest',
      'GET /inApps/v1/messaging/performanceTest/result/run-1',
    ],
  );
  // The image goes as its bytes, typed image/png; every request carries the bearer token.
  const [upload, fromBuffer] = f.sent;
  assert.equal(upload.headers['Content-Type'] ?? upload.headers['content-type'], 'image/png');
  assert.deepEqual([...upload.body], [...png]);
  assert.deepEqual([...fromBuffer.body], [...png]);
  assert.ok(f.sent.every((r) => /^Bearer ey/.test(r.headers.Authorization ?? r.headers.authorization)));
  assert.deepEqual(JSON.parse(f.sent[4].body), { header: 'Stay', body: '50% off', image: { imageIdentifier: id, altText: 'a gem' } });
  assert.deepEqual(JSON.parse(f.sent[7].body), { messageIdentifier: id });
  assert.equal(f.sent[12].body, undefined);

  // No bytes, empty bytes or a string: refused before anything is sent.
  const none = fake();
  for (const image of [undefined, new Uint8Array(0), 'iVBORw0KGgo=', [1, 2]]) {
    const e = await rejects(client(none).uploadImage(id, image), 'INVALID_ARGUMENT');
    assert.match(e.message, /image/);
  }
  assert.equal(none.sent.length, 0);

  // Mutations are sent once, even on a retryable error; finishTransaction is one of them.
  const busy = fake({ status: 500, body: { errorCode: 5000001, errorMessage: 'x' } });
  await rejects(client(busy).finishTransaction('2000000012345678'), 'API_ERROR');
  assert.deepEqual(busy.sent.map((r) => `${r.method} ${r.path}`), ['POST /inApps/v1/transactions/2000000012345678/finish']);
  const e = await rejects(client(fake({ status: 409, body: { errorCode: 4090000, errorMessage: 'exists' } })).uploadImage(id, png), 'API_ERROR');
  assert.deepEqual([e.details.errorCode, e.details.errorName], [4090000, 'IMAGE_ALREADY_EXISTS']);
});

test("Apple's errors: code and name, Retry-After, what is retried and what is not", async () => {
  const e = await rejects(client(fake({ status: 404, body: { errorCode: 4040010, errorMessage: 'Transaction id not found.' } })).getTransactionInfo('9'), 'API_ERROR');
  assert.deepEqual([e.details.status, e.details.errorCode, e.details.errorName, e.retryable], [404, 4040010, 'TRANSACTION_ID_NOT_FOUND', false]);
  assert.ok(!e.message.includes('not found.'), 'the store text is in details only');

  // 429 with Retry-After: waited for, then retried.
  const signed = await tx('5');
  const limited = fake({ status: 429, headers: { 'retry-after': '0' }, body: { errorCode: 4290000 } }, { body: { signedTransactionInfo: signed } });
  assert.equal((await client(limited).getTransactionInfo('5')).decodedTransactionInfo.transactionId, '5');
  assert.equal(limited.sent.length, 2);
  // One that asks for more than a minute is the caller's to wait for.
  const long = fake({ status: 429, headers: { 'retry-after': '3600' }, body: { errorCode: 4290000 } });
  const slow = await rejects(client(long).getTransactionInfo('5'), 'API_ERROR');
  assert.equal(slow.details.retryAfterMs, 3_600_000);
  assert.equal(long.sent.length, 1);
  // 401 is not retried; a 5xx read is; a mutation never is.
  const auth = fake({ status: 401 }, { status: 401 });
  await rejects(client(auth).getTransactionInfo('5'), 'API_ERROR');
  assert.equal(auth.sent.length, 1);
  const flaky = fake({ status: 503 }, { body: { signedTransactionInfo: signed } });
  await client(flaky).getTransactionInfo('5');
  assert.equal(flaky.sent.length, 2);
  const put = fake({ status: 503 }, { status: 202 });
  await rejects(client(put).sendConsumptionData('5', { customerConsented: true }), 'API_ERROR');
  assert.equal(put.sent.length, 1);
  // A timeout is a TIMEOUT.
  const hang = { fetch: (url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))) };
  await rejects(client(hang, 'Sandbox', { timeoutMs: 20, retries: 0 }).getTransactionInfo('5'), 'TIMEOUT');
});

test('signed data that does not verify fails the whole answer', async () => {
  const good = await tx('1');
  // The signature's first character changed: any base64url letter is valid there (the last one
  // carries padding bits, so changing it may make the text malformed rather than the signature wrong).
  const at = good.lastIndexOf('.') + 1;
  const forged = good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1);
  const other = await jws({ transactionId: '3', bundleId: 'com.other', environment: 'Sandbox', signedDate: SIGNED });
  for (const [bad, code] of [[forged, 'INVALID_SIGNATURE'], [other, 'INVALID_APP_IDENTIFIER'], [await tx('4', 'Production'), 'INVALID_ENVIRONMENT']]) {
    await rejects(client(fake({ body: { signedTransactions: [good, bad], hasMore: false } })).getRefundHistory('1'), code);
  }
  // Data signed by a root the client was not given.
  const apple = new iap.AppStoreServerAPIClient(PEM, 'K', 'I', 'com.example.app', 'Sandbox', { baseUrl: 'https://apple.test', fetch: fake({ body: { signedTransactionInfo: good } }).fetch });
  await rejects(apple.getTransactionInfo('1'), 'INVALID_CHAIN');
});

test('production to sandbox: only when asked, only for a transaction id not found', async () => {
  const sandboxSigned = await tx('77');
  const notFound = { status: 404, body: { errorCode: 4040010, errorMessage: 'Transaction id not found.' } };
  const f = fake(notFound, { body: { signedTransactionInfo: sandboxSigned } });
  const c = client(f, 'Production', { fallbackToSandbox: true, sandboxBaseUrl: 'https://sandbox.test' });
  const r = await c.getTransactionInfo('77');
  assert.equal(r.decodedTransactionInfo.environment, 'Sandbox');
  assert.deepEqual(f.sent.map((q) => new URL(q.url).host), ['apple.test', 'sandbox.test']);
  // Without the option the error stands; other errors never fall back.
  const plain = fake(notFound);
  await rejects(client(plain, 'Production').getTransactionInfo('77'), 'API_ERROR');
  assert.equal(plain.sent.length, 1);
  const other = fake({ status: 404, body: { errorCode: 4040005 } });
  await rejects(client(other, 'Production', { fallbackToSandbox: true }).getTransactionInfo('77'), 'API_ERROR');
  assert.equal(other.sent.length, 1);
});

test('arguments: each missing or wrong one is INVALID_ARGUMENT naming it; no secret in any error', async () => {
  const f = fake();
  const cases = [
    () => new iap.AppStoreServerAPIClient(PEM, undefined, 'I', 'b', 'Sandbox', { fetch: f.fetch }),
    () => new iap.AppStoreServerAPIClient(PEM, 'K', 'I', 'b', 'Xcode', { fetch: f.fetch }),
    () => new iap.AppStoreServerAPIClient('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', 'K', 'I', 'b', 'Sandbox', { fetch: f.fetch }),
    () => new iap.AppStoreServerAPIClient(PEM, 'K', 'I', 'b', 'Sandbox', { fetch: f.fetch, typo: 1 }),
    () => new iap.AppStoreServerAPIClient(PEM, 'K', 'I', 'b', 'Production', { fetch: f.fetch, appAppleId: 'x' }),
  ];
  const names = [/keyId/, /Xcode/, /signingKey/, /typo/, /appAppleId/];
  // (Production without appAppleId is Apple's own call: accepted, see the test below.)
  cases.forEach((make, i) => {
    assert.throws(make, (e) => e instanceof iap.IapError && ['INVALID_ARGUMENT', 'MALFORMED_INPUT'].includes(e.code) && names[i].test(e.message), String(i));
  });
  await rejects(client(f).getTransactionInfo(), 'INVALID_ARGUMENT');
  await rejects(client(f).getTransactionInfo(7), 'INVALID_ARGUMENT');
  assert.equal(f.sent.length, 0, 'nothing sent for a bad argument');

  // Errors of every kind carry neither the key nor the token.
  const leaky = fake({ status: 401, body: { errorCode: 4010000, errorMessage: 'bad token' } }, () => {
    throw new Error('socket hang up');
  });
  const c = client(leaky, 'Sandbox', { retries: 0 });
  const errors = [await rejects(c.getTransactionInfo('1'), 'API_ERROR'), await rejects(c.getTransactionInfo('1'), 'NETWORK_ERROR')];
  const token = leaky.sent[0].headers.Authorization.slice(7);
  for (const e of errors) {
    const all = `${e.message} ${JSON.stringify(e.details)} ${e.stack}`;
    for (const secret of [token, token.split('.')[2], b64(leafKey).slice(0, 40), 'PRIVATE KEY']) assert.ok(!all.includes(secret), all);
  }
});

test("Apple's five-argument constructor in Production: no appAppleId needed; without one, all but the app Apple id is checked", async () => {
  // Apple's own call has no sixth argument; the options here only point it at the fake and the test root.
  assert.equal(new iap.AppStoreServerAPIClient(PEM, 'K', 'I', 'com.example.app', iap.Environment.PRODUCTION).baseUrl, 'https://api.storekit.apple.com');
  const note = (appAppleId, bundleId = 'com.example.app') =>
    jws({ notificationType: 'TEST', notificationUUID: 'u', signedDate: SIGNED, data: { bundleId, appAppleId, environment: 'Production' } });
  const prod = (f, extra = {}) => new iap.AppStoreServerAPIClient(PEM, 'K', 'I', 'com.example.app', 'Production', { baseUrl: 'https://apple.test', fetch: f.fetch, rootCertificates: [ROOT], ...extra });
  const answer = async (appAppleId, bundleId) => ({ body: { signedPayload: await note(appAppleId, bundleId), firstSendAttemptResult: 'SUCCESS' } });
  // Without an appAppleId: any app Apple id in the data passes; bundle id, environment and chain do not.
  const r = await prod(fake(await answer(999))).getTestNotificationStatus('t');
  assert.equal(r.decodedPayload.data.appAppleId, 999);
  await rejects(prod(fake(await answer(999, 'com.other'))).getTestNotificationStatus('t'), 'INVALID_APP_IDENTIFIER');
  await rejects(prod(fake({ body: { signedTransactionInfo: await tx('1', 'Sandbox') } })).getTransactionInfo('1'), 'INVALID_ENVIRONMENT');
  assert.equal((await prod(fake({ body: { signedTransactionInfo: await tx('1', 'Production') } })).getTransactionInfo('1')).decodedTransactionInfo.environment, 'Production');
  // With one, it is compared too.
  await rejects(prod(fake(await answer(999)), { appAppleId: 42 }).getTestNotificationStatus('t'), 'INVALID_APP_IDENTIFIER');
  assert.equal((await prod(fake(await answer(42)), { appAppleId: 42 }).getTestNotificationStatus('t')).decodedPayload.data.appAppleId, 42);
  // Apple's SignedDataVerifier still requires it for Production, as Apple's does.
  assert.throws(() => new iap.SignedDataVerifier(null, false, 'Production', 'com.example.app'), (e) => e.code === 'INVALID_ARGUMENT');
});
