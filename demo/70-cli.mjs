// The `iap-verify` command on each kind of input it detects, as a user would type it (paths
// relative to the repository). Prints each command, its verdict and its exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as iap from '../pkg/node.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const S = 'tests/vectors/public';
const V = 'tests/vectors';
const apple = typeof iap.SignedDataVerifier === 'function';

const runs = [
  ['Google purchase', `verify ${V}/google/consumable.json --signature @${V}/google/consumable.sig --key @${V}/google/test-key-2048.pub`],
  ['Google purchase, re-serialized', `verify ${V}/google/consumable.reserialized.json --signature @${V}/google/consumable.sig --key @${V}/google/test-key-2048.pub`],
  ['real Play purchase', `verify ${S}/google-voltrue2-subscription.json --signature @${S}/google-voltrue2-subscription.sig --key @${S}/google-voltrue2-subscription.pub`],
  ['ONE store purchase', `verify ${V}/onestore/v21.json --store onestore --signature @${V}/onestore/v21.sig --key @${V}/onestore/test-key-2048.pub`],
  ['decode only', `decode ${V}/google/pending.json`],
];
if (apple) {
  runs.push(
    ['Apple receipt (sandbox)', `verify ${S}/apple-receipt-tpinapp-sandbox-g5.b64 --bundle-id dev.bonzer.weeka.app`],
    ['Xcode receipt, no root', `verify ${S}/apple-receipt-xcode-backyardbirds-with-purchase.b64`],
    ['Xcode receipt + --root', `verify ${S}/apple-receipt-xcode-backyardbirds-with-purchase.b64 --root ${S}/apple-root-StoreKitTestCertificate.cer`],
    ['Apple renewal info (JWS)', `verify ${S}/apple-jws-awa-renewalinfo-sandbox.jws`],
    ['Apple notification (JWS)', `verify ${S}/apple-jws-aporat-notification-test-sandbox.jws`],
    ['notification, no signedDate', `verify ${S}/apple-jws-gopay-notification-did-renew-sandbox.jws`],
    ['the same, --at its date', `verify ${S}/apple-jws-gopay-notification-did-renew-sandbox.jws --at 2022-03-04T10:00:00Z`],
    ['Xcode transaction (JWS)', `verify ${S}/apple-jws-xcode-signed-transaction.jws`],
    ['iOS 6 transaction receipt', `verify ${S}/apple-ios6-transaction-receipt-synthetic-applelib.b64`],
  );
}

console.log('The iap-verify command (pkg/bin/iap-verify.mjs), one input of each kind:');
for (const [label, args] of runs) {
  const r = spawnSync(process.execPath, ['pkg/bin/iap-verify.mjs', ...args.split(' '), '--json'], { cwd: root, encoding: 'utf8' });
  let verdict;
  try {
    const out = JSON.parse(r.stdout);
    verdict = out.ok ? `${out.unverified ? 'UNVERIFIED' : out.verified ? 'VERIFIED' : 'DECODED'} ${out.kind}` : `INVALID ${out.error.code}`;
    if (out.notes?.length) verdict += ` (${out.notes[0]})`;
  } catch {
    verdict = r.stderr.trim().split('\n')[0];
  }
  console.log(`  ${label.padEnd(30)} exit ${r.status}  ${verdict}`);
  console.log(`      $ iap-verify ${args}`);
}
if (!apple) console.log('  (the Apple inputs are shown once the Apple verifiers are in this build)');
