// Purchase stores: the ledger runPurchase keeps its flows in, keyed by (store, storeId): `NHN` +
// paymentSeq, `GG` / `ONESTORE` + purchase token, `AS` + transaction id. Writes are
// compare-and-set on a version, as for flow stores (flow-store.js). Beside the flow, a store keeps
// the columns the ledger's questions need (ledgerColumns), stamped when a write first shows them:
//   load(store, storeId)                     → { flow, version } | null
//   insert(store, storeId, flow)             → true when stored as version 1, false when one exists
//   update(store, storeId, flow, expected)   → true when the stored version was `expected`
//   deliverInTransaction(store, storeId, fn) → as a flow store's, for one purchase
//   purchase(store, storeId)                 → LedgerEntry | null
//   purchasesOf(userId)                      → LedgerEntry[] (every store; newest first)
//   unsettled({ limit })                     → [{ store, storeId, acknowledgeBy }] delivered, not
//                                              settled, soonest deadline first (the sweeper's list)
//   unrevoked({ limit })                     → [{ store, storeId, refundedAt }] refunded after
//                                              delivery with the REVOKE still owed (revokePending),
//                                              oldest refund first (revokeUnrevoked's list)
import { IapError } from './error.js';

const DAY = 86_400_000;

/**
 * What the ledger keeps beside a stored flow, read from its JSON (a PurchaseFlowJSON, or a
 * runPayment PaymentFlowJSON, whose `paymentSeq` is its NHN id): who, what, the state, and whether
 * it waits for a settle, with the store's deadline (the purchase's `acknowledgeBy`, else its
 * purchase time plus three days, as PurchaseFlow.acknowledgeBy says).
 * @param {any} flow
 */
export function ledgerColumns(flow) {
  if (flow === null || typeof flow !== 'object' || typeof flow.state !== 'string') {
    throw new IapError('INVALID_ARGUMENT', 'purchase store: `flow` must be the object from flow.toJSON()');
  }
  const purchaseFlow = typeof flow.storeId === 'string';
  const settles = purchaseFlow && !flow.nhn && (flow.settle === 'CONSUME' || flow.settle === 'ACKNOWLEDGE');
  const unsettled = settles && flow.delivered === true && flow.settled !== true && (flow.state === 'DELIVERED' || flow.state === 'SETTLE_REQUESTED');
  const p = flow.purchase;
  const acknowledgeBy = settles && p ? (typeof p.acknowledgeBy === 'number' ? p.acknowledgeBy : p.purchaseTime + 3 * DAY) : null;
  return {
    userId: typeof flow.userId === 'string' ? flow.userId : null,
    productId: String(flow.productId),
    state: flow.state,
    flagged: flow.flagged === true,
    delivered: flow.delivered === true,
    settled: purchaseFlow ? flow.settled === true : flow.state === 'COMPLETED' || (flow.consumeAttempts > 0 && flow.delivered === true),
    refunded: flow.state === 'REFUNDED',
    unrevoked: purchaseFlow && flow.state === 'REFUNDED' && flow.revokePending === true,
    unsettled,
    acknowledgeBy: unsettled ? acknowledgeBy : null,
  };
}

/**
 * @param {unknown} store
 * @param {unknown} storeId
 */
function checkKey(store, storeId) {
  if (typeof store !== 'string' || store === '' || typeof storeId !== 'string' || storeId === '') {
    throw new IapError('INVALID_ARGUMENT', 'purchase store: `store` and `storeId` must be non-empty strings');
  }
  return `${store}\u0000${storeId}`;
}

/**
 * Every store's `unsettled` and `unrevoked` read at most `limit` rows: a positive integer.
 * @param {unknown} limit
 * @param {string} [who] the store, as its errors name it
 */
export function checkLimit(limit, who = 'purchase store') {
  if (!Number.isSafeInteger(limit) || /** @type {number} */ (limit) < 1) {
    throw new IapError('INVALID_ARGUMENT', `${who}: \`limit\` must be a positive integer`);
  }
}

/**
 * An in-memory purchase store with the whole contract: for tests, the demo and one process.
 * @returns {import('./purchase-store.js').MemoryPurchaseStore}
 */
