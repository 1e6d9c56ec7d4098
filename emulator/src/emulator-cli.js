// `iap-verify-emulator [--port N] [--host H] [--seed FILE]` (also `iap-verify emulator`, which
// loads this module when the package is installed): runs the local IAP server until interrupted.
// `main` takes the arguments after the command name (a leading "emulator" is tolerated too).
import { startEmulator } from './emulator.js';
import { checkAllowedHost } from './host-check.js';

const usage = (/** @type {string} */ name) => `usage: ${name} [--port N] [--host HOST] [--allowed-host NAME]... [--seed FILE]

Serves the NHN Cloud IAP server API, the Gamebase purchase API, the App Store Server API, the
Google Play Developer API (with Google's OAuth token endpoint) and ONE store's IAP server API V7
(with its OAuth endpoint) from memory, for development and tests, and sends each store's
notifications. --port 0 picks a free port (default 8787); --host defaults to 127.0.0.1; --seed is a
JSON file in the format of the package's src/emulator-seed.json (the default).

  --allowed-host NAME  a Host name the emulator answers besides localhost, 127.0.0.1, [::1] and the
                       address it listens on (every address of this machine for 0.0.0.0 or ::):
                       the name clients use, e.g. a container's (--host 0.0.0.0 --allowed-host
                       iap-emulator); repeat it for more. Any other Host gets 421 (DNS rebinding).

Requests that carry an Origin other than http://NAME:PORT of an answered name get 403 (a page on
another site cannot drive it through a browser), and POST /admin/* is taken only with
Content-Type: application/json (415 otherwise).`;

/** @param {string[]} argv */
function parse(argv) {
  const args = [...argv];
  if (args[0] === 'emulator') args.shift();
  /** @type {{ port: number, host: string, allowedHosts: string[], seed?: string, help: boolean }} */
  const opts = { port: 8787, host: '127.0.0.1', allowedHosts: [], seed: undefined, help: false };
  while (args.length > 0) {
    const a = /** @type {string} */ (args.shift());
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? args.shift();
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port' || flag === '-p') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('--port must be an integer from 0 to 65535');
      opts.port = n;
    } else if (flag === '--host') opts.host = value();
    else if (flag === '--allowed-host') opts.allowedHosts.push(checkAllowedHost(value()));
    else if (flag === '--seed') opts.seed = value();
    else if (flag === '--help' || flag === '-h') opts.help = true;
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

/**
 * Runs the emulator command. Resolves with the running emulator (tests close it); the process
 * keeps serving until SIGINT/SIGTERM. Returns an exit code instead when the arguments are wrong.
 * @param {string[]} argv arguments after the command name
 * @param {{ log?: (line: string) => void, signals?: boolean, name?: string }} [io] `name`: the
 *   command's name in messages (default `iap-verify emulator`; the package's bin says `iap-verify-emulator`)
 */
export async function main(argv = [], { log = console.log, signals = true, name = 'iap-verify emulator' } = {}) {
  let opts;
  try {
    opts = parse(argv);
  } catch (e) {
    console.error(`${name}: ${/** @type {Error} */ (e).message}\n\n${usage(name)}`);
    return 2;
  }
  if (opts.help) {
    log(usage(name));
    return 0;
  }
  const emu = await startEmulator({ port: opts.port, host: opts.host, allowedHosts: opts.allowedHosts, seed: opts.seed });
  log(`IAP emulator listening on ${emu.url}`);
  log(`  IAP server API   baseUrl ${emu.url}  appKey ${emu.iap.appKey}  (appSeq ${emu.iap.appSeq}, package ${emu.iap.packageName})`);
  log(`  Gamebase API     baseUrl ${emu.url}  appId ${emu.gamebase.appId}  secretKey ${emu.gamebase.secretKey}`);
  const a = emu.appStore;
  log(`  App Store API    baseUrl ${emu.url}  keyId ${a.keyId}  issuerId ${a.issuerId}  bundleId ${a.bundleId}  (${a.environment}, appAppleId ${a.appAppleId})`);
  log(`                   .p8 key and root: GET /admin/appstore/credentials, root PEM: GET /admin/appstore/root`);
  const g = emu.googlePlay;
  log(`  Play API         baseUrl ${emu.url}  token ${g.serviceAccount.token_uri}  package ${g.packageName}  account ${g.serviceAccount.client_email}`);
  log(`                   service account key file: GET /admin/googleplay/credentials (its serviceAccount)`);
  const o = emu.oneStore;
  log(`  ONE store API    baseUrl ${emu.url}  clientId ${o.clientId}  clientSecret ${o.clientSecret}  (${o.environment}, ${o.marketCode})`);
  log(`                   client credentials and the PNS licence key: GET /admin/onestore/credentials`);
  log(`  admin            GET /admin/state, POST /admin/payments, POST|DELETE /admin/faults, POST /admin/clock, POST /admin/reset`);
  log(`                   POST /admin/appstore/transactions | refunds | renewals | renewal-info, GET /admin/appstore/state`);
  log(`                   POST /admin/googleplay/products | subscriptions | renewals | voided, GET /admin/googleplay/state`);
  log(`                   POST /admin/onestore/purchases | subscriptions | refunds | revocations, GET /admin/onestore/state`);
  log(`                   (each add answers with the purchase's token or transaction id: pass your own to choose it)`);
  log(`                   (every POST with Content-Type: application/json)`);
  log(`  notifications    where: POST /admin/appstore/config {notificationUrl}, /admin/googleplay/config {pushEndpoint, pushAudience},`);
  log(`                   /admin/onestore/config {pnsUrl, snsUrl}; Pub/Sub push key set: GET ${emu.url}/oauth2/v3/certs,`);
  log(`                   the push's audience and serviceAccountEmail (verifyPubSubPush's options): GET /admin/googleplay/push`);
  log(`                   GET /admin/notifications, POST /admin/notifications/replay | duplicate | forge | hold | release`);
  log(`  Host names       ${emu.hostNames.join(', ')} (more with --allowed-host NAME)`);
  log(`  faults           header X-Emulator-Fault: delay=MS | status=N[,retryAfter=S] | malformed | drop | lose`);
  if (signals) {
    const stop = () => emu.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  return emu;
}
