// How the local server's store faces send their notifications: each is POSTed to the face's
// configured URL, retried on a failed delivery (no answer, or an answer the store does not count
// as received) on a schedule shaped like the store's, and every attempt is recorded. Admin calls
// send one again (replay), twice at once (duplicate), a forged copy, or hold a store's
// notifications and release them newest first (out of order).
//
// The stores' schedules, scaled so that an hour of the store's is a second here (each face takes a
// `retrySchedule` option, a list of delays in ms, one per retry, to make its own):
// - Apple: App Store Server Notifications V2 are retried five times, at 1, 12, 24, 48 and 72 hours
//   after the previous attempt, when the answer is not HTTP 200-206 ("Responding to App Store
//   Server Notifications");
// - Cloud Pub/Sub push: redelivered with exponential backoff, 10 s doubling to at most 600 s (the
//   subscription's default retry policy), until the message retention ends (7 days by default; the
//   emulator stops after 20 retries); 102, 200, 201, 202 and 204 acknowledge;
// - ONE store PNS and SNS: retried up to 30 times over 3 days, the delays growing 0, 30, 120, 270,
//   480 s (30·k² s); 200 means received ("PNS 이용하기").

const HOUR_TO_MS = 1000 / 3600;
const scaled = (/** @type {number[]} */ seconds) => seconds.map((s) => Math.max(1, Math.round(s * HOUR_TO_MS)));

/** The default retry schedules, in ms after the previous attempt. */
export const RETRY_SCHEDULES = Object.freeze({
  appStore: Object.freeze(scaled([1, 12, 24, 48, 72].map((h) => h * 3600))),
  googlePlay: Object.freeze(scaled(Array.from({ length: 20 }, (_, k) => Math.min(10 * 2 ** k, 600)))),
  oneStore: Object.freeze(scaled(Array.from({ length: 29 }, (_, k) => 30 * (k + 1) ** 2))),
});

/** Which answers each store counts as received. */
const RECEIVED = {
  appStore: (/** @type {number} */ s) => s >= 200 && s <= 206,
  googlePlay: (/** @type {number} */ s) => [102, 200, 201, 202, 204].includes(s),
  oneStore: (/** @type {number} */ s) => s === 200,
};

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * How many notifications the list keeps: past it the oldest that are done (delivered, failed, no
 * URL) are dropped, so a server left running does not grow without end. Pending and held ones stay.
 */
export const NOTIFICATIONS_KEPT = 10_000;

/** @typedef {'appStore' | 'googlePlay' | 'oneStore'} StoreName */
/** @typedef {import('./emulator-replies.js').Json} Json */
/**
 * One delivery attempt.
 * @typedef {{ at: number, status: number | null, error?: string, received: boolean }} Attempt
 */
/**
 * What a face gives to send: the body, the headers of each attempt (Pub/Sub's token is minted per
 * push), and how to forge a copy.
 * @typedef {{ store: StoreName, kind: 'APP_STORE_NOTIFICATION' | 'PUBSUB_PUSH' | 'PNS' | 'SNS', type: string, notificationId: string,
 *   url: string | null, body: Json, headers?: () => Record<string, string>, retrySchedule?: readonly number[],
 *   forge?: (how: string | undefined) => { body: Json, headers?: () => Record<string, string>, how: string },
 *   onAttempt?: (attempt: Attempt) => void, quiet?: boolean }} Outgoing
 */
/**
 * A notification the server sent (or holds, or could not send: no URL).
 * @typedef {Outgoing & { id: string, createdAt: number, origin: 'sent' | 'replay' | 'duplicate' | 'forged', of?: string, forged?: string,
 *   state: 'pending' | 'delivered' | 'failed' | 'held' | 'no-url', attempts: Attempt[] }} Delivery
 */

