// Verification of one input with the package's inspect(), and everything shown around the
// verdict: the notes in the page's words, the certificates the input carries (described by the
// package), and a subscription timeline with its status now.
import { KINDS, base64ToBytes } from 'iap-verify/detect';

/** @typedef {typeof import('iap-verify')} Iap the library's browser entry, loaded by the page */
/** @typedef {import('iap-verify').InspectResult} InspectResult */
/** @typedef {import('./render.js').TimelineEvent} TimelineEvent */
/** @typedef {import('./render.js').SubscriptionView} SubscriptionView */
/** @typedef {{ code: string, message?: string, details?: Record<string, unknown> }} ShownError */
/**
 * What the page renders of one verification: the verdict, the value or the error in plain words,
 * the notes, the certificates and the subscription timeline.
 * @typedef {{ status: string, value?: unknown, code?: string, message?: string, details?: Record<string, unknown>,
 *   explanation?: string, unverified?: unknown, kind?: string, kindLabel?: string, notes?: string[],
 *   chain?: import('./render.js').Chain, subscription?: SubscriptionView & { autoRenew?: boolean }, judgedNow?: number, atGiven?: boolean }} Verification
 */

/**
 * Plain words for each error code, for people who do not read ASN.1.
 * @type {Record<string, string | undefined>}
 */
export const EXPLAIN = {
  MALFORMED_INPUT: 'The input is not in the expected format (base64, JSON, DER or JWS). It may be cut short, have extra characters, or be a different kind of data than chosen.',
  INPUT_TOO_LARGE: 'The input is larger than any genuine one of this kind; it was refused without being read.',
  INVALID_PUBLIC_KEY: 'The licence key is not a usable RSA public key. Copy the whole base64 key from the Play Console (Monetization setup) or the ONE store developer centre.',
  INVALID_SIGNATURE: 'The signature does not match the data. The data was changed after it was signed, the signature belongs to other data, or the key is of another app.',
  INVALID_CHAIN: 'The certificates do not lead to a trusted root. The data was not signed by Apple (or by the test root you configured in Settings).',
  CERTIFICATE_EXPIRED: 'A certificate in the chain was not valid at the date the data was judged at. For a notification without a signed date, set "Judge at" to when it was received.',
  INVALID_APP_IDENTIFIER: 'The data belongs to another app: its bundle id / package name / App Apple ID is not the one in Settings.',
  INVALID_ENVIRONMENT: 'The data is from another environment (Sandbox vs Production) than the one in Settings.',
  INVALID_ARGUMENT: 'Something needed for the check is missing or wrong (see the message).',
};

/** Apple's fields that are dates (epoch ms), and the other stores' ones, by key name. */
/** @param {string} key */
export function isTimeKey(key) {
  return /(Date|Time|Millis|TimeMillis|Ms)$/.test(key) && !/^(timeZone|gracePeriodDuration)$/.test(key);
}

/**
 * An error as shown: an IapError's code, message and details; anything else as ERROR.
 * @param {unknown} e
 * @returns {ShownError}
 */
function errorOf(e) {
  const err = /** @type {{ code?: unknown, message?: string, details?: Record<string, unknown> } | null | undefined} */ (e);
  if (err && typeof err === 'object' && typeof err.code === 'string') return { code: err.code, message: err.message, details: err.details };
  return { code: 'ERROR', message: String(err?.message ?? e) };
}

/**
 * @param {unknown} e
 * @param {Partial<Verification>} [extra]
 * @returns {Verification}
 */
function invalid(e, extra = {}) {
  const err = errorOf(e);
  return { status: 'invalid', ...err, explanation: EXPLAIN[err.code], ...extra };
}

/**
 * PEM (one or more certificates) or base64 DER text to DER byte arrays.
 * @param {unknown[] | undefined} list
 */
export function parseRoots(list) {
  /** @type {Uint8Array[]} */
  const out = [];
  for (const entry of list ?? []) {
    const pems = [...String(entry).matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => m[1]);
    for (const b64 of pems.length > 0 ? pems : [entry]) {
      const der = base64ToBytes(String(b64));
      if (der && der[0] === 0x30) out.push(der);
    }
  }
  return out;
}

/**
 * inspect's notes in the page's words, by code (the library's name its options).
 * @type {Record<string, (r: import('iap-verify').InspectResult, n: import('iap-verify').InspectNote) => string>}
 */
