// Node only: Apple's own unit tests (the compiled dist/tests/unit-tests/*.test.js of the installed
// @apple/app-store-server-library 3.1.0, unchanged) run against this package. A module redirect
// (apple-unit/redirect.cjs) makes each of Apple's public modules they require resolve to ours; a
// stand-in for the part of Jest they use (apple-unit/jest-standin.cjs) runs them on node:test. Their
// fixtures are Apple's tests/resources at v3.1.0 (tests/vectors/public/apple-library-3.1.0).
//
// Every test passes but those named in DIFFERENCES, each with its reason; a listed test that
// starts passing fails this file (so the list stays true). The counts per file are printed.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const standin = require('./apple-unit/jest-standin.cjs');
const { appleDist, redirected } = require('./apple-unit/redirect.cjs');
// Apple's tests read tests/resources/… relative to the working directory.
process.chdir(fileURLToPath(new URL('../vectors/public/apple-library-3.1.0/', import.meta.url)));

const INTERNALS = "calls an internal method of Apple's SignedDataVerifier (verifyCertificateChain), not part of its API";
const LOCAL_TESTING =
  'LocalTesting data signed by a key no certificate vouches for: Apple decodes it unverified, this package refuses it (INVALID_CHAIN), as docs/migrating-from-apple.md says';
const CLIENT =
  "replaces the client's internal makeFetchRequest (not Apple's documented API: ours sends with fetch, which options.fetch replaces) and expects Apple's User-Agent, which this package does not claim; tests/js/apple-differential.test.mjs checks that every method sends Apple's request instead";

/** Tests that fail on purpose, by file and name, with the reason. */
const DIFFERENCES = {
  'jws_verification.test.js': Object.fromEntries(
    [
      'should validate a chain without OCSP',
      'should fail to validate a chain with an invalid intermediate OID',
      'should fail to validate a chain with an invalid leaf OID',
      'should fail to validate a chain with empty root certificate array',
      'should fail to validate a chain with an expired chain',
      'should validate a real chain with OCSP',
      'should fail to validate a chain with mismatched root certificates',
      'should cache OCSP responses',
      'should cache OCSP responses for a limited time',
      'should not return cached OCSP responses for a different chain',
      'should not return cached OCSP responses for a slightly different chain',
    ].map((n) => [n, INTERNALS]),
  ),
  'transaction_decoding.test.js': Object.fromEntries(
    [
      'should decode an app transaction',
      'should decode a renewal info',
      'should decode a transaction info',
      'should decode a transaction with revocation',
      'should decode a signed notification',
      'should decode a signed CONSUMPTION_REQUEST notification',
      'should decode a signed summary notification',
      'should decode a signed external purchase token notification',
      'should decode a signed sandbox external purchase token notification',
      'should decode a signed RESCIND_CONSENT notification',
    ].map((n) => [n, LOCAL_TESTING]),
  ),
  'DecodedRealtimeRequestBody.test.js': { 'should decode a realtime request': LOCAL_TESTING },
  // Every test of this file, not run: see CLIENT. (Run against ours, 5 of its 47 pass without
  // reaching an assertion, their calls not awaited, and every call would go to the network.)
  'api_client.test.js': '*',
};

const counts = {};
const dir = `${appleDist}/tests/unit-tests`;
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort();

it('Apple ships the ten unit-test files this file runs', () => {
  assert.deepEqual(files, [
    'AdvancedCommerceModels.test.js', 'AppData.test.js', 'DecodedRealtimeRequestBody.test.js', 'RealtimeResponseBody.test.js', 'api_client.test.js',
    'jws_signature_creator.test.js', 'jws_verification.test.js', 'promotional_offer_signature_creator.test.js', 'receipt_utility.test.js', 'transaction_decoding.test.js',
  ]);
});

for (const file of files) {
  // Collect Apple's tests (describe only groups them), then run each as a node:test test.
  const cases = [];
  const prefix = [];
  Object.assign(globalThis, standin, {
    describe: (name, fn) => {
      prefix.push(name);
      fn();
      prefix.pop();
    },
    it: (name, fn) => cases.push({ name, fn }),
  });
  globalThis.test = globalThis.it;
  require(`${dir}/${file}`);
  const c = (counts[file] = { total: cases.length, passed: 0, differs: 0 });
  describe(`Apple's ${file}`, () => {
    for (const { name, fn } of cases) {
      const differs = DIFFERENCES[file] === '*' ? CLIENT : DIFFERENCES[file]?.[name];
      if (DIFFERENCES[file] === '*') {
        c.differs += 1;
        it(name, { skip: `differs: ${differs}` }, () => {});
        continue;
      }
      it(differs ? `${name} (differs: ${differs.split(':')[0]})` : name, async () => {
        let error;
        try {
          await fn();
        } catch (e) {
          error = e;
        } finally {
          standin.jest.useRealTimers();
        }
        if (differs) {
          assert.ok(error, `passes now: remove it from DIFFERENCES (${differs})`);
          c.differs += 1;
          return;
        }
        if (error) throw error;
        c.passed += 1;
      });
    }
  });
}

after(() => {
  const rows = Object.entries(counts).map(([f, { total, passed, differs }]) =>
    `${f}: ${passed} of ${total} pass, ${differs} differ on purpose${DIFFERENCES[f] === '*' ? ' (not run)' : ''}`);
  console.log(`Apple's unit tests against iap-verify (modules redirected: ${redirected().join(', ')}):\n  ${rows.join('\n  ')}`);
  for (const { total, passed, differs } of Object.values(counts)) assert.equal(passed + differs, total);
});
