// A local stand-in for the NHN Cloud IAP server API and the Gamebase purchase API, so that a
// backend can be developed and tested without an NHN account. Node's `http` only, in-memory state.
//
// What it follows from NHN's IAP and Gamebase API guides: hosts' paths, the
// `X-NHN-TCIAP-AppKey` and `X-Secret-Key` headers, the `{ header, result }` envelope, HTTP 200 for
// business errors, paymentSeq as a 16-digit string, 5018 on a second consume, ISO-8601 times with
// an offset on Gamebase, Content-Type and method checks (2111, 2112). Where the documents say
// nothing (the answer to a wrong AppKey, an unknown access token), it answers with the closest
// documented code; see CODES below.
//
// Test-only faults, per request (header `X-Emulator-Fault`) or queued (POST /admin/faults):
//   delay=MS     answer normally after MS milliseconds (a client that gives up is logged as aborted)
//   status=N     answer HTTP N with an HTML body, as a proxy in trouble would
//   malformed    answer 200 with a truncated JSON body
//   drop         close the connection without answering (the request has no effect)
//   lose         carry the request out, then close the connection without answering (a consume
//                that went through but whose answer was lost)
//   retryAfter=S with status=N: a `Retry-After: S` header on the answer (429 and 503 carry one)
//
// Store faces (./emulator-appstore.js: the App Store Server API under /inApps/;
// ./emulator-googleplay.js: Google's token endpoint at /token and the Play Developer API under
// /androidpublisher/; ./emulator-onestore.js: ONE store's OAuth and server API V7 under /v7/) plug in as objects with `name` (their seed section), `reset(seed, start)`,
// `matches(path)`, `route(req, path, query, body, logEntry, bodyText)`, `faultReply(status)` (the store's own error body for a
// fault status, or null for the HTML page), `admin(req, path, body)` and `state()`.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppStoreFace } from './emulator-appstore.js';
import { GooglePlayFace } from './emulator-googleplay.js';
import { OneStoreFace } from './emulator-onestore.js';
import { Notifier } from './emulator-notify.js';
import { hostCheck } from './host-check.js';

/** The seed used when none is given. */
export const DEFAULT_SEED_URL = new URL('./emulator-seed.json', import.meta.url);

const MAX_BODY = 1024 * 1024;
const KST_OFFSET_MS = 9 * 3600 * 1000;
const SUBSCRIPTION_TYPES = new Set(['AUTO_RENEWABLE', 'CONSUMABLE_AUTO_RENEWABLE']);
const CONSUMABLE_TYPES = new Set(['CONSUMABLE', 'CONSUMABLE_AUTO_RENEWABLE']);

// [resultCode, resultMessage]. 1100/2111/2112/5000/5018 are NHN IAP's documented codes;
// -4010001/-4010004/-4060001/-4000005 are Gamebase's documented general codes. Which one a wrong
// AppKey gets from the real IAP server is not documented: 1100 is this emulator's choice.
/** @type {Record<string, [number, string]>} */
const CODES = {
  invalidParameters: [1100, 'INVALID_PARAMETERS'],
  contentType: [2111, 'HTTP_CONTENT_TYPE_NOT_SUPPORT'],
  method: [2112, 'HTTP_REQUEST_METHOD_NOT_SUPPORT'],
  consumeFailed: [5000, 'CONSUME_FAILED'],
  alreadyConsumed: [5018, 'ALREADY_CONSUMED'],
  gbInvalidAppId: [-4010001, 'Invalid appId'],
  gbInvalidSecret: [-4010004, 'Invalid secretKey'],
  gbContentType: [-4060001, 'Content-Type is not application/json'],
  gbInvalidParam: [-4000005, 'Missing or invalid parameter'],
};

/**
 * An item of the seed: one IAP product of the app.
 * @typedef {{ productSeq: number, productId: string, productType: string, marketId: string, price: number,
 *   currency: string, itemName?: string, gamebaseProductId?: string }} Item
 */
/**
 * A payment the emulator holds.
 * @typedef {{ paymentSeq: string, accessToken: string, userId: string, productSeq: number, marketId: string,
 *   paymentId: string, originalPaymentId: string, purchaseTime: number, expiryTime: number | null, renewTime: number | null,
 *   consumed: boolean, refunded: boolean, referenceStatus?: string, payload?: string, isTestPurchase: boolean }} Payment
 */
/** @typedef {import('./emulator-replies.js').Fault} Fault */
/** @typedef {import('./emulator-replies.js').LogEntry} LogEntry */
/** @typedef {import('./emulator-replies.js').Json} Json */
/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('./emulator.js').Emulator} Emulator */

