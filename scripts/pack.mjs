// Packs the three packages of this repository, as npm would publish them, into target/packages/:
// the library (pkg/, iap-verify), the local server (emulator/, iap-verify-emulator) and the
// dashboard (www/, iap-verify-dashboard). Run by `make build` after scripts/build-pkg.mjs; the
// package, runtime and example tests install these tarballs side by side into empty projects.
// Also checks that the three share one version and that each one's iap-verify peer is that version.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = new URL('../', import.meta.url);

/** The packages, by folder: each one's name, and the iap-verify version its manifest wants. */
export const PACKAGES = [
  { dir: 'pkg', name: 'iap-verify' },
  { dir: 'emulator', name: 'iap-verify-emulator' },
  { dir: 'www', name: 'iap-verify-dashboard' },
];

/** Where `make build` leaves the tarballs, and the list of them (packages.json). */
export const PACKED_DIR = new URL('target/packages/', root);

/** The three manifests agree: one version, and every dependency on a sibling asks for exactly it. */
export function checkVersions() {
  const manifests = PACKAGES.map((p) => JSON.parse(readFileSync(new URL(`${p.dir}/package.json`, root), 'utf8')));
  const problems = [];
  const [lib] = manifests;
  manifests.forEach((m, i) => {
    if (m.name !== PACKAGES[i].name) problems.push(`${PACKAGES[i].dir}/package.json: name ${m.name}, expected ${PACKAGES[i].name}`);
    if (m.version !== lib.version) problems.push(`${m.name} ${m.version}: not the library's version, ${lib.version}`);
    for (const field of ['dependencies', 'peerDependencies']) {
      for (const [dep, range] of Object.entries(m[field] ?? {})) {
        if (PACKAGES.some((p) => p.name === dep) && range !== lib.version) problems.push(`${m.name}: ${field}.${dep} is ${range}, expected ${lib.version}`);
      }
    }
  });
  if (problems.length > 0) throw new Error(`the packages disagree:\n  ${problems.join('\n  ')}`);
  return lib.version;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const version = checkVersions();
  // The licence ships in each package (generated, not committed).
  for (const p of PACKAGES.slice(1)) copyFileSync(new URL('LICENSE', root), new URL(`${p.dir}/LICENSE`, root));
  rmSync(PACKED_DIR, { recursive: true, force: true });
  mkdirSync(PACKED_DIR, { recursive: true });
  // `./pkg`, not `pkg`: a bare name is looked up in the registry (there is a package called pkg).
  const packed = JSON.parse(execFileSync('npm', ['pack', ...PACKAGES.map((p) => `./${p.dir}`), '--json', '--pack-destination', fileURLToPath(PACKED_DIR), '--loglevel=error'], { cwd: root, encoding: 'utf8' }));
  const list = packed.map((r, i) => ({ dir: PACKAGES[i].dir, name: r.name, version: r.version, filename: r.filename, size: r.size, unpackedSize: r.unpackedSize, files: r.files.map((f) => ({ path: f.path, size: f.size })).sort((a, b) => (a.path < b.path ? -1 : 1)) }));
  writeFileSync(new URL('packages.json', PACKED_DIR), `${JSON.stringify(list, null, 2)}\n`);
  for (const r of list) console.log(`packed ${r.name}@${r.version}: target/packages/${r.filename}, ${r.files.length} files, ${(r.size / 1024).toFixed(1)} KiB (${(r.unpackedSize / 1024).toFixed(1)} KiB unpacked)`);
  if (!list.every((r) => r.version === version)) throw new Error('npm pack reported another version');
}
