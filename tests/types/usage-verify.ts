// iap-verify/verify, the module for the edge: its values type-check as the full package's do, its
// types are the full package's, and what it does not have is a type error (wrong-verify.ts).
import {
  GoogleVerifier,
  OneStoreVerifier,
  SignedDataVerifier,
  Environment,
  IapError,
  toPurchase,
  subscriptionStatus,
  decodeGoogleNotification,
  verifyAppReceipt,
  type GooglePurchase,
  type JWSTransactionDecodedPayload,
  type Purchase,
  type SubscriptionStatus,
  type DeveloperNotification,
  type AppReceipt,
} from 'iap-verify/verify';
import { init } from 'iap-verify/verify/init';

export async function edge(data: string, signature: string, key: string, jws: string, push: string, receipt: string): Promise<string> {
  await init();
  const g: GooglePurchase = new GoogleVerifier(key).verify(data, signature);
  const o = new OneStoreVerifier(key, { allowLegacy1024BitKeys: false });
  const v = new SignedDataVerifier(null, false, Environment.SANDBOX, 'com.example');
  const t: JWSTransactionDecodedPayload = await v.verifyAndDecodeTransactionAsync(jws);
  const p: Purchase = toPurchase(g);
  const s: SubscriptionStatus = subscriptionStatus({ source: 'GOOGLE', subscription: {} }, Date.now());
  const n: DeveloperNotification = decodeGoogleNotification(push);
  const r: AppReceipt = verifyAppReceipt(receipt);
  try {
    o.verify(data, signature);
  } catch (e) {
    if (e instanceof IapError) return e.code;
  }
  return `${p.productId} ${t.transactionId} ${s.status} ${n.kind} ${r.bundleId}`;
}
