/**
 * The one error class of iap-verify. Every failure the package reports is an `IapError` with a
 * stable `code` (see the README's table), a human `message`, `retryable` (true only for
 * NETWORK_ERROR, TIMEOUT and server-side API trouble) and, where useful, `details`.
 */
class IapError extends Error {
  /**
   * @param {string} code stable machine-readable code, e.g. "INVALID_SIGNATURE"
   * @param {string} message human-readable explanation
   * @param {{ retryable?: boolean, details?: Record<string, unknown>, cause?: unknown }} [options]
   */
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IapError';
    this.code = code;
    this.retryable = options.retryable === true;
    if (options.details !== undefined) this.details = options.details;
  }
}

/**
 * Apple's `VerificationStatus` (`@apple/app-store-server-library`), same names and numbers. Like
 * a TypeScript numeric enum it maps both ways (`VerificationStatus[3] === 'INVALID_APP_IDENTIFIER'`).
 */
const VerificationStatus = Object.freeze({
  OK: 0,
  VERIFICATION_FAILURE: 1,
  RETRYABLE_VERIFICATION_FAILURE: 2,
  INVALID_APP_IDENTIFIER: 3,
  INVALID_ENVIRONMENT: 4,
  INVALID_CHAIN_LENGTH: 5,
  INVALID_CERTIFICATE: 6,
  FAILURE: 7,
  0: 'OK',
  1: 'VERIFICATION_FAILURE',
  2: 'RETRYABLE_VERIFICATION_FAILURE',
  3: 'INVALID_APP_IDENTIFIER',
  4: 'INVALID_ENVIRONMENT',
  5: 'INVALID_CHAIN_LENGTH',
  6: 'INVALID_CERTIFICATE',
  7: 'FAILURE',
});

/**
 * The `status` Apple's library gives for what our error `code` (and `details`) says (the table
 * in the README). Apple reports certificates it cannot read (no x5c, not three, not DER) and
 * certificates outside their validity as INVALID_CERTIFICATE, certificates that do not chain as
 * VERIFICATION_FAILURE, a signed payload of the wrong shape as FAILURE, and an OCSP responder it
 * cannot reach as RETRYABLE_VERIFICATION_FAILURE; a revoked certificate is FAILURE.
 */
/**
 * @param {string} code
 * @param {Record<string, unknown>} [details]
 * @returns {import('./error.js').VerificationStatus}
 */
function verificationStatusOf(code, details) {
  switch (code) {
    case 'INVALID_APP_IDENTIFIER':
      return VerificationStatus.INVALID_APP_IDENTIFIER;
    case 'INVALID_ENVIRONMENT':
      return VerificationStatus.INVALID_ENVIRONMENT;
    case 'CERTIFICATE_EXPIRED':
      return VerificationStatus.INVALID_CERTIFICATE;
    case 'INVALID_CHAIN':
      if (details?.unreadable === true) return VerificationStatus.INVALID_CERTIFICATE;
      return details?.revoked ? VerificationStatus.FAILURE : VerificationStatus.VERIFICATION_FAILURE;
    case 'MALFORMED_INPUT':
      return details?.input === 'JWS payload' ? VerificationStatus.FAILURE : VerificationStatus.VERIFICATION_FAILURE;
    case 'NETWORK_ERROR':
    case 'TIMEOUT':
      return VerificationStatus.RETRYABLE_VERIFICATION_FAILURE;
    default:
      // An OCSP answer that cannot be used (unknown, bad signature, stale, mismatch): Apple's FAILURE.
      return code?.startsWith('OCSP_') ? VerificationStatus.FAILURE : VerificationStatus.VERIFICATION_FAILURE;
  }
}

/**
 * The code a `VerificationException` made from a bare status (Apple's constructor) carries.
 * @type {Record<number, import('./error.js').IapErrorCode | undefined>}
 */
const CODE_OF_STATUS = {
  2: 'NETWORK_ERROR',
  3: 'INVALID_APP_IDENTIFIER',
  4: 'INVALID_ENVIRONMENT',
  5: 'INVALID_CHAIN',
  6: 'INVALID_CHAIN',
};

/**
 * Apple's `VerificationException`, as an `IapError`: every error of a `SignedDataVerifier`
 * method is one, with Apple's `status` next to our `code`, so both
 * `e instanceof VerificationException && e.status === VerificationStatus.INVALID_APP_IDENTIFIER`
 * and `e instanceof IapError && e.code === 'INVALID_APP_IDENTIFIER'` hold.
 */
class VerificationException extends IapError {
  /**
   * Apple's constructor: `new VerificationException(status, cause?)` (for code that makes its own,
   * e.g. in tests); the code is derived from the status.
   * @param {import('./error.js').VerificationStatus} status a `VerificationStatus`
   * @param {unknown} [cause]
   */
  constructor(status, cause) {
    const code = CODE_OF_STATUS[status] ?? 'INVALID_SIGNATURE';
    super(code, `verification failed: ${/** @type {Record<number, string | undefined>} */ (VerificationStatus)[status] ?? status}`, {
      cause,
      retryable: status === VerificationStatus.RETRYABLE_VERIFICATION_FAILURE,
    });
    this.status = status;
  }

  /**
   * `error` (an `IapError`) as a `VerificationException` with the same code, message, details
   * and `retryable`, and the matching Apple `status`; `error` itself if it is one already.
   * @param {IapError} error
   */
  static from(error) {
    if (error instanceof VerificationException || !(error instanceof IapError)) return error;
    const e = new VerificationException(verificationStatusOf(error.code, error.details), error.cause);
    e.code = error.code;
    e.message = error.message;
    e.retryable = error.retryable;
    if (error.details !== undefined) e.details = error.details;
    e.stack = error.stack;
    return e;
  }
}

// One set of the above per JavaScript realm for each version of the package, however many copies of
// this file a process loads. The Node entries are bundles that carry a copy of it (one module file
// loads faster than several: scripts/bundle-entries.mjs), and an error from any entry (iap-verify,
// iap-verify/verify, iap-verify/postgres, ...) must be `instanceof` the one `IapError` each of them
// exports. The first copy to load registers its classes under a symbol of the global registry, and
// every copy exports those. The key names the package's version (tests/js/errors.test.mjs checks it
// against package.json), so that two versions in one process keep their own, as they would without it.
const KEY = Symbol.for('iap-verify@0.1.0/errors');
/** @typedef {Readonly<{ IapError: typeof IapError, VerificationException: typeof VerificationException, VerificationStatus: typeof VerificationStatus, verificationStatusOf: typeof verificationStatusOf }>} Errors */
if (!Object.hasOwn(globalThis, KEY)) {
  /** @type {Errors} */
  const errors = Object.freeze({ IapError, VerificationException, VerificationStatus, verificationStatusOf });
  Object.defineProperty(globalThis, KEY, { value: errors });
}
const shared = /** @type {Errors} */ (Reflect.get(globalThis, KEY));
const SharedIapError = shared.IapError;
const SharedVerificationException = shared.VerificationException;
const SharedVerificationStatus = shared.VerificationStatus;
const sharedVerificationStatusOf = shared.verificationStatusOf;
export {
  SharedIapError as IapError,
  SharedVerificationException as VerificationException,
  SharedVerificationStatus as VerificationStatus,
  sharedVerificationStatusOf as verificationStatusOf,
};
