// The dashboard's store lookups ("I paid, where is my item?"), server-side: the App Store Server
// API (an order id from the customer's receipt e-mail, or a transaction id), the Play Developer
// API and ONE store's server API V7 (a purchase token, a subscription, the recent voided purchases). The keys stay in the dashboard process; the
// browser gets rows of facts: ids, products, dates, states. Only reads are exposed.
import { readFileSync } from 'node:fs';
import * as iap from 'iap-verify';

/** @typedef {import('iap-verify').JWSTransactionDecodedPayload} Transaction */
/** @typedef {import('iap-verify').VoidedPurchase} VoidedPurchase */
/**
 * The App Store Server API's configuration (a key and its ids), as storeConfig reads it.
 * @typedef {{ signingKey: string, keyId: string, issuerId: string, bundleId: string, environment: string,
 *   appAppleId?: number, baseUrl?: string, rootCertificates?: Uint8Array[] }} AppStoreConfig
 */
/**
 * The Play Developer API's configuration (a service account's key file and the package).
 * @typedef {{ serviceAccount: string | import('iap-verify').ServiceAccountKey, packageName: string, baseUrl?: string, tokenUrl?: string }} GooglePlayConfig
 */
/**
 * ONE store's server API configuration (the client credentials).
 * @typedef {{ clientId: string, clientSecret: string, environment: 'SANDBOX' | 'COMMERCIAL', marketCode?: 'MKT_ONE' | 'MKT_GLB', baseUrl?: string }} OneStoreConfig
 */
/**
 * The store clients, by store.
 * @typedef {{ apple?: { conf: AppStoreConfig, client: import('iap-verify').AppStoreServerAPIClient },
 *   google?: { conf: GooglePlayConfig, client: import('iap-verify').GooglePlayClient },
 *   onestore?: { conf: OneStoreConfig, client: import('iap-verify').OneStoreClient } }} StoreClients
 */
/** @typedef {{ rows: object[], notes: string[], truncated?: true }} LookupAnswer */

/**
 * Apple's subscription status numbers (App Store Server API, `status`).
 * @type {Record<number, string | undefined>}
 */
const APPLE_STATUS = { 1: 'ACTIVE', 2: 'EXPIRED', 3: 'BILLING_RETRY', 4: 'BILLING_GRACE_PERIOD', 5: 'REVOKED' };

