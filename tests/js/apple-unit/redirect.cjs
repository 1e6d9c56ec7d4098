// The module redirect: Apple's compiled unit tests require Apple's modules by relative path
// (`../../index`, `../../jws_verification`, `../../models/Status`, ...); each of those that is part
// of Apple's public API resolves to this package instead (its CommonJS entry), nothing else is
// changed. Apple's internal modules (validators, helper_validation_utils) and its test helpers
// (`../util`, which builds verifiers through the redirected `../jws_verification`) stay Apple's.
'use strict';
const Module = require('node:module');
const path = require('node:path');

const ours = require('../../../pkg/node.cjs');
const appleDist = path.dirname(require.resolve('@apple/app-store-server-library/dist/index.js'));
const shims = new Map();

/**
 * The exports standing for Apple's module `rel` (relative to dist/, no extension), `file` its path.
 * @param {string} rel
 * @param {string} file
 */
function shimFor(rel, file) {
  const name = path.basename(rel);
  if (['index', 'jws_verification', 'promotional_offer', 'jws_signature_creator', 'receipt_utility'].includes(rel)) return ours;
  // models/<Name> of an enumeration: ours by the same name; its validator, Apple's internal
  // checking of its own answers, stays Apple's.
  if (rel.startsWith('models/') && name in ours) return { ...require(file), [name]: ours[name] };
  return undefined;
}

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const file = resolve.call(this, request, parent, ...rest);
  // Only what Apple's tests (and their helper, tests/util) require; Apple's own modules keep theirs.
  const tests = path.join(appleDist, 'tests') + path.sep;
  if (!parent?.filename?.startsWith(tests) || !file.startsWith(appleDist + path.sep) || file.startsWith(tests)) return file;
  const rel = path.relative(appleDist, file).replace(/\.js$/, '').split(path.sep).join('/');
  const shim = shimFor(rel, file);
  if (shim === undefined) return file;
  const key = `iap-verify-redirect:${rel}`;
  if (!shims.has(key)) {
    const m = new Module(key);
    m.filename = key;
    m.loaded = true;
    m.exports = shim;
    Module._cache[key] = m;
    shims.set(key, m);
  }
  return key;
};

module.exports = { appleDist, redirected: () => [...shims.keys()].map((k) => k.slice('iap-verify-redirect:'.length)).sort() };
