// `iap-verify apple <what> <id>`: look a purchase up with the App Store Server API, from a
// terminal (customer support, debugging). The output is the client's answer as JSON: Apple's
// fields and, beside each signed one, its verified decoding. Credentials come from flags or the
// environment, never from the command line itself when avoidable (the key is a file).
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

/** Every page of a paginated method as one answer: the last page's fields, the lists joined. */
async function allPages(pages) {
  const signed = [];
  const decoded = [];
  let last = {};
  for await (const page of pages) {
    signed.push(...(page.signedTransactions ?? []));
    decoded.push(...(page.decodedTransactions ?? []));
    last = page;
  }
  const { hasMore, revision, ...rest } = last;
  return { ...rest, signedTransactions: signed, decodedTransactions: decoded };
}

const APPLE = {
  transaction: (c, id) => c.getTransactionInfo(id),
  history: (c, id) => allPages(c.getTransactionHistoryPages(id, null, {}, 'v2')),
  statuses: (c, id) => c.getAllSubscriptionStatuses(id),
  order: (c, id) => c.lookUpOrderId(id),
  refunds: (c, id) => allPages(c.getRefundHistoryPages(id)),
};

/**
 * @param {string[]} argv arguments after `apple`
 * @param {{ stdout?: { write(s: string): unknown }, stderr?: { write(s: string): unknown }, env?: Record<string, string | undefined>, fetch?: Function }} [io]
 * @returns {Promise<number>} 0 found, 1 refused by Apple or not verified (the error is printed), 2 usage
 */
export async function main(argv = [], { stdout = process.stdout, stderr = process.stderr, env = process.env, fetch } = {}) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    stderr.write(`iap-verify apple: ${e.message}\n\n${APPLE_USAGE}\n`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    stdout.write(`${APPLE_USAGE}\n`);
    return 0;
  }
  const [what, id, ...extra] = positionals;
  const usage = (why) => {
    stderr.write(`iap-verify apple: ${why}\n\n${APPLE_USAGE}\n`);
    return 2;
  };
  if (!Object.hasOwn(APPLE, what ?? '')) return usage(what === undefined ? 'missing what to look up' : `unknown lookup '${what}'`);
  if (id === undefined || extra.length > 0) return usage(id === undefined ? `missing the id after '${what}'` : `unexpected '${extra.join(' ')}'`);
  const opt = (flag, name) => v[flag] ?? env[name];
  const keyFile = opt('key', 'APPLE_P8_KEY_FILE');
  const missing = [
    ['--key', 'APPLE_P8_KEY_FILE', keyFile],
    ['--key-id', 'APPLE_KEY_ID', opt('key-id', 'APPLE_KEY_ID')],
    ['--issuer-id', 'APPLE_ISSUER_ID', opt('issuer-id', 'APPLE_ISSUER_ID')],
    ['--bundle-id', 'APPLE_BUNDLE_ID', opt('bundle-id', 'APPLE_BUNDLE_ID')],
  ].filter(([, , value]) => !value);
  if (missing.length > 0) return usage(`missing ${missing.map(([f, e]) => `${f} (or ${e})`).join(', ')}`);
  let key;
  let roots;
  try {
    key = readFileSync(keyFile, 'utf8');
    roots = v.root?.map((f) => new Uint8Array(readFileSync(f)));
  } catch (e) {
    return usage(`cannot read ${e.path ?? 'a file'} (${e.code ?? e.message})`);
  }
  const appAppleId = opt('app-apple-id', 'APPLE_APP_ID');
  try {
    const client = new iap.AppStoreServerAPIClient(
      key,
      opt('key-id', 'APPLE_KEY_ID'),
      opt('issuer-id', 'APPLE_ISSUER_ID'),
      opt('bundle-id', 'APPLE_BUNDLE_ID'),
      opt('environment', 'APPLE_ENVIRONMENT') ?? 'Production',
      {
        ...(v['base-url'] ? { baseUrl: v['base-url'] } : {}),
        ...(roots ? { rootCertificates: roots } : {}),
        ...(appAppleId ? { appAppleId: Number(appAppleId) } : {}),
        ...(v['fallback-to-sandbox'] ? { fallbackToSandbox: true } : {}),
        ...(fetch ? { fetch } : {}),
      },
    );
    stdout.write(`${JSON.stringify(await APPLE[what](client, id), null, 2)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof iap.IapError)) throw e;
    stderr.write(`iap-verify apple: ${e.code}: ${e.message}\n`);
    if (e.details) stderr.write(`${JSON.stringify(e.details)}\n`);
    return e.code === 'INVALID_ARGUMENT' ? 2 : 1;
  }
}
