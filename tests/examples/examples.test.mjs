// The examples in examples/, each run as a user would run it: the folder copied into an empty
// temporary directory, the package installed there from the tarball `make build` packed, its
// other dependencies from npm (offline: the root `npm ci` has them in the cache), then started
// with the public and self-made test vectors as input. Nothing is imported from the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, bundleWorker, freePort, install, post, start, startQuiet, text, vector, workspace } from './harness.mjs';

workspace();

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
  // The worker, as Cloudflare would run it: the bundle and the wasm as modules, the vars as text
  // bindings (here the notification's app: Apple's sandbox TEST notification for com.Abilities).
  const vars = { APPLE_BUNDLE_ID: 'com.Abilities', APPLE_ENVIRONMENT: 'Sandbox', APPLE_APP_ID: '1234567890' };
  const port = await freePort();
  const { toml, dist } = bundleWorker(dir, { port, bindings: vars });
  assert.doesNotMatch(toml, /^compatibility_flags/m, "the worker needs no nodejs_compat");
  for (const name of Object.keys(vars)) assert.match(toml, new RegExp(`^${name} = `, 'm'), `wrangler.toml sets ${name}`);
  // workerd prints nothing once it listens: the first answered request below is the sign.
  const server = startQuiet(bin('workerd'), ['serve', 'config.capnp', '--verbose'], dist);
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
