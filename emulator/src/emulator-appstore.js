// The local server's App Store Server API face: every endpoint of src/apple/server_api.rs
// (ENDPOINTS) under /inApps/, with Apple's JSON shapes, data signed as JWS with a test PKI made at
// start (./emulator-pki.js), and each request's ES256 bearer token checked against the API key.
//
// Facts from Apple's documentation (App Store Server API: endpoints, HistoryResponse, StatusResponse,
// error codes; "Generating JSON Web Tokens for API requests"):
// - pages hold at most 20 transactions/notifications (`revision` + `hasMore`, `paginationToken`);
//   history v1 leaves out finished consumables that were not refunded, v2 returns everything;
// - subscription status 1 active, 2 expired, 3 billing retry, 4 grace period, 5 revoked;
// - order look-up answers 200 with `status` 1 (invalid) and no transactions for an unknown order id;
// - consumption information (v1, v2) answers 202 with no body;
// - an unknown transaction id is 404 4040010, an unknown original transaction id 4040005;
// - a request whose token does not pass is 401 with the text body "Unauthenticated" (Apple's
//   answer carries no errorCode; Apple's libraries report `apiError: null` for it).
// Where Apple says nothing, the choice is the emulator's and is said in a comment.
import { createPrivateKey, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { createApiSigningKey, createAppStorePki, pem } from './emulator-pki.js';
import { empty, fromB64urlJson as fromB64url, json, setUrls, toB64urlJson as b64url } from './emulator-replies.js';

export const PREFIX = '/inApps/';
/** The Advanced Commerce API's calls, on the same host with the same token. */
export const ADVANCED_COMMERCE_PREFIX = '/advancedCommerce/v1/';
const AUDIENCE = 'appstoreconnect-v1';
/** Clock skew accepted on `iat`/`exp`, seconds. */
export const TOKEN_LEEWAY_S = 60;
const DAY = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const TYPES = {
  AUTO_RENEWABLE: 'Auto-Renewable Subscription',
  NON_RENEWABLE: 'Non-Renewing Subscription',
  CONSUMABLE: 'Consumable',
  NON_CONSUMABLE: 'Non-Consumable',
};
const SUBSCRIPTION = TYPES.AUTO_RENEWABLE;

/**
 * Apple's `errorCode`s used here, with Apple's messages: `[HTTP status, errorCode, errorMessage]`.
 * @type {Record<string, [number, number, string]>}
 */
const E = {
  badRequest: [400, 4000000, 'Invalid request.'],
  revision: [400, 4000005, 'Invalid request revision.'],
  transactionId: [400, 4000006, 'Invalid transaction id.'],
  originalTransactionId: [400, 4000008, 'Invalid original transaction id.'],
  extendByDays: [400, 4000009, 'Invalid extend by days value.'],
  extendReason: [400, 4000010, 'Invalid extend reason code.'],
  requestIdentifier: [400, 4000011, 'Invalid request identifier.'],
  startTooOld: [400, 4000012, 'Start date too far in past.'],
  startAfterEnd: [400, 4000013, 'Start date after end date.'],
  paginationToken: [400, 4000014, 'Invalid pagination token.'],
  startDate: [400, 4000015, 'Invalid start date.'],
  endDate: [400, 4000016, 'Invalid end date.'],
  notificationType: [400, 4000018, 'Invalid notification type.'],
  multipleFilters: [400, 4000019, 'Multiple filters supplied.'],
  testToken: [400, 4000020, 'Invalid test notification token.'],
  sort: [400, 4000021, 'Invalid sort.'],
  productType: [400, 4000022, 'Invalid product type.'],
  productId: [400, 4000023, 'Invalid product id.'],
  ownership: [400, 4000026, 'Invalid in-app ownership type.'],
  storefront: [400, 4000028, 'Invalid storefront country code.'],
  revoked: [400, 4000030, 'Invalid revoked.'],
  status: [400, 4000031, 'Invalid status.'],
  accountTenure: [400, 4000032, 'Invalid account tenure.'],
  appAccountTokenV1: [400, 4000033, 'Invalid app account token.'],
  consumptionStatus: [400, 4000034, 'Invalid consumption status.'],
  consented: [400, 4000035, 'Invalid customer consented.'],
  deliveryStatus: [400, 4000036, 'Invalid delivery status.'],
  lifetimePurchased: [400, 4000037, 'Invalid lifetime dollars purchased.'],
  lifetimeRefunded: [400, 4000038, 'Invalid lifetime dollars refunded.'],
  platform: [400, 4000039, 'Invalid platform.'],
  playTime: [400, 4000040, 'Invalid play time.'],
  sampleContent: [400, 4000041, 'Invalid sample content provided.'],
  userStatus: [400, 4000042, 'Invalid user status.'],
  invalidImage: [400, 4000161, 'Invalid image.'],
  headerTooLong: [400, 4000162, 'Header too long.'],
  bodyTooLong: [400, 4000163, 'Body too long.'],
  locale: [400, 4000164, 'Invalid locale.'],
  altTextTooLong: [400, 4000175, 'Alt text too long.'],
  appAccountToken: [400, 4000183, 'Invalid app account token. It must be a UUID.'],
  familyToken: [400, 4000185, 'The transaction is family shared.'],
  notOriginal: [400, 4000187, 'The transaction id is not an original transaction id.'],
  performanceTest: [400, 4000211, 'Invalid performance test request.'],
  existingTest: [400, 4000213, 'A performance test is already running.'],
  realtimeUrl: [400, 4000215, 'Invalid realtime URL.'],
  imageSize: [400, 4000216, 'Invalid image size.'],
  bulletPoints: [400, 4000218, 'Too many bullet points.'],
  aboveImage: [400, 4000224, 'A header above the image requires an image.'],
  ineligible: [403, 4030004, 'Subscription extension ineligible.'],
  maxExtension: [403, 4030005, 'Subscription max extension.'],
  familyExtension: [403, 4030007, 'Family shared subscription extension ineligible.'],
  messageNotApproved: [403, 4030017, 'Message not approved.'],
  imageNotApproved: [403, 4030018, 'Image not approved.'],
  imageInUse: [403, 4030019, 'Image in use.'],
  originalNotFound: [404, 4040005, 'Original transaction id not found.'],
  testNotFound: [404, 4040008, 'Test notification not found.'],
  statusNotFound: [404, 4040009, 'Status request not found.'],
  notFound: [404, 4040010, 'Transaction id not found.'],
  imageNotFound: [404, 4040014, 'Image not found.'],
  messageNotFound: [404, 4040015, 'Message not found.'],
  testRunNotFound: [404, 4040018, 'Performance test run not found.'],
  defaultNotFound: [404, 4040020, 'Default message not found.'],
  realtimeNotFound: [404, 4040021, 'Realtime URL not found.'],
  imageExists: [409, 4090000, 'Image already exists.'],
  messageExists: [409, 4090001, 'Message already exists.'],
  rateLimit: [429, 4290000, 'Rate limit exceeded.'],
  internalRetryable: [500, 5000001, 'An unknown error occurred. Please try again.'],
};

const NOTIFICATION_TYPES = new Set([
  'CONSUMPTION_REQUEST', 'DID_CHANGE_RENEWAL_PREF', 'DID_CHANGE_RENEWAL_STATUS', 'DID_FAIL_TO_RENEW', 'DID_RENEW', 'EXPIRED',
  'EXTERNAL_PURCHASE_TOKEN', 'GRACE_PERIOD_EXPIRED', 'OFFER_REDEEMED', 'ONE_TIME_CHARGE', 'PRICE_INCREASE', 'REFUND',
  'REFUND_DECLINED', 'REFUND_REVERSED', 'RENEWAL_EXTENDED', 'RENEWAL_EXTENSION', 'REVOKE', 'SUBSCRIBED', 'TEST',
]);

/** @typedef {import('./emulator-replies.js').Json} Json */
/** @typedef {import('./emulator-replies.js').FaceReply} FaceReply */
/** @typedef {import('./emulator-replies.js').LogEntry} LogEntry */
/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('./emulator.js').EmulatorAppStoreProduct} Product */
/**
 * A transaction the face holds (its fields are the signed transaction's, and who bought it).
 * @typedef {{ transactionId: string, originalTransactionId: string, customer: string, productId: string, type: string,
 *   subscriptionGroupIdentifier?: string, webOrderLineItemId?: string, purchaseDate: number, originalPurchaseDate: number,
 *   expiresDate?: number, quantity: number, appAccountToken?: string, inAppOwnershipType: string, revocationDate?: number,
 *   revocationReason?: number, storefront: string, storefrontId: string, transactionReason: string, price: number,
 *   currency: string, orderId: string, finished: boolean, finishedByServer?: boolean, modifiedDate: number, extensions: number[] }} Transaction
 */