const nonEmpty = (/** @type {unknown} */ v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A lookup the caller got wrong (HTTP 400). */
const bad = (/** @type {string} */ message) => new iap.IapError('INVALID_ARGUMENT', message);

/**
 * What one lookup may cost. `maxPages`: pages read of each paginated list (Apple's transaction and
 * refund histories, Google's voided purchases); past it the answer has `truncated: true` and a
 * note. `voidedTtlMs`: how long a token lookup reuses the voided-purchase list fetched before
 * (Google's voided API has a small quota; the `voided` lookup always fetches it anew).
 */
export const LOOKUP_LIMITS = Object.freeze({ maxPages: 20, voidedTtlMs: 60_000 });

/**
 * The items of at most `LOOKUP_LIMITS.maxPages` pages of `pages`, and whether the last page read
 * said there were more (`more(page)`): `{ items, truncated }`.
 * @template P, T
 * @param {AsyncIterable<P>} pages
 * @param {(page: P) => T[] | undefined} itemsOf
 * @param {(page: P) => boolean} more
 * @returns {Promise<{ items: T[], truncated: boolean }>}
 */
async function collect(pages, itemsOf, more) {
  /** @type {T[]} */
  const items = [];
  let read = 0;
  for await (const page of pages) {
    items.push(...(itemsOf(page) ?? []));
    read += 1;
    // Leaving the loop closes the iterator: the next page is never asked for.
    if (read >= LOOKUP_LIMITS.maxPages) return { items, truncated: more(page) };
  }
  return { items, truncated: false };
}

const truncatedNote = (/** @type {string} */ what) => `truncated: only the first ${LOOKUP_LIMITS.maxPages} pages of ${what} were read`;

/**
 * The App Store, Play and ONE store configuration from the config file's `appStore` /
 * `googlePlay` / `oneStore` objects and the environment (which wins). A key or secret is read from
 * its file here, once.
 * @param {{ appStore?: Record<string, any>, googlePlay?: Record<string, any>, oneStore?: Record<string, any> }} [file] the config file's JSON (checked here, field by field)
 * @param {Record<string, string | undefined>} [env]
 * @returns {{ appStore?: AppStoreConfig, googlePlay?: GooglePlayConfig, oneStore?: OneStoreConfig }}
 */
export function storeConfig(file = {}, env = process.env) {
  const fa = file.appStore ?? {};
  const keyFile = nonEmpty(env.APPLE_P8_KEY_FILE) ?? nonEmpty(fa.signingKeyFile);
  const appStore = {
    signingKey: keyFile ? readFileSync(keyFile, 'utf8') : nonEmpty(fa.signingKey),
    keyId: nonEmpty(env.APPLE_KEY_ID) ?? nonEmpty(fa.keyId),
    issuerId: nonEmpty(env.APPLE_ISSUER_ID) ?? nonEmpty(fa.issuerId),
    bundleId: nonEmpty(env.APPLE_BUNDLE_ID) ?? nonEmpty(fa.bundleId),
    environment: nonEmpty(env.APPLE_ENVIRONMENT) ?? nonEmpty(fa.environment) ?? 'Production',
    appAppleId: Number(nonEmpty(env.APPLE_APP_ID) ?? fa.appAppleId) || undefined,
    baseUrl: nonEmpty(env.APPLE_BASE_URL) ?? nonEmpty(fa.baseUrl),
    rootCertificates: fa.rootCertificateFiles?.map((/** @type {string} */ f) => new Uint8Array(readFileSync(f))),
  };
  const fg = file.googlePlay ?? {};
  const accountFile = nonEmpty(env.GOOGLE_APPLICATION_CREDENTIALS) ?? nonEmpty(fg.serviceAccountFile);
  const googlePlay = {
    serviceAccount: accountFile ? readFileSync(accountFile, 'utf8') : fg.serviceAccount,
    packageName: nonEmpty(env.GOOGLE_PLAY_PACKAGE_NAME) ?? nonEmpty(fg.packageName),
    baseUrl: nonEmpty(env.GOOGLE_PLAY_BASE_URL) ?? nonEmpty(fg.baseUrl),
    tokenUrl: nonEmpty(env.GOOGLE_TOKEN_URL) ?? nonEmpty(fg.tokenUrl),
  };
  const fo = file.oneStore ?? {};
  const secretFile = nonEmpty(env.ONESTORE_CLIENT_SECRET_FILE) ?? nonEmpty(fo.clientSecretFile);
  const oneStore = {
    clientId: nonEmpty(env.ONESTORE_CLIENT_ID) ?? nonEmpty(fo.clientId),
    clientSecret: secretFile ? readFileSync(secretFile, 'utf8').trim() : nonEmpty(env.ONESTORE_CLIENT_SECRET) ?? nonEmpty(fo.clientSecret),
    environment: /** @type {'SANDBOX' | 'COMMERCIAL'} */ (nonEmpty(env.ONESTORE_ENVIRONMENT) ?? nonEmpty(fo.environment) ?? 'COMMERCIAL'),
    marketCode: /** @type {'MKT_ONE' | 'MKT_GLB' | undefined} */ (nonEmpty(env.ONESTORE_MARKET_CODE) ?? nonEmpty(fo.marketCode)),
    baseUrl: nonEmpty(env.ONESTORE_BASE_URL) ?? nonEmpty(fo.baseUrl),
  };
  const { signingKey, keyId, issuerId, bundleId } = appStore;
  const { serviceAccount, packageName } = googlePlay;
  const { clientId, clientSecret } = oneStore;
  return {
    appStore: signingKey && keyId && issuerId && bundleId ? { ...appStore, signingKey, keyId, issuerId, bundleId } : undefined,
    googlePlay: serviceAccount && packageName ? { ...googlePlay, serviceAccount, packageName } : undefined,
    oneStore: clientId && clientSecret ? { ...oneStore, clientId, clientSecret } : undefined,
  };
}

/**
 * `o` without its undefined fields: only the options that are set.
 * @template {object} T
 * @param {T} o
 * @returns {T}
 */
const defined = (o) => /** @type {T} */ (Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));

