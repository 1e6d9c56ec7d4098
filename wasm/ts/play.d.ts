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
export interface AcknowledgeSubscriptionPurchaseParams extends SubscriptionPurchaseParams {
  developerPayload?: string;
  /** For a re-subscription bought in the Play Store (its `outOfAppPurchaseContext`): the ids to link it to. */
  externalAccountIds?: { obfuscatedAccountId?: string; obfuscatedProfileId?: string };
}
export interface ProductPurchaseV2Params { packageName: string; token: string }
/** Google's ProductPurchaseV2 (productsv2); `purchaseCompletionTimeMs` is `purchaseCompletionTime` in epoch ms. */
export interface ProductPurchaseV2 {
  kind?: string;
  productLineItem?: {
    productId?: string;
    productOfferDetails?: {
      offerId?: string; purchaseOptionId?: string; offerTags?: string[]; offerToken?: string;
      quantity?: number;
      /** What is left after refunds by quantity. */
      refundableQuantity?: number;
      consumptionState?: 'CONSUMPTION_STATE_UNSPECIFIED' | 'CONSUMPTION_STATE_YET_TO_BE_CONSUMED' | 'CONSUMPTION_STATE_CONSUMED' | (string & {});
      /** Set for a rental. */
      rentOfferDetails?: Record<string, unknown>;
      preorderOfferDetails?: { preorderReleaseTime?: string; preorderReleaseTimeMs?: number };
      [field: string]: unknown;
    };
  }[];
  purchaseStateContext?: { purchaseState?: 'PURCHASED' | 'CANCELLED' | 'PENDING' | (string & {}) };
  /** Only for test purchases. */
  testPurchaseContext?: { fopType?: string };
  orderId?: string; obfuscatedExternalAccountId?: string; obfuscatedExternalProfileId?: string; regionCode?: string;
  /** Absent until the payment completes (pending). */
  purchaseCompletionTime?: string; purchaseCompletionTimeMs?: number;
  acknowledgementState?: 'ACKNOWLEDGEMENT_STATE_UNSPECIFIED' | 'ACKNOWLEDGEMENT_STATE_PENDING' | 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED' | (string & {});
  [field: string]: unknown;
}
export interface DeferSubscriptionPurchaseV2Params extends SubscriptionPurchaseV2Params {
  /** `etag` is the subscription's, as getSubscriptionPurchaseV2 read it (required by Google). */
  deferralContext: { deferDuration: string; etag: string; validateOnly?: boolean };
}
export interface DeferSubscriptionPurchaseV2Response { itemExpiryTimeDetails?: { productId?: string; expiryTime?: string; expiryTimeMs?: number }[] }
export interface GetOrderParams { packageName: string; orderId: string }
export interface BatchGetOrdersParams { packageName: string; /** 1 to 1000 distinct order ids. */ orderIds: string[] }
export interface RefundOrderParams { packageName: string; orderId: string; /** Also end the purchase's access. */ revoke?: boolean }
export interface ReviewRefundOrderParams {
  packageName: string; orderId: string;
  /** From the pending refund review notification. */
  pendingRefundToken: string;
  /** Google's values (APPROVE, DECLINE, NEUTRAL in third-party code; not confirmed in Google's reference). */
  refundPreference: string;
  sampleContentProvided: boolean;
  /** 0 to 100,000. */
  consumptionPercentageMilliunits?: number;
  consumptionUsageEvents?: {
    consumptionItemDescription?: string; consumptionTime?: string; ipAddress?: string;
    location?: Record<string, unknown>; obfuscatedAccountId?: string; obfuscatedProfileId?: string;
  }[];
}
/** Money as Google writes it. */
export interface PlayMoney { currencyCode?: string; units?: string; nanos?: number }
/** Google's Order (orders.get; `Order` is Apple's sort order in this package); each RFC 3339 `…Time` has a `…TimeMs` twin in epoch ms. */
export interface PlayOrder {
  orderId?: string; purchaseToken?: string;
  state?: 'STATE_UNSPECIFIED' | 'PENDING' | 'PROCESSED' | 'CANCELED' | 'PENDING_REFUND' | 'PARTIALLY_REFUNDED' | 'REFUNDED' | (string & {});
  createTime?: string; createTimeMs?: number; lastEventTime?: string; lastEventTimeMs?: number;
  buyerAddress?: { buyerCountry?: string; buyerPostcode?: string; buyerState?: string };
  total?: PlayMoney; tax?: PlayMoney; developerRevenueInBuyerCurrency?: PlayMoney;
  lineItems?: {
    productId?: string; productTitle?: string; listingPrice?: PlayMoney; tax?: PlayMoney; total?: PlayMoney;
    oneTimePurchaseDetails?: { offerId?: string; purchaseOptionId?: string; quantity?: number; [field: string]: unknown };
    subscriptionDetails?: { basePlanId?: string; offerId?: string; servicePeriodStartTime?: string; servicePeriodEndTime?: string; [field: string]: unknown };
    paidAppDetails?: Record<string, unknown>;
    [field: string]: unknown;
  }[];
  orderDetails?: { taxInclusive?: boolean };
  orderHistory?: {
    processedEvent?: { eventTime?: string };
    cancellationEvent?: { eventTime?: string };
    refundEvent?: { eventTime?: string; refundReason?: string; refundDetails?: Record<string, unknown> };
    partialRefundEvents?: { createTime?: string; processTime?: string; state?: string; refundDetails?: Record<string, unknown> }[];
    [field: string]: unknown;
  };
  salesChannel?: string; pointsDetails?: Record<string, unknown>;
  [field: string]: unknown;
}
export interface BatchGetOrdersResponse { orders?: PlayOrder[] }
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
  /** 0 other, 1 remorse, 2 not received, 3 defective, 4 accidental purchase, 5 fraud, 6 friendly fraud, 7 chargeback, 8 unacknowledged purchase (refunded after 3 days unacknowledged). */
  voidedReason?: number;
  /** The quantity refunded, for a refund by quantity (listed with includeQuantityBasedPartialRefund). */
  voidedQuantity?: number;
}
export interface VoidedPurchasesListResponse {
  pageInfo?: { totalResults?: number; resultPerPage?: number; startIndex?: number };
  tokenPagination?: { nextPageToken?: string; previousPageToken?: string };
  voidedPurchases?: VoidedPurchase[];
}
