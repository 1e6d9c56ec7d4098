#!/usr/bin/env node
// `iap-verify`: verify or decode one purchase, receipt, signed transaction or notification, or a
// JSON Lines batch of them, from the command line. Exit codes: 0 verified, 1 invalid (the error
// code is printed), 2 usage error. What an input is and whether it checks out is the package's
// `inspect()` (the same call the dashboard makes); the flags, the words and the output live here.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as iap from '../node.mjs';
import { KINDS } from '../src/detect.js';

const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

const HELP = `iap-verify ${VERSION}: verify in-app purchases offline (Google Play, ONE store, Apple)

Usage:
  iap-verify verify <file|-> [options]   detect the input, verify it, print the decoded result
  iap-verify decode <file|-> [options]   decode without verifying (printed as UNVERIFIED)
  iap-verify batch  <file|-> [options]   verify a JSON Lines file, write JSON Lines results
  iap-verify emulator [--port N] [--host H] [--seed FILE]   the local server that plays the
                                         stores (see its --help): the package iap-verify-emulator,
                                         installed apart (npm install iap-verify-emulator)
  iap-verify dashboard [...]             the support dashboard (see its --help): the package
                                         iap-verify-dashboard, installed apart
  iap-verify db migrate|sql [--url URL]  the PostgreSQL table of iap-verify/postgres
  iap-verify apple <what> <id> [...]     look a purchase up with the App Store Server API (see its --help)
  iap-verify google <what> <ids> [...]   look a purchase up with the Play Developer API (see its --help)
  iap-verify onestore <what> <ids> [...] look a purchase up with ONE store's server API V7 (see its --help)
  iap-verify --help | --version

Inputs recognized by 'verify' and 'decode' (- reads standard input):
  Google Play purchase JSON    getOriginalJson() as sent; needs --signature and --key
  ONE store purchase JSON      the same (told apart by its fields, or --store onestore)
  Apple app receipt            base64 PKCS#7 (or the DER bytes)
  Apple iOS 6 transaction      base64 of the old plist receipt (decode only: it has no signature)
  Apple JWS                    header.payload.signature: a transaction, renewal info, app
                               transaction or notification signedPayload (told apart by payload)
  App Store notification       {"signedPayload": "..."}, the body Apple POSTs
  Google RTDN push body        {"message": {"data": "..."}}, the body Pub/Sub POSTs (not signed:
                               authenticate the push request itself)

Options:
  --signature <b64|@file>  Google / ONE store signature (getSignature()), or @file to read it
  --key <b64|@file>        the app's base64 licence key (Play Console / ONE store), or @file
  --store <google|onestore>
                           which store signed a purchase JSON (default: told by its
                           fields, e.g. ONE store's purchaseId)
  --allow-legacy-1024-bit-keys
                           accept a 1024-bit licence key (old test data)
  --root <file>            add a trust anchor, DER or PEM (repeatable), e.g. Xcode's
                           StoreKitTestCertificate.cer: data is accepted if it chains to Apple's
                           roots or to one of these
  --at <time>              verification time, epoch ms or ISO 8601 (default: now). Used where the
                           format judges validity "now": Apple data without a signed date
  --bundle-id <id>         expected Apple bundle id (default: the payload's own, not checked)
  --environment <env>      expected Apple environment: Production, Sandbox, Xcode, LocalTesting
                           (default: the payload's own, not checked)
  --app-apple-id <n>       expected App Apple ID (Production data; default: the payload's own)
  --type <kind>            skip detection: google-purchase, onestore-purchase, apple-receipt,
                           apple-transaction-receipt, apple-transaction, apple-renewal-info,
                           apple-app-transaction, apple-notification, google-rtdn
  --json                   machine output: one JSON object (batch: one per line)
  --no-progress            batch: no progress bar even on a terminal
  -h, --help               this help
  -v, --version            the package version

Batch input, one JSON value per line (blank lines and lines starting with # are skipped):
  "<input text>"                          any input above, as a JSON string
  {"input": "...", "signature": "...", "key": "...", "store": "onestore", "type": "...", "id": ...}
                                          per-line values override the options; id is echoed
  {"signedPayload": "..."} / {"message": {...}}
                                          a notification body as a JSON object
Each result line is {"line", "id"?, "ok", "kind", "result" | "error"}; a summary goes to stderr.

Exit codes: 0 verified (batch: every line), 1 invalid (batch: any line), 2 usage error.
`;

