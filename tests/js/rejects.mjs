// Assertions shared by the tests: a call throws, or a promise rejects, with an IapError of `code`.
import assert from 'node:assert/strict';
import * as iap from './load.mjs';

/** Resolves with the IapError `promise` rejects with; fails unless it is one with `code`. */
export async function rejectsCode(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof iap.IapError, String(e));
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected ${code}`);
}

/** Returns the IapError `fn` throws; fails unless it throws one with `code`. */
export function throwsCode(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof iap.IapError, `expected IapError ${code}, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}
