// The local server's Google Play face: Google's OAuth token endpoint (the JWT-bearer grant,
// RFC 7523) at /token, and the purchase endpoints of the Play Developer API (androidpublisher v3)
// that src/google/play_api.rs declares, each request's bearer token checked against the tokens it
// issued.
//
// Facts from Google's documentation (OAuth 2.0 for server to server applications; androidpublisher
// v3 purchases.products, purchases.subscriptionsv2, purchases.subscriptions, purchases.voidedpurchases):
// - the assertion is RS256, signed with the service account's key: `iss` its client_email, `scope`,
//   `aud` the token URL, `iat`, `exp` at most an hour later; the answer is
//   `{ access_token, expires_in, token_type: "Bearer" }`, a refusal `{ error, error_description }`;
// - API errors are `{ error: { code, message, status } }`; a token Google does not know is 404, one
//   older than 60 days 410 Gone, a call without a valid access token 401 UNAUTHENTICATED;
// - ProductPurchase: purchaseTimeMillis (int64 as text), purchaseState 0 purchased, 1 canceled,
//   2 pending; consumptionState 0/1; acknowledgementState 0/1; purchaseType 0 test;
// - SubscriptionPurchaseV2: startTime (RFC 3339), subscriptionState SUBSCRIPTION_STATE_…,
//   acknowledgementState ACKNOWLEDGEMENT_STATE_…, lineItems[] with productId and expiryTime;
// - voided purchases: the last 30 days by default, `startTime`/`endTime` in ms, `type` 0 products
//   only or 1 with subscriptions, `maxResults` (at most 1000), pages by `token` and
//   `tokenPagination.nextPageToken`; refunds by quantity only with includeQuantityBasedPartialRefund
//   (`voidedQuantity`), `voidedSource` 0 user, 1 developer, 2 Google;
// - purchases.productsv2: `productLineItem[]` (`productOfferDetails`: quantity, refundableQuantity,
//   consumptionState CONSUMPTION_STATE_…), `purchaseStateContext.purchaseState` PURCHASED /
//   CANCELLED / PENDING, `purchaseCompletionTime` absent while pending, `testPurchaseContext`;
// - subscriptionsv2.defer: `deferralContext { deferDuration, etag, validateOnly }`, the etag the
//   subscription was read with, answered `{ itemExpiryTimeDetails: [{ productId, expiryTime }] }`;
// - orders: `orders/{orderId}`, `orders:batchGet?orderIds=…` (1–1000 distinct ids, one unknown
//   fails all), `:refund?revoke=`, `:reviewrefund` with the pending refund review's token; an Order
//   has `state`, `lineItems`, `orderHistory` (processedEvent, refundEvent, partialRefundEvents).
// Where Google says nothing, the choice is the emulator's and a comment says so.
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { empty, fromB64urlJson, json, setUrls, toB64urlJson } from './emulator-replies.js';

export const TOKEN_PATH = '/token';
/** Where the emulator serves the key set of its Pub/Sub push tokens: the path of Google's (https://www.googleapis.com/oauth2/v3/certs). */
export const CERTS_PATH = '/oauth2/v3/certs';
/** Real-time developer notification types (subscriptionNotification.notificationType). */
const RTDN = { RECOVERED: 1, RENEWED: 2, CANCELED: 3, PURCHASED: 4, ON_HOLD: 5, IN_GRACE_PERIOD: 6, RESTARTED: 7, DEFERRED: 9, PAUSED: 10, REVOKED: 12, EXPIRED: 13 };
/** A state set by the admin call, and the notification Google sends for it. */
const STATE_NOTIFICATIONS = /** @type {Record<string, number>} */ ({ IN_GRACE_PERIOD: RTDN.IN_GRACE_PERIOD, ON_HOLD: RTDN.ON_HOLD, PAUSED: RTDN.PAUSED, EXPIRED: RTDN.EXPIRED, ACTIVE: RTDN.RECOVERED });
const PREFIX = '/androidpublisher/v3/applications/';
const SCOPE = 'https://www.googleapis.com/auth/androidpublisher';
const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Clock skew accepted on the assertion's `iat`/`exp`, seconds. */
const LEEWAY_S = 60;
const TOKEN_LIFETIME_S = 3600;
const DAY = 86_400_000;
const QUERYABLE_MS = 60 * DAY;
const VOIDED_WINDOW_MS = 30 * DAY;

/** @typedef {import('./emulator-replies.js').Json} Json */
/** @typedef {import('./emulator-replies.js').LogEntry} LogEntry */
/** @typedef {import('node:http').IncomingMessage} Request */
/**
 * A one-time purchase the face holds.
 * @typedef {{ token: string, productId: string, purchaseTimeMillis: number, purchaseState: number, consumptionState: number,
 *   acknowledgementState: number, quantity: number, orderId: string, obfuscatedExternalAccountId?: string, test: boolean,
 *   developerPayload?: string, refunded?: number, refunds?: Array<{ time: number, quantity: number }> }} ProductRecord
 */
/**
 * A subscription the face holds.
 * @typedef {{ token: string, productId: string, startTime: number, expiryTime: number, state: string, acknowledged: boolean,
 *   autoRenew: boolean, latestOrderId: string, test: boolean, renewals?: number, canceledAt?: number,
 *   externalAccountIds?: Json, refundedAt?: number }} SubscriptionRecord
 */
/**
 * A voided purchase, as Google lists it (and whether it was a subscription).
 * @typedef {{ kind: string, purchaseToken: string, orderId: string, purchaseTimeMillis: string, voidedTimeMillis: string,
 *   voidedSource: number, voidedReason: number, subscription: boolean, voidedQuantity?: number }} VoidedRecord
 */
/**
 * A pending refund review: the token Google's notification carries, and the developer's answer.
 * @typedef {{ token: string, orderId: string, refundReason: number, answer?: Json }} RefundReview
 */