const NOTE_TEXT = {
  TRUSTED_BY_EXTRA_ROOT: () => 'Trusted through an extra root from Settings, not an Apple root.',
  TEST_DATA: () => 'TEST DATA: signed by a local Xcode / StoreKit key, not by Apple.',
  BUNDLE_ID_NOT_CHECKED: (r) => (r.kind === 'apple-receipt' ? 'Bundle id not checked: set one in Settings to require it.' : 'Bundle id not checked: taken from the data itself. Set one in Settings to require it.'),
  ENVIRONMENT_NOT_CHECKED: () => 'Environment not checked: taken from the data itself. Set one in Settings to require it.',
  TRAILING_NEWLINE_IGNORED: () => 'Verified without the trailing newline of the pasted text.',
  MISSING_SIGNATURE_OR_KEY: (r, n) => {
    const key = `${r.kind === 'onestore-purchase' ? 'ONE store' : 'Google Play'} licence key`;
    const missing = (n.missing ?? []).map((m) => (m === 'key' ? key : m)).join(' and ');
    return `Not verified: no ${missing}. Paste the signature below the data, and the app's licence key in Settings.`;
  },
  NO_SIGNATURE: () => 'A Pub/Sub push body carries no signature: only the push request itself (its OIDC token) can be authenticated.',
  NOT_VERIFIABLE_OFFLINE: () => 'An iOS 6 transaction receipt cannot be verified offline: look the transaction id up with the App Store Server API.',
  GUESSED_KIND: () => 'The kind was guessed from a minimal payload; choose another under "Kind" if it is wrong.',
};
/** The order the page lists notes in: trust first, how the kind was chosen last. */
const NOTE_ORDER = ['TRUSTED_BY_EXTRA_ROOT', 'TEST_DATA', 'BUNDLE_ID_NOT_CHECKED', 'ENVIRONMENT_NOT_CHECKED', 'TRAILING_NEWLINE_IGNORED', 'MISSING_SIGNATURE_OR_KEY', 'NO_SIGNATURE', 'NOT_VERIFIABLE_OFFLINE', 'GUESSED_KIND'];

/**
 * @param {InspectResult} r
 * @returns {string[]}
 */
function notesOf(r) {
  const rank = (/** @type {import('iap-verify').InspectNote} */ n) => (NOTE_ORDER.includes(n.code) ? NOTE_ORDER.indexOf(n.code) : NOTE_ORDER.length - 1);
  let notes = [...r.notes].sort((a, b) => rank(a) - rank(b));
  if (r.error?.code === 'INVALID_PUBLIC_KEY' && /1024-bit/.test(r.error.message ?? '')) {
    const hint = 'A 1024-bit key: real Play Console keys are 2048-bit. For old test data, tick "Accept 1024-bit keys" in Settings.';
    return [hint, ...notes.filter((n) => n.code === 'GUESSED_KIND').map((n) => NOTE_TEXT.GUESSED_KIND(r, n))];
  }
  return notes.map((n) => NOTE_TEXT[n.code]?.(r, n) ?? n.message);
}

/** The verdict's error: a value the data does not supply is asked for in Settings. */
/**
 * The error of an invalid result in the page's words.
 * @param {import('iap-verify').IapError} e
 */
function errorFor(e) {
  const option = e.code === 'INVALID_ARGUMENT' ? e.details?.option : undefined;
  if (option === 'environment') {
    const env = e.details?.value;
    return { code: e.code, message: `The environment is ${env === undefined ? 'not in the data' : `"${env}"`}: choose one in Settings.` };
  }
  if (option === 'appAppleId') return { code: e.code, message: 'Production data needs the App Apple ID: set it in Settings.' };
  return e;
}

/**
 * The certificates the input carries, and what their validity is judged at, in the page's words.
 * @param {InspectResult} r
 * @param {boolean} atGiven
 * @returns {import('./render.js').Chain | undefined}
 */
