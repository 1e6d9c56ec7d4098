// Apple: warm app-receipt verifications per second, and JWS verify+decode per second against
// Apple's own @apple/app-store-server-library SignedDataVerifier on the same input, in one process.
// Apple's verifier is async (its chain check runs through jsrsasign and node:crypto) and, offline,
// re-verifies the chain on every call; ours caches the verified chain and re-checks validity dates.
import { X509Certificate, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  Environment as AppleEnvironment,
  ReceiptUtility,
  SignedDataVerifier as AppleSignedDataVerifier,
} from '@apple/app-store-server-library';
import { AppReceiptVerifier, Environment, SignedDataVerifier, verifyAppReceipt } from '../pkg/node.mjs';
import { compare, median, record, times, us } from './harness.mjs';
import { verifyReceiptWithNodeCrypto } from './receipt-node-baseline.mjs';

const publicBytes = (name) => readFileSync(new URL(`../tests/vectors/public/${name}`, import.meta.url));
const text = (name) => publicBytes(name).toString('utf8');

// ---- receipts: Apple's library does not verify receipts; the baseline is the same checks done with
// node:crypto and X509Certificate (bench/receipt-node-baseline.mjs); Apple's parse-only extractor
// is shown for reference.
const receipt = text('apple-receipt-tpinapp-sandbox-g5.b64');
const receiptDer = Buffer.from(receipt, 'base64');
const appleRoot = new X509Certificate(publicBytes('apple-root-AppleIncRootCertificate.cer'));
const receipts = new AppReceiptVerifier(null);
const opts = { bundleId: 'dev.bonzer.weeka.app' };
const ourReceipt = receipts.verify(receipt, opts);
const baseline = verifyReceiptWithNodeCrypto(receiptDer, appleRoot);
if (baseline.inApp.length !== ourReceipt.inApp.length) throw new Error('the receipt baselines disagree');
if (verifyAppReceipt(receipt, opts).inApp.length !== ourReceipt.inApp.length) throw new Error('one-shot disagrees');
const util = new ReceiptUtility();
if (!util.extractTransactionIdFromAppReceipt(receipt)) throw new Error('ReceiptUtility baseline failed');
const R_TEXT = 'iap-verify AppReceiptVerifier.verify (base64 text)';
const R_DER = 'iap-verify AppReceiptVerifier.verify (DER bytes)';
const R_ONE = 'iap-verify verifyAppReceipt(base64 text, options), one shot';
const R_BASE = 'node:crypto + X509Certificate, same checks (baseline)';
const rs = await compare('Apple app receipt (sandbox, WWDR G5, 5.6 KB), verify + parse, warm', {
  [R_TEXT]: () => receipts.verify(receipt, opts),
  [R_DER]: () => receipts.verify(receiptDer, opts),
  [R_ONE]: () => verifyAppReceipt(receipt, opts),
  'iap-verify AppReceiptVerifier.verifyAsync (base64 text)': () => receipts.verifyAsync(receipt, opts),
  'Apple ReceiptUtility.extractTransactionId (parse only, reference)': () => util.extractTransactionIdFromAppReceipt(receipt),
  [R_BASE]: () => verifyReceiptWithNodeCrypto(receiptDer, appleRoot),
});
const [rText, rDer, rOne, rBase] = [R_TEXT, R_DER, R_ONE, R_BASE].map((n) => median(rs, n));
const nodeBaseline = `node:crypto + \`X509Certificate\`, same checks: ${us(rBase)}`;
record('receipt-text', {
  path: 'App receipt (genuine sandbox G5, 2 in-app), warm `AppReceiptVerifier`, base64 text',
  ours: us(rText), peer: nodeBaseline, ratio: `${times(rBase / rText)} faster`, goal: '≤ 100 µs', met: rText <= 100,
});
record('receipt-der', {
  path: 'the same, DER bytes',
  ours: us(rDer), peer: nodeBaseline, ratio: `${times(rBase / rDer)} faster`, goal: '≤ 100 µs', met: rDer <= 100,
});
record('receipt-oneshot', {
  path: 'one-shot `verifyAppReceipt(receipt, options)` (base64 text)',
  ours: us(rOne), peer: `warm \`AppReceiptVerifier.verify\`: ${us(rText)}`,
  ratio: `${times(rOne / rText)} the time`, goal: '≤ 1.2× the warm verifier', met: rOne / rText <= 1.2,
});

