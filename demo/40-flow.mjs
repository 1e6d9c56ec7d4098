// The server-to-server purchase flow against the local IAP server (no NHN account needed):
// the store charges, the backend verifies the store purchase offline, consumes the NHN payment
// with IapClient, delivers, completes; then a repeated consume shows ALREADY_CONSUMED and no
// second delivery.
import { createSign } from 'node:crypto';
import { GoogleVerifier, IapClient } from '../pkg/node.mjs';
import { startEmulator } from '../pkg/src/emulator.js';
import { read } from './lib.mjs';

const emu = await startEmulator({ port: 0 });
let n = 0;
const step = (text) => console.log(`  ${String(++n).padStart(2)}. ${text}`);
console.log(`Purchase flow against the IAP emulator at ${emu.url}:`);

try {
  // --- The store's part (played by the demo): Google charges the user for gem_100 and signs the
  // purchase with the app's licence key (the project's test key), and NHN records the payment.
  const userId = 'demo-user';
  const orderId = `GPA.3301-${String(Date.now() % 10000).padStart(4, '0')}-0000-00001`;
  const signedData = JSON.stringify({
    orderId, packageName: emu.iap.packageName, productId: 'gem_100', purchaseTime: Date.now(),
    purchaseState: 0, purchaseToken: 'demo-token.AO-J1Oy', quantity: 1, acknowledged: false,
  });
  const signature = createSign('RSA-SHA1').update(signedData).sign(read('tests/vectors/google/test-key-2048.pem'), 'base64');
  const payment = emu.addPayment({ userId, productId: 'gem_100', marketId: 'GG', paymentId: orderId });
  step(`store charged ${userId}: ${orderId}, ${payment.price} ${payment.currency}; NHN records payment ${payment.paymentSeq}`);

  // --- What the app sends to its backend: NHN's paymentSeq + accessToken, and the store's
  // signed purchase for the offline check.
  const fromApp = { paymentSeq: payment.paymentSeq, accessToken: payment.accessToken, signedData, signature };

  // --- The backend.
  const verifier = new GoogleVerifier(read('tests/vectors/google/test-key-2048.pub'));
  const iap = new IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url });
  const inventory = new Map(); // userId -> gems
  const deliveries = new Map(); // paymentSeq -> state; the backend's own record, the double-grant guard
  const CATALOG = { 1000001: { productId: 'gem_100', gems: 100 } }; // NHN productSeq -> store product

  async function handlePurchase(req) {
    const purchase = verifier.verify(req.signedData, req.signature);
    step(`backend verified the Google purchase offline: ${purchase.orderId} ${purchase.productId} (signature over the exact bytes)`);

    let consumed;
    try {
      consumed = await iap.consume({ paymentSeq: req.paymentSeq, accessToken: req.accessToken });
    } catch (e) {
      if (e.code !== 'ALREADY_CONSUMED') throw e;
      // 5018: consumed before. The backend's own record says whether it was delivered.
      const state = deliveries.get(req.paymentSeq) ?? 'UNKNOWN';
      step(`consume again -> ${e.code} (${e.details.resultCode}): already ${state} here, nothing delivered twice`);
      return;
    }
    step(`consumed with IapClient: productSeq ${consumed.productSeq}, ${consumed.price} ${consumed.currency}`);
    deliveries.set(req.paymentSeq, 'CONSUMED');

    // The NHN payment and the store purchase must be the same product.
    const entry = CATALOG[consumed.productSeq];
    if (!entry || entry.productId !== purchase.productId) throw new Error('store purchase and NHN payment disagree');
    const gems = entry.gems;
    inventory.set(userId, (inventory.get(userId) ?? 0) + gems);
    deliveries.set(req.paymentSeq, 'DELIVERED');
    step(`delivered ${gems} gems -> ${userId} has ${inventory.get(userId)}`);

    deliveries.set(req.paymentSeq, 'COMPLETED');
    const left = await iap.listConsumables({ marketId: 'GG', userKey: userId });
    step(`completed; ${left.length} unconsumed payment(s) left for ${userId}`);
  }

  const pending = await iap.listConsumables({ marketId: 'GG', userKey: userId });
  step(`the payment appears in ${userId}'s unconsumed list: ${pending.map((p) => p.paymentSeq).join(', ')}`);

  await handlePurchase(fromApp);
  // The app did not see the answer (say, a timeout on its side) and sends the same purchase again.
  await handlePurchase(fromApp);
  console.log(`  => ${userId} has ${inventory.get(userId)} gems after two requests for one payment`);
  if (inventory.get(userId) !== 100) throw new Error('double delivery');
} finally {
  await emu.close();
}
