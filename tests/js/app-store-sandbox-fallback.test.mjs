// Production → sandbox fallback over real HTTP: two local servers, one playing Apple's production
// host and one its sandbox, sharing the API key (as Apple's hosts do). A transaction only the
// sandbox knows is found there when, and only when, `fallbackToSandbox` is on; its data is verified
// as Sandbox data (the sandbox server's own root). Node only: it starts its own servers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from '../../pkg/node.mjs';
import { startEmulator } from '../../emulator/src/emulator.js';

let production;
let sandbox;
before(async () => {
  production = await startEmulator({ port: 0, appStore: { environment: 'Production' } });
  sandbox = await startEmulator({ port: 0, appStore: { environment: 'Sandbox', signingKey: production.appStore.signingKey } });
});
after(async () => {
  await production?.close();
  await sandbox?.close();
});

function client(options = {}) {
  const a = production.appStore;
  return new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, 'Production', {
    baseUrl: production.url,
    sandboxBaseUrl: sandbox.url,
    appAppleId: a.appAppleId,
    rootCertificates: [a.rootCertificate, sandbox.appStore.rootCertificate],
    retryDelayMs: 1,
    ...options,
  });
}
const hits = async (emu) => (await (await fetch(`${emu.url}/admin/requests`)).json()).requests.filter((r) => r.path.startsWith('/inApps/')).length;

test('a transaction only the sandbox knows: found there with fallbackToSandbox, never without', async () => {
  const { transactionId } = sandbox.appStore.addTransaction({ productId: 'gem_500', customer: 'app-review', purchaseDate: '-1h' });
  const [before, sandboxBefore] = [await hits(production), await hits(sandbox)];
  // Off (the default): Apple's 4040010 from production, and the sandbox is never asked.
  await assert.rejects(client().getTransactionInfo(transactionId), (e) => e.code === 'API_ERROR' && e.details.errorCode === 4040010);
  assert.equal(await hits(sandbox), sandboxBefore);

  const found = await client({ fallbackToSandbox: true }).getTransactionInfo(transactionId);
  assert.deepEqual([found.decodedTransactionInfo.transactionId, found.decodedTransactionInfo.environment], [transactionId, 'Sandbox']);
  assert.equal(await hits(production), before + 2, 'production asked each time');
  assert.equal(await hits(sandbox), sandboxBefore + 1, 'the sandbox once, after production said not found');
});

test('a transaction production knows is answered there; other errors never fall back', async () => {
  const { transactionId } = production.appStore.addTransaction({ productId: 'gem_500', customer: 'buyer', purchaseDate: '-1h' });
  const sandboxBefore = await hits(sandbox);
  const found = await client({ fallbackToSandbox: true }).getTransactionInfo(transactionId);
  assert.equal(found.decodedTransactionInfo.environment, 'Production');
  // A malformed id is 4000006, not "not found": no second try.
  await assert.rejects(client({ fallbackToSandbox: true }).getTransactionInfo('not-an-id'), (e) => e.details?.errorCode === 4000006);
  assert.equal(await hits(sandbox), sandboxBefore);
});

test('sandbox data is still checked: a sandbox whose root the client does not trust fails the answer', async () => {
  const { transactionId } = sandbox.appStore.addTransaction({ productId: 'gem_500', customer: 'app-review-2', purchaseDate: '-1h' });
  const untrusting = client({ fallbackToSandbox: true, rootCertificates: [production.appStore.rootCertificate] });
  await assert.rejects(untrusting.getTransactionInfo(transactionId), (e) => e instanceof iap.IapError && e.code !== 'API_ERROR');
});
