#!/usr/bin/env node
// `iap-verify`: verify or decode one purchase, receipt, signed transaction or notification, or a
// JSON Lines batch of them, from the command line. Exit codes: 0 verified, 1 invalid (the error
// code is printed), 2 usage error. The detection and the output live here; every check is the
// package's own (the same WebAssembly module the library uses).
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as iap from '../node.mjs';
import { KINDS, detect, isJws, peekJws } from '../src/detect.js';

const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

const HELP = `iap-verify ${VERSION}: verify in-app purchases offline (Google Play, ONE store, Apple)

Usage:
  iap-verify verify <file|-> [options]   detect the input, verify it, print the decoded result
  iap-verify decode <file|-> [options]   decode without verifying (printed as UNVERIFIED)
  iap-verify batch  <file|-> [options]   verify a JSON Lines file, write JSON Lines results
  iap-verify emulator [--port N] [--host H] [--seed FILE]   local NHN IAP server (see its --help)
  iap-verify dashboard [...]             the dashboard (see its --help; its page is the optional
                                         package iap-verify-dashboard)
  iap-verify db migrate|sql [--url URL]  the PostgreSQL table of iap-verify/postgres
  iap-verify apple <what> <id> [...]     look a purchase up with the App Store Server API (see its --help)
  iap-verify google <what> <ids> [...]   look a purchase up with the Play Developer API (see its --help)
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

function readInput(path) {
  if (path === undefined) throw new UsageError('no input: give a file, or - for standard input');
  try {
    return new Uint8Array(readFileSync(path === '-' ? 0 : path));
  } catch (e) {
    throw new UsageError(`cannot read ${path === '-' ? 'standard input' : path}: ${e.code ?? e.message}`);
  }
}

/** `--key`/`--signature` values: the text itself, or `@file` for a file's contents (trimmed). */
function textOrFile(value, flag) {
  if (value === undefined || !value.startsWith('@')) return value;
  try {
    return readFileSync(value.slice(1), 'utf8').trim();
  } catch (e) {
    throw new UsageError(`${flag} ${value}: cannot read the file (${e.code ?? e.message})`);
  }
}

function readRoot(path) {
  let bytes;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`--root ${path}: cannot read the file (${e.code ?? e.message})`);
  }
  const text = bytes.toString('latin1');
  const pem = text.match(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/);
  return new Uint8Array(pem ? Buffer.from(pem[1].replace(/\s+/g, ''), 'base64') : bytes);
}

function parseTime(value) {
  if (value === undefined) return undefined;
  const ms = /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isSafeInteger(ms)) throw new UsageError(`--at ${value}: not epoch milliseconds or an ISO 8601 date`);
  return ms;
}

/**
 * What the input is (the shared detection, `../src/detect.js`), or a usage error that says why not:
 * { kind, input, guessed?, notes }, where input is what the verifier takes (the exact bytes for
 * signed JSON) and notes say how a guessed kind was chosen.
 */
function detectInput(bytes, { store, type }) {
  const text = decoder.decode(bytes);
  if (type !== undefined) {
    if (!(type in KINDS)) throw new UsageError(`--type ${type}: expected one of ${Object.keys(KINDS).join(', ')}`);
    return { kind: type, input: type.endsWith('-purchase') ? bytes : type === 'apple-receipt' && bytes[0] === 0x30 ? bytes : text.trim(), notes: [] };
  }
  const d = detect(text, bytes, { store });
  if (d.kind === undefined) throw new UsageError(`cannot tell what this input is: ${d.reason} (see --help for the recognized inputs, or use --type)`);
  // A minimal payload (test data) names none of the fields that tell the Apple kinds apart: take
  // the kind it fits best (the detector's rule) and say so, with the way to choose another.
  if (d.guessed) {
    const note = `read as ${KINDS[d.kind]}, the kind its payload fits best: the payload names none of the fields that tell the Apple kinds apart (--type chooses another)`;
    return { ...d, notes: [note] };
  }
  return { ...d, notes: [] };
}

/** Runs `call(roots)` with Apple's roots, then, if the chain is untrusted, with the --root ones. */
function withRoots(ctx, call) {
  try {
    return { value: call(null), notes: [] };
  } catch (e) {
    if (ctx.roots.length === 0 || !(e instanceof iap.IapError) || e.code !== 'INVALID_CHAIN') throw e;
    return { value: call(ctx.roots), notes: ['trusted through a --root certificate, not an Apple root'] };
  }
}

function signedDataVerifier(ctx, payload, roots) {
  const env = ctx.environment ?? payload?.environment ?? payload?.data?.environment ?? payload?.receiptType;
  const bundleId = ctx.bundleId ?? payload?.bundleId ?? payload?.data?.bundleId ?? payload?.summary?.bundleId ?? '';
  const appAppleId = ctx.appAppleId ?? payload?.appAppleId ?? payload?.data?.appAppleId ?? payload?.summary?.appAppleId;
  if (!ENVIRONMENTS.includes(env)) throw new UsageError(`the environment is ${env === undefined ? 'not in the payload' : `'${env}'`}: pass --environment`);
  if (env === 'Production' && appAppleId === undefined) throw new UsageError('Production data: pass --app-apple-id');
  return new iap.SignedDataVerifier(roots, false, env, bundleId, appAppleId);
}

function appleJws(ctx, jws, method) {
  const { payload } = peekJws(jws);
  const notes = [];
  if (ctx.bundleId === undefined) notes.push('bundle id not checked (taken from the payload; pass --bundle-id to require one)');
  if (ctx.environment === undefined) notes.push('environment not checked (taken from the payload; pass --environment to require one)');
  const r = withRoots(ctx, (roots) => signedDataVerifier(ctx, payload, roots)[method](jws, { now: ctx.now }));
  const test = r.value?.testData ? ['TEST DATA: signed by a local Xcode/StoreKit key, not by Apple'] : [];
  return { result: r.value, notes: [...test, ...r.notes, ...notes] };
}

function needKeyAndSignature(ctx) {
  if (ctx.key === undefined || ctx.signature === undefined) throw new UsageError('a signed purchase needs --signature and --key (the text, or @file)');
}

function signedPurchase(ctx, bytes, Verifier) {
  needKeyAndSignature(ctx);
  const verifier = new Verifier(ctx.key, { allowLegacy1024BitKeys: ctx.allowLegacy });
  try {
    return { result: verifier.verify(bytes, ctx.signature), notes: [] };
  } catch (e) {
    // Editors add a final newline to saved files; the signature may cover the bytes without it.
    const last = bytes[bytes.length - 1];
    if (!(e instanceof iap.IapError) || e.code !== 'INVALID_SIGNATURE' || (last !== 0x0a && last !== 0x0d)) throw e;
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
    try {
      return { result: verifier.verify(bytes.subarray(0, end), ctx.signature), notes: ["verified without the file's final newline"] };
    } catch {
      throw e;
    }
  }
}

/** Verifies one detected input. Returns { result, notes, verified }; throws IapError if invalid. */
function verifyOne(ctx, kind, input) {
  switch (kind) {
    case 'google-purchase':
      return { verified: true, ...signedPurchase(ctx, toBytes(input), iap.GoogleVerifier) };
    case 'onestore-purchase':
      return { verified: true, ...signedPurchase(ctx, toBytes(input), iap.OneStoreVerifier) };
    case 'apple-receipt': {
      const options = { now: ctx.now };
      if (ctx.bundleId !== undefined) options.bundleId = ctx.bundleId;
      const r = withRoots(ctx, (roots) => iap.verifyAppReceipt(input, roots ? { ...options, rootCertificates: roots } : options));
      return { verified: true, result: r.value, notes: r.notes };
    }
    case 'apple-transaction':
      return { verified: true, ...appleJws(ctx, input, 'verifyAndDecodeTransaction') };
    case 'apple-renewal-info':
      return { verified: true, ...appleJws(ctx, input, 'verifyAndDecodeRenewalInfo') };
    case 'apple-app-transaction':
      return { verified: true, ...appleJws(ctx, input, 'verifyAndDecodeAppTransaction') };
    case 'apple-notification':
      return { verified: true, ...appleJws(ctx, input, 'verifyAndDecodeNotification') };
    case 'google-rtdn':
      return {
        verified: false,
        result: iap.decodeGoogleNotification(input),
        notes: ['a Pub/Sub push body carries no signature: authenticate the push request (its OIDC token) before trusting it'],
      };
    case 'apple-transaction-receipt':
      return {
        verified: false,
        result: { transactionId: iap.extractTransactionIdFromTransactionReceipt(input) },
        notes: ['an iOS 6 transaction receipt cannot be verified offline; look the transaction up with the App Store Server API'],
      };
    default:
      throw new UsageError(`unknown kind ${kind}`);
  }
}

function toBytes(input) {
  return typeof input === 'string' ? new TextEncoder().encode(input) : input;
}

function decodeJwsDeep(jws) {
  const { header, payload } = peekJws(jws);
  if (payload === undefined) throw new iap.IapError('MALFORMED_INPUT', 'the JWS payload is not base64url JSON', { details: { input: 'JWS' } });
  // A notification nests signed transaction and renewal info; show them decoded too.
  const data = payload.data;
  if (data && typeof data === 'object') {
    for (const k of ['signedTransactionInfo', 'signedRenewalInfo']) {
      if (typeof data[k] === 'string' && isJws(data[k])) data[k] = peekJws(data[k]).payload ?? data[k];
    }
  }
  return { header: { alg: header?.alg, x5cCount: Array.isArray(header?.x5c) ? header.x5c.length : 0 }, payload };
}

/** Decodes one detected input without any verification. */
function decodeOne(kind, input) {
  switch (kind) {
    case 'google-purchase':
    case 'onestore-purchase':
      try {
        return JSON.parse(decoder.decode(toBytes(input)));
      } catch (e) {
        throw new iap.IapError('MALFORMED_INPUT', `not JSON: ${e.message}`, { details: { input: 'purchase data' } });
      }
    case 'apple-transaction':
    case 'apple-renewal-info':
    case 'apple-app-transaction':
    case 'apple-notification':
      return decodeJwsDeep(input);
    case 'google-rtdn':
      return iap.decodeGoogleNotification(input);
    case 'apple-receipt':
      // The receipt's fields are read only after its signature checks out (verify); unverified,
      // the package gives what Apple's ReceiptUtility gives: the transaction id to look up.
      return { transactionId: iap.extractTransactionIdFromAppReceipt(input) };
    case 'apple-transaction-receipt':
      return { transactionId: iap.extractTransactionIdFromTransactionReceipt(input) };
    default:
      throw new UsageError(`unknown kind ${kind}`);
  }
}

/** The package's option names that have a flag here: messages name the flag instead. */
const OPTION_FLAGS = { allowLegacy1024BitKeys: '--allow-legacy-1024-bit-keys', rootCertificates: '--root' };

function errorJson(e) {
  const message = e.message.replace(/\b(allowLegacy1024BitKeys|rootCertificates)\b/g, (name) => OPTION_FLAGS[name]);
  const out = { code: e.code, message };
  if (e.details !== undefined) out.details = e.details;
  return out;
}

function contextFrom(values) {
  const store = values.store;
  if (store !== undefined && store !== 'google' && store !== 'onestore') throw new UsageError(`--store ${store}: expected google or onestore`);
  if (values.environment !== undefined && !ENVIRONMENTS.includes(values.environment)) {
    throw new UsageError(`--environment ${values.environment}: expected one of ${ENVIRONMENTS.join(', ')}`);
  }
  let appAppleId;
  if (values['app-apple-id'] !== undefined) {
    appAppleId = Number(values['app-apple-id']);
    if (!Number.isSafeInteger(appAppleId)) throw new UsageError('--app-apple-id must be an integer');
  }
  return {
    store,
    type: values.type,
    key: textOrFile(values.key, '--key'),
    signature: textOrFile(values.signature, '--signature'),
    allowLegacy: values['allow-legacy-1024-bit-keys'] === true,
    roots: (values.root ?? []).map(readRoot),
    now: parseTime(values.at) ?? Date.now(),
    bundleId: values['bundle-id'],
    environment: values.environment,
    appAppleId,
  };
}

function printHuman(out, { status, kind, result, notes, error }) {
  const lines = [`${status}  ${KINDS[kind] ?? kind}`];
  for (const n of notes ?? []) lines.push(`note: ${n}`);
  if (error) lines.push(`${error.code}: ${error.message}`);
  if (result !== undefined) lines.push(JSON.stringify(result, null, 2));
  out.write(`${lines.join('\n')}\n`);
}

function single(command, values, positionals, io) {
  const ctx = contextFrom(values);
  const { kind, input, guessed, notes: detected } = detectInput(readInput(positionals[0]), ctx);
  const marks = guessed ? { guessed: true } : {};
  if (command === 'decode') {
    const result = decodeOne(kind, input);
    const notes = detected.length > 0 ? { notes: detected } : {};
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: true, verified: false, kind, ...marks, unverified: true, result, ...notes })}\n`);
    else printHuman(io.stdout, { status: 'UNVERIFIED (decoded only, nothing was checked)', kind, result, notes: detected });
    return 0;
  }
  try {
    const r = verifyOne(ctx, kind, input);
    const notes = [...detected, ...r.notes];
    const status = r.verified ? 'VERIFIED' : 'DECODED (this kind of input carries no signature)';
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: true, verified: r.verified, kind, ...marks, result: r.result, notes })}\n`);
    else printHuman(io.stdout, { status, kind, result: r.result, notes });
    return 0;
  } catch (e) {
    if (!(e instanceof iap.IapError)) throw e;
    // The caller's own values (e.g. a misspelt environment) are a usage error, not bad data.
    const code = e.code === 'INVALID_ARGUMENT' ? 2 : 1;
    if (values.json) io.stdout.write(`${JSON.stringify({ ok: false, kind, ...marks, error: errorJson(e), ...(detected.length > 0 ? { notes: detected } : {}) })}\n`);
    else printHuman(io.stdout, { status: 'INVALID', kind, error: errorJson(e), notes: detected });
    return code;
  }
}

/** One batch line: the input bytes and the per-line overrides. */
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

function progressBar(io, enabled) {
  if (!enabled) return { tick() {}, done() {} };
  let last = 0;
  const draw = (i, total) => {
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

function batch(values, positionals, io) {
  const base = contextFrom(values);
  const lines = decoder.decode(readInput(positionals[0])).split(/\r?\n/);
  const work = lines.map((text, i) => ({ text: text.trim(), line: i + 1 })).filter((l) => l.text !== '' && !l.text.startsWith('#'));
  const showProgress = io.stderr.isTTY === true && values['no-progress'] !== true;
  const bar = progressBar(io, showProgress);
  const counts = { verified: 0, decoded: 0, invalid: 0, unusable: 0 };
  const byCode = {};
  const started = Date.now();
  work.forEach(({ text, line }, i) => {
    let out;
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
      const { kind, input, guessed, notes: detected } = detectInput(item.bytes, ctx);
      const marks = guessed ? { guessed: true } : {};
      try {
        const r = verifyOne(ctx, kind, input);
        counts[r.verified ? 'verified' : 'decoded']++;
        out = { ok: true, verified: r.verified, kind, ...marks, result: r.result };
        const notes = [...detected, ...r.notes];
        if (notes.length > 0) out.notes = notes;
      } catch (e) {
        if (!(e instanceof iap.IapError)) throw e;
        counts.invalid++;
        byCode[e.code] = (byCode[e.code] ?? 0) + 1;
        out = { ok: false, kind, ...marks, error: errorJson(e) };
        if (detected.length > 0) out.notes = detected;
      }
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

/** Commands in their own modules, loaded when used: the module, and its function when not `main`. */
const PLUGINS = {
  emulator: ['../src/emulator-cli.js'],
  dashboard: ['../src/dashboard-cli.js'],
  db: ['../src/db-cli.js'],
  apple: ['../src/lookup-cli.js'],
  google: ['../src/lookup-cli.js', 'google'],
};

async function plugin(command, argv, io) {
  const [file, fn = 'main'] = PLUGINS[command];
  let mod;
  try {
    mod = await import(new URL(file, import.meta.url).href);
  } catch (e) {
    if (e.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    io.stderr.write(`iap-verify: the '${command}' command is not part of this build (${file.slice(3)} is missing)\n`);
    return 2;
  }
  const r = await mod[fn](argv);
  // A number is an exit code; anything else (a running server) keeps the process alive.
  return typeof r === 'number' ? r : undefined;
}

/**
 * The command line, testable: returns the exit code (or undefined while a server keeps running).
 * @param {string[]} argv arguments after `iap-verify`
 */
export async function main(argv, io = { stdout: process.stdout, stderr: process.stderr }) {
  const [command, ...rest] = argv;
  if (Object.hasOwn(PLUGINS, command ?? '')) return plugin(command, rest, io);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    io.stderr.write(`iap-verify: ${e.message}\nRun 'iap-verify --help' for the options.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
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
