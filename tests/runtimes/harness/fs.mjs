// Stand-in for `node:fs` in the suite bundle: read-only, backed by the files the runner embedded
// (test vectors, certificates), so runtimes without a file system (workerd, browsers) read the
// same bytes. Paths are the virtual `file:///v/...` URLs that the bundler gives each test file's
// `import.meta.url`; see tests/runtimes/bundle.mjs.
import files from 'iap-embedded-files';
import { Buffer } from './buffer.mjs';

function key(path) {
  const href = path instanceof URL ? path.href : String(path).startsWith('file:') ? String(path) : `file://${path}`;
  return new URL(href).pathname;
}

function notFound(path) {
  const e = new Error(`ENOENT: no such file in the embedded test files, '${key(path)}'`);
  e.code = 'ENOENT';
  return e;
}

export function readFileSync(path, options) {
  const data = files[key(path)];
  if (data === undefined) throw notFound(path);
  const bytes = Buffer.from(data, 'base64');
  const encoding = typeof options === 'string' ? options : options?.encoding;
  return encoding ? bytes.toString(encoding) : bytes;
}

export function existsSync(path) {
  const k = key(path).replace(/\/$/, '');
  return files[k] !== undefined || Object.keys(files).some((f) => f.startsWith(`${k}/`));
}

export function readdirSync(path) {
  const dir = `${key(path).replace(/\/$/, '')}/`;
  const names = new Set();
  for (const f of Object.keys(files)) if (f.startsWith(dir)) names.add(f.slice(dir.length).split('/')[0]);
  if (names.size === 0) throw notFound(path);
  return [...names].sort();
}

function readOnly() {
  throw new Error('the embedded file system of the runtime-neutral suite is read-only');
}
export const writeFileSync = readOnly;
export const rmSync = readOnly;
export const mkdirSync = readOnly;
export const promises = {
  readFile: async (path, options) => readFileSync(path, options),
  readdir: async (path) => readdirSync(path),
};
export default { readFileSync, existsSync, readdirSync, writeFileSync, rmSync, mkdirSync, promises };
