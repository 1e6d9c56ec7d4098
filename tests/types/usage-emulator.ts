// The emulator's App Store face, typed: its credentials feed AppStoreServerAPIClient as they are.
import { AppStoreServerAPIClient } from 'iap-verify';
import { startEmulator, type EmulatorAppStoreTransaction, type EmulatorNotification } from 'iap-verify-emulator';

export async function appStoreUsage(): Promise<string | undefined> {
  const emu = await startEmulator({ port: 0, appStore: { bundleId: 'com.example.game', pageSize: 5, products: [{ productId: 'p', type: 'Consumable', price: 990 }] } });
  const a = emu.appStore;
  const client = new AppStoreServerAPIClient(a.signingKey ?? '', a.keyId, a.issuerId, a.bundleId, a.environment, {
    baseUrl: emu.url, rootCertificates: [a.rootCertificate], appAppleId: a.appAppleId,
  });
  const t: EmulatorAppStoreTransaction = a.addTransaction({ productId: 'p', customer: 'c', purchaseDate: '-1h' });
  a.refund({ transactionId: t.transactionId, revocationReason: 1 });
  const pem: string = a.rootCertificatePem;
  const info = await client.getTransactionInfo(t.transactionId);
  await emu.close();
  return pem && info.decodedTransactionInfo?.productId;
}

/** Retention messaging: the image is bytes, the lists are typed. */
export async function retentionUsage(client: AppStoreServerAPIClient): Promise<string | undefined> {
  await client.uploadImage('a1b2c3d4-0000-4000-8000-000000000001', new Uint8Array([0x89, 0x50]), 'FULL_SIZE');
  await client.uploadMessage('a1b2c3d4-0000-4000-8000-000000000002', { header: 'h', body: 'b' });
  const list = await client.getImageList();
  const url: string = (await client.getRealtimeURL()).realtimeURL;
  await client.finishTransaction('2000000012345678');
  return list.imageIdentifiers?.[0]?.imageState ?? url;
}

/** The Google Play face: its key file feeds GooglePlayClient as it is. */
export async function googlePlayUsage(): Promise<boolean | undefined> {
  const { GooglePlayClient, toPurchase } = await import('iap-verify');
  const emu = await startEmulator({ port: 0, googlePlay: { packageName: 'com.example.game' } });
  const g = emu.googlePlay;
  g.addProductPurchase({ token: 't1', productId: 'gem_500', purchaseTime: '-1h' });
  g.void({ token: 't1', voidedReason: 1 });
  const play = new GooglePlayClient({ serviceAccount: g.serviceAccount, baseUrl: emu.url });
  const p = toPurchase(await play.getProductPurchase({ packageName: g.packageName, productId: 'gem_500', token: 't1' }));
  await emu.close();
  return p.needsAcknowledgement;
}

/** Adding purchases answers with what the app sends: the product id and the purchase token. */
export async function addedPurchases(): Promise<string[]> {
  const emu = await startEmulator({ port: 0 });
  const google: string = emu.googlePlay.addProductPurchase({ productId: 'gem_500' }).purchaseToken;
  const sub: string = emu.googlePlay.addSubscription({ productId: 'vip_monthly' }).productId;
  const one = emu.oneStore.addPurchase({ productId: 'gem.100' });
  const oneSub: string = emu.oneStore.addSubscription({ productId: 'vip.monthly' }).purchaseToken;
  await emu.close();
  return [google, sub, one.productId, one.purchaseToken, oneSub];
}

/** The Google Play face's purchases, as the dashboard reads them for its sample token. */
export async function googlePlayPurchases(): Promise<string | undefined> {
  const emu = await startEmulator({ port: 0 });
  const pending = emu.googlePlay.productPurchases().find((p) => p.purchaseState === 0 && p.acknowledgementState === 0);
  await emu.close();
  return pending?.token;
}

/** Notifications: every face's, listed, replayed, forged; the push key set feeds verifyPubSubPush and the root a SignedDataVerifier. */
export async function notificationsUsage(): Promise<number> {
  const { verifyPubSubPush, SignedDataVerifier, Environment } = await import('iap-verify');
  const emu = await startEmulator({
    port: 0,
    appStore: { notificationUrl: 'http://127.0.0.1:3000/n', retrySchedule: [10, 20] },
    googlePlay: { pushEndpoint: 'http://127.0.0.1:3000/n', pushAudience: 'https://backend.example/n', retrySchedule: [10] },
    oneStore: { pnsUrl: 'http://127.0.0.1:3000/pns', retrySchedule: [] },
  });
  const verifier = new SignedDataVerifier([emu.appStore.rootCertificate], false, Environment.SANDBOX, emu.appStore.bundleId);
  emu.appStore.failRenewal({ originalTransactionId: '2000000100000003', gracePeriodDays: 6 });
  emu.appStore.expire({ originalTransactionId: '2000000100000003', reason: 'BILLING_RETRY' });
  const { notificationUUID } = emu.appStore.requestRefund({ transactionId: '2000000100000001' });
  emu.googlePlay.setSubscriptionState({ token: 'play-sub-active', state: 'ON_HOLD' });
  emu.oneStore.pause({ purchaseToken: 'SBSUB', months: 2 });
  const list: EmulatorNotification[] = emu.notifications.list({ store: 'googlePlay' });
  const forged = emu.notifications.forge(list[0].id, 'audience');
  const released: string[] = emu.notifications.release({ order: 'reverse' });
  const done: boolean = await emu.notifications.idle(1000);
  const { audience, serviceAccountEmail, jwks } = emu.googlePlay.push;
  await verifyPubSubPush('Bearer x', { audience: audience ?? '', serviceAccountEmail, jwks });
  await emu.close();
  return list.length + forged.attempts.length + released.length + Number(done) + notificationUUID.length + Number(verifier !== null);
}
