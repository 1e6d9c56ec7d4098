// Purchase state: a verified purchase becomes a Purchase, runs through the payment flow with a
// crash in the middle, and subscriptions are judged at instants around their boundaries.
import { GoogleVerifier, IapError, PaymentFlow, runPayment, subscriptionStatus, toPurchase } from '../pkg/node.mjs';
import { read } from './lib.mjs';

console.log('Purchase state (payment flow, crash and resume, 5018, subscription status):');

const google = new GoogleVerifier(read('tests/vectors/google/test-key-2048.pub'));
const verified = google.verify(read('tests/vectors/google/consumable.json'), read('tests/vectors/google/consumable.sig'));
const purchase = toPurchase(verified);
const { store, productId, transactionId, quantity, environment } = purchase;
console.log(`  toPurchase        ${JSON.stringify({ store, productId, transactionId, quantity, environment })}`);
try {
  toPurchase({ ...verified });
} catch (e) {
  console.log(`  toPurchase(copy)  REJECTED  ${e.code}`);
}

// A fake IAP server (5018 on a second consume), a grant table keyed by paymentSeq, one DB row.
const server = new Set();
const grants = new Map();
let row = null;
let crashNext = null;
const world = {
  verify: () => purchase,
  consume: (effect) => {
    if (server.has(effect.paymentSeq)) throw new IapError('ALREADY_CONSUMED', 'already consumed');
    server.add(effect.paymentSeq);
    if (crashNext === 'consume') {
      crashNext = null;
      throw new Error('process killed after the consume reached the server');
    }
  },
  deliver: (effect) => {
    if (!grants.has(effect.paymentSeq)) grants.set(effect.paymentSeq, effect.quantity);
    if (crashNext === 'deliver') {
      crashNext = null;
      throw new Error('process killed right after granting');
    }
  },
  save: (json) => {
    row = JSON.stringify(json);
  },
};

const start = { paymentSeq: '2025112612345678', userId: 'user-1', store: 'GG', productId: 'gem_pack_100' };
const paid = PaymentFlow.start(start).apply({ type: 'PAID', accessToken: 'token-from-client' }).flow;
for (const crash of ['consume', 'deliver']) {
  server.clear();
  grants.clear();
  row = null;
  crashNext = crash;
  try {
    await runPayment({ flow: paid, ...world });
  } catch (e) {
    console.log(`  run 1             crashed (${e.message}); saved state ${JSON.parse(row).state}`);
  }
  const done = await runPayment({ flow: row, ...world });
  console.log(
    `  run 2 (resume)    ${done.state}, consume attempts ${done.consumeAttempts}, grants ${JSON.stringify([...grants])}`,
  );
}

// Someone else consumed the payment before our first request: no delivery, flagged.
server.clear();
server.add(start.paymentSeq);
grants.clear();
crashNext = null;
const elsewhere = await runPayment({ flow: paid, ...world, flag: (e) => console.log(`  FLAG              ${e.reason}`) });
console.log(`  5018 on 1st try   ${elsewhere.state}, flagged=${elsewhere.flagged}, grants ${grants.size}`);

try {
  paid.apply({ type: 'DELIVERED' });
} catch (e) {
  console.log(`  deliver from PAID REJECTED  ${e.code} ${JSON.stringify(e.details)}`);
}

// Subscriptions at instants around their boundaries.
const payload = (jws) => JSON.parse(Buffer.from(jws.trim().split('.')[1], 'base64url').toString('utf8'));
const n = payload(read('tests/vectors/public/apple-jws-gopay-notification-did-renew-sandbox.jws'));
const apple = {
  source: 'APPLE',
  transaction: payload(n.data.signedTransactionInfo),
  renewalInfo: payload(n.data.signedRenewalInfo),
  notificationType: n.notificationType,
};
const expires = apple.transaction.expiresDate;
const line = (label, input, at) => {
  const s = subscriptionStatus(input, at);
  console.log(`  ${label.padEnd(36)} ${s.status.padEnd(16)} entitled=${s.entitled}`);
};
line('Apple DID_RENEW, 1 ms before expiry', apple, expires - 1);
line('Apple DID_RENEW, exactly at expiry', apple, expires);
const grace = {
  source: 'APPLE',
  transaction: { originalTransactionId: '1', expiresDate: expires },
  renewalInfo: { originalTransactionId: '1', autoRenewStatus: 1, gracePeriodExpiresDate: expires + 86400000, isInBillingRetryPeriod: true },
};
line('Apple, inside the grace period', grace, expires + 1);
line('Apple, at the end of grace', grace, expires + 86400000);
const nhn = { source: 'NHN', record: { referenceStatus: 'CANCELED_SUBSCRIPTION', expiryTime: new Date(expires).toISOString() } };
line('NHN CANCELED_SUBSCRIPTION, before', nhn, expires - 1);
