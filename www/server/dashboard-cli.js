// `iap-verify-dashboard` (also `iap-verify dashboard`, which loads this module when the package is
// installed): serves the support dashboard's page (page/ of this package) and the browser build of
// iap-verify, and answers the page's purchase lookups by calling the NHN IAP server API and the
// Gamebase API itself. The AppKey and the Gamebase secret key stay in this process: the browser
// only ever sees lookup results. Without a configured server it starts the local IAP server of
// iap-verify-emulator (seeded), so the dashboard works on a machine with no NHN account.
//
// Shared by a team (a config file's `auth`), every API call needs a signed-in session whose role
// allows it (viewer: verify and look up; agent: also the customer actions of dashboard-actions.js;
// admin: also the settings and the audit trail), and every look-up and action is audited
// (dashboard-audit.js). With a purchase ledger (`ledger`, dashboard-ledger.js) it also shows every
// store's purchases of one customer. Alone on 127.0.0.1 with no `auth`, it is one person's tool as before:
// no sign-in, that person acts as admin, and it says so.
import { createServer } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize, posix, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as iap from 'iap-verify';
import { startEmulator } from 'iap-verify-emulator';
import { hostCheck } from 'iap-verify-emulator/host-check';
import { storeClients, storeConfig, storeLookup } from './dashboard-stores.js';
import { cookie, hashPassword, isRole, loadAccounts, oidcClient, parseCookies, roleAtLeast, verifyPassword } from './dashboard-auth.js';
import { memorySessions, postgresSessions } from './dashboard-sessions.js';
import { memoryAudit, openAudit } from './dashboard-audit.js';
import { publicActions, readAction } from './dashboard-actions.js';
import { customerView, openLedger } from './dashboard-ledger.js';
import { writeFile, rename } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';

/** @typedef {import('node:http').IncomingMessage} Request */
/** @typedef {import('node:http').ServerResponse} Response */
/** @typedef {import('./dashboard-cli.js').DashboardConfig} DashboardConfig */
/**
 * The NHN APIs lookups go to: each one's configuration and client.
 * @typedef {{ iap?: { conf: NonNullable<DashboardConfig['iap']>, client: import('iap-verify').IapClient },
 *   gamebase?: { conf: NonNullable<DashboardConfig['gamebase']>, client: import('iap-verify').GamebaseClient } }} Sources
 */

const usage = (/** @type {string} */ name) => `usage: ${name} [--port N] [--host HOST] [--allowed-host NAME]... [--public-origin URL]
       [--config FILE] [--emulator | --no-emulator] [--seed FILE] [--www DIR]

Serves the support dashboard: decoding and verification run in the browser (nothing you paste
leaves it); purchase lookups go through this process, which holds the API credentials.

  --port N         listen port (default 8790; 0 picks a free one)
  --host HOST      listen address (default 127.0.0.1). Beyond loopback it refuses to start unless
                   the config file configures sign-in ("auth"); on loopback without it, whoever
                   uses this machine's browser is the one (admin) user
  --allowed-host NAME
                   a Host name the dashboard answers besides localhost, 127.0.0.1, [::1] and the
                   address it listens on (every address of this machine for 0.0.0.0 or ::); repeat
                   it for more names. Requests for any other name get 421 (DNS rebinding), and an
                   API request whose Origin is not http://NAME:PORT of an answered name gets 403
  --public-origin URL
                   the origin the browser uses when it is not http://HOST:PORT, e.g. behind an
                   HTTPS reverse proxy: --public-origin https://support.example.com (its host name is
                   answered and its origin accepted, whether the proxy passes the browser's Host on
                   or sends the dashboard's own address); repeat it for more
  --config FILE    JSON: {"iap": {"baseUrl", "appKey", "packageName"},
                          "gamebase": {"baseUrl", "appId", "secretKey", "packageName"},
                          "appStore": {"signingKeyFile", "keyId", "issuerId", "bundleId",
                                       "environment", "appAppleId", "baseUrl", "rootCertificateFiles"},
                          "googlePlay": {"serviceAccountFile", "packageName", "baseUrl", "tokenUrl"},
                          "oneStore": {"clientId", "clientSecretFile", "environment", "marketCode", "baseUrl"},
                          "auth": {"accountsFile", "oidc": {"issuer", "clientId", "clientSecret",
                                   "redirectUri", "scopes", "roles": {"admin": [EMAIL | "group:NAME"],
                                   "agent": [...], "viewer": [...]}, "defaultRole"}, "sessionHours",
                                   "idleMinutes"},
                          "audit": {"postgres": URL | "file": PATH, "retentionDays"},
                          "ledger": {"postgres": URL, "table", "paymentTable"},
                          "settingsFile": PATH, "rateLimit": {"perMinute", "signInPerMinute"}}
                   (paths relative to the config file; the README's "A team" section)
  --emulator       start the local IAP server (seeded) and look purchases up there (the default
                   when neither a config file nor the environment names a server)
  --no-emulator    never start it; lookups fail until a server is configured
  --seed FILE      seed of the local IAP server (default: iap-verify-emulator's)
  --www DIR        the dashboard's files (default: page/ of iap-verify-dashboard)

Limits: a lookup's body is at most 16 KiB (413 at the limit, and the connection closes); a
request's headers must arrive within 10 s and the whole request within 30 s (408); at most 64
connections are open at once. A store lookup reads at most 20 pages of each list (Apple's
transaction and refund histories, Google's voided purchases) and says "truncated" past that; a
token lookup reuses the voided-purchase list fetched in the last 60 s.

  hash-password    reads a password on stdin, prints its scrypt hash for the accounts file

Environment (overrides the config file):
  IAP_APPKEY, IAP_BASE_URL, IAP_PACKAGE_NAME
  GAMEBASE_APP_ID, GAMEBASE_SECRET_KEY, GAMEBASE_BASE_URL, GAMEBASE_PACKAGE_NAME
  APPLE_P8_KEY_FILE, APPLE_KEY_ID, APPLE_ISSUER_ID, APPLE_BUNDLE_ID, APPLE_ENVIRONMENT,
  APPLE_APP_ID, APPLE_BASE_URL
  GOOGLE_APPLICATION_CREDENTIALS (the service account's key file), GOOGLE_PLAY_PACKAGE_NAME,
  GOOGLE_PLAY_BASE_URL, GOOGLE_TOKEN_URL
  ONESTORE_CLIENT_ID, ONESTORE_CLIENT_SECRET or ONESTORE_CLIENT_SECRET_FILE, ONESTORE_ENVIRONMENT,
  ONESTORE_MARKET_CODE, ONESTORE_BASE_URL`;

/** The library's folder: the installed iap-verify, found the way this module imports it. */
const PKG_DIR = normalize(dirname(createRequire(import.meta.url).resolve('iap-verify/package.json')) + sep);

/** The page of this package. */
const PAGE_DIR = fileURLToPath(new URL('../page/', import.meta.url));

/**
 * What the page imports from the library, by name. When the page's modules are served, each of
 * these specifiers is resolved to the file the library's `exports` give a browser (as a bundler or
 * an import map would; an inline import map would need an exception in the CSP). The page may load
 * those files and what they import, nothing else of the library.
 */
const PAGE_IMPORTS = ['iap-verify', 'iap-verify/detect'];

/** Where the page's HTML gets the preload of the library's browser entry (else served as it is). */
const PRELOAD_MARK = '<!-- iap-verify preload -->';

