// Where a store's notification event lands in the purchase ledger (run-purchase.js): which records
// it may name, and what it does to them. The event is one of the Rust core's StoreEvent values.

/** @typedef {import('../web/iap_verify.js').StoreEvent} StoreEvent */

/**
 * The ledger keys an event may name, most specific first: App Store: the transaction, then its
 * original transaction (a subscription's record is kept under the first purchase's id, and its
 * renewals and their refunds name later transactions); Google Play and ONE store: the purchase
 * token (which a subscription keeps across renewals). Empty when the event names no purchase.
 * @param {StoreEvent} event
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
 * @param {StoreEvent} event
 */
export function refundReason(event) {
  const why = event.reason === undefined ? '' : ` (${event.reason})`;
  return `${event.store} ${event.storeType}${why}, notification ${event.id}`.slice(0, 500);
}

/** The event types that take back what was delivered. */
export const REVOKING = new Set(['REFUNDED', 'REVOKED']);
/** The event types that extend a subscription's paid period. */
export const RENEWING = new Set(['RENEWED', 'RECOVERED']);