class Reply {
  /**
   * @param {number} status
   * @param {Json} body
   * @param {Record<string, string>} [headers]
   */
  constructor(status, body, headers = {}) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/**
 * Reads a seed: an object, a path or file URL to a JSON file, or the default seed.
 * @param {object | string | URL | null} [seed]
 * @returns {Json}
 */
export function loadSeed(seed) {
  if (seed === undefined || seed === null) seed = DEFAULT_SEED_URL;
  if (typeof seed === 'string' || seed instanceof URL) return JSON.parse(readFileSync(seed, 'utf8'));
  return structuredClone(seed);
}

/** @type {Record<string, number>} */
const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A seed's time: epoch ms, an offset from `start` ("-1h", "+30d"), or a date text; null when absent.
 * @param {unknown} value
 * @param {number} start
 * @returns {number | null}
 */
export function resolveTime(value, start) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return value;
  const m = /^([+-])(\d+)(ms|s|m|h|d)$/.exec(String(value));
  if (m) return start + (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNITS[m[3]];
  const t = Date.parse(String(value));
  if (Number.isNaN(t)) throw new Error(`emulator seed: cannot read time ${JSON.stringify(value)}`);
  return t;
}

/**
 * ISO-8601 with the +09:00 offset Gamebase uses in its examples.
 * @param {number | null | undefined} ms
 */
function isoKst(ms) {
  if (ms === null || ms === undefined) return undefined;
  return new Date(ms + KST_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+09:00');
}

/** @param {number} ms */
function yyyymmdd(ms) {
  return new Date(ms + KST_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * A store order id of the store's usual shape (random digits).
 * @param {string} marketId
 * @param {string} paymentSeq
 */
function storePaymentId(marketId, paymentSeq) {
  const digits = (/** @type {number} */ n) => Array.from(randomBytes(n), (b) => b % 10).join('');
  if (marketId === 'GG') return `GPA.${digits(4)}-${digits(4)}-${digits(4)}-${digits(5)}`;
  if (marketId === 'AS') return `2000000${digits(9)}`;
  return `${marketId}-${paymentSeq}`;
}

/** @param {unknown} [result] */
function ok(result) {
  /** @type {Json} */
  const body = { header: { isSuccessful: true, resultCode: 0, resultMessage: 'SUCCESS' } };
  if (result !== undefined) body.result = result;
  return new Reply(200, body);
}

/**
 * @param {[number, string]} code
 * @param {string} [detail]
 */
function fail([resultCode, resultMessage], detail) {
  const message = detail ? `${resultMessage}: ${detail}` : resultMessage;
  return new Reply(200, { header: { isSuccessful: false, resultCode, resultMessage: message } });
}

/**
 * @param {unknown} text the X-Emulator-Fault header, or a queued fault's `fault`
 * @returns {Fault}
 */
function parseFault(text) {
  /** @type {Fault} */
  const fault = {};
  for (const part of String(text).split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = part.split('=');
    if (k === 'delay') fault.delayMs = Number(v);
    else if (k === 'status') fault.status = Number(v);
    else if (k === 'malformed') fault.malformed = true;
    else if (k === 'drop') fault.drop = true;
    else if (k === 'lose') fault.lose = true;
    else if (k === 'retryAfter') fault.retryAfter = Number(v);
  }
  return fault;
}

/** The seed's IAP app and Gamebase project when it names none (the emulator's own, fake). */
const DEFAULT_IAP = Object.freeze({ appKey: 'emulator-iap-appkey', appSeq: 1000, packageName: 'com.example.game' });
const DEFAULT_GAMEBASE = Object.freeze({ appId: 'emulator-project', secretKey: 'emulator-gamebase-secret' });

/**
 * The in-memory IAP backend: items, payments, clock, faults and a request log. It starts empty;
 * reset(), which the constructor calls, fills it from the seed.
 */
class EmulatorState {
  startedAt = 0;
  /** @type {{ appKey: string, appSeq: number, packageName: string, appName?: string }} */
  iap = { ...DEFAULT_IAP };
  /** @type {{ appId: string, secretKey: string }} */
  gamebase = { ...DEFAULT_GAMEBASE };
  /** @type {Item[]} */
  items = [];
  /** @type {Map<string, Payment>} */
  payments = new Map();
  counter = 0;
  /** @type {Array<Fault & { times: number }>} */
  faults = [];
  /** @type {LogEntry[]} */
  log = [];

  /**
   * @param {Json} seed
   * @param {() => number} clock
   * @param {{ appStore?: import('./emulator-appstore.js').AppStoreSeed, googlePlay?: import('./emulator-googleplay.js').GooglePlaySeed,
   *   oneStore?: import('./emulator-onestore.js').OneStoreSeed }} [faceOptions]
   */
  constructor(seed, clock, faceOptions = {}) {
    this.seed = seed;
    this.baseClock = clock;
    this.offsetMs = 0;
    // `url` is the server's, once it listens (the Play face writes it into the key file's token_uri).
    this.url = 'http://127.0.0.1';
    // Every face's notifications go through one notifier: one list, one set of admin calls.
    this.notifier = new Notifier({ now: () => this.now() });
    const ctx = { now: () => this.now(), resolveTime, url: () => this.url, notifier: this.notifier };
    this.faces = [new AppStoreFace(faceOptions.appStore ?? {}, ctx), new GooglePlayFace(faceOptions.googlePlay ?? {}, ctx), new OneStoreFace(faceOptions.oneStore ?? {}, ctx)];
    this.reset();
  }

  /** @param {string} name */
  face(name) {
    return this.faces.find((f) => f.name === name);
  }

  reset() {
    const seed = structuredClone(this.seed);
    this.offsetMs = 0;
    this.startedAt = this.baseClock();
    this.iap = { ...DEFAULT_IAP, ...seed.iap };
    this.gamebase = { ...DEFAULT_GAMEBASE, ...seed.gamebase };
    this.items = (seed.items ?? []).map((/** @type {Item} */ i) => ({ ...i }));
    this.payments = new Map();
    this.counter = 0;
    this.faults = [];
    this.log = [];
    this.notifier.reset();
    for (const p of seed.payments ?? []) this.addPayment(p, this.startedAt);
    for (const f of this.faces) f.reset(seed[f.name], this.startedAt);
  }

  now() {
    return this.baseClock() + this.offsetMs;
  }

  /** @param {unknown} productSeq */
  item(productSeq) {
    return this.items.find((i) => i.productSeq === Number(productSeq));
  }

  /**
   * The item of a payment held (addPayment made it for an item of the seed).
   * @param {Payment} p
   * @returns {Item}
   */
  itemOf(p) {
    return /** @type {Item} */ (this.item(p.productSeq));
  }

  /**
   * Adds a payment as if the store had charged the user and NHN had verified it.
   * @param {Json} input checked here
   */
  addPayment(input, start = this.now()) {
    const item = input.productSeq !== undefined
      ? this.item(input.productSeq)
      : this.items.find((i) => i.productId === input.productId && (!input.marketId || i.marketId === input.marketId));
    if (!item) throw new RangeError(`no item with productSeq ${input.productSeq} / productId ${input.productId}`);
    if (!input.userId) throw new RangeError('userId is required');
    const purchaseTime = resolveTime(input.purchaseTime, start) ?? start;
    let paymentSeq = input.paymentSeq === undefined ? undefined : String(input.paymentSeq);
    if (paymentSeq !== undefined && this.payments.has(paymentSeq)) throw new RangeError(`paymentSeq ${paymentSeq} exists`);
    while (!paymentSeq || this.payments.has(paymentSeq)) {
      this.counter += 1;
      paymentSeq = `${yyyymmdd(purchaseTime)}${String(90000000 + this.counter).padStart(8, '0')}`;
    }
    const subscription = SUBSCRIPTION_TYPES.has(item.productType);
    const marketId = input.marketId ?? item.marketId;
    const paymentId = input.paymentId ?? storePaymentId(marketId, paymentSeq);
    /** @type {Payment} */
    const payment = {
      paymentSeq,
      accessToken: input.accessToken ?? randomBytes(30).toString('base64url'),
      userId: String(input.userId),
      productSeq: item.productSeq,
      marketId,
      paymentId,
      originalPaymentId: input.originalPaymentId ?? paymentId,
      purchaseTime,
      expiryTime: subscription ? (resolveTime(input.expiryTime, start) ?? purchaseTime + 30 * UNITS.d) : null,
      renewTime: subscription ? purchaseTime : null,
      consumed: input.consumed === true,
      refunded: input.refunded === true,
      referenceStatus: subscription ? (input.referenceStatus ?? 'PURCHASED') : undefined,
      payload: input.payload,
      isTestPurchase: input.isTestPurchase === true,
    };
    this.payments.set(paymentSeq, payment);
    return this.describe(payment);
  }

  /**
   * A payment as the admin endpoints show it.
   * @param {Payment} p
   */
  describe(p) {
    const item = this.itemOf(p);
    return { ...p, productId: item.productId, productType: item.productType, price: item.price, currency: item.currency };
  }

  /**
   * @param {unknown} userId
   * @param {(marketId: string) => boolean} markets
   */
  consumables(userId, markets) {
    return [...this.payments.values()].filter((p) => {
      const item = this.itemOf(p);
      return p.userId === userId && !p.consumed && !p.refunded && CONSUMABLE_TYPES.has(item.productType) && markets(p.marketId);
    });
  }

  /**
   * @param {unknown} userId
   * @param {(marketId: string) => boolean} markets
   * @param {unknown} packageName
   * @param {unknown[]} [includeStatuses]
   */
  activeSubscriptions(userId, markets, packageName, includeStatuses = []) {
    if (packageName !== this.iap.packageName) return [];
    const now = this.now();
    return [...this.payments.values()].filter((p) => {
      const item = this.itemOf(p);
      if (p.userId !== userId || !SUBSCRIPTION_TYPES.has(item.productType) || !markets(p.marketId) || p.refunded) return false;
      return (p.expiryTime ?? 0) > now || includeStatuses.includes(p.referenceStatus);
    });
  }

  /**
   * Consume by (paymentSeq, token). Returns the payment, or a failure Reply.
   * @param {unknown} paymentSeq
   * @param {unknown} token
   */
  consume(paymentSeq, token, tokenField = 'accessToken') {
    const p = this.payments.get(String(paymentSeq ?? ''));
    if (!p || !token || p.accessToken !== token) return fail(CODES.consumeFailed, `invalid paymentSeq or ${tokenField}`);
    const item = this.itemOf(p);
    if (!CONSUMABLE_TYPES.has(item.productType)) return fail(CODES.consumeFailed, `${item.productType} payments are not consumed`);
    if (p.refunded) return fail(CODES.consumeFailed, 'the payment was refunded');
    if (p.consumed) return fail(CODES.alreadyConsumed, 'the payment was already consumed');
    p.consumed = true;
    return p;
  }

  /** @param {string} path */
  takeFault(path) {
    const i = this.faults.findIndex((f) => !f.path || path.includes(f.path));
    if (i < 0) return null;
    const f = this.faults[i];
    f.times -= 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }
}

// ---------------------------------------------------------------- API handlers

/** @param {Request} req */
function isJson(req) {
  return /^application\/json\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * Which stores a list call asks for: the list, else the one store, else all (Gamebase: but Amazon).
 * @param {unknown} single
 * @param {unknown} list
 * @param {{ allButAmazon: boolean }} options
 * @returns {(marketId: string) => boolean}
 */
function marketFilter(single, list, { allButAmazon }) {
  const wanted = Array.isArray(list) && list.length > 0 ? list : single ? [single] : null;
  if (wanted) return (m) => wanted.includes(m);
  return allButAmazon ? (m) => m !== 'AMAZON' : () => true;
}

/**
 * The IAP server API's routes; null for another path.
 * @param {EmulatorState} s
 * @param {Request} req
 * @param {string} path
 * @param {Json | undefined} body
 */
function iapRoutes(s, req, path, body) {
  const legacyConsume = /^\/inapp\/v3\/consume\/([^/]+)\/items\/([^/]+)$/.exec(path);
  const legacyItems = /^\/standard\/item\/list\/([^/]+)$/.exec(path);
  const current = ['/v1/service/consume', '/v1/service/consumable', '/v1/service/activeSubscriptionList'].includes(path);
  const legacyList = path === '/standard/inapp/v1/consumable/list';
  if (!current && !legacyConsume && !legacyItems && !legacyList) return null;

  if (legacyItems) {
    if (req.method !== 'GET' && req.method !== 'POST') return fail(CODES.method);
    if (Number(decodeURIComponent(legacyItems[1])) !== Number(s.iap.appSeq)) return fail(CODES.invalidParameters, 'unknown appSeq');
    return ok({
      appUsingStatus: 'USE',
      itemList: s.items.map((i) => ({
        itemSeq: i.productSeq, itemName: i.itemName ?? i.productId, marketItemId: i.productId, usingStatus: 'USE',
        regYmdt: '2026-01-01 00:00:00', appName: s.iap.appName ?? 'Emulator app', marketId: i.marketId,
      })),
      marketAppId: s.iap.packageName,
      appSeq: Number(s.iap.appSeq),
    });
  }
  if (req.method !== 'POST') return fail(CODES.method);
  if (!isJson(req)) return fail(CODES.contentType);
  if (body === undefined) return fail(CODES.invalidParameters, 'the body is not JSON');
  // The current API authenticates by AppKey; the legacy one documents no header.
  if (current && req.headers['x-nhn-tciap-appkey'] !== s.iap.appKey) return fail(CODES.invalidParameters, 'invalid appKey');

  if (path === '/v1/service/consume') {
    const p = s.consume(body.paymentSeq, body.accessToken);
    if (p instanceof Reply) return p;
    const item = s.itemOf(p);
    return ok({ price: item.price, currency: item.currency, productSeq: item.productSeq });
  }
  if (legacyConsume) {
    const [seq, itemSeq] = [decodeURIComponent(legacyConsume[1]), Number(decodeURIComponent(legacyConsume[2]))];
    const known = s.payments.get(seq);
    if (known && known.productSeq !== itemSeq) return fail(CODES.consumeFailed, 'itemSeq does not match the payment');
    const p = s.consume(seq, body.purchaseToken, 'purchaseToken');
    if (p instanceof Reply) return p;
    const item = s.itemOf(p);
    const reply = ok({ price: item.price, currency: item.currency });
    reply.body.header.resultMessage = 'request is successful';
    return reply;
  }
  if (typeof body.userKey !== 'string' || !body.userKey) return fail(CODES.invalidParameters, 'userKey is required');
  if (path === '/v1/service/consumable') {
    if (!body.marketId) return fail(CODES.invalidParameters, 'marketId is required');
    const list = s.consumables(body.userKey, marketFilter(body.marketId, null, { allButAmazon: false }));
    return ok(list.map((p) => {
      const i = s.itemOf(p);
      return { paymentSeq: p.paymentSeq, productSeq: p.productSeq, currency: i.currency, price: i.price, accessToken: p.accessToken };
    }));
  }
  if (path === '/v1/service/activeSubscriptionList') {
    if (!body.marketId || !body.packageName) return fail(CODES.invalidParameters, 'marketId and packageName are required');
    const list = s.activeSubscriptions(body.userKey, marketFilter(body.marketId, null, { allButAmazon: false }), body.packageName);
    return ok(list.map((p) => {
      const i = s.itemOf(p);
      return {
        channel: body.userChannel ?? 'GF', userId: p.userId, paymentSeq: p.paymentSeq, appId: s.iap.packageName,
        productId: i.productId, productType: i.productType, productSeq: i.productSeq, currency: i.currency, price: i.price,
        paymentId: p.paymentId, originalPaymentId: p.originalPaymentId, purchaseTimeMillis: p.purchaseTime,
        expiryTimeMillis: p.expiryTime, renewTimeMillis: p.renewTime,
      };
    }));
  }
  // legacyList
  if (Number(body.appSeq) !== Number(s.iap.appSeq)) return fail(CODES.invalidParameters, 'unknown appSeq');
  return ok(s.consumables(body.userKey, () => true).map((p) => {
    const i = s.itemOf(p);
    return { paymentSeq: p.paymentSeq, itemSeq: p.productSeq, currency: i.currency, price: i.price, purchaseToken: p.accessToken };
  }));
}

const GAMEBASE_PREFIX = /^\/tcgb-inapp\/v1\.3\/apps\/([^/]+)(\/.*)$/;

/**
 * The Gamebase API's routes; null for another path.
 * @param {EmulatorState} s
 * @param {Request} req
 * @param {string} path
 * @param {URLSearchParams} query
 * @param {Json | undefined} body
 */
function gamebaseRoutes(s, req, path, query, body) {
  const m = GAMEBASE_PREFIX.exec(path);
  if (!m) return null;
  const [appId, route] = [decodeURIComponent(m[1]), m[2]];
  const txId = String(req.headers['x-tcgb-transaction-id'] || randomUUID());
  const reply = gamebaseRoute(s, req, appId, route, query, body);
  // Gamebase echoes the transaction id in the header object and as a response header.
  reply.body.header = { transactionId: txId, ...reply.body.header };
  reply.headers['X-TCGB-Transaction-Id'] = txId;
  return reply;
}

/**
 * @param {EmulatorState} s
 * @param {Request} req
 * @param {string} appId
 * @param {string} route
 * @param {URLSearchParams} query
 * @param {Json | undefined} body
 * @returns {Reply}
 */
function gamebaseRoute(s, req, appId, route, query, body) {
  if (appId !== s.gamebase.appId) return fail(CODES.gbInvalidAppId, `appId:${appId}`);
  if (req.headers['x-secret-key'] !== s.gamebase.secretKey) return fail(CODES.gbInvalidSecret);
  const post = (/** @type {string} */ r) => route === r && req.method === 'POST';
  if (route === '/payment/transaction' && req.method === 'GET') {
    const token = query.get('accessToken');
    const p = [...s.payments.values()].find((x) => x.accessToken === token);
    if (!p) return fail(CODES.gbInvalidParam, 'unknown accessToken');
    const i = s.itemOf(p);
    return ok({
      paymentSeq: p.paymentSeq, productSeq: p.productSeq, currency: i.currency, price: i.price, marketId: p.marketId,
      accessToken: p.accessToken, paymentId: p.paymentId,
      ...(p.marketId === 'ONESTORE' ? { paymentToken: `onestore-${p.paymentSeq}` } : {}),
      productType: i.productType, userId: p.userId, gamebaseProductId: i.gamebaseProductId, purchaseTime: isoKst(p.purchaseTime),
      payload: p.payload, isTestPurchase: p.isTestPurchase,
      isConsumable: CONSUMABLE_TYPES.has(i.productType) && !p.consumed && !p.refunded,
    });
  }
  if (!['/consume', '/consumable', '/active-subscriptions', '/subscriptions/status', '/subscriptions/cancel', '/subscriptions/revoke'].includes(route)) {
    return new Reply(404, { header: { isSuccessful: false, resultCode: -4040001, resultMessage: 'Not found' } });
  }
  if (req.method !== 'POST') return fail(CODES.gbInvalidParam, 'method not allowed');
  if (!isJson(req)) return fail(CODES.gbContentType);
  if (body === undefined || body === null || typeof body !== 'object') return fail(CODES.gbInvalidParam, 'the body is not a JSON object');

  if (post('/consume')) {
    const p = s.consume(body.paymentSeq, body.accessToken);
    if (p instanceof Reply) return p;
    const i = s.itemOf(p);
    return ok({ price: i.price, currency: i.currency, productSeq: i.productSeq, marketId: p.marketId, gamebaseProductId: i.gamebaseProductId, payload: p.payload });
  }
  if (post('/consumable')) {
    if (!body.userId) return fail(CODES.gbInvalidParam, 'userId');
    const list = s.consumables(body.userId, marketFilter(body.marketId, body.marketIds, { allButAmazon: true }));
    return ok(list.map((p) => {
      const i = s.itemOf(p);
      return {
        paymentSeq: p.paymentSeq, productSeq: p.productSeq, currency: i.currency, price: i.price, marketId: p.marketId,
        accessToken: p.accessToken, paymentId: p.paymentId, gamebaseProductId: i.gamebaseProductId,
        purchaseTime: isoKst(p.purchaseTime), payload: p.payload, isTestPurchase: p.isTestPurchase,
      };
    }));
  }
  if (post('/active-subscriptions')) {
    if (!body.userId || !body.packageName) return fail(CODES.gbInvalidParam, 'userId and packageName are required');
    const list = s.activeSubscriptions(body.userId, marketFilter(body.marketId, body.marketIds, { allButAmazon: true }), body.packageName, body.includeInactiveGoogleStatuses ?? []);
    return ok(list.map((p) => {
      const i = s.itemOf(p);
      return {
        marketId: p.marketId, userId: p.userId, paymentSeq: p.paymentSeq, accessToken: p.accessToken, productSeq: p.productSeq,
        productId: i.productId, productType: i.productType, originalPaymentId: p.originalPaymentId, paymentId: p.paymentId,
        linkedPaymentId: null, price: i.price, currency: i.currency, gamebaseProductId: i.gamebaseProductId, payload: p.payload ?? null,
        purchaseTime: isoKst(p.purchaseTime), expiryTime: isoKst(p.expiryTime), renewTime: isoKst(p.renewTime),
        isTestPurchase: p.isTestPurchase, ...(p.marketId === 'GG' ? { referenceStatus: p.referenceStatus } : {}),
      };
    }));
  }
  if (post('/subscriptions/status')) {
    const payments = body.payments;
    if (!Array.isArray(payments) || payments.length === 0 || payments.length > 10) {
      return fail(CODES.gbInvalidParam, 'payments must hold 1 to 10 entries');
    }
    const found = /** @type {Payment[]} */ (payments
      .map((/** @type {Json | null} */ q) => s.payments.get(String(q?.paymentSeq)))
      .filter((/** @type {Payment | undefined} */ p, /** @type {number} */ k) => p && p.accessToken === payments[k].accessToken && SUBSCRIPTION_TYPES.has(s.itemOf(p).productType)));
    return ok(found.map((/** @type {Payment} */ p) => ({
      userId: p.userId, paymentSeq: p.paymentSeq, accessToken: p.accessToken, paymentId: p.paymentId,
      originalPaymentId: p.originalPaymentId, purchaseTime: isoKst(p.purchaseTime), expiryTime: isoKst(p.expiryTime),
      renewTime: isoKst(p.renewTime), referenceStatus: p.referenceStatus,
    })));
  }
  // cancel / revoke: Google subscriptions only.
  const p = s.payments.get(String(body.paymentSeq ?? ''));
  if (!p || p.accessToken !== body.accessToken) return fail(CODES.gbInvalidParam, 'invalid paymentSeq or accessToken');
  if (p.marketId !== 'GG' || !SUBSCRIPTION_TYPES.has(s.itemOf(p).productType)) {
    return fail(CODES.gbInvalidParam, 'only Google subscriptions can be cancelled or revoked');
  }
  if (route === '/subscriptions/cancel') {
    p.referenceStatus = 'CANCELED_SUBSCRIPTION';
  } else {
    p.referenceStatus = 'REVOKED';
    p.refunded = true;
    p.expiryTime = Math.min(p.expiryTime ?? Infinity, s.now());
  }
  return ok();
}

// ---------------------------------------------------------------- admin

/**
 * The admin routes (the faces' first); null for another path.
 * @param {EmulatorState} s
 * @param {Request} req
 * @param {string} path
 * @param {Json | undefined} body
 */
function adminRoutes(s, req, path, body) {
  if (!path.startsWith('/admin/')) return null;
  const json = (/** @type {number} */ status, /** @type {Json} */ value) => new Reply(status, value);
  const route = `${req.method} ${path}`;
  // A page on another site may POST here without asking first only as text/plain, a form or
  // without a type (a "simple" request): a write is taken as JSON alone. (DELETE is never sent
  // across sites without a preflight, which this server does not grant.)
  if (req.method === 'POST' && !isJson(req)) {
    return json(415, { error: 'admin writes are taken only as application/json: send Content-Type: application/json' });
  }
  try {
    for (const f of s.faces) {
      const r = f.admin(req, path, body);
      if (r) return r;
    }
    switch (route) {
      case 'GET /admin/state':
        return json(200, {
          now: s.now(), iap: s.iap, gamebase: s.gamebase, items: s.items,
          payments: [...s.payments.values()].map((p) => s.describe(p)), faults: s.faults,
          ...Object.fromEntries(s.faces.map((f) => [f.name, f.state()])),
        });
      case 'POST /admin/payments':
        return json(201, s.addPayment(body ?? {}));
      case 'POST /admin/faults': {
        const list = Array.isArray(body) ? body : [body];
        for (const f of list) {
          /** @type {Fault} */
          const fault = typeof f?.fault === 'string' ? parseFault(f.fault) : {};
          if (f?.delayMs !== undefined) fault.delayMs = Number(f.delayMs);
          if (f?.status !== undefined) fault.status = Number(f.status);
          if (f?.malformed) fault.malformed = true;
          if (f?.drop) fault.drop = true;
          if (f?.lose) fault.lose = true;
          if (f?.retryAfter !== undefined) fault.retryAfter = Number(f.retryAfter);
          if (Object.keys(fault).length === 0) return json(400, { error: 'a fault needs delayMs, status, malformed, drop or lose' });
          s.faults.push({ ...fault, path: f.path, times: Number(f.times ?? 1) });
        }
        return json(200, { faults: s.faults });
      }
      case 'GET /admin/notifications': {
        const q = new URL(req.url ?? '/', 'http://emulator').searchParams;
        return json(200, { notifications: s.notifier.views({ store: q.get('store'), kind: q.get('kind') }) });
      }
      case 'POST /admin/notifications/replay':
        return json(201, s.notifier.view(s.notifier.replay(String(body?.id))));
      case 'POST /admin/notifications/duplicate':
        return json(201, { notifications: s.notifier.duplicate(String(body?.id)).map((d) => s.notifier.view(d)) });
      case 'POST /admin/notifications/forge':
        return json(201, s.notifier.view(s.notifier.forge(String(body?.id), body?.how === undefined ? undefined : String(body.how))));
      case 'POST /admin/notifications/hold':
        s.notifier.hold(storeName(body?.store));
        return json(200, { holding: [...s.notifier.holding] });
      case 'POST /admin/notifications/release':
        return json(200, { released: s.notifier.release({ store: storeName(body?.store), order: body?.order === 'sent' ? 'sent' : 'reverse' }).map((d) => d.id) });
      case 'DELETE /admin/faults':
        s.faults = [];
        return json(200, { faults: [] });
      case 'POST /admin/clock':
        if (body?.now !== undefined) s.offsetMs = Number(body.now) - s.baseClock();
        if (body?.advanceMs !== undefined) s.offsetMs += Number(body.advanceMs);
        return json(200, { now: s.now() });
      case 'GET /admin/requests':
        return json(200, { requests: s.log });
      case 'DELETE /admin/requests':
        s.log = [];
        return json(200, { requests: [] });
      case 'POST /admin/reset':
        s.reset();
        return json(200, { now: s.now() });
      default:
        return json(404, { error: `no admin route ${route}` });
    }
  } catch (e) {
    return json(400, { error: /** @type {Error} */ (e).message });
  }
}

/**
 * A face name from an admin body (`appStore`, `googlePlay`, `oneStore`), or undefined for all.
 * @param {unknown} v
 * @returns {import('./emulator-notify.js').StoreName | undefined}
 */
function storeName(v) {
  if (v === undefined || v === null) return undefined;
  if (v === 'appStore' || v === 'googlePlay' || v === 'oneStore') return v;
  throw new RangeError('store must be appStore, googlePlay or oneStore');
}

// ---------------------------------------------------------------- server

/**
 * @param {Request} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {{ status: number, body: unknown, headers: Record<string, string> }} reply
 */
function send(res, reply) {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...reply.headers });
  res.end(text);
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {EmulatorState} s
 * @param {Request} req
 * @param {import('node:http').ServerResponse} res
 * @param {import('./host-check.js').HostCheck} check
 */
async function handle(s, req, res, check) {
  // Only the names it knows (no DNS rebinding to read /admin/*/credentials), and no request a
  // page on another site sends through a browser (host-check.js, shared with the dashboard).
  if (!check.hostAllowed(req)) {
    return send(res, new Reply(421, { error: 'unexpected Host header (a name the emulator answers is given with --allowed-host)' }, { Connection: 'close' }));
  }
  if (!check.originAllowed(req)) {
    return send(res, new Reply(403, { error: 'cross-origin request refused' }, { Connection: 'close' }));
  }
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname;
  let text;
  try {
    text = await readBody(req);
  } catch {
    return;
  }
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }

  const admin = adminRoutes(s, req, path, body);
  if (admin) return send(res, admin);

  /** @type {LogEntry} */
  const entry = { at: s.now(), method: req.method, path, fault: null, aborted: false, status: null };
  s.log.push(entry);
  const fault = req.headers['x-emulator-fault'] ? parseFault(req.headers['x-emulator-fault']) : s.takeFault(path);
  const face = s.faces.find((f) => f.matches(path));
  let gone = false;
  res.on('close', () => {
    if (!res.writableFinished) {
      gone = true;
      entry.aborted = true;
    }
  });
  if (fault) {
    entry.fault = fault;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (gone) return;
    if (fault.drop) {
      entry.status = 'dropped';
      req.socket.destroy();
      return;
    }
    if (fault.status) {
      entry.status = fault.status;
      /** @type {Record<string, string>} */
      const retryAfter = Number.isFinite(fault.retryAfter) ? { 'Retry-After': String(fault.retryAfter) } : {};
      const own = face?.faultReply(fault.status);
      if (own) return send(res, { ...own, headers: { ...own.headers, ...retryAfter } });
      res.writeHead(fault.status, { 'Content-Type': 'text/html', ...retryAfter });
      res.end(`<html><body><h1>${fault.status}</h1>emulated fault</body></html>`);
      return;
    }
    if (fault.malformed) {
      entry.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
      res.end('{"header":{"isSuccessful":tr');
      return;
    }
  }
  const reply = face?.route(req, path, url.searchParams, body, entry, text)
    ?? iapRoutes(s, req, path, body)
    ?? gamebaseRoutes(s, req, path, url.searchParams, body)
    ?? new Reply(404, { header: { isSuccessful: false, resultCode: 404, resultMessage: `no route ${req.method} ${path}` } });
  entry.status = reply.status;
  // A JSON answer's result code (NHN's envelope) or error code (Apple's); a text one has neither.
  const answered = /** @type {Json | undefined} */ (typeof reply.body === 'object' && reply.body !== null ? reply.body : undefined);
  entry.resultCode = answered?.header?.resultCode;
  if (answered?.errorCode !== undefined) entry.errorCode = answered.errorCode;
  if (fault?.lose) {
    // The request took effect (a consume is consumed), but the answer never arrives.
    entry.status = 'lost';
    req.socket.destroy();
    return;
  }
  send(res, reply);
}

/**
 * @param {OneStoreFace} one
 * @param {{ purchaseToken?: string } | null | undefined} x
 */
function findOneStoreSubscription(one, x) {
  const s = one.subscriptions.get(String(x?.purchaseToken));
  if (!s) throw new RangeError(`no ONE store subscription with token ${x?.purchaseToken}`);
  one.sweep();
  return s;
}

/**
 * Starts the emulator.
 * @param {Parameters<typeof import('./emulator.js').startEmulator>[0]} [options]
 *   `port` 0 (the default) picks a free one; `allowedHosts` Host names answered besides the
 *   loopback names and the listen address (any other Host gets 421; an Origin that is not
 *   `http://NAME:PORT` of an answered name gets 403); `seed` an object, a JSON file path, or the default;
 *   `clock` the time source in epoch ms (default `Date.now`); `appStore` the App Store face's
 *   settings over the seed's `appStore` section (see ./emulator-appstore.js), `googlePlay` the
 *   Google Play face's over the seed's `googlePlay` section (./emulator-googleplay.js), `oneStore`
 *   the ONE store face's over the seed's `oneStore` section (./emulator-onestore.js).
 * @returns {Promise<Emulator & { state: EmulatorState }>}
 */
export async function startEmulator({ port = 0, host = '127.0.0.1', allowedHosts = [], seed, clock = Date.now, appStore, googlePlay, oneStore } = {}) {
  const check = hostCheck({ bindHost: host, allowedHosts });
  const state = new EmulatorState(loadSeed(seed), clock, { appStore, googlePlay, oneStore });
  const apple = /** @type {AppStoreFace} */ (state.face('appStore'));
  const play = /** @type {GooglePlayFace} */ (state.face('googlePlay'));
  const one = /** @type {OneStoreFace} */ (state.face('oneStore'));
  const sockets = new Set();
  const server = createServer((req, res) => {
    handle(state, req, res, check).catch((e) => {
      if (!res.headersSent) send(res, new Reply(500, { error: String(e?.message ?? e) }));
    });
  });
  server.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const actual = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  check.listening(actual);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  state.url = `http://${shownHost}:${actual}`;
  return {
    url: `http://${shownHost}:${actual}`,
    port: actual,
    hostNames: check.names,
    get iap() { return { ...state.iap }; },
    get gamebase() { return { ...state.gamebase }; },
    /** @returns {Emulator['appStore']} */
    get appStore() {
      return {
        ...apple.info(),
        addTransaction: (t) => apple.addTransaction(t),
        refund: (r) => apple.refund(r),
        renew: (r) => apple.renew(r),
        setRenewalInfo: (r) => apple.setRenewalInfo(r),
        failRenewal: (r) => apple.failRenewal(r),
        expire: (r) => apple.expire(r),
        requestRefund: (r) => apple.requestRefund(r),
        declineRefund: (r) => apple.declineRefund(r),
        setNotificationUrl: (url) => {
          apple.config.notificationUrl = url;
        },
      };
    },
    /** @returns {Emulator['googlePlay']} */
    get googlePlay() {
      return {
        ...play.info(),
        addProductPurchase: (p) => play.addProductPurchase(p),
        addSubscription: (p) => play.addSubscription(p),
        renew: (r) => play.renew(r),
        void: (v) => play.void({ ...v, voidedTime: resolveTime(v?.voidedTime, state.now()) ?? undefined }),
        setSubscriptionState: (v) => play.setSubscriptionState(v),
        openRefundReview: (v) => play.openRefundReview(v),
        productPurchases: () => play.state().products.map((p) => ({ ...p })),
        push: play.push(),
        setPushEndpoint: (endpoint, audience) => {
          play.config.pushEndpoint = endpoint;
          if (audience !== undefined) play.config.pushAudience = audience;
        },
      };
    },
    /** @returns {Emulator['oneStore']} */
    get oneStore() {
      return {
        ...one.info(),
        addPurchase: (p) => one.addPurchase(p),
        addSubscription: (s) => one.addSubscription(s),
        notifications: () => one.sent.map((n) => ({ ...n })),
        settled: () => one.settled(),
        pause: (x) => one.pause(findOneStoreSubscription(one, x), x?.months ?? 1),
        resume: (x) => one.resume(findOneStoreSubscription(one, x)),
      };
    },
    /** @returns {Emulator['notifications']} */
    get notifications() {
      const n = state.notifier;
      return {
        list: (filter) => n.views(filter),
        replay: (id) => n.view(n.replay(id)),
        duplicate: (id) => n.duplicate(id).map((d) => n.view(d)),
        forge: (id, how) => n.view(n.forge(id, how)),
        hold: (store) => n.hold(store),
        release: (options) => n.release(options).map((d) => d.id),
        settled: () => n.settled(),
        idle: (timeoutMs) => n.idle(timeoutMs),
      };
    },
    state,
    addPayment: (p) => state.addPayment(p),
    close: () => new Promise((resolve) => {
      state.notifier.close();
      for (const sock of sockets) sock.destroy();
      server.close(() => resolve());
    }),
  };
}
