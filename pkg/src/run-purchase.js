// runPurchase: the async driver of a PurchaseFlow, for every store. The core decides (the flow's
// `next()` and `apply`); this file performs effects in order, writing the flow before each one,
// through a per-store adapter (adapters.js) for verify and settle, and a purchase store
// (purchase-store.js, postgres.js) keyed by (store, storeId).
import { PurchaseFlow, toPurchase } from '../web/iap_verify.js';
import { IapError } from './error.js';

/** @typedef {import('../web/iap_verify.js').PurchaseEffect} PurchaseEffect */
/** @typedef {import('../web/iap_verify.js').PurchaseEvent} PurchaseEvent */
/** @typedef {import('../web/iap_verify.js').PurchaseFlowJSON} PurchaseFlowJSON */
/** @typedef {import('./run-purchase.js').PurchaseAdapter} PurchaseAdapter */
/** @typedef {import('./run-purchase.js').PurchaseStore} PurchaseStore */

/**
 * @param {string} message
 * @param {Record<string, unknown>} [details]
 */
const bad = (message, details) => new IapError('INVALID_ARGUMENT', `runPurchase: ${message}`, details ? { details } : {});

/** No answer: retry the settle (the flow records SETTLE_TIMEOUT first). */
export const isRetryable = (/** @type {unknown} */ e) => /** @type {{ retryable?: unknown } | null} */ (e ?? {})?.retryable === true;

const MAX_REFUSED_WRITES = 100;

/**
 * The key of a purchase in the ledger: `NHN` for a payment through NHN, else the store code.
 * @param {PurchaseFlow} flow
 */
const keyOf = (flow) => /** @type {const} */ ([flow.ledgerStore, flow.storeId]);

/**
 * A record from the store, checked: `{ flow, version }` with a positive integer version (never
 * older than `min`) and the flow of this purchase.
 * @param {unknown} given
 * @param {readonly [string, string]} key
 * @param {number} [min]
 */
function checkRecord(given, key, min = 1) {
  const r = /** @type {{ flow?: unknown, version?: unknown } | null} */ (given);
  if (r === null || typeof r !== 'object' || typeof r.version !== 'number' || !Number.isSafeInteger(r.version) || r.version < min) {
    throw new IapError('MALFORMED_INPUT', `runPurchase: the store answered a record without a version at least ${min} for ${key.join(' ')}`);
  }
  const flow = PurchaseFlow.fromJSON(/** @type {PurchaseFlowJSON} */ (r.flow));
  const [store, id] = keyOf(flow);
  if (store !== key[0] || id !== key[1]) {
    throw new IapError('MALFORMED_INPUT', `runPurchase: the store answered the record of ${store} ${id} for ${key.join(' ')}`);
  }
  return { flow, version: r.version };
}

/**
 * Runs a purchase to its end for any store: verify → deliver exactly once → settle → complete
 * (NHN: settle first). See run-purchase.d.ts for the options and docs/purchase-lifecycle.md.
 * @param {import('./run-purchase.js').RunPurchaseOptions} options
 * @returns {Promise<PurchaseFlow>}
 */
