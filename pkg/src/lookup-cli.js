// `iap-verify apple <what> <id>`, `iap-verify google <what> <ids>` and `iap-verify onestore <what>
// <ids>`: look a purchase up with the App Store Server API, the Play Developer API or ONE store's
// server API V7, from a terminal (customer support, debugging).
// The output is the client's answer as JSON: the store's fields and, beside each signed one (Apple),
// its verified decoding, or the purchase model with its acknowledgement deadline (Google, ONE store).
// Credentials come from flags or the environment, never from the command line itself when
// avoidable (the keys are files). Only reads: nothing here acknowledges, consumes or refunds.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as iap from '../node.mjs';

const APPLE_USAGE = `usage: iap-verify apple <what> <id> [options]

what:
  transaction <transactionId>        Get Transaction Info
  history <transactionId>            Get Transaction History (every page)
  statuses <transactionId>           Get All Subscription Statuses
  order <orderId>                    Look Up Order ID (the id on the customer's receipt e-mail)
  refunds <transactionId>            Get Refund History (every page)

options (each also read from the environment variable named in brackets):
  --key <file>           the .p8 private key from App Store Connect [APPLE_P8_KEY_FILE]
  --key-id <id>          its key id [APPLE_KEY_ID]
  --issuer-id <id>       your issuer id [APPLE_ISSUER_ID]
  --bundle-id <id>       the app's bundle id [APPLE_BUNDLE_ID]
  --environment <env>    Production, Sandbox or LocalTesting [APPLE_ENVIRONMENT] (default Production)
  --app-apple-id <n>     the app's Apple id, needed for Production data [APPLE_APP_ID]
  --fallback-to-sandbox  Production: try the sandbox when the transaction id is not found
  --base-url <url>       another host (a local server)
  --root <file>          a root the signed data must chain to, DER or PEM (repeatable; default Apple's)`;

/** @typedef {Record<string, string | boolean | string[] | undefined>} Values parseArgs's values */
/** @typedef {NodeJS.ProcessEnv | Record<string, string | undefined>} Env */
/** @typedef {import('./clients.js').FetchLike} FetchLike */
/**
 * One lookup: the ids it takes after `what`, and what it runs with the client and them.
 * @template C
 * @typedef {{ args: string[], run(client: C, ...idsAndValues: any[]): Promise<unknown> }} Lookup
 */

/** @satisfies {NonNullable<import('node:util').ParseArgsConfig['options']>} */
const OPTIONS = {
  key: { type: 'string' },
  'key-id': { type: 'string' },
  'issuer-id': { type: 'string' },
  'bundle-id': { type: 'string' },
  environment: { type: 'string' },
  'app-apple-id': { type: 'string' },
  'fallback-to-sandbox': { type: 'boolean' },
  'base-url': { type: 'string' },
  root: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
};

/**
 * Every page of a paginated method as one answer: the last page's fields, the lists joined.
 * @param {AsyncIterable<{ signedTransactions?: string[], decodedTransactions?: unknown[], hasMore?: boolean, revision?: string }>} pages
 */
async function allPages(pages) {
  /** @type {string[]} */
  const signed = [];
  /** @type {unknown[]} */
  const decoded = [];
  /** @type {{ hasMore?: boolean, revision?: string }} */
  let last = {};
  for await (const page of pages) {
    signed.push(...(page.signedTransactions ?? []));
    decoded.push(...(page.decodedTransactions ?? []));
    last = page;
  }
  const { hasMore, revision, ...rest } = last;
  return { ...rest, signedTransactions: signed, decodedTransactions: decoded };
}

/** @typedef {import('./clients.js').AppStoreServerAPIClient} Apple */
/** @param {(client: Apple, id: string) => Promise<unknown>} run */
const one = (run) => ({ args: ['id'], run });
/** @type {Record<string, Lookup<Apple>>} */
const APPLE = {
  transaction: one((c, id) => c.getTransactionInfo(id)),
  history: one((c, id) => allPages(c.getTransactionHistoryPages(id, undefined, {}, 'v2'))),
  statuses: one((c, id) => c.getAllSubscriptionStatuses(id)),
  order: one((c, id) => c.lookUpOrderId(id)),
  refunds: one((c, id) => allPages(c.getRefundHistoryPages(id))),
};