/**
 * A notification the face made (and kept for the history), with what it is about.
 * @typedef {{ notificationType: string, subtype?: string, notificationUUID: string, signedDate: number, customer?: string,
 *   transactionId?: string, signedPayload: string, sendAttempts: Array<{ attemptDate: number, sendAttemptResult: string }> }} Notification
 */
/**
 * The customer's app transaction.
 * @typedef {{ appTransactionId: string, originalPurchaseDate: number, deviceVerification: string, deviceVerificationNonce: string }} AppTransaction
 */

/** An error answer: `[HTTP status, errorCode, errorMessage]` as Apple sends it. */
const apiError = (/** @type {[number, number, string]} */ [status, errorCode, errorMessage]) => ({ status, body: { errorCode, errorMessage }, headers: {} });
/**
 * A reply (an error answer of find()), not a transaction.
 * @param {Transaction | FaceReply} x
 * @returns {x is FaceReply}
 */
const isReply = (x) => 'headers' in x;
const digits = (/** @type {number} */ n) => Array.from(randomBytes(n), (b) => b % 10).join('');
/** An order id of the shape on Apple's receipt e-mails (ten capital letters and digits). */
const orderId = () => Array.from(randomBytes(10), (b) => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 32]).join('');
const intIn = (/** @type {unknown} */ v, /** @type {number} */ lo, /** @type {number} */ hi) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

/**
 * The seed's `appStore` section, or `startEmulator`'s `appStore` options over it.
 * @typedef {import('./emulator.js').EmulatorAppStoreOptions & { reviewState?: string }} AppStoreSeed
 */
/**
 * What the server gives each face: its clock, the time offsets it resolves, its URL once it listens.
 * and the notifier that sends their notifications (./emulator-notify.js).
 * @typedef {{ now(): number, resolveTime(value: unknown, start: number): number | null, url(): string,
 *   notifier: import('./emulator-notify.js').Notifier }} FaceContext
 */

/**
 * The App Store face. `options` (from `startEmulator({ appStore })`) and the seed's `appStore`
 * section configure it: `bundleId`, `appAppleId`, `environment`, `keyId`, `issuerId`, `signingKey`
 * (the `.p8` PEM whose public half checks the tokens; generated when absent) or `publicKey` (PEM:
 * only check tokens, the emulator then cannot hand out a key), `pageSize`, `products`, `transactions`.
 * It starts empty; reset(), which the server calls first, fills it from the seed.
 */
export class AppStoreFace {
  /** @type {{ bundleId: string, appAppleId: number, environment: 'Sandbox' | 'Production', keyId: string, issuerId: string, pageSize: number, reviewState: string, notificationUrl: string | null }} */
  config = { bundleId: '', appAppleId: 0, environment: 'Sandbox', keyId: '', issuerId: '', pageSize: 20, reviewState: 'APPROVED', notificationUrl: null };
  /** Seeded state is there from the start: nothing is sent for it. */
  quiet = false;
  /** @type {Map<string, Product>} */
  products = new Map();
  /** @type {Map<string, Transaction>} */
  transactions = new Map();
  /** @type {Map<string, Json>} originalTransactionId -> renewal info */
  renewals = new Map();
  /** @type {Map<string, AppTransaction>} customer -> app transaction */
  appTransactions = new Map();
  /** @type {Notification[]} */
  notifications = [];
  /** @type {Map<string, Notification>} token -> notification */
  testNotifications = new Map();
  /** @type {Map<string, Json>} requestIdentifier -> ExtendRenewalDateResponse */
  extendRequests = new Map();
  /** @type {Map<string, Json>} `${productId}/${requestIdentifier}` -> status */
  massExtensions = new Map();
  /** @type {Json[]} */
  consumption = [];
  /**
   * Retention messaging: images, messages, default messages (`${productId}/${locale}` -> message id), the realtime URL, performance tests.
   * @type {{ images: Map<string, Json>, messages: Map<string, Json>, defaults: Map<string, string>, realtimeURL: string | null, tests: Map<string, Json> }}
   */
  messaging = { images: new Map(), messages: new Map(), defaults: new Map(), realtimeURL: null, tests: new Map() };
  counter = 0;


  /**
   * @param {AppStoreSeed} options
   * @param {FaceContext} ctx
   */
  constructor(options = {}, ctx) {
    this.ctx = ctx; // { now(), resolveTime(value, start) }
    this.options = options;
    this.pki = createAppStorePki({ now: ctx.now() });
    if (options.publicKey && !options.signingKey) {
      this.apiKey = { publicKey: createPublicKey(options.publicKey), pem: null };
    } else if (options.signingKey) {
      const privateKey = createPrivateKey(options.signingKey);
      this.apiKey = { publicKey: createPublicKey(privateKey), pem: /** @type {string} a PEM export is text */ (privateKey.export({ type: 'pkcs8', format: 'pem' })) };
    } else {
      this.apiKey = createApiSigningKey();
    }
  }

  name = 'appStore';

  /** @param {string} path */
  matches(path) {
    return path.startsWith(PREFIX) || path.startsWith(ADVANCED_COMMERCE_PREFIX);
  }

  // ------------------------------------------------------------ state

  /**
   * @param {AppStoreSeed} [seed]
   * @param {number} [start]
   */
  reset(seed = {}, start = this.ctx.now()) {
    const o = { ...seed, ...this.options };
    this.config = {
      bundleId: o.bundleId ?? 'com.example.game',
      appAppleId: Number(o.appAppleId ?? 1234567890),
      environment: o.environment ?? 'Sandbox',
      keyId: o.keyId ?? 'EMULATOR01',
      issuerId: o.issuerId ?? 'e0e0e0e0-0000-4000-8000-00000000a001',
      pageSize: Number(o.pageSize ?? 20),
      reviewState: o.reviewState ?? 'APPROVED',
      notificationUrl: o.notificationUrl ?? null,
    };
    this.products = new Map((o.products ?? []).map((p) => [p.productId, { ...p }]));
    this.transactions = new Map();
    this.renewals = new Map();
    this.appTransactions = new Map();
    this.notifications = [];
    this.testNotifications = new Map();
    this.extendRequests = new Map();
    this.massExtensions = new Map();
    this.consumption = [];
    this.messaging = { images: new Map(), messages: new Map(), defaults: new Map(), realtimeURL: null, tests: new Map() };
    this.counter = 0;
    this.quiet = true;
    try {
      for (const t of o.transactions ?? []) this.addTransaction(t, start);
    } finally {
      this.quiet = false;
    }
  }

  /** @param {unknown} productId */
  product(productId) {
    const p = this.products.get(String(productId));
    if (!p) throw new RangeError(`no App Store product ${productId} (the seed's appStore.products)`);
    return p;
  }

  nextId() {
    /** @type {string} */
    let id;
    do {
      this.counter += 1;
      id = `2000000${String(900000000 + this.counter)}`;
    } while (this.transactions.has(id));
    return id;
  }

