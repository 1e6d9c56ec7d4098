import type { PaymentFlow, PaymentFlowJSON, Purchase, Effect, VerifiedValue } from '../web/iap_verify.js';

type EffectOf<T extends Effect['type']> = Extract<Effect, { type: T }>;

/** The steps `runPayment` performs; see its documentation for each contract. */
export interface RunPaymentOptions {
  /** The flow (in PAID or later), or its saved JSON. */
  flow: PaymentFlow | PaymentFlowJSON | string;
  /** Verify the purchase; return `toPurchase(verified)` or the verifier's result. Throw a non-retryable IapError if it does not verify. */
  verify(effect: EffectOf<'VERIFY'>, flow: PaymentFlow): Promise<Purchase | VerifiedValue> | Purchase | VerifiedValue;
  /** Consume at the IAP server. Reject with ALREADY_CONSUMED for 5018, a retryable IapError for no answer. */
  consume(effect: EffectOf<'CONSUME'>, flow: PaymentFlow): Promise<unknown> | unknown;
  /** Grant the item, idempotently on `effect.paymentSeq`. */
  deliver(effect: EffectOf<'DELIVER'>, flow: PaymentFlow): Promise<unknown> | unknown;
  /** Store the flow; awaited before every effect. */
  save(flow: PaymentFlowJSON): Promise<unknown> | unknown;
  /** Tell the client the payment is finished. */
  complete?(effect: EffectOf<'COMPLETE'>, flow: PaymentFlow): Promise<unknown> | unknown;
  /** Called when the payment was consumed elsewhere (no delivery). */
  flag?(effect: EffectOf<'FLAG'>, flow: PaymentFlow): Promise<unknown> | unknown;
  /** Consume requests per run before a retryable error is rethrown. Default 3. */
  maxConsumeAttempts?: number;
}

/**
 * Runs a payment from PAID to its end (verify → consume → deliver → complete), saving the flow
 * before every side effect so that calling it again with the last saved JSON resumes after a
 * crash without paying out twice. Resolves with the flow in its end state (or still PAID when
 * the purchase is pending).
 */
export function runPayment(options: RunPaymentOptions): Promise<PaymentFlow>;
