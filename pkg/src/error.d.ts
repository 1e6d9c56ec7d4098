/** Stable error codes. New codes may be added; existing ones are never renamed. */
export type IapErrorCode =
  | 'MALFORMED_INPUT'
  | 'INPUT_TOO_LARGE'
  | 'INVALID_PUBLIC_KEY'
  | 'INVALID_SIGNATURE'
  | 'INVALID_CHAIN'
  | 'CERTIFICATE_EXPIRED'
  | 'INVALID_APP_IDENTIFIER'
  | 'INVALID_ENVIRONMENT'
  | 'INVALID_STATE_TRANSITION'
  | 'ALREADY_CONSUMED'
  | 'API_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'INVALID_ARGUMENT'
  | 'INVALID_TOKEN';

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