/**
 * The clients for the configured stores.
 * @param {{ appStore?: AppStoreConfig, googlePlay?: GooglePlayConfig, oneStore?: OneStoreConfig }} conf
 * @returns {StoreClients}
 */
export function storeClients(conf) {
  /** @type {StoreClients} */
  const out = {};
  const a = conf.appStore;
  if (a) {
    const options = defined({ baseUrl: a.baseUrl, appAppleId: a.appAppleId, rootCertificates: a.rootCertificates, fallbackToSandbox: a.environment === 'Production' });
    // The client checks the environment's name.
    const environment = /** @type {import('iap-verify').Environment} */ (a.environment);
    out.apple = { conf: a, client: new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, environment, options) };
  }
  const g = conf.googlePlay;
  if (g) {
    const client = new iap.GooglePlayClient(defined({ serviceAccount: g.serviceAccount, baseUrl: g.baseUrl, tokenUrl: g.tokenUrl }));
    out.google = { conf: g, client };
  }
  const o = conf.oneStore;
  if (o) {
    const client = new iap.OneStoreClient(defined({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, marketCode: o.marketCode, baseUrl: o.baseUrl }));
    out.onestore = { conf: o, client };
  }
  return out;
}

/**
 * One transaction as the support page shows it.
 * @param {Partial<Transaction>} t
 * @param {Record<string, unknown>} [extra]
 */
function appleRow(t, extra = {}) {
  return {
    store: 'apple',
    transactionId: t.transactionId,
    originalTransactionId: t.originalTransactionId,
    productId: t.productId,
    type: t.type,
    quantity: t.quantity,
    price: t.price,
    currency: t.currency,
    purchaseTime: t.purchaseDate,
    expiryTime: t.expiresDate,
    revocationTime: t.revocationDate,
    revocationReason: t.revocationReason,
    environment: t.environment,
    refunded: t.revocationDate !== undefined,
    ...extra,
  };
}

/** Apple's transactions of at most maxPages pages: `{ items, truncated }`. */
const appleTransactions = (/** @type {AsyncIterable<import('iap-verify').HistoryResponse | import('iap-verify').RefundHistoryResponse>} */ pages) =>
  collect(pages, (page) => page?.decodedTransactions, (page) => page?.hasMore === true);

/**
 * `{ store: 'apple', by: 'order' | 'transaction', id }` → rows and notes.
 * @param {NonNullable<StoreClients['apple']>} clients
 * @param {{ by?: unknown, id: string }} request
 * @returns {Promise<LookupAnswer>}
 */
