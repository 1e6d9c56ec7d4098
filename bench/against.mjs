// Every hot path of this build against another build of the package, in one process, candidates
// alternating (bench/harness.mjs): `node bench/against.mjs /path/to/other/pkg`. For a change that
// must not make any path slower, build the commit before it in a worktree (`make build` there) and
// pass its pkg/. The module for the edge (iap-verify/verify) runs as a third candidate where it has
// the path. Not part of `make bench`: a clean checkout has no other build to compare with.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compare, median } from './harness.mjs';

const otherDir = process.argv[2];
if (!otherDir) {
  console.error('usage: node bench/against.mjs <the other build\'s pkg/ folder>');
  process.exit(2);
}
const other = await import(pathToFileURL(resolve(otherDir, 'node.mjs')).href);
const ours = await import('../pkg/node.mjs');
const edge = await import('../pkg/verify/node.mjs');
const builds = { 'other build': other, 'this build': ours, 'this build, iap-verify/verify': edge };

const own = (p) => readFileSync(new URL(`../tests/vectors/${p}`, import.meta.url), 'utf8');
const pub = (p) => readFileSync(new URL(`../tests/vectors/public/${p}`, import.meta.url), 'utf8');
const key = own('google/test-key-2048.pub');
const data = own('google/consumable.json');
const sig = own('google/consumable.sig');
const receipt = pub('apple-receipt-tpinapp-sandbox-g5.b64');
const receiptDer = new Uint8Array(Buffer.from(receipt.replace(/\s+/g, ''), 'base64'));
const receiptNow = Date.UTC(2024, 0, 1);
const transaction = pub('apple-jws-gopay-notification-did-renew-sandbox.jws');
const note = pub('apple-jws-aporat-notification-test-sandbox.jws');
const push = own('rtdn/subscription-renewed.json');

/** `ONLY=google node bench/against.mjs ...` runs the paths whose title contains it; ROUNDS sets the rounds. */
const only = process.env.ONLY?.toLowerCase();
const rounds = Number(process.env.ROUNDS ?? 15);

/** One path: a candidate per build that has it (`make(m)` returns the operation or undefined). */
async function path(title, make, opts) {
  if (only && !title.toLowerCase().includes(only)) return;
  const candidates = {};
  for (const [name, m] of Object.entries(builds)) {
    const fn = make(m);
    if (fn) candidates[name] = fn;
  }
  const stats = await compare(title, candidates, { baseline: 'other build', rounds, ...opts });
  rows.push([title, median(stats, 'other build'), median(stats, 'this build'), stats.find((s) => s.name.endsWith('verify'))?.median]);
}
const rows = [];

await path('Google GoogleVerifier.verify', (m) => {
  const v = new m.GoogleVerifier(key);
  return () => v.verify(data, sig);
});
await path('Google verifyGooglePurchase (one-shot)', (m) => () => m.verifyGooglePurchase(data, sig, key));
await path('Google GoogleVerifier.verifyAsync', (m) => {
  const v = new m.GoogleVerifier(key);
  return () => v.verifyAsync(data, sig);
});
await path('toPurchase of a Google purchase', (m) => {
  const p = new m.GoogleVerifier(key).verify(data, sig);
  return () => m.toPurchase(p);
});
await path('app receipt, AppReceiptVerifier.verify, base64', (m) => {
  const v = new m.AppReceiptVerifier();
  return () => v.verify(receipt, { now: receiptNow });
});
await path('app receipt, AppReceiptVerifier.verify, DER', (m) => {
  const v = new m.AppReceiptVerifier();
  return () => v.verify(receiptDer, { now: receiptNow });
});
await path('app receipt, verifyAppReceipt (one-shot)', (m) => () => m.verifyAppReceipt(receipt, { now: receiptNow }));
await path('toPurchase of every in-app entry of a receipt', (m) => {
  const r = m.verifyAppReceipt(receipt, { now: receiptNow });
  return () => r.inApp.map((e) => m.toPurchase(e));
});
// The DID_RENEW notification's nested transaction (its chain judged at its own signedDate).
const nested = JSON.parse(Buffer.from(transaction.split('.')[1], 'base64url').toString('utf8')).data.signedTransactionInfo;
await path('StoreKit 2 transaction, verifyAndDecodeTransaction', (m) => {
  const v = new m.SignedDataVerifier(null, false, 'Sandbox', 'com.audaos.audarecorder');
  return () => v.verifyAndDecodeTransaction(nested);
});
await path('StoreKit 2 transaction, verifyAndDecodeTransactionAsync', (m) => {
  const v = new m.SignedDataVerifier(null, false, 'Sandbox', 'com.audaos.audarecorder');
  return () => v.verifyAndDecodeTransactionAsync(nested);
});
await path('notification, verifyAndDecodeNotification (TEST)', (m) => {
  const v = new m.SignedDataVerifier(null, false, 'Sandbox', 'com.Abilities');
  return () => v.verifyAndDecodeNotification(note);
});
await path('notification with nested JWS, verifyAndDecodeNotification (DID_RENEW)', (m) => {
  const v = new m.SignedDataVerifier(null, false, 'Sandbox', 'com.audaos.audarecorder');
  // Early 2022: no signedDate, so the chain is judged at `now`, which must be then.
  return () => v.verifyAndDecodeNotification(transaction, { now: Date.UTC(2022, 2, 1) });
});
await path('decodeGoogleNotification', (m) => () => m.decodeGoogleNotification(push));
await path('subscriptionStatus of a decoded RTDN', (m) => {
  const input = { source: 'GOOGLE_RTDN', notification: m.decodeGoogleNotification(push), purchase: { expiryTimeMillis: '1700000000000', autoRenewing: true, paymentState: 1 } };
  return () => m.subscriptionStatus(input, 1600000000000);
});

console.log('\nSummary (medians, µs per operation; ratio = other / this, above 1 is faster)');
console.log(`| path | other build | this build | ratio | iap-verify/verify | ratio |\n| --- | --- | --- | --- | --- | --- |`);
for (const [title, a, b, c] of rows) {
  const f = (x) => (x === undefined ? '-' : x.toFixed(1));
  const r = (x) => (x === undefined ? '-' : `${(a / x).toFixed(2)}×`);
  console.log(`| ${title} | ${f(a)} | ${f(b)} | ${r(b)} | ${f(c)} | ${r(c)} |`);
}
