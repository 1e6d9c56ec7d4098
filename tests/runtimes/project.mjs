// The packages as a user gets them: the tarballs `make build` packs into target/packages/
// (scripts/pack.mjs), installed side by side into an empty project. Shared by the runtime
// runner, the packaging test and the examples.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** Where `make build` leaves the tarballs, and its list of them. */
export const packedDir = join(repo, 'target/packages');

/**
 * `npm pack`'s report of each package (`{ dir, name, version, filename, size, unpackedSize, files:
 * [{ path, size }] }`), by name, with `tarball`, its path. Fails when `make build` has not packed
 * them, or when a packed file has changed since (the tarball would be stale).
 */
export function packedPackages() {
  const list = join(packedDir, 'packages.json');
  if (!existsSync(list)) throw new Error(`${list} is missing: run make build (it packs the packages)`);
  const packedAt = statSync(list).mtimeMs;
  const out = {};
  for (const p of JSON.parse(readFileSync(list, 'utf8'))) {
    const tarball = join(packedDir, p.filename);
    if (!existsSync(tarball)) throw new Error(`${tarball} is missing: run make build`);
    for (const f of p.files) {
      const source = join(repo, p.dir, f.path);
      if (existsSync(source) && statSync(source).mtimeMs > packedAt) throw new Error(`${p.dir}/${f.path} changed after ${p.filename} was packed: run make build`);
    }
    out[p.name] = { ...p, tarball };
  }
  return out;
}

/** An empty project (a package.json and nothing else) under the system temp directory. */
export function emptyProject(prefix = 'iap-verify-project-') {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const projectDir = join(work, 'project');
  mkdirSync(projectDir);
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: 'iap-verify-consumer', private: true, version: '0.0.0' }, null, 2));
  return { work, projectDir };
}

/**
 * Installs the named packages' tarballs into `projectDir` in one `npm install`, then checks that
 * each was installed from its tarball. Their own dependencies from the registry (the dashboard's
 * `openid-client`) come from npm's cache where it has them: `--prefer-offline`, not `--offline`,
 * because a new machine's cache holds only what `npm ci` fetched, by the lockfile's URLs, without
 * the registry documents an install by version needs.
 */
export function installPackages(projectDir, names, packed = packedPackages()) {
  const tarballs = names.map((n) => {
    if (!packed[n]) throw new Error(`${n} is not among the packed packages (${Object.keys(packed).join(', ')})`);
    return packed[n].tarball;
  });
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: projectDir, stdio: 'pipe' });
  const lock = JSON.parse(readFileSync(join(projectDir, 'package-lock.json'), 'utf8'));
  for (const n of names) {
    const resolved = lock.packages?.[`node_modules/${n}`]?.resolved;
    if (resolved !== `file:${relative(projectDir, packed[n].tarball).split(sep).join('/')}`) {
      throw new Error(`${n} was installed from ${resolved}, not from ${packed[n].tarball}`);
    }
  }
}

/**
 * A fresh project with the library's tarball installed (and those of `packages`, side by side).
 * Returns the project directory, the library's tarball path and its `npm pack` report, and every
 * packed package's report (`all`).
 */
export function installedProject(prefix = 'iap-verify-project-', packages = ['iap-verify']) {
  const all = packedPackages();
  const { work, projectDir } = emptyProject(prefix);
  installPackages(projectDir, packages, all);
  const packed = all['iap-verify'];
  return { work, projectDir, tarball: packed.tarball, packed, all };
}
