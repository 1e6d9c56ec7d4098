// The TypeScript of wasm/src/apple.rs that is not a model: options, parameters and answers as JavaScript
// passes and reads them. The models are generated from their Rust declarations (pkg/web/models.d.ts);
// scripts/build-pkg.mjs puts both into the declarations of the module (pkg/web/iap_verify.d.ts).

/** Apple's environments. `Environment.SANDBOX` etc. are exported as values too. */
export type Environment = 'Sandbox' | 'Production' | 'Xcode' | 'LocalTesting';
/** A root certificate: DER bytes, or PEM (one or more certificates) / base64 DER as bytes or text. */
export type RootCertificate = Uint8Array | string;
/** Options of `verifyAppReceipt`. */
export interface AppReceiptOptions {
  /** Expected bundle id (exact, case-sensitive), else INVALID_APP_IDENTIFIER. */
  bundleId?: string;
  /** Roots replacing Apple Root CA (e.g. Xcode's StoreKitTestCertificate.cer): DER or PEM, bytes or text. */
  rootCertificates?: RootCertificate[] | null;
  /** The device's identifierForVendor (UUID text or 16 bytes): the receipt hash must match, else INVALID_SIGNATURE. */
  deviceId?: string | Uint8Array;
  /** Epoch ms; only used as the effective date of a receipt without a creation date. Default Date.now(). */
  now?: number;
}
/** Per-call options of `AppReceiptVerifier.verify`. */
export interface AppReceiptVerifyOptions {
  bundleId?: string;
  deviceId?: string | Uint8Array;
  now?: number;
}
/** The sixth `SignedDataVerifier` argument: how the online checks (OCSP) are sent. */
export interface OnlineCheckOptions {
  /** Used instead of the global `fetch`; must honour `init.signal` for the timeout. */
  fetch?: (url: string, init: { method: string; headers: Record<string, string>; body: Uint8Array; signal?: AbortSignal }) => Promise<Response>;
  /** Per OCSP request, default 10000. */
  timeoutMs?: number;
}
/** Per-call options of the `SignedDataVerifier` methods. */
export interface VerifyCallOptions {
  /** Epoch ms, the effective date when the payload has no signedDate. Default Date.now(). */
  now?: number;
}
/** A Retention Messaging API real-time request (`DecodedRealtimeRequestBody`). */
export interface DecodedRealtimeRequestBody extends TestDataMark {
  originalTransactionId?: string;
  appAppleId?: number;
  productId?: string;
  userLocale?: string;
  requestIdentifier?: string;
  signedDate?: number;
  environment?: Environment | (string & {});
  [unknownField: string]: unknown;
}
