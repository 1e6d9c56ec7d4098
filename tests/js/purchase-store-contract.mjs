// The purchase store contract (pkg/src/purchase-store.js), one suite for every store: the memory
// store (tests/js/purchase-store.test.mjs) and PostgreSQL (tests/postgres/purchase-store.test.mjs).
import assert from 'node:assert/strict';
import * as iap from './load.mjs';


/** A PurchaseFlowJSON in `state`, built by the core (never by hand). */
export function flowJson({ store = 'GG', storeId = 'tok-1', userId = 'user-1', productId = 'gem', kind = 'CONSUMABLE', nhn = false, token } = {}) {
  return iap.PurchaseFlow.start({ store, storeId, productId, kind, userId, nhn, ...(token ? { token } : {}) }).toJSON();
}

/**
 * Registers the contract's tests.
 * @param {typeof import('node:test').test} test
 * @param {() => Promise<any>} make a fresh, empty store
 * @param {(flow: any) => any} [advance] moves a stored flow on (for the ledger's timestamps): the caller's own purchase
 */
export function purchaseStoreContract(test, make, name) {
  test(`${name}: insert once, compare-and-set update, load copies`, async () => {
    const s = await make();
    const f = flowJson();
    assert.equal(await s.insert('GG', 'tok-1', f), true);
    assert.equal(await s.insert('GG', 'tok-1', f), false);
    assert.equal(await s.insert('ONESTORE', 'tok-1', f), true, 'the key is (store, storeId)');
    const r = await s.load('GG', 'tok-1');
    assert.equal(r.version, 1);
    assert.deepEqual(r.flow, f);
    r.flow.state = 'COMPLETED';
    assert.equal((await s.load('GG', 'tok-1')).flow.state, 'RECEIVED');
    assert.equal(await s.update('GG', 'tok-1', f, 2), false, 'a stale version is refused');
    assert.equal(await s.update('GG', 'tok-1', f, 1), true);
    assert.equal(await s.update('GG', 'tok-1', f, 1), false);
    assert.equal((await s.load('GG', 'tok-1')).version, 2);
    assert.equal(await s.load('GG', 'nope'), null);
    assert.equal(await s.update('GG', 'nope', f, 1), false);
    await assert.rejects(s.load('', 'x'), (e) => e.code === 'INVALID_ARGUMENT');
  });

  test(`${name}: racing updates over one version: exactly one lands`, async () => {
    const s = await make();
    await s.insert('AS', '2000001', flowJson({ store: 'AS', storeId: '2000001' }));
    const results = await Promise.all(Array.from({ length: 8 }, () => s.update('AS', '2000001', flowJson({ store: 'AS', storeId: '2000001' }), 1)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  test(`${name}: deliverInTransaction writes what fn returns, nothing when it throws`, async () => {
    const s = await make();
    const f = flowJson();
    await s.insert('GG', 'tok-1', f);
    await assert.rejects(s.deliverInTransaction('GG', 'tok-1', async () => {
      throw new Error('boom');
    }), /boom/);
    assert.equal((await s.load('GG', 'tok-1')).version, 1);
    const r = await s.deliverInTransaction('GG', 'tok-1', async (locked) => {
      assert.equal(locked.version, 1);
      return f;
    });
    assert.equal(r.version, 2);
    const same = await s.deliverInTransaction('GG', 'tok-1', async () => null);
    assert.equal(same.version, 2);
  });

  test(`${name}: unsettled and unrevoked take a positive integer limit, and say so otherwise`, async () => {
    const s = await make();
    for (const read of ['unsettled', 'unrevoked']) {
      for (const limit of [0, -1, 1.5, '10', Number.NaN, 2 ** 53]) {
        await assert.rejects(s[read]({ limit }), { code: 'INVALID_ARGUMENT', message: /`limit` must be a positive integer/ }, `${read}(${String(limit)})`);
      }
      assert.deepEqual(await s[read]({ limit: 1 }), [], `${read} of an empty store`);
    }
  });

  test(`${name}: the ledger: purchasesOf(userId) over every store, purchase(store, id), unsettled soonest first`, async () => {
    const s = await make();
    await s.insert('GG', 'tok-1', flowJson({ userId: 'u1' }));
    await s.insert('NHN', '2025112600000001', flowJson({ userId: 'u1', nhn: true, token: 'at', storeId: '2025112600000001' }));
    await s.insert('AS', '2000001', flowJson({ store: 'AS', storeId: '2000001', userId: 'u2' }));
    const mine = await s.purchasesOf('u1');
    assert.deepEqual(mine.map((p) => `${p.store} ${p.storeId}`).sort(), ['GG tok-1', 'NHN 2025112600000001']);
    for (const p of mine) {
      assert.equal(p.state, 'RECEIVED');
      assert.equal(p.deliveredAt, null);
      assert.equal(typeof p.createdAt, 'number');
    }
    assert.deepEqual(await s.purchasesOf('nobody'), []);
    const one = await s.purchase('AS', '2000001');
    assert.equal(one.userId, 'u2');
    assert.equal(one.productId, 'gem');
    assert.equal(await s.purchase('AS', 'nope'), null);
    assert.deepEqual(await s.unsettled(), [], 'nothing delivered yet');
  });
}
