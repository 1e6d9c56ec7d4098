// The server API classes, made from the endpoint declarations of the Rust core (the table in
// web/endpoints.js, generated at build time): per API a sans-I/O class (`IapApi`: `<name>Request`
// and `parse<Name>` per endpoint) and a client (`IapClient`: one async method per endpoint). The
// core builds each request and reads each response; this file only sends them with `fetch`,
// bounds each attempt with a timeout, and retries reads.
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
// - Redirects are never followed (`redirect: 'manual'`): a 3xx is the API's answer, API_ERROR with
//   its status, so that no secret header, access token or assertion is re-sent to another origin.
// - A call, retries included, ends by its deadline (`deadlineMs`, default 60 s from its start): a
//   wait for a retry (Retry-After, or the backoff) that would end past it is not waited for; the
//   last error is thrown instead.
import { __ServerApi, __nhnClientError, __nhnResponseLimit } from '../web/iap_verify.js';
import { ENDPOINTS } from '../web/endpoints.js';
import { readBytes } from './read-body.js';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_DELAY_MS = 200;
const DEFAULT_DEADLINE_MS = 60_000;
const CLIENT_OPTIONS = ['fetch', 'timeoutMs', 'retries', 'retryDelayMs', 'deadlineMs'];

export function argumentError(reason) {
  return __nhnClientError('argument', reason, 0);
}

function pick(options, keys) {
  const out = {};
  for (const k of keys) if (options[k] !== undefined) out[k] = options[k];
  return out;
}

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
  } = options;
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The body as text, or `{ oversize }` once it passes the core's limit (see read-body.js). */
async function readBody(res) {
  const read = await readBytes(res, __nhnResponseLimit());
  return read.bytes === undefined ? read : { text: new TextDecoder().decode(read.bytes) };
}

/** Sends one request built by the core; resolves with the core's HttpResponse shape. */
export async function sendOnce(transport, request) {
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
    const init = { method: request.method, headers: request.headers, signal: controller.signal, redirect: 'manual' };
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
    if (body.oversize !== undefined) throw __nhnClientError('too_large', transport.api ?? '', body.oversize);
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

/** build → send → parse, with retries for reads, all within the call's deadline. */
export async function call(transport, request, parse, { retry }) {
  const attempts = retry ? transport.retries + 1 : 1;
  const deadline = Date.now() + (transport.deadlineMs ?? DEFAULT_DEADLINE_MS);
  for (let attempt = 1; ; attempt++) {
    try {
      return parse(await sendOnce(transport, request));
    } catch (e) {
      if (!retry || attempt >= attempts || e?.retryable !== true) throw e;
      // A store's Retry-After is honoured, but never past the call's deadline: a wait that would
      // end after it is the caller's to decide on (details.retryAfterMs says how long).
      const wait = e.details?.retryAfterMs ?? transport.retryDelayMs * 2 ** (attempt - 1);
      if (Date.now() + wait >= deadline) throw e;
      await sleep(wait);
    }
  }
}

const upper = (s) => s[0].toUpperCase() + s.slice(1);

function chunks(list, size) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The parameters object of a client call from its arguments, as the declaration says. */
function paramsOf(endpoint, args) {
  if (endpoint.positional.length > 0) {
    const params = {};
    const named = endpoint.positional.filter((n) => !n.startsWith('...'));
    endpoint.positional.forEach((name, i) => {
      const arg = args[i];
      if (arg === undefined || arg === null) return;
      if (!name.startsWith('...')) {
        params[name] = arg;
        return;
      }
      // `...request`: an object whose fields are parameters (Apple's TransactionHistoryRequest).
      // It cannot stand in for a positional argument (the transaction id, the revision, the API
      // version): those are the method's own, whatever the object holds.
      if (typeof arg !== 'object') throw argumentError(`${endpoint.call}: ${name.slice(3)} must be an object`);
      const taken = named.find((n) => Object.hasOwn(arg, n));
      if (taken !== undefined) throw argumentError(`${endpoint.call}: ${name.slice(3)}.${taken} is not a field of it; ${taken} is an argument of its own`);
      Object.assign(params, arg);
    });
    return params;
  }
  const [p] = args;
  if (endpoint.stringArg && typeof p === 'string') return { [endpoint.stringArg]: p };
  if (endpoint.batch && Array.isArray(p)) return { [endpoint.batch.param]: p };
  return p;
}

/** The bytes of a raw body: a non-empty Uint8Array (a Buffer is one) or ArrayBuffer, as a Uint8Array. */
function rawBody(bytes, name) {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(view instanceof Uint8Array) || view.byteLength === 0) throw argumentError(`params.${name} must be non-empty bytes (a Uint8Array or ArrayBuffer)`);
  return view;
}

