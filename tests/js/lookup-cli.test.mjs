// `iap-verify apple …` and `iap-verify google …`: the store API lookups from the command line,
// in-process with an injected fetch (the App Store and Play fakes), so credentials, flags, output
// and exit codes are checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { google, main, onestore } from '../../pkg/src/lookup-cli.js';
import { BASE_URL as ONE_URL, CLIENT_ID, CLIENT_SECRET, accessToken, oneStoreError, oneStoreFake } from './onestore-fake.mjs';
import { PEM, ROOT, fake, tx } from './app-store-fake.mjs';
import { BASE_URL, PRIVATE_KEY, SERVICE_ACCOUNT, TOKEN_URL, googleError, playFake } from './google-play-fake.mjs';

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

test('iap-verify google: a product, a subscription and the voided purchases; the deadline; exit codes; no secret printed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iap-google-cli-'));
  const io = (f) => {
    const out = [];
    const err = [];
    return { out, err, io: { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => err.push(s) }, env: {}, fetch: f.fetch } };
  };
  const play = async (argv, replies, env = {}) => {
    const f = playFake(replies);
    const o = io(f);
    const code = await google(argv, { ...o.io, env });
    return { code, out: o.out.join(''), err: o.err.join(''), f };
  };
  try {
    const key = join(dir, 'service-account.json');
    writeFileSync(key, JSON.stringify(SERVICE_ACCOUNT));
    const flags = ['--service-account', key, '--package', 'com.example.app', '--base-url', BASE_URL, '--token-url', TOKEN_URL];
    const bought = Date.now() - 3_600_000;
    const product = { kind: 'androidpublisher#productPurchase', purchaseTimeMillis: String(bought), purchaseState: 0, consumptionState: 0, acknowledgementState: 0, orderId: 'GPA.1', purchaseType: 0 };

    const p = await play(['product', 'gems.100', 'tok-a', ...flags], [{ body: product }]);
    assert.equal(p.code, 0, p.err);
    const answer = JSON.parse(p.out);
    assert.equal(answer.orderId, 'GPA.1');
    assert.deepEqual([answer.purchase.needsAcknowledgement, answer.purchase.acknowledgeBy, answer.purchase.productId], [true, bought + 3 * 86_400_000, 'gems.100']);
    assert.equal(p.f.api[0].path, '/androidpublisher/v3/applications/com.example.app/purchases/products/gems.100/tokens/tok-a');

    const sub = { kind: 'androidpublisher#subscriptionPurchaseV2', startTime: '2024-06-01T12:00:00Z', subscriptionState: 'SUBSCRIPTION_STATE_ACTIVE', acknowledgementState: 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED', lineItems: [{ productId: 'monthly', expiryTime: '2099-07-01T12:00:00Z' }] };
    const env = { GOOGLE_APPLICATION_CREDENTIALS: key, GOOGLE_PLAY_PACKAGE_NAME: 'com.example.app' };
    const s = await play(['subscription', 'tok-s', '--base-url', BASE_URL, '--token-url', TOKEN_URL], [{ body: sub }], env);
    assert.equal(s.code, 0, s.err);
    assert.deepEqual([JSON.parse(s.out).purchase.productId, JSON.parse(s.out).purchase.needsAcknowledgement], ['monthly', false]);

    // A Google order id (GPA.…): the order, and the purchase it is for, read by its token (productsv2).
    const order = { orderId: 'GPA.3333-1234-5678-90123', purchaseToken: 'tok-o', state: 'PROCESSED', createTime: '2026-11-01T10:00:00Z', lineItems: [{ productId: 'gems.100', oneTimePurchaseDetails: { quantity: 2 } }] };
    const v2 = { productLineItem: [{ productId: 'gems.100', productOfferDetails: { quantity: 2, refundableQuantity: 2 } }], purchaseStateContext: { purchaseState: 'PURCHASED' },
      purchaseCompletionTime: '2026-11-01T10:00:00Z', acknowledgementState: 'ACKNOWLEDGEMENT_STATE_ACKNOWLEDGED', orderId: 'GPA.3333-1234-5678-90123' };
    const o = await play(['order', 'GPA.3333-1234-5678-90123', ...flags], [{ body: order }, { body: v2 }]);
    assert.equal(o.code, 0, o.err);
    const oa = JSON.parse(o.out);
    assert.deepEqual([oa.state, oa.createTimeMs, oa.purchase.quantity, oa.purchase.purchaseToken, oa.purchase.transactionId], ['PROCESSED', Date.parse('2026-11-01T10:00:00Z'), 2, 'tok-o', 'GPA.3333-1234-5678-90123']);
    assert.deepEqual(o.f.api.map((r) => r.path), [
      '/androidpublisher/v3/applications/com.example.app/orders/GPA.3333-1234-5678-90123',
      '/androidpublisher/v3/applications/com.example.app/purchases/productsv2/tokens/tok-o',
    ]);

    // Every page of the voided purchases, filters passed through.
    const v = await play(['voided', ...flags, '--start-time', '1717243200000', '--type', '1'], [
      { body: { voidedPurchases: [{ purchaseToken: 'v1', voidedTimeMillis: '1717243200001' }], tokenPagination: { nextPageToken: 'n2' } } },
      { body: { voidedPurchases: [{ purchaseToken: 'v2', voidedTimeMillis: '1717243200002' }] } },
    ]);
    assert.equal(v.code, 0, v.err);
    assert.deepEqual(JSON.parse(v.out).voidedPurchases.map((x) => [x.purchaseToken, x.voidedTimeMs]), [['v1', 1717243200001], ['v2', 1717243200002]]);
    assert.deepEqual(v.f.api.map((r) => [r.query.get('startTime'), r.query.get('type'), r.query.get('token')]), [['1717243200000', '1', null], ['1717243200000', '1', 'n2']]);

    // Google's refusal (a token past its 60 days): exit 1 with the status; no key, assertion or access token printed.
    const gone = await play(['product', 'gems.100', 'old', ...flags], [googleError(410, 'GONE', 'The purchase token is no longer valid.')]);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /API_ERROR/);
    assert.match(gone.err, /"status":410/);
    const secrets = [PRIVATE_KEY.split('\n')[1].slice(0, 30), gone.f.tokens[0].assertion, 'tok-1'];
    for (const secret of secrets) assert.ok(!gone.err.includes(secret) && !gone.out.includes(secret), 'a secret was printed');

    // Usage errors: exit 2, naming what is missing; nothing sent.
    const none = await play(['product', 'gems.100', 'tok'], []);
    assert.equal(none.code, 2);
    for (const f of ['--service-account (or GOOGLE_APPLICATION_CREDENTIALS)', '--package (or GOOGLE_PLAY_PACKAGE_NAME)']) assert.ok(none.err.includes(f), none.err);
    assert.equal(none.f.sent.length, 0);
    assert.match((await play(['product', 'gems.100', ...flags], [])).err, /missing the token after 'product'/);
    assert.equal((await play(['voided', 'extra', ...flags], [])).code, 2);
    assert.equal((await play(['refund', 'x', ...flags], [])).code, 2);
    assert.equal((await play(['product', 'p', 't', ...flags.slice(2), '--service-account', join(dir, 'missing.json')], [])).code, 2);
    writeFileSync(join(dir, 'bad.json'), '{"type":"service_account"}');
    const bad = await play(['product', 'p', 't', ...flags.slice(2), '--service-account', join(dir, 'bad.json')], []);
    assert.equal(bad.code, 2, bad.err);
    assert.equal((await play(['--help'], [])).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('iap-verify onestore: a purchase, a subscription and the voided purchases; the deadline and status; exit codes; no secret printed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iap-onestore-cli-'));
  const run = async (argv, replies, env = {}) => {
    const f = oneStoreFake(replies);
    const out = [];
    const err = [];
    const code = await onestore(argv, { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => err.push(s) }, env, fetch: f.fetch });
    return { code, out: out.join(''), err: err.join(''), f };
  };
  try {
    const secretFile = join(dir, 'secret.txt');
    writeFileSync(secretFile, `${CLIENT_SECRET}\n`);
    const flags = ['--client-id', CLIENT_ID, '--client-secret-file', secretFile, '--environment', 'SANDBOX', '--base-url', ONE_URL];
    const bought = Date.now() - 3_600_000;
    const p = await run(['purchase', 'gem.100', 'TOKEN1', ...flags], [{ body: { purchaseState: 0, consumptionState: 0, acknowledgeState: 0, purchaseTime: bought, purchaseId: 'SANDBOX1', quantity: 1 } }]);
    assert.equal(p.code, 0, p.err);
    const answer = JSON.parse(p.out);
    assert.deepEqual([answer.purchase.needsAcknowledgement, answer.purchase.acknowledgeBy, answer.purchase.productId, answer.purchaseTimeMs], [true, bought + 3 * 86_400_000, 'gem.100', bought]);
    assert.equal(p.f.api[0].path, `/v7/apps/${CLIENT_ID}/purchases/inapp/products/gem.100/TOKEN1`);
    assert.equal(p.f.tokens[0].form.get('client_secret'), CLIENT_SECRET, 'the secret read from its file, trimmed');

    const env = { ONESTORE_CLIENT_ID: CLIENT_ID, ONESTORE_CLIENT_SECRET: CLIENT_SECRET, ONESTORE_ENVIRONMENT: 'SANDBOX', ONESTORE_MARKET_CODE: 'MKT_GLB' };
    const sub = { acknowledgementState: 1, autoRenewing: true, paymentState: 1, startTimeMillis: bought, expiryTimeMillis: Date.now() + 86_400_000 };
    const s = await run(['subscription', 'vip.monthly', 'SUB1', '--base-url', ONE_URL], [{ body: sub }], env);
    assert.equal(s.code, 0, s.err);
    assert.deepEqual([JSON.parse(s.out).status.status, JSON.parse(s.out).purchase.needsAcknowledgement], ['ACTIVE', false]);
    assert.equal(s.f.api[0].headers['x-market-code'], 'MKT_GLB');

    const v = await run(['voided', ...flags, '--start-time', '1717243200000'], [
      { body: { continuationKey: 'k2', voidedPurchaseList: [{ purchaseToken: 'v1', voidedTime: 1717243200001 }] } },
      { body: { continuationKey: '', voidedPurchaseList: [{ purchaseToken: 'v2', voidedTime: 1717243200002 }] } },
    ]);
    assert.equal(v.code, 0, v.err);
    assert.deepEqual(JSON.parse(v.out).voidedPurchaseList.map((x) => [x.purchaseToken, x.voidedTimeMs]), [['v1', 1717243200001], ['v2', 1717243200002]]);
    assert.deepEqual(v.f.api.map((r) => r.query.get('continuationKey')), [null, 'k2']);

    // ONE store's refusal: exit 1 with its code; no secret or token printed.
    const no = await run(['purchase', 'gem.100', 'NOPE', ...flags], [oneStoreError(404, 'NoSuchData')]);
    assert.equal(no.code, 1);
    assert.match(no.err, /"errorCode":"NoSuchData"/);
    for (const secret of [CLIENT_SECRET, accessToken(1)]) assert.ok(!no.err.includes(secret) && !no.out.includes(secret), 'a secret was printed');
    // Usage: missing credentials, a bad environment.
    assert.equal((await run(['purchase', 'gem.100', 'T', '--base-url', ONE_URL], [])).code, 2);
    assert.equal((await run(['purchase', 'gem.100', 'T', ...flags, '--environment', 'PROD'], [])).code, 2);
    assert.equal((await run(['voided', 'extra', ...flags], [])).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
