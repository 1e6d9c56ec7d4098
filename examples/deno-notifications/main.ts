// One endpoint for App Store Server Notifications V2, Google Play's real-time developer
// notifications (a Pub/Sub push subscription with authentication) and ONE store's PNS and SNS, on
// Deno.serve. Each notification is authenticated, de-duplicated and turned into one event.
// Purchases go into the ledger through runPurchase (delivered once, then consumed or
// acknowledged); the handler's `ledger` applies refunds and revocations (revoke runs once per
// purchase) and renewals.
//
//   deno run --allow-net --allow-env --allow-read main.ts
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
//   PORT                        default 8000
import {
  Environment, GooglePlayClient, OneStoreClient, SignedDataVerifier, appStoreAdapter, createMemoryNotificationStore,
  createMemoryPurchaseStore, createNotificationHandler, googlePlayAdapter, oneStoreAdapter, runPurchase,
} from 'iap-verify';
import type { NotificationEvent } from 'iap-verify';

const env = (name: string) => Deno.env.get(name);
const need = (name: string) => {
  const v = env(name);
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const rootB64 = env('APPLE_ROOT_CERTIFICATE');
const root = rootB64 ? [Uint8Array.from(atob(rootB64), (c) => c.charCodeAt(0))] : null;
const environment = env('APPLE_ENVIRONMENT') === 'Sandbox' ? Environment.SANDBOX : Environment.PRODUCTION;
const apple = new SignedDataVerifier(root, false, environment, need('APPLE_BUNDLE_ID'));
const packageName = need('GOOGLE_PACKAGE_NAME');
const playApi = env('GOOGLE_PLAY_API_URL');
const play = new GooglePlayClient({ serviceAccount: JSON.parse(need('GOOGLE_SERVICE_ACCOUNT')), ...(playApi ? { baseUrl: playApi } : {}) });
const oneStoreApi = env('ONESTORE_API_URL');
const oneStore = new OneStoreClient({
  clientId: need('ONESTORE_CLIENT_ID'), clientSecret: need('ONESTORE_CLIENT_SECRET'),
  environment: env('ONESTORE_ENVIRONMENT') === 'SANDBOX' ? 'SANDBOX' : 'COMMERCIAL', ...(oneStoreApi ? { baseUrl: oneStoreApi } : {}),
});

// The ledger: createPostgresNotificationStore / createPostgresPurchaseStore when several instances run.
const ledger = createMemoryPurchaseStore();
const catalog = {
  gem_500: { kind: 'CONSUMABLE', deliver: { gems: 500 } },
  remove_ads: { kind: 'NON_CONSUMABLE', deliver: { feature: 'no-ads' } },
  vip_monthly: { kind: 'SUBSCRIPTION', deliver: { feature: 'vip' } },
} as const;
type Grant = { store: string; storeId: string; item?: unknown };
const log = { events: [] as Array<{ id: string; store: string; type: string }>, granted: [] as Grant[], revoked: [] as Grant[] };

// A purchase: into the ledger. Apple's notification carries the verified transaction; Google's and
// ONE store's the purchase token, which the adapter looks up.
async function on(event: NotificationEvent) {
  log.events.push({ id: event.id, store: event.store, type: event.type });
  const store = event.store === 'AS' ? 'AS' : event.store === 'GG' ? 'GG' : 'ONESTORE';
  const storeId = store === 'AS' ? event.purchase?.transactionId : event.purchaseToken;
  const productId = event.productId ?? event.purchase?.productId;
  if (event.type !== 'PURCHASED' || !storeId || !productId || !(productId in catalog)) return;
  // Throws when the store cannot be asked now: the handler answers 500 and the store retries.
  await runPurchase({
    store: ledger,
    adapter: store === 'AS'
      ? appStoreAdapter({ verify: () => ({ purchase: event.purchase! }) })
      : store === 'GG' ? googlePlayAdapter({ client: play, packageName }) : oneStoreAdapter({ client: oneStore }),
    catalog,
    purchase: { store, storeId, productId },
    deliver: (_effect, flow, { item }) => log.granted.push({ store: flow.ledgerStore, storeId: flow.storeId, item }),
  });
}

const jwks = env('PUBSUB_JWKS');
const handleNotification = createNotificationHandler({
  apple,
  google: { audience: need('PUBSUB_AUDIENCE'), serviceAccountEmail: need('PUBSUB_SERVICE_ACCOUNT'), ...(jwks ? { jwks } : {}) },
  // PNS: checked with the licence key. SNS: confirmed with getSubscriptionDetail.
  oneStore: { licenseKey: need('ONESTORE_LICENSE_KEY'), client: oneStore },
  dedupe: createMemoryNotificationStore(),
  on,
  // Refunds, revocations and renewals, applied to the ledger by the handler.
  ledger: {
    store: ledger,
    // Once per refunded purchase, however often the store sends it: take back what it granted.
    revoke: (_effect, flow) => log.revoked.push({ store: flow.ledgerStore, storeId: flow.storeId }),
  },
  onError: (problem) => console.error(problem.kind, 'store' in problem ? problem.store : '', 'error' in problem ? String(problem.error) : ''),
});

Deno.serve({
  hostname: '127.0.0.1',
  port: Number(env('PORT') ?? 8000),
  onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
}, async (request) => {
  const { pathname } = new URL(request.url);
  if (pathname === '/notifications') return handleNotification(request);
  // What the backend did, for a look (a real backend would not publish this).
  if (pathname === '/ledger' && request.method === 'GET') {
    const records = await Promise.all(log.granted.map((g) => ledger.load(g.store, g.storeId)));
    const entries = records.map((r) => r && { store: r.flow.store, storeId: r.flow.storeId, state: r.flow.state, renewals: r.flow.renewals ?? 0 });
    return Response.json({ ...log, ledger: entries });
  }
  return new Response('not found', { status: 404 });
});
