/** A running local IAP server. */
export interface Emulator {
  /** e.g. http://127.0.0.1:8787; use it as `baseUrl` for both clients. */
  readonly url: string;
  readonly port: number;
  /** The Host names it answers (lower case, IPv6 without brackets); any other Host gets 421. */
  readonly hostNames: string[];
  /** The IAP app of the seed: `{ appKey, appSeq, packageName }`. */
  readonly iap: { appKey: string; appSeq: number; packageName: string };
  /** The Gamebase project of the seed: `{ appId, secretKey }` (the emulator's own, fake). */
  readonly gamebase: { appId: string; secretKey: string };
  /** The App Store Server API face (paths under /inApps/): credentials, trust, admin methods. */
  readonly appStore: EmulatorAppStore;
  /** The Google Play face (Google's token endpoint at /token, the Play Developer API under /androidpublisher/). */
  readonly googlePlay: EmulatorGooglePlay;
  /** The ONE store face (OAuth at /v7/oauth/token, the server API V7 under /v7/apps/), which sends PNS and SNS. */
  readonly oneStore: EmulatorOneStore;
  /** Every notification the faces sent: the list, each delivery attempt, and the admin actions (replay, duplicate, forge, hold and release). */
  readonly notifications: EmulatorNotifications;
  /** Adds a payment as if the store had charged the user; returns it with its token. */
  addPayment(payment: EmulatorPaymentInput): EmulatorPayment;
  close(): Promise<void>;
}

/** A face's name, as the notifications name their store. */
export type EmulatorStoreName = 'appStore' | 'googlePlay' | 'oneStore';

/** One delivery attempt: the HTTP status, or the network error (`status` null). */
export interface EmulatorDeliveryAttempt {
  /** Wall-clock epoch ms. */
  at: number;
  status: number | null;
  /** `ECONNREFUSED`, `TIMEOUT`, ... when there was no answer. */
  error?: string;
  /** Whether the store would count the answer as received (Apple 200-206, Pub/Sub 102/200/201/202/204, ONE store 200). */
  received: boolean;
}

/** A notification the emulator sent (or holds, or could not send: no URL configured). */
export interface EmulatorNotification {
  /** The emulator's id of this delivery, for the admin calls ("n1", "n2", ...). */
  id: string;
  store: EmulatorStoreName;
  kind: 'APP_STORE_NOTIFICATION' | 'PUBSUB_PUSH' | 'PNS' | 'SNS';
  /** The store's type: `DID_RENEW/BILLING_RECOVERY`, `SUBSCRIPTION_RENEWED`, `VOIDED_PURCHASE`, `PNS_COMPLETED`, ... */
  type: string;
  /** The store's id of the notification (Apple's notificationUUID, Pub/Sub's messageId, ONE store's purchase id and state). */
  notificationId: string;
  url: string | null;
  /** `sent` by a change; `replay`, `duplicate` or `forged` by an admin call (`of` the original, `forged` how). */
  origin: 'sent' | 'replay' | 'duplicate' | 'forged';
  of?: string;
  forged?: string;
  state: 'pending' | 'delivered' | 'failed' | 'held' | 'no-url';
  /** The emulator's clock when it was made. */
  createdAt: number;
  attempts: EmulatorDeliveryAttempt[];
  /** The JSON body POSTed. */
  body: Record<string, unknown>;
}

export interface EmulatorNotifications {
  list(filter?: { store?: EmulatorStoreName; kind?: EmulatorNotification['kind'] }): EmulatorNotification[];
  /** Delivers the same notification again (same store id, same body; a fresh Pub/Sub token). */
  replay(id: string): EmulatorNotification;
  /** Two more deliveries of it at once. */
  duplicate(id: string): EmulatorNotification[];
  /**
   * A forged copy, sent once and never retried. Apple: `signature` (another payload under the
   * signature, the default) or `chain` (signed by an untrusted PKI); Pub/Sub: `token` (another key,
   * the default), `audience`, `none`; PNS: `signature`; SNS: `token` (a subscription ONE store does not have).
   */
  forge(id: string, how?: string): EmulatorNotification;
  /** Holds a store's (every store's) new notifications until release(). */
  hold(store?: EmulatorStoreName): void;
  /** Sends the held ones, newest first by default (out of order); resolves to their ids. */
  release(options?: { store?: EmulatorStoreName; order?: 'reverse' | 'sent' }): string[];
  /** Resolves once no attempt is under way (retries may still be scheduled). */
  settled(): Promise<void>;
  /** Resolves once no attempt is under way and no retry waits (true), or after `timeoutMs` (false; default 30 s). */
  idle(timeoutMs?: number): Promise<boolean>;
}

