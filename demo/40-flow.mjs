// The server-to-server purchase flow against the local IAP server (no NHN account needed): the
// store charges, the backend verifies the store purchase offline, consumes the NHN payment with
// IapClient, delivers and completes (PaymentFlow + runPayment); the same consume again answers
// ALREADY_CONSUMED and nothing is delivered twice; and a consume whose answer is lost is resolved
// by the 5018 rule, still with one delivery.
import { createSign } from 'node:crypto';
import { GoogleVerifier, IapClient, PaymentFlow, runPayment } from '../pkg/node.mjs';
import { startEmulator } from '../emulator/src/emulator.js';
import { read } from './lib.mjs';

const emu = await startEmulator({ port: 0 });
const say = (text) => console.log(`  ${text}`);
console.log(`NHN purchase flow against the IAP emulator (${emu.url}):`);

// ---- The store's part, played by the demo: Google charges the user and signs the purchase with
// the app's licence key (the project's test key); NHN records the payment.
function storeCharges(userId, orderId) {
  const signedData = JSON.stringify({
    orderId, packageName: emu.iap.packageName, productId: 'gem_100', purchaseTime: Date.now(),
    purchaseState: 0, purchaseToken: `token-${orderId}`, quantity: 1, acknowledged: false,
  });
  const signature = createSign('RSA-SHA1').update(signedData).sign(read('tests/vectors/google/test-key-2048.pem'), 'base64');
  const payment = emu.addPayment({ userId, productId: 'gem_100', marketId: 'GG', paymentId: orderId });
  // What the app sends its backend: NHN's paymentSeq + accessToken and the store's signed purchase.
  return { paymentSeq: payment.paymentSeq, accessToken: payment.accessToken, signedData, signature, payment };
}

// ---- The backend.
const verifier = new GoogleVerifier(read('tests/vectors/google/test-key-2048.pub'));
const iap = new IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, timeoutMs: 2000 });
const db = new Map(); // paymentSeq -> saved flow JSON
const gems = new Map(); // userId -> balance
const granted = new Set(); // paymentSeq of every grant: deliver is idempotent on it

async function handlePurchase(userId, req) {
  const saved = db.get(req.paymentSeq);
  const flow = saved
    ? PaymentFlow.fromJSON(saved)
    : PaymentFlow.start({ paymentSeq: req.paymentSeq, userId, store: 'GG', productId: 'gem_100' })
      .apply({ type: 'PAID', accessToken: req.accessToken }).flow;
  if (saved) say(`backend: payment ${req.paymentSeq} is already ${flow.state} in its database`);
  return runPayment({
    flow,
    save: (json) => db.set(req.paymentSeq, json),
    verify: () => {
      const p = verifier.verify(req.signedData, req.signature);
      say(`verified the Google purchase offline: ${p.orderId} ${p.productId} (SHA1withRSA over the exact bytes)`);
      return p;
    },
    consume: async (effect) => {
      try {
        const r = await iap.consume({ paymentSeq: effect.paymentSeq, accessToken: effect.accessToken });
        say(`consume #${effect.attempt} with IapClient: productSeq ${r.productSeq}, ${r.price} ${r.currency}`);
      } catch (e) {
        say(`consume #${effect.attempt} with IapClient -> ${e.code}${e.retryable ? ' (retryable)' : ''}`);
        throw e;
      }
    },
    deliver: (effect) => {
      if (granted.has(effect.paymentSeq)) return;
      granted.add(effect.paymentSeq);
      gems.set(userId, (gems.get(userId) ?? 0) + 100);
      say(`delivered 100 gems -> ${userId} has ${gems.get(userId)}`);
    },
    complete: () => say('completed'),
  });
}

try {
  // 1. The happy path.
  const userId = 'demo-user';
  const req = storeCharges(userId, 'GPA.3301-0000-0000-00040');
  say(`store charged ${userId}: ${req.payment.paymentId}, ${req.payment.price} ${req.payment.currency}; NHN payment ${req.paymentSeq}`);
  const pending = await iap.listConsumables({ marketId: 'GG', userKey: userId });
  say(`the payment appears in ${userId}'s unconsumed list: ${pending.map((p) => p.paymentSeq).join(', ')}`);
  let flow = await handlePurchase(userId, req);
  say(`=> ${flow.state}; unconsumed left: ${(await iap.listConsumables({ marketId: 'GG', userKey: userId })).length}`);

  // 2. The same consume again (a client retry, a second server): 5018, and nothing is delivered.
  try {
    await iap.consume({ paymentSeq: req.paymentSeq, accessToken: req.accessToken });
  } catch (e) {
    say(`the same consume again -> ${e.code} (resultCode ${e.details.resultCode})`);
  }
  flow = await handlePurchase(userId, req);
  say(`=> still ${flow.state}, ${userId} has ${gems.get(userId)} gems: no second delivery`);

  // 3. A consume that goes through but whose answer is lost: runPayment re-sends it, the server
  // answers 5018, and since the flow recorded our first attempt, the 5018 is ours: one delivery.
  const req2 = storeCharges(userId, 'GPA.3301-0000-0000-00041');
  say(`store charged ${userId} again: NHN payment ${req2.paymentSeq}; the next consume's answer will be lost`);
  await fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lose: true, path: '/v1/service/consume' }) });
  flow = await handlePurchase(userId, req2);
  say(`=> ${flow.state} after ${flow.consumeAttempts} consume requests; ${userId} has ${gems.get(userId)} gems`);
  if (gems.get(userId) !== 200) throw new Error(`expected 200 gems, got ${gems.get(userId)}`);
} finally {
  await emu.close();
}
