// The codes: generated from the Rust core's list (ErrorCode in src/error.rs).
import type { IapErrorCode } from '../web/codes.js';

export type { IapErrorCode };

/** Every error the package throws. */
export declare class IapError extends Error {
  constructor(
    code: IapErrorCode,
    message: string,
    options?: { retryable?: boolean; details?: Record<string, unknown>; cause?: unknown },
  );
  readonly name: 'IapError';
  readonly code: IapErrorCode;
  /** True for NETWORK_ERROR, TIMEOUT and server-side (5xx, 429) API errors. */
  readonly retryable: boolean;
  /** Structured context: offsets, limits, expected/actual values, result codes. Never secrets. */
  readonly details?: Record<string, unknown>;
}

/** Apple's `VerificationStatus` (same names and numbers; maps both ways like a TS numeric enum). */
export declare const VerificationStatus: {
  readonly OK: 0;
  readonly VERIFICATION_FAILURE: 1;
  readonly RETRYABLE_VERIFICATION_FAILURE: 2;
  readonly INVALID_APP_IDENTIFIER: 3;
  readonly INVALID_ENVIRONMENT: 4;
  readonly INVALID_CHAIN_LENGTH: 5;
  readonly INVALID_CERTIFICATE: 6;
  readonly FAILURE: 7;
  readonly [status: number]: string | undefined;
};
/** One of Apple's verification statuses. */
export type VerificationStatus = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Apple's status for an error `code` (and its `details`): the README's table. */
export declare function verificationStatusOf(code: string, details?: Record<string, unknown>): VerificationStatus;

/**
 * Apple's `VerificationException`: every error of a `SignedDataVerifier` method is one, and an
 * `IapError` too (`status` is Apple's, `code` ours).
 */
export declare class VerificationException extends IapError {
  /** Apple's constructor; the code is derived from the status. */
  constructor(status: VerificationStatus, cause?: Error);
  status: VerificationStatus;
  /** `error` as a VerificationException (same code, message, details), with Apple's status. */
  static from(error: IapError): VerificationException;
  static from<T>(error: T): T | VerificationException;
}
