// The dashboard's store lookups, server side (www/server/dashboard-stores.js), for Google Play: a
// purchase token (one-time product or subscription) with its acknowledgement state and refund, and
// the voided purchases, against the Play fake; the requests checked. Node only (it reads key files
// with node:fs). The Apple lookups and the page are tested in tests/www/ against the local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOOKUP_LIMITS, storeLookup } from '../../www/server/dashboard-stores.js';
import { readAction } from '../../www/server/dashboard-actions.js';
import { playClient, playFake } from './google-play-fake.mjs';
import { CLIENT_SECRET, accessToken, oneStoreClient, oneStoreError, oneStoreFake } from './onestore-fake.mjs';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function stores(replies) {
  const f = playFake(replies);
  return { f, clients: { google: { conf: { packageName: 'com.example.app' }, client: playClient(f) } } };
}
const voidedPage = (list) => ({ body: { voidedPurchases: list } });
/** Answers by path: the purchase, and the voided list (asked at the same time, in either order). */
const byPath = (purchase, voided = []) => (req) => (req.path.endsWith('/voidedpurchases') ? voidedPage(voided) : { body: purchase });

test('a product token: the purchase, not acknowledged yet, with Google\'s deadline in a note', async () => {
  const bought = Date.now() - 2 * HOUR;
  const product = { kind: 'androidpublisher#productPurchase', purchaseTimeMillis: String(bought), purchaseState: 0, consumptionState: 0, acknowledgementState: 0, orderId: 'GPA.1', purchaseType: 0, quantity: 1 };
  const { f, clients } = stores([byPath(product), byPath(product)]);
  const out = await storeLookup(clients, { store: 'google', by: 'token', id: 'tok-a', productId: 'gem_500' });
  assert.equal(out.rows.length, 1);
  const [r] = out.rows;
  assert.deepEqual(
    [r.transactionId, r.productId, r.type, r.status, r.acknowledged, r.consumed, r.needsAcknowledgement, r.acknowledgeBy, r.refunded, r.environment],
    ['GPA.1', 'gem_500', 'One-time product', 'PURCHASED', false, false, true, bought + 3 * DAY, false, 'SANDBOX'],
  );
  assert.match(out.notes[0], /not acknowledged yet: Google refunds it on/);
  assert.deepEqual(f.api.map((q) => q.path).sort(), [
    '/androidpublisher/v3/applications/com.example.app/purchases/products/gem_500/tokens/tok-a',
    '/androidpublisher/v3/applications/com.example.app/purchases/voidedpurchases',
  ]);
  assert.equal(f.api.find((q) => q.path.endsWith('/voidedpurchases')).query.get('type'), '1', 'subscriptions included');
});

test('a refunded product: REFUNDED with the time and reason of the voided purchase', async () => {
  const product = { purchaseTimeMillis: String(Date.now() - 5 * DAY), purchaseState: 0, consumptionState: 1, acknowledgementState: 1, orderId: 'GPA.2' };
  const voided = [{ purchaseToken: 'tok-b', orderId: 'GPA.2', voidedTimeMillis: '1717243200000', voidedReason: 7, voidedSource: 2 }];
  const { clients } = stores([byPath(product, voided), byPath(product, voided)]);
  const { rows, notes } = await storeLookup(clients, { store: 'google', by: 'token', id: 'tok-b', productId: 'gem_500' });
  assert.deepEqual([rows[0].status, rows[0].refunded, rows[0].revocationTime, rows[0].revocationReason, rows[0].consumed, rows[0].needsAcknowledgement], ['REFUNDED', true, 1717243200000, 'chargeback', true, false]);
  assert.deepEqual(notes, []);
});