async function appleLookup({ client }, { by, id }) {
  if (by === 'order') {
    const r = await client.lookUpOrderId(id);
    // Apple's OrderLookupStatus: 0 valid, 1 invalid.
    if (r.status === 1) return { rows: [], notes: [`Apple knows no order ${id}`] };
    return { rows: (r.decodedTransactions ?? []).map((t) => appleRow(t)), notes: [] };
  }
  if (by !== 'transaction') throw bad("by: one of 'order', 'transaction'");
  const [historyRead, refundsRead] = await Promise.all([
    appleTransactions(client.getTransactionHistoryPages(id, undefined, {}, 'v2')),
    appleTransactions(client.getRefundHistoryPages(id)),
  ]);
  const history = historyRead.items;
  const refunded = new Set(refundsRead.items.map((t) => t.transactionId));
  const rows = history.map((t) => appleRow(t, { refunded: refunded.has(t.transactionId) || t.revocationDate !== undefined }));
  /** @type {string[]} */
  const notes = [];
  if (historyRead.truncated) notes.push(truncatedNote('the transaction history'));
  if (refundsRead.truncated) notes.push(truncatedNote('the refund history (a refund may not show)'));
  const truncated = historyRead.truncated || refundsRead.truncated;
  // Subscription status of each group the transaction's subscriptions are in.
  if (history.some((t) => t.type === 'Auto-Renewable Subscription')) {
    const s = await client.getAllSubscriptionStatuses(id);
    for (const group of s.data ?? []) {
      for (const last of group.lastTransactions ?? []) {
        const t = last.decodedTransactionInfo ?? {};
        const renewal = last.decodedRenewalInfo ?? {};
        rows.push(
          appleRow(t, {
            kind: 'subscription',
            status: (last.status === undefined ? undefined : APPLE_STATUS[last.status]) ?? String(last.status),
            autoRenew: renewal.autoRenewStatus === 1,
            renewalTime: renewal.renewalDate,
            group: group.subscriptionGroupIdentifier,
          }),
        );
      }
    }
  }
  if (rows.length === 0) notes.push(`no transactions for ${id}`);
  return { rows, notes, ...(truncated ? { truncated: true } : {}) };
}

/** Google's voided-purchase reasons and sources (VoidedPurchase, Play Developer API). */
/** @type {Record<number, string | undefined>} */
const VOIDED_REASON = { 0: 'other', 1: 'remorse', 2: 'not received', 3: 'defective', 4: 'accidental purchase', 5: 'fraud', 6: 'friendly fraud', 7: 'chargeback', 8: 'unacknowledged purchase' };
/** @type {Record<number, string | undefined>} */
const VOIDED_SOURCE = { 0: 'user', 1: 'developer', 2: 'Google' };

/**
 * The recent voided purchases (Google keeps 30 days), subscriptions included, at most maxPages
 * pages: `{ items, truncated }`.
 * @param {import('iap-verify').GooglePlayClient} client
 * @param {string} packageName
 */
function voidedPurchases(client, packageName) {
  const more = (/** @type {import('iap-verify').VoidedPurchasesListResponse} */ page) => typeof page?.tokenPagination?.nextPageToken === 'string' && page.tokenPagination.nextPageToken !== '';
  return collect(client.listVoidedPurchasesPages({ packageName, type: 1 }), (page) => page?.voidedPurchases, more);
}

/**
 * The voided list token lookups share, per client: `{ at, list: Promise }`.
 * @type {WeakMap<object, { at: number, packageName: string, list: ReturnType<typeof voidedPurchases> }>}
 */
const voidedCache = new WeakMap();

/**
 * The voided purchases for a token lookup: the list fetched less than `voidedTtlMs` ago (or being
 * fetched now) when there is one, else fetched and kept. A failed fetch is not kept. `fresh`
 * fetches anew whatever is kept (the `voided` lookup).
 * @param {import('iap-verify').GooglePlayClient} client
 * @param {string} packageName
 * @param {() => number} now
 */
function voidedFor(client, packageName, now, fresh = false) {
  const kept = voidedCache.get(client);
  const t = now();
  if (!fresh && kept && kept.packageName === packageName && t - kept.at < LOOKUP_LIMITS.voidedTtlMs && t >= kept.at) return kept.list;
  const list = voidedPurchases(client, packageName);
  const entry = { at: t, packageName, list };
  voidedCache.set(client, entry);
  list.catch(() => {
    if (voidedCache.get(client) === entry) voidedCache.delete(client);
  });
  return list;
}

/**
 * A voided purchase as the support page shows it.
 * @param {VoidedPurchase} v
 */
function voidedRow(v) {
  return {
    store: 'google',
    transactionId: v.orderId,
    purchaseToken: v.purchaseToken,
    purchaseTime: v.purchaseTimeMs,
    revocationTime: v.voidedTimeMs,
    revocationReason: label(VOIDED_REASON, v.voidedReason),
    voidedBy: label(VOIDED_SOURCE, v.voidedSource),
    refunded: true,
  };
}

