// One endpoint for App Store Server Notifications V2 and Google Play's real-time developer
// notifications (a Pub/Sub push subscription with authentication), on Deno.serve. Each
// notification is authenticated, de-duplicated and turned into one event; purchases go into the
// ledger through runPurchase (delivered once, then consumed or acknowledged), refunds and
// revocations take back what was delivered through applyRefund.
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
//   PORT                        default 8000
import {
  Environment, GooglePlayClient, SignedDataVerifier, appStoreAdapter, applyRefund, createMemoryNotificationStore,
  createMemoryPurchaseStore, createNotificationHandler, googlePlayAdapter, runPurchase,
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

// The ledger: createPostgresNotificationStore / createPostgresPurchaseStore when several instances run.
const ledger = createMemoryPurchaseStore();
const catalog = {
  gem_500: { kind: 'CONSUMABLE', deliver: { gems: 500 } },
  remove_ads: { kind: 'NON_CONSUMABLE', deliver: { feature: 'no-ads' } },
  vip_monthly: { kind: 'SUBSCRIPTION', deliver: { feature: 'vip' } },
} as const;
type Grant = { store: string; storeId: string; item?: unknown };
const log = { events: [] as Array<{ id: string; store: string; type: string }>, granted: [] as Grant[], revoked: [] as Grant[] };

async function on(event: NotificationEvent) {
  log.events.push({ id: event.id, store: event.store, type: event.type });
  // Apple's notification carries the verified transaction; Google's only the purchase token.
  const storeId = event.store === 'AS' ? event.purchase?.transactionId : event.purchaseToken;
  const productId = event.productId ?? event.purchase?.productId;
  if (!storeId) return;
  if (event.type === 'PURCHASED' && productId && productId in catalog) {
    // Throws when the store cannot be asked now: the handler answers 500 and the store retries.
    await runPurchase({
      store: ledger,
      adapter: event.store === 'AS'
        ? appStoreAdapter({ verify: () => ({ purchase: event.purchase! }) })
        : googlePlayAdapter({ client: play, packageName }),
      catalog,
      purchase: { store: event.store === 'AS' ? 'AS' : 'GG', storeId, productId },
      deliver: (_effect, flow, { item }) => log.granted.push({ store: flow.ledgerStore, storeId: flow.storeId, item }),
    });
  } else if (event.type === 'REFUNDED' || event.type === 'REVOKED') {
    await applyRefund({
      store: ledger,
      key: [event.store, storeId],
      reason: event.reason,
      revoke: (_effect, flow) => log.revoked.push({ store: flow.ledgerStore, storeId: flow.storeId }),
    });
  }
}

const jwks = env('PUBSUB_JWKS');
const handleNotification = createNotificationHandler({
  apple,
  google: { audience: need('PUBSUB_AUDIENCE'), serviceAccountEmail: need('PUBSUB_SERVICE_ACCOUNT'), ...(jwks ? { jwks } : {}) },
  dedupe: createMemoryNotificationStore(),
  on,
  onError: (problem) => console.error(problem.kind, 'store' in problem ? problem.store : '', String(problem.error ?? '')),
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
    const entries = await Promise.all(log.granted.map((g) => ledger.purchase(g.store, g.storeId)));
    return Response.json({ ...log, ledger: entries.map((e) => e && { store: e.store, storeId: e.storeId, state: e.state }) });
  }
  return new Response('not found', { status: 404 });
});
