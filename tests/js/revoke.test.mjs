// A revoke is at least once, and REVOKED recorded at most once (memory purchase store here;
// tests/postgres/revoke.test.mjs on PostgreSQL): a refund writes REFUNDED with the revoke owed
// (`revokePending`), then `revoke` runs and REVOKED is recorded. A `revoke` that throws leaves the
// record owed: the next notice of the refund asks again, and so does the sweeper
// (revokeUnrevoked over `store.unrevoked()`), with the same idempotency key (store, storeId).
// Two instances racing on one owed revoke call it once where the store has a transaction, and
// agree on one successful revoke through the key where it has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import * as testing from '../../pkg/src/testing.js';

const BUNDLE = 'com.example.app';
const NOW = Date.now();
const catalog = { gems: { kind: 'CONSUMABLE' }, vip: { kind: 'SUBSCRIPTION' } };

/** A Google Play purchase delivered and recorded in `store` under `token`. */
async function googleRecord(store, token, productId = 'gems') {
  const p = await testing.signGooglePurchase({ orderId: `GPA.${token}`, packageName: BUNDLE, productId, purchaseTime: NOW, purchaseState: 0, purchaseToken: token, quantity: 1 });
  const purchase = new iap.GoogleVerifier(testing.TEST_LICENSE_KEY).verify(p.signedData, p.signature);
  const adapter = { store: 'GG', verify: () => ({ purchase }), settle: async () => 'SETTLED' };
  const flow = await iap.runPurchase({ store, adapter, catalog, purchase: { store: 'GG', storeId: token, productId, userId: 'u-1' }, deliver: () => {} });
  assert.equal(flow.state, 'COMPLETED');
}

/**
 * An app's revoke, idempotent on (store, storeId) as the docs ask: `calls` every call with its
 * key, `taken` the keys taken back (one entry per purchase however often it is called), failing
 * the first `fail` calls.
 */
function app({ fail = 0 } = {}) {
  const calls = [];
  const taken = new Set();
  let failures = fail;
  return {
    calls,
    taken,
    revoke: async (effect, flow, context) => {
      calls.push({ key: `${effect.store} ${effect.storeId}`, type: effect.type, state: flow.state, owed: flow.revokePending, context });
      if (failures > 0) {
        failures--;
        throw new Error('grants db down');
      }
      taken.add(`${effect.store} ${effect.storeId}`);
    },
  };
}

/** The memory store without its transaction: revoke, then a compare-and-set write. */
const withoutTransaction = (store) => {
  const { deliverInTransaction, ...rest } = store;
  assert.equal(typeof deliverInTransaction, 'function');
  return rest;
};

test('a revoke that throws leaves the record owed; the next notice of the refund revokes once, with the same key', async () => {
  for (const [name, wrap] of [['with a transaction', (s) => s], ['without one', withoutTransaction]]) {
    const mem = iap.createMemoryPurchaseStore();
    const store = wrap(mem);
    await googleRecord(mem, 'tok-1');
    const a = app({ fail: 1 });
    const key = ['GG', 'tok-1'];
    await assert.rejects(iap.applyRefund({ store, key, reason: 'voided', revoke: a.revoke }), /grants db down/, name);
    let flow = iap.PurchaseFlow.fromJSON((await mem.load(...key)).flow);
    assert.deepEqual([flow.state, flow.revokePending, flow.next()], ['REFUNDED', true, 'REVOKE'], name);
    assert.deepEqual((await mem.unrevoked()).map((r) => [r.store, r.storeId]), [key], name);
    assert.ok((await mem.unrevoked())[0].refundedAt > 0);

    // The store's redelivery (another reason, or none): asked again, now it succeeds.
    flow = await iap.applyRefund({ store, key, revoke: a.revoke });
    assert.deepEqual([flow.state, flow.revokePending, flow.next(), flow.reason], ['REFUNDED', false, 'NONE', 'voided'], name);
    assert.deepEqual(a.calls.map((c) => [c.key, c.type, c.state, c.owed]), [['GG tok-1', 'REVOKE', 'REFUNDED', true], ['GG tok-1', 'REVOKE', 'REFUNDED', true]], name);
    assert.equal(a.calls[1].context.transaction, undefined, 'the memory store has no transaction object');
    assert.deepEqual([...a.taken], ['GG tok-1']);
    // Done: any later notice is a duplicate, the sweeper finds nothing.
    assert.equal((await iap.applyRefund({ store, key, reason: 'again', revoke: a.revoke })).revokePending, false);
    assert.deepEqual(await iap.revokeUnrevoked({ store: mem, revoke: a.revoke }), { revoked: [], failed: [] });
    assert.equal(a.calls.length, 2, name);
    assert.deepEqual(await mem.unrevoked(), []);
    // runPurchase on the record ends at once.
    assert.equal((await iap.runPurchase({ store, adapter: { store: 'GG', verify: () => assert.fail(), settle: () => assert.fail() }, catalog, key, deliver: () => assert.fail() })).state, 'REFUNDED');
  }
});

