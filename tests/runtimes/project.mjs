// The package as a user gets it: `npm pack ./pkg`, then the tarball installed into an empty
// project, offline. Shared by the runtime runner and the packaging test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/**
 * Packs pkg/ and installs the tarball into a fresh project under the system temp directory.
 * Returns the project directory, the tarball path and `npm pack`'s JSON report.
 */
export function installedProject(prefix = 'iap-verify-project-') {
  const work = mkdtempSync(join(tmpdir(), prefix));
  // `./pkg`, not `pkg`: a bare name is looked up in the registry (there is a package called pkg).
  const packed = JSON.parse(
    execFileSync('npm', ['pack', './pkg', '--json', '--pack-destination', work, '--loglevel=error'], { cwd: repo, encoding: 'utf8' }),
  )[0];
  const tarball = join(work, packed.filename);
  const projectDir = join(work, 'project');
  mkdirSync(projectDir);
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: 'iap-verify-consumer', private: true, version: '0.0.0' }, null, 2));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: projectDir, stdio: 'pipe' });
  return { work, projectDir, tarball, packed };
}
