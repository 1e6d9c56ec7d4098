// How the package's server API clients send a request the core built: `fetch` (the caller's, or
// the global one looked up at call time), one timeout per attempt, a body read up to the core's
// limit, retries of reads within the call's deadline (see clients.js for the rules). Shared by the
// clients (clients.js) and the Pub/Sub key fetch (pubsub.js); not public API.
import { __clientError, __responseLimit } from '../web/iap_verify.js';
import { readBytes } from './read-body.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 200;
const DEFAULT_DEADLINE_MS = 60_000;
const CLIENT_OPTIONS = ['fetch', 'timeoutMs', 'retries', 'retryDelayMs', 'deadlineMs'];

/**
 * How a client sends: its checked transport options, and the API's name for messages.
 * @typedef {{ fetch: import('./clients.js').FetchLike, timeoutMs: number, retries: number, retryDelayMs: number,
 *   deadlineMs?: number, api?: string }} Transport
 */
/** @typedef {import('../web/iap_verify.js').HttpRequest} HttpRequest */
/** @typedef {import('../web/iap_verify.js').HttpResponse} HttpResponse */

/** @param {string} reason */
export function argumentError(reason) {
  return __clientError('argument', reason, 0);
}

/**
 * The transport options of a client, checked (unknown keys, types and ranges).
 * @param {unknown} options the constructor's options
 * @param {string[]} apiKeys the options of its sans-I/O class, also allowed
 * @param {string} className for messages
 * @returns {Transport}
 */
export function transportOptions(options, apiKeys, className) {
  if (options === null || typeof options !== 'object') throw argumentError(`${className} needs an options object`);
  for (const k of Object.keys(options)) {
    if (!apiKeys.includes(k) && !CLIENT_OPTIONS.includes(k)) throw argumentError(`${className}: unknown option "${k}"`);
  }
  const {
    fetch: fetchFn,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    retries = DEFAULT_RETRIES,
    retryDelayMs = DEFAULT_RETRY_DELAY_MS,
    deadlineMs = DEFAULT_DEADLINE_MS,
  } = /** @type {import('./clients.js').TransportOptions} */ (options);
  if (fetchFn !== undefined && typeof fetchFn !== 'function') throw argumentError(`${className}: fetch must be a function`);
  if (fetchFn === undefined && typeof globalThis.fetch !== 'function') {
    throw argumentError(`${className}: this runtime has no global fetch; pass one as options.fetch`);
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw argumentError(`${className}: timeoutMs must be a positive number`);
  if (!(Number.isInteger(retries) && retries >= 0)) throw argumentError(`${className}: retries must be a whole number >= 0`);
  if (!(Number.isFinite(retryDelayMs) && retryDelayMs >= 0)) throw argumentError(`${className}: retryDelayMs must be >= 0`);
  if (!(Number.isFinite(deadlineMs) && deadlineMs > 0)) throw argumentError(`${className}: deadlineMs must be a positive number`);
  return {
    // Called as plain functions: a host fetch invoked as a method of another object throws
    // "Illegal invocation" in browsers. The global one is looked up per call, so a fetch
    // installed later (or stubbed in tests) is used.
    fetch: fetchFn ? (url, init) => fetchFn(url, init) : (url, init) => globalThis.fetch(url, init),
    timeoutMs,
    retries,
    retryDelayMs,
    deadlineMs,
  };
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The body as text, or `{ oversize }` once it passes the core's limit (see read-body.js).
 * @param {Parameters<typeof readBytes>[0]} res
 * @returns {Promise<{ oversize: number, text?: undefined } | { text: string, oversize?: undefined }>}
 */
async function readBody(res) {
  const read = await readBytes(res, __responseLimit());
  return read.bytes === undefined ? { oversize: read.oversize } : { text: new TextDecoder().decode(read.bytes) };
}

/**
 * Sends one request built by the core; resolves with the core's HttpResponse shape.
 * @param {Transport} transport
 * @param {HttpRequest} request
 * @returns {Promise<HttpResponse>}
 */
export async function sendOnce(transport, request) {
  const controller = new AbortController();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  // Rejects when the time is up, even if the fetch in use ignores the abort signal.
  /** @type {Promise<never>} */
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(__clientError('timeout', '', transport.timeoutMs));
    }, transport.timeoutMs);
  });
  const exchange = (async () => {
    /** @type {Parameters<import('./clients.js').FetchLike>[1]} */
    const init = { method: request.method, headers: request.headers, signal: controller.signal, redirect: 'manual' };
    // A raw body (an image) is the caller's bytes, which fetch sends as they are.
    if (request.body !== undefined) init.body = /** @type {string} */ (request.body);
    let res;
    let body;
    try {
      res = await transport.fetch(request.url, init);
      // The body is read under the same timer: a server that stalls mid-body times out too.
      body = await readBody(res);
    } catch (e) {
      // Only the failure's kind: the URL, headers (the secret key) and body stay out of the message.
      const err = /** @type {{ cause?: { code?: string }, name?: string } | undefined} */ (e);
      const cause = err?.cause?.code ?? err?.name ?? 'Error';
      throw __clientError('network', `fetch failed (${cause})`, 0);
    }
    if (body.oversize !== undefined) throw __clientError('too_large', transport.api ?? '', body.oversize);
    /** @type {Record<string, string>} */
    const headers = {};
    if (res.headers && typeof res.headers.forEach === 'function') res.headers.forEach((v, k) => { headers[k] = v; });
    return { status: res.status, headers, body: body.text };
  })();
  // After a timeout the losing exchange may still reject; that rejection is expected and ignored.
  exchange.catch(() => {});
  try {
    return await Promise.race([exchange, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * build → send → parse, with retries for reads, all within the call's deadline.
 * @template T
 * @param {Transport} transport
 * @param {HttpRequest} request
 * @param {(response: HttpResponse) => T} parse
 * @param {{ retry: boolean }} options
 * @returns {Promise<T>}
 */
export async function call(transport, request, parse, { retry }) {
  const attempts = retry ? transport.retries + 1 : 1;
  const deadline = Date.now() + (transport.deadlineMs ?? DEFAULT_DEADLINE_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      return parse(await sendOnce(transport, request));
    } catch (e) {
      const err = /** @type {{ retryable?: boolean, details?: { retryAfterMs?: number } } | undefined} */ (e);
      if (!retry || attempt >= attempts || err?.retryable !== true) throw e;
      // A store's Retry-After is honoured, but never past the call's deadline: a wait that would
      // end after it is the caller's to decide on (details.retryAfterMs says how long).
      const wait = err.details?.retryAfterMs ?? transport.retryDelayMs * 2 ** (attempt - 1);
      if (Date.now() + wait >= deadline) throw e;
      await sleep(wait);
    }
  }
}
