// The emulator's ONE store face POSTs its PNS and SNS to the configured URLs (a node:http server
// here, so Node only): the PNS verifies with the face's licence key, the SNS is confirmed with
// getSubscriptionDetail, and an unreachable URL is recorded, not fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as iap from './load.mjs';
import { startEmulator } from '../../emulator/src/emulator.js';

test('PNS and SNS are POSTed as JSON to the configured URLs', async () => {
  const got = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ path: req.url, type: req.headers['content-type'], body });
      res.writeHead(req.url === '/fail' ? 500 : 200).end();
    });
  });
  await new Promise((r) => hook.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${hook.address().port}`;
  const emu = await startEmulator({ port: 0, oneStore: { pnsUrl: `${base}/pns`, snsUrl: `${base}/sns` } });
  try {
    const o = emu.oneStore;
    o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBDELIVERY00000001' });
    o.addSubscription({ productId: 'vip.monthly', purchaseToken: 'SBDELIVERY00000002' });
    await o.settled();
    assert.deepEqual(got.map((g) => g.path), ['/pns', '/sns']);
    assert.ok(got.every((g) => g.type === 'application/json'));
    const pns = iap.verifyOneStoreNotification(got[0].body, o.licenseKey);
    assert.equal(pns.purchaseToken, 'SBDELIVERY00000001');
    const client = new iap.OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url });
    const { notification, subscription } = await iap.confirmOneStoreSubscriptionNotification(got[1].body, client);
    assert.equal(notification.subscriptionNotification.notificationTypeName, 'SUBSCRIPTION_PURCHASED');
    assert.equal(subscription.acknowledgementState, 0);
    assert.deepEqual(o.notifications().map((n) => n.status), [200, 200]);
    // An endpoint that fails, and one that is not there: recorded.
    await fetch(`${emu.url}/admin/onestore/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pnsUrl: `${base}/fail`, snsUrl: 'http://127.0.0.1:9/none' }) });
    o.addPurchase({ productId: 'gem.100' });
    o.addSubscription({ productId: 'vip.monthly' });
    await o.settled();
    const [pnsFail, snsFail] = o.notifications().slice(2).map((n) => n.status);
    assert.equal(pnsFail, 500);
    assert.match(String(snsFail), /^failed/);
  } finally {
    await emu.close();
    hook.close();
  }
});
