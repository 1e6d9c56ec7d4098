// Records the size of the built wasm (pkg/web/iap_verify_bg.wasm, after `make build`) in
// tests/js/size-baseline.json, the figure tests/js/size.test.mjs holds the module to (it fails when
// the gzipped module grows more than 2% past it). Run it when a change shrinks the module, or when
// one grows it for a reason, and give the reason in the commit that changes the file.
//   node scripts/size-baseline.mjs           write the baseline
//   node scripts/size-baseline.mjs --check   only print the comparison
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url);
const wasm = readFileSync(new URL('pkg/web/iap_verify_bg.wasm', root));
const file = new URL('tests/js/size-baseline.json', root);
const gz = gzipSync(wasm, { level: 9 }).length;
const before = JSON.parse(readFileSync(file, 'utf8'));
const change = ((gz / before.wasmGzipBytes - 1) * 100).toFixed(2);
console.log(`wasm: ${wasm.length} bytes raw, ${gz} gzipped; baseline ${before.wasmGzipBytes} (${change >= 0 ? '+' : ''}${change}%)`);
if (!process.argv.includes('--check')) {
  writeFileSync(file, `${JSON.stringify({ ...before, wasmGzipBytes: gz, wasmRawBytes: wasm.length }, null, 2)}\n`);
  console.log(`wrote ${file.pathname}`);
}
