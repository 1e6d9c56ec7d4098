// Apple: a legacy app receipt (PKCS#7) verified offline to Apple Root CA, and App Store Server
// Notifications V2 (JWS) verified to Apple Root CA - G3 and decoded, nested JWS included.
import { AppReceiptVerifier, Environment, SignedDataVerifier, verifyAppReceipt } from '../pkg/node.mjs';
import { readFileSync } from 'node:fs';
import { read, show } from './lib.mjs';

const bytes = (path) => new Uint8Array(readFileSync(new URL(`../${path}`, import.meta.url)));
const receiptFields = ['receiptType', 'bundleId', 'applicationVersion', 'receiptCreationDate'];

console.log('\nApple app receipts (PKCS#7, RSA, chain to a pinned root, validity at the creation date):');
const sandbox = read('tests/vectors/public/apple-receipt-tpinapp-sandbox-g5.b64');
const receipts = new AppReceiptVerifier(null);
show('Apple', 'sandbox receipt (WWDR G5, SHA-256)', () => {
  const r = receipts.verify(sandbox, { bundleId: 'dev.bonzer.weeka.app', deviceId: '956328D9-CC6A-47F4-BE40-6953FB0AB6C7' });
  const inApp = r.inApp.map((p) => `${p.productId}#${p.transactionId} expires ${new Date(p.expiresDate).toISOString()}`);
  return { ...r, inApp: inApp.join(', ') };
}, [...receiptFields, 'inApp']);
show('Apple', 'same receipt, another device', () =>
  receipts.verify(sandbox, { deviceId: '00000000-0000-0000-0000-000000000000' }), receiptFields);
show('Apple', 'Xcode receipt, StoreKit test root', () =>
  verifyAppReceipt(read('tests/vectors/public/apple-receipt-xcode-backyardbirds-with-purchase.b64'), {
    rootCertificates: [bytes('tests/vectors/public/apple-root-StoreKitTestCertificate.cer')],
  }), receiptFields);
show('Apple', 'Xcode receipt, Apple Root CA', () =>
  verifyAppReceipt(read('tests/vectors/public/apple-receipt-xcode-backyardbirds-with-purchase.b64')), receiptFields);

console.log('\nApple signed data (JWS ES256, x5c chain to Apple Root CA - G3, validity at signedDate):');
const noteFields = ['notificationType', 'subtype', 'notificationUUID', 'signedDate', 'transaction'];
const test = new SignedDataVerifier(null, false, Environment.SANDBOX, 'com.Abilities');
show('Apple', 'TEST notification (2022)', () =>
  test.verifyAndDecodeNotification(read('tests/vectors/public/apple-jws-aporat-notification-test-sandbox.jws')), noteFields);
const renew = read('tests/vectors/public/apple-jws-gopay-notification-did-renew-sandbox.jws');
const gopay = new SignedDataVerifier(null, false, Environment.SANDBOX, 'com.audaos.audarecorder');
show('Apple', 'DID_RENEW without signedDate, now', () => gopay.verifyAndDecodeNotification(renew), noteFields);
show('Apple', 'DID_RENEW, now = when received', () => {
  const n = gopay.verifyAndDecodeNotification(renew, { now: Date.parse('2022-03-04T09:45:00Z') });
  const t = n.data.decodedTransactionInfo;
  return { ...n, transaction: `${t.productId}#${t.transactionId} ${t.type}, expires ${new Date(t.expiresDate).toISOString()}` };
}, noteFields);
show('Apple', 'Xcode transaction (test data)', () =>
  new SignedDataVerifier(null, false, Environment.XCODE, 'com.example.naturelab.backyardbirds.example')
    .verifyAndDecodeTransaction(read('tests/vectors/public/apple-jws-xcode-signed-transaction.jws')),
  ['productId', 'transactionId', 'purchaseDate', 'environment', 'testData']);
