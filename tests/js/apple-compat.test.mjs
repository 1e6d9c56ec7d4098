// runtimes: also iap-verify/verify
// Apple compatibility: the behaviours of the unit tests of Apple's own library
// (@apple/app-store-server-library 3.1.0, dist/tests/unit-tests/jws_verification.test.js and
// receipt_utility.test.js, plus DecodedRealtimeRequestBody.test.js for the Retention Messaging
// method) as facts: the inputs, rebuilt from tests/vectors/public (Apple's test-CA and Xcode files,
// see its SOURCES.md) or signed here with the project's test PKI (tests/pki/gen.sh), and Apple's
// expected verdict, checked as our `code` and Apple's `status`. No code of Apple's is used. Cases
// where we deliberately differ are the tests named "differs from Apple: ...", each saying why.
// Signing uses WebCrypto, so the file runs in every runtime (tests/runtimes/run.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { own, publicBytes, publicText } from './vectors.mjs';

const { SignedDataVerifier, VerificationException, VerificationStatus: S, IapError } = iap;
const SIGNED = 1_717_243_200_000; // 2024-06-01, inside the test PKI's validity (2020 to 2045)

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const b64url = (text) => Buffer.from(text).toString('base64url');
const pki = (name) => new Uint8Array(own(`testpki/${name}`));
const testCaRoot = () => new Uint8Array(publicBytes('apple-root-testCA-app-store-server-library.der'));

