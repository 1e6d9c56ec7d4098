// The local server's ONE store face: the OAuth token endpoint (client credentials) at
// /v7/oauth/token and the eleven endpoints of ONE store's IAP server API V7 under /v7/apps/, with
// state, ONE store's error envelope, the sandbox clocks, and the notifications: PNS (signed with
// the seeded licence key) and SNS (unsigned), POSTed to the configured URLs as things change.
//
// Facts from ONE store's developer guide (IAP SDK v21: "원스토어 인앱결제 서버 API (API V7)",
// "PNS 이용하기", "정기 결제 적용하기", the test page):
// - the token answer is `{ client_id, access_token (UUID-like), token_type: "bearer", expires_in,
//   scope }`; a call with under 600 s left on the current token issues a new one, otherwise the
//   same token comes back; older tokens stay valid until they expire;
// - every API call needs `Authorization: Bearer <token>` exactly and `Content-Type:
//   application/json`; `x-market-code` is MKT_ONE (the default) or MKT_GLB;
// - errors are `{ error: { code, message } }` (NoSuchData, AccessTokenExpired, InvalidAccessToken,
//   InvalidAuthorizationHeader, InvalidContentType, InvalidPurchaseState, InvalidConsumeState,
//   DeveloperPayloadNotMatch, InvalidRequest, ServiceMaintenance, InternalError, ...); a mutation's
//   success is `{ result: { code: "Success", message } }`;
// - a purchase not acknowledged (or consumed) within 3 days is cancelled;
// - voided purchases are searched by voided time, at most one month back; startTime alone makes
//   endTime startTime + 1 month, endTime alone the reverse; endTime not in the future;
//   maxResults 100 by default;
// - sandbox clocks: a week or a month is 5 minutes, 3 months 10, 6 months 15, a year 30; free
//   trial 3, grace 5, hold 10 minutes; deferPeriod is minutes in the sandbox, days in commercial;
// - PNS 3.1.0 (msgVersion 3.1.0D in the sandbox) is signed SHA512withRSA with the licence key over
//   the message without `signature`; SNS carries notificationType 1-13 and no signature.
// Where the guide says nothing (the answer to a wrong client secret, a market the app is not on),
// the choice is the emulator's and a comment says so.
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, randomUUID, sign } from 'node:crypto';
import { json, setUrls } from './emulator-replies.js';

export const TOKEN_PATH = '/v7/oauth/token';
const PREFIX = '/v7/apps/';
const DAY = 86_400_000;
const MINUTE = 60_000;
const MONTH = 30 * DAY;
const ACK_WINDOW_MS = 3 * DAY;
const RENEW_BEFORE_S = 600;
/** Real periods, and the sandbox's (the guide's test page). */
const PERIODS = { WEEK: [7 * DAY, 5 * MINUTE], MONTH: [MONTH, 5 * MINUTE], QUARTER: [3 * MONTH, 10 * MINUTE], HALF: [6 * MONTH, 15 * MINUTE], YEAR: [365 * DAY, 30 * MINUTE] };
const GRACE = [7 * DAY, 5 * MINUTE];
const HOLD = [30 * DAY, 10 * MINUTE];
const SNS = { RECOVERED: 1, RENEWED: 2, CANCELED: 3, PURCHASED: 4, ON_HOLD: 5, IN_GRACE_PERIOD: 6, RESTARTED: 7, DEFERRED: 9, PAUSED: 10, PAUSE_SCHEDULE_CHANGED: 11, REVOKED: 12, EXPIRED: 13 };
const SNS_NAMES = /** @type {Record<number, string>} */ (Object.fromEntries(Object.entries(SNS).map(([k, v]) => [v, `SUBSCRIPTION_${k}`])));

/** @typedef {import('./emulator-replies.js').Json} Json */
/** @typedef {import('./emulator-replies.js').LogEntry} LogEntry */
/** @typedef {import('node:http').IncomingMessage} Request */
/**
 * A managed (inapp) or monthly (auto) purchase.
 * @typedef {{ purchaseToken: string, productId: string, type: 'inapp' | 'auto', purchaseId: string, purchaseTime: number,
 *   purchaseState: number, consumptionState: number, acknowledgeState: number, quantity: number, developerPayload: string,
 *   price: string, expiryTime?: number, autoRenewing?: boolean, cancelledTime?: number }} PurchaseRecord
 */
/**
 * A subscription.
 * @typedef {{ purchaseToken: string, productId: string, period: keyof typeof PERIODS, startTime: number, expiryTime: number,
 *   autoRenewing: boolean, paymentState: number | null, acknowledgementState: number, lastPurchaseId: string,
 *   developerPayload: string, priceAmount: string, cancelledTime?: number, cancelReason?: number, failRenewal: boolean,
 *   phase: 'ACTIVE' | 'GRACE' | 'HOLD' | 'PAUSED' | 'DONE', phaseEnd?: number, pauseStart?: number, pauseEnd?: number }} SubscriptionRecord
 */
