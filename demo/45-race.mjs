// Two backend instances race on one payment (the app retried, the load balancer sent the retry
// elsewhere): both receive the same paymentSeq and accessToken at once. They share one flow store
// (here the in-memory one; iap-verify/postgres in production), whose compare-and-set writes let
// exactly one of them consume and deliver; the other finds the payment taken and stops. Then the
// same race with the consume's answer lost: still one consume, one delivery, no fraud flag.
import { createSign } from 'node:crypto';
import { IapClient, PaymentFlow, createMemoryFlowStore, runPayment, verifyGooglePurchase } from '../pkg/node.mjs';
import { startEmulator } from '../emulator/src/emulator.js';
import { read } from './lib.mjs';

const emu = await startEmulator({ port: 0 });
const say = (text) => console.log(`  ${text}`);
console.log(`Two instances, one payment, one flow store (IAP emulator at ${emu.url}):`);

const key = read('tests/vectors/google/test-key-2048.pub');
const store = createMemoryFlowStore();
const grants = []; // the game's grant table: every delivery is a row
const flags = [];

function storeCharges(orderId) {
  const signedData = JSON.stringify({
    orderId, packageName: emu.iap.packageName, productId: 'gem_100', purchaseTime: Date.now(),
    purchaseState: 0, purchaseToken: `token-${orderId}`, quantity: 1, acknowledged: false,
  });
  const signature = createSign('RSA-SHA1').update(signedData).sign(read('tests/vectors/google/test-key-2048.pem'), 'base64');
  const payment = emu.addPayment({ userId: 'racer', productId: 'gem_100', marketId: 'GG', paymentId: orderId });
  return { paymentSeq: payment.paymentSeq, accessToken: payment.accessToken, signedData, signature };
}

/** One backend instance's handler for the app's "I paid" request. */
function instance(name) {
  const iap = new IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url, timeoutMs: 1000 });
  return (req) => runPayment({
    store,
    flow: PaymentFlow.start({ paymentSeq: req.paymentSeq, userId: 'racer', store: 'GG', productId: 'gem_100' })
      .apply({ type: 'PAID', accessToken: req.accessToken }).flow,
    verify: () => verifyGooglePurchase(req.signedData, req.signature, key),
    consume: async (effect) => {
      try {
        await iap.consume({ paymentSeq: effect.paymentSeq, accessToken: effect.accessToken });
        say(`${name}: consume #${effect.attempt} accepted`);
      } catch (e) {
        say(`${name}: consume #${effect.attempt} -> ${e.code}`);
        throw e;
      }
    },
    // The memory store runs this inside its transaction, as the PostgreSQL store does with `transaction`.
    deliver: (effect) => {
      grants.push({ paymentSeq: effect.paymentSeq, by: name });
      say(`${name}: delivered 100 gems for ${effect.paymentSeq}`);
    },
    flag: (effect) => void flags.push(effect),
  });
}

const a = instance('instance A');
const b = instance('instance B');
try {
  for (const lost of [false, true]) {
    const req = storeCharges(`GPA.3301-0000-0000-0005${lost ? 1 : 0}`);
    if (lost) {
      say(`payment ${req.paymentSeq}: the first consume's answer will be lost`);
      await fetch(`${emu.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lose: true, path: '/v1/service/consume' }) });
    } else say(`payment ${req.paymentSeq}: both instances get the request at once`);
    let [fa, fb] = await Promise.all([a(req), b(req)]);
    say(`=> A returned ${fa.state}, B returned ${fb.state}`);
    if (fa.state !== 'COMPLETED' && fb.state !== 'COMPLETED') {
      // The one that went on lost its consume's answer and gave up for now; the app's retry finishes it.
      fa = await a(req);
      say(`=> the app's retry on A: ${fa.state}`);
    }
    const rows = grants.filter((g) => g.paymentSeq === req.paymentSeq);
    const stored = await store.load(req.paymentSeq);
    say(`=> stored ${stored.flow.state} (version ${stored.version}); ${rows.length} delivery (${rows.map((g) => g.by).join(', ')}); ${flags.length} flags`);
    if (rows.length !== 1 || flags.length !== 0 || stored.flow.state !== 'COMPLETED') throw new Error('expected one delivery, no flag, COMPLETED');
  }
} finally {
  await emu.close();
}
