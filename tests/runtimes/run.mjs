#!/usr/bin/env node
// Runs the portable part of tests/js in every runtime the package supports, against the package
// as installed from its tarball, and prints a runtime x result table. Exit code 1 if any runtime
// failed. `RUNTIMES=deno,bun node tests/runtimes/run.mjs` runs a subset.
//
//   node-esm   node, `import 'iap-verify'`           -> exports "import"  (node.mjs)
//   node-cjs   node, `require('iap-verify')`         -> exports "require" (node.cjs)
//   deno       deno run, no permissions at all       -> exports "deno"    (deno.mjs)
//   bun        bun                                   -> exports "bun"     (node.mjs)
//   workerd    workerd test, no nodejs_compat        -> exports "workerd" (workerd.mjs, bundled)
//   chromium   headless Debian chromium, playwright  -> exports "browser" (browser.mjs, import map)
//   chromium-esbuild  the same page, suite and package bundled by esbuild for the browser
//
// Then the files marked `// runtimes: also iap-verify/verify` run again in every runtime against
// `iap-verify/verify`, the module for the edge (rows marked "verify").
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleSuite, selectTests } from './bundle.mjs';
import { installedProject, repo } from './project.mjs';

const bin = (name) => join(repo, 'node_modules/.bin', name);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT_MS = 180_000;