/**
 * `{ store: 'google', by: 'token', id, productId? }`: the purchase (a one-time product when the
 * product id is given, else a subscription), its acknowledgement state, and whether it was voided;
 * `{ store: 'google', by: 'voided' }`: the recent voided purchases.
 * @param {NonNullable<StoreClients['google']>} clients
 * @param {{ by?: unknown, id: string, productId?: string }} request
 * @param {{ now: () => number }} clock
 * @returns {Promise<LookupAnswer>}
 */
async function googleLookup({ client, conf }, { by, id, productId }, { now }) {
  const packageName = conf.packageName;
  if (by === 'voided') {
    const { items: list, truncated } = await voidedFor(client, packageName, now, true);
    const notes = list.length === 0 ? ['no voided purchases in the last 30 days'] : [];
    if (truncated) notes.push(truncatedNote('the voided purchases'));
    return { rows: list.map(voidedRow), notes, ...(truncated ? { truncated: true } : {}) };
  }
  if (by === 'order') return googleOrder(client, packageName, id);
  if (by !== 'token') throw bad("by: one of 'token', 'order', 'voided'");
  const product = nonEmpty(productId);
  const [answer, voidedRead] = await Promise.all([
    /** @type {Promise<Partial<import('iap-verify').ProductPurchase & import('iap-verify').SubscriptionPurchaseV2>>} */ (
      product ? client.getProductPurchase({ packageName, productId: product, token: id }) : client.getSubscriptionPurchaseV2({ packageName, token: id })
    ),
    voidedFor(client, packageName, now),
  ]);
  const voided = voidedRead.items;
  const p = iap.toPurchase(/** @type {import('iap-verify').VerifiedValue} */ (answer));
  const v = voided.find((x) => x.purchaseToken === id);
  const subscription = !product;
  const row = {
    store: 'google',
    transactionId: p.transactionId,
    productId: p.productId,
    type: subscription ? 'Subscription' : 'One-time product',
    quantity: p.quantity,
    purchaseTime: p.purchaseTime,
    expiryTime: p.expiresTime,
    // A subscription's own state (Google's words, without the prefix); a product's purchase state.
    status: subscription ? String(answer.subscriptionState ?? 'UNKNOWN').replace(/^SUBSCRIPTION_STATE_/, '') : v ? 'REFUNDED' : p.state,
    acknowledged: subscription ? answer.acknowledgementState === 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED' : answer.acknowledgementState === 1,
    consumed: subscription ? undefined : answer.consumptionState === 1,
    needsAcknowledgement: p.needsAcknowledgement,
    acknowledgeBy: p.acknowledgeBy,
    environment: p.environment,
    refunded: v !== undefined,
    ...(v ? { revocationTime: v.voidedTimeMs, revocationReason: label(VOIDED_REASON, v.voidedReason) } : {}),
  };
  /** @type {string[]} */
  const notes = [];
  if (p.needsAcknowledgement) notes.push(`not acknowledged yet: Google refunds it on ${new Date(/** @type {number} */ (p.acknowledgeBy)).toISOString()} unless the app's server acknowledges or consumes it`);
  if (voidedRead.truncated) notes.push(truncatedNote('the voided purchases (a refund may not show)'));
  return { rows: [row], notes, ...(voidedRead.truncated ? { truncated: true } : {}) };
}

/**
 * `{ store: 'google', by: 'order', id }`: the order (`GPA.…`, the id on the customer's receipt
 * e-mail) from the Orders API, its state and refunds, and the purchase it is for (productsv2 or
 * subscriptionsv2, by the order's purchase token) with its acknowledgement.
 * @param {import('iap-verify').GooglePlayClient} client
 * @param {string} packageName
 * @param {string} orderId
 * @returns {Promise<LookupAnswer>}
 */
