// inspect(input, options): what an input is (./detect.js), checked with the package's verifiers, or
// decoded where the kind carries no signature, with notes for people and the certificates it
// carries (read by the WebAssembly core). The `iap-verify` command (verify, decode, batch) and the
// dashboard page both render what it returns; neither has a dispatch of its own.
import { KINDS, base64ToBytes, detect, isJws, peekJws } from './detect.js';
import { IapError } from './error.js';
import {
  GoogleVerifier,
  OneStoreVerifier,
  SignedDataVerifier,
  __describeCertificates,
  decodeGoogleNotification,
  extractTransactionIdFromAppReceipt,
  extractTransactionIdFromTransactionReceipt,
  verifyAppReceipt,
} from '../web/iap_verify.js';

const OPTIONS = ['type', 'store', 'key', 'signature', 'allowLegacy1024BitKeys', 'bundleId', 'environment', 'appAppleId', 'extraRoots', 'now', 'decodeOnly'];
const ENVIRONMENTS = ['Production', 'Sandbox', 'Xcode', 'LocalTesting'];
/** @typedef {import('./inspect.js').InputKind} InputKind */
/** @typedef {import('./inspect.js').InspectOptions} InspectOptions */
/** @typedef {import('./inspect.js').InspectNote} InspectNote */
/** @typedef {import('./inspect.js').CertificateInfo} CertificateInfo */
/** @typedef {import('../web/iap_verify.js').RootCertificate} RootCertificate */
/**
 * What one kind's step says: the InspectResult without the kind (inspect adds it).
 * @typedef {Omit<import('./inspect.js').InspectResult, 'kind' | 'label' | 'guessed' | 'verified'>} Step
 */
/** @typedef {'apple-transaction' | 'apple-renewal-info' | 'apple-app-transaction' | 'apple-notification'} JwsKind */

/** @type {Record<JwsKind, 'verifyAndDecodeTransaction' | 'verifyAndDecodeRenewalInfo' | 'verifyAndDecodeAppTransaction' | 'verifyAndDecodeNotification'>} */
const JWS_METHODS = {
  'apple-transaction': 'verifyAndDecodeTransaction',
  'apple-renewal-info': 'verifyAndDecodeRenewalInfo',
  'apple-app-transaction': 'verifyAndDecodeAppTransaction',
  'apple-notification': 'verifyAndDecodeNotification',
};
/** Base64 receipts longer than the verifiers take (limits.md) are not decoded for their certificates. */
const MAX_RECEIPT_TEXT = 6 * 1024 * 1024;
/** An Apple JWS carries at most three certificates (limits.md); more are not described. */
const MAX_X5C = 3;

const utf8 = new TextDecoder('utf-8');
const toBytes = (/** @type {string | Uint8Array} */ input) => (typeof input === 'string' ? new TextEncoder().encode(input) : input);
/**
 * @param {import('./inspect.js').InspectNoteCode} code
 * @param {string} message
 * @param {{ missing?: Array<'signature' | 'key'> }} [extra]
 * @returns {InspectNote}
 */
const note = (code, message, extra) => ({ code, message, ...extra });
/** The value at `path` in decoded JSON (undefined where a step is not an object): what a payload says, unchecked. */
const field = (/** @type {unknown} */ value, /** @type {string[]} */ ...path) =>
  path.reduce((v, k) => (v !== null && typeof v === 'object' ? /** @type {Record<string, unknown>} */ (v)[k] : undefined), value);

/**
 * Detects what `input` is, verifies it (or decodes it, for the kinds that carry no signature, or
 * with `decodeOnly`), and says what a person needs to know about the result: notes, and for Apple
 * data the certificates it carries. The manual: docs/cli.md, "inspect(): the command's engine".
 *
 * Errors: anything about the input is returned, never thrown: an input it does not recognize
 * (`kind` undefined, MALFORMED_INPUT), malformed data, a signature or chain that does not verify,
 * data of another app or environment, and the values the input cannot supply (an environment for
 * Apple data that names none, an App Apple ID for Production data: INVALID_ARGUMENT with
 * `details.option`) come back as `status: 'invalid'` with `error`, the IapError the verifier
 * threw. That is how the command gets its exit code 1 (2 for `details.option`) and the dashboard
 * its "Invalid" verdict with the fields beside it. Only the caller's own mistakes throw
 * (IapError INVALID_ARGUMENT): an input that is neither a string nor a Uint8Array, an unknown
 * option, `type` or `store`.
 *
 * @param {string | Uint8Array} input text as pasted, or a file's bytes (signed purchase JSON is
 *   verified over these exact bytes; a DER receipt is read as bytes)
 * @param {import('./inspect.js').InspectOptions} [options]
 * @returns {import('./inspect.js').InspectResult}
 */
