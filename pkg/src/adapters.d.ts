import type { PurchaseAdapter, Verdict } from './run-purchase.js';
import type { PurchaseFlow } from '../web/iap_verify.js';
import type { GamebaseClient, GooglePlayClient, IapClient, OneStoreClient } from './clients.js';

/** Google Play over a `GooglePlayClient`. */
export function googlePlayAdapter(options: { client: GooglePlayClient; packageName: string }): PurchaseAdapter;
/** ONE store over a `OneStoreClient` (getPurchaseDetails, getSubscriptionDetail, consumePurchase, acknowledgePurchase). */
export function oneStoreAdapter(options: { client: OneStoreClient; verify?: (flow: PurchaseFlow) => Promise<Verdict> | Verdict }): PurchaseAdapter;
/** The App Store: the caller's verify; `finish` when the catalog opts in. */
export function appStoreAdapter(options: { verify: (flow: PurchaseFlow) => Promise<Verdict> | Verdict; finish?: (effect: unknown, flow: PurchaseFlow) => unknown }): PurchaseAdapter;
/** NHN IAP over an `IapClient`, or Gamebase over a `GamebaseClient` (consume; 5018 is ALREADY_SETTLED). */
export function nhnAdapter(options: { client: IapClient | GamebaseClient; verify: (flow: PurchaseFlow) => Promise<Verdict> | Verdict }): PurchaseAdapter;