/** Retry delays in ms, one per retry, after the previous attempt. Defaults: the store's schedule with an hour scaled to a second. */
export type EmulatorRetrySchedule = readonly number[];

/**
 * What an `AppStoreServerAPIClient` needs to talk to the emulator:
 * `new AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment,
 * { baseUrl: emu.url, rootCertificates: [a.rootCertificate], appAppleId: a.appAppleId })`.
 */
export interface EmulatorAppStore {
  keyId: string;
  issuerId: string;
  bundleId: string;
  appAppleId: number;
  environment: 'Sandbox' | 'Production';
  /** The `.p8` PEM (PKCS#8 P-256) tokens must be signed with; null when only `publicKey` was given. */
  signingKey: string | null;
  /** The root of the PKI the emulator signs its data with (DER), made at start, kept across resets. */
  rootCertificate: Uint8Array;
  rootCertificatePem: string;
  /** Adds a purchase (or, with `originalTransactionId`, a renewal); returns the stored transaction. */
  addTransaction(transaction: EmulatorAppStoreTransactionInput): EmulatorAppStoreTransaction;
  /** Refunds a transaction (REFUND notification, refund history, revoked status). */
  refund(refund: { transactionId: string; revocationDate?: number | string; revocationReason?: 0 | 1 }): EmulatorAppStoreTransaction;
  /** Renews a subscription with a new transaction (DID_RENEW). */
  renew(renewal: { originalTransactionId: string; transactionId?: string; purchaseDate?: number | string; expiresDate?: number | string }): EmulatorAppStoreTransaction;
  /** Changes a subscription's renewal info (billing retry, grace period, auto-renew: DID_CHANGE_RENEWAL_STATUS when autoRenewStatus changes). */
  setRenewalInfo(info: {
    originalTransactionId: string; autoRenewStatus?: 0 | 1; isInBillingRetryPeriod?: boolean; gracePeriodExpiresDate?: number | string;
    expirationIntent?: number; autoRenewProductId?: string; priceIncreaseStatus?: number;
  }): Record<string, unknown>;
  /** A renewal's payment failed: billing retry (DID_FAIL_TO_RENEW), with a grace period when `gracePeriodDays` (subtype GRACE_PERIOD). The next renew() is a BILLING_RECOVERY. */
  failRenewal(failure: { originalTransactionId: string; gracePeriodDays?: number }): Record<string, unknown>;
  /** The subscription ends now (EXPIRED with the reason as subtype; GRACE_PERIOD_EXPIRED first when in grace). */
  expire(expiry: { originalTransactionId: string; reason?: 'VOLUNTARY' | 'BILLING_RETRY' | 'PRICE_INCREASE' | 'PRODUCT_NOT_FOR_SALE' }): Record<string, unknown>;
  /** The customer asked Apple for a refund: CONSUMPTION_REQUEST (answer within 12 hours). */
  requestRefund(request: { transactionId: string; reason?: string }): { notificationUUID: string; transactionId: string };
  /** Apple declined the refund: REFUND_DECLINED. */
  declineRefund(request: { transactionId: string }): { notificationUUID: string; transactionId: string };
  /** Where notifications are POSTed (null: nowhere; they are still kept in the notification history). */
  setNotificationUrl(url: string | null): void;
}

