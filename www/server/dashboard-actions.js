// Customer actions: the writes support may make at a store, each one entry of ACTIONS. The server
// checks the role (`role`), reads the fields the entry names (each checked by its `check`, nothing
// else of the request is passed on), calls the store, and the caller audits the result. The page
// lists the entries from GET /api/actions and asks for confirmation with the entry's `confirm`.
//
// Adding an action is one entry: its id (`store.verb`), the store client it needs, the fields the
// page asks for, the role, the confirmation text and `run`, which calls the package's client.
import * as iap from 'iap-verify';

/** @typedef {import('./dashboard-stores.js').StoreClients} StoreClients */
/** @typedef {import('./dashboard-auth.js').Role} Role */
/**
 * A field the page asks for: its name, label, and the check that turns the sent value into the
 * value `run` gets (throws INVALID_ARGUMENT).
 * @typedef {{ name: string, label: string, kind?: 'text' | 'number' | 'choice', choices?: string[], optional?: boolean,
 *   check: (v: unknown) => unknown }} ActionField
 */
/**
 * @typedef {{ id: string, store: 'apple' | 'google', label: string, role: Role, confirm: string,
 *   target: string, fields: ActionField[],
 *   run: (clients: StoreClients, input: Record<string, any>) => Promise<unknown> }} Action
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

/** The App Store client, or INVALID_ARGUMENT when it is not configured. */
function appleOf(/** @type {StoreClients} */ clients) {
  if (!clients.apple) throw bad('no App Store Server API credentials are configured');
  return clients.apple;
}

/** The Play client, or INVALID_ARGUMENT when it is not configured. */
function googleOf(/** @type {StoreClients} */ clients) {
  if (!clients.google) throw bad('no Play Developer API credentials are configured');
  return clients.google;
}

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
      const { client, conf } = googleOf(clients);
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
      const { client, conf } = googleOf(clients);
      await client.cancelSubscriptionPurchaseV2({ packageName: conf.packageName, token, cancellationContext: { cancellationType: 'DEVELOPER_REQUESTED_STOP_PAYMENTS' } });
      return { done: 'canceled' };
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
      const { client } = appleOf(clients);
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
      const { client } = appleOf(clients);
      // The customer consented when they asked for the refund (Apple's request says so); no sample was provided.
      await client.sendConsumptionInformation(transactionId, { customerConsented: true, sampleContentProvided: false, deliveryStatus, refundPreference, consumptionPercentage: consumedPercent * 1000 });
      return { done: 'sent' };
    },
  },
]);

/** What the page may know of the actions: no `run`, no `check`. */
export function publicActions(/** @type {StoreClients} */ clients) {
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
  return { action: a, input, target: String(input[a.target]) };
}
