// IapClient and GamebaseClient: thin JS over the sans-I/O core. The core (IapApi, GamebaseApi in
// the wasm module) builds each request and reads each response; this file only sends them with
// `fetch`, bounds each attempt with a timeout, and retries reads.
//
// - `fetch` is the caller's, or the global one looked up at call time (never `window.fetch`: Node,
//   Deno and workerd have no window).
// - Every attempt has its own timeout (default 10 s, the NHN docs' advice for consume), enforced
//   with an AbortController so the request is really cancelled.
// - Reads are retried on retryable errors (NETWORK_ERROR, TIMEOUT, HTTP 5xx/429) with exponential
//   backoff, `retries` times (default 2). Writes (consume, cancel, revoke) are sent exactly once:
//   whether to try a consume again is the payment flow's decision, after it has looked at the
//   state (a retried consume that had in fact succeeded would come back ALREADY_CONSUMED).
// - A response body is read up to the core's limit (4 MiB) and no further: a larger one is
//   INPUT_TOO_LARGE as soon as its Content-Length or its bytes pass the limit, not after it has
//   all been buffered.
import { IapApi, GamebaseApi, __nhnClientError, __nhnResponseLimit } from '../web/iap_verify.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 200;
const CLIENT_OPTIONS = ['fetch', 'timeoutMs', 'retries', 'retryDelayMs'];

function argumentError(reason) {
  return __nhnClientError('argument', reason, 0);
}

function pick(options, keys) {
  const out = {};
  for (const k of keys) if (options[k] !== undefined) out[k] = options[k];
  return out;
}

