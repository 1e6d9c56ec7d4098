// Stand-in for `node:assert/strict` in runtimes without it. Strict semantics only (Object.is,
// prototypes compared), which is what tests/js imports; the messages are shorter than Node's.

export class AssertionError extends Error {
  constructor({ message, actual, expected, operator }) {
    super(message);
    this.name = 'AssertionError';
    this.code = 'ERR_ASSERTION';
    this.actual = actual;
    this.expected = expected;
    this.operator = operator;
  }
}

function show(v) {
  try {
    if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}...` : v);
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Error) return `${v.name}: ${v.message}`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
    const s = JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 300)}...` : s;
  } catch {
    return String(v);
  }
}

function failWith(message, fallback, actual, expected, operator) {
  if (message instanceof Error) throw message;
  throw new AssertionError({ message: message ?? fallback, actual, expected, operator });
}

function isDeepEqual(a, b, seen = new Map()) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return Object.is(a.getTime(), b.getTime());
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Error && (a.name !== b.name || a.message !== b.message)) return false;
  if (ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !isDeepEqual(v, b.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  if (Array.isArray(a) && a.length !== b.length) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!isDeepEqual(a[k], b[k], seen)) return false;
  }
  return true;
}

function matchesExpected(err, expected) {
  if (expected === undefined) return true;
  if (expected instanceof RegExp) return expected.test(String(err)) || expected.test(err?.message ?? '');
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && err instanceof expected) return true;
    if (Error.isPrototypeOf(expected) || expected === Error) return false;
    return expected.call({}, err) === true;
  }
  if (typeof expected === 'object' && expected !== null) {
    for (const [k, v] of Object.entries(expected)) {
      const actual = err?.[k];
      if (v instanceof RegExp && typeof actual === 'string') {
        if (!v.test(actual)) return false;
      } else if (!isDeepEqual(actual, v)) {
        return false;
      }
    }
    return true;
  }
  return false;
}

export function ok(value, message) {
  if (!value) failWith(message, `expected a truthy value, got ${show(value)}`, value, true, '==');
}
export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) failWith(message, `${show(actual)} !== ${show(expected)}`, actual, expected, 'strictEqual');
}
export function notEqual(actual, expected, message) {
  if (Object.is(actual, expected)) failWith(message, `${show(actual)} should not be ${show(expected)}`, actual, expected, 'notStrictEqual');
}
export function deepEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected)) failWith(message, `not deep-equal:\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`, actual, expected, 'deepStrictEqual');
}
export function notDeepEqual(actual, expected, message) {
  if (isDeepEqual(actual, expected)) failWith(message, `should not be deep-equal: ${show(actual)}`, actual, expected, 'notDeepStrictEqual');
}
export function match(string, regexp, message) {
  if (typeof string !== 'string' || !regexp.test(string)) failWith(message, `${show(string)} does not match ${regexp}`, string, regexp, 'match');
}
export function doesNotMatch(string, regexp, message) {
  if (typeof string !== 'string' || regexp.test(string)) failWith(message, `${show(string)} matches ${regexp}`, string, regexp, 'doesNotMatch');
}
export function fail(message = 'Failed') {
  failWith(message, message, undefined, undefined, 'fail');
}
export function ifError(value) {
  if (value !== null && value !== undefined) throw value;
}

function splitExpected(expected, message) {
  return typeof expected === 'string' ? [undefined, expected] : [expected, message];
}

export function throws(fn, expected, message) {
  [expected, message] = splitExpected(expected, message);
  try {
    fn();
  } catch (e) {
    if (!matchesExpected(e, expected)) failWith(message, `the error does not match: ${show(e)}`, e, expected, 'throws');
    return;
  }
  failWith(message, 'Missing expected exception.', undefined, expected, 'throws');
}
export function doesNotThrow(fn, expected, message) {
  try {
    fn();
  } catch (e) {
    failWith(typeof expected === 'string' ? expected : message, `Got unwanted exception: ${show(e)}`, e, undefined, 'doesNotThrow');
  }
}
export async function rejects(promiseOrFn, expected, message) {
  [expected, message] = splitExpected(expected, message);
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    if (!matchesExpected(e, expected)) failWith(message, `the rejection does not match: ${show(e)}`, e, expected, 'rejects');
    return;
  }
  failWith(message, 'Missing expected rejection.', undefined, expected, 'rejects');
}
export async function doesNotReject(promiseOrFn, message) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (e) {
    failWith(message, `Got unwanted rejection: ${show(e)}`, e, undefined, 'doesNotReject');
  }
}

export const strictEqual = equal;
export const notStrictEqual = notEqual;
export const deepStrictEqual = deepEqual;
export const notDeepStrictEqual = notDeepEqual;

function assert(value, message) {
  ok(value, message);
}
Object.assign(assert, {
  AssertionError, ok, equal, notEqual, deepEqual, notDeepEqual, match, doesNotMatch, fail, ifError,
  throws, doesNotThrow, rejects, doesNotReject, strictEqual, notStrictEqual, deepStrictEqual,
  notDeepStrictEqual,
});
assert.strict = assert;
export { assert as strict };
export default assert;
