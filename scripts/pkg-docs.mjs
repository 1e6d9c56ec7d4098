// The package's documentation: pkg/README.md (committed, the user's door) and a copy of the manual,
// docs/*.md, in pkg/docs/ (every page but the repository's own notes). Then every relative link of
// the README and of the copied pages must resolve inside the package, anchors included, so that the
// tarball holds everything its documents point at. Run by scripts/build-pkg.mjs; also on its own
// (`node scripts/pkg-docs.mjs`), as it needs no build.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = new URL('../', import.meta.url);
const pkg = new URL('pkg/', root);

/**
 * Pages of docs/ that the library does not ship: the notes on working on this repository, and the
 * dashboard's deployment guide (the dashboard is its own package, whose README has the essentials).
 */
export const NOT_SHIPPED = ['development.md', 'deployment.md'];

/** The manual's pages that the package ships, by file name. */
export function shippedPages() {
  return readdirSync(new URL('docs/', root))
    .filter((f) => f.endsWith('.md') && !NOT_SHIPPED.includes(f))
    .sort();
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function anchorOf(heading) {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown text's headings (fenced code skipped). */
export function anchorsOf(text) {
  const out = new Set();
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const h = !fence && /^#{1,6} (.+?)\s*#*$/.exec(line);
    if (h) out.add(anchorOf(h[1]));
  }
  return out;
}

/** Relative Markdown links of a text: [{ target, anchor }] (absolute URLs skipped). */
export function relativeLinks(text) {
  const out = [];
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    if (fence) continue;
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(m[1])) continue;
      const [target, anchor] = m[1].split('#');
      out.push({ target, anchor });
    }
  }
  return out;
}

/**
 * Problems with the links of `files` (paths relative to `base`, a directory URL): a target that is
 * not among them or not a file there, an anchor that is not a heading of its page.
 */
export function linkProblems(base, files) {
  const problems = [];
  const held = new Set(files);
  for (const file of files.filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(new URL(file, base), 'utf8');
    for (const { target, anchor } of relativeLinks(text)) {
      const url = target === '' ? new URL(file, base) : new URL(target, new URL(file, base));
      const rel = fileURLToPath(url).slice(fileURLToPath(base).length);
      if (!held.has(rel) || !existsSync(url)) {
        problems.push(`${file} links to ${target}, which the package does not hold`);
        continue;
      }
      if (anchor !== undefined && rel.endsWith('.md') && !anchorsOf(readFileSync(url, 'utf8')).has(anchor)) {
        problems.push(`${file} links to ${target}#${anchor}: no such heading`);
      }
    }
  }
  return problems;
}

/** Copies the manual into pkg/docs/ (and the licence beside the README), and checks the links of everything the package documents. */
export function shipDocs() {
  const out = new URL('docs/', pkg);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);
  const pages = shippedPages();
  copyFileSync(new URL('LICENSE', root), new URL('LICENSE', pkg));
  for (const page of pages) copyFileSync(new URL(`docs/${page}`, root), new URL(page, out));
  const files = ['README.md', 'LICENSE', ...pages.map((p) => `docs/${p}`)];
  const problems = linkProblems(pkg, files);
  if (problems.length > 0) throw new Error(`the package's documents have broken links:\n  ${problems.join('\n  ')}`);
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = shipDocs();
  console.log(`docs: README.md and ${files.length - 2} manual pages in pkg/docs/, every relative link resolving inside the package`);
}
