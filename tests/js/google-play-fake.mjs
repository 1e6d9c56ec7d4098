// A Google Play Developer API fake for tests: a service account made from the test PKI's RSA key
// (tests/vectors/testpki/leaf-rsa.pk8), a fetch that plays Google's token endpoint (checking each
// assertion's signature with WebCrypto) and answers API calls from a list, recording everything.
// Portable: every runtime.
import * as iap from './load.mjs';
import { own } from './vectors.mjs';

const subtle = globalThis.crypto.subtle;
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
export const fromB64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
export const decodeSegment = (s) => JSON.parse(new TextDecoder().decode(fromB64url(s)));

export const TOKEN_URL = 'https://oauth.test/token';
export const BASE_URL = 'https://play.test';
export const PREFIX = `${BASE_URL}/androidpublisher/v3/applications/com.example.app/purchases`;
export const EMAIL = 'play@example-project.iam.gserviceaccount.com';
const pk8 = new Uint8Array(own('testpki/leaf-rsa.pk8'));
export const PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----\n${b64(pk8).replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;
/** The key file as Google's console hands it out (fields this package does not read included). */
export const SERVICE_ACCOUNT = {
  type: 'service_account',
  project_id: 'example-project',
  private_key_id: 'kid-1',
  private_key: PRIVATE_KEY,
  client_email: EMAIL,
  client_id: '1234567890',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: TOKEN_URL,
};

/** The public half of the key, for checking assertions. */
export const publicKey = (async () => {
  const priv = await subtle.importKey('pkcs8', pk8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']);
  const { n, e } = await subtle.exportKey('jwk', priv);
  return subtle.importKey('jwk', { kty: 'RSA', n, e }, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
})();

/** Whether a compact JWS verifies RS256 with the service account's public key. */
export async function verifies(jwt) {
  const [h, p, s] = jwt.split('.');
  return subtle.verify('RSASSA-PKCS1-v1_5', await publicKey, fromB64url(s), new TextEncoder().encode(`${h}.${p}`));
}

/**
 * A fetch playing the token endpoint and the API. Token requests get `tok-1`, `tok-2`, ... (or
 * what `token(req)` returns); API requests get the next of `replies` (a value or a function of the
 * request; `undefined` body means empty). `sent` holds every request, `tokens` the token ones with
 * their assertion decoded and its signature checked.
 */
export function playFake(replies = [], { token, expiresIn = 3599, delayMs = 0 } = {}) {
  const sent = [];
  const tokens = [];
  const api = [];
  const fetch = async (url, init) => {
    const u = new URL(url);
    const req = { url, ...init, path: u.pathname, query: u.searchParams };
    sent.push(req);
    if (url === TOKEN_URL) {
      const form = new URLSearchParams(init.body);
      const assertion = form.get('assertion');
      const [h, p] = assertion.split('.');
      tokens.push({ ...req, form, assertion, header: decodeSegment(h), claims: decodeSegment(p), signed: await verifies(assertion) });
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const custom = await token?.(req, tokens.length);
      if (custom) return new Response(JSON.stringify(custom.body), { status: custom.status ?? 200 });
      return new Response(JSON.stringify({ access_token: `tok-${tokens.length}`, expires_in: expiresIn, token_type: 'Bearer' }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    api.push(req);
    let r = replies.shift();
    if (typeof r === 'function') r = await r(req);
    if (r === undefined) throw new TypeError('no more replies');
    const { status = 200, body, headers = {} } = r;
    return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  };
  return { fetch, sent, tokens, api };
}

export function playClient(f, extra = {}) {
  return new iap.GooglePlayClient({
    serviceAccount: SERVICE_ACCOUNT,
    baseUrl: BASE_URL,
    fetch: f.fetch,
    retryDelayMs: 1,
    // The tests also run in a headless browser page.
    dangerouslyAllowBrowser: true,
    ...extra,
  });
}

/** A Google error body. */
export const googleError = (code, status, message) => ({ status: code, body: { error: { code, message, status } } });