/** The batched parameters of a batch endpoint: one object per batch (none for an empty list). */
function batchesOf(endpoint, params) {
  const { param, size } = endpoint.batch;
  const list = params?.[param];
  // Not a list: sent as it is, for the core to refuse with INVALID_ARGUMENT.
  if (!Array.isArray(list)) return [params];
  return chunks(list, size).map((part) => ({ ...params, [param]: part }));
}

/**
 * The sans-I/O class of server API `api`: `<name>Request(params)` → `{ method, url, headers, body }`
 * and `parse<Name>(response)` per declared endpoint, `<name>Requests(list)` for batched ones.
 */
function sansIoClass(api, extra = {}, timed = []) {
  class SansIo {
    #core;

    constructor(options) {
      this.#core = new __ServerApi(api, options);
    }

    /** The base URL requests go to. */
    get baseUrl() {
      return this.#core.baseUrl;
    }

    static {
      const define = (name, value) => Object.defineProperty(this.prototype, name, { value, writable: true, configurable: true });
      for (const e of ENDPOINTS[api]) {
        define(`${e.name}Request`, function (params) {
          if (!e.raw) return this.#core.request(e.name, params, Date.now());
          // A raw body (an image) is sent as the caller's bytes; the core builds the rest.
          const { [e.raw]: bytes, ...rest } = params ?? {};
          const request = this.#core.request(e.name, rest, Date.now());
          request.body = rawBody(bytes, e.raw);
          return request;
        });
        define(`parse${upper(e.name)}`, function (response, params) {
          return this.#core.parse(e.name, response, Date.now(), params);
        });
        if (e.batch) {
          define(`${e.name}Requests`, function (list) {
            return batchesOf(e, { [e.batch.param]: list }).map((p) => this.#core.request(e.name, p, Date.now()));
          });
        }
      }
      for (const [name, value] of Object.entries(extra)) define(name, value);
      // The core's own methods that take the time last (the Play API's token exchange).
      for (const name of timed) {
        define(name, function (...args) {
          return this.#core[name](...args, Date.now());
        });
      }
    }
  }
  return SansIo;
}

/**
 * The client class of server API `api`, over its sans-I/O class: one async method per declared
 * endpoint that builds, sends (reads retried, mutations once) and parses, and for paginated ones
 * `<method>Pages(...)`, an async iterator over every page. `init(...args)` turns the
 * constructor's arguments into `{ options, apiOptions, fallback? }`: the transport options, the
 * sans-I/O options, and the options of a second API tried when `fallback.when(error)` says so
 * (Apple's production → sandbox).
 */
function clientClass(api, SansIo, { apiKeys, clientKeys = [], check = () => {}, init, auth }) {
  const byOptions = (options) => ({ options, apiOptions: options && typeof options === 'object' ? pick(options, apiKeys) : options });
  class Client {
    #api;
    #auth;
    #fallback;
    #transport;

    constructor(...args) {
      const { options, apiOptions, fallback } = (init ?? byOptions)(...args);
      this.#transport = { ...transportOptions(options, [...apiKeys, ...clientKeys], this.constructor.name), api };
      check(options);
      this.#api = new SansIo(apiOptions);
      if (fallback) this.#fallback = { api: new SansIo(fallback.apiOptions), when: fallback.when };
      if (auth) this.#auth = auth(this.#api, this.#transport);
    }

    /** The base URL requests go to. */
    get baseUrl() {
      return this.#api.baseUrl;
    }

    static {
      const attempt = (client, sansIo, e, params) =>
        call(client.#transport, sansIo[`${e.name}Request`](params), (r) => sansIo[`parse${upper(e.name)}`](r, params), { retry: e.read });
      const once = async (client, sansIo, e, params) => {
        if (!client.#auth) return await attempt(client, sansIo, e, params);
        // An API whose token is fetched (OAuth): a 401 renews it once and sends the call once more
        // (a refused call was not carried out, so a mutation too may be sent again).
        const used = await client.#auth.ready();
        try {
          return await attempt(client, sansIo, e, params);
        } catch (err) {
          if (err?.code !== 'API_ERROR' || err.details?.status !== 401) throw err;
          await client.#auth.ready(used);
          return await attempt(client, sansIo, e, params);
        }
      };
      const send = async (client, e, params) => {
        try {
          return await once(client, client.#api, e, params);
        } catch (err) {
          if (!client.#fallback?.when(err, e)) throw err;
          return await once(client, client.#fallback.api, e, params);
        }
      };
      const define = (name, value) => Object.defineProperty(this.prototype, name, { value, writable: true, configurable: true });
      for (const e of ENDPOINTS[api]) {
        define(e.call, async function (...args) {
          const params = paramsOf(e, args);
          if (!e.batch) return await send(this, e, params);
          // One batch after the other, results concatenated in order; a failed batch fails the call.
          const all = [];
          for (const part of batchesOf(e, params)) all.push(...(await send(this, e, part)));
          return all;
        });
        if (e.pages) {
          define(`${e.call}Pages`, async function* (...args) {
            let params = paramsOf(e, args);
            for (;;) {
              const page = await send(this, e, params);
              yield page;
              // Google's pages end when the next-page token is absent; Apple's when hasMore is not true.
              const next = e.nextPage ? e.nextPage.split('.').reduce((v, k) => v?.[k], page) : page?.[e.pages];
              if (e.nextPage ? next === undefined || next === null || next === '' : page?.hasMore !== true) return;
              if (typeof next !== 'string' || next === '' || next === params?.[e.pages]) {
                throw __nhnClientError('malformed', `the page says there is more but has no new ${e.pages}`, 0);
              }
              params = { ...params, [e.pages]: next };
            }
          });
        }
      }
    }
  }
  return Client;
}

/** Names a generated class (for messages and stack traces). */
const named = (cls, name) => Object.defineProperty(cls, 'name', { value: name });

/** Sans-I/O NHN Cloud IAP server API: `new IapApi({ appKey, baseUrl? })`. */
export const IapApi = named(sansIoClass('iap'), 'IapApi');

/** Sans-I/O Gamebase purchase API v1.3: `new GamebaseApi({ appId, secretKey, baseUrl?, transactionId? })`. */
export const GamebaseApi = named(sansIoClass('gamebase', {
  /** Reads a cancel or revoke answer, which carries only the header. */
  parseHeaderOnly(response) {
    return this.parseCancelSubscription(response);
  },
}), 'GamebaseApi');

/**
 * Client of the NHN Cloud IAP server API (`X-NHN-TCIAP-AppKey`).
 * `new IapClient({ appKey, baseUrl?, fetch?, timeoutMs?, retries?, retryDelayMs? })`.
 */
export const IapClient = named(clientClass('iap', IapApi, { apiKeys: ['appKey', 'baseUrl', 'allowInsecureHttp'] }), 'IapClient');

function looksLikeBrowser() {
  return typeof globalThis.document !== 'undefined' && typeof globalThis.navigator !== 'undefined';
}

/**
 * Client of the Gamebase purchase API v1.3 (`X-Secret-Key`). Server-side only: refused in a
 * browser page unless `dangerouslyAllowBrowser: true` (e.g. tests in a headless browser).
 * `new GamebaseClient({ appId, secretKey, baseUrl?, transactionId?, fetch?, timeoutMs?, retries?, retryDelayMs? })`.
 */
export const GamebaseClient = named(clientClass('gamebase', GamebaseApi, {
  apiKeys: ['appId', 'secretKey', 'baseUrl', 'transactionId', 'allowInsecureHttp'],
  clientKeys: ['dangerouslyAllowBrowser'],
  check(options) {
    if (looksLikeBrowser() && options.dangerouslyAllowBrowser !== true) {
      throw argumentError(
        'GamebaseClient: the Gamebase secret key must not be used in a browser (anyone could read it and refund or list every payment); call it from your server',
      );
    }
  },
}), 'GamebaseClient');

/** Standard base64 of bytes, in any runtime (no Buffer). */
function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const isBytes = (v) => v instanceof Uint8Array || v instanceof ArrayBuffer;
const bytesOf = (v) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);

/** A root certificate as base64 DER, from DER bytes, PEM text or base64 text. */
function rootText(root) {
  if (isBytes(root)) {
    const b = bytesOf(root);
    // PEM handed over as bytes (a file read without an encoding).
    return b[0] === 0x2d ? rootText(new TextDecoder().decode(b)) : base64(b);
  }
  if (typeof root !== 'string') return root;
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(root);
  return (pem ? pem[1] : root).replace(/\s+/g, '');
}

/** The .p8 key as PEM text, from its text or its bytes (PEM or DER). */
function keyText(key) {
  if (!isBytes(key)) return key;
  const b = bytesOf(key);
  return b[0] === 0x30 ? `-----BEGIN PRIVATE KEY-----\n${base64(b)}\n-----END PRIVATE KEY-----\n` : new TextDecoder().decode(b);
}

const withoutUndefined = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Sans-I/O App Store Server API: `new AppStoreServerApi({ signingKey, keyId, issuerId, bundleId, environment, ... })`. */
export const AppStoreServerApi = named(sansIoClass('appstore'), 'AppStoreServerApi');

/**
 * Apple's `AppStoreServerAPIClient`, with its constructor and method names:
 * `new AppStoreServerAPIClient(signingKey, keyId, issuerId, bundleId, environment, options?)`,
 * `options` `{ baseUrl?, fetch?, timeoutMs?, retries?, retryDelayMs?, rootCertificates?,
 * appAppleId?, fallbackToSandbox?, sandboxBaseUrl? }`. Every signed field of an answer is verified
 * (against `rootCertificates`, default Apple's roots) and returned decoded beside it.
 */
export const AppStoreServerAPIClient = named(
  clientClass('appstore', AppStoreServerApi, {
    apiKeys: [],
    clientKeys: ['baseUrl', 'rootCertificates', 'appAppleId', 'fallbackToSandbox', 'sandboxBaseUrl', 'allowInsecureHttp'],
    init(signingKey, keyId, issuerId, bundleId, environment, options = {}) {
      if (options === null || typeof options !== 'object') throw argumentError('AppStoreServerAPIClient: options must be an object');
      const roots = options.rootCertificates;
      if (roots !== undefined && !Array.isArray(roots)) throw argumentError('AppStoreServerAPIClient: rootCertificates must be a list');
      const apiOptions = withoutUndefined({
        signingKey: keyText(signingKey),
        keyId,
        issuerId,
        bundleId,
        environment,
        baseUrl: options.baseUrl,
        appAppleId: options.appAppleId,
        rootCertificates: roots?.map(rootText),
        allowInsecureHttp: options.allowInsecureHttp,
      });
      // Apple: a transaction id not found in production may be a sandbox one. Opt-in, reads only.
      const fallback =
        options.fallbackToSandbox === true && environment === 'Production'
          ? {
              apiOptions: withoutUndefined({ ...apiOptions, environment: 'Sandbox', baseUrl: options.sandboxBaseUrl }),
              when: (err, endpoint) => endpoint.read && err?.code === 'API_ERROR' && err.details?.errorCode === 4040010,
            }
          : undefined;
      return { options, apiOptions, fallback };
    },
  }),
  'AppStoreServerAPIClient',
);

/** An access token renewed this long before it expires. */
const TOKEN_RENEW_BEFORE_MS = 60_000;

/**
 * The OAuth access token of one client: fetched when missing or about to expire, one request
 * however many calls wait for it. `ready()` resolves with the token's generation; `ready(used)`
 * after a 401 renews it unless a newer one than `used` came meanwhile. The token itself stays in
 * the core (`tokenRequest`/`parseToken`); this only knows when it expires.
 */
function oauthToken(api, transport) {
  let generation = 0;
  let expiresAt = 0;
  let pending;
  const renew = () =>
    (pending ??= call(transport, api.tokenRequest(), (r) => api.parseToken(r), { retry: true })
      .then((info) => {
        expiresAt = info.expiresAtMs;
        generation += 1;
        return generation;
      })
      .finally(() => {
        pending = undefined;
      }));
  return {
    async ready(used) {
      if (pending) return await pending;
      if (used === undefined ? Date.now() < expiresAt - TOKEN_RENEW_BEFORE_MS : used !== generation) return generation;
      // Refused or expiring: no call waits on it any more, even if the renewal fails.
      expiresAt = 0;
      return await renew();
    },
  };
}

/** Sans-I/O Google Play Developer API: `new GooglePlayApi({ serviceAccount, baseUrl?, tokenUrl? })`; `tokenRequest()` and `parseToken(response)` first. */
export const GooglePlayApi = named(sansIoClass('googleplay', {}, ['tokenRequest', 'parseToken']), 'GooglePlayApi');

/**
 * Client of the Google Play Developer API (androidpublisher v3) for a service account:
 * `new GooglePlayClient({ serviceAccount, baseUrl?, tokenUrl?, fetch?, timeoutMs?, retries?, retryDelayMs? })`.
 * The OAuth access token is fetched with the key file's RS256 assertion, shared by concurrent
 * calls, renewed a minute before it expires and once after a 401. Server-side only: refused in a
 * browser page unless `dangerouslyAllowBrowser: true`.
 */
export const GooglePlayClient = named(
  clientClass('googleplay', GooglePlayApi, {
    apiKeys: ['serviceAccount', 'baseUrl', 'tokenUrl', 'allowInsecureHttp'],
    clientKeys: ['dangerouslyAllowBrowser'],
    check(options) {
      if (looksLikeBrowser() && options.dangerouslyAllowBrowser !== true) {
        throw argumentError(
          'GooglePlayClient: the service account key must not be used in a browser (anyone could read it and refund or revoke purchases); call it from your server',
        );
      }
    },
    auth: oauthToken,
  }),
  'GooglePlayClient',
);

