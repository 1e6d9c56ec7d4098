// toPurchase of the NHN records the docs say it takes, as the local IAP server answers them:
// Gamebase's payment records (getPaymentTransaction, listConsumables: no store product id, so the
// product is the Gamebase product id) and subscription records; the IAP API's lists name no store
// and are refused, as documented (docs/purchase-state.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { emulator } from './services.mjs';

let emu = null;
before(async () => {
  if (typeof iap.GamebaseClient === 'function') emu = await emulator();
});
after(() => emu?.close());

test('toPurchase takes Gamebase payment records (getPaymentTransaction, listConsumables)', async (t) => {
  if (!emu) return t.skip('no emulator');
  const g = new iap.GamebaseClient({ appId: emu.gamebase.appId, secretKey: emu.gamebase.secretKey, baseUrl: emu.url, retryDelayMs: 5, dangerouslyAllowBrowser: true });
  const list = await g.listConsumables({ userId: 'user-2' });
  assert.ok(list.length >= 2);
  for (const record of list) {
    const p = iap.toPurchase(record);
    assert.equal(p.store, record.marketId);
    assert.equal(p.productId, record.gamebaseProductId);
    assert.equal(p.paymentSeq, record.paymentSeq);
    assert.equal(p.purchaseTime, record.purchaseTimeMillis);
    assert.equal(p.state, 'PURCHASED');
    assert.equal(p.environment, record.isTestPurchase ? 'SANDBOX' : 'PRODUCTION');
  }
  const tx = await g.getPaymentTransaction(list[0].accessToken);
  const p = iap.toPurchase(tx);
  assert.deepEqual([p.store, p.productId, p.paymentSeq, p.accountId], [tx.marketId, tx.gamebaseProductId, tx.paymentSeq, tx.userId]);
  assert.throws(() => iap.toPurchase({ ...tx }), (e) => e.code === 'INVALID_ARGUMENT', 'a copy is still refused');
});

test('the IAP API lists name no store: refused, as the docs say', async (t) => {
  if (!emu) return t.skip('no emulator');
  const c = new iap.IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, retryDelayMs: 5 });
  const [record] = await c.listConsumables({ marketId: 'ONESTORE', userKey: 'user-2' });
  assert.equal(record.marketId, undefined);
  assert.throws(() => iap.toPurchase(record), (e) => e.code === 'INVALID_ARGUMENT');
});
