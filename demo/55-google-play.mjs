// A Google Play purchase checked, delivered and consumed through the Play Developer API, against the
// local server's Google Play face (no Google account needed): the emulator plays Google's OAuth
// token endpoint and the API, and checks the RS256 assertion the client signs with the service
// account's key. The backend never trusts the app: it asks Google about the token it was sent.
import { GooglePlayClient, toPurchase } from '../pkg/node.mjs';
import { startEmulator } from '../emulator/src/emulator.js';

const emu = await startEmulator({ port: 0 });
const say = (text) => console.log(`  ${text}`);
console.log(`Play Developer API against the emulator (${emu.url}):`);

const g = emu.googlePlay;
// The key file as the Play Console hands it out; its token_uri points at the emulator.
const play = new GooglePlayClient({ serviceAccount: g.serviceAccount, baseUrl: emu.url, timeoutMs: 2000 });
const packageName = g.packageName;
const gems = new Map(); // account -> balance
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function redeem(account, productId, token) {
  const answer = await play.getProductPurchase({ packageName, productId, token });
  const p = toPurchase(answer);
  if (p.state !== 'PURCHASED') return say(`token ${token}: ${p.state}, nothing to deliver`);
  if (answer.consumptionState === 1) return say(`token ${token}: consumed already (order ${p.transactionId}), nothing to deliver`);
  say(`token ${token}: order ${p.transactionId}, ${p.productId}, ${p.environment}, ${p.needsAcknowledgement ? `must be acknowledged by ${iso(p.acknowledgeBy)}` : 'acknowledged'}`);
  gems.set(account, (gems.get(account) ?? 0) + 500);
  await play.consumeProductPurchase({ packageName, productId, token }); // consuming acknowledges too
  const after = await play.getProductPurchase({ packageName, productId, token });
  say(`delivered and consumed -> ${account} has ${gems.get(account)} gems; Google now says consumptionState ${after.consumptionState}, acknowledgementState ${after.acknowledgementState}`);
}

try {
  // 1. Google charges a customer; the app sends the purchase token to the backend, twice.
  g.addProductPurchase({ token: 'demo-token-1', productId: 'gem_500', purchaseTime: '-5m', orderId: 'GPA.3300-0000-DEMO-00001' });
  await redeem('demo-account', 'gem_500', 'demo-token-1');
  await redeem('demo-account', 'gem_500', 'demo-token-1');
  // 2. A pending purchase (paid in a shop, not yet): not delivered.
  await redeem('demo-account', 'gem_500', 'play-token-pending');

  // 3. A subscription, read while the API answers 503 once: retried.
  await fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/androidpublisher/', status: 503 }) });
  const sub = await play.getSubscriptionPurchaseV2({ packageName, token: 'play-sub-active' });
  const s = toPurchase(sub);
  say(`subscription play-sub-active: ${sub.subscriptionState}, ${s.productId} until ${iso(s.expiresTime)} (after one 503, retried)`);

  // 4. The customer gets a refund: the voided purchases (every page) tell the backend to take the gems back.
  g.void({ token: 'demo-token-1', voidedReason: 1, voidedSource: 0 });
  for await (const page of play.listVoidedPurchasesPages({ packageName, type: 1 })) {
    for (const v of page.voidedPurchases ?? []) {
      if (v.purchaseToken === 'demo-token-1') gems.set('demo-account', gems.get('demo-account') - 500);
      say(`voided ${v.purchaseToken} (order ${v.orderId}) on ${iso(v.voidedTimeMs)}, reason ${v.voidedReason}`);
    }
  }
  say(`demo-account has ${gems.get('demo-account')} gems`);

  // 5. A purchase token past Google's 60 days: 410 Gone, not retried.
  try {
    await play.getProductPurchase({ packageName, productId: 'gem_500', token: 'play-token-expired' });
    throw new Error('an expired token was answered');
  } catch (e) {
    if (e.code !== 'API_ERROR' || e.details.status !== 410) throw e;
    say(`token play-token-expired -> ${e.code} (HTTP ${e.details.status} ${e.details.errorStatus})`);
  }
  const tokens = (await (await fetch(`${emu.url}/admin/requests`)).json()).requests.filter((r) => r.path === '/token');
  say(`one access token served every call: ${tokens.length} token request`);
  if (gems.get('demo-account') !== 0) throw new Error(`expected 0 gems after the refund, got ${gems.get('demo-account')}`);
  if (tokens.length !== 1) throw new Error(`expected one token request, got ${tokens.length}`);
} finally {
  await emu.close();
}
