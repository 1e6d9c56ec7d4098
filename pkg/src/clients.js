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
import { __ServerApi, __clientError } from '../web/iap_verify.js';
import { ENDPOINTS } from '../web/endpoints.js';
import { argumentError, call, transportOptions } from './transport.js';
import { APIException } from './apple-names.js';

/**
 * One endpoint's declaration, as web/endpoints.js (generated from the Rust declarations) lists it.
 * @typedef {{ name: string, call: string, read: boolean, positional: string[], stringArg?: string,
 *   batch?: { param: string, size: number }, pages?: string, nextPage?: string, raw?: string }} Endpoint
 */
/** @typedef {import('./transport.js').Transport} Transport */
/** @typedef {import('../web/iap_verify.js').HttpRequest} HttpRequest */
/** @typedef {import('../web/iap_verify.js').HttpResponse} HttpResponse */
/** @typedef {Record<string, unknown>} Params a call's parameters, checked by the core */
/**
 * An instance of a sans-I/O class as this file calls it: its methods are defined from the
 * declarations by name (their public types are web/endpoints.d.ts, generated from the same list).
 * @typedef {{ readonly baseUrl: string }
 *   & Record<`${string}Request`, (params?: Params) => HttpRequest>
 *   & Record<`parse${string}`, (response: HttpResponse, params?: Params) => unknown>} SansIoInstance
 */
/** @typedef {new (options: unknown) => SansIoInstance} SansIoClass */
/**
 * What a client's constructor arguments make (see clientClass).
 * @typedef {{ options: unknown, apiOptions: unknown,
 *   fallback?: { apiOptions: object, when(err: unknown, endpoint: Endpoint): boolean } }} ClientInit
 */
/** @typedef {{ ready(used?: number): Promise<number>, refused(err: unknown): boolean }} ClientAuth */

/** The declarations of server API `api`. */
const endpointsOf = (/** @type {string} */ api) => /** @type {Endpoint[]} */ (ENDPOINTS[api]);

/**
 * @param {Record<string, unknown>} options
 * @param {string[]} keys
 */
function pick(options, keys) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const k of keys) if (options[k] !== undefined) out[k] = options[k];
  return out;
}

const upper = (/** @type {string} */ s) => s[0].toUpperCase() + s.slice(1);

/**
 * @template T
 * @param {T[]} list
 * @param {number} size
 */
function chunks(list, size) {
  /** @type {T[][]} */
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The parameters object of a client call from its arguments, as the declaration says.
 * @param {Endpoint} endpoint
 * @param {unknown[]} args
 * @returns {Params | undefined} (anything else the caller passed goes to the core, which refuses it)
 */
function paramsOf(endpoint, args) {
  if (endpoint.positional.length > 0) {
    /** @type {Params} */
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
      // (An array is an object too: the core refuses its fields.)
      const taken = named.find((n) => Object.hasOwn(arg, n));
      if (taken !== undefined) throw argumentError(`${endpoint.call}: ${name.slice(3)}.${taken} is not a field of it; ${taken} is an argument of its own`);
      Object.assign(params, arg);
    });
    return params;
  }
  const [p] = args;
  if (endpoint.stringArg && typeof p === 'string') return { [endpoint.stringArg]: p };
  if (endpoint.batch && Array.isArray(p)) return { [endpoint.batch.param]: p };
  return /** @type {Params | undefined} */ (p);
}

/**
 * The bytes of a raw body: a non-empty Uint8Array (a Buffer is one) or ArrayBuffer, as a Uint8Array.
 * @param {unknown} bytes
 * @param {string} name
 */
function rawBody(bytes, name) {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(view instanceof Uint8Array) || view.byteLength === 0) throw argumentError(`params.${name} must be non-empty bytes (a Uint8Array or ArrayBuffer)`);
  return view;
}

/**
 * The batched parameters of a batch endpoint: one object per batch (none for an empty list).
 * @param {Endpoint & { batch: { param: string, size: number } }} endpoint
 * @param {Params | undefined} params
 */
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
 * Those methods are defined on the prototype from the declarations; `SansIoInstance` is how this
 * file calls them by name (the public types are web/endpoints.d.ts, generated from the same list).
 * @param {string} api
 * @param {Record<string, (this: SansIoInstance, ...args: never[]) => unknown>} [extra] more methods
 * @param {Array<'tokenRequest' | 'parseToken'>} [timed] the core's methods that take the time last
 * @returns {SansIoClass}
 */