/**
 * What a `GooglePlayClient` needs to talk to the emulator:
 * `new GooglePlayClient({ serviceAccount: g.serviceAccount, baseUrl: emu.url })` (the key file's
 * `token_uri` is the emulator's token endpoint).
 */
/**
 * What a `OneStoreClient` needs to talk to the emulator:
 * `new OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url })`;
 * PNS verify with `verifyOneStoreNotification(body, o.licenseKey)`.
 */
/** What adding a Google Play or ONE store purchase answers: the store's resource, with what the app would send for it. */
export interface EmulatorAdded {
  productId: string;
  purchaseToken: string;
  [field: string]: unknown;
}

export interface EmulatorOneStore {
  clientId: string;
  clientSecret: string;
  /** The licence key (base64 SPKI) the emulator signs PNS with; its private half is made at start. */
  licenseKey: string;
  environment: 'SANDBOX' | 'COMMERCIAL';
  marketCode: 'MKT_ONE' | 'MKT_GLB';
  /**
   * Adds a purchase (`type` 'inapp' or 'auto') and sends its PNS; returns getPurchaseDetails' answer
   * with the `productId` and `purchaseToken` (made here unless given) the app would send.
   */
  addPurchase(purchase: { productId: string; purchaseToken?: string; type?: 'inapp' | 'auto'; purchaseTime?: number | string;
    acknowledged?: boolean; consumed?: boolean; quantity?: number; developerPayload?: string; price?: string }): EmulatorAdded;
  /**
   * Adds a subscription (sandbox clocks: a month is 5 minutes) and sends its SNS; returns
   * getSubscriptionDetail's answer with its `productId` and `purchaseToken`.
   */
  addSubscription(subscription: { productId: string; purchaseToken?: string; period?: 'WEEK' | 'MONTH' | 'QUARTER' | 'HALF' | 'YEAR';
    startTime?: number | string; acknowledged?: boolean; failRenewal?: boolean }): EmulatorAdded;
  /** Every PNS and SNS sent (or tried): `{ id, kind, url, body, status (the last attempt's), attempts }`. */
  notifications(): Array<{ id: string; kind: 'PNS' | 'SNS'; url: string | null; body: Record<string, unknown>; status: number | string | null;
    attempts: EmulatorDeliveryAttempt[] }>;
  /** Resolves once every notification attempt under way has been answered or failed (retries may follow). */
  settled(): Promise<void>;
  /** The subscriber pauses from the next payment date for 1 to 3 months (SNS 11, then 10 at that date, 1 when it ends). */
  pause(pause: { purchaseToken: string; months?: 1 | 2 | 3 }): Record<string, unknown>;
  /** The subscriber resumes now (SNS 1), or withdraws a scheduled pause (SNS 11). */
  resume(resume: { purchaseToken: string }): Record<string, unknown>;
}