export async function runPurchase(options) {
  const { store, adapter, deliver, flag, complete, catalog, maxSettleAttempts = 3 } = options ?? /** @type {any} */ ({});
  if (store === null || typeof store !== 'object') throw bad('`store` must be a purchase store');
  for (const name of /** @type {const} */ (['load', 'insert', 'update'])) {
    if (typeof store[name] !== 'function') throw bad(`\`store.${name}\` must be a function`);
  }
  if (adapter === null || typeof adapter !== 'object' || typeof adapter.verify !== 'function' || typeof adapter.settle !== 'function') {
    throw bad('`adapter` must have `verify` and `settle` (googlePlayAdapter, oneStoreAdapter, appStoreAdapter, nhnAdapter)');
  }
  if (typeof deliver !== 'function') throw bad('`deliver` must be a function');
  if (!Number.isInteger(maxSettleAttempts) || maxSettleAttempts < 1) throw bad('`maxSettleAttempts` must be a positive integer');

  /** @type {readonly [string, string]} */
  let key;
  /** @type {PurchaseFlow} */
  let current;
  /** @type {number} */
  let version;
  if (options.purchase !== undefined) {
    const p = options.purchase;
    const entry = catalog?.[p?.productId];
    if (!entry) throw bad(`product ${JSON.stringify(p?.productId)} is not in the catalog`, { productId: p?.productId });
    const started = PurchaseFlow.start({ ...p, kind: entry.kind, ...(entry.finish ? { finish: true } : {}) });
    key = keyOf(started);
    const stored = await store.load(...key);
    if (stored != null) ({ flow: current, version } = checkRecord(stored, key));
    else if ((await store.insert(...key, started.toJSON())) === true) [current, version] = [started, 1];
    else {
      const again = await store.load(...key);
      if (again == null) throw new IapError('INVALID_STATE_TRANSITION', `runPurchase: store.insert refused ${key.join(' ')} but nothing is stored`);
      ({ flow: current, version } = checkRecord(again, key));
    }
  } else {
    const { key: k } = options;
    if (!Array.isArray(k) || k.length !== 2 || !k.every((s) => typeof s === 'string' && s !== '')) throw bad('give `purchase` (to start) or `key: [store, storeId]` (to resume)');
    key = /** @type {[string, string]} */ (k);
    const stored = await store.load(...key);
    if (stored == null) throw bad(`no purchase is stored for ${key.join(' ')}`);
    ({ flow: current, version } = checkRecord(stored, key));
  }
  let refused = 0;

  const reload = async () => {
    const r = await store.load(...key);
    if (r == null) throw new IapError('INVALID_STATE_TRANSITION', `runPurchase: ${key.join(' ')} was deleted while it ran`);
    ({ flow: current, version } = checkRecord(r, key, version));
  };

  /**
   * Applies `event`, writes the result (compare-and-set), and returns the effects, or null when
   * another instance wrote first (then `current` is what it wrote).
   * @param {PurchaseEvent} event
   * @returns {Promise<PurchaseEffect[] | null>}
   */
  const write = async (event) => {
    const applied = current.apply(event);
    if (applied.duplicate) return [];
    if ((await store.update(...key, applied.flow.toJSON(), version)) === true) {
      current = applied.flow;
      version += 1;
      return applied.effects;
    }
    if (++refused > MAX_REFUSED_WRITES) throw new IapError('TIMEOUT', `runPurchase: ${MAX_REFUSED_WRITES} writes of ${key.join(' ')} refused`, { retryable: true });
    await reload();
    return null;
  };

  /** @param {PurchaseEffect[]} effects */
  const sideEffects = async (effects) => {
    for (const e of effects) if (e.type === 'FLAG' && typeof flag === 'function') await flag(e, current);
  };

  /** Settles: the SETTLE effect just recorded, retried on no answer. Returns false when another instance got ahead. */
  const settle = async (/** @type {PurchaseEffect[]} */ effects) => {
    let effect = effects.find((e) => e.type === 'SETTLE');
    while (effect && effect.type === 'SETTLE') {
      /** @type {'SETTLED' | 'ALREADY_SETTLED'} */
      let answer;
      try {
        answer = await adapter.settle(effect, current);
      } catch (e) {
        if (!isRetryable(e) || effect.attempt >= maxSettleAttempts) throw e; // the record stays SETTLE_REQUESTED: unsettled() lists it
        const next = await write({ type: 'SETTLE_TIMEOUT' });
        if (next === null) return false;
        effect = next.find((x) => x.type === 'SETTLE');
        continue;
      }
      if (answer !== 'SETTLED' && answer !== 'ALREADY_SETTLED') throw bad(`adapter.settle answered ${String(answer)}, not SETTLED or ALREADY_SETTLED`);
      // The store's answer is recorded even when another instance wrote meanwhile (it is the
      // answer that instance awaits too), as long as the record still waits for one.
      for (;;) {
        const next = await write({ type: answer });
        if (next !== null) {
          await sideEffects(next);
          return true;
        }
        if (current.state !== 'SETTLE_REQUESTED') return false;
      }
    }
    return true;
  };

  const deliverNow = async () => {
    const item = catalog?.[current.productId]?.deliver;
    if (typeof store.deliverInTransaction === 'function') {
      let delivered = false;
      /** @type {number | undefined} */
      let lockedVersion;
      const r = await store.deliverInTransaction(...key, async (/** @type {any} */ locked) => {
        const l = checkRecord(locked, key, version);
        lockedVersion = l.version;
        if (l.flow.next() !== 'DELIVER') return null;
        await deliver(l.flow.deliverEffect(), l.flow, { transaction: locked.transaction, item });
        delivered = true;
        return l.flow.apply({ type: 'DELIVERED' }).flow.toJSON();
      });
      const after = checkRecord(r, key, lockedVersion ?? version);
      if (delivered && (!after.flow.delivered || lockedVersion === undefined || after.version !== lockedVersion + 1)) {
        throw new IapError('MALFORMED_INPUT', `runPurchase: ${key.join(' ')} was delivered but the store did not record DELIVERED`);
      }
      ({ flow: current, version } = after);
      return;
    }
    await deliver(current.deliverEffect(), current, { transaction: undefined, item });
    if ((await write({ type: 'DELIVERED' })) === null && !current.delivered) {
      throw new IapError('INVALID_STATE_TRANSITION', `runPurchase: ${key.join(' ')} was delivered but another instance's write won`);
    }
  };

  // Conflict rule: a write refused because another instance wrote first stops this run (the
  // other instance is ahead and carries the purchase on), except a settle's answer, which is
  // recorded (above). The run returns the stored flow.
  // WAIT (pending at the store) ends a run once this run has asked the store; a new run asks again.
  // REVOKE (a refund whose revoke is owed) ends a run too: applyRefund and revokeUnrevoked revoke.
  let verified = false;
  for (let steps = 0; steps < 50; steps++) {
    const step = current.next();
    if (step === 'NONE' || step === 'REVOKE' || (step === 'WAIT' && verified)) return current;
    if (step === 'VERIFY' || step === 'WAIT') {
      verified = true;
      const verdict = await adapter.verify(current);
      /** @type {PurchaseEvent} */
      let event;
      if (verdict?.refused !== undefined) event = { type: 'VERIFY_FAILED', reason: String(verdict.refused) };
      else if (verdict?.pending === true) event = { type: 'PENDING' };
      else if (verdict?.purchase !== undefined) {
        const purchase = toPurchase(/** @type {any} */ (verdict.purchase));
        if (purchase.state === 'PENDING') event = { type: 'PENDING' };
        else if (purchase.state === 'CANCELED' || purchase.state === 'REFUNDED') event = { type: 'VERIFY_FAILED', reason: `the store says the purchase is ${purchase.state}` };
        else if (purchase.state !== 'PURCHASED') {
          // A state the store's answer leaves unsaid, or one this version does not know: not a
          // verdict on the purchase, so loud and never terminal.
          throw new IapError('MALFORMED_INPUT', `runPurchase: the store's answer does not say whether ${key.join(' ')} is paid (state ${purchase.state}); the record stays ${current.state}`, { details: { state: purchase.state } });
        } else event = { type: 'VERIFIED', purchase };
      } else throw bad('adapter.verify must answer { purchase }, { pending: true } or { refused: reason }');
      if ((await write(event)) === null) return current;
      if (event.type === 'VERIFIED' && verdict.settled === true) {
        const effects = await write({ type: 'ALREADY_SETTLED' });
        if (effects === null) return current;
        await sideEffects(effects);
      }
      continue;
    }
    if (step === 'REQUEST_SETTLE' || step === 'RETRY_SETTLE') {
      const effects = await write({ type: step === 'REQUEST_SETTLE' ? 'SETTLE_REQUESTED' : 'SETTLE_TIMEOUT' });
      if (effects === null || !(await settle(effects))) return current;
      continue;
    }
    if (step === 'DELIVER') {
      await deliverNow();
      continue;
    }
    if (step === 'COMPLETE') {
      if (typeof complete === 'function') await complete(current);
      if ((await write({ type: 'COMPLETED' })) === null) return current;
      continue;
    }
  }
  throw new IapError('INVALID_STATE_TRANSITION', `runPurchase: ${key.join(' ')} did not reach an end in 50 steps`);
}

