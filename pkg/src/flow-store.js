// Flow stores: where `runPayment` keeps a payment's flow when several backend instances may work
// on one payment at once. A store holds one record per paymentSeq, `{ flow, version }`, and
// refuses a write made from a stale version (compare-and-set), so that of two instances racing on
// one payment exactly one write lands and the other learns it lost.
//
// The contract (`FlowStore` in flow-store.d.ts), which `createPostgresFlowStore` in postgres.js
// and `createMemoryFlowStore` below both keep:
//   load(paymentSeq)                     → { flow, version } | null
//   insert(paymentSeq, flow)             → true when stored as version 1, false when a record exists
//   update(paymentSeq, flow, expected)   → true when the stored version was `expected` (it is now
//                                          expected + 1), false otherwise; never a blind write
//   deliverInTransaction?(paymentSeq, fn) (optional) → locks the record, calls
//                                          fn({ flow, version, transaction }), writes the flow fn
//                                          returns (if any) in the same transaction, and resolves
//                                          with the record as it now is. fn throwing writes nothing.
import { IapError } from './error.js';

/**
 * An in-memory flow store with the full contract, `deliverInTransaction` included: for tests, the
 * demo, and a single process. Records are deep-copied in and out, so nothing a caller keeps can
 * change a stored flow. Operations on one paymentSeq are serialized, as row locks would.
 * @returns {import('./flow-store.js').MemoryFlowStore}
 */
export function createMemoryFlowStore() {
  /** @type {Map<string, import('./flow-store.js').FlowRecord>} */
  const records = new Map();
  /** @type {Map<string, Promise<unknown>>} */
  const locks = new Map();

  /**
   * Runs `fn` with the paymentSeq's lock held (a promise chain per key).
   * @template T
   * @param {string} paymentSeq
   * @param {() => T | Promise<T>} fn
   * @returns {Promise<T>}
   */
  const locked = async (paymentSeq, fn) => {
    const before = locks.get(paymentSeq) ?? Promise.resolve();
    /** @type {() => void} */
    let release = () => {};
    /** @type {Promise<void>} */
    const mine = new Promise((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => mine);
    locks.set(paymentSeq, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (locks.get(paymentSeq) === tail) locks.delete(paymentSeq);
    }
  };
  /** @param {import('./flow-store.js').FlowRecord | undefined} r */
  const copy = (r) => (r ? { flow: structuredClone(r.flow), version: r.version } : null);
  /** @param {unknown} paymentSeq */
  const key = (paymentSeq) => {
    if (typeof paymentSeq !== 'string' || paymentSeq === '') {
      throw new IapError('INVALID_ARGUMENT', 'flow store: `paymentSeq` must be a non-empty string');
    }
    return paymentSeq;
  };
  /**
   * @param {unknown} flow
   * @returns {import('../web/iap_verify.js').PaymentFlowJSON}
   */
  const json = (flow) => {
    if (flow === null || typeof flow !== 'object') {
      throw new IapError('INVALID_ARGUMENT', 'flow store: `flow` must be the object from flow.toJSON()');
    }
    return /** @type {import('../web/iap_verify.js').PaymentFlowJSON} */ (structuredClone(flow));
  };

  return {
    // A read does not wait for a transaction, as a plain SELECT does not wait for a row lock: it
    // sees the last committed record.
    async load(paymentSeq) {
      return copy(records.get(key(paymentSeq)));
    },
    async insert(paymentSeq, flow) {
      const k = key(paymentSeq);
      const value = json(flow);
      return locked(k, () => {
        if (records.has(k)) return false;
        records.set(k, { flow: value, version: 1 });
        return true;
      });
    },
    async update(paymentSeq, flow, expectedVersion) {
      const k = key(paymentSeq);
      const value = json(flow);
      return locked(k, () => {
        const r = records.get(k);
        if (!r || r.version !== expectedVersion) return false;
        records.set(k, { flow: value, version: r.version + 1 });
        return true;
      });
    },
    async deliverInTransaction(paymentSeq, fn) {
      const k = key(paymentSeq);
      return locked(k, async () => {
        const r = records.get(k);
        if (!r) throw new IapError('INVALID_ARGUMENT', `flow store: no flow stored for paymentSeq ${k}`);
        const next = await fn({ ...r, flow: structuredClone(r.flow), transaction: undefined });
        if (next != null) records.set(k, { flow: json(next), version: r.version + 1 });
        return /** @type {import('./flow-store.js').FlowRecord} */ (copy(records.get(k)));
      });
    },
    /** Every stored record, for tests and the demo: `[paymentSeq, { flow, version }]`. */
    entries() {
      return [...records].map(([k, r]) => /** @type {[string, import('./flow-store.js').FlowRecord]} */ ([k, copy(r)]));
    },
  };
}