async function googleOrder(client, packageName, orderId) {
  /** @type {import('iap-verify').PlayOrder} */
  let order;
  try {
    order = await client.getOrder({ packageName, orderId });
  } catch (e) {
    if (/** @type {{ details?: { status?: number } }} */ (e)?.details?.status === 404) return { rows: [], notes: [`Google knows no order ${orderId}`] };
    throw e;
  }
  const item = order.lineItems?.[0] ?? {};
  const subscription = item.subscriptionDetails !== undefined;
  const price = (/** @type {import('iap-verify').PlayMoney | undefined} */ m) => (m?.units === undefined ? undefined : Number(m.units) * 1000 + Math.round((m.nanos ?? 0) / 1e6));
  /** @type {string[]} */
  const notes = [];
  /** @type {import('iap-verify').Purchase | undefined} */
  let p;
  if (order.purchaseToken) {
    try {
      const token = order.purchaseToken;
      p = iap.toPurchase(subscription ? await client.getSubscriptionPurchaseV2({ packageName, token }) : await client.getProductPurchaseV2({ packageName, token }));
    } catch (e) {
      notes.push(`the purchase of this order could not be read (${/** @type {{ code?: string }} */ (e)?.code ?? 'error'})`);
    }
  }
  const refundTime = order.orderHistory?.refundEvent?.eventTime;
  const row = {
    store: 'google',
    transactionId: order.orderId,
    purchaseToken: order.purchaseToken,
    productId: item.productId,
    type: subscription ? 'Subscription' : 'One-time product',
    quantity: item.oneTimePurchaseDetails?.quantity ?? p?.quantity,
    price: price(order.total),
    currency: order.total?.currencyCode,
    purchaseTime: order.createTimeMs,
    expiryTime: p?.expiresTime,
    status: order.state ?? 'UNKNOWN',
    needsAcknowledgement: p?.needsAcknowledgement,
    acknowledgeBy: p?.acknowledgeBy,
    environment: p?.environment,
    refunded: order.state === 'REFUNDED' || order.state === 'PARTIALLY_REFUNDED',
    ...(refundTime ? { revocationTime: Date.parse(refundTime) } : {}),
  };
  const partial = order.orderHistory?.partialRefundEvents?.length ?? 0;
  if (partial > 0) notes.push(`${partial} partial refund${partial === 1 ? '' : 's'} (by quantity)`);
  if (order.state === 'PENDING_REFUND') notes.push('a refund of this order is pending: Google may ask for a review (reviewRefundOrder)');
  if (p?.needsAcknowledgement) notes.push(`not acknowledged yet: Google refunds it on ${new Date(/** @type {number} */ (p.acknowledgeBy)).toISOString()} unless the app's server acknowledges or consumes it`);
  return { rows: [row], notes };
}

/**
 * A code's label where Google documents it, else the code as sent.
 * @param {Record<number, string | undefined>} labels
 * @param {number | undefined} code
 */
const label = (labels, code) => (code === undefined ? undefined : labels[code]) ?? code;

/**
 * The recent voided purchases of ONE store (a month back at most), at most maxPages pages.
 * @param {import('iap-verify').OneStoreClient} client
 */
function oneStoreVoided(client) {
  const more = (/** @type {import('iap-verify').OneStoreVoidedPurchases} */ page) => typeof page?.continuationKey === 'string' && page.continuationKey !== '';
  return collect(client.getVoidedPurchasesPages({}), (page) => page?.voidedPurchaseList, more);
}

/**
 * A ONE store voided purchase as the support page shows it.
 * @param {import('iap-verify').OneStoreVoidedPurchase} v
 */
function oneStoreVoidedRow(v) {
  return { store: 'onestore', transactionId: v.purchaseId, purchaseToken: v.purchaseToken, purchaseTime: v.purchaseTimeMs, revocationTime: v.voidedTimeMs, refunded: true };
}