test('two instances racing on an owed revoke: one call with a transaction; one revoke taken without', async () => {
  const mem = iap.createMemoryPurchaseStore();
  const key = ['GG', 'tok-race'];
  await googleRecord(mem, 'tok-race');
  const first = app({ fail: 1 });
  await assert.rejects(iap.applyRefund({ store: mem, key, revoke: first.revoke }));
  const a = app();
  const b = app();
  // A redelivery to two instances and the sweeper at once.
  await Promise.all([iap.applyRefund({ store: mem, key, revoke: a.revoke }), iap.applyRefund({ store: mem, key, revoke: b.revoke }), iap.revokeUnrevoked({ store: mem, revoke: b.revoke })]);
  assert.equal(a.calls.length + b.calls.length, 1, 'under the record lock, one call');
  assert.equal(iap.PurchaseFlow.fromJSON((await mem.load(...key)).flow).revokePending, false);

  // Without a transaction each instance may call; both get the same key, the app takes back once,
  // and REVOKED is recorded once (the record's version moves by one).
  const mem2 = iap.createMemoryPurchaseStore();
  await googleRecord(mem2, 'tok-race');
  await assert.rejects(iap.applyRefund({ store: mem2, key, revoke: app({ fail: 1 }).revoke }));
  const before = (await mem2.load(...key)).version;
  const shared = app();
  const flows = await Promise.all([1, 2, 3].map(() => iap.applyRefund({ store: withoutTransaction(mem2), key, revoke: shared.revoke })));
  assert.ok(flows.every((f) => f.state === 'REFUNDED' && !f.revokePending));
  assert.ok(shared.calls.length >= 1 && shared.calls.every((c) => c.key === 'GG tok-race'));
  assert.deepEqual([...shared.taken], ['GG tok-race']);
  assert.equal((await mem2.load(...key)).version, before + 1, 'one REVOKED written');
});