// Where a store's notification event lands in the ledger (applyRefund's `event`, and
// createNotificationHandler's ledger step): which records it may name, and what it does to them.
/**
 * The ledger keys an event may name, most specific first: App Store: the transaction, then its
 * original transaction (a subscription's record is kept under the first purchase's id, and its
 * renewals and their refunds name later transactions); Google Play and ONE store: the purchase
 * token (which a subscription keeps across renewals). Empty when the event names no purchase.
 * @param {import('../web/iap_verify.js').StoreEvent} event
 * @returns {Array<[string, string]>}
 */
export function ledgerKeys(event) {
  /** @type {Array<[string, string]>} */
  const keys = [];
  /** @param {unknown} id */
  const add = (id) => {
    if (typeof id === 'string' && id !== '' && !keys.some(([, k]) => k === id)) keys.push([event.store, id]);
  };
  if (event.store === 'AS') {
    add(event.purchase?.transactionId ?? event.orderId);
    add(event.purchase?.originalTransactionId);
  } else if (event.store === 'GG' || event.store === 'ONESTORE') {
    add(event.purchaseToken);
  }
  return keys;
}

/**
 * The reason a refund event leaves on its record: the store, its type and the store's reason.
 * @param {import('../web/iap_verify.js').StoreEvent} event
 */