/** A compact JWS signed with the test PKI's P-256 leaf key, carrying `x5c` (names of .der files). */
async function signed(payload, x5c = ['leaf-ec', 'int-ec', 'root-ec'], header = {}) {
  const key = await crypto.subtle.importKey('pkcs8', pki('leaf-ec.pk8'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const h = b64url(JSON.stringify({ alg: 'ES256', x5c: x5c.map((n) => b64(pki(`${n}.der`))), ...header }));
  const p = b64url(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, new TextEncoder().encode(`${h}.${p}`));
  return `${h}.${p}.${Buffer.from(new Uint8Array(sig)).toString('base64url')}`;
}

/** The error `fn` throws (or its Promise rejects with); fails if it returns. */
async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error, got a result');
}

/** Apple's verdict `status`, and ours, `code`, for the same input. */
async function verdict(fn, status, code) {
  const e = await failure(fn);
  assert.ok(e instanceof VerificationException, `not a VerificationException: ${e}`);
  assert.ok(e instanceof IapError, 'a VerificationException is an IapError');
  assert.equal(e.code, code, e.message);
  assert.equal(e.status, status, `status ${S[e.status]} for ${e.code} (${e.message}), Apple's is ${S[status]}`);
  return e;
}

const pkiVerifier = (env = 'Sandbox', roots = [pki('root-ec.der')]) => new SignedDataVerifier(roots, false, env, 'com.example', 1234);
const tx = (extra = {}) => ({ bundleId: 'com.example', environment: 'Sandbox', signedDate: SIGNED, transactionId: '1', ...extra });

test('VerificationStatus has the names and numbers of Apple\'s enum, both ways', () => {
  const names = ['OK', 'VERIFICATION_FAILURE', 'RETRYABLE_VERIFICATION_FAILURE', 'INVALID_APP_IDENTIFIER', 'INVALID_ENVIRONMENT', 'INVALID_CHAIN_LENGTH', 'INVALID_CERTIFICATE', 'FAILURE'];
  names.forEach((name, n) => {
    assert.equal(S[name], n);
    assert.equal(S[n], name);
  });
  assert.ok(Object.isFrozen(S));
  // Apple's constructor works as in Apple's library, and the result is one of ours.
  const e = new VerificationException(S.INVALID_ENVIRONMENT);
  assert.ok(e instanceof IapError && e instanceof Error);
  assert.equal(e.status, 4);
  assert.equal(e.code, 'INVALID_ENVIRONMENT');
  const cause = new Error('inner');
  assert.equal(new VerificationException(S.RETRYABLE_VERIFICATION_FAILURE, cause).cause, cause);
  assert.equal(new VerificationException(S.RETRYABLE_VERIFICATION_FAILURE).retryable, true);
  // from() keeps code, message and details of one of our errors.
  const ours = new IapError('CERTIFICATE_EXPIRED', 'old', { details: { notAfter: 1 } });
  const v = VerificationException.from(ours);
  assert.deepEqual([v.code, v.message, v.details, v.status], ['CERTIFICATE_EXPIRED', 'old', { notAfter: 1 }, S.INVALID_CERTIFICATE]);
  assert.equal(VerificationException.from(v), v);
});

test('the status table of the README: each code (and detail) gives Apple\'s status', () => {
  const rows = [
    ['INVALID_APP_IDENTIFIER', undefined, S.INVALID_APP_IDENTIFIER],
    ['INVALID_ENVIRONMENT', undefined, S.INVALID_ENVIRONMENT],
    ['CERTIFICATE_EXPIRED', { notAfter: 1 }, S.INVALID_CERTIFICATE],
    ['INVALID_CHAIN', { unreadable: true }, S.INVALID_CERTIFICATE],
    ['INVALID_CHAIN', undefined, S.VERIFICATION_FAILURE],
    ['INVALID_CHAIN', { revoked: true }, S.FAILURE],
    ['INVALID_SIGNATURE', undefined, S.VERIFICATION_FAILURE],
    ['MALFORMED_INPUT', { input: 'JWS header' }, S.VERIFICATION_FAILURE],
    ['MALFORMED_INPUT', { input: 'JWS payload' }, S.FAILURE],
    ['INPUT_TOO_LARGE', { input: 'signedPayload' }, S.VERIFICATION_FAILURE],
    ['INVALID_ARGUMENT', undefined, S.VERIFICATION_FAILURE],
    ['NETWORK_ERROR', undefined, S.RETRYABLE_VERIFICATION_FAILURE],
    ['TIMEOUT', undefined, S.RETRYABLE_VERIFICATION_FAILURE],
  ];
  for (const [code, details, status] of rows) assert.equal(iap.verificationStatusOf(code, details), status, `${code} ${JSON.stringify(details)}`);
});

test('every method\'s errors, sync and async, are VerificationExceptions; the constructor\'s are plain IapErrors', async () => {
  const v = pkiVerifier();
  const methods = ['Transaction', 'RenewalInfo', 'Notification', 'AppTransaction', 'RealtimeRequest'];
  for (const m of methods) {
    for (const name of [`verifyAndDecode${m}`, `verifyAndDecode${m}Async`]) {
      await verdict(() => v[name]('a.b.c'), S.VERIFICATION_FAILURE, 'MALFORMED_INPUT');
      const e = await verdict(() => v[name](undefined), S.VERIFICATION_FAILURE, 'INVALID_ARGUMENT');
      assert.match(e.message, m === 'Notification' || m === 'RealtimeRequest' ? /signedPayload/ : /signed\w+Info/);
      await verdict(() => v[name]('a.b.c', { nwo: 1 }), S.VERIFICATION_FAILURE, 'INVALID_ARGUMENT');
    }
  }
  const e = await failure(() => new SignedDataVerifier(null, false, 'Production', 'com.example'));
  assert.ok(e instanceof IapError && !(e instanceof VerificationException));
  assert.equal(e.code, 'INVALID_ARGUMENT');
});

// ---- Apple's jws_verification tests: "Chain Verification Checks" ----------------------------

test('Apple "should validate a chain without OCSP": a test CA chain of leaf, intermediate and root verifies', async () => {
  // Apple's test CA chain (as carried by its mock signed data) and the test PKI's.
  const apple = new SignedDataVerifier([testCaRoot()], false, 'Sandbox', 'com.example', 1234);
  assert.equal(apple.verifyAndDecodeNotification(publicText('apple-jws-testca-testNotification.jws')).notificationType, 'TEST');
  assert.equal(pkiVerifier().verifyAndDecodeTransaction(await signed(tx())).transactionId, '1');
});

test('Apple "should fail to validate a chain with an invalid intermediate OID": VERIFICATION_FAILURE', async () => {
  await verdict(async () => pkiVerifier().verifyAndDecodeTransaction(await signed(tx(), ['leaf-ec', 'int-ec-nooid', 'root-ec'])), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
});

test('Apple "should fail to validate a chain with an invalid leaf OID": VERIFICATION_FAILURE', async () => {
  await verdict(async () => pkiVerifier().verifyAndDecodeTransaction(await signed(tx(), ['leaf-ec-nooid', 'int-ec', 'root-ec'])), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
});

test('Apple "should fail to validate a chain with empty root certificate array": VERIFICATION_FAILURE', async () => {
  const none = new SignedDataVerifier([], false, 'Sandbox', 'com.example', 1234);
  await verdict(() => none.verifyAndDecodeNotification(publicText('apple-jws-testca-testNotification.jws')), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
  await verdict(async () => none.verifyAndDecodeTransaction(await signed(tx())), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
});

test('Apple "should fail to validate a chain with an expired chain": INVALID_CERTIFICATE', async () => {
  // Apple moves the effective date past the chain's notAfter; here the signed date does it (the
  // test PKI's certificates end on 2045-01-01), and an expired leaf does it at a normal date.
  const late = Date.UTC(2046, 0, 1);
  const e = await verdict(async () => pkiVerifier().verifyAndDecodeTransaction(await signed(tx({ signedDate: late }))), S.INVALID_CERTIFICATE, 'CERTIFICATE_EXPIRED');
  assert.equal(e.details.at, late);
  await verdict(async () => pkiVerifier().verifyAndDecodeTransaction(await signed(tx(), ['leaf-ec-expired', 'int-ec', 'root-ec'])), S.INVALID_CERTIFICATE, 'CERTIFICATE_EXPIRED');
  await verdict(async () => pkiVerifier().verifyAndDecodeTransactionAsync(await signed(tx(), ['leaf-ec-future', 'int-ec', 'root-ec'])), S.INVALID_CERTIFICATE, 'CERTIFICATE_EXPIRED');
});

test('Apple "should fail to validate a chain with mismatched root certificates": VERIFICATION_FAILURE', async () => {
  // Apple's test-CA data against Apple's real roots, and the test PKI's against an unrelated root.
  const real = new SignedDataVerifier(null, false, 'Sandbox', 'com.example', 1234);
  await verdict(() => real.verifyAndDecodeNotification(publicText('apple-jws-testca-testNotification.jws')), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
  await verdict(async () => pkiVerifier('Sandbox', [pki('root2-ec.der')]).verifyAndDecodeTransaction(await signed(tx())), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
});

test('Apple "should fail to validate a chain with invalid root certificates": refused (here at construction)', async () => {
  const e = await failure(() => new SignedDataVerifier([new TextEncoder().encode('abc')], false, 'Production', 'com.example', 1234));
  assert.ok(e instanceof IapError);
  assert.equal(e.code, 'INVALID_ARGUMENT');
});

test('Apple "should not return cached OCSP responses for a (slightly) different chain": each chain is judged on its own', async () => {
  const v = pkiVerifier();
  assert.equal(v.verifyAndDecodeTransaction(await signed(tx())).transactionId, '1'); // cached now
  // The same leaf under another intermediate, and another leaf under the cached intermediate.
  await verdict(async () => v.verifyAndDecodeTransaction(await signed(tx(), ['leaf-ec', 'int-ec-notca', 'root-ec'])), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
  await verdict(async () => v.verifyAndDecodeTransaction(await signed(tx(), ['leaf-ec-nooid', 'int-ec', 'root-ec'])), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
  assert.equal(v.verifyAndDecodeTransaction(await signed(tx())).transactionId, '1');
});

test('differs from Apple: a cached chain is judged again at every call\'s date (Apple reuses a checked key for 15 minutes)', async () => {
  // Why: offline, validity is all we know, and re-checking it costs nothing; Apple's 15-minute
  // reuse is of its OCSP answers (online checks, which this verifier refuses).
  const v = pkiVerifier();
  const note = (signedDate) => signed({ notificationType: 'TEST', signedDate, data: { bundleId: 'com.example', environment: 'Sandbox' } });
  assert.equal(v.verifyAndDecodeNotification(await note(SIGNED)).notificationType, 'TEST');
  const oneMinuteLater = Date.UTC(2045, 0, 1) + 60_000;
  await verdict(async () => v.verifyAndDecodeNotification(await note(oneMinuteLater)), S.INVALID_CERTIFICATE, 'CERTIFICATE_EXPIRED');
});

// ---- Apple's jws_verification tests: "Decoding checks" ---------------------------------------

const testCa = (env, bundleId = 'com.example') => new SignedDataVerifier([testCaRoot()], false, env, bundleId, 1234);

test('Apple "should fail to verify with a missing x5c header": INVALID_CERTIFICATE', async () => {
  const e = await verdict(() => testCa('Production').verifyAndDecodeNotification(publicText('apple-jws-testca-missingX5CHeaderClaim.jws')), S.INVALID_CERTIFICATE, 'INVALID_CHAIN');
  assert.equal(e.details.unreadable, true);
  // The same for a chain of the wrong length (Apple: INVALID_CHAIN_LENGTH, re-thrown as INVALID_CERTIFICATE).
  await verdict(async () => pkiVerifier().verifyAndDecodeTransaction(await signed(tx(), ['leaf-ec', 'int-ec'])), S.INVALID_CERTIFICATE, 'INVALID_CHAIN');
  await verdict(async () => pkiVerifier().verifyAndDecodeTransactionAsync(await signed(tx(), ['leaf-ec', 'int-ec', 'root-ec', 'root-ec'])), S.INVALID_CERTIFICATE, 'INVALID_CHAIN');
});

test('Apple "should fail to verify with an invalid bundle id": INVALID_APP_IDENTIFIER', async () => {
  await verdict(() => testCa('Sandbox').verifyAndDecodeNotification(publicText('apple-jws-testca-wrongBundleId.jws')), S.INVALID_APP_IDENTIFIER, 'INVALID_APP_IDENTIFIER');
});

test('Apple "should fail to verify with an invalid bundle id for transaction": INVALID_APP_IDENTIFIER', async () => {
  await verdict(() => testCa('Sandbox', 'com.example.x').verifyAndDecodeTransaction(publicText('apple-jws-testca-transactionInfo.jws')), S.INVALID_APP_IDENTIFIER, 'INVALID_APP_IDENTIFIER');
});

test('Apple "should fail to verify with an invalid environment": INVALID_ENVIRONMENT', async () => {
  await verdict(() => testCa('Production').verifyAndDecodeNotification(publicText('apple-jws-testca-testNotification.jws')), S.INVALID_ENVIRONMENT, 'INVALID_ENVIRONMENT');
  await verdict(() => testCa('Production').verifyAndDecodeNotificationAsync(publicText('apple-jws-testca-testNotification.jws')), S.INVALID_ENVIRONMENT, 'INVALID_ENVIRONMENT');
});

test('Apple "should fail to verify with a malformed JWT with too many parts": VERIFICATION_FAILURE', async () => {
  await verdict(() => testCa('Sandbox').verifyAndDecodeNotification('a.b.c.d'), S.VERIFICATION_FAILURE, 'MALFORMED_INPUT');
});

test('Apple "should fail to verify with a malformed JWT": VERIFICATION_FAILURE', async () => {
  await verdict(() => testCa('Sandbox').verifyAndDecodeNotification('a.b.c'), S.VERIFICATION_FAILURE, 'MALFORMED_INPUT');
});

test('Apple "should verify and decode a valid notification"', () => {
  assert.equal(testCa('Sandbox').verifyAndDecodeNotification(publicText('apple-jws-testca-testNotification.jws')).notificationType, 'TEST');
});

test('Apple "should verify and decode a valid renewal info"', () => {
  assert.equal(testCa('Sandbox').verifyAndDecodeRenewalInfo(publicText('apple-jws-testca-renewalInfo.jws')).environment, 'Sandbox');
});

test('Apple "should verify and decode a valid transaction info" (read as renewal info, as Apple\'s test does)', () => {
  const r = testCa('Sandbox').verifyAndDecodeRenewalInfo(publicText('apple-jws-testca-transactionInfo.jws'));
  assert.equal(r.environment, 'Sandbox');
  assert.equal(r.bundleId, 'com.example'); // a field renewal info does not have, kept as signed
});

test('a signed payload of the wrong shape is Apple\'s FAILURE; a bad signature its VERIFICATION_FAILURE', async () => {
  await verdict(async () => pkiVerifier().verifyAndDecodeTransaction(await signed(tx({ signedDate: 'yesterday' }))), S.FAILURE, 'MALFORMED_INPUT');
  await verdict(async () => pkiVerifier().verifyAndDecodeTransaction(await signed('[1,2]')), S.FAILURE, 'MALFORMED_INPUT');
  const [h, p, s] = (await signed(tx())).split('.');
  const forged = b64url(JSON.stringify(tx({ transactionId: '2' })));
  await verdict(() => pkiVerifier().verifyAndDecodeTransaction(`${h}.${forged}.${s}`), S.VERIFICATION_FAILURE, 'INVALID_SIGNATURE');
  await verdict(() => pkiVerifier().verifyAndDecodeTransactionAsync(`${h}.${forged}.${s}`), S.VERIFICATION_FAILURE, 'INVALID_SIGNATURE');
  assert.equal(p.length > 0, true);
});

// ---- Apple's receipt_utility tests --------------------------------------------------------

test('Apple "should not extract a transaction id from an xcode receipt without a transaction"', () => {
  assert.equal(iap.extractTransactionIdFromAppReceipt(publicText('apple-receipt-xcode-backyardbirds-empty.b64')), null);
});

test('Apple "should extract a transaction id from an xcode receipt with a transaction"', () => {
  assert.equal(iap.extractTransactionIdFromAppReceipt(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64')), '0');
});

test('Apple "should extract a transaction id from an xcode transaction receipt"', () => {
  assert.equal(iap.extractTransactionIdFromTransactionReceipt(publicText('apple-ios6-transaction-receipt-synthetic-applelib.b64')), '33993399');
});

// ---- verifyAndDecodeRealtimeRequest (Apple's DecodedRealtimeRequestBody test) ----------------

const realtime = (extra = {}) => ({
  originalTransactionId: '99371282',
  appAppleId: 531412,
  productId: 'com.example.product',
  userLocale: 'en-US',
  requestIdentifier: '3db5c98d-8acf-4e29-831e-8e1f82f9f6e9',
  environment: 'LocalTesting',
  signedDate: 1698148900000,
  ...extra,
});

test('Apple "should decode a realtime request": every field, here signed by a LocalTesting certificate', async () => {
  const v = new SignedDataVerifier(null, false, 'LocalTesting', 'com.example', 1234);
  for (const r of [v.verifyAndDecodeRealtimeRequest(await signed(realtime(), ['leaf-ec'])), await v.verifyAndDecodeRealtimeRequestAsync(await signed(realtime(), ['leaf-ec']))]) {
    assert.deepEqual(r, { ...realtime(), testData: true });
  }
});

test('verifyAndDecodeRealtimeRequest checks as Apple: the app Apple id in Production, then the environment; no bundle id', async () => {
  const prod = new SignedDataVerifier([pki('root-ec.der')], false, 'Production', 'any.bundle', 531412);
  const r = prod.verifyAndDecodeRealtimeRequest(await signed(realtime({ environment: 'Production', signedDate: SIGNED })));
  assert.equal(r.originalTransactionId, '99371282');
  assert.equal('testData' in r, false);
  await verdict(async () => prod.verifyAndDecodeRealtimeRequest(await signed(realtime({ environment: 'Production', appAppleId: 1, signedDate: SIGNED }))), S.INVALID_APP_IDENTIFIER, 'INVALID_APP_IDENTIFIER');
  await verdict(async () => prod.verifyAndDecodeRealtimeRequest(await signed(realtime({ environment: 'Sandbox', signedDate: SIGNED }))), S.INVALID_ENVIRONMENT, 'INVALID_ENVIRONMENT');
  // Sandbox: the app Apple id is not compared (Apple's rule).
  assert.equal(pkiVerifier().verifyAndDecodeRealtimeRequest(await signed(realtime({ environment: 'Sandbox', appAppleId: 1, signedDate: SIGNED }))).appAppleId, 1);
  // Apple's validator refuses a known field of another type: FAILURE.
  await verdict(async () => pkiVerifier().verifyAndDecodeRealtimeRequest(await signed(realtime({ environment: 'Sandbox', appAppleId: '1', signedDate: SIGNED }))), S.FAILURE, 'MALFORMED_INPUT');
});

test('differs from Apple: LocalTesting data with no certificate is refused (Apple decodes it unverified)', async () => {
  // Why: a verifier that returns data no key has checked would accept anyone's forgery the day
  // it is configured as LocalTesting by mistake; one self-signed certificate in x5c is enough.
  const key = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const h = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
  const p = b64url(JSON.stringify(realtime()));
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(`${h}.${p}`));
  const jws = `${h}.${p}.${Buffer.from(new Uint8Array(sig)).toString('base64url')}`;
  const v = new SignedDataVerifier(null, false, 'LocalTesting', 'com.example', 1234);
  await verdict(() => v.verifyAndDecodeRealtimeRequest(jws), S.INVALID_CERTIFICATE, 'INVALID_CHAIN');
});

// ---- Root certificates as users pass them --------------------------------------------------

test('root certificates as DER or PEM, bytes or text, one or several per entry', async () => {
  const jws = await signed(tx());
  const der = pki('root-ec.der');
  const pemText = new TextDecoder().decode(pki('root-ec.pem'));
  const other = new TextDecoder().decode(pki('root2-ec.pem'));
  for (const roots of [[der], [Buffer.from(der)], [pemText], [pki('root-ec.pem')], [b64(der)], [`${other}\n${pemText}`], [pki('root2-ec.der'), pemText]]) {
    assert.equal(new SignedDataVerifier(roots, false, 'Sandbox', 'com.example').verifyAndDecodeTransaction(jws).transactionId, '1');
  }
  await verdict(() => new SignedDataVerifier([other], false, 'Sandbox', 'com.example').verifyAndDecodeTransaction(jws), S.VERIFICATION_FAILURE, 'INVALID_CHAIN');
  // Receipts too: Xcode's StoreKit root as PEM text.
  const storeKit = publicBytes('apple-root-StoreKitTestCertificate.cer');
  const pem = `-----BEGIN CERTIFICATE-----\n${b64(storeKit).replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
  const r = iap.verifyAppReceipt(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64'), { rootCertificates: [pem] });
  assert.equal(r.receiptType, 'Xcode');
  assert.equal(new iap.AppReceiptVerifier([pem]).verify(publicText('apple-receipt-xcode-backyardbirds-empty.b64')).receiptType, 'Xcode');
  for (const bad of [['-----BEGIN CERTIFICATE-----\nAAAA'], ['not a certificate'], [42], [new Uint8Array([1, 2, 3])], 'x']) {
    const e = await failure(() => new SignedDataVerifier(bad, false, 'Sandbox', 'com.example'));
    assert.ok(e instanceof IapError, String(e));
    assert.equal(e.code, 'INVALID_ARGUMENT', e.message);
  }
});
