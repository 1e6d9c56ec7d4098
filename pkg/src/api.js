// The public API, shared by every entry point. The entries only differ in how they load the
// WebAssembly module; each one initializes it before re-exporting this file.
export * from '../web/iap_verify.js';
export { IapError, VerificationException, VerificationStatus, verificationStatusOf } from './error.js';
export { IapApi, GamebaseApi, IapClient, GamebaseClient, AppStoreServerApi, AppStoreServerAPIClient, GooglePlayApi, GooglePlayClient, OneStoreApi, OneStoreClient } from './clients.js';
export { verifyPubSubPush } from './pubsub.js';
export { confirmOneStoreSubscriptionNotification } from './onestore.js';
export { Environment } from './apple.js';
export { runPayment } from './run-payment.js';
export { createMemoryFlowStore } from './flow-store.js';
export { inspect } from './inspect.js';
export { createNotificationHandler, createMemoryNotificationStore, toNodeListener, MAX_NOTIFICATION_BODY } from './notifications.js';
