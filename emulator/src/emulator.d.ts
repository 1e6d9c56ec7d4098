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
  /** Adds a payment as if the store had charged the user; returns it with its token. */
  addPayment(payment: EmulatorPaymentInput): EmulatorPayment;
  close(): Promise<void>;
}

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
  /** Changes a subscription's renewal info (billing retry, grace period, auto-renew). */
  setRenewalInfo(info: {
    originalTransactionId: string; autoRenewStatus?: 0 | 1; isInBillingRetryPeriod?: boolean; gracePeriodExpiresDate?: number | string;
    expirationIntent?: number; autoRenewProductId?: string; priceIncreaseStatus?: number;
  }): Record<string, unknown>;
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
export interface EmulatorOneStore {
  clientId: string;
  clientSecret: string;
  /** The licence key (base64 SPKI) the emulator signs PNS with; its private half is made at start. */
  licenseKey: string;
  environment: 'SANDBOX' | 'COMMERCIAL';
  marketCode: 'MKT_ONE' | 'MKT_GLB';
  /** Adds a purchase (`type` 'inapp' or 'auto') and sends its PNS; returns getPurchaseDetails' answer. */
  addPurchase(purchase: { productId: string; purchaseToken?: string; type?: 'inapp' | 'auto'; purchaseTime?: number | string;
    acknowledged?: boolean; consumed?: boolean; quantity?: number; developerPayload?: string; price?: string }): Record<string, unknown>;
  /** Adds a subscription (sandbox clocks: a month is 5 minutes) and sends its SNS; returns getSubscriptionDetail's answer. */
  addSubscription(subscription: { productId: string; purchaseToken?: string; period?: 'WEEK' | 'MONTH' | 'QUARTER' | 'HALF' | 'YEAR';
    startTime?: number | string; acknowledged?: boolean; failRenewal?: boolean }): Record<string, unknown>;
  /** Every PNS and SNS sent (or tried): `{ kind, url, body, status }`. */
  notifications(): Array<{ kind: 'PNS' | 'SNS'; url: string | null; body: Record<string, unknown>; status: number | string | null }>;
  /** Resolves once every notification under way has been answered or failed. */
  settled(): Promise<void>;
}

export interface EmulatorGooglePlay {
  packageName: string;
  /** The service account's JSON key file, as Google's console hands it out; the key is made at start. */
  serviceAccount: {
    type: 'service_account'; project_id: string; private_key_id: string; private_key: string;
    client_email: string; client_id: string; token_uri: string;
  };
  /** Adds a one-time purchase; times are epoch ms or offsets such as "-1h". Returns Google's ProductPurchase. */
  addProductPurchase(purchase: {
    token?: string; productId: string; purchaseTime?: number | string; purchaseState?: 0 | 1 | 2;
    acknowledged?: boolean; consumed?: boolean; quantity?: number; orderId?: string; accountId?: string; test?: boolean;
  }): Record<string, unknown>;
  /** Adds a subscription. Returns Google's SubscriptionPurchaseV2. */
  addSubscription(subscription: {
    token?: string; productId: string; startTime?: number | string; expiryTime?: number | string;
    state?: 'ACTIVE' | 'CANCELED' | 'IN_GRACE_PERIOD' | 'ON_HOLD' | 'PAUSED' | 'EXPIRED' | 'PENDING';
    acknowledged?: boolean; autoRenew?: boolean; orderId?: string; test?: boolean;
  }): Record<string, unknown>;
  /** Renews a subscription for another period (default 30 days after its expiry); returns Google's SubscriptionPurchaseV2. */
  renew(renewal: { token: string; expiryTime?: number | string }): Record<string, unknown>;
  /** Voids a purchase (a refund or chargeback): it shows in the voided purchases list. */
  void(voided: { token: string; voidedTime?: number | string; voidedSource?: number; voidedReason?: number }): Record<string, unknown>;
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
  googlePlay?: { packageName?: string; clientEmail?: string; privateKey?: string; pageSize?: number };
  /** The ONE store face's settings, over the seed's `oneStore` section (`pnsUrl`, `snsUrl`: where notifications go). */
  oneStore?: { clientId?: string; clientSecret?: string; licensePrivateKey?: string; environment?: 'SANDBOX' | 'COMMERCIAL';
    marketCode?: 'MKT_ONE' | 'MKT_GLB'; tokenLifetimeS?: number; pnsUrl?: string; snsUrl?: string };
}): Promise<Emulator>;
