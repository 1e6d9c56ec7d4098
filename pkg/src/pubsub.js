// verifyPubSubPush: authenticates a Cloud Pub/Sub push request (Google RTDN) by the OIDC token in
// its Authorization header. The WebAssembly core does every check on the token (shape, RS256,
// key by kid, signature, claims); this file only gets Google's key set and keeps it.
//
// - The key set is fetched from Google (https://www.googleapis.com/oauth2/v3/certs) with the
//   caller's `fetch` or the global one, with the package's transport (clients.js): a timeout per
//   attempt, retries with backoff on NETWORK_ERROR, TIMEOUT and HTTP 5xx/429.
// - It is kept as long as the answer's Cache-Control max-age says (less its Age; no-store,
//   no-cache or no max-age: not kept), at most a day, one cache per fetch function. Concurrent
//   calls share one fetch. Time is the caller's `now` when given, so the cache can be tested.
// - A token whose kid is not in the cached set makes at most one refetch, and only when the set
//   in hand is older than a minute (a flood of made-up kids cannot turn into a flood of fetches).
// - A token that fails before its key is looked up (not a Bearer JWT, not RS256) never causes
//   a fetch.
import { __PubSubKeys } from '../web/iap_verify.js';
import { call } from './transport.js';
import { IapError } from './error.js';

const CERTS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const OPTIONS = ['audience', 'serviceAccountEmail', 'jwks', 'fetch', 'now', 'timeoutMs', 'retries'];
const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_RETRIES = 2;
const RETRY_DELAY_MS = 200;
const MAX_CACHE_MS = 86_400_000;
const MIN_REFETCH_AGE_MS = 60_000;
const MEMO_SIZE = 8;

/** @typedef {{ keys?: __PubSubKeys, fetchedAt: number, expiresAt: number, pending?: Promise<__PubSubKeys> }} KeyCache */
/** @typedef {ReturnType<typeof readOptions>} Options */

/**
 * fetch function → its key cache.
 * @type {WeakMap<Function, KeyCache>}
 */
const caches = new WeakMap();
/**
 * Caller-given key sets, parsed: JSON text → __PubSubKeys (the most recent few).
 * @type {Map<string, __PubSubKeys>}
 */
const given = new Map();
/** @type {__PubSubKeys | undefined} */
let empty;

/** @param {string} reason */
function argumentError(reason) {
  return new IapError('INVALID_ARGUMENT', `invalid argument: verifyPubSubPush: ${reason}`);
}

/** @param {unknown} options checked here */
function readOptions(options) {
  if (options === null || typeof options !== 'object') throw argumentError('needs an options object { audience, serviceAccountEmail }');
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k)) throw argumentError(`unknown option "${k}" (expected one of ${OPTIONS.join(', ')})`);
  }
  const { audience, serviceAccountEmail, jwks, fetch: fetchFn, now = Date.now(), timeoutMs = DEFAULT_TIMEOUT_MS, retries = DEFAULT_RETRIES } = /** @type {Partial<import('./pubsub.js').VerifyPubSubPushOptions>} */ (options);
  if (typeof audience !== 'string' || audience === '') throw argumentError('audience must be a non-empty string');
  if (typeof serviceAccountEmail !== 'string' || serviceAccountEmail === '') {
    throw argumentError('serviceAccountEmail must be a non-empty string');
  }
  if (jwks !== undefined && typeof jwks !== 'string' && (jwks === null || typeof jwks !== 'object')) {
    throw argumentError('jwks must be a JWK set (an object or its JSON text)');
  }
  if (fetchFn !== undefined && typeof fetchFn !== 'function') throw argumentError('fetch must be a function');
  if (!Number.isFinite(now)) throw argumentError('now must be a finite number of epoch milliseconds');
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw argumentError('timeoutMs must be a positive number');
  if (!(Number.isInteger(retries) && retries >= 0)) throw argumentError('retries must be a whole number >= 0');
  return { audience, serviceAccountEmail, jwks, fetchFn, now, timeoutMs, retries };
}

/**
 * How long an answer may be kept, in ms, by its Cache-Control and Age headers (RFC 9111 §4.2).
 * @param {Record<string, string>} headers
 */
function freshnessMs(headers) {
  const directives = String(headers['cache-control'] ?? '').toLowerCase().split(',').map((d) => d.trim());
  if (directives.includes('no-store') || directives.includes('no-cache')) return 0;
  const maxAge = directives.map((d) => /^max-age="?(\d+)"?$/.exec(d)).find(Boolean);
  if (!maxAge) return 0;
  const age = /^\d+$/.test(String(headers.age ?? '').trim()) ? Number(headers.age) : 0;
  return Math.min(Math.max(0, Number(maxAge[1]) - age) * 1000, MAX_CACHE_MS);
}

