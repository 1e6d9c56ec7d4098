// One endpoint for App Store Server Notifications V2, Google Play's real-time developer
// notifications (a Pub/Sub push subscription with authentication) and ONE store's PNS and SNS, at
// the edge. Each notification is authenticated, de-duplicated and turned into one event. Purchases
// go into the ledger through runPurchase (delivered once, then consumed or acknowledged); the
// handler's `ledger` applies refunds and revocations (revoke runs once per purchase) and renewals.
//
// Bindings (wrangler.toml [vars] and secrets): APPLE_BUNDLE_ID, APPLE_ENVIRONMENT (Production or
// Sandbox), PUBSUB_AUDIENCE, PUBSUB_SERVICE_ACCOUNT, GOOGLE_PACKAGE_NAME, GOOGLE_SERVICE_ACCOUNT
// (secret: the key file's JSON text), ONESTORE_LICENSE_KEY, ONESTORE_CLIENT_ID,
// ONESTORE_CLIENT_SECRET (secret), ONESTORE_ENVIRONMENT (COMMERCIAL or SANDBOX). Tests only:
// APPLE_ROOT_CERTIFICATE (a root to trust instead of Apple's, base64 DER), PUBSUB_JWKS (the push
// tokens' key set instead of Google's), GOOGLE_PLAY_API_URL and ONESTORE_API_URL (other API hosts).
//
// The stores below live in the isolate's memory, which is enough to show the flow: a deployed
// worker keeps them where every isolate sees them (PostgreSQL through Hyperdrive with
// createPostgresNotificationStore / createPostgresPurchaseStore, or your own store on a Durable Object).
import {
  Environment, GooglePlayClient, OneStoreClient, SignedDataVerifier, appStoreAdapter, createMemoryNotificationStore,
  createMemoryPurchaseStore, createNotificationHandler, googlePlayAdapter, oneStoreAdapter, runPurchase,
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
  const oneStore = new OneStoreClient({
    clientId: env.ONESTORE_CLIENT_ID, clientSecret: env.ONESTORE_CLIENT_SECRET, environment: env.ONESTORE_ENVIRONMENT ?? 'COMMERCIAL',
    ...(env.ONESTORE_API_URL ? { baseUrl: env.ONESTORE_API_URL } : {}),
  });
  const ledger = createMemoryPurchaseStore();
  const log = { events: [], granted: [], revoked: [] };
  const adapters = {
    AS: (event) => appStoreAdapter({ verify: () => ({ purchase: event.purchase }) }),
    GG: () => googlePlayAdapter({ client: play, packageName }),
    ONESTORE: () => oneStoreAdapter({ client: oneStore }),
  };

  // A purchase: into the ledger. Apple's notification carries the verified transaction; Google's
  // and ONE store's the purchase token, which the adapter looks up.
  async function on(event) {
    log.events.push({ id: event.id, store: event.store, type: event.type });
    const productId = event.productId ?? event.purchase?.productId;
    if (event.type !== 'PURCHASED' || !catalog[productId]) return;
    // Throws when the store cannot be asked now: the handler answers 500 and the store retries.
    await runPurchase({
      store: ledger,
      adapter: adapters[event.store](event),
      catalog,
      purchase: { store: event.store, storeId: event.store === 'AS' ? event.purchase.transactionId : event.purchaseToken, productId },
      deliver: (effect, flow, { item }) => log.granted.push({ store: flow.ledgerStore, storeId: flow.storeId, item }),
    });
  }

  const handleNotification = createNotificationHandler({
    apple,
    google: {
      audience: env.PUBSUB_AUDIENCE,
      serviceAccountEmail: env.PUBSUB_SERVICE_ACCOUNT,
      ...(env.PUBSUB_JWKS ? { jwks: env.PUBSUB_JWKS } : {}),
    },
    // PNS: checked with the licence key. SNS: confirmed with getSubscriptionDetail.
    oneStore: { licenseKey: env.ONESTORE_LICENSE_KEY, client: oneStore },
    dedupe: createMemoryNotificationStore(),
    on,
    // Refunds, revocations and renewals, applied to the ledger by the handler.
    ledger: {
      store: ledger,
      // Once per refunded purchase, however often the store sends it: take back what it granted.
      revoke: (effect, flow) => log.revoked.push({ store: flow.ledgerStore, storeId: flow.storeId }),
    },
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
      const records = await Promise.all(app.log.granted.map((g) => app.ledger.load(g.store, g.storeId)));
      const ledger = records.map(({ flow }) => ({ store: flow.store, storeId: flow.storeId, state: flow.state, renewals: flow.renewals ?? 0 }));
      return Response.json({ ...app.log, ledger });
    }
    return new Response('not found', { status: 404 });
  },
};
