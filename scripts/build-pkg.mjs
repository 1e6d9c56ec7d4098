// Finishes pkg/ after wasm-bindgen: fixes up the generated types, copies the licence and the manual
// (docs/*.md to pkg/docs/, checking that every link of the package README and the manual resolves
// inside the package), and prints the wasm size (raw and gzipped).
// (node.cjs is hand-written: it require()s node.mjs, so the package holds one copy of the glue.)
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
// The server APIs' endpoint table and class types, from the Rust declarations (web/endpoints.*).
await import('./gen-endpoints.mjs');
import { gzipSync } from 'node:zlib';
import { shipDocs } from './pkg-docs.mjs';

const pkg = new URL('../pkg/', import.meta.url);

// The types: wasm-bindgen's declarations without its loader section (InitInput, InitOutput,
// initSync, the default init), which names DOM types (RequestInfo, BufferSource, WebAssembly) that a
// Node project compiled without the DOM lib does not have. Stripped in place, because every .d.ts
// of the package imports from this file; the entries call the loader from JS, which needs no types.
const dtsUrl = new URL('web/iap_verify.d.ts', pkg);
const dts = readFileSync(dtsUrl, 'utf8');
const STRIPPED = '// (The loader section is removed by scripts/build-pkg.mjs: the package entries initialize the module.)';
const loader = dts.indexOf('export type InitInput');
if (loader >= 0) {
  writeFileSync(dtsUrl, `${dts.slice(0, loader).trimEnd()}\n\n${STRIPPED}\n`);
} else if (!dts.includes(STRIPPED)) {
  throw new Error('web/iap_verify.d.ts: no InitInput section; has wasm-bindgen changed its output?');
}

// `[Symbol.dispose](): void` on every class: `Symbol.dispose` is a value only in the esnext.disposable
// lib (or @types/node), so a project on TypeScript's default lib (ES5, or es2022 and the like) gets
// one error per class. Instead each class merges with the global `Disposable` interface, which this
// file also declares empty: with esnext.disposable (or @types/node) the declarations merge and the
// class has `[Symbol.dispose]()`, so `using` type-checks; without it the interface is empty and costs
// nothing. (At run time the glue sets the method only where `Symbol.dispose` exists, too.)
const CLASS = /^export class (\w+) \{\n[\s\S]*?^\}$/gm;
const DISPOSE = /^    \[Symbol\.dispose\]\(\): void;\n/m;
const DISPOSABLE = `declare global {
    // Empty unless a lib (esnext.disposable, @types/node) declares \`[Symbol.dispose](): void\` in it.
    interface Disposable {}
}
`;
const disposable = [];
let typed = readFileSync(dtsUrl, 'utf8').replace(CLASS, (block, name) => {
  if (!DISPOSE.test(block)) return block;
  disposable.push(name);
  return block.replace(DISPOSE, '');
});
if (disposable.length > 0) {
  typed = `${typed.trimEnd()}\n\n${DISPOSABLE}\n${disposable.map((c) => `export interface ${c} extends Disposable {}\n`).join('')}`;
  writeFileSync(dtsUrl, typed);
} else if (!typed.includes(DISPOSABLE)) {
  throw new Error('web/iap_verify.d.ts: no [Symbol.dispose] member; has wasm-bindgen changed its output?');
}
if (/^\s+\[Symbol\.dispose\]/m.test(typed)) throw new Error('web/iap_verify.d.ts: a [Symbol.dispose] member is left');

copyFileSync(new URL('../LICENSE', import.meta.url), new URL('LICENSE', pkg));
// The package README (pkg/README.md) is committed; the manual is copied beside it.
shipDocs();
// The dashboard's page is not in this package: www/ is the optional package iap-verify-dashboard
// (`npm pack ./www`), which `iap-verify dashboard` finds when it is installed beside this one.
rmSync(new URL('www', pkg), { recursive: true, force: true });
copyFileSync(new URL('../LICENSE', import.meta.url), new URL('../www/LICENSE', import.meta.url));

const wasm = readFileSync(new URL('web/iap_verify_bg.wasm', pkg));
const gz = gzipSync(wasm, { level: 9 }).length;
const baseline = JSON.parse(readFileSync(new URL('../tests/js/size-baseline.json', import.meta.url), 'utf8')).wasmGzipBytes;
const change = ((gz / baseline - 1) * 100).toFixed(2);
console.log(`wasm: ${wasm.length} bytes raw, ${gz} bytes gzipped (${(gz / 1024).toFixed(1)} KiB; recorded baseline ${baseline}, ${change >= 0 ? '+' : ''}${change}%, tests/js/size.test.mjs allows +2%)`);