export interface EmulatorGooglePlay {
  packageName: string;
  /** The service account's JSON key file, as Google's console hands it out; the key is made at start. */
  serviceAccount: {
    type: 'service_account'; project_id: string; private_key_id: string; private_key: string;
    client_email: string; client_id: string; token_uri: string;
  };
  /**
   * Adds a one-time purchase; times are epoch ms or offsets such as "-1h". Returns Google's
   * ProductPurchase with its `productId` and `purchaseToken` (`token`, made here unless given).
   */
  addProductPurchase(purchase: {
    token?: string; productId: string; purchaseTime?: number | string; purchaseState?: 0 | 1 | 2;
    acknowledged?: boolean; consumed?: boolean; quantity?: number; orderId?: string; accountId?: string; test?: boolean;
  }): EmulatorAdded;
  /** Adds a subscription. Returns Google's SubscriptionPurchaseV2 with its `productId` and `purchaseToken` (`token`, made here unless given). */
  addSubscription(subscription: {
    token?: string; productId: string; startTime?: number | string; expiryTime?: number | string;
    state?: 'ACTIVE' | 'CANCELED' | 'IN_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED' | 'EXPIRED' | 'PENDING';
    acknowledged?: boolean; autoRenew?: boolean; orderId?: string; test?: boolean;
  }): EmulatorAdded;
  /** Renews a subscription for another period (default 30 days after its expiry); returns Google's SubscriptionPurchaseV2. */
  renew(renewal: { token: string; expiryTime?: number | string }): Record<string, unknown>;
  /** Voids a purchase (a refund or chargeback): it shows in the voided purchases list (voidedPurchaseNotification). */
  void(voided: { token: string; voidedTime?: number | string; voidedSource?: number; voidedReason?: number; quantity?: number }): Record<string, unknown>;
  /** Moves a subscription to a state, with its notification (6 IN_GRACE_PERIOD, 5 ON_HOLD, 10 PAUSED, 13 EXPIRED, 1 RECOVERED for ACTIVE). */
  setSubscriptionState(change: { token: string; state: 'IN_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED' | 'EXPIRED' | 'ACTIVE'; expiryTime?: number | string }): Record<string, unknown>;
  /** Opens a pending refund review of an order (pendingRefundReviewNotification); answer it with `reviewRefundOrder`. */
  openRefundReview(review: { orderId: string; refundReason?: number }): Record<string, unknown>;
  /**
   * What a push endpoint checks: `verifyPubSubPush(header, { audience, serviceAccountEmail, jwks })`
   * (or `fetch` the key set from `jwksUrl`, Google's path on the emulator).
   */
  push: { endpoint: string | null; audience: string | null; serviceAccountEmail: string; subscription: string; jwksUrl: string;
    jwks: { keys: Array<{ kty: 'RSA'; alg: 'RS256'; use: 'sig'; kid: string; n: string; e: string }> } };
  /** Where Pub/Sub pushes go, and the token audience (default: the endpoint). */
  setPushEndpoint(endpoint: string | null, audience?: string | null): void;
  /**
   * The one-time purchases it holds now (copies): the seed's and those added since. `purchaseState`
   * 0 purchased, 1 canceled (voided), 2 pending; `acknowledgementState` and `consumptionState` 0 or 1.
   */
  productPurchases(): Array<{ token: string; productId: string; purchaseState: number; acknowledgementState: number; consumptionState: number; [field: string]: unknown }>;
}

/** A product of the seed's `appStore.products`. */
export interface EmulatorAppStoreProduct {
  productId: string;
  type: 'Auto-Renewable Subscription' | 'Non-Renewing Subscription' | 'Consumable' | 'Non-Consumable';
  subscriptionGroupIdentifier?: string;
  /** Subscription period (default 30). */
  periodDays?: number;
  /** Milliunits, as Apple sends prices (4990 = 4.99). */
  price?: number;
  currency?: string;
}

export interface EmulatorAppStoreTransactionInput {
  /** A product of the seed (or of the renewed subscription). */
  productId?: string;
  /** Whose purchase: history, statuses and refund history are per customer. Default "customer-1". */
  customer?: string;
  transactionId?: string;
  /** Makes this a renewal of that subscription. */
  originalTransactionId?: string;
  /** Epoch ms or an offset from now such as "-1h", "+30d". */
  purchaseDate?: number | string;
  expiresDate?: number | string;
  orderId?: string;
  appAccountToken?: string;
  quantity?: number;
  /** For consumables: whether the app finished the transaction (history v1 leaves those out). Default true. */
  finished?: boolean;
  revocationDate?: number | string;
  revocationReason?: 0 | 1;
  inAppOwnershipType?: 'PURCHASED' | 'FAMILY_SHARED';
  storefront?: string;
  storefrontId?: string;
  price?: number;
  currency?: string;
}

export interface EmulatorAppStoreTransaction {
  transactionId: string;
  originalTransactionId: string;
  customer: string;
  productId: string;
  type: string;
  purchaseDate: number;
  expiresDate?: number;
  orderId: string;
  revocationDate?: number;
  [field: string]: unknown;
}

