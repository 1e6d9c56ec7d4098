// Sign-in for the dashboard shared by a team: local accounts from a file (scrypt hashes, node:crypto),
// OpenID Connect (authorization code with PKCE, through openid-client), session cookies
// (HttpOnly, SameSite=Strict, Secure behind TLS) and roles. The sessions themselves, their CSRF
// tokens and the rate-limit windows are kept by a session store (dashboard-sessions.js).
// Nothing here writes a password, a session id, a CSRF token or a client secret anywhere: not to
// an answer other than the session's own cookie and token, not to the log, not to the audit trail.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The roles, weakest first: a role may do what every role before it may. */
export const ROLES = /** @type {const} */ (['viewer', 'agent', 'admin']);
/** @typedef {typeof ROLES[number]} Role */

/** @param {unknown} r @returns {r is Role} */
export const isRole = (r) => typeof r === 'string' && /** @type {readonly string[]} */ (ROLES).includes(r);

/** True when `role` may do what `needed` may. */
export const roleAtLeast = (/** @type {Role} */ role, /** @type {Role} */ needed) => ROLES.indexOf(role) >= ROLES.indexOf(needed);

// scrypt at N = 2^17, r = 8, p = 1 (OWASP's password storage advice): 128 MiB of memory per hash.
const SCRYPT = { N: 131072, r: 8, p: 1, keyLen: 32 };

/**
 * @param {string} password
 * @param {Buffer} salt
 * @param {{ N: number, r: number, p: number, keyLen: number }} params
 * @returns {Promise<Buffer>}
 */
function scryptHash(password, salt, { N, r, p, keyLen }) {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLen, { N, r, p, maxmem: 128 * N * r * 2 }, (e, key) => (e ? reject(e) : resolve(key)));
  });
}

/**
 * A password's hash for the accounts file: `scrypt$N$r$p$salt$hash` (salt and hash base64url).
 * @param {string} password
 */
export async function hashPassword(password) {
  if (typeof password !== 'string' || password.length < 8) throw new Error('a password has at least 8 characters');
  const salt = randomBytes(16);
  const key = await scryptHash(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Whether `password` is the one `stored` was made from (constant time in the hash).
 * @param {string} password
 * @param {string} stored
 */
export async function verifyPassword(password, stored) {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Parameters from the file, bounded: a hand-edited file must not make one sign-in take minutes.
  if (N < 16384 || N > 1048576 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5], 'base64url');
  if (expected.length < 16) return false;
  const key = await scryptHash(password, Buffer.from(m[4], 'base64url'), { N, r, p, keyLen: expected.length });
  return timingSafeEqual(key, expected);
}

/**
 * The accounts file: `{ "users": [{ "name", "role", "password": "scrypt$…" }] }`.
 * @param {string} file
 * @returns {Map<string, { role: Role, password: string }>}
 */
export function loadAccounts(file) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  /** @type {Map<string, { role: Role, password: string }>} */
  const out = new Map();
  for (const u of Array.isArray(json?.users) ? json.users : []) {
    const where = `accounts file: user ${JSON.stringify(String(u?.name ?? '?')).slice(0, 80)}`;
    if (typeof u?.name !== 'string' || !/^[\w.@+-]{1,128}$/.test(u.name)) throw new Error(`${where}: name of 1 to 128 letters, digits or . _ @ + -`);
    if (!isRole(u.role)) throw new Error(`${where}: role one of ${ROLES.join(', ')}`);
    if (typeof u.password !== 'string' || !u.password.startsWith('scrypt$')) throw new Error(`${where}: password must be a hash made by \`iap-verify-dashboard hash-password\``);
    out.set(u.name, { role: u.role, password: u.password });
  }
  return out;
}

/**
 * The role OIDC claims give: the strongest role whose list names the e-mail (verified) or one of the groups.
 * @param {{ admin?: string[], agent?: string[], viewer?: string[] }} map e.g. `{ "admin": ["lead@example.com", "group:support-leads"] }`
 * @param {Record<string, unknown>} claims
 * @param {Role | null} defaultRole
 * @returns {Role | null}
 */
