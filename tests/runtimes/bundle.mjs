// Bundles the portable files of tests/js into one test program per kind of runtime, with
// node:test, node:assert and node:fs replaced by the harness, the test vectors embedded, and the
// package left to the runtime (a bare `iap-verify` import resolved through the package's
// `exports`) or, for workerd, bundled with the `workerd` condition and the wasm as a module.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../..');
const jsDir = join(repo, 'tests/js');
const harness = join(here, 'harness');

/** Node built-ins the harness stands in for; a test file importing any other one is Node-only. */
const SHIMMED = {
  'node:test': 'test.mjs',
  'node:assert': 'assert.mjs',
  'node:assert/strict': 'assert.mjs',
  'node:fs': 'fs.mjs',
};

/** tests/js files the bundle replaces with a harness file (Node-specific inside, portable API). */
const SWAPPED = { 'services.mjs': 'services.mjs' };

/** Directories embedded in the bundle's read-only file system, as virtual paths under /v/. */
const EMBEDDED = [
  ['tests/vectors', '/v/repo/tests/vectors'],
];

function importsOf(text) {
  const specs = [];
  const re = /(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]|require\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) specs.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return specs;
}

/** Why `file` (and what it imports from tests/js) cannot run outside Node, or null if it can. */
function nodeOnlyReason(file, seen = new Set()) {
  if (seen.has(file)) return null;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (/^\/\/ runtimes: node-only/m.test(text)) return 'marked node-only';
  if (/\bprocess\./.test(text)) return 'uses process';
  for (const spec of importsOf(text)) {
    // load.mjs is the package (replaced by each runtime's entry); SWAPPED files by the harness.
    if (spec === './load.mjs' || (spec.startsWith('./') && spec.slice(2) in SWAPPED)) continue;
    if (spec.startsWith('.')) {
      const reason = nodeOnlyReason(resolve(file, '..', spec), seen);
      if (reason) return reason;
    } else if (!(spec in SHIMMED) && spec !== 'iap-verify') {
      return `imports ${spec}`;
    }
  }
  return null;
}

/** The marker of a portable test file that runs against `iap-verify/verify` too. */
export const VERIFY_MARKER = /^\/\/ runtimes: also iap-verify\/verify$/m;

/**
 * The test files of tests/js, split into those every runtime runs and the Node-only ones, and the
 * portable ones marked to run against the module for the edge as well.
 */
