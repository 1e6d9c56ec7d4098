// An Apple purchase looked up through the App Store Server API, against the local server's App
// Store face (no Apple account needed): the emulator plays the App Store, signs its answers with the
// test PKI it made at start, and checks the client's ES256 bearer token. The backend trusts only
// that root, so every value printed below passed the full chain check.
import { AppStoreServerAPIClient } from '../pkg/node.mjs';
import { startEmulator } from '../emulator/src/emulator.js';

const emu = await startEmulator({ port: 0 });
const say = (text) => console.log(`  ${text}`);
console.log(`App Store Server API against the emulator (${emu.url}):`);

// ---- The backend: Apple's class and arguments; only baseUrl and the roots point at the emulator.
const a = emu.appStore;
const apple = new AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, {
  baseUrl: emu.url, rootCertificates: [a.rootCertificate], appAppleId: a.appAppleId, timeoutMs: 2000,
});
const gems = new Map(); // customer -> balance
const delivered = new Set(); // transaction ids already granted

async function deliver(customer, transactionId) {
  const { decodedTransactionInfo: t } = await apple.getTransactionInfo(transactionId);
  if (t.revocationDate) return say(`transaction ${t.transactionId} was refunded: nothing to deliver`);
  if (delivered.has(t.transactionId)) return say(`transaction ${t.transactionId} was delivered already`);
  delivered.add(t.transactionId);
  gems.set(customer, (gems.get(customer) ?? 0) + 500);
  say(`verified ${t.transactionId}: ${t.productId} x${t.quantity}, ${t.price / 1000} ${t.currency}, ${t.environment}, signed ${new Date(t.signedDate).toISOString()} -> ${customer} has ${gems.get(customer)} gems`);
}

try {
  // 1. The App Store charges a customer; the app hands the transaction id to the backend.
  const bought = a.addTransaction({ customer: 'demo-customer', productId: 'gem_500', orderId: 'MDEMO00001' });
  say(`App Store charged demo-customer: transaction ${bought.transactionId}, order ${bought.orderId}`);
  await deliver('demo-customer', bought.transactionId);
  await deliver('demo-customer', bought.transactionId);

  // 2. "I paid, where is my item?": support looks the order id of the receipt e-mail up.
  const order = await apple.lookUpOrderId('MDEMO00001');
  say(`order MDEMO00001: status ${order.status}, ${order.decodedTransactions.map((t) => `${t.transactionId} ${t.productId}`).join(', ')}`);

  // 3. Apple refunds it; the refund history (every page) tells the backend to take the gems back.
  a.refund({ transactionId: bought.transactionId, revocationReason: 0 });
  for await (const page of apple.getRefundHistoryPages(bought.transactionId)) {
    for (const t of page.decodedTransactions) {
      if (delivered.delete(t.transactionId)) gems.set('demo-customer', gems.get('demo-customer') - 500);
      say(`refunded ${t.transactionId} on ${new Date(t.revocationDate).toISOString()} -> demo-customer has ${gems.get('demo-customer')} gems`);
    }
  }

  // 4. A subscriber's status, while the App Store is rate-limiting (429, Retry-After: 1): waited for, retried.
  await fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/inApps/', status: 429, retryAfter: 1 }) });
  const statuses = await apple.getAllSubscriptionStatuses('2000000100000003');
  for (const group of statuses.data) {
    for (const s of group.lastTransactions) {
      const t = s.decodedTransactionInfo;
      say(`subscription ${s.originalTransactionId} (${t.productId}): status ${s.status}, renews ${new Date(s.decodedRenewalInfo.renewalDate).toISOString().slice(0, 10)}, auto-renew ${s.decodedRenewalInfo.autoRenewStatus ? 'on' : 'off'}`);
    }
  }
  const log = (await (await fetch(`${emu.url}/admin/requests`)).json()).requests.filter((r) => r.path.includes('/subscriptions/'));
  say(`the status look-up took ${log.length} requests: ${log.map((r) => r.status).join(', ')}`);

  // 5. A token signed with some other key is refused with 401 (and not retried).
  const { privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const otherKey = `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await crypto.subtle.exportKey('pkcs8', privateKey)).toString('base64')}\n-----END PRIVATE KEY-----\n`;
  const impostor = new AppStoreServerAPIClient(otherKey, a.keyId, a.issuerId, a.bundleId, a.environment, { baseUrl: emu.url, rootCertificates: [a.rootCertificate] });
  try {
    await impostor.getTransactionInfo(bought.transactionId);
    throw new Error('a token from another key was accepted');
  } catch (e) {
    if (e.code !== 'API_ERROR' || e.details.status !== 401) throw e;
    say(`a token signed with another key -> ${e.code} (HTTP ${e.details.status})`);
  }
  if (gems.get('demo-customer') !== 0) throw new Error(`expected 0 gems after the refund, got ${gems.get('demo-customer')}`);
} finally {
  await emu.close();
}
