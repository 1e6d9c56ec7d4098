// One endpoint for App Store Server Notifications V2, Google Play's real-time developer
// notifications (a Pub/Sub push subscription with authentication) and ONE store's PNS and SNS, in
// Express. Each notification is authenticated, de-duplicated and turned into one event. Purchases
// go into the ledger through runPurchase (delivered once, then consumed or acknowledged); the
// handler's `ledger` applies refunds and revocations (revoke runs once per purchase) and renewals.
//
//   APPLE_BUNDLE_ID             your app's bundle id
//   APPLE_ENVIRONMENT           Production (the default) or Sandbox
//   APPLE_ROOT_CERTIFICATE      tests only: a root to trust instead of Apple's (base64 DER)
//   PUBSUB_AUDIENCE             the push subscription's audience (default: its endpoint URL)
//   PUBSUB_SERVICE_ACCOUNT      the push subscription's service account e-mail
//   PUBSUB_JWKS                 tests only: the key set of the push tokens (default: Google's, fetched)
//   GOOGLE_PACKAGE_NAME         your app's package name
//   GOOGLE_SERVICE_ACCOUNT      the service account key file (JSON text) for the Play Developer API
//   GOOGLE_PLAY_API_URL         tests only: another Play Developer API host
//   ONESTORE_LICENSE_KEY        your app's licence key (PNS are signed with it)
//   ONESTORE_CLIENT_ID          your app's OAuth client id and secret (ONE store's server API)
//   ONESTORE_CLIENT_SECRET
//   ONESTORE_ENVIRONMENT        COMMERCIAL (the default) or SANDBOX
//   ONESTORE_API_URL            tests only: another ONE store API host
//   PORT                        default 3000
import express from 'express';
import {
  Environment, GooglePlayClient, OneStoreClient, SignedDataVerifier, appStoreAdapter, createMemoryNotificationStore,
  createMemoryPurchaseStore, createNotificationHandler, googlePlayAdapter, oneStoreAdapter, runPurchase, toNodeListener,
} from 'iap-verify';

const env = process.env;
const root = env.APPLE_ROOT_CERTIFICATE ? [Uint8Array.from(Buffer.from(env.APPLE_ROOT_CERTIFICATE, 'base64'))] : null;
const apple = new SignedDataVerifier(root, false, env.APPLE_ENVIRONMENT ?? Environment.PRODUCTION, env.APPLE_BUNDLE_ID);
const packageName = env.GOOGLE_PACKAGE_NAME;
const play = new GooglePlayClient({ serviceAccount: JSON.parse(env.GOOGLE_SERVICE_ACCOUNT), ...(env.GOOGLE_PLAY_API_URL ? { baseUrl: env.GOOGLE_PLAY_API_URL } : {}) });
const oneStore = new OneStoreClient({
  clientId: env.ONESTORE_CLIENT_ID, clientSecret: env.ONESTORE_CLIENT_SECRET, environment: env.ONESTORE_ENVIRONMENT ?? 'COMMERCIAL',
  ...(env.ONESTORE_API_URL ? { baseUrl: env.ONESTORE_API_URL } : {}),
});

// The ledger: createPostgresNotificationStore / createPostgresPurchaseStore when several instances run.
const ledger = createMemoryPurchaseStore();
const catalog = {
  gem_500: { kind: 'CONSUMABLE', deliver: { gems: 500 } },
  remove_ads: { kind: 'NON_CONSUMABLE', deliver: { feature: 'no-ads' } },
  vip_monthly: { kind: 'SUBSCRIPTION', deliver: { feature: 'vip' } },
};
const log = { events: [], granted: [], revoked: [] };

const adapters = {
  AS: (event) => appStoreAdapter({ verify: () => ({ purchase: event.purchase }) }),
  GG: () => googlePlayAdapter({ client: play, packageName }),
  ONESTORE: () => oneStoreAdapter({ client: oneStore }),
};

// A purchase: into the ledger. Apple's notification carries the verified transaction; Google's and
// ONE store's the purchase token, which the adapter looks up.
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
  onError: (problem) => console.error(problem.kind, problem.store ?? '', problem.error?.message ?? ''),
});

const app = express();
// The handler reads the body itself: no body parser on this route.
app.post('/notifications', toNodeListener(handleNotification));
// What the backend did, for a look (a real backend would not publish this).
app.get('/ledger', async (req, res) => {
  const records = await Promise.all(log.granted.map((g) => ledger.load(g.store, g.storeId)));
  res.json({ ...log, ledger: records.map(({ flow }) => ({ store: flow.store, storeId: flow.storeId, state: flow.state, renewals: flow.renewals ?? 0 })) });
});

const server = app.listen(Number(env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
