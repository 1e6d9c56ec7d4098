import type { PurchaseAdapter, Verdict } from './run-purchase.js';
import type { PurchaseFlow } from '../web/iap_verify.js';

/** Google Play over a `GooglePlayClient`. */
export function googlePlayAdapter(options: { client: unknown; packageName: string }): PurchaseAdapter;
/** ONE store over a `OneStoreClient` (getPurchaseDetails, getSubscriptionDetail, consumePurchase, acknowledgePurchase). */
export function oneStoreAdapter(options: { client: unknown; verify?: (flow: PurchaseFlow) => Promise<Verdict> | Verdict }): PurchaseAdapter;
/** The App Store: the caller's verify; `finish` when the catalog opts in. */
export function appStoreAdapter(options: { verify: (flow: PurchaseFlow) => Promise<Verdict> | Verdict; finish?: (effect: unknown, flow: PurchaseFlow) => unknown }): PurchaseAdapter;
/** NHN IAP over an `IapClient` (consume; 5018 is ALREADY_SETTLED). */
export function nhnAdapter(options: { client: unknown; verify: (flow: PurchaseFlow) => Promise<Verdict> | Verdict }): PurchaseAdapter;
