// Customer actions: the writes support may make at a store, each one entry of ACTIONS. The server
// checks the role (`role`), reads the fields the entry names (each checked by its `check`, nothing
// else of the request is passed on), calls the store, and the caller audits the result. The page
// lists the entries from GET /api/actions and asks for confirmation with the entry's `confirm`.
//
// Adding an action is one entry: its id (`store.verb`), the store client it needs, the fields the
// page asks for, the role, the confirmation text and `run`, which calls the package's client.
// `ledger.*` actions work on the purchase ledger (dashboard-ledger.js) instead of a store.
import * as iap from 'iap-verify';
import { API_NAMES } from './dashboard-stores.js';

/** @typedef {import('./dashboard-stores.js').StoreClients} StoreClients */
/**
 * What actions run against: the store clients, and the purchase ledger when one is configured.
 * @typedef {StoreClients & { ledger?: import('iap-verify').PurchaseStore }} ActionClients
 */
/** @typedef {import('./dashboard-auth.js').Role} Role */
/**
 * A field the page asks for: its name, label, and the check that turns the sent value into the
 * value `run` gets (throws INVALID_ARGUMENT).
 * @typedef {{ name: string, label: string, kind?: 'text' | 'number' | 'choice', choices?: string[], optional?: boolean,
 *   check: (v: unknown) => unknown }} ActionField
 */
/**
 * An action. `target` names the field the audit trail records as the customer or id; `auditStore`,
 * when given, what it records as the store (else `store`). `run` gets the signed-in user as `who`.
 * @typedef {{ id: string, store: 'apple' | 'google' | 'onestore' | 'ledger', label: string, role: Role, confirm: string,
 *   target: string, fields: ActionField[], auditStore?: (input: Record<string, any>) => string,
 *   run: (clients: ActionClients, input: Record<string, any>, who: { user: string }) => Promise<unknown> }} Action
 */

const bad = (/** @type {string} */ message) => new iap.IapError('INVALID_ARGUMENT', message);

/** A required id: 1 to 512 characters, printable ASCII. */
const id = (/** @type {string} */ name) => (/** @type {unknown} */ v) => {
  if (typeof v !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(v.trim())) throw bad(`${name}: 1 to 512 printable characters`);
  return v.trim();
};
/** An integer from `min` to `max` (a number or its decimal text). */
const int = (/** @type {string} */ name, /** @type {number} */ min, /** @type {number} */ max) => (/** @type {unknown} */ v) => {
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw bad(`${name}: an integer from ${min} to ${max}`);
  return n;
};
/** One of `choices`. */
const oneOf = (/** @type {string} */ name, /** @type {string[]} */ choices) => (/** @type {unknown} */ v) => {
  if (typeof v !== 'string' || !choices.includes(v)) throw bad(`${name}: one of ${choices.join(', ')}`);
  return v;
};

/** A line of text: 1 to `max` characters after trimming, no control characters. */
const text = (/** @type {string} */ name, /** @type {number} */ max) => (/** @type {unknown} */ v) => {
  const t = typeof v === 'string' ? v.trim() : '';
  if (t === '' || t.length > max || /[\u0000-\u001f\u007f]/.test(t)) throw bad(`${name}: 1 to ${max} characters on one line`);
  return t;
};

/**
 * The store's client, or INVALID_ARGUMENT when it is not configured (the message the lookups give).
 * @template {keyof StoreClients} S
 * @param {StoreClients} clients
 * @param {S} store
 * @returns {NonNullable<StoreClients[S]>}
 */
function clientOf(clients, store) {
  const c = clients[store];
  if (!c) throw bad(`no ${API_NAMES[store]} credentials are configured`);
  return c;
}

/** The purchase ledger, or INVALID_ARGUMENT when none is configured. */
function ledgerOf(/** @type {ActionClients} */ clients) {
  if (!clients.ledger) throw bad('no purchase ledger is configured ("ledger" in the config file)');
  return clients.ledger;
}

/** The ledger's store codes (its keys: GG / ONESTORE + purchase token, AS + transaction id, NHN + paymentSeq). */
export const LEDGER_STORES = ['GG', 'AS', 'ONESTORE', 'NHN'];

const DELIVERY = ['DELIVERED', 'UNDELIVERED_QUALITY_ISSUE', 'UNDELIVERED_WRONG_ITEM', 'UNDELIVERED_SERVER_OUTAGE', 'UNDELIVERED_OTHER'];
const REFUND_PREFERENCE = ['DECLINE', 'GRANT_FULL', 'GRANT_PRORATED'];