/** @typedef {import('../src/inspect.js').InspectResult} InspectResult */
/** @typedef {import('../src/error.js').IapError} IapError */
/** @typedef {{ write(s: string): unknown, isTTY?: boolean }} Out */
/** @typedef {{ stdout: Out, stderr: Out }} Io */
/** @typedef {{ [flag: string]: string | boolean | string[] | undefined }} Values parseArgs's values */
/**
 * What the command line asks of inspect(): the flags, or a batch line's overrides of them.
 * @typedef {{ store?: 'google' | 'onestore', type?: string, key?: string, signature?: string, allowLegacy: boolean,
 *   roots: Uint8Array[], now: number, bundleId?: string, environment?: string, appAppleId?: number }} Context
 */

/** @satisfies {NonNullable<import('node:util').ParseArgsConfig['options']>} */
const OPTIONS = {
  signature: { type: 'string' },
  key: { type: 'string' },
  store: { type: 'string' },
  'allow-legacy-1024-bit-keys': { type: 'boolean' },
  root: { type: 'string', multiple: true },
  at: { type: 'string' },
  'bundle-id': { type: 'string' },
  environment: { type: 'string' },
  'app-apple-id': { type: 'string' },
  type: { type: 'string' },
  json: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

const ENVIRONMENTS = ['Production', 'Sandbox', 'Xcode', 'LocalTesting'];

/** A mistake in the command line: exit code 2. */
class UsageError extends Error {}

const decoder = new TextDecoder('utf-8');

/**
 * A file's bytes, or standard input's for `-`.
 * @param {string | undefined} path
 */
function readInput(path) {
  if (path === undefined) throw new UsageError('no input: give a file, or - for standard input');
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (e) {
    throw new UsageError(`cannot read ${path === '-' ? 'standard input' : path}: ${errnoText(e)}`);
  }
}

/** What readFileSync's error says: its code, else its message. */
const errnoText = (/** @type {unknown} */ e) => {
  const { code, message } = /** @type {NodeJS.ErrnoException} */ (e);
  return code ?? message;
};

/**
 * `--key`/`--signature` values: the text itself, or `@file` for a file's contents (trimmed).
 * @param {string | undefined} value
 * @param {string} flag
 */
function textOrFile(value, flag) {
  if (value === undefined || !value.startsWith('@')) return value;
  try {
    return readFileSync(value.slice(1), 'utf8').trim();
  } catch (e) {
    throw new UsageError(`${flag} ${value}: cannot read the file (${errnoText(e)})`);
  }
}

/** @param {string} path a certificate file, DER or PEM */
function readRoot(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`--root ${path}: cannot read the file (${errnoText(e)})`);
  }
  const text = bytes.toString('latin1');
  const pem = text.match(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/);
  return new Uint8Array(pem ? Buffer.from(pem[1].replace(/\s+/g, ''), 'base64') : bytes);
}

/** @param {string | undefined} value */
function parseTime(value) {
  if (value === undefined) return undefined;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms)) throw new UsageError(`--at ${value}: not epoch milliseconds or an ISO 8601 date`);
  return ms;
}

/**
 * What `inspect` says about one input (the package's own detection, verification and decoding),
 * or a usage error for what the command line must supply: an input it cannot tell, a purchase
 * without --signature and --key, Apple data whose environment or App Apple ID is not in it.
 * @param {Context} ctx
 * @param {Uint8Array} bytes
 * @param {boolean} decodeOnly
 */
