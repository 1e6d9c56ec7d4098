import type { Emulator } from 'iap-verify-emulator';
import type { PurchaseStore, ServiceAccountKey } from 'iap-verify';

/**
 * The servers the dashboard calls for lookups, as `loadConfig` reads them from a config file and the
 * environment (which wins): each present only when complete (key files already read).
 */
export interface DashboardConfig {
  iap?: { appKey: string; baseUrl?: string; packageName?: string };
  gamebase?: { appId: string; secretKey: string; baseUrl?: string; packageName?: string };
  /** The App Store Server API (`APPLE_P8_KEY_FILE`, `APPLE_KEY_ID`, ... or the file's `appStore`). */
  appStore?: { signingKey: string; keyId: string; issuerId: string; bundleId: string; environment: string;
    appAppleId?: number; baseUrl?: string; rootCertificates?: Uint8Array[] };
  /** The Play Developer API (`GOOGLE_APPLICATION_CREDENTIALS`, `GOOGLE_PLAY_PACKAGE_NAME`, ... or the file's `googlePlay`). */
  googlePlay?: { serviceAccount: string | ServiceAccountKey; packageName: string; baseUrl?: string; tokenUrl?: string };
  /** ONE store's server API (`ONESTORE_CLIENT_ID`, `ONESTORE_CLIENT_SECRET_FILE`, ... or the file's `oneStore`). */
  oneStore?: { clientId: string; clientSecret: string; environment: 'SANDBOX' | 'COMMERCIAL'; marketCode?: 'MKT_ONE' | 'MKT_GLB'; baseUrl?: string };
}

export interface DashboardOptions {
  /** Default 8790; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Beyond loopback it refuses to start without `auth`. */
  host?: string;
  /**
   * Host names answered besides localhost, 127.0.0.1, [::1] and the listen address (every address
   * of the machine when `host` is 0.0.0.0 or ::). Any other Host gets 421 on every route (DNS
   * rebinding); an API request whose Origin is not `http://NAME:PORT` of an answered name (or a
   * `publicOrigin`) gets 403. A name, an IPv4 or an IPv6 address, without scheme, port or path.
   */
  allowedHosts?: string[];
  /**
   * The origin(s) the browser uses when not `http://HOST:PORT`, e.g. behind an HTTPS reverse proxy:
   * `https://support.example.com`. Its host name is answered and the origin accepted as it is.
   */
  publicOrigin?: string | string[];
  /** The config file (its `iap`, `gamebase`, `appStore`, `googlePlay`, `oneStore`, `auth`, `audit`, `ledger`, `settingsFile`, `rateLimit`; paths in it relative to it). */
  config?: string;
  /** Start the local IAP server and look purchases up there. Default: when no server is configured. */
  emulator?: boolean;
  /** Seed of the local IAP server. */
  seed?: string;
  /** The dashboard's files. Default: page/ of this package. */
  www?: string;
  /** Read instead of process.env (IAP_APPKEY, GAMEBASE_SECRET_KEY, ...). */
  env?: Record<string, string | undefined>;
  /** Time for a request's headers to arrive, else 408 and the connection closes. Default 10,000 (Node's: 60,000). */
  headersTimeoutMs?: number;
  /** Time for a whole request (headers and body) to arrive, else 408. Default 30,000 (Node's: 300,000). At least `headersTimeoutMs`. */
  requestTimeoutMs?: number;
  /** Connections open at once; more are closed as they arrive. Default 64 (Node's: no cap). */
  maxConnections?: number;
  /** Sign-in (else the config file's `auth`). Required to listen beyond loopback. */
  auth?: DashboardAuth;
  /** The audit trail (else the config file's `audit`). Default: a file beside the config file when sign-in is on, else memory. */
  audit?: { postgres?: string; file?: string; retentionDays?: number };
  /**
   * The purchase ledger (runPurchase's purchase store) behind the customer view (POST /api/customer)
   * and the `ledger.reopen` action (else the config file's `ledger`). None by default: the view says so.
   */
  ledger?: DashboardLedger;
  /**
   * Where sessions, OpenID Connect sign-ins under way and rate-limit windows are kept (else the
   * config file's `sessions`): a PostgreSQL URL shared by every instance, or `memory: true` (this
   * process only). Default: the audit trail's PostgreSQL, else the ledger's, else memory.
   */
  sessions?: { postgres?: string; memory?: boolean };
  /** A JSON file holding the page's settings for everyone (else each browser keeps its own). */
  settingsFile?: string;
  /** API requests per user per minute (default 120) and sign-in attempts per client address (default 10); 429 past them (counted by every instance sharing the session store). */
  rateLimit?: { perMinute?: number; signInPerMinute?: number };
}

