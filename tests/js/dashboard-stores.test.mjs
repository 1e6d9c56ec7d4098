// The dashboard's store lookups, server side (pkg/src/dashboard-stores.js), for Google Play: a
// purchase token (one-time product or subscription) with its acknowledgement state and refund, and
// the voided purchases, against the Play fake; the requests checked. Node only (it reads key files
// with node:fs). The Apple lookups and the page are tested in tests/www/ against the local server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storeLookup } from '../../pkg/src/dashboard-stores.js';
import { playClient, playFake } from './google-play-fake.mjs';

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
    { store: 'google', by: 'order', id: 'x' },
    { store: 'google', by: 'token', id: 't', productId: 5 },
    { store: 'play', by: 'token', id: 't' },
  ]) {
    await assert.rejects(storeLookup(clients, body), (e) => e.code === 'INVALID_ARGUMENT', JSON.stringify(body));
  }
  assert.equal(f.sent.length, 0);
  await assert.rejects(storeLookup({}, { store: 'google', by: 'voided' }), /no Play Developer API credentials are configured/);
  const refuse = (req) => (req.path.endsWith('/voidedpurchases') ? voidedPage([]) : { status: 410, body: { error: { code: 410, status: 'GONE', message: 'gone' } } });
  const gone = stores([refuse, refuse]);
  await assert.rejects(storeLookup(gone.clients, { store: 'google', by: 'token', id: 'old', productId: 'p' }), (e) => e.code === 'API_ERROR' && e.details.status === 410);
});
