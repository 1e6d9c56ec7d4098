// Type-checked with usage.ts: the Google Play Developer API client and its sans-I/O class.
import {
  GooglePlayClient,
  GooglePlayApi,
  IapError,
  toPurchase,
  type GooglePlayClientOptions,
  type ProductPurchase,
  type SubscriptionPurchaseV2,
  type VoidedPurchasesListResponse,
  type VoidedPurchase,
  type ServiceAccountKey,
  type GoogleAccessTokenInfo,
  type HttpRequest,
  type Purchase,
} from 'iap-verify';

const key: ServiceAccountKey = { type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\n...', private_key_id: 'k', project_id: 'p' };
const options: GooglePlayClientOptions = { serviceAccount: key, timeoutMs: 5000, retries: 2 };
const play = new GooglePlayClient(options);
new GooglePlayClient({ serviceAccount: JSON.stringify(key), baseUrl: 'http://127.0.0.1:8787', tokenUrl: 'http://127.0.0.1:8787/token' });

async function use(): Promise<void> {
  const ids = { packageName: 'com.example.app', productId: 'gems', token: 'purchase-token' };
  const p: ProductPurchase = await play.getProductPurchase(ids);
  const millis: string | undefined = p.purchaseTimeMillis;
  const ms: number | undefined = p.purchaseTimeMs;
  const purchase: Purchase = toPurchase(p);
  const due: number | undefined = purchase.needsAcknowledgement ? purchase.acknowledgeBy : undefined;
  await play.acknowledgeProductPurchase({ ...ids, developerPayload: 'order-1' });
  await play.consumeProductPurchase(ids);
  const s: SubscriptionPurchaseV2 = await play.getSubscriptionPurchaseV2({ packageName: 'com.example.app', token: 't' });
  const expiry: number | undefined = s.lineItems?.[0]?.expiryTimeMs;
  toPurchase(s);
  await play.revokeSubscriptionPurchaseV2({ packageName: 'com.example.app', token: 't', revocationContext: { fullRefund: {} } });
  await play.cancelSubscriptionPurchaseV2({ packageName: 'com.example.app', token: 't', cancellationContext: { cancellationType: 'DEVELOPER_REQUESTED_STOP_PAYMENTS' } });
  await play.cancelSubscriptionPurchase({ packageName: 'com.example.app', subscriptionId: 'monthly', token: 't' });
  await play.acknowledgeSubscriptionPurchase({ packageName: 'com.example.app', subscriptionId: 'monthly', token: 't' });
  const page: VoidedPurchasesListResponse = await play.listVoidedPurchases({ packageName: 'com.example.app', startTime: Date.now() - 86_400_000, type: 1 });
  const next: string | undefined = page.tokenPagination?.nextPageToken;
  for await (const each of play.listVoidedPurchasesPages({ packageName: 'com.example.app', includeQuantityBasedPartialRefund: true })) {
    const v: VoidedPurchase[] = each.voidedPurchases ?? [];
    const reason: number | undefined = v[0]?.voidedReason;
  }
  try {
    await play.getSubscriptionPurchaseV2({ packageName: 'com.example.app', token: 'old' });
  } catch (e) {
    if (e instanceof IapError && e.code === 'API_ERROR' && e.details?.status === 410) return;
    throw e;
  }
}

const api = new GooglePlayApi({ serviceAccount: key });
const tokenRequest: HttpRequest = api.tokenRequest();
const info: GoogleAccessTokenInfo = api.parseToken({ status: 200, body: '{}' });
const at: number = info.expiresAtMs;
const r: HttpRequest = api.getProductPurchaseRequest({ packageName: 'p', productId: 'x', token: 't' });
const parsed: ProductPurchase = api.parseGetProductPurchase({ status: 200, body: '{}' }, { packageName: 'p', productId: 'x', token: 't' });
void use;
