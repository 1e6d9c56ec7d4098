// Type-checked with usage.ts: the NHN IAP server and Gamebase clients.
import {
  IapClient,
  GamebaseClient,
  IapError,
  type IapClientOptions,
  type FetchLike,
  type IapConsumable,
  type IapConsumeResult,
} from 'iap-verify';

const options: IapClientOptions = { appKey: 'key', timeoutMs: 5000, retries: 2, retryDelayMs: 100 };
const iapClient = new IapClient(options);
const custom: FetchLike = async (url, init) => fetch(url, init);
new IapClient({ appKey: 'key', baseUrl: 'http://127.0.0.1:8787', fetch: custom });

async function deliver(): Promise<void> {
  const list: IapConsumable[] = await iapClient.listConsumables({ marketId: 'GG', userKey: 'user-1' });
  for (const p of list) {
    try {
      const done: IapConsumeResult = await iapClient.consume({ paymentSeq: p.paymentSeq, accessToken: p.accessToken });
      const price: number = done.price;
    } catch (e) {
      if (e instanceof IapError && e.code === 'ALREADY_CONSUMED') continue;
      throw e;
    }
  }
  const gb = new GamebaseClient({ appId: 'app', secretKey: 'secret' });
  await gb.listConsumables({ userId: 'user-1' });
  await gb.cancelSubscription({ paymentSeq: '2024010112345678', accessToken: 'token' });
}
