// runPayment: the async driver of a PaymentFlow. Plain JS over the wasm reducer: the reducer
// decides, this file only performs the effects in order and writes the flow before each one.
import { PaymentFlow, toPurchase } from '../web/iap_verify.js';
import { IapError } from './error.js';

/** @typedef {import('../web/iap_verify.js').Effect} Effect */
/** @typedef {import('../web/iap_verify.js').FlowEvent} FlowEvent */
/** @typedef {import('../web/iap_verify.js').PaymentFlowJSON} PaymentFlowJSON */
/** @typedef {{ flow: PaymentFlow, version: number }} Checked a store's record, checked */
/**
 * Where the run reads and writes its flow: over a store (`checkRecord`, and `deliverInTransaction`
 * when the store has it) or over the `save` callback.
 * @typedef {Checked & { load(): Promise<Checked | null>, update(next: PaymentFlow, expected: number): Promise<boolean> }
 *   & ({ checkRecord?: undefined, deliverInTransaction?: undefined }
 *     | { checkRecord(r: unknown, what: string, minVersion?: number): Checked,
 *         deliverInTransaction?: (fn: (locked: import('./flow-store.js').FlowRecord & { transaction: unknown }) => Promise<PaymentFlowJSON | null>) => Promise<unknown> })} Db
 */

/** What a failed call says of itself: an IapError's fields, or nothing. */
const fieldsOf = (/** @type {unknown} */ e) => /** @type {{ code?: unknown, retryable?: unknown, details?: { resultCode?: unknown } | null }} */ (e ?? {});

const isAlreadyConsumed = (/** @type {unknown} */ e) => {
  const { code, details } = fieldsOf(e);
  return code === 'ALREADY_CONSUMED' || (details != null && details.resultCode === 5018);
};

const isRetryable = (/** @type {unknown} */ e) => fieldsOf(e).retryable === true;

/** Codes a verify callback throws for a mistake of the caller's, never a verdict on the purchase. */
const MISTAKES = new Set(['INVALID_ARGUMENT', 'INVALID_STATE_TRANSITION']);

/**
 * @param {string} message
 * @param {Record<string, unknown>} [details]
 */
const bad = (message, details) => new IapError('INVALID_ARGUMENT', `runPayment: ${message}`, details ? { details } : {});

/**
 * The effect of type `type` among `effects`: in each state the reducer asks for one, of the kind
 * that state needs (an INVALID_STATE_TRANSITION if it ever does not, rather than a call without it).
 * @template {Effect['type']} T
 * @param {Effect[]} effects
 * @param {T} type
 * @returns {Extract<Effect, { type: T }>}
 */
function effectOf(effects, type) {
  const effect = effects.find((e) => e.type === type);
  if (effect === undefined) throw new IapError('INVALID_STATE_TRANSITION', `runPayment: the flow asks for no ${type} effect`);
  return /** @type {Extract<Effect, { type: T }>} */ (effect);
}

/**
 * Refused compare-and-set writes in one step before runPayment gives up with a retryable
 * `TIMEOUT`: when the reloaded record's version has not moved (a store that refuses a write over
 * the version it reports, or a read replica that lags), and in any case.
 */
const MAX_STALE_WRITES = 5;
const MAX_REFUSED_WRITES = 100;