/** @type {readonly Action[]} */
export const ACTIONS = Object.freeze([
  {
    id: 'google.revoke',
    store: 'google',
    label: 'Revoke a Google subscription (refund, access ends now)',
    role: 'agent',
    confirm: 'Revoke this subscription? The customer is refunded and loses access now.',
    target: 'token',
    fields: [
      { name: 'token', label: 'Purchase token', check: id('token') },
      { name: 'refund', label: 'Refund', kind: 'choice', choices: ['full', 'prorated'], check: oneOf('refund', ['full', 'prorated']) },
    ],
    async run(clients, { token, refund }) {
      const { client, conf } = clientOf(clients, 'google');
      const revocationContext = refund === 'full' ? { fullRefund: {} } : { proratedRefund: {} };
      await client.revokeSubscriptionPurchaseV2({ packageName: conf.packageName, token, revocationContext });
      return { done: `revoked (${refund} refund)` };
    },
  },
  {
    id: 'google.cancel',
    store: 'google',
    label: 'Cancel a Google subscription (stops renewals; access until expiry)',
    role: 'agent',
    confirm: 'Cancel this subscription? It will not renew; access stays until it expires.',
    target: 'token',
    fields: [{ name: 'token', label: 'Purchase token', check: id('token') }],
    async run(clients, { token }) {
      const { client, conf } = clientOf(clients, 'google');
      await client.cancelSubscriptionPurchaseV2({ packageName: conf.packageName, token, cancellationContext: { cancellationType: 'DEVELOPER_REQUESTED_STOP_PAYMENTS' } });
      return { done: 'canceled' };
    },
  },
  {
    id: 'google.refund',
    store: 'google',
    label: 'Refund a Google order (Orders API)',
    role: 'agent',
    confirm: 'Refund this order? The customer gets the money back; with "and revoke", they also lose the item or subscription now.',
    target: 'orderId',
    fields: [
      { name: 'orderId', label: 'Order ID (GPA.…)', check: id('orderId') },
      { name: 'revoke', label: 'Access', kind: 'choice', choices: ['keep', 'revoke'], check: oneOf('revoke', ['keep', 'revoke']) },
    ],
    async run(clients, { orderId, revoke }) {
      const { client, conf } = clientOf(clients, 'google');
      await client.refundOrder({ packageName: conf.packageName, orderId, revoke: revoke === 'revoke' });
      return { done: revoke === 'revoke' ? 'refunded, access revoked' : 'refunded' };
    },
  },
  {
    id: 'onestore.cancel',
    store: 'onestore',
    label: 'Cancel a ONE store subscription (at the period end; at once when paused, in grace or on hold)',
    role: 'agent',
    confirm: 'Cancel this subscription? It will not renew; ONE store ends it at once if it is paused, in grace or on hold.',
    target: 'purchaseToken',
    fields: [
      { name: 'purchaseToken', label: 'Purchase token', check: id('purchaseToken') },
      { name: 'productId', label: 'Product ID', check: id('productId') },
    ],
    async run(clients, { purchaseToken, productId }) {
      const { client } = clientOf(clients, 'onestore');
      await client.cancelSubscription({ productId, purchaseToken });
      return { done: 'cancellation reserved' };
    },
  },
  {
    id: 'onestore.defer',
    store: 'onestore',
    label: "Defer a ONE store subscription's next payment",
    role: 'agent',
    confirm: 'Defer the next payment of this subscription? The customer keeps access for the extra time without paying.',
    target: 'purchaseToken',
    fields: [
      { name: 'purchaseToken', label: 'Purchase token', check: id('purchaseToken') },
      { name: 'productId', label: 'Product ID', check: id('productId') },
      // ONE store counts days in COMMERCIAL, minutes in SANDBOX (its sandbox clock).
      { name: 'period', label: 'Defer by (days; minutes in the sandbox)', kind: 'number', check: int('period', 1, 525_600) },
    ],
    async run(clients, { purchaseToken, productId, period }) {
      const { client, conf } = clientOf(clients, 'onestore');
      const sandbox = conf.environment === 'SANDBOX';
      if (!sandbox && period > 365) throw bad('period: an integer from 1 to 365 (days)');
      await client.deferSubscription({ productId, purchaseToken, deferPeriod: period });
      return { done: `deferred by ${period} ${sandbox ? 'minutes (sandbox)' : 'days'}` };
    },
  },
  {
    id: 'ledger.reopen',
    store: 'ledger',
    label: 'Reopen a stuck purchase record (verification failed, or consumed elsewhere)',
    role: 'agent',
    confirm: 'Reopen this purchase record? Your name and the reason stay on it; the backend then verifies and delivers it again.',
    target: 'storeId',
    auditStore: (input) => `ledger:${input.store}`,
    fields: [
      { name: 'storeId', label: 'Purchase token, transaction ID or paymentSeq', check: id('storeId') },
      { name: 'store', label: 'Store', kind: 'choice', choices: LEDGER_STORES, check: oneOf('store', LEDGER_STORES) },
      { name: 'reason', label: 'Reason (kept on the record)', check: text('reason', 500) },
    ],
    async run(clients, { store, storeId, reason }, { user }) {
      const flow = await iap.reopenPurchase({ store: ledgerOf(clients), key: [store, storeId], by: user, reason });
      return { done: `reopened (now ${flow.state})`, state: flow.state };
    },
  },
  {
    id: 'apple.extend',
    store: 'apple',
    label: "Extend an Apple subscription's renewal date",
    role: 'agent',
    confirm: 'Extend this subscription? Apple allows two extensions a year per customer.',
    target: 'originalTransactionId',
    fields: [
      { name: 'originalTransactionId', label: 'Original transaction ID', check: id('originalTransactionId') },
      { name: 'days', label: 'Days (1 to 90)', kind: 'number', check: int('days', 1, 90) },
      { name: 'reason', label: 'Reason', kind: 'choice', choices: ['0 undeclared', '1 customer satisfaction', '2 other', '3 service issue or outage'], check: (v) => int('reason', 0, 3)(typeof v === 'string' ? v.split(' ')[0] : v) },
    ],
    async run(clients, { originalTransactionId, days, reason }) {
      const { client } = clientOf(clients, 'apple');
      const r = await client.extendSubscriptionRenewalDate(originalTransactionId, { extendByDays: days, extendReasonCode: reason, requestIdentifier: crypto.randomUUID() });
      return { done: `extended by ${days} days`, effectiveDate: r.effectiveDate, success: r.success };
    },
  },
  {
    id: 'apple.consumption',
    store: 'apple',
    label: "Answer Apple's consumption request (a customer asked Apple for a refund)",
    role: 'agent',
    confirm: 'Send this consumption information to Apple? Apple uses it to decide the refund.',
    target: 'transactionId',
    fields: [
      { name: 'transactionId', label: 'Transaction ID', check: id('transactionId') },
      { name: 'deliveryStatus', label: 'Delivery', kind: 'choice', choices: DELIVERY, check: oneOf('deliveryStatus', DELIVERY) },
      { name: 'refundPreference', label: 'Refund preference', kind: 'choice', choices: REFUND_PREFERENCE, check: oneOf('refundPreference', REFUND_PREFERENCE) },
      { name: 'consumedPercent', label: 'Consumed (%)', kind: 'number', check: int('consumedPercent', 0, 100) },
    ],
    async run(clients, { transactionId, deliveryStatus, refundPreference, consumedPercent }) {
      const { client } = clientOf(clients, 'apple');
      // The customer consented when they asked for the refund (Apple's request says so); no sample was provided.
      await client.sendConsumptionInformation(transactionId, { customerConsented: true, sampleContentProvided: false, deliveryStatus, refundPreference, consumptionPercentage: consumedPercent * 1000 });
      return { done: 'sent' };
    },
  },
]);

/** What the page may know of the actions: no `run`, no `check`. */
export function publicActions(/** @type {ActionClients} */ clients) {
  return ACTIONS.map((a) => ({
    id: a.id,
    store: a.store,
    label: a.label,
    role: a.role,
    confirm: a.confirm,
    available: Object.hasOwn(clients, a.store),
    fields: a.fields.map((f) => ({ name: f.name, label: f.label, kind: f.kind ?? 'text', ...(f.choices ? { choices: f.choices } : {}) })),
  }));
}

/**
 * The action `body.action` names and its checked input (INVALID_ARGUMENT for anything else).
 * @param {any} body
 */
export function readAction(body) {
  const a = ACTIONS.find((x) => x.id === body?.action);
  if (!a) throw bad(`action: one of ${ACTIONS.map((x) => x.id).join(', ')}`);
  /** @type {Record<string, unknown>} */
  const input = {};
  for (const f of a.fields) input[f.name] = f.check(body?.input?.[f.name]);
  return { action: a, input, target: String(input[a.target]), store: a.auditStore ? a.auditStore(input) : a.store };
}
