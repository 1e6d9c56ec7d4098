import type {
  GamebaseActiveSubscription,
  GamebaseConsumable,
  GamebaseConsumeResult,
  GamebaseListActiveSubscriptionsParams,
  GamebaseListConsumablesParams,
  GetPaymentTransactionParams,
  IapActiveSubscription,
  IapConsumable,
  IapConsumeResult,
  IapListActiveSubscriptionsParams,
  IapListConsumablesParams,
  LegacyConsumable,
  LegacyConsumablesParams,
  LegacyConsumeParams,
  LegacyConsumeResult,
  LegacyItemList,
  LegacyItemListParams,
  PaymentRef,
  PaymentTransaction,
  GamebaseSubscriptionStatus,
  SubscriptionsStatusParams,
} from '../web/iap_verify.js';

/** A `fetch`-compatible function (the global one, undici, a proxy, a mock). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string>; headers?: { forEach(cb: (value: string, key: string) => void): void } }>;

/** How requests are sent. */
export interface TransportOptions {
  /** Default: the global `fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Per attempt, in ms. Default 10000 (NHN's advice for consume). A timeout aborts the request. */
  timeoutMs?: number;
  /** Extra attempts for reads on NETWORK_ERROR, TIMEOUT or HTTP 5xx/429. Default 2. Writes are never retried. */
  retries?: number;
  /** First backoff delay in ms, doubled per retry. Default 200. */
  retryDelayMs?: number;
}

export interface IapClientOptions extends TransportOptions {
  /** The IAP AppKey (console: URL & Appkey). Identifies the app; not a secret. */
  appKey: string;
  /** Default https://api-iap.cloud.toast.com. */
  baseUrl?: string;
}

/** NHN Cloud IAP server API client. Errors are `IapError`s (ALREADY_CONSUMED, API_ERROR, ...). */
export declare class IapClient {
  constructor(options: IapClientOptions);
  readonly baseUrl: string;
  /** Consume one payment before delivering it. Sent once, never retried. */
  consume(params: PaymentRef): Promise<IapConsumeResult>;
  listConsumables(params: IapListConsumablesParams): Promise<IapConsumable[]>;
  listActiveSubscriptions(params: IapListActiveSubscriptionsParams): Promise<IapActiveSubscription[]>;
  /** Legacy `/inapp/v3/consume/{paymentSeq}/items/{itemSeq}`. Sent once, never retried. */
  consumeLegacy(params: LegacyConsumeParams): Promise<LegacyConsumeResult>;
  /** Legacy `/standard/inapp/v1/consumable/list`. */
  listConsumablesLegacy(params: LegacyConsumablesParams): Promise<LegacyConsumable[]>;
  /** Legacy `/standard/item/list/{appSeq}`. */
  listItemsLegacy(params: LegacyItemListParams): Promise<LegacyItemList>;
}

export interface GamebaseClientOptions extends TransportOptions {
  /** The NHN Cloud project id. */
  appId: string;
  /** The Gamebase secret key. Server-side only: it can refund and read every user's payments. */
  secretKey: string;
  /** Default https://api-gamebase.nhncloudservice.com. */
  baseUrl?: string;
  /** Sent as X-TCGB-Transaction-Id. */
  transactionId?: string;
  /** The constructor refuses to run in a browser page unless this is true. Do not set it in production. */
  dangerouslyAllowBrowser?: boolean;
}

/** Gamebase purchase API v1.3 client (server-side only). */
export declare class GamebaseClient {
  constructor(options: GamebaseClientOptions);
  readonly baseUrl: string;
  /** Sent once, never retried. */
  consume(params: PaymentRef): Promise<GamebaseConsumeResult>;
  listConsumables(params: GamebaseListConsumablesParams): Promise<GamebaseConsumable[]>;
  /** Server-side check of a client-supplied access token. */
  getPaymentTransaction(params: GetPaymentTransactionParams | string): Promise<PaymentTransaction>;
  listActiveSubscriptions(params: GamebaseListActiveSubscriptionsParams): Promise<GamebaseActiveSubscription[]>;
  /** Any number of payments: sent ten per request, results concatenated in order. */
  getSubscriptionsStatus(params: PaymentRef[] | SubscriptionsStatusParams): Promise<GamebaseSubscriptionStatus[]>;
  /** Google only: stop renewal. Sent once, never retried. */
  cancelSubscription(params: PaymentRef): Promise<void>;
  /** Google only: cancel now and refund. Sent once, never retried. */
  revokeSubscription(params: PaymentRef): Promise<void>;
}
