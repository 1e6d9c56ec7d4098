// The Host and Origin checks of the two servers the package ships (`iap-verify dashboard`,
// `iap-verify emulator`), in one place.
//
// DNS rebinding: a page on evil.example can point its own name at this server's address and then
// read this server's answers as same-origin. Its requests say `Host: evil.example`, so a server
// that answers only the names it knows cannot be read that way, whatever address it listens on.
// The names it knows: the loopback names, the literal address it is bound to (every address of
// the machine when bound to 0.0.0.0 or ::), the names given with --allowed-host, and the host of
// each --public-origin. An IP literal cannot be rebound, so allowing the machine's own is safe.
//
// Cross-site requests: a browser says where a request comes from in `Origin`. Accepted are the
// `http://NAME:PORT` origins of the allowed names at the port the server listens on, and each
// --public-origin as given (an HTTPS reverse proxy's `https://support.example.com`). Never the
// request's own Host: that is what a rebinding page controls.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export const LOOPBACK_NAMES = Object.freeze(['localhost', '127.0.0.1', '::1']);

/** Addresses that mean "every interface" when listened on. */
const WILDCARD = new Set(['0.0.0.0', '::', '']);

/**
 * A name as compared: lower case, without a trailing dot, an IPv6 literal without brackets.
 * @param {unknown} name
 */
function canonical(name) {
  let n = String(name).toLowerCase();
  if (n.startsWith('[') && n.endsWith(']')) n = n.slice(1, -1);
  if (n.endsWith('.')) n = n.slice(0, -1);
  return n;
}

/**
 * A DNS name (labels of letters, digits, `-` and `_`) or an IP literal; else undefined.
 * @param {string} name
 */
function validName(name) {
  const n = canonical(name);
  if (isIP(n) !== 0) return n;
  if (n.length > 253) return undefined;
  return /^(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*$/.test(n) ? n : undefined;
}

/**
 * The name in a Host header (`name`, `name:port`, `[v6]:port`), canonical; undefined if malformed.
 * @param {unknown} value
 */
export function hostHeaderName(value) {
  if (typeof value !== 'string') return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s/\\@]+))(?::\d{1,5})?$/.exec(value);
  return m ? validName(m[1] ?? m[2]) : undefined;
}

/**
 * A name given with --allowed-host, checked: its canonical form, or a TypeError.
 * @param {unknown} name
 */
export function checkAllowedHost(name) {
  const n = typeof name === 'string' ? validName(name) : undefined;
  if (n === undefined) throw new TypeError(`--allowed-host ${JSON.stringify(name)}: not a host name or IP address (give the name alone, without scheme, port or path)`);
  return n;
}

/** An origin given with --public-origin (`https://host[:port]`, nothing after): its serialized form, or a TypeError. */
/** @param {unknown} value */
export function checkPublicOrigin(value) {
  let u;
  try {
    u = new URL(String(value));
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.pathname !== '/' || u.search || u.hash || String(value).includes('?') || String(value).endsWith('#')) {
    throw new TypeError(`--public-origin ${JSON.stringify(value)}: give the origin the browser sees, e.g. https://support.example.com (scheme, host and port only)`);
  }
  return u.origin;
}

/** The canonical names that reach a server bound to `bindHost`: the address itself, or all of the machine's for a wildcard. */
/** @param {string | undefined} bindHost */
function boundNames(bindHost) {
  const b = canonical(bindHost ?? '');
  if (!WILDCARD.has(b)) return [b];
  // The literal too: a client given http://0.0.0.0:PORT reaches this machine (an IP literal
  // cannot be rebound).
  const out = b === '' ? [] : [b];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) out.push(canonical(a.address.replace(/%.*$/, '')));
  }
  return out;
}

/**
 * The checks for one server. `bindHost` is the address it listens on, `allowedHosts` and
 * `publicOrigins` what --allowed-host and --public-origin gave (checked here: a TypeError for a
 * bad one). Call `listening(port)` once the port is known (the origins include it).
 * @param {{ bindHost?: string, allowedHosts?: string[], publicOrigins?: string[] }} [options]
 * @returns {import('./host-check.js').HostCheck}
 */
export function hostCheck({ bindHost = '127.0.0.1', allowedHosts = [], publicOrigins = [] } = {}) {
  const names = new Set(LOOPBACK_NAMES);
  for (const n of boundNames(bindHost)) names.add(n);
  for (const h of allowedHosts) names.add(checkAllowedHost(h));
  const origins = new Set();
  for (const o of publicOrigins) {
    const origin = checkPublicOrigin(o);
    origins.add(origin);
    names.add(canonical(new URL(origin).hostname));
  }
  /** @type {string | undefined} */
  let port;
  return {
    /** The Host names answered (canonical), for messages. */
    names: [...names],
    /** The --public-origin origins. */
    publicOrigins: [...origins],
    listening(p) {
      port = String(p);
    },
    /** True when the request's Host header names this server. */
    hostAllowed(req) {
      const n = hostHeaderName(req.headers.host);
      return n !== undefined && names.has(n);
    },
    /** True when the request has no Origin, or one this server's pages have. */
    originAllowed(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      if (origins.has(origin)) return true;
      let u;
      try {
        u = new URL(origin);
      } catch {
        return false;
      }
      // Exactly an origin's serialization (no path, no credentials), over http at our port.
      if (u.origin !== origin || u.protocol !== 'http:') return false;
      return names.has(canonical(u.hostname)) && (u.port || '80') === port;
    },
  };
}
