// The TypeScript of ONE store's server API V7 (wasm/src/play.rs, src/onestore/server_api.rs) that is
// not a model: options, parameters and answers as JavaScript passes and reads them. Answers are
// ONE store's shapes as sent; every time also has a `…Ms` twin in epoch ms (a `…Millis` field's
// twin drops `Millis`; a time without an offset is read in the market's zone: UTC+9 for MKT_ONE,
// UTC for MKT_GLB).

/** Options of the sans-I/O `OneStoreApi`. */
export interface OneStoreApiOptions {
  /** The app's client id: its package name if registered before 2025-03-20, its PID after. Also the paths' `{clientId}`. */
  clientId: string;
  /** The client secret (Developer Center, licence management). Server-side only. */
  clientSecret: string;
  /** SANDBOX (https://sbpp.onestore.net) or COMMERCIAL (https://iap-apis.onestore.net); their tokens are separate. */
  environment: 'SANDBOX' | 'COMMERCIAL';
  /** Sent as `x-market-code` on every request. Default MKT_ONE. */
  marketCode?: 'MKT_ONE' | 'MKT_GLB';
  /** Replaces the environment's host. `http://` only to a loopback host unless `allowInsecureHttp`. */
  baseUrl?: string;
  allowInsecureHttp?: boolean;
}
/** What `parseToken` read; the access token itself stays inside the API object. */
export interface OneStoreAccessTokenInfo { tokenType: 'Bearer'; expiresIn: number; expiresAtMs: number }
export interface OneStorePurchaseParams {
  productId: string;
  /** ONE store documents at most 20 characters. */
  purchaseToken: string;
}
export interface OneStoreSettleParams extends OneStorePurchaseParams {
  /** At most 200 characters; when given it must equal the one set at purchase (DeveloperPayloadNotMatch). */
  developerPayload?: string;
}
export interface OneStoreDeferParams extends OneStorePurchaseParams {
  /** Days (1 to 365) in COMMERCIAL, minutes in SANDBOX. */
  deferPeriod: number;
}
export interface OneStoreVoidedPurchasesParams {
  /** The previous page's `continuationKey`. */
  continuationKey?: string;
  /** Epoch ms of voided time; at most one month back. Alone, endTime is startTime + 1 month. */
  startTime?: number;
  /** Epoch ms, not in the future. Alone, startTime is endTime − 1 month. */
  endTime?: number;
  /** Default 100. */
  maxResults?: number;
}
/** getPurchaseDetails: a managed product purchase. */
export interface OneStorePurchaseDetails {
  /** 0 not consumed, 1 consumed. */
  consumptionState?: number;
  developerPayload?: string;
  /** 0 purchased, 1 canceled. */
  purchaseState?: number;
  /** Epoch ms. */
  purchaseTime?: number; purchaseTimeMs?: number;
  purchaseId?: string;
  /** 0 not acknowledged, 1 acknowledged. */
  acknowledgeState?: number;
  quantity?: number;
  [field: string]: unknown;
}
/** getRecurringPurchaseDetails: a monthly (auto) product. Entitled while `expiryTime >= now` and `lastPurchaseState == 0`. */
export interface OneStoreRecurringPurchaseDetails {
  startTime?: number; startTimeMs?: number;
  expiryTime?: number; expiryTimeMs?: number;
  nextPaymentTime?: number; nextPaymentTimeMs?: number;
  autoRenewing?: boolean;
  /** 0 customer, 1 system. */
  cancelReason?: number;
  cancelledTime?: number; cancelledTimeMs?: number;
  acknowledgeState?: number;
  lastPurchaseId?: string;
  /** 0 completed, 1 canceled. */
  lastPurchaseState?: number;
  [field: string]: unknown;
}
export interface OneStoreVoidedPurchase {
  purchaseId?: string; purchaseTime?: number; purchaseTimeMs?: number; voidedTime?: number; voidedTimeMs?: number;
  purchaseToken?: string; marketCode?: 'MKT_ONE' | 'MKT_GLB' | (string & {});
  [field: string]: unknown;
}
/** getVoidedPurchases: one page. An empty or absent `continuationKey` is the last page. */
export interface OneStoreVoidedPurchases {
  continuationKey?: string;
  /** Also filled from the `"voidedPurchaseList "` (trailing space) of the guide's example when only that is sent. */
  voidedPurchaseList?: OneStoreVoidedPurchase[];
  [field: string]: unknown;
}
/** getSubscriptionDetail. */
export interface OneStoreSubscriptionDetail {
  /** 0 not acknowledged, 1 acknowledged (note the spelling: managed products say acknowledgeState). */
  acknowledgementState?: number;
  developerPayload?: string;
  /** False when cancellation is reserved, cancelled or expired. */
  autoRenewing?: boolean;
  /** null expired; 0 not paid; 1 paid; 2 free period; 3 deferred up/downgrade. */
  paymentState?: number | null;
  priceAmount?: string; priceAmountMicros?: number; nextPriceAmount?: string; nextPriceAmountMicros?: number;
  nextPaymentTimeMillis?: number; nextPaymentTimeMs?: number;
  priceCurrencyCode?: string; countryCode?: string;
  startTimeMillis?: number; startTimeMs?: number; expiryTimeMillis?: number; expiryTimeMs?: number;
  pauseStartTimeMillis?: number; pauseStartTimeMs?: number; pauseEndTimeMillis?: number; pauseEndTimeMs?: number;
  autoResumeTimeMillis?: number | null; autoResumeTimeMs?: number;
  linkedPurchaseToken?: string | null; lastPurchaseId?: string;
  cancelledTimeMillis?: number; cancelledTimeMs?: number;
  /** 0 customer, 1 other. */
  cancelReason?: number;
  promotionPrice?: { promotionPrice?: string; promotionPriceMicros?: number; promotionPeriod?: number; [field: string]: unknown };
  priceChange?: {
    seq?: number; previousPrice?: string; previousPriceMicros?: number; newPrice?: string; newPriceMicros?: number;
    applyTimeMillis?: number; applyTimeMs?: number; agreement?: boolean; agreementDueDateTimeMillis?: number; agreementDueDateTimeMs?: number;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** A PNS message whose signature verified: every member ONE store sent but `signature`, as sent (version 3.1.0). Not an entitlement source: confirm with the server API. */
export interface OneStorePaymentNotification {
  /** `3.1.0D` in SANDBOX, `3.1.0` in COMMERCIAL. */
  msgVersion?: string;
  /** `packageName` in versions up to 3.0.0. */
  clientId?: string;
  packageName?: string;
  productId?: string;
  /** Always SINGLE_PAYMENT_TRANSACTION. */
  messageType?: 'SINGLE_PAYMENT_TRANSACTION' | (string & {});
  purchaseId?: string;
  developerPayload?: string;
  purchaseTimeMillis?: number;
  purchaseState?: 'COMPLETED' | 'CANCELED' | (string & {});
  /** A string since V6 (older senders: a number). */
  price?: string | number;
  priceCurrencyCode?: string;
  productName?: string;
  paymentTypeList?: { paymentMethod?: string; amount?: string | number; [field: string]: unknown }[];
  billingKey?: string;
  isTestMdn?: boolean;
  purchaseToken?: string;
  environment?: 'SANDBOX' | 'COMMERCIAL' | (string & {});
  marketCode?: 'MKT_ONE' | 'MKT_GLB' | (string & {});
  [field: string]: unknown;
}
/** An SNS message as sent (it is not signed), with `notificationTypeName` and `eventTimeMs` added. */
export interface OneStoreSubscriptionNotification {
  msgVersion?: string;
  clientId?: string;
  eventTimeMillis?: number;
  eventTimeMs?: number;
  subscriptionNotification: {
    version?: string;
    /** 1 RECOVERED, 2 RENEWED, 3 CANCELED, 4 PURCHASED, 5 ON_HOLD, 6 IN_GRACE_PERIOD, 7 RESTARTED, 8 PRICE_CHANGE_CONFIRMED, 9 DEFERRED, 10 PAUSED, 11 PAUSE_SCHEDULE_CHANGED, 12 REVOKED, 13 EXPIRED. */
    notificationType: number;
    /** `SUBSCRIPTION_…` for 1 to 13, `UNKNOWN` otherwise. */
    notificationTypeName: string;
    purchaseToken: string;
    productId: string;
    [field: string]: unknown;
  };
  /** Also filled from the guide's misspelt `environmenmt` when only that is present. */
  environment?: 'SANDBOX' | 'COMMERCIAL' | (string & {});
  marketCode?: 'MKT_ONE' | 'MKT_GLB' | (string & {});
  [field: string]: unknown;
}
