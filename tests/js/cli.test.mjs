// The `iap-verify` command: run as a process for exit codes and output, and in-process (its
// exported `main`) to see the progress bar a terminal would get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../pkg/bin/iap-verify.mjs';
import * as iap from './load.mjs';

const BIN = fileURLToPath(new URL('../../pkg/bin/iap-verify.mjs', import.meta.url));
const own = (p) => fileURLToPath(new URL(`../vectors/${p}`, import.meta.url));
const publicPath = (p) => fileURLToPath(new URL(`../vectors/public/${p}`, import.meta.url));
const text = (path) => readFileSync(path, 'utf8');

function cli(args, input) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const json = (args, input) => {
  const r = cli([...args, '--json'], input);
  return { ...r, body: JSON.parse(r.out) };
};

const googleArgs = ['--signature', `@${own('google/consumable.sig')}`, '--key', `@${own('google/test-key-2048.pub')}`];

test('--help documents every command, flag and exit code', () => {
  const r = cli(['--help']);
  assert.equal(r.code, 0);
  for (const word of ['verify', 'decode', 'batch', 'emulator', 'dashboard', '--signature', '--key', '--store', '--root', '--at',
    '--bundle-id', '--environment', '--app-apple-id', '--type', '--json', '--no-progress', '--allow-legacy-1024-bit-keys',
    '--version', 'UNVERIFIED', '0 verified', '1 invalid', '2 usage']) {
    assert.ok(r.out.includes(word), `--help does not mention ${word}`);
  }
  // Every option the parser accepts is in the help text.
  const src = text(BIN);
  const declared = [...src.slice(src.indexOf('const OPTIONS'), src.indexOf('const KINDS')).matchAll(/^\s+'?([a-z0-9-]+)'?: \{ type/gm)].map((m) => m[1]);
  assert.ok(declared.length >= 14);
  for (const flag of declared) assert.ok(r.out.includes(`--${flag}`), `--${flag} is not in --help`);
  assert.equal(cli(['--version']).out.trim(), JSON.parse(text(fileURLToPath(new URL('../../pkg/package.json', import.meta.url)))).version);
});

test('verify: Google purchase with --signature/--key as @file and as text; exit 0', () => {
  const r = cli(['verify', own('google/consumable.json'), ...googleArgs]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^VERIFIED {2}Google Play purchase/);
  assert.match(r.out, /"orderId": "GPA.3301-1234-5678-90123"/);
  const j = json(['verify', own('google/consumable.json'), '--signature', text(own('google/consumable.sig')), '--key', text(own('google/test-key-2048.pub'))]);
  assert.deepEqual([j.code, j.body.ok, j.body.verified, j.body.kind, j.body.result.quantity], [0, true, true, 'google-purchase', 2]);
});

test('verify: tampered data is exit 1 with the error code; a 1024-bit key needs the flag', () => {
  const r = cli(['verify', '-', ...googleArgs], text(own('google/consumable.json')).replace('gem_pack_100', 'gem_pack_999'));
  assert.equal(r.code, 1);
  assert.match(r.out, /^INVALID {2}Google Play purchase\nINVALID_SIGNATURE: /);
  const args = ['verify', publicPath('google-awa-goiap.json'), '--signature', `@${publicPath('google-awa-goiap.sig')}`, '--key', `@${publicPath('google-awa-goiap.pub')}`];
  const refused = json(args);
  assert.deepEqual([refused.code, refused.body.error.code], [1, 'INVALID_PUBLIC_KEY']);
  // The message names the command's flag, not the JS option (which the JS API's message names).
  assert.match(refused.body.error.message, /pass --allow-legacy-1024-bit-keys to accept/);
  assert.doesNotMatch(refused.body.error.message, /allowLegacy1024BitKeys/);
  assert.match(cli(args).out, /^INVALID {2}Google Play purchase\nINVALID_PUBLIC_KEY: .*pass --allow-legacy-1024-bit-keys/);
  const accepted = json([...args, '--allow-legacy-1024-bit-keys']);
  assert.deepEqual([accepted.code, accepted.body.result.orderId], [0, 'GPA.xxxx-xxxx-xxxx-xxxxx']);
});

test('verify: the signed trailing newline of a real Play purchase (mokelab) is kept', () => {
  const j = json(['verify', publicPath('google-mokelab-ok.json'), '--signature', `@${publicPath('google-mokelab-ok.sig')}`, '--key', `@${publicPath('google-mokelab-ok.pub')}`, '--allow-legacy-1024-bit-keys']);
  assert.equal(j.code, 0);
  assert.deepEqual(j.body.notes, []);
  const voltrue = json(['verify', publicPath('google-voltrue2-subscription.json'), '--signature', `@${publicPath('google-voltrue2-subscription.sig')}`, '--key', `@${publicPath('google-voltrue2-subscription.pub')}`]);
  assert.deepEqual([voltrue.code, voltrue.body.result.autoRenewing], [0, true]);
});

test('verify: a saved file with an added final newline still verifies, and says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iap-cli-'));
  try {
    const file = join(dir, 'p.json');
    writeFileSync(file, `${text(own('google/consumable.json'))}\n`);
    const j = json(['verify', file, ...googleArgs]);
    assert.equal(j.code, 0);
    assert.deepEqual(j.body.notes, ["verified without the file's final newline"]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('ONE store purchases: told apart by their fields, or by --store', () => {
  const args = ['--signature', `@${own('onestore/v21.sig')}`, '--key', `@${own('onestore/test-key-2048.pub')}`];
  for (const store of [[], ['--store', 'onestore']]) {
    const j = json(['verify', own('onestore/v21.json'), ...args, ...store]);
    assert.deepEqual([j.code, j.body.kind, j.body.result.purchaseToken], [0, 'onestore-purchase', 'TOKEN3000000312345'], store.join(' '));
  }
  // The same data as a Google purchase does not verify: the schemes differ.
  const g = json(['verify', own('onestore/v21.json'), ...args, '--store', 'google']);
  assert.deepEqual([g.code, g.body.kind, g.body.error.code], [1, 'google-purchase', 'INVALID_SIGNATURE']);
});

test('Google RTDN push body: detected, decoded, and marked as not signed', () => {
  const notification = { version: '1.0', packageName: 'com.example.game', eventTimeMillis: '1764000000000', subscriptionNotification: { version: '1.0', notificationType: 2, purchaseToken: 'tok', subscriptionId: 'monthly' } };
  const body = JSON.stringify({ message: { data: Buffer.from(JSON.stringify(notification)).toString('base64'), messageId: '1' }, subscription: 'projects/p/subscriptions/s' });
  const j = json(['verify', '-'], body);
  assert.deepEqual([j.code, j.body.kind, j.body.verified], [0, 'google-rtdn', false]);
  assert.equal(j.body.result.subscriptionNotification.notificationTypeName, 'SUBSCRIPTION_RENEWED');
  assert.match(j.body.notes[0], /no signature/);
  const human = cli(['verify', '-'], body);
  assert.match(human.out, /^DECODED \(this kind of input carries no signature\) {2}Google real-time developer notification/);
  const bad = json(['verify', '-'], JSON.stringify({ message: { data: '%%%' } }));
  assert.deepEqual([bad.code, bad.body.error.code], [1, 'MALFORMED_INPUT']);
});

test('decode: prints UNVERIFIED and checks nothing', () => {
  const r = cli(['decode', '-'], text(own('google/consumable.json')).replace('gem_pack_100', 'gem_pack_999'));
  assert.equal(r.code, 0);
  assert.match(r.out, /^UNVERIFIED \(decoded only, nothing was checked\) {2}Google Play purchase/);
  assert.match(r.out, /gem_pack_999/);
  const j = json(['decode', own('google/consumable.json')]);
  assert.deepEqual([j.body.unverified, j.body.verified, j.body.result.productId], [true, false, 'gem_pack_100']);
});

test('usage errors are exit 2', () => {
  for (const args of [[], ['frob'], ['verify'], ['verify', '/nonexistent/file'], ['verify', own('google/consumable.json')],
    ['verify', own('google/consumable.json'), '--bogus'], ['verify', own('google/consumable.json'), '--store', 'amazon'],
    ['verify', own('google/consumable.json'), '--at', 'yesterday'], ['verify', own('google/consumable.json'), '--environment', 'Prod'],
    ['verify', own('google/consumable.json'), ...googleArgs, '--key', '@/nonexistent'], ['verify', 'a', 'b'],
    ['verify', own('google/consumable.json'), '--type', 'nonsense']]) {
    const r = cli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, /^iap-verify: /);
  }
  const r = cli(['verify', '-'], 'hello, world');
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot tell what this input is/);
});

