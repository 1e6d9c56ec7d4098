// A customer's purchases in two stores, made the way a backend makes them: runPurchase with the
// package's adapters against the local server (the emulator's Google Play and ONE store faces),
// into the purchase store given (the memory store, or PostgreSQL in tests/postgres). One record is
// stuck: a Google token the store does not know ends in VERIFY_FAILED, for the reopen action.
import * as iap from 'iap-verify';

export const CUSTOMER = 'cust-7';
const catalog = { gem_500: { kind: 'CONSUMABLE', deliver: 'gems' }, vip_monthly: { kind: 'SUBSCRIPTION' }, gem_100_os: { kind: 'CONSUMABLE', deliver: 'gems' } };

/**
 * Runs the customer's purchases into `store`; resolves with their keys and final states.
 * `tag` keeps tokens apart when several fixtures share one emulator.
 * @param {import('iap-verify-emulator').Emulator} emu
 * @param {import('iap-verify').PurchaseStore} store
 */
export async function customerPurchases(emu, store, { userId = CUSTOMER, tag = 'c7' } = {}) {
  const gp = emu.googlePlay;
  const os = emu.oneStore;
  const google = new iap.GooglePlayClient({ serviceAccount: gp.serviceAccount, baseUrl: emu.url, retryDelayMs: 5 });
  const one = new iap.OneStoreClient({ clientId: os.clientId, clientSecret: os.clientSecret, environment: os.environment, baseUrl: emu.url });
  const googleAdapter = iap.googlePlayAdapter({ client: google, packageName: gp.packageName });
  const oneAdapter = iap.oneStoreAdapter({ client: one });
  gp.addProductPurchase({ token: `${tag}-gg-gem`, productId: 'gem_500', purchaseTime: '-1h' });
  gp.addSubscription({ token: `${tag}-gg-vip`, productId: 'vip_monthly', startTime: '-3d', expiryTime: '+27d' });
  // ONE store's tokens are at most 20 characters of [0-9A-Z].
  const osToken = `SB${tag.toUpperCase().replace(/[^0-9A-Z]/g, '')}GEM`.padEnd(18, '0');
  os.addPurchase({ productId: 'gem_100_os', purchaseToken: osToken, purchaseTime: '-30m' });
  const delivered = [];
  const run = (adapter, purchase) => iap.runPurchase({ store, adapter, catalog, purchase: { ...purchase, userId }, deliver: (effect) => delivered.push(effect.storeId) });
  const out = {
    googleGem: await run(googleAdapter, { store: 'GG', storeId: `${tag}-gg-gem`, productId: 'gem_500' }),
    googleVip: await run(googleAdapter, { store: 'GG', storeId: `${tag}-gg-vip`, productId: 'vip_monthly' }),
    oneStoreGem: await run(oneAdapter, { store: 'ONESTORE', storeId: osToken, productId: 'gem_100_os' }),
    // Google knows no such token: the store's verdict, VERIFY_FAILED.
    stuck: await run(googleAdapter, { store: 'GG', storeId: `${tag}-gg-unknown`, productId: 'gem_500' }),
  };
  return { ...out, osToken, stuckToken: `${tag}-gg-unknown`, delivered };
}
