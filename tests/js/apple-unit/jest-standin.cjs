// The part of Jest that Apple's compiled unit tests use (describe, it, expect and its matchers,
// fail, jest.spyOn and fake system time), over node:test and node:assert, so that Apple's test
// files run unchanged. Not a copy of Jest: each matcher is the assertion its name says.
'use strict';
const assert = require('node:assert/strict');
const { isDeepStrictEqual, inspect } = require('node:util');

const fail = (message) => assert.fail(message);

function matchers(actual, negate) {
  const check = (ok, what) => {
    if (ok === negate) assert.fail(`expected ${inspect(actual, { depth: 3 })} ${negate ? 'not ' : ''}${what}`);
  };
  const eqLoose = (a, b) => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));
  return {
    toBe: (e) => check(Object.is(actual, e), `to be ${inspect(e)}`),
    toEqual: (e) => check(isDeepStrictEqual(actual, e) || eqLoose(actual, e), `to equal ${inspect(e, { depth: 3 })}`),
    toStrictEqual: (e) => check(isDeepStrictEqual(actual, e), `to strictly equal ${inspect(e, { depth: 3 })}`),
    toBeTruthy: () => check(Boolean(actual), 'to be truthy'),
    toBeFalsy: () => check(!actual, 'to be falsy'),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeInstanceOf: (c) => check(actual instanceof c, `to be an instance of ${c?.name}`),
    toHaveProperty: (p) => check(actual !== null && actual !== undefined && p in Object(actual), `to have property ${p}`),
    toContain: (x) => check(actual?.includes?.(x) === true, `to contain ${inspect(x)}`),
    toMatch: (re) => check(typeof actual === 'string' && (re instanceof RegExp ? re.test(actual) : actual.includes(re)), `to match ${re}`),
    toMatchObject: (o) => check(Object.entries(o).every(([k, v]) => isDeepStrictEqual(actual?.[k], v)), `to match ${inspect(o)}`),
    toHaveBeenCalledTimes: (n) => check(actual?.mock?.calls?.length === n, `to have been called ${n} times (was ${actual?.mock?.calls?.length})`),
    toThrow: (e) => {
      let threw = false;
      try {
        actual();
      } catch (err) {
        threw = e === undefined || (typeof e === 'function' ? err instanceof e : String(err?.message).includes(e));
      }
      check(threw, 'to throw');
    },
  };
}

function expect(actual) {
  const m = matchers(actual, false);
  m.not = matchers(actual, true);
  const settle = (wantReject) =>
    new Proxy({}, {
      get: (_, name) => async (...args) => {
        let value;
        let rejected = false;
        try {
          value = await actual;
        } catch (e) {
          value = e;
          rejected = true;
        }
        assert.equal(rejected, wantReject, `expected the promise to ${wantReject ? 'reject' : 'resolve'}`);
        if (wantReject && name === 'toThrow') {
          const [e] = args;
          if (typeof e === 'function') assert.ok(value instanceof e, `rejected with ${value}`);
          return;
        }
        return matchers(value, false)[name](...args);
      },
    });
  m.rejects = settle(true);
  m.resolves = settle(false);
  return m;
}

// Fake system time (Date.now and new Date()), as jest.useFakeTimers + setSystemTime.
const RealDate = Date;
let fakeNow;
class FakeDate extends RealDate {
  constructor(...a) {
    if (a.length === 0 && fakeNow !== undefined) super(fakeNow);
    else super(...a);
  }
  static now() {
    return fakeNow ?? RealDate.now();
  }
}
const jest = {
  useFakeTimers: () => {
    globalThis.Date = FakeDate;
  },
  useRealTimers: () => {
    fakeNow = undefined;
    globalThis.Date = RealDate;
  },
  setSystemTime: (t) => {
    fakeNow = typeof t === 'number' ? t : new RealDate(t).getTime();
  },
  runOnlyPendingTimers: () => {},
  spyOn(obj, name) {
    const original = obj[name];
    if (typeof original !== 'function') throw new TypeError(`jest.spyOn: ${name} is not a method of this object`);
    let impl = original;
    const spy = function (...args) {
      spy.mock.calls.push(args);
      return impl.apply(this, args);
    };
    spy.mock = { calls: [] };
    spy.mockImplementation = (f) => {
      impl = f;
      return spy;
    };
    obj[name] = spy;
    return spy;
  },
};

module.exports = { expect, jest, fail };
