// One notification endpoint for every store: authenticate the request (Apple's signed payload,
// Pub/Sub's OIDC token, ONE store's PNS signature; a ONE store SNS confirmed with the server API),
// turn the notification into the one event model (the module's appleNotificationEvent /
// googleNotificationEvent / oneStorePaymentEvent / oneStoreSubscriptionEvent: the mapping lives in
// the Rust core), run the caller's handler once per notification id, apply it to the purchase
// ledger when one is given, answer refund requests through the stores' clients before their
// deadline, and answer with the status that makes each store do the right thing. A Fetch API
// handler (workerd, Deno, Bun, Node 18+), plus an adapter for node:http (and so Express and
// Fastify). The status policy is the table in docs/notifications.md.
import {
  appleNotificationEvent, googleNotificationEvent, decodeGoogleNotification, oneStoreSubscriptionEvent,
  __oneStorePaymentNotification, decodeOneStoreSubscriptionNotification, subscriptionStatus,
} from '../web/iap_verify.js';
import { IapError } from './error.js';
import { verifyPubSubPush } from './pubsub.js';
import { readBytes } from './read-body.js';
import { REVOKING, RENEWING, applyRefund, applyRenewal, ledgerKeys, refundReason } from './run-purchase.js';

/** The largest body read: Apple's JWS limit (256 KiB) and room for its JSON wrapper. */
export const MAX_NOTIFICATION_BODY = 300 * 1024;
/** How long a claimed notification is held for the instance that claimed it before another may run it. */
const DEFAULT_LEASE_MS = 60_000;

/** @param {string} message */
const bad = (message) => new IapError('INVALID_ARGUMENT', `createNotificationHandler: ${message}`);

/** @param {unknown} o @param {string[]} names */
const hasMethods = (o, names) => o !== null && typeof o === 'object' && names.every((m) => typeof /** @type {Record<string, unknown>} */ (o)[m] === 'function');

/** A `ledger.revoke` that threw, already reported: the handler answers 503. */
class RevokeFailed extends Error {
  /** @param {unknown} cause */
  constructor(cause) {
    super('ledger.revoke failed', { cause });
  }
}

/**
 * An error of the package that says a retry may succeed (the store's server, a network fault).
 * @param {unknown} e
 */
