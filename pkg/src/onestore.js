// ONE store's Subscription Notification (SNS) confirmed with the server API: the message is not
// signed, and ONE store's guide says to act only on what getSubscriptionDetail answers.
import { decodeOneStoreSubscriptionNotification } from '../web/iap_verify.js';
import { argumentError } from './transport.js';

/**
 * Decodes an SNS body and reads the subscription it names with `client` (a `OneStoreClient` of
 * the app, in the notification's environment): `{ notification, subscription }`. A message naming
 * a purchase ONE store does not know fails as the lookup does (`API_ERROR`, `NoSuchData`).
 * @param {string | object} body the POST body as received, or as parsed
 * @param {{ getSubscriptionDetail(params: { productId: string, purchaseToken: string }): Promise<unknown> }} client
 */
export async function confirmOneStoreSubscriptionNotification(body, client) {
  if (client === null || typeof client !== 'object' || typeof client.getSubscriptionDetail !== 'function') {
    throw argumentError('confirmOneStoreSubscriptionNotification: client must be a OneStoreClient');
  }
  const notification = decodeOneStoreSubscriptionNotification(body);
  const { productId, purchaseToken } = notification.subscriptionNotification;
  const subscription = await client.getSubscriptionDetail({ productId, purchaseToken });
  return { notification, subscription };
}