/**
 * One lookup command: parses `argv` with `options`, checks `what` against `lookups` and its ids,
 * makes the client with `client(values, env, fetch)` and prints the answer as JSON.
 * @template C
 * @param {string} name
 * @param {string} usageText
 * @param {NonNullable<import('node:util').ParseArgsConfig['options']>} options
 * @param {Record<string, Lookup<C>>} lookups
 * @param {(values: Values, env: Env, fetch: FetchLike | undefined) => C} client
 * @param {string[]} argv
 * @param {LookupIo} [io]
 * @returns {Promise<number>} 0 found, 1 refused by the store or not verified (the error is printed), 2 usage
 */
async function lookup(name, usageText, options, lookups, client, argv, { stdout = process.stdout, stderr = process.stderr, env = process.env, fetch } = {}) {
  const usage = (/** @type {string} */ why) => {
    stderr.write(`iap-verify ${name}: ${why}\n\n${usageText}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    return usage(/** @type {TypeError} */ (e).message);
  }
  const { positionals } = parsed;
  const v = /** @type {Values} */ (parsed.values);
  if (v.help) {
    stdout.write(`${usageText}\n`);
    return 0;
  }
  const [what, ...ids] = positionals;
  if (what === undefined || !Object.hasOwn(lookups, what)) return usage(what === undefined ? 'missing what to look up' : `unknown lookup '${what}'`);
  const { args, run } = lookups[what];
  if (ids.length < args.length) return usage(`missing the ${args.slice(ids.length).join(' and the ')} after '${what}'`);
  if (ids.length > args.length) return usage(`unexpected '${ids.slice(args.length).join(' ')}'`);
  let c;
  try {
    c = client(v, env, fetch);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    if (!(e instanceof iap.IapError)) throw e;
    return usage(`${e.code}: ${e.message}`);
  }
  try {
    stdout.write(`${JSON.stringify(await run(c, ...ids, v), null, 2)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof iap.IapError)) throw e;
    stderr.write(`iap-verify ${name}: ${e.code}: ${e.message}\n`);
    if (e.details) stderr.write(`${JSON.stringify(e.details)}\n`);
    return e.code === 'INVALID_ARGUMENT' ? 2 : 1;
  }
}

/**
 * Where a lookup writes, its environment, and the fetch its client uses (tests).
 * @typedef {{ stdout?: { write(s: string): unknown }, stderr?: { write(s: string): unknown }, env?: Env, fetch?: FetchLike }} LookupIo
 */

class UsageError extends Error {}

/**
 * A file's text, or a usage error naming it.
 * @param {string} file
 */
function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw unreadable(file, e);
  }
}

/**
 * A file's bytes, or a usage error naming it.
 * @param {string} file
 */
function readBytes(file) {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw unreadable(file, e);
  }
}

/**
 * @param {string} file
 * @param {unknown} e what readFileSync threw
 */
function unreadable(file, e) {
  const { path, code, message } = /** @type {NodeJS.ErrnoException} */ (e);
  return new UsageError(`cannot read ${path ?? file} (${code ?? message})`);
}

/**
 * Flags missing from both the command line and the environment, as a usage error.
 * @param {Array<[flag: string, variable: string, value: unknown]>} list
 * @returns {asserts list is Array<[string, string, string]>}
 */