export function selectTests() {
  const portable = [];
  const nodeOnly = [];
  const verify = [];
  for (const name of readdirSync(jsDir).sort()) {
    if (!name.endsWith('.test.mjs')) continue;
    const reason = nodeOnlyReason(join(jsDir, name));
    if (reason) nodeOnly.push({ name, reason });
    else portable.push(name);
    if (!reason && VERIFY_MARKER.test(readFileSync(join(jsDir, name), 'utf8'))) verify.push(name);
  }
  return { portable, nodeOnly, verify };
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function embeddedFiles() {
  const files = {};
  for (const [from, to] of EMBEDDED) {
    const dir = resolve(repo, from);
    for (const p of walk(dir)) files[`${to}/${relative(dir, p)}`] = readFileSync(p).toString('base64');
  }
  return files;
}

/**
 * Writes the suite for one target into `outDir`:
 * - 'esm' / 'cjs': `suite.mjs` / `suite.cjs` exporting `main()`, importing `iap-verify` bare;
 * - 'browser': `suite.browser.mjs`, the same ESM (the page's import map points `iap-verify` at the
 *   package's browser entry);
 * - 'workerd': `worker.mjs`, a worker whose `test()` handler runs the suite, with the package
 *   bundled (conditions workerd, worker, browser) and its wasm imported as `iap_verify_bg.wasm`.
 * - 'browser-bundled': `suite.bundled.mjs`, suite and package bundled for browsers (condition
 *   browser); the wasm is fetched from `web/iap_verify_bg.wasm` beside it.
 * `services` (addresses of servers the runner started on the host) replaces tests/js/services.mjs.
 */
export async function bundleSuite({ target, outDir, projectDir, portable, services = {}, spec = 'iap-verify', suffix = '' }) {
  const entryLines = ["import { beginFile, endFile, run } from 'iap-harness/test.mjs';", 'export async function main() {'];
  for (const name of portable) {
    entryLines.push(`  beginFile(${JSON.stringify(name)});`, `  await import(${JSON.stringify(`./${name}`)});`, '  endFile();');
  }
  entryLines.push('  return run();', '}');
  if (target === 'workerd') {
    entryLines.push(
      'export default {',
      '  async test() {',
      '    const result = await main();',
      "    console.log('IAPRESULT ' + JSON.stringify(result));",
      "    if (result.failed > 0) throw new Error(`${result.failed} test(s) failed`);",
      '  },',
      '};',
    );
  }
  const embedded = `export default ${JSON.stringify(embeddedFiles())};`;
  const bundled = target === 'workerd' || target === 'browser-bundled';

  const plugin = {
    name: 'iap-suite',
    setup(b) {
      b.onResolve({ filter: /^(node:test|node:assert|node:assert\/strict|node:fs)$/ }, (a) => ({ path: join(harness, SHIMMED[a.path]) }));
      b.onResolve({ filter: /^\.\/[a-z-]+\.mjs$/ }, (a) => {
        const name = a.path.slice(2);
        if (a.importer.startsWith(jsDir) && name in SWAPPED) return { path: join(harness, SWAPPED[name]) };
        return undefined;
      });
      b.onResolve({ filter: /^iap-harness\// }, (a) => ({ path: join(harness, a.path.slice('iap-harness/'.length)) }));
      b.onResolve({ filter: /^iap-embedded-files$/ }, () => ({ path: 'files', namespace: 'iap-embedded' }));
      b.onLoad({ filter: /.*/, namespace: 'iap-embedded' }, () => ({ contents: embedded, loader: 'js' }));
      // The package under test: tests/js/load.mjs becomes the package's public name.
      b.onResolve({ filter: /^\.\/load\.mjs$/ }, async (a) => {
        if (!bundled) return { path: spec, external: true };
        return b.resolve(spec, { kind: 'import-statement', resolveDir: projectDir });
      });
      b.onResolve({ filter: /\.wasm$/ }, () => ({ path: 'iap_verify_bg.wasm', external: true }));
      // Each test file sees its own virtual location, so `new URL('../vectors/x', import.meta.url)`
      // lands in the embedded file system.
      b.onLoad({ filter: /tests\/js\/[^/]+\.mjs$/ }, (a) => {
        const url = `file:///v/repo/tests/js/${basename(a.path)}`;
        return { contents: readFileSync(a.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(url)), loader: 'js' };
      });
    },
  };

  const outfile = join(outDir, { esm: `suite${suffix}.mjs`, cjs: `suite${suffix}.cjs`, browser: `suite${suffix}.browser.mjs`, 'browser-bundled': 'suite.bundled.mjs', workerd: 'worker.mjs' }[target]);
  await build({
    stdin: { contents: entryLines.join('\n'), resolveDir: jsDir, sourcefile: 'suite-entry.mjs', loader: 'js' },
    outfile,
    bundle: true,
    format: target === 'cjs' ? 'cjs' : 'esm',
    target: 'es2022',
    conditions: { workerd: ['workerd', 'worker', 'browser'], 'browser-bundled': ['browser'] }[target] ?? [],
    platform: target === 'browser-bundled' ? 'browser' : 'neutral',
    mainFields: ['module', 'main'],
    inject: [join(harness, 'buffer.mjs')],
    define: { __IAP_SERVICES__: JSON.stringify(services) },
    plugins: [plugin],
    logLevel: 'error',
  });
  return outfile;
}

export { repo };