export function inspect(input, options) {
  const o = readOptions(options);
  const isBytes = input instanceof Uint8Array;
  if (typeof input !== 'string' && !isBytes) throw new IapError('INVALID_ARGUMENT', 'inspect: the input must be a string or a Uint8Array');
  const text = isBytes ? utf8.decode(input) : input;
  /** @type {import('./detect.js').Detected} */
  const found = o.type === undefined ? detect(text, isBytes ? input : undefined, { store: o.store }) : asType(o.type, input, text, o.store);
  if (found.kind === undefined) {
    const error = new IapError('MALFORMED_INPUT', `not an input inspect recognizes: ${found.reason}`, { details: { reason: found.reason } });
    return { kind: undefined, status: 'invalid', verified: false, error, notes: [] };
  }
  const { kind } = found;
  const now = o.now ?? Date.now();
  // What each verifier takes (detect gives text, or bytes where it was given bytes); the
  // verifiers check their input themselves.
  const { input: given } = found;
  const asText = () => /** @type {string} */ (given);
  /** @type {Step} */
  let r;
  if (kind === 'google-purchase' || kind === 'onestore-purchase') r = signedPurchase(kind, given, o);
  else if (kind === 'apple-receipt') r = appReceipt(given, o, now);
  else if (kind === 'apple-transaction-receipt') r = unsigned(() => ({ transactionId: extractTransactionIdFromTransactionReceipt(asText()) }), o, NOT_VERIFIABLE_OFFLINE);
  else if (kind === 'google-rtdn') r = unsigned(() => decodeGoogleNotification(asText()), o, NO_SIGNATURE);
  else r = appleJws(kind, asText(), o, now);
  const guessed = found.guessed
    ? [note('GUESSED_KIND', `read as ${KINDS[kind]}, the kind its payload fits best: the payload names none of the fields that tell the Apple kinds apart (the type option chooses another)`)]
    : [];
  const { status, notes, ...rest } = r;
  return { kind, label: KINDS[kind], ...(found.guessed ? { guessed: true } : {}), status, verified: status === 'verified', ...rest, notes: [...guessed, ...notes] };
}

/**
 * @param {InspectOptions | undefined} options checked here
 * @returns {InspectOptions}
 */
function readOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new IapError('INVALID_ARGUMENT', 'inspect: options must be an object');
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k)) throw new IapError('INVALID_ARGUMENT', `inspect: unknown option '${k}' (expected one of ${OPTIONS.join(', ')})`);
  }
  const o = { ...options };
  // Unset text options may come as '' from a form: the same as absent.
  for (const k of /** @type {const} */ (['type', 'store', 'key', 'signature', 'bundleId', 'environment'])) {
    const v = /** @type {unknown} */ (o[k]);
    if (v === '' || v === null) o[k] = undefined;
  }
  if (o.type !== undefined && !Object.hasOwn(KINDS, o.type)) throw new IapError('INVALID_ARGUMENT', `inspect: type ${o.type}: expected one of ${Object.keys(KINDS).join(', ')}`);
  if (o.store !== undefined && o.store !== 'google' && o.store !== 'onestore') throw new IapError('INVALID_ARGUMENT', `inspect: store ${o.store}: expected google or onestore`);
  if (typeof o.key === 'string') o.key = o.key.trim();
  if (typeof o.signature === 'string') o.signature = o.signature.trim();
  return o;
}

/**
 * The input as the verifier of a kind the caller chose takes it.
 * @param {InputKind} type
 * @param {string | Uint8Array} input
 * @param {string} text
 * @param {'google' | 'onestore' | undefined} store
 * @returns {import('./detect.js').Detected}
 */
function asType(type, input, text, store) {
  // Signed JSON: the exact bytes or text; a DER file: its bytes.
  if (type.endsWith('-purchase')) return { kind: type, input };
  if (type === 'apple-receipt' && typeof input !== 'string' && input[0] === 0x30) return { kind: type, input };
  // Detected as the same kind: what detection took out (a notification body's JWS, a wrapped JWS).
  const d = detect(text, typeof input === 'string' ? undefined : input, { store });
  if (d.kind === type) return { kind: type, input: d.input };
  return { kind: type, input: text.trim() };
}