function need(list) {
  const missing = list.filter(([, , value]) => !value);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map(([f, e]) => `${f} (or ${e})`).join(', ')}`);
}

/**
 * @param {Values} v
 * @param {Env} env
 * @param {FetchLike | undefined} fetch
 */
function appleClient(v, env, fetch) {
  // Every Apple flag but --root and --fallback-to-sandbox is a string option.
  const opt = (/** @type {string} */ flag, /** @type {string} */ name) => /** @type {string | undefined} */ (v[flag]) ?? env[name];
  const keyFile = opt('key', 'APPLE_P8_KEY_FILE');
  need([
    ['--key', 'APPLE_P8_KEY_FILE', keyFile],
    ['--key-id', 'APPLE_KEY_ID', opt('key-id', 'APPLE_KEY_ID')],
    ['--issuer-id', 'APPLE_ISSUER_ID', opt('issuer-id', 'APPLE_ISSUER_ID')],
    ['--bundle-id', 'APPLE_BUNDLE_ID', opt('bundle-id', 'APPLE_BUNDLE_ID')],
  ]);
  const key = read(/** @type {string} */ (keyFile));
  const roots = /** @type {string[] | undefined} */ (v.root)?.map(readBytes);
  const appAppleId = opt('app-apple-id', 'APPLE_APP_ID');
  return new iap.AppStoreServerAPIClient(
    key,
    /** @type {string} */ (opt('key-id', 'APPLE_KEY_ID')),
    /** @type {string} */ (opt('issuer-id', 'APPLE_ISSUER_ID')),
    /** @type {string} */ (opt('bundle-id', 'APPLE_BUNDLE_ID')),
    // The client checks the environment's name.
    /** @type {import('./apple.js').Environment} */ (opt('environment', 'APPLE_ENVIRONMENT') ?? 'Production'),
    {
      ...(v['base-url'] ? { baseUrl: /** @type {string} */ (v['base-url']) } : {}),
      ...(roots ? { rootCertificates: roots } : {}),
      ...(appAppleId ? { appAppleId: Number(appAppleId) } : {}),
      ...(v['fallback-to-sandbox'] ? { fallbackToSandbox: true } : {}),
      ...(fetch ? { fetch } : {}),
    },
  );
}

/**
 * `iap-verify apple …`
 * @param {string[]} [argv]
 * @param {LookupIo} [io]
 */
export const main = (argv = [], io = {}) => lookup('apple', APPLE_USAGE, OPTIONS, APPLE, appleClient, argv, io);

const GOOGLE_USAGE = `usage: iap-verify google <what> <ids> [options]

