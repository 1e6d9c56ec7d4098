// Type-checked by `tsc --noEmit --strict` (tests/package/package.test.mjs): every export of the
// package used the way the README documents it. Nothing here runs; it must only compile.
import {
  GoogleVerifier,
  OneStoreVerifier,
  verifyGooglePurchase,
  verifyOneStorePurchase,
  decodeGoogleNotification,
  IapError,
  type IapErrorCode,
  type GooglePurchase,
  type OneStorePurchase,
  type KeyOptions,
  type DeveloperNotification,
  type PubSubPushBody,
} from 'iap-verify';
import { init, type WasmSource } from 'iap-verify/init';

declare const signedData: string;
declare const signature: string;
declare const key: string;
declare const bytes: Uint8Array;

// Google Play and ONE store: the verifier objects and the one-shot functions, options optional.
const google = new GoogleVerifier(key);
const legacy: KeyOptions = { allowLegacy1024BitKeys: true };
const googleLegacy = new GoogleVerifier(key, legacy);
const p1: GooglePurchase = google.verify(signedData, signature);
const p2: GooglePurchase = googleLegacy.verify(bytes, signature);
const p3: GooglePurchase = verifyGooglePurchase(signedData, signature, key);
const p4: GooglePurchase = verifyGooglePurchase(bytes, signature, key, { allowLegacy1024BitKeys: false });
const orderId: string | undefined = p1.orderId;
const purchaseTime: number | undefined = p2.purchaseTime;
const pending: boolean = p3.purchaseState === 4;
const extra: unknown = p4['someFutureField'];
// The async twins: the RSA step on the host's WebCrypto where there is one.
async function asyncTwins(): Promise<[GooglePurchase, OneStorePurchase]> {
  return [await google.verifyAsync(signedData, signature), await new OneStoreVerifier(key).verifyAsync(bytes, signature)];
}
google.free();

const onestore = new OneStoreVerifier(key);
const o1: OneStorePurchase = onestore.verify(signedData, signature);
const o2: OneStorePurchase = verifyOneStorePurchase(bytes, signature, key, legacy);
const recurring: number | undefined = o1.recurringState;
const token: string | undefined = o2.purchaseToken;
{
  using scoped = new OneStoreVerifier(key);
  scoped.verify(signedData, signature);
}

// Google RTDN: a body string or the parsed object.
declare const body: PubSubPushBody;
const n1: DeveloperNotification = decodeGoogleNotification(body);
const n2: DeveloperNotification = decodeGoogleNotification('{"message":{"data":""}}');
if (n1.kind === 'subscription' && n1.subscriptionNotification) {
  const name: string = n1.subscriptionNotification.notificationTypeName;
  const type: number = n1.subscriptionNotification.notificationType;
}
const messageId: string | undefined = n2.push.messageId;

// Errors: a real Error subclass with a stable code union.
try {
  google.verify(signedData, signature);
} catch (e) {
  if (e instanceof IapError) {
    const code: IapErrorCode = e.code;
    const retry: boolean = e.retryable;
    const details: Record<string, unknown> | undefined = e.details;
    const message: string = e.message;
    switch (code) {
      case 'INVALID_SIGNATURE':
      case 'MALFORMED_INPUT':
        break;
      default:
        break;
    }
  }
}
const made = new IapError('TIMEOUT', 'no answer', { retryable: true, details: { afterMs: 5 } });
const isError: Error = made;

// Browsers without top-level await: explicit initialization.
async function start(source?: WasmSource): Promise<void> {
  await init();
  await init(source);
  await init(new URL('https://cdn.example/iap_verify_bg.wasm'));
  await init(fetch('/iap_verify_bg.wasm'));
}