  /**
   * Adds a purchase as if the customer had bought it: `{ productId, customer?, transactionId?,
   * purchaseDate?, expiresDate?, orderId?, appAccountToken?, quantity?, finished?, revocationDate?,
   * revocationReason?, inAppOwnershipType?, storefront? }`, or a renewal when `originalTransactionId`
   * names an existing subscription. Times: epoch ms or offsets such as "-1h".
   * @param {Json} input checked here
   */
  addTransaction(input, start = this.ctx.now()) {
    const at = (/** @type {unknown} */ v) => this.ctx.resolveTime(v, start);
    const original = input.originalTransactionId !== undefined ? this.transactions.get(String(input.originalTransactionId)) : undefined;
    if (input.originalTransactionId !== undefined && !original) throw new RangeError(`no transaction ${input.originalTransactionId} to renew`);
    const product = this.product(input.productId ?? original?.productId);
    const transactionId = input.transactionId === undefined ? this.nextId() : String(input.transactionId);
    if (this.transactions.has(transactionId)) throw new RangeError(`transaction ${transactionId} exists`);
    const subscription = product.type === SUBSCRIPTION;
    const purchaseDate = at(input.purchaseDate) ?? (original ? this.latest(original.transactionId).expiresDate : null) ?? this.ctx.now();
    /** @type {Transaction} */
    const t = {
      transactionId,
      originalTransactionId: original?.transactionId ?? transactionId,
      customer: String(input.customer ?? original?.customer ?? 'customer-1'),
      productId: product.productId,
      type: product.type,
      subscriptionGroupIdentifier: product.subscriptionGroupIdentifier,
      webOrderLineItemId: subscription ? `2000000${digits(9)}` : undefined,
      purchaseDate,
      originalPurchaseDate: original?.purchaseDate ?? purchaseDate,
      expiresDate: subscription || product.type === TYPES.NON_RENEWABLE
        ? (at(input.expiresDate) ?? purchaseDate + Number(product.periodDays ?? 30) * DAY)
        : undefined,
      quantity: Number(input.quantity ?? 1),
      appAccountToken: input.appAccountToken ?? original?.appAccountToken,
      inAppOwnershipType: input.inAppOwnershipType ?? original?.inAppOwnershipType ?? 'PURCHASED',
      revocationDate: at(input.revocationDate) ?? undefined,
      revocationReason: input.revocationReason,
      storefront: input.storefront ?? original?.storefront ?? 'USA',
      storefrontId: input.storefrontId ?? original?.storefrontId ?? '143441',
      transactionReason: original ? 'RENEWAL' : 'PURCHASE',
      price: Number(input.price ?? product.price ?? 0),
      currency: input.currency ?? product.currency ?? 'USD',
      orderId: input.orderId ?? original?.orderId ?? orderId(),
      // Consumables the app has finished (delivered); history v1 leaves those out.
      finished: input.finished !== false,
      modifiedDate: purchaseDate,
      extensions: [],
    };
    if (t.revocationDate !== undefined && t.revocationReason === undefined) t.revocationReason = 0;
    if (t.revocationDate !== undefined) t.modifiedDate = Math.max(t.modifiedDate, t.revocationDate);
    this.transactions.set(transactionId, t);
    this.appTransaction(t.customer, purchaseDate);
    if (subscription) {
      const r = this.renewals.get(t.originalTransactionId) ?? {
        originalTransactionId: t.originalTransactionId, autoRenewStatus: 1, isInBillingRetryPeriod: false,
        recentSubscriptionStartDate: purchaseDate,
      };
      // A renewal that succeeds in the billing retry or grace period is a recovery.
      const recovered = original && (r.isInBillingRetryPeriod === true || r.gracePeriodExpiresDate !== undefined);
      Object.assign(r, { autoRenewProductId: product.productId, productId: product.productId, renewalDate: t.expiresDate, renewalPrice: t.price, currency: t.currency });
      if (original) Object.assign(r, { autoRenewStatus: 1, isInBillingRetryPeriod: false });
      delete r.gracePeriodExpiresDate;
      delete r.expirationIntent;
      this.renewals.set(t.originalTransactionId, r);
      if (recovered) {
        this.notify('DID_RENEW', 'BILLING_RECOVERY', t, purchaseDate);
        return this.describe(t);
      }
    }
    const type = subscription ? (original ? ['DID_RENEW'] : ['SUBSCRIBED', 'INITIAL_BUY']) : ['ONE_TIME_CHARGE'];
    this.notify(type[0], type[1], t, purchaseDate);
    if (t.revocationDate !== undefined) this.notify('REFUND', undefined, t, t.revocationDate);
    return this.describe(t);
  }

  /**
   * Refunds a transaction: `{ transactionId, revocationDate?, revocationReason? (0 other, 1 app issue) }`.
   * @param {Json | null | undefined} input checked here
   */
  refund(input) {
    const t = this.transactions.get(String(input?.transactionId));
    if (!t) throw new RangeError(`no transaction ${input?.transactionId}`);
    if (t.revocationDate !== undefined) throw new RangeError(`transaction ${t.transactionId} is already refunded`);
    t.revocationDate = this.ctx.resolveTime(input?.revocationDate, this.ctx.now()) ?? this.ctx.now();
    t.revocationReason = input?.revocationReason ?? 0;
    t.modifiedDate = this.ctx.now();
    this.notify('REFUND', undefined, t, t.revocationDate);
    return this.describe(t);
  }

  /**
   * Renews a subscription: `{ originalTransactionId, transactionId?, purchaseDate?, expiresDate? }`.
   * @param {Json | null | undefined} input checked here
   */
  renew(input) {
    const original = this.transactions.get(String(input?.originalTransactionId));
    if (!original || original.type !== SUBSCRIPTION) throw new RangeError(`no subscription ${input?.originalTransactionId}`);
    return this.addTransaction({ ...input, originalTransactionId: original.originalTransactionId });
  }

  /**
   * Changes a subscription's renewal info: autoRenewStatus, isInBillingRetryPeriod, gracePeriodExpiresDate, expirationIntent, autoRenewProductId.
   * @param {Json | null | undefined} input checked here
   */
  setRenewalInfo(input) {
    const r = this.renewals.get(String(input?.originalTransactionId));
    if (!r || !input) throw new RangeError(`no subscription ${input?.originalTransactionId}`);
    const autoRenewWas = r.autoRenewStatus;
    for (const k of ['autoRenewStatus', 'isInBillingRetryPeriod', 'expirationIntent', 'autoRenewProductId', 'priceIncreaseStatus']) {
      if (input[k] !== undefined) r[k] = input[k];
    }
    if (input.gracePeriodExpiresDate !== undefined) r.gracePeriodExpiresDate = this.ctx.resolveTime(input.gracePeriodExpiresDate, this.ctx.now());
    // The subscriber turned auto-renew off or on: Apple says so.
    if (input.autoRenewStatus !== undefined && Number(input.autoRenewStatus) !== Number(autoRenewWas)) {
      const last = this.latest(String(input.originalTransactionId));
      this.notify('DID_CHANGE_RENEWAL_STATUS', Number(input.autoRenewStatus) === 1 ? 'AUTO_RENEW_ENABLED' : 'AUTO_RENEW_DISABLED', last);
    }
    return { ...r };
  }

  /**
   * A renewal's payment failed: `{ originalTransactionId, gracePeriodDays? }`. With a grace period
   * the subscriber keeps access until its end (DID_FAIL_TO_RENEW, GRACE_PERIOD), else billing
   * retry begins (DID_FAIL_TO_RENEW).
   * @param {Json | null | undefined} input checked here
   */
  failRenewal(input) {
    const r = this.renewals.get(String(input?.originalTransactionId));
    if (!r || !input) throw new RangeError(`no subscription ${input?.originalTransactionId}`);
    const last = this.latest(String(input.originalTransactionId));
    r.isInBillingRetryPeriod = true;
    r.expirationIntent = 2;
    const graceDays = Number(input.gracePeriodDays ?? 0);
    if (graceDays > 0) r.gracePeriodExpiresDate = (last.expiresDate ?? this.ctx.now()) + graceDays * DAY;
    this.notify('DID_FAIL_TO_RENEW', graceDays > 0 ? 'GRACE_PERIOD' : undefined, last);
    return { ...r };
  }

  /**
   * A subscription ends: `{ originalTransactionId, reason? (VOLUNTARY, BILLING_RETRY, PRICE_INCREASE,
   * PRODUCT_NOT_FOR_SALE) }`: EXPIRED with the reason as subtype (GRACE_PERIOD_EXPIRED first when a
   * grace period was running). Its last transaction's expiry is moved to now when it was later.
   * @param {Json | null | undefined} input checked here
   */
  expire(input) {
    const r = this.renewals.get(String(input?.originalTransactionId));
    if (!r || !input) throw new RangeError(`no subscription ${input?.originalTransactionId}`);
    const reasons = { VOLUNTARY: 1, BILLING_RETRY: 2, PRICE_INCREASE: 3, PRODUCT_NOT_FOR_SALE: 4 };
    const reason = /** @type {keyof typeof reasons} */ (input.reason ?? (r.isInBillingRetryPeriod ? 'BILLING_RETRY' : 'VOLUNTARY'));
    if (!Object.hasOwn(reasons, reason)) throw new RangeError(`reason must be one of ${Object.keys(reasons).join(', ')}`);
    const last = this.latest(String(input.originalTransactionId));
    const now = this.ctx.now();
    if ((last.expiresDate ?? 0) > now) {
      last.expiresDate = now;
      last.modifiedDate = now;
    }
    if (r.gracePeriodExpiresDate !== undefined) {
      delete r.gracePeriodExpiresDate;
      this.notify('GRACE_PERIOD_EXPIRED', undefined, last);
    }
    Object.assign(r, { autoRenewStatus: 0, isInBillingRetryPeriod: false, expirationIntent: reasons[reason] });
    this.notify('EXPIRED', reason, last);
    return { ...r };
  }

  /**
   * The customer asked Apple for a refund of a consumable (or any purchase): Apple asks the
   * developer for consumption information (CONSUMPTION_REQUEST). `{ transactionId, reason? }`.
   * Answer it with the Send Consumption Information endpoint; settle it with refund() or declineRefund().
   * @param {Json | null | undefined} input checked here
   */
  requestRefund(input) {
    const t = this.transactions.get(String(input?.transactionId));
    if (!t) throw new RangeError(`no transaction ${input?.transactionId}`);
    const n = this.notify('CONSUMPTION_REQUEST', undefined, t, this.ctx.now(), { consumptionRequestReason: input?.reason ?? 'UNINTENDED_PURCHASE' });
    return { notificationUUID: n.notificationUUID, transactionId: t.transactionId };
  }