/**
 * Fetches the key set into `cache`; concurrent callers share the one fetch. Resolves with the keys.
 * @param {KeyCache} cache
 * @param {Options} o
 * @returns {Promise<__PubSubKeys>}
 */
function refresh(cache, o) {
  if (!cache.pending) {
    const fetchFn = o.fetchFn;
    /** @type {import('./transport.js').Transport} */
    const transport = {
      // Called as a plain function (a host fetch called as a method of another object throws).
      fetch: fetchFn ? (url, init) => fetchFn(url, init) : (url, init) => globalThis.fetch(url, init),
      timeoutMs: o.timeoutMs,
      retries: o.retries,
      retryDelayMs: RETRY_DELAY_MS,
    };
    /** @type {import('../web/iap_verify.js').HttpRequest} */
    const request = { method: 'GET', url: CERTS_URL, headers: { accept: 'application/json' } };
    const parse = (/** @type {import('../web/iap_verify.js').HttpResponse} */ r) => ({ keys: new __PubSubKeys(r.status, r.body), keepMs: freshnessMs(r.headers ?? {}) });
    cache.pending = call(transport, request, parse, { retry: true })
      .then(({ keys, keepMs }) => {
        Object.assign(cache, { keys, fetchedAt: o.now, expiresAt: o.now + keepMs });
        return keys;
      })
      .finally(() => {
        cache.pending = undefined;
      });
  }
  return cache.pending;
}

/** @param {string | import('./pubsub.js').JsonWebKeySet} jwks */
function givenKeys(jwks) {
  const text = typeof jwks === 'string' ? jwks : JSON.stringify(jwks);
  let keys = given.get(text);
  if (!keys) {
    keys = new __PubSubKeys(200, text);
    const oldest = given.keys().next();
    if (given.size >= MEMO_SIZE && !oldest.done) given.delete(oldest.value);
    given.set(text, keys);
  }
  return keys;
}

const isUnknownKid = (/** @type {unknown} */ e) => e instanceof IapError && e.code === 'INVALID_TOKEN' && e.details?.claim === 'kid';

/**
 * Verifies the `Authorization` header of a Pub/Sub push request: `Bearer` and a Google-signed
 * OIDC token (RS256) with `iss` Google's, `aud` the audience configured on the push
 * subscription, `email` the push service account and `email_verified` true, not expired
 * (60 s leeway). Resolves with the token's claims; rejects with an `IapError`.
 */
/**
 * @param {string | null | undefined} authorizationHeader
 * @param {import('./pubsub.js').VerifyPubSubPushOptions} options
 * @returns {Promise<import('./pubsub.js').PubSubPushClaims>}
 */
export async function verifyPubSubPush(authorizationHeader, options) {
  const o = readOptions(options);
  const header = authorizationHeader ?? '';
  if (typeof header !== 'string') throw argumentError('authorizationHeader must be a string (the header value), or null/undefined when absent');
  const check = async (/** @type {__PubSubKeys} */ keys) => keys.verify(header, o.audience, o.serviceAccountEmail, o.now);
  if (o.jwks !== undefined) return await check(givenKeys(o.jwks));

  const fetchKey = o.fetchFn ?? globalThis.fetch;
  if (typeof fetchKey !== 'function') throw argumentError('this runtime has no global fetch; pass one as options.fetch, or pass jwks');
  /** @type {KeyCache} */
  const cache = caches.get(fetchKey) ?? { fetchedAt: NaN, expiresAt: NaN };
  caches.set(fetchKey, cache);

  let fetched = false;
  let keys = cache.keys;
  if (!keys || o.now >= cache.expiresAt || o.now < cache.fetchedAt) {
    // Whatever fails without a key (no header, not a JWT, not RS256) fails here, before a fetch.
    empty ??= new __PubSubKeys(200, '{"keys":[]}');
    try {
      await check(empty);
    } catch (e) {
      if (!isUnknownKid(e)) throw e;
    }
    keys = await refresh(cache, o);
    fetched = true;
  }
  try {
    return await check(keys);
  } catch (e) {
    if (fetched || !isUnknownKid(e) || o.now - cache.fetchedAt < MIN_REFETCH_AGE_MS) throw e;
  }
  // A kid we do not have: Google may have published a new key since. One refetch, then final.
  return await check(await refresh(cache, o));
}
