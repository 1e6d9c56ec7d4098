// What iap-verify/verify does not have: each marked line must be a type error.
import * as edge from 'iap-verify/verify';
import type { ProductPurchase, PaymentFlow } from 'iap-verify/verify';

// @ts-expect-error the API clients are in 'iap-verify' only
new edge.AppStoreServerApi({ keyId: 'k', issuerId: 'i', bundleId: 'b', environment: 'Sandbox', signingKey: '' });
// @ts-expect-error the payment flow is in 'iap-verify' only
edge.PaymentFlow.start({ paymentSeq: '1', userId: 'u', store: 'GG', productId: 'p' });
// @ts-expect-error the Pub/Sub push check is in 'iap-verify' only
edge.verifyPubSubPush('Bearer x', { audience: 'a', email: 'e' });

// The declarations are the full package's, as types only.
export type Answer = ProductPurchase;
export const flow = (f: PaymentFlow) => f.state;
// @ts-expect-error PaymentFlow is a type here, not a value
export const start = PaymentFlow.start;
