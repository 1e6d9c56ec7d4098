// The purchase ledger in the dashboard: runPurchase's purchase store (iap-verify's purchase
// lifecycle), read for "every store's customer in one view" (POST /api/customer) and written only
// by the audited reopen (the `ledger.reopen` action). The ledger is the backend's: on PostgreSQL
// (`ledger.postgres` in the config file, the tables the backend's migratePurchases made; the
// dashboard creates nothing there), or a store object given to startDashboard (tests, one process).
import * as iap from 'iap-verify';
import { createPostgresPurchaseStore } from 'iap-verify/postgres';
import { openPool } from './dashboard-pg.js';

/** @typedef {import('iap-verify').PurchaseStore} PurchaseStore */
/** @typedef {import('iap-verify').LedgerEntry} LedgerEntry */
/**
 * The config file's `ledger`, or startDashboard's `ledger` option.
 * @typedef {{ postgres?: string, table?: string, paymentTable?: string | null, store?: PurchaseStore }} LedgerOptions
 */
/** @typedef {{ kind: 'postgres' | 'given', store: PurchaseStore & { purchasesOf(userId: string): Promise<LedgerEntry[]> }, close(): Promise<void> }} Ledger */

/**
 * What one customer view may cost: `maxRows` purchases shown (newest first; past it the answer
 * says `truncated`), of which the newest `detailed` have their stored record read (the kind, the
 * subscription status, why a record is stuck).
 */
export const CUSTOMER_LIMITS = Object.freeze({ maxRows: 500, detailed: 200 });

/** The states an operator may reopen (reopenPurchase). */
const REOPENABLE = new Set(['VERIFY_FAILED', 'CONSUMED_ELSEWHERE']);

/** A text of the record, cut for the page. */
const cut = (/** @type {unknown} */ v, max = 256) => (typeof v === 'string' ? v.slice(0, max) : undefined);

/**
 * Opens the configured ledger, or resolves undefined when none is configured. On PostgreSQL the
 * tables are read once here, so that a wrong URL or a missing table stops the start, not a lookup.
 * @param {LedgerOptions | undefined} conf
 * @returns {Promise<Ledger | undefined>}
 */
export async function openLedger(conf) {
  if (!conf) return undefined;
  if (conf.store) {
    const store = conf.store;
    if (typeof store.purchasesOf !== 'function' || typeof store.load !== 'function' || typeof store.update !== 'function') {
      throw new Error('ledger.store: a purchase store with purchasesOf, load and update');
    }
    return { kind: 'given', store: /** @type {Ledger['store']} */ (store), close: async () => {} };
  }
  if (typeof conf.postgres !== 'string' || conf.postgres === '') throw new Error('give "postgres": the URL of the backend\'s database');
  const { pool, ready: store } = await openPool(conf.postgres, 'ledger.postgres', async (pool) => {
    const store = createPostgresPurchaseStore(pool, {
      ...(conf.table !== undefined ? { table: conf.table } : {}),
      ...(conf.paymentTable !== undefined ? { paymentTable: conf.paymentTable } : {}),
    });
    // Reads both tables (the ledger's and runPayment's): missing ones fail here.
    await store.purchasesOf('iap-verify-dashboard: start check');
    return store;
  });
  return { kind: 'postgres', store, close: () => pool.end() };
}

/**
 * The subscription status the library computes from the record's verified purchase (as last
 * verified, at `now`), or undefined when the record holds no subscription the library can read.
 * @param {any} purchase the stored flow's `purchase`
 * @param {number} now
 */
