// runPayment: the async driver of a PaymentFlow. Plain JS over the wasm reducer: the reducer
// decides, this file only performs the effects in order and saves before each one.
import { PaymentFlow, toPurchase } from '../web/iap_verify.js';
import { IapError } from './error.js';

const isAlreadyConsumed = (e) =>
  e != null && (e.code === 'ALREADY_CONSUMED' || (e.details != null && e.details.resultCode === 5018));

const isRetryable = (e) => e != null && e.retryable === true;

/**
 * Runs a payment from `PAID` to an end state: verify → consume at the IAP server → deliver →
 * complete. `save(flowJson)` is awaited after every transition and before the effect that
 * transition asks for, so a crash at any point can be resumed by calling `runPayment` again with
 * the last saved JSON: nothing is consumed without being recorded first, and a 5018 after our own
 * (recorded) consume counts as ours.
 *
 * Callbacks:
 * - `verify(effect, flow)` → a `Purchase` from `toPurchase(...)`, or a verifier's result
 *   (`verifyGooglePurchase(...)`, …), which is passed through `toPurchase`. Throw a non-retryable
 *   `IapError` for a purchase that does not verify (the flow ends in `VERIFY_FAILED`); any other
 *   error propagates and leaves the flow in `PAID`. A genuine purchase that does not fit the flow
 *   (other product or store, refunded) also ends in `VERIFY_FAILED`; a value no verifier made
 *   throws `INVALID_ARGUMENT` and leaves the flow in `PAID`. A purchase that is still `PENDING`
 *   leaves the flow in `PAID` too (call again later).
 * - `consume(effect, flow)` → resolves when the IAP server consumed the payment. Reject with an
 *   `IapError` `ALREADY_CONSUMED` (or `details.resultCode === 5018`) for 5018, with a retryable
 *   error (`TIMEOUT`, `NETWORK_ERROR`) when there was no answer. The `IapClient` of this package
 *   does both.
 * - `deliver(effect, flow)` → grants the item. Must be idempotent on `effect.paymentSeq`: a crash
 *   after granting but before the next save makes the resumed run deliver again.
 * - `save(flowJson)` → stores the flow (the object from `flow.toJSON()`).
 * - `complete(effect, flow)` (optional) → tells the client the payment is finished.
 * - `flag(effect, flow)` (optional) → called when the payment was consumed elsewhere.
 * - `maxConsumeAttempts` (default 3): consume requests per run before the retryable error is
 *   rethrown (the saved flow stays in `CONSUME_REQUESTED`; a later run continues).
 *
 * @param {import('./run-payment.js').RunPaymentOptions} options
 * @returns {Promise<PaymentFlow>} the flow in its end state (or `PAID` for
 *   a pending purchase)
 */
export async function runPayment(options) {
  const { flow, verify, consume, deliver, save, complete, flag, maxConsumeAttempts = 3 } = options ?? {};
  for (const [name, fn] of Object.entries({ verify, consume, deliver, save })) {
    if (typeof fn !== 'function') {
      throw new IapError('INVALID_ARGUMENT', `runPayment: \`${name}\` must be a function`);
    }
  }
  if (!Number.isInteger(maxConsumeAttempts) || maxConsumeAttempts < 1) {
    throw new IapError('INVALID_ARGUMENT', 'runPayment: `maxConsumeAttempts` must be a positive integer');
  }
  let current = flow instanceof PaymentFlow ? flow : PaymentFlow.fromJSON(flow);

  /** Applies `event`, saves the result, and returns the effects to perform now. */
  const step = async (event) => {
    const { flow: next, effects } = current.apply(event);
    await save(next.toJSON());
    current = next;
    return effects;
  };

  let consumeRequests = 0;
  for (;;) {
    switch (current.state) {
      case 'RESERVED':
        throw new IapError(
          'INVALID_ARGUMENT',
          'runPayment starts once the store has paid: apply { type: "PAID", accessToken } first',
          { details: { state: current.state } },
        );
      case 'PAID': {
        const [effect] = current.pendingEffects();
        let purchase;
        try {
          purchase = await verify(effect, current);
        } catch (e) {
          if (e instanceof IapError && !e.retryable) {
            await step({ type: 'VERIFY_FAILED', reason: `${e.code}: ${e.message}` });
            break;
          }
          throw e;
        }
        // Throws INVALID_ARGUMENT, outside the VERIFY_FAILED path, when `verify` returned
        // something no verifier made: that is a bug in the caller, not a bad purchase.
        purchase = toPurchase(purchase);
        if (purchase.state === 'PENDING') return current;
        try {
          await step({ type: 'VERIFIED', purchase });
        } catch (e) {
          // A genuine purchase of another product or store, or one the store reports refunded.
          if (e instanceof IapError && e.code === 'INVALID_ARGUMENT') {
            await step({ type: 'VERIFY_FAILED', reason: e.message });
            break;
          }
          throw e;
        }
        break;
      }
      case 'VERIFIED': {
        const [effect] = await step({ type: 'CONSUME_REQUESTED' });
        consumeRequests += 1;
        await consumeOnce(effect);
        break;
      }
      case 'CONSUME_REQUESTED': {
        // Resumed, or retrying: the outcome of the last request is unknown.
        if (consumeRequests >= maxConsumeAttempts) {
          throw new IapError('TIMEOUT', `the consume got no answer after ${consumeRequests} attempts`, {
            retryable: true,
            details: { paymentSeq: current.paymentSeq, attempts: current.consumeAttempts },
          });
        }
        const [effect] = await step({ type: 'CONSUME_TIMEOUT' });
        consumeRequests += 1;
        await consumeOnce(effect);
        break;
      }
      case 'CONSUMED': {
        const [effect] = current.pendingEffects();
        await deliver(effect, current);
        await step({ type: 'DELIVERED' });
        break;
      }
      case 'DELIVERED': {
        const [effect] = current.pendingEffects();
        if (typeof complete === 'function') await complete(effect, current);
        await step({ type: 'COMPLETED' });
        break;
      }
      default:
        return current;
    }
  }

  /** Sends one consume and records its answer; no answer leaves CONSUME_REQUESTED for a retry. */
  async function consumeOnce(effect) {
    try {
      await consume(effect, current);
    } catch (e) {
      if (isAlreadyConsumed(e)) {
        const effects = await step({ type: 'ALREADY_CONSUMED' });
        await flagged(effects);
        return;
      }
      if (isRetryable(e)) {
        if (consumeRequests >= maxConsumeAttempts) throw e;
        return; // the loop sees CONSUME_REQUESTED and retries
      }
      throw e;
    }
    await step({ type: 'CONSUMED' });
  }

  async function flagged(effects) {
    for (const effect of effects) {
      if (effect.type === 'FLAG' && typeof flag === 'function') await flag(effect, current);
    }
  }
}
