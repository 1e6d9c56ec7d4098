// Small helpers shared by the demo scripts.
import { readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
export const read = (path) => readFileSync(new URL(path, root), 'utf8');

/** Runs `fn` and prints one line: store, verdict and the fields that matter. */
export function show(store, label, fn, fields) {
  try {
    const result = fn();
    const picked = fields.filter((f) => result[f] !== undefined).map((f) => `${f}=${JSON.stringify(result[f])}`);
    console.log(`  ${store.padEnd(9)} ${label.padEnd(36)} VERIFIED  ${picked.join(' ')}`);
  } catch (e) {
    if (!e.code) throw e;
    console.log(`  ${store.padEnd(9)} ${label.padEnd(36)} REJECTED  ${e.code}: ${e.message}`);
  }
}