function transportOptions(options, apiKeys, className) {
  if (options === null || typeof options !== 'object') throw argumentError(`${className} needs an options object`);
  for (const k of Object.keys(options)) {
    if (!apiKeys.includes(k) && !CLIENT_OPTIONS.includes(k)) throw argumentError(`${className}: unknown option "${k}"`);
  }
  const { fetch: fetchFn, timeoutMs = DEFAULT_TIMEOUT_MS, retries = DEFAULT_RETRIES, retryDelayMs = DEFAULT_RETRY_DELAY_MS } = options;
  if (fetchFn !== undefined && typeof fetchFn !== 'function') throw argumentError(`${className}: fetch must be a function`);
  if (fetchFn === undefined && typeof globalThis.fetch !== 'function') {
    throw argumentError(`${className}: this runtime has no global fetch; pass one as options.fetch`);
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw argumentError(`${className}: timeoutMs must be a positive number`);
  if (!(Number.isInteger(retries) && retries >= 0)) throw argumentError(`${className}: retries must be a whole number >= 0`);
  if (!(Number.isFinite(retryDelayMs) && retryDelayMs >= 0)) throw argumentError(`${className}: retryDelayMs must be >= 0`);
  return {
    // Called as plain functions: a host fetch invoked as a method of another object throws
    // "Illegal invocation" in browsers. The global one is looked up per call, so a fetch
    // installed later (or stubbed in tests) is used.
    fetch: fetchFn ? (url, init) => fetchFn(url, init) : (url, init) => globalThis.fetch(url, init),
    timeoutMs,
    retries,
    retryDelayMs,
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The body as text, or `{ oversize }` (the bytes seen) once it passes the limit; the rest of an
 * oversize body is cancelled, never read. A caller's fetch whose responses have no stream is read
 * whole, and the core refuses an oversize body before copying it.
 */
async function readBody(res) {
  const limit = __nhnResponseLimit();
  const headers = res.headers && typeof res.headers.get === 'function' ? res.headers : undefined;
  // A compressed body's Content-Length is not the size it decompresses to: only trusted uncompressed.
  const declared = headers && !headers.get('content-encoding') ? Number(headers.get('content-length')) : NaN;
  if (declared > limit) {
    res.body?.cancel?.().catch(() => {});
    return { oversize: declared };
  }
  if (!res.body || typeof res.body.getReader !== 'function') return { text: await res.text() };
  const reader = res.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return { oversize: size };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { text: new TextDecoder().decode(bytes) };
}

/** Sends one request built by the core; resolves with the core's HttpResponse shape. */
async function sendOnce(transport, request) {
  const controller = new AbortController();
  let timer;
  // Rejects when the time is up, even if the fetch in use ignores the abort signal.
  const expired = new Promise((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(__nhnClientError('timeout', '', transport.timeoutMs));
    }, transport.timeoutMs);
  });
  const exchange = (async () => {
    const init = { method: request.method, headers: request.headers, signal: controller.signal };
    if (request.body !== undefined) init.body = request.body;
    let res;
    let body;
    try {
      res = await transport.fetch(request.url, init);
      // The body is read under the same timer: a server that stalls mid-body times out too.
      body = await readBody(res);
    } catch (e) {
      // Only the failure's kind: the URL, headers (the secret key) and body stay out of the message.
      const cause = e?.cause?.code ?? e?.name ?? 'Error';
      throw __nhnClientError('network', `fetch failed (${cause})`, 0);
    }
    if (body.oversize !== undefined) throw __nhnClientError('too_large', '', body.oversize);
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

/** build → send → parse, with retries for reads. */
async function call(transport, request, parse, { retry }) {
  const attempts = retry ? transport.retries + 1 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return parse(await sendOnce(transport, request));
    } catch (e) {
      if (!retry || attempt >= attempts || e?.retryable !== true) throw e;
      await sleep(transport.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}

/**
 * Client of the NHN Cloud IAP server API (`X-NHN-TCIAP-AppKey`).
 * `new IapClient({ appKey, baseUrl?, fetch?, timeoutMs?, retries?, retryDelayMs? })`.
 */
export class IapClient {
  #api;
  #transport;

  constructor(options) {
    this.#transport = transportOptions(options, ['appKey', 'baseUrl'], 'IapClient');
    this.#api = new IapApi(pick(options, ['appKey', 'baseUrl']));
  }

  /** The base URL requests go to. */
  get baseUrl() {
    return this.#api.baseUrl;
  }

  /** Consumes one payment (E1). Never retried by the client. */
  async consume(params) {
    return await call(this.#transport, this.#api.consumeRequest(params), (r) => this.#api.parseConsume(r), { retry: false });
  }

  /** Unconsumed payments of a user (E2). */
  async listConsumables(params) {
    return await call(this.#transport, this.#api.listConsumablesRequest(params), (r) => this.#api.parseListConsumables(r), { retry: true });
  }

  /** Non-expired subscriptions of a user (E3). */
  async listActiveSubscriptions(params) {
    return await call(this.#transport, this.#api.listActiveSubscriptionsRequest(params), (r) => this.#api.parseListActiveSubscriptions(r), { retry: true });
  }

  /** Legacy consume v3 (L1). Never retried by the client. */
  async consumeLegacy(params) {
    return await call(this.#transport, this.#api.consumeLegacyRequest(params), (r) => this.#api.parseConsumeLegacy(r), { retry: false });
  }

  /** Legacy unconsumed list (L2). */
  async listConsumablesLegacy(params) {
    return await call(this.#transport, this.#api.listConsumablesLegacyRequest(params), (r) => this.#api.parseListConsumablesLegacy(r), { retry: true });
  }

  /** Legacy item list (L3). */
  async listItemsLegacy(params) {
    return await call(this.#transport, this.#api.listItemsLegacyRequest(params), (r) => this.#api.parseListItemsLegacy(r), { retry: true });
  }
}

function looksLikeBrowser() {
  return typeof globalThis.document !== 'undefined' && typeof globalThis.navigator !== 'undefined';
}

/**
 * Client of the Gamebase purchase API v1.3 (`X-Secret-Key`). Server-side only: refused in a
 * browser page unless `dangerouslyAllowBrowser: true` (e.g. tests in a headless browser).
 * `new GamebaseClient({ appId, secretKey, baseUrl?, transactionId?, fetch?, timeoutMs?, retries?, retryDelayMs? })`.
 */
export class GamebaseClient {
  #api;
  #transport;

  constructor(options) {
    const apiKeys = ['appId', 'secretKey', 'baseUrl', 'transactionId'];
    this.#transport = transportOptions(options, [...apiKeys, 'dangerouslyAllowBrowser'], 'GamebaseClient');
    if (looksLikeBrowser() && options.dangerouslyAllowBrowser !== true) {
      throw argumentError(
        'GamebaseClient: the Gamebase secret key must not be used in a browser (anyone could read it and refund or list every payment); call it from your server',
      );
    }
    this.#api = new GamebaseApi(pick(options, apiKeys));
  }

  /** The base URL requests go to. */
  get baseUrl() {
    return this.#api.baseUrl;
  }

  /** Consumes one payment (G1). Never retried by the client. */
  async consume(params) {
    return await call(this.#transport, this.#api.consumeRequest(params), (r) => this.#api.parseConsume(r), { retry: false });
  }

  /** Unconsumed payments of a user (G2). */
  async listConsumables(params) {
    return await call(this.#transport, this.#api.listConsumablesRequest(params), (r) => this.#api.parseListConsumables(r), { retry: true });
  }

  /** Looks a client-supplied access token up (G3): `{ accessToken }` or the token itself. */
  async getPaymentTransaction(params) {
    const p = typeof params === 'string' ? { accessToken: params } : params;
    return await call(this.#transport, this.#api.getPaymentTransactionRequest(p), (r) => this.#api.parseGetPaymentTransaction(r), { retry: true });
  }

  /** Active subscriptions of a user (G4). */
  async listActiveSubscriptions(params) {
    return await call(this.#transport, this.#api.listActiveSubscriptionsRequest(params), (r) => this.#api.parseListActiveSubscriptions(r), { retry: true });
  }

  /**
   * Status of any number of subscriptions (G5): the API takes ten per request, so the list is
   * sent in batches of ten, one after the other, and the results are concatenated in order. A
   * batch that still fails after its retries fails the whole call.
   * Takes `PaymentRef[]` or `{ payments }`.
   */
  async getSubscriptionsStatus(params) {
    const payments = Array.isArray(params) ? params : params?.payments;
    const requests = this.#api.subscriptionsStatusRequests(payments);
    const all = [];
    for (const request of requests) {
      all.push(...(await call(this.#transport, request, (r) => this.#api.parseSubscriptionsStatus(r), { retry: true })));
    }
    return all;
  }

  /** Stops a Google subscription's renewal (G6). Never retried by the client. */
  async cancelSubscription(params) {
    await call(this.#transport, this.#api.cancelSubscriptionRequest(params), (r) => this.#api.parseHeaderOnly(r), { retry: false });
  }

  /** Cancels a Google subscription now and refunds it (G7). Never retried by the client. */
  async revokeSubscription(params) {
    await call(this.#transport, this.#api.revokeSubscriptionRequest(params), (r) => this.#api.parseHeaderOnly(r), { retry: false });
  }
}

// For pkg/src/pubsub.js, which fetches Google's key set with the same transport.
export { sendOnce as __sendOnce, call as __call };
