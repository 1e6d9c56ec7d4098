// Node only: the same inputs through Apple's own library (the devDependency
// @apple/app-store-server-library, run, not copied) and through ours; the statuses must agree,
// except in the cases the README lists as deliberate. It checks the facts behind
// tests/js/apple-compat.test.mjs against the reference itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import apple from '@apple/app-store-server-library';
import * as iap from './load.mjs';
import { own, shared, sharedText } from './vectors.mjs';

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
const testCa = shared('apple-root-testCA-app-store-server-library.der');

test("Apple's library and ours give the same status for the same inputs", async () => {
  const cases = [
    [[testCa], 'Sandbox', 'Notification', sharedText('apple-jws-testca-testNotification.jws')],
    [[testCa], 'Production', 'Notification', sharedText('apple-jws-testca-testNotification.jws')],
    [[testCa], 'Production', 'Notification', sharedText('apple-jws-testca-missingX5CHeaderClaim.jws')],
    [[testCa], 'Sandbox', 'Notification', sharedText('apple-jws-testca-wrongBundleId.jws')],
    [[testCa], 'Sandbox', 'Transaction', sharedText('apple-jws-testca-transactionInfo.jws')],
    [[testCa], 'Sandbox', 'RenewalInfo', sharedText('apple-jws-testca-renewalInfo.jws')],
    [[testCa], 'Sandbox', 'Notification', 'a.b.c.d'],
    [[testCa], 'Sandbox', 'Notification', 'a.b.c'],
    [[], 'Sandbox', 'Notification', sharedText('apple-jws-testca-testNotification.jws')],
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
