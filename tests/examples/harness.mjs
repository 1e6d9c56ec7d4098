// What the tests of examples/ share: each example is copied into an empty temporary directory,
// the package installed there from the tarball `make build` packed, its other dependencies from
// npm (offline: the root `npm ci` has them in the cache), then started as a user would start it.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packedPackages, repo } from '../runtimes/project.mjs';

export { repo };
export const bin = (name) => join(repo, 'node_modules/.bin', name);
export const vector = (p) => join(repo, 'tests/vectors', p);
export const text = (p) => readFileSync(vector(p), 'utf8');
let work;
let tarball;

/** Registers the hooks that make (and remove) the temporary directory of a test file. */
export function workspace() {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'iap-verify-examples-'));
    tarball = packedPackages()['iap-verify'].tarball;
  });
  after(() => rmSync(work, { recursive: true, force: true }));
  return { dir: () => work };
}

/** Copies examples/<name> to a fresh folder and installs its dependencies, iap-verify from the tarball. */
export function install(name, { omitDev = false } = {}) {
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

export const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** Starts a server process and resolves once `ready` matches its output; `stop()` ends it. */
export function start(cmd, args, { cwd, env, ready }) {
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
export function startQuiet(cmd, args, cwd, env = {}) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  return { output: () => out, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill()))) };
}

export const post = (url, body) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });


/**
 * Bundles a worker as `wrangler deploy --dry-run` does (Wrangler 4.164 refuses Node 20, so its CLI
 * runs on the pinned Bun), and writes a workerd config that serves it on `port` with `bindings` as
 * text bindings. `network` lets the worker reach loopback addresses (the local server) too.
 */
export function bundleWorker(dir, { port, bindings, network = false }) {
  const toml = readFileSync(join(dir, 'wrangler.toml'), 'utf8');
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
  const quote = (v) => JSON.stringify(String(v));
  const internet = network ? ', (name = "internet", network = (allow = ["public", "private", "local"]))' : '';
  writeFileSync(
    join(dir, 'dist/config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)${internet}],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "index.js", esModule = embed "index.js"),
    (name = "${wasm}", wasm = embed "${wasm}"),
  ],
  bindings = [${Object.entries(bindings).map(([k, v]) => `(name = ${quote(k)}, text = ${quote(v)})`).join(', ')}],
  compatibilityDate = "${/^compatibility_date = "([^"]+)"/m.exec(toml)[1]}",
);
`,
  );
  return { toml, dist: join(dir, 'dist') };
}
