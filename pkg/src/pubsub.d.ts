import type { FetchLike } from './clients.js';

/** A JWK set, as Google publishes it at https://www.googleapis.com/oauth2/v3/certs. */
export interface JsonWebKeySet {
  keys: Array<{ kty: string; kid?: string; alg?: string; use?: string; n?: string; e?: string; [member: string]: unknown }>;
}

export interface VerifyPubSubPushOptions {
  /** The audience configured on the push subscription (by default its push endpoint URL). */
  audience: string;
  /** The email of the service account the push subscription authenticates as. */
  serviceAccountEmail: string;
  /** Google's key set, if you keep it yourself; then nothing is fetched. */
  jwks?: string | JsonWebKeySet;
  /** Fetches the key set. Default: the global `fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** The time to judge `exp`/`iat` and the key cache at, epoch ms. Default `Date.now()`. */
  now?: number;
  /** Per attempt of the key-set fetch, in ms. Default 5000. */
  timeoutMs?: number;
  /** Extra attempts of the key-set fetch on NETWORK_ERROR, TIMEOUT or HTTP 5xx/429. Default 2. */
  retries?: number;
}

/** The claims of a verified push token, as sent (times in epoch seconds, as JWTs carry them). */
export interface PubSubPushClaims {
  iss: 'https://accounts.google.com' | 'accounts.google.com';
  aud: string;
  email: string;
  email_verified: true;
  /** Epoch seconds. */
  exp: number;
  /** Epoch seconds. */
  iat: number;
  /** The service account's unique id. */
  sub?: string;
  azp?: string;
  [claim: string]: unknown;
}

/**
 * Verifies a Pub/Sub push request's `Authorization` header (`Bearer` + Google's OIDC token):
 * RS256 with Google's published key of the token's `kid`, `iss`, `aud`, `email`,
 * `email_verified`, `exp`/`iat` (60 s leeway). `null`/`undefined` (no header) is MALFORMED_INPUT.
 * Rejects with an `IapError`: MALFORMED_INPUT, INPUT_TOO_LARGE, INVALID_SIGNATURE, INVALID_TOKEN
 * (`details.claim` names the claim), INVALID_PUBLIC_KEY, or, for the key-set fetch, API_ERROR,
 * NETWORK_ERROR, TIMEOUT.
 */
export declare function verifyPubSubPush(
  authorizationHeader: string | null | undefined,
  options: VerifyPubSubPushOptions,
): Promise<PubSubPushClaims>;
