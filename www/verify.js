// Verification of one detected input with the package, and everything shown around the verdict:
// notes, the certificates the input carries, and a subscription timeline with its status now.
import { KINDS, base64ToBytes, peekJws } from '../pkg/src/detect.js';
import { describeCertificate, jwsCertificates, receiptCertificates } from './certs.js';

const ENVIRONMENTS = ['Production', 'Sandbox', 'Xcode', 'LocalTesting'];

/** Plain words for each error code, for people who do not read ASN.1. */
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
export function isTimeKey(key) {
  return /(Date|Time|Millis|TimeMillis|Ms)$/.test(key) && !/^(timeZone|gracePeriodDuration)$/.test(key);
}

function errorOf(e) {
  if (e && typeof e === 'object' && typeof e.code === 'string') return { code: e.code, message: e.message, details: e.details };
  return { code: 'ERROR', message: String(e?.message ?? e) };
}

function invalid(e, extra = {}) {
  const err = errorOf(e);
  return { status: 'invalid', ...err, explanation: EXPLAIN[err.code], ...extra };
}

/** PEM (one or more certificates) or base64 DER text to DER byte arrays. */
export function parseRoots(list) {
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

/** Runs `call(roots)` with Apple's roots, then with the extra roots of Settings if the chain was not trusted. */
function withRoots(iap, settings, call) {
  try {
    return { value: call(null), notes: [] };
  } catch (e) {
    const extra = parseRoots(settings.roots);
    if (extra.length === 0 || e?.code !== 'INVALID_CHAIN') throw e;
    return { value: call(extra), notes: ['Trusted through an extra root from Settings, not an Apple root.'] };
  }
}

function chainInfo(certs, judgedAt, judgedBy, note) {
  const described = certs.map(describeCertificate).filter(Boolean);
  if (described.length === 0) return undefined;
  return { certs: described, judgedAt, judgedBy, note };
}

function appleJws(iap, settings, kind, jws, now, atGiven) {
  const { header, payload } = peekJws(jws);
  const method = {
    'apple-transaction': 'verifyAndDecodeTransaction',
    'apple-renewal-info': 'verifyAndDecodeRenewalInfo',
    'apple-app-transaction': 'verifyAndDecodeAppTransaction',
    'apple-notification': 'verifyAndDecodeNotification',
  }[kind];
  const notes = [];
  const env = settings.environment || payload?.environment || payload?.data?.environment || payload?.summary?.environment || payload?.receiptType;
  const bundleId = settings.bundleId || payload?.bundleId || payload?.data?.bundleId || payload?.summary?.bundleId || '';
  const appAppleIdText = settings.appAppleId || payload?.appAppleId || payload?.data?.appAppleId || payload?.summary?.appAppleId;
  const appAppleId = appAppleIdText === undefined || appAppleIdText === '' ? undefined : Number(appAppleIdText);
  if (!settings.bundleId && kind !== 'apple-renewal-info') notes.push('Bundle id not checked: taken from the data itself. Set one in Settings to require it.');
  if (!settings.environment) notes.push('Environment not checked: taken from the data itself. Set one in Settings to require it.');
  const signedDate = kind === 'apple-app-transaction' ? payload?.receiptCreationDate ?? payload?.signedDate : payload?.signedDate;
  const judgedAt = typeof signedDate === 'number' ? signedDate : now;
  const judgedBy = typeof signedDate === 'number'
    ? (kind === 'apple-app-transaction' && payload?.receiptCreationDate ? 'receiptCreationDate' : 'signedDate')
    : `${atGiven ? 'the time set under Options' : 'now'}: the data has no signed date`;
  const certs = jwsCertificates(header, base64ToBytes);
  const chain = chainInfo(certs, judgedAt, judgedBy, certs.length === 3 ? 'The third certificate is shown as sent; trust comes from the configured root, never from it.' : undefined);
  const base = { unverified: withNestedDecoded(payload), chain };
  if (!ENVIRONMENTS.includes(env)) {
    return invalid({ code: 'INVALID_ARGUMENT', message: `The environment is ${env === undefined ? 'not in the data' : `"${env}"`}: choose one in Settings.` }, base);
  }
  if (env === 'Production' && (appAppleId === undefined || !Number.isSafeInteger(appAppleId))) {
    return invalid({ code: 'INVALID_ARGUMENT', message: 'Production data needs the App Apple ID: set it in Settings.' }, base);
  }
  try {
    const r = withRoots(iap, settings, (roots) => new iap.SignedDataVerifier(roots, false, env, bundleId, appAppleId)[method](jws, { now }));
    if (r.value?.testData) notes.unshift('TEST DATA: signed by a local Xcode / StoreKit key, not by Apple.');
    return { status: 'verified', value: r.value, notes: [...r.notes, ...notes], chain };
  } catch (e) {
    return invalid(e, { ...base, notes });
  }
}

/**
 * For display when verification failed: a notification's nested JWS decoded without any check,
 * placed where a verified notification has them (`data.decodedTransactionInfo`, ...).
 */
function withNestedDecoded(payload) {
  if (!payload || typeof payload !== 'object') return payload;
  const out = structuredClone(payload);
  const nested = [
    ['data', 'signedTransactionInfo', 'decodedTransactionInfo'],
    ['data', 'signedRenewalInfo', 'decodedRenewalInfo'],
    ['appData', 'signedAppTransactionInfo', 'decodedAppTransactionInfo'],
  ];
  for (const [parent, signed, decoded] of nested) {
    const p = out[parent];
    if (p && typeof p === 'object' && typeof p[signed] === 'string') {
      const inner = peekJws(p[signed].trim()).payload;
      if (inner !== undefined) p[decoded] = inner;
    }
  }
  return out;
}

function appleReceipt(iap, settings, input, now) {
  const bytes = typeof input === 'string' ? base64ToBytes(input) : input;
  const certs = bytes ? receiptCertificates(bytes) : [];
  const options = { now };
  if (settings.bundleId) options.bundleId = settings.bundleId;
  const notes = settings.bundleId ? [] : ['Bundle id not checked: set one in Settings to require it.'];
  try {
    const r = withRoots(iap, settings, (roots) => iap.verifyAppReceipt(input, roots ? { ...options, rootCertificates: roots } : options));
    const created = r.value?.receiptCreationDate;
    const chain = chainInfo(certs, created ?? now, created !== undefined ? 'receiptCreationDate' : 'now (the receipt has no creation date)');
    return { status: 'verified', value: r.value, notes: [...r.notes, ...notes], chain };
  } catch (e) {
    let tx;
    try {
      tx = iap.extractTransactionIdFromAppReceipt(input);
    } catch {
      tx = undefined;
    }
    const chain = chainInfo(certs, now, 'now: the receipt\'s own creation date is read only once it verifies');
    return invalid(e, { unverified: tx === undefined ? undefined : { transactionId: tx }, chain, notes });
  }
}

function signedPurchase(iap, settings, kind, text, signature, keyOverride) {
  const store = kind === 'onestore-purchase' ? 'onestore' : 'google';
  const key = (keyOverride || (store === 'onestore' ? settings.onestoreKey : settings.googleKey) || '').trim();
  let unverified;
  try {
    unverified = JSON.parse(text);
  } catch {
    unverified = undefined;
  }
  if (!signature.trim() || !key) {
    const missing = [!signature.trim() && 'signature', !key && `${store === 'onestore' ? 'ONE store' : 'Google Play'} licence key`].filter(Boolean).join(' and ');
    return {
      status: 'decoded',
      value: unverified,
      notes: [`Not verified: no ${missing}. Paste the signature below the data, and the app's licence key in Settings.`],
    };
  }
  const Verifier = store === 'onestore' ? iap.OneStoreVerifier : iap.GoogleVerifier;
  try {
    const verifier = new Verifier(key, { allowLegacy1024BitKeys: settings.allowLegacyKeys === true });
    const bytes = new TextEncoder().encode(text);
    try {
      return { status: 'verified', value: verifier.verify(bytes, signature.trim()), notes: [] };
    } catch (e) {
      // A paste often gains or loses the final newline; the signature may cover the text without it.
      const trimmed = text.replace(/[\r\n]+$/, '');
      if (e?.code !== 'INVALID_SIGNATURE' || trimmed === text) throw e;
      const value = verifier.verify(new TextEncoder().encode(trimmed), signature.trim());
      return { status: 'verified', value, notes: ['Verified without the trailing newline of the pasted text.'] };
    }
  } catch (e) {
    const r = invalid(e, { unverified });
    if (e?.code === 'INVALID_PUBLIC_KEY' && /1024-bit/.test(e.message ?? '')) {
      r.notes = ['A 1024-bit key: real Play Console keys are 2048-bit. For old test data, tick "Accept 1024-bit keys" in Settings.'];
    }
    return r;
  }
}

/**
 * Verifies one input. `detected` comes from `detect`; `extra` holds what the form adds:
 * `{ signature, key, at }` (at: epoch ms to judge at, or undefined for now).
 */
export function verifyInput(iap, settings, detected, extra = {}) {
  const now = extra.at ?? Date.now();
  const { kind, input } = detected;
  let r;
  switch (kind) {
    case 'google-purchase':
    case 'onestore-purchase':
      r = signedPurchase(iap, settings, kind, typeof input === 'string' ? input : new TextDecoder().decode(input), extra.signature ?? '', extra.key);
      break;
    case 'apple-receipt':
      r = appleReceipt(iap, settings, input, now);
      break;
    case 'apple-transaction':
    case 'apple-renewal-info':
    case 'apple-app-transaction':
    case 'apple-notification':
      r = appleJws(iap, settings, kind, input, now, extra.at !== undefined);
      break;
    case 'google-rtdn':
      try {
        r = {
          status: 'decoded',
          value: iap.decodeGoogleNotification(input),
          notes: ['A Pub/Sub push body carries no signature: only the push request itself (its OIDC token) can be authenticated.'],
        };
      } catch (e) {
        r = invalid(e);
      }
      break;
    case 'apple-transaction-receipt':
      try {
        r = {
          status: 'decoded',
          value: { transactionId: iap.extractTransactionIdFromTransactionReceipt(input) },
          notes: ['An iOS 6 transaction receipt cannot be verified offline: look the transaction id up with the App Store Server API.'],
        };
      } catch (e) {
        r = invalid(e);
      }
      break;
    default:
      r = invalid({ code: 'MALFORMED_INPUT', message: 'Unknown input kind.' });
  }
  r.kind = kind;
  r.kindLabel = KINDS[kind];
  r.notes ??= [];
  if (detected.guessed) r.notes.push('The kind was guessed from a minimal payload; choose another under "Kind" if it is wrong.');
  if (r.status === 'verified' || r.status === 'decoded') r.subscription = subscriptionOf(iap, kind, r.value, now);
  r.judgedNow = now;
  r.atGiven = extra.at !== undefined;
  return r;
}

function ev(label, time, cls) {
  return typeof time === 'number' && Number.isFinite(time) ? { label, time, cls } : undefined;
}

function statusOrError(iap, input, now) {
  try {
    return { status: iap.subscriptionStatus(input, Math.round(now)) };
  } catch (e) {
    return { statusError: errorOf(e) };
  }
}

/** Timeline events and the status now, for data that describes a subscription. */
export function subscriptionOf(iap, kind, value, now) {
  if (!value || typeof value !== 'object') return undefined;
  if (kind === 'apple-transaction' || kind === 'apple-notification') {
    const tx = kind === 'apple-transaction' ? value : value.data?.decodedTransactionInfo;
    const renewal = kind === 'apple-notification' ? value.data?.decodedRenewalInfo : undefined;
    if (!tx || (tx.expiresDate === undefined && tx.type !== 'Auto-Renewable Subscription')) return undefined;
    const events = [
      ev('Original purchase', tx.originalPurchaseDate, 'start'),
      ev(tx.originalPurchaseDate !== undefined && tx.purchaseDate !== tx.originalPurchaseDate ? 'Renewed (this period)' : 'Purchased (this period)', tx.purchaseDate, 'renew'),
      ev('Expires', tx.expiresDate, 'end'),
      ev('Grace period ends', renewal?.gracePeriodExpiresDate, 'grace'),
      ev('Next renewal', renewal?.renewalDate, 'renew'),
      ev('Revoked', tx.revocationDate, 'bad'),
    ].filter(Boolean);
    // A notification goes in whole: the purchase-state logic reads its type, subtype and nested data.
    const input = kind === 'apple-notification' ? { source: 'APPLE', notification: value } : { source: 'APPLE', transaction: tx };
    return { product: tx.productId, events, ...statusOrError(iap, input, now), autoRenew: renewal ? renewal.autoRenewStatus === 1 : undefined };
  }
  if (kind === 'apple-renewal-info') {
    const events = [
      ev('Subscription started', value.recentSubscriptionStartDate, 'start'),
      ev('Next renewal', value.renewalDate, 'renew'),
      ev('Grace period ends', value.gracePeriodExpiresDate, 'grace'),
    ].filter(Boolean);
    return { product: value.productId, events, statusError: { code: 'NEEDS_TRANSACTION', message: 'Renewal info alone does not say when the paid period ends: the status needs the signed transaction too.' }, autoRenew: value.autoRenewStatus === 1 };
  }
  if (kind === 'apple-receipt') {
    const subs = (value.inApp ?? []).filter((p) => p.expiresDate !== undefined);
    if (subs.length === 0) return undefined;
    subs.sort((a, b) => (a.purchaseDate ?? 0) - (b.purchaseDate ?? 0));
    const latest = subs[subs.length - 1];
    const events = [ev('Original purchase', latest.originalPurchaseDate, 'start')];
    subs.forEach((p, i) => {
      events.push(ev(i === 0 && latest.originalPurchaseDate === undefined ? 'Purchased' : i === 0 ? 'First period' : `Renewal ${i}`, p.purchaseDate, 'renew'));
      if (p.cancellationDate !== undefined) events.push(ev('Canceled / refunded', p.cancellationDate, 'bad'));
    });
    events.push(ev('Expires', latest.expiresDate, 'end'));
    const tx = {
      transactionId: latest.transactionId,
      originalTransactionId: latest.originalTransactionId,
      productId: latest.productId,
      purchaseDate: latest.purchaseDate,
      expiresDate: latest.expiresDate,
      type: 'Auto-Renewable Subscription',
    };
    if (latest.cancellationDate !== undefined) tx.revocationDate = latest.cancellationDate;
    return { product: latest.productId, events: events.filter(Boolean), periods: subs.length, ...statusOrError(iap, { source: 'APPLE', transaction: tx }, now) };
  }
  if ((kind === 'google-purchase' || kind === 'onestore-purchase') && (value.autoRenewing !== undefined || value.recurringState !== undefined && value.recurringState !== -1)) {
    return {
      product: value.productId,
      events: [ev('Purchased', value.purchaseTime, 'start')].filter(Boolean),
      autoRenew: value.autoRenewing,
      statusError: { code: 'NEEDS_API', message: 'Signed purchase data has no expiry: the status now comes from the store\'s server API (or an RTDN and the subscription resource).' },
    };
  }
  return undefined;
}
