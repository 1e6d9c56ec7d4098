import type { Emulator } from './emulator.js';

/** The servers the dashboard calls for lookups (from a config file and the environment). */
export interface DashboardConfig {
  iap?: { appKey: string; baseUrl?: string; packageName?: string };
  gamebase?: { appId: string; secretKey: string; baseUrl?: string; packageName?: string };
}

export interface DashboardOptions {
  /** Default 8790; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. The lookup API has no login of its own. */
  host?: string;
  /** JSON file in the shape of `DashboardConfig`. */
  config?: string;
  /** Start the local IAP server and look purchases up there. Default: when no server is configured. */
  emulator?: boolean;
  /** Seed of the local IAP server. */
  seed?: string;
  /** The dashboard's files. Default: www/ of the repository, or the package's copy. */
  www?: string;
  /** Read instead of process.env (IAP_APPKEY, GAMEBASE_SECRET_KEY, ...). */
  env?: Record<string, string | undefined>;
}

/** A running dashboard server. */
export interface Dashboard {
  /** e.g. http://127.0.0.1:8790/ */
  readonly url: string;
  readonly port: number;
  /** The local IAP server, when the dashboard started one. */
  readonly emulator?: Emulator;
  /** Where lookups go (never the credentials). */
  readonly apis: Partial<Record<'iap' | 'gamebase', { baseUrl: string; packageName: string | null }>>;
  close(): Promise<void>;
}

export declare function loadConfig(options?: { config?: string; env?: Record<string, string | undefined> }): DashboardConfig;
export declare function startDashboard(options?: DashboardOptions): Promise<Dashboard>;
/** `iap-verify dashboard ...`: an exit code for usage errors, else the running dashboard. */
export declare function main(
  argv?: string[],
  io?: { log?: (line: string) => void; signals?: boolean; env?: Record<string, string | undefined> },
): Promise<number | Dashboard>;