test('a process killed between REFUNDED and REVOKED: the sweeper revokes, oldest refund first, failures kept owed', async () => {
  let now = 1_000;
  const mem = iap.createMemoryPurchaseStore({ now: () => now });
  for (const t of ['tok-b', 'tok-a', 'tok-c', 'tok-old']) await googleRecord(mem, t);
  // What a killed process leaves: REFUNDED written (the revoke owed), the revoke never run.
  const dies = () => new Promise(() => {});
  for (const t of ['tok-b', 'tok-a', 'tok-c']) {
    now += 1_000;
    const pending = iap.applyRefund({ store: withoutTransaction(mem), key: ['GG', t], revoke: dies });
    void pending;
    await new Promise((r) => setTimeout(r, 20));
  }
  // A refund of a purchase never delivered (its deliver threw) owes nothing.
  const p = await testing.signGooglePurchase({ orderId: 'GPA.none', packageName: BUNDLE, productId: 'gems', purchaseTime: NOW, purchaseState: 0, purchaseToken: 'tok-none', quantity: 1 });
  const purchase = new iap.GoogleVerifier(testing.TEST_LICENSE_KEY).verify(p.signedData, p.signature);
  await assert.rejects(iap.runPurchase({ store: mem, adapter: { store: 'GG', verify: () => ({ purchase }), settle: () => assert.fail() }, catalog, purchase: { store: 'GG', storeId: 'tok-none', productId: 'gems' }, deliver: () => { throw new Error('no'); } }));
  const none = await iap.applyRefund({ store: mem, key: ['GG', 'tok-none'], revoke: () => assert.fail('nothing to revoke') });
  assert.deepEqual([none.state, none.delivered, none.revokePending], ['REFUNDED', false, false]);
  // A REFUNDED record written before revokePending existed: not listed (nothing says it is owed).
  const old = (await mem.load('GG', 'tok-old'));
  const refunded = iap.PurchaseFlow.fromJSON(old.flow).apply({ type: 'REFUNDED' }).flow.toJSON();
  delete refunded.revokePending;
  assert.equal(await mem.update('GG', 'tok-old', refunded, old.version), true);

  const listed = await mem.unrevoked();
  assert.deepEqual(listed.map((r) => r.storeId), ['tok-b', 'tok-a', 'tok-c'], 'oldest refund first');
  assert.deepEqual((await mem.unrevoked({ limit: 2 })).map((r) => r.storeId), ['tok-b', 'tok-a']);
  await assert.rejects(mem.unrevoked({ limit: 0 }), { code: 'INVALID_ARGUMENT' });

  const a = app();
  const flaky = async (effect, flow, context) => {
    if (effect.storeId === 'tok-a') throw new Error('user locked');
    return a.revoke(effect, flow, context);
  };
  const swept = await iap.revokeUnrevoked({ store: mem, revoke: flaky });
  assert.deepEqual(swept.revoked, [{ store: 'GG', storeId: 'tok-b' }, { store: 'GG', storeId: 'tok-c' }]);
  assert.deepEqual(swept.failed.map((f) => [f.storeId, f.error.message]), [['tok-a', 'user locked']]);
  assert.deepEqual((await mem.unrevoked()).map((r) => r.storeId), ['tok-a']);
  assert.deepEqual(await iap.revokeUnrevoked({ store: mem, revoke: a.revoke }), { revoked: [{ store: 'GG', storeId: 'tok-a' }], failed: [] });
  assert.deepEqual([...a.taken].sort(), ['GG tok-a', 'GG tok-b', 'GG tok-c']);
  assert.equal(a.calls.length, 3);
  assert.deepEqual(await mem.unrevoked(), []);
  await assert.rejects(iap.revokeUnrevoked({ store: mem }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(iap.revokeUnrevoked({ store: {}, revoke: a.revoke }), { code: 'INVALID_ARGUMENT' });
});

test('applyVoidedPurchases: a revoke that threw is asked again when the list is read again, never after it returned', async () => {
  const mem = iap.createMemoryPurchaseStore();
  await googleRecord(mem, 'tok-v');
  const voided = { voidedPurchases: [{ purchaseToken: 'tok-v', voidedReason: 1, voidedSource: 0 }, { purchaseToken: 'tok-unknown' }] };
  const a = app({ fail: 1 });
  const first = await iap.applyVoidedPurchases({ store: mem, voided, revoke: a.revoke });
  assert.deepEqual([first.applied, first.unknown], [[], ['tok-unknown']]);
  assert.deepEqual(first.failed.map((f) => [f.purchaseToken, f.error.message]), [['tok-v', 'grants db down']]);
  assert.deepEqual((await mem.unrevoked()).map((r) => r.storeId), ['tok-v'], 'the refund is recorded, its revoke owed');
  assert.deepEqual(await iap.applyVoidedPurchases({ store: mem, voided, revoke: a.revoke }), { applied: ['tok-v'], unknown: ['tok-unknown'], failed: [] });
  assert.deepEqual(await iap.applyVoidedPurchases({ store: mem, voided, revoke: a.revoke }), { applied: ['tok-v'], unknown: ['tok-unknown'], failed: [] });
  assert.deepEqual(a.calls.map((c) => c.key), ['GG tok-v', 'GG tok-v']);
  assert.deepEqual([...a.taken], ['GG tok-v']);
});

test('applyVoidedPurchases: a purchase whose revoke keeps throwing holds back no other refund of the list', async () => {
  const mem = iap.createMemoryPurchaseStore();
  for (const t of ['tok-1', 'tok-poison', 'tok-3']) await googleRecord(mem, t);
  const voided = ['tok-1', 'tok-poison', 'tok-3'].map((purchaseToken) => ({ purchaseToken, voidedReason: 1, voidedSource: 0 }));
  const a = app();
  const poisoned = async (effect, flow, context) => {
    if (effect.storeId === 'tok-poison') throw new Error('user locked');
    return a.revoke(effect, flow, context);
  };
  const r = await iap.applyVoidedPurchases({ store: mem, voided: { voidedPurchases: voided }, revoke: poisoned });
  assert.deepEqual([r.applied, r.unknown], [['tok-1', 'tok-3'], []]);
  assert.deepEqual(r.failed.map((f) => [f.purchaseToken, f.error.message]), [['tok-poison', 'user locked']]);
  assert.deepEqual([...a.taken].sort(), ['GG tok-1', 'GG tok-3']);
  for (const t of ['tok-1', 'tok-poison', 'tok-3']) assert.equal((await mem.load('GG', t)).flow.state, 'REFUNDED', t);
  assert.deepEqual((await mem.unrevoked()).map((u) => u.storeId), ['tok-poison'], 'owed, for the sweeper');
  // Fixed: the next read revokes it, and no other purchase a second time.
  assert.deepEqual(await iap.applyVoidedPurchases({ store: mem, voided, revoke: a.revoke }), { applied: ['tok-1', 'tok-poison', 'tok-3'], unknown: [], failed: [] });
  assert.deepEqual(a.calls.map((c) => c.key), ['GG tok-1', 'GG tok-3', 'GG tok-poison']);
  assert.deepEqual(await mem.unrevoked(), []);
});

test('applyVoidedPurchases: an answer with a purchase without its token is refused before anything is applied', async () => {
  const mem = iap.createMemoryPurchaseStore();
  await googleRecord(mem, 'tok-1');
  const before = await mem.load('GG', 'tok-1');
  const a = app();
  for (const bad of [{ voidedReason: 1 }, { purchaseToken: '' }, { purchaseToken: 7 }, null]) {
    await assert.rejects(iap.applyVoidedPurchases({ store: mem, voided: [{ purchaseToken: 'tok-1' }, bad], revoke: a.revoke }), { code: 'INVALID_ARGUMENT', message: /without a purchaseToken/ });
  }
  await assert.rejects(iap.applyVoidedPurchases({ store: mem, voided: { voidedPurchases: 'x' }, revoke: a.revoke }), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(a.calls, []);
  assert.deepEqual(await mem.load('GG', 'tok-1'), before);
});