const pause = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a payment from `PAID` to an end state: verify → consume at the IAP server → deliver →
 * complete. The flow is written after every transition and before the effect that transition
 * asks for, so a crash at any point can be resumed by calling `runPayment` again: nothing is
 * consumed without being recorded first, and a 5018 after our own (recorded) consume counts as
 * ours.
 *
 * Where the flow lives, one of:
 * - `store` (+ `paymentSeq`, or `flow` to insert when none is stored): a flow store
 *   (`createMemoryFlowStore()`, `createPostgresFlowStore(pool)`, or your own with the same
 *   contract). Every write is a compare-and-set on the record's version, so several backend
 *   instances can run the same payment at once: exactly one of them performs each step, and an
 *   instance whose write is refused reloads the record and follows the conflict rules (the
 *   README's table): it records an answer that is still awaited (its consume's result), and
 *   otherwise stops and returns the stored flow, leaving the payment to the instance that is
 *   ahead. A store with `deliverInTransaction` has `deliver` run inside the transaction that
 *   writes `DELIVERED`, with the record locked: exactly one delivery, even across crashes.
 * - `flow` + `save(flowJson)`: a single instance's plain callback, awaited after every
 *   transition (no conflict detection; `deliver` must be idempotent on `paymentSeq`).
 *
 * Callbacks:
 * - `verify(effect, flow)` → a `Purchase` from `toPurchase(...)`, or a verifier's result
 *   (`verifyGooglePurchase(...)`, …), which is passed through `toPurchase`. Throw a non-retryable
 *   `IapError` for a purchase that does not verify (the flow ends in `VERIFY_FAILED`); any other
 *   error, and `INVALID_ARGUMENT` / `INVALID_STATE_TRANSITION` (mistakes, not verdicts: a record
 *   `toPurchase` does not take, say), propagates and leaves the flow in `PAID`. A genuine purchase that does not fit the flow
 *   (other product or store, refunded) also ends in `VERIFY_FAILED`; a value no verifier made
 *   throws `INVALID_ARGUMENT` and leaves the flow in `PAID`. A purchase that is still `PENDING`
 *   leaves the flow in `PAID` too (call again later).
 * - `consume(effect, flow)` → resolves when the IAP server consumed the payment. Reject with an
 *   `IapError` `ALREADY_CONSUMED` (or `details.resultCode === 5018`) for 5018, with a retryable
 *   error (`TIMEOUT`, `NETWORK_ERROR`) when there was no answer. The `IapClient` of this package
 *   does both.
 * - `deliver(effect, flow, { transaction })` → grants the item. `transaction` is the store's
 *   (the `pg` client inside the transaction for the PostgreSQL store): write the grant with it
 *   and it commits or rolls back with the flow's `DELIVERED`. Without `deliverInTransaction`
 *   (`transaction` undefined) it must be idempotent on `effect.paymentSeq`: a crash after
 *   granting but before the next write makes the resumed run deliver again.
 * - `complete(effect, flow)` (optional) → tells the client the payment is finished.
 * - `flag(effect, flow)` (optional) → called when the payment was consumed elsewhere, after that
 *   was recorded.
 * - `maxConsumeAttempts` (default 3): consume requests per run before the retryable error is
 *   rethrown (the stored flow stays in `CONSUME_REQUESTED`; a later run continues).
 *
 * No store is trusted: every record it hands over is checked as `load`'s answer is (this payment's
 * flow, a positive version that never goes back), the locked record before anything is delivered
 * on its word, and the record `deliverInTransaction` resolves with after a delivery must be the
 * DELIVERED flow one version up (else MALFORMED_INPUT, rather than a second delivery). A store whose
 * compare-and-set keeps refusing one step's write ends the run in a retryable TIMEOUT after
 * MAX_STALE_WRITES (5) refusals without the version moving, or MAX_REFUSED_WRITES (100) in all.
 *
 * @param {import('./run-payment.js').RunPaymentOptions} options
 * @returns {Promise<PaymentFlow>} the flow in its end state, `PAID` for a pending purchase, or,
 *   when another instance got ahead, the stored flow that instance is carrying on
 */