/** `startEmulator({ appStore })`: overrides the seed's `appStore` section. */
export interface EmulatorAppStoreOptions {
  bundleId?: string;
  appAppleId?: number;
  environment?: 'Sandbox' | 'Production';
  keyId?: string;
  issuerId?: string;
  /** The `.p8` PEM whose public half checks the tokens (default: one made at start). */
  signingKey?: string;
  /** Check tokens against this public key (SPKI PEM) only; `appStore.signingKey` is then null. */
  publicKey?: string;
  /** Transactions and notifications per page (Apple's: 20). */
  pageSize?: number;
  /** Where App Store Server Notifications V2 are POSTed. */
  notificationUrl?: string;
  retrySchedule?: EmulatorRetrySchedule;
  products?: EmulatorAppStoreProduct[];
  transactions?: EmulatorAppStoreTransactionInput[];
}

export interface EmulatorPaymentInput {
  userId: string;
  productSeq?: number;
  productId?: string;
  marketId?: string;
  paymentSeq?: string;
  accessToken?: string;
  paymentId?: string;
  originalPaymentId?: string;
  /** Epoch ms or an offset from now such as "-1h", "+30d". */
  purchaseTime?: number | string;
  expiryTime?: number | string;
  payload?: string;
  isTestPurchase?: boolean;
  consumed?: boolean;
  referenceStatus?: string;
}

export interface EmulatorPayment {
  paymentSeq: string;
  accessToken: string;
  userId: string;
  productSeq: number;
  productId: string;
  productType: string;
  marketId: string;
  paymentId: string;
  originalPaymentId: string;
  price: number;
  currency: string;
  purchaseTime: number;
  expiryTime: number | null;
  consumed: boolean;
  refunded: boolean;
  [field: string]: unknown;
}

/** `startEmulator({ googlePlay })`: overrides the seed's `googlePlay` section. */
export interface EmulatorGooglePlayOptions {
  packageName?: string;
  clientEmail?: string;
  privateKey?: string;
  pageSize?: number;
  /** Where Pub/Sub push requests go (the push subscription's endpoint). */
  pushEndpoint?: string;
  /** The push tokens' `aud` (default: the endpoint, as Pub/Sub's default). */
  pushAudience?: string;
  /** The push tokens' `email` (the push subscription's service account). */
  pushServiceAccountEmail?: string;
  /** The push body's `subscription`. */
  subscription?: string;
  /** The PKCS#8 PEM of the RSA key that signs push tokens (default: one made at start). */
  pushSigningKey?: string;
  retrySchedule?: EmulatorRetrySchedule;
}

export declare const DEFAULT_SEED_URL: URL;
export declare function loadSeed(seed?: object | string | URL): object;
export declare function startEmulator(options?: {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /**
   * Host names answered besides localhost, 127.0.0.1, [::1] and the listen address (every address
   * of the machine for 0.0.0.0 or ::), e.g. a container's name. Any other Host gets 421 (DNS
   * rebinding), a request whose Origin is not `http://NAME:PORT` of an answered name gets 403, and
   * `POST /admin/*` is taken only as `Content-Type: application/json` (415 otherwise). A bad name
   * throws a TypeError.
   */
  allowedHosts?: string[];
  /** A seed object, a JSON file path or URL; default: this package's src/emulator-seed.json. */
  seed?: object | string | URL;
  /** Time source in epoch ms; default Date.now. */
  clock?: () => number;
  /** The App Store face's settings, over the seed's `appStore` section. */
  appStore?: EmulatorAppStoreOptions;
  /** The Google Play face's settings, over the seed's `googlePlay` section (`privateKey`: your own PKCS#8 PEM). */
  googlePlay?: EmulatorGooglePlayOptions;
  /** The ONE store face's settings, over the seed's `oneStore` section (`pnsUrl`, `snsUrl`: where notifications go). */
  oneStore?: { clientId?: string; clientSecret?: string; licensePrivateKey?: string; environment?: 'SANDBOX' | 'COMMERCIAL';
    marketCode?: 'MKT_ONE' | 'MKT_GLB'; tokenLifetimeS?: number; pnsUrl?: string; snsUrl?: string; retrySchedule?: EmulatorRetrySchedule };
}): Promise<Emulator>;
