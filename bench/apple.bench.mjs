// Apple: warm app-receipt verifications per second, and JWS verify+decode per second against
// Apple's own @apple/app-store-server-library SignedDataVerifier on the same input, in one process.
// Apple's verifier is async (its chain check runs through jsrsasign and node:crypto) and, offline,
// re-verifies the chain on every call; ours caches the verified chain and re-checks validity dates.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Environment as AppleEnvironment,
  ReceiptUtility,
  SignedDataVerifier as AppleSignedDataVerifier,
} from '@apple/app-store-server-library';
import { AppReceiptVerifier, Environment, SignedDataVerifier } from '../pkg/node.mjs';
import { compare } from './harness.mjs';
import { verifyReceiptWithNodeCrypto } from './receipt-node-baseline.mjs';

const shared = (name) => readFileSync(new URL(`../../shared/vectors/${name}`, import.meta.url));
const text = (name) => shared(name).toString('utf8');

// ---- receipts: Apple's library does not verify receipts; the baseline is the same checks done with
// node:crypto and X509Certificate (bench/receipt-node-baseline.mjs); Apple's parse-only extractor
// is shown for reference.
const receipt = text('apple-receipt-tpinapp-sandbox-g5.b64');
const receiptDer = Buffer.from(receipt, 'base64');
const appleRoot = new X509Certificate(shared('apple-root-AppleIncRootCertificate.cer'));
const receipts = new AppReceiptVerifier(null);
const opts = { bundleId: 'dev.bonzer.weeka.app' };
const ourReceipt = receipts.verify(receipt, opts);
const baseline = verifyReceiptWithNodeCrypto(receiptDer, appleRoot);
if (baseline.inApp.length !== ourReceipt.inApp.length) throw new Error('the receipt baselines disagree');
const util = new ReceiptUtility();
if (!util.extractTransactionIdFromAppReceipt(receipt)) throw new Error('ReceiptUtility baseline failed');
await compare('Apple app receipt (sandbox, WWDR G5, 5.6 KB), verify + parse, warm', {
  'iap-verify AppReceiptVerifier.verify (base64 text)': () => receipts.verify(receipt, opts),
  'iap-verify AppReceiptVerifier.verify (DER bytes)': () => receipts.verify(receiptDer, opts),
  'iap-verify AppReceiptVerifier.verifyAsync (base64 text)': () => receipts.verifyAsync(receipt, opts),
  'Apple ReceiptUtility.extractTransactionId (parse only, reference)': () => util.extractTransactionIdFromAppReceipt(receipt),
  'node:crypto + X509Certificate, same checks (baseline)': () => verifyReceiptWithNodeCrypto(receiptDer, appleRoot),
});

// ---- JWS: the same Apple-signed notification, Apple's real G3 chain, effective date = signedDate.
const jws = text('apple-jws-aporat-notification-test-sandbox.jws');
const g3 = shared('apple-root-AppleRootCA-G3.cer');
const ours = new SignedDataVerifier([new Uint8Array(g3)], false, Environment.SANDBOX, 'com.Abilities');
const apple = new AppleSignedDataVerifier([g3], false, AppleEnvironment.SANDBOX, 'com.Abilities');
const a = await apple.verifyAndDecodeNotification(jws);
const b = ours.verifyAndDecodeNotification(jws);
if (a.notificationUUID !== b.notificationUUID) throw new Error('the two verifiers disagree');

await compare('Apple JWS notification verify + decode (G3 chain, ES256), warm', {
  'iap-verify SignedDataVerifier.verifyAndDecodeNotification': () => ours.verifyAndDecodeNotification(jws),
  'iap-verify ...NotificationAsync': () => ours.verifyAndDecodeNotificationAsync(jws),
  '@apple/app-store-server-library SignedDataVerifier': () => apple.verifyAndDecodeNotification(jws),
});
