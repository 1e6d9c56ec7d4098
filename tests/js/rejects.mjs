// One assertion shared by the client tests: `promise` rejects with an IapError of `code`.
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
