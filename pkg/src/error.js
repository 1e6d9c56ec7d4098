/**
 * The one error class of iap-verify. Every failure the package reports is an `IapError` with a
 * stable `code` (see the README's table), a human `message`, `retryable` (true only for
 * NETWORK_ERROR, TIMEOUT and server-side API trouble) and, where useful, `details`.
 */
export class IapError extends Error {
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
