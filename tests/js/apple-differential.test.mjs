// Node only: the same inputs through Apple's own library (the devDependency
// @apple/app-store-server-library, run, not copied) and through ours; the statuses must agree,
// except in the cases the README lists as deliberate. It checks the facts behind
// tests/js/apple-compat.test.mjs against the reference itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import apple from '@apple/app-store-server-library';
import * as iap from './load.mjs';
import { own, publicBytes, publicText } from './vectors.mjs';

const SIGNED = 1_717_243_200_000;
const pki = (name) => own(`testpki/${name}`);
const b64url = (t) => Buffer.from(t).toString('base64url');

function signed(payload, x5c = ['leaf-ec', 'int-ec', 'root-ec']) {
  const h = b64url(JSON.stringify({ alg: 'ES256', x5c: x5c.map((n) => pki(`${n}.der`).toString('base64')) }));
  const p = b64url(JSON.stringify(payload));
  const s = sign('sha256', Buffer.from(`${h}.${p}`), { key: pki('leaf-ec.pk8'), format: 'der', type: 'pkcs8', dsaEncoding: 'ieee-p1363' });
  return `${h}.${p}.${s.toString('base64url')}`;
}

async function status(fn) {
  try {
    await fn();
    return 'OK';
  } catch (e) {
    assert.equal(typeof e.status, 'number', `no status: ${e}`);
    return e.status;
  }
}

const tx = (extra = {}) => ({ bundleId: 'com.example', environment: 'Sandbox', signedDate: SIGNED, transactionId: '1', ...extra });
const testCa = publicBytes('apple-root-testCA-app-store-server-library.der');

test("Apple's library and ours give the same status for the same inputs", async () => {
  const cases = [
    [[testCa], 'Sandbox', 'Notification', publicText('apple-jws-testca-testNotification.jws')],
    [[testCa], 'Production', 'Notification', publicText('apple-jws-testca-testNotification.jws')],
    [[testCa], 'Production', 'Notification', publicText('apple-jws-testca-missingX5CHeaderClaim.jws')],
    [[testCa], 'Sandbox', 'Notification', publicText('apple-jws-testca-wrongBundleId.jws')],
    [[testCa], 'Sandbox', 'Transaction', publicText('apple-jws-testca-transactionInfo.jws')],
    [[testCa], 'Sandbox', 'RenewalInfo', publicText('apple-jws-testca-renewalInfo.jws')],
    [[testCa], 'Sandbox', 'Notification', 'a.b.c.d'],
    [[testCa], 'Sandbox', 'Notification', 'a.b.c'],
    [[], 'Sandbox', 'Notification', publicText('apple-jws-testca-testNotification.jws')],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx())],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx(), ['leaf-ec', 'int-ec-nooid', 'root-ec'])],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx(), ['leaf-ec-nooid', 'int-ec', 'root-ec'])],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx(), ['leaf-ec', 'int-ec-notca', 'root-ec'])],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx(), ['leaf-ec-expired', 'int-ec', 'root-ec'])],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx({ signedDate: Date.UTC(2046, 0, 1) }))],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx(), ['leaf-ec', 'int-ec'])],
    [[pki('root2-ec.der')], 'Sandbox', 'Transaction', signed(tx())],
    [[pki('root-ec.der')], 'Sandbox', 'Transaction', signed(tx({ bundleId: 'com.other' }))],
    [[pki('root-ec.der')], 'Production', 'Transaction', signed(tx())],
    [[pki('root-ec.der')], 'Sandbox', 'RealtimeRequest', signed({ appAppleId: 1, environment: 'Sandbox', signedDate: SIGNED, originalTransactionId: '1', productId: 'p', userLocale: 'en-US', requestIdentifier: 'r' })],
    [[pki('root-ec.der')], 'Production', 'RealtimeRequest', signed({ appAppleId: 1, environment: 'Production', signedDate: SIGNED, originalTransactionId: '1', productId: 'p', userLocale: 'en-US', requestIdentifier: 'r' })],
  ];
  for (const [roots, env, kind, jws] of cases) {
    const theirs = await status(() => new apple.SignedDataVerifier(roots, false, env, 'com.example', 1234)[`verifyAndDecode${kind}`](jws));
    const ours = await status(() => new iap.SignedDataVerifier(roots.map((r) => new Uint8Array(r)), false, env, 'com.example', 1234)[`verifyAndDecode${kind}`](jws));
    assert.equal(ours, theirs, `${kind} ${env}: ours ${iap.VerificationStatus[ours] ?? ours}, Apple's ${apple.VerificationStatus[theirs] ?? theirs}`);
  }
  assert.deepEqual(Object.entries(iap.VerificationStatus).filter(([k]) => Number.isNaN(Number(k))), Object.entries(apple.VerificationStatus).filter(([k]) => Number.isNaN(Number(k))));
});

