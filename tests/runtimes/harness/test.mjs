// Stand-in for `node:test` in runtimes that lack it (workerd, browsers) and, for one behaviour
// everywhere, in Deno and Bun too. It covers what tests/js uses: test/it/describe with options
// (skip, todo, only), the `t` context (subtests, after, skip, diagnostic) and the lifecycle hooks.
// Tests are collected at import time and run by `run()`, one after another, like `node --test`.

const root = { name: '', children: [], before: [], after: [], beforeEach: [], afterEach: [] };
let current = root;

function add(kind, name, options, fn) {
  if (typeof name === 'function') [name, options, fn] = [name.name || '<anonymous>', {}, name];
  if (typeof options === 'function') [options, fn] = [{}, options];
  options ??= {};
  const node = { kind, name: String(name), options, fn, children: [], before: [], after: [], beforeEach: [], afterEach: [] };
  current.children.push(node);
  if (kind === 'suite' && typeof fn === 'function') {
    const parent = current;
    current = node;
    try {
      fn();
    } finally {
      current = parent;
    }
  }
  return node;
}

export function test(name, options, fn) {
  add('test', name, options, fn);
}
test.skip = (name, options, fn) => add('test', name, { ...(typeof options === 'object' ? options : {}), skip: true }, fn ?? options);
test.todo = (name, options, fn) => add('test', name, { ...(typeof options === 'object' ? options : {}), todo: true }, fn ?? options);
test.only = (name, options, fn) => add('test', name, options, fn);
export const it = test;

export function describe(name, options, fn) {
  add('suite', name, options, fn);
}
describe.skip = (name, options, fn) => add('suite', name, { skip: true }, fn ?? options);
describe.only = describe;
export const suite = describe;

export const before = (fn) => current.before.push(fn);
export const after = (fn) => current.after.push(fn);
export const beforeEach = (fn) => current.beforeEach.push(fn);
export const afterEach = (fn) => current.afterEach.push(fn);

export const mock = new Proxy({}, {
  get() {
    throw new Error('node:test mock is not available in the runtime-neutral harness');
  },
});

export default test;

function errorText(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.code ? ` [${e.code}]` : ''}`;
  return String(e);
}

async function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${name}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A `t` context, as node:test passes to each test. */
function context(name, results, path, eachHooks) {
  const cleanups = [];
  let skipped = false;
  const t = {
    name,
    signal: new AbortController().signal,
    diagnostic() {},
    plan() {},
    skip() {
      skipped = true;
    },
    todo() {
      skipped = true;
    },
    after(fn) {
      cleanups.push(fn);
    },
    before() {},
    beforeEach() {},
    afterEach() {},
    mock: mock,
    async test(subName, options, fn) {
      const node = { kind: 'test', name: '', options: {}, fn: null, children: [], before: [], after: [], beforeEach: [], afterEach: [] };
      if (typeof subName === 'function') [subName, options, fn] = [subName.name || '<anonymous>', {}, subName];
      if (typeof options === 'function') [options, fn] = [{}, options];
      Object.assign(node, { name: String(subName), options: options ?? {}, fn });
      const before = results.failed;
      await runNode(node, results, [...path, name], eachHooks);
      if (results.failed > before) throw new Error(`subtest failed: ${subName}`);
    },
  };
  return { t, cleanups, isSkipped: () => skipped };
}

async function runNode(node, results, path, eachHooks) {
  const fullName = [...path, node.name].filter(Boolean).join(' > ');
  if (node.options.skip || node.options.todo) {
    results.skipped++;
    results.tests.push({ name: fullName, status: 'skip' });
    return;
  }
  if (node.kind === 'suite') {
    const hooks = { beforeEach: [...eachHooks.beforeEach, ...node.beforeEach], afterEach: [...node.afterEach, ...eachHooks.afterEach] };
    try {
      for (const h of node.before) await h();
      for (const child of node.children) await runNode(child, results, [...path, node.name], hooks);
    } catch (e) {
      results.failed++;
      results.tests.push({ name: `${fullName} (hook)`, status: 'fail', error: errorText(e) });
    } finally {
      for (const h of node.after) {
        try {
          await h();
        } catch (e) {
          results.failed++;
          results.tests.push({ name: `${fullName} (after)`, status: 'fail', error: errorText(e) });
        }
      }
    }
    return;
  }
  const { t, cleanups, isSkipped } = context(node.name, results, path, eachHooks);
  const started = Date.now();
  let error;
  try {
    for (const h of eachHooks.beforeEach) await h(t);
    if (typeof node.fn === 'function') {
      await withTimeout(Promise.resolve().then(() => node.fn(t)), node.options.timeout ?? 30_000, fullName);
    }
    for (const h of eachHooks.afterEach) await h(t);
  } catch (e) {
    error = e;
  }
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (e) {
      error ??= e;
    }
  }
  const ms = Date.now() - started;
  if (error !== undefined) {
    results.failed++;
    results.tests.push({ name: fullName, status: 'fail', ms, error: errorText(error) });
  } else if (isSkipped()) {
    results.skipped++;
    results.tests.push({ name: fullName, status: 'skip', ms });
  } else {
    results.passed++;
    results.tests.push({ name: fullName, status: 'pass', ms });
  }
}

/**
 * Runs every collected test and returns the counts and each test's outcome. `file` hooks group
 * the tests by the file that declared them (set by the suite bundle).
 */
export async function run() {
  const results = { passed: 0, failed: 0, skipped: 0, tests: [] };
  const started = Date.now();
  await runNode({ ...root, kind: 'suite', name: '', options: {} }, results, [], { beforeEach: [], afterEach: [] });
  results.ms = Date.now() - started;
  return results;
}

/** Starts a named group (one per test file), so results name their file. */
export function beginFile(name) {
  const node = add('suite', name, {}, undefined);
  current = node;
}

/** Ends the group started by `beginFile`. */
export function endFile() {
  current = root;
}
