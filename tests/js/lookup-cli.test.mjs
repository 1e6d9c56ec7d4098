// `iap-verify apple …`: the App Store Server API lookups from the command line, in-process with
// an injected fetch (the App Store fake), so credentials, flags, output and exit codes are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../pkg/src/lookup-cli.js';
import { PEM, ROOT, fake, tx } from './app-store-fake.mjs';

function run(argv, { env = {}, replies = [] } = {}) {
  const f = fake(...replies);
  const out = [];
  const err = [];
  const io = { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => err.push(s) }, env, fetch: f.fetch };
  return main(argv, io).then((code) => ({ code, out: out.join(''), err: err.join(''), sent: f.sent }));
}

test('iap-verify apple: lookups with flags or environment, JSON out, exit codes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iap-apple-cli-'));
  try {
    const key = join(dir, 'AuthKey_K.p8');
    const root = join(dir, 'root.der');
    writeFileSync(key, PEM);
    writeFileSync(root, ROOT);
    const flags = ['--key', key, '--key-id', 'K', '--issuer-id', 'I', '--bundle-id', 'com.example.app', '--environment', 'Sandbox', '--root', root, '--base-url', 'https://apple.test'];

    const one = await run(['transaction', '2000000001', ...flags], { replies: [{ body: { signedTransactionInfo: await tx('2000000001') } }] });
    assert.equal(one.code, 0, one.err);
    assert.equal(JSON.parse(one.out).decodedTransactionInfo.transactionId, '2000000001');
    assert.equal(one.sent[0].url, 'https://apple.test/inApps/v1/transactions/2000000001');

    // Every page of the history, in one answer; the credentials from the environment.
    const env = { APPLE_P8_KEY_FILE: key, APPLE_KEY_ID: 'K', APPLE_ISSUER_ID: 'I', APPLE_BUNDLE_ID: 'com.example.app', APPLE_ENVIRONMENT: 'Sandbox' };
    const replies = [
      { body: { signedTransactions: [await tx('1')], hasMore: true, revision: 'r1' } },
      { body: { signedTransactions: [await tx('2')], hasMore: false, revision: 'r2' } },
    ];
    const all = await run(['history', '1', '--root', root, '--base-url', 'https://apple.test'], { env, replies });
    assert.equal(all.code, 0, all.err);
    assert.deepEqual(JSON.parse(all.out).decodedTransactions.map((t) => t.transactionId), ['1', '2']);
    assert.equal(all.sent.length, 2);

    // Apple's refusal: exit 1, the code and Apple's error name; the key never printed.
    const nf = await run(['order', 'NOPE', ...flags], { replies: [{ status: 404, body: { errorCode: 4040010, errorMessage: 'not found' } }] });
    assert.equal(nf.code, 1);
    assert.match(nf.err, /API_ERROR/);
    assert.match(nf.err, /TRANSACTION_ID_NOT_FOUND/);
    assert.ok(!nf.err.includes(PEM.split('\n')[1].slice(0, 30)));

    // Usage errors: exit 2, naming what is missing.
    const none = await run(['transaction', '1']);
    assert.equal(none.code, 2);
    for (const f of ['--key (or APPLE_P8_KEY_FILE)', '--key-id', '--issuer-id', '--bundle-id']) assert.ok(none.err.includes(f), none.err);
    assert.equal((await run(['nonsense', '1', ...flags])).code, 2);
    assert.equal((await run(['transaction', ...flags])).code, 2);
    assert.equal((await run(['transaction', '1', ...flags.slice(2), '--key', join(dir, 'missing.p8')])).code, 2);
    assert.equal((await run(['--help'])).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
