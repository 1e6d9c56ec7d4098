// Apple: warm app-receipt verifications per second, and JWS verify+decode per second against
// Apple's own @apple/app-store-server-library SignedDataVerifier on the same input, in one process.
// Apple's verifier is async (its chain check runs through jsrsasign and node:crypto) and, offline,
// re-verifies the chain on every call; ours caches the verified chain and re-checks validity dates.
import { readFileSync } from 'node:fs';
import {
  Environment as AppleEnvironment,
  ReceiptUtility,
  SignedDataVerifier as AppleSignedDataVerifier,
} from '@apple/app-store-server-library';
import { AppReceiptVerifier, Environment, SignedDataVerifier } from '../pkg/node.mjs';
import { compare } from './harness.mjs';

const shared = (name) => readFileSync(new URL(`../../shared/vectors/${name}`, import.meta.url));
const text = (name) => shared(name).toString('utf8');

// ---- receipts: ours only (Apple's library does not verify receipts); its parse-only extractor as a reference.
const receipt = text('apple-receipt-tpinapp-sandbox-g5.b64');
const receipts = new AppReceiptVerifier(null);
receipts.verify(receipt, { bundleId: 'dev.bonzer.weeka.app' });
const util = new ReceiptUtility();
if (!util.extractTransactionIdFromAppReceipt(receipt)) throw new Error('ReceiptUtility baseline failed');
compare('Apple app receipt (sandbox, WWDR G5, 5.6 KB), warm, synchronous', {
  'iap-verify AppReceiptVerifier.verify (full check)': () => receipts.verify(receipt, { bundleId: 'dev.bonzer.weeka.app' }),
  'Apple ReceiptUtility.extractTransactionId (parse only)': () => util.extractTransactionIdFromAppReceipt(receipt),
});
{
  // The async form (RSA by WebCrypto), timed in awaited batches.
  const n = 200;
  const runs = [];
  for (let r = 0; r < 9; r++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) await receipts.verifyAsync(receipt, { bundleId: 'dev.bonzer.weeka.app' });
    runs.push(((performance.now() - t) * 1000) / n);
  }
  const m = runs.sort((a, b) => a - b)[4];
  console.log(`  ${'iap-verify AppReceiptVerifier.verifyAsync (RSA by WebCrypto)'.padEnd(60)} ${m.toFixed(1).padStart(8)} µs ${Math.round(1e6 / m).toString().padStart(8)} ops/s`);
}

// ---- JWS: the same Apple-signed notification, Apple's real G3 chain, effective date = signedDate.
const jws = text('apple-jws-aporat-notification-test-sandbox.jws');
const g3 = shared('apple-root-AppleRootCA-G3.cer');
const ours = new SignedDataVerifier([new Uint8Array(g3)], false, Environment.SANDBOX, 'com.Abilities');
const apple = new AppleSignedDataVerifier([g3], false, AppleEnvironment.SANDBOX, 'com.Abilities');
const a = await apple.verifyAndDecodeNotification(jws);
const b = ours.verifyAndDecodeNotification(jws);
if (a.notificationUUID !== b.notificationUUID) throw new Error('the two verifiers disagree');

// Apple's method is async, so both are timed in batches of awaited calls, alternating rounds.
async function timeBatch(fn, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t) * 1000) / n;
}
const candidates = {
  'iap-verify SignedDataVerifier (wasm, cached chain)': () => ours.verifyAndDecodeNotification(jws),
  '@apple/app-store-server-library SignedDataVerifier': () => apple.verifyAndDecodeNotification(jws),
  'iap-verify ...Async (ES256 by WebCrypto)': () => ours.verifyAndDecodeNotificationAsync(jws),
};
const batch = {};
for (const [name, fn] of Object.entries(candidates)) {
  let n = 1;
  while ((await timeBatch(fn, n)) * n < 10_000 && n < 1e6) n *= 2; // ~10 ms batches, warmed up
  batch[name] = n * 4;
}
const samples = Object.fromEntries(Object.keys(candidates).map((k) => [k, []]));
for (let r = 0; r < 15; r++) {
  const names = Object.keys(candidates);
  for (const name of r % 2 ? names.reverse() : names) samples[name].push(await timeBatch(candidates[name], batch[name]));
}
const median = (s) => s.sort((x, y) => x - y)[Math.floor(s.length / 2)];
const appleName = Object.keys(candidates)[1];
const ma = median(samples[appleName]);
console.log('\nApple JWS notification verify+decode (G3 chain, ES256), warm  (15 alternating rounds; µs per operation)');
for (const name of Object.keys(candidates)) {
  const m = median(samples[name]);
  const vs = name === appleName ? 'baseline' : `${(ma / m).toFixed(2)}× ${ma >= m ? 'faster' : 'slower'} than Apple's library`;
  console.log(`  ${name.padEnd(52)} ${m.toFixed(1).padStart(9)} µs ${Math.round(1e6 / m).toString().padStart(8)} ops/s  ${vs}`);
}
