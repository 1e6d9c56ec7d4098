// The repository stands alone: no tracked file reads, includes or names the folder that sat beside
// the checkout while the project was being started (its public vectors and certificates are now in
// tests/vectors/public/, with their provenance). A user's clone has nothing beside it, so any such
// path builds here and breaks there; this scan catches it before it lands. Cheap: one `git grep`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
// Spelt in pieces so that this file does not match itself.
const BESIDE = ['\\.\\./', 'shared\\b'].join('');
const FOLDERS = ['\\bshared/', '(vectors|certs|reference)\\b'].join('');

function grep(pattern) {
  const r = spawnSync('git', ['grep', '-n', '-I', '-E', pattern], { cwd: repo, encoding: 'utf8' });
  // git grep: 0 found, 1 nothing found, anything else an error (not a git checkout, say).
  assert.ok(r.status === 0 || r.status === 1, `git grep failed (${r.status}): ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

test('no tracked file names the folder beside the checkout', () => {
  const hits = [...new Set([...grep(BESIDE), ...grep(FOLDERS)])];
  assert.deepEqual(hits, [], `tracked files that point outside the repository:\n${hits.join('\n')}`);
});

test('the scan finds what it looks for', () => {
  // The patterns, tried on text that must match and text that must not.
  const beside = new RegExp(BESIDE);
  const folders = new RegExp(FOLDERS);
  assert.ok(beside.test(`read('${'..'}/${'shared'}/${'vectors'}/x.jws')`));
  assert.ok(folders.test(`include_bytes!("x/${'shared'}/certs/a.pem")`));
  assert.ok(!beside.test('tests/vectors/public/x.jws') && !folders.test('a shared, loaded machine'));
  // And git grep sees this very file (tracked, under tests/), so the scan covers the whole tree.
  assert.ok(grep('Spelt in pieces').some((line) => line.startsWith('tests/repo/standalone.test.mjs:')));
});