/**
 * A notification the face sent (or tried to): its last attempt's answer (`status`), each attempt.
 * @typedef {{ id: string, kind: 'PNS' | 'SNS', url: string | null, body: Json, status: number | string | null,
 *   attempts: import('./emulator-notify.js').Attempt[] }} SentNotification
 */
/**
 * The seed's `oneStore` section, or `startEmulator`'s `oneStore` options over it.
 * @typedef {{ clientId?: string, clientSecret?: string, licensePrivateKey?: string, environment?: 'SANDBOX' | 'COMMERCIAL',
 *   marketCode?: 'MKT_ONE' | 'MKT_GLB', tokenLifetimeS?: number, pnsUrl?: string, snsUrl?: string, retrySchedule?: readonly number[],
 *   purchases?: object[], subscriptions?: object[] }} OneStoreSeed
 */

/** ONE store's error envelope. */
const oneError = (/** @type {number} */ status, /** @type {string} */ code, /** @type {string} */ message) => json({ error: { code, message } }, status);
const success = () => json({ result: { code: 'Success', message: 'Request has been completed successfully.' } });
const noSuchData = () => oneError(404, 'NoSuchData', 'Requested data does not exist.');

export class OneStoreFace {
  name = 'oneStore';
  config = { clientId: '', clientSecret: '', environment: /** @type {'SANDBOX' | 'COMMERCIAL'} */ ('SANDBOX'), marketCode: /** @type {'MKT_ONE' | 'MKT_GLB'} */ ('MKT_ONE'), tokenLifetimeS: 3600, pnsUrl: /** @type {string | null} */ (null), snsUrl: /** @type {string | null} */ (null) };
  /** @type {Map<string, number>} token -> expiry (epoch ms) */
  accessTokens = new Map();
  /** @type {string | null} the token a new token request gets while it has 600 s or more left */
  currentToken = null;
  /** @type {Map<string, PurchaseRecord>} */
  purchases = new Map();
  /** @type {Map<string, SubscriptionRecord>} */
  subscriptions = new Map();
  /** @type {Array<{ purchaseId: string, purchaseTime: number, voidedTime: number, purchaseToken: string, marketCode: string }>} */
  voided = [];
  ids = 0;

