// Types of `iap-verify-emulator/host-check`: the Host and Origin checks of the local servers
// (the emulator, and the dashboard of iap-verify-dashboard, which uses them too).
/** `localhost`, `127.0.0.1` and `::1`: always answered. */
export declare const LOOPBACK_NAMES: readonly string[];

/** The name in a Host header (`name`, `name:port`, `[v6]:port`), canonical; undefined if malformed. */
export declare function hostHeaderName(value: unknown): string | undefined;

/** A name given with --allowed-host, checked: its canonical form, or a TypeError. */
export declare function checkAllowedHost(name: unknown): string;

/** An origin given with --public-origin (`https://host[:port]`, nothing after): its serialized form, or a TypeError. */
export declare function checkPublicOrigin(value: unknown): string;

/** The checks of one server (see `hostCheck`). */
export interface HostCheck {
  /** The Host names answered (canonical), for messages. */
  readonly names: string[];
  /** The --public-origin origins, serialized. */
  readonly publicOrigins: string[];
  /** Call once the server listens: the accepted origins include its port. */
  listening(port: number | string): void;
  /** True when the request's Host header names this server. */
  hostAllowed(req: { headers: { host?: string } }): boolean;
  /** True when the request has no Origin, or one this server's pages have. */
  originAllowed(req: { headers: { origin?: string } }): boolean;
}

/**
 * The checks for one server: `bindHost` is the address it listens on, `allowedHosts` and
 * `publicOrigins` what --allowed-host and --public-origin gave (a TypeError for a bad one).
 */
export declare function hostCheck(options?: { bindHost?: string; allowedHosts?: string[]; publicOrigins?: string[] }): HostCheck;
