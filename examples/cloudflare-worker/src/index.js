// App Store Server Notifications V2, at the edge. Point the App Store Server Notifications URL of
// your app (App Store Connect → App Information) at this worker. Apple retries a notification
// that does not get a 2xx answer, for up to three days.
import { IapError, SignedDataVerifier } from 'iap-verify';

let verifier; // one per isolate: it keeps Apple's roots parsed and the chains it has checked

export default {
  async fetch(request, env) {
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    verifier ??= new SignedDataVerifier(null, false, env.APPLE_ENVIRONMENT, env.APPLE_BUNDLE_ID, Number(env.APPLE_APP_ID));
    let notification;
    try {
      const { signedPayload } = await request.json();
      notification = await verifier.verifyAndDecodeNotificationAsync(signedPayload);
    } catch (e) {
      if (e instanceof SyntaxError) return new Response('not JSON', { status: 400 });
      if (!(e instanceof IapError)) throw e;
      // Forged, for another app or environment: refuse (4xx). Apple's own failures: let it retry.
      return new Response(e.code, { status: e.retryable ? 503 : 400 });
    }
    // De-duplicate on notificationUUID (never on the JWS text), then act: a transaction's
    // decoded fields are in notification.data.decodedTransactionInfo.
    console.log(notification.notificationType, notification.subtype ?? '', notification.notificationUUID);
    return Response.json({ received: notification.notificationUUID, type: notification.notificationType });
  },
};