// ---- JWS: the same Apple-signed notification, Apple's real G3 chain, effective date = signedDate.
// (aporat's TEST notification: genuine, but it nests no JWS; the genuine notifications with nested
// JWS at hand lack a signedDate, so their chain is judged at now and has expired.)
const jws = text('apple-jws-aporat-notification-test-sandbox.jws');
const g3 = publicBytes('apple-root-AppleRootCA-G3.cer');
const ours = new SignedDataVerifier([new Uint8Array(g3)], false, Environment.SANDBOX, 'com.Abilities');
const apple = new AppleSignedDataVerifier([g3], false, AppleEnvironment.SANDBOX, 'com.Abilities');
const a = await apple.verifyAndDecodeNotification(jws);
const b = ours.verifyAndDecodeNotification(jws);
if (a.notificationUUID !== b.notificationUUID) throw new Error('the two verifiers disagree');

// The StoreKit 2 transaction: a genuine Apple-signed one (G3 chain, 5.1 KB), the
// signedTransactionInfo nested in go-pay's DID_RENEW sandbox notification (see SOURCES.md; that
// notification itself has no signedDate, so both libraries judge its chain at now: expired).
const renewal = text('apple-jws-gopay-notification-did-renew-sandbox.jws');
const transaction = JSON.parse(Buffer.from(renewal.split('.')[1], 'base64url')).data.signedTransactionInfo;
const oursT = new SignedDataVerifier([new Uint8Array(g3)], false, Environment.SANDBOX, 'com.audaos.audarecorder');
const appleT = new AppleSignedDataVerifier([g3], false, AppleEnvironment.SANDBOX, 'com.audaos.audarecorder');
const ta = await appleT.verifyAndDecodeTransaction(transaction);
const tb = oursT.verifyAndDecodeTransaction(transaction);
if (ta.transactionId !== tb.transactionId) throw new Error('the two verifiers disagree on the transaction');
// The floor: node:crypto's ES256 verify alone, key cached, inputs already bytes.
const [h64, p64, s64] = transaction.split('.');
const leaf = new X509Certificate(Buffer.from(JSON.parse(Buffer.from(h64, 'base64url')).x5c[0], 'base64'));
const es256 = { key: leaf.publicKey, dsaEncoding: 'ieee-p1363' };
const signingInput = Buffer.from(`${h64}.${p64}`);
const signature = Buffer.from(s64, 'base64url');
if (!verify('sha256', signingInput, es256, signature)) throw new Error('the bare ES256 check fails');

const T_OURS = 'iap-verify SignedDataVerifier.verifyAndDecodeTransaction';
const T_APPLE = '@apple/app-store-server-library verifyAndDecodeTransaction';
const T_BARE = 'bare node:crypto ES256 verify (cached key, bytes ready)';
const ts = await compare('StoreKit 2 transaction JWS verify + decode (G3 chain, ES256), warm', {
  [T_OURS]: () => oursT.verifyAndDecodeTransaction(transaction),
  'iap-verify ...TransactionAsync': () => oursT.verifyAndDecodeTransactionAsync(transaction),
  [T_APPLE]: () => appleT.verifyAndDecodeTransaction(transaction),
  [T_BARE]: () => verify('sha256', signingInput, es256, signature),
}, { baseline: T_APPLE });
const [tOurs, tApple, tBare] = [T_OURS, T_APPLE, T_BARE].map((n) => median(ts, n));
record('jws-transaction', {
  path: 'StoreKit 2 transaction JWS (genuine, G3), `verifyAndDecodeTransaction`, warm',
  ours: us(tOurs), peer: `\`@apple/app-store-server-library\`: ${us(tApple)}`,
  ratio: `${times(tApple / tOurs)} faster`, goal: '≥ 14× faster', met: tApple / tOurs >= 14,
});
record('jws-transaction-bare', {
  path: 'the same, against the bare ES256 check',
  ours: us(tOurs), peer: `node:crypto ES256 \`verify\` alone (cached key): ${us(tBare)}`,
  ratio: `${times(tOurs / tBare)} the time`, goal: '≤ 1.4× the time', met: tOurs / tBare <= 1.4,
});

const N_OURS = 'iap-verify SignedDataVerifier.verifyAndDecodeNotification';
const N_APPLE = '@apple/app-store-server-library SignedDataVerifier';
const ns = await compare('Apple JWS notification verify + decode (G3 chain, ES256), warm', {
  [N_OURS]: () => ours.verifyAndDecodeNotification(jws),
  'iap-verify ...NotificationAsync': () => ours.verifyAndDecodeNotificationAsync(jws),
  [N_APPLE]: () => apple.verifyAndDecodeNotification(jws),
});
const [nOurs, nApple] = [N_OURS, N_APPLE].map((n) => median(ns, n));
record('jws-notification', {
  path: 'App Store notification JWS (genuine TEST notification, G3), `verifyAndDecodeNotification`, warm',
  ours: us(nOurs), peer: `\`@apple/app-store-server-library\`: ${us(nApple)}`,
  ratio: `${times(nApple / nOurs)} faster`, goal: '≥ 20× faster (hold)', met: nApple / nOurs >= 20,
});