export function refundReason(event) {
  const why = event.reason === undefined ? '' : ` (${event.reason})`;
  return `${event.store} ${event.storeType}${why}, notification ${event.id}`.slice(0, 500);
}

/** The event types that take back what was delivered. */
export const REVOKING = new Set(['REFUNDED', 'REVOKED']);
/** The event types that extend a subscription's paid period. */
export const RENEWING = new Set(['RENEWED', 'RECOVERED']);

/**
 * Applies a store's refund, void or revocation to its record: the record is written REFUNDED
 * with the revoke owed (`revokePending`), then `revoke` is called for what was delivered and
 * REVOKED recorded (revokeOwed). When `revoke` throws, the error goes up and the record stays
 * owed: a second notice of the refund, or revokeUnrevoked, asks again; once REVOKED is recorded a
 * second notice is a duplicate. Resolves with the flow, or null when
 * no record is stored for the key. Give the record's `key`, or the store's notification as
 * `event` (a StoreEvent of type REFUNDED or REVOKED: its record is found by ledgerKeys and its
 * reason written from the event).
 * @param {{ store: PurchaseStore, key?: readonly [string, string], event?: import('../web/iap_verify.js').StoreEvent, reason?: string,
 *   revoke: Revoke }} options
 */
export async function applyRefund({ store, key, event, reason, revoke }) {
  if (typeof revoke !== 'function') throw bad('`revoke` must be a function');
  if (event !== undefined) {
    if (key !== undefined) throw bad('give `key` or `event`, not both');
    if (event === null || typeof event !== 'object' || !REVOKING.has(event.type)) throw bad('`event` must be a REFUNDED or REVOKED StoreEvent');
    for (const k of ledgerKeys(event)) {
      const flow = await refundAt(store, k, reason ?? refundReason(event), revoke);
      if (flow !== null) return flow;
    }
    return null;
  }
  if (key === undefined) throw bad('give `key: [store, storeId]` or `event`');
  return refundAt(store, key, reason, revoke);
}

/** @typedef {(effect: import('../web/iap_verify.js').PurchaseEffectOf<'REVOKE'>, flow: PurchaseFlow, context: { transaction: unknown }) => unknown} Revoke */

/**
 * applyRefund of one record: REFUNDED written first (the revoke owed), then the owed revoke. A
 * refund of a record whose revoke is still owed writes nothing and retries the revoke.
 * @param {PurchaseStore} store
 * @param {readonly [string, string]} key
 * @param {string | undefined} reason
 * @param {Revoke} revoke
 * @returns {Promise<PurchaseFlow | null>}
 */
async function refundAt(store, key, reason, revoke) {
  for (let i = 0; i < MAX_REFUSED_WRITES; i++) {
    const r = await store.load(...key);
    if (r == null) return null;
    const { flow, version } = checkRecord(r, key);
    const applied = flow.apply(reason === undefined ? { type: 'REFUNDED' } : { type: 'REFUNDED', reason });
    if (applied.duplicate) return flow;
    if (flow.state !== 'REFUNDED' && (await store.update(...key, applied.flow.toJSON(), version)) !== true) continue;
    if (!applied.effects.some((e) => e.type === 'REVOKE')) return applied.flow;
    return (await revokeOwed(store, key, revoke)) ?? applied.flow;
  }
  throw new IapError('TIMEOUT', `applyRefund: writes of ${key.join(' ')} kept being refused`, { retryable: true });
}

/**
 * Performs a record's owed REVOKE and records REVOKED, as DELIVER is performed: under the
 * record's lock, in the transaction that writes REVOKED (`context.transaction`), when the store has
 * `deliverInTransaction`, so racing instances revoke once; else `revoke` then a compare-and-set
 * write, idempotent on (effect.store, effect.storeId). A `revoke` that throws rejects with its
 * error and leaves the record owed. Resolves with the flow (unchanged when nothing was owed), or
 * null when nothing is stored for the key.
 * @param {PurchaseStore} store
 * @param {readonly [string, string]} key
 * @param {Revoke} revoke
 * @returns {Promise<PurchaseFlow | null>}
 */
