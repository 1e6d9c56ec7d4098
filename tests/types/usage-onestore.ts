// Type-checked with usage.ts: ONE store's server API V7 client and its sans-I/O class.
import {
  OneStoreClient,
  OneStoreApi,
  IapError,
  type OneStoreClientOptions,
  type OneStorePurchaseDetails,
  type OneStoreRecurringPurchaseDetails,
  type OneStoreSubscriptionDetail,
  type OneStoreVoidedPurchases,
  type OneStoreAccessTokenInfo,
  type HttpRequest,
} from 'iap-verify';

const options: OneStoreClientOptions = { clientId: 'com.example.app', clientSecret: 's', environment: 'SANDBOX', marketCode: 'MKT_GLB', timeoutMs: 5000, retries: 2 };
const one = new OneStoreClient(options);
new OneStoreClient({ clientId: 'com.example.app', clientSecret: 's', environment: 'COMMERCIAL', baseUrl: 'http://127.0.0.1:8787' });

async function use(): Promise<void> {
  const ids = { productId: 'gem.100', purchaseToken: 'TOKEN3000000312345' };
  const p: OneStorePurchaseDetails = await one.getPurchaseDetails(ids);
  const ms: number | undefined = p.purchaseTimeMs;
  const acked: boolean = p.acknowledgeState === 1;
  const r: OneStoreRecurringPurchaseDetails = await one.getRecurringPurchaseDetails(ids);
  const expiry: number | undefined = r.expiryTimeMs;
  await one.acknowledgePurchase({ ...ids, developerPayload: 'order-1' });
  await one.consumePurchase(ids);
  await one.cancelRecurringPurchase(ids);
  await one.reactivateRecurringPurchase(ids);
  const page: OneStoreVoidedPurchases = await one.getVoidedPurchases({ startTime: Date.now() - 86_400_000, maxResults: 100 });
  const voidedAt: number | undefined = page.voidedPurchaseList?.[0]?.voidedTimeMs;
  for await (const p of one.getVoidedPurchasesPages({ continuationKey: page.continuationKey })) p.voidedPurchaseList?.length;
  const s: OneStoreSubscriptionDetail = await one.getSubscriptionDetail(ids);
  const state: number | null | undefined = s.paymentState;
  const due: number | undefined = s.priceChange?.agreementDueDateTimeMs;
  await one.cancelSubscription(ids);
  await one.reactivateSubscription(ids);
  await one.deferSubscription({ ...ids, deferPeriod: 7 });
  try {
    await one.getPurchaseDetails(ids);
  } catch (e) {
    if (e instanceof IapError && e.code === 'API_ERROR') console.log(e.details);
  }
  void [ms, acked, expiry, voidedAt, state, due];
}

const api = new OneStoreApi({ clientId: 'com.example.app', clientSecret: 's', environment: 'SANDBOX' });
const t: HttpRequest = api.tokenRequest();
const info: OneStoreAccessTokenInfo = api.parseToken({ status: 200, body: '{}' });
const req: HttpRequest = api.getSubscriptionDetailRequest({ productId: 'p', purchaseToken: 't' });
const detail: OneStoreSubscriptionDetail = api.parseGetSubscriptionDetail({ status: 200, body: '{}' }, { productId: 'p', purchaseToken: 't' });
void [use, t, info, req, detail];
