import type { OneStoreSubscriptionDetail, OneStoreSubscriptionNotification } from '../web/iap_verify.js';

/**
 * Decodes a ONE store SNS body (unsigned) and reads the subscription it names with the client:
 * act on `subscription`, never on the notification alone.
 */
export declare function confirmOneStoreSubscriptionNotification(
  body: string | object,
  client: { getSubscriptionDetail(params: { productId: string; purchaseToken: string }): Promise<OneStoreSubscriptionDetail> },
): Promise<{ notification: OneStoreSubscriptionNotification; subscription: OneStoreSubscriptionDetail }>;
