// createNotificationHandler with every store, the ledger and refund requests, as docs/notifications.md
// uses it, and calls that must not compile.
import {
  createNotificationHandler, createMemoryNotificationStore, createMemoryPurchaseStore, applyRefund, applyRenewal, revokeUnrevoked, oneStorePaymentEvent,
  oneStoreSubscriptionEvent, SignedDataVerifier, Environment, OneStoreClient, AppStoreServerAPIClient, GooglePlayClient,
  type NotificationEvent, type NotificationProblem, type NotificationLedger, type OneStoreNotificationOptions, type RefundRequestAnswer, type StoreEvent, type PurchaseFlow, type Revoke,
} from 'iap-verify';

declare const appStore: AppStoreServerAPIClient;
declare const googlePlay: GooglePlayClient;
declare const oneStoreClient: OneStoreClient;

export async function check(): Promise<string> {
  const store = createMemoryPurchaseStore();
  const seen: string[] = [];
  const handler: (request: Request) => Promise<Response> = createNotificationHandler({
    apple: new SignedDataVerifier(null, false, Environment.SANDBOX, 'com.example.app'),
    google: { audience: 'https://b.example/n', serviceAccountEmail: 'push@p.iam.gserviceaccount.com' },
    oneStore: { licenseKey: 'MIIB...', client: oneStoreClient, keyOptions: { allowLegacy1024BitKeys: true } },
    dedupe: createMemoryNotificationStore(),
    on: (event: NotificationEvent) => {
      const confirmed: boolean | undefined = event.confirmed;
      const expiry: number | null | undefined = event.subscription?.expiryTimeMillis;
      seen.push(`${event.store} ${event.type} ${event.id} ${confirmed} ${expiry}`);
    },
    onError: (p: NotificationProblem) => {
      if (p.kind === 'REVOKE_FAILED') seen.push(`${p.effect.storeId} ${p.effect.quantity}`);
      if (p.kind === 'REFUND_DEADLINE_PASSED') seen.push(String(p.deadline));
      if (p.kind === 'LEDGER_SKIPPED') seen.push(p.reason);
    },
    ledger: {
      store,
      revoke: (effect, flow: PurchaseFlow, event) => seen.push(`${effect.productId} ${flow.state} ${event.id}`),
      unknown: (event) => seen.push(event.id),
    },
    refundClients: { appStore, googlePlay },
    onRefundRequest: (event, { deadline }) =>
      event.store === 'AS'
        ? { customerConsented: true, deliveryStatus: 'DELIVERED', sampleContentProvided: false }
        : deadline === undefined ? undefined : { refundPreference: 'DECLINE', sampleContentProvided: true },
    now: () => Date.now(),
  });
  const event: StoreEvent = oneStorePaymentEvent('{}', 'key');
  const sns: StoreEvent = oneStoreSubscriptionEvent({ subscriptionNotification: {} });
  const refunded: PurchaseFlow | null = await applyRefund({ store, event, revoke: () => {} });
  const renewed: PurchaseFlow | null = await applyRenewal({ store, key: ['GG', 'token'], at: 1, expiresAt: 2 });
  const renewals: number = renewed?.renewals ?? 0;
  const expiresAt: number | undefined = renewed?.expiresAt;
  // @ts-expect-error oneStore needs the licence key
  createNotificationHandler({ oneStore: {}, dedupe: createMemoryNotificationStore(), on: () => {} });
  // @ts-expect-error the ledger needs revoke
  createNotificationHandler({ apple: new SignedDataVerifier(null, false, Environment.SANDBOX, 'b'), dedupe: createMemoryNotificationStore(), on: () => {}, ledger: { store } });
  // @ts-expect-error a renewal needs its time
  await applyRenewal({ store, key: ['GG', 'token'] });
  // The owed revokes: the same key (store, storeId) on every call, the transaction that records REVOKED.
  const revoke: Revoke = (effect, flow, { transaction }) => `${effect.store} ${effect.storeId} ${flow.revokePending} ${transaction === undefined}`;
  const owed: Array<{ store: string; storeId: string; refundedAt: number | null }> = await store.unrevoked({ limit: 10 });
  const { revoked, failed } = await revokeUnrevoked({ store, revoke, limit: owed.length || 1 });
  const step: boolean = refunded?.next() === 'REVOKE'; // a comparison tsc refuses unless REVOKE is a PurchaseStep
  // @ts-expect-error the sweeper needs revoke
  await revokeUnrevoked({ store });
  return `${(await handler(new Request('https://b.example/n'))).status} ${event.id} ${sns.id} ${refunded?.state} ${renewals} ${expiresAt} ${revoked.length} ${failed.length} ${step}`;
}

export const shapes = (l: NotificationLedger, o: OneStoreNotificationOptions, a: RefundRequestAnswer): string => `${typeof l.revoke} ${o.licenseKey} ${a === undefined}`;