  /**
   * Apple decided against the refund the customer asked for (REFUND_DECLINED). `{ transactionId }`.
   * @param {Json | null | undefined} input checked here
   */
  declineRefund(input) {
    const t = this.transactions.get(String(input?.transactionId));
    if (!t) throw new RangeError(`no transaction ${input?.transactionId}`);
    const n = this.notify('REFUND_DECLINED', undefined, t);
    return { notificationUUID: n.notificationUUID, transactionId: t.transactionId };
  }

  /**
   * The customer's app transaction (made on first use; the app was bought a day before the first purchase).
   * @param {string} customer
   * @param {number} [at]
   * @returns {AppTransaction}
   */
  appTransaction(customer, at) {
    const known = this.appTransactions.get(customer);
    if (known && at !== undefined && at - DAY < known.originalPurchaseDate) known.originalPurchaseDate = at - DAY;
    if (!known) {
      this.appTransactions.set(customer, {
        appTransactionId: `70${digits(16)}`,
        // A customer's app transaction is made with their first purchase, at its date.
        originalPurchaseDate: /** @type {number} */ (at) - DAY,
        deviceVerification: randomBytes(48).toString('base64'),
        deviceVerificationNonce: randomUUID(),
      });
    }
    return /** @type {AppTransaction} */ (this.appTransactions.get(customer));
  }

  /**
   * The last transaction of a subscription (by purchase date).
   * @param {string} originalTransactionId
   */
  latest(originalTransactionId) {
    return [...this.transactions.values()]
      .filter((t) => t.originalTransactionId === originalTransactionId)
      .reduce((a, b) => (b.purchaseDate >= a.purchaseDate ? b : a));
  }

  /** @param {Transaction} t */
  describe(t) {
    const { extensions, ...rest } = t;
    return { ...rest, extensions: extensions.length };
  }

  state() {
    return {
      ...this.config,
      transactions: [...this.transactions.values()].map((t) => this.describe(t)),
      renewals: [...this.renewals.values()],
      notifications: this.notifications.map(({ signedPayload, ...n }) => n),
      consumption: this.consumption,
      messaging: {
        images: [...this.messaging.images.values()],
        messages: [...this.messaging.messages.values()],
        defaults: Object.fromEntries(this.messaging.defaults),
        realtimeURL: this.messaging.realtimeURL,
      },
      finished: [...this.transactions.values()].filter((t) => t.finishedByServer).map((t) => t.transactionId),
    };
  }

  /** Public parts for clients: credentials, the root to trust, the `.p8` key (when it has one). */
  info() {
    return {
      keyId: this.config.keyId,
      issuerId: this.config.issuerId,
      bundleId: this.config.bundleId,
      appAppleId: this.config.appAppleId,
      environment: this.config.environment,
      signingKey: this.apiKey.pem,
      rootCertificate: new Uint8Array(this.pki.root.der),
      rootCertificatePem: pem(this.pki.root.der),
    };
  }

  // ------------------------------------------------------------ signed data

  /** @param {Transaction} t */
  transactionPayload(t) {
    return dropUndefined({
      transactionId: t.transactionId, originalTransactionId: t.originalTransactionId, webOrderLineItemId: t.webOrderLineItemId,
      bundleId: this.config.bundleId, productId: t.productId, subscriptionGroupIdentifier: t.subscriptionGroupIdentifier,
      purchaseDate: t.purchaseDate, originalPurchaseDate: t.originalPurchaseDate, expiresDate: t.expiresDate, quantity: t.quantity,
      type: t.type, appAccountToken: t.appAccountToken, inAppOwnershipType: t.inAppOwnershipType, signedDate: this.ctx.now(),
      revocationReason: t.revocationDate !== undefined ? t.revocationReason : undefined, revocationDate: t.revocationDate,
      isUpgraded: t.type === SUBSCRIPTION ? false : undefined, environment: this.config.environment,
      transactionReason: t.transactionReason, storefront: t.storefront, storefrontId: t.storefrontId, price: t.price,
      currency: t.currency, appTransactionId: this.appTransaction(t.customer).appTransactionId,
    });
  }

  /** @param {Transaction} t */
  signTransaction(t) {
    return this.pki.signJws(this.transactionPayload(t));
  }

  /** @param {string} originalTransactionId a subscription's */
  signRenewal(originalTransactionId) {
    const r = this.renewals.get(originalTransactionId);
    const customer = /** @type {Transaction} */ (this.transactions.get(originalTransactionId)).customer;
    return this.pki.signJws(dropUndefined({
      ...r, signedDate: this.ctx.now(), environment: this.config.environment,
      appTransactionId: this.appTransaction(customer).appTransactionId,
    }));
  }

  /**
   * @param {string} notificationType
   * @param {string | undefined} subtype
   * @param {Transaction | undefined} t
   * @param {number} [at]
   * @param {Json} [extra] more fields of `data` (a consumption request's reason)
   */
  notify(notificationType, subtype, t, at, extra = {}) {
    const signedDate = Math.min(at ?? this.ctx.now(), this.ctx.now());
    const data = dropUndefined({
      ...extra,
      appAppleId: this.config.appAppleId, bundleId: this.config.bundleId, bundleVersion: '1', environment: this.config.environment,
      signedTransactionInfo: t ? this.signTransaction(t) : undefined,
      signedRenewalInfo: t?.type === SUBSCRIPTION ? this.signRenewal(t.originalTransactionId) : undefined,
      status: t?.type === SUBSCRIPTION ? this.subscriptionStatus(t.originalTransactionId) : undefined,
    });
    const notificationUUID = randomUUID();
    const payload = dropUndefined({ notificationType, subtype, notificationUUID, data, version: '2.0', signedDate });
    /** @type {Notification} */
    const n = {
      notificationType, subtype, notificationUUID, signedDate, customer: t?.customer,
      transactionId: t?.transactionId, signedPayload: this.pki.signJws(payload),
      // Each delivery attempt to the notification URL, as Apple's notification history reports them.
      sendAttempts: [],
    };
    this.notifications.push(n);
    this.notifications.sort((a, b) => a.signedDate - b.signedDate);
    if (!this.quiet) this.send(n, payload);
    return n;
  }

  /**
   * POSTs `{"signedPayload"}` to the notification URL (retried as Apple retries, ./emulator-notify.js).
   * @param {Notification} n
   * @param {Json} payload the signed payload's JSON (a forged copy changes it)
   */
  send(n, payload) {
    const now = () => this.ctx.now();
    this.ctx.notifier.send({
      store: 'appStore', kind: 'APP_STORE_NOTIFICATION', type: n.subtype ? `${n.notificationType}/${n.subtype}` : n.notificationType,
      notificationId: n.notificationUUID, url: this.config.notificationUrl, body: { signedPayload: n.signedPayload },
      retrySchedule: this.options.retrySchedule,
      onAttempt: (a) => n.sendAttempts.push({ attemptDate: now(), sendAttemptResult: attemptResult(a) }),
      forge: (how = 'signature') => {
        if (how === 'chain') {
          // Signed by a PKI of the same shape whose root nobody trusts.
          return { how, body: { signedPayload: createAppStorePki({ now: now(), organization: 'not Apple' }).signJws(payload) } };
        }
        if (how !== 'signature') throw new RangeError('an App Store notification is forged by "signature" or "chain"');
        // Another payload under the original signature: a new notificationUUID, so no de-duplication hides it.
        const [head, , sig] = n.signedPayload.split('.');
        return { how, body: { signedPayload: `${head}.${b64url({ ...payload, notificationUUID: randomUUID() })}.${sig}` } };
      },
    });
  }

  /** @param {string} originalTransactionId */
  subscriptionStatus(originalTransactionId) {
    const last = this.latest(originalTransactionId);
    const r = this.renewals.get(originalTransactionId) ?? {};
    const now = this.ctx.now();
    if (last.revocationDate !== undefined) return 5;
    if ((last.expiresDate ?? 0) > now) return 1;
    if (r.gracePeriodExpiresDate > now) return 4;
    if (r.isInBillingRetryPeriod) return 3;
    return 2;
  }

  // ------------------------------------------------------------ auth