test('a subscription token: Google\'s state and acknowledgement, the latest expiry', async () => {
  const sub = {
    kind: 'androidpublisher#subscriptionPurchaseV2', startTime: '2024-06-01T12:00:00Z', subscriptionState: 'SUBSCRIPTION_STATE_IN_GRACE_PERIOD',
    latestOrderId: 'GPA.3..1', acknowledgementState: 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED',
    lineItems: [{ productId: 'vip_monthly', expiryTime: '2024-07-01T12:00:00Z' }],
  };
  const { f, clients } = stores([byPath(sub), byPath(sub)]);
  const { rows } = await storeLookup(clients, { store: 'google', by: 'token', id: 'tok-s' });
  assert.deepEqual(
    [rows[0].productId, rows[0].type, rows[0].status, rows[0].acknowledged, rows[0].needsAcknowledgement, rows[0].expiryTime],
    ['vip_monthly', 'Subscription', 'IN_GRACE_PERIOD', true, false, Date.parse('2024-07-01T12:00:00Z')],
  );
  assert.ok(f.api.some((q) => q.path.endsWith('/purchases/subscriptionsv2/tokens/tok-s')));
});

test('a Google order id (GPA.…): the order\'s state, price and partial refunds, and the purchase it is for', async () => {
  const order = {
    orderId: 'GPA.3333-1234-5678-90123', purchaseToken: 'tok-o', state: 'PARTIALLY_REFUNDED', createTime: '2026-11-01T10:00:00Z',
    total: { currencyCode: 'KRW', units: '3300', nanos: 500_000_000 },
    lineItems: [{ productId: 'gem_500', oneTimePurchaseDetails: { quantity: 3 } }],
    orderHistory: { processedEvent: { eventTime: '2026-11-01T10:00:00Z' }, partialRefundEvents: [{ refundDetails: { quantity: 1 } }] },
  };
  const v2 = { productLineItem: [{ productId: 'gem_500', productOfferDetails: { quantity: 3, refundableQuantity: 2 } }], purchaseStateContext: { purchaseState: 'PURCHASED' },
    purchaseCompletionTime: '2026-11-01T10:00:00Z', acknowledgementState: 'ACKNOWLEDGEMENT_STATE_PENDING', testPurchaseContext: { fopType: 'TEST' } };
  const { f, clients } = stores([{ body: order }, { body: v2 }]);
  const { rows, notes } = await storeLookup(clients, { store: 'google', by: 'order', id: 'GPA.3333-1234-5678-90123' });
  const [r] = rows;
  assert.deepEqual(
    [r.transactionId, r.productId, r.type, r.quantity, r.price, r.currency, r.status, r.refunded, r.purchaseTime, r.needsAcknowledgement, r.environment],
    ['GPA.3333-1234-5678-90123', 'gem_500', 'One-time product', 3, 3_300_500, 'KRW', 'PARTIALLY_REFUNDED', true, Date.parse('2026-11-01T10:00:00Z'), true, 'SANDBOX'],
  );
  assert.equal(notes[0], '1 partial refund (by quantity)');
  assert.match(notes[1], /not acknowledged yet/);
  assert.deepEqual(f.api.map((q) => q.path), [
    '/androidpublisher/v3/applications/com.example.app/orders/GPA.3333-1234-5678-90123',
    '/androidpublisher/v3/applications/com.example.app/purchases/productsv2/tokens/tok-o',
  ]);
  // An order Google does not know: a note, not an error.
  const unknown = stores([{ status: 404, body: { error: { code: 404, message: 'not found', status: 'NOT_FOUND' } } }]);
  assert.deepEqual(await storeLookup(unknown.clients, { store: 'google', by: 'order', id: 'GPA.0' }), { store: 'google', rows: [], notes: ['Google knows no order GPA.0'] });
});

test('the voided purchases: every page, each with who voided it and why; no id needed', async () => {
  const { f, clients } = stores([
    { body: { voidedPurchases: [{ purchaseToken: 'v1', orderId: 'GPA.9', purchaseTimeMillis: '1', voidedTimeMillis: '2', voidedReason: 1, voidedSource: 0 }], tokenPagination: { nextPageToken: 'p2' } } },
    voidedPage([{ purchaseToken: 'v2', voidedTimeMillis: '3', voidedReason: 99, voidedSource: 1 }]),
  ]);
  const { rows } = await storeLookup(clients, { store: 'google', by: 'voided' });
  assert.deepEqual(rows.map((r) => [r.purchaseToken, r.transactionId, r.revocationTime, r.revocationReason, r.voidedBy, r.refunded]), [
    ['v1', 'GPA.9', 2, 'remorse', 'user', true],
    ['v2', undefined, 3, 99, 'developer', true],
  ]);
  assert.equal(f.api[1].query.get('token'), 'p2');
  const none = stores([voidedPage([])]);
  assert.deepEqual((await storeLookup(none.clients, { store: 'google', by: 'voided' })).notes, ['no voided purchases in the last 30 days']);
});