export type DashboardRole = 'viewer' | 'agent' | 'admin';

/** Sign-in: local accounts (a file of scrypt hashes), an OpenID Connect provider, or both. */
export interface DashboardAuth {
  /** `{ "users": [{ "name", "role", "password": "scrypt$…" }] }` (hashes from `iap-verify-dashboard hash-password`). */
  accountsFile?: string;
  oidc?: {
    issuer: string;
    clientId: string;
    clientSecret?: string;
    /** Default: the first public origin + /api/auth/callback. */
    redirectUri?: string;
    /** Default "openid email profile". */
    scopes?: string;
    /** Who gets each role: verified e-mail addresses, or "group:NAME" for a `groups` claim. */
    roles?: Partial<Record<DashboardRole, string[]>>;
    /** The role of a user no list names; default null (refused). */
    defaultRole?: DashboardRole | null;
    /** Accept an http issuer (tests; always allowed on loopback). */
    allowHttp?: boolean;
  };
  /** A session ends this long after sign-in. Default 8. */
  sessionHours?: number;
  /** ... or this long after its last request. Default 30. */
  idleMinutes?: number;
}

/**
 * Where the purchase ledger is: the backend's tables on PostgreSQL (needs the `pg` package; the
 * tables must exist: the backend's `migratePurchases` makes them), or a purchase store object
 * (`createMemoryPurchaseStore()` in tests; not from a config file).
 */
export interface DashboardLedger {
  /** A PostgreSQL URL. */
  postgres?: string;
  /** The ledger's table (default iap_purchase). */
  table?: string;
  /** runPayment's table read beside it for NHN payments (default iap_payment_flow; null for none). */
  paymentTable?: string | null;
  /** A purchase store with `purchasesOf`, `load` and `update`, used as it is. */
  store?: PurchaseStore;
}

/** The limits a running dashboard applies. */
export interface DashboardLimits {
  /** A lookup's body: 16 KiB; a larger one gets 413 (INPUT_TOO_LARGE) at the limit and the connection closes. */
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

/** A running dashboard server. */
export interface Dashboard {
  /** e.g. http://127.0.0.1:8790/ */
  readonly url: string;
  /** The Host names it answers (lower case, IPv6 without brackets). */
  readonly hostNames: string[];
  /** The `publicOrigin`s, serialized. */
  readonly publicOrigins: string[];
  readonly limits: DashboardLimits;
  readonly port: number;
  /** The local IAP server, when the dashboard started one. */
  readonly emulator?: Emulator;
  /** Where lookups go (never the credentials). */
  readonly apis: Partial<Record<'iap' | 'gamebase', { baseUrl: string; packageName: string | null }>>;
  /** Whether sign-in is required. */
  readonly signIn: boolean;
  /** Where the audit trail goes. */
  readonly audit: 'postgres' | 'file' | 'memory';
  /** Where sessions are kept (null without sign-in). */
  readonly sessions: 'postgres' | 'memory' | null;
  /** Where the customer view reads purchases: PostgreSQL, a given store, or none. */
  readonly ledger: 'postgres' | 'given' | null;
  close(): Promise<void>;
}

export declare function loadConfig(options?: { config?: string; env?: Record<string, string | undefined> }): DashboardConfig;
export declare function startDashboard(options?: DashboardOptions): Promise<Dashboard>;
/**
 * The command line of the `iap-verify-dashboard` bin (and of `iap-verify dashboard`): an exit code
 * for `--help` (0) and usage errors (2), else the running dashboard. `io.name` is the command's name
 * in messages (default `iap-verify dashboard`).
 */
export declare function main(
  argv?: string[],
  io?: { log?: (line: string) => void; signals?: boolean; env?: Record<string, string | undefined>; name?: string },
): Promise<number | Dashboard>;
