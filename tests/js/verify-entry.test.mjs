// iap-verify/verify, the module for the edge, beside the full package: what it exports, that it
// answers exactly as the full module does, and what it refuses. (The portable test files marked
// `// runtimes: also iap-verify/verify` run against it in every runtime: tests/runtimes/run.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as full from '../../pkg/node.mjs';
import * as edge from '../../pkg/verify/node.mjs';
import { IapError } from '../../pkg/src/error.js';
import { own, ownText, publicText } from './vectors.mjs';

const VERIFY_ONLY = [
  'GoogleVerifier', 'verifyGooglePurchase', 'OneStoreVerifier', 'verifyOneStorePurchase',
  'AppReceiptVerifier', 'verifyAppReceipt', 'extractTransactionIdFromAppReceipt', 'extractTransactionIdFromTransactionReceipt',
  'SignedDataVerifier', 'Environment', 'toPurchase', 'subscriptionStatus', 'decodeGoogleNotification',
  'IapError', 'VerificationException', 'VerificationStatus', 'verificationStatusOf',
];
const NOT_AT_THE_EDGE = [
  'AppStoreServerApi', 'AppStoreServerAPIClient', 'GooglePlayApi', 'GooglePlayClient', 'IapApi', 'IapClient',
  'GamebaseApi', 'GamebaseClient', 'PaymentFlow', 'runPayment', 'createMemoryFlowStore', 'verifyPubSubPush',
];

test('iap-verify/verify exports the verifiers and nothing of the clients, OCSP, Pub/Sub or the flow', () => {
  const names = Object.keys(edge).filter((n) => !n.startsWith('__'));
  for (const n of VERIFY_ONLY) assert.ok(names.includes(n), `missing ${n}`);
  for (const n of NOT_AT_THE_EDGE) assert.equal(edge[n], undefined, `${n} should not be at the edge`);
  for (const n of names) assert.ok(n in full, `${n} is not in the full package`);
  // The two entries share the error classes: one catch block serves both.
  assert.equal(edge.IapError, IapError);
  assert.equal(edge.IapError, full.IapError);
  assert.equal(edge.VerificationException, full.VerificationException);
});

test('the same inputs give the same results in both modules', () => {
  const key = ownText('google/test-key-2048.pub');
  const data = own('google/consumable.json');
  const sig = ownText('google/consumable.sig').trim();
  const g = [full, edge].map((m) => m.verifyGooglePurchase(data, sig, key));
  assert.deepEqual(g[1], g[0]);
  assert.deepEqual(edge.toPurchase(g[1]), full.toPurchase(g[0]));

  const receipt = publicText('apple-receipt-tpinapp-sandbox-g5.b64');
  const now = Date.UTC(2024, 0, 1);
  assert.deepEqual(edge.verifyAppReceipt(receipt, { now }), full.verifyAppReceipt(receipt, { now }));

  const note = publicText('apple-jws-aporat-notification-test-sandbox.jws');
  const [nf, ne] = [full, edge].map((m) => new m.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities').verifyAndDecodeNotification(note));
  assert.equal(ne.notificationType, 'TEST');
  assert.deepEqual(ne, nf);

  const push = readFileSync(new URL('../vectors/rtdn/subscription-renewed.json', import.meta.url), 'utf8');
  const [rf, re] = [full, edge].map((m) => m.decodeGoogleNotification(push));
  assert.deepEqual(re, rf);
  const input = { source: 'GOOGLE_RTDN', notification: re, purchase: { expiryTimeMillis: '1700000000000', autoRenewing: true, paymentState: 1 } };
  assert.deepEqual(edge.subscriptionStatus(input, 1600000000000), full.subscriptionStatus(input, 1600000000000));
});

test('the async verifiers answer the same at the edge', async () => {
  const key = ownText('google/test-key-2048.pub');
  const data = ownText('google/consumable.json');
  const sig = ownText('google/consumable.sig').trim();
  const v = new edge.GoogleVerifier(key);
  assert.deepEqual(await v.verifyAsync(data, sig), v.verify(data, sig));
  const forged = data.replace('gem_pack_100', 'gem_pack_999');
  await assert.rejects(v.verifyAsync(forged, sig), (e) => e instanceof IapError && e.code === 'INVALID_SIGNATURE');
});

test('a module takes back only what it verified itself; online checks are the full module\'s', () => {
  const key = ownText('google/test-key-2048.pub');
  const fromFull = full.verifyGooglePurchase(own('google/consumable.json'), ownText('google/consumable.sig').trim(), key);
  assert.throws(() => edge.toPurchase(fromFull), (e) => e instanceof IapError && e.code === 'INVALID_ARGUMENT');
  assert.throws(
    () => new edge.SignedDataVerifier(null, true, 'Sandbox', 'com.example'),
    (e) => e instanceof IapError && e.code === 'INVALID_ARGUMENT' && /import 'iap-verify'/.test(e.message),
  );
  assert.throws(
    () => new edge.SignedDataVerifier(null, false, 'Sandbox', 'com.example', undefined, { timeoutMs: 5 }),
    (e) => e instanceof IapError && e.code === 'INVALID_ARGUMENT',
  );
  // Offline, the edge verifier works as the full one does.
  assert.equal(new edge.SignedDataVerifier(null, false, 'Sandbox', 'com.example').verifyAndDecodeRenewalInfo !== undefined, true);
});
