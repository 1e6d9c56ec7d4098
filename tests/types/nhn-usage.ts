// Type-checked with usage.ts (tests/package/package.test.mjs, tsc --strict against the installed
// tarball): the NHN clients' public types name real shapes, not `any`.
import { IapClient, GamebaseClient, IapApi, IapError } from 'iap-verify';
import type { IapConsumable, GamebaseActiveSubscription, HttpRequest, GamebaseSubscriptionStatus, PaymentRef } from 'iap-verify';
import { startEmulator } from 'iap-verify-emulator';

export async function usage(): Promise<number> {
  const emu = await startEmulator({ port: 0 });
  const iap = new IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, timeoutMs: 5000, retries: 1 });
  const list: IapConsumable[] = await iap.listConsumables({ marketId: 'GG', userKey: 'user-1' });
  const first: PaymentRef = list[0];
  const consumed = await iap.consume(first);
  const price: number = consumed.price;
  const seq: string = list[0].paymentSeq;

  const gb = new GamebaseClient({ appId: emu.gamebase.appId, secretKey: emu.gamebase.secretKey, baseUrl: emu.url });
  const subs: GamebaseActiveSubscription[] = await gb.listActiveSubscriptions({ userId: 'user-1', packageName: 'com.example.game' });
  const expiry: number | undefined = subs[0]?.expiryTimeMillis;
  const statuses: GamebaseSubscriptionStatus[] = await gb.getSubscriptionsStatus(subs);
  await gb.cancelSubscription(subs[0]);
  const tx = await gb.getPaymentTransaction('token');
  const consumable: boolean = tx.isConsumable;

  const req: HttpRequest = new IapApi({ appKey: 'k' }).consumeRequest({ paymentSeq: seq, accessToken: 't' });
  const method: 'GET' | 'POST' = req.method;

  try {
    await iap.consume(first);
  } catch (e) {
    if (e instanceof IapError && e.code === 'ALREADY_CONSUMED') return 0;
  }
  await emu.close();
  return price + (expiry ?? 0) + statuses.length + Number(consumable) + method.length;
}
