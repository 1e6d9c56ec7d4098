// One notification endpoint for every store: authenticate the request (Apple's signed payload,
// Pub/Sub's OIDC token), turn the notification into the one event model (the module's
// appleNotificationEvent / googleNotificationEvent: the mapping lives in the Rust core), run the
// caller's handler once per notification id, and answer with the status that makes each store do
// the right thing. A Fetch API handler (workerd, Deno, Bun, Node 18+), plus an adapter for
// node:http (and so Express and Fastify). The status policy is the table in docs/notifications.md.
import { appleNotificationEvent, googleNotificationEvent, decodeGoogleNotification } from '../web/iap_verify.js';
import { IapError } from './error.js';
import { verifyPubSubPush } from './pubsub.js';
import { readBytes } from './read-body.js';

/** The largest body read: Apple's JWS limit (256 KiB) and room for its JSON wrapper. */
export const MAX_NOTIFICATION_BODY = 300 * 1024;
/** How long a claimed notification is held for the instance that claimed it before another may run it. */
const DEFAULT_LEASE_MS = 60_000;

/** @param {string} message */
const bad = (message) => new IapError('INVALID_ARGUMENT', `createNotificationHandler: ${message}`);

/**
 * @param {number} status
 * @param {Record<string, unknown>} [body]
 * @param {Record<string, string>} [headers]
 */
const answer = (status, body, headers = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
  });

/**
 * The request body as text, at most `limit` UTF-8 bytes (read with the package's capped reader);
 * `null` past it. Not UTF-8: a TypeError.
 * @param {Request} request
 * @param {number} limit
 */
async function bodyText(request, limit) {
  const read = await readBytes(request, limit);
  if (read.oversize !== undefined) return null;
  return new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
}

/**
 * A notification handler: `(request: Request) => Promise<Response>`. See notifications.d.ts.
 * @param {import('./notifications.js').NotificationHandlerOptions} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createNotificationHandler(options) {
  const { apple, google, dedupe, on, onError, leaseMs = DEFAULT_LEASE_MS } = options ?? /** @type {Partial<import('./notifications.js').NotificationHandlerOptions>} */ ({});
  if (typeof on !== 'function') throw bad('`on` must be a function (it handles each event)');
  if (onError !== undefined && typeof onError !== 'function') throw bad('`onError` must be a function');
  if (dedupe === null || typeof dedupe !== 'object' || !['claim', 'complete', 'release'].every((m) => typeof /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (dedupe))[m] === 'function')) {
    throw bad('`dedupe` must be a notification store (createMemoryNotificationStore(), createPostgresNotificationStore(pool))');
  }
  if (apple === undefined && google === undefined) throw bad('configure `apple`, `google`, or both');
  if (apple !== undefined && (apple === null || typeof apple.verifyAndDecodeNotificationAsync !== 'function')) {
    throw bad('`apple` must be a SignedDataVerifier');
  }
  if (google !== undefined && (google === null || typeof google !== 'object' || typeof google.audience !== 'string' || typeof google.serviceAccountEmail !== 'string')) {
    throw bad('`google` must be the push subscription\'s { audience, serviceAccountEmail } (verifyPubSubPush options)');
  }
  if (!Number.isSafeInteger(leaseMs) || leaseMs < 1) throw bad('`leaseMs` must be a positive integer');

  /**
   * Reports what the handler could not do itself; a report that fails turns into a 500 (the store
   * then delivers again), so nothing is acknowledged that was not handled or reported.
   * @param {import('./notifications.js').NotificationProblem} problem
   */
  const report = async (problem) => {
    if (onError) await onError(problem);
  };

  /**
   * Runs `on` once per notification id.
   * @param {import('../web/iap_verify.js').StoreEvent} event
   * @param {import('./notifications.js').NotificationEvent['raw']} raw
   * @param {Request} request
   */
  const dispatch = async (event, raw, request) => {
    const key = `${event.store}:${event.id}`;
    let claim;
    try {
      claim = await dedupe.claim(key, leaseMs);
    } catch (error) {
      await report({ kind: 'DEDUPE_FAILED', store: event.store, id: event.id, error });
      return answer(503, { error: 'the notification store is unavailable' });
    }
    if (claim === 'DONE') return answer(200, { duplicate: true });
    if (claim === 'BUSY') return answer(503, { error: 'being handled' }, { 'retry-after': String(Math.ceil(leaseMs / 1000)) });
    if (claim !== 'NEW') {
      await report({ kind: 'DEDUPE_FAILED', store: event.store, id: event.id, error: new TypeError(`dedupe.claim answered ${String(claim)}`) });
      return answer(503, { error: 'the notification store is unavailable' });
    }
    try {
      await on({ ...event, raw }, { request });
    } catch (error) {
      await Promise.resolve(dedupe.release(key)).catch(() => {});
      await report({ kind: 'HANDLER_FAILED', store: event.store, id: event.id, error });
      return answer(500, { error: 'the handler failed' });
    }
    try {
      await dedupe.complete(key);
    } catch (error) {
      // Handled: acknowledged, so the store does not send it again; the claim lapses with its lease.
      await report({ kind: 'DEDUPE_FAILED', store: event.store, id: event.id, error });
    }
    return answer(200, { handled: true });
  };

  /**
   * A request whose sender was authenticated but whose notification cannot become an event: a
   * retry cannot help, so it is acknowledged once reported.
   * @param {'APPLE' | 'GOOGLE'} store
   * @param {unknown} error
   * @param {string} text
   */
  const undecodable = async (store, error, text) => {
    await report({ kind: 'UNDECODABLE', store, error, body: text });
    return answer(200, { undecodable: true });
  };

  return async function handleNotification(request) {
    try {
      if (request.method !== 'POST') return answer(405, undefined, { allow: 'POST' });
      let text;
      try {
        text = await bodyText(request, MAX_NOTIFICATION_BODY);
      } catch {
        return answer(400, { error: 'the body is not UTF-8 text' });
      }
      if (text === null) return answer(413, { error: `the body is over ${MAX_NOTIFICATION_BODY} bytes` });
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        return answer(400, { error: 'the body is not JSON' });
      }
      if (apple && body !== null && typeof body === 'object' && typeof body.signedPayload === 'string') {
        let notification;
        try {
          notification = await apple.verifyAndDecodeNotificationAsync(body.signedPayload);
        } catch (e) {
          if (!(e instanceof IapError)) throw e;
          // Apple's chain or its online check could not be judged now: Apple sends it again.
          if (e.retryable) return answer(503, { error: e.code });
          return answer(401, { error: e.code });
        }
        let event;
        try {
          event = appleNotificationEvent(notification);
        } catch (e) {
          return await undecodable('APPLE', e, text);
        }
        return await dispatch(event, notification, request);
      }
      if (google && body !== null && typeof body === 'object' && body.message !== null && typeof body.message === 'object') {
        try {
          await verifyPubSubPush(request.headers.get('authorization'), google);
        } catch (e) {
          if (!(e instanceof IapError)) throw e;
          if (e.retryable) return answer(503, { error: e.code });
          return answer(401, { error: e.code });
        }
        let event;
        let raw;
        try {
          event = googleNotificationEvent(text);
          raw = decodeGoogleNotification(text);
        } catch (e) {
          return await undecodable('GOOGLE', e, text);
        }
        return await dispatch(event, raw, request);
      }
      return answer(400, { error: 'not a notification of a configured store' });
    } catch (error) {
      // Ours (a report that failed, a bug): the store delivers again later.
      try {
        await report({ kind: 'INTERNAL', error });
      } catch {
        // The report failed too; the 500 below still makes the store retry.
      }
      return answer(500, { error: 'internal error' });
    }
  };
}