function inspectInput(ctx, bytes, decodeOnly) {
  if (ctx.type !== undefined && !Object.hasOwn(KINDS, ctx.type)) throw new UsageError(`--type ${ctx.type}: expected one of ${Object.keys(KINDS).join(', ')}`);
  const r = iap.inspect(bytes, {
    // Checked: a kind, and (contextFrom) one of the environments; inspect checks the rest.
    type: /** @type {import('../src/inspect.js').InputKind | undefined} */ (ctx.type),
    store: ctx.store,
    key: ctx.key,
    signature: ctx.signature,
    allowLegacy1024BitKeys: ctx.allowLegacy,
    extraRoots: ctx.roots,
    now: ctx.now,
    bundleId: ctx.bundleId,
    environment: /** @type {import('../src/inspect.js').InspectOptions['environment']} */ (ctx.environment),
    appAppleId: ctx.appAppleId,
    decodeOnly,
  });
  if (r.kind === undefined) throw new UsageError(`cannot tell what this input is: ${r.error?.details?.reason} (see --help for the recognized inputs, or use --type)`);
  if (r.notes.some((n) => n.code === 'MISSING_SIGNATURE_OR_KEY')) throw new UsageError('a signed purchase needs --signature and --key (the text, or @file)');
  const option = r.error?.code === 'INVALID_ARGUMENT' ? r.error.details?.option : undefined;
  if (option === 'environment') {
    const env = r.error?.details?.value;
    throw new UsageError(`the environment is ${env === undefined ? 'not in the payload' : `'${env}'`}: pass --environment`);
  }
  if (option === 'appAppleId') throw new UsageError('Production data: pass --app-apple-id');
  return r;
}

/**
 * inspect's notes in this command's words: they name its flags where the library's name options.
 * @type {Partial<Record<import('../src/inspect.js').InspectNoteCode, (r: InspectResult) => string>>}
 */
const NOTE_TEXT = {
  GUESSED_KIND: (r) => `read as ${r.label}, the kind its payload fits best: the payload names none of the fields that tell the Apple kinds apart (--type chooses another)`,
  TEST_DATA: () => 'TEST DATA: signed by a local Xcode/StoreKit key, not by Apple',
  TRUSTED_BY_EXTRA_ROOT: () => 'trusted through a --root certificate, not an Apple root',
  BUNDLE_ID_NOT_CHECKED: () => 'bundle id not checked (taken from the payload; pass --bundle-id to require one)',
  ENVIRONMENT_NOT_CHECKED: () => 'environment not checked (taken from the payload; pass --environment to require one)',
  TRAILING_NEWLINE_IGNORED: () => "verified without the file's final newline",
  NO_SIGNATURE: () => 'a Pub/Sub push body carries no signature: authenticate the push request (its OIDC token) before trusting it',
  NOT_VERIFIABLE_OFFLINE: () => 'an iOS 6 transaction receipt cannot be verified offline; look the transaction up with the App Store Server API',
};

/**
 * The notes printed: of an invalid input, only how its kind was chosen. The command has never
 * said "bundle id not checked" of a receipt, and has always said it of renewal info (which has
 * no bundle id, so inspect does not): both kept as they were.
 * @param {InspectResult} r
 * @param {Context} ctx
 */
function notesOf(r, ctx) {
  /** @type {Array<{ code: import('../src/inspect.js').InspectNoteCode, message?: string }>} */
  let notes = r.notes;
  if (r.status === 'invalid') notes = notes.filter((n) => n.code === 'GUESSED_KIND');
  else if (r.kind === 'apple-receipt') notes = notes.filter((n) => n.code !== 'BUNDLE_ID_NOT_CHECKED');
  else if (r.kind === 'apple-renewal-info' && r.verified && ctx.bundleId === undefined) {
    const at = notes.findIndex((n) => n.code === 'ENVIRONMENT_NOT_CHECKED');
    notes = [...notes.slice(0, at < 0 ? notes.length : at), { code: 'BUNDLE_ID_NOT_CHECKED' }, ...notes.slice(at < 0 ? notes.length : at)];
  }
  return notes.map((n) => NOTE_TEXT[n.code]?.(r) ?? n.message ?? n.code);
}

/** @param {string | Uint8Array} input */
function toBytes(input) {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input;
}

/**
 * The package's option names that have a flag here: messages name the flag instead.
 * @type {Record<string, string>}
 */
const OPTION_FLAGS = { allowLegacy1024BitKeys: '--allow-legacy-1024-bit-keys', rootCertificates: '--root' };

/**
 * @param {IapError} e
 * @returns {{ code: string, message: string, details?: Record<string, unknown> }}
 */
function errorJson(e) {
  const message = e.message.replace(/\b(allowLegacy1024BitKeys|rootCertificates)\b/g, (name) => OPTION_FLAGS[name]);
  /** @type {{ code: string, message: string, details?: Record<string, unknown> }} */
  const out = { code: e.code, message };
  if (e.details !== undefined) out.details = e.details;
  return out;
}