export class Notifier {
  /** @type {Delivery[]} */
  list = [];
  counter = 0;
  /** @type {Set<StoreName>} stores whose new notifications are held until release() */
  holding = new Set();
  /** @type {Set<Promise<void>>} attempts under way */
  inFlight = new Set();
  /** @type {Map<Delivery, ReturnType<typeof setTimeout>>} retries waiting for their time */
  timers = new Map();
  /** @type {Set<AbortController>} */
  aborts = new Set();
  closed = false;

  /**
   * @param {{ now: () => number, timeoutMs?: number, keep?: number }} options `now` the emulator's
   *   clock (createdAt); `keep` how many notifications the list keeps (NOTIFICATIONS_KEPT)
   */
  constructor({ now, timeoutMs = DEFAULT_TIMEOUT_MS, keep = NOTIFICATIONS_KEPT }) {
    this.now = now;
    this.timeoutMs = timeoutMs;
    this.keep = keep;
  }

  /** Attempts begun before the last reset() record nothing and schedule no retry. */
  generation = 0;

  reset() {
    this.generation += 1;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborts) a.abort();
    this.list = [];
    this.counter = 0;
    this.holding.clear();
  }

  /**
   * Records a notification and sends it (unless its store is held or it has no URL).
   * @param {Outgoing} out
   * @param {{ origin?: Delivery['origin'], of?: string, forged?: string }} [how]
   */
  send(out, how = {}) {
    this.counter += 1;
    /** @type {Delivery} */
    const d = { ...out, id: `n${this.counter}`, createdAt: this.now(), origin: how.origin ?? 'sent', attempts: [], state: 'pending' };
    if (how.of) d.of = how.of;
    if (how.forged) d.forged = how.forged;
    this.list.push(d);
    if (!d.url) d.state = 'no-url';
    else if (this.holding.has(d.store) && d.origin === 'sent') d.state = 'held';
    else this.attempt(d);
    this.trim();
    return d;
  }

  /** Drops the oldest done notifications past `keep` (pending and held ones are still to be sent). */
  trim() {
    let drop = this.list.length - this.keep;
    if (drop <= 0) return;
    this.list = this.list.filter((d) => {
      if (drop > 0 && d.state !== 'pending' && d.state !== 'held') {
        drop -= 1;
        return false;
      }
      return true;
    });
  }

  /** @param {string} id */
  get(id) {
    const d = this.list.find((x) => x.id === id);
    if (!d) throw new RangeError(`no notification ${id} (GET /admin/notifications lists them)`);
    return d;
  }

  /** The same notification (same store id, same body) delivered again, as a store's retry would. @param {string} id */
  replay(id) {
    const d = this.get(id);
    return this.send(this.copy(d), { origin: 'replay', of: d.id });
  }

  /** Two more deliveries of the same notification at once, as an at-least-once sender may make. @param {string} id */
  duplicate(id) {
    const d = this.get(id);
    return [this.send(this.copy(d), { origin: 'duplicate', of: d.id }), this.send(this.copy(d), { origin: 'duplicate', of: d.id })];
  }

  /**
   * A forged copy: the face's `forge(how)` (a bad signature, a token of another key or audience),
   * delivered once, never retried.
   * @param {string} id
   * @param {string} [how]
   */
  forge(id, how) {
    const d = this.get(id);
    if (!d.forge) throw new RangeError(`notification ${id} cannot be forged`);
    const f = d.forge(how);
    const { forge, ...rest } = this.copy(d);
    return this.send({ ...rest, body: f.body, headers: f.headers ?? d.headers, retrySchedule: [] }, { origin: 'forged', of: d.id, forged: f.how });
  }

  /** @param {Delivery} d */
  copy(d) {
    /** @type {Outgoing} */
    const out = { store: d.store, kind: d.kind, type: d.type, notificationId: d.notificationId, url: d.url, body: d.body, retrySchedule: d.retrySchedule };
    if (d.headers) out.headers = d.headers;
    if (d.forge) out.forge = d.forge;
    return out;
  }

  /** Holds a store's new notifications (all stores' without one) until release(). @param {StoreName} [store] */
  hold(store) {
    for (const s of store ? [store] : /** @type {StoreName[]} */ (['appStore', 'googlePlay', 'oneStore'])) this.holding.add(s);
  }

  /**
   * Sends the held notifications: `reverse` (the default) newest first, so an older one arrives
   * after a newer one; `sent` in the order they were made. Holding stops.
   * @param {{ store?: StoreName, order?: 'reverse' | 'sent' }} [options]
   */
  release({ store, order = 'reverse' } = {}) {
    if (store) this.holding.delete(store);
    else this.holding.clear();
    const held = this.list.filter((d) => d.state === 'held' && (!store || d.store === store));
    if (order === 'reverse') held.reverse();
    // One after another, each sent once the one before has its answer, so the order holds.
    const run = held.reduce((p, d) => p.then(() => this.attempt(d)), Promise.resolve());
    this.track(run);
    return held;
  }

  /** @param {Promise<void>} p */
  track(p) {
    this.inFlight.add(p);
    p.finally(() => this.inFlight.delete(p)).catch(() => {});
  }

  /**
   * One delivery attempt; on failure the next retry is scheduled.
   * @param {Delivery} d
   */
  attempt(d) {
    if (this.closed || !d.url) return Promise.resolve();
    d.state = 'pending';
    const abort = new AbortController();
    this.aborts.add(abort);
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    /** @type {Attempt} */
    const a = { at: Date.now(), status: null, received: false };
    const url = d.url;
    const generation = this.generation;
    const run = (async () => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(d.headers ? d.headers() : {}) },
          body: JSON.stringify(d.body),
          signal: abort.signal,
          redirect: 'manual',
        });
        await res.arrayBuffer().catch(() => undefined);
        a.status = res.status;
        a.received = RECEIVED[d.store](res.status);
      } catch (e) {
        const err = /** @type {any} */ (e);
        a.error = abort.signal.aborted ? 'TIMEOUT' : String(err?.cause?.code ?? err?.cause?.message ?? err?.message ?? 'Error');
      } finally {
        clearTimeout(timer);
        this.aborts.delete(abort);
      }
      if (this.closed || generation !== this.generation) return;
      d.attempts.push(a);
      d.onAttempt?.(a);
      if (a.received) {
        d.state = 'delivered';
        return;
      }
      const schedule = d.retrySchedule ?? RETRY_SCHEDULES[d.store];
      const delay = schedule[d.attempts.length - 1];
      if (delay === undefined) {
        d.state = 'failed';
        return;
      }
      const t = setTimeout(() => {
        this.timers.delete(d);
        this.attempt(d);
      }, delay);
      t.unref?.();
      this.timers.set(d, t);
    })();
    this.track(run);
    return run;
  }

  /** Resolves once no attempt is under way (retries may still be scheduled). */
  async settled() {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Resolves once no attempt is under way and no retry is scheduled (or `timeoutMs` passed). */
  async idle(timeoutMs = 30_000) {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await this.settled();
      if (this.timers.size === 0 && this.inFlight.size === 0) return true;
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close() {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const a of this.aborts) a.abort();
  }

  /**
   * A delivery as the admin endpoints show it.
   * @param {Delivery} d
   * @returns {import('./emulator.js').EmulatorNotification}
   */
  view(d) {
    /** @type {import('./emulator.js').EmulatorNotification} */
    const v = {
      id: d.id, store: d.store, kind: d.kind, type: d.type, notificationId: d.notificationId, url: d.url, origin: d.origin,
      state: d.state, createdAt: d.createdAt, attempts: d.attempts.map((a) => ({ ...a })), body: d.body,
    };
    if (d.of) v.of = d.of;
    if (d.forged) v.forged = d.forged;
    return v;
  }

  /** @param {{ store?: string | null, kind?: string | null }} [filter] */
  views(filter = {}) {
    return this.list.filter((d) => (!filter.store || d.store === filter.store) && (!filter.kind || d.kind === filter.kind)).map((d) => this.view(d));
  }
}