const retryable = (e) => e instanceof IapError && e.retryable === true;

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
  const { apple, google, oneStore, dedupe, on, onError, ledger, onRefundRequest, refundClients = {}, now = Date.now, leaseMs = DEFAULT_LEASE_MS } =
    options ?? /** @type {Partial<import('./notifications.js').NotificationHandlerOptions>} */ ({});
  if (typeof on !== 'function') throw bad('`on` must be a function (it handles each event)');
  if (onError !== undefined && typeof onError !== 'function') throw bad('`onError` must be a function');
  if (dedupe === null || typeof dedupe !== 'object' || !['claim', 'complete', 'release'].every((m) => typeof /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (dedupe))[m] === 'function')) {
    throw bad('`dedupe` must be a notification store (createMemoryNotificationStore(), createPostgresNotificationStore(pool))');
  }
  if (apple === undefined && google === undefined && oneStore === undefined) throw bad('configure `apple`, `google`, `oneStore`, or several');
  if (apple !== undefined && (apple === null || typeof apple.verifyAndDecodeNotificationAsync !== 'function')) {
    throw bad('`apple` must be a SignedDataVerifier');
  }
  if (google !== undefined && (google === null || typeof google !== 'object' || typeof google.audience !== 'string' || typeof google.serviceAccountEmail !== 'string')) {
    throw bad('`google` must be the push subscription\'s { audience, serviceAccountEmail } (verifyPubSubPush options)');
  }
  if (oneStore !== undefined) {
    if (oneStore === null || typeof oneStore !== 'object' || typeof oneStore.licenseKey !== 'string' || oneStore.licenseKey === '') {
      throw bad('`oneStore` must be { licenseKey, client? } (the app\'s licence key, and a OneStoreClient to confirm SNS with)');
    }
    if (oneStore.client !== undefined && !hasMethods(oneStore.client, ['getSubscriptionDetail'])) throw bad('`oneStore.client` must be a OneStoreClient');
  }
  if (ledger !== undefined) {
    if (ledger === null || typeof ledger !== 'object' || !hasMethods(ledger.store, ['load', 'update'])) throw bad('`ledger.store` must be a purchase store (createMemoryPurchaseStore(), createPostgresPurchaseStore(pool))');
    if (typeof ledger.revoke !== 'function') throw bad('`ledger.revoke` must be a function (it takes back what a refunded purchase granted)');
    if (ledger.unknown !== undefined && typeof ledger.unknown !== 'function') throw bad('`ledger.unknown` must be a function');
    // What the ledger step does not do (an event it does not apply, an unknown purchase) is kept only by that report.
    if (onError === undefined) throw bad('with a `ledger`, give `onError`: the events the ledger does not apply, and revokes that failed, are reported there');
  }
  if (onRefundRequest !== undefined) {
    if (typeof onRefundRequest !== 'function') throw bad('`onRefundRequest` must be a function');
    if (apple !== undefined && !hasMethods(refundClients?.appStore, ['sendConsumptionInformation'])) {
      throw bad('with `apple` and `onRefundRequest`, `refundClients.appStore` must be an AppStoreServerAPIClient (its sendConsumptionInformation sends the answer)');
    }
    if (google !== undefined && !hasMethods(refundClients?.googlePlay, ['reviewRefundOrder'])) {
      throw bad('with `google` and `onRefundRequest`, `refundClients.googlePlay` must be a GooglePlayClient (its reviewRefundOrder sends the answer)');
    }
  }
  if (typeof now !== 'function') throw bad('`now` must be a function');
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
   * @param {{ confirmed?: boolean, subscription?: import('../web/iap_verify.js').OneStoreSubscriptionDetail }} [extra] a ONE store SNS's confirmation
   */
  const dispatch = async (event, raw, request, extra = {}) => {
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
    const full = { ...event, raw, ...extra };
    /** @type {'on' | 'ledger' | 'refund'} */
    let stage = 'on';
    try {
      // A copy: what `on` does to its event does not change what the ledger step reads.
      await on({ ...full }, { request });
      stage = 'ledger';
      if (ledger) await toLedger(full);
      stage = 'refund';
      if (onRefundRequest && event.type === 'REFUND_REQUESTED') await answerRefundRequest(full);
    } catch (error) {
      await Promise.resolve(dedupe.release(key)).catch(() => {});
      if (error instanceof RevokeFailed) {
        // Reported (REVOKE_FAILED); the record stays owed: the store delivers again and the
        // ledger step asks for the revoke again (or revokeUnrevoked does).
        return answer(503, { error: 'the revoke failed; it is retried' });
      }
      if (stage !== 'on' && retryable(error)) {
        // The ledger's database or the store's API: the store delivers again later.
        await report({ kind: stage === 'ledger' ? 'LEDGER_FAILED' : 'REFUND_ANSWER_FAILED', store: event.store, id: event.id, error });
        return answer(503, { error: `the ${stage === 'ledger' ? 'ledger' : 'store'} is unavailable` });
      }
      await report({ kind: stage === 'on' ? 'HANDLER_FAILED' : stage === 'ledger' ? 'LEDGER_FAILED' : 'REFUND_ANSWER_FAILED', store: event.store, id: event.id, error });
      return answer(500, { error: stage === 'on' ? 'the handler failed' : `the ${stage} step failed` });
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
   * Applies an event to the ledger: a refund or revocation to its record (REVOKE once), a renewal
   * to its subscription's record; an event naming a purchase the ledger does not hold is reported.
   * A ONE store SNS touches the ledger only once confirmed, and a revocation only when the
   * confirmed subscription is no longer entitled (an SNS is not signed).
   * @param {import('./notifications.js').NotificationEvent} event
   */
  const toLedger = async (event) => {
    if (!ledger) return;
    const revoking = REVOKING.has(event.type);
    const renewing = RENEWING.has(event.type);
    if (!revoking && !renewing) return;
    if (event.store === 'ONESTORE' && event.confirmed === false) return;
    if (event.store === 'ONESTORE' && revoking && event.subscription !== undefined) {
      /** @type {boolean | string} */
      let entitled;
      try {
        entitled = subscriptionStatus({ source: 'ONESTORE', subscription: /** @type {Record<string, unknown>} */ (event.subscription) }, now()).entitled;
      } catch (error) {
        if (!(error instanceof IapError)) throw error;
        entitled = `ONE store's answer does not say whether the subscription is entitled (${error.code})`;
      }
      if (entitled !== false) {
        const reason = entitled === true ? 'ONE store still reports the subscription entitled' : entitled;
        await report({ kind: 'LEDGER_SKIPPED', store: event.store, id: event.id, event, reason });
        return;
      }
    }
    if (revoking && event.partial === true) {
      // A REVOKE takes back the whole quantity; what part a partial refund takes back is the app's call.
      await report({ kind: 'LEDGER_SKIPPED', store: event.store, id: event.id, event, reason: 'a partial refund: decide what to take back' });
      return;
    }
    const keys = ledgerKeys(event);
    try {
      if (revoking) {
        const flow = await applyRefund({ store: ledger.store, event, reason: refundReason(event), revoke: revokeOnce(event) });
        if (flow !== null) return;
      } else {
        for (const key of keys) {
          if ((await applyRenewal({ store: ledger.store, key, at: event.occurredAt ?? now(), expiresAt: expiresAtOf(event) })) !== null) return;
        }
      }
    } catch (error) {
      // The ledger refused the event for this record (a renewal of a refunded record, of a product
      // that is no subscription): a retry cannot help; reported, acknowledged.
      if (error instanceof IapError && (error.code === 'INVALID_STATE_TRANSITION' || error.code === 'INVALID_ARGUMENT')) {
        await report({ kind: 'LEDGER_SKIPPED', store: event.store, id: event.id, event, reason: error.message });
        return;
      }
      throw error;
    }
    if (ledger.unknown) await ledger.unknown(event);
    else await report({ kind: 'UNKNOWN_PURCHASE', store: event.store, id: event.id, event });
  };

  /**
   * `ledger.revoke`, its failure reported with the effect and then thrown as RevokeFailed: the
   * record stays REFUNDED with the revoke owed, and the handler answers 503 so that the store
   * delivers again and the redelivery asks for the revoke again.
   * @param {import('./notifications.js').NotificationEvent} event
   */
  const revokeOnce = (event) => async (/** @type {any} */ effect, /** @type {any} */ flow, /** @type {{ transaction: unknown }} */ context) => {
    try {
      await /** @type {NonNullable<typeof ledger>} */ (ledger).revoke(effect, flow, event, context);
    } catch (error) {
      await report({ kind: 'REVOKE_FAILED', store: event.store, id: event.id, effect, error });
      throw new RevokeFailed(error);
    }
  };

  /**
   * The paid period's end an event says: Apple's transaction's expiry, a confirmed ONE store
   * subscription's; Google's notification does not say it.
   * @param {import('./notifications.js').NotificationEvent} event
   */
  const expiresAtOf = (event) => {
    const p = /** @type {{ expiresTime?: number } | undefined} */ (event.purchase);
    if (typeof p?.expiresTime === 'number') return p.expiresTime;
    const s = /** @type {{ expiryTimeMillis?: unknown } | undefined} */ (event.subscription);
    return typeof s?.expiryTimeMillis === 'number' ? s.expiryTimeMillis : undefined;
  };

  /**
   * A refund request (Apple CONSUMPTION_REQUEST, Google's pending refund review): asks
   * `onRefundRequest` and sends its answer through the store's client, before the deadline. An
   * answer that comes too late is not sent (the store would refuse it) but reported.
   * @param {import('./notifications.js').NotificationEvent} event
   */
  const answerRefundRequest = async (event) => {
    const hook = /** @type {NonNullable<typeof onRefundRequest>} */ (onRefundRequest);
    const deadline = event.deadline;
    if (deadline !== undefined && now() >= deadline) {
      await report({ kind: 'REFUND_DEADLINE_PASSED', store: event.store, id: event.id, event, deadline });
      return;
    }
    const decision = await hook(event, { deadline });
    if (decision === undefined || decision === null) return;
    if (deadline !== undefined && now() >= deadline) {
      await report({ kind: 'REFUND_DEADLINE_PASSED', store: event.store, id: event.id, event, deadline });
      return;
    }
    try {
      if (event.store === 'AS') {
        const transactionId = event.orderId;
        if (transactionId === undefined) throw new IapError('MALFORMED_INPUT', 'a consumption request without its transaction');
        await /** @type {NonNullable<typeof refundClients.appStore>} */ (refundClients.appStore).sendConsumptionInformation(transactionId, /** @type {import('../web/iap_verify.js').ConsumptionRequest} */ (decision));
      } else if (event.store === 'GG') {
        const raw = /** @type {import('../web/iap_verify.js').DeveloperNotification} */ (event.raw);
        const review = /** @type {{ pendingRefundToken?: unknown } | undefined} */ (raw.pendingRefundReviewNotification);
        if (typeof review?.pendingRefundToken !== 'string' || event.orderId === undefined) {
          throw new IapError('MALFORMED_INPUT', 'a pending refund review without its pendingRefundToken or orderId');
        }
        const answerOf = /** @type {Omit<import('../web/iap_verify.js').ReviewRefundOrderParams, 'packageName' | 'orderId' | 'pendingRefundToken'>} */ (decision);
        await /** @type {NonNullable<typeof refundClients.googlePlay>} */ (refundClients.googlePlay).reviewRefundOrder({
          ...answerOf, packageName: String(raw.packageName), orderId: event.orderId, pendingRefundToken: review.pendingRefundToken,
        });
      }
    } catch (error) {
      // The store refused the answer (already answered, a field it does not take): a retry of the
      // notification cannot help; reported, acknowledged. A retryable failure goes up: 503.
      if (error instanceof IapError && !error.retryable) {
        await report({ kind: 'REFUND_ANSWER_FAILED', store: event.store, id: event.id, error });
        return;
      }
      throw error;
    }
  };

  /**
   * A request whose sender was authenticated but whose notification cannot become an event: a
   * retry cannot help, so it is acknowledged once reported.
   * @param {'APPLE' | 'GOOGLE' | 'ONESTORE'} store
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
      if (oneStore && body !== null && typeof body === 'object' && typeof body.signature === 'string' && body.subscriptionNotification === undefined) {
        // PNS: signed with the app's licence key.
        // One verification for both the message and its event.
        let pns;
        try {
          pns = __oneStorePaymentNotification(text, oneStore.licenseKey, oneStore.keyOptions);
        } catch (e) {
          if (!(e instanceof IapError)) throw e;
          return answer(401, { error: e.code });
        }
        if (!pns.event) return await undecodable('ONESTORE', pns.error, text);
        return await dispatch(pns.event, pns.message, request);
      }
      if (oneStore && body !== null && typeof body === 'object' && body.subscriptionNotification !== null && typeof body.subscriptionNotification === 'object') {
        // SNS: not signed. Confirmed through the server API when a client is given.
        let raw;
        let event;
        try {
          raw = decodeOneStoreSubscriptionNotification(text);
          event = oneStoreSubscriptionEvent(text);
        } catch (e) {
          if (!(e instanceof IapError)) throw e;
          return answer(400, { error: e.code });
        }
        if (!oneStore.client) return await dispatch(event, raw, request, { confirmed: false });
        let subscription;
        try {
          subscription = await oneStore.client.getSubscriptionDetail({ productId: raw.subscriptionNotification.productId, purchaseToken: raw.subscriptionNotification.purchaseToken });
        } catch (e) {
          if (!(e instanceof IapError)) throw e;
          if (e.retryable) return answer(503, { error: e.code });
          // ONE store does not know the subscription (NoSuchData) or refuses the look-up: not ONE store's.
          return answer(401, { error: e.code });
        }
        return await dispatch(event, raw, request, { confirmed: true, subscription });
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