test('wrong requests are INVALID_ARGUMENT before anything is sent; Google\'s refusal is passed on', async () => {
  const { f, clients } = stores([]);
  for (const body of [
    { store: 'google', by: 'token' },
    { store: 'google', by: 'token', id: 'x'.repeat(513) },
    { store: 'google', by: 'receipt', id: 'x' },
    { store: 'google', by: 'token', id: 't', productId: 5 },
    { store: 'play', by: 'token', id: 't' },
  ]) {
    await assert.rejects(storeLookup(clients, body), (e) => e.code === 'INVALID_ARGUMENT', JSON.stringify(body));
  }
  assert.equal(f.sent.length, 0);
  await assert.rejects(storeLookup({}, { store: 'google', by: 'voided' }), /no Play Developer API credentials are configured/);
  // An action on a store that is not configured says so the way a lookup does, before any request.
  for (const [id, input, api] of [['google.cancel', { token: 't' }, 'Play Developer API'], ['onestore.cancel', { purchaseToken: 't', productId: 'p' }, 'ONE store server API'], ['apple.extend', { originalTransactionId: '1', days: 1, reason: 0 }, 'App Store Server API']]) {
    const { action, input: checked } = readAction({ action: id, input });
    await assert.rejects(action.run({}, checked, { user: 'ada' }), (e) => e.code === 'INVALID_ARGUMENT' && e.message.includes(`no ${api} credentials are configured`), id);
  }
  const refuse = (req) => (req.path.endsWith('/voidedpurchases') ? voidedPage([]) : { status: 410, body: { error: { code: 410, status: 'GONE', message: 'gone' } } });
  const gone = stores([refuse, refuse]);
  await assert.rejects(storeLookup(gone.clients, { store: 'google', by: 'token', id: 'old', productId: 'p' }), (e) => e.code === 'API_ERROR' && e.details.status === 410);
});

// ---------------------------------------------------------------------------------------------
// Bounded lookups (issue 25, item 8): pages per list capped with a "truncated" note; the voided
// list not fetched whole for every token lookup (kept for a bounded time)

/** `n` voided pages that each say there is another one (an endless list, as far as `n` goes). */
const endlessVoided = (n) => Array.from({ length: n }, (_, i) => () => ({
  body: { voidedPurchases: [{ purchaseToken: `v${i}`, orderId: `GPA.${i}`, voidedTimeMillis: String(i), voidedReason: 0, voidedSource: 0 }], tokenPagination: { nextPageToken: `p${i + 1}` } },
}));

test('the voided purchases: at most LOOKUP_LIMITS.maxPages pages, then a "truncated" answer and note', async () => {
  const { maxPages } = LOOKUP_LIMITS;
  assert.ok(Number.isInteger(maxPages) && maxPages >= 1 && maxPages <= 50, String(maxPages));
  const { f, clients } = stores(endlessVoided(1000));
  const out = await storeLookup(clients, { store: 'google', by: 'voided' });
  assert.equal(f.api.length, maxPages, 'pages fetched');
  assert.equal(out.rows.length, maxPages);
  assert.equal(out.truncated, true);
  assert.ok(out.notes.some((n) => /truncated/.test(n) && n.includes(String(maxPages))), JSON.stringify(out.notes));
  // A list that ends within the cap is whole, and says nothing of the kind.
  const short = stores([...endlessVoided(2), voidedPage([])]);
  const whole = await storeLookup(short.clients, { store: 'google', by: 'voided' });
  assert.equal(whole.truncated, undefined);
  assert.ok(!whole.notes.some((n) => /truncated/.test(n)));
  // Exactly maxPages pages, the last one saying it is the last: not truncated.
  const exact = stores([...endlessVoided(maxPages - 1), voidedPage([])]);
  assert.equal((await storeLookup(exact.clients, { store: 'google', by: 'voided' })).truncated, undefined);
});

