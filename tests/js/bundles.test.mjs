// The Node entries are bundles of pkg/src/node.mjs (scripts/bundle-entries.mjs): they must be what
// the sources make now, hold no import but Node's own, and share the error classes with every other
// copy of src/error.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeBundles } from '../../scripts/bundle-entries.mjs';

const pkg = new URL('../../pkg/', import.meta.url);

test('pkg/node.mjs and pkg/verify/node.mjs are the bundles the sources make now', async () => {
  const bundles = await nodeBundles(readFileSync(new URL('src/node.mjs', pkg), 'utf8'));
  assert.equal(bundles.length, 2);
  for (const b of bundles) {
    const onDisk = readFileSync(b.path, 'utf8');
    assert.ok(onDisk === b.text, `${b.path} is stale: a source under pkg/src changed since \`make build\` (or \`node scripts/build-pkg.mjs\`)`);
    const imports = [...onDisk.matchAll(/^import\b[^;]*?from "([^"]+)";$/gms)].map((m) => m[1]);
    assert.deepEqual([...new Set(imports)].sort(), ['node:crypto', 'node:fs']);
  }
});

test("the bundles' copies of the error classes are the file's, and the key names this version", async () => {
  const file = await import('../../pkg/src/error.js');
  const full = await import('../../pkg/node.mjs');
  const edge = await import('../../pkg/verify/node.mjs');
  for (const name of ['IapError', 'VerificationException', 'VerificationStatus', 'verificationStatusOf']) {
    assert.equal(full[name], file[name], name);
    assert.equal(edge[name], file[name], name);
  }
  // Each bundle carries its own copy of the class definitions (not an import of the file).
  for (const f of ['node.mjs', 'verify/node.mjs']) assert.match(readFileSync(new URL(f, pkg), 'utf8'), /\bIapError = class extends Error\b/);
  const { version } = JSON.parse(readFileSync(new URL('package.json', pkg), 'utf8'));
  assert.match(readFileSync(new URL('src/error.js', pkg), 'utf8'), new RegExp(`Symbol\\.for\\('iap-verify@${version.replaceAll('.', '\\.')}/errors'\\)`));
  assert.ok(Object.isFrozen(globalThis[Symbol.for(`iap-verify@${version}/errors`)]));
});

test('the bundles keep the names of their classes and functions as written', async () => {
  // esbuild names a class that refers to itself `_X`; the bundle sets the name back (bundle-entries.mjs).
  for (const entry of ['../../pkg/node.mjs', '../../pkg/verify/node.mjs']) {
    const m = await import(entry);
    let functions = 0;
    for (const [name, value] of Object.entries(m)) {
      if (typeof value !== 'function') continue;
      functions++;
      assert.doesNotMatch(value.name, /^_(?!_)/, `${entry}: ${name} is named ${value.name}`);
      for (const method of Object.getOwnPropertyNames(value.prototype ?? {})) {
        const f = Object.getOwnPropertyDescriptor(value.prototype, method)?.value;
        if (typeof f === 'function') assert.doesNotMatch(f.name, /^_(?!_)/, `${entry}: ${name}.prototype.${method} is named ${f.name}`);
      }
    }
    assert.ok(functions > 20, `${entry}: ${functions} functions`);
  }
  const { PaymentFlow, APIException, VerificationException } = await import('../../pkg/node.mjs');
  assert.deepEqual([PaymentFlow.name, APIException.name, VerificationException.name], ['PaymentFlow', 'APIException', 'VerificationException']);
});
