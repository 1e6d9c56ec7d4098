// The module's size: the built wasm gzipped at level 9 (node:zlib, as tests/js/size.test.mjs
// measures), against the figure the size ratchet holds it to (tests/js/size-baseline.json).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { record } from './harness.mjs';

const wasm = readFileSync(new URL('../pkg/web/iap_verify_bg.wasm', import.meta.url));
const gz = gzipSync(wasm, { level: 9 }).length;
const ratchet = JSON.parse(readFileSync(new URL('../tests/js/size-baseline.json', import.meta.url), 'utf8'));
const GOAL = 150_000;
console.log(`\nwasm size: ${wasm.length.toLocaleString('en')} bytes raw, ${gz.toLocaleString('en')} gzipped (-9); ratchet ${ratchet.wasmGzipBytes.toLocaleString('en')}, goal ${GOAL.toLocaleString('en')}`);
record('size', {
  path: 'wasm, gzip -9',
  ours: `${gz.toLocaleString('en')} B (${wasm.length.toLocaleString('en')} B raw)`,
  peer: `the size ratchet's recorded figure (a build may pass it by 2% at most): ${ratchet.wasmGzipBytes.toLocaleString('en')} B`,
  ratio: `${(gz / GOAL).toFixed(2)}× the goal`,
  goal: '≤ 150,000 B',
  met: gz <= GOAL,
});