/**
 * A result for an IapError; anything else is a bug and is thrown.
 * @param {unknown} e
 * @param {Partial<Step>} [extra]
 * @returns {Step}
 */
function failed(e, extra) {
  if (!(e instanceof IapError)) throw e;
  return { status: 'invalid', error: e, notes: [], ...extra };
}

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
 * Google Play and ONE store purchase JSON with its signature, under the app's licence key.
 * @param {'google-purchase' | 'onestore-purchase'} kind
 * @param {string | Uint8Array} input
 * @param {InspectOptions} o
 * @returns {Step}
 */
function signedPurchase(kind, input, o) {
  const bytes = toBytes(input);
  if (o.decodeOnly) {
    try {
      return { status: 'decoded', result: JSON.parse(utf8.decode(bytes)), notes: [] };
    } catch (e) {
      return failed(new IapError('MALFORMED_INPUT', `not JSON: ${/** @type {SyntaxError} */ (e).message}`, { details: { input: 'purchase data' } }));
    }
  }
  const unverified = jsonOf(bytes);
  /** @type {Array<'signature' | 'key'>} */
  const missing = [];
  if (!o.signature) missing.push('signature');
  if (!o.key) missing.push('key');
  if (missing.length > 0 || o.key === undefined || o.signature === undefined) {
    return { status: 'decoded', result: unverified, notes: [note('MISSING_SIGNATURE_OR_KEY', `not verified: no ${missing.join(' and ')} given`, { missing })] };
  }
  const Verifier = kind === 'onestore-purchase' ? OneStoreVerifier : GoogleVerifier;
  try {
    const verifier = new Verifier(o.key, { allowLegacy1024BitKeys: o.allowLegacy1024BitKeys === true });
    try {
      return { status: 'verified', result: verifier.verify(bytes, o.signature), notes: [] };
    } catch (e) {
      // Editors and paste boxes add or keep a final newline; the signature may cover the data without it.
      let end = bytes.length;
      while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
      if (!(e instanceof IapError) || e.code !== 'INVALID_SIGNATURE' || end === bytes.length) throw e;
      try {
        const result = verifier.verify(bytes.subarray(0, end), o.signature);
        return { status: 'verified', result, notes: [note('TRAILING_NEWLINE_IGNORED', 'verified without the final newline of the input, which the signature does not cover')] };
      } catch {
        throw e;
      }
    }
  } catch (e) {
    return failed(e, { unverified });
  }
}

/**
 * Runs `call(roots)` with Apple's roots, then, if the chain is untrusted, with `extraRoots`.
 * @template T
 * @param {InspectOptions} o
 * @param {(roots: RootCertificate[] | null) => T} call
 * @returns {{ value: T, notes: InspectNote[] }}
 */
function withRoots(o, call) {
  try {
    return { value: call(null), notes: [] };
  } catch (e) {
    if (!Array.isArray(o.extraRoots) || o.extraRoots.length === 0 || !(e instanceof IapError) || e.code !== 'INVALID_CHAIN') throw e;
    return { value: call(o.extraRoots), notes: [note('TRUSTED_BY_EXTRA_ROOT', 'trusted through one of extraRoots, not an Apple root')] };
  }
}

const bundleNote = () => note('BUNDLE_ID_NOT_CHECKED', "bundle id not checked: the data's own was taken (the bundleId option requires one)");
const environmentNote = () => note('ENVIRONMENT_NOT_CHECKED', "environment not checked: the data's own was taken (the environment option requires one)");

/**
 * The certificates and the instant their validity is judged at, when any could be read.
 * @param {CertificateInfo[]} certificates
 * @param {number} judgedAt
 * @param {'signedDate' | 'receiptCreationDate' | 'now'} judgedBy
 * @returns {Pick<Step, 'certificates' | 'judgedAt' | 'judgedBy'>}
 */
function chain(certificates, judgedAt, judgedBy) {
  return certificates.length > 0 ? { certificates, judgedAt, judgedBy } : {};
}

/**
 * @param {string | Uint8Array} input
 * @returns {CertificateInfo[]}
 */
