// Every code block of the package READMEs (pkg/README.md, emulator/README.md, www/README.md) and
// of the manual (docs/*.md) runs here, as written. Each block is preceded by `<!-- snippet: name -->`, and each name has a harness
// below: a `js` block is written to a module beside this file (its `iap-verify` imports pointed at
// the package under test, as ./load.mjs does for the whole suite), imported, and what it exports is
// called with real data (the vectors of tests/vectors/, the emulator, the fakes of this folder); a
// `sh` block's commands run against the packages' bins (pkg/bin/iap-verify.mjs and the other two) in
// a temporary folder holding the files they name; a `ts` block is type-checked against the
// packages' types (tests/types/tsconfig.json). A block without a name, a name without a harness, a harness without a block, or a
// block that did not run, fails.
// runtimes: node-only (it writes modules and runs processes)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const vector = (p) => readFileSync(join(repo, 'tests/vectors', p));
const vectorText = (p) => vector(p).toString('utf8');

// ---------------------------------------------------------------------------------------------
// The blocks

/** The documents whose code blocks run: the packages' READMEs and every page of docs/. */
const DOCUMENTS = ['pkg/README.md', 'emulator/README.md', 'www/README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** Every fenced block of `file`: { file, line, lang, name, code }; name is null when unnamed. */
function blocksOf(file) {
  const lines = readFileSync(join(repo, file), 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```|~~~)\s*([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== fence) end++;
    assert.ok(end < lines.length, `${file}:${i + 1}: a code block that is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before].trim() === '') before--;
    const named = before >= 0 ? /^\s*<!-- snippet: ([\w-]+) -->\s*$/.exec(lines[before]) : null;
    const code = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n');
    out.push({ file, line: i + 1, lang, name: named?.[1] ?? null, code: `${code}\n` });
    i = end;
  }
  return out;
}

const BLOCKS = DOCUMENTS.flatMap(blocksOf);
const ran = new Set();

// ---------------------------------------------------------------------------------------------
// Running a js block

const written = [];
after(() => {
  for (const f of written) rmSync(f, { force: true });
});

/** The block as a module beside this file, its package imports pointed at the package under test. */
function moduleOf(block) {
  const SUBPATHS = {
    'iap-verify': './load.mjs', 'iap-verify/postgres': '../../pkg/src/postgres.js', 'iap-verify/init': '../../pkg/init.mjs',
    'iap-verify/verify': '../../pkg/verify/node.mjs', 'iap-verify/detect': '../../pkg/src/detect.js', 'iap-verify/testing': '../../pkg/src/testing.js', 'iap-verify-emulator': '../../emulator/src/emulator.js',
  };
  let imports = 0;
  const code = block.code.replace(/\bfrom '(iap-verify[\w/-]*)'/g, (_, spec) => {
    assert.ok(spec in SUBPATHS, `${block.file}:${block.line}: imports ${spec}, which the packages do not export`);
    imports++;
    return `from '${SUBPATHS[spec]}'`;
  });
  assert.ok(imports > 0, `${block.file}:${block.line}: the block does not import the package`);
  const file = join(here, `.snippet-${block.name}-${process.pid}.mjs`);
  writeFileSync(file, code);
  written.push(file);
  return file;
}

const load = (block) => import(pathToFileURL(moduleOf(block)).href);

// ---------------------------------------------------------------------------------------------
// Type-checking a ts block

/**
 * The TypeScript compiler's errors for `code` as a .ts file against the packages' types (the
 * strict options and the paths of tests/types/tsconfig.json); [] when it compiles.
 */
async function typeErrors(name, code) {
  const { default: ts } = await import('typescript');
  const dir = join(repo, 'tests/types');
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')) };
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, host);
  const file = join(dir, `.snippet-${name}-${process.pid}.ts`);
  writeFileSync(file, code);
  written.push(file);
  const program = ts.createProgram([file], config.options);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file && d.start !== undefined ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

async function rejectsCode(promise, code) {
  await assert.rejects(promise, (e) => e?.code === code || assert.fail(`expected ${code}, got ${e?.code}: ${e?.message}`));
}
function throwsCode(fn, code) {
  assert.throws(fn, (e) => e?.code === code || assert.fail(`expected ${code}, got ${e?.code}: ${e?.message}`));
}

// ---------------------------------------------------------------------------------------------
// Running a sh block

/** The packages' commands: this repository's bins. */
const BINS = { 'iap-verify': 'pkg/bin/iap-verify.mjs', 'iap-verify-emulator': 'emulator/bin/iap-verify-emulator.mjs', 'iap-verify-dashboard': 'www/bin/iap-verify-dashboard.mjs' };

