// Purchase state: the PaymentFlow reducer and runPayment (with crash-resume), through the built
// package (toPurchase and subscriptionStatus: purchase-model.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { rejectsCode, throwsCode } from './rejects.mjs';
import { ownText } from './vectors.mjs';

const key = ownText('google/test-key-2048.pub');
const verifiedGoogle = (name = 'consumable') =>
  iap.verifyGooglePurchase(ownText(`google/${name}.json`), ownText(`google/${name}.sig`), key);

// ---------------------------------------------------------------------------------------------
// PaymentFlow

const START = { paymentSeq: '2025112612345678', userId: 'user-1', store: 'GG', productId: 'gem_pack_100' };
const purchase = () => iap.toPurchase(verifiedGoogle());

/** The shortest legal path to each state. */
function paths() {
  const p = purchase();
  const paid = { type: 'PAID', accessToken: 'at-1' };
  const verified = { type: 'VERIFIED', purchase: p };
  const cr = { type: 'CONSUME_REQUESTED' };
  return {
    RESERVED: [],
    PAID: [paid],
    VERIFIED: [paid, verified],
    CONSUME_REQUESTED: [paid, verified, cr],
    CONSUMED: [paid, verified, cr, { type: 'CONSUMED' }],
    DELIVERED: [paid, verified, cr, { type: 'CONSUMED' }, { type: 'DELIVERED' }],
    COMPLETED: [paid, verified, cr, { type: 'CONSUMED' }, { type: 'DELIVERED' }, { type: 'COMPLETED' }],
    VERIFY_FAILED: [paid, { type: 'VERIFY_FAILED', reason: 'INVALID_SIGNATURE' }],
    USER_CANCELED: [{ type: 'USER_CANCELED' }],
    REFUNDED: [paid, { type: 'REFUNDED', reason: 'voided' }],
    CONSUMED_ELSEWHERE: [paid, verified, { type: 'ALREADY_CONSUMED' }],
  };
}

function run(events, flow = iap.PaymentFlow.start(START)) {
  const effects = [];
  for (const e of events) {
    const r = flow.apply(e);
    assert.equal(r.duplicate, false, e.type);
    effects.push(...r.effects);
    flow = r.flow;
  }
  return { flow, effects };
}

// Allowed transitions (from the reducer's documentation); every other pair must be refused.
const ALLOWED = {
  RESERVED: { PAID: 'PAID', USER_CANCELED: 'USER_CANCELED' },
  PAID: { VERIFIED: 'VERIFIED', VERIFY_FAILED: 'VERIFY_FAILED', ALREADY_CONSUMED: 'CONSUMED_ELSEWHERE', REFUNDED: 'REFUNDED' },
  VERIFIED: { CONSUME_REQUESTED: 'CONSUME_REQUESTED', ALREADY_CONSUMED: 'CONSUMED_ELSEWHERE', REFUNDED: 'REFUNDED' },
  // Reached with one consume attempt, so 5018 answers our only request: not ours.
  CONSUME_REQUESTED: {
    CONSUME_TIMEOUT: 'CONSUME_REQUESTED',
    CONSUMED: 'CONSUMED',
    ALREADY_CONSUMED: 'CONSUMED_ELSEWHERE',
    REFUNDED: 'REFUNDED',
  },
  CONSUMED: { DELIVERED: 'DELIVERED', REFUNDED: 'REFUNDED' },
  DELIVERED: { COMPLETED: 'COMPLETED', REFUNDED: 'REFUNDED' },
  COMPLETED: { REFUNDED: 'REFUNDED' },
  VERIFY_FAILED: { REFUNDED: 'REFUNDED' },
  USER_CANCELED: {},
  REFUNDED: {},
  CONSUMED_ELSEWHERE: { REFUNDED: 'REFUNDED' },
};

