// A tiny benchmark harness: candidates run in alternating rounds in one process, so machine noise
// hits all of them alike; each round times a batch; the table shows medians, spread and ratios.

/**
 * @param {string} title
 * @param {Record<string, () => unknown>} candidates name -> one operation
 * @param {{ rounds?: number, minBatchMs?: number, baseline?: string }} [opts]
 */
export function compare(title, candidates, { rounds = 15, minBatchMs = 40, baseline } = {}) {
  const names = Object.keys(candidates);
  // Warm up and size each batch so it takes about minBatchMs.
  const batch = {};
  for (const name of names) {
    const fn = candidates[name];
    for (let i = 0; i < 20; i++) fn();
    let n = 1;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < n; i++) fn();
      if (performance.now() - t >= minBatchMs / 4 || n > 1e7) break;
      n *= 2;
    }
    batch[name] = n * 4;
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 ? [...names].reverse() : names) {
      const fn = candidates[name];
      const n = batch[name];
      const t = performance.now();
      for (let i = 0; i < n; i++) fn();
      samples[name].push(((performance.now() - t) * 1000) / n); // µs per op
    }
  }
  const stats = names.map((name) => {
    const s = samples[name].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
    return { name, median: q(0.5), p10: q(0.1), p90: q(0.9) };
  });
  const base = stats.find((s) => s.name === (baseline ?? names[names.length - 1]));
  console.log(`\n${title}  (${rounds} alternating rounds; µs per operation)`);
  console.log(`  ${'candidate'.padEnd(46)} ${'median µs'.padStart(10)} ${'p10–p90'.padStart(17)} ${'ops/s'.padStart(9)} ${'vs ' + base.name}`);
  for (const s of stats) {
    const ratio = base.median / s.median;
    console.log(
      `  ${s.name.padEnd(46)} ${s.median.toFixed(1).padStart(10)} ${`${s.p10.toFixed(1)}–${s.p90.toFixed(1)}`.padStart(17)} ` +
        `${Math.round(1e6 / s.median).toString().padStart(9)} ${s === base ? 'baseline' : ratio >= 1 ? `${ratio.toFixed(2)}× faster` : `${(1 / ratio).toFixed(2)}× slower`}`,
    );
  }
  return stats;
}
