// Type-checked with usage.ts: the Apple surface, named as in Apple's app-store-server-library.
import {
  verifyAppReceipt,
  AppReceiptVerifier,
  SignedDataVerifier,
  Environment,
  extractTransactionIdFromAppReceipt,
  extractTransactionIdFromTransactionReceipt,
  VerificationException,
  VerificationStatus,
  verificationStatusOf,
  IapError,
  type IapErrorCode,
  type DecodedRealtimeRequestBody,
  type AppReceipt,
  type AppReceiptInAppPurchase,
  type JWSTransactionDecodedPayload,
  type JWSRenewalInfoDecodedPayload,
  type ResponseBodyV2DecodedPayload,
  type AppTransaction,
} from 'iap-verify';

declare const receiptBase64: string;
declare const receiptDer: Uint8Array;
declare const root: Uint8Array;
declare const jws: string;

const r1: AppReceipt = verifyAppReceipt(receiptBase64);
const r2: AppReceipt = verifyAppReceipt(receiptDer, { bundleId: 'com.example', rootCertificates: [root], now: Date.now() });
const first: AppReceiptInAppPurchase | undefined = r1.inApp[0];
const created: number | undefined = r2.receiptCreationDate;
const cached = new AppReceiptVerifier();
const r3: AppReceipt = cached.verify(receiptBase64, { bundleId: 'com.example' });
new AppReceiptVerifier(null).verify(receiptDer);
const id1: string | null = extractTransactionIdFromAppReceipt(receiptBase64);
const id2: string | null = extractTransactionIdFromTransactionReceipt(receiptBase64);

const env: Environment = Environment.SANDBOX;
const verifier = new SignedDataVerifier(null, false, Environment.PRODUCTION, 'com.example', 1234);
const xcode = new SignedDataVerifier([root], false, 'Xcode', 'com.example');
const tx: JWSTransactionDecodedPayload = verifier.verifyAndDecodeTransaction(jws);
const renewal: JWSRenewalInfoDecodedPayload = verifier.verifyAndDecodeRenewalInfo(jws, { now: 0 });
const notification: ResponseBodyV2DecodedPayload = verifier.verifyAndDecodeNotification(jws);
const app: AppTransaction = xcode.verifyAndDecodeAppTransaction(jws);
const expires: number | undefined = tx.expiresDate;
const type: string | undefined = notification.notificationType;
const isTest: true | undefined = app.testData;

// Issue 17: roots as PEM text too, Apple's errors, the Retention Messaging method.
const pemRoots = new SignedDataVerifier(['-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----', root], false, 'Sandbox', 'com.example');
const realtime: DecodedRealtimeRequestBody = pemRoots.verifyAndDecodeRealtimeRequest(jws);
const realtimeLater: Promise<DecodedRealtimeRequestBody> = pemRoots.verifyAndDecodeRealtimeRequestAsync(jws, { now: 0 });
const locale: string | undefined = realtime.userLocale;
try {
  verifier.verifyAndDecodeNotification(jws);
} catch (e) {
  if (e instanceof VerificationException && e.status === VerificationStatus.INVALID_APP_IDENTIFIER) {
    const code: IapErrorCode = e.code;
    const status: VerificationStatus = e.status;
  }
}
const made: VerificationException = new VerificationException(VerificationStatus.INVALID_CERTIFICATE, new Error('x'));
const isIap: IapError = made;
const mapped: VerificationStatus = verificationStatusOf('INVALID_CHAIN', { unreadable: true });
