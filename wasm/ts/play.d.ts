// The TypeScript of wasm/src/play.rs that is not a model: options, parameters and answers as JavaScript
// passes and reads them. The models are generated from their Rust declarations (pkg/web/models.d.ts);
// scripts/build-pkg.mjs puts both into the declarations of the module (pkg/web/iap_verify.d.ts).

/** A service account's JSON key file (the fields read; the others are ignored). */
export interface ServiceAccountKey {
  type?: 'service_account';
  client_email: string;
  /** PKCS#8 PEM, RSA. */
  private_key: string;
  private_key_id?: string;
  /** Default https://oauth2.googleapis.com/token. */
  token_uri?: string;
  [field: string]: unknown;
}
/** Options of the sans-I/O `GooglePlayApi`. */
export interface GooglePlayApiOptions {
  /** The key file's text or its parsed object. */
  serviceAccount: string | ServiceAccountKey;
  /** Default https://androidpublisher.googleapis.com. */
  baseUrl?: string;
  /** Replaces the key file's token_uri (the assertion's audience). */
  tokenUrl?: string;
}
/** What `parseToken` read; the access token itself stays inside the API object. */
export interface GoogleAccessTokenInfo { tokenType: 'Bearer'; expiresIn: number; expiresAtMs: number }
export interface ProductPurchaseParams { packageName: string; productId: string; token: string }
export interface AcknowledgeProductPurchaseParams extends ProductPurchaseParams { developerPayload?: string }
export interface SubscriptionPurchaseV2Params { packageName: string; token: string }
export interface RevokeSubscriptionPurchaseV2Params extends SubscriptionPurchaseV2Params {
  revocationContext: { fullRefund: Record<string, never> } | { proratedRefund: Record<string, never> } | { itemBasedRefund: Record<string, unknown> } | Record<string, unknown>;
}
export interface CancelSubscriptionPurchaseV2Params extends SubscriptionPurchaseV2Params {
  cancellationContext: { cancellationType: 'USER_REQUESTED_STOP_RENEWALS' | 'DEVELOPER_REQUESTED_STOP_PAYMENTS' | (string & {}) };
}
export interface SubscriptionPurchaseParams { packageName: string; subscriptionId: string; token: string }
export interface AcknowledgeSubscriptionPurchaseParams extends SubscriptionPurchaseParams { developerPayload?: string }
export interface ListVoidedPurchasesParams {
  packageName: string; startTime?: number; endTime?: number; maxResults?: number; startIndex?: number; token?: string;
  /** 0: in-app products only (Google's default); 1: subscriptions too. */
  type?: 0 | 1; includeQuantityBasedPartialRefund?: boolean;
}
/** Google's ProductPurchase; `purchaseTimeMs` is `purchaseTimeMillis` as a number. */
export interface ProductPurchase {
  kind?: string; purchaseTimeMillis?: string; purchaseTimeMs?: number;
  /** 0 purchased, 1 canceled, 2 pending. */
  purchaseState?: number;
  /** 0 yet to be consumed, 1 consumed. */
  consumptionState?: number; developerPayload?: string; orderId?: string;
  /** 0 test, 1 promo, 2 rewarded; absent for an ordinary purchase. */
  purchaseType?: number;
  /** 0 yet to be acknowledged, 1 acknowledged. */
  acknowledgementState?: number; purchaseToken?: string; productId?: string; quantity?: number;
  obfuscatedExternalAccountId?: string; obfuscatedExternalProfileId?: string; regionCode?: string; refundableQuantity?: number;
  [field: string]: unknown;
}
/** Google's SubscriptionPurchaseV2; each RFC 3339 `…Time` has a `…TimeMs` twin in epoch ms. */
export interface SubscriptionPurchaseV2 {
  kind?: string; regionCode?: string; startTime?: string; startTimeMs?: number;
  subscriptionState?: 'SUBSCRIPTION_STATE_PENDING' | 'SUBSCRIPTION_STATE_ACTIVE' | 'SUBSCRIPTION_STATE_PAUSED' | 'SUBSCRIPTION_STATE_IN_GRACE_PERIOD'
    | 'SUBSCRIPTION_STATE_ON_HOLD' | 'SUBSCRIPTION_STATE_CANCELED' | 'SUBSCRIPTION_STATE_EXPIRED' | 'SUBSCRIPTION_STATE_PENDING_PURCHASE_CANCELED' | (string & {});
  latestOrderId?: string; linkedPurchaseToken?: string;
  acknowledgementState?: 'ACKNOWLEDGEMENT_STATE_PENDING' | 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED' | (string & {});
  lineItems?: { productId?: string; expiryTime?: string; expiryTimeMs?: number; [field: string]: unknown }[];
  testPurchase?: Record<string, never>;
  externalAccountIdentifiers?: { externalAccountId?: string; obfuscatedExternalAccountId?: string; obfuscatedExternalProfileId?: string };
  [field: string]: unknown;
}
export interface RevokeSubscriptionPurchaseResponse { [field: string]: unknown }
/** One voided purchase; the `…Millis` strings have `…Ms` number twins. */
export interface VoidedPurchase {
  kind?: string; purchaseToken?: string; purchaseTimeMillis?: string; purchaseTimeMs?: number;
  voidedTimeMillis?: string; voidedTimeMs?: number; orderId?: string;
  /** 0 user, 1 developer, 2 Google. */
  voidedSource?: number;
  /** 0 other, 1 remorse, 2 not received, 3 defective, 4 accidental purchase, 5 fraud, 6 friendly fraud, 7 chargeback, 8 unacknowledged purchase. */
  voidedReason?: number; voidedQuantity?: number;
}
export interface VoidedPurchasesListResponse {
  pageInfo?: { totalResults?: number; resultPerPage?: number; startIndex?: number };
  tokenPagination?: { nextPageToken?: string; previousPageToken?: string };
  voidedPurchases?: VoidedPurchase[];
}