test("AppStoreServerAPIClient: every method of Apple's client exists here and sends the same request", async () => {
  const pem = `-----BEGIN PRIVATE KEY-----\n${pki('leaf-ec.pk8').toString('base64')}\n-----END PRIVATE KEY-----\n`;
  const args = ['KEY123', 'issuer-1', 'com.example.app'];
  const theirs = new apple.AppStoreServerAPIClient(pem, ...args, apple.Environment.SANDBOX);
  const sent = { apple: [], ours: [] };
  // Apple's transport is a method of the client: recorded here instead of sending.
  theirs.makeFetchRequest = async (path, query, method, body, headers) => {
    sent.apple.push({ method, url: `${path}${String(query) ? `?${query}` : ''}`, body: body === undefined ? undefined : Buffer.from(body).toString('base64'), type: headers['Content-Type'] });
    return { ok: true, status: 200, json: async () => ({}) };
  };
  const ours = new iap.AppStoreServerAPIClient(pem, ...args, 'Sandbox', {
    rootCertificates: [new Uint8Array(pki('root-ec.der'))],
    fetch: async (url, init) => {
      const u = new URL(url);
      const body = init.body === undefined ? undefined : Buffer.from(init.body).toString('base64');
      sent.ours.push({ method: init.method, url: `${u.pathname}${u.search}`, body, type: init.headers['Content-Type'] });
      return new Response('{}', { status: 200 });
    },
  });
  const id = 'a1b2c3d4-0000-4000-8000-000000000001';
  const calls = {
    getTransactionInfo: ['2000000012345678'],
    getTransactionHistory: ['7', 'rev', { startDate: 1, endDate: 2, productIds: ['a', 'b'], productTypes: ['CONSUMABLE'], sort: 'DESCENDING', revoked: false, inAppOwnershipType: 'PURCHASED', subscriptionGroupIdentifiers: ['g'] }, 'v2'],
    getAllSubscriptionStatuses: ['7', [1, 4]],
    lookUpOrderId: ['MK5TTTVWJH'],
    getRefundHistory: ['7', 'rev'],
    sendConsumptionData: ['7', { customerConsented: true, consumptionStatus: 1 }],
    sendConsumptionInformation: ['7', { customerConsented: true, deliveryStatus: 'DELIVERED', sampleContentProvided: false }],
    extendSubscriptionRenewalDate: ['8', { extendByDays: 3, extendReasonCode: 1, requestIdentifier: 'x' }],
    extendRenewalDateForAllActiveSubscribers: [{ extendByDays: 1, extendReasonCode: 1, requestIdentifier: 'y', productId: 'p' }],
    getStatusOfSubscriptionRenewalDateExtensions: ['y', 'p'],
    getNotificationHistory: ['tok', { startDate: 1, endDate: 2, onlyFailures: true }],
    requestTestNotification: [],
    getTestNotificationStatus: ['tok'],
    setAppAccountToken: ['8', { appAccountToken: id }],
    getAppTransactionInfo: ['7'],
    finishTransaction: ['7'],
    uploadImage: [id, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2]), 'BULLET_POINT'],
    deleteImage: [id],
    getImageList: [],
    uploadMessage: [id, { header: 'h', body: 'b', image: { imageIdentifier: id, altText: 'alt' } }],
    deleteMessage: [id],
    getMessageList: [],
    configureDefaultMessage: ['gold.month', 'en-US', { messageIdentifier: id }],
    deleteDefaultMessage: ['gold.month', 'en-US'],
    getDefaultMessage: ['gold.month', 'en-US'],
    configureRealtimeURL: [{ realtimeURL: 'https://example.com/r' }],
    deleteRealtimeURL: [],
    getRealtimeURL: [],
    initiatePerformanceTest: [{ originalTransactionId: '7' }],
    getPerformanceTestResults: ['run-1'],
  };
  const methods = Object.getOwnPropertyNames(apple.AppStoreServerAPIClient.prototype).filter(
    (m) => !['constructor', 'makeRequest', 'makeFetchRequest', 'createBearerToken'].includes(m),
  );
  assert.deepEqual(methods.filter((m) => !(m in calls)), [], 'a method of Apple\'s client this test does not call');
  for (const m of methods) {
    assert.equal(typeof ours[m], 'function', `ours has no ${m}`);
    // Apple's validators refuse some empty answers; only the request matters here.
    await theirs[m](...calls[m]).catch(() => {});
    await ours[m](...calls[m]).catch((e) => assert.fail(`${m}: ${e.code} ${e.message}`));
    assert.deepEqual(sent.ours.at(-1), sent.apple.at(-1), m);
  }
  assert.deepEqual([sent.ours.length, sent.apple.length], [methods.length, methods.length]);
});

test("AppStoreServerAPIClient: the same hosts as Apple's client (Apple's domain change of 2026-05-05)", () => {
  const pem = `-----BEGIN PRIVATE KEY-----\n${pki('leaf-ec.pk8').toString('base64')}\n-----END PRIVATE KEY-----\n`;
  for (const env of ['Production', 'Sandbox']) {
    const theirs = new apple.AppStoreServerAPIClient(pem, 'K', 'I', 'com.example.app', env, 1234);
    const ours = new iap.AppStoreServerAPIClient(pem, 'K', 'I', 'com.example.app', env, { appAppleId: 1234 });
    assert.equal(ours.baseUrl, theirs.urlBase, env);
  }
  assert.equal(apple.AppStoreServerAPIClient.PRODUCTION_URL, 'https://api.storekit.apple.com');
});