/** A temporary folder with the packages' commands on the PATH (this repository's bins) and the given files. */
function shellFolder(files = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'iap-verify-snippet-'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  for (const [name, file] of Object.entries(BINS)) {
    writeFileSync(join(bin, name), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(repo, file))} "$@"\n`);
    chmodSync(join(bin, name), 0o755);
  }
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return { dir, path: `${bin}:${process.env.PATH}`, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The command lines of a sh block (comments and blank lines dropped). */
const commandsOf = (block) => block.code.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));

/**
 * Runs one documented command in `folder`. `npx iap-verify` is run as `iap-verify`: the bin npx
 * finds in an installed project (the packaging test runs it through npx).
 */
async function sh(folder, line, { env = {}, append = '' } = {}) {
  const command = line.replace(/^npx iap-verify\b/, 'iap-verify');
  assert.match(command, /^iap-verify /, `not a command of the package: ${line}`);
  // Before a trailing comment or output redirection, so that both keep their meaning.
  const full = append ? command.replace(/^([^#>]*?)(\s*(?:[#>].*)?)$/, (_, cmd, rest) => `${cmd} ${append}${rest}`) : command;
  // Asynchronous: a server the command talks to (the emulator) may run in this process.
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', full], { cwd: folder.dir, env: { ...process.env, ...env, PATH: folder.path } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, command: full }));
  });
}

/** An install line, checked by its form: the package manager's install of some of these packages. */
function checkInstallLines(block, packages) {
  const lines = commandsOf(block);
  assert.ok(lines.length > 0);
  for (const l of lines) {
    const m = /^(?:npm install(?: --save-dev)?|bun add) ([\w -]+?)\s*(?:#.*)?$/.exec(l);
    assert.ok(m, `${block.file}:${block.line}: not an install line: ${l}`);
    for (const name of m[1].split(' ')) assert.ok(packages.includes(name), `${block.file}:${block.line}: installs ${name}`);
  }
  return lines.length;
}

// ---------------------------------------------------------------------------------------------
// Shared checks, for blocks that show the same code in the README and in the manual

async function checkGoogleQuickStart(block) {
  process.env.GOOGLE_PLAY_LICENSE_KEY = vectorText('google/test-key-2048.pub');
  const { checkGooglePurchase } = await load(block);
  const json = vectorText('google/consumable.json');
  const sig = vectorText('google/consumable.sig');
  assert.deepEqual(checkGooglePurchase(json, sig), { ok: true, productId: 'gem_pack_100', orderId: 'GPA.3301-1234-5678-90123' });
  assert.deepEqual(checkGooglePurchase(json.replace('gem_pack_100', 'gem_pack_999'), sig), { ok: false, reason: 'INVALID_SIGNATURE' });
  assert.deepEqual(checkGooglePurchase(vectorText('google/pending.json'), vectorText('google/pending.sig')), { ok: false, reason: 'PENDING' });
}

async function appStoreFake() {
  const fake = await import('./app-store-fake.mjs');
  Object.assign(process.env, { APPLE_P8_KEY: fake.PEM, APPLE_KEY_ID: 'K', APPLE_ISSUER_ID: 'I', APPLE_APP_ID: '42' });
  return fake;
}

/** Eight instances at once on one payment: one consume, one grant (and a ninth call finds it done). */
async function checkFlowStore(block) {
  const { handlePaid } = await load(block);
  const iap = await import('./load.mjs');
  const key = vectorText('google/test-key-2048.pub');
  const consumed = new Set();
  let consumes = 0;
  const grants = [];
  const deps = {
    verify: () => iap.verifyGooglePurchase(vectorText('google/consumable.json'), vectorText('google/consumable.sig'), key),
    consume: async (effect) => {
      consumes += 1;
      await new Promise((r) => setTimeout(r, 1));
      if (consumed.has(effect.paymentSeq)) throw new iap.IapError('ALREADY_CONSUMED', '5018', { details: { resultCode: 5018 } });
      consumed.add(effect.paymentSeq);
    },
    grant: (effect) => void grants.push(effect.paymentSeq),
  };
  const req = { paymentSeq: '2025112699990001', accessToken: 'at-readme', userId: 'user-1' };
  const states = await Promise.all(Array.from({ length: 8 }, () => handlePaid(req, deps)));
  assert.ok(states.includes('COMPLETED'), states.join());
  assert.equal(consumes, 1);
  assert.deepEqual(grants, [req.paymentSeq]);
  assert.equal(await handlePaid(req, deps), 'COMPLETED');
  assert.equal(grants.length, 1);
}

/** A push is accepted only with a valid Pub/Sub token; Google's keys fetched once, then cached. */
async function checkRtdnPush(block) {
  const { bearer, claims, jwksText, AUDIENCE, EMAIL } = await import('./jwt.mjs');
  process.env.RTDN_PUSH_AUDIENCE = AUDIENCE;
  process.env.RTDN_PUSH_SERVICE_ACCOUNT = EMAIL;
  // Google's certs endpoint, played by a stub of the global fetch (a new function: its own cache).
  const realFetch = globalThis.fetch;
  const fetched = [];
  globalThis.fetch = async (url) => (fetched.push(url), new Response(jwksText(), { headers: { 'cache-control': 'public, max-age=3600' } }));
  try {
    const { handleRtdnPush } = await load(block);
    const body = JSON.stringify({
      message: { data: btoa(JSON.stringify({ version: '1.0', packageName: 'com.example.game', eventTimeMillis: '1', testNotification: { version: '1.0' } })), messageId: '1' },
      subscription: 'projects/p/subscriptions/s',
    });
    const push = (authorization) =>
      handleRtdnPush(new Request('https://backend.example.com/rtdn', { method: 'POST', headers: authorization ? { authorization } : {}, body }));
    const iat = Math.floor(Date.now() / 1000) - 10;
    const good = await bearer({ payload: claims({ iat, exp: iat + 3600 }) });
    const ok = await push(good);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { kind: 'test', packageName: 'com.example.game' });
    assert.equal((await push(good)).status, 200);
    assert.deepEqual(fetched, ['https://www.googleapis.com/oauth2/v3/certs'], 'one fetch, then the cache');
    assert.equal((await push(undefined)).status, 401);
    assert.equal((await push(await bearer({ payload: claims({ iat, exp: iat + 3600, aud: 'https://elsewhere.example.com' }) }))).status, 401);
    assert.equal((await push(await bearer({ payload: claims() }))).status, 401, 'expired in 2025');
    // A key Google has not published: the fresh cached set is not refetched within a minute.
    const rotated = await bearer({ key: 'other-key-2048', header: { alg: 'RS256', kid: 'next-key' }, payload: claims({ iat, exp: iat + 3600 }) });
    assert.equal((await push(rotated)).status, 401);
    assert.equal(fetched.length, 1);
    // Google's endpoint down (a new fetch function has its own, empty cache): 503, Pub/Sub retries.
    globalThis.fetch = async (url) => (fetched.push(url), new Response('unavailable', { status: 503 }));
    assert.equal((await push(good)).status, 503);
    assert.equal(fetched.length, 4, 'the first attempt and two retries');
  } finally {
    globalThis.fetch = realFetch;
  }
}

/** A notification signed by the test PKI (tests/vectors/testpki/), with a nested transaction. */
async function testNotification(fake, extra = {}) {
  return fake.jws({
    notificationType: 'ONE_TIME_CHARGE',
    notificationUUID: 'a1b2c3d4-0000-4000-8000-000000000001',
    version: '2.0',
    signedDate: fake.SIGNED,
    data: {
      bundleId: 'com.example.app',
      appAppleId: 42,
      environment: 'Sandbox',
      signedTransactionInfo: await fake.jws({
        transactionId: '10', originalTransactionId: '10', bundleId: 'com.example.app', environment: 'Sandbox', signedDate: fake.SIGNED,
        productId: 'gems', purchaseDate: fake.SIGNED, type: 'Consumable', quantity: 1,
      }),
    },
    ...extra,
  });
}

/** The verdicts of the documented command lines of the `verify` examples, by file. */
async function cliFiles() {
  const fake = await import('./app-store-fake.mjs');
  const transaction = await fake.tx('10');
  return {
    'purchase.json': vector('google/consumable.json'),
    'purchase.sig': vector('google/consumable.sig'),
    'play-licence-key.txt': vector('google/test-key-2048.pub'),
    'licence-key.txt': vector('google/test-key-2048.pub'),
    // A receipt signed by the test PKI: detected and checked as a receipt, then refused, since no
    // Apple root vouches for it.
    'receipt.b64': vector('testpki/receipt-openssl-sha256.der').toString('base64'),
    'transaction.jws': transaction,
    'StoreKitTestCertificate.cer': vector('testpki/root-ec.der'),
    'notification-body.json': JSON.stringify({ signedPayload: await testNotification(fake) }),
    'inputs.jsonl': [
      JSON.stringify({ input: vectorText('google/consumable.json'), signature: vectorText('google/consumable.sig').trim(), id: 'a' }),
      JSON.stringify({ input: vectorText('google/pending.json'), signature: vectorText('google/pending.sig').trim(), id: 'b' }),
    ].join('\n'),
  };
}

/**
 * `npx iap-verify dashboard` (the library's command) or `npx iap-verify-dashboard` (the package's):
 * it prints its address and serves the page there.
 */
async function checkDashboardStarts(block) {
  const lines = commandsOf(block);
  assert.equal(lines.length, 2);
  assert.equal(lines[0], 'npm install iap-verify-dashboard');
  assert.ok(['npx iap-verify dashboard', 'npx iap-verify-dashboard'].includes(lines[1]), lines[1]);
  checkInstallLines({ ...block, code: lines[0] }, ['iap-verify-dashboard']);
  // In this repository the packages are linked into node_modules (the packaging test installs
  // them from their tarballs). Port 0: any free port, as the default may be taken.
  const folder = shellFolder();
  const server = serving(folder, `${lines[1].replace(/^npx /, '')} --port 0`, /iap-verify[ -]dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
  try {
    const url = await server.address;
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<script[^>]+src=/);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  } finally {
    server.child.kill();
    folder.remove();
  }
}

/**
 * A documented command that starts a server, run in `folder`: `address` resolves with the first
 * group of `ready` once its output matches (rejects if it exits first or prints nothing in 20 s).
 */
function serving(folder, command, ready) {
  const child = spawn('bash', ['-c', `exec ${command}`], { cwd: folder.dir, env: { ...process.env, PATH: folder.path } });
  const address = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  return { child, address };
}

// ---------------------------------------------------------------------------------------------
// The harnesses, by snippet name

const HARNESSES = {
  // ---- sh: installs
  install: (block) => assert.equal(checkInstallLines(block, ['iap-verify']), 1),
  'runtimes-install': (block) => assert.equal(checkInstallLines(block, ['iap-verify']), 2),

  // ---- Google Play and ONE store
  'readme-google': checkGoogleQuickStart,
  'edge-verify': async (block) => {
    process.env.GOOGLE_PLAY_LICENSE_KEY = vectorText('google/test-key-2048.pub');
    const { productOf } = await load(block);
    assert.equal(productOf(vector('google/consumable.json'), vectorText('google/consumable.sig').trim()), 'gem_pack_100');
    const forged = vectorText('google/consumable.json').replace('gem_pack_100', 'gem_pack_999');
    assert.equal(productOf(forged, vectorText('google/consumable.sig').trim()), null);
  },
  'google-verify': async (block) => {
    process.env.GOOGLE_PLAY_LICENSE_KEY = vectorText('google/test-key-2048.pub');
    process.env.ONESTORE_LICENSE_KEY = vectorText('onestore/test-key-2048.pub');
    const { verifyPurchase } = await load(block);
    const g = verifyPurchase('google', vectorText('google/consumable.json'), vectorText('google/consumable.sig'));
    assert.equal(g.ok, true);
    assert.equal(g.purchase.orderId, 'GPA.3301-1234-5678-90123');
    const o = verifyPurchase('onestore', vectorText('onestore/v21.json'), vectorText('onestore/v21.sig'));
    assert.equal(o.ok, true);
    assert.equal(o.purchase.purchaseToken, 'TOKEN3000000312345');
    // The bytes as sent: re-serialized, the signature no longer verifies.
    const reserialized = JSON.stringify(JSON.parse(vectorText('google/consumable.json')), null, 1);
    assert.deepEqual(verifyPurchase('google', reserialized, vectorText('google/consumable.sig')), { ok: false, code: 'INVALID_SIGNATURE', retryable: false });
    // Each store's scheme with its own key: a ONE store purchase is not a Google one.
    assert.equal(verifyPurchase('google', vectorText('onestore/v21.json'), vectorText('onestore/v21.sig')).code, 'INVALID_SIGNATURE');
    assert.equal(verifyPurchase('google', vectorText('google/duplicate-key.json'), vectorText('google/duplicate-key.sig')).code, 'MALFORMED_INPUT');
  },

  // ---- Apple
  'readme-apple': async (block) => {
    const fake = await import('./app-store-fake.mjs');
    const iap = await import('./load.mjs');
    const { checkAppleTransaction } = await load(block);
    const verifier = new iap.SignedDataVerifier([fake.ROOT], false, iap.Environment.SANDBOX, 'com.example.app');
    assert.deepEqual(checkAppleTransaction(await fake.tx('10'), verifier), { productId: 'gems', transactionId: '10', revoked: false });
    const revoked = await fake.jws({ transactionId: '11', bundleId: 'com.example.app', environment: 'Sandbox', signedDate: fake.SIGNED, productId: 'gems', revocationDate: fake.SIGNED });
    assert.deepEqual(checkAppleTransaction(revoked, verifier), { productId: 'gems', transactionId: '11', revoked: true });
    // The snippet's own verifier trusts Apple's roots only: the test PKI's data is refused.
    throwsCode(() => checkAppleTransaction(revoked), 'INVALID_CHAIN');
  },
  'apple-verify': async (block) => {
    const fake = await import('./app-store-fake.mjs');
    const iap = await import('./load.mjs');
    const { checkTransaction, checkReceipt } = await load(block);
    const verifier = new iap.SignedDataVerifier([fake.ROOT], false, iap.Environment.SANDBOX, 'com.example.app');
    assert.deepEqual(await checkTransaction(await fake.tx('10'), verifier), { productId: 'gems', transactionId: '10', originalTransactionId: '1' });
    await rejectsCode(checkTransaction(await fake.tx('10')), 'INVALID_CHAIN');
    const receipt = vector('testpki/receipt-openssl-sha256.der');
    const receipts = new iap.AppReceiptVerifier([vector('testpki/root-rsa.der')]);
    assert.deepEqual(checkReceipt(receipt, 'com.example.testpki', receipts), ['com.example.testpki.coins']);
    assert.deepEqual(checkReceipt(receipt.toString('base64'), 'com.example.testpki', receipts), ['com.example.testpki.coins']);
    throwsCode(() => checkReceipt(receipt, 'com.example.app', receipts), 'INVALID_APP_IDENTIFIER');
    throwsCode(() => checkReceipt(receipt, 'com.example.testpki'), 'INVALID_CHAIN');
  },
  'apple-verification-exception': async (block) => {
    const fake = await import('./app-store-fake.mjs');
    const iap = await import('./load.mjs');
    const { notificationOrReason } = await load(block);
    const payload = await testNotification(fake);
    const sandbox = new iap.SignedDataVerifier([fake.ROOT], false, 'Sandbox', 'com.example.app');
    const { notification } = await notificationOrReason(sandbox, payload);
    assert.equal(notification.notificationType, 'ONE_TIME_CHARGE');
    assert.equal(notification.data.decodedTransactionInfo.transactionId, '10');
    assert.deepEqual(await notificationOrReason(new iap.SignedDataVerifier([fake.ROOT], false, 'Sandbox', 'com.example.other'), payload), { reason: 'another app' });
    assert.deepEqual(await notificationOrReason(new iap.SignedDataVerifier([fake.ROOT], false, 'Production', 'com.example.app', 42), payload), { reason: 'another environment' });
    // Anything else is rethrown, still a VerificationException with Apple's status.
    await assert.rejects(notificationOrReason(new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.example.app'), payload), (e) =>
      e instanceof iap.VerificationException && e.status === iap.VerificationStatus.VERIFICATION_FAILURE && e.code === 'INVALID_CHAIN');
  },
  'notification-handler': async (block) => {
    const fake = await import('./app-store-fake.mjs');
    const { handleNotification } = await load(block);
    const post = (body, headers = {}) => new Request('https://backend.example.com/notifications', { method: 'POST', body, headers });
    // Signed by the test PKI, not Apple: the snippet's verifier (Apple's roots) refuses it, and nothing is dispatched.
    const apple = await handleNotification(post(JSON.stringify({ signedPayload: await testNotification(fake) })));
    assert.equal(apple.status, 401);
    // A push without its token: refused before any key is fetched.
    const push = JSON.stringify({ message: { data: btoa('{}'), messageId: '1' }, subscription: 's' });
    assert.equal((await handleNotification(post(push))).status, 401);
    assert.equal((await handleNotification(post('not json'))).status, 400);
    assert.equal((await handleNotification(new Request('https://backend.example.com/notifications'))).status, 405);
  },
  'notification-onestore': async (block) => {
    const { oneStoreNotifications } = await load(block);
    const { startEmulator } = await import('../../emulator/src/emulator.js');
    const { createServer } = await import('node:http');
    const iap = await import('./load.mjs');
    const got = [];
    let listener;
    const server = createServer((req, res) => listener(req, res));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${server.address().port}/n`;
    const emu = await startEmulator({ port: 0, oneStore: { pnsUrl: url, snsUrl: url } });
    try {
      const o = emu.oneStore;
      listener = iap.toNodeListener(oneStoreNotifications({ licenseKey: o.licenseKey, client: { clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, baseUrl: emu.url } }, (...a) => void got.push(a)));
      o.addPurchase({ productId: 'gem.100', purchaseToken: 'SBSNIPPET000000001' });
      o.addSubscription({ productId: 'vip', purchaseToken: 'SBSNIPPET000000002' });
      await o.settled();
      assert.deepEqual(got, [['PURCHASED', 'SBSNIPPET000000001', true], ['PURCHASED', 'SBSNIPPET000000002', true]]);
      // A forged PNS (the genuine one, tampered) is refused and never reaches `on`.
      const forged = { ...o.notifications()[0].body, purchaseState: 'CANCELED' };
      const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
      assert.equal(r.status, 401);
      assert.equal(got.length, 2);
    } finally {
      await emu.close();
      await new Promise((r) => server.close(r));
    }
  },
  'notification-ledger': async (block) => {
    const { ledgerEndpoint, ledger, takenBack } = await load(block);
    const iap = await import('./load.mjs');
    const testing = await import('../../pkg/src/testing.js');
    const verifier = new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, 'com.example.app');
    const signed = await testing.signAppleTransaction({ bundleId: 'com.example.app', productId: 'gems', transactionId: '4242' });
    const adapter = { store: 'AS', verify: async () => ({ purchase: await verifier.verifyAndDecodeTransactionAsync(signed) }), settle: async () => 'SETTLED' };
    await iap.runPurchase({ store: ledger, adapter, catalog: { gems: { kind: 'CONSUMABLE' } }, purchase: { store: 'AS', storeId: '4242', productId: 'gems' }, deliver: () => {} });
    const handler = ledgerEndpoint(verifier);
    const refund = (uuid) => testing.appleNotificationBody({ bundleId: 'com.example.app', notificationType: 'REFUND', notificationUUID: uuid, signedTransactionInfo: signed });
    const post = async (uuid) => (await handler(new Request('https://b.example/n', { method: 'POST', body: await refund(uuid) }))).status;
    assert.deepEqual([await post('r-1'), await post('r-1'), await post('r-2')], [200, 200, 200]);
    assert.deepEqual(takenBack, ['AS 4242 gems x1']);
    assert.equal((await ledger.purchase('AS', '4242')).state, 'REFUNDED');
    // Apple's roots (the default): the test PKI's notification is refused, nothing applied.
    assert.equal((await ledgerEndpoint()(new Request('https://b.example/n', { method: 'POST', body: await refund('r-3') }))).status, 401);
  },
  'notification-refund-requests': async (block) => {
    const { refundRequestEndpoint } = await load(block);
    const iap = await import('./load.mjs');
    const testing = await import('../../pkg/src/testing.js');
    const { startEmulator } = await import('../../emulator/src/emulator.js');
    const emu = await startEmulator({ port: 0 });
    try {
      const a = emu.appStore;
      const handler = refundRequestEndpoint({
        apple: new iap.SignedDataVerifier([testing.TEST_APPLE_ROOT], false, iap.Environment.SANDBOX, a.bundleId),
        google: { audience: 'https://b.example/n', serviceAccountEmail: 'push@example.iam.gserviceaccount.com', jwks: testing.TEST_PUBSUB_JWKS },
        appStore: new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, { baseUrl: emu.url, rootCertificates: [a.rootCertificate], appAppleId: a.appAppleId }),
        googlePlay: new iap.GooglePlayClient({ serviceAccount: emu.googlePlay.serviceAccount, baseUrl: emu.url }),
      });
      const body = await testing.appleNotificationBody({
        bundleId: a.bundleId, notificationType: 'CONSUMPTION_REQUEST',
        signedTransactionInfo: await testing.signAppleTransaction({ bundleId: a.bundleId, productId: 'gems', transactionId: '2000000100000001' }),
      });
      assert.equal((await handler(new Request('https://b.example/n', { method: 'POST', body }))).status, 200);
      const state = await (await fetch(`${emu.url}/admin/appstore/state`)).json();
      assert.deepEqual(state.consumption.map((c) => [c.transactionId, c.request.refundPreference]), [['2000000100000001', 'DECLINE']]);
      const [review] = await (await fetch(`${emu.url}/admin/googleplay/refund-reviews`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ orderId: 'GPA.3300-1111-2222-00001' }]) })).json();
      const push = testing.pubSubPushBody(review.notification, { messageId: 'snippet-1' });
      const authorization = await testing.mintPubSubToken({ audience: 'https://b.example/n', serviceAccountEmail: 'push@example.iam.gserviceaccount.com' });
      assert.equal((await handler(new Request('https://b.example/n', { method: 'POST', body: push, headers: { authorization } }))).status, 200);
      const [answered] = await (await fetch(`${emu.url}/admin/googleplay/refund-reviews`)).json();
      assert.deepEqual([answered.answer.refundPreference, answered.answer.sampleContentProvided], ['DECLINE', true]);
    } finally {
      await emu.close();
    }
  },
  'testing-endpoint': async (block) => {
    const { result } = await load(block);
    assert.deepEqual(result, { status: 200, events: ['REFUNDED'] });
  },
  'apple-notification': async (block) => {
    const fake = await import('./app-store-fake.mjs');
    const iap = await import('./load.mjs');
    const { handleAppStoreNotification } = await load(block);
    const verifier = new iap.SignedDataVerifier([fake.ROOT], false, 'Sandbox', 'com.example.app');
    const body = JSON.stringify({ signedPayload: await testNotification(fake) });
    const seen = new Set();
    const first = await handleAppStoreNotification(body, seen, verifier);
    assert.equal(first.status, 200);
    assert.equal(first.type, 'ONE_TIME_CHARGE');
    assert.equal(first.purchase.store, 'AS');
    assert.equal(first.purchase.transactionId, '10');
    assert.equal(first.purchase.productId, 'gems');
    assert.deepEqual(await handleAppStoreNotification(body, seen, verifier), { status: 200, duplicate: true });
    // Not signed by a trusted root (the snippet's own verifier: Apple's roots): 400.
    assert.deepEqual(await handleAppStoreNotification(body, new Set()), { status: 400 });
    const [h, p, s] = JSON.parse(body).signedPayload.split('.');
    const tampered = JSON.stringify({ signedPayload: `${h}.${p}.${s.slice(0, -4)}AAAA` });
    assert.deepEqual(await handleAppStoreNotification(tampered, new Set(), verifier), { status: 400 });
  },
  'migrate-apple': async (block) => {
    const fake = await import('./app-store-fake.mjs');
    const iap = await import('./load.mjs');
    const { decodeNotification } = await load(block);
    const payload = await testNotification(fake, { subtype: 'ACCEPTED' });
    const sandbox = new iap.SignedDataVerifier([fake.ROOT], false, 'Sandbox', 'com.example.app');
    assert.deepEqual(await decodeNotification(payload, sandbox), { type: 'ONE_TIME_CHARGE', subtype: 'ACCEPTED' });
    assert.deepEqual(await decodeNotification(payload, new iap.SignedDataVerifier([fake.ROOT], false, 'Production', 'com.example.app', 42)), { wrongEnvironment: true });
    await assert.rejects(decodeNotification(payload, new iap.SignedDataVerifier([fake.ROOT], false, 'Sandbox', 'com.example.other')), (e) =>
      e instanceof iap.VerificationException && e.status === iap.VerificationStatus.INVALID_APP_IDENTIFIER);
    await rejectsCode(decodeNotification(payload), 'INVALID_CHAIN');
  },

  // ---- The stores' server APIs
  'readme-app-store-api': async (block) => {
    const { fake, tx } = await appStoreFake();
    const { lookUpOrder } = await load(block);
    const { client } = await import('./app-store-fake.mjs');
    const f = fake({ body: { status: 0, signedTransactions: [await tx('10'), await tx('11')] } });
    assert.deepEqual(await lookUpOrder('MK5TTTVWJH', client(f)), [
      { productId: 'gems', transactionId: '10' },
      { productId: 'gems', transactionId: '11' },
    ]);
    assert.deepEqual(f.sent.map((r) => new URL(r.url).pathname), ['/inApps/v1/lookup/MK5TTTVWJH']);
    // Each answer is verified: data signed by another key fails the whole answer.
    const forged = (await tx('12')).replace(/\.[^.]+$/, `.${'A'.repeat(86)}`);
    await rejectsCode(lookUpOrder('MK5TTTVWJH', client(fake({ body: { status: 0, signedTransactions: [forged] } }))), 'INVALID_SIGNATURE');
  },
  'app-store-api': async (block) => {
    const { fake, client, tx } = await appStoreFake();
    const { whereIsMyItem } = await load(block);
    const f = fake(
      { body: { status: 0, signedTransactions: [await tx('10'), await tx('11')] } },
      { body: { signedTransactions: [], hasMore: true, revision: 'r1' } },
      { body: { signedTransactions: [await tx('10')], hasMore: false, revision: 'r2' } },
      { body: { signedTransactions: [], hasMore: false } },
    );
    assert.deepEqual(await whereIsMyItem(client(f), 'MK5TTTVWJH'), [
      { productId: 'gems', transactionId: '10', refunded: true },
      { productId: 'gems', transactionId: '11', refunded: false },
    ]);
    assert.deepEqual(f.sent.map((r) => new URL(r.url).pathname + new URL(r.url).search), [
      '/inApps/v1/lookup/MK5TTTVWJH',
      '/inApps/v2/refund/lookup/10',
      '/inApps/v2/refund/lookup/10?revision=r1',
      '/inApps/v2/refund/lookup/11',
    ]);
  },
  'promotional-offer': async (block) => {
    const { own } = await import('./vectors.mjs');
    const { createPublicKey, verify } = await import('node:crypto');
    process.env.APPLE_KEY_ID = 'KEY123';
    process.env.APPLE_ISSUER_ID = 'issuer-1';
    const key = `-----BEGIN PRIVATE KEY-----\n${own('testpki/leaf-ec.pk8').toString('base64')}\n-----END PRIVATE KEY-----\n`;
    const { winBackSignature } = await load(block);
    const jws = winBackSignature(key, '2000000000000001');
    const [h, p, sig] = jws.split('.');
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey(key), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
    assert.ok(ok, 'the JWS verifies with the key\'s public half');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    assert.deepEqual([claims.aud, claims.productId, claims.offerIdentifier, claims.transactionId, claims.bid, claims.iss], ['promotional-offer', 'com.example.monthly', 'WINBACK_50', '2000000000000001', 'com.example.app', 'issuer-1']);
  },
  'play-api': async (block) => {
    const { PREFIX, SERVICE_ACCOUNT, playClient, playFake } = await import('./google-play-fake.mjs');
    process.env.GOOGLE_SERVICE_ACCOUNT_JSON = JSON.stringify(SERVICE_ACCOUNT);
    const { redeem, voided } = await load(block);
    const t = 1_717_243_200_000;
    const bought = { purchaseTimeMillis: String(t), purchaseState: 0, consumptionState: 0, acknowledgementState: 0, orderId: 'GPA.1' };
    const f = playFake([{ body: bought }, {}, { body: { ...bought, consumptionState: 1, acknowledgementState: 1 } }, { body: { ...bought, purchaseState: 2 } }]);
    const c = playClient(f);
    const ids = { packageName: 'com.example.app', productId: 'gems', token: 'tok-a' };
    const granted = [];
    const grant = async (p) => void granted.push([p.productId, p.transactionId, p.purchaseToken]);
    assert.deepEqual(await redeem(c, ids, grant), { ok: true, acknowledgeBy: t + 259_200_000 });
    assert.deepEqual(await redeem(c, ids, grant), { ok: false, state: 'ALREADY_CONSUMED' });
    assert.deepEqual(await redeem(c, ids, grant), { ok: false, state: 'PENDING' });
    assert.deepEqual(granted, [['gems', 'GPA.1', 'tok-a']]);
    assert.deepEqual(f.api.map((r) => `${r.method} ${r.url.slice(PREFIX.length)}`), [
      'GET /products/gems/tokens/tok-a',
      'POST /products/gems/tokens/tok-a:consume',
      'GET /products/gems/tokens/tok-a',
      'GET /products/gems/tokens/tok-a',
    ]);
    assert.equal(f.tokens.length, 1);

    const v = playFake([
      { body: { tokenPagination: { nextPageToken: 'n2' }, voidedPurchases: [{ purchaseToken: 'a', voidedTimeMillis: '5' }] } },
      { body: { voidedPurchases: [{ purchaseToken: 'b', voidedTimeMillis: '6' }] } },
    ]);
    assert.deepEqual(await voided(playClient(v), 'com.example.app'), [
      { purchaseToken: 'a', voidedTimeMs: 5 },
      { purchaseToken: 'b', voidedTimeMs: 6 },
    ]);
    assert.deepEqual(v.api.map((r) => r.query.get('token')), [null, 'n2']);
  },

  // ---- Purchase state, flow stores
  'readme-payment': checkFlowStore,
  'flow-store': checkFlowStore,
  'payment-flow': async (block) => {
    const { reserveAndPay } = await load(block);
    let row;
    const db = { save: async (j) => void (row = JSON.stringify(j)), load: async () => row };
    const m = await reserveAndPay(db);
    assert.equal(m.flow.state, 'PAID');
    assert.equal(m.duplicate, false);
    assert.deepEqual(m.effects, [{ type: 'VERIFY', paymentSeq: '2025112612345678', accessToken: 'token-from-the-client' }]);
    // "tampered JSON: MALFORMED_INPUT", as the comment says.
    const tampered = { save: async () => {}, load: async () => row.replace('"PAID"', '"DELIVERED"') };
    await rejectsCode(reserveAndPay(tampered), 'MALFORMED_INPUT');
  },
  postgres: async (block) => {
    // The pool: a recording stand-in for pg.Pool (no server here; tests/postgres/ runs the store
    // against a real one). migrate and the store's constructor take it as they take a pg.Pool.
    const queries = [];
    const pool = { query: async (text, values) => (queries.push({ text, values }), { rows: [], rowCount: 0 }), connect: async () => assert.fail('not used') };
    const { openStore, pay } = await load(block);
    const store = await openStore(pool);
    assert.match(queries[0].text, /CREATE TABLE IF NOT EXISTS "iap_payment_flow"/);
    for (const m of ['load', 'insert', 'update', 'deliverInTransaction', 'unfinished']) assert.equal(typeof store[m], 'function', m);
    // pay(): the grant is written with the transaction the store hands to deliver; here a memory
    // store whose transaction records the statements.
    const iap = await import('./load.mjs');
    const memory = iap.createMemoryFlowStore();
    const statements = [];
    const transaction = { query: async (text, values) => void statements.push({ text, values }) };
    const withTransaction = { ...memory, deliverInTransaction: (seq, fn) => memory.deliverInTransaction(seq, (locked) => fn({ ...locked, transaction })) };
    const flow = iap.PaymentFlow.start({ paymentSeq: '2025112699990002', userId: 'user-7', store: 'GG', productId: 'gem_pack_100' }).apply({ type: 'PAID', accessToken: 'at' }).flow;
    const key = vectorText('google/test-key-2048.pub');
    let consumes = 0;
    const done = await pay(withTransaction, flow, {
      verify: () => iap.verifyGooglePurchase(vectorText('google/consumable.json'), vectorText('google/consumable.sig'), key),
      consume: async () => void consumes++,
    });
    assert.equal(done.state, 'COMPLETED');
    assert.equal(consumes, 1);
    assert.equal(statements.length, 1);
    assert.match(statements[0].text, /^INSERT INTO grants/);
    // The verified purchase's quantity (2 in this vector).
    assert.deepEqual(statements[0].values, ['2025112699990002', 'user-7', 'gem_pack_100', 2]);
  },

  // ---- Notifications
  'readme-rtdn': checkRtdnPush,
  'rtdn-push': checkRtdnPush,

  // ---- One purchase lifecycle (docs/purchase-lifecycle.md)
  'purchase-lifecycle': async (block) => {
    const { handlePurchase, purchasesOf, catalog } = await load(block);
    const iap = await import('./load.mjs');
    const { startEmulator } = await import('../../emulator/src/emulator.js');
    const emu = await startEmulator({ port: 0 });
    try {
      assert.equal(catalog.gem_500.kind, 'CONSUMABLE');
      const client = new iap.GooglePlayClient({ serviceAccount: emu.googlePlay.serviceAccount, baseUrl: emu.url, retryDelayMs: 5 });
      const grants = [];
      const deps = { client, packageName: emu.googlePlay.packageName, grant: (effect, item) => void grants.push([effect.storeId, item.gems]) };
      const req = { purchaseToken: 'play-token-unacknowledged', productId: 'gem_500', userId: 'reader-1' };
      const states = await Promise.all([handlePurchase(req, deps), handlePurchase(req, deps)]);
      assert.ok(states.includes('COMPLETED'), states.join());
      assert.equal(await handlePurchase(req, deps), 'COMPLETED');
      assert.deepEqual(grants, [['play-token-unacknowledged', 500]]);
      assert.equal(await handlePurchase({ ...req, purchaseToken: 'play-token-pending' }, deps), 'PENDING');
      const entries = await purchasesOf('reader-1');
      assert.deepEqual(entries.map((e) => `${e.store} ${e.state}`).sort(), ['GG COMPLETED', 'GG PENDING']);
    } finally {
      await emu.close();
    }
  },
  'purchase-lifecycle-ts': async (block) => {
    // The js block's catalog, word for word, declared `satisfies`; the whole block compiles.
    const catalogOf = (code) => /export const catalog = (\{[\s\S]*?\n\})/.exec(code)?.[1];
    assert.ok(catalogOf(block.code));
    assert.equal(catalogOf(block.code), catalogOf(blockNamed('purchase-lifecycle').code));
    assert.deepEqual(await typeErrors(block.name, block.code), []);
    // Without `satisfies`, TypeScript refuses the catalog, as the note says.
    const plain = block.code.replace(' satisfies Record<string, CatalogEntry>', '');
    assert.notEqual(plain, block.code);
    const errors = await typeErrors(`${block.name}-plain`, plain);
    assert.ok(errors.some((e) => e.includes(`Type 'string' is not assignable to type '"CONSUMABLE" | "NON_CONSUMABLE" | "SUBSCRIPTION"'`)), errors.join('\n'));
  },
  'purchase-sweeper': async (block) => {
    const { sweep } = await load(block);
    const iap = await import('./load.mjs');
    const store = iap.createMemoryPurchaseStore();
    const purchase = () => ({ purchase: iap.verifyOneStorePurchase(vectorText('onestore/v21.json'), vectorText('onestore/v21.sig'), vectorText('onestore/test-key-2048.pub')) });
    let acknowledges = 0;
    const adapter = {
      store: 'ONESTORE',
      verify: purchase,
      settle: async () => {
        if (++acknowledges === 1) throw new iap.IapError('API_ERROR', 'ServiceMaintenance', { details: { errorCode: 'ServiceMaintenance' } });
        return 'SETTLED';
      },
    };
    const catalog = { gem_pack_100: { kind: 'NON_CONSUMABLE' } };
    const deliver = () => {};
    await rejectsCode(iap.runPurchase({ store, adapter, catalog, deliver, purchase: { store: 'ONESTORE', storeId: 'TOKEN3000000312345', productId: 'gem_pack_100' } }), 'API_ERROR');
    assert.equal((await store.unsettled()).length, 1);
    assert.equal(await sweep({ store, adapters: { ONESTORE: adapter }, catalog, deliver }), 1);
    assert.deepEqual(await store.unsettled(), []);
  },

  'revoke-sweeper': async (block) => {
    const { sweepRevokes } = await load(block);
    const iap = await import('./load.mjs');
    const store = iap.createMemoryPurchaseStore();
    const purchase = () => ({ purchase: iap.verifyOneStorePurchase(vectorText('onestore/v21.json'), vectorText('onestore/v21.sig'), vectorText('onestore/test-key-2048.pub')) });
    const adapter = { store: 'ONESTORE', verify: purchase, settle: async () => 'SETTLED' };
    const key = ['ONESTORE', 'TOKEN3000000312345'];
    await iap.runPurchase({ store, adapter, catalog: { gem_pack_100: { kind: 'CONSUMABLE' } }, deliver: () => {}, purchase: { store: key[0], storeId: key[1], productId: 'gem_pack_100' } });
    const taken = [];
    let down = true;
    const revoke = (effect) => {
      if (down) throw new Error('grants db down');
      taken.push(`${effect.store} ${effect.storeId}`);
    };
    await assert.rejects(iap.applyRefund({ store, key, revoke }), /grants db down/);
    assert.equal((await store.unrevoked()).length, 1);
    assert.equal(await sweepRevokes({ store, revoke }), 0, 'still down: reported, kept owed');
    down = false;
    assert.equal(await sweepRevokes({ store, revoke }), 1);
    assert.equal(await sweepRevokes({ store, revoke }), 0);
    assert.deepEqual(taken, ['ONESTORE TOKEN3000000312345']);
  },

  // ---- NHN, the emulator
  'nhn-consume': async (block) => {
    const { startEmulator } = await import('../../emulator/src/emulator.js');
    const emu = await startEmulator();
    const realFetch = globalThis.fetch;
    const hosts = [];
    // The documented default host, redirected to the emulator.
    globalThis.fetch = (url, init) => {
      hosts.push(new URL(url).origin);
      return realFetch(url.replace('https://api-iap.cloud.toast.com', emu.url), init);
    };
    process.env.NHN_IAP_APPKEY = emu.iap.appKey;
    try {
      assert.match(block.code, /new IapClient\(\{ appKey: process\.env\.NHN_IAP_APPKEY \}\)/);
      const { consumeThenDeliver } = await load(block);
      const delivered = [];
      const deliver = (seq, productSeq) => delivered.push([seq, productSeq]);
      const seq = '2026010110000001';
      const token = '-Qm2b7r1Xc0pZs9LkT4vNw8eYd3hUa6fGi5jKo1';
      assert.equal(await consumeThenDeliver(seq, token, deliver), 'DELIVERED');
      assert.equal(await consumeThenDeliver(seq, token, deliver), 'ALREADY_CONSUMED');
      assert.deepEqual(delivered, [[seq, 1000001]]);
      await rejectsCode(consumeThenDeliver(seq, 'wrong-token', deliver), 'API_ERROR');
      assert.ok(hosts.length >= 3 && hosts.every((h) => h === 'https://api-iap.cloud.toast.com'), 'the documented default host');
    } finally {
      globalThis.fetch = realFetch;
      delete process.env.NHN_IAP_APPKEY;
      await emu.close();
    }
  },
  'emulator-nhn': async (block) => {
    const { consumeTwiceOnTheEmulator } = await load(block);
    assert.deepEqual(await consumeTwiceOnTheEmulator(), { productSeq: 1000002, again: 'ALREADY_CONSUMED' });
  },
  'emulator-notifications': async (block) => {
    const { receiveFromTheEmulator } = await load(block);
    const { events, sent } = await receiveFromTheEmulator();
    assert.deepEqual(events, ['AS PURCHASED', 'AS REFUNDED', 'GG PURCHASED']);
    // Three sent and delivered; the duplicates answered 200 (one may have met the first's claim and been retried); the forgery refused once.
    assert.deepEqual(sent.filter((n) => n.startsWith('sent ')), ['sent delivered 200', 'sent delivered 200', 'sent delivered 200']);
    assert.equal(sent.filter((n) => /^duplicate delivered (503,)?200$/.test(n)).length, 2, sent.join('; '));
    assert.deepEqual(sent.filter((n) => n.startsWith('forged ')), ['forged failed 401']);
  },
  'emulator-run-purchase': async (block) => {
    const { buyOnTheEmulator } = await load(block);
    const r = await buyOnTheEmulator();
    // Each purchase found by the token the add answered, delivered once, then consumed at the store.
    assert.deepEqual(r, { states: ['COMPLETED', 'COMPLETED'], granted: ['GG 500', 'ONESTORE 500'], consumed: [1, 1], ledger: ['ONESTORE', 'GG'] });
  },
  'emulator-app-store': async (block) => {
    const { lookUpOnTheEmulator } = await load(block);
    const t = await lookUpOnTheEmulator();
    assert.deepEqual([t.productId, t.bundleId, t.environment, t.type], ['gem_500', 'com.example.game', 'Sandbox', 'Consumable']);
  },

  // ---- Runtimes, errors
  init: async (block) => {
    // In a process of its own: the Node entries (which this suite loads) instantiate the same
    // glue, so init() must be the first to load the module. Its default is the .wasm beside the
    // module, fetched: the stub serves that file, so the test sees which URL was asked for.
    const file = moduleOf(block);
    const program = `
      import { readFileSync } from 'node:fs';
      const asked = [];
      globalThis.fetch = async (url) => {
        asked.push(String(url));
        return new Response(readFileSync(new URL(url)), { headers: { 'content-type': 'application/wasm' } });
      };
      const { verify } = await import(${JSON.stringify(pathToFileURL(file).href)});
      const r = verify(process.env.DATA, process.env.SIG, process.env.KEY);
      console.log(JSON.stringify({ asked, orderId: r.orderId }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      encoding: 'utf8',
      env: { ...process.env, DATA: vectorText('google/consumable.json'), SIG: vectorText('google/consumable.sig'), KEY: vectorText('google/test-key-2048.pub') },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { asked: [pathToFileURL(join(repo, 'pkg/web/iap_verify_bg.wasm')).href], orderId: 'GPA.3301-1234-5678-90123' });
  },
  errors: async (block) => {
    const { explain } = await load(block);
    const key = vectorText('google/test-key-2048.pub');
    const sig = vectorText('google/consumable.sig');
    assert.deepEqual(explain(vectorText('google/consumable.json'), sig, key), { ok: true, orderId: 'GPA.3301-1234-5678-90123' });
    const bad = explain(vectorText('google/consumable.json').replace('gem_pack_100', 'gem_pack_999'), sig, key);
    assert.deepEqual([bad.ok, bad.code, bad.retryable], [false, 'INVALID_SIGNATURE', false]);
    const big = explain('x'.repeat(70_000), sig, key);
    assert.deepEqual([big.code, big.details.limit, big.details.unit], ['INPUT_TOO_LARGE', 65_536, 'bytes']);
  },

  // ---- The command line
  'readme-testing': async (block) => {
    const { verifyTestPurchases } = await load(block);
    assert.deepEqual(await verifyTestPurchases(), ['gem_500', 'gem_500']);
  },
  'readme-cli': async (block) => {
    const lines = commandsOf(block);
    assert.equal(lines.length, 2);
    const folder = shellFolder(await cliFiles());
    try {
      const ok = await sh(folder, lines[0]);
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /^VERIFIED {2}Google Play purchase\n/);
      assert.match(ok.stdout, /"orderId": "GPA\.3301-1234-5678-90123"/);
      const receipt = await sh(folder, lines[1]);
      assert.equal(receipt.status, 1, receipt.stderr);
      const out = JSON.parse(receipt.stdout);
      assert.deepEqual([out.ok, out.kind, out.error.code], [false, 'apple-receipt', 'INVALID_CHAIN']);
    } finally {
      folder.remove();
    }
  },
  'cli-verify': async (block) => {
    const lines = commandsOf(block);
    assert.equal(lines.length, 6, 'one expectation per documented command');
    const folder = shellFolder(await cliFiles());
    try {
      const google = await sh(folder, lines[0]);
      assert.equal(google.status, 0, google.stderr);
      assert.match(google.stdout, /^VERIFIED {2}Google Play purchase\n/);
      const receipt = await sh(folder, lines[1]);
      assert.equal(receipt.status, 1);
      assert.match(receipt.stdout, /^INVALID {2}Apple app receipt\nINVALID_CHAIN: /);
      const xcode = await sh(folder, lines[2]);
      assert.equal(xcode.status, 0, xcode.stdout + xcode.stderr);
      assert.match(xcode.stdout, /^VERIFIED {2}/);
      assert.match(xcode.stdout, /"transactionId": "10"/);
      assert.match(xcode.stdout, /trusted through a --root certificate/);
      const notification = await sh(folder, lines[3]);
      assert.equal(notification.status, 1);
      const n = JSON.parse(notification.stdout);
      assert.deepEqual([n.ok, n.kind, n.error.code], [false, 'apple-notification', 'INVALID_CHAIN']);
      const decoded = await sh(folder, lines[4]);
      assert.equal(decoded.status, 0, decoded.stderr);
      assert.match(decoded.stdout, /UNVERIFIED/);
      assert.match(decoded.stdout, /"transactionId": "10"/);
      const batch = await sh(folder, lines[5]);
      assert.equal(batch.status, 0, batch.stderr);
      const results = readFileSync(join(folder.dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(results.map((r) => [r.id, r.ok, r.kind, r.result.purchaseToken, r.result.purchaseState]), [
        ['a', true, 'google-purchase', 'opaque-token-abc.AO-J1Oy', 0],
        ['b', true, 'google-purchase', 'pending-token', 4],
      ]);
    } finally {
      folder.remove();
    }
  },
  'cli-inspect': async (block) => {
    const { explain } = await load(block);
    const receipt = explain(vectorText('public/apple-receipt-tpinapp-sandbox-g5.b64'));
    assert.match(receipt, /^Apple app receipt: verified\nnote BUNDLE_ID_NOT_CHECKED: /);
    assert.match(receipt, /\nMac App Store and iTunes Store Receipt Signing: valid at its receiptCreationDate, SHA-256 F5:2E:5E:9E:/);
    assert.match(receipt, /\nApple Root CA: valid at its receiptCreationDate, SHA-256 B0:B1:73:0E:CB:C7:FF:45:05:14:2C:49:F1:29:5E:6E:DA:6B:CA:ED:7E:2C:68:C5:BE:91:B5:A1:10:01:F0:24$/);
    // A notification without signedDate, judged now, after its leaf expired: the chain says why.
    const expired = explain(vectorText('public/apple-jws-gopay-notification-did-renew-sandbox.jws'));
    assert.match(expired, /^App Store Server Notification V2: INVALID \(CERTIFICATE_EXPIRED\)\n/);
    assert.match(expired, /\nProd ECC Mac App Store and iTunes Store Receipt Signing: NOT valid at its now, /);
    const keys = { key: vectorText('google/test-key-2048.pub'), signature: vectorText('google/consumable.sig') };
    assert.equal(explain(vectorText('google/consumable.json'), keys), 'Google Play purchase: verified');
    assert.equal(explain(vectorText('google/consumable.json').replace('gem_pack_100', 'gem_pack_999'), keys), 'Google Play purchase: INVALID (INVALID_SIGNATURE)');
    assert.match(explain(vectorText('google/consumable.json')), /^Google Play purchase: decoded\nnote MISSING_SIGNATURE_OR_KEY: /);
    assert.equal(explain('hello, world'), 'not recognized: not a recognized format');
  },
  'cli-lookup': async (block) => {
    const lines = commandsOf(block);
    assert.equal(lines.length, 3);
    const { startEmulator } = await import('../../emulator/src/emulator.js');
    // The stores, played by the emulator with the documented ids; the commands are sent to it
    // with --base-url (and Apple's data, signed by the emulator's test root, checked with --root).
    const emu = await startEmulator({
      appStore: { bundleId: 'com.example.app', keyId: 'ABC123', environment: 'Production', appAppleId: 1234567890 },
      googlePlay: { packageName: 'com.example.app' },
    });
    const folder = shellFolder({
      'AuthKey_ABC123.p8': emu.appStore.signingKey,
      'play-key.json': JSON.stringify(emu.googlePlay.serviceAccount),
      'emulator-root.pem': emu.appStore.rootCertificatePem,
    });
    try {
      const env = { APPLE_ISSUER_ID: emu.appStore.issuerId, PURCHASE_TOKEN: 'play-token-unacknowledged' };
      const apple = await sh(folder, lines[0], { env, append: `--base-url ${emu.url} --root emulator-root.pem` });
      assert.equal(apple.status, 0, apple.stdout + apple.stderr);
      const order = JSON.parse(apple.stdout);
      assert.deepEqual(order.decodedTransactions.map((t) => [t.transactionId, t.productId, t.bundleId]), [['2000000100000001', 'gem_500', 'com.example.app']]);
      const google = await sh(folder, lines[1], { env, append: `--base-url ${emu.url}` });
      assert.equal(google.status, 0, google.stdout + google.stderr);
      const purchase = JSON.parse(google.stdout);
      assert.equal(purchase.purchase.productId, 'gem_500');
      assert.equal(purchase.purchase.needsAcknowledgement, true);
      // The Google order id of the same purchase: the order, and the purchase it is for.
      const order2 = await sh(folder, lines[2], { env, append: `--base-url ${emu.url}` });
      assert.equal(order2.status, 0, order2.stdout + order2.stderr);
      const o = JSON.parse(order2.stdout);
      assert.deepEqual([o.orderId, o.state, o.purchase.purchaseToken, o.purchase.needsAcknowledgement], ['GPA.3300-1111-2222-00001', 'PROCESSED', 'play-token-unacknowledged', true]);
    } finally {
      folder.remove();
      await emu.close();
    }
  },
  'readme-dashboard': checkDashboardStarts,
  'dashboard-start': checkDashboardStarts,
  'emulator-install': async (block) => {
    const lines = commandsOf(block);
    assert.equal(lines.length, 2);
    checkInstallLines({ ...block, code: lines[0] }, ['iap-verify', 'iap-verify-emulator']);
    assert.match(lines[1], /^npx iap-verify-emulator --port 8787$/);
    // Port 0 instead of the documented one, which may be taken: it prints each API's base URL.
    const folder = shellFolder();
    const server = serving(folder, lines[1].replace(/^npx /, '').replace('--port 8787', '--port 0'), /IAP emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*App Store API[\s\S]*Play API/);
    try {
      const url = await server.address;
      const state = await (await fetch(`${url}/admin/state`)).json();
      assert.ok(state.payments.length > 0, 'seeded');
    } finally {
      server.child.kill();
      folder.remove();
    }
  },
  // The dashboard's operator pages: configuration blocks are not run but checked against the code
  // that reads them (the server's keys, roles, flags, default port, password hash format) and
  // against each other (the names, folders, hosts and ports one block gives and another uses).
  'dashboard-team-config': (block) => checkDashboardConfig(block),
  'deployment-config': (block) => checkDashboardConfig(block),
  'dashboard-nginx': (block) => checkNginx(block),
  'deployment-nginx': (block) => checkNginx(block),
  'deployment-install': (block) => {
    const [mk, install] = commandsOf(block);
    assert.match(mk, /^mkdir (\/srv\/iap-support) && cd \1$/);
    checkInstallLines({ ...block, code: install }, ['iap-verify-dashboard', 'pg']);
  },
  'deployment-hash-password': async (block) => {
    const [line] = commandsOf(block);
    assert.match(line, /^npx iap-verify-dashboard hash-password\s+#/);
    const r = spawnSync(process.execPath, [join(repo, BINS['iap-verify-dashboard']), 'hash-password'], { input: 'correct horse\n', encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const hash = r.stdout.trim();
    const { verifyPassword } = await import('../../www/server/dashboard-auth.js');
    assert.ok(await verifyPassword('correct horse', hash), 'the printed hash verifies the password typed');
    assert.ok(!(await verifyPassword('wrong horse', hash)));
    // The accounts block shows this format.
    const accounts = blockNamed('deployment-accounts').code;
    assert.ok(accounts.includes(`"${hash.split('$').slice(0, 4).join('$')}$`), `${accounts} shows another hash format than ${hash.slice(0, 20)}`);
  },
  'deployment-accounts': async (block) => {
    const { users } = JSON.parse(block.code);
    const { hashPassword, loadAccounts, isRole } = await import('../../www/server/dashboard-auth.js');
    assert.ok(users.length > 0 && users.every((u) => isRole(u.role) && typeof u.name === 'string'));
    // The same file with a real hash in place of the elided one is accepted by the server's loader.
    const dir = mkdtempSync(join(tmpdir(), 'iap-verify-accounts-'));
    try {
      const file = join(dir, 'accounts.json');
      writeFileSync(file, JSON.stringify({ users: await Promise.all(users.map(async (u) => ({ ...u, password: await hashPassword('a long enough password') }))) }));
      const loaded = loadAccounts(file);
      assert.ok(loaded, 'loaded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  'deployment-postgres': (block) => {
    // The role and database it creates are the ones the config block's audit URL names.
    const url = new URL(JSON.parse(blockNamed('deployment-config').code).audit.postgres);
    const [user, db] = commandsOf(block);
    assert.equal(user, `sudo -u postgres createuser ${url.username}`);
    assert.equal(db, `sudo -u postgres createdb -O ${url.username} ${url.pathname.slice(1)}`);
  },
  'deployment-ledger-grant': async (block) => {
    // The grants are for the config block's ledger: its database, user and tables (the defaults
    // where it names none); SELECT on both tables, UPDATE (the reopen) on the ledger's only.
    // tests/postgres/dashboard-customer.test.mjs runs the dashboard as a role with exactly these.
    const { DEFAULT_TABLE, DEFAULT_PURCHASE_TABLE } = await import('../../pkg/src/postgres.js');
    const ledger = JSON.parse(blockNamed('deployment-config').code).ledger;
    const url = new URL(ledger.postgres);
    const psql = (sql) => `sudo -u postgres psql -d ${url.pathname.slice(1)} -c '${sql}'`;
    assert.deepEqual(commandsOf(block), [
      psql(`GRANT SELECT, UPDATE ON ${ledger.table ?? DEFAULT_PURCHASE_TABLE} TO ${url.username}`),
      psql(`GRANT SELECT ON ${ledger.paymentTable ?? DEFAULT_TABLE} TO ${url.username}`),
    ]);
  },
  'deployment-sessions-table': async (block) => {
    // The table exactly as the dashboard creates it, and the rights it uses (select, insert,
    // update, delete; nothing else), for the config block's ledger database and user (the role
    // without CREATE). tests/postgres/dashboard-sessions.test.mjs runs this SQL and starts the
    // dashboard as a role holding only that grant.
    const { SESSION_TABLE, SESSION_TABLE_SQL } = await import('../../www/server/dashboard-sessions.js');
    const url = new URL(JSON.parse(blockNamed('deployment-config').code).ledger.postgres);
    const m = /^sudo -u postgres psql -d (\S+) <<'SQL'\n([\s\S]*?)\nSQL\n$/.exec(block.code);
    assert.ok(m, block.code);
    assert.equal(m[1], url.pathname.slice(1));
    const statements = m[2].split(';').map((x) => x.trim()).filter(Boolean);
    const flat = (x) => x.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')');
    assert.deepEqual(statements.map(flat), [flat(SESSION_TABLE_SQL), `GRANT SELECT, INSERT, UPDATE, DELETE ON ${SESSION_TABLE} TO ${url.username}`]);
  },
  'deployment-caddy': (block) => {
    const m = /^(\S+) \{\n\s+reverse_proxy 127\.0\.0\.1:(\d+)\n\}\n$/.exec(block.code);
    assert.ok(m, block.code);
    assert.equal(m[1], publicHost());
    assert.equal(Number(m[2]), dashboardDefaultPort());
  },
  'deployment-start': (block) => {
    const [line] = commandsOf(block);
    const m = /^npx iap-verify-dashboard --config (\/srv\/iap-support\/\S+\.json) --public-origin (https:\/\/\S+)$/.exec(line);
    assert.ok(m, line);
    assert.equal(new URL(m[2]).host, publicHost());
    for (const flag of ['--config', '--public-origin']) assert.ok(dashboardUsage().includes(flag), flag);
  },
  'deployment-systemd': (block) => {
    const exec = /^ExecStart=\/usr\/bin\/(npx .*)$/m.exec(block.code)?.[1];
    assert.equal(exec, commandsOf(blockNamed('deployment-start'))[0], 'the unit runs the documented command');
    assert.match(block.code, /^WorkingDirectory=\/srv\/iap-support$/m);
    assert.match(block.code, /^ReadWritePaths=\/srv\/iap-support$/m);
  },
  'cli-detect': async (block) => {
    const { label } = await load(block);
    assert.equal(label(vectorText('google/consumable.json')), 'Google Play purchase');
    assert.equal(label(vectorText('onestore/v21.json')), 'ONE store purchase');
    assert.equal(label(JSON.stringify({ signedPayload: 'a.b.c' })), 'App Store Server Notification V2');
    assert.equal(label('hello, world'), 'not recognized: not a recognized format');
  },
};


