// What an input is, from its content alone: shared by the `iap-verify` command and the dashboard.
// Pure functions over web-platform globals (atob, TextDecoder): no package calls, so detection never
// depends on verification, and no Node built-ins, so the page can load this file as it is.

/**
 * Every kind the page handles, with its label.
 * @type {Readonly<Record<import('./inspect.js').InputKind, string>>}
 */
export const KINDS = {
  'google-purchase': 'Google Play purchase',
  'onestore-purchase': 'ONE store purchase',
  'apple-receipt': 'Apple app receipt',
  'apple-transaction-receipt': 'Apple iOS 6 transaction receipt',
  'apple-transaction': 'Apple signed transaction (JWS)',
  'apple-renewal-info': 'Apple signed renewal info (JWS)',
  'apple-app-transaction': 'Apple signed app transaction (JWS)',
  'apple-notification': 'App Store Server Notification V2',
  'google-rtdn': 'Google real-time developer notification',
};

const JWS_RE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const B64_RE = /^[A-Za-z0-9+/=\s]+$/;

/**
 * Standard or URL-safe base64 (padding optional, whitespace ignored) to bytes; undefined if not base64.
 * @param {string} text
 * @returns {Uint8Array | undefined}
 */
export function base64ToBytes(text) {
  const clean = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const padded = clean + '='.repeat((4 - (clean.length % 4)) % 4);
  try {
    const bin = atob(padded);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/** @param {Uint8Array} bytes */
export function bytesToBase64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

const utf8 = new TextDecoder('utf-8');

/**
 * @param {Uint8Array} bytes
 * @returns {unknown}
 */
function jsonOf(bytes) {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * A compact JWS split and its header and payload decoded, without any check.
 * @param {string} jws
 */
export function peekJws(jws) {
  const [h, p] = jws.split('.');
  const header = h ? jsonOf(base64ToBytes(h) ?? new Uint8Array()) : undefined;
  const payload = p ? jsonOf(base64ToBytes(p) ?? new Uint8Array()) : undefined;
  return { header, payload };
}

/** @param {string} text */
export function isJws(text) {
  return JWS_RE.test(text);
}

/**
 * Which Apple JWS payload this is (the same fields Apple's models name).
 * @param {unknown} payload
 * @returns {'apple-notification' | 'apple-renewal-info' | 'apple-transaction' | 'apple-app-transaction' | undefined}
 */
export function jwsKind(payload) {
  if (payload === null || typeof payload !== 'object') return undefined;
  if ('notificationType' in payload) return 'apple-notification';
  if ('autoRenewProductId' in payload || 'autoRenewStatus' in payload || 'renewalDate' in payload) return 'apple-renewal-info';
  if ('transactionId' in payload) return 'apple-transaction';
  if ('appTransactionId' in payload || 'originalApplicationVersion' in payload || 'applicationVersion' in payload || 'receiptType' in payload) {
    return 'apple-app-transaction';
  }
  return undefined;
}

/**
 * A best guess for minimal payloads (test data): a bundle id means a transaction, else renewal info.
 * @param {unknown} payload
 * @returns {'apple-transaction' | 'apple-renewal-info' | undefined}
 */
function jwsGuess(payload) {
  if (payload === null || typeof payload !== 'object') return undefined;
  if ('bundleId' in payload) return 'apple-transaction';
  if ('environment' in payload) return 'apple-renewal-info';
  return undefined;
}

/**
 * ONE store purchase data carries fields Google's does not.
 * @param {Record<string, unknown>} obj
 */
function looksOneStore(obj) {
  return 'purchaseId' in obj || 'recurringState' in obj || (typeof obj.orderId === 'string' && obj.orderId.startsWith('ONESTORE'));
}

/**
 * Detects the kind of `text`; `bytes`, when given, are the raw bytes it was decoded from (a file).
 * `store` ('google' or 'onestore') says which store signed purchase JSON; without it the fields
 * decide. Returns `{ kind, input, guessed? }`, where `input` is what the verifier takes (for signed
 * JSON the raw bytes if given, else the text exactly as it came: the signature covers those bytes),
 * or `{ kind: undefined, reason }`. `guessed` marks a JWS whose minimal payload (test data) names
 * none of the fields that tell the kinds apart.
 * @param {string} text
 * @param {Uint8Array} [bytes]
 * @param {{ store?: 'google' | 'onestore' }} [options]
 * @returns {import('./detect.js').Detected}
 */
export function detect(text, bytes, { store } = {}) {
  if (bytes && bytes[0] === 0x30) return { kind: 'apple-receipt', input: bytes };
  const t = text.trim();
  if (t === '') return { kind: undefined, reason: 'empty' };
  if (t.startsWith('{')) {
    let obj;
    try {
      obj = JSON.parse(t);
    } catch {
      return { kind: undefined, reason: 'starts like JSON but is not valid JSON' };
    }
    if (obj && typeof obj.signedPayload === 'string') return { kind: 'apple-notification', input: obj.signedPayload.trim() };
    if (obj && obj.message && typeof obj.message === 'object' && 'data' in obj.message) return { kind: 'google-rtdn', input: t };
    if (obj && typeof obj === 'object' && ('productId' in obj || 'purchaseToken' in obj || 'packageName' in obj)) {
      const onestore = store === undefined ? looksOneStore(obj) : store === 'onestore';
      return { kind: onestore ? 'onestore-purchase' : 'google-purchase', input: bytes ?? text };
    }
    return { kind: undefined, reason: 'JSON, but none of the known shapes (purchase data, {"signedPayload"}, {"message"})' };
  }
  // A JWS copied out of an e-mail or a ticket may have been wrapped: whitespace is never part of one.
  const compact = t.replace(/\s+/g, '');
  if (isJws(compact)) {
    const { payload } = peekJws(compact);
    const kind = jwsKind(payload);
    if (kind !== undefined) return { kind, input: compact };
    const guess = jwsGuess(payload);
    if (guess !== undefined) return { kind: guess, input: compact, guessed: true };
    return { kind: undefined, reason: 'a JWS whose payload is none of the Apple kinds' };
  }
  if (B64_RE.test(t)) {
    const raw = base64ToBytes(t);
    if (raw && raw[0] === 0x30) return { kind: 'apple-receipt', input: t };
    if (raw && utf8.decode(raw.subarray(0, 64)).trimStart().startsWith('{')) return { kind: 'apple-transaction-receipt', input: t };
  }
  return { kind: undefined, reason: 'not a recognized format' };
}