export function roleFromClaims(map, claims, defaultRole) {
  const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email.toLowerCase() : undefined;
  const groups = Array.isArray(claims.groups) ? claims.groups.filter((g) => typeof g === 'string') : [];
  for (const role of [...ROLES].reverse()) {
    const names = (map[role] ?? []).map((n) => String(n).toLowerCase());
    if (email !== undefined && names.includes(email)) return role;
    if (groups.some((g) => names.includes(`group:${g.toLowerCase()}`))) return role;
  }
  return defaultRole;
}

/**
 * The cookies of a request, by name (the first of each name).
 * @param {string | undefined} header
 * @returns {Map<string, string>}
 */
export function parseCookies(header) {
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (!out.has(name) && /^[\w-]+$/.test(name) && /^[\w.~-]*$/.test(value)) out.set(name, value);
  }
  return out;
}

/**
 * A Set-Cookie value. Values are base64url tokens (checked), so nothing needs encoding.
 * @param {string} name
 * @param {string} value
 * @param {{ secure: boolean, sameSite: 'Strict' | 'Lax', maxAgeS?: number, path?: string }} o
 */
export function cookie(name, value, { secure, sameSite, maxAgeS, path = '/' }) {
  if (!/^[\w.~-]*$/.test(value)) throw new Error('cookie value must be a token');
  return [`${name}=${value}`, `Path=${path}`, 'HttpOnly', `SameSite=${sameSite}`, ...(secure ? ['Secure'] : []), ...(maxAgeS !== undefined ? [`Max-Age=${maxAgeS}`] : [])].join('; ');
}

/**
 * The OpenID Connect client: discovery once (on first use), then per sign-in a PKCE verifier,
 * a state and a nonce kept server-side in the session store (dashboard-sessions.js: every
 * instance on its database can take the provider's answer) under a random login id (in a short
 * SameSite=Lax cookie, since the provider's redirect back is a cross-site navigation).
 * @param {Pick<import('./dashboard-sessions.js').SessionStore, 'putLogin' | 'takeLogin'>} logins
 * @param {{ issuer: string, clientId: string, clientSecret?: string, redirectUri: string, scopes?: string,
 *   roles?: { admin?: string[], agent?: string[], viewer?: string[] }, defaultRole?: Role | null,
 *   allowHttp?: boolean }} conf
 */
export function oidcClient(logins, conf) {
  /** @type {Promise<import('openid-client').Configuration> | undefined} */
  let discovered;
  const client = async () => {
    const oidc = await import('openid-client');
    discovered ??= oidc
      .discovery(new URL(conf.issuer), conf.clientId, conf.clientSecret, conf.clientSecret ? oidc.ClientSecretPost(conf.clientSecret) : oidc.None(), conf.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined)
      .catch((e) => {
        discovered = undefined;
        throw e;
      });
    return { oidc, config: await discovered };
  };
  return {
    redirectUri: conf.redirectUri,
    /** The provider's URL to send the browser to, and the login id for its cookie. */
    async start() {
      const { oidc, config } = await client();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const loginId = await logins.putLogin({ verifier, state, nonce });
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: conf.redirectUri,
        scope: conf.scopes ?? 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, loginId };
    },
    /**
     * The user the provider's answer names, and their role (null: signed in but given no role).
     * @param {string | undefined} loginId
     * @param {URL} callbackUrl the request's URL as the provider sent the browser to it
     */
    async finish(loginId, callbackUrl) {
      const p = await logins.takeLogin(loginId);
      if (!p) throw new Error('no sign-in under way in this browser');
      const { oidc, config } = await client();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: p.verifier, expectedState: p.state, expectedNonce: p.nonce, idTokenExpected: true });
      const claims = /** @type {Record<string, unknown>} */ (tokens.claims() ?? {});
      const user = String(claims.email ?? claims.preferred_username ?? claims.sub);
      return { user, role: roleFromClaims(conf.roles ?? {}, claims, conf.defaultRole ?? null) };
    },
  };
}
