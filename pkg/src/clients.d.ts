// The classes (IapApi, IapClient, GamebaseApi, GamebaseClient) are declared from the Rust endpoint
// declarations by scripts/gen-endpoints.mjs; their options are declared here.
export { IapApi, IapClient, GamebaseApi, GamebaseClient, AppStoreServerApi, AppStoreServerAPIClient, GooglePlayApi, GooglePlayClient, OneStoreApi, OneStoreClient } from '../web/endpoints.js';
import type { ServiceAccountKey } from '../web/iap_verify.js';

/** A `fetch`-compatible function (the global one, undici, a proxy, a mock). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<{ status: number; text(): Promise<string>; headers?: { forEach(cb: (value: string, key: string) => void): void } }>;

/** How requests are sent. */
export interface TransportOptions {
  /** Default: the global `fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Per attempt, in ms. Default 10000 (NHN's advice for consume). A timeout aborts the request. */
  timeoutMs?: number;
  /** Extra attempts for reads on NETWORK_ERROR, TIMEOUT or HTTP 5xx/429. Default 2. Writes are never retried. */
  retries?: number;
  /** First backoff delay in ms, doubled per retry. Default 200. */
  retryDelayMs?: number;
  /**
   * A call's deadline in ms from its start, retries included. Default 60000. A wait before a retry
   * (the store's Retry-After, or the backoff) that would end past it is not waited for: the last
   * error is thrown (its `details.retryAfterMs` says how long the store asked for).
   */
  deadlineMs?: number;
  /**
   * `baseUrl` (and Google's token URL) may use plain `http://` for any host. Default false: `http://`
   * only for a loopback host (localhost, 127.0.0.0/8, [::1]), so that a typo cannot send a key or
   * token in clear text. Redirects are never followed, whatever this says.
   */
  allowInsecureHttp?: boolean;
}

export interface IapClientOptions extends TransportOptions {
  /** The IAP AppKey (console: URL & Appkey). Identifies the app; not a secret. */
  appKey: string;
  /** Default https://api-iap.cloud.toast.com. */
  baseUrl?: string;
}

export interface GamebaseClientOptions extends TransportOptions {
  /** The NHN Cloud project id. */
  appId: string;
  /** The Gamebase secret key. Server-side only: it can refund and read every user's payments. */
  secretKey: string;
  /** Default https://api-gamebase.nhncloudservice.com. */
  baseUrl?: string;
  /** Sent as X-TCGB-Transaction-Id. */
  transactionId?: string;
  /** The constructor refuses to run in a browser page unless this is true. Do not set it in production. */
  dangerouslyAllowBrowser?: boolean;
}

/** Options of `AppStoreServerAPIClient` (Apple's five constructor arguments come first). */
export interface AppStoreServerAPIClientOptions extends TransportOptions {
  /** Default: Apple's host for the environment. `http://` only to a loopback host (see `allowInsecureHttp`). */
  baseUrl?: string;
  /** Roots that the signed data in answers must chain to (DER bytes, PEM or base64 text). Default: Apple's roots. */
  rootCertificates?: (Uint8Array | ArrayBuffer | string)[];
  /** Your app's Apple id: needed to verify Production data. */
  appAppleId?: number;
  /** Production only: a read that answers TRANSACTION_ID_NOT_FOUND (4040010) is tried once against the sandbox. Default false. */
  fallbackToSandbox?: boolean;
  /** The sandbox host for `fallbackToSandbox` (default Apple's). */
  sandboxBaseUrl?: string;
}

/** Options of `GooglePlayClient`. */
export interface GooglePlayClientOptions extends TransportOptions {
  /** The service account's JSON key file: its text or its parsed object. */
  serviceAccount: string | ServiceAccountKey;
  /** Default https://androidpublisher.googleapis.com. `http://` only to a loopback host (see `allowInsecureHttp`). */
  baseUrl?: string;
  /** Replaces the key file's token_uri (default https://oauth2.googleapis.com/token); also the assertion's audience. The same `http://` rule as `baseUrl`. */
  tokenUrl?: string;
  /** The constructor refuses to run in a browser page unless this is true. Do not set it in production. */
  dangerouslyAllowBrowser?: boolean;
}

/** Internal (the signature creators): the .p8 key as PEM text, from its text or bytes. Not exported by the package. */
export declare function keyText(key: unknown): unknown;
/** Options of `OneStoreClient`. */
export interface OneStoreClientOptions extends TransportOptions {
  /** The app's client id: its package name if registered before 2025-03-20, its PID after. */
  clientId: string;
  /** The client secret (Developer Center, licence management). Never in an error, a detail or a log. */
  clientSecret: string;
  /** SANDBOX (https://sbpp.onestore.net) or COMMERCIAL (https://iap-apis.onestore.net). */
  environment: 'SANDBOX' | 'COMMERCIAL';
  /** Sent as `x-market-code`; also the time zone of answers' times without an offset (MKT_ONE UTC+9, MKT_GLB UTC). Default MKT_ONE. */
  marketCode?: 'MKT_ONE' | 'MKT_GLB';
  /** Replaces the environment's host. `http://` only to a loopback host (see `allowInsecureHttp`). */
  baseUrl?: string;
  /** The constructor refuses to run in a browser page unless this is true. Do not set it in production. */
  dangerouslyAllowBrowser?: boolean;
}