/** The library's specifiers in a module: static and dynamic imports, re-exports. */
const BARE_IMPORTS = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(iap-verify(?:\/[\w-]+)?)\2/g;

/**
 * The file a browser gets for `specifier` from the library's `exports` (its `browser`, `import` or `default` condition).
 * @param {{ name: string, version: string, exports?: Record<string, unknown> }} manifest
 * @param {string} specifier
 * @returns {string}
 */
function browserTarget(manifest, specifier) {
  const subpath = specifier === manifest.name ? '.' : `.${specifier.slice(manifest.name.length)}`;
  /** @type {(target: unknown) => string | undefined} */
  const pick = (target) => {
    if (typeof target === 'string') return target;
    if (target === null || typeof target !== 'object') return undefined;
    for (const [condition, value] of Object.entries(target)) {
      if (condition !== 'browser' && condition !== 'import' && condition !== 'default') continue;
      const found = pick(value);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const target = pick(manifest.exports?.[subpath]);
  if (target === undefined || !target.startsWith('./')) throw new Error(`${manifest.name} ${manifest.version} exports nothing for a browser at ${specifier}`);
  return posix.normalize(target);
}

/** Relative imports (static, dynamic, re-exports) and `new URL('…', import.meta.url)` assets of a module. */
const MODULE_REFS = [/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g, /\bnew URL\(\s*['"]([^'"/][^'"]*)['"]\s*,\s*import\.meta\.url\s*\)/g];

/**
 * The library's files reachable from `entries` (package-relative paths): the only ones served under /pkg/.
 * @param {string[]} entries
 */
function moduleGraph(entries) {
  /** @type {Set<string>} */
  const files = new Set();
  const queue = [...entries];
  while (queue.length > 0) {
    const rel = /** @type {string} */ (queue.shift());
    if (files.has(rel) || rel.startsWith('../') || !existsSync(join(PKG_DIR, rel))) continue;
    files.add(rel);
    if (!/\.m?js$/.test(rel)) continue;
    const code = readFileSync(join(PKG_DIR, rel), 'utf8');
    for (const re of MODULE_REFS) {
      for (const m of code.matchAll(re)) queue.push(posix.normalize(posix.join(posix.dirname(rel), m[1])));
    }
  }
  return files;
}

/**
 * The page's view of the library: each specifier of PAGE_IMPORTS as a file of the library (served
 * under pkg/), the files the page may load, and `resolve(code, rel)`, which points the library's
 * specifiers in the page's module `rel` at those files.
 */
function pageLibrary() {
  const manifest = JSON.parse(readFileSync(join(PKG_DIR, 'package.json'), 'utf8'));
  const targets = Object.fromEntries(PAGE_IMPORTS.map((s) => [s, browserTarget(manifest, s)]));
  return {
    targets,
    files: moduleGraph(Object.values(targets)),
    preload: `<link rel="modulepreload" href="pkg/${targets[manifest.name]}">`,
    /**
     * @param {string} code
     * @param {string} rel
     */
    resolve(code, rel) {
      const up = '../'.repeat(rel.split('/').length - 1) || './';
      return code.replace(BARE_IMPORTS, (/** @type {string} */ all, /** @type {string} */ before, /** @type {string} */ quote, /** @type {string} */ spec) => (Object.hasOwn(targets, spec) ? `${before}${quote}${up}pkg/${targets[spec]}${quote}` : all));
    },
  };
}

/** @type {Record<string, string | undefined>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

// Everything the page needs comes from this origin; the wasm needs 'wasm-unsafe-eval'.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const MAX_BODY = 16 * 1024;

/**
 * The server's own limits, instead of Node's defaults (60 s for the headers, 300 s for a request,
 * no connection cap): a request's headers must arrive within 10 s and the whole request within
 * 30 s (else 408 and the connection closes), and at most 64 connections are open at once (more
 * are closed as they come). Options of startDashboard can change each.
 */
const DEFAULT_LIMITS = Object.freeze({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 64 });
const STORES = ['GG', 'AS', 'ONESTORE'];


/** Addresses that only this machine reaches. */
const isLoopback = (/** @type {string} */ host) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * A team's setup, from the config file's `auth`, `audit`, `settingsFile` and `rateLimit` (or the
 * same options given to startDashboard): paths relative to the config file.
 * @typedef {{ accountsFile?: string, oidc?: { issuer: string, clientId: string, clientSecret?: string, redirectUri?: string,
 *   scopes?: string, roles?: { admin?: string[], agent?: string[], viewer?: string[] }, defaultRole?: string | null, allowHttp?: boolean },
 *   sessionHours?: number, idleMinutes?: number }} AuthOptions
 * @typedef {{ postgres?: string, file?: string, retentionDays?: number }} AuditOptions
 * Where sessions are kept: `postgres` (a URL), or `memory: true` (this process only). By default in
 * the audit trail's database, else the ledger's, else in memory.
 * @typedef {{ postgres?: string, memory?: boolean }} SessionOptions
 * @typedef {import('./dashboard-ledger.js').LedgerOptions} LedgerOptions
 */

/**
 * The config file's team sections, paths made absolute.
 * @param {string | undefined} config
 */
function teamSections(config) {
  if (config === undefined) return {};
  /** @type {Record<string, any>} */
  const file = JSON.parse(readFileSync(config, 'utf8'));
  const dir = dirname(resolvePath(config));
  const at = (/** @type {unknown} */ p) => (typeof p === 'string' && p !== '' ? (isAbsolute(p) ? p : join(dir, p)) : undefined);
  /** @type {{ auth?: AuthOptions, audit?: AuditOptions, ledger?: LedgerOptions, sessions?: SessionOptions, settingsFile?: string, rateLimit?: { perMinute?: number, signInPerMinute?: number } }} */
  const out = {};
  if (file.auth && typeof file.auth === 'object') out.auth = { ...file.auth, accountsFile: at(file.auth.accountsFile) };
  if (file.audit && typeof file.audit === 'object') out.audit = { ...file.audit, file: at(file.audit.file) };
  if (typeof file.settingsFile === 'string') out.settingsFile = at(file.settingsFile);
  // The ledger is read from PostgreSQL only: a store object can be given to startDashboard, not in a file.
  if (file.ledger && typeof file.ledger === 'object') {
    const { postgres, table, paymentTable } = file.ledger;
    out.ledger = { postgres, table, paymentTable };
  }
  if (file.rateLimit && typeof file.rateLimit === 'object') out.rateLimit = file.rateLimit;
  if (file.sessions && typeof file.sessions === 'object') out.sessions = { postgres: file.sessions.postgres, memory: file.sessions.memory };
  return out;
}

/** The page's settings a server holds (the verifier's public keys and expectations; no secret). */
const PAGE_SETTINGS = { googleKey: '', onestoreKey: '', allowLegacyKeys: false, bundleId: '', environment: '', appAppleId: '', roots: /** @type {string[]} */ ([]) };

/**
 * The page's settings from `v`, each field of its type and bounded, else its default.
 * @param {any} v
 */
function pageSettings(v) {
  /** @type {Record<string, unknown>} */
  const out = { ...PAGE_SETTINGS, roots: [] };
  for (const [k, d] of Object.entries(PAGE_SETTINGS)) {
    const x = v?.[k];
    if (Array.isArray(d)) out[k] = Array.isArray(x) ? x.filter((r) => typeof r === 'string' && r.length <= 8192).slice(0, 16) : [];
    else if (typeof x === typeof d && (typeof x !== 'string' || x.length <= 4096)) out[k] = x;
  }
  return /** @type {typeof PAGE_SETTINGS} */ (out);
}

/** What each API route needs: the least role, and whether it changes anything (then a CSRF token). */
/** @type {Record<string, { role: import('./dashboard-auth.js').Role, write?: true }>} */
const ROUTES = {
  'GET /api/config': { role: 'viewer' },
  'POST /api/lookup': { role: 'viewer' },
  'POST /api/store-lookup': { role: 'viewer' },
  'POST /api/customer': { role: 'viewer' },
  'GET /api/actions': { role: 'viewer' },
  // Each action's own role is checked with the action (and audited with its id and target).
  'POST /api/action': { role: 'viewer', write: true },
  'GET /api/settings': { role: 'viewer' },
  'PUT /api/settings': { role: 'admin', write: true },
  'GET /api/audit': { role: 'admin' },
  'POST /api/auth/logout': { role: 'viewer', write: true },
};

/** A mistake in the command line or the configuration: exit code 2. */
class UsageError extends Error {}

/** @param {string[]} argv */
function parse(argv) {
  const args = [...argv];
  if (args[0] === 'dashboard') args.shift();
  /**
   * @type {{ port: number, host: string, allowedHosts: string[], publicOrigin: string[], config?: string,
   *   emulator?: boolean, seed?: string, www?: string, help: boolean }}
   */
  const opts = { port: 8790, host: '127.0.0.1', allowedHosts: [], publicOrigin: [], config: undefined, emulator: undefined, seed: undefined, www: undefined, help: false };
  while (args.length > 0) {
    const a = /** @type {string} */ (args.shift());
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? args.shift();
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port' || flag === '-p') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError('--port must be an integer from 0 to 65535');
      opts.port = n;
    } else if (flag === '--host') opts.host = value();
    else if (flag === '--allowed-host') opts.allowedHosts.push(value());
    else if (flag === '--public-origin') opts.publicOrigin.push(value());
    else if (flag === '--config') opts.config = value();
    else if (flag === '--emulator') opts.emulator = true;
    else if (flag === '--no-emulator') opts.emulator = false;
    else if (flag === '--seed') opts.seed = value();
    else if (flag === '--www') opts.www = value();
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  return opts;
}

const nonEmpty = (/** @type {unknown} */ v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * The servers to call, from the config file and the environment (which wins). Only complete
 * entries count: the IAP API needs an AppKey, Gamebase an app id and a secret key.
 * @param {{ config?: string, env?: Record<string, string | undefined> }} [options]
 * @returns {DashboardConfig & ReturnType<typeof storeConfig>} the store APIs' beside NHN's
 */
export function loadConfig({ config, env = process.env } = {}) {
  /** @type {Record<string, any>} the file's JSON, read field by field */
  let file = {};
  if (config !== undefined) {
    let text;
    try {
      text = readFileSync(config, 'utf8');
    } catch (e) {
      throw new UsageError(`--config ${config}: cannot read it (${errnoText(e)})`);
    }
    try {
      file = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`--config ${config}: not JSON (${/** @type {SyntaxError} */ (e).message})`);
    }
    if (file === null || typeof file !== 'object') throw new UsageError(`--config ${config}: expected a JSON object`);
  }
  const fi = file.iap ?? {};
  const fg = file.gamebase ?? {};
  const iapConf = {
    appKey: nonEmpty(env.IAP_APPKEY) ?? nonEmpty(fi.appKey),
    baseUrl: nonEmpty(env.IAP_BASE_URL) ?? nonEmpty(fi.baseUrl),
    packageName: nonEmpty(env.IAP_PACKAGE_NAME) ?? nonEmpty(fi.packageName),
  };
  const gbConf = {
    appId: nonEmpty(env.GAMEBASE_APP_ID) ?? nonEmpty(fg.appId),
    secretKey: nonEmpty(env.GAMEBASE_SECRET_KEY) ?? nonEmpty(fg.secretKey),
    baseUrl: nonEmpty(env.GAMEBASE_BASE_URL) ?? nonEmpty(fg.baseUrl),
    packageName: nonEmpty(env.GAMEBASE_PACKAGE_NAME) ?? nonEmpty(fg.packageName),
  };
  let stores;
  try {
    stores = storeConfig(file, env);
  } catch (e) {
    throw new UsageError(`${/** @type {NodeJS.ErrnoException} */ (e).path ?? 'a store key file'}: cannot read it (${errnoText(e)})`);
  }
  const { appKey } = iapConf;
  const { appId, secretKey } = gbConf;
  return {
    iap: appKey ? { ...iapConf, appKey } : undefined,
    gamebase: appId && secretKey ? { ...gbConf, appId, secretKey } : undefined,
    ...(stores.appStore ? { appStore: stores.appStore } : {}),
    ...(stores.googlePlay ? { googlePlay: stores.googlePlay } : {}),
    ...(stores.oneStore ? { oneStore: stores.oneStore } : {}),
  };
}

/** What a failed file read says: its code, else its message. */
const errnoText = (/** @type {unknown} */ e) => {
  const { code, message } = /** @type {NodeJS.ErrnoException} */ (e);
  return code ?? message;
};

/**
 * The local server's first purchase that still needs acknowledging, `{ token, productId }`.
 * @param {import('iap-verify-emulator').Emulator} emulator
 */
function googleSample(emulator) {
  const p = emulator.googlePlay.productPurchases().find((x) => x.purchaseState === 0 && x.acknowledgementState === 0);
  return p ? { token: p.token, productId: p.productId } : undefined;
}

/**
 * Where the dashboard's files are: an explicit dir, else this package's page.
 * @param {string | undefined} explicit
 */
function findWww(explicit) {
  const dir = explicit ?? PAGE_DIR;
  if (existsSync(join(dir, 'index.html'))) return normalize(dir + sep);
  if (explicit) throw new UsageError(`--www ${explicit}: no index.html there`);
  throw new Error(`${dir}: the page of iap-verify-dashboard is missing (reinstall the package)`);
}

/**
 * An ISO-8601 time as sent by Gamebase, or epoch ms as sent by the IAP API, as epoch ms.
 * @param {unknown} v
 */
function ms(v) {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '') {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/**
 * Status of an NHN subscription record now, from the package's purchase-state logic.
 * @param {Record<string, unknown>} record
 */
function statusOf(record) {
  try {
    const s = iap.subscriptionStatus({ source: 'NHN', record });
    return { status: s.status, entitled: s.entitled };
  } catch (e) {
    return { status: record.referenceStatus ?? 'UNKNOWN', statusError: /** @type {{ code?: string }} */ (e ?? {}).code ?? 'ERROR' };
  }
}

/**
 * One row of the lookup's answer: the record's fields the page shows, and `extra`.
 * @param {string} kind
 * @param {object} record an IAP or Gamebase answer's record
 * @param {Record<string, unknown>} [extra]
 */
function row(kind, record, extra = {}) {
  const r = /** @type {Record<string, unknown>} */ (record);
  return {
    kind,
    paymentSeq: r.paymentSeq,
    marketId: r.marketId,
    productSeq: r.productSeq,
    productId: r.productId ?? r.gamebaseProductId,
    productType: r.productType,
    price: r.price,
    currency: r.currency,
    paymentId: r.paymentId,
    originalPaymentId: r.originalPaymentId,
    purchaseTime: ms(r.purchaseTime ?? r.purchaseTimeMillis),
    expiryTime: ms(r.expiryTime ?? r.expiryTimeMillis),
    renewTime: ms(r.renewTime ?? r.renewTimeMillis),
    test: r.isTestPurchase === true ? true : undefined,
    ...extra,
  };
}

/**
 * Calls the configured APIs for one user and store; Gamebase when configured (it has times), else IAP.
 * @param {Sources} sources
 * @param {{ userId: string, store: string, api?: string }} request checked by the caller
 */
async function lookup(sources, { userId, store, api }) {
  const use = api ?? (sources.gamebase ? 'gamebase' : 'iap');
  if (use === 'gamebase') {
    if (!sources.gamebase) throw new iap.IapError('INVALID_ARGUMENT', 'no Gamebase server is configured');
    const { client, conf } = sources.gamebase;
    /** @type {import('iap-verify').MarketId[]} */
    const marketIds = store === 'ALL' ? [] : [/** @type {import('iap-verify').MarketId} */ (store)];
    const consumables = await client.listConsumables({ userId, marketIds });
    const rows = consumables.map((r) => row('unconsumed', r, { status: 'UNCONSUMED' }));
    /** @type {string[]} */
    const notes = [];
    if (conf.packageName) {
      const subs = await client.listActiveSubscriptions({ userId, packageName: conf.packageName, marketIds });
      for (const r of subs) rows.push(row('subscription', r, { ...statusOf({ ...r, userId: r.userId ?? userId }), referenceStatus: r.referenceStatus }));
    } else notes.push('active subscriptions not listed: no packageName configured for Gamebase');
    return { api: 'gamebase', rows, notes };
  }
  if (!sources.iap) throw new iap.IapError('INVALID_ARGUMENT', 'no IAP server is configured');
  const { client, conf } = sources.iap;
  // The IAP server API takes one store per call: "all" is one call per store.
  const rows = [];
  for (const marketId of /** @type {import('iap-verify').MarketId[]} */ (store === 'ALL' ? STORES : [store])) {
    const consumables = await client.listConsumables({ marketId, userKey: userId });
    rows.push(...consumables.map((r) => row('unconsumed', { ...r, marketId }, { status: 'UNCONSUMED' })));
    if (conf.packageName) {
      const subs = await client.listActiveSubscriptions({ marketId, packageName: conf.packageName, userKey: userId });
      for (const r of subs) rows.push(row('subscription', { ...r, marketId }, statusOf({ ...r, marketId, userId })));
    }
  }
  const notes = conf.packageName ? [] : ['active subscriptions not listed: no packageName configured for the IAP server'];
  return { api: 'iap', rows, notes };
}

/**
 * @param {Response} res
 * @param {number} status
 * @param {string | Buffer} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

/**
 * @param {Response} res
 * @param {number} status
 * @param {unknown} value
 * @param {Record<string, string>} [headers]
 */
function sendJson(res, status, value, headers = {}) {
  send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8', ...headers });
}

/**
 * @param {Response} res
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {Record<string, unknown>} [details]
 * @param {Record<string, string>} [headers]
 */
function sendError(res, status, code, message, details, headers = {}) {
  sendJson(res, status, { error: { code, message, ...(details ? { details } : {}) } }, headers);
}

/**
 * What the browser may see of a failed lookup: the code, our message, and only the documented
 * detail fields, each a number or a short string (the README's dashboard section lists them).
 * Anything else an error carries stays in this process.
 */
const PUBLIC_DETAILS = ['status', 'resultCode', 'resultMessage', 'input', 'limit', 'actual', 'afterMs', 'errorCode', 'errorName', 'errorStatus', 'errorMessage'];
const MAX_PUBLIC_TEXT = 256;

/** @param {import('iap-verify').IapError} e */
function publicError(e) {
  /** @type {Record<string, string | number>} */
  const details = {};
  for (const k of PUBLIC_DETAILS) {
    const v = e.details?.[k];
    if (typeof v === 'number' && Number.isFinite(v)) details[k] = v;
    else if (typeof v === 'string') details[k] = v.slice(0, MAX_PUBLIC_TEXT);
  }
  const code = typeof e.code === 'string' && /^[A-Z_]{1,40}$/.test(e.code) ? e.code : 'INTERNAL';
  const message = String(e.message).slice(0, MAX_PUBLIC_TEXT);
  return { code, message, details: Object.keys(details).length > 0 ? details : undefined };
}

/**
 * A lookup's JSON body, or undefined once an error answer has been sent.
 * @param {Request} req
 * @param {Response} res
 * @returns {Promise<any>} the client's JSON, checked field by field by the caller
 */
async function lookupBody(req, res) {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
    sendError(res, 415, 'INVALID_ARGUMENT', 'send the lookup as application/json');
    return undefined;
  }
  let text;
  try {
    text = await readBody(req);
  } catch (e) {
    if (!(e instanceof iap.IapError)) throw e;
    // Answered at the limit; the rest is not read: the connection closes once the answer is out.
    res.shouldKeepAlive = false;
    res.once('finish', () => req.socket?.destroySoon?.());
    sendJson(res, 413, { error: { code: e.code, message: e.message, details: { limit: MAX_BODY } } }, { connection: 'close' });
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    sendError(res, 400, 'MALFORMED_INPUT', 'the lookup body is not JSON');
    return undefined;
  }
}

/**
 * A store the dashboard could not open at start (`section`: audit, ledger, sessions), as a usage error: the
 * first line of the cause, with any PostgreSQL URL (it may carry the password) cut to its scheme.
 * @param {string} section
 * @param {unknown} e
 */
function startFailure(section, e) {
  const first = String(/** @type {any} */ (e)?.message ?? e).split('\n')[0];
  return new UsageError(`${section}: ${first.replace(/postgres(ql)?:\/\/\S*/gi, 'postgres://…')}`);
}

/**
 * Sends what `run` resolves with; a package error as its public part (400 for the caller's, 409 for
 * a record not in a state that allows it, else 502: the store's or the database's).
 * @param {Response} res
 * @param {() => Promise<unknown>} run
 */
async function answer(res, run) {
  try {
    return sendJson(res, 200, await run());
  } catch (e) {
    if (!(e instanceof iap.IapError)) throw e;
    const { code, message, details } = publicError(e);
    const status = e.code === 'INVALID_ARGUMENT' ? 400 : e.code === 'INVALID_STATE_TRANSITION' ? 409 : 502;
    return sendError(res, status, code, message, details);
  }
}

/**
 * Runs `run`, appends the entry with its result to the audit trail (ok, or the error's code, never
 * its message, which may quote what the store sent), then answers as `answer` does: the trail has
 * the entry before the browser has the answer.
 * @param {Response} res
 * @param {{ user: string, role: string, action: string, store?: string, target?: string }} entry
 * @param {() => Promise<unknown>} run
 * @param {(e: { user: string, role: string, action: string, store?: string, target?: string, result: 'ok' | 'error', detail?: string }) => Promise<void>} append
 */
async function auditedAnswer(res, entry, run, append) {
  /** @type {unknown} */
  let value;
  /** @type {unknown} */
  let error;
  let failed = false;
  try {
    value = await run();
  } catch (e) {
    failed = true;
    error = e;
  }
  await append({ ...entry, result: failed ? 'error' : 'ok', ...(failed ? { detail: error instanceof iap.IapError ? error.code : 'INTERNAL' } : {}) });
  return answer(res, async () => {
    if (failed) throw error;
    return value;
  });
}

/** Constant-time equality of two tokens. */
function safeEqual(/** @type {string} */ a, /** @type {string} */ b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** A hash no password matches, checked when the user name is unknown (same cost as a real one). */
/** @type {Promise<string> | undefined} */
let dummyHash;
const DUMMY_HASH = () => (dummyHash ??= hashPassword(randomBytes(24).toString('base64url')));

/**
 * The request body as text, at most MAX_BODY bytes. A larger one is refused (INPUT_TOO_LARGE) as
 * soon as it is known: from its Content-Length before anything is read, else at the chunk that
 * crosses the limit; reading stops there.
 * @param {Request} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    const tooLarge = () => new iap.IapError('INPUT_TOO_LARGE', `request body over ${MAX_BODY} bytes`, { details: { limit: MAX_BODY } });
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > MAX_BODY) {
      reject(tooLarge());
      return;
    }
    let size = 0;
    /** @type {Buffer[]} */
    const chunks = [];
    const onData = (/** @type {Buffer} */ c) => {
      size += c.length;
      if (size <= MAX_BODY) {
        chunks.push(c);
        return;
      }
      req.off('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Sends a file of `root`. `page`, for the page's own files, is what pageLibrary() made: a module gets
 * the library's specifiers resolved, the HTML the preload of its browser entry where it is marked.
 */
/**
 * @param {Response} res
 * @param {string} root
 * @param {string} rel
 * @param {ReturnType<typeof pageLibrary>} [page]
 */
async function serveFile(res, root, rel, page) {
  const path = normalize(join(root, rel));
  if (!path.startsWith(root)) return send(res, 404, 'not found');
  try {
    const s = await stat(path);
    if (!s.isFile()) return send(res, 404, 'not found');
    let body = await readFile(path);
    if (page && /\.m?js$/.test(path)) body = Buffer.from(page.resolve(body.toString('utf8'), rel.split(sep).join('/')));
    else if (page && extname(path) === '.html') body = Buffer.from(body.toString('utf8').replace(PRELOAD_MARK, () => page.preload));
    send(res, 200, body, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'referrer-policy': 'no-referrer',
    });
  } catch {
    send(res, 404, 'not found');
  }
}

/**
 * Starts the dashboard server. Resolves with `{ url, port, emulator?, close() }`.
 * @param {{ port?: number, host?: string, allowedHosts?: string[], publicOrigin?: string | string[],
 *           config?: string, emulator?: boolean, seed?: string, www?: string,
 *           headersTimeoutMs?: number, requestTimeoutMs?: number, maxConnections?: number,
 *           env?: Record<string, string | undefined>, auth?: AuthOptions, audit?: AuditOptions, ledger?: LedgerOptions, sessions?: SessionOptions, settingsFile?: string,
 *           rateLimit?: { perMinute?: number, signInPerMinute?: number } }} [options]
 */
export async function startDashboard(options = {}) {
  const { port = 8790, host = '127.0.0.1', env = process.env } = options;
  /** @type {Record<keyof typeof DEFAULT_LIMITS, number>} */
  const limits = { ...DEFAULT_LIMITS };
  for (const k of /** @type {Array<keyof typeof DEFAULT_LIMITS>} */ (Object.keys(DEFAULT_LIMITS))) {
    const v = options[k];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v < 1) throw new UsageError(`${k} must be a positive integer`);
    limits[k] = v;
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) throw new UsageError('headersTimeoutMs must not exceed requestTimeoutMs');
  let check;
  try {
    const publicOrigins = options.publicOrigin === undefined ? [] : [options.publicOrigin].flat();
    check = hostCheck({ bindHost: host, allowedHosts: options.allowedHosts ?? [], publicOrigins });
  } catch (e) {
    throw new UsageError(/** @type {TypeError} */ (e).message);
  }
  const www = findWww(options.www);
  const page = pageLibrary();
  const conf = loadConfig({ config: options.config, env });
  const sections = teamSections(options.config);
  const authConf = options.auth ?? sections.auth;
  const settingsFile = options.settingsFile ?? sections.settingsFile;
  const perMinute = options.rateLimit?.perMinute ?? sections.rateLimit?.perMinute ?? 120;
  if (!Number.isSafeInteger(perMinute) || perMinute < 1) throw new UsageError('rateLimit.perMinute must be a positive integer');
  /** @type {ReturnType<typeof loadAccounts> | undefined} */
  let accounts;
  if (authConf?.accountsFile) {
    try {
      accounts = loadAccounts(authConf.accountsFile);
    } catch (e) {
      throw new UsageError(`auth.accountsFile: ${/** @type {NodeJS.ErrnoException} */ (e).code ?? /** @type {Error} */ (e).message}`);
    }
  }
  const publicOriginList = options.publicOrigin === undefined ? [] : [options.publicOrigin].flat();
  const auditConf = options.audit ?? sections.audit;
  const ledgerConf = options.ledger ?? sections.ledger;
  const sessionConf = options.sessions ?? sections.sessions;
  const absoluteMs = (authConf?.sessionHours ?? 8) * 3_600_000;
  const idleMs = (authConf?.idleMinutes ?? 30) * 60_000;
  if (!(absoluteMs > 0) || !(idleMs > 0)) throw new UsageError('auth.sessionHours and auth.idleMinutes must be positive');
  // Sessions where every instance finds them: the database of the sessions, else the audit
  // trail's, else the ledger's; in memory when none is configured or `sessions.memory` says so.
  if (sessionConf?.postgres !== undefined && (typeof sessionConf.postgres !== 'string' || sessionConf.postgres === '')) throw new UsageError('sessions.postgres: a PostgreSQL URL');
  if (sessionConf?.memory !== undefined && typeof sessionConf.memory !== 'boolean') throw new UsageError('sessions.memory: true or false');
  const sessionUrl = !authConf || sessionConf?.memory === true ? undefined : sessionConf?.postgres ?? auditConf?.postgres ?? ledgerConf?.postgres;
  /** @type {import('./dashboard-sessions.js').SessionStore} Opened after the audit trail and the ledger. */
  let sessions;
  // Cookies are Secure when the browser comes over TLS (a public origin in https).
  const secure = publicOriginList.some((o) => /^https:/i.test(o));
  /** @type {ReturnType<typeof oidcClient> | undefined} */
  let oidc;
  if (authConf?.oidc) {
    const o = authConf.oidc;
    if (!nonEmpty(o.issuer) || !nonEmpty(o.clientId)) throw new UsageError('auth.oidc needs issuer and clientId');
    if (o.defaultRole != null && !isRole(o.defaultRole)) throw new UsageError('auth.oidc.defaultRole: viewer, agent, admin or null');
    const redirectUri = o.redirectUri ?? (publicOriginList[0] ? `${publicOriginList[0].replace(/\/$/, '')}/api/auth/callback` : undefined);
    if (!redirectUri) throw new UsageError('auth.oidc.redirectUri is needed without --public-origin (e.g. http://127.0.0.1:8790/api/auth/callback)');
    oidc = oidcClient({ putLogin: (p) => sessions.putLogin(p), takeLogin: (id) => sessions.takeLogin(id) }, { ...o, redirectUri, defaultRole: /** @type {import('./dashboard-auth.js').Role | null | undefined} */ (o.defaultRole), allowHttp: o.allowHttp === true || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(o.issuer) });
  }
  const signIn = accounts !== undefined || oidc !== undefined;
  if (!signIn && !isLoopback(host)) {
    throw new UsageError(`--host ${host} reaches beyond this machine: configure sign-in first ("auth" in the config file: an accounts file or an OpenID Connect provider; see the README's "A team" section)`);
  }
  const signInPerMinute = options.rateLimit?.signInPerMinute ?? sections.rateLimit?.signInPerMinute ?? 10;
  if (!Number.isSafeInteger(signInPerMinute) || signInPerMinute < 1) throw new UsageError('rateLimit.signInPerMinute must be a positive integer');
  let audit;
  try {
    audit = auditConf || signIn ? await openAudit({ ...auditConf, file: auditConf?.file ?? (options.config ? join(dirname(resolvePath(options.config)), 'iap-verify-dashboard-audit.jsonl') : undefined) }) : memoryAudit();
  } catch (e) {
    throw startFailure('audit', e);
  }
  let ledger;
  try {
    ledger = await openLedger(ledgerConf);
  } catch (e) {
    await audit.close().catch(() => undefined);
    throw startFailure('ledger', e);
  }
  try {
    sessions = sessionUrl ? await postgresSessions(sessionUrl, { absoluteMs, idleMs }) : memorySessions({ absoluteMs, idleMs });
  } catch (e) {
    await audit.close().catch(() => undefined);
    await ledger?.close().catch(() => undefined);
    throw startFailure('sessions', e);
  }
  await audit.prune().catch(() => 0);
  const pruneTimer = setInterval(() => audit.prune().catch(() => 0), 3_600_000);
  pruneTimer.unref();
  // Expired sessions, finished sign-ins and old rate windows go every ten minutes.
  await sessions.prune().catch(() => 0);
  const sessionTimer = setInterval(() => sessions.prune().catch(() => 0), 600_000);
  sessionTimer.unref();
  /** @type {typeof PAGE_SETTINGS | undefined} */
  let heldSettings;
  if (settingsFile) heldSettings = existsSync(settingsFile) ? pageSettings(JSON.parse(readFileSync(settingsFile, 'utf8'))) : pageSettings({});
  const cookieName = secure ? '__Host-iapv_session' : 'iapv_session';
  /**
   * Answers with what `run` resolves with, and appends the entry with its result to the trail.
   * @param {Response} res
   * @param {{ user: string, role: string, action: string, store?: string, target?: string }} entry
   * @param {() => Promise<unknown>} run
   */
  const audited = (res, entry, run) =>
    auditedAnswer(res, entry, run, (e) => audit.append(e).catch(() => console.error('iap-verify-dashboard: the audit trail refused an entry')));
  const loginCookie = 'iapv_login';
  const configured = conf.iap !== undefined || conf.gamebase !== undefined;
  const useEmulator = options.emulator ?? !configured;
  /** @type {import('iap-verify-emulator').Emulator | undefined} */
  let emulator;
  if (useEmulator) {
    emulator = await startEmulator({ port: 0, seed: options.seed });
    conf.iap = { appKey: emulator.iap.appKey, baseUrl: emulator.url, packageName: emulator.iap.packageName };
    conf.gamebase = { appId: emulator.gamebase.appId, secretKey: emulator.gamebase.secretKey, baseUrl: emulator.url, packageName: emulator.iap.packageName };
  }
  /** @type {Sources} */
  const sources = {};
  if (conf.iap) sources.iap = { conf: conf.iap, client: new iap.IapClient({ appKey: conf.iap.appKey, ...(conf.iap.baseUrl ? { baseUrl: conf.iap.baseUrl } : {}) }) };
  if (conf.gamebase) {
    const g = conf.gamebase;
    sources.gamebase = { conf: g, client: new iap.GamebaseClient({ appId: g.appId, secretKey: g.secretKey, ...(g.baseUrl ? { baseUrl: g.baseUrl } : {}) }) };
  }
  if (emulator?.appStore && !conf.appStore) {
    const a = emulator.appStore;
    // The emulator made its key (no publicKey was given), so it has the .p8.
    conf.appStore = { signingKey: /** @type {string} */ (a.signingKey), keyId: a.keyId, issuerId: a.issuerId, bundleId: a.bundleId, environment: a.environment, appAppleId: a.appAppleId, baseUrl: emulator.url, rootCertificates: [a.rootCertificate] };
  }
  if (emulator?.googlePlay && !conf.googlePlay) {
    const g = emulator.googlePlay;
    conf.googlePlay = { serviceAccount: g.serviceAccount, packageName: g.packageName, baseUrl: emulator.url, tokenUrl: g.serviceAccount.token_uri };
  }
  if (emulator?.oneStore && !conf.oneStore) {
    const o = emulator.oneStore;
    conf.oneStore = { clientId: o.clientId, clientSecret: o.clientSecret, environment: o.environment, marketCode: o.marketCode, baseUrl: emulator.url };
  }
  const stores = storeClients(conf);
  // What the customer actions run against: the stores, and the ledger (ledger.reopen).
  /** @type {import('./dashboard-actions.js').ActionClients} */
  const actionClients = ledger ? { ...stores, ledger: ledger.store } : stores;
  // What the page may know about the servers: where they are, never the credentials.
  const publicConfig = {
    storeApis: Object.fromEntries(Object.entries(stores).map(([k, s]) => [k, { baseUrl: s.client.baseUrl }])),
    emulator: emulator !== undefined,
    // A seeded Google purchase to try on the local server (a token is not guessable like an order id).
    ...(emulator ? { storeSamples: { google: googleSample(emulator) } } : {}),
    apis: Object.fromEntries(Object.entries(sources).map(([k, s]) => [k, { baseUrl: s.client.baseUrl, packageName: s.conf.packageName ?? null }])),
    stores: STORES,
    // Whether the customer view has a purchase ledger to read (never its URL).
    ledger: ledger ? ledger.kind : null,
  };

  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // How often Node looks for requests past those timeouts (its default, 30 s, would let a
    // request run up to 30 s past them).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
  }, async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      // A page on another site must not reach the dashboard under its own name (DNS rebinding:
      // checked on every address, whatever the server is bound to), nor drive the lookup API
      // through the user's browser (CSRF). Both lists come from the options (host-check.js).
      if (!check.hostAllowed(req)) return sendError(res, 421, 'INVALID_ARGUMENT', 'unexpected Host header (a name the dashboard answers is given with --allowed-host)');
      if (url.pathname.startsWith('/api/')) {
        if (!check.originAllowed(req)) {
          return sendError(res, 403, 'INVALID_ARGUMENT', 'cross-origin request refused (the origin behind a proxy is given with --public-origin)');
        }
        if (url.pathname === '/api/health' && req.method === 'GET') return sendJson(res, 200, { status: 'ok', signIn, audit: audit.kind });
        const cookies = parseCookies(req.headers.cookie);
        /** @type {import('./dashboard-sessions.js').Session | undefined} */
        const session = signIn ? await sessions.get(cookies.get(cookieName)) : { user: 'local', role: 'admin', via: 'none', csrf: '', created: 0, seen: 0 };
        const clientIp = req.socket.remoteAddress ?? '?';
        if (url.pathname === '/api/session' && req.method === 'GET') {
          return sendJson(res, 200, {
            signIn: { required: signIn, local: accounts !== undefined, oidc: oidc !== undefined },
            user: session ? { name: session.user, role: session.role, via: session.via } : null,
            csrf: session?.csrf ?? null,
          });
        }
        if (url.pathname === '/api/auth/login' && req.method === 'POST' && accounts) {
          if (!(await sessions.take(`sign-in:${clientIp}`, signInPerMinute, 60_000)).ok) return sendError(res, 429, 'RATE_LIMITED', 'too many sign-in attempts; wait a minute');
          const body = await lookupBody(req, res);
          if (body === undefined) return undefined;
          const name = typeof body?.username === 'string' ? body.username.slice(0, 128) : '';
          const password = typeof body?.password === 'string' ? body.password.slice(0, 1024) : '';
          const account = accounts.get(name);
          // A missing account costs a hash too: the answer's time does not say which names exist.
          const ok = account ? await verifyPassword(password, account.password) : (await verifyPassword(password, await DUMMY_HASH()), false);
          if (!ok || !account) {
            await audit.append({ user: name || '?', role: '-', action: 'sign-in', result: 'refused', detail: 'local' });
            return sendError(res, 401, 'INVALID_ARGUMENT', 'wrong user name or password');
          }
          const { id, session: s } = await sessions.create(name, account.role, 'local');
          await audit.append({ user: name, role: account.role, action: 'sign-in', result: 'ok', detail: 'local' });
          return sendJson(res, 200, { user: { name, role: s.role, via: 'local' }, csrf: s.csrf }, { 'set-cookie': cookie(cookieName, id, { secure, sameSite: 'Strict', maxAgeS: Math.floor(sessions.absoluteMs / 1000) }) });
        }
        if (url.pathname === '/api/auth/oidc' && req.method === 'GET' && oidc) {
          if (!(await sessions.take(`sign-in:${clientIp}`, signInPerMinute, 60_000)).ok) return sendError(res, 429, 'RATE_LIMITED', 'too many sign-in attempts; wait a minute');
          const { url: to, loginId } = await oidc.start();
          // Lax: the provider's redirect back is a cross-site navigation, which Strict cookies miss.
          return send(res, 302, '', { location: to, 'set-cookie': cookie(loginCookie, loginId, { secure, sameSite: 'Lax', maxAgeS: 600, path: '/api/auth/' }) });
        }
        if (url.pathname === '/api/auth/callback' && req.method === 'GET' && oidc) {
          const clear = cookie(loginCookie, '', { secure, sameSite: 'Lax', maxAgeS: 0, path: '/api/auth/' });
          let who;
          try {
            const redirect = new URL(/** @type {string} */ (oidc.redirectUri));
            redirect.search = url.search;
            who = await oidc.finish(cookies.get(loginCookie), redirect);
          } catch (e) {
            await audit.append({ user: '?', role: '-', action: 'sign-in', result: 'error', detail: `oidc: ${/** @type {{ code?: string, name?: string }} */ (e ?? {}).code ?? /** @type {Error} */ (e).name ?? 'Error'}` });
            return send(res, 400, 'Sign-in failed. Go back to the dashboard and sign in again.', { 'content-type': 'text/plain; charset=utf-8', 'set-cookie': clear });
          }
          if (who.role === null) {
            await audit.append({ user: who.user, role: '-', action: 'sign-in', result: 'refused', detail: 'oidc: no role' });
            return send(res, 403, 'Signed in, but your account has no role in this dashboard: ask an admin.', { 'content-type': 'text/plain; charset=utf-8', 'set-cookie': clear });
          }
          const { id } = await sessions.create(who.user, who.role, 'oidc');
          await audit.append({ user: who.user, role: who.role, action: 'sign-in', result: 'ok', detail: 'oidc' });
          res.writeHead(303, { location: '/', 'cache-control': 'no-store', 'set-cookie': [clear, cookie(cookieName, id, { secure, sameSite: 'Strict', maxAgeS: Math.floor(sessions.absoluteMs / 1000) })] });
          return res.end();
        }
        const route = ROUTES[`${req.method} ${url.pathname}`];
        if (!route) return sendError(res, 404, 'INVALID_ARGUMENT', 'no such API');
        if (!session) return sendError(res, 401, 'UNAUTHENTICATED', 'sign in first');
        if (signIn && req.method !== 'GET' && req.method !== 'HEAD' && !safeEqual(String(req.headers['x-csrf-token'] ?? ''), session.csrf)) {
          return sendError(res, 403, 'INVALID_ARGUMENT', 'missing or wrong CSRF token (x-csrf-token)');
        }
        // Per user, for a team; alone on loopback (no sign-in) the one user is not limited, as before.
        const rate = signIn ? await sessions.take(`user:${session.user}`, perMinute, 60_000) : { ok: true, retryAfterS: 0 };
        if (!rate.ok) return sendError(res, 429, 'RATE_LIMITED', `over ${perMinute} requests a minute for this user`, undefined, { 'retry-after': String(rate.retryAfterS) });
        const who = { user: session.user, role: session.role };
        if (!roleAtLeast(session.role, route.role)) {
          await audit.append({ ...who, action: `${req.method} ${url.pathname}`, result: 'refused', detail: `needs ${route.role}` });
          return sendError(res, 403, 'FORBIDDEN', `your role (${session.role}) may not do this; it needs ${route.role}`);
        }
        if (url.pathname === '/api/auth/logout') {
          await sessions.destroy(cookies.get(cookieName));
          await audit.append({ ...who, action: 'sign-out', result: 'ok' });
          return sendJson(res, 200, { signedOut: true }, { 'set-cookie': cookie(cookieName, '', { secure, sameSite: 'Strict', maxAgeS: 0 }) });
        }
        if (url.pathname === '/api/config') return sendJson(res, 200, publicConfig);
        if (url.pathname === '/api/actions') return sendJson(res, 200, { role: session.role, actions: publicActions(actionClients) });
        if (url.pathname === '/api/audit') {
          const q = url.searchParams;
          const entries = await audit.query({ user: q.get('user') || undefined, action: q.get('action') || undefined, target: q.get('target') || undefined, since: q.get('since') || undefined, limit: Number(q.get('limit')) || undefined });
          return sendJson(res, 200, { kind: audit.kind, retentionDays: audit.retentionDays, entries });
        }
        if (url.pathname === '/api/settings' && req.method === 'GET') {
          return sendJson(res, 200, heldSettings ? { held: 'server', settings: heldSettings, editable: roleAtLeast(session.role, 'admin') } : { held: 'browser' });
        }
        if (url.pathname === '/api/settings' && req.method === 'PUT') {
          if (!settingsFile) return sendError(res, 409, 'INVALID_ARGUMENT', 'no settingsFile is configured: settings stay in each browser');
          const body = await lookupBody(req, res);
          if (body === undefined) return undefined;
          heldSettings = pageSettings(body);
          const tmp = `${settingsFile}.tmp`;
          await writeFile(tmp, JSON.stringify(heldSettings, null, 2));
          await rename(tmp, settingsFile);
          await audit.append({ ...who, action: 'settings', result: 'ok' });
          return sendJson(res, 200, { held: 'server', settings: heldSettings, editable: true });
        }
        if (url.pathname === '/api/action') {
          const body = await lookupBody(req, res);
          if (body === undefined) return undefined;
          let chosen;
          try {
            chosen = readAction(body);
          } catch (e) {
            if (!(e instanceof iap.IapError)) throw e;
            await audit.append({ ...who, action: `action:${String(body?.action ?? '?')}`, result: 'error', detail: e.code });
            return sendError(res, 400, e.code, e.message);
          }
          const { action, input, target, store } = chosen;
          if (!roleAtLeast(session.role, action.role)) {
            await audit.append({ ...who, action: action.id, store, target, result: 'refused', detail: `needs ${action.role}` });
            return sendError(res, 403, 'FORBIDDEN', `your role (${session.role}) may not do this; it needs ${action.role}`);
          }
          return await audited(res, { ...who, action: action.id, store, target }, () => action.run(actionClients, input, { user: session.user }));
        }
        if (url.pathname === '/api/lookup') {
          const body = await lookupBody(req, res);
          if (body === undefined) return undefined;
          const userId = nonEmpty(body?.userId);
          const store = body?.store ?? 'ALL';
          const api = body?.api;
          if (!userId || userId.length > 256) return sendError(res, 400, 'INVALID_ARGUMENT', 'userId: 1 to 256 characters');
          if (store !== 'ALL' && !STORES.includes(store)) return sendError(res, 400, 'INVALID_ARGUMENT', `store: one of ALL, ${STORES.join(', ')}`);
          // Own names only: `in` would take `__proto__`, `toString` or `constructor` for an API.
          if (api !== undefined && !(typeof api === 'string' && Object.hasOwn(sources, api))) {
            return sendError(res, 400, 'INVALID_ARGUMENT', `api: one of ${Object.keys(sources).join(', ') || '(none configured)'}`);
          }
          return await audited(res, { ...who, action: 'lookup', store, target: userId }, () => lookup(sources, { userId, store, api }));
        }
        if (url.pathname === '/api/customer') {
          const body = await lookupBody(req, res);
          if (body === undefined) return undefined;
          const userId = nonEmpty(body?.userId);
          if (!userId || userId.length > 256) return sendError(res, 400, 'INVALID_ARGUMENT', 'userId: 1 to 256 characters');
          return await audited(res, { ...who, action: 'customer', store: 'ledger', target: userId }, async () => {
            if (!ledger) throw new iap.IapError('INVALID_ARGUMENT', 'no purchase ledger is configured ("ledger" in the config file)');
            return customerView(ledger.store, userId);
          });
        }
        if (url.pathname === '/api/store-lookup') {
          const body = await lookupBody(req, res);
          if (body === undefined) return undefined;
          const target = typeof body?.id === 'string' ? body.id : undefined;
          return await audited(res, { ...who, action: `store-lookup:${String(body?.by ?? '?').slice(0, 20)}`, store: typeof body?.store === 'string' ? body.store : undefined, target }, () => storeLookup(stores, body));
        }
        return sendError(res, 404, 'INVALID_ARGUMENT', 'no such API');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      if (url.pathname.startsWith('/pkg/')) {
        const rel = url.pathname.slice('/pkg/'.length);
        if (!page.files.has(rel)) return send(res, 404, 'not found');
        return serveFile(res, PKG_DIR, rel);
      }
      let rel;
      try {
        rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
      } catch {
        return send(res, 404, 'not found');
      }
      return serveFile(res, www, rel, page);
    } catch (e) {
      // Never echo request data or configuration: the message could carry a secret.
      console.error(`iap-verify-dashboard: ${req.method} ${req.url?.split('?')[0]}: ${/** @type {{ name?: string }} */ (e ?? {}).name ?? 'Error'}`);
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'internal error');
      else res.destroy();
    }
  });
  // More connections than this are closed as they arrive.
  server.maxConnections = limits.maxConnections;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  check.listening(address.port);
  const shownHost = host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const origin = `http://${shownHost}:${address.port}`;
  return {
    url: `${origin}/`,
    hostNames: check.names,
    publicOrigins: check.publicOrigins,
    limits: { maxBodyBytes: MAX_BODY, headersTimeoutMs: server.headersTimeout, requestTimeoutMs: server.requestTimeout, maxConnections: server.maxConnections },
    port: address.port,
    emulator,
    apis: publicConfig.apis,
    close: async () => {
      await /** @type {Promise<void>} */ (new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }));
      clearInterval(pruneTimer);
      clearInterval(sessionTimer);
      await audit.close();
      await sessions.close();
      await ledger?.close();
      if (emulator) await emulator.close();
    },
    signIn,
    audit: audit.kind,
    sessions: signIn ? sessions.kind : null,
    ledger: ledger?.kind ?? null,
  };
}