test('a token lookup: the voided list is fetched at most once per LOOKUP_LIMITS.voidedTtlMs (shared by lookups at once), and capped', async () => {
  const { voidedTtlMs, maxPages } = LOOKUP_LIMITS;
  assert.ok(voidedTtlMs > 0 && voidedTtlMs <= 10 * 60_000, String(voidedTtlMs));
  const product = { purchaseTimeMillis: String(Date.now() - 5 * DAY), purchaseState: 0, consumptionState: 1, acknowledgementState: 1, orderId: 'GPA.2' };
  const voided = [{ purchaseToken: 'tok-b', orderId: 'GPA.2', voidedTimeMillis: '1717243200000', voidedReason: 7, voidedSource: 2 }];
  const { f, clients } = stores(Array.from({ length: 20 }, () => byPath(product, voided)));
  let now = 1_000_000;
  const lookup = (id) => storeLookup(clients, { store: 'google', by: 'token', id, productId: 'gem_500' }, { now: () => now });
  const voidedCalls = () => f.api.filter((q) => q.path.endsWith('/voidedpurchases')).length;
  const [a, b] = await Promise.all([lookup('tok-b'), lookup('tok-c')]);
  assert.equal(a.rows[0].refunded, true);
  assert.equal(b.rows[0].refunded, false);
  assert.equal(voidedCalls(), 1, 'two lookups at once: one voided list');
  now += voidedTtlMs - 1;
  assert.equal((await lookup('tok-b')).rows[0].status, 'REFUNDED');
  assert.equal(voidedCalls(), 1, 'still fresh');
  now += 2;
  await lookup('tok-b');
  assert.equal(voidedCalls(), 2, 'stale: fetched again');
  // The "voided" lookup itself always asks Google, and refreshes what token lookups use.
  await storeLookup(clients, { store: 'google', by: 'voided' }, { now: () => now });
  assert.equal(voidedCalls(), 3);
  await lookup('tok-b');
  assert.equal(voidedCalls(), 3);

  // A failed fetch is not kept.
  let refuse = true;
  const failing = stores(Array.from({ length: 8 }, () => (req) => {
    if (!req.path.endsWith('/voidedpurchases')) return { body: product };
    if (!refuse) return voidedPage(voided);
    refuse = false;
    return { status: 403, body: { error: { code: 403, status: 'PERMISSION_DENIED', message: 'x' } } };
  }));
  const opts = { now: () => 5 };
  await assert.rejects(storeLookup(failing.clients, { store: 'google', by: 'token', id: 'tok-b', productId: 'gem_500' }, opts));
  assert.equal((await storeLookup(failing.clients, { store: 'google', by: 'token', id: 'tok-b', productId: 'gem_500' }, opts)).rows[0].refunded, true);

  // An endless voided list: the token lookup reads maxPages of it and says its refund check is partial.
  const endless = stores([
    (req) => (req.path.endsWith('/voidedpurchases') ? endlessVoided(1)[0]() : { body: product }),
    ...endlessVoided(1000).map((page) => (req) => (req.path.endsWith('/voidedpurchases') ? page() : { body: product })),
  ]);
  const out = await storeLookup(endless.clients, { store: 'google', by: 'token', id: 'tok-z', productId: 'gem_500' });
  assert.equal(endless.f.api.filter((q) => q.path.endsWith('/voidedpurchases')).length, maxPages);
  assert.equal(out.truncated, true);
  assert.ok(out.notes.some((n) => /truncated/.test(n)), JSON.stringify(out.notes));
});

