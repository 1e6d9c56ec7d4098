// CommonJS entry (`require('iap-verify')`): the ES module entry itself, loaded with require(esm), so
// that require() and import share one copy of the glue, one WebAssembly instance and one IapError
// class (a process that does both gets the same objects). require(esm) is on by default from
// Node.js 20.19 and 22.12; `import` works on every Node.js the package supports.
'use strict';

try {
  module.exports = require('./node.mjs');
} catch (e) {
  if (/** @type {NodeJS.ErrnoException | undefined} */ (e)?.code === 'ERR_REQUIRE_ESM') {
    throw new Error(
      `iap-verify: require() of this package needs require(esm), on by default from Node.js 20.19 and 22.12, and not available in this one (${process.version}). Use import, or a newer Node.js.`,
      { cause: e },
    );
  }
  throw e;
}
