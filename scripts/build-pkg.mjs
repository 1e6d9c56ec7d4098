// Finishes pkg/ (the library) after wasm-bindgen: fixes up the generated types, copies the licence and the manual
// (docs/*.md to pkg/docs/, checking that every link of the package README and the manual resolves
// inside the package), and prints the wasm size (raw and gzipped).
// (node.cjs is hand-written: it require()s node.mjs, so require() and import share one instance.
// node.mjs and verify/node.mjs are bundles of src/node.mjs: scripts/bundle-entries.mjs.)
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
// The server APIs' endpoint table and class types, from the Rust declarations (web/endpoints.*).
await import('./gen-endpoints.mjs');
import { gzipSync } from 'node:zlib';
import { shipDocs } from './pkg-docs.mjs';
import { nodeBundles } from './bundle-entries.mjs';

const pkg = new URL('../pkg/', import.meta.url);

// The types: wasm-bindgen's declarations without its loader section (InitInput, InitOutput,
// initSync, the default init), which names DOM types (RequestInfo, BufferSource, WebAssembly) that a
// Node project compiled without the DOM lib does not have. Stripped in place, because every .d.ts
// of the package imports from this file; the entries call the loader from JS, which needs no types.
function fixTypes(dtsUrl) {
const dts = readFileSync(dtsUrl, 'utf8');
const STRIPPED = '// (The loader section is removed by scripts/build-pkg.mjs: the package entries initialize the module.)';
const loader = dts.indexOf('export type InitInput');
if (loader >= 0) {
  writeFileSync(dtsUrl, `${dts.slice(0, loader).trimEnd()}\n\n${STRIPPED}\n`);
} else if (!dts.includes(STRIPPED)) {
  throw new Error(`${dtsUrl.pathname}: no InitInput section; has wasm-bindgen changed its output?`);
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
  throw new Error(`${dtsUrl.pathname}: no [Symbol.dispose] member; has wasm-bindgen changed its output?`);
}
if (/^\s+\[Symbol\.dispose\]/m.test(typed)) throw new Error(`${dtsUrl.pathname}: a [Symbol.dispose] member is left`);
}
fixTypes(new URL('web/iap_verify.d.ts', pkg));
addDeclarations(new URL('web/iap_verify.d.ts', pkg));
writeVerifyEntries();
// The Node entries, each one module file (scripts/bundle-entries.mjs says why).
for (const b of await nodeBundles(readFileSync(new URL('src/node.mjs', pkg), 'utf8'))) writeFileSync(b.path, b.text);

copyFileSync(new URL('../LICENSE', import.meta.url), new URL('LICENSE', pkg));
// The package README (pkg/README.md) is committed; the manual is copied beside it.
shipDocs();
// The local server (emulator/) and the dashboard (www/) are packages of their own, packed beside
// this one by scripts/pack.mjs.

const lean = readFileSync(new URL('verify/web/iap_verify_bg.wasm', pkg));
console.log(`wasm for the edge (iap-verify/verify): ${lean.length} bytes raw, ${gzipSync(lean, { level: 9 }).length} bytes gzipped`);
const wasm = readFileSync(new URL('web/iap_verify_bg.wasm', pkg));
const gz = gzipSync(wasm, { level: 9 }).length;
const baseline = JSON.parse(readFileSync(new URL('../tests/js/size-baseline.json', import.meta.url), 'utf8')).wasmGzipBytes;
const change = ((gz / baseline - 1) * 100).toFixed(2);
console.log(`wasm: ${wasm.length} bytes raw, ${gz} bytes gzipped (${(gz / 1024).toFixed(1)} KiB; recorded baseline ${baseline}, ${change >= 0 ? '+' : ''}${change}%, tests/js/size.test.mjs allows +2%)`);

/**
 * The module's declarations beside wasm-bindgen's (which declares the exported functions and
 * classes): the models, generated from the Rust core by scripts/gen-endpoints.mjs (web/models.d.ts),
 * and the facade's hand-written options and parameters (wasm/ts/*.d.ts), in one file, so that every
 * name the signatures use resolves where they are declared. Appended after a mark, which a second
 * run replaces.
 */
function addDeclarations(dtsUrl) {
  const MARK = '// Models (generated from the Rust core) and the facade\'s options (wasm/ts/):';
  const read = readFileSync(dtsUrl, 'utf8');
  const dts = read.includes(MARK) ? read.slice(0, read.indexOf(MARK)) : read;
  const tsDir = new URL('../wasm/ts/', import.meta.url);
  const parts = [readFileSync(new URL('web/models.d.ts', pkg), 'utf8')];
  for (const f of readdirSync(tsDir).filter((f) => f.endsWith('.d.ts')).sort()) parts.push(readFileSync(new URL(f, tsDir), 'utf8'));
  writeFileSync(dtsUrl, `${dts.trimEnd()}\n\n${MARK}\n\n${parts.map((p) => p.trim()).join('\n\n')}\n`);
}