test('PaymentFlow: every state × event is allowed or INVALID_STATE_TRANSITION naming both', () => {
  const p = purchase();
  // Payloads differ from the paths' events, so none of these is a duplicate.
  const events = [
    { type: 'PAID', accessToken: 'at-2' },
    { type: 'USER_CANCELED' },
    { type: 'VERIFIED', purchase: p },
    { type: 'VERIFY_FAILED', reason: 'other' },
    { type: 'CONSUME_REQUESTED' },
    { type: 'CONSUMED' },
    { type: 'ALREADY_CONSUMED' },
    { type: 'CONSUME_TIMEOUT' },
    { type: 'DELIVERED' },
    { type: 'COMPLETED' },
    { type: 'REFUNDED' },
  ];
  let allowed = 0;
  for (const [state, path] of Object.entries(paths())) {
    const { flow } = run(path);
    assert.equal(flow.state, state);
    for (const event of events) {
      let result;
      let error;
      try {
        result = flow.apply(event);
      } catch (e) {
        error = e;
      }
      if (result?.duplicate) {
        assert.deepEqual(result.effects, [], `${state} ${event.type}`);
        continue;
      }
      const to = ALLOWED[state][event.type];
      if (to) {
        assert.ok(result, `${state} + ${event.type} should be allowed: ${error?.message}`);
        assert.equal(result.flow.state, to, `${state} + ${event.type}`);
        allowed += 1;
      } else {
        assert.ok(error instanceof iap.IapError, `${state} + ${event.type} should be refused`);
        assert.equal(error.code, 'INVALID_STATE_TRANSITION');
        assert.deepEqual(error.details, { state, event: event.type });
        assert.match(error.message, new RegExp(`${event.type}.*${state}`));
      }
    }
  }
  assert.equal(allowed, 20);
});

test('PaymentFlow: effects of the happy path, deliver only after consume', () => {
  const { flow, effects } = run(paths().COMPLETED);
  assert.deepEqual(
    effects.map((e) => e.type),
    ['VERIFY', 'CONSUME', 'DELIVER', 'COMPLETE'],
  );
  assert.deepEqual(effects[1], { type: 'CONSUME', paymentSeq: START.paymentSeq, accessToken: 'at-1', attempt: 1 });
  assert.deepEqual(effects[2], {
    type: 'DELIVER',
    paymentSeq: START.paymentSeq,
    userId: 'user-1',
    productId: 'gem_pack_100',
    quantity: 2,
  });
  assert.equal(flow.delivered, true);
  assert.equal(flow.purchase.productId, 'gem_pack_100');
});

test('PaymentFlow: the same event twice is a duplicate with no second effect', () => {
  let flow = iap.PaymentFlow.start(START);
  for (const e of paths().COMPLETED) {
    const first = flow.apply(e);
    const again = first.flow.apply(e);
    assert.equal(again.duplicate, true, e.type);
    assert.deepEqual(again.effects, []);
    assert.deepEqual(again.flow.toJSON(), first.flow.toJSON());
    flow = first.flow;
  }
  // Survives a save/restore.
  const restored = iap.PaymentFlow.fromJSON(JSON.stringify(flow));
  assert.equal(restored.apply({ type: 'DELIVERED' }).duplicate, true);
  // Same type, other payload: refused.
  throwsCode(() => flow.apply({ type: 'PAID', accessToken: 'forged' }), 'INVALID_STATE_TRANSITION');
});

test('PaymentFlow: 5018 rule', () => {
  // 5018 after a lost answer (timeout) to our request: ours went through.
  let { flow, effects } = run([...paths().CONSUME_REQUESTED, { type: 'CONSUME_TIMEOUT' }, { type: 'ALREADY_CONSUMED' }]);
  assert.equal(flow.state, 'CONSUMED');
  assert.deepEqual(effects.map((e) => e.type), ['VERIFY', 'CONSUME', 'CONSUME', 'DELIVER']);
  assert.equal(effects[2].attempt, 2);
  assert.equal(flow.flagged, false);
  // 5018 without any request of ours, or as the answer to our first one: someone else.
  for (const path of [paths().VERIFIED, paths().PAID, paths().CONSUME_REQUESTED]) {
    ({ flow, effects } = run([...path, { type: 'ALREADY_CONSUMED' }]));
    assert.equal(flow.state, 'CONSUMED_ELSEWHERE');
    assert.equal(flow.flagged, true);
    assert.equal(effects.at(-1).type, 'FLAG');
    assert.ok(!effects.some((e) => e.type === 'DELIVER'));
    throwsCode(() => flow.apply({ type: 'DELIVERED' }), 'INVALID_STATE_TRANSITION');
  }
});

test('PaymentFlow: refund after delivery asks for a revoke, before it does not', () => {
  for (const [state, revoke] of [['CONSUMED', false], ['DELIVERED', true], ['COMPLETED', true], ['PAID', false]]) {
    const { flow } = run(paths()[state]);
    const r = flow.apply({ type: 'REFUNDED', reason: 'chargeback' });
    assert.equal(r.flow.state, 'REFUNDED');
    assert.deepEqual(r.effects.map((e) => e.type), revoke ? ['REVOKE'] : [], state);
  }
});

