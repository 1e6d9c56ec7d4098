// Cold start in Node: a fresh process imports the package (instantiating the wasm) and verifies
// one Google purchase, for the full module ('iap-verify') and the module for the edge
// ('iap-verify/verify'), in alternating processes; the time is taken inside the child from before the import to after the first
// verification. Medians of 15 processes. Two costs that are Node's, not the package's, are timed
// apart first: the ESM loader's first dynamic import (of an empty module file) and loading node:crypto
// (which most servers have loaded anyway, for TLS).
// Then workerd, where time stands still inside a worker (it only advances on I/O): the wall time of
// `workerd test` on a worker that imports the bundled package and verifies one purchase, less the
// same for a worker without the package, medians of alternating runs.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { record } from './harness.mjs';

/** The two modules: the full one and the one for the edge (iap-verify/verify). */
const FLAVORS = [
  { key: '', name: "the full module ('iap-verify')", node: '../pkg/node.mjs', workerd: '../pkg/workerd.mjs', wasm: '../pkg/web/iap_verify_bg.wasm' },
  { key: '-verify', name: "the module for the edge ('iap-verify/verify')", node: '../pkg/verify/node.mjs', workerd: '../pkg/verify/workerd.mjs', wasm: '../pkg/verify/web/iap_verify_bg.wasm' },
];
const file = (rel) => fileURLToPath(new URL(rel, import.meta.url));
// In an application the loader is warm by the time it imports the package: the app's own first
// file import paid for it. Here that is an empty module in a file of its own.
const dir = mkdtempSync(join(tmpdir(), 'iap-coldstart-'));
const empty = join(dir, 'empty.mjs');
writeFileSync(empty, 'export default 1;\n');
const vectors = fileURLToPath(new URL('../tests/vectors/', import.meta.url));
const child = (pkg) => `
const n0 = performance.now();
await import(${JSON.stringify(pathToFileURL(empty).href)});
const n1 = performance.now();
await import('node:crypto');
const n2 = performance.now();
const t0 = performance.now();
const iap = await import(${JSON.stringify(pkg)});
const t1 = performance.now();
const { readFileSync } = await import('node:fs');
const r = (p) => readFileSync(${JSON.stringify(vectors)} + p, 'utf8');
const key = r('google/test-key-2048.pub'), data = r('google/consumable.json'), sig = r('google/consumable.sig');
const t2 = performance.now();
new iap.GoogleVerifier(key).verify(data, sig);
const t3 = performance.now();
console.log(JSON.stringify({ loaderMs: n1 - n0, cryptoMs: n2 - n1, importMs: t1 - t0, firstVerifyMs: t3 - t2, totalMs: n2 - n0 + t1 - t0 + t3 - t2 }));
`;
// `node bench/coldstart.bench.mjs /path/to/other/pkg`: the other build's two Node entries join the
// alternation, and their figures are printed beside these (not recorded).
const otherDir = process.argv[2];
const entries = FLAVORS.map((f) => file(f.node));
if (otherDir) entries.push(resolve(otherDir, 'node.mjs'), resolve(otherDir, 'verify/node.mjs'));
const runs = entries.map(() => []);
for (let i = 0; i < 15; i++) {
  const order = entries.map((_, k) => k);
  for (const f of i % 2 ? order.reverse() : order) {
    runs[f].push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child(entries[f])], { encoding: 'utf8' })));
  }
}
const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (otherDir) {
  console.log(`\nCold start, Node, beside the build in ${otherDir} (same processes, alternating, medians)`);
  FLAVORS.forEach((flavor, f) => {
    const share = (r) => mid(r.map((x) => x.importMs + x.firstVerifyMs));
    const [ours, theirs] = [share(runs[f]), share(runs[f + 2])];
    console.log(`  ${flavor.name}: ${ours.toFixed(2)} ms, the other build ${theirs.toFixed(2)} ms (${(ours / theirs).toFixed(2)}×)`);
  });
}
console.log('\nCold start, Node (15 fresh processes per module, alternating, medians)');
FLAVORS.forEach((flavor, f) => {
  const median = (k) => mid(runs[f].map((r) => r[k]));
  const share = median('importMs') + median('firstVerifyMs');
  console.log(` ${flavor.name}:`);
  console.log(`  Node's ESM loader, first import (an empty module): ${median('loaderMs').toFixed(2)} ms`);
  console.log(`  Node's node:crypto, first import: ${median('cryptoMs').toFixed(2)} ms`);
  console.log(`  the package: import + compile + instantiate: ${median('importMs').toFixed(2)} ms`);
  console.log(`  first Google verify (key parse + verify): ${median('firstVerifyMs').toFixed(2)} ms`);
  console.log(`  total: ${median('totalMs').toFixed(2)} ms; the package's share: ${share.toFixed(2)} ms (target ≤ 10 ms)`);
  record(`coldstart-node${flavor.key}`, {
    path: `cold start, Node, ${flavor.name}: the package's share (import + compile + instantiate + first Google verify)`,
    ours: `${share.toFixed(1)} ms (import ${median('importMs').toFixed(1)} + first verify ${median('firstVerifyMs').toFixed(1)})`,
    peer: `Node's own first file import ${median('loaderMs').toFixed(1)} ms and node:crypto ${median('cryptoMs').toFixed(1)} ms, same processes`,
    ratio: `${(share / (median('loaderMs') + median('cryptoMs'))).toFixed(2)}× Node's own`,
    goal: '≤ 10 ms',
    met: share <= 10,
  });
});