export async function runPayment(options) {
  const { verify, consume, deliver, complete, flag, maxConsumeAttempts = 3 } = options ?? /** @type {Partial<import('./run-payment.js').RunPaymentOptions>} */ ({});
  for (const [name, fn] of Object.entries({ verify, consume, deliver })) {
    if (typeof fn !== 'function') throw bad(`\`${name}\` must be a function`);
  }
  if (!Number.isInteger(maxConsumeAttempts) || maxConsumeAttempts < 1) {
    throw bad('`maxConsumeAttempts` must be a positive integer');
  }
  const db = await open(options);
  let current = db.flow;
  let version = db.version;

  /** The record as stored now, after a refused write. */
  const reload = async () => {
    const r = await db.load();
    if (r === null) throw new IapError('INVALID_STATE_TRANSITION', `runPayment: the flow of paymentSeq ${current.paymentSeq} was deleted while it ran`);
    current = r.flow;
    version = r.version;
  };

  /**
   * Applies `event` and writes the result. Returns the effects to perform now, or `null` when
   * the write was refused because another instance wrote first: then `current` is the stored
   * flow, and the caller stops unless the conflict rules say otherwise.
   * @param {FlowEvent} event
   * @returns {Promise<Effect[] | null>}
   */
  const write = async (event) => {
    const { flow: next, effects, duplicate } = current.apply(event);
    if (duplicate) return effects;
    if (await db.update(next, version)) {
      current = next;
      version += 1;
      return effects;
    }
    await reload();
    return null;
  };

  /**
   * Records an answer (a fact about the state it was asked in). On a conflict it is recorded on
   * the stored flow too, if that flow is still in the state the answer is for (another instance
   * re-sent the same consume, say); otherwise the other instance is ahead and `null` says stop.
   * A store that keeps refusing the write ends in a retryable TIMEOUT, bounded: MAX_STALE_WRITES
   * refusals after which the version did not move, MAX_REFUSED_WRITES refusals in all.
   * @param {FlowEvent} event
   * @returns {Promise<Effect[] | null>}
   */
  const record = async (event) => {
    let stale = 0;
    for (let refused = 0; ; refused++) {
      const awaited = current.state;
      const before = version;
      const effects = await write(event);
      if (effects !== null) return effects;
      if (current.state !== awaited) return null;
      // A refused compare-and-set means another write landed, so the version must have moved
      // on (a lagging read may show it still, or even an older one: counted alike).
      if (version <= before) stale += 1;
      else stale = 0;
      if (stale >= MAX_STALE_WRITES || refused + 1 >= MAX_REFUSED_WRITES) {
        throw new IapError(
          'TIMEOUT',
          `runPayment: the store refused ${refused + 1} writes of ${event.type} for paymentSeq ${current.paymentSeq}` +
            (stale > 0 ? ` (${stale} without its version moving from ${version})` : ''),
          { retryable: true, details: { paymentSeq: current.paymentSeq, state: current.state, version, refused: refused + 1, stale } },
        );
      }
      if (stale > 0) await pause(stale * 5); // a lagging read may catch up
    }
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
        const effect = effectOf(current.pendingEffects(), 'VERIFY');
        let verified;
        try {
          verified = await verify(effect, current);
        } catch (e) {
          // A store's verdict on the purchase ends the flow; a mistake (INVALID_ARGUMENT: a value
          // toPurchase does not take, a bad option; INVALID_STATE_TRANSITION) is not a verdict: it
          // propagates and leaves the flow in PAID, as any non-IapError does.
          if (e instanceof IapError && !e.retryable && !MISTAKES.has(e.code)) {
            if ((await record({ type: 'VERIFY_FAILED', reason: `${e.code}: ${e.message}` })) === null) return current;
            break;
          }
          throw e;
        }
        // Throws INVALID_ARGUMENT, outside the VERIFY_FAILED path, when `verify` returned
        // something no verifier made: that is a bug in the caller, not a bad purchase.
        // toPurchase also takes a Purchase it made (handed back as registered), which its generated
        // type, VerifiedValue, does not list.
        const purchase = toPurchase(/** @type {import('../web/iap_verify.js').VerifiedValue} */ (verified));
        if (purchase.state === 'PENDING') return current;
        /** @type {FlowEvent} */
        let event = { type: 'VERIFIED', purchase };
        try {
          current.apply(event); // only to ask the reducer whether the purchase fits (rule 6)
        } catch (e) {
          // A genuine purchase of another product or store, or one the store reports refunded.
          if (!(e instanceof IapError && e.code === 'INVALID_ARGUMENT')) throw e;
          event = { type: 'VERIFY_FAILED', reason: e.message };
        }
        if ((await record(event)) === null) return current;
        break;
      }
      case 'VERIFIED': {
        // A decision, not an answer: if another instance wrote first, it is the one consuming.
        const effects = await write({ type: 'CONSUME_REQUESTED' });
        if (effects === null) return current;
        consumeRequests += 1;
        if (!(await consumeOnce(effectOf(effects, 'CONSUME')))) return current;
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
        const effects = await write({ type: 'CONSUME_TIMEOUT' });
        if (effects === null) return current;
        consumeRequests += 1;
        if (!(await consumeOnce(effectOf(effects, 'CONSUME')))) return current;
        break;
      }
      case 'CONSUMED':
        if (!(await deliverOnce())) return current;
        break;
      case 'DELIVERED': {
        if (typeof complete === 'function') await complete(effectOf(current.pendingEffects(), 'COMPLETE'), current);
        if ((await record({ type: 'COMPLETED' })) === null) return current;
        break;
      }
      default:
        return current;
    }
  }

  /**
   * Sends one consume and records its answer; no answer leaves CONSUME_REQUESTED for a retry.
   * False when another instance is ahead (stop).
   * @param {Extract<Effect, { type: 'CONSUME' }>} effect
   */
  async function consumeOnce(effect) {
    try {
      await consume(effect, current);
    } catch (e) {
      if (isAlreadyConsumed(e)) {
        const effects = await record({ type: 'ALREADY_CONSUMED' });
        if (effects === null) return false;
        for (const fx of effects) {
          if (fx.type === 'FLAG' && typeof flag === 'function') await flag(fx, current);
        }
        return true;
      }
      if (isRetryable(e)) {
        if (consumeRequests >= maxConsumeAttempts) throw e;
        return true; // the loop sees CONSUME_REQUESTED and retries
      }
      throw e;
    }
    return (await record({ type: 'CONSUMED' })) !== null;
  }

  /** Delivers and records DELIVERED, in one transaction where the store has them. */
  async function deliverOnce() {
    if (!db.checkRecord || !db.deliverInTransaction) {
      await deliver(effectOf(current.pendingEffects(), 'DELIVER'), current, { transaction: undefined });
      return (await record({ type: 'DELIVERED' })) !== null;
    }
    const { checkRecord } = db;
    let delivered = false;
    /** @type {number | undefined} */
    let lockedVersion;
    const r = await db.deliverInTransaction(async (lockedRecord) => {
      // The record is locked: what it says now is what every other instance will see. It is
      // checked as `load`'s answer is (this payment's flow, a version that never goes back)
      // before anything is delivered on its word.
      const { flow: locked, version: v } = checkRecord(lockedRecord, 'the record `store.deliverInTransaction` locked', version);
      lockedVersion = v;
      if (locked.state !== 'CONSUMED') return null;
      await deliver(effectOf(locked.pendingEffects(), 'DELIVER'), locked, { transaction: lockedRecord.transaction });
      delivered = true;
      return locked.apply({ type: 'DELIVERED' }).flow.toJSON();
    });
    const after = checkRecord(r, 'the record `store.deliverInTransaction` resolved with', lockedVersion ?? version);
    // What fn returned was written in the lock's transaction: the record is now that flow, one
    // version up. Anything else (the write dropped, say) would deliver again on the next pass.
    if (delivered && (after.flow.state !== 'DELIVERED' || lockedVersion === undefined || after.version !== lockedVersion + 1)) {
      throw new IapError(
        'MALFORMED_INPUT',
        `runPayment: the item of paymentSeq ${current.paymentSeq} was delivered, but \`store.deliverInTransaction\` did not record DELIVERED (it answered ${after.flow.state}, version ${after.version}, for the write over version ${lockedVersion})`,
        { details: { paymentSeq: current.paymentSeq, state: after.flow.state, version: after.version, lockedVersion } },
      );
    }
    current = after.flow;
    version = after.version;
    return delivered;
  }
}

