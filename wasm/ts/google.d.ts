// The TypeScript of wasm/src/google.rs that is not a model: options, parameters and answers as JavaScript
// passes and reads them. The models are generated from their Rust declarations (pkg/web/models.d.ts);
// scripts/build-pkg.mjs puts both into the declarations of the module (pkg/web/iap_verify.d.ts).

/** Options for the Google Play and ONE store verifiers. */
export interface KeyOptions {
  /** Accept 1024-bit licence keys (public test data). Default false: real keys are 2048-bit. */
  allowLegacy1024BitKeys?: boolean;
}

/** A decoded Google Play real-time developer notification. NOT verified: authenticate the push
 * request (the Pub/Sub OIDC token in its Authorization header) before trusting it. */
export interface DeveloperNotification {
  kind: 'subscription' | 'oneTimeProduct' | 'voidedPurchase' | 'test' | 'unknown';
  version?: string;
  packageName?: string;
  /** Epoch milliseconds. */
  eventTimeMillis?: number;
  subscriptionNotification?: {
    version?: string;
    notificationType: number;
    /** e.g. 'SUBSCRIPTION_RENEWED'; 'UNKNOWN' for a number this version does not know. */
    notificationTypeName: string;
    purchaseToken?: string;
    subscriptionId?: string;
    [unknownField: string]: unknown;
  };
  oneTimeProductNotification?: {
    version?: string;
    notificationType: number;
    notificationTypeName: 'ONE_TIME_PRODUCT_PURCHASED' | 'ONE_TIME_PRODUCT_CANCELED' | 'UNKNOWN';
    purchaseToken?: string;
    sku?: string;
    [unknownField: string]: unknown;
  };
  voidedPurchaseNotification?: {
    purchaseToken?: string;
    orderId?: string;
    productType?: number;
    productTypeName: 'PRODUCT_TYPE_SUBSCRIPTION' | 'PRODUCT_TYPE_ONE_TIME' | 'UNKNOWN';
    refundType?: number;
    refundTypeName: 'REFUND_TYPE_FULL_REFUND' | 'REFUND_TYPE_QUANTITY_BASED_PARTIAL_REFUND' | 'UNKNOWN';
    [unknownField: string]: unknown;
  };
  testNotification?: { version?: string; [unknownField: string]: unknown };
  /** Fields (and notification kinds) this version does not know, as sent. */
  extra?: Record<string, unknown>;
  /** The Pub/Sub envelope. */
  push: { messageId?: string; publishTime?: string; attributes?: Record<string, string>; subscription?: string };
}
/** The body Cloud Pub/Sub POSTs to a push endpoint. */
export interface PubSubPushBody {
  message: { data: string; messageId?: string; publishTime?: string; attributes?: Record<string, string> };
  subscription?: string;
}
