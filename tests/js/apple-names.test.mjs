// Node only: every runtime export of Apple's @apple/app-store-server-library 3.1.0 (the installed
// devDependency) exists in ours with Apple's name and value, and every type its index.d.ts exports
// is exported by our index.d.ts (read with the TypeScript compiler); Apple's APIException from our
// client's errors; ReceiptUtility as Apple's class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import apple from '@apple/app-store-server-library';
import ts from 'typescript';
import * as iap from './load.mjs';
import { fake, client, tx } from './app-store-fake.mjs';
import { publicText } from './vectors.mjs';

const require = createRequire(import.meta.url);

test("every runtime export of Apple's library is ours, with Apple's values", () => {
  const names = Object.keys(apple).sort();
  assert.ok(names.length >= 58, `Apple's library exports ${names.length} names`);
  const missing = names.filter((n) => !(n in iap));
  assert.deepEqual(missing, []);
  for (const n of names) {
    const theirs = apple[n];
    if (typeof theirs === 'function') {
      assert.equal(typeof iap[n], 'function', n);
      // Apple's public methods are ours (the API client's internals, makeRequest and the like, aside).
      const internal = new Set(['constructor', 'makeRequest', 'makeFetchRequest', 'createBearerToken', 'verifyNotification', 'verifyJWT',
        'verifyCertificateChain', 'verifyCertificateChainWithoutCaching', 'checkOCSPStatus', 'checkDates', 'parseX509Date', 'extractSignedDate']);
      for (const m of Object.getOwnPropertyNames(theirs.prototype).filter((m) => !internal.has(m))) {
        assert.equal(typeof iap[n].prototype[m], 'function', `${n}.${m}`);
      }
    } else {
      // Enumerations: the same names and values (numeric ones map back from numbers, as TypeScript's).
      assert.deepEqual({ ...iap[n] }, { ...theirs }, n);
    }
  }
  assert.equal(iap.APIError.TRANSACTION_ID_NOT_FOUND, 4040010);
  assert.equal(iap.APIError[4040010], 'TRANSACTION_ID_NOT_FOUND');
  assert.equal(Object.keys(iap.APIError).filter((k) => Number.isNaN(Number(k))).length, 87);
  assert.equal(iap.GetTransactionHistoryVersion.V2, 'v2');
});

/** The names a module's declarations export (values and types), as the compiler sees them. */
function exportedNames(dts) {
  const program = ts.createProgram([dts], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(dts));
  return checker.getExportsOfModule(symbol).map((s) => s.getName());
}

test("every type Apple's index.d.ts exports, ours exports", () => {
  const theirs = exportedNames(require.resolve('@apple/app-store-server-library/dist/index.d.ts'));
  const ours = new Set(exportedNames(fileURLToPath(new URL('../../pkg/index.d.ts', import.meta.url))));
  assert.ok(theirs.length > 150, `Apple's declarations export ${theirs.length} names`);
  const missing = theirs.filter((n) => !ours.has(n)).sort();
  assert.deepEqual(missing, []);
});

test("Apple's catch blocks: the client's API errors are APIExceptions with Apple's fields, and IapErrors still", async () => {
  const f = fake({ status: 404, body: { errorCode: 4040010, errorMessage: 'Transaction id not found.' } });
  const e = await client(f).getTransactionInfo('9').then(() => assert.fail('no error'), (err) => err);
  assert.ok(e instanceof iap.APIException && e instanceof iap.IapError);
  assert.equal(e.httpStatusCode, 404);
  assert.equal(e.apiError, iap.APIError.TRANSACTION_ID_NOT_FOUND);
  assert.equal(e.errorMessage, 'Transaction id not found.');
  assert.equal(e.code, 'API_ERROR');
  assert.equal(e.details.errorName, 'TRANSACTION_ID_NOT_FOUND');
  // A 500 without Apple's body: apiError and errorMessage null, as in Apple's.
  const bare = await client(fake({ status: 500 }, { status: 500 }, { status: 500 }), 'Sandbox', { retries: 0 }).getTransactionInfo('9').catch((err) => err);
  assert.deepEqual([bare.httpStatusCode, bare.apiError, bare.errorMessage, bare.retryable], [500, null, null, true]);
  // Other failures stay what they are (Apple's client rethrows the fetch error).
  const net = await client({ fetch: () => Promise.reject(new TypeError('fetch failed')) }, 'Sandbox', { retries: 0 }).getTransactionInfo('9').catch((err) => err);
  assert.equal(net.code, 'NETWORK_ERROR');
  assert.ok(!(net instanceof iap.APIException));
  // Success is unchanged.
  assert.equal((await client(fake({ body: { signedTransactionInfo: await tx('5') } })).getTransactionInfo('5')).decodedTransactionInfo.transactionId, '5');
  // Apple's constructor too.
  const made = new iap.APIException(429, iap.APIError.RATE_LIMIT_EXCEEDED, 'slow down');
  assert.deepEqual([made.httpStatusCode, made.apiError, made.errorMessage, made.code], [429, 4290000, 'slow down', 'API_ERROR']);
});

test("ReceiptUtility: Apple's class, the answers of Apple's unit tests", () => {
  // (Apple's installed ReceiptUtility throws 'too short ASN.1 value' on these two files with the
  // jsrsasign version npm resolves here; the expected values are those of Apple's receipt_utility tests.)
  const ours = new iap.ReceiptUtility();
  const xcode = (f) => publicText(`apple-library-3.1.0/tests/resources/xcode/${f}`);
  assert.equal(ours.extractTransactionIdFromAppReceipt(xcode('xcode-app-receipt-with-transaction')), '0');
  assert.equal(ours.extractTransactionIdFromAppReceipt(xcode('xcode-app-receipt-empty')), null);
  const legacy = publicText('apple-library-3.1.0/tests/resources/mock_signed_data/legacyTransaction');
  assert.equal(ours.extractTransactionIdFromTransactionReceipt(legacy), '33993399');
  assert.equal(ours.extractTransactionIdFromTransactionReceipt(legacy), new apple.ReceiptUtility().extractTransactionIdFromTransactionReceipt(legacy));
});