  /**
   * Why the bearer token is refused, or null when it passes.
   * @param {string | undefined} header
   */
  checkToken(header) {
    const m = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(header ?? '');
    if (!m) return 'no Bearer token of three base64url parts';
    const [h, c] = [fromB64url(m[1]), fromB64url(m[2])];
    if (!h || typeof h !== 'object' || !c || typeof c !== 'object') return 'the token header or claims are not JSON objects';
    if (h.alg !== 'ES256') return `alg ${h.alg} (ES256 expected)`;
    if (h.typ !== 'JWT') return `typ ${h.typ} (JWT expected)`;
    if (h.kid !== this.config.keyId) return 'kid is not the key id';
    const ok = verify('sha256', Buffer.from(`${m[1]}.${m[2]}`), { key: this.apiKey.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(m[3], 'base64url'));
    if (!ok) return 'the signature does not verify with the key';
    if (c.iss !== this.config.issuerId) return 'iss is not the issuer id';
    if (c.aud !== AUDIENCE) return `aud ${c.aud} (${AUDIENCE} expected)`;
    if (c.bid !== this.config.bundleId) return 'bid is not the bundle id';
    const now = Math.floor(this.ctx.now() / 1000);
    if (!Number.isInteger(c.iat) || !Number.isInteger(c.exp)) return 'iat and exp must be integers (seconds)';
    if (c.iat > now + TOKEN_LEEWAY_S) return 'iat is in the future';
    if (c.exp < now - TOKEN_LEEWAY_S) return 'the token has expired';
    if (c.exp - c.iat > 3600) return 'exp is more than an hour after iat';
    if (c.exp <= c.iat) return 'exp is not after iat';
    return null;
  }

  // ------------------------------------------------------------ routes

  /**
   * The reply of a fault `status`: Apple's bodies for 429 and 500, a proxy's HTML page otherwise.
   * @param {number} status
   */
  faultReply(status) {
    if (status === 429) return apiError(E.rateLimit);
    if (status === 500) return apiError(E.internalRetryable);
    return null;
  }

  /**
   * @param {Request} req
   * @param {string} path
   * @param {URLSearchParams} query
   * @param {Json | undefined} body
   * @param {LogEntry} entry
   * @returns {FaceReply}
   */
  route(req, path, query, body, entry) {
    const refused = this.checkToken(req.headers.authorization);
    if (refused) {
      const reason = refused.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
      entry.authError = reason;
      // Apple's 401 is text, no errorCode; the reason is the emulator's addition.
      return { status: 401, body: `Unauthenticated\n\nRequest ID: ${randomBytes(13).toString('hex').toUpperCase()}.0.0`, headers: { 'Content-Type': 'text/plain', 'X-Emulator-Reason': reason } };
    }
    const m = req.method;
    if (path.startsWith(ADVANCED_COMMERCE_PREFIX)) return this.advancedCommerce(String(m), path.slice(ADVANCED_COMMERCE_PREFIX.length).split('/').map((s) => decodeURIComponent(s)), body);
    const seg = path.slice(PREFIX.length).split('/').map((s) => decodeURIComponent(s));
    const is = (/** @type {string} */ method, /** @type {string[]} */ ...pattern) => m === method && seg.length === pattern.length && pattern.every((p, i) => p === '*' || p === seg[i]);
    if (is('GET', 'v1', 'transactions', 'appTransactions', '*')) return this.appTransactionInfo(seg[3]);
    if (is('PUT', 'v1', 'transactions', 'consumption', '*')) return this.consumptionV1(seg[3], body);
    if (is('PUT', 'v2', 'transactions', 'consumption', '*')) return this.consumptionV2(seg[3], body);
    if (is('PUT', 'v1', 'transactions', '*', 'appAccountToken')) return this.setAppAccountToken(seg[2], body);
    if (is('GET', 'v1', 'transactions', '*')) return this.transactionInfo(seg[2]);
    if (is('GET', '*', 'history', '*') && (seg[0] === 'v1' || seg[0] === 'v2')) return this.history(seg[0], seg[2], query);
    if (is('POST', 'v1', 'subscriptions', 'extend', 'mass')) return this.massExtend(body);
    if (is('GET', 'v1', 'subscriptions', 'extend', 'mass', '*', '*')) return this.massExtendStatus(seg[4], seg[5]);
    if (is('PUT', 'v1', 'subscriptions', 'extend', '*')) return this.extend(seg[3], body);
    if (is('GET', 'v1', 'subscriptions', '*')) return this.statuses(seg[2], query);
    if (is('GET', 'v1', 'lookup', '*')) return this.lookUpOrder(seg[2]);
    if (is('GET', 'v2', 'refund', 'lookup', '*')) return this.refundHistory(seg[3], query);
    if (is('POST', 'v1', 'notifications', 'history')) return this.notificationHistory(query, body);
    if (is('POST', 'v1', 'notifications', 'test')) return this.requestTestNotification();
    if (is('GET', 'v1', 'notifications', 'test', '*')) return this.testNotificationStatus(seg[3]);
    if (is('POST', 'v1', 'transactions', '*', 'finish')) return this.finish(seg[2]);
    if (seg[0] === 'v1' && seg[1] === 'messaging') {
      const r = this.messagingRoute(String(m), seg.slice(2), query, body, req.headers);
      if (r) return r;
    }
    return { status: 404, body: `no App Store Server API route ${m} ${path}`, headers: { 'Content-Type': 'text/plain' } };
  }

  /**
   * The transaction `id` names, or an error reply.
   * @param {string} id
   * @returns {Transaction | FaceReply}
   */
  find(id, { original = false } = {}) {
    if (!/^\d{1,20}$/.test(id)) return apiError(original ? E.originalTransactionId : E.transactionId);
    const t = this.transactions.get(id);
    if (!t) return apiError(original ? E.originalNotFound : E.notFound);
    return t;
  }

  /** @param {string} customer */
  customerTransactions(customer) {
    return [...this.transactions.values()].filter((t) => t.customer === customer);
  }

  /** @param {string} id */
  transactionInfo(id) {
    const t = this.find(id);
    if (isReply(t)) return t;
    return json({ signedTransactionInfo: this.signTransaction(t) });
  }

  /**
   * One page of `list` from the offset in `revision` (opaque to clients; the emulator's encoding).
   * @template T
   * @param {T[]} list
   * @param {string | null | undefined} revision
   * @param {string} key
   */
  page(list, revision, key) {
    let offset = 0;
    if (revision !== null && revision !== undefined) {
      const r = fromB64url(revision);
      if (!r || r.k !== key || !Number.isInteger(r.o) || r.o < 0) return null;
      offset = r.o;
    }
    const items = list.slice(offset, offset + this.config.pageSize);
    const next = offset + items.length;
    return { items, hasMore: next < list.length, revision: b64url({ k: key, o: next }) };
  }

  /**
   * @param {string} version
   * @param {string} id
   * @param {URLSearchParams} query
   */
  history(version, id, query) {
    const t = this.find(id);
    if (isReply(t)) return t;
    let list = this.customerTransactions(t.customer);
    const startDate = query.get('startDate');
    const endDate = query.get('endDate');
    if (startDate !== null && !/^\d+$/.test(startDate)) return apiError(E.startDate);
    if (endDate !== null && !/^\d+$/.test(endDate)) return apiError(E.endDate);
    if (startDate !== null && endDate !== null && Number(startDate) > Number(endDate)) return apiError(E.startAfterEnd);
    if (startDate !== null) list = list.filter((x) => x.purchaseDate >= Number(startDate));
    if (endDate !== null) list = list.filter((x) => x.purchaseDate < Number(endDate));
    const productIds = query.getAll('productId');
    if (productIds.length) list = list.filter((x) => productIds.includes(x.productId));
    const productTypes = query.getAll('productType');
    if (productTypes.some((p) => !(p in TYPES))) return apiError(E.productType);
    if (productTypes.length) list = list.filter((x) => productTypes.some((p) => TYPES[/** @type {keyof typeof TYPES} checked above */ (p)] === x.type));
    const groups = query.getAll('subscriptionGroupIdentifier');
    if (groups.length) list = list.filter((x) => x.subscriptionGroupIdentifier !== undefined && groups.includes(x.subscriptionGroupIdentifier));
    const ownership = query.get('inAppOwnershipType');
    if (ownership !== null && !['FAMILY_SHARED', 'PURCHASED'].includes(ownership)) return apiError(E.ownership);
    if (ownership !== null) list = list.filter((x) => x.inAppOwnershipType === ownership);
    const revoked = query.get('revoked');
    if (revoked !== null && !['true', 'false'].includes(revoked)) return apiError(E.revoked);
    if (revoked !== null) list = list.filter((x) => (x.revocationDate !== undefined) === (revoked === 'true'));
    if (version === 'v1') list = list.filter((x) => x.type !== TYPES.CONSUMABLE || !x.finished || x.revocationDate !== undefined);
    const sort = query.get('sort') ?? 'ASCENDING';
    if (!['ASCENDING', 'DESCENDING'].includes(sort)) return apiError(E.sort);
    list.sort((a, b) => a.modifiedDate - b.modifiedDate || a.transactionId.localeCompare(b.transactionId));
    if (sort === 'DESCENDING') list.reverse();
    // The revision is bound to the customer and the query (other than itself).
    const filters = new URLSearchParams(query);
    filters.delete('revision');
    const p = this.page(list, query.get('revision'), `${version}:${t.customer}:${filters}`);
    if (!p) return apiError(E.revision);
    return json({
      revision: p.revision, bundleId: this.config.bundleId, appAppleId: this.config.appAppleId, environment: this.config.environment,
      hasMore: p.hasMore, signedTransactions: p.items.map((x) => this.signTransaction(x)),
    });
  }

  /**
   * @param {string} id
   * @param {URLSearchParams} query
   */
  statuses(id, query) {
    const t = this.find(id);
    if (isReply(t)) return t;
    const wanted = query.getAll('status');
    if (wanted.some((s) => !['1', '2', '3', '4', '5'].includes(s))) return apiError(E.status);
    /** @type {Map<string | undefined, Json[]>} */
    const groups = new Map();
    const originals = new Set(this.customerTransactions(t.customer).filter((x) => x.type === SUBSCRIPTION).map((x) => x.originalTransactionId));
    for (const original of originals) {
      const status = this.subscriptionStatus(original);
      if (wanted.length && !wanted.includes(String(status))) continue;
      const last = this.latest(original);
      const group = last.subscriptionGroupIdentifier;
      const members = groups.get(group) ?? [];
      groups.set(group, members);
      members.push({ status, originalTransactionId: original, signedTransactionInfo: this.signTransaction(last), signedRenewalInfo: this.signRenewal(original) });
    }
    return json({
      environment: this.config.environment, bundleId: this.config.bundleId, appAppleId: this.config.appAppleId,
      data: [...groups].map(([subscriptionGroupIdentifier, lastTransactions]) => ({ subscriptionGroupIdentifier, lastTransactions })),
    });
  }

  /** @param {string} id */
  lookUpOrder(id) {
    const list = [...this.transactions.values()].filter((t) => t.orderId === id);
    return json({ status: list.length ? 0 : 1, signedTransactions: list.map((t) => this.signTransaction(t)) });
  }

  /**
   * @param {string} id
   * @param {URLSearchParams} query
   */
  refundHistory(id, query) {
    const t = this.find(id);
    if (isReply(t)) return t;
    const list = this.customerTransactions(t.customer)
      .filter((x) => x.revocationDate !== undefined)
      .sort((a, b) => (a.revocationDate ?? 0) - (b.revocationDate ?? 0) || a.transactionId.localeCompare(b.transactionId));
    const p = this.page(list, query.get('revision'), `refund:${t.customer}`);
    if (!p) return apiError(E.revision);
    return json({ signedTransactions: p.items.map((x) => this.signTransaction(x)), revision: p.revision, hasMore: p.hasMore });
  }

  /**
   * @param {string} id
   * @param {Json | undefined} body
   */
  consumptionV1(id, body) {
    const t = this.find(id);
    if (isReply(t)) return t;
    // ConsumptionRequest (v1): Apple marks every field but refundPreference as required.
    const b = body && typeof body === 'object' ? body : {};
    if (b.customerConsented !== true) return apiError(E.consented);
    if (!intIn(b.consumptionStatus, 0, 3)) return apiError(E.consumptionStatus);
    if (!intIn(b.platform, 0, 2)) return apiError(E.platform);
    if (typeof b.sampleContentProvided !== 'boolean') return apiError(E.sampleContent);
    if (!intIn(b.deliveryStatus, 0, 5)) return apiError(E.deliveryStatus);
    if (typeof b.appAccountToken !== 'string' || (b.appAccountToken !== '' && !UUID.test(b.appAccountToken))) return apiError(E.appAccountTokenV1);
    if (!intIn(b.accountTenure, 0, 7)) return apiError(E.accountTenure);
    if (!intIn(b.playTime, 0, 7)) return apiError(E.playTime);
    if (!intIn(b.lifetimeDollarsRefunded, 0, 7)) return apiError(E.lifetimeRefunded);
    if (!intIn(b.lifetimeDollarsPurchased, 0, 7)) return apiError(E.lifetimePurchased);
    if (!intIn(b.userStatus, 0, 4)) return apiError(E.userStatus);
    if (b.refundPreference !== undefined && !intIn(b.refundPreference, 0, 3)) return apiError(E.badRequest);
    this.consumption.push({ transactionId: t.transactionId, version: 'v1', request: b, at: this.ctx.now() });
    return empty(202);
  }

  /**
   * @param {string} id
   * @param {Json | undefined} body
   */
  consumptionV2(id, body) {
    const t = this.find(id);
    if (isReply(t)) return t;
    const b = body && typeof body === 'object' ? body : {};
    if (b.customerConsented !== true) return apiError(E.consented);
    if (typeof b.sampleContentProvided !== 'boolean') return apiError(E.sampleContent);
    const delivery = ['DELIVERED', 'UNDELIVERED_QUALITY_ISSUE', 'UNDELIVERED_WRONG_ITEM', 'UNDELIVERED_SERVER_OUTAGE', 'UNDELIVERED_OTHER'];
    if (!delivery.includes(b.deliveryStatus)) return apiError(E.deliveryStatus);
    if (b.consumptionPercentage !== undefined && !intIn(b.consumptionPercentage, 0, 100000)) return apiError(E.badRequest);
    if (b.refundPreference !== undefined && !['DECLINE', 'GRANT_FULL', 'GRANT_PRORATED'].includes(b.refundPreference)) return apiError(E.badRequest);
    this.consumption.push({ transactionId: t.transactionId, version: 'v2', request: b, at: this.ctx.now() });
    return empty(202);
  }

  /**
   * @param {string} id
   * @param {Json | undefined} body
   */
  extend(id, body) {
    const t = this.find(id, { original: true });
    if (isReply(t)) return t;
    const b = body && typeof body === 'object' ? body : {};
    const invalid = checkExtension(b);
    if (invalid) return invalid;
    if (this.extendRequests.has(b.requestIdentifier)) return json(this.extendRequests.get(b.requestIdentifier));
    if (t.originalTransactionId !== t.transactionId || t.type !== SUBSCRIPTION) return apiError(E.originalNotFound);
    const result = this.extendOne(t, b);
    if (result.error) return apiError(result.error);
    this.extendRequests.set(b.requestIdentifier, result.response);
    return json(result.response);
  }

  /**
   * Extends one subscription by `extendByDays`: Apple allows two extensions a year, active ones only.
   * @param {Transaction} original
   * @param {Json} b checked (checkExtension)
   * @returns {{ error: [number, number, string], response?: undefined } | { response: Json, error?: undefined }}
   */
  extendOne(original, b) {
    const now = this.ctx.now();
    if (original.inAppOwnershipType === 'FAMILY_SHARED') return { error: E.familyExtension };
    const last = this.latest(original.transactionId);
    if (last.revocationDate !== undefined || !((last.expiresDate ?? 0) > now)) return { error: E.ineligible };
    const recent = original.extensions.filter((at) => at > now - 365 * DAY);
    if (recent.length >= 2) return { error: E.maxExtension };
    original.extensions.push(now);
    // An active subscription's last transaction has its expiry (checked above).
    last.expiresDate = /** @type {number} */ (last.expiresDate) + b.extendByDays * DAY;
    last.modifiedDate = now;
    /** @type {Json} */ (this.renewals.get(original.transactionId)).renewalDate = last.expiresDate;
    this.notify('RENEWAL_EXTENDED', undefined, last, now);
    return { response: { originalTransactionId: original.transactionId, webOrderLineItemId: last.webOrderLineItemId, success: true, effectiveDate: last.expiresDate } };
  }

  /** @param {Json | undefined} body */
  massExtend(body) {
    const b = body && typeof body === 'object' ? body : {};
    const invalid = checkExtension(b);
    if (invalid) return invalid;
    const product = this.products.get(b.productId);
    if (!product || product.type !== SUBSCRIPTION) return apiError(E.productId);
    const codes = b.storefrontCountryCodes;
    if (codes !== undefined && (!Array.isArray(codes) || codes.some((/** @type {unknown} */ c) => typeof c !== 'string' || !/^[A-Z]{3}$/.test(c)))) return apiError(E.storefront);
    const key = `${b.productId}/${b.requestIdentifier}`;
    if (!this.massExtensions.has(key)) {
      let succeededCount = 0;
      let failedCount = 0;
      const originals = [...this.transactions.values()].filter((t) => t.type === SUBSCRIPTION && t.transactionId === t.originalTransactionId);
      for (const o of originals) {
        const last = this.latest(o.transactionId);
        if (last.productId !== b.productId || !((last.expiresDate ?? 0) > this.ctx.now()) || last.revocationDate !== undefined) continue;
        if (codes && !codes.includes(last.storefront)) continue;
        if (this.extendOne(o, b).error) failedCount += 1;
        else succeededCount += 1;
      }
      // Apple works through mass extensions over hours; the emulator finishes at once.
      this.massExtensions.set(key, { requestIdentifier: b.requestIdentifier, complete: true, completeDate: this.ctx.now(), succeededCount, failedCount });
    }
    return json({ requestIdentifier: b.requestIdentifier });
  }

  /**
   * @param {string} productId
   * @param {string} requestIdentifier
   */
  massExtendStatus(productId, requestIdentifier) {
    const s = this.massExtensions.get(`${productId}/${requestIdentifier}`);
    return s ? json(s) : apiError(E.statusNotFound);
  }

  /**
   * @param {URLSearchParams} query
   * @param {Json | undefined} body
   */
  notificationHistory(query, body) {
    const b = body && typeof body === 'object' ? body : {};
    const now = this.ctx.now();
    if (!Number.isInteger(b.startDate)) return apiError(E.startDate);
    if (!Number.isInteger(b.endDate)) return apiError(E.endDate);
    if (b.startDate > b.endDate) return apiError(E.startAfterEnd);
    if (b.startDate < now - 180 * DAY) return apiError(E.startTooOld);
    if (b.notificationType !== undefined && !NOTIFICATION_TYPES.has(b.notificationType)) return apiError(E.notificationType);
    if (b.notificationType !== undefined && b.transactionId !== undefined) return apiError(E.multipleFilters);
    let list = this.notifications.filter((n) => n.signedDate >= b.startDate && n.signedDate <= b.endDate);
    if (b.notificationType !== undefined) list = list.filter((n) => n.notificationType === b.notificationType);
    if (b.notificationSubtype !== undefined) list = list.filter((n) => n.subtype === b.notificationSubtype);
    if (b.transactionId !== undefined) {
      const t = this.find(String(b.transactionId));
      if (isReply(t)) return t;
      list = list.filter((n) => n.customer === t.customer);
    }
    if (b.onlyFailures === true) list = list.filter((n) => n.sendAttempts.some((a) => a.sendAttemptResult !== 'SUCCESS'));
    const p = this.page(list, query.get('paginationToken'), `notifications:${JSON.stringify(b)}`);
    if (!p) return apiError(E.paginationToken);
    return json(dropUndefined({
      notificationHistory: p.items.map((n) => ({ signedPayload: n.signedPayload, sendAttempts: n.sendAttempts })),
      hasMore: p.hasMore,
      paginationToken: p.hasMore ? p.revision : undefined,
    }));
  }

  requestTestNotification() {
    const n = this.notify('TEST', undefined, undefined, this.ctx.now());
    const token = `${randomUUID()}_${this.ctx.now()}`;
    this.testNotifications.set(token, n);
    return json({ testNotificationToken: token });
  }

  /** @param {string} token */
  testNotificationStatus(token) {
    if (!/^[0-9a-f-]{36}_\d+$/i.test(token)) return apiError(E.testToken);
    const n = this.testNotifications.get(token);
    return n ? json({ signedPayload: n.signedPayload, sendAttempts: n.sendAttempts }) : apiError(E.testNotFound);
  }

  /**
   * @param {string} id
   * @param {Json | undefined} body
   */
  setAppAccountToken(id, body) {
    const t = this.find(id, { original: true });
    if (isReply(t)) return /** @type {Json} */ (t.body).errorCode === E.originalNotFound[1] ? apiError(E.notFound) : t;
    const token = body?.appAccountToken;
    if (typeof token !== 'string' || !UUID.test(token)) return apiError(E.appAccountToken);
    if (t.originalTransactionId !== t.transactionId) return apiError(E.notOriginal);
    if (t.inAppOwnershipType === 'FAMILY_SHARED') return apiError(E.familyToken);
    for (const x of this.transactions.values()) {
      if (x.originalTransactionId === t.transactionId) {
        x.appAccountToken = token;
        x.modifiedDate = this.ctx.now();
      }
    }
    return empty(200);
  }

  /** @param {string} id */
  appTransactionInfo(id) {
    // Any transaction id of the customer, or the app transaction id itself.
    const byApp = [...this.appTransactions].find(([, a]) => a.appTransactionId === id);
    let customer = byApp?.[0];
    if (!customer) {
      const t = this.find(id);
      if (isReply(t)) return t;
      customer = t.customer;
    }
    const a = this.appTransaction(customer);
    const now = this.ctx.now();
    return json({
      signedAppTransactionInfo: this.pki.signJws({
        receiptType: this.config.environment, appAppleId: this.config.appAppleId, bundleId: this.config.bundleId,
        applicationVersion: '1', versionExternalIdentifier: 0, receiptCreationDate: now, requestDate: now,
        originalPurchaseDate: a.originalPurchaseDate, originalApplicationVersion: '1', deviceVerification: a.deviceVerification,
        deviceVerificationNonce: a.deviceVerificationNonce, appTransactionId: a.appTransactionId, originalPlatform: 'iOS', signedDate: now,
      }),
    });
  }

  /**
   * The Advanced Commerce API's six calls (Apple's documentation: `POST`, a request with
   * `requestInfo.requestReferenceId`, answered with the transaction's and, for a subscription, its
   * renewal info, signed). What each changes is the emulator's reading of Apple's words: cancel
   * turns renewal off, revoke and requestRefund refund the transaction, changeMetadata / changePrice
   * / migrate answer with the signed data unchanged (the emulator has no Advanced Commerce catalog).
   * @param {string} m
   * @param {string[]} seg after /advancedCommerce/v1/
   * @param {Json | undefined} body
   * @returns {FaceReply}
   */
  advancedCommerce(m, seg, body) {
    const [scope, action, id, ...extra] = seg;
    const known = scope === 'subscription' ? ['cancel', 'changeMetadata', 'changePrice', 'migrate', 'revoke'] : scope === 'transaction' ? ['requestRefund'] : [];
    if (m !== 'POST' || extra.length > 0 || !known.includes(action) || id === undefined) {
      return { status: 404, body: `no Advanced Commerce API route ${m} /advancedCommerce/v1/${seg.join('/')}`, headers: { 'Content-Type': 'text/plain' } };
    }
    const info = body && typeof body === 'object' && !Array.isArray(body) ? body.requestInfo : undefined;
    if (!info || typeof info !== 'object' || typeof /** @type {Json} */ (info).requestReferenceId !== 'string') return apiError(E.badRequest);
    const t = this.find(id);
    if (isReply(t)) return t;
    if (scope === 'subscription' && t.type !== SUBSCRIPTION) return apiError(E.transactionId);
    if (action === 'cancel') this.setRenewalInfo({ originalTransactionId: t.originalTransactionId, autoRenewStatus: 0 });
    if ((action === 'revoke' || action === 'requestRefund') && t.revocationDate === undefined) this.refund({ transactionId: t.transactionId });
    return json(dropUndefined({
      signedTransactionInfo: this.signTransaction(t),
      signedRenewalInfo: t.type === SUBSCRIPTION ? this.signRenewal(t.originalTransactionId) : undefined,
    }));
  }

  /** @param {string} id */
  finish(id) {
    const t = this.find(id);
    if (isReply(t)) return t;
    t.finished = true;
    t.finishedByServer = true;
    return empty(200);
  }

  // ------------------------------------------------------------ retention messaging
  //
  // Apple's documentation: identifiers are lowercase UUIDs you choose; images are PNG; a header
  // holds at most 66 characters, a body 144, a message at most 5 bullet points; a default message
  // is per product and locale and must be an approved message; the realtime URL is your Get
  // Retention Message endpoint. The emulator's choices: uploads are approved at once (Apple
  // reviews them, PENDING_REVIEW until then; the seed's `appStore.reviewState` sets another
  // state), alt text holds at most 150 characters, and a performance test stays PENDING: the
  // emulator never calls your endpoint.

  /**
   * @param {string} m the method
   * @param {string[]} seg the path's segments after /v1/messaging/
   * @param {URLSearchParams} query
   * @param {Json | undefined} body
   * @param {import('node:http').IncomingHttpHeaders} headers
   * @returns {FaceReply | null}
   */
  messagingRoute(m, seg, query, body, headers) {
    const r = this.messaging;
    const [what, id, locale, ...rest] = seg;
    const lowerUuid = (/** @type {string} */ v) => UUID.test(v) && v === v.toLowerCase();
    if (what === 'image' && id === 'list' && seg.length === 2 && m === 'GET') return json({ imageIdentifiers: [...r.images.values()] });
    if (what === 'message' && id === 'list' && seg.length === 2 && m === 'GET') return json({ messageIdentifiers: [...r.messages.values()].map(({ messageIdentifier, messageState }) => ({ messageIdentifier, messageState })) });
    if (what === 'image' && seg.length === 2) {
      if (!lowerUuid(id)) return apiError(E.badRequest);
      if (m === 'PUT') {
        const size = query.get('imageSize') ?? 'FULL_SIZE';
        if (!['FULL_SIZE', 'BULLET_POINT'].includes(size)) return apiError(E.imageSize);
        // The body's bytes are not kept (the server reads it as text); its type and length are checked.
        if (!/^image\/png\b/i.test(headers['content-type'] ?? '') || !(Number(headers['content-length']) > 0)) return apiError(E.invalidImage);
        if (r.images.has(id)) return apiError(E.imageExists);
        r.images.set(id, { imageIdentifier: id, imageState: this.config.reviewState, imageSize: size });
        return empty(200);
      }
      if (m === 'DELETE') {
        if (!r.images.has(id)) return apiError(E.imageNotFound);
        if ([...r.messages.values()].some((x) => imagesOf(x).includes(id))) return apiError(E.imageInUse);
        r.images.delete(id);
        return empty(200);
      }
    }
    if (what === 'message' && seg.length === 2) {
      if (!lowerUuid(id)) return apiError(E.badRequest);
      if (m === 'PUT') {
        const refused = this.checkMessage(body);
        if (refused) return refused;
        if (r.messages.has(id)) return apiError(E.messageExists);
        r.messages.set(id, { messageIdentifier: id, messageState: this.config.reviewState, ...body });
        return empty(200);
      }
      if (m === 'DELETE') {
        if (!r.messages.has(id)) return apiError(E.messageNotFound);
        r.messages.delete(id);
        for (const [k, v] of r.defaults) if (v === id) r.defaults.delete(k);
        return empty(200);
      }
    }
    if (what === 'default' && seg.length === 3 && rest.length === 0) {
      if (!/^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$/.test(locale)) return apiError(E.locale);
      const key = `${id}/${locale}`;
      if (m === 'PUT') {
        const message = r.messages.get(body?.messageIdentifier);
        if (!message) return apiError(E.messageNotFound);
        if (message.messageState !== 'APPROVED') return apiError(E.messageNotApproved);
        r.defaults.set(key, message.messageIdentifier);
        return empty(200);
      }
      if (!r.defaults.has(key)) return apiError(E.defaultNotFound);
      if (m === 'GET') return json({ messageIdentifier: r.defaults.get(key) });
      if (m === 'DELETE') {
        r.defaults.delete(key);
        return empty(200);
      }
    }
    if (what === 'realtime' && id === 'url' && seg.length === 2) {
      if (m === 'PUT') {
        let url;
        try {
          url = new URL(body?.realtimeURL);
        } catch {
          return apiError(E.realtimeUrl);
        }
        if (url.protocol !== 'https:') return apiError(E.realtimeUrl);
        r.realtimeURL = url.href;
        return empty(200);
      }
      if (!r.realtimeURL) return apiError(E.realtimeNotFound);
      if (m === 'GET') return json({ realtimeURL: r.realtimeURL });
      if (m === 'DELETE') {
        r.realtimeURL = null;
        return empty(200);
      }
    }
    if (what === 'performanceTest' && seg.length === 1 && m === 'POST') {
      if (typeof body?.originalTransactionId !== 'string') return apiError(E.performanceTest);
      const t = this.find(body.originalTransactionId, { original: true });
      if (isReply(t)) return t;
      if (!r.realtimeURL) return apiError(E.realtimeNotFound);
      if ([...r.tests.values()].some((x) => x.result === 'PENDING')) return apiError(E.existingTest);
      const config = { maxConcurrentRequests: 10, totalRequests: 100, totalDuration: 60_000, responseTimeThreshold: 700, successRateThreshold: 99 };
      const requestId = randomUUID();
      r.tests.set(requestId, {
        config, target: r.realtimeURL, result: 'PENDING', successRate: 0, numPending: config.totalRequests,
        responseTimes: { average: 0, p50: 0, p90: 0, p95: 0, p99: 0 }, failures: {},
      });
      return json({ config, requestId });
    }
    if (what === 'performanceTest' && id === 'result' && seg.length === 3 && m === 'GET') {
      const run = r.tests.get(locale);
      return run ? json(run) : apiError(E.testRunNotFound);
    }
    return null;
  }

  /**
   * Why an UploadMessageRequestBody is refused, or null.
   * @param {Json | undefined} b
   */
  checkMessage(b) {
    const text = (/** @type {unknown} */ v) => typeof v === 'string' && v.length > 0;
    if (!b || typeof b !== 'object' || !text(b.header) || !text(b.body)) return apiError(E.badRequest);
    if ([...b.header].length > 66) return apiError(E.headerTooLong);
    if ([...b.body].length > 144) return apiError(E.bodyTooLong);
    const bullets = b.bulletPoints ?? [];
    if (!Array.isArray(bullets)) return apiError(E.badRequest);
    if (bullets.length > 5) return apiError(E.bulletPoints);
    if (b.headerPosition === 'ABOVE_IMAGE' && !b.image) return apiError(E.aboveImage);
    for (const img of [b.image, ...bullets].filter(Boolean)) {
      if (typeof img.altText === 'string' && [...img.altText].length > 150) return apiError(E.altTextTooLong);
      const known = this.messaging.images.get(img.imageIdentifier);
      if (!known) return apiError(E.imageNotFound);
      if (known.imageState !== 'APPROVED') return apiError(E.imageNotApproved);
    }
    return null;
  }

  // ------------------------------------------------------------ admin

  /**
   * `/admin/appstore/...`: a reply, or null when the path is not this face's.
   * @param {Request} req
   * @param {string} path
   * @param {Json | undefined} body
   */
  admin(req, path, body) {
    if (!path.startsWith('/admin/appstore/')) return null;
    const route = `${req.method} ${path.slice('/admin/appstore'.length)}`;
    const many = (/** @type {(x: Json) => unknown} */ f) => (Array.isArray(body) ? body.map((x) => f(x ?? {})) : f(body ?? {}));
    switch (route) {
      case 'GET /root':
        return { status: 200, body: pem(this.pki.root.der), headers: { 'Content-Type': 'application/x-pem-file' } };
      case 'GET /credentials': {
        const { rootCertificate, ...rest } = this.info();
        return json({ ...rest, rootCertificate: Buffer.from(rootCertificate).toString('base64') });
      }
      case 'GET /state':
        return json(this.state());
      case 'POST /transactions':
        return json(many((x) => this.addTransaction(x)), 201);
      case 'POST /refunds':
        return json(many((x) => this.refund(x)));
      case 'POST /renewals':
        return json(many((x) => this.renew(x)), 201);
      case 'POST /renewal-info':
        return json(many((x) => this.setRenewalInfo(x)));
      case 'POST /billing-failures':
        return json(many((x) => this.failRenewal(x)));
      case 'POST /expirations':
        return json(many((x) => this.expire(x)));
      case 'POST /refund-requests':
        return json(many((x) => this.requestRefund(x)), 201);
      case 'POST /refund-declines':
        return json(many((x) => this.declineRefund(x)));
      case 'POST /config':
        setUrls(this.config, body, ['notificationUrl']);
        return json({ notificationUrl: this.config.notificationUrl });
      default:
        return json({ error: `no admin route ${req.method} ${path}` }, 404);
    }
  }
}

/** The images a stored message uses. */
const imagesOf = (/** @type {Json} */ message) => [message.image, ...(message.bulletPoints ?? [])].filter(Boolean).map((i) => i.imageIdentifier);

/** @param {Json} b */
function checkExtension(b) {
  if (!intIn(b.extendByDays, 1, 90)) return apiError(E.extendByDays);
  if (!intIn(b.extendReasonCode, 0, 3)) return apiError(E.extendReason);
  if (typeof b.requestIdentifier !== 'string' || b.requestIdentifier.length === 0 || b.requestIdentifier.length > 128) return apiError(E.requestIdentifier);
  return null;
}

/**
 * Apple's `sendAttemptResult` for a delivery attempt.
 * @param {import('./emulator-notify.js').Attempt} a
 */
function attemptResult(a) {
  if (a.received) return 'SUCCESS';
  if (a.status !== null) return 'UNSUCCESSFUL_HTTP_RESPONSE_CODE';
  if (a.error === 'TIMEOUT') return 'TIMED_OUT';
  if (a.error === 'ECONNREFUSED') return 'NO_RESPONSE';
  if (a.error === 'ECONNRESET' || a.error === 'UND_ERR_SOCKET') return 'SOCKET_ISSUE';
  return 'OTHER';
}

/** @param {Record<string, unknown>} o */
function dropUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