function chainOf(r, atGiven) {
  if (!r.certificates) return undefined;
  /** @type {string | undefined} */
  let judgedBy = r.judgedBy;
  if (judgedBy === 'now') {
    if (r.kind !== 'apple-receipt') judgedBy = `${atGiven ? 'the time set under Options' : 'now'}: the data has no signed date`;
    else if (r.status === 'verified') judgedBy = 'now (the receipt has no creation date)';
    else judgedBy = 'now: the receipt\'s own creation date is read only once it verifies';
  }
  const note = r.kind !== 'apple-receipt' && r.certificates.length === 3 ? 'The third certificate is shown as sent; trust comes from the configured root, never from it.' : undefined;
  // inspect gives judgedAt and judgedBy with the certificates.
  return { certs: r.certificates, judgedAt: /** @type {number} */ (r.judgedAt), judgedBy: String(judgedBy), note };
}

/**
 * Verifies one input with the package's `inspect`. `input` is the pasted text or a dropped file's
 * bytes; `type` the kind chosen under Options (undefined: detected); `kind` the kind shown (which
 * licence key of Settings applies). `extra` holds what the form adds: `{ signature, key, at }`
 * (at: epoch ms to judge at, or undefined for now).
 * @param {Iap} iap
 * @param {import('./settings.js').Settings} settings
 * @param {{ input: string | Uint8Array, type?: string, kind?: string }} what
 * @param {{ signature?: string, key?: string, at?: number }} [extra]
 * @returns {Verification}
 */
export function verifyInput(iap, settings, { input, type, kind }, extra = {}) {
  const now = extra.at ?? Date.now();
  const atGiven = extra.at !== undefined;
  /** @type {import('iap-verify').InspectOptions} */
  const options = {
    // The kinds and environments the page offers are inspect's; inspect checks them.
    type: /** @type {import('iap-verify').InputKind | undefined} */ (type || undefined),
    key: extra.key || (kind === 'onestore-purchase' ? settings.onestoreKey : settings.googleKey) || undefined,
    signature: extra.signature,
    allowLegacy1024BitKeys: settings.allowLegacyKeys === true,
    bundleId: settings.bundleId || undefined,
    environment: /** @type {import('iap-verify').InspectOptions['environment']} */ (settings.environment || undefined),
    appAppleId: settings.appAppleId ? Number(settings.appAppleId) : undefined,
    extraRoots: parseRoots(settings.roots),
    now,
  };
  let r;
  try {
    r = iap.inspect(input, options);
  } catch (e) {
    return { ...invalid(e), kind, kindLabel: kind === undefined ? undefined : KINDS[/** @type {import('iap-verify').InputKind} */ (kind)], notes: [], judgedNow: now, atGiven };
  }
  /** @type {Verification} */
  const out = r.status === 'invalid'
    ? { ...invalid(errorFor(/** @type {import('iap-verify').IapError} inspect's invalid result has it */ (r.error))), unverified: r.unverified }
    : { status: r.status, value: r.result };
  Object.assign(out, { kind: r.kind, kindLabel: r.label, notes: notesOf(r), chain: chainOf(r, atGiven) });
  if (r.status === 'verified' || r.status === 'decoded') out.subscription = subscriptionOf(iap, r.kind, r.result, now);
  out.judgedNow = now;
  out.atGiven = atGiven;
  return out;
}

/**
 * A timeline event, where its time is a number.
 * @param {string} label
 * @param {unknown} time
 * @param {string} cls
 * @returns {TimelineEvent | undefined}
 */
function ev(label, time, cls) {
  return typeof time === 'number' && Number.isFinite(time) ? { label, time, cls } : undefined;
}

/**
 * @param {Iap} iap
 * @param {import('iap-verify').SubscriptionInput} input
 * @param {number} now
 */
function statusOrError(iap, input, now) {
  try {
    return { status: iap.subscriptionStatus(input, Math.round(now)) };
  } catch (e) {
    return { statusError: errorOf(e) };
  }
}

/**
 * Timeline events and the status now, for data that describes a subscription.
 * @param {Iap} iap
 * @param {string | undefined} kind
 * @param {unknown} given a verified or decoded value of that kind
 * @param {number} now
 * @returns {(SubscriptionView & { autoRenew?: boolean }) | undefined}
 */