what:
  product <productId> <token>        Get a one-time product purchase, and whether it still needs
                                     acknowledging and by when
  subscription <token>               Get a subscription purchase (v2), the same
  order <orderId>                    Get an order (GPA.…, the id on the customer's receipt e-mail):
                                     its state, refunds and history, and the purchase it is for
  voided                             List the voided purchases (refunds, chargebacks; every page)

options (each also read from the environment variable named in brackets):
  --service-account <file>  the service account's JSON key file [GOOGLE_APPLICATION_CREDENTIALS]
  --package <name>          the app's package name [GOOGLE_PLAY_PACKAGE_NAME]
  --start-time <ms>         voided: from this time (epoch ms; Google's default is 30 days back)
  --type <0|1>              voided: 0 purchases only (default), 1 subscriptions too
  --base-url <url>          another API host (a local server)
  --token-url <url>         another OAuth token endpoint (a local server)`;

/** @satisfies {NonNullable<import('node:util').ParseArgsConfig['options']>} */
const GOOGLE_OPTIONS = {
  'service-account': { type: 'string' },
  package: { type: 'string' },
  'start-time': { type: 'string' },
  type: { type: 'string' },
  'base-url': { type: 'string' },
  'token-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * A purchase answer with its purchase model (state, acknowledgement deadline) beside it.
 * @param {import('../web/iap_verify.js').ProductPurchase | import('../web/iap_verify.js').SubscriptionPurchaseV2} answer
 */
const withPurchase = (answer) => ({ ...answer, purchase: iap.toPurchase(answer) });

/** @typedef {{ play: import('./clients.js').GooglePlayClient, packageName: string }} Play */

/** @type {Record<string, Lookup<Play>>} */
const GOOGLE = {
  product: { args: ['productId', 'token'], run: async ({ play, packageName }, /** @type {string} */ productId, /** @type {string} */ token) => withPurchase(await play.getProductPurchase({ packageName, productId, token })) },
  subscription: { args: ['token'], run: async ({ play, packageName }, /** @type {string} */ token) => withPurchase(await play.getSubscriptionPurchaseV2({ packageName, token })) },
  order: {
    args: ['orderId'],
    run: async ({ play, packageName }, /** @type {string} */ orderId) => {
      const order = await play.getOrder({ packageName, orderId });
      const token = order.purchaseToken;
      if (!token) return order;
      // The purchase the order is for, by its token: a subscription's (v2) or a one-time product's (productsv2).
      const subscription = order.lineItems?.some((i) => i.subscriptionDetails !== undefined);
      const answer = subscription ? await play.getSubscriptionPurchaseV2({ packageName, token }) : await play.getProductPurchaseV2({ packageName, token });
      return { ...order, purchase: iap.toPurchase(answer) };
    },
  },
  voided: {
    args: [],
    run: async ({ play, packageName }, /** @type {Values} */ v) => {
      /** @type {import('../web/iap_verify.js').ListVoidedPurchasesParams} */
      const params = { packageName };
      // The flags' text: the core reads these int64 parameters from digits too.
      if (v['start-time'] !== undefined) params.startTime = /** @type {number} */ (/** @type {unknown} */ (v['start-time']));
      if (v.type !== undefined) params.type = /** @type {0 | 1} */ (/** @type {unknown} */ (v.type));
      const voidedPurchases = [];
      for await (const page of play.listVoidedPurchasesPages(params)) voidedPurchases.push(...(page.voidedPurchases ?? []));
      return { voidedPurchases };
    },
  },
};

/**
 * @param {Values} v
 * @param {Env} env
 * @param {FetchLike | undefined} fetch
 * @returns {Play}
 */
function googleClient(v, env, fetch) {
  // String options.
  const file = /** @type {string | undefined} */ (v['service-account']) ?? env.GOOGLE_APPLICATION_CREDENTIALS;
  const packageName = /** @type {string | undefined} */ (v.package) ?? env.GOOGLE_PLAY_PACKAGE_NAME;
  need([
    ['--service-account', 'GOOGLE_APPLICATION_CREDENTIALS', file],
    ['--package', 'GOOGLE_PLAY_PACKAGE_NAME', packageName],
  ]);
  const play = new iap.GooglePlayClient({
    serviceAccount: read(/** @type {string} */ (file)),
    ...(v['base-url'] ? { baseUrl: /** @type {string} */ (v['base-url']) } : {}),
    ...(v['token-url'] ? { tokenUrl: /** @type {string} */ (v['token-url']) } : {}),
    ...(fetch ? { fetch } : {}),
  });
  return { play, packageName: /** @type {string} */ (packageName) };
}

/**
 * `iap-verify google …`
 * @param {string[]} [argv]
 * @param {LookupIo} [io]
 */
export const google = (argv = [], io = {}) => lookup('google', GOOGLE_USAGE, GOOGLE_OPTIONS, GOOGLE, googleClient, argv, io);

const ONESTORE_USAGE = `usage: iap-verify onestore <what> <ids> [options]

what:
  purchase <productId> <purchaseToken>      getPurchaseDetails: a managed product purchase, and
                                            whether it still needs acknowledging and by when
  subscription <productId> <purchaseToken>  getSubscriptionDetail, the same, and its status now
  voided                                    getVoidedPurchases (every page; by voided time)

options (each also read from the environment variable named in brackets):
  --client-id <id>          the app's client id (package name, or PID after 2025-03-20) [ONESTORE_CLIENT_ID]
  --client-secret-file <f>  a file holding the client secret [ONESTORE_CLIENT_SECRET_FILE]; or
                            the secret itself in [ONESTORE_CLIENT_SECRET] (never on the command line)
  --environment <env>       SANDBOX or COMMERCIAL [ONESTORE_ENVIRONMENT] (default COMMERCIAL)
  --market <code>           MKT_ONE (default) or MKT_GLB [ONESTORE_MARKET_CODE]
  --start-time <ms>         voided: from this time (epoch ms; at most one month back)
  --end-time <ms>           voided: to this time (epoch ms; not in the future)
  --base-url <url>          another host (a local server)`;

/** @satisfies {NonNullable<import('node:util').ParseArgsConfig['options']>} */
const ONESTORE_OPTIONS = {
  'client-id': { type: 'string' },
  'client-secret-file': { type: 'string' },
  environment: { type: 'string' },
  market: { type: 'string' },
  'start-time': { type: 'string' },
  'end-time': { type: 'string' },
  'base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** @typedef {import('./clients.js').OneStoreClient} One */

/** @type {Record<string, Lookup<One>>} */
const ONESTORE = {
  purchase: {
    args: ['productId', 'purchaseToken'],
    run: async (c, /** @type {string} */ productId, /** @type {string} */ purchaseToken) => {
      const answer = await c.getPurchaseDetails({ productId, purchaseToken });
      return { ...answer, purchase: iap.toPurchase(answer) };
    },
  },
  subscription: {
    args: ['productId', 'purchaseToken'],
    run: async (c, /** @type {string} */ productId, /** @type {string} */ purchaseToken) => {
      const answer = await c.getSubscriptionDetail({ productId, purchaseToken });
      return { ...answer, purchase: iap.toPurchase(answer), status: iap.subscriptionStatus({ source: 'ONESTORE', subscription: answer }, Date.now()) };
    },
  },
  voided: {
    args: [],
    run: async (c, /** @type {Values} */ v) => {
      /** @type {import('../web/iap_verify.js').OneStoreVoidedPurchasesParams} */
      const params = {};
      // The flags' text: the core reads these int64 parameters from digits too.
      if (v['start-time'] !== undefined) params.startTime = /** @type {number} */ (/** @type {unknown} */ (v['start-time']));
      if (v['end-time'] !== undefined) params.endTime = /** @type {number} */ (/** @type {unknown} */ (v['end-time']));
      const voidedPurchaseList = [];
      for await (const page of c.getVoidedPurchasesPages(params)) voidedPurchaseList.push(...(page.voidedPurchaseList ?? []));
      return { voidedPurchaseList };
    },
  },
};

/**
 * @param {Values} v
 * @param {Env} env
 * @param {FetchLike | undefined} fetch
 * @returns {One}
 */
function oneStoreClient(v, env, fetch) {
  const opt = (/** @type {string} */ flag, /** @type {string} */ name) => /** @type {string | undefined} */ (v[flag]) ?? env[name];
  const clientId = opt('client-id', 'ONESTORE_CLIENT_ID');
  const secretFile = opt('client-secret-file', 'ONESTORE_CLIENT_SECRET_FILE');
  const secret = secretFile ? read(secretFile).trim() : env.ONESTORE_CLIENT_SECRET;
  need([
    ['--client-id', 'ONESTORE_CLIENT_ID', clientId],
    ['--client-secret-file', 'ONESTORE_CLIENT_SECRET_FILE or ONESTORE_CLIENT_SECRET', secret],
  ]);
  return new iap.OneStoreClient({
    clientId: /** @type {string} */ (clientId),
    clientSecret: /** @type {string} */ (secret),
    // The client checks both names.
    environment: /** @type {'SANDBOX' | 'COMMERCIAL'} */ (opt('environment', 'ONESTORE_ENVIRONMENT') ?? 'COMMERCIAL'),
    ...(opt('market', 'ONESTORE_MARKET_CODE') ? { marketCode: /** @type {'MKT_ONE' | 'MKT_GLB'} */ (opt('market', 'ONESTORE_MARKET_CODE')) } : {}),
    ...(v['base-url'] ? { baseUrl: /** @type {string} */ (v['base-url']) } : {}),
    ...(fetch ? { fetch } : {}),
  });
}

/**
 * `iap-verify onestore …`
 * @param {string[]} [argv]
 * @param {LookupIo} [io]
 */
export const onestore = (argv = [], io = {}) => lookup('onestore', ONESTORE_USAGE, ONESTORE_OPTIONS, ONESTORE, oneStoreClient, argv, io);
