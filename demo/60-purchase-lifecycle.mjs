// One purchase lifecycle for every store (runPurchase): for each store, two backend instances get
// the app's "I paid" request at once and share one purchase store (the in-memory one here;
// iap-verify/postgres in production); the settle's first answer is lost. Each purchase is
// delivered once and settled, and the ledger answers "what has this customer bought?". Google
// Play, the App Store and NHN run against the local server; ONE store against an in-process fake
// that answers as ONE store's docs say (the local server has no ONE store face yet).
import { createSign } from 'node:crypto';
import {
  GooglePlayClient, AppStoreServerAPIClient, SignedDataVerifier, IapClient, IapError, createMemoryPurchaseStore, runPurchase,
  googlePlayAdapter, oneStoreAdapter, appStoreAdapter, nhnAdapter, verifyGooglePurchase, verifyOneStorePurchase,
} from '../pkg/node.mjs';
import { startEmulator } from '../emulator/src/emulator.js';
import { read } from './lib.mjs';

const emu = await startEmulator({ port: 0 });
const say = (text) => console.log(`  ${text}`);
const admin = (path, body) => fetch(emu.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
console.log(`One lifecycle, every store: two instances per purchase, the first settle answer lost (local server at ${emu.url}):`);

const store = createMemoryPurchaseStore();
const grants = [];
const catalog = {
  gem_500: { kind: 'CONSUMABLE', deliver: '500 gems' },
  gem_pack_100: { kind: 'CONSUMABLE', deliver: '100 gems' },
  vip_monthly: { kind: 'SUBSCRIPTION', deliver: 'VIP' },
};
const deliver = (name) => (effect, flow, { item }) => {
  grants.push(`${effect.store} ${effect.storeId}`);
  say(`${name}: delivered ${item} (${effect.store} ${effect.storeId})`);
};

async function race(label, adapterOf, purchase) {
  say(`${label}: ${purchase.productId}, ${purchase.storeId}`);
  const runs = await Promise.allSettled(['A', 'B'].map((n) => runPurchase({ store, adapter: adapterOf(n), catalog, purchase, deliver: deliver(`instance ${n}`) })));
  say(`=> ${runs.map((r, i) => `${'AB'[i]} ${r.status === 'fulfilled' ? r.value.state : r.reason.code}`).join(', ')}`);
  // Whoever gave up for now (its settle answer lost), the app's retry or the sweeper finishes it.
  const flow = await runPurchase({ store, adapter: adapterOf('A'), catalog, purchase, deliver: deliver('retry') });
  const n = grants.filter((g) => g === `${flow.ledgerStore} ${purchase.storeId}` || g === `${purchase.store} ${purchase.storeId}`).length;
  say(`=> ${flow.state}, settle ${flow.settle} after ${flow.settleAttempts} request(s), ${n} delivery`);
  if (flow.state !== 'COMPLETED' || n !== 1) throw new Error(`${label}: expected COMPLETED and one delivery`);
}

try {
  // Google Play: consume a consumable; the first consume goes through but its answer is lost.
  await admin('/admin/faults', { path: ':consume', times: 1, lose: true });
  const play = new GooglePlayClient({ serviceAccount: emu.googlePlay.serviceAccount, baseUrl: emu.url, retryDelayMs: 5 });
  await race('Google Play', () => googlePlayAdapter({ client: play, packageName: emu.googlePlay.packageName }),
    { store: 'GG', storeId: 'play-token-unacknowledged', productId: 'gem_500', userId: 'player-1' });

  // ONE store (fake): InvalidConsumeState on the retry is recognised as ours.
  const p = { purchaseState: 0, consumptionState: 0, acknowledgeState: 0 };
  let lose = true;
  const oneStore = {
    getPurchaseDetails: async () => ({ ...p }),
    acknowledgePurchase: async () => {},
    consumePurchase: async () => {
      if (p.consumptionState === 1) throw new IapError('API_ERROR', 'ONE store: InvalidConsumeState', { details: { status: 409, errorCode: 'InvalidConsumeState' } });
      p.consumptionState = 1;
      if (lose) {
        lose = false;
        throw new IapError('NETWORK_ERROR', 'the answer was lost', { retryable: true });
      }
    },
  };
  const signed = read('tests/vectors/onestore/v21.json');
  const oneVerified = () => ({ purchase: verifyOneStorePurchase(signed, read('tests/vectors/onestore/v21.sig'), read('tests/vectors/onestore/test-key-2048.pub')) });
  await race('ONE store', () => oneStoreAdapter({ client: oneStore, verify: oneVerified }),
    { store: 'ONESTORE', storeId: 'TOKEN3000000312345', productId: 'gem_pack_100', userId: 'player-1' });

  // App Store: the signed transaction from the App Store Server API, verified offline; nothing to settle.
  const a = emu.appStore;
  const apple = new AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, { baseUrl: emu.url, rootCertificates: [a.rootCertificate], appAppleId: a.appAppleId });
  const verifier = new SignedDataVerifier([a.rootCertificate], false, a.environment, a.bundleId, a.appAppleId);
  await race('App Store', () => appStoreAdapter({ verify: async (flow) => ({ purchase: await verifier.verifyAndDecodeTransaction((await apple.getTransactionInfo(flow.storeId)).signedTransactionInfo) }) }),
    { store: 'AS', storeId: '2000000100000004', productId: 'vip_monthly', userId: 'player-1' });

  // NHN: consume first at the IAP server (its answer lost: 5018 on the retry is ours), then deliver.
  const orderId = 'GPA.3301-0000-0000-00060';
  const signedData = JSON.stringify({ orderId, packageName: emu.iap.packageName, productId: 'gem_pack_100', purchaseTime: Date.now(), purchaseState: 0, purchaseToken: `token-${orderId}`, quantity: 1 });
  const signature = createSign('RSA-SHA1').update(signedData).sign(read('tests/vectors/google/test-key-2048.pem'), 'base64');
  const payment = emu.addPayment({ userId: 'player-1', productId: 'gem_100', marketId: 'GG', paymentId: orderId });
  await admin('/admin/faults', { path: '/v1/service/consume', times: 1, lose: true });
  const iap = new IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, timeoutMs: 1000 });
  const key = read('tests/vectors/google/test-key-2048.pub');
  await race('NHN', () => nhnAdapter({ client: iap, verify: () => ({ purchase: verifyGooglePurchase(signedData, signature, key) }) }),
    { store: 'GG', nhn: true, storeId: payment.paymentSeq, token: payment.accessToken, productId: 'gem_pack_100', userId: 'player-1' });

  console.log('What has player-1 bought, in every store?');
  for (const e of await store.purchasesOf('player-1')) say(`${e.store.padEnd(8)} ${e.productId.padEnd(12)} ${e.state.padEnd(9)} delivered ${new Date(e.deliveredAt).toISOString()} settled ${e.settledAt ? new Date(e.settledAt).toISOString() : '-'}`);
} finally {
  await emu.close();
}