export function subscriptionOf(iap, kind, given, now) {
  if (!given || typeof given !== 'object') return undefined;
  // The value of `kind` (inspect's result for it): read as that kind's type.
  const value = /** @type {Record<string, any>} */ (given);
  /** @type {(list: Array<TimelineEvent | undefined>) => TimelineEvent[]} */
  const present = (list) => list.filter((e) => e !== undefined);
  if (kind === 'apple-transaction' || kind === 'apple-notification') {
    /** @type {import('iap-verify').JWSTransactionDecodedPayload | undefined} */
    const tx = kind === 'apple-transaction' ? value : value.data?.decodedTransactionInfo;
    /** @type {import('iap-verify').JWSRenewalInfoDecodedPayload | undefined} */
    const renewal = kind === 'apple-notification' ? value.data?.decodedRenewalInfo : undefined;
    if (!tx || (tx.expiresDate === undefined && tx.type !== 'Auto-Renewable Subscription')) return undefined;
    const events = present([
      ev('Original purchase', tx.originalPurchaseDate, 'start'),
      ev(tx.originalPurchaseDate !== undefined && tx.purchaseDate !== tx.originalPurchaseDate ? 'Renewed (this period)' : 'Purchased (this period)', tx.purchaseDate, 'renew'),
      ev('Expires', tx.expiresDate, 'end'),
      ev('Grace period ends', renewal?.gracePeriodExpiresDate, 'grace'),
      ev('Next renewal', renewal?.renewalDate, 'renew'),
      ev('Revoked', tx.revocationDate, 'bad'),
    ]);
    // A notification goes in whole: the purchase-state logic reads its type, subtype and nested data.
    /** @type {import('iap-verify').SubscriptionInput} */
    const input = kind === 'apple-notification' ? { source: 'APPLE', notification: value } : { source: 'APPLE', transaction: /** @type {Record<string, unknown>} */ (tx) };
    return { product: tx.productId, events, ...statusOrError(iap, input, now), autoRenew: renewal ? renewal.autoRenewStatus === 1 : undefined };
  }
  if (kind === 'apple-renewal-info') {
    const events = present([
      ev('Subscription started', value.recentSubscriptionStartDate, 'start'),
      ev('Next renewal', value.renewalDate, 'renew'),
      ev('Grace period ends', value.gracePeriodExpiresDate, 'grace'),
    ]);
    return { product: value.productId, events, statusError: { code: 'NEEDS_TRANSACTION', message: 'Renewal info alone does not say when the paid period ends: the status needs the signed transaction too.' }, autoRenew: value.autoRenewStatus === 1 };
  }
  if (kind === 'apple-receipt') {
    /** @type {import('iap-verify').AppReceiptInAppPurchase[]} */
    const subs = (value.inApp ?? []).filter((/** @type {import('iap-verify').AppReceiptInAppPurchase} */ p) => p.expiresDate !== undefined);
    if (subs.length === 0) return undefined;
    subs.sort((a, b) => (a.purchaseDate ?? 0) - (b.purchaseDate ?? 0));
    const latest = subs[subs.length - 1];
    const events = [ev('Original purchase', latest.originalPurchaseDate, 'start')];
    subs.forEach((p, i) => {
      events.push(ev(i === 0 && latest.originalPurchaseDate === undefined ? 'Purchased' : i === 0 ? 'First period' : `Renewal ${i}`, p.purchaseDate, 'renew'));
      if (p.cancellationDate !== undefined) events.push(ev('Canceled / refunded', p.cancellationDate, 'bad'));
    });
    events.push(ev('Expires', latest.expiresDate, 'end'));
    /** @type {Record<string, unknown>} */
    const tx = {
      transactionId: latest.transactionId,
      originalTransactionId: latest.originalTransactionId,
      productId: latest.productId,
      purchaseDate: latest.purchaseDate,
      expiresDate: latest.expiresDate,
      type: 'Auto-Renewable Subscription',
    };
    if (latest.cancellationDate !== undefined) tx.revocationDate = latest.cancellationDate;
    return { product: latest.productId, events: present(events), periods: subs.length, ...statusOrError(iap, { source: 'APPLE', transaction: tx }, now) };
  }
  if ((kind === 'google-purchase' || kind === 'onestore-purchase') && (value.autoRenewing !== undefined || value.recurringState !== undefined && value.recurringState !== -1)) {
    return {
      product: value.productId,
      events: present([ev('Purchased', value.purchaseTime, 'start')]),
      autoRenew: value.autoRenewing,
      statusError: { code: 'NEEDS_API', message: 'Signed purchase data has no expiry: the status now comes from the store\'s server API (or an RTDN and the subscription resource).' },
    };
  }
  return undefined;
}