async function revokeOwed(store, key, revoke) {
  if (typeof store.deliverInTransaction === 'function') {
    if ((await store.load(...key)) == null) return null;
    let revoked = false;
    /** @type {number | undefined} */
    let lockedVersion;
    const r = await store.deliverInTransaction(...key, async (/** @type {any} */ locked) => {
      const l = checkRecord(locked, key);
      lockedVersion = l.version;
      if (l.flow.next() !== 'REVOKE') return null;
      await revoke(l.flow.revokeEffect(), l.flow, { transaction: locked.transaction });
      revoked = true;
      return l.flow.apply({ type: 'REVOKED' }).flow.toJSON();
    });
    const after = checkRecord(r, key, lockedVersion ?? 1);
    if (revoked && (after.flow.revokePending || lockedVersion === undefined || after.version !== lockedVersion + 1)) {
      throw new IapError('MALFORMED_INPUT', `applyRefund: ${key.join(' ')} was revoked but the store did not record REVOKED`);
    }
    return after.flow;
  }
  let revoked = false;
  for (let i = 0; i < MAX_REFUSED_WRITES; i++) {
    const r = await store.load(...key);
    if (r == null) return null;
    const { flow, version } = checkRecord(r, key);
    if (flow.next() !== 'REVOKE') return flow;
    if (!revoked) {
      await revoke(flow.revokeEffect(), flow, { transaction: undefined });
      revoked = true;
    }
    const applied = flow.apply({ type: 'REVOKED' });
    if ((await store.update(...key, applied.flow.toJSON(), version)) === true) return applied.flow;
  }
  throw new IapError('TIMEOUT', `applyRefund: writes of REVOKED for ${key.join(' ')} kept being refused`, { retryable: true });
}

/**
 * The revoke sweeper: performs every owed REVOKE the store lists (`unrevoked()`: refunded after
 * delivery, REVOKED not recorded, say because the process died between the two or `revoke`
 * threw), oldest refund first. One failure does not stop the others; it is reported in `failed`.
 * @param {{ store: PurchaseStore, revoke: Revoke, limit?: number }} options
 */
export async function revokeUnrevoked({ store, revoke, limit = 100 } = /** @type {any} */ ({})) {
  if (typeof store?.unrevoked !== 'function') throw bad('`store.unrevoked` must be a function');
  if (typeof revoke !== 'function') throw bad('`revoke` must be a function');
  const rows = await store.unrevoked({ limit });
  /** @type {Array<{ store: string, storeId: string }>} */
  const revoked = [];
  /** @type {Array<{ store: string, storeId: string, error: unknown }>} */
  const failed = [];
  for (const row of rows) {
    const at = { store: row.store, storeId: row.storeId };
    try {
      const flow = await revokeOwed(store, [row.store, row.storeId], revoke);
      if (flow !== null && !flow.revokePending) revoked.push(at);
      else failed.push({ ...at, error: new IapError('INVALID_STATE_TRANSITION', flow === null ? 'deleted' : 'still owed') });
    } catch (error) {
      failed.push({ ...at, error });
    }
  }
  return { revoked, failed };
}

/**
 * Applies a subscription's renewal to its record (RENEWED: the renewal count, its time, the paid
 * period's end). Resolves with the flow (unchanged for a renewal at or before the last one
 * applied), or null when no record is stored for the key.
 * @param {{ store: PurchaseStore, key: readonly [string, string], at: number, expiresAt?: number }} options
 */
export async function applyRenewal({ store, key, at, expiresAt }) {
  for (let i = 0; i < MAX_REFUSED_WRITES; i++) {
    const r = await store.load(...key);
    if (r == null) return null;
    const { flow, version } = checkRecord(r, key);
    const applied = flow.apply(expiresAt === undefined ? { type: 'RENEWED', at } : { type: 'RENEWED', at, expiresAt });
    if (applied.duplicate) return flow;
    if ((await store.update(...key, applied.flow.toJSON(), version)) === true) return applied.flow;
  }
  throw new IapError('TIMEOUT', `applyRenewal: writes of ${key.join(' ')} kept being refused`, { retryable: true });
}

