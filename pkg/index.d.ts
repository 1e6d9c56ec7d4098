// Types of every entry point. The verifiers' types are generated from the Rust sources by
// wasm-bindgen (web/iap_verify.d.ts, whose loader section scripts/build-pkg.mjs removes so that
// projects compiled without the DOM lib type-check); the JS-only parts are declared here.
export * from './web/iap_verify.js';
export { IapError, IapErrorCode, VerificationException, VerificationStatus, verificationStatusOf } from './src/error.js';
export { IapApi, GamebaseApi, IapClient, GamebaseClient, AppStoreServerApi, AppStoreServerAPIClient, AppStoreServerAPIClientOptions, GooglePlayApi, GooglePlayClient, GooglePlayClientOptions, OneStoreApi, OneStoreClient, OneStoreClientOptions, IapClientOptions, GamebaseClientOptions, TransportOptions, FetchLike } from './src/clients.js';
export { Environment } from './src/apple.js';
export { confirmOneStoreSubscriptionNotification } from './src/onestore.js';
export { verifyPubSubPush, VerifyPubSubPushOptions, PubSubPushClaims, JsonWebKeySet } from './src/pubsub.js';
export { runPayment, RunPaymentOptions, RunPaymentStoreOptions, RunPaymentSaveOptions, DeliverContext } from './src/run-payment.js';
export { createMemoryFlowStore, FlowStore, FlowRecord, MemoryFlowStore } from './src/flow-store.js';
export { createNotificationHandler, createMemoryNotificationStore, toNodeListener, MAX_NOTIFICATION_BODY, NotificationHandlerOptions, NotificationStore, MemoryNotificationStore, NotificationEvent, NotificationProblem, NotificationLedger, OneStoreNotificationOptions, RefundRequestAnswer, NodeRequest, NodeResponse } from './src/notifications.js';
export { runPurchase, applyRefund, applyRenewal, applyVoidedPurchases, reopenPurchase, settleUnsettled, revokeUnrevoked, Revoke, RunPurchaseOptions, PurchaseAdapter, Verdict, CatalogEntry, PurchaseRequest } from './src/run-purchase.js';
export { createMemoryPurchaseStore, PurchaseStore, MemoryPurchaseStore, PurchaseRecord, LedgerEntry } from './src/purchase-store.js';
export { googlePlayAdapter, oneStoreAdapter, appStoreAdapter, nhnAdapter } from './src/adapters.js';
export { inspect, InspectOptions, InspectResult, InspectNote, InspectNoteCode, InputKind, CertificateInfo, NamePart } from './src/inspect.js';
export { PromotionalOfferSignatureCreator, PromotionalOfferV2SignatureCreator, IntroductoryOfferEligibilitySignatureCreator, AdvancedCommerceInAppSignatureCreator, AdvancedCommerceInAppRequest } from './src/signature-creators.js';
export * from './src/apple-names.js';
// Names the models declare too (open unions of Apple's values): Apple's value, the models' type.
export { InAppOwnershipType, NotificationTypeV2, OfferDiscountType, ProductType, RevocationType, Subtype, TransactionReason } from './src/apple-names.js';