test('Apple: the transaction and refund histories are read at most LOOKUP_LIMITS.maxPages pages each, then "truncated"', async () => {
  const { maxPages } = LOOKUP_LIMITS;
  let historyPages = 0;
  let refundPages = 0;
  const client = {
    async *getTransactionHistoryPages(id) {
      for (let i = 0; ; i++) {
        if (i > 1000) throw new Error('read the whole endless history');
        historyPages += 1;
        yield { hasMore: true, revision: `r${i}`, decodedTransactions: [{ transactionId: `${id}-${i}`, productId: 'gem_500', type: 'Consumable' }] };
      }
    },
    async *getRefundHistoryPages() {
      for (let i = 0; ; i++) {
        if (i > 1000) throw new Error('read the whole endless refund history');
        refundPages += 1;
        yield { hasMore: true, revision: `q${i}`, decodedTransactions: [{ transactionId: `t-${i}`, productId: 'gem_500', type: 'Consumable' }] };
      }
    },
  };
  const out = await storeLookup({ apple: { conf: {}, client } }, { store: 'apple', by: 'transaction', id: 't' });
  assert.equal(historyPages, maxPages);
  assert.equal(refundPages, maxPages);
  assert.equal(out.rows.length, maxPages);
  assert.equal(out.truncated, true);
  assert.ok(out.notes.some((n) => /truncated/.test(n)), JSON.stringify(out.notes));
});

test('ONE store: a purchase token with its acknowledgement deadline and refund, the voided purchases; the product id is required', async () => {
  const bought = Date.now() - 2 * HOUR;
  const details = { consumptionState: 0, purchaseState: 0, purchaseTime: bought, purchaseId: 'SANDBOX1', acknowledgeState: 0, quantity: 1 };
  const answer = (voided) => (req) => (req.path.endsWith('/voided-purchases') ? { body: { continuationKey: '', voidedPurchaseList: voided } } : { body: details });
  const f = oneStoreFake([answer([]), answer([])]);
  const clients = { onestore: { conf: {}, client: oneStoreClient(f) } };
  const out = await storeLookup(clients, { store: 'onestore', by: 'token', id: 'TOKEN1', productId: 'gem.100' });
  const [r] = out.rows;
  assert.deepEqual([r.transactionId, r.productId, r.status, r.acknowledged, r.needsAcknowledgement, r.acknowledgeBy, r.refunded, r.environment], ['SANDBOX1', 'gem.100', 'PURCHASED', false, true, bought + 3 * DAY, false, 'SANDBOX']);
  assert.match(out.notes[0], /ONE store cancels it on/);
  assert.ok(f.api.some((q) => q.path.endsWith('/purchases/inapp/products/gem.100/TOKEN1')));
  // Refunded: on the voided list.
  const g = oneStoreFake([answer([{ purchaseId: 'SANDBOX1', purchaseToken: 'TOKEN1', voidedTime: bought + HOUR, purchaseTime: bought }]), answer([{ purchaseId: 'SANDBOX1', purchaseToken: 'TOKEN1', voidedTime: bought + HOUR, purchaseTime: bought }])]);
  const refunded = await storeLookup({ onestore: { conf: {}, client: oneStoreClient(g) } }, { store: 'onestore', by: 'token', id: 'TOKEN1', productId: 'gem.100' });
  assert.deepEqual([refunded.rows[0].status, refunded.rows[0].refunded, refunded.rows[0].revocationTime], ['REFUNDED', true, bought + HOUR]);
  // The voided list, every page, no id.
  const v = oneStoreFake([{ body: { continuationKey: 'k2', voidedPurchaseList: [{ purchaseId: 'P1', purchaseToken: 'T1', voidedTime: bought }] } }, { body: { continuationKey: '', voidedPurchaseList: [{ purchaseId: 'P2', purchaseToken: 'T2', voidedTime: bought + 1 }] } }]);
  const list = await storeLookup({ onestore: { conf: {}, client: oneStoreClient(v) } }, { store: 'onestore', by: 'voided' });
  assert.deepEqual(list.rows.map((x) => [x.transactionId, x.revocationTime, x.refunded]), [['P1', bought, true], ['P2', bought + 1, true]]);
  // Wrong requests; ONE store's refusal passed on, without a secret.
  await assert.rejects(storeLookup(clients, { store: 'onestore', by: 'token', id: 'TOKEN1' }), (e) => e.code === 'INVALID_ARGUMENT' && /productId/.test(e.message));
  await assert.rejects(storeLookup({}, { store: 'onestore', by: 'voided' }), (e) => e.code === 'INVALID_ARGUMENT' && /ONE store/.test(e.message));
  const no = oneStoreFake([oneStoreError(404, 'NoSuchData'), { body: { continuationKey: '', voidedPurchaseList: [] } }]);
  await assert.rejects(storeLookup({ onestore: { conf: {}, client: oneStoreClient(no) } }, { store: 'onestore', by: 'token', id: 'NOPE', productId: 'gem.100' }), (e) => {
    const text = JSON.stringify({ m: e.message, d: e.details });
    return e.code === 'API_ERROR' && e.details.errorCode === 'NoSuchData' && !text.includes(CLIENT_SECRET) && !text.includes(accessToken(1));
  });
});