/**
 * Reopens a VERIFY_FAILED or CONSUMED_ELSEWHERE record an operator decided to reopen: `by` and
 * `reason` stay on the record. Run `runPurchase({ key })` afterwards to carry it on.
 * @param {{ store: PurchaseStore, key: readonly [string, string], by: string, reason: string }} options
 */
export async function reopenPurchase({ store, key, by, reason }) {
  const r = await store.load(...key);
  if (r == null) throw bad(`no purchase is stored for ${key.join(' ')}`);
  const { flow, version } = checkRecord(r, key);
  const applied = flow.apply({ type: 'REOPENED', by, reason });
  if ((await store.update(...key, applied.flow.toJSON(), version)) !== true) {
    throw new IapError('INVALID_STATE_TRANSITION', `reopenPurchase: ${key.join(' ')} changed while reopening; look again`);
  }
  return applied.flow;
}

/**
 * The sweeper: settles every delivered-but-unsettled purchase the store lists (`unsettled()`),
 * soonest deadline first, each through `runPurchase({ key })`. One failure does not stop the
 * others; it is reported in `failed`.
 * @param {Omit<import('./run-purchase.js').RunPurchaseOptions, 'purchase' | 'key' | 'adapter'> & { adapters: Record<string, PurchaseAdapter>, limit?: number }} options
 */
export async function settleUnsettled(options) {
  const { store, adapters, limit = 100 } = options;
  if (typeof store?.unsettled !== 'function') throw bad('`store.unsettled` must be a function');
  const rows = await store.unsettled({ limit });
  /** @type {Array<{ store: string, storeId: string }>} */
  const settled = [];
  /** @type {Array<{ store: string, storeId: string, error: unknown }>} */
  const failed = [];
  for (const row of rows) {
    const adapter = adapters[row.store];
    try {
      if (!adapter) throw bad(`no adapter for store ${row.store}`);
      const flow = await runPurchase({ ...options, adapter, key: [row.store, row.storeId] });
      if (flow.settled) settled.push({ store: row.store, storeId: row.storeId });
      else failed.push({ store: row.store, storeId: row.storeId, error: new IapError('INVALID_STATE_TRANSITION', `still ${flow.state}`) });
    } catch (error) {
      failed.push({ store: row.store, storeId: row.storeId, error });
    }
  }
  return { settled, failed };
}

/**
 * Applies a Google Play `listVoidedPurchases` answer (or its `voidedPurchases` array) to the
 * ledger: each voided purchase stored under `['GG', purchaseToken]` is refunded and `revoke`
 * called for what was delivered until REVOKED is recorded (applyRefund): reading the list again
 * after a `revoke` that threw asks again; after REVOKED, never. Purchases the ledger does not
 * hold are returned in `unknown`. One failure does not stop the others (one purchase whose revoke
 * keeps throwing must not hold back every refund listed after it): it is reported in `failed`,
 * and a refund recorded before its revoke threw stays owed (`store.unrevoked()`).
 * @param {{ store: PurchaseStore, voided: unknown, revoke: Revoke }} options
 */
export async function applyVoidedPurchases({ store, voided, revoke }) {
  const list = Array.isArray(voided) ? voided : /** @type {{ voidedPurchases?: unknown } | null} */ (voided)?.voidedPurchases ?? [];
  if (!Array.isArray(list)) throw bad('`voided` must be a listVoidedPurchases answer or its voidedPurchases array');
  // The whole answer is checked before anything is applied.
  for (const v of list) {
    if (typeof v?.purchaseToken !== 'string' || v.purchaseToken === '') throw bad('a voided purchase without a purchaseToken');
  }
  /** @type {string[]} */
  const applied = [];
  /** @type {string[]} */
  const unknown = [];
  /** @type {Array<{ purchaseToken: string, error: unknown }>} */
  const failed = [];
  for (const v of list) {
    const token = /** @type {string} */ (v.purchaseToken);
    const reason = `voided by Google Play (voidedReason ${v.voidedReason ?? '?'}, voidedSource ${v.voidedSource ?? '?'})`;
    try {
      const flow = await applyRefund({ store, key: ['GG', token], reason, revoke });
      (flow === null ? unknown : applied).push(token);
    } catch (error) {
      failed.push({ purchaseToken: token, error });
    }
  }
  return { applied, unknown, failed };
}
