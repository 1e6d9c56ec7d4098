// Type-checked with usage.ts: the unified purchase, the payment flow and subscription status.
import {
  GoogleVerifier,
  toPurchase,
  PaymentFlow,
  subscriptionStatus,
  runPayment,
  type Purchase,
  type FlowState,
  type Effect,
  type PaymentFlowJSON,
} from 'iap-verify';

declare const key: string;
declare const data: string;
declare const sig: string;

const purchase: Purchase = toPurchase(new GoogleVerifier(key).verify(data, sig));
const when: number = purchase.purchaseTime;

let flow = PaymentFlow.start({ paymentSeq: '2024010112345678', userId: 'u1', store: 'GG', productId: 'gems' });
const { flow: paid, effects } = flow.apply({ type: 'PAID', accessToken: 'token' });
flow = paid.apply({ type: 'VERIFIED', purchase }).flow;
const state: FlowState = flow.state;
const pending: Effect[] = flow.pendingEffects();
const saved: PaymentFlowJSON = flow.toJSON();
const restored: PaymentFlow = PaymentFlow.fromJSON(JSON.stringify(saved));
for (const e of effects) {
  if (e.type === 'DELIVER') {
    const quantity: number = e.quantity;
  }
}

const status = subscriptionStatus({ source: 'GOOGLE', subscription: {} }, Date.now());
const entitled: boolean = status.entitled;
const expiresTime: number | null = status.expiresTime;
// @ts-expect-error a subscription status is not an NHN payment record (no paymentSeq)
const notAPayment: string = status.paymentSeq;

async function resume(json: PaymentFlowJSON): Promise<FlowState> {
  const done = await runPayment({
    flow: json,
    verify: () => purchase,
    consume: async () => undefined,
    deliver: async () => undefined,
    save: async () => undefined,
  });
  return done.state;
}