/**
 * @param {number} code
 * @param {string} status
 * @param {string} message
 */
const googleError = (code, status, message) => json({ error: { code, message, status, errors: [{ message, domain: 'global', reason: status }] } }, code);
const oauthError = (/** @type {string} */ error, /** @type {string} */ description) => json({ error, error_description: description }, 400);
const notFound = () => googleError(404, 'NOT_FOUND', 'The purchase token was not found.');
const rfc3339 = (/** @type {number} */ ms) => new Date(ms).toISOString();

/**
 * The Google Play face. The seed's `googlePlay` section: `packageName`, `clientEmail`,
 * `privateKey` (PKCS#8 PEM; made at start when absent), `products` (one-time purchases by token),
 * `subscriptions`, `voided`.
 */
/**
 * The seed's `googlePlay` section, or `startEmulator`'s `googlePlay` options over it.
 * @typedef {import('./emulator.js').EmulatorGooglePlayOptions & {
 *   products?: object[], subscriptions?: object[], voided?: Array<{ voidedTime?: number | string }> }} GooglePlaySeed
 */

export class GooglePlayFace {
  config = { packageName: '', clientEmail: '', pageSize: 1000, pushEndpoint: /** @type {string | null} */ (null), pushAudience: /** @type {string | null} */ (null),
    pushServiceAccountEmail: '', subscription: '' };
  /** Seeded state is there from the start: nothing is sent for it. */
  quiet = false;
  messages = 0;
  /** @type {Map<string, number>} token -> expiry (epoch ms) */
  accessTokens = new Map();
  /** @type {Map<string, ProductRecord>} */
  products = new Map();
  /** @type {Map<string, SubscriptionRecord>} */
  subscriptions = new Map();
  /** @type {VoidedRecord[]} */
  voided = [];
  orders = 0;
  /** @type {Map<string, RefundReview>} by token */
  reviews = new Map();