test('emulator and dashboard dispatch to their packages (linked into node_modules in this repository)', async () => {
  // Without them installed, the command says how to get them: tests/package/ installs the tarballs.
  for (const command of ['emulator', 'dashboard']) {
    const r = cli([command, '--help']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^usage: iap-verify ${command} `));
  }
});

function capture(isTTY) {
  const chunks = { stdout: '', stderr: '' };
  return {
    chunks,
    io: {
      stdout: { write: (s) => (chunks.stdout += s) },
      stderr: { isTTY, write: (s) => (chunks.stderr += s) },
    },
  };
}

function batchFile(lines) {
  const dir = mkdtempSync(join(tmpdir(), 'iap-batch-'));
  const file = join(dir, 'in.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, cleanup: () => rmSync(dir, { recursive: true }) };
}

const batchLines = () => {
  const data = text(own('google/consumable.json'));
  const sig = text(own('google/consumable.sig')).trim();
  const push = { message: { data: Buffer.from(JSON.stringify({ version: '1.0', packageName: 'p', eventTimeMillis: '1', testNotification: { version: '1.0' } })).toString('base64') } };
  return [
    '# a comment, then a blank line',
    '',
    JSON.stringify({ id: 'a', input: data, signature: sig }),
    JSON.stringify({ id: 'b', input: data.replace('gem_pack_100', 'gem_pack_999'), signature: sig }),
    JSON.stringify({ id: 'c', input: text(own('onestore/v21.json')), signature: text(own('onestore/v21.sig')).trim(), key: text(own('onestore/test-key-2048.pub')).trim(), store: 'onestore' }),
    JSON.stringify(push),
    'not json',
    JSON.stringify({ id: 'e', input: data, signature: sig, colour: 'red' }),
  ];
};

test('batch: JSON Lines in and out, per-line overrides, summary on stderr, exit 1 when any line fails', () => {
  const { file, cleanup } = batchFile(batchLines());
  try {
    const r = cli(['batch', file, '--key', `@${own('google/test-key-2048.pub')}`]);
    assert.equal(r.code, 1);
    const out = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(out.length, 6);
    assert.deepEqual(out.map((o) => [o.line, o.id, o.ok, o.kind ?? null]), [
      [3, 'a', true, 'google-purchase'],
      [4, 'b', false, 'google-purchase'],
      [5, 'c', true, 'onestore-purchase'],
      [6, undefined, true, 'google-rtdn'],
      [7, undefined, false, null],
      [8, undefined, false, null],
    ]);
    assert.equal(out[0].result.productId, 'gem_pack_100');
    assert.equal(out[1].error.code, 'INVALID_SIGNATURE');
    assert.equal(out[2].result.purchaseToken, 'TOKEN3000000312345');
    assert.equal(out[3].verified, false);
    assert.equal(out[4].error.code, 'UNUSABLE_LINE');
    assert.match(out[5].error.message, /unknown field 'colour'/);
    assert.match(r.err, /^batch: 6 inputs, 2 verified, 1 decoded only, 1 invalid \(INVALID_SIGNATURE 1\), 2 unusable lines, [\d.]+s\n$/);
    assert.doesNotMatch(r.err, /\[#/, 'no progress bar when stderr is not a terminal');
  } finally {
    cleanup();
  }
});

test('batch: all valid is exit 0; a terminal gets a progress bar, cleared before the summary', async () => {
  const data = text(own('google/consumable.json'));
  const sig = text(own('google/consumable.sig')).trim();
  const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: i, input: data, signature: sig }));
  const { file, cleanup } = batchFile(lines);
  try {
    const tty = capture(true);
    assert.equal(await main(['batch', file, '--key', `@${own('google/test-key-2048.pub')}`], tty.io), 0);
    assert.equal(tty.chunks.stdout.trim().split('\n').length, 40);
    assert.match(tty.chunks.stderr, /\r\[#{30}\] 40\/40/);
    assert.match(tty.chunks.stderr, /\r\x1b\[Kbatch: 40 inputs, 40 verified/);
    const quiet = capture(true);
    assert.equal(await main(['batch', file, '--no-progress', '--key', `@${own('google/test-key-2048.pub')}`], quiet.io), 0);
    assert.match(quiet.chunks.stderr, /^batch: 40 inputs, 40 verified, 0 decoded only, 0 invalid, 0 unusable lines/);
  } finally {
    cleanup();
  }
});

// The Apple paths, on the public vectors (tests/vectors/public/).

test('Apple receipt: detected from base64, verified at its creation date; Xcode receipts need --root', () => {
  const r = json(['verify', publicPath('apple-receipt-tpinapp-sandbox-g5.b64')]);
  assert.deepEqual([r.code, r.body.kind, r.body.result.bundleId], [0, 'apple-receipt', 'dev.bonzer.weeka.app']);
  const wrongBundle = json(['verify', publicPath('apple-receipt-tpinapp-sandbox-g5.b64'), '--bundle-id', 'com.example.other']);
  assert.deepEqual([wrongBundle.code, wrongBundle.body.error.code], [1, 'INVALID_APP_IDENTIFIER']);
  const xcode = publicPath('apple-receipt-xcode-backyardbirds-with-purchase.b64');
  const untrusted = json(['verify', xcode]);
  assert.deepEqual([untrusted.code, untrusted.body.error.code], [1, 'INVALID_CHAIN']);
  const trusted = json(['verify', xcode, '--root', publicPath('apple-root-StoreKitTestCertificate.cer')]);
  assert.deepEqual([trusted.code, trusted.body.result.inApp[0].productId], [0, 'pass.premium']);
  assert.match(trusted.body.notes.join(' '), /--root/);
  const decoded = json(['decode', xcode]);
  assert.deepEqual([decoded.code, decoded.body.result.transactionId], [0, '0']);
});

test('Apple JWS: kinds told apart by payload, --type where the payload cannot tell, --root, --at', () => {
  const root = ['--root', publicPath('apple-root-testCA-app-store-server-library.der')];
  // The app-store-server-library test tokens have minimal payloads: none of the fields that tell a
  // transaction from renewal info. The command takes the kind each fits best (a bundle id: a
  // transaction; only an environment: renewal info), says so, and --type chooses another.
  const guessed = cli(['verify', publicPath('apple-jws-testca-transactionInfo.jws'), ...root]);
  assert.equal(guessed.code, 0, guessed.err);
  assert.match(guessed.out, /^VERIFIED {2}Apple signed transaction \(JWS\)\nnote: read as Apple signed transaction \(JWS\), the kind its payload fits best: .*\(--type chooses another\)\n/);
  const gt = json(['verify', publicPath('apple-jws-testca-transactionInfo.jws'), ...root]);
  assert.deepEqual([gt.code, gt.body.kind, gt.body.guessed, gt.body.result.bundleId], [0, 'apple-transaction', true, 'com.example'], JSON.stringify(gt.body));
  assert.match(gt.body.notes[0], /^read as Apple signed transaction \(JWS\), the kind its payload fits best/);
  const gr = json(['verify', publicPath('apple-jws-testca-renewalInfo.jws'), ...root]);
  assert.deepEqual([gr.code, gr.body.kind, gr.body.guessed], [0, 'apple-renewal-info', true], JSON.stringify(gr.body));
  const gd = json(['decode', publicPath('apple-jws-testca-renewalInfo.jws')]);
  assert.deepEqual([gd.code, gd.body.kind, gd.body.guessed, gd.body.verified], [0, 'apple-renewal-info', true, false], JSON.stringify(gd.body));
  assert.match(gd.body.notes[0], /fits best/);
  // In a batch too; a kind told by the payload is not marked.
  const batch = cli(['batch', '-', ...root, '--no-progress'], `${JSON.stringify(text(publicPath('apple-jws-testca-renewalInfo.jws')).trim())}\n${JSON.stringify(text(publicPath('apple-jws-testca-testNotification.jws')).trim())}\n`);
  const lines = batch.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.ok, l.kind, l.guessed]), [[true, 'apple-renewal-info', true], [true, 'apple-notification', undefined]], batch.out);
  assert.match(lines[0].notes[0], /fits best/);
  const t = json(['verify', publicPath('apple-jws-testca-transactionInfo.jws'), ...root, '--type', 'apple-transaction']);
  assert.deepEqual([t.code, t.body.kind, t.body.result.bundleId], [0, 'apple-transaction', 'com.example'], JSON.stringify(t.body));
  assert.match(t.body.notes.join(' '), /--root/);
  const ri = json(['verify', publicPath('apple-jws-testca-renewalInfo.jws'), ...root, '--type', 'apple-renewal-info', '--bundle-id', 'com.example']);
  assert.deepEqual([ri.code, ri.body.kind], [0, 'apple-renewal-info'], JSON.stringify(ri.body));
  const n = json(['verify', publicPath('apple-jws-testca-testNotification.jws'), ...root]);
  assert.deepEqual([n.code, n.body.kind, n.body.result.notificationType], [0, 'apple-notification', 'TEST'], JSON.stringify(n.body));
  const body = JSON.stringify({ signedPayload: text(publicPath('apple-jws-testca-testNotification.jws')).trim() });
  const nb = json(['verify', '-', ...root], body);
  assert.deepEqual([nb.code, nb.body.kind], [0, 'apple-notification']);
  // Without the test CA as a root, the chain is untrusted; a pinned bundle id is checked.
  const untrusted = json(['verify', publicPath('apple-jws-testca-testNotification.jws')]);
  assert.deepEqual([untrusted.code, untrusted.body.error.code], [1, 'INVALID_CHAIN']);
  const wrong = json(['verify', publicPath('apple-jws-testca-testNotification.jws'), ...root, '--bundle-id', 'com.example.other']);
  assert.deepEqual([wrong.code, wrong.body.error.code], [1, 'INVALID_APP_IDENTIFIER']);
  // Apple-signed data, detected by payload: renewal info and a notification.
  const renewal = json(['verify', publicPath('apple-jws-awa-renewalinfo-sandbox.jws')]);
  assert.deepEqual([renewal.code, renewal.body.kind, renewal.body.result.autoRenewStatus], [0, 'apple-renewal-info', 1], JSON.stringify(renewal.body));
  const real = json(['verify', publicPath('apple-jws-aporat-notification-test-sandbox.jws')]);
  assert.deepEqual([real.code, real.body.kind, real.body.result.data.bundleId], [0, 'apple-notification', 'com.Abilities'], JSON.stringify(real.body));
  // A notification without signedDate is judged "now", after its leaf expired; --at moves now.
  const gopay = publicPath('apple-jws-gopay-notification-did-renew-sandbox.jws');
  const expired = json(['verify', gopay]);
  assert.deepEqual([expired.code, expired.body.error.code], [1, 'CERTIFICATE_EXPIRED']);
  // Dates in the message: ISO-8601 beside the epoch ms.
  const { at, notBefore, notAfter } = expired.body.error.details;
  const iso = (ms) => new Date(ms).toISOString();
  assert.ok(expired.body.error.message.includes(`was not valid at ${iso(at)} (${at} epoch ms): valid from ${iso(notBefore)} (${notBefore}) to ${iso(notAfter)} (${notAfter})`), expired.body.error.message);
  const then = json(['verify', gopay, '--at', '2022-03-04T10:00:00Z']);
  assert.deepEqual([then.code, then.body.result.notificationType], [0, 'DID_RENEW'], JSON.stringify(then.body));
  // Xcode data: verified under its own certificate, flagged as test data.
  const app = json(['verify', publicPath('apple-jws-xcode-signed-app-transaction.jws')]);
  assert.deepEqual([app.code, app.body.kind], [0, 'apple-app-transaction'], JSON.stringify(app.body));
  assert.match(app.body.notes.join(' '), /TEST DATA/);
  const xt = json(['verify', publicPath('apple-jws-xcode-signed-transaction.jws')]);
  assert.deepEqual([xt.code, xt.body.kind, xt.body.result.productId], [0, 'apple-transaction', 'pass.premium']);
  const d = json(['decode', gopay]);
  assert.deepEqual([d.code, d.body.unverified, d.body.result.header.alg, d.body.result.payload.data.signedTransactionInfo.transactionId], [0, true, 'ES256', '2000000004047119']);
});

test('Apple iOS 6 transaction receipt: transaction id, marked as not verifiable', () => {
  const j = json(['verify', publicPath('apple-ios6-transaction-receipt-synthetic-applelib.b64')]);
  assert.deepEqual([j.code, j.body.kind, j.body.verified, j.body.result.transactionId], [0, 'apple-transaction-receipt', false, '33993399']);
});