  /**
   * @param {OneStoreSeed} options
   * @param {import('./emulator-appstore.js').FaceContext} ctx
   */
  constructor(options = {}, ctx) {
    this.ctx = ctx;
    this.options = options;
    const pem = options.licensePrivateKey
      ?? /** @type {string} a PEM export is text */ (generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const privateKey = createPrivateKey(pem);
    this.key = { privateKey, licenseKey: createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64') };
  }

  /** @param {string} path */
  matches(path) {
    return path === TOKEN_PATH || path.startsWith(PREFIX);
  }

  /**
   * @param {OneStoreSeed} [seed]
   * @param {number} [start]
   */
  reset(seed = {}, start = this.ctx.now()) {
    const o = { ...seed, ...this.options };
    this.config = {
      clientId: o.clientId ?? 'com.example.game',
      clientSecret: o.clientSecret ?? 'emulator-client-secret-0000000000',
      environment: o.environment ?? 'SANDBOX',
      marketCode: o.marketCode ?? 'MKT_ONE',
      tokenLifetimeS: Number(o.tokenLifetimeS ?? 3600),
      pnsUrl: o.pnsUrl ?? null,
      snsUrl: o.snsUrl ?? null,
    };
    this.accessTokens = new Map();
    this.currentToken = null;
    this.purchases = new Map();
    this.subscriptions = new Map();
    this.voided = [];
    this.ids = 0;
    // Seeded state is there from the start: no notification is sent for it.
    this.quiet = true;
    try {
      for (const p of o.purchases ?? []) this.addPurchase(p, start, false);
      for (const s of o.subscriptions ?? []) this.addSubscription(s, start, false);
    } finally {
      this.quiet = false;
    }
  }

  get sandbox() {
    return this.config.environment === 'SANDBOX';
  }

  /** A period in the environment's clock: `[real, sandbox]`. */
  span(/** @type {number[]} */ [real, sandbox]) {
    return this.sandbox ? sandbox : real;
  }

  id() {
    this.ids += 1;
    return `${this.sandbox ? 'SANDBOX' : ''}${String(3000000000000 + this.ids)}`.slice(0, 20);
  }

  token() {
    // ONE store's tokens are short (the guide says at most 20 characters): 20 of [0-9A-Z].
    return `${this.sandbox ? 'SB' : 'TK'}${randomBytes(12).toString('hex').toUpperCase().slice(0, 18)}`;
  }

  /**
   * Adds a purchase: `{ productId, purchaseToken?, type? ('inapp' | 'auto'), purchaseTime?, acknowledged?,
   * consumed?, quantity?, developerPayload?, price? }` and sends its PNS (COMPLETED).
   * @param {Json} p checked here
   */
  addPurchase(p, start = this.ctx.now(), notify = true) {
    if (typeof p.productId !== 'string' || p.productId === '') throw new RangeError('a ONE store purchase needs a productId');
    const type = p.type === 'auto' ? 'auto' : 'inapp';
    const purchaseTime = this.ctx.resolveTime(p.purchaseTime, start) ?? this.ctx.now();
    /** @type {PurchaseRecord} */
    const r = {
      purchaseToken: String(p.purchaseToken ?? this.token()),
      productId: p.productId,
      type,
      purchaseId: String(p.purchaseId ?? this.id()),
      purchaseTime,
      purchaseState: 0,
      consumptionState: p.consumed ? 1 : 0,
      acknowledgeState: p.acknowledged || p.consumed ? 1 : 0,
      quantity: Number(p.quantity ?? 1),
      developerPayload: String(p.developerPayload ?? ''),
      price: String(p.price ?? '1100'),
    };
    if (type === 'auto') {
      r.expiryTime = purchaseTime + this.span(PERIODS.MONTH);
      r.autoRenewing = true;
    }
    this.purchases.set(r.purchaseToken, r);
    if (notify) this.pns(r, 'COMPLETED');
    // ONE store's answer names neither: the app's product id and token, so a token made here can be handed on.
    return { ...this.describePurchase(r), productId: r.productId, purchaseToken: r.purchaseToken };
  }

  /**
   * Adds a subscription: `{ productId, purchaseToken?, period? (WEEK, MONTH, QUARTER, HALF, YEAR),
   * startTime?, acknowledged?, failRenewal? (the next renewal's payment fails: grace, then hold) }`
   * and sends its SNS (SUBSCRIPTION_PURCHASED).
   * @param {Json} s checked here
   */
  addSubscription(s, start = this.ctx.now(), notify = true) {
    if (typeof s.productId !== 'string' || s.productId === '') throw new RangeError('a ONE store subscription needs a productId');
    const period = /** @type {keyof typeof PERIODS} */ (Object.hasOwn(PERIODS, s.period) ? s.period : 'MONTH');
    const startTime = this.ctx.resolveTime(s.startTime, start) ?? this.ctx.now();
    /** @type {SubscriptionRecord} */
    const r = {
      purchaseToken: String(s.purchaseToken ?? this.token()),
      productId: s.productId,
      period,
      startTime,
      expiryTime: startTime + this.span(PERIODS[period]),
      autoRenewing: true,
      paymentState: 1,
      acknowledgementState: s.acknowledged ? 1 : 0,
      lastPurchaseId: this.id(),
      developerPayload: String(s.developerPayload ?? ''),
      priceAmount: String(s.priceAmount ?? '4900'),
      failRenewal: s.failRenewal === true,
      phase: 'ACTIVE',
    };
    this.subscriptions.set(r.purchaseToken, r);
    if (notify) this.sns(r, SNS.PURCHASED);
    return { ...this.describeSubscription(r), productId: r.productId, purchaseToken: r.purchaseToken };
  }

  /**
   * Moves every purchase and subscription to the emulator's clock: unacknowledged purchases past 3
   * days are cancelled (and voided), subscriptions renew, go to grace, hold or expiry. Run before
   * each request and admin read, so the state is always the clock's.
   */
  sweep() {
    const now = this.ctx.now();
    for (const p of this.purchases.values()) {
      if (p.purchaseState === 0 && p.acknowledgeState === 0 && now >= p.purchaseTime + ACK_WINDOW_MS) {
        this.cancelPurchase(p, p.purchaseTime + ACK_WINDOW_MS);
      }
    }
    for (const s of this.subscriptions.values()) {
      // Bounded: a clock moved far ahead renews at most 1000 periods at once.
      for (let i = 0; i < 1000 && s.phase !== 'DONE' && now >= (s.phase === 'ACTIVE' ? s.expiryTime : s.phaseEnd ?? s.expiryTime); i++) this.step(s);
    }
  }

  /**
   * The subscriber pauses the subscription from its next payment date for `months` (1 to 3; the
   * sandbox's month is 5 minutes): SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED now, SUBSCRIPTION_PAUSED at
   * that date (the expiry passes, autoRenewing stays, paymentState 0, pauseStartTimeMillis,
   * pauseEndTimeMillis and autoResumeTimeMillis set: ONE store's "paused" row), then
   * SUBSCRIPTION_RECOVERED when the pause ends and the payment is taken.
   * @param {SubscriptionRecord} s
   * @param {unknown} months
   */
  pause(s, months = 1) {
    const n = Number(months);
    if (!Number.isInteger(n) || n < 1 || n > 3) throw new RangeError('months must be 1, 2 or 3');
    if (s.phase !== 'ACTIVE' || !s.autoRenewing) throw new RangeError('only an active, renewing subscription can be paused');
    s.pauseStart = s.expiryTime;
    s.pauseEnd = s.expiryTime + n * this.span(PERIODS.MONTH);
    this.sns(s, SNS.PAUSE_SCHEDULE_CHANGED);
    return this.describeSubscription(s);
  }

  /**
   * The subscriber resumes: a paused subscription is paid and runs again now
   * (SUBSCRIPTION_RECOVERED); a scheduled pause is withdrawn (SUBSCRIPTION_PAUSE_SCHEDULE_CHANGED).
   * @param {SubscriptionRecord} s
   */
  resume(s) {
    if (s.phase === 'PAUSED') this.endPause(s, this.ctx.now());
    else if (s.pauseStart !== undefined) {
      delete s.pauseStart;
      delete s.pauseEnd;
      this.sns(s, SNS.PAUSE_SCHEDULE_CHANGED);
    } else throw new RangeError('the subscription is neither paused nor scheduled to pause');
    return this.describeSubscription(s);
  }

  /**
   * @param {SubscriptionRecord} s
   * @param {number} at
   */
  endPause(s, at) {
    s.phase = 'ACTIVE';
    s.paymentState = 1;
    s.expiryTime = at + this.span(PERIODS[s.period]);
    s.lastPurchaseId = this.id();
    delete s.pauseStart;
    delete s.pauseEnd;
    delete s.phaseEnd;
    this.sns(s, SNS.RECOVERED);
  }

  /** One change of a subscription at its next time. @param {SubscriptionRecord} s */
  step(s) {
    if (s.phase === 'PAUSED') return this.endPause(s, s.phaseEnd ?? s.expiryTime);
    if (s.phase === 'ACTIVE') {
      if (!s.autoRenewing) return this.expire(s, s.expiryTime, SNS.EXPIRED);
      if (s.pauseStart !== undefined && s.pauseEnd !== undefined) {
        // The expiry stays at the pause's start (past); no payment until the pause ends.
        s.phase = 'PAUSED';
        s.paymentState = 0;
        s.phaseEnd = s.pauseEnd;
        return this.sns(s, SNS.PAUSED);
      }
      if (s.failRenewal) {
        // ONE store extends the expiry to the grace end while it retries the payment.
        s.phase = 'GRACE';
        s.paymentState = 0;
        s.phaseEnd = s.expiryTime + this.span(GRACE);
        s.expiryTime = s.phaseEnd;
        return this.sns(s, SNS.IN_GRACE_PERIOD);
      }
      s.expiryTime += this.span(PERIODS[s.period]);
      s.lastPurchaseId = this.id();
      s.paymentState = 1;
      return this.sns(s, SNS.RENEWED);
    }
    if (s.phase === 'GRACE') {
      s.phase = 'HOLD';
      s.phaseEnd = (s.phaseEnd ?? s.expiryTime) + this.span(HOLD);
      return this.sns(s, SNS.ON_HOLD);
    }
    // HOLD over without payment.
    return this.expire(s, s.phaseEnd ?? s.expiryTime, SNS.EXPIRED);
  }

  /**
   * @param {SubscriptionRecord} s
   * @param {number} at
   * @param {number} type
   */
  expire(s, at, type) {
    s.phase = 'DONE';
    delete s.pauseStart;
    delete s.pauseEnd;
    s.autoRenewing = false;
    s.paymentState = null;
    if (type === SNS.REVOKED) {
      s.expiryTime = at;
      s.cancelledTime = at;
      s.cancelReason = 1;
    }
    this.sns(s, type);
  }

  /**
   * Cancels a purchase (ONE store's refund, or the 3-day rule): CANCELED, on the voided list, PNS.
   * @param {PurchaseRecord} p
   * @param {number} at
   */
  cancelPurchase(p, at) {
    p.purchaseState = 1;
    this.voided.push({ purchaseId: p.purchaseId, purchaseTime: p.purchaseTime, voidedTime: at, purchaseToken: p.purchaseToken, marketCode: this.config.marketCode });
    this.voided.sort((a, b) => a.voidedTime - b.voidedTime);
    this.pns(p, 'CANCELED');
  }

  /** @param {PurchaseRecord} p */
  describePurchase(p) {
    if (p.type === 'auto') {
      /** @type {Json} */
      const r = {
        startTime: p.purchaseTime, expiryTime: p.expiryTime, nextPaymentTime: p.autoRenewing ? p.expiryTime : undefined,
        autoRenewing: p.autoRenewing, acknowledgeState: p.acknowledgeState, lastPurchaseId: p.purchaseId, lastPurchaseState: p.purchaseState,
      };
      if (p.cancelledTime !== undefined) Object.assign(r, { cancelReason: 0, cancelledTime: p.cancelledTime });
      return JSON.parse(JSON.stringify(r));
    }
    return {
      consumptionState: p.consumptionState, developerPayload: p.developerPayload, purchaseState: p.purchaseState,
      purchaseTime: p.purchaseTime, purchaseId: p.purchaseId, acknowledgeState: p.acknowledgeState, quantity: p.quantity,
    };
  }

  /** @param {SubscriptionRecord} s */
  describeSubscription(s) {
    /** @type {Json} */
    const r = {
      acknowledgementState: s.acknowledgementState, developerPayload: s.developerPayload, autoRenewing: s.autoRenewing,
      paymentState: s.paymentState, priceAmount: s.priceAmount, priceAmountMicros: Number(s.priceAmount) * 1_000_000,
      nextPriceAmount: s.priceAmount, nextPriceAmountMicros: Number(s.priceAmount) * 1_000_000,
      nextPaymentTimeMillis: s.autoRenewing ? s.expiryTime : undefined, priceCurrencyCode: 'KRW', countryCode: 'KR',
      startTimeMillis: s.startTime, expiryTimeMillis: s.expiryTime, linkedPurchaseToken: null, lastPurchaseId: s.lastPurchaseId,
      cancelledTimeMillis: s.cancelledTime, cancelReason: s.cancelReason,
      pauseStartTimeMillis: s.pauseStart, pauseEndTimeMillis: s.pauseEnd,
      autoResumeTimeMillis: s.phase === 'PAUSED' ? s.pauseEnd : null,
    };
    return JSON.parse(JSON.stringify(r));
  }

  // ------------------------------------------------------------ notifications

  /**
   * A PNS 3.1.0 for `p` in `purchaseState`, signed with the licence key over its JSON text (the
   * Python sample's form, which is also what JSON.stringify writes for these fields), and POSTed.
   * @param {PurchaseRecord} p
   * @param {'COMPLETED' | 'CANCELED'} purchaseState
   */
  pns(p, purchaseState) {
    /** @type {Json} */
    const message = {
      msgVersion: this.sandbox ? '3.1.0D' : '3.1.0', clientId: this.config.clientId, productId: p.productId,
      messageType: 'SINGLE_PAYMENT_TRANSACTION', purchaseId: p.purchaseId, developerPayload: p.developerPayload,
      purchaseTimeMillis: p.purchaseTime, purchaseState, price: p.price, priceCurrencyCode: 'KRW',
      paymentTypeList: [{ paymentMethod: 'DCB', amount: p.price }], billingKey: '', isTestMdn: this.sandbox,
      purchaseToken: p.purchaseToken, environment: this.config.environment, marketCode: this.config.marketCode,
    };
    const signature = sign('sha512', Buffer.from(JSON.stringify(message)), this.key.privateKey).toString('base64');
    this.post('PNS', this.config.pnsUrl, { ...message, signature }, `PNS_${purchaseState}`, `${p.purchaseId}:${purchaseState}`, (how = 'signature') => {
      if (how !== 'signature') throw new RangeError('a PNS is forged by "signature"');
      // Another price under the original signature.
      return { how, body: { ...message, price: String(Number(p.price) * 10), signature } };
    });
  }

  /**
   * An SNS for `s` (not signed), POSTed.
   * @param {SubscriptionRecord} s
   * @param {number} notificationType
   */
  sns(s, notificationType) {
    const body = {
      msgVersion: '3.1.0', clientId: this.config.clientId, eventTimeMillis: this.ctx.now(),
      subscriptionNotification: { version: '1', notificationType, purchaseToken: s.purchaseToken, productId: s.productId },
      environment: this.config.environment, marketCode: this.config.marketCode,
    };
    this.post('SNS', this.config.snsUrl, body, SNS_NAMES[notificationType] ?? String(notificationType), `${s.purchaseToken}:${notificationType}:${body.eventTimeMillis}`, (how = 'token') => {
      if (how !== 'token') throw new RangeError('an SNS (unsigned) is forged by "token": one about a subscription ONE store does not have');
      return { how, body: { ...body, subscriptionNotification: { ...body.subscriptionNotification, purchaseToken: this.token() } } };
    });
  }

  /**
   * POSTs a notification (./emulator-notify.js retries it as ONE store does: up to 30 times over 3
   * days, scaled; `retrySchedule` makes another schedule) and records each attempt.
   * @param {'PNS' | 'SNS'} kind
   * @param {string | null} url
   * @param {Json} body
   * @param {string} type
   * @param {string} notificationId
   * @param {(how: string | undefined) => { body: Json, how: string }} forge
   */
  post(kind, url, body, type, notificationId, forge) {
    if (this.quiet) return;
    this.ctx.notifier.send({ store: 'oneStore', kind, type, notificationId, url, body, retrySchedule: this.options.retrySchedule, forge });
  }

  /** Quiet while the seed is loaded: seeded state sends nothing. */
  quiet = false;

  /** The notifications sent, as `GET /admin/onestore/notifications` lists them (status: the last attempt's answer). @returns {SentNotification[]} */
  get sent() {
    return this.ctx.notifier.list.filter((d) => d.store === 'oneStore').map((d) => {
      const last = d.attempts.at(-1);
      const status = d.state === 'pending' && !last ? 'pending' : last ? (last.status ?? `failed: ${last.error}`) : null;
      return { id: d.id, kind: /** @type {'PNS' | 'SNS'} */ (d.kind), url: d.url, body: d.body, status, attempts: d.attempts.map((a) => ({ ...a })) };
    });
  }

  /** Resolves once every delivery attempt under way has ended (for tests and the demo). */
  async settled() {
    await this.ctx.notifier.settled();
  }

  state() {
    this.sweep();
    return {
      ...this.config,
      licenseKey: this.key.licenseKey,
      purchases: [...this.purchases.values()].map((p) => ({ ...p })),
      subscriptions: [...this.subscriptions.values()].map((s) => ({ ...s })),
      voided: this.voided,
      notifications: this.sent,
      accessTokens: this.accessTokens.size,
    };
  }

  /** What a backend configures: the client credentials, the licence key, the environment. */
  info() {
    return {
      clientId: this.config.clientId,
      clientSecret: this.config.clientSecret,
      licenseKey: this.key.licenseKey,
      environment: this.config.environment,
      marketCode: this.config.marketCode,
    };
  }

  // ------------------------------------------------------------ routes

  /** ONE store's bodies for the fault statuses that have one. @param {number} status */
  faultReply(status) {
    if (status === 503) return oneError(503, 'ServiceMaintenance', 'Service is under maintenance.');
    if (status === 500) return oneError(500, 'InternalError', 'Internal server error.');
    return null;
  }

  /**
   * @param {Request} req
   * @param {string | undefined} text
   * @param {LogEntry} entry
   */
  tokenRoute(req, text, entry) {
    if (req.method !== 'POST') return oneError(405, 'MethodNotAllowed', 'POST only.');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return oneError(415, 'InvalidContentType', 'Content-Type must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams(text ?? '');
    if (form.get('grant_type') !== 'client_credentials') return oneError(400, 'InvalidRequest', 'grant_type must be client_credentials.');
    // The emulator's choice (the guide lists no code for wrong credentials): 401 UnauthorizedAccess.
    if (form.get('client_id') !== this.config.clientId || form.get('client_secret') !== this.config.clientSecret) {
      entry.authError = 'wrong client_id or client_secret';
      return oneError(401, 'UnauthorizedAccess', 'The client credentials are not valid.');
    }
    const now = this.ctx.now();
    let token = this.currentToken;
    let expiresAt = (token === null ? undefined : this.accessTokens.get(token)) ?? 0;
    if (!token || expiresAt - now < RENEW_BEFORE_S * 1000) {
      token = randomUUID();
      expiresAt = now + this.config.tokenLifetimeS * 1000;
      this.accessTokens.set(token, expiresAt);
      this.currentToken = token;
    }
    return json({ client_id: this.config.clientId, access_token: token, token_type: 'bearer', expires_in: Math.floor((expiresAt - now) / 1000), scope: 'DEFAULT' });
  }

  /**
   * @param {Request} req
   * @param {string} path
   * @param {URLSearchParams} query
   * @param {Json | undefined} body
   * @param {LogEntry} entry
   * @param {string} [text]
   */
  route(req, path, query, body, entry, text) {
    this.sweep();
    if (path === TOKEN_PATH) return this.tokenRoute(req, text, entry);
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer ([^\s<>]+)$/.exec(auth)?.[1];
    if (!bearer) {
      entry.authError = 'no "Bearer <token>" Authorization header';
      return oneError(400, 'InvalidAuthorizationHeader', 'The Authorization header must be "Bearer <token>".');
    }
    const expires = this.accessTokens.get(bearer);
    if (expires === undefined) return oneError(401, 'InvalidAccessToken', 'The access token is not valid.');
    if (expires <= this.ctx.now()) return oneError(401, 'AccessTokenExpired', 'The access token has expired.');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return oneError(415, 'InvalidContentType', 'Content-Type must be application/json.');
    }
    const market = req.headers['x-market-code'] ?? 'MKT_ONE';
    if (market !== 'MKT_ONE' && market !== 'MKT_GLB') return oneError(400, 'InvalidRequest', 'x-market-code must be MKT_ONE or MKT_GLB.');
    const seg = path.slice(PREFIX.length).split('/').map((s) => decodeURIComponent(s));
    const [clientId, ...rest] = seg;
    // The emulator's choice: another app's path is refused as ONE store refuses access it does not grant.
    if (clientId !== this.config.clientId) return oneError(403, 'UnauthorizedAccess', 'This client may not access that app.');
    // A third-party client reports that a global app's lookups without MKT_GLB answer NoSuchData:
    // the emulator does the same for any market the app is not on.
    if (market !== this.config.marketCode) return noSuchData();
    const m = req.method;
    if (rest.length === 1 && rest[0] === 'voided-purchases') return m === 'GET' ? this.voidedList(query) : oneError(405, 'MethodNotAllowed', 'GET only.');
    const [purchases, kind, products, productId, token, action, extra] = rest;
    if (purchases !== 'purchases' || products !== 'products' || !productId || !token || extra !== undefined) {
      return oneError(404, 'ResourceNotFound', `no route ${m} ${path}`);
    }
    if (m === 'GET' && action === undefined) return this.read(kind, productId, token);
    if (m !== 'POST' || action === undefined) return oneError(405, 'MethodNotAllowed', `${m} is not allowed here.`);
    return this.mutate(kind, productId, token, action, body);
  }

  /**
   * @param {string} kind
   * @param {string} productId
   * @param {string} token
   */
  read(kind, productId, token) {
    if (kind === 'inapp' || kind === 'auto') {
      const p = this.purchases.get(token);
      // An auto token asked as inapp (and the reverse) is NoSuchData, as the guide says.
      if (!p || p.productId !== productId || p.type !== kind) return noSuchData();
      return json(this.describePurchase(p));
    }
    if (kind === 'subscription') {
      const s = this.subscriptions.get(token);
      if (!s || s.productId !== productId) return noSuchData();
      return json(this.describeSubscription(s));
    }
    return oneError(404, 'ResourceNotFound', `no product type ${kind}`);
  }

  /**
   * @param {string} kind
   * @param {string} productId
   * @param {string} token
   * @param {string} action
   * @param {Json | undefined} body
   */
  mutate(kind, productId, token, action, body) {
    const payload = body?.developerPayload;
    if (payload !== undefined && (typeof payload !== 'string' || payload.length > 200)) return oneError(400, 'InvalidRequest', 'developerPayload must be a string of at most 200 characters.');
    if (kind === 'all' && action === 'acknowledge') {
      // The guide's `all` is managed and monthly; whether subscriptions are acknowledged here is
      // not confirmed: the emulator accepts their tokens too.
      const p = this.purchases.get(token);
      const s = this.subscriptions.get(token);
      const held = p ?? s;
      if (!held || held.productId !== productId) return noSuchData();
      if (payload !== undefined && payload !== held.developerPayload) return oneError(400, 'DeveloperPayloadNotMatch', 'developerPayload does not match.');
      if (p) {
        if (p.purchaseState !== 0) return oneError(409, 'InvalidPurchaseState', 'The purchase is not in a state to acknowledge.');
        // The emulator's choice: acknowledging twice answers Success.
        p.acknowledgeState = 1;
      } else if (s) {
        s.acknowledgementState = 1;
      }
      return success();
    }
    if (kind === 'inapp' && action === 'consume') {
      const p = this.purchases.get(token);
      if (!p || p.productId !== productId || p.type !== 'inapp') return noSuchData();
      if (payload !== undefined && payload !== p.developerPayload) return oneError(400, 'DeveloperPayloadNotMatch', 'developerPayload does not match.');
      if (p.purchaseState !== 0) return oneError(409, 'InvalidPurchaseState', 'The purchase is not in a state to consume.');
      if (p.consumptionState === 1) return oneError(409, 'InvalidConsumeState', 'The purchase is already consumed.');
      p.consumptionState = 1;
      p.acknowledgeState = 1;
      return success();
    }
    if (kind === 'auto' && (action === 'cancel' || action === 'reactivate')) {
      const p = this.purchases.get(token);
      if (!p || p.productId !== productId || p.type !== 'auto') return noSuchData();
      if (p.purchaseState !== 0) return oneError(409, 'InvalidPurchaseState', 'The purchase is cancelled.');
      p.autoRenewing = action === 'reactivate';
      if (action === 'cancel') p.cancelledTime = this.ctx.now();
      else delete p.cancelledTime;
      return success();
    }
    if (kind === 'subscription') {
      const s = this.subscriptions.get(token);
      if (!s || s.productId !== productId) return noSuchData();
      if (action === 'cancel') {
        if (s.phase === 'DONE') return oneError(409, 'InvalidPurchaseState', 'The subscription has ended.');
        s.cancelledTime = this.ctx.now();
        s.cancelReason = 0;
        // Paused, in grace or on hold: cancelled at once; otherwise at the period's end.
        if (s.phase !== 'ACTIVE') {
          this.expire(s, this.ctx.now(), SNS.CANCELED);
          s.expiryTime = Math.min(s.expiryTime, this.ctx.now());
          return success();
        }
        s.autoRenewing = false;
        this.sns(s, SNS.CANCELED);
        return success();
      }
      if (action === 'reactivate') {
        if (s.phase !== 'ACTIVE' || s.autoRenewing) return oneError(409, 'InvalidPurchaseState', 'Only a reserved cancellation can be withdrawn.');
        s.autoRenewing = true;
        delete s.cancelledTime;
        delete s.cancelReason;
        this.sns(s, SNS.RESTARTED);
        return success();
      }
      if (action === 'defer') {
        const n = body?.deferPeriod;
        const max = this.sandbox ? 525_600 : 365;
        if (!Number.isInteger(n) || n < 1 || n > max) return oneError(400, 'InvalidRequest', `deferPeriod must be 1 to ${max}.`);
        if (s.phase !== 'ACTIVE') return oneError(409, 'InvalidPurchaseState', 'Only an active subscription can be deferred.');
        s.expiryTime += n * (this.sandbox ? MINUTE : DAY);
        this.sns(s, SNS.DEFERRED);
        return success();
      }
    }
    return oneError(404, 'ResourceNotFound', `no action ${action} for ${kind}`);
  }

  /** @param {URLSearchParams} query */
  voidedList(query) {
    const now = this.ctx.now();
    const num = (/** @type {string} */ k) => (query.get(k) === null ? undefined : Number(query.get(k)));
    let startTime = num('startTime');
    let endTime = num('endTime');
    const maxResults = num('maxResults') ?? 100;
    if ([startTime, endTime].some((t) => t !== undefined && !Number.isInteger(t)) || !Number.isInteger(maxResults) || maxResults < 1) {
      return oneError(400, 'InvalidRequest', 'startTime, endTime and maxResults must be whole numbers.');
    }
    if (startTime === undefined && endTime === undefined) [startTime, endTime] = [now - MONTH, now];
    else if (startTime === undefined) startTime = /** @type {number} */ (endTime) - MONTH;
    else if (endTime === undefined) endTime = Math.min(startTime + MONTH, now);
    if (startTime < now - MONTH - MINUTE) return oneError(400, 'InvalidRequest', 'startTime may go back at most one month.');
    if (/** @type {number} */ (endTime) > now + MINUTE) return oneError(400, 'InvalidRequest', 'endTime may not be in the future.');
    const from = /** @type {number} */ (startTime);
    const to = /** @type {number} */ (endTime);
    const list = this.voided.filter((v) => v.voidedTime >= from && v.voidedTime <= to);
    const key = query.get('continuationKey');
    const offset = key ? Number.parseInt(Buffer.from(key, 'base64url').toString(), 10) : 0;
    if (!Number.isInteger(offset) || offset < 0) return oneError(400, 'InvalidRequest', 'continuationKey is not valid.');
    const page = list.slice(offset, offset + maxResults);
    const more = offset + page.length < list.length;
    return json({ continuationKey: more ? Buffer.from(String(offset + page.length)).toString('base64url') : '', voidedPurchaseList: page });
  }

  // ------------------------------------------------------------ admin

  /**
   * `/admin/onestore/...`: a reply, or null when the path is not this face's.
   * @param {Request} req
   * @param {string} path
   * @param {Json | undefined} body
   */
  admin(req, path, body) {
    if (!path.startsWith('/admin/onestore/')) return null;
    this.sweep();
    const many = (/** @type {(x: Json) => unknown} */ f) => (Array.isArray(body) ? body.map((x) => f(x ?? {})) : f(body ?? {}));
    const find = (/** @type {Json} */ x) => {
      const p = this.purchases.get(String(x.purchaseToken));
      if (!p) throw new RangeError(`no ONE store purchase with token ${x.purchaseToken}`);
      return p;
    };
    const findSub = (/** @type {Json} */ x) => {
      const s = this.subscriptions.get(String(x.purchaseToken));
      if (!s) throw new RangeError(`no ONE store subscription with token ${x.purchaseToken}`);
      return s;
    };
    switch (`${req.method} ${path.slice('/admin/onestore'.length)}`) {
      case 'GET /credentials':
        return json(this.info());
      case 'GET /state':
        return json(this.state());
      case 'POST /config':
        setUrls(this.config, body, ['pnsUrl', 'snsUrl']);
        // The settings, as the other faces' config calls answer (the credentials: GET /credentials).
        return json({ pnsUrl: this.config.pnsUrl, snsUrl: this.config.snsUrl });
      case 'POST /purchases':
        return json(many((x) => this.addPurchase(x)), 201);
      case 'POST /subscriptions':
        return json(many((x) => this.addSubscription(x)), 201);
      case 'POST /refunds':
        // ONE store cancels a purchase (a refund): no developer call exists for it.
        return json(many((x) => {
          const p = find(x);
          if (p.purchaseState === 0) this.cancelPurchase(p, this.ctx.resolveTime(x.voidedTime, this.ctx.now()) ?? this.ctx.now());
          return this.describePurchase(p);
        }));
      case 'POST /revocations':
        return json(many((x) => {
          const s = findSub(x);
          if (s.phase !== 'DONE') this.expire(s, this.ctx.now(), SNS.REVOKED);
          return this.describeSubscription(s);
        }));
      case 'POST /payment-failures':
        // The next renewals of this subscription fail (grace, then hold), or succeed again.
        return json(many((x) => {
          const s = findSub(x);
          s.failRenewal = x.fail !== false;
          if (!s.failRenewal && (s.phase === 'GRACE' || s.phase === 'HOLD')) {
            s.phase = 'ACTIVE';
            s.paymentState = 1;
            s.expiryTime = this.ctx.now() + this.span(PERIODS[s.period]);
            s.lastPurchaseId = this.id();
            this.sns(s, SNS.RECOVERED);
          }
          return this.describeSubscription(s);
        }));
      case 'GET /notifications':
        return json({ notifications: this.sent });
      case 'POST /pauses':
        return json(many((x) => this.pause(findSub(x), x.months ?? 1)));
      case 'POST /resumes':
        return json(many((x) => this.resume(findSub(x))));
      default:
        return json({ error: `no admin route ${req.method} ${path}` }, 404);
    }
  }
}