test('ONE store: a subscription with its state, next payment or expiry, and the status the library computes', async () => {
  const now = Date.now();
  const base = { acknowledgementState: 1, priceAmount: '4900', priceCurrencyCode: 'KRW', startTimeMillis: now - 10 * DAY, lastPurchaseId: 'SANDBOX7' };
  const look = async (detail) => {
    const f = oneStoreFake([{ body: detail }]);
    const out = await storeLookup({ onestore: { conf: {}, client: oneStoreClient(f) } }, { store: 'onestore', by: 'subscription', id: 'TOKEN2', productId: 'vip.month' });
    assert.ok(f.api.every((q) => q.path.endsWith('/purchases/subscription/products/vip.month/TOKEN2')) && f.api.length === 1, 'one read: no voided list');
    return out;
  };
  const renewing = await look({ ...base, autoRenewing: true, paymentState: 1, expiryTimeMillis: now + 20 * DAY, nextPaymentTimeMillis: now + 20 * DAY });
  const [r] = renewing.rows;
  assert.deepEqual(
    [r.store, r.kind, r.transactionId, r.productId, r.status, r.entitled, r.autoRenew, r.renewalTime, r.expiryTime, r.purchaseTime, r.paymentState, r.acknowledged, r.refunded],
    ['onestore', 'subscription', 'SANDBOX7', 'vip.month', 'ACTIVE', true, true, now + 20 * DAY, now + 20 * DAY, now - 10 * DAY, 'paid', true, false],
  );
  assert.deepEqual(renewing.notes, [`renews on ${new Date(now + 20 * DAY).toISOString()}`]);
  const reserved = await look({ ...base, autoRenewing: false, paymentState: 1, expiryTimeMillis: now + 5 * DAY, cancelledTimeMillis: now - HOUR, cancelReason: 0 });
  assert.deepEqual([reserved.rows[0].status, reserved.rows[0].entitled, reserved.rows[0].autoRenew, reserved.rows[0].renewalTime, reserved.rows[0].cancelledTime], ['CANCELED', true, false, undefined, now - HOUR]);
  assert.match(reserved.notes.join(' '), /cancellation reserved/);
  const expired = await look({ ...base, autoRenewing: false, paymentState: null, expiryTimeMillis: now - DAY });
  assert.deepEqual([expired.rows[0].status, expired.rows[0].entitled, expired.rows[0].paymentState], ['EXPIRED', false, 'expired']);
  const fresh = await look({ ...base, acknowledgementState: 0, autoRenewing: true, paymentState: 1, startTimeMillis: now - HOUR, expiryTimeMillis: now + 30 * DAY, nextPaymentTimeMillis: now + 30 * DAY });
  assert.deepEqual([fresh.rows[0].needsAcknowledgement, fresh.rows[0].acknowledgeBy], [true, now - HOUR + 3 * DAY]);
  assert.match(fresh.notes.join(' '), /not acknowledged yet: ONE store cancels it on/);
  await assert.rejects(storeLookup({ onestore: { conf: {}, client: oneStoreClient(oneStoreFake([])) } }, { store: 'onestore', by: 'subscription', id: 'TOKEN2' }), (e) => e.code === 'INVALID_ARGUMENT' && /productId/.test(e.message));
});
