// toPurchase's parameter names every kind of value the package registers for it (not only Google's).
import { AppReceiptVerifier, SignedDataVerifier, toPurchase, type Purchase, type VerifiedValue } from 'iap-verify';

export function apple(signed: SignedDataVerifier, receipts: AppReceiptVerifier, jws: string, receipt: string): Purchase[] {
  const transaction = signed.verifyAndDecodeTransaction(jws);
  const fromTransaction: Purchase = toPurchase(transaction);
  const entries = receipts.verify(receipt).inApp.map((entry) => toPurchase(entry));
  // A Purchase it returned is accepted again (the flow stores them).
  const again: Purchase = toPurchase(fromTransaction);
  const value: VerifiedValue = again;
  return [fromTransaction, again, ...entries, toPurchase(value)];
}