function sansIoClass(api, extra = {}, timed = []) {
  class SansIo {
    #core;

    /** @param {object} options checked by the core */
    constructor(options) {
      this.#core = new __ServerApi(api, options);
    }

    /** The base URL requests go to. */
    get baseUrl() {
      return this.#core.baseUrl;
    }

    static {
      const define = (/** @type {string} */ name, /** @type {Function} */ value) => Object.defineProperty(this.prototype, name, { value, writable: true, configurable: true });
      for (const e of endpointsOf(api)) {
        define(`${e.name}Request`, /** @this {SansIo} @param {Params | undefined} params */ function (params) {
          if (!e.raw) return this.#core.request(e.name, params, Date.now());
          // A raw body (an image) is sent as the caller's bytes; the core builds the rest.
          const { [e.raw]: bytes, ...rest } = /** @type {Params} */ (params ?? {});
          const request = this.#core.request(e.name, rest, Date.now());
          request.body = rawBody(bytes, e.raw);
          return request;
        });
        define(`parse${upper(e.name)}`, /** @this {SansIo} @param {HttpResponse} response @param {Params} [params] */ function (response, params) {
          return this.#core.parse(e.name, response, Date.now(), params);
        });
        const { batch } = e;
        if (batch) {
          define(`${e.name}Requests`, /** @this {SansIo} @param {unknown[]} list */ function (list) {
            return batchesOf({ ...e, batch }, { [batch.param]: list }).map((p) => this.#core.request(e.name, p, Date.now()));
          });
        }
      }
      for (const [name, value] of Object.entries(extra)) define(name, value);
      // The core's own methods that take the time last (the Play API's token exchange).
      for (const name of timed) {
        define(name, /** @this {SansIo} @param {[] | [HttpResponse]} args */ function (...args) {
          return name === 'tokenRequest' ? this.#core.tokenRequest(Date.now()) : this.#core.parseToken(/** @type {HttpResponse} */ (args[0]), Date.now());
        });
      }
    }
  }
  // Its endpoint methods are defined above, by name: the class's own type does not know them.
  return /** @type {SansIoClass} */ (/** @type {unknown} */ (SansIo));
}

/**
 * The client class of server API `api`, over its sans-I/O class: one async method per declared
 * endpoint that builds, sends (reads retried, mutations once) and parses, and for paginated ones
 * `<method>Pages(...)`, an async iterator over every page. `init(...args)` turns the
 * constructor's arguments into `{ options, apiOptions, fallback? }`: the transport options, the
 * sans-I/O options, and the options of a second API tried when `fallback.when(error)` says so
 * (Apple's production → sandbox).
 * @param {string} api
 * @param {SansIoClass} SansIo
 * @param {{ apiKeys: string[], clientKeys?: string[], check?: (options: Record<string, unknown>) => void,
 *   init?: (...args: unknown[]) => ClientInit, auth?: (api: SansIoInstance, transport: Transport) => ClientAuth,
 *   mapError?: (error: unknown) => unknown }} spec `mapError` turns a call's final error into the one thrown
 */
function clientClass(api, SansIo, { apiKeys, clientKeys = [], check = () => {}, init, auth, mapError = (e) => e }) {
  /** @type {(...args: unknown[]) => ClientInit} */
  const byOptions = (options) => ({ options, apiOptions: options && typeof options === 'object' ? pick(/** @type {Record<string, unknown>} */ (options), apiKeys) : options });
  class Client {
    /** @type {SansIoInstance} */
    #api;
    /** @type {ClientAuth | undefined} */
    #auth;
    /** @type {{ api: SansIoInstance, when(err: unknown, endpoint: Endpoint): boolean } | undefined} */
    #fallback;
    /** @type {Transport} */
    #transport;

    /** @param {unknown[]} args the constructor's arguments, for `init` */
    constructor(...args) {
      const { options, apiOptions, fallback } = (init ?? byOptions)(...args);
      this.#transport = { ...transportOptions(options, [...apiKeys, ...clientKeys], this.constructor.name), api };
      // transportOptions has checked that the options are an object.
      check(/** @type {Record<string, unknown>} */ (options));
      this.#api = new SansIo(apiOptions);
      if (fallback) this.#fallback = { api: new SansIo(fallback.apiOptions), when: fallback.when };
      if (auth) this.#auth = auth(this.#api, this.#transport);
    }

    /** The base URL requests go to. */
    get baseUrl() {
      return this.#api.baseUrl;
    }

    static {
      /** @typedef {(client: Client, sansIo: SansIoInstance, e: Endpoint, params: Params | undefined) => Promise<unknown>} Attempt */
      /** @type {Attempt} */
      const attempt = (client, sansIo, e, params) =>
        call(client.#transport, sansIo[`${e.name}Request`](params), (r) => sansIo[`parse${upper(e.name)}`](r, params), { retry: e.read });
      /** @type {Attempt} */
      const once = async (client, sansIo, e, params) => {
        if (!client.#auth) return await attempt(client, sansIo, e, params);
        // An API whose token is fetched (OAuth): a refused token (Google: 401; ONE store:
        // AccessTokenExpired or InvalidAccessToken) is renewed once and the call sent once more
        // (a refused call was not carried out, so a mutation too may be sent again).
        const used = await client.#auth.ready();
        try {
          return await attempt(client, sansIo, e, params);
        } catch (err) {
          if (!client.#auth.refused(err)) throw err;
          await client.#auth.ready(used);
          return await attempt(client, sansIo, e, params);
        }
      };
      /** @type {(client: Client, e: Endpoint, params: Params | undefined) => Promise<unknown>} */
      const send = async (client, e, params) => {
        try {
          try {
            return await once(client, client.#api, e, params);
          } catch (err) {
            if (!client.#fallback?.when(err, e)) throw err;
            return await once(client, client.#fallback.api, e, params);
          }
        } catch (err) {
          throw mapError(err);
        }
      };
      const define = (/** @type {string} */ name, /** @type {Function} */ value) => Object.defineProperty(this.prototype, name, { value, writable: true, configurable: true });
      /** The value at a dotted path of an answer (`tokenPagination.nextPageToken`). */
      const at = (/** @type {unknown} */ value, /** @type {string} */ path) =>
        path.split('.').reduce((v, k) => (v !== null && typeof v === 'object' ? /** @type {Record<string, unknown>} */ (v)[k] : undefined), value);
      for (const e of endpointsOf(api)) {
        const { batch, pages } = e;
        define(e.call, /** @this {Client} @param {unknown[]} args */ async function (...args) {
          const params = paramsOf(e, args);
          if (!batch) return await send(this, e, params);
          // One batch after the other, results concatenated in order; a failed batch fails the call.
          const all = [];
          // A batch endpoint's answer is a list (the core's).
          for (const part of batchesOf({ ...e, batch }, params)) all.push(.../** @type {unknown[]} */ (await send(this, e, part)));
          return all;
        });
        if (pages) {
          define(`${e.call}Pages`, /** @this {Client} @param {unknown[]} args */ async function* (...args) {
            let params = paramsOf(e, args);
            for (;;) {
              const page = await send(this, e, params);
              yield page;
              // Google's pages end when the next-page token is absent; Apple's when hasMore is not true.
              const next = at(page, e.nextPage ?? pages);
              if (e.nextPage ? next === undefined || next === null || next === '' : at(page, 'hasMore') !== true) return;
              if (typeof next !== 'string' || next === '' || next === params?.[pages]) {
                throw __clientError('malformed', `the page says there is more but has no new ${pages}`, 0);
              }
              params = { ...params, [pages]: next };
            }
          });
        }
      }
    }
  }
  return Client;
}

/**
 * Names a generated class (for messages and stack traces).
 * @template {Function} C
 * @param {C} cls
 * @param {string} name
 */
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

/**
 * Standard base64 of bytes, in any runtime (no Buffer).
 * @param {Uint8Array} bytes
 */
function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** @returns {v is Uint8Array | ArrayBuffer} */
const isBytes = (/** @type {unknown} */ v) => v instanceof Uint8Array || v instanceof ArrayBuffer;
const bytesOf = (/** @type {Uint8Array | ArrayBuffer} */ v) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);

/**
 * A root certificate as base64 DER, from DER bytes, PEM text or base64 text.
 * @param {unknown} root anything else is passed on, for the core to refuse
 * @returns {unknown}
 */
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

/**
 * The .p8 key as PEM text, from its text or its bytes (PEM or DER).
 * @param {unknown} key anything else is passed on, for the core to refuse
 */
export function keyText(key) {
  if (!isBytes(key)) return key;
  const b = bytesOf(key);
  return b[0] === 0x30 ? `-----BEGIN PRIVATE KEY-----\n${base64(b)}\n-----END PRIVATE KEY-----\n` : new TextDecoder().decode(b);
}

const withoutUndefined = (/** @type {Record<string, unknown>} */ o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

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
    init(signingKey, keyId, issuerId, bundleId, environment, given = {}) {
      if (given === null || typeof given !== 'object') throw argumentError('AppStoreServerAPIClient: options must be an object');
      // Checked by transportOptions (the keys) and the core (the values).
      const options = /** @type {import('./clients.js').AppStoreServerAPIClientOptions} */ (given);
      const roots = /** @type {unknown} */ (options.rootCertificates);
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
              when: (/** @type {unknown} */ err, /** @type {Endpoint} */ endpoint) => {
                const { code, details } = /** @type {{ code?: string, details?: { errorCode?: number } }} */ (err ?? {});
                return endpoint.read && code === 'API_ERROR' && details?.errorCode === 4040010;
              },
            }
          : undefined;
      return { options, apiOptions, fallback };
    },
    // Apple's catch blocks: `e instanceof APIException`, `e.httpStatusCode`, `e.apiError`.
    mapError: APIException.from,
  }),
  'AppStoreServerAPIClient',
);

/** Google's access token is renewed this long before it expires. */
const TOKEN_RENEW_BEFORE_MS = 60_000;

/** Google refuses a token with 401. */
const refusedBy401 = (/** @type {unknown} */ err) => {
  const { code, details } = /** @type {{ code?: string, details?: { status?: number } }} */ (err ?? {});
  return code === 'API_ERROR' && details?.status === 401;
};

/**
 * The OAuth access token of one client: fetched when missing or about to expire (under
 * `renewBeforeMs` left), one request however many calls wait for it. `ready()` resolves with the
 * token's generation; `ready(used)` after a refusal renews it unless a newer one than `used` came
 * meanwhile. The token itself stays in the core (`tokenRequest`/`parseToken`); this only knows
 * when it expires.
 * @param {SansIoInstance} api
 * @param {Transport} transport
 * @param {{ renewBeforeMs?: number, refused?: (err: unknown) => boolean }} [rules]
 * @returns {ClientAuth}
 */
function oauthToken(api, transport, { renewBeforeMs = TOKEN_RENEW_BEFORE_MS, refused = refusedBy401 } = {}) {
  let generation = 0;
  let expiresAt = 0;
  /** @type {Promise<number> | undefined} */
  let pending;
  const renew = () =>
    (pending ??= call(transport, api.tokenRequest(), (r) => /** @type {import('../web/iap_verify.js').GoogleAccessTokenInfo} */ (api.parseToken(r)), { retry: true })
      .then((info) => {
        expiresAt = info.expiresAtMs;
        generation += 1;
        return generation;
      })
      .finally(() => {
        pending = undefined;
      }));
  return {
    refused,
    async ready(used) {
      if (pending) return await pending;
      if (used === undefined ? Date.now() < expiresAt - renewBeforeMs : used !== generation) return generation;
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
    auth: (api, transport) => oauthToken(api, transport),
  }),
  'GooglePlayClient',
);

/** Sans-I/O ONE store server API V7: `new OneStoreApi({ clientId, clientSecret, environment, marketCode?, baseUrl? })`; `tokenRequest()` and `parseToken(response)` first. */
export const OneStoreApi = named(sansIoClass('onestore', {}, ['tokenRequest', 'parseToken']), 'OneStoreApi');

/** ONE store renews a token asked for with under 600 s left; so does the client. */
const ONESTORE_RENEW_BEFORE_MS = 600_000;

/**
 * Client of ONE store's IAP server API V7:
 * `new OneStoreClient({ clientId, clientSecret, environment: 'SANDBOX' | 'COMMERCIAL', marketCode?, baseUrl?, fetch?, timeoutMs?, retries?, retryDelayMs? })`.
 * The access token (client credentials) stays inside the module, one per client (so per
 * environment: sandbox and commercial tokens are separate), fetched once however many calls wait,
 * renewed when under 600 s are left and once after `AccessTokenExpired` or `InvalidAccessToken`.
 * Reads are retried on ServiceMaintenance, 5xx and network trouble; mutations are sent once.
 * Server-side only: refused in a browser page unless `dangerouslyAllowBrowser: true`.
 */
export const OneStoreClient = named(
  clientClass('onestore', OneStoreApi, {
    apiKeys: ['clientId', 'clientSecret', 'environment', 'marketCode', 'baseUrl', 'allowInsecureHttp'],
    clientKeys: ['dangerouslyAllowBrowser'],
    check(options) {
      if (looksLikeBrowser() && options.dangerouslyAllowBrowser !== true) {
        throw argumentError(
          'OneStoreClient: the client secret must not be used in a browser (anyone could read it and cancel or consume purchases); call it from your server',
        );
      }
    },
    auth: (api, transport) =>
      oauthToken(api, transport, {
        renewBeforeMs: ONESTORE_RENEW_BEFORE_MS,
        refused(err) {
          const { code, details } = /** @type {{ code?: string, details?: { errorCode?: unknown } }} */ (err ?? {});
          return code === 'API_ERROR' && (details?.errorCode === 'AccessTokenExpired' || details?.errorCode === 'InvalidAccessToken');
        },
      }),
  }),
  'OneStoreClient',
);

