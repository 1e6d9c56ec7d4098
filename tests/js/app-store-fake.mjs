// An App Store Server API fake for tests: data signed with the test PKI (tests/vectors/testpki/)
// through WebCrypto, a recording fetch, and a client wired to both. Portable: every runtime.
import * as iap from './load.mjs';
import { own } from './vectors.mjs';

export const subtle = globalThis.crypto.subtle;
export const SIGNED = 1_717_243_200_000;
export const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
export const b64url = (bytes) => b64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const text64url = (s) => b64url(new TextEncoder().encode(s));
export const fromB64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
export const leafKey = new Uint8Array(own('testpki/leaf-ec.pk8'));
export const PEM = `-----BEGIN PRIVATE KEY-----\n${b64(leafKey)}\n-----END PRIVATE KEY-----\n`;
export const ROOT = new Uint8Array(own('testpki/root-ec.der'));
const x5c = ['leaf-ec.der', 'int-ec.der', 'root-ec.der'].map((f) => b64(own(`testpki/${f}`)));
export const signingKey = subtle.importKey('pkcs8', leafKey, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);

export async function jws(payload) {
  const input = `${text64url(JSON.stringify({ alg: 'ES256', x5c }))}.${text64url(JSON.stringify(payload))}`;
  const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, await signingKey, new TextEncoder().encode(input));
  return `${input}.${b64url(sig)}`;
}

export const tx = (id, environment = 'Sandbox') =>
  jws({ transactionId: id, originalTransactionId: '1', bundleId: 'com.example.app', environment, signedDate: SIGNED, productId: 'gems' });

/** A fetch that records each request and answers from `replies` (functions of the request, or values). */
export function fake(...replies) {
  const sent = [];
  const fetch = async (url, init) => {
    const req = { url, ...init, path: new URL(url).pathname, query: new URL(url).searchParams };
    sent.push(req);
    let r = replies.shift();
    if (typeof r === 'function') r = await r(req);
    if (r === undefined) throw new TypeError('no more replies');
    const { status = 200, body = '', headers = {} } = r;
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });
  };
  return { fetch, sent };
}

export function client(f, env = 'Sandbox', extra = {}) {
  return new iap.AppStoreServerAPIClient(PEM, 'KEY123', 'issuer-1', 'com.example.app', env, {
    baseUrl: 'https://apple.test',
    fetch: f.fetch,
    rootCertificates: [ROOT],
    appAppleId: 42,
    retryDelayMs: 1,
    ...extra,
  });
}

