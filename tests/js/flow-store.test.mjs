// Several backend instances on one payment: the flow-store contract (createMemoryFlowStore), and
// runPayment's compare-and-set writes and conflict rules (the README's conflict table), with
// interleavings forced one by one and then many random ones. PostgreSQL: tests/postgres/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { ownText } from './vectors.mjs';

const key = ownText('google/test-key-2048.pub');
const SEQ = '2025112612345678';
const START = { paymentSeq: SEQ, userId: 'user-1', store: 'GG', productId: 'gem_pack_100' };
const paidFlow = (seq = SEQ) => iap.PaymentFlow.start({ ...START, paymentSeq: seq }).apply({ type: 'PAID', accessToken: 'at-1' }).flow;
const verified = () => iap.verifyGooglePurchase(ownText('google/consumable.json'), ownText('google/consumable.sig'), key);

async function rejectsCode(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof iap.IapError, `not an IapError: ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const later = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise with its resolve handle: a gate a test opens when it wants. */
function gate() {
  let open;
  const p = new Promise((resolve) => {
    open = resolve;
  });
  return { p, open };
}

/**
 * The IAP server (one accepted consume per payment, 5018 after it) and the game's grant log
 * (every deliver call is logged, so a double delivery shows). `hold` lets a test pause a consume
 * before the server sees it or before its answer is returned.
 */
function world() {
  const w = { consumed: new Set(), accepted: 0, answered5018: 0, requests: 0, deliveries: [], flags: [], completes: 0 };
  w.callbacks = (who, { beforeServer, beforeAnswer } = {}) => ({
    verify: () => verified(),
    consume: async (effect) => {
      w.requests += 1;
      if (beforeServer) await beforeServer(effect);
      const first = !w.consumed.has(effect.paymentSeq);
      w.consumed.add(effect.paymentSeq);
      if (first) w.accepted += 1;
      else w.answered5018 += 1;
      if (beforeAnswer) await beforeAnswer(effect);
      if (!first) throw new iap.IapError('ALREADY_CONSUMED', 'already consumed', { details: { resultCode: 5018 } });
    },
    deliver: (effect) => {
      w.deliveries.push({ who, paymentSeq: effect.paymentSeq });
    },
    complete: () => void (w.completes += 1),
    flag: (effect) => void w.flags.push({ who, effect }),
  });
  return w;
}

/** The memory store without `deliverInTransaction`: a plain compare-and-set store. */
function plainStore() {
  const { load, insert, update } = iap.createMemoryFlowStore();
  return { load, insert, update };
}

// ---------------------------------------------------------------------------------------------
// The contract

test('memory store: insert once, compare-and-set updates, copies in and out', async () => {
  const store = iap.createMemoryFlowStore();
  assert.equal(await store.load(SEQ), null);
  const json = paidFlow().toJSON();
  assert.equal(await store.insert(SEQ, json), true);
  assert.equal(await store.insert(SEQ, json), false, 'a second insert is refused');
  json.state = 'COMPLETED'; // the caller's object is not the stored one
  const r = await store.load(SEQ);
  assert.equal(r.version, 1);
  assert.equal(r.flow.state, 'PAID');
  r.flow.state = 'COMPLETED';
  assert.equal((await store.load(SEQ)).flow.state, 'PAID');

  const next = iap.PaymentFlow.fromJSON(r.flow.state === 'COMPLETED' ? (await store.load(SEQ)).flow : r.flow)
    .apply({ type: 'VERIFIED', purchase: iap.toPurchase(verified()) }).flow.toJSON();
  assert.equal(await store.update(SEQ, next, 2), false, 'a write over a version that is not stored is refused');
  assert.equal(await store.update(SEQ, next, 1), true);
  assert.equal(await store.update(SEQ, next, 1), false, 'the same write twice: the second is stale');
  assert.deepEqual((await store.load(SEQ)).version, 2);
  assert.equal(await store.update('9999999999999999', next, 1), false, 'no record, no write');
  assert.equal(store.entries().length, 1);

  await rejectsCode(store.load(''), 'INVALID_ARGUMENT');
  await rejectsCode(store.insert(SEQ, null), 'INVALID_ARGUMENT');
  await rejectsCode(store.update(SEQ, 'text', 2), 'INVALID_ARGUMENT');
});

test('memory store: deliverInTransaction writes what fn returns, nothing if it throws, one at a time', async () => {
  const store = iap.createMemoryFlowStore();
  await store.insert(SEQ, paidFlow().toJSON());
  await rejectsCode(store.deliverInTransaction('1111111111111111', async () => null), 'INVALID_ARGUMENT');

  await assert.rejects(store.deliverInTransaction(SEQ, async () => {
    throw new Error('grant failed');
  }), /grant failed/);
  assert.equal((await store.load(SEQ)).version, 1, 'a throwing fn writes nothing');

  assert.deepEqual(await store.deliverInTransaction(SEQ, async () => null), await store.load(SEQ));

  // Two transactions and an update on one record: they run one after the other, and the update
  // made while a transaction holds the record waits, then sees the new version.
  const order = [];
  const hold = gate();
  const first = store.deliverInTransaction(SEQ, async (locked) => {
    order.push(`t1 sees v${locked.version}`);
    await hold.p;
    return locked.flow;
  });
  const second = store.deliverInTransaction(SEQ, async (locked) => {
    order.push(`t2 sees v${locked.version}`);
    return locked.flow;
  });
  const stale = store.update(SEQ, paidFlow().toJSON(), 1);
  await later(5);
  assert.deepEqual(order, ['t1 sees v1']);
  hold.open();
  assert.equal((await first).version, 2);
  assert.equal((await second).version, 3);
  assert.equal(await stale, false);
  assert.deepEqual(order, ['t1 sees v1', 't2 sees v2']);
});

test('runPayment with a store: inserts the first record, writes a version per step', async () => {
  const store = iap.createMemoryFlowStore();
  const w = world();
  const done = await iap.runPayment({ store, flow: paidFlow(), ...w.callbacks('a') });
  assert.equal(done.state, 'COMPLETED');
  const r = await store.load(SEQ);
  assert.equal(r.flow.state, 'COMPLETED');
  // insert (v1), VERIFIED, CONSUME_REQUESTED, CONSUMED, DELIVERED (in the transaction), COMPLETED
  assert.equal(r.version, 6);
  assert.equal(w.accepted, 1);
  assert.deepEqual(w.deliveries, [{ who: 'a', paymentSeq: SEQ }]);

  // By paymentSeq alone, from what is stored: nothing left to do.
  const again = await iap.runPayment({ store, paymentSeq: SEQ, ...w.callbacks('b') });
  assert.equal(again.state, 'COMPLETED');
  assert.equal(w.deliveries.length, 1);
  assert.equal((await store.load(SEQ)).version, 6);
});

test('runPayment with a store: bad arguments', async () => {
  const w = world();
  const store = iap.createMemoryFlowStore();
  await rejectsCode(iap.runPayment({ store, ...w.callbacks('a') }), 'INVALID_ARGUMENT');
  await rejectsCode(iap.runPayment({ store, paymentSeq: SEQ, ...w.callbacks('a') }), 'INVALID_ARGUMENT'); // nothing stored
  await rejectsCode(iap.runPayment({ store, flow: paidFlow(), save: () => {}, ...w.callbacks('a') }), 'INVALID_ARGUMENT');
  await rejectsCode(iap.runPayment({ store: { load() {} }, flow: paidFlow(), ...w.callbacks('a') }), 'INVALID_ARGUMENT');
  await rejectsCode(iap.runPayment({ store, paymentSeq: '1111111111111111', flow: paidFlow(), ...w.callbacks('a') }), 'INVALID_ARGUMENT');
  const liar = { ...plainStore(), load: async () => ({ flow: paidFlow().toJSON(), version: 0 }) };
  await rejectsCode(iap.runPayment({ store: liar, paymentSeq: SEQ, ...w.callbacks('a') }), 'INVALID_ARGUMENT');
  const other = { ...plainStore(), load: async () => ({ flow: paidFlow('1111111111111111').toJSON(), version: 1 }) };
  await rejectsCode(iap.runPayment({ store: other, paymentSeq: SEQ, ...w.callbacks('a') }), 'MALFORMED_INPUT');
  assert.equal(w.requests, 0);
});

// ---------------------------------------------------------------------------------------------
// The conflict rules, one interleaving at a time

test('conflict: two instances insert and verify at once; one consumes, the other stops', async () => {
  for (const store of [iap.createMemoryFlowStore(), plainStore()]) {
    const w = world();
    const [a, b] = await Promise.all([
      iap.runPayment({ store, flow: paidFlow(), ...w.callbacks('a') }),
      iap.runPayment({ store, flow: paidFlow(), ...w.callbacks('b') }),
    ]);
    // The old failure: both consumed, and the second flagged a payment its own fleet consumed.
    assert.equal(w.requests, 1, 'one consume request');
    assert.equal(w.flags.length, 0);
    assert.equal(w.deliveries.length, 1);
    // The loser returns the flow it found when its write was refused, which the winner carried on.
    const [winner, loser] = a.state === 'COMPLETED' ? [a, b] : [b, a];
    assert.equal(winner.state, 'COMPLETED');
    assert.ok(['VERIFIED', 'CONSUME_REQUESTED', 'CONSUMED', 'DELIVERED', 'COMPLETED'].includes(loser.state), loser.state);
    assert.equal((await store.load(SEQ)).flow.state, 'COMPLETED');
  }
});

test('conflict: another instance re-sent our consume and won the server; our 5018 is never a flag', async () => {
  const store = iap.createMemoryFlowStore();
  const w = world();
  const aAtServer = gate();
  const aHeld = gate();
  // A records CONSUME_REQUESTED and its request is in flight (held before the server sees it).
  const a = iap.runPayment({
    store, flow: paidFlow(), ...w.callbacks('a', { beforeServer: () => (aAtServer.open(), aHeld.p) }),
  });
  await aAtServer.p;
  assert.equal((await store.load(SEQ)).flow.state, 'CONSUME_REQUESTED');
  // B takes the stored CONSUME_REQUESTED for a crashed run: CONSUME_TIMEOUT, sends attempt 2,
  // which the server accepts; B delivers and completes.
  const b = await iap.runPayment({ store, paymentSeq: SEQ, ...w.callbacks('b') });
  assert.equal(b.state, 'COMPLETED');
  assert.equal(b.consumeAttempts, 2);
  // Now A's request reaches the server: 5018 to A's attempt 1, which alone would be a flag.
  aHeld.open();
  const aDone = await a;
  assert.equal(aDone.state, 'COMPLETED', 'A reloads and finds the payment done');
  assert.equal(w.accepted, 1);
  assert.equal(w.answered5018, 1);
  assert.deepEqual(w.flags, []);
  assert.deepEqual(w.deliveries, [{ who: 'b', paymentSeq: SEQ }]);
});

test('conflict: our consume went through while another instance re-sent it; we record it and deliver once', async () => {
  for (const store of [iap.createMemoryFlowStore(), plainStore()]) {
    const w = world();
    const aAnswered = gate();
    const aHeld = gate();
    const bHeld = gate();
    // A's request is accepted by the server; its answer is held.
    const a = iap.runPayment({
      store, flow: paidFlow(), ...w.callbacks('a', { beforeAnswer: () => (aAnswered.open(), aHeld.p) }),
    });
    await aAnswered.p;
    // B resumes (attempt 2) and gets 5018; its answer is held too.
    const bAtServer = gate();
    const b = iap.runPayment({
      store, paymentSeq: SEQ, ...w.callbacks('b', { beforeAnswer: () => (bAtServer.open(), bHeld.p) }),
    });
    await bAtServer.p;
    // A's success arrives: its CONSUMED write (over attempt 1) is refused; the stored flow still
    // waits for a consume answer (attempt 2), so A records CONSUMED there and delivers.
    aHeld.open();
    assert.equal((await a).state, 'COMPLETED');
    // B's 5018 arrives: its write is refused, the stored flow is past the consume: B stops.
    bHeld.open();
    assert.equal((await b).state, 'COMPLETED');
    assert.equal(w.accepted, 1);
    assert.deepEqual(w.flags, []);
    assert.deepEqual(w.deliveries, [{ who: 'a', paymentSeq: SEQ }]);
  }
});

test('conflict: a delivery in the store transaction happens once even when two instances reach CONSUMED', async () => {
  const store = iap.createMemoryFlowStore();
  const w = world();
  // Bring the stored flow to CONSUMED, as a run that crashed right after recording its consume.
  const crash = new Error('crash before deliver');
  await assert.rejects(iap.runPayment({ store, flow: paidFlow(), ...w.callbacks('x'), deliver: () => { throw crash; } }), /crash before deliver/);
  assert.equal((await store.load(SEQ)).flow.state, 'CONSUMED');
  // Two instances resume it at once: A delivers inside its transaction and is held there until B,
  // which loaded CONSUMED too, asks for its own transaction.
  const aDelivering = gate();
  const bWaits = gate();
  const a = iap.runPayment({
    store, paymentSeq: SEQ, ...w.callbacks('a'),
    deliver: async (effect, flow, ctx) => {
      aDelivering.open();
      await bWaits.p;
      w.deliveries.push({ who: 'a', paymentSeq: effect.paymentSeq, ctx });
    },
  });
  await aDelivering.p;
  const bStore = { ...store, deliverInTransaction: (...args) => (bWaits.open(), store.deliverInTransaction(...args)) };
  const bRun = iap.runPayment({ store: bStore, paymentSeq: SEQ, ...w.callbacks('b') });
  const [aDone, b] = await Promise.all([a, bRun]);
  assert.equal(b.state, 'DELIVERED', 'B found the record delivered once the lock was free, and stopped');
  assert.equal(w.deliveries.length, 1, JSON.stringify(w.deliveries));
  assert.ok('ctx' in w.deliveries[0] && 'transaction' in w.deliveries[0].ctx, 'deliver gets the transaction context');
  assert.equal(aDone.state, 'COMPLETED');
  assert.equal((await store.load(SEQ)).flow.state, 'COMPLETED');
});

// ---------------------------------------------------------------------------------------------
// Many random interleavings

/** A small seeded generator (mulberry32), so a failing interleaving can be replayed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('races: 8 instances, random delays and lost answers, 200 payments: one consume, one delivery, no flag', async () => {
  for (const [name, makeStore] of [['transactional', iap.createMemoryFlowStore], ['plain', plainStore]]) {
    let plainDoubles = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const rnd = random(seed);
      const store = makeStore();
      const w = world();
      const seq = String(2025112600000000 + seed);
      const pause = () => later(Math.floor(rnd() * 3));
      const runs = [];
      for (let i = 0; i < 8; i++) {
        const lose = rnd() < 0.2;
        const cb = w.callbacks(`i${i}`, {
          beforeServer: pause,
          beforeAnswer: async () => {
            await pause();
            if (lose) throw new iap.IapError('TIMEOUT', 'the answer was lost', { retryable: true });
          },
        });
        const slowStore = {
          load: async (...a) => (await pause(), store.load(...a)),
          insert: async (...a) => (await pause(), store.insert(...a)),
          update: async (...a) => (await pause(), store.update(...a)),
          ...(store.deliverInTransaction ? { deliverInTransaction: async (...a) => (await pause(), store.deliverInTransaction(...a)) } : {}),
        };
        runs.push(later(Math.floor(rnd() * 4)).then(() => iap.runPayment({ store: slowStore, flow: paidFlow(seq), ...cb, maxConsumeAttempts: 8 })));
      }
      const results = await Promise.allSettled(runs);
      for (const r of results) {
        // A run may give up only with the retryable TIMEOUT of lost answers.
        if (r.status === 'rejected') assert.equal(r.reason.code, 'TIMEOUT', `${name} seed ${seed}: ${r.reason}`);
      }
      // What an app retry (or a sweeper) does afterwards: one more run finishes whatever is left.
      const last = await iap.runPayment({ store, paymentSeq: seq, ...w.callbacks('sweeper') });
      const at = `${name} store, seed ${seed}`;
      assert.equal(last.state, 'COMPLETED', at);
      assert.equal(last.flagged, false, at);
      assert.equal(w.accepted, 1, at);
      assert.deepEqual(w.flags, [], at);
      if (name === 'transactional') assert.equal(w.deliveries.length, 1, `${at}: ${JSON.stringify(w.deliveries)}`);
      else {
        assert.ok(w.deliveries.length >= 1, at);
        if (w.deliveries.length > 1) plainDoubles += 1;
      }
    }
    // A plain store's delivery is at-least-once (hence: idempotent deliver); the README says so.
    if (name === 'plain') {
      assert.ok(plainDoubles < 100, `${plainDoubles} of 100 payments delivered twice`);
      console.log(`# plain store: ${plainDoubles} of 100 raced payments delivered more than once (transactional: 0)`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Stores that lie or are broken (issue 25, item 9): runPayment trusts no store

/** A memory store whose record has been brought to CONSUMED, as a run that crashed before deliver. */
async function consumedStore(seq = SEQ) {
  const store = iap.createMemoryFlowStore();
  const w = world();
  await assert.rejects(iap.runPayment({ store, flow: paidFlow(seq), ...w.callbacks('x'), deliver: () => { throw new Error('crash'); } }), /crash/);
  assert.equal((await store.load(seq)).flow.state, 'CONSUMED');
  return store;
}

test('hostile store: deliverInTransaction locks the flow of another payment; nothing is delivered', async () => {
  const OTHER = '1111111111111111';
  const ours = await consumedStore();
  const theirs = await consumedStore(OTHER);
  const w = world();
  // The lock hands fn the record of another (consumed) payment, and writes where it is told.
  const liar = { ...ours, deliverInTransaction: (seq, fn) => theirs.deliverInTransaction(OTHER, fn) };
  await rejectsCode(iap.runPayment({ store: liar, paymentSeq: SEQ, ...w.callbacks('a') }), 'MALFORMED_INPUT');
  assert.deepEqual(w.deliveries, [], 'no item granted for a flow of another payment');
  assert.equal((await theirs.load(OTHER)).flow.state, 'CONSUMED', 'the other payment is left as it was');
});

test('hostile store: deliverInTransaction hands back the record of another payment, or a malformed one', async () => {
  const OTHER = '1111111111111111';
  const otherFlow = (await consumedStore(OTHER)).entries()[0][1];
  for (const [answer, code] of [
    [{ flow: otherFlow.flow, version: 9 }, 'MALFORMED_INPUT'],
    [null, 'INVALID_ARGUMENT'],
    ['record', 'INVALID_ARGUMENT'],
    [{ flow: 'x', version: 0 }, 'INVALID_ARGUMENT'],
  ]) {
    const store = await consumedStore();
    const w = world();
    const liar = {
      ...store,
      deliverInTransaction: async (seq, fn) => {
        await store.deliverInTransaction(seq, fn);
        return typeof answer === 'object' && answer !== null ? structuredClone(answer) : answer;
      },
    };
    await rejectsCode(iap.runPayment({ store: liar, paymentSeq: SEQ, ...w.callbacks('a') }), code);
    assert.equal(w.deliveries.length, 1, JSON.stringify(answer));
    assert.equal(w.completes, 0, 'nothing is completed on a record that is not ours');
  }
});

test('hostile store: a locked record whose version is not a positive integer, or went backwards, is refused before delivery', async () => {
  for (const bad of [0, -1, 1.5, '4', undefined, 1]) {
    const store = await consumedStore();
    const w = world();
    const liar = {
      ...store,
      deliverInTransaction: (seq, fn) => store.deliverInTransaction(seq, (locked) => fn({ ...locked, version: bad })),
    };
    await rejectsCode(iap.runPayment({ store: liar, paymentSeq: SEQ, ...w.callbacks('a') }), bad === 1 ? 'MALFORMED_INPUT' : 'INVALID_ARGUMENT');
    assert.deepEqual(w.deliveries, [], `version ${bad}`);
    assert.equal((await store.load(SEQ)).flow.state, 'CONSUMED');
  }
});

test('buggy store: deliverInTransaction does not write the DELIVERED flow; runPayment stops after one delivery', async () => {
  const store = await consumedStore();
  const w = world();
  // It runs fn but drops what fn returns, and answers with the record as it was (still CONSUMED):
  // before the check, runPayment delivered again and again.
  const forgetful = {
    ...store,
    deliverInTransaction: async (seq, fn) => {
      const r = await store.load(seq);
      await fn({ ...r, transaction: undefined });
      return r;
    },
  };
  const deliver = (effect) => {
    w.deliveries.push(effect.paymentSeq);
    if (w.deliveries.length > 3) throw new Error('delivered again and again');
  };
  await rejectsCode(iap.runPayment({ store: forgetful, paymentSeq: SEQ, ...w.callbacks('a'), deliver }), 'MALFORMED_INPUT');
  assert.equal(w.deliveries.length, 1);
});

test('buggy store: compare-and-set refused without the version moving ends in a retryable TIMEOUT, not a spin', async () => {
  const store = iap.createMemoryFlowStore();
  let updates = 0;
  const stuck = {
    load: async (seq) => {
      if (updates > 1000) throw new Error('still spinning after 1000 refused writes');
      return store.load(seq);
    },
    insert: store.insert,
    update: async () => {
      updates += 1;
      return false;
    },
  };
  const w = world();
  await assert.rejects(iap.runPayment({ store: stuck, flow: paidFlow(), ...w.callbacks('a') }), (e) => {
    assert.ok(e instanceof iap.IapError, String(e));
    assert.equal(e.code, 'TIMEOUT', e.message);
    assert.equal(e.retryable, true);
    assert.equal(e.details.paymentSeq, SEQ);
    return true;
  });
  assert.ok(updates <= 5, `${updates} writes tried`);
  assert.equal(w.requests, 0);
  assert.equal((await store.load(SEQ)).flow.state, 'PAID');
});

test('hostile store: compare-and-set refused forever while the version keeps moving ends in a retryable TIMEOUT', async () => {
  const store = iap.createMemoryFlowStore();
  let updates = 0;
  let bump = 0;
  const churning = {
    load: async (seq) => {
      if (updates > 10_000) throw new Error('still spinning after 10,000 refused writes');
      const r = await store.load(seq);
      return r && { ...r, version: r.version + ++bump };
    },
    insert: store.insert,
    update: async () => {
      updates += 1;
      return false;
    },
  };
  const w = world();
  await assert.rejects(iap.runPayment({ store: churning, flow: paidFlow(), ...w.callbacks('a') }), (e) => e instanceof iap.IapError && e.code === 'TIMEOUT' && e.retryable === true);
  assert.ok(updates <= 100, `${updates} writes tried`);
  assert.equal(w.requests, 0);
});