function exec(cmd, args, cwd) {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolveRun({ code: -1, out, err: `${err}${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code: signal ? `killed (${signal}, timeout ${TIMEOUT_MS / 1000}s)` : code, out, err });
    });
  });
}

/** The harness result printed by a launcher (`IAPRESULT {...}` on one line), or an error. */
function parseResult({ code, out, err }) {
  const line = `${out}\n${err}`.split('\n').find((l) => l.includes('IAPRESULT '));
  if (!line) return { error: `no result (exit ${code}): ${(err || out).trim().split('\n').slice(-6).join(' | ')}` };
  const result = JSON.parse(line.slice(line.indexOf('IAPRESULT ') + 'IAPRESULT '.length));
  const entry = `${out}\n${err}`.split('\n').find((l) => l.includes('IAPENTRY '));
  if (entry) result.entry = entry.slice(entry.indexOf('IAPENTRY ') + 'IAPENTRY '.length).trim();
  return result;
}

/** The package's two modules: what the suite imports, its files' suffix, its wasm and browser entry. */
const FLAVORS = {
  full: { spec: 'iap-verify', suffix: '', wasm: 'web/iap_verify_bg.wasm', browser: 'browser.mjs', label: '' },
  verify: { spec: 'iap-verify/verify', suffix: '-verify', wasm: 'verify/web/iap_verify_bg.wasm', browser: 'verify/browser.mjs', label: 'verify' },
};

const launchEsm = (f) => `import { main } from './suite${f.suffix}.mjs';
console.log('IAPENTRY ' + import.meta.resolve('${f.spec}'));
const result = await main();
console.log('IAPRESULT ' + JSON.stringify(result));
`;
const launchCjs = (f) => `const { main } = require('./suite${f.suffix}.cjs');
console.log('IAPENTRY ' + require.resolve('${f.spec}'));
main().then((result) => console.log('IAPRESULT ' + JSON.stringify(result)));
`;

const workerdConfig = () => `using Workerd = import "/workerd/workerd.capnp";

# The worker's fetch() goes out through "internet"; here it may reach loopback only, where the
# runner's local IAP server listens.
const config :Workerd.Config = (
  services = [
    (name = "suite", worker = .suiteWorker),
    (name = "internet", network = (allow = ["local"])),
  ],
);

# No nodejs_compat flag: the package must not need Node built-ins.
const suiteWorker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "iap_verify_bg.wasm", wasm = embed "iap_verify_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
);
`;

const runtimes = {
  async 'node-esm'(p, f) {
    return parseResult(await exec(process.execPath, [`launch${f.suffix}.mjs`], p.projectDir));
  },
  async 'node-cjs'(p, f) {
    return parseResult(await exec(process.execPath, [`launch${f.suffix}.cjs`], p.projectDir));
  },
  async deno(p, f) {
    // No --allow-read: the deno entry loads its wasm with a source-phase import. The network
    // permission covers only the runner's local IAP server.
    const net = p.services.emulator ? [`--allow-net=${new URL(p.services.emulator.url).host}`] : [];
    return parseResult(await exec(bin('deno'), ['run', '--no-lock', '--no-prompt', ...net, `launch${f.suffix}.mjs`], p.projectDir));
  },
  async bun(p, f) {
    return parseResult(await exec(bin('bun'), [`launch${f.suffix}.mjs`], p.projectDir));
  },
  async workerd(p, f) {
    const dir = join(p.work, `workerd${f.suffix}`);
    await bundleSuite({ target: 'workerd', outDir: dir, projectDir: p.projectDir, portable: f.files, services: p.services, spec: f.spec });
    copyFileSync(join(p.projectDir, 'node_modules/iap-verify', f.wasm), join(dir, 'iap_verify_bg.wasm'));
    writeFileSync(join(dir, 'config.capnp'), workerdConfig());
    const r = parseResult(await exec(bin('workerd'), ['test', '--verbose', 'config.capnp'], dir));
    r.entry ??= `${f.suffix ? 'verify/' : ''}workerd.mjs (bundled)`;
    return r;
  },
  async chromium(p, f) {
    // The package unbundled, as a page without a build step loads it: an import map.
    const html = `<script type="importmap">{ "imports": { "${f.spec}": "/pkg/${f.browser}" } }</script>
<script type="module">
  import { main } from '/suite${f.suffix}.browser.mjs';
  main().then((r) => { window.__iapResult = r; }, (e) => { window.__iapResult = { error: String(e && e.stack || e) }; });
</script>`;
    return inChromium(p, html, `${f.browser} (import map)`);
  },
  async 'chromium-esbuild'(p, f) {
    // Suite and package bundled by esbuild for the browser, the wasm copied to web/ beside the
    // bundle, as the README tells esbuild users.
    const dir = join(p.work, `bundled${f.suffix}`);
    await bundleSuite({ target: 'browser-bundled', outDir: dir, projectDir: p.projectDir, portable: f.files, services: p.services, spec: f.spec });
    mkdirSync(join(dir, 'web'), { recursive: true });
    copyFileSync(join(p.projectDir, 'node_modules/iap-verify', f.wasm), join(dir, 'web/iap_verify_bg.wasm'));
    const html = `<script type="module">
  import { main } from '/bundled${f.suffix}/suite.bundled.mjs';
  main().then((r) => { window.__iapResult = r; }, (e) => { window.__iapResult = { error: String(e && e.stack || e) }; });
</script>`;
    return inChromium(p, html, `${f.browser} (esbuild bundle)`);
  },
};

/** Runs a page in headless Chromium and returns the suite's result. */
async function inChromium(p, body, entry) {
  if (!existsSync(CHROMIUM)) return { error: `${CHROMIUM} not found: run scripts/setup.sh chromium` };
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
    // The page, the suite and the installed package's files are served from memory, on the
    // origin of the local IAP server when there is one (so its API is same-origin: no CORS), else
    // http://localhost; both are secure contexts, as https pages are. Only that origin is reachable.
    const origin = p.services.emulator ? new URL(p.services.emulator.url).origin : 'http://localhost';
    const types = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html', '.json': 'application/json' };
    const page404 = { status: 404, body: 'not found' };
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== origin) return route.abort();
      let file;
      if (url.pathname === '/') file = join(p.work, 'index.html');
      else if (/^\/suite(-verify)?\.browser\.mjs$/.test(url.pathname)) file = join(p.work, url.pathname.slice(1));
      else if (url.pathname.startsWith('/pkg/')) file = join(p.projectDir, 'node_modules/iap-verify', url.pathname.slice('/pkg/'.length));
      else if (/^\/bundled(-verify)?\//.test(url.pathname)) file = join(p.work, url.pathname.slice(1));
      else return route.continue(); // the local IAP server's API
      if (!existsSync(file)) return route.fulfill(page404);
      const ext = file.slice(file.lastIndexOf('.'));
      return route.fulfill({ status: 200, contentType: types[ext] ?? 'application/octet-stream', body: readFileSync(file) });
    });
    writeFileSync(join(p.work, 'index.html'), `<!doctype html><meta charset="utf-8"><title>iap-verify suite</title>\n${body}`);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.__iapResult !== undefined, null, { timeout: TIMEOUT_MS });
    const result = await page.evaluate(() => window.__iapResult);
    if (result.error) return { error: `${result.error} ${logs.join(' | ')}` };
    result.entry = entry;
    return result;
  } finally {
    await browser.close();
  }
}

const wanted = (process.env.RUNTIMES ?? Object.keys(runtimes).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
for (const name of wanted) {
  if (!(name in runtimes)) {
    console.error(`unknown runtime '${name}'; known: ${Object.keys(runtimes).join(', ')}`);
    process.exit(2);
  }
}

/** Servers the portable tests use, started once here on loopback (see tests/js/services.mjs). */
async function startServices() {
  const services = {};
  const stops = [];
  const emulatorFile = join(repo, 'emulator/src/emulator.js');
  if (existsSync(emulatorFile)) {
    const { startEmulator } = await import(pathToFileURL(emulatorFile).href);
    const emu = await startEmulator({ port: 0, host: '127.0.0.1' });
    // The App Store face's root travels as base64 (the harness turns it back into bytes).
    const { rootCertificate, ...appStore } = emu.appStore;
    appStore.rootCertificate = Buffer.from(rootCertificate).toString('base64');
    services.emulator = JSON.parse(JSON.stringify({ url: emu.url, iap: emu.iap, gamebase: emu.gamebase, appStore, googlePlay: emu.googlePlay, oneStore: emu.oneStore }));
    stops.push(() => emu.close());
  }
  return { services, stop: async () => Promise.all(stops.map((f) => f())) };
}

const { portable, nodeOnly, verify } = selectTests();
FLAVORS.full.files = portable;
FLAVORS.verify.files = verify;
const project = installedProject('iap-verify-runtimes-');
project.portable = portable;
const hosted = await startServices();
project.services = hosted.services;
try {
  const services = hosted.services;
  for (const f of Object.values(FLAVORS)) {
    const common = { portable: f.files, services, spec: f.spec, suffix: f.suffix };
    await bundleSuite({ target: 'esm', outDir: project.projectDir, ...common });
    await bundleSuite({ target: 'cjs', outDir: project.projectDir, ...common });
    await bundleSuite({ target: 'browser', outDir: project.work, ...common });
    writeFileSync(join(project.projectDir, `launch${f.suffix}.mjs`), launchEsm(f));
    writeFileSync(join(project.projectDir, `launch${f.suffix}.cjs`), launchCjs(f));
  }
  if (services.emulator) console.log(`[runtimes] local IAP server for the suite: ${services.emulator.url}`);

  console.log(`[runtimes] suite: ${portable.length} files of tests/js (${portable.join(', ')})`);
  console.log(`[runtimes] against iap-verify/verify too: ${verify.length} files (${verify.join(', ')})`);
  if (verify.length === 0) throw new Error('no test file is marked to run against iap-verify/verify');
  for (const { name, reason } of nodeOnly) console.log(`[runtimes] Node only (node --test): ${name}, ${reason}`);

  const rows = [];
  for (const f of Object.values(FLAVORS)) for (const runtime of wanted) {
    const name = f.label ? `${runtime} (${f.label})` : runtime;
    const started = Date.now();
    let r;
    try {
      r = await runtimes[runtime](project, f);
    } catch (e) {
      r = { error: String(e?.stack ?? e) };
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const ok = !r.error && r.failed === 0 && r.passed > 0;
    rows.push({ name, r, seconds, ok });
    console.log(`[runtimes] ${name}: ${ok ? 'PASS' : 'FAIL'} (${seconds}s)`);
    for (const t of r.tests ?? []) if (t.status === 'fail') console.log(`    not ok ${t.name}\n      ${t.error}`);
    if (r.error) console.log(`    ${r.error}`);
  }

  const entryName = (e) => (e ? (e.startsWith('file:') || e.startsWith('/') ? relative(join(project.projectDir, 'node_modules/iap-verify'), e.replace(/^file:\/\//, '')) : e) : '?');
  const header = ['runtime', 'entry', 'passed', 'failed', 'skipped', 'seconds', 'result'];
  const table = rows.map(({ name, r, seconds, ok }) => [name, entryName(r.entry), String(r.passed ?? '-'), String(r.failed ?? '-'), String(r.skipped ?? '-'), seconds, ok ? 'PASS' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log();
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table) console.log(line(row));
  const passedRuntimes = rows.filter((r) => r.ok).length;
  const tests = rows.reduce((n, { r }) => n + (r.passed ?? 0), 0);
  const failed = rows.reduce((n, { r }) => n + (r.failed ?? 0) + (r.error ? 1 : 0), 0);
  console.log(`\nruntimes: ${passedRuntimes} of ${rows.length} passed`);
  console.log(`${tests} passed, ${failed} failed`);
  process.exitCode = passedRuntimes === rows.length ? 0 : 1;
} finally {
  await hosted.stop();
  if (!process.env.KEEP_RUNTIME_PROJECT) rmSync(project.work, { recursive: true, force: true });
  else console.log(`[runtimes] kept ${project.work}`);
}