// ---------------------------------------------------------------------------------------------
// Checking the dashboard's configuration blocks

const blockNamed = (name) => {
  const b = BLOCKS.find((x) => x.name === name);
  assert.ok(b, `no block named ${name}`);
  return b;
};
const dashboardSource = () => readdirSync(join(repo, 'www/server')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(repo, 'www/server', f), 'utf8')).join('\n');
const dashboardUsage = () => spawnSync(process.execPath, [join(repo, BINS['iap-verify-dashboard']), '--help'], { encoding: 'utf8' }).stdout;
const dashboardDefaultPort = () => Number(/--port N\s+listen port \(default (\d+)/.exec(dashboardUsage())?.[1]);
/** The host of the deployment page's public origin (its start command). */
const publicHost = () => new URL(/--public-origin (\S+)/.exec(blockNamed('deployment-start').code)[1]).host;

/** A config block: JSON, every key one the server reads, every role one it knows. */
async function checkDashboardConfig(block) {
  const conf = JSON.parse(block.code);
  const source = dashboardSource();
  const { isRole } = await import('../../www/server/dashboard-auth.js');
  const walk = (o, path) => {
    for (const [k, v] of Object.entries(o)) {
      if (path.endsWith('.roles')) {
        assert.ok(isRole(k), `${block.file}:${block.line}: ${path}.${k} is no role`);
        continue;
      }
      assert.ok(new RegExp(`[.'"]${k}\\b`).test(source), `${block.file}:${block.line}: ${path}.${k} is read nowhere in www/server/`);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) walk(v, `${path}.${k}`);
    }
  };
  walk(conf, '');
}

