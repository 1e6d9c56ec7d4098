import type { PaymentFlow, PaymentFlowJSON, Purchase, Effect, VerifiedValue } from '../web/iap_verify.js';
import type { FlowStore } from './flow-store.js';

type EffectOf<T extends Effect['type']> = Extract<Effect, { type: T }>;

/** What `deliver` gets beside the effect: the store's transaction, when it runs inside one. */
export interface DeliverContext {
  /** The store's transaction handle (the `pg` client for the PostgreSQL store); undefined without one. */
  transaction: unknown;
}

interface RunPaymentCallbacks {
  /** Verify the purchase; return `toPurchase(verified)` or the verifier's result. Throw a non-retryable IapError if it does not verify. */
  verify(effect: EffectOf<'VERIFY'>, flow: PaymentFlow): Promise<Purchase | VerifiedValue> | Purchase | VerifiedValue;
  /** Consume at the IAP server. Reject with ALREADY_CONSUMED for 5018, a retryable IapError for no answer. */
  consume(effect: EffectOf<'CONSUME'>, flow: PaymentFlow): Promise<unknown> | unknown;
  /** Grant the item: with `context.transaction` when the store runs it in the DELIVERED transaction, else idempotently on `effect.paymentSeq`. */
  deliver(effect: EffectOf<'DELIVER'>, flow: PaymentFlow, context: DeliverContext): Promise<unknown> | unknown;
  /** Tell the client the payment is finished. */
  complete?(effect: EffectOf<'COMPLETE'>, flow: PaymentFlow): Promise<unknown> | unknown;
  /** Called when the payment was consumed elsewhere (no delivery), after that was recorded. */
  flag?(effect: EffectOf<'FLAG'>, flow: PaymentFlow): Promise<unknown> | unknown;
  /** Consume requests per run before a retryable error is rethrown. Default 3. */
  maxConsumeAttempts?: number;
}

/** A flow in a store shared by several backend instances (compare-and-set writes). */
export interface RunPaymentStoreOptions extends RunPaymentCallbacks {
  store: FlowStore;
  /** The payment; optional when `flow` is given. */
  paymentSeq?: string;
  /** Inserted as the first record when the store has none for the payment (ignored otherwise). */
  flow?: PaymentFlow | PaymentFlowJSON | string;
  save?: never;
}

/** A single instance's flow, written with a plain callback. */
export interface RunPaymentSaveOptions extends RunPaymentCallbacks {
  /** The flow (in PAID or later), or its saved JSON. */
  flow: PaymentFlow | PaymentFlowJSON | string;
  /** Store the flow; awaited before every effect. */
  save(flow: PaymentFlowJSON): Promise<unknown> | unknown;
  store?: never;
}

export type RunPaymentOptions = RunPaymentStoreOptions | RunPaymentSaveOptions;

/**
 * Runs a payment from PAID to its end (verify → consume → deliver → complete), writing the flow
 * before every side effect so that calling it again resumes after a crash without paying out
 * twice. With a `store`, several instances may run one payment at once: each step is performed
 * by the instance whose compare-and-set write landed. Resolves with the flow in its end state,
 * still PAID when the purchase is pending, or, when another instance got ahead, the stored flow
 * that instance is carrying on.
 *
 * No store is trusted. Every record a store hands over (`load`, the record `deliverInTransaction`
 * locks, the record it resolves with) must be `{ flow, version }` with a positive integer version
 * (else `INVALID_ARGUMENT`), the flow of this payment and a version no older than one seen before
 * (else `MALFORMED_INPUT`, and nothing is delivered on a locked record that fails this). After
 * `deliver` ran in `deliverInTransaction`, the record it resolves with must be the DELIVERED flow
 * one version above the locked one (else `MALFORMED_INPUT`: the item was delivered, but the store
 * did not record it; the run stops rather than deliver again). A store that refuses the
 * compare-and-set write of one step 5 times in a row without the reloaded version moving (or 100
 * times in all) ends the run with a retryable `TIMEOUT` (`details`: `paymentSeq`, `state`,
 * `version`, `refused`, `stale`); the stored flow is unchanged, and a later run continues.
 */
export function runPayment(options: RunPaymentOptions): Promise<PaymentFlow>;