  /**
   * @param {GooglePlaySeed} options
   * @param {import('./emulator-appstore.js').FaceContext} ctx
   */
  constructor(options = {}, ctx) {
    this.ctx = ctx; // { now(), resolveTime(value, start), url() }
    this.options = options;
    const pem = options.privateKey
      ?? /** @type {string} a PEM export is text */ (generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    this.key = { pem, publicKey: createPublicKey(createPrivateKey(pem)), id: randomBytes(20).toString('hex') };
    // Google's key that signs Pub/Sub push tokens: here one of the emulator's, its key set served at CERTS_PATH.
    const push = options.pushSigningKey ? createPrivateKey(options.pushSigningKey) : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    this.pushKey = { privateKey: push, kid: randomBytes(20).toString('hex') };
  }

  /**
   * The key set of the push tokens, as Google serves its own.
   * @returns {import('./emulator.js').EmulatorGooglePlay['push']['jwks']}
   */
  jwks() {
    const jwk = createPublicKey(this.pushKey.privateKey).export({ format: 'jwk' });
    return { keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: this.pushKey.kid, n: String(jwk.n), e: String(jwk.e) }] };
  }

  /**
   * An OIDC token as Pub/Sub puts in a push request's Authorization header (RS256; the claims of
   * Google's push tokens). Its times are the wall clock's, not the emulator's: the receiver checks
   * them against its own. `forge` makes a bad one.
   * @param {{ key?: import('node:crypto').KeyObject, audience?: string }} [forge]
   */
  pushToken(forge = {}) {
    const iat = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', kid: this.pushKey.kid, typ: 'JWT' };
    const claims = {
      aud: forge.audience ?? this.config.pushAudience ?? this.config.pushEndpoint, azp: '100000000000000000002', email: this.config.pushServiceAccountEmail,
      email_verified: true, exp: iat + 3600, iat, iss: 'https://accounts.google.com', sub: '100000000000000000002',
    };
    const input = `${toB64urlJson(header)}.${toB64urlJson(claims)}`;
    return `Bearer ${input}.${sign('sha256', Buffer.from(input), forge.key ?? this.pushKey.privateKey).toString('base64url')}`;
  }

  /**
   * Sends a real-time developer notification as Pub/Sub pushes it: `{ message: { data, messageId,
   * publishTime, ... }, subscription }` with a fresh token on each attempt.
   * @param {Json} part the notification's own member (`subscriptionNotification`, ...)
   * @param {string} type what it is, for the list of notifications
   */
  rtdn(part, type) {
    if (this.quiet) return;
    const notification = { version: '1.0', packageName: this.config.packageName, eventTimeMillis: String(this.ctx.now()), ...part };
    this.messages += 1;
    const messageId = String(17000000000000000 + this.messages * 7919 + Math.floor(Math.random() * 7000));
    const publishTime = new Date(this.ctx.now()).toISOString();
    const data = Buffer.from(JSON.stringify(notification)).toString('base64');
    const body = { message: { data, messageId, message_id: messageId, publishTime, publish_time: publishTime }, subscription: this.config.subscription };
    this.ctx.notifier.send({
      store: 'googlePlay', kind: 'PUBSUB_PUSH', type, notificationId: messageId, url: this.config.pushEndpoint, body,
      headers: () => ({ authorization: this.pushToken() }), retrySchedule: this.options.retrySchedule,
      forge: (how = 'token') => {
        if (how === 'token') {
          // Same kid, another key: the signature does not verify with the served key set.
          const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
          return { how, body, headers: () => ({ authorization: this.pushToken({ key: other }) }) };
        }
        if (how === 'audience') return { how, body, headers: () => ({ authorization: this.pushToken({ audience: 'https://another.example/push' }) }) };
        if (how === 'none') return { how, body, headers: () => ({}) };
        throw new RangeError('a Pub/Sub push is forged by "token", "audience" or "none"');
      },
    });
  }

  /**
   * @param {SubscriptionRecord} s
   * @param {number} notificationType
   */
  subscriptionRtdn(s, notificationType) {
    const name = Object.entries(RTDN).find(([, n]) => n === notificationType)?.[0] ?? String(notificationType);
    this.rtdn({ subscriptionNotification: { version: '1.0', notificationType, purchaseToken: s.token, subscriptionId: s.productId } }, `SUBSCRIPTION_${name}`);
  }

  name = 'googlePlay';

  /** @param {string} path */
  matches(path) {
    return path === TOKEN_PATH || path === CERTS_PATH || path.startsWith(PREFIX);
  }

  /**
   * @param {GooglePlaySeed} [seed]
   * @param {number} [start]
   */
  reset(seed = {}, start = this.ctx.now()) {
    const o = { ...seed, ...this.options };
    const at = (/** @type {unknown} */ v) => this.ctx.resolveTime(v, start);
    this.config = {
      packageName: o.packageName ?? 'com.example.game',
      clientEmail: o.clientEmail ?? 'iap-verify@emulator-project.iam.gserviceaccount.com',
      pageSize: Number(o.pageSize ?? 1000),
      pushEndpoint: o.pushEndpoint ?? null,
      pushAudience: o.pushAudience ?? null,
      pushServiceAccountEmail: o.pushServiceAccountEmail ?? 'pubsub-push@emulator-project.iam.gserviceaccount.com',
      subscription: o.subscription ?? 'projects/emulator-project/subscriptions/play-rtdn',
    };
    this.messages = 0;
    this.accessTokens = new Map();
    this.products = new Map();
    this.subscriptions = new Map();
    this.voided = [];
    this.orders = 0;
    this.reviews = new Map();
    this.quiet = true;
    try {
      for (const p of o.products ?? []) this.addProductPurchase(p, start);
      for (const p of o.subscriptions ?? []) this.addSubscription(p, start);
      for (const v of o.voided ?? []) this.void({ ...v, voidedTime: at(v.voidedTime) ?? start });
    } finally {
      this.quiet = false;
    }
  }

  orderId() {
    this.orders += 1;
    return `GPA.3300-0000-${String(this.orders).padStart(4, '0')}-${String(10000 + this.orders).slice(-5)}`;
  }

  /**
   * Adds a one-time purchase: `{ token, productId, purchaseTime?, purchaseState?, acknowledged?,
   * consumed?, quantity?, accountId?, test? }` (times: epoch ms or offsets such as "-1h").
   * @param {Json} p checked here
   */
  addProductPurchase(p, start = this.ctx.now()) {
    const token = String(p.token ?? randomBytes(24).toString('base64url'));
    /** @type {ProductRecord} */
    const purchase = {
      token,
      productId: String(p.productId),
      purchaseTimeMillis: this.ctx.resolveTime(p.purchaseTime, start) ?? this.ctx.now(),
      purchaseState: Number(p.purchaseState ?? 0),
      consumptionState: p.consumed ? 1 : 0,
      acknowledgementState: p.acknowledged || p.consumed ? 1 : 0,
      quantity: Number(p.quantity ?? 1),
      orderId: p.orderId ?? this.orderId(),
      obfuscatedExternalAccountId: p.accountId,
      test: p.test !== false,
    };
    this.products.set(token, purchase);
    // Google sends one-time product notifications for purchases that are paid (not pending).
    if (purchase.purchaseState === 0) {
      this.rtdn({ oneTimeProductNotification: { version: '1.0', notificationType: 1, purchaseToken: token, sku: purchase.productId } }, 'ONE_TIME_PRODUCT_PURCHASED');
    }
    // The app holds the token and the product id: the answer names both (ProductPurchase's own
    // optional `productId` and `purchaseToken`), so a token made here can be handed on.
    return { ...this.productResource(purchase), productId: purchase.productId, purchaseToken: token };
  }

  /**
   * Adds a subscription: `{ token, productId, startTime?, expiryTime?, state? (ACTIVE, CANCELED,
   * IN_GRACE_PERIOD, ON_HOLD, PAUSED, EXPIRED, PENDING), acknowledged?, autoRenew? }`.
   * @param {Json} p checked here
   */
  addSubscription(p, start = this.ctx.now()) {
    const token = String(p.token ?? randomBytes(24).toString('base64url'));
    const startTime = this.ctx.resolveTime(p.startTime, start) ?? this.ctx.now();
    /** @type {SubscriptionRecord} */
    const sub = {
      token,
      productId: String(p.productId),
      startTime,
      expiryTime: this.ctx.resolveTime(p.expiryTime, start) ?? startTime + 30 * DAY,
      state: p.state ?? 'ACTIVE',
      acknowledged: p.acknowledged !== false,
      autoRenew: p.autoRenew !== false,
      latestOrderId: p.orderId ?? this.orderId(),
      test: p.test !== false,
    };
    this.subscriptions.set(token, sub);
    if (sub.state === 'ACTIVE') this.subscriptionRtdn(sub, RTDN.PURCHASED);
    // SubscriptionPurchaseV2 names neither its token nor (but in its line items) its product: the answer adds both.
    return { ...this.subscriptionResource(sub), productId: sub.productId, purchaseToken: token };
  }

  /**
   * Renews a subscription for another period: `{ token, expiryTime? }` (default the old expiry + 30
   * days). Google's order id of a renewal is the first one's with `..N` counting the renewals.
   * @param {Json | null | undefined} input checked here
   */
  renew(input) {
    const s = this.subscriptions.get(String(input?.token));
    if (!s) throw new RangeError(`no Google Play subscription with token ${input?.token}`);
    const from = Math.max(s.expiryTime, this.ctx.now());
    s.expiryTime = this.ctx.resolveTime(input?.expiryTime, from) ?? from + 30 * DAY;
    s.renewals = (s.renewals ?? 0) + 1;
    s.latestOrderId = `${s.latestOrderId.replace(/\.\.\d+$/, '')}..${s.renewals}`;
    // A renewal paid in grace or on hold is a recovery.
    const recovered = s.state === 'IN_GRACE_PERIOD' || s.state === 'ON_HOLD';
    s.state = 'ACTIVE';
    s.autoRenew = true;
    this.subscriptionRtdn(s, recovered ? RTDN.RECOVERED : RTDN.RENEWED);
    return this.subscriptionResource(s);
  }

  /**
   * Moves a subscription to a state as Google would (a failed renewal's grace period, account
   * hold, a pause, the end, a recovery) and sends its notification: `{ token, state (IN_GRACE_PERIOD,
   * ON_HOLD, PAUSED, EXPIRED, ACTIVE), expiryTime? }`.
   * @param {Json | null | undefined} input checked here
   */
  setSubscriptionState(input) {
    const s = this.subscriptions.get(String(input?.token));
    if (!s) throw new RangeError(`no Google Play subscription with token ${input?.token}`);
    const state = String(input?.state);
    const type = STATE_NOTIFICATIONS[state];
    if (type === undefined) throw new RangeError(`state must be one of ${Object.keys(STATE_NOTIFICATIONS).join(', ')}`);
    const expiryTime = this.ctx.resolveTime(input?.expiryTime, this.ctx.now());
    if (expiryTime !== null) s.expiryTime = expiryTime;
    else if (state === 'EXPIRED' || state === 'ON_HOLD' || state === 'PAUSED') s.expiryTime = Math.min(s.expiryTime, this.ctx.now());
    s.state = state;
    if (state === 'EXPIRED') s.autoRenew = false;
    this.subscriptionRtdn(s, type);
    return this.subscriptionResource(s);
  }

  /**
   * Voids a purchase (a refund or chargeback): `{ token, voidedTime?, voidedSource?, voidedReason? }`.
   * @param {Json} v checked here
   */
  void(v) {
    const token = String(v.token);
    const p = this.products.get(token);
    const s = this.subscriptions.get(token);
    if (!p && !s) throw new RangeError(`no Google Play purchase with token ${token}`);
    const voidedTimeMillis = v.voidedTime ?? this.ctx.now();
    // A refund of part of a one-time purchase's quantity leaves the rest (and the purchase) as it was.
    const partial = p && v.quantity !== undefined && Number(v.quantity) < p.quantity - (p.refunded ?? 0);
    if (p) {
      const q = v.quantity === undefined ? p.quantity - (p.refunded ?? 0) : Number(v.quantity);
      p.refunded = (p.refunded ?? 0) + q;
      (p.refunds ??= []).push({ time: Number(voidedTimeMillis), quantity: q });
      if (!partial) p.purchaseState = 1;
    }
    if (s) {
      s.state = 'EXPIRED';
      s.refundedAt = Number(voidedTimeMillis);
    }
    // One of them is there.
    const held = /** @type {ProductRecord | SubscriptionRecord} */ (p ?? s);
    /** @type {VoidedRecord} */
    const entry = {
      kind: 'androidpublisher#voidedPurchase',
      purchaseToken: token,
      orderId: p?.orderId ?? /** @type {SubscriptionRecord} */ (held).latestOrderId,
      purchaseTimeMillis: String(p?.purchaseTimeMillis ?? /** @type {SubscriptionRecord} */ (held).startTime),
      voidedTimeMillis: String(voidedTimeMillis),
      voidedSource: Number(v.voidedSource ?? 0),
      voidedReason: Number(v.voidedReason ?? 1),
      subscription: Boolean(s),
    };
    if (partial) entry.voidedQuantity = Number(v.quantity);
    this.voided.push(entry);
    this.rtdn({ voidedPurchaseNotification: { purchaseToken: token, orderId: entry.orderId, productType: s ? 1 : 2, refundType: partial ? 2 : 1 } }, 'VOIDED_PURCHASE');
    this.voided.sort((a, b) => Number(a.voidedTimeMillis) - Number(b.voidedTimeMillis));
    return entry;
  }

  /** @param {ProductRecord} p */
  productResource(p) {
    /** @type {Json} */
    const r = {
      kind: 'androidpublisher#productPurchase',
      purchaseTimeMillis: String(p.purchaseTimeMillis),
      purchaseState: p.purchaseState,
      consumptionState: p.consumptionState,
      orderId: p.orderId,
      acknowledgementState: p.acknowledgementState,
      regionCode: 'KR',
      quantity: p.quantity,
    };
    if (p.test) r.purchaseType = 0;
    if (p.obfuscatedExternalAccountId) r.obfuscatedExternalAccountId = p.obfuscatedExternalAccountId;
    return r;
  }

  /** @param {ProductRecord} p */
  productV2Resource(p) {
    const state = ['PURCHASED', 'CANCELLED', 'PENDING'][p.purchaseState] ?? 'PURCHASED';
    /** @type {Json} */
    const r = {
      kind: 'androidpublisher#productPurchaseV2',
      productLineItem: [{
        productId: p.productId,
        productOfferDetails: {
          purchaseOptionId: 'buy',
          quantity: p.quantity,
          refundableQuantity: Math.max(0, p.quantity - (p.refunded ?? 0)),
          consumptionState: p.consumptionState === 1 ? 'CONSUMPTION_STATE_CONSUMED' : 'CONSUMPTION_STATE_YET_TO_BE_CONSUMED',
        },
      }],
      purchaseStateContext: { purchaseState: state },
      orderId: p.orderId,
      regionCode: 'KR',
      acknowledgementState: p.acknowledgementState === 1 ? 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED' : 'ACKNOWLEDGEMENT_STATE_PENDING',
    };
    if (state !== 'PENDING') r.purchaseCompletionTime = rfc3339(p.purchaseTimeMillis);
    if (p.test) r.testPurchaseContext = { fopType: 'TEST' };
    if (p.obfuscatedExternalAccountId) r.obfuscatedExternalAccountId = p.obfuscatedExternalAccountId;
    return r;
  }

  /**
   * The order `orderId` (a one-time purchase's, or a subscription's latest), or undefined.
   * @param {string} orderId
   */
  order(orderId) {
    const money = (/** @type {number} */ micros) => ({ currencyCode: 'KRW', units: String(Math.floor(micros / 1e6)), nanos: 0 });
    const p = [...this.products.values()].find((x) => x.orderId === orderId);
    if (p) {
      const refunded = p.refunded ?? 0;
      /** @type {Json} */
      const history = { processedEvent: { eventTime: rfc3339(p.purchaseTimeMillis) } };
      const full = refunded >= p.quantity;
      const partial = (p.refunds ?? []).filter(() => !full);
      if (full) history.refundEvent = { eventTime: rfc3339(p.refunds?.at(-1)?.time ?? this.ctx.now()), refundReason: 'OTHER' };
      if (partial.length) history.partialRefundEvents = partial.map((r) => ({ createTime: rfc3339(r.time), processTime: rfc3339(r.time), state: 'PROCESSED_SUCCESSFULLY', refundDetails: { quantity: r.quantity } }));
      const pending = [...this.reviews.values()].some((r) => r.orderId === orderId && !r.answer);
      return {
        orderId,
        purchaseToken: p.token,
        state: pending ? 'PENDING_REFUND' : full ? 'REFUNDED' : refunded > 0 ? 'PARTIALLY_REFUNDED' : p.purchaseState === 2 ? 'PENDING' : 'PROCESSED',
        createTime: rfc3339(p.purchaseTimeMillis),
        lastEventTime: rfc3339(Math.max(p.purchaseTimeMillis, ...(p.refunds ?? []).map((r) => r.time))),
        buyerAddress: { buyerCountry: 'KR' },
        total: money(1_100_000_000 * p.quantity),
        tax: money(100_000_000 * p.quantity),
        lineItems: [{ productId: p.productId, productTitle: p.productId, total: money(1_100_000_000 * p.quantity), oneTimePurchaseDetails: { purchaseOptionId: 'buy', quantity: p.quantity } }],
        orderHistory: history,
        salesChannel: 'IN_APP',
      };
    }
    const s = [...this.subscriptions.values()].find((x) => x.latestOrderId === orderId);
    if (!s) return undefined;
    /** @type {Json} */
    const history = { processedEvent: { eventTime: rfc3339(s.startTime) } };
    if (s.refundedAt !== undefined) history.refundEvent = { eventTime: rfc3339(s.refundedAt), refundReason: 'OTHER' };
    return {
      orderId,
      purchaseToken: s.token,
      state: s.refundedAt !== undefined ? 'REFUNDED' : 'PROCESSED',
      createTime: rfc3339(s.startTime),
      lastEventTime: rfc3339(s.refundedAt ?? s.startTime),
      buyerAddress: { buyerCountry: 'KR' },
      total: money(5_500_000_000),
      lineItems: [{ productId: s.productId, subscriptionDetails: { basePlanId: 'monthly', servicePeriodStartTime: rfc3339(s.startTime), servicePeriodEndTime: rfc3339(s.expiryTime) } }],
      orderHistory: history,
      salesChannel: 'IN_APP',
    };
  }

  /**
   * Opens a pending refund review of `orderId` (what Google's notification announces); its token.
   * @param {Json} input `{ orderId, refundReason? }`
   */
  openRefundReview(input) {
    const orderId = String(input.orderId);
    if (!this.order(orderId)) throw new RangeError(`no Google Play order ${orderId}`);
    const review = { token: `prt-${randomBytes(12).toString('base64url')}`, orderId, refundReason: Number(input.refundReason ?? 7) };
    this.reviews.set(review.token, review);
    // The notification, as independent implementations describe it (Google does not document it yet).
    const part = { pendingRefundReviewNotification: { version: '1.0', pendingRefundToken: review.token, orderId, refundReason: review.refundReason } };
    this.rtdn(part, 'PENDING_REFUND_REVIEW');
    return { ...review, notification: { version: '1.0', packageName: this.config.packageName, eventTimeMillis: String(this.ctx.now()), ...part } };
  }

  /** @param {SubscriptionRecord} s its etag: what the subscription reads as now */
  etag(s) {
    return Buffer.from(`${s.state}|${s.expiryTime}|${s.autoRenew}`).toString('base64url');
  }

  /** @param {SubscriptionRecord} s */
  subscriptionResource(s) {
    const plan = s.autoRenew && s.state === 'ACTIVE' ? { autoRenewingPlan: { autoRenewEnabled: true } } : {};
    /** @type {Json} */
    const r = {
      kind: 'androidpublisher#subscriptionPurchaseV2',
      regionCode: 'KR',
      startTime: rfc3339(s.startTime),
      subscriptionState: `SUBSCRIPTION_STATE_${s.state}`,
      latestOrderId: s.latestOrderId,
      acknowledgementState: s.acknowledged ? 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED' : 'ACKNOWLEDGEMENT_STATE_PENDING',
      lineItems: [{ productId: s.productId, expiryTime: rfc3339(s.expiryTime), ...plan }],
    };
    if (s.test) r.testPurchase = {};
    r.etag = this.etag(s);
    if (s.state === 'CANCELED') r.canceledStateContext = { userInitiatedCancellation: { cancelTime: rfc3339(s.canceledAt ?? this.ctx.now()) } };
    return r;
  }

  state() {
    return {
      ...this.config,
      products: [...this.products.values()],
      subscriptions: [...this.subscriptions.values()],
      voided: this.voided,
      refundReviews: [...this.reviews.values()],
      accessTokens: this.accessTokens.size,
    };
  }

  /**
   * What a push endpoint checks the tokens with: verifyPubSubPush's `audience` and
   * `serviceAccountEmail`, and the key set (`jwks`, or fetched from `jwksUrl`).
   */
  push() {
    return {
      endpoint: this.config.pushEndpoint,
      audience: this.config.pushAudience ?? this.config.pushEndpoint,
      serviceAccountEmail: this.config.pushServiceAccountEmail,
      subscription: this.config.subscription,
      jwksUrl: `${this.ctx.url()}${CERTS_PATH}`,
      jwks: this.jwks(),
    };
  }

  /** The service account's key file, as Google's console hands it out, for the emulator's URL. */
  info() {
    return {
      packageName: this.config.packageName,
      serviceAccount: {
        type: /** @type {const} */ ('service_account'),
        project_id: 'emulator-project',
        private_key_id: this.key.id,
        private_key: this.key.pem,
        client_email: this.config.clientEmail,
        client_id: '100000000000000000001',
        token_uri: `${this.ctx.url()}${TOKEN_PATH}`,
      },
    };
  }

  // ------------------------------------------------------------ auth

  /**
   * Why the assertion is refused, or null. `aud` must be this token endpoint as the client reached it.
   * @param {string | null} assertion
   * @param {string} tokenUrl
   */
  checkAssertion(assertion, tokenUrl) {
    const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(assertion ?? '');
    if (!m) return 'the assertion is not a compact JWS';
    const [h, c] = [fromB64urlJson(m[1]), fromB64urlJson(m[2])];
    if (!h || !c || typeof h !== 'object' || typeof c !== 'object') return 'the assertion header or claims are not JSON objects';
    if (h.alg !== 'RS256') return `alg ${h.alg} (RS256 expected)`;
    if (!verify('sha256', Buffer.from(`${m[1]}.${m[2]}`), this.key.publicKey, Buffer.from(m[3], 'base64url'))) return 'Invalid JWT Signature.';
    if (c.iss !== this.config.clientEmail) return 'iss is not the service account';
    if (c.aud !== tokenUrl) return `aud is not ${tokenUrl}`;
    if (!String(c.scope ?? '').split(' ').includes(SCOPE)) return 'the scope does not include androidpublisher';
    const now = Math.floor(this.ctx.now() / 1000);
    if (!Number.isInteger(c.iat) || !Number.isInteger(c.exp)) return 'iat and exp must be integers (seconds)';
    if (c.iat > now + LEEWAY_S) return 'iat is in the future';
    if (c.exp < now - LEEWAY_S) return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.';
    if (c.exp - c.iat > 3600 || c.exp <= c.iat) return 'exp must be after iat and at most an hour later';
    return null;
  }

  /**
   * @param {Request} req
   * @param {string | undefined} text
   * @param {LogEntry} entry
   */
  token(req, text, entry) {
    if (req.method !== 'POST') return googleError(405, 'METHOD_NOT_ALLOWED', 'POST only');
    const form = new URLSearchParams(text ?? '');
    if (form.get('grant_type') !== GRANT) return oauthError('unsupported_grant_type', 'Invalid grant_type');
    const refused = this.checkAssertion(form.get('assertion'), `http://${req.headers.host}${TOKEN_PATH}`);
    if (refused) {
      entry.authError = refused;
      return oauthError('invalid_grant', refused);
    }
    const accessToken = `ya29.emulator-${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, this.ctx.now() + TOKEN_LIFETIME_S * 1000);
    return json({ access_token: accessToken, expires_in: TOKEN_LIFETIME_S - 1, token_type: 'Bearer' });
  }

  // ------------------------------------------------------------ routes

  /**
   * Google's bodies for the fault statuses that have one.
   * @param {number} status
   */
  faultReply(status) {
    if (status === 429) return googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.');
    if (status === 500) return googleError(500, 'INTERNAL', 'Internal error encountered.');
    if (status === 503) return googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    return null;
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
    if (path === TOKEN_PATH) return this.token(req, text, entry);
    if (path === CERTS_PATH) {
      if (req.method !== 'GET') return googleError(405, 'METHOD_NOT_ALLOWED', 'GET only.');
      return { status: 200, body: this.jwks(), headers: { 'Cache-Control': 'public, max-age=3600, must-revalidate' } };
    }
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = bearer ? this.accessTokens.get(bearer) : undefined;
    if (!(expires !== undefined && expires > this.ctx.now())) {
      entry.authError = bearer ? 'the access token is unknown or expired' : 'no Bearer access token';
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
    }
    const seg = path.slice(PREFIX.length).split('/').map((s) => decodeURIComponent(s));
    const [pkg, purchases, kind, ...rest] = seg;
    const m = req.method;
    if (pkg !== this.config.packageName && (purchases === 'purchases' || purchases?.startsWith('orders'))) {
      // Google answers a package this account cannot see with 403; the emulator knows one package.
      return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
    }
    if (purchases === 'orders:batchGet' && m === 'GET' && kind === undefined) return this.batchGet(query);
    if (purchases === 'orders' && kind !== undefined && rest.length === 0) return this.orderRoute(String(m), kind, query, body);
    if (purchases !== 'purchases') return googleError(404, 'NOT_FOUND', `no route ${req.method} ${path}`);
    const is = (/** @type {string} */ method, /** @type {string[]} */ ...pattern) => m === method && rest.length === pattern.length && pattern.every((p, i) => p === '*' || p === rest[i]);
    if (kind === 'products' && rest[1] === 'tokens') {
      const [productId, , tokenAction] = rest;
      const [token, action] = tokenAction.split(':');
      const p = this.products.get(token);
      const gone = this.gone(p?.purchaseTimeMillis);
      if (is('GET', '*', 'tokens', '*') && !action) return p && p.productId === productId ? gone ?? json(this.productResource(p)) : notFound();
      if (m === 'POST' && rest.length === 3 && (action === 'acknowledge' || action === 'consume')) {
        if (!p || p.productId !== productId) return notFound();
        if (gone) return gone;
        if (p.purchaseState !== 0) return googleError(400, 'FAILED_PRECONDITION', 'The purchase is not in a valid state to perform the desired operation.');
        if (action === 'consume') {
          // Google: consuming acknowledges too; a second consume is refused.
          if (p.consumptionState === 1) return googleError(400, 'FAILED_PRECONDITION', 'The product purchase is already consumed.');
          p.consumptionState = 1;
          p.acknowledgementState = 1;
          return empty(200);
        }
        // The emulator's choice (Google's docs are silent): acknowledging twice is accepted.
        p.acknowledgementState = 1;
        if (typeof body?.developerPayload === 'string') p.developerPayload = body.developerPayload;
        return empty(200);
      }
    }
    if (kind === 'subscriptionsv2' && rest[0] === 'tokens' && rest.length === 2) {
      const [token, action] = rest[1].split(':');
      const s = this.subscriptions.get(token);
      if (!s) return notFound();
      const gone = this.gone(s.state === 'EXPIRED' ? s.expiryTime : undefined);
      if (m === 'GET' && !action) return gone ?? json(this.subscriptionResource(s));
      if (m === 'POST' && action === 'revoke') {
        // A refund that ends access now.
        s.state = 'EXPIRED';
        s.expiryTime = this.ctx.now();
        this.subscriptionRtdn(s, RTDN.REVOKED);
        return json({});
      }
      if (m === 'POST' && action === 'cancel') return this.cancel(s);
      if (m === 'POST' && action === 'defer') return this.defer(s, body);
    }
    if (kind === 'productsv2' && rest[0] === 'tokens' && rest.length === 2 && m === 'GET') {
      const p = this.products.get(rest[1]);
      if (!p) return notFound();
      return this.gone(p.purchaseTimeMillis) ?? json(this.productV2Resource(p));
    }
    if (kind === 'subscriptions' && rest[1] === 'tokens' && rest.length === 3) {
      const [subscriptionId, , tokenAction] = rest;
      const [token, action] = tokenAction.split(':');
      const s = this.subscriptions.get(token);
      if (!s || s.productId !== subscriptionId) return notFound();
      if (m === 'POST' && action === 'acknowledge') {
        if (s.acknowledged) return googleError(400, 'FAILED_PRECONDITION', 'The subscription purchase is already acknowledged.');
        s.acknowledged = true;
        if (body?.externalAccountIds && typeof body.externalAccountIds === 'object') s.externalAccountIds = body.externalAccountIds;
        return empty(200);
      }
      if (m === 'POST' && action === 'cancel') return this.cancel(s);
    }
    if (kind === 'voidedpurchases' && rest.length === 0 && m === 'GET') return this.voidedList(query);
    return googleError(404, 'NOT_FOUND', `no route ${m} ${path}`);
  }

  /**
   * subscriptionsv2.defer: the expiry moves by `deferDuration` ("604800s"), if `etag` is the one
   * the subscription reads with now (the emulator's answer to a stale one: 409 ABORTED).
   * @param {SubscriptionRecord} s
   * @param {Json | undefined} body
   */
  defer(s, body) {
    const ctx = body?.deferralContext;
    const seconds = /^(\d+)(?:\.\d+)?s$/.exec(String(ctx?.deferDuration ?? ''))?.[1];
    if (!ctx || typeof ctx !== 'object' || seconds === undefined) return googleError(400, 'INVALID_ARGUMENT', 'deferralContext.deferDuration is required (a Duration such as "86400s").');
    if (typeof ctx.etag !== 'string' || ctx.etag === '') return googleError(400, 'INVALID_ARGUMENT', 'deferralContext.etag is required.');
    if (ctx.etag !== this.etag(s)) return googleError(409, 'ABORTED', 'The etag does not match the subscription; read it again.');
    const expiryTime = s.expiryTime + Number(seconds) * 1000;
    if (ctx.validateOnly !== true) {
      s.expiryTime = expiryTime;
      this.subscriptionRtdn(s, RTDN.DEFERRED);
    }
    return json({ itemExpiryTimeDetails: [{ productId: s.productId, expiryTime: rfc3339(expiryTime) }] });
  }

  /** @param {URLSearchParams} query */
  batchGet(query) {
    const ids = query.getAll('orderIds');
    if (ids.length < 1 || ids.length > 1000 || new Set(ids).size !== ids.length) {
      return googleError(400, 'INVALID_ARGUMENT', 'orderIds must hold 1 to 1000 distinct ids.');
    }
    const orders = ids.map((id) => this.order(id));
    // One unknown id fails the whole request.
    if (orders.some((o) => o === undefined)) return googleError(404, 'NOT_FOUND', 'An order was not found.');
    return json({ orders });
  }

  /**
   * `orders/{orderId}` and its `:refund` and `:reviewrefund`.
   * @param {string} m
   * @param {string} idAction
   * @param {URLSearchParams} query
   * @param {Json | undefined} body
   */
  orderRoute(m, idAction, query, body) {
    const [orderId, action] = idAction.split(':');
    const order = this.order(orderId);
    if (!order) return googleError(404, 'NOT_FOUND', 'The order was not found.');
    if (m === 'GET' && !action) return json(order);
    if (m === 'POST' && action === 'refund') {
      if (order.state === 'REFUNDED') return googleError(400, 'FAILED_PRECONDITION', 'The order is already refunded.');
      const token = String(order.purchaseToken);
      const s = this.subscriptions.get(token);
      // revoke=true ends a subscription's access now; a refund alone lets it run to its expiry.
      if (s && query.get('revoke') !== 'true') {
        s.refundedAt = this.ctx.now();
        s.autoRenew = false;
        return empty(200);
      }
      this.void({ token, voidedSource: 1, voidedReason: 0 });
      return empty(200);
    }
    if (m === 'POST' && action === 'reviewrefund') {
      const review = this.reviews.get(String(body?.pendingRefundToken));
      if (!review || review.orderId !== orderId) return googleError(400, 'INVALID_ARGUMENT', 'pendingRefundToken is not a pending refund review of this order.');
      if (typeof body?.refundPreference !== 'string' || typeof body?.sampleContentProvided !== 'boolean') {
        return googleError(400, 'INVALID_ARGUMENT', 'refundPreference and sampleContentProvided are required.');
      }
      // Only the first answer counts (independent implementations say so; the emulator refuses a second).
      if (review.answer) return googleError(400, 'FAILED_PRECONDITION', 'The refund review was already answered.');
      review.answer = body;
      return empty(200);
    }
    return googleError(404, 'NOT_FOUND', `no route ${m} orders/${idAction}`);
  }

  /**
   * Cancels a subscription (v1 and v2 alike): it stops renewing and runs to its expiry.
   * @param {SubscriptionRecord} s
   */
  cancel(s) {
    s.state = 'CANCELED';
    s.autoRenew = false;
    s.canceledAt = this.ctx.now();
    this.subscriptionRtdn(s, RTDN.CANCELED);
    return empty(200);
  }

  /**
   * 410 Gone for a purchase Google no longer answers for (older than 60 days), else null.
   * @param {number | undefined} since
   */
  gone(since) {
    if (since === undefined || this.ctx.now() - since <= QUERYABLE_MS) return null;
    return googleError(410, 'GONE', 'The purchase token is no longer valid.');
  }

  /** @param {URLSearchParams} query */
  voidedList(query) {
    const now = this.ctx.now();
    const num = (/** @type {string} */ k) => (query.get(k) === null ? undefined : Number(query.get(k)));
    const startTime = num('startTime') ?? now - VOIDED_WINDOW_MS;
    const endTime = num('endTime') ?? now;
    const type = num('type') ?? 0;
    const maxResults = num('maxResults') ?? this.config.pageSize;
    if (![startTime, endTime, maxResults].every(Number.isFinite) || ![0, 1].includes(type) || maxResults < 1 || maxResults > 1000) {
      return googleError(400, 'INVALID_ARGUMENT', 'Invalid value for a voided purchases parameter.');
    }
    if (startTime > endTime) return googleError(400, 'INVALID_ARGUMENT', 'startTime must be before endTime.');
    // Google refuses a start more than 30 days back.
    if (startTime < now - VOIDED_WINDOW_MS - 60_000) return googleError(400, 'INVALID_ARGUMENT', 'startTime is too far in the past.');
    const partial = query.get('includeQuantityBasedPartialRefund') === 'true';
    const list = this.voided.filter((v) => Number(v.voidedTimeMillis) >= startTime && Number(v.voidedTimeMillis) <= endTime && (type === 1 || !v.subscription)
      && (partial || v.voidedQuantity === undefined));
    // The page token is the emulator's own: the offset, opaque to clients.
    const pageToken = query.get('token');
    const offset = pageToken === null ? 0 : Number.parseInt(Buffer.from(pageToken, 'base64url').toString(), 10);
    if (!Number.isInteger(offset) || offset < 0) return googleError(400, 'INVALID_ARGUMENT', 'Invalid page token.');
    const page = list.slice(offset, offset + maxResults).map(({ subscription, ...v }) => v);
    /** @type {Json} */
    const body = { pageInfo: { totalResults: list.length, resultPerPage: page.length, startIndex: offset } };
    if (page.length > 0) body.voidedPurchases = page;
    if (offset + page.length < list.length) body.tokenPagination = { nextPageToken: Buffer.from(String(offset + page.length)).toString('base64url') };
    return json(body);
  }

  // ------------------------------------------------------------ admin

  /**
   * `/admin/googleplay/...`: a reply, or null when the path is not this face's.
   * @param {Request} req
   * @param {string} path
   * @param {Json | undefined} body
   */
  admin(req, path, body) {
    if (!path.startsWith('/admin/googleplay/')) return null;
    const many = (/** @type {(x: Json) => unknown} */ f) => (Array.isArray(body) ? body.map((x) => f(x ?? {})) : f(body ?? {}));
    switch (`${req.method} ${path.slice('/admin/googleplay'.length)}`) {
      case 'GET /credentials':
        return json(this.info());
      case 'GET /state':
        return json(this.state());
      case 'POST /products':
        return json(many((x) => this.addProductPurchase(x)), 201);
      case 'POST /subscriptions':
        return json(many((x) => this.addSubscription(x)), 201);
      case 'POST /renewals':
        return json(many((x) => this.renew(x)));
      case 'POST /voided':
        return json(many((x) => this.void({ ...x, voidedTime: this.ctx.resolveTime(x.voidedTime, this.ctx.now()) ?? undefined })), 201);
      case 'POST /refund-reviews':
        return json(many((x) => this.openRefundReview(x)), 201);
      case 'GET /refund-reviews':
        return json([...this.reviews.values()]);
      case 'POST /subscription-states':
        return json(many((x) => this.setSubscriptionState(x)));
      case 'POST /test-notifications':
        this.rtdn({ testNotification: { version: '1.0' } }, 'TEST');
        return json({ sent: true }, 201);
      case 'GET /push':
        return json(this.push());
      case 'POST /config':
        setUrls(this.config, body, ['pushEndpoint', 'pushAudience']);
        if (body && typeof body.pushServiceAccountEmail === 'string') this.config.pushServiceAccountEmail = body.pushServiceAccountEmail;
        return json(this.push());
      default:
        return json({ error: `no admin route ${req.method} ${path}` }, 404);
    }
  }
}
