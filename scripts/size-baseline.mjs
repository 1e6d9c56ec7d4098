// Records the size of the built wasm modules (pkg/web/ and pkg/verify/web/, after `make build`) in
// tests/js/size-baseline.json, the figure tests/js/size.test.mjs holds the module to (it fails when
// the gzipped module grows more than 2% past it). Run it when a change shrinks the module, or when
// one grows it for a reason, and give the reason in the commit that changes the file.
//   node scripts/size-baseline.mjs           write the baseline
//   node scripts/size-baseline.mjs --check   only print the comparison
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url);
const file = new URL('tests/js/size-baseline.json', root);
const before = JSON.parse(readFileSync(file, 'utf8'));
const after = { ...before };
for (const [path, key, rawKey] of [
  ['pkg/web/iap_verify_bg.wasm', 'wasmGzipBytes', 'wasmRawBytes'],
  ['pkg/verify/web/iap_verify_bg.wasm', 'verifyWasmGzipBytes', 'verifyWasmRawBytes'],
]) {
  const wasm = readFileSync(new URL(path, root));
  const gz = gzipSync(wasm, { level: 9 }).length;
  const change = before[key] ? `${((gz / before[key] - 1) * 100).toFixed(2)}%` : 'new';
  console.log(`${path}: ${wasm.length} bytes raw, ${gz} gzipped; baseline ${before[key]} (${change})`);
  after[key] = gz;
  after[rawKey] = wasm.length;
}
if (!process.argv.includes('--check')) {
  writeFileSync(file, `${JSON.stringify(after, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}
