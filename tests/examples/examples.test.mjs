// The examples in examples/, each run as a user would run it: the folder copied into an empty
// temporary directory, the package installed there from the tarball `make build` packed, its
// other dependencies from npm (offline: the root `npm ci` has them in the cache), then started
// with the public and self-made test vectors as input. Nothing is imported from the repository.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packedPackages, repo } from '../runtimes/project.mjs';

const bin = (name) => join(repo, 'node_modules/.bin', name);
const vector = (p) => join(repo, 'tests/vectors', p);
const text = (p) => readFileSync(vector(p), 'utf8');
let work;
let tarball;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'iap-verify-examples-'));
  tarball = packedPackages()['iap-verify'].tarball;
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Copies examples/<name> to a fresh folder and installs its dependencies, iap-verify from the tarball. */
function install(name, { omitDev = false } = {}) {
  const dir = join(work, name);
  cpSync(join(repo, 'examples', name), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  assert.ok(manifest.dependencies['iap-verify'], `${name}/package.json depends on iap-verify`);
  const args = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...(omitDev ? ['--omit=dev'] : []), tarball];
  execFileSync('npm', args, { cwd: dir, stdio: 'pipe' });
  const installed = JSON.parse(readFileSync(join(dir, 'node_modules/iap-verify/package.json'), 'utf8'));
  assert.equal(installed.name, 'iap-verify');
  return dir;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** Starts a server process and resolves once `ready` matches its output; `stop()` ends it. */
function start(cmd, args, { cwd, env, ready }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start in 30 s:\n${out}`)), 30_000);
    const seen = (chunk) => {
      out += chunk;
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ match: m, output: () => out, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill()))) });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited with ${code} before it was ready:\n${out}`));
    });
  });
}

/** Starts a process that says nothing when ready; `output()` and `stop()` as for start(). */
function startQuiet(cmd, args, cwd) {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  return { output: () => out, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill()))) };
}

const post = (url, body) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

test('Express: Google and App Store purchases checked before delivery', async () => {
  const dir = install('express');
  const server = await start(process.execPath, ['server.mjs'], {
    cwd: dir,
    env: {
      PORT: '0',
      GOOGLE_PLAY_LICENSE_KEY: text('google/test-key-2048.pub'),
      // Xcode's StoreKit testing signs with a certificate of its own; the public vector is such a transaction.
      APPLE_ENVIRONMENT: 'Xcode',
      APPLE_BUNDLE_ID: 'com.example.naturelab.backyardbirds.example',
    },
    ready: /listening on (http:\/\/localhost:\d+)/,
  });
  const url = server.match[1];
  try {
    const google = { originalJson: text('google/consumable.json'), signature: text('google/consumable.sig') };
    let r = await post(`${url}/purchases/google`, google);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { state: 'PURCHASED', productId: 'gem_pack_100', orderId: 'GPA.3301-1234-5678-90123' });

    r = await post(`${url}/purchases/google`, { ...google, originalJson: google.originalJson.replace('"quantity":2', '"quantity":20') });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, 'INVALID_SIGNATURE');

    r = await post(`${url}/purchases/google`, { originalJson: text('google/pending.json'), signature: text('google/pending.sig') });
    assert.equal(r.status, 202);
    assert.deepEqual(await r.json(), { state: 'PENDING' });

    r = await post(`${url}/purchases/apple`, { jwsRepresentation: text('public/apple-jws-xcode-signed-transaction.jws') });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { state: 'PURCHASED', productId: 'pass.premium', transactionId: '0' });

    // A transaction of another app (Apple's test CA, bundle com.example): refused, not delivered.
    r = await post(`${url}/purchases/apple`, { jwsRepresentation: text('public/apple-jws-testca-transactionInfo.jws') });
    assert.equal(r.status, 400);
    assert.match((await r.json()).error, /^[A-Z_]+$/);

    r = await post(`${url}/purchases/apple`, { jwsRepresentation: 'not.a.jws' });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error, 'MALFORMED_INPUT');
  } finally {
    await server.stop();
  }
});