test('PaymentFlow: the purchase must fit the flow and come from toPurchase', () => {
  const { flow } = run(paths().PAID);
  const other = iap.PaymentFlow.start({ ...START, productId: 'vip_monthly', store: 'AS' });
  const paidOther = other.apply({ type: 'PAID', accessToken: 'x' }).flow;
  throwsCode(() => paidOther.apply({ type: 'VERIFIED', purchase: purchase() }), 'INVALID_ARGUMENT');
  const pending = iap.toPurchase(verifiedGoogle('pending'));
  assert.match(throwsCode(() => flow.apply({ type: 'VERIFIED', purchase: pending }), 'INVALID_ARGUMENT').message, /PENDING/);
  const copy = JSON.parse(JSON.stringify(purchase()));
  throwsCode(() => flow.apply({ type: 'VERIFIED', purchase: copy }), 'INVALID_ARGUMENT');
  throwsCode(() => flow.apply({ type: 'VERIFIED', purchase: purchase(), extra: 1 }), 'INVALID_ARGUMENT');
  throwsCode(() => flow.apply({ type: 'PAYED' }), 'INVALID_ARGUMENT');
  throwsCode(() => flow.apply('PAID'), 'INVALID_ARGUMENT');
  throwsCode(() => iap.PaymentFlow.start({ ...START, paymentSeq: '' }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.PaymentFlow.start({ ...START, extra: true }), 'INVALID_ARGUMENT');
});

test('PaymentFlow: toJSON/fromJSON round trip; tampered or old JSON is MALFORMED_INPUT', () => {
  for (const path of Object.values(paths())) {
    const { flow } = run(path);
    const json = flow.toJSON();
    assert.deepEqual(iap.PaymentFlow.fromJSON(json).toJSON(), json);
    assert.deepEqual(iap.PaymentFlow.fromJSON(JSON.stringify(flow)).toJSON(), json);
  }
  const consumed = run(paths().CONSUMED).flow.toJSON();
  const tampered = [
    { ...consumed, state: 'SHIPPED' },
    { ...consumed, state: 'DELIVERED' },
    { ...consumed, delivered: true },
    { ...consumed, version: 0 },
    { ...consumed, flagged: true },
    { ...consumed, isAdmin: true },
    Object.fromEntries(Object.entries(consumed).filter(([k]) => k !== 'history')),
    Object.fromEntries(Object.entries(consumed).filter(([k]) => k !== 'purchase')),
    { ...consumed, consumeAttempts: 0 },
  ];
  for (const t of tampered) throwsCode(() => iap.PaymentFlow.fromJSON(t), 'MALFORMED_INPUT');
  throwsCode(() => iap.PaymentFlow.fromJSON('{"state":'), 'MALFORMED_INPUT');
  throwsCode(() => iap.PaymentFlow.fromJSON(' '.repeat(300 * 1024)), 'INPUT_TOO_LARGE');
});

// ---------------------------------------------------------------------------------------------
// runPayment

class Crash extends Error {}

/**
 * A fake world: the IAP server (answers 5018 to a second consume), the game's grant table
 * (idempotent on paymentSeq), and the database row of the flow. `crashAt` makes the n-th
 * operation crash, before or after its side effect.
 */
function world({ crashAt = -1, after = false, consumedElsewhere = false, timeouts = 0 } = {}) {
  const w = {
    crashAt,
    after,
    ops: 0,
    db: null,
    saves: [],
    serverConsumed: new Set(consumedElsewhere ? [START.paymentSeq] : []),
    consumeRequests: 0,
    grants: new Map(),
    deliverCalls: 0,
    completed: 0,
    flags: [],
    timeoutsLeft: timeouts,
  };
  const op = async (sideEffect) => {
    const n = w.ops++;
    if (n === w.crashAt && !w.after) throw new Crash(`crash before op ${n}`);
    const result = await sideEffect();
    if (n === w.crashAt && w.after) throw new Crash(`crash after op ${n}`);
    return result;
  };
  w.callbacks = {
    verify: (effect) =>
      op(() => {
        assert.equal(effect.type, 'VERIFY');
        return purchase();
      }),
    consume: (effect) =>
      op(() => {
        assert.equal(w.db.state, 'CONSUME_REQUESTED', 'the consume is recorded before it is sent');
        w.consumeRequests += 1;
        if (w.timeoutsLeft > 0) {
          w.timeoutsLeft -= 1;
          // The request reached the server, the answer did not reach us.
          w.serverConsumed.add(effect.paymentSeq);
          throw new iap.IapError('TIMEOUT', 'no answer', { retryable: true });
        }
        if (w.serverConsumed.has(effect.paymentSeq)) {
          throw new iap.IapError('ALREADY_CONSUMED', 'already consumed', { details: { resultCode: 5018 } });
        }
        w.serverConsumed.add(effect.paymentSeq);
      }),
    deliver: (effect) =>
      op(() => {
        assert.equal(w.db.state, 'CONSUMED', 'delivery only from a saved CONSUMED');
        w.deliverCalls += 1;
        if (!w.grants.has(effect.paymentSeq)) w.grants.set(effect.paymentSeq, effect.quantity);
      }),
    complete: () => op(() => void (w.completed += 1)),
    flag: (effect) => op(() => void w.flags.push(effect)),
    save: (json) =>
      op(() => {
        w.db = structuredClone(json);
        w.saves.push(json.state);
      }),
  };
  return w;
}

const paidFlow = () => iap.PaymentFlow.start(START).apply({ type: 'PAID', accessToken: 'at-1' }).flow;

test('runPayment: the happy path saves before every side effect', async () => {
  const w = world();
  const flow = await iap.runPayment({ flow: paidFlow(), ...w.callbacks });
  assert.equal(flow.state, 'COMPLETED');
  assert.deepEqual(w.saves, ['VERIFIED', 'CONSUME_REQUESTED', 'CONSUMED', 'DELIVERED', 'COMPLETED']);
  assert.equal(w.consumeRequests, 1);
  assert.deepEqual([...w.grants], [[START.paymentSeq, 2]]);
  assert.equal(w.completed, 1);
  // Running a finished flow again does nothing.
  const again = await iap.runPayment({ flow: w.db, ...w.callbacks });
  assert.equal(again.state, 'COMPLETED');
  assert.equal(w.deliverCalls, 1);
});

test('runPayment: a crash before or after any step resumes without paying out twice', async () => {
  const probe = world();
  await iap.runPayment({ flow: paidFlow(), ...probe.callbacks });
  const ops = probe.ops;
  assert.ok(ops >= 9);
  for (let crashAt = 0; crashAt < ops; crashAt++) {
    for (const after of [false, true]) {
      const w = world({ crashAt, after });
      await assert.rejects(iap.runPayment({ flow: paidFlow(), ...w.callbacks }), Crash);
      // Resume from whatever was saved (nothing saved yet: start again from PAID).
      const resumed = await iap.runPayment({ flow: w.db ?? paidFlow().toJSON(), ...w.callbacks });
      const at = `crash ${after ? 'after' : 'before'} op ${crashAt}`;
      assert.equal(resumed.state, 'COMPLETED', at);
      assert.equal(resumed.flagged, false, at);
      assert.deepEqual([...w.grants], [[START.paymentSeq, 2]], at);
      assert.deepEqual([...w.serverConsumed], [START.paymentSeq], at);
      assert.ok(w.deliverCalls <= 2, at);
      assert.equal(w.db.state, 'COMPLETED', at);
    }
  }
});

test('runPayment: crashing at every step in turn still ends with one grant', async () => {
  // One world (server, grants, database) across runs; each run crashes at its first operation
  // after the ones already survived, alternately before and after the side effect.
  const w = world();
  let crashes = 0;
  for (;;) {
    w.crashAt = w.ops + 1;
    w.after = crashes % 2 === 1;
    try {
      const done = await iap.runPayment({ flow: w.db ?? paidFlow().toJSON(), ...w.callbacks });
      assert.equal(done.state, 'COMPLETED');
      break;
    } catch (e) {
      assert.ok(e instanceof Crash, e.message);
      crashes += 1;
    }
    assert.ok(crashes < 50);
  }
  assert.ok(crashes >= 5, `${crashes} crashes`);
  assert.deepEqual([...w.grants], [[START.paymentSeq, 2]]);
  assert.deepEqual([...w.serverConsumed], [START.paymentSeq]);
  assert.equal(w.flags.length, 0);
});

test('runPayment: consume timeouts are retried; 5018 after our lost request delivers', async () => {
  const w = world({ timeouts: 1 });
  const flow = await iap.runPayment({ flow: paidFlow(), ...w.callbacks });
  assert.equal(flow.state, 'COMPLETED');
  assert.equal(w.consumeRequests, 2);
  assert.equal(flow.consumeAttempts, 2);
  assert.deepEqual(w.saves, ['VERIFIED', 'CONSUME_REQUESTED', 'CONSUME_REQUESTED', 'CONSUMED', 'DELIVERED', 'COMPLETED']);
  assert.equal(w.grants.size, 1);
});

test('runPayment: gives up after maxConsumeAttempts with a retryable error, then resumes', async () => {
  const w = world({ timeouts: 5 });
  await rejectsCode(iap.runPayment({ flow: paidFlow(), ...w.callbacks, maxConsumeAttempts: 2 }), 'TIMEOUT');
  assert.equal(w.db.state, 'CONSUME_REQUESTED');
  assert.equal(w.consumeRequests, 2);
  w.timeoutsLeft = 0;
  const flow = await iap.runPayment({ flow: w.db, ...w.callbacks });
  assert.equal(flow.state, 'COMPLETED');
  assert.equal(w.grants.size, 1);
});

test('runPayment: 5018 on our first consume means consumed elsewhere: flagged, no delivery', async () => {
  const w = world({ consumedElsewhere: true });
  const flow = await iap.runPayment({ flow: paidFlow(), ...w.callbacks });
  assert.equal(flow.state, 'CONSUMED_ELSEWHERE');
  assert.equal(flow.flagged, true);
  assert.equal(w.deliverCalls, 0);
  assert.equal(w.flags.length, 1);
  assert.equal(w.flags[0].type, 'FLAG');
});

test('runPayment: verification failures end the flow; pending purchases wait', async () => {
  let w = world();
  w.callbacks.verify = () => {
    throw new iap.IapError('INVALID_SIGNATURE', 'the signature does not verify');
  };
  let flow = await iap.runPayment({ flow: paidFlow(), ...w.callbacks });
  assert.equal(flow.state, 'VERIFY_FAILED');
  assert.match(flow.reason, /INVALID_SIGNATURE/);
  assert.equal(w.consumeRequests, 0);

  w = world();
  w.callbacks.verify = () => iap.toPurchase(verifiedGoogle('subscription')); // another product
  flow = await iap.runPayment({ flow: paidFlow(), ...w.callbacks });
  assert.equal(flow.state, 'VERIFY_FAILED');
  assert.equal(w.grants.size, 0);

  w = world();
  w.callbacks.verify = () => iap.toPurchase(verifiedGoogle('pending'));
  flow = await iap.runPayment({ flow: paidFlow(), ...w.callbacks });
  assert.equal(flow.state, 'PAID');
  assert.deepEqual(w.saves, []);

  w = world();
  w.callbacks.verify = () => {
    throw new iap.IapError('NETWORK_ERROR', 'offline', { retryable: true });
  };
  await rejectsCode(iap.runPayment({ flow: paidFlow(), ...w.callbacks }), 'NETWORK_ERROR');

  // A value no verifier made is the caller's bug: thrown, and the flow stays PAID.
  w = world();
  w.callbacks.verify = () => JSON.parse(JSON.stringify(purchase()));
  await rejectsCode(iap.runPayment({ flow: paidFlow(), ...w.callbacks }), 'INVALID_ARGUMENT');
  assert.deepEqual(w.saves, []);

  // The verifier's own result is accepted as is.
  w = world();
  w.callbacks.verify = () => verifiedGoogle();
  flow = await iap.runPayment({ flow: paidFlow(), ...w.callbacks });
  assert.equal(flow.state, 'COMPLETED');
  assert.equal(flow.purchase.transactionId, 'GPA.3301-1234-5678-90123');
});

test('runPayment: bad arguments', async () => {
  const w = world();
  await rejectsCode(iap.runPayment({ flow: paidFlow(), ...w.callbacks, save: undefined }), 'INVALID_ARGUMENT');
  await rejectsCode(iap.runPayment({ flow: iap.PaymentFlow.start(START), ...w.callbacks }), 'INVALID_ARGUMENT');
  await rejectsCode(iap.runPayment({ flow: { state: 'PAID' }, ...w.callbacks }), 'MALFORMED_INPUT');
});

test('runPayment: a mistake inside verify (INVALID_ARGUMENT, TypeError) propagates and leaves the flow in PAID', async () => {
  for (const mistake of [() => iap.toPurchase({ productId: 'gem_pack_100' }), () => null.purchase]) {
    const w = world();
    w.callbacks.verify = mistake;
    await assert.rejects(iap.runPayment({ flow: paidFlow(), ...w.callbacks }), (e) => e instanceof TypeError || e.code === 'INVALID_ARGUMENT');
    assert.deepEqual(w.saves, [], 'nothing recorded');
    assert.equal(w.consumeRequests, 0);
  }
  const store = iap.createMemoryFlowStore();
  const w = world();
  w.callbacks.verify = () => {
    throw new iap.IapError('INVALID_ARGUMENT', 'a Gamebase record toPurchase does not take');
  };
  const { save, ...callbacks } = w.callbacks;
  await assert.rejects(iap.runPayment({ store, flow: paidFlow(), ...callbacks }), (e) => e.code === 'INVALID_ARGUMENT');
  assert.equal((await store.load(paidFlow().paymentSeq)).flow.state, 'PAID');
});
