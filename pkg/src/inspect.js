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
const toBytes = (input) => (typeof input === 'string' ? new TextEncoder().encode(input) : input);
const note = (code, message, extra) => ({ code, message, ...extra });

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
  const found = o.type === undefined ? detect(text, isBytes ? input : undefined, { store: o.store }) : asType(o.type, input, text, o.store);
  if (found.kind === undefined) {
    const error = new IapError('MALFORMED_INPUT', `not an input inspect recognizes: ${found.reason}`, { details: { reason: found.reason } });
    return { kind: undefined, status: 'invalid', verified: false, error, notes: [] };
  }
  const { kind } = found;
  const now = o.now ?? Date.now();
  let r;
  if (kind === 'google-purchase' || kind === 'onestore-purchase') r = signedPurchase(kind, found.input, o);
  else if (kind === 'apple-receipt') r = appReceipt(found.input, o, now);
  else if (kind in JWS_METHODS) r = appleJws(kind, found.input, o, now);
  else if (kind === 'google-rtdn') r = unsigned(() => decodeGoogleNotification(found.input), o, NO_SIGNATURE);
  else r = unsigned(() => ({ transactionId: extractTransactionIdFromTransactionReceipt(found.input) }), o, NOT_VERIFIABLE_OFFLINE);
  const guessed = found.guessed
    ? [note('GUESSED_KIND', `read as ${KINDS[kind]}, the kind its payload fits best: the payload names none of the fields that tell the Apple kinds apart (the type option chooses another)`)]
    : [];
  const { status, notes, ...rest } = r;
  return { kind, label: KINDS[kind], ...(found.guessed ? { guessed: true } : {}), status, verified: status === 'verified', ...rest, notes: [...guessed, ...notes] };
}

function readOptions(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new IapError('INVALID_ARGUMENT', 'inspect: options must be an object');
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k)) throw new IapError('INVALID_ARGUMENT', `inspect: unknown option '${k}' (expected one of ${OPTIONS.join(', ')})`);
  }
  const o = { ...options };
  // Unset text options may come as '' from a form: the same as absent.
  for (const k of ['type', 'store', 'key', 'signature', 'bundleId', 'environment']) if (o[k] === '' || o[k] === null) o[k] = undefined;
  if (o.type !== undefined && !Object.hasOwn(KINDS, o.type)) throw new IapError('INVALID_ARGUMENT', `inspect: type ${o.type}: expected one of ${Object.keys(KINDS).join(', ')}`);
  if (o.store !== undefined && o.store !== 'google' && o.store !== 'onestore') throw new IapError('INVALID_ARGUMENT', `inspect: store ${o.store}: expected google or onestore`);
  if (typeof o.key === 'string') o.key = o.key.trim();
  if (typeof o.signature === 'string') o.signature = o.signature.trim();
  return o;
}

/** The input as the verifier of a kind the caller chose takes it. */
function asType(type, input, text, store) {
  // Signed JSON: the exact bytes or text; a DER file: its bytes.
  if (type.endsWith('-purchase')) return { kind: type, input };
  if (type === 'apple-receipt' && typeof input !== 'string' && input[0] === 0x30) return { kind: type, input };
  // Detected as the same kind: what detection took out (a notification body's JWS, a wrapped JWS).
  const d = detect(text, typeof input === 'string' ? undefined : input, { store });
  if (d.kind === type) return { kind: type, input: d.input };
  return { kind: type, input: text.trim() };
}

/** A result for an IapError; anything else is a bug and is thrown. */
function failed(e, extra) {
  if (!(e instanceof IapError)) throw e;
  return { status: 'invalid', error: e, notes: [], ...extra };
}

