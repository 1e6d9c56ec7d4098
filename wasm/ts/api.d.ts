// The TypeScript of wasm/src/server_api.rs that is not a model: options, parameters and answers as JavaScript
// passes and reads them. The models are generated from their Rust declarations (pkg/web/models.d.ts);
// scripts/build-pkg.mjs puts both into the declarations of the module (pkg/web/iap_verify.d.ts).

/** A request for `fetch`: `fetch(r.url, { method: r.method, headers: r.headers, body: r.body })`. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  /** JSON text, or the caller's bytes for an upload (`uploadImage`); absent when there is no body. */
  body?: string | Uint8Array;
}
/** What came back: the status, the headers (optional) and the body as text. */
export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}
export interface IapApiOptions {
  /** The IAP AppKey from the console (URL & Appkey). Not a secret: every app embeds it. */
  appKey: string;
  /** Default https://api-iap.cloud.toast.com. */
  baseUrl?: string;
}
export interface IapListConsumablesParams { marketId: MarketId; userKey: string; userChannel?: string }
export interface IapListActiveSubscriptionsParams { marketId: MarketId; packageName: string; userKey: string; userChannel?: string }
export interface LegacyConsumeParams { paymentSeq: string; itemSeq: number; purchaseToken: string }
export interface LegacyConsumablesParams { appSeq: number; userKey: string; userChannel?: string }
export interface LegacyItemListParams { appSeq: number }
export interface GamebaseApiOptions {
  /** The NHN Cloud project id. */
  appId: string;
  /** The Gamebase console secret key. Server-side only: it can refund and read every payment. */
  secretKey: string;
  /** Default https://api-gamebase.nhncloudservice.com. */
  baseUrl?: string;
  /** Sent as X-TCGB-Transaction-Id; the server echoes it. */
  transactionId?: string;
}
export interface GamebaseListConsumablesParams { userId: string; marketIds?: MarketId[] }
export interface GetPaymentTransactionParams { accessToken: string }
export interface GamebaseListActiveSubscriptionsParams {
  userId: string; packageName: string; marketIds?: MarketId[]; includeInactiveGoogleStatuses?: ReferenceStatus[];
}
export interface SubscriptionsStatusParams { payments: PaymentRef[] }

