// The public API, shared by every entry point. The entries only differ in how they load the
// WebAssembly module; each one initializes it before re-exporting this file.
export * from '../web/iap_verify.js';
export { IapError, VerificationException, VerificationStatus, verificationStatusOf } from './error.js';
export { IapApi, GamebaseApi, IapClient, GamebaseClient, AppStoreServerApi, AppStoreServerAPIClient, GooglePlayApi, GooglePlayClient, OneStoreApi, OneStoreClient } from './clients.js';
export { verifyPubSubPush } from './pubsub.js';
export { confirmOneStoreSubscriptionNotification } from './onestore.js';
export { Environment } from './apple.js';
export * from './apple-names.js';
// Also type names of the models (web/): named here, Apple's values win over the star export.
export { InAppOwnershipType, NotificationTypeV2, OfferDiscountType, ProductType, RevocationType, Subtype, TransactionReason } from './apple-names.js';
export { runPayment } from './run-payment.js';
export { createMemoryFlowStore } from './flow-store.js';
export { runPurchase, applyRefund, applyRenewal, applyVoidedPurchases, reopenPurchase, settleUnsettled, revokeUnrevoked } from './run-purchase.js';
export { createMemoryPurchaseStore } from './purchase-store.js';
export { googlePlayAdapter, oneStoreAdapter, appStoreAdapter, nhnAdapter } from './adapters.js';
export { inspect } from './inspect.js';
export { createNotificationHandler, createMemoryNotificationStore, toNodeListener, MAX_NOTIFICATION_BODY } from './notifications.js';
export {
  PromotionalOfferSignatureCreator,
  PromotionalOfferV2SignatureCreator,
  IntroductoryOfferEligibilitySignatureCreator,
  AdvancedCommerceInAppSignatureCreator,
} from './signature-creators.js';