/**
 * @param {Values} values the flags (their types are OPTIONS')
 * @returns {Context}
 */
function contextFrom(values) {
  const str = (/** @type {string} */ flag) => /** @type {string | undefined} */ (values[flag]);
  const store = str('store');
  if (store !== undefined && store !== 'google' && store !== 'onestore') throw new UsageError(`--store ${store}: expected google or onestore`);
  const environment = str('environment');
  if (environment !== undefined && !ENVIRONMENTS.includes(environment)) {
    throw new UsageError(`--environment ${environment}: expected one of ${ENVIRONMENTS.join(', ')}`);
  }
  let appAppleId;
  if (values['app-apple-id'] !== undefined) {
    appAppleId = Number(values['app-apple-id']);
    if (!Number.isSafeInteger(appAppleId)) throw new UsageError('--app-apple-id must be an integer');
  }
  return {
    store,
    type: str('type'),
    key: textOrFile(str('key'), '--key'),
    signature: textOrFile(str('signature'), '--signature'),
    allowLegacy: values['allow-legacy-1024-bit-keys'] === true,
    roots: (/** @type {string[] | undefined} */ (values.root) ?? []).map(readRoot),
    now: parseTime(str('at')) ?? Date.now(),
    bundleId: str('bundle-id'),
    environment,
    appAppleId,
  };
}

/**
 * @param {Out} out
 * @param {{ status: string, label?: string, result?: unknown, notes?: string[], error?: { code: string, message: string } }} shown
 */
function printHuman(out, { status, label, result, notes, error }) {
  const lines = [`${status}  ${label}`];
  for (const n of notes ?? []) lines.push(`note: ${n}`);
  if (error) lines.push(`${error.code}: ${error.message}`);
  if (result !== undefined) lines.push(JSON.stringify(result, null, 2));
  out.write(`${lines.join('\n')}\n`);
}

/**
 * `verify` or `decode` of one input.
 * @param {'verify' | 'decode'} command
 * @param {Values} values
 * @param {string[]} positionals
 * @param {Io} io
 */
function single(command, values, positionals, io) {
  const ctx = contextFrom(values);
  const r = inspectInput(ctx, readInput(positionals[0]), command === 'decode');
  const { kind } = r;
  const marks = r.guessed ? { guessed: true } : {};
  const notes = notesOf(r, ctx);
  if (r.status === 'invalid') {
    // inspect's invalid result always has its error.
    const error = /** @type {IapError} */ (r.error);
    // The caller's own values (e.g. a misspelt environment) are a usage error, not bad data.
    const code = error.code === 'INVALID_ARGUMENT' ? 2 : 1;
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: false, kind, ...marks, error: errorJson(error), ...(notes.length > 0 ? { notes } : {}) })}\n`);
    else printHuman(io.stdout, { status: 'INVALID', label: r.label, error: errorJson(error), notes });
    return code;
  }
  if (command === 'decode') {
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: true, verified: false, kind, ...marks, unverified: true, result: r.result, ...(notes.length > 0 ? { notes } : {}) })}\n`);
    else printHuman(io.stdout, { status: 'UNVERIFIED (decoded only, nothing was checked)', label: r.label, result: r.result, notes });
    return 0;
  }
  const status = r.verified ? 'VERIFIED' : 'DECODED (this kind of input carries no signature)';
  if (values.json) io.stdout.write(`${JSON.stringify({ ok: true, verified: r.verified, kind, ...marks, result: r.result, notes })}\n`);
  else printHuman(io.stdout, { status, label: r.label, result: r.result, notes });
  return 0;
}

/**
 * One batch line: the input bytes and the per-line overrides (the line's JSON, checked by name).
 * @param {string} line
 * @returns {{ bytes: Uint8Array, id?: unknown, overrides: Record<string, any> }}
 */