export function createMemoryPurchaseStore({ now = Date.now } = {}) {
  /** @type {Map<string, any>} */
  const rows = new Map();
  /** @type {Map<string, Promise<unknown>>} */
  const locks = new Map();
  /**
   * @template T
   * @param {string} k
   * @param {() => T | Promise<T>} fn
   * @returns {Promise<T>}
   */
  const locked = async (k, fn) => {
    const before = locks.get(k) ?? Promise.resolve();
    /** @type {() => void} */
    let release = () => {};
    const mine = new Promise((resolve) => {
      release = () => resolve(undefined);
    });
    const tail = before.then(() => mine);
    locks.set(k, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (locks.get(k) === tail) locks.delete(k);
    }
  };
  /**
   * The row after writing `flow` over `row` (or a new one): the columns, and the instants a write
   * first showed delivered / settled / refunded.
   * @param {string} store @param {string} storeId @param {any} flow @param {any} [row]
   */
  const next = (store, storeId, flow, row) => {
    const c = ledgerColumns(flow);
    const t = now();
    return {
      store,
      storeId,
      flow: structuredClone(flow),
      version: row ? row.version + 1 : 1,
      ...c,
      createdAt: row?.createdAt ?? t,
      updatedAt: t,
      deliveredAt: row?.deliveredAt ?? (c.delivered ? t : null),
      settledAt: row?.settledAt ?? (c.settled ? t : null),
      refundedAt: row?.refundedAt ?? (c.refunded ? t : null),
    };
  };
  /** @param {any} r */
  const entry = (r) => ({
    store: r.store,
    storeId: r.storeId,
    userId: r.userId,
    productId: r.productId,
    state: r.state,
    flagged: r.flagged,
    createdAt: r.createdAt,
    deliveredAt: r.deliveredAt,
    settledAt: r.settledAt,
    refundedAt: r.refundedAt,
    acknowledgeBy: r.acknowledgeBy,
  });
  return {
    async load(store, storeId) {
      const r = rows.get(checkKey(store, storeId));
      return r ? { flow: structuredClone(r.flow), version: r.version } : null;
    },
    async insert(store, storeId, flow) {
      const k = checkKey(store, storeId);
      const row = next(store, storeId, flow);
      return locked(k, () => {
        if (rows.has(k)) return false;
        rows.set(k, row);
        return true;
      });
    },
    async update(store, storeId, flow, expectedVersion) {
      const k = checkKey(store, storeId);
      ledgerColumns(flow);
      return locked(k, () => {
        const r = rows.get(k);
        if (!r || r.version !== expectedVersion) return false;
        rows.set(k, next(store, storeId, flow, r));
        return true;
      });
    },
    async deliverInTransaction(store, storeId, fn) {
      const k = checkKey(store, storeId);
      return locked(k, async () => {
        const r = rows.get(k);
        if (!r) throw new IapError('INVALID_ARGUMENT', `purchase store: nothing stored for ${store} ${storeId}`);
        const flow = await fn({ flow: structuredClone(r.flow), version: r.version, transaction: undefined });
        if (flow != null) rows.set(k, next(store, storeId, flow, r));
        const now = rows.get(k);
        return { flow: structuredClone(now.flow), version: now.version };
      });
    },
    async purchase(store, storeId) {
      const r = rows.get(checkKey(store, storeId));
      return r ? entry(r) : null;
    },
    async purchasesOf(userId) {
      if (typeof userId !== 'string' || userId === '') throw new IapError('INVALID_ARGUMENT', 'purchase store: `userId` must be a non-empty string');
      return [...rows.values()].filter((r) => r.userId === userId).sort((a, b) => b.createdAt - a.createdAt).map(entry);
    },
    async unsettled({ limit = 100 } = {}) {
      checkLimit(limit);
      return [...rows.values()]
        .filter((r) => r.unsettled)
        .sort((a, b) => a.acknowledgeBy - b.acknowledgeBy)
        .slice(0, limit)
        .map((r) => ({ store: r.store, storeId: r.storeId, acknowledgeBy: r.acknowledgeBy }));
    },
    async unrevoked({ limit = 100 } = {}) {
      checkLimit(limit);
      return [...rows.values()]
        .filter((r) => r.unrevoked)
        .sort((a, b) => a.refundedAt - b.refundedAt)
        .slice(0, limit)
        .map((r) => ({ store: r.store, storeId: r.storeId, refundedAt: r.refundedAt }));
    },
  };
}
