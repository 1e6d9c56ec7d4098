// A ONE store purchase through the server API V7, against the local server's ONE store face (no
// ONE store account needed): the backend receives the app's purchase token and the PNS ONE store
// POSTs, verifies the PNS with the licence key, asks ONE store about the token (never trusting the
// app or the notification alone), delivers once, consumes; a consume whose answer is lost; a
// subscription renewed on the sandbox clock and cancelled, confirmed from its SNS; a voided purchase.
import { createServer } from 'node:http';
import { OneStoreClient, toPurchase, verifyOneStoreNotification, confirmOneStoreSubscriptionNotification, subscriptionStatus } from '../pkg/node.mjs';
import { startEmulator } from '../emulator/src/emulator.js';

const say = (text) => console.log(`  ${text}`);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

// The backend's notification endpoints (the URLs set in the Developer Center's PNS settings).
const received = [];
const hook = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push({ path: req.url, body });
    res.writeHead(200).end();
  });
});
await new Promise((r) => hook.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${hook.address().port}`;
const emu = await startEmulator({ port: 0, oneStore: { pnsUrl: `${hookUrl}/pns`, snsUrl: `${hookUrl}/sns` } });
const admin = (path, body) => fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
console.log(`ONE store server API V7 against the emulator (${emu.url}):`);

const o = emu.oneStore;
const one = new OneStoreClient({ clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url, timeoutMs: 2000 });
const gems = new Map();

async function deliver(account, productId, purchaseToken) {
  const answer = await one.getPurchaseDetails({ productId, purchaseToken });
  const p = toPurchase(answer);
  if (p.state !== 'PURCHASED') return say(`token ${purchaseToken}: ${p.state}, nothing to deliver`);
  if (answer.consumptionState === 1) return say(`token ${purchaseToken}: consumed already (purchase ${p.transactionId}), nothing to deliver`);
  say(`token ${purchaseToken}: purchase ${p.transactionId}, ${p.productId}, ${p.environment}, ${p.needsAcknowledgement ? `must be acknowledged by ${iso(p.acknowledgeBy)}` : 'acknowledged'}`);
  gems.set(account, (gems.get(account) ?? 0) + 100);
  try {
    await one.consumePurchase({ productId, purchaseToken }); // a consumed purchase counts as acknowledged
  } catch (e) {
    // Sent once: a lost answer is settled by reading the purchase again, never by re-delivering.
    say(`consume: ${e.code}; reading the purchase again`);
    const again = await one.getPurchaseDetails({ productId, purchaseToken });
    if (again.consumptionState !== 1) await one.consumePurchase({ productId, purchaseToken });
  }
  say(`delivered and consumed -> ${account} has ${gems.get(account)} gems`);
}

try {
  // 1. ONE store charges a customer: a PNS arrives, and the app sends the token too (twice).
  o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBDEMOTOKEN00000001', developerPayload: 'order-1' });
  await o.settled();
  const pns = verifyOneStoreNotification(received.at(-1).body, o.licenseKey);
  say(`PNS verified with the licence key: ${pns.purchaseState} ${pns.productId} ${pns.purchaseId} (a trigger only: the server API decides)`);
  await deliver('demo-account', 'gem.100', 'SBDEMOTOKEN00000001');
  await deliver('demo-account', 'gem.100', 'SBDEMOTOKEN00000001');

  // 2. A consume whose answer is lost on the way back.
  o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBDEMOTOKEN00000002' });
  await admin('/admin/faults', { path: `/v7/apps/${o.clientId}/purchases/inapp/products/gem.100/SBDEMOTOKEN00000002/consume`, lose: true, times: 1 });
  await deliver('demo-account', 'gem.100', 'SBDEMOTOKEN00000002');

  // 3. A subscription: bought, renewed on the sandbox clock (a month is 5 minutes), cancelled.
  o.addSubscription({ productId: 'vip.monthly', purchaseToken: 'SBDEMOSUB0000000001' });
  const ids = { productId: 'vip.monthly', purchaseToken: 'SBDEMOSUB0000000001' };
  await one.acknowledgePurchase(ids);
  await admin('/admin/clock', { advanceMs: 5 * 60_000 + 1000 });
  let detail = await one.getSubscriptionDetail(ids);
  await o.settled();
  const { notification } = await confirmOneStoreSubscriptionNotification(received.at(-1).body, one);
  say(`SNS ${notification.subscriptionNotification.notificationTypeName}, confirmed: expires ${iso(detail.expiryTimeMs)}, ${subscriptionStatus({ source: 'ONESTORE', subscription: detail }, detail.expiryTimeMs - 1000).status}`);
  await one.cancelSubscription(ids);
  detail = await one.getSubscriptionDetail(ids);
  say(`cancelled: ${subscriptionStatus({ source: 'ONESTORE', subscription: detail }, detail.expiryTimeMs - 1000).status} until ${iso(detail.expiryTimeMs)}, then ${subscriptionStatus({ source: 'ONESTORE', subscription: detail }, detail.expiryTimeMs).status}`);

  // 4. ONE store refunds a purchase: it shows in the voided list, and a PNS CANCELED arrives.
  o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBDEMOTOKEN00000003', acknowledged: true });
  await admin('/admin/onestore/refunds', [{ purchaseToken: 'SBDEMOTOKEN00000003' }]);
  await o.settled();
  const voided = await one.getVoidedPurchases({});
  const cancelled = verifyOneStoreNotification(received.at(-1).body, o.licenseKey);
  say(`voided: ${voided.voidedPurchaseList.map((v) => `${v.purchaseToken} at ${iso(v.voidedTimeMs)}`).join(', ')}; PNS ${cancelled.purchaseState} for ${cancelled.purchaseToken}: take the item back`);
} finally {
  await emu.close();
  hook.close();
}
