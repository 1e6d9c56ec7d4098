// runtimes: also iap-verify/verify
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { publicBytes, publicText, own } from './vectors.mjs';
import { rejectsCode } from './rejects.mjs';

const NOW = 1_795_000_000_000; // 2026-11-18: every real Apple leaf in the vectors has expired

function throwsCode(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ${code}, nothing was thrown`);
  assert.ok(caught instanceof iap.IapError, `not an IapError: ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

const storeKitRoot = () => new Uint8Array(publicBytes('apple-root-StoreKitTestCertificate.cer'));
const testCaRoot = () => new Uint8Array(publicBytes('apple-root-testCA-app-store-server-library.der'));

test('Environment has Apple names and values', () => {
  assert.deepEqual({ ...iap.Environment }, {
    SANDBOX: 'Sandbox',
    PRODUCTION: 'Production',
    XCODE: 'Xcode',
    LOCAL_TESTING: 'LocalTesting',
  });
  assert.ok(Object.isFrozen(iap.Environment));
});

test('sandbox receipt: verified at its creation date, fields, device hash, bundle id', () => {
  const b64 = publicText('apple-receipt-tpinapp-sandbox-g5.b64');
  const r = iap.verifyAppReceipt(b64, { now: NOW });
  assert.equal(r.receiptType, 'ProductionSandbox');
  assert.equal(r.bundleId, 'dev.bonzer.weeka.app');
  assert.equal(r.applicationVersion, '2');
  assert.equal(r.originalApplicationVersion, '1.0');
  assert.equal(r.receiptCreationDate, Date.parse('2025-12-26T18:39:47Z'));
  assert.equal(Buffer.from(r.opaqueValue, 'base64').toString('hex'), 'be1dd3ea9bcf4d08652eb539b9e05694');
  assert.equal(Buffer.from(r.sha1Hash, 'base64').toString('hex'), '2158847543683847e9382a0fc51853cb17abcd6d');
  assert.equal(r.inApp.length, 2);
  assert.deepEqual(r.inApp.map((p) => p.transactionId).sort(), ['2000001092134138', '2000001092148094']);
  assert.deepEqual(r.inApp.map((p) => p.webOrderLineItemId).sort(), ['2000000123357229', '2000000123357230']);
  assert.equal(r.inApp[0].originalTransactionId, '2000001092134138');
  assert.ok(Array.isArray(r.unknownAttributes) && typeof r.unknownAttributes[0].type === 'number');

  // Bytes work as well as base64, and the device hash binds the receipt to the device.
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  iap.verifyAppReceipt(bytes, { bundleId: 'dev.bonzer.weeka.app', deviceId: '956328D9-CC6A-47F4-BE40-6953FB0AB6C7' });
  throwsCode(() => iap.verifyAppReceipt(b64, { deviceId: '00000000-0000-0000-0000-000000000000' }), 'INVALID_SIGNATURE');
  throwsCode(() => iap.verifyAppReceipt(b64, { bundleId: 'dev.bonzer.weeka.App' }), 'INVALID_APP_IDENTIFIER');
  throwsCode(() => iap.verifyAppReceipt(b64, { rootCertificates: [storeKitRoot()] }), 'INVALID_CHAIN');
  throwsCode(() => iap.verifyAppReceipt(b64, { bundleID: 'x' }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.verifyAppReceipt(b64, { deviceId: 'nope' }), 'INVALID_ARGUMENT');
});

test('Xcode receipts verify only with the StoreKit root', () => {
  for (const name of ['apple-receipt-xcode-backyardbirds-with-purchase.b64', 'apple-receipt-xcode-backyardbirds-empty.b64']) {
    const b64 = publicText(name);
    const r = iap.verifyAppReceipt(b64, { rootCertificates: [storeKitRoot()] });
    assert.equal(r.receiptType, 'Xcode');
    assert.equal(r.bundleId, 'com.example.naturelab.backyardbirds.example');
    throwsCode(() => iap.verifyAppReceipt(b64), 'INVALID_CHAIN');
  }
  const r = iap.verifyAppReceipt(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64'), { rootCertificates: [storeKitRoot()] });
  assert.equal(r.inApp[0].productId, 'pass.premium');
  assert.equal(r.inApp[0].transactionId, '0');
  assert.equal(r.inApp[0].expiresDate, Date.parse('2023-11-19T01:45:36Z'));
  assert.equal(r.expirationDate, Date.parse('4001-01-01T00:00:00Z'));
});

test('AppReceiptVerifier caches and keeps checking; bad input is typed', () => {
  const v = new iap.AppReceiptVerifier(null);
  const b64 = publicText('apple-receipt-tpinapp-sandbox-g5.b64');
  for (let i = 0; i < 3; i++) assert.equal(v.verify(b64, { bundleId: 'dev.bonzer.weeka.app' }).bundleId, 'dev.bonzer.weeka.app');
  const testPki = new iap.AppReceiptVerifier([new Uint8Array(own('testpki/root-rsa.der'))]);
  assert.equal(testPki.verify(new Uint8Array(own('testpki/receipt-openssl-sha1.der'))).bundleId, 'com.example.testpki');
  throwsCode(() => v.verify(new Uint8Array(own('testpki/receipt-openssl-sha256.der'))), 'INVALID_CHAIN');
  throwsCode(() => v.verify('not base64!'), 'MALFORMED_INPUT');
  throwsCode(() => v.verify(new Uint8Array([0x30, 0x03, 0x02, 0x01])), 'MALFORMED_INPUT');
  throwsCode(() => v.verify(new Uint8Array(50 * 1024 * 1024)), 'INPUT_TOO_LARGE');
  throwsCode(() => new iap.AppReceiptVerifier([new Uint8Array([1, 2, 3])]), 'INVALID_ARGUMENT');
  throwsCode(() => new iap.AppReceiptVerifier(['not bytes']), 'INVALID_ARGUMENT');
});

test('transaction id extraction, as Apple ReceiptUtility', () => {
  assert.equal(iap.extractTransactionIdFromAppReceipt(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64')), '0');
  assert.equal(iap.extractTransactionIdFromAppReceipt(publicText('apple-receipt-xcode-backyardbirds-empty.b64')), null);
  assert.equal(iap.extractTransactionIdFromTransactionReceipt(publicText('apple-ios6-transaction-receipt-synthetic-applelib.b64')), '33993399');
  throwsCode(() => iap.extractTransactionIdFromAppReceipt('AAAA'), 'MALFORMED_INPUT');
});

test('SignedDataVerifier: Apple-signed notification, renewal info, Apple order of checks', () => {
  const note = publicText('apple-jws-aporat-notification-test-sandbox.jws');
  const v = new iap.SignedDataVerifier(null, false, iap.Environment.SANDBOX, 'com.Abilities');
  const n = v.verifyAndDecodeNotification(note);
  assert.equal(n.notificationType, 'TEST');
  assert.equal(n.notificationUUID, '5e09dcfc-205e-4ea1-9883-96676f394992');
  assert.equal(n.signedDate, 1662122492884);
  assert.equal('testData' in n, false);
  throwsCode(() => new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.other').verifyAndDecodeNotification(note), 'INVALID_APP_IDENTIFIER');
  throwsCode(() => new iap.SignedDataVerifier(null, false, 'Production', 'com.Abilities', 1).verifyAndDecodeNotification(note), 'INVALID_APP_IDENTIFIER');

  const renewal = new iap.SignedDataVerifier(null, false, 'Sandbox', 'x').verifyAndDecodeRenewalInfo(publicText('apple-jws-awa-renewalinfo-sandbox.jws'));
  assert.equal(renewal.originalTransactionId, '2000000335310644');
  assert.equal(renewal.autoRenewStatus, 1);
});

test('SignedDataVerifier: a notification without signedDate is judged at now (Apple policy)', () => {
  const jws = publicText('apple-jws-gopay-notification-did-renew-sandbox.jws');
  const v = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.audaos.audarecorder');
  const e = throwsCode(() => v.verifyAndDecodeNotification(jws), 'CERTIFICATE_EXPIRED');
  assert.equal(typeof e.details.notAfter, 'number');
  const n = v.verifyAndDecodeNotification(jws, { now: 1646387100000 });
  assert.equal(n.notificationType, 'DID_RENEW');
  assert.equal(n.data.decodedTransactionInfo.transactionId, '2000000004047119');
  assert.equal(n.data.decodedTransactionInfo.type, 'Auto-Renewable Subscription');
  assert.equal(n.data.decodedRenewalInfo.signedDate, 1646387008228);
  assert.equal(typeof n.data.signedTransactionInfo, 'string');
  // The nested tokens carry their own signedDate.
  assert.equal(v.verifyAndDecodeTransaction(n.data.signedTransactionInfo).transactionId, '2000000004047119');
});

test("SignedDataVerifier: Apple's library test CA vectors", () => {
  const v = new iap.SignedDataVerifier([testCaRoot()], false, 'Sandbox', 'com.example', 1234);
  assert.equal(v.verifyAndDecodeNotification(publicText('apple-jws-testca-testNotification.jws')).notificationType, 'TEST');
  assert.equal(v.verifyAndDecodeTransaction(publicText('apple-jws-testca-transactionInfo.jws')).bundleId, 'com.example');
  assert.equal(v.verifyAndDecodeRenewalInfo(publicText('apple-jws-testca-renewalInfo.jws')).environment, 'Sandbox');
  throwsCode(() => v.verifyAndDecodeNotification(publicText('apple-jws-testca-wrongBundleId.jws')), 'INVALID_APP_IDENTIFIER');
  throwsCode(() => v.verifyAndDecodeNotification(publicText('apple-jws-testca-missingX5CHeaderClaim.jws')), 'INVALID_CHAIN');
  const prod = new iap.SignedDataVerifier([testCaRoot()], false, 'Production', 'com.example', 1234);
  throwsCode(() => prod.verifyAndDecodeNotification(publicText('apple-jws-testca-testNotification.jws')), 'INVALID_ENVIRONMENT');
  const other = new iap.SignedDataVerifier([testCaRoot()], false, 'Sandbox', 'com.example.x', 1234);
  throwsCode(() => other.verifyAndDecodeTransaction(publicText('apple-jws-testca-transactionInfo.jws')), 'INVALID_APP_IDENTIFIER');
});

test('SignedDataVerifier: Xcode data verifies against its own certificate and is marked test data', () => {
  const v = new iap.SignedDataVerifier(null, false, iap.Environment.XCODE, 'com.example.naturelab.backyardbirds.example');
  const t = v.verifyAndDecodeTransaction(publicText('apple-jws-xcode-signed-transaction.jws'));
  assert.equal(t.testData, true);
  assert.equal(t.productId, 'pass.premium');
  assert.ok(!Number.isInteger(t.purchaseDate), 'fractional milliseconds kept');
  assert.equal(v.verifyAndDecodeRenewalInfo(publicText('apple-jws-xcode-signed-renewal-info.jws')).renewalDate, 1700358336049.7297);
  const a = v.verifyAndDecodeAppTransaction(publicText('apple-jws-xcode-signed-app-transaction.jws'));
  assert.equal(a.originalPurchaseDate, -62135769600000);
  assert.equal(a.receiptCreationDate, 1697680122257.447);
  throwsCode(
    () => new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.example.naturelab.backyardbirds.example').verifyAndDecodeTransaction(publicText('apple-jws-xcode-signed-transaction.jws')),
    'INVALID_CHAIN',
  );
});

test('SignedDataVerifier: constructor and token negatives', async () => {
  // Online checks: the Apple-named methods return the ...Async method's Promise, as Apple's do
  // (they send OCSP requests: tests/js/ocsp.test.mjs); its rejection is the verdict.
  // (The module for the edge has no online checks: its constructor refuses them.)
  let online;
  try {
    online = new iap.SignedDataVerifier(null, true, 'Sandbox', 'b');
  } catch (e) {
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.match(e.message, /iap-verify\/verify/);
  }
  if (online) {
    const pending = online.verifyAndDecodeTransaction('a.b.c');
    assert.ok(pending instanceof Promise);
    await rejectsCode(pending, 'MALFORMED_INPUT');
  }
  throwsCode(() => new iap.SignedDataVerifier(null, 'yes', 'Sandbox', 'b'), 'INVALID_ARGUMENT');
  throwsCode(() => new iap.SignedDataVerifier(null, false, 'Production', 'b'), 'INVALID_ARGUMENT');
  throwsCode(() => new iap.SignedDataVerifier(null, false, 'Staging', 'b'), 'INVALID_ARGUMENT');
  const v = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities');
  const good = publicText('apple-jws-aporat-notification-test-sandbox.jws');
  const [h, p, s] = good.split('.');
  throwsCode(() => v.verifyAndDecodeNotification(`${h}.${p}`), 'MALFORMED_INPUT');
  throwsCode(() => v.verifyAndDecodeNotification(`${good}.${s}.${s}.${s}`), 'MALFORMED_INPUT');
  const none = Buffer.from('{"alg":"none"}').toString('base64url');
  throwsCode(() => v.verifyAndDecodeNotification(`${none}.${p}.`), 'MALFORMED_INPUT');
  const hs = Buffer.from(JSON.stringify({ alg: 'HS256', x5c: JSON.parse(Buffer.from(h, 'base64url')).x5c })).toString('base64url');
  throwsCode(() => v.verifyAndDecodeNotification(`${hs}.${p}.${s}`), 'MALFORMED_INPUT');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  payload.data.bundleId = 'com.Abilities ';
  throwsCode(() => v.verifyAndDecodeNotification(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`), 'INVALID_SIGNATURE');
  throwsCode(() => v.verifyAndDecodeNotification(`${h}.${p}.${s.slice(0, 60)}`), 'INVALID_SIGNATURE');
  throwsCode(() => v.verifyAndDecodeNotification('a'.repeat(10 * 1024 * 1024)), 'INPUT_TOO_LARGE');
  throwsCode(() => v.verifyAndDecodeNotification(good, { at: 1 }), 'INVALID_ARGUMENT');
  throwsCode(() => v.verifyAndDecodeNotification(42), 'INVALID_ARGUMENT');
});

test('SignedDataVerifier async variants (WebCrypto ES256) give the same results and errors', async () => {
  const cases = [
    [[null, false, 'Sandbox', 'com.Abilities'], 'Notification', 'apple-jws-aporat-notification-test-sandbox.jws', {}],
    [[null, false, 'Sandbox', 'com.other'], 'Notification', 'apple-jws-aporat-notification-test-sandbox.jws', {}],
    [[null, false, 'Sandbox', 'com.audaos.audarecorder'], 'Notification', 'apple-jws-gopay-notification-did-renew-sandbox.jws', {}],
    [[null, false, 'Sandbox', 'com.audaos.audarecorder'], 'Notification', 'apple-jws-gopay-notification-did-renew-sandbox.jws', { now: 1646387100000 }],
    [[null, false, 'Sandbox', 'x'], 'RenewalInfo', 'apple-jws-awa-renewalinfo-sandbox.jws', {}],
    [[null, false, 'Production', 'x', 1], 'RenewalInfo', 'apple-jws-awa-renewalinfo-sandbox.jws', {}],
    [[[testCaRoot()], false, 'Sandbox', 'com.example', 1234], 'Transaction', 'apple-jws-testca-transactionInfo.jws', {}],
    [[[testCaRoot()], false, 'Sandbox', 'com.example', 1234], 'Notification', 'apple-jws-testca-missingX5CHeaderClaim.jws', {}],
    [[null, false, 'Xcode', 'com.example.naturelab.backyardbirds.example'], 'Transaction', 'apple-jws-xcode-signed-transaction.jws', {}],
    [[null, false, 'Xcode', 'com.example.naturelab.backyardbirds.example'], 'AppTransaction', 'apple-jws-xcode-signed-app-transaction.jws', {}],
  ];
  const outcome = async (fn) => {
    try {
      return { ok: await fn() };
    } catch (e) {
      assert.ok(e instanceof iap.IapError, String(e));
      return { code: e.code };
    }
  };
  for (const [args, kind, file, opts] of cases) {
    const v = new iap.SignedDataVerifier(...args);
    const jws = publicText(file);
    const sync = await outcome(() => v[`verifyAndDecode${kind}`](jws, opts));
    for (let i = 0; i < 2; i++) {
      const async_ = await outcome(() => v[`verifyAndDecode${kind}Async`](jws, opts));
      assert.deepEqual(async_, sync, `${file} ${kind} ${JSON.stringify(args.slice(2))}`);
    }
  }
  // A forged payload fails in WebCrypto exactly as in ring.
  const v = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities');
  const [h, p, s] = publicText('apple-jws-aporat-notification-test-sandbox.jws').split('.');
  const forged = JSON.parse(Buffer.from(p, 'base64url'));
  forged.notificationType = 'REFUND';
  const token = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
  await assert.rejects(v.verifyAndDecodeNotificationAsync(token), (e) => e instanceof iap.IapError && e.code === 'INVALID_SIGNATURE');
  await assert.rejects(v.verifyAndDecodeNotificationAsync(42), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(v.verifyAndDecodeNotificationAsync(`${h}.${p}`), (e) => e.code === 'MALFORMED_INPUT');
});

test('toPurchase accepts Apple verified values, and only those', async () => {
  const v = new iap.SignedDataVerifier(null, false, 'Xcode', 'com.example.naturelab.backyardbirds.example');
  const jws = publicText('apple-jws-xcode-signed-transaction.jws');
  for (const t of [v.verifyAndDecodeTransaction(jws), await v.verifyAndDecodeTransactionAsync(jws)]) {
    const p = iap.toPurchase(t);
    assert.equal(p.store, 'AS');
    assert.equal(p.productId, 'pass.premium');
    assert.equal(p.transactionId, '0');
    throwsCode(() => iap.toPurchase({ ...t }), 'INVALID_ARGUMENT');
  }
  const gopay = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.audaos.audarecorder');
  const n = gopay.verifyAndDecodeNotification(publicText('apple-jws-gopay-notification-did-renew-sandbox.jws'), { now: 1646387100000 });
  assert.equal(iap.toPurchase(n.data.decodedTransactionInfo).transactionId, '2000000004047119');
  const r = iap.verifyAppReceipt(publicText('apple-receipt-tpinapp-sandbox-g5.b64'));
  const p = iap.toPurchase(r.inApp[0]);
  assert.equal(p.productId, 'dev.bonzer.weeka.app.subscription.pro.annual');
  assert.equal(p.environment, 'SANDBOX');
  assert.equal(p.productType, 'AUTO_RENEWABLE');
  throwsCode(() => iap.toPurchase(JSON.parse(JSON.stringify(r.inApp[0]))), 'INVALID_ARGUMENT');
});

test('AppReceiptVerifier.verifyAsync (WebCrypto RSA) gives the same results and errors', async () => {
  const apple = new iap.AppReceiptVerifier(null);
  const storeKit = new iap.AppReceiptVerifier([storeKitRoot()]);
  const testPki = new iap.AppReceiptVerifier([new Uint8Array(own('testpki/root-rsa.der'))]);
  const sandbox = publicText('apple-receipt-tpinapp-sandbox-g5.b64');
  const flipped = new Uint8Array(Buffer.from(sandbox, 'base64'));
  flipped[flipped.length - 2000] ^= 1; // inside the content or a certificate: rejected either way
  const cases = [
    [apple, sandbox, { bundleId: 'dev.bonzer.weeka.app', deviceId: '956328D9-CC6A-47F4-BE40-6953FB0AB6C7' }],
    [apple, sandbox, { deviceId: '00000000-0000-0000-0000-000000000000' }],
    [apple, sandbox, { bundleId: 'x' }],
    [apple, flipped, {}],
    [apple, publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64'), {}],
    [storeKit, publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64'), {}],
    [storeKit, publicText('apple-receipt-xcode-backyardbirds-empty.b64'), {}],
    [testPki, new Uint8Array(own('testpki/receipt-openssl-sha1.der')), {}],
    [testPki, new Uint8Array(own('testpki/receipt-openssl-sha256.der')), {}],
    [testPki, 'not base64!', {}],
  ];
  const outcome = async (fn) => {
    try {
      return { ok: await fn() };
    } catch (e) {
      assert.ok(e instanceof iap.IapError, String(e));
      return { code: e.code };
    }
  };
  for (const [v, receipt, opts] of cases) {
    const sync = await outcome(() => v.verify(receipt, opts));
    for (let i = 0; i < 2; i++) assert.deepEqual(await outcome(() => v.verifyAsync(receipt, opts)), sync);
  }
  // A content byte changed: the signature fails in WebCrypto as in ring.
  const der = new Uint8Array(Buffer.from(sandbox, 'base64'));
  // Found byte by byte: the browsers' Buffer stand-in has no indexOf(string).
  const needle = new TextEncoder().encode('dev.bonzer.weeka.app');
  const at = der.findIndex((_, i) => needle.every((b, j) => der[i + j] === b));
  assert.ok(at > 0);
  der[at + 3] ^= 1;
  await assert.rejects(apple.verifyAsync(der), (e) => e.code === 'INVALID_SIGNATURE');
  const r = await apple.verifyAsync(sandbox);
  assert.equal(iap.toPurchase(r.inApp[1]).store, 'AS');
});