/**
 * The flow and the three operations runPayment needs, over a store or over the `save` callback.
 * `flow` and `version` are where the run starts.
 * @param {import('./run-payment.js').RunPaymentOptions} options
 * @returns {Promise<Db>}
 */
async function open(options) {
  const { flow, store, save } = options;
  if (store === undefined) {
    if (typeof save !== 'function') throw bad('give a `store`, or a `flow` with a `save` function');
    if (flow === undefined) throw bad('`flow` is required with `save`');
    return {
      flow: flow instanceof PaymentFlow ? flow : PaymentFlow.fromJSON(flow),
      version: 0,
      update: async (/** @type {PaymentFlow} */ next) => {
        await save(next.toJSON());
        return true;
      },
      load: async () => null,
    };
  }
  if (save !== undefined) throw bad('give either `store` or `save`, not both');
  if (store === null || typeof store !== 'object') throw bad('`store` must be a flow store object');
  for (const name of /** @type {const} */ (['load', 'insert', 'update'])) {
    if (typeof store[name] !== 'function') throw bad(`\`store.${name}\` must be a function`);
  }
  const given = flow === undefined ? undefined : flow instanceof PaymentFlow ? flow : PaymentFlow.fromJSON(flow);
  const paymentSeq = options.paymentSeq ?? given?.paymentSeq;
  if (typeof paymentSeq !== 'string' || paymentSeq === '') throw bad('`paymentSeq` (or `flow`) is required with `store`');
  if (given && given.paymentSeq !== paymentSeq) {
    throw bad('`flow` is for another payment than `paymentSeq`', { paymentSeq, flowPaymentSeq: given.paymentSeq });
  }
  /**
   * A record from the store, checked: an object with a positive integer version (at least
   * `minVersion`: versions never go back) and a flow of this payment. `what` names it in errors.
   * @param {unknown} given
   * @param {string} what
   * @returns {Checked}
   */
  const checkRecord = (given, what, minVersion = 1) => {
    const r = /** @type {{ flow?: unknown, version?: unknown } | null} */ (given);
    if (r === null || typeof r !== 'object' || typeof r.version !== 'number' || !Number.isSafeInteger(r.version) || r.version < 1) {
      throw bad(`${what} must be { flow, version } with a positive integer version`);
    }
    // fromJSON checks the flow itself (a PaymentFlowJSON, or its text).
    const f = PaymentFlow.fromJSON(/** @type {PaymentFlowJSON} */ (r.flow));
    if (f.paymentSeq !== paymentSeq) {
      throw new IapError('MALFORMED_INPUT', `runPayment: ${what} is the flow of payment ${f.paymentSeq}, not of ${paymentSeq}`, {
        details: { paymentSeq, flowPaymentSeq: f.paymentSeq },
      });
    }
    if (r.version < minVersion) {
      throw new IapError('MALFORMED_INPUT', `runPayment: ${what} has version ${r.version}, older than version ${minVersion} seen before`, {
        details: { paymentSeq, version: r.version, seen: minVersion },
      });
    }
    return { flow: f, version: r.version };
  };
  const { deliverInTransaction } = store;
  /** @returns {Promise<Checked | null>} */
  const load = async () => {
    const r = await store.load(paymentSeq);
    if (r === null || r === undefined) return null;
    return checkRecord(r, 'the record `store.load` resolved with');
  };
  let start = await load();
  if (start === null) {
    if (!given) throw bad(`no flow is stored for paymentSeq ${paymentSeq} (give \`flow\` to insert it)`, { paymentSeq });
    // Two instances may insert at once: one wins, and both go on from what is stored.
    if ((await store.insert(paymentSeq, given.toJSON())) === true) start = { flow: given, version: 1 };
    else start = await load();
    if (start === null) throw new IapError('INVALID_STATE_TRANSITION', `runPayment: store.insert refused paymentSeq ${paymentSeq} but nothing is stored`);
  }
  return {
    ...start,
    load,
    checkRecord,
    update: async (/** @type {PaymentFlow} */ next, /** @type {number} */ expected) => (await store.update(paymentSeq, next.toJSON(), expected)) === true,
    deliverInTransaction: typeof deliverInTransaction === 'function' ? (fn) => deliverInTransaction.call(store, paymentSeq, fn) : undefined,
  };
}
