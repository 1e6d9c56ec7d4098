// A ONE store server API V7 fake for tests: a fetch that plays the OAuth token endpoint (checking
// the form and the market code) and answers API calls from a list, recording everything.
// Portable: every runtime.
import * as iap from './load.mjs';

export const BASE_URL = 'https://onestore.test';
export const CLIENT_ID = 'com.example.app';
export const CLIENT_SECRET = 'cs+/=secret&value-1234567890';
export const PREFIX = `${BASE_URL}/v7/apps/${CLIENT_ID}`;

/**
 * A fetch playing the token endpoint and the API. Token requests get `00000000-…-000000000001`,
 * `…2`, ... (UUID-like, as ONE store's are; or what `token(req, n)` returns); API requests get the
 * next of `replies` (a value or a function of the request). `sent` holds every request, `tokens`
 * the token ones with their form decoded, `api` the others.
 */
export function oneStoreFake(replies = [], { token, expiresIn = 3600, delayMs = 0 } = {}) {
  const sent = [];
  const tokens = [];
  const api = [];
  const fetch = async (url, init) => {
    const u = new URL(url);
    const req = { url, ...init, path: u.pathname, query: u.searchParams };
    sent.push(req);
    if (u.pathname === '/v7/oauth/token') {
      const form = new URLSearchParams(init.body);
      tokens.push({ ...req, form });
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const custom = await token?.(req, tokens.length);
      if (custom) return new Response(JSON.stringify(custom.body), { status: custom.status ?? 200 });
      return new Response(JSON.stringify({ client_id: form.get('client_id'), access_token: accessToken(tokens.length), token_type: 'bearer', expires_in: expiresIn, scope: 'DEFAULT' }), { status: 200, headers: { 'content-type': 'application/json' } });
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

/** The n-th access token the fake issues. */
export const accessToken = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function oneStoreClient(f, extra = {}) {
  return new iap.OneStoreClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    environment: 'SANDBOX',
    baseUrl: BASE_URL,
    fetch: f.fetch,
    retryDelayMs: 1,
    // The tests also run in a headless browser page.
    dangerouslyAllowBrowser: true,
    ...extra,
  });
}

/** A ONE store error envelope. */
export const oneStoreError = (status, code, message = `${code} happened`) => ({ status, body: { error: { code, message } } });
/** ONE store's success envelope of a mutation. */
export const SUCCESS = { body: { result: { code: 'Success', message: 'Request has been completed successfully.' } } };
