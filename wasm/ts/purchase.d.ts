// The TypeScript of wasm/src/purchase.rs that is not a model: options, parameters and answers as JavaScript
// passes and reads them. The models are generated from their Rust declarations (pkg/web/models.d.ts);
// scripts/build-pkg.mjs puts both into the declarations of the module (pkg/web/iap_verify.d.ts).

/** What `subscriptionStatus` reads, tagged by `source`; store documents in their own JSON shapes. */
export type SubscriptionInput =
  | { source: 'APPLE'; transaction: Record<string, unknown>; renewalInfo?: Record<string, unknown>;
      notificationType?: string; subtype?: string; status?: number }
  | { source: 'APPLE'; notification: Record<string, unknown>; transaction?: Record<string, unknown>;
      renewalInfo?: Record<string, unknown> }
  | { source: 'GOOGLE'; subscription: Record<string, unknown> }
  | { source: 'GOOGLE_RTDN'; notification: Record<string, unknown>; purchase: Record<string, unknown> }
  | { source: 'NHN'; record: Record<string, unknown> }
  | { source: 'ONESTORE'; subscription: Record<string, unknown> };

/** What `toPurchase` accepts: a value returned by one of this package's verifiers or clients (a
 * verified purchase, transaction or receipt entry, a Play Developer API or ONE store API purchase, an NHN payment
 * record), or a `Purchase` it returned. At run time the value must be the very object the package
 * handed out; a copy or a look-alike is refused. */
export type VerifiedValue =
  | GooglePurchase | OneStorePurchase | JWSTransactionDecodedPayload | AppReceiptInAppPurchase
  | ProductPurchase | ProductPurchaseV2 | SubscriptionPurchaseV2 | OneStorePurchaseDetails | OneStoreSubscriptionDetail
  | NhnConsumable | NhnActiveSubscription | PaymentTransaction | Purchase;

export interface Applied { flow: PaymentFlow; effects: Effect[]; duplicate: boolean }

/** What `PurchaseFlow.apply` answers: the next flow (the class), the effects to perform after saving it, and whether the event was applied before. */
export interface PurchaseApplied { flow: PurchaseFlow; effects: PurchaseEffect[]; duplicate: boolean }
/** One kind of `PurchaseEffect`, by its `type`. */
export type PurchaseEffectOf<T extends PurchaseEffect['type']> = Extract<PurchaseEffect, { type: T }>;