/**
 * `iap-verify/verify`, the entries of the module for the edge (pkg/verify/, its wasm-bindgen output
 * in pkg/verify/web/): each root entry (node.cjs, deno.mjs, workerd.mjs, browser.mjs,
 * init.mjs) with its paths to src/ one folder up and its API from verify/api.js, so that both sets
 * load their module the same way (a bundle's wasm is `web/iap_verify_bg.wasm` beside it for both)
 * and only one of them is written by hand. The API and types of the edge module are its own.
 */
function writeVerifyEntries() {
  // The API of the edge module: the offline verifiers, toPurchase, subscriptionStatus and RTDN
  // decoding; no server API clients, online (OCSP) checks, Pub/Sub push check or payment flow (those
  // are in 'iap-verify'). Values are registered by the module that verified them: pass a value to
  // toPurchase of the same entry.
  const API = [
    "export * from './web/iap_verify.js';",
    "export { IapError, VerificationException, VerificationStatus, verificationStatusOf } from '../src/error.js';",
    "export { Environment } from '../src/apple.js';",
  ].join('\n');
  const dir = new URL('verify/', pkg);
  for (const f of readdirSync(dir)) if (f !== 'web') rmSync(new URL(f, dir));
  const banner = '// Generated by scripts/build-pkg.mjs from the entry of the same name one folder up.\n';
  // (verify/node.mjs is a bundle: scripts/bundle-entries.mjs.)
  for (const name of ['node.cjs', 'deno.mjs', 'workerd.mjs', 'browser.mjs', 'init.mjs', 'init.d.ts']) {
    // The edge module has no online checks, so no body reader to register (one module file fewer
    // to load), and its three lines of API are written into each entry rather than loaded apart.
    const text = readFileSync(new URL(name, pkg), 'utf8')
      .replace(/^import \{ readBytes \} from '\.\/src\/read-body\.js';\n/m, '')
      .replaceAll('__registerErrorClass(IapError, VerificationException, readBytes);', '__registerErrorClass(IapError, VerificationException);')
      .replace(/^export \* from '\.\/src\/api\.js';$/m, API)
      .replaceAll("'./src/", "'../src/");
    if (text.includes('readBytes')) throw new Error(`pkg/${name}: readBytes is still used; has the entry changed?`);
    if (/'\.\.?\/(?!src\/|web\/|api\.js|init\.mjs|index\.js|node\.mjs)/.test(text)) {
      throw new Error(`pkg/${name}: a relative import the edge entries cannot follow; has the entry changed?`);
    }
    writeFileSync(new URL(name, dir), banner + text);
  }
  // Its types are the full module's (one declaration of each): its values are those its glue
  // exports, every other name of the full declarations is exported as a type only (so that
  // `new AppStoreServerApi()` from iap-verify/verify is a type error, as it is a run-time one).
  const exported = (text, re) => [...text.matchAll(re)].map((m) => m[1]).filter((n) => !n.startsWith('__'));
  const values = exported(readFileSync(new URL('web/iap_verify.js', dir), 'utf8'), /^export (?:function|class|const) (\w+)/gm);
  const declared = exported(readFileSync(new URL('web/iap_verify.d.ts', pkg), 'utf8'), /^export (?:declare )?(?:function|class|const|enum|interface|type) (\w+)/gm);
  const missing = values.filter((v) => !declared.includes(v));
  if (missing.length || values.length < 10) throw new Error(`verify/web/iap_verify.js exports ${missing.join(', ') || 'too little'} without a declaration`);
  const own = ['Environment', 'IapError', 'IapErrorCode', 'VerificationException', 'VerificationStatus', 'verificationStatusOf'];
  const types = [...new Set(declared)].filter((n) => !values.includes(n) && !own.includes(n)).sort();
  writeFileSync(
    new URL('index.d.ts', dir),
    `${banner}// Types of iap-verify/verify, the module for the edge.
export { ${values.sort().join(', ')} } from '../web/iap_verify.js';
export type { ${types.join(', ')} } from '../web/iap_verify.js';
export { IapError, IapErrorCode, VerificationException, VerificationStatus, verificationStatusOf } from '../src/error.js';
export { Environment } from '../src/apple.js';
`,
  );
  rmSync(new URL('web/iap_verify.d.ts', dir), { force: true });
  rmSync(new URL('web/iap_verify_bg.wasm.d.ts', dir), { force: true });
}