/** An nginx block: TLS on 443, to the dashboard's default port on loopback, the Host passed on. */
function checkNginx(block) {
  assert.match(block.code, /listen 443 ssl;/);
  const port = Number(/proxy_pass http:\/\/127\.0\.0\.1:(\d+);/.exec(block.code)?.[1]);
  assert.equal(port, dashboardDefaultPort());
  assert.match(block.code, /proxy_set_header Host \$host;/);
  assert.equal(/server_name (\S+);/.exec(block.code)?.[1], 'support.example.com');
}

// ---------------------------------------------------------------------------------------------
// The tests

test('every code block of the package READMEs and the manual is named, once, and has a harness', () => {
  assert.ok(DOCUMENTS.includes('pkg/README.md') && DOCUMENTS.includes('emulator/README.md') && DOCUMENTS.includes('www/README.md') && DOCUMENTS.includes('docs/apple.md'), DOCUMENTS.join());
  const unnamed = BLOCKS.filter((b) => b.name === null).map((b) => `${b.file}:${b.line}`);
  assert.deepEqual(unnamed, [], 'blocks without a <!-- snippet: name --> line before them');
  const names = BLOCKS.map((b) => b.name);
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], 'names used twice');
  assert.deepEqual(names.filter((n) => !(n in HARNESSES)), [], 'names without a harness');
  assert.deepEqual(Object.keys(HARNESSES).filter((n) => !names.includes(n)), [], 'harnesses without a block');
  // js and sh blocks run, ts blocks are type-checked; a configuration block (json, nginx, a
  // Caddyfile, a systemd unit) is checked against the code that reads it, and only the dashboard's
  // operator pages have them.
  for (const b of BLOCKS) {
    const config = ['json', 'nginx', 'ini', ''].includes(b.lang) && (b.file === 'docs/deployment.md' || b.file === 'www/README.md');
    assert.ok(['js', 'sh', 'ts'].includes(b.lang) || config, `${b.file}:${b.line}: a ${b.lang || 'plain'} block (js and sh run, ts is type-checked)`);
  }
  assert.ok(BLOCKS.length >= 25, `only ${BLOCKS.length} blocks`);
});

for (const block of BLOCKS) {
  test(`${block.file}:${block.line} (${block.lang}) ${block.name ?? '(unnamed)'}`, async () => {
    const harness = HARNESSES[block.name];
    assert.ok(harness, `no harness for ${block.name}`);
    await harness(block);
    ran.add(`${block.file}:${block.line}`);
  });
}

test('every block ran', () => {
  assert.equal(ran.size, BLOCKS.length, `ran ${ran.size} of ${BLOCKS.length}`);
});
