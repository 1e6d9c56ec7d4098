// Cold start in Node: a fresh process imports the package (instantiating the wasm) and verifies
// one Google purchase; the time is taken inside the child from before the import to after the first
// verification. Medians of 15 processes. Two costs that are Node's, not the package's, are timed
// apart first: the ESM loader's first dynamic import (of an empty module file) and loading node:crypto
// (which most servers have loaded anyway, for TLS).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = fileURLToPath(new URL('../pkg/node.mjs', import.meta.url));
// In an application the loader is warm by the time it imports the package: the app's own first
// file import paid for it. Here that is an empty module in a file of its own.
const dir = mkdtempSync(join(tmpdir(), 'iap-coldstart-'));
const empty = join(dir, 'empty.mjs');
writeFileSync(empty, 'export default 1;\n');
const vectors = fileURLToPath(new URL('../tests/vectors/', import.meta.url));
const child = `
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
const runs = [];
for (let i = 0; i < 15; i++) runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' })));
rmSync(dir, { recursive: true, force: true });
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
console.log('\nCold start, Node (15 fresh processes, medians)');
console.log(`  Node's ESM loader, first import (an empty module): ${median('loaderMs').toFixed(2)} ms`);
console.log(`  Node's node:crypto, first import: ${median('cryptoMs').toFixed(2)} ms`);
console.log(`  the package: import + compile + instantiate: ${median('importMs').toFixed(2)} ms`);
console.log(`  first Google verify (key parse + verify): ${median('firstVerifyMs').toFixed(2)} ms`);
console.log(`  total: ${median('totalMs').toFixed(2)} ms (target ≤ 10 ms); the package's share: ${(median('importMs') + median('firstVerifyMs')).toFixed(2)} ms`);