function batchItem(line) {
  const value = JSON.parse(line);
  if (typeof value === 'string') return { bytes: toBytes(value), overrides: {} };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('a line must be a JSON string or object');
  if (typeof value.input === 'string') {
    const { input, id, ...overrides } = value;
    for (const k of Object.keys(overrides)) {
      if (!['signature', 'key', 'store', 'type', 'bundleId', 'environment', 'appAppleId'].includes(k)) throw new UsageError(`unknown field '${k}'`);
    }
    return { bytes: toBytes(input), id, overrides };
  }
  // A notification body given as an object; signed purchase JSON must come as "input" (its exact
  // bytes are signed, and re-serializing an object would change them).
  if (typeof value.signedPayload === 'string' || (value.message && typeof value.message === 'object')) {
    return { bytes: toBytes(JSON.stringify(value)), overrides: {} };
  }
  throw new UsageError('an object line needs "input" (or is a {"signedPayload"} / {"message"} body)');
}

/**
 * @param {Io} io
 * @param {boolean} enabled
 * @returns {{ tick(i: number, total: number): void, done(): void }}
 */
function progressBar(io, enabled) {
  if (!enabled) return { tick() {}, done() {} };
  let last = 0;
  const draw = (/** @type {number} */ i, /** @type {number} */ total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((i / total) * width);
    io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${i}/${total}`);
  };
  return {
    tick(i, total) {
      const now = Date.now();
      if (now - last >= 50 || i === total) {
        last = now;
        draw(i, total);
      }
    },
    done() {
      io.stderr.write('\r\x1b[K');
    },
  };
}

/**
 * `batch`: a JSON Lines file of inputs.
 * @param {Values} values
 * @param {string[]} positionals
 * @param {Io} io
 */
function batch(values, positionals, io) {
  const base = contextFrom(values);
  const lines = decoder.decode(readInput(positionals[0])).split(/\r?\n/);
  const work = lines.map((text, i) => ({ text: text.trim(), line: i + 1 })).filter((l) => l.text !== '' && !l.text.startsWith('#'));
  const showProgress = io.stderr.isTTY === true && values['no-progress'] !== true;
  const bar = progressBar(io, showProgress);
  const counts = { verified: 0, decoded: 0, invalid: 0, unusable: 0 };
  /** @type {Record<string, number>} */
  const byCode = {};
  const started = Date.now();
  work.forEach(({ text, line }, i) => {
    /** @type {Record<string, unknown>} */
    let out;
    /** @type {unknown} */
    let id;
    try {
      const item = batchItem(text);
      id = item.id;
      const o = item.overrides;
      const ctx = {
        ...base,
        store: o.store ?? base.store,
        type: o.type ?? base.type,
        key: o.key ?? base.key,
        signature: o.signature ?? base.signature,
        bundleId: o.bundleId ?? base.bundleId,
        environment: o.environment ?? base.environment,
        appAppleId: o.appAppleId ?? base.appAppleId,
      };
      const r = inspectInput(ctx, item.bytes, false);
      const marks = r.guessed ? { guessed: true } : {};
      const notes = notesOf(r, ctx);
      if (r.status === 'invalid') {
        const error = /** @type {IapError} */ (r.error);
        counts.invalid++;
        byCode[error.code] = (byCode[error.code] ?? 0) + 1;
        out = { ok: false, kind: r.kind, ...marks, error: errorJson(error) };
      } else {
        counts[r.verified ? 'verified' : 'decoded']++;
        out = { ok: true, verified: r.verified, kind: r.kind, ...marks, result: r.result };
      }
      if (notes.length > 0) out.notes = notes;
    } catch (e) {
      if (!(e instanceof UsageError) && !(e instanceof SyntaxError)) throw e;
      counts.unusable++;
      out = { ok: false, error: { code: 'UNUSABLE_LINE', message: e.message } };
    }
    io.stdout.write(`${JSON.stringify({ line, ...(id === undefined ? {} : { id }), ...out })}\n`);
    bar.tick(i + 1, work.length);
  });
  bar.done();
  const seconds = ((Date.now() - started) / 1000).toFixed(2);
  const codes = Object.entries(byCode).map(([c, n]) => `${c} ${n}`).join(', ');
  io.stderr.write(
    `batch: ${work.length} inputs, ${counts.verified} verified, ${counts.decoded} decoded only, ${counts.invalid} invalid${codes ? ` (${codes})` : ''}, ${counts.unusable} unusable lines, ${seconds}s\n`,
  );
  return counts.invalid + counts.unusable > 0 ? 1 : 0;
}

/**
 * Commands in their own modules, loaded when used: this package's (`file`, and `fn` when the
 * function is not `main`), or another package's (`package`, imported by `specifier`).
 * @type {Record<string, { package: string, specifier: string } | { file: string, fn?: string }>}
 */
const PLUGINS = {
  emulator: { package: 'iap-verify-emulator', specifier: 'iap-verify-emulator/cli' },
  dashboard: { package: 'iap-verify-dashboard', specifier: 'iap-verify-dashboard' },
  db: { file: '../src/db-cli.js' },
  apple: { file: '../src/lookup-cli.js' },
  google: { file: '../src/lookup-cli.js', fn: 'google' },
  onestore: { file: '../src/lookup-cli.js', fn: 'onestore' },
};

/** True when `e` says that the package `name` itself is not installed (not one of its imports). */
const packageMissing = (/** @type {unknown} */ e, /** @type {string} */ name) => {
  const { code, message } = /** @type {NodeJS.ErrnoException} */ (e ?? {});
  return code === 'ERR_MODULE_NOT_FOUND' && String(message).includes(`'${name}'`);
};

/** @typedef {Record<string, (argv: string[]) => unknown>} CommandModule a command's module: its functions by name */

/**
 * Another package's module, from the user's project: beside this package (where npm installs it),
 * else from the current folder (this package installed globally). Undefined when it is not installed.
 * @param {string} specifier
 * @param {string} name the package
 * @returns {Promise<CommandModule | undefined>}
 */
async function importPackage(specifier, name) {
  try {
    return await import(specifier);
  } catch (e) {
    if (!packageMissing(e, name)) throw e;
  }
  let file;
  try {
    file = createRequire(join(process.cwd(), 'package.json')).resolve(specifier);
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
  return import(pathToFileURL(file).href);
}

/**
 * @param {string} command a key of PLUGINS
 * @param {string[]} argv
 * @param {Io} io
 */
async function plugin(command, argv, io) {
  const p = PLUGINS[command];
  /** @type {CommandModule | undefined} */
  let mod;
  if ('package' in p) {
    mod = await importPackage(p.specifier, p.package);
    if (mod === undefined) {
      io.stderr.write(`iap-verify: '${command}' is the optional package ${p.package}, which is not installed: npm install ${p.package}\n`);
      return 2;
    }
  } else {
    try {
      mod = /** @type {CommandModule} */ (await import(new URL(p.file, import.meta.url).href));
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'ERR_MODULE_NOT_FOUND') throw e;
      io.stderr.write(`iap-verify: the '${command}' command is not part of this build (${p.file.slice(3)} is missing)\n`);
      return 2;
    }
  }
  const r = await mod[('fn' in p && p.fn) || 'main'](argv);
  // A number is an exit code; anything else (a running server) keeps the process alive.
  return typeof r === 'number' ? r : undefined;
}

/**
 * The command line, testable: returns the exit code (or undefined while a server keeps running).
 * @param {string[]} argv arguments after `iap-verify`
 * @param {Io} [io]
 * @returns {Promise<number | undefined>}
 */
export async function main(argv, io = { stdout: process.stdout, stderr: process.stderr }) {
  const [command, ...rest] = argv;
  if (Object.hasOwn(PLUGINS, command ?? '')) return plugin(command, rest, io);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr.write(`iap-verify: ${/** @type {TypeError} */ (e).message}\nRun 'iap-verify --help' for the options.\n`);
    return 2;
  }
  const { positionals } = parsed;
  const values = /** @type {Values} */ (parsed.values);
  if (values.help || command === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [cmd, ...args] = positionals;
  try {
    if (cmd === 'verify' || cmd === 'decode') {
      if (args.length > 1) throw new UsageError(`${cmd} takes one input; use 'batch' for many`);
      return single(cmd, values, args, io);
    }
    if (cmd === 'batch') {
      if (args.length > 1) throw new UsageError('batch takes one JSON Lines file');
      return batch(values, args, io);
    }
    throw new UsageError(cmd === undefined ? 'no command' : `unknown command '${cmd}'`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`iap-verify: ${e.message}\nRun 'iap-verify --help' for usage.\n`);
    return 2;
  }
}

function isMain() {
  try {
    return realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false; // e.g. `node -e`, where argv[1] is not a file
  }
}

// Run when executed (as the `iap-verify` bin through its symlink, or `node bin/iap-verify.mjs`),
// not when imported (tests call `main`).
if (isMain()) {
  const code = await main(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
}
