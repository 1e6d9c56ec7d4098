// The modules' sizes: each built wasm gzipped at level 9 (node:zlib, as tests/js/size.test.mjs
// measures), against the figure the size ratchet holds it to (tests/js/size-baseline.json). The
// goal of 150,000 bytes is the module for the edge's (iap-verify/verify), which is what a worker
// that only verifies loads.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { record } from './harness.mjs';

const ratchet = JSON.parse(readFileSync(new URL('../tests/js/size-baseline.json', import.meta.url), 'utf8'));
const GOAL = 150_000;
const sized = (path) => {
  const wasm = readFileSync(new URL(path, import.meta.url));
  return { raw: wasm.length, gz: gzipSync(wasm, { level: 9 }).length };
};
const full = sized('../pkg/web/iap_verify_bg.wasm');
const edge = sized('../pkg/verify/web/iap_verify_bg.wasm');
const n = (x) => x.toLocaleString('en');
console.log(`\nwasm size: the full module ${n(full.raw)} bytes raw, ${n(full.gz)} gzipped (-9; ratchet ${n(ratchet.wasmGzipBytes)})`);
console.log(`wasm size: the module for the edge ${n(edge.raw)} bytes raw, ${n(edge.gz)} gzipped (-9; ratchet ${n(ratchet.verifyWasmGzipBytes)}, goal ${n(GOAL)})`);
record('size', {
  path: "wasm, gzip -9: the full module ('iap-verify')",
  ours: `${n(full.gz)} B (${n(full.raw)} B raw)`,
  peer: `the size ratchet's recorded figure (a build may pass it by 2% at most): ${n(ratchet.wasmGzipBytes)} B`,
  ratio: `${(full.gz / ratchet.wasmGzipBytes).toFixed(3)}× the ratchet`,
  goal: 'within the ratchet',
  met: full.gz <= ratchet.wasmGzipBytes * 1.02,
});
record('size-verify', {
  path: "wasm, gzip -9: the module for the edge ('iap-verify/verify')",
  ours: `${n(edge.gz)} B (${n(edge.raw)} B raw)`,
  peer: `the full module, same build: ${n(full.gz)} B`,
  ratio: `${(edge.gz / full.gz).toFixed(2)}× the full module; ${(edge.gz / GOAL).toFixed(2)}× the goal`,
  goal: '≤ 150,000 B',
  met: edge.gz <= GOAL,
});