function subscriptionOf(purchase, now) {
  if (purchase?.productType !== 'SUBSCRIPTION' && purchase?.expiresTime === undefined) return undefined;
  const source = purchase?.source;
  /** @type {import('iap-verify').SubscriptionInput | undefined} */
  const input = !source || typeof source !== 'object' ? undefined
    : purchase.store === 'AS' ? { source: 'APPLE', transaction: source }
    : purchase.store === 'GG' ? { source: 'GOOGLE', subscription: source }
    : purchase.store === 'ONESTORE' ? { source: 'ONESTORE', subscription: source }
    : purchase.store === 'NHN' ? { source: 'NHN', record: source }
    : undefined;
  if (input) {
    try {
      const s = iap.subscriptionStatus(input, now);
      return { status: s.status, entitled: s.entitled, expiresTime: s.expiresTime ?? undefined, autoRenewing: s.autoRenewing };
    } catch {
      // A source the status logic cannot read (e.g. Google's v1 answer): the expiry alone.
    }
  }
  return typeof purchase.expiresTime === 'number' ? { expiresTime: purchase.expiresTime } : undefined;
}

/**
 * One purchase as the page shows it: the ledger's columns, and from the stored record (when read)
 * its kind, the subscription status, why it is stuck and who reopened it.
 * @param {LedgerEntry} e
 * @param {{ flow: any } | null} record
 * @param {number} now
 */
function customerRow(e, record, now) {
  const flow = record?.flow;
  const subscription = flow ? subscriptionOf(flow.purchase, now) : undefined;
  const reopened = Array.isArray(flow?.reopened) ? flow.reopened : [];
  return {
    store: e.store,
    storeId: e.storeId,
    productId: e.productId,
    state: e.state,
    flagged: e.flagged,
    createdAt: e.createdAt,
    deliveredAt: e.deliveredAt,
    settledAt: e.settledAt,
    refundedAt: e.refundedAt,
    acknowledgeBy: e.acknowledgeBy,
    ...(flow ? { kind: cut(flow.kind, 32), transactionId: cut(flow.purchase?.transactionId) } : {}),
    ...(subscription ? { subscription } : {}),
    ...(flow?.reason ? { reason: cut(flow.reason) } : {}),
    ...(reopened.length > 0 ? { reopened: reopened.length, lastReopen: cut(reopened[reopened.length - 1]) } : {}),
    // Only a record of the ledger's own table can be reopened (not a runPayment row read beside
    // it), and not an NHN payment that failed verification: its accessToken went with the failure.
    reopenable: REOPENABLE.has(e.state) && record != null && !(flow?.nhn === true && e.state === 'VERIFY_FAILED'),
  };
}

/**
 * `f` over `items`, at most `n` at a time, in order.
 * @template T, R
 * @param {T[]} items
 * @param {number} n
 * @param {(item: T, i: number) => Promise<R>} f
 */
async function mapLimited(items, n, f) {
  /** @type {R[]} */
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(/** @type {T} */ (items[i]), i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/**
 * Every store's purchases of one customer (`purchasesOf(userId)`), newest first, with state,
 * delivery, settlement, refund and the subscription status where the record holds one.
 * @param {Ledger['store']} store
 * @param {string} userId checked by the caller
 * @param {{ now?: number }} [options]
 */
export async function customerView(store, userId, { now = Date.now() } = {}) {
  const all = await store.purchasesOf(userId);
  const entries = all.slice(0, CUSTOMER_LIMITS.maxRows);
  const rows = await mapLimited(entries, 4, async (e, i) => {
    /** @type {{ flow: any } | null} */
    let record = null;
    if (i < CUSTOMER_LIMITS.detailed) {
      try {
        record = await store.load(e.store, e.storeId);
      } catch {
        // A runPayment row (NHN) is not the purchase table's; its columns are shown without the record.
      }
    }
    return customerRow(e, record, now);
  });
  /** @type {string[]} */
  const notes = [];
  if (all.length === 0) notes.push(`the ledger holds no purchase of ${userId}`);
  if (all.length > CUSTOMER_LIMITS.maxRows) notes.push(`truncated: only the newest ${CUSTOMER_LIMITS.maxRows} of ${all.length} purchases are shown`);
  if (entries.length > CUSTOMER_LIMITS.detailed) notes.push(`the records of the newest ${CUSTOMER_LIMITS.detailed} were read; older rows show the ledger's columns only`);
  const stores = [...new Set(rows.map((r) => r.store))];
  return { userId, stores, rows, notes, ...(all.length > CUSTOMER_LIMITS.maxRows ? { truncated: true } : {}) };
}
