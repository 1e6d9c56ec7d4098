// The size of both wasm modules, gzipped, held to a ratchet: the figures recorded in
// size-baseline.json (by scripts/size-baseline.mjs), which a module may not outgrow by more than 2%.
// The module for the edge (iap-verify/verify) is also held to its goal, 150,000 bytes, whatever
// its baseline; see "Speed and size".
// Lower the baseline whenever the module shrinks; never raise it without a reason written in the
// commit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const GROWTH_ALLOWED = 0.02;
const GOAL_GZIP_BYTES = 150_000;
const baseline = JSON.parse(readFileSync(new URL('./size-baseline.json', import.meta.url), 'utf8'));

const MODULES = [
  { name: 'the full module', file: '../../pkg/web/iap_verify_bg.wasm', key: 'wasmGzipBytes' },
  { name: 'the module for the edge (iap-verify/verify)', file: '../../pkg/verify/web/iap_verify_bg.wasm', key: 'verifyWasmGzipBytes' },
];

for (const m of MODULES) {
  const recorded = baseline[m.key];
  const ceiling = Math.floor(recorded * (1 + GROWTH_ALLOWED));
  test(`${m.name}: gzipped wasm stays within 2% of the recorded ${recorded} bytes (${ceiling})`, () => {
    assert.ok(Number.isInteger(recorded) && recorded > 0, `size-baseline.json has no ${m.key}`);
    const wasm = readFileSync(new URL(m.file, import.meta.url));
    const gz = gzipSync(wasm, { level: 9 }).length;
    const change = ((gz / recorded - 1) * 100).toFixed(2);
    console.log(`${m.name}: ${wasm.length} bytes raw, ${gz} gzipped (baseline ${recorded}, ${change}%; ceiling ${ceiling}, edge goal ${GOAL_GZIP_BYTES})`);
    if (gz < recorded * (1 - GROWTH_ALLOWED)) {
      console.log('the module shrank by more than 2%: record it with `node scripts/size-baseline.mjs`');
    }
    assert.ok(
      gz <= ceiling,
      `gzipped wasm is ${gz} bytes, ${change}% over the recorded ${recorded} (at most +2%): ` +
        'shrink it, or record a reasoned increase with `node scripts/size-baseline.mjs`',
    );
  });
}

test(`the module for the edge meets its goal: at most ${GOAL_GZIP_BYTES} bytes gzipped`, () => {
  const gz = gzipSync(readFileSync(new URL(MODULES[1].file, import.meta.url)), { level: 9 }).length;
  assert.ok(gz <= GOAL_GZIP_BYTES, `the edge module is ${gz} bytes gzipped, over its goal of ${GOAL_GZIP_BYTES}`);
});

test('the module for the edge is smaller than the full one', () => {
  const gz = (m) => gzipSync(readFileSync(new URL(m.file, import.meta.url)), { level: 9 }).length;
  const [full, edge] = MODULES.map(gz);
  assert.ok(edge < full * 0.7, `edge ${edge} bytes vs full ${full}`);
});