// ---- workerd
const workerd = fileURLToPath(new URL('../node_modules/.bin/workerd', import.meta.url));
const config = (withWasm) => `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ] );
const w :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    ${withWasm ? '(name = "iap_verify_bg.wasm", wasm = embed "iap_verify_bg.wasm"),' : ''}
  ],
  compatibilityDate = "2025-09-01",
);
`;
const read = (p) => execFileSync('cat', [join(vectors, p)], { encoding: 'utf8' });
const wd = { without: join(dir, 'without') };
FLAVORS.forEach((_, f) => (wd[f] = join(dir, `with${f}`)));
for (const d of Object.values(wd)) execFileSync('mkdir', ['-p', d]);
for (const [f, flavor] of FLAVORS.entries()) await build({
  stdin: {
    contents: `import { GoogleVerifier } from ${JSON.stringify(file(flavor.workerd))};
export default { async test() {
  const p = new GoogleVerifier(${JSON.stringify(read('google/test-key-2048.pub'))}).verify(${JSON.stringify(read('google/consumable.json'))}, ${JSON.stringify(read('google/consumable.sig'))});
  if (!p.orderId) throw new Error('no orderId');
} };`,
    resolveDir: dir,
    loader: 'js',
  },
  outfile: join(wd[f], 'worker.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['module', 'main'],
  plugins: [{ name: 'wasm', setup: (b) => b.onResolve({ filter: /\.wasm$/ }, () => ({ path: 'iap_verify_bg.wasm', external: true })) }],
  logLevel: 'error',
});
for (const [f, flavor] of FLAVORS.entries()) {
  copyFileSync(file(flavor.wasm), join(wd[f], 'iap_verify_bg.wasm'));
  writeFileSync(join(wd[f], 'config.capnp'), config(true));
}
writeFileSync(join(wd.without, 'worker.mjs'), 'export default { async test() {} };\n');
writeFileSync(join(wd.without, 'config.capnp'), config(false));
const wall = (cwd) => {
  const t = performance.now();
  const r = spawnSync(workerd, ['test', 'config.capnp'], { cwd, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`workerd test failed in ${cwd}: ${r.stderr}`);
  return ms;
};
for (const k of Object.keys(wd)) wall(wd[k]);
const w = Object.fromEntries(Object.keys(wd).map((k) => [k, []]));
const order = Object.keys(wd);
for (let i = 0; i < 11; i++) for (const k of i % 2 ? [...order].reverse() : order) w[k].push(wall(wd[k]));
rmSync(dir, { recursive: true, force: true });
console.log('\nCold start, workerd (`workerd test`, 11 alternating processes each, medians of wall time)');
console.log(`  a worker without the package: ${mid(w.without).toFixed(1)} ms`);
FLAVORS.forEach((flavor, f) => {
  const wShare = mid(w[f]) - mid(w.without);
  console.log(`  ${flavor.name}: a worker importing it bundled and verifying one Google purchase: ${mid(w[f]).toFixed(1)} ms; the package's share: ${wShare.toFixed(1)} ms`);
  record(`coldstart-workerd${flavor.key}`, {
    path: `cold start, workerd, ${flavor.name}: the package's share (load + compile + instantiate + first Google verify, ring)`,
    ours: `${wShare.toFixed(1)} ms`,
    peer: `\`workerd test\` of a worker without the package: ${mid(w.without).toFixed(1)} ms`,
    ratio: `${(mid(w[f]) / mid(w.without)).toFixed(2)}× the empty worker's wall time`,
    goal: '≤ 10 ms',
    met: wShare <= 10,
  });
});
