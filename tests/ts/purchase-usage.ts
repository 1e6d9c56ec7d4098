// Type-checked, never run: the purchase-state API as a TypeScript user writes it.
// tsc --noEmit --strict --target es2022 --module nodenext --moduleResolution nodenext tests/ts/purchase-usage.ts
import { PaymentFlow, toPurchase, subscriptionStatus, runPayment, verifyGooglePurchase, IapError } from '../../pkg/index.js';
import type { Purchase, Effect, FlowEvent, SubscriptionStatus, PaymentFlowJSON } from '../../pkg/index.js';

const g = verifyGooglePurchase('{}', 'sig', 'key', {});
const p: Purchase = toPurchase(g);
const f = PaymentFlow.start({ paymentSeq: '1', userId: 'u', store: 'GG', productId: p.productId });
const r = f.apply({ type: 'PAID', accessToken: 't' });
const e: Effect[] = r.effects;
const next: PaymentFlow = r.flow;
const json: PaymentFlowJSON = next.toJSON();
const ev: FlowEvent = { type: 'VERIFIED', purchase: p };
const s: SubscriptionStatus = subscriptionStatus({ source: 'NHN', record: { expiryTime: 1 } }, 5);
const entitled: boolean = s.entitled;
async function main() {
  const done = await runPayment({
    flow: json,
    verify: async () => p,
    consume: async (effect) => { if (effect.attempt > 3) throw new IapError('TIMEOUT', 'x', { retryable: true }); },
    deliver: (effect) => { console.log(effect.quantity, effect.userId); },
    save: async (j) => { console.log(j.state); },
  });
  console.log(done.state, entitled, ev, e);
}
main();