/** Options of the sans-I/O `AppStoreServerApi` (the client takes them as Apple's constructor arguments). */
export interface AppStoreServerApiOptions {
  /** The .p8 file's text (PKCS#8 PEM, P-256). */
  signingKey: string;
  keyId: string;
  issuerId: string;
  bundleId: string;
  environment: 'Production' | 'Sandbox' | 'LocalTesting';
  baseUrl?: string;
  /** Roots that signed data in answers must chain to, as base64 DER. Default: Apple's roots. */
  rootCertificates?: string[];
  /** Needed to verify Production data. */
  appAppleId?: number;
}
export interface TransactionHistoryRequest {
  startDate?: number; endDate?: number; productIds?: string[]; productTypes?: string[]; sort?: 'ASCENDING' | 'DESCENDING';
  subscriptionGroupIdentifiers?: string[]; inAppOwnershipType?: 'FAMILY_SHARED' | 'PURCHASED'; revoked?: boolean;
}
export interface ConsumptionRequestV1 { [field: string]: unknown }
export interface ConsumptionRequest {
  customerConsented: boolean; consumptionPercentage?: number; deliveryStatus: string; refundPreference?: string; sampleContentProvided: boolean;
}
export interface ExtendRenewalDateRequest { extendByDays?: number; extendReasonCode?: number; requestIdentifier?: string }
export interface MassExtendRenewalDateRequest extends ExtendRenewalDateRequest { storefrontCountryCodes?: string[]; productId?: string }
export interface NotificationHistoryRequest {
  startDate?: number; endDate?: number; notificationType?: string; notificationSubtype?: string; transactionId?: string; onlyFailures?: boolean;
}
export interface UpdateAppAccountTokenRequest { appAccountToken: string }
/** Answers: Apple's fields, and beside each signed field its verified decoding. */
export interface TransactionInfoResponse { signedTransactionInfo?: string; decodedTransactionInfo?: JWSTransactionDecodedPayload }
export interface HistoryResponse {
  revision?: string; hasMore?: boolean; bundleId?: string; appAppleId?: number; environment?: string;
  signedTransactions?: string[]; decodedTransactions?: JWSTransactionDecodedPayload[];
}
export interface LastTransactionsItem {
  status?: number; originalTransactionId?: string;
  signedTransactionInfo?: string; decodedTransactionInfo?: JWSTransactionDecodedPayload;
  signedRenewalInfo?: string; decodedRenewalInfo?: JWSRenewalInfoDecodedPayload;
}
export interface StatusResponse {
  environment?: string; bundleId?: string; appAppleId?: number;
  data?: { subscriptionGroupIdentifier?: string; lastTransactions?: LastTransactionsItem[] }[];
}
export interface OrderLookupResponse { status?: number; signedTransactions?: string[]; decodedTransactions?: JWSTransactionDecodedPayload[] }
export interface RefundHistoryResponse { signedTransactions?: string[]; decodedTransactions?: JWSTransactionDecodedPayload[]; revision?: string; hasMore?: boolean }
export interface ExtendRenewalDateResponse { originalTransactionId?: string; webOrderLineItemId?: string; success?: boolean; effectiveDate?: number }
export interface MassExtendRenewalDateResponse { requestIdentifier?: string }
export interface MassExtendRenewalDateStatusResponse {
  requestIdentifier?: string; complete?: boolean; completeDate?: number; succeededCount?: number; failedCount?: number;
}
export interface SendAttemptItem { attemptDate?: number; sendAttemptResult?: string }
export interface NotificationHistoryResponse {
  paginationToken?: string; hasMore?: boolean;
  notificationHistory?: { signedPayload?: string; decodedPayload?: ResponseBodyV2DecodedPayload; sendAttempts?: SendAttemptItem[] }[];
}
export interface SendTestNotificationResponse { testNotificationToken?: string }
export interface CheckTestNotificationResponse { signedPayload?: string; decodedPayload?: ResponseBodyV2DecodedPayload; sendAttempts?: SendAttemptItem[] }
export interface AppTransactionInfoResponse { signedAppTransactionInfo?: string; decodedAppTransactionInfo?: AppTransaction }
/** Retention Messaging API. States and sizes are Apple's strings; new values are passed through. */
export type ReviewState = 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED' | (string & {});
export interface GetImageListResponse {
  imageIdentifiers?: { imageIdentifier?: string; imageState?: ReviewState; imageSize?: 'FULL_SIZE' | 'BULLET_POINT' | (string & {}) }[];
}
export interface GetMessageListResponse { messageIdentifiers?: { messageIdentifier?: string; messageState?: ReviewState }[] }
export interface UploadMessageRequestBody {
  header: string; body: string; image?: { imageIdentifier: string; altText: string };
  headerPosition?: 'ABOVE_BODY' | 'ABOVE_IMAGE' | (string & {}); bulletPoints?: { text: string; imageIdentifier: string; altText: string }[];
}
export interface DefaultConfigurationRequest { messageIdentifier?: string }
export interface DefaultConfigurationResponse { messageIdentifier: string }
export interface RealtimeUrlRequest { realtimeURL: string }
export interface RealtimeUrlResponse { realtimeURL: string }
export interface PerformanceTestRequest { originalTransactionId: string }
export interface PerformanceTestConfig {
  maxConcurrentRequests: number; totalRequests: number; totalDuration: number; responseTimeThreshold: number; successRateThreshold: number;
}
export interface PerformanceTestResponse { config: PerformanceTestConfig; requestId: string }
export interface PerformanceTestResultResponse {
  config: PerformanceTestConfig; target: string; result: 'PENDING' | 'PASS' | 'FAIL' | (string & {}); successRate: number; numPending: number;
  responseTimes: { average: number; p50: number; p90: number; p95: number; p99: number };
  failures: Record<string, number>;
}

/** The payment records both NHN APIs answer with are one model each (`Nhn…`); these names say
 * which API an answer came from. Gamebase always sends a subscription's access token. */
export type IapConsumeResult = NhnConsumeResult;
export type GamebaseConsumeResult = NhnConsumeResult;
export type IapConsumable = NhnConsumable;
export type GamebaseConsumable = NhnConsumable;
export type IapActiveSubscription = NhnActiveSubscription;
export type GamebaseActiveSubscription = NhnActiveSubscription & { accessToken: string };