/**
 * Runs the dashboard command. Resolves with the running dashboard (tests close it); the process
 * keeps serving until SIGINT/SIGTERM. Resolves with an exit code instead when the arguments are wrong.
 * @param {string[]} argv arguments after the command name
 * @param {{ log?: (line: string) => void, signals?: boolean, env?: Record<string, string | undefined>, name?: string }} [io]
 *   `name`: the command's name in messages (default `iap-verify dashboard`; the package's bin says
 *   `iap-verify-dashboard`)
 */
export async function main(argv = [], { log = console.log, signals = true, env = process.env, name = 'iap-verify dashboard' } = {}) {
  let opts;
  if (argv[0] === 'hash-password' || (argv[0] === 'dashboard' && argv[1] === 'hash-password')) {
    // The password from stdin (piped, or typed then Ctrl+D), never from the command line (ps, shell history).
    const chunks = [];
    for await (const c of process.stdin) chunks.push(c);
    const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    try {
      log(await hashPassword(password));
      return 0;
    } catch (e) {
      console.error(`${name} hash-password: ${/** @type {Error} */ (e).message}`);
      return 2;
    }
  }
  try {
    opts = parse(argv);
    if (opts.help) {
      log(usage(name));
      return 0;
    }
    const dash = await startDashboard({ ...opts, env });
    log(`${name}: ${dash.url}`);
    if (dash.emulator) {
      log(`  lookups go to the local IAP server at ${dash.emulator.url} (seeded; try user id "user-1" or "user-2")`);
    } else {
      for (const [name, a] of Object.entries(dash.apis)) log(`  ${name === 'iap' ? 'IAP server API' : 'Gamebase API'}: ${a.baseUrl}`);
    }
    log(dash.signIn
      ? `  sign-in required; audit trail: ${dash.audit}; sessions: ${dash.sessions === 'postgres' ? 'PostgreSQL (shared by every instance on it)' : 'in memory (this instance only)'}`
      : '  no sign-in: for one person on this machine only (you act as admin); audit trail kept in memory unless "audit" is configured');
    if (!['127.0.0.1', 'localhost', '::1'].includes(opts.host) || opts.allowedHosts.length > 0 || opts.publicOrigin.length > 0) {
      log(`  answers the Host names ${dash.hostNames.join(', ')}${dash.publicOrigins.length > 0 ? `; public origin ${dash.publicOrigins.join(', ')}` : ''}`);
    }
    if (signals) {
      const stop = () => dash.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    return dash;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${name}: ${e.message}\n\n${usage(name)}`);
      return 2;
    }
    if (/** @type {NodeJS.ErrnoException} */ (e ?? {}).code === 'EADDRINUSE') {
      console.error(`${name}: port ${opts?.port} is in use; pass --port N (0 picks a free one)`);
      return 2;
    }
    throw e;
  }
}