function receiptCertificates(input) {
  if (typeof input === 'string' && input.length > MAX_RECEIPT_TEXT) return [];
  const bytes = typeof input === 'string' ? base64ToBytes(input) : input;
  if (!bytes) return [];
  try {
    return __describeCertificates(bytes, true);
  } catch (e) {
    if (e instanceof IapError) return [];
    throw e;
  }
}

/**
 * @param {unknown} header a JWS header, decoded without any check
 * @returns {CertificateInfo[]}
 */
function jwsCertificates(header) {
  const given = field(header, 'x5c');
  const x5c = Array.isArray(given) ? given.slice(0, MAX_X5C) : [];
  /** @type {CertificateInfo[]} */
  const out = [];
  for (const b64 of x5c) {
    const der = typeof b64 === 'string' ? base64ToBytes(b64) : undefined;
    if (!der) continue;
    try {
      out.push(...__describeCertificates(der, false));
    } catch (e) {
      if (!(e instanceof IapError)) throw e;
    }
  }
  return out;
}

/**
 * An Apple app receipt (PKCS#7), base64 text or DER bytes.
 * @param {string | Uint8Array} input
 * @param {InspectOptions} o
 * @param {number} now
 * @returns {Step}
 */
function appReceipt(input, o, now) {
  const certificates = receiptCertificates(input);
  if (o.decodeOnly) {
    // The receipt's fields are read only once its signature checks out; unverified, the package
    // gives what Apple's ReceiptUtility gives: the transaction id to look up.
    try {
      return { status: 'decoded', result: { transactionId: extractTransactionIdFromAppReceipt(input) }, notes: [], ...chain(certificates, now, 'now') };
    } catch (e) {
      return failed(e, chain(certificates, now, 'now'));
    }
  }
  /** @type {import('../web/iap_verify.js').AppReceiptVerifyOptions} */
  const options = { now };
  if (o.bundleId !== undefined) options.bundleId = o.bundleId;
  const notes = o.bundleId === undefined ? [bundleNote()] : [];
  try {
    const r = withRoots(o, (roots) => verifyAppReceipt(input, roots ? { ...options, rootCertificates: roots } : options));
    const created = r.value?.receiptCreationDate;
    return { status: 'verified', result: r.value, notes: [...r.notes, ...notes], ...chain(certificates, created ?? now, created !== undefined ? 'receiptCreationDate' : 'now') };
  } catch (e) {
    let tx;
    try {
      tx = extractTransactionIdFromAppReceipt(input);
    } catch {
      tx = undefined;
    }
    return failed(e, { unverified: tx === undefined ? undefined : { transactionId: tx }, notes, ...chain(certificates, now, 'now') });
  }
}

/**
 * For display when verification failed: a notification's nested JWS decoded without any check,
 * placed where a verified notification has them (`data.decodedTransactionInfo`, ...).
 * @param {unknown} payload
 */
function withNestedDecoded(payload) {
  if (!payload || typeof payload !== 'object') return payload;
  const out = /** @type {Record<string, unknown>} */ (structuredClone(payload));
  const nested = [
    ['data', 'signedTransactionInfo', 'decodedTransactionInfo'],
    ['data', 'signedRenewalInfo', 'decodedRenewalInfo'],
    ['appData', 'signedAppTransactionInfo', 'decodedAppTransactionInfo'],
  ];
  for (const [parent, signed, decoded] of nested) {
    const p = /** @type {Record<string, unknown> | null | undefined} */ (out[parent]);
    const value = p && typeof p === 'object' ? p[signed] : undefined;
    if (p && typeof value === 'string') {
      const inner = peekJws(value.trim()).payload;
      if (inner !== undefined) p[decoded] = inner;
    }
  }
  return out;
}

/**
 * `decodeOnly`: the header's algorithm and chain length, the payload with a notification's nested JWS decoded in place.
 * @param {unknown} header
 * @param {unknown} payload
 */
function decodedJws(header, payload) {
  const data = /** @type {Record<string, unknown> | null | undefined} */ (field(payload, 'data'));
  if (data && typeof data === 'object') {
    for (const k of ['signedTransactionInfo', 'signedRenewalInfo']) {
      const v = data[k];
      if (typeof v === 'string' && isJws(v)) data[k] = peekJws(v).payload ?? v;
    }
  }
  const x5c = field(header, 'x5c');
  return { header: { alg: field(header, 'alg'), x5cCount: Array.isArray(x5c) ? x5c.length : 0 }, payload };
}