/** ONE store's subscription paymentState (getSubscriptionDetail). */
/** @type {Record<number, string | undefined>} */
const ONESTORE_PAYMENT = { 0: 'not paid', 1: 'paid', 2: 'free period', 3: 'deferred up/downgrade' };

/**
 * `{ store: 'onestore', by: 'subscription', id, productId }`: getSubscriptionDetail, and the
 * subscription status the library computes from it now (ONE store's state table: active,
 * cancellation reserved, grace, on hold, paused, expired, revoked), its next payment or expiry.
 * @param {import('iap-verify').OneStoreClient} client
 * @param {string} purchaseToken
 * @param {string} productId
 * @param {number} now
 * @returns {Promise<LookupAnswer>}
 */
async function oneStoreSubscription(client, purchaseToken, productId, now) {
  const answer = await client.getSubscriptionDetail({ productId, purchaseToken });
  const p = iap.toPurchase(answer);
  /** @type {string[]} */
  const notes = [];
  /** @type {import('iap-verify').SubscriptionStatus | undefined} */
  let s;
  try {
    s = iap.subscriptionStatus({ source: 'ONESTORE', subscription: answer }, now);
  } catch (e) {
    notes.push(`the subscription status could not be computed (${/** @type {{ code?: string }} */ (e)?.code ?? 'error'})`);
  }
  const renews = s?.autoRenewing === true && answer.nextPaymentTimeMs !== undefined;
  const row = {
    store: 'onestore',
    kind: 'subscription',
    transactionId: answer.lastPurchaseId ?? p.transactionId,
    purchaseToken,
    productId: p.productId,
    type: 'Subscription',
    purchaseTime: answer.startTimeMs ?? p.purchaseTime,
    expiryTime: s?.expiresTime ?? answer.expiryTimeMs ?? p.expiresTime,
    status: s?.status ?? 'UNKNOWN',
    entitled: s?.entitled,
    autoRenew: s?.autoRenewing ?? undefined,
    ...(renews ? { renewalTime: answer.nextPaymentTimeMs } : {}),
    ...(s?.gracePeriodEndTime !== undefined ? { gracePeriodEndTime: s.gracePeriodEndTime } : {}),
    ...(s?.reason ? { statusReason: s.reason } : {}),
    paymentState: answer.paymentState === undefined ? undefined : answer.paymentState === null ? 'expired' : label(ONESTORE_PAYMENT, answer.paymentState),
    ...(answer.cancelledTimeMs !== undefined ? { cancelledTime: answer.cancelledTimeMs } : {}),
    acknowledged: answer.acknowledgementState === 1,
    needsAcknowledgement: p.needsAcknowledgement,
    acknowledgeBy: p.acknowledgeBy,
    environment: p.environment,
    refunded: s?.status === 'REVOKED',
  };
  if (renews) notes.push(`renews on ${new Date(/** @type {number} */ (answer.nextPaymentTimeMs)).toISOString()}`);
  else if (s?.status === 'CANCELED') notes.push('cancellation reserved: it will not renew; access until it expires');
  if (p.needsAcknowledgement) notes.push(`not acknowledged yet: ONE store cancels it on ${new Date(/** @type {number} */ (p.acknowledgeBy)).toISOString()} unless the app's server acknowledges it`);
  return { rows: [row], notes };
}

/**
 * `{ store: 'onestore', by: 'token', id, productId }`: the managed product purchase (ONE store's
 * paths name the product), its acknowledgement state and deadline, and whether it was voided;
 * `{ store: 'onestore', by: 'subscription', id, productId }`: a subscription (oneStoreSubscription);
 * `{ store: 'onestore', by: 'voided' }`: the recent voided purchases.
 * @param {NonNullable<StoreClients['onestore']>} clients
 * @param {{ by?: unknown, id: string, productId?: string }} request
 * @param {{ now: () => number }} clock
 * @returns {Promise<LookupAnswer>}
 */