/**
 * A node:http listener (Express, Fastify's raw handler) for a Fetch API handler.
 * @param {(request: Request) => Promise<Response>} handler
 * @param {{ origin?: string }} [options] the origin to build the request URL with (default: from the Host header)
 * @returns {(req: import('./notifications.js').NodeRequest, res: import('./notifications.js').NodeResponse) => Promise<void>}
 */
export function toNodeListener(handler, options = {}) {
  if (typeof handler !== 'function') throw new IapError('INVALID_ARGUMENT', 'toNodeListener: `handler` must be a function');
  return async (req, res) => {
    /** @type {Uint8Array[]} */
    const chunks = [];
    let size = 0;
    let over = false;
    for await (const chunk of req) {
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : /** @type {Uint8Array} */ (chunk);
      size += bytes.byteLength;
      if (size > MAX_NOTIFICATION_BODY) over = true;
      else chunks.push(bytes);
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    }
    const origin = options.origin ?? `http://${req.headers.host ?? 'localhost'}`;
    const method = req.method ?? 'GET';
    let response;
    if (over) {
      response = answer(413, { error: `the body is over ${MAX_NOTIFICATION_BODY} bytes` });
    } else {
      const body = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.byteLength;
      }
      headers.delete('content-length');
      response = await handler(new Request(new URL(req.url ?? '/', origin), { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body }));
    }
    /** @type {Record<string, string>} */
    const out = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    res.writeHead(response.status, out);
    res.end(new Uint8Array(await response.arrayBuffer()));
  };
}

/**
 * A notification store in memory (one process, tests): `claim` answers `NEW` once per id while the
 * claim is held or done, `BUSY` while another holds an unexpired claim, `DONE` after `complete`.
 * @param {{ now?: () => number }} [options]
 * @returns {import('./notifications.js').MemoryNotificationStore}
 */
export function createMemoryNotificationStore({ now = Date.now } = {}) {
  /** @type {Map<string, { state: 'BUSY' | 'DONE', until: number }>} */
  const entries = new Map();
  /** @param {unknown} id */
  const key = (id) => {
    if (typeof id !== 'string' || id === '') throw new IapError('INVALID_ARGUMENT', 'notification store: the id must be a non-empty string');
    return id;
  };
  return {
    async claim(id, leaseMs) {
      const k = key(id);
      const e = entries.get(k);
      const t = now();
      if (e?.state === 'DONE') return 'DONE';
      if (e?.state === 'BUSY' && e.until > t) return 'BUSY';
      entries.set(k, { state: 'BUSY', until: t + leaseMs });
      return 'NEW';
    },
    async complete(id) {
      entries.set(key(id), { state: 'DONE', until: Infinity });
    },
    async release(id) {
      const k = key(id);
      if (entries.get(k)?.state === 'BUSY') entries.delete(k);
    },
    entries: () => [...entries].map(([id, e]) => [id, e.state]),
  };
}