/**
 * A StoreKit 2 / App Store Server JWS: transaction, renewal info, app transaction or notification.
 * @param {JwsKind} kind
 * @param {string} jws
 * @param {InspectOptions} o
 * @param {number} now
 * @returns {Step}
 */
function appleJws(kind, jws, o, now) {
  const { header, payload } = peekJws(jws);
  const certificates = jwsCertificates(header);
  const signedDate = kind === 'apple-app-transaction' ? field(payload, 'receiptCreationDate') ?? field(payload, 'signedDate') : field(payload, 'signedDate');
  const judgedBy = typeof signedDate !== 'number' ? 'now' : kind === 'apple-app-transaction' && typeof field(payload, 'receiptCreationDate') === 'number' ? 'receiptCreationDate' : 'signedDate';
  const shown = chain(certificates, typeof signedDate === 'number' ? signedDate : now, judgedBy);
  if (o.decodeOnly) {
    if (payload === undefined) return failed(new IapError('MALFORMED_INPUT', 'the JWS payload is not base64url JSON', { details: { input: 'JWS' } }), shown);
    return { status: 'decoded', result: decodedJws(header, payload), notes: [], ...shown };
  }
  const env = o.environment ?? field(payload, 'environment') ?? field(payload, 'data', 'environment') ?? field(payload, 'summary', 'environment') ?? field(payload, 'receiptType');
  const bundleId = o.bundleId ?? field(payload, 'bundleId') ?? field(payload, 'data', 'bundleId') ?? field(payload, 'summary', 'bundleId') ?? '';
  const appAppleId = o.appAppleId ?? field(payload, 'appAppleId') ?? field(payload, 'data', 'appAppleId') ?? field(payload, 'summary', 'appAppleId');
  const unverified = withNestedDecoded(payload);
  if (typeof env !== 'string' || !ENVIRONMENTS.includes(env)) {
    const message = `the environment is ${env === undefined ? 'not in the data' : `'${env}'`}: pass the environment option`;
    return failed(new IapError('INVALID_ARGUMENT', message, { details: { option: 'environment', value: env } }), { unverified, ...shown });
  }
  if (env === 'Production' && !Number.isSafeInteger(appAppleId)) {
    const error = new IapError('INVALID_ARGUMENT', 'Production data needs the App Apple ID: pass the appAppleId option', { details: { option: 'appAppleId' } });
    return failed(error, { unverified, ...shown });
  }
  // Renewal info has no bundle id: it is never checked, so there is nothing to say.
  const notes = [...(o.bundleId === undefined && kind !== 'apple-renewal-info' ? [bundleNote()] : []), ...(o.environment === undefined ? [environmentNote()] : [])];
  try {
    // The data's own bundle id and App Apple ID, as read: the verifier checks what it is given.
    const verifier = (/** @type {RootCertificate[] | null} */ roots) =>
      new SignedDataVerifier(roots, false, /** @type {import('./apple.js').Environment} */ (env), /** @type {string} */ (bundleId), /** @type {number | undefined} */ (appAppleId));
    /** @type {{ value: unknown, notes: InspectNote[] }} */
    const r = withRoots(o, (roots) => verifier(roots)[JWS_METHODS[kind]](jws, { now }));
    const test = field(r.value, 'testData') ? [note('TEST_DATA', 'test data: signed by a local Xcode / StoreKit key, not by Apple')] : [];
    return { status: 'verified', result: r.value, notes: [...test, ...r.notes, ...notes], ...shown };
  } catch (e) {
    return failed(e, { unverified, notes, ...shown });
  }
}

const NO_SIGNATURE = note('NO_SIGNATURE', 'a Pub/Sub push body carries no signature: authenticate the push request (its OIDC token, verifyPubSubPush) before trusting it');
const NOT_VERIFIABLE_OFFLINE = note('NOT_VERIFIABLE_OFFLINE', 'an iOS 6 transaction receipt cannot be verified offline: look the transaction id up with the App Store Server API');

/**
 * The kinds that carry no signature: decoded, with a note on what would authenticate them.
 * @param {() => unknown} decode
 * @param {InspectOptions} o
 * @param {InspectNote} why
 * @returns {Step}
 */
function unsigned(decode, o, why) {
  try {
    return { status: 'decoded', result: decode(), notes: o.decodeOnly ? [] : [{ ...why }] };
  } catch (e) {
    return failed(e);
  }
}