test('Cloudflare Worker: bundled by wrangler deploy --dry-run, run in workerd, receives an App Store notification', async () => {
  const dir = install('cloudflare-worker', { omitDev: true });
  const toml = readFileSync(join(dir, 'wrangler.toml'), 'utf8');
  assert.doesNotMatch(toml, /^compatibility_flags/m, "the worker needs no nodejs_compat");
  // Wrangler 4.164 refuses Node 20 (it wants 22.12+); its CLI runs on the pinned Bun instead.
  const wrangler = join(repo, 'node_modules/wrangler/bin/wrangler.js');
  const bundled = spawnSync(bin('bun'), [wrangler, 'deploy', '--dry-run', '--outdir', 'dist'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG_PATH: join(work, 'wrangler-logs') },
  });
  assert.equal(bundled.status, 0, bundled.stdout + bundled.stderr);
  assert.match(bundled.stdout, /--dry-run: exiting now/);
  const files = readdirSync(join(dir, 'dist'));
  const wasm = files.find((f) => f.endsWith('.wasm'));
  assert.ok(files.includes('index.js') && wasm, files.join());
  // The worker, as Cloudflare would run it: the bundle and the wasm as modules, the vars as text
  // bindings (here the notification's app: Apple's sandbox TEST notification for com.Abilities).
  const vars = { APPLE_BUNDLE_ID: 'com.Abilities', APPLE_ENVIRONMENT: 'Sandbox', APPLE_APP_ID: '1234567890' };
  for (const name of Object.keys(vars)) assert.match(toml, new RegExp(`^${name} = `, 'm'), `wrangler.toml sets ${name}`);
  const port = await freePort();
  writeFileSync(
    join(dir, 'dist/config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "index.js"),
    (name = "${wasm}", wasm = embed "${wasm}"),
  ],
  bindings = [${Object.entries(vars).map(([k, v]) => `(name = "${k}", text = "${v}")`).join(', ')}],
  compatibilityDate = "${/^compatibility_date = "([^"]+)"/m.exec(toml)[1]}",
);
`,
  );
  // workerd prints nothing once it listens: the first answered request below is the sign.
  const server = startQuiet(bin('workerd'), ['serve', 'config.capnp', '--verbose'], join(dir, 'dist'));
  const url = `http://127.0.0.1:${port}/`;
  try {
    let r;
    for (let i = 0; i < 100; i++) {
      r = await post(url, { signedPayload: text('public/apple-jws-aporat-notification-test-sandbox.jws') }).catch(() => null);
      if (r) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(r, `workerd did not answer:\n${server.output()}`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { received: '5e09dcfc-205e-4ea1-9883-96676f394992', type: 'TEST' });

    // Apple's test CA is not Apple: refused with 400, so nothing acts on it.
    r = await post(url, { signedPayload: text('public/apple-jws-testca-testNotification.jws') });
    assert.equal(r.status, 400);
    assert.equal(await r.text(), 'INVALID_CHAIN');
    r = await post(url, 'not json');
    assert.equal(r.status, 400);
    r = await fetch(url);
    assert.equal(r.status, 405);
  } finally {
    await server.stop();
  }
});

test('Deno: a Google Play and a ONE store purchase from files', () => {
  const dir = install('deno');
  const deno = (args, key) =>
    spawnSync(bin('deno'), ['run', '--allow-read', '--allow-env', 'main.ts', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, LICENSE_KEY: key, NO_COLOR: '1' },
    });
  // Type-checked against the package's own types, as `deno check` does for a user.
  const checked = spawnSync(bin('deno'), ['check', 'main.ts'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(checked.status, 0, checked.stderr);
  let r = deno([vector('google/consumable.json'), vector('google/consumable.sig')], text('google/test-key-2048.pub'));
  assert.equal(r.status, 0, r.stderr);
  const purchase = JSON.parse(r.stdout);
  assert.equal(purchase.orderId, 'GPA.3301-1234-5678-90123');
  assert.equal(purchase.productId, 'gem_pack_100');

  r = deno([vector('onestore/v21.json'), vector('onestore/v21.sig'), 'onestore'], text('onestore/test-key-2048.pub'));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).purchaseId);

  // The Google purchase checked as a ONE store one (another key, SHA-512): refused.
  r = deno([vector('google/consumable.json'), vector('google/consumable.sig'), 'onestore'], text('onestore/test-key-2048.pub'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^INVALID_SIGNATURE: /);
  r = deno([], text('google/test-key-2048.pub'));
  assert.equal(r.status, 2);
});

test('Bun: an App Store receipt and an Xcode receipt, listed', () => {
  const dir = install('bun');
  const bun = (...args) => spawnSync(bin('bun'), ['receipt.ts', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  let r = bun(vector('public/apple-receipt-tpinapp-sandbox-g5.b64'), '--bundle-id', 'dev.bonzer.weeka.app');
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^dev\.bonzer\.weeka\.app 2 \(ProductionSandbox\), created 2025-12-26T18:39:47\.000Z$/);
  assert.equal(lines.length, 3, r.stdout);
  assert.match(lines[1], /dev\.bonzer\.weeka\.app\.subscription\.pro\.annual {2}transaction 2000001092134138 /);

  r = bun(vector('public/apple-receipt-tpinapp-sandbox-g5.b64'), '--bundle-id', 'com.example.other');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^INVALID_APP_IDENTIFIER: /);

  // Xcode's receipts chain to the certificate Xcode exports, not to Apple's root.
  const xcode = vector('public/apple-receipt-xcode-backyardbirds-with-purchase.b64');
  r = bun(xcode);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^INVALID_CHAIN: /);
  r = bun(xcode, '--root', vector('public/apple-root-StoreKitTestCertificate.cer'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^com\.example\.naturelab\.backyardbirds\.example 1 \(Xcode\)/);
  assert.match(r.stdout, /pass\.premium {2}transaction 0 /);
});