async function oneStoreLookup({ client }, { by, id, productId }, { now }) {
  if (by === 'voided') {
    const { items, truncated } = await oneStoreVoided(client);
    const notes = items.length === 0 ? ['no voided purchases in the last month'] : [];
    if (truncated) notes.push(truncatedNote('the voided purchases'));
    return { rows: items.map(oneStoreVoidedRow), notes, ...(truncated ? { truncated: true } : {}) };
  }
  if (by !== 'token' && by !== 'subscription') throw bad("by: one of 'token', 'subscription', 'voided'");
  const product = nonEmpty(productId);
  if (!product) throw bad('productId: ONE store looks a purchase up by its product id and token');
  if (by === 'subscription') return oneStoreSubscription(client, id, product, now());
  const [answer, voidedRead] = await Promise.all([client.getPurchaseDetails({ productId: product, purchaseToken: id }), oneStoreVoided(client)]);
  const p = iap.toPurchase(answer);
  const v = voidedRead.items.find((x) => x.purchaseToken === id);
  const row = {
    store: 'onestore',
    transactionId: p.transactionId,
    productId: p.productId,
    type: 'Managed product',
    quantity: p.quantity,
    purchaseTime: p.purchaseTime,
    status: v ? 'REFUNDED' : p.state,
    acknowledged: answer.acknowledgeState === 1,
    consumed: answer.consumptionState === 1,
    needsAcknowledgement: p.needsAcknowledgement,
    acknowledgeBy: p.acknowledgeBy,
    environment: p.environment,
    refunded: v !== undefined,
    ...(v ? { revocationTime: v.voidedTimeMs } : {}),
  };
  /** @type {string[]} */
  const notes = [];
  if (p.needsAcknowledgement) notes.push(`not acknowledged yet: ONE store cancels it on ${new Date(/** @type {number} */ (p.acknowledgeBy)).toISOString()} unless the app's server acknowledges or consumes it`);
  if (voidedRead.truncated) notes.push(truncatedNote('the voided purchases (a refund may not show)'));
  return { rows: [row], notes, ...(voidedRead.truncated ? { truncated: true } : {}) };
}

const LOOKUPS = { apple: appleLookup, google: googleLookup, onestore: oneStoreLookup };
/** Lookups that take no id. */
const NO_ID = new Set(['google:voided', 'onestore:voided']);
/** What each store's missing credentials are called. */
export const API_NAMES = { apple: 'App Store Server API', google: 'Play Developer API', onestore: 'ONE store server API' };

/**
 * Runs one store lookup, checking the request first. `options.now` is the clock of the voided
 * list kept for token lookups (default Date.now).
 * @param {StoreClients} clients
 * @param {Record<string, unknown> | null | undefined} given the request's JSON, checked here
 * @param {{ now?: () => number }} [options]
 */
export async function storeLookup(clients, given, { now = Date.now } = {}) {
  const body = given ?? {};
  const store = body.store;
  if (store !== 'apple' && store !== 'google' && store !== 'onestore') throw bad(`store: one of ${Object.keys(LOOKUPS).join(', ')}`);
  if (!Object.hasOwn(clients, store)) throw bad(`no ${API_NAMES[store]} credentials are configured`);
  const id = nonEmpty(body.id);
  if (!NO_ID.has(`${store}:${body.by}`) && (!id || id.length > 512)) throw bad('id: 1 to 512 characters');
  if (body.productId !== undefined && (typeof body.productId !== 'string' || body.productId.length > 256)) throw bad('productId: a string of at most 256 characters');
  const request = { ...body, id: /** @type {string} */ (id), productId: /** @type {string | undefined} */ (body.productId) };
  const answer = store === 'apple'
    ? await appleLookup(/** @type {NonNullable<StoreClients['apple']>} */ (clients.apple), request)
    : store === 'onestore'
      ? await oneStoreLookup(/** @type {NonNullable<StoreClients['onestore']>} */ (clients.onestore), request, { now })
      : await googleLookup(/** @type {NonNullable<StoreClients['google']>} */ (clients.google), request, { now });
  return { store, ...answer };
}
