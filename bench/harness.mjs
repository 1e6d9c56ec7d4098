// A tiny benchmark harness: candidates run in alternating rounds in one process, so machine noise
// hits all of them alike; each round times a batch; the table shows medians, spread and ratios.
// A candidate is a function doing one operation, or `{ fn, ops }` when one call does `ops`
// operations (a batch); it may return a promise, which is awaited.

const isThenable = (v) => v !== null && typeof v === 'object' && typeof v.then === 'function';

async function timeBatch(fn, calls, isAsync) {
  const t = performance.now();
  if (isAsync) for (let i = 0; i < calls; i++) await fn();
  else for (let i = 0; i < calls; i++) fn();
  return performance.now() - t;
}

/**
 * @param {string} title
 * @param {Record<string, Function | { fn: Function, ops: number }>} candidates
 * @param {{ rounds?: number, minBatchMs?: number, baseline?: string }} [opts]
 */
export async function compare(title, candidates, { rounds = 15, minBatchMs = 40, baseline } = {}) {
  const names = Object.keys(candidates);
  const spec = {};
  for (const name of names) {
    const c = candidates[name];
    const fn = typeof c === 'function' ? c : c.fn;
    const ops = typeof c === 'function' ? 1 : c.ops;
    const isAsync = isThenable(fn());
    for (let i = 0; i < 10; i++) await fn();
    let calls = 1;
    while ((await timeBatch(fn, calls, isAsync)) < minBatchMs / 4 && calls < 1e7) calls *= 2;
    spec[name] = { fn, ops, isAsync, calls: calls * 4 };
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? [...names].reverse() : names) {
      const { fn, ops, isAsync, calls } = spec[name];
      const ms = await timeBatch(fn, calls, isAsync);
      samples[name].push((ms * 1000) / (calls * ops)); // µs per operation
    }
  }
  const stats = names.map((name) => {
    const s = samples[name].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
    return { name, median: q(0.5), p10: q(0.1), p90: q(0.9) };
  });
  const base = stats.find((s) => s.name === (baseline ?? names[names.length - 1]));
  console.log(`\n${title}  (${rounds} alternating rounds; µs per operation)`);
  console.log(`  ${'candidate'.padEnd(58)} ${'median µs'.padStart(10)} ${'p10–p90'.padStart(15)} ${'ops/s'.padStart(8)}  vs ${base.name}`);
  for (const s of stats) {
    const ratio = base.median / s.median;
    const rel = s === base ? 'baseline' : ratio >= 1 ? `${ratio.toFixed(2)}× faster` : `${(1 / ratio).toFixed(2)}× slower`;
    console.log(
      `  ${s.name.padEnd(58)} ${s.median.toFixed(1).padStart(10)} ${`${s.p10.toFixed(1)}–${s.p90.toFixed(1)}`.padStart(15)} ` +
        `${Math.round(1e6 / s.median).toString().padStart(8)}  ${rel}`,
    );
  }
  return stats;
}

// ---- the summary: every benchmark records its rows of issue 15's table in bench/results.json
// (merged by id, so one `make bench` run, which starts from an empty file, fills it), and
// `node scripts/bench-readme.mjs` prints the table and writes it into the README.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const RESULTS = new URL('./results.json', import.meta.url);

/** A ratio as the README prints it: `2.31×`. */
export const times = (r) => `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;

/** The stats row of `name` in what `compare` returned. */
export const median = (stats, name) => {
  const s = stats.find((x) => x.name === name);
  if (!s) throw new Error(`no candidate named ${name}`);
  return s.median;
};

/**
 * Records one row of the summary table.
 * @param {string} id        stable key; the table lists rows in the order of `ORDER` in scripts/bench-readme.mjs
 * @param {{ path: string, ours: string, peer: string, ratio: string, goal: string, met: boolean, value?: number }} row
 *   `ours`/`peer` are printed as given (a figure and what it is), `ratio` compares them.
 */
export function record(id, row) {
  const all = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { rows: {} };
  all.node = process.version;
  all.rows[id] = { ...row, at: new Date().toISOString() };
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

export const us = (v) => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} µs`;