function jsonOf(bytes) {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

/** Google Play and ONE store purchase JSON with its signature, under the app's licence key. */
function signedPurchase(kind, input, o) {
  const bytes = toBytes(input);
  if (o.decodeOnly) {
    try {
      return { status: 'decoded', result: JSON.parse(utf8.decode(bytes)), notes: [] };
    } catch (e) {
      return failed(new IapError('MALFORMED_INPUT', `not JSON: ${e.message}`, { details: { input: 'purchase data' } }));
    }
  }
  const unverified = jsonOf(bytes);
  const missing = [!o.signature && 'signature', !o.key && 'key'].filter(Boolean);
  if (missing.length > 0) {
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

/** Runs `call(roots)` with Apple's roots, then, if the chain is untrusted, with `extraRoots`. */
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

/** The certificates and the instant their validity is judged at, when any could be read. */
function chain(certificates, judgedAt, judgedBy) {
  return certificates.length > 0 ? { certificates, judgedAt, judgedBy } : {};
}

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

function jwsCertificates(header) {
  const x5c = Array.isArray(header?.x5c) ? header.x5c.slice(0, MAX_X5C) : [];
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

/** An Apple app receipt (PKCS#7), base64 text or DER bytes. */
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

/** `decodeOnly`: the header's algorithm and chain length, the payload with a notification's nested JWS decoded in place. */
function decodedJws(header, payload) {
  const data = payload.data;
  if (data && typeof data === 'object') {
    for (const k of ['signedTransactionInfo', 'signedRenewalInfo']) {
      if (typeof data[k] === 'string' && isJws(data[k])) data[k] = peekJws(data[k]).payload ?? data[k];
    }
  }
  return { header: { alg: header?.alg, x5cCount: Array.isArray(header?.x5c) ? header.x5c.length : 0 }, payload };
}

/** A StoreKit 2 / App Store Server JWS: transaction, renewal info, app transaction or notification. */
function appleJws(kind, jws, o, now) {
  const { header, payload } = peekJws(jws);
  const certificates = jwsCertificates(header);
  const signedDate = kind === 'apple-app-transaction' ? payload?.receiptCreationDate ?? payload?.signedDate : payload?.signedDate;
  const judgedBy = typeof signedDate !== 'number' ? 'now' : kind === 'apple-app-transaction' && typeof payload?.receiptCreationDate === 'number' ? 'receiptCreationDate' : 'signedDate';
  const shown = chain(certificates, typeof signedDate === 'number' ? signedDate : now, judgedBy);
  if (o.decodeOnly) {
    if (payload === undefined) return failed(new IapError('MALFORMED_INPUT', 'the JWS payload is not base64url JSON', { details: { input: 'JWS' } }), shown);
    return { status: 'decoded', result: decodedJws(header, payload), notes: [], ...shown };
  }
  const env = o.environment ?? payload?.environment ?? payload?.data?.environment ?? payload?.summary?.environment ?? payload?.receiptType;
  const bundleId = o.bundleId ?? payload?.bundleId ?? payload?.data?.bundleId ?? payload?.summary?.bundleId ?? '';
  const appAppleId = o.appAppleId ?? payload?.appAppleId ?? payload?.data?.appAppleId ?? payload?.summary?.appAppleId;
  const unverified = withNestedDecoded(payload);
  if (!ENVIRONMENTS.includes(env)) {
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
    const r = withRoots(o, (roots) => new SignedDataVerifier(roots, false, env, bundleId, appAppleId)[JWS_METHODS[kind]](jws, { now }));
    const test = r.value?.testData ? [note('TEST_DATA', 'test data: signed by a local Xcode / StoreKit key, not by Apple')] : [];
    return { status: 'verified', result: r.value, notes: [...test, ...r.notes, ...notes], ...shown };
  } catch (e) {
    return failed(e, { unverified, notes, ...shown });
  }
}

const NO_SIGNATURE = note('NO_SIGNATURE', 'a Pub/Sub push body carries no signature: authenticate the push request (its OIDC token, verifyPubSubPush) before trusting it');
const NOT_VERIFIABLE_OFFLINE = note('NOT_VERIFIABLE_OFFLINE', 'an iOS 6 transaction receipt cannot be verified offline: look the transaction id up with the App Store Server API');

/** The kinds that carry no signature: decoded, with a note on what would authenticate them. */
function unsigned(decode, o, why) {
  try {
    return { status: 'decoded', result: decode(), notes: o.decodeOnly ? [] : [{ ...why }] };
  } catch (e) {
    return failed(e);
  }
}
