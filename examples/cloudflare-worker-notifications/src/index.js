// One endpoint for App Store Server Notifications V2 and Google Play's real-time developer
// notifications (a Pub/Sub push subscription with authentication), at the edge. Each notification
// is authenticated, de-duplicated and turned into one event; purchases go into the ledger through
// runPurchase (delivered once, then consumed or acknowledged), refunds and revocations take back
// what was delivered through applyRefund.
//
// Bindings (wrangler.toml [vars] and secrets): APPLE_BUNDLE_ID, APPLE_ENVIRONMENT (Production or
// Sandbox), PUBSUB_AUDIENCE, PUBSUB_SERVICE_ACCOUNT, GOOGLE_PACKAGE_NAME, GOOGLE_SERVICE_ACCOUNT
// (secret: the key file's JSON text). Tests only: APPLE_ROOT_CERTIFICATE (a root to trust instead
// of Apple's, base64 DER), PUBSUB_JWKS (the push tokens' key set instead of Google's),
// GOOGLE_PLAY_API_URL (another Play Developer API host).
//
// The stores below live in the isolate's memory, which is enough to show the flow: a deployed
// worker keeps them where every isolate sees them (PostgreSQL through Hyperdrive with
// createPostgresNotificationStore / createPostgresPurchaseStore, or your own store on a Durable Object).
import {
  Environment, GooglePlayClient, SignedDataVerifier, appStoreAdapter, applyRefund, createMemoryNotificationStore,
  createMemoryPurchaseStore, createNotificationHandler, googlePlayAdapter, runPurchase,
} from 'iap-verify';

const catalog = {
  gem_500: { kind: 'CONSUMABLE', deliver: { gems: 500 } },
  remove_ads: { kind: 'NON_CONSUMABLE', deliver: { feature: 'no-ads' } },
  vip_monthly: { kind: 'SUBSCRIPTION', deliver: { feature: 'vip' } },
};

/** Made once per isolate, from the bindings of its first request. */
let app;

function makeApp(env) {
  const root = env.APPLE_ROOT_CERTIFICATE ? [Uint8Array.from(atob(env.APPLE_ROOT_CERTIFICATE), (c) => c.charCodeAt(0))] : null;
  const environment = env.APPLE_ENVIRONMENT === 'Sandbox' ? Environment.SANDBOX : Environment.PRODUCTION;
  const apple = new SignedDataVerifier(root, false, environment, env.APPLE_BUNDLE_ID);
  const play = new GooglePlayClient({ serviceAccount: JSON.parse(env.GOOGLE_SERVICE_ACCOUNT), ...(env.GOOGLE_PLAY_API_URL ? { baseUrl: env.GOOGLE_PLAY_API_URL } : {}) });
  const packageName = env.GOOGLE_PACKAGE_NAME;
  const ledger = createMemoryPurchaseStore();
  const log = { events: [], granted: [], revoked: [] };

  async function on(event) {
    log.events.push({ id: event.id, store: event.store, type: event.type });
    // Apple's notification carries the verified transaction; Google's only the purchase token.
    const storeId = event.store === 'AS' ? event.purchase?.transactionId : event.purchaseToken;
    const productId = event.productId ?? event.purchase?.productId;
    if (event.type === 'PURCHASED' && catalog[productId]) {
      // Throws when the store cannot be asked now: the handler answers 500 and the store retries.
      await runPurchase({
        store: ledger,
        adapter: event.store === 'AS' ? appStoreAdapter({ verify: () => ({ purchase: event.purchase }) }) : googlePlayAdapter({ client: play, packageName }),
        catalog,
        purchase: { store: event.store, storeId, productId },
        deliver: (effect, flow, { item }) => log.granted.push({ store: flow.ledgerStore, storeId: flow.storeId, item }),
      });
    } else if ((event.type === 'REFUNDED' || event.type === 'REVOKED') && storeId) {
      await applyRefund({
        store: ledger,
        key: [event.store, storeId],
        reason: event.reason,
        revoke: (effect, flow) => log.revoked.push({ store: flow.ledgerStore, storeId: flow.storeId }),
      });
    }
  }

  const handleNotification = createNotificationHandler({
    apple,
    google: {
      audience: env.PUBSUB_AUDIENCE,
      serviceAccountEmail: env.PUBSUB_SERVICE_ACCOUNT,
      ...(env.PUBSUB_JWKS ? { jwks: env.PUBSUB_JWKS } : {}),
    },
    dedupe: createMemoryNotificationStore(),
    on,
    onError: (problem) => console.error(problem.kind, problem.store ?? '', String(problem.error ?? '')),
  });
  return { handleNotification, ledger, log };
}

export default {
  async fetch(request, env) {
    app ??= makeApp(env);
    const { pathname } = new URL(request.url);
    if (pathname === '/notifications') return app.handleNotification(request);
    // What the worker did, for a look (a real worker would not publish this).
    if (pathname === '/ledger' && request.method === 'GET') {
      const entries = await Promise.all(app.log.granted.map((g) => app.ledger.purchase(g.store, g.storeId)));
      return Response.json({ ...app.log, ledger: entries.map((e) => e && { store: e.store, storeId: e.storeId, state: e.state }) });
    }
    return new Response('not found', { status: 404 });
  },
};
