// The dashboard's store lookups ("I paid, where is my item?"), server-side: the App Store Server
// API (an order id from the customer's receipt e-mail, or a transaction id) and the Play Developer
// API (a purchase token, the recent voided purchases). The keys stay in the dashboard process; the
// browser gets rows of facts: ids, products, dates, states. Only reads are exposed.
import { readFileSync } from 'node:fs';
import * as iap from '../node.mjs';

/** Apple's subscription status numbers (App Store Server API, `status`). */
const APPLE_STATUS = { 1: 'ACTIVE', 2: 'EXPIRED', 3: 'BILLING_RETRY', 4: 'BILLING_GRACE_PERIOD', 5: 'REVOKED' };

const nonEmpty = (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A lookup the caller got wrong (HTTP 400). */
const bad = (message) => new iap.IapError('INVALID_ARGUMENT', message);

/**
 * The App Store and Play configuration from the config file's `appStore` / `googlePlay` objects
 * and the environment (which wins). A key is read from its file here, once.
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
    rootCertificates: fa.rootCertificateFiles?.map((f) => new Uint8Array(readFileSync(f))),
  };
  return { appStore: appStore.signingKey && appStore.keyId && appStore.issuerId && appStore.bundleId ? appStore : undefined };
}

/** The clients for the configured stores. */
export function storeClients(conf) {
  const out = {};
  const a = conf.appStore;
  if (a) {
    const options = Object.fromEntries(
      Object.entries({ baseUrl: a.baseUrl, appAppleId: a.appAppleId, rootCertificates: a.rootCertificates, fallbackToSandbox: a.environment === 'Production' }).filter(([, v]) => v !== undefined),
    );
    out.apple = { conf: a, client: new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, options) };
  }
  return out;
}

/** One transaction as the support page shows it. */
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

async function allTransactions(pages) {
  const out = [];
  for await (const page of pages) out.push(...(page.decodedTransactions ?? []));
  return out;
}

/** `{ store: 'apple', by: 'order' | 'transaction', id }` → rows and notes. */
async function appleLookup({ client }, { by, id }) {
  if (by === 'order') {
    const r = await client.lookUpOrderId(id);
    // Apple's OrderLookupStatus: 0 valid, 1 invalid.
    if (r.status === 1) return { rows: [], notes: [`Apple knows no order ${id}`] };
    return { rows: (r.decodedTransactions ?? []).map((t) => appleRow(t)), notes: [] };
  }
  if (by !== 'transaction') throw bad("by: one of 'order', 'transaction'");
  const [history, refunds] = await Promise.all([
    allTransactions(client.getTransactionHistoryPages(id, null, {}, 'v2')),
    allTransactions(client.getRefundHistoryPages(id)),
  ]);
  const refunded = new Set(refunds.map((t) => t.transactionId));
  const rows = history.map((t) => appleRow(t, { refunded: refunded.has(t.transactionId) || t.revocationDate !== undefined }));
  const notes = [];
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
            status: APPLE_STATUS[last.status] ?? String(last.status),
            autoRenew: renewal.autoRenewStatus === 1,
            renewalTime: renewal.renewalDate,
            group: group.subscriptionGroupIdentifier,
          }),
        );
      }
    }
  }
  if (rows.length === 0) notes.push(`no transactions for ${id}`);
  return { rows, notes };
}

const LOOKUPS = { apple: appleLookup };

/** Runs one store lookup, checking the request first. */
export async function storeLookup(clients, body) {
  const store = body?.store;
  if (typeof store !== 'string' || !Object.hasOwn(LOOKUPS, store)) throw bad(`store: one of ${Object.keys(LOOKUPS).join(', ')}`);
  if (!Object.hasOwn(clients, store)) throw bad(`no ${store === 'apple' ? 'App Store Server API' : 'Play Developer API'} credentials are configured`);
  const id = nonEmpty(body.id);
  if (!id || id.length > 512) throw bad('id: 1 to 512 characters');
  return { store, ...(await LOOKUPS[store](clients[store], { ...body, id })) };
}
