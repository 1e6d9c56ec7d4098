// RS256 JWTs shaped like Cloud Pub/Sub's push tokens, signed with WebCrypto by the self-made test
// keys of tests/vectors/google (their JWK set is google/pubsub-jwks.json). Portable: every runtime
// of the suite has crypto.subtle.
import { ownText } from './vectors.mjs';

export const AUDIENCE = 'https://backend.example.com/rtdn';
export const EMAIL = 'rtdn-push@example-project.iam.gserviceaccount.com';
/** 2025-01-01T00:00:00Z in seconds: tokens are issued then and live an hour, as Google's do. */
export const IAT = 1_735_689_600;
/** Ten minutes after IAT, in ms. */
export const NOW = (IAT + 600) * 1000;

export const jwksText = () => ownText('google/pubsub-jwks.json');
/** The JWK set with only the named keys (kids: 'test-key-2048', 'other-key-2048'). */
export const jwksOf = (...kids) => ({ keys: JSON.parse(jwksText()).keys.filter((k) => kids.includes(k.kid)) });

export const claims = (extra = {}) => ({
  aud: AUDIENCE,
  azp: '113774264463038321964',
  email: EMAIL,
  email_verified: true,
  exp: IAT + 3600,
  iat: IAT,
  iss: 'https://accounts.google.com',
  sub: '113774264463038321964',
  ...extra,
});

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const text64 = (s) => b64url(new TextEncoder().encode(s));

const keys = new Map();
function privateKey(name) {
  if (!keys.has(name)) {
    const pem = ownText(`google/${name}.pem`);
    const der = Uint8Array.from(atob(pem.replace(/-----[^-]+-----|\s/g, '')), (c) => c.charCodeAt(0));
    keys.set(name, crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']));
  }
  return keys.get(name);
}

/**
 * `Bearer <jwt>` signed by the test key `key`. `header` and `payload` are objects (serialized
 * here) or exact JSON text. The kid defaults to the key's name.
 */
export async function bearer({ key = 'test-key-2048', header, payload = claims() } = {}) {
  const h = header ?? { alg: 'RS256', kid: key, typ: 'JWT' };
  const input = `${text64(typeof h === 'string' ? h : JSON.stringify(h))}.${text64(typeof payload === 'string' ? payload : JSON.stringify(payload))}`;
  const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', await privateKey(key), new TextEncoder().encode(input));
  return `Bearer ${input}.${b64url(sig)}`;
}

/**
 * A fake `fetch` serving Google's certs URL: `serve()` returns { status?, body?, headers? } or
 * throws; every request is recorded in `requests`.
 */
export function fakeCerts(serve) {
  const requests = [];
  const fetch = async (url, init) => {
    requests.push({ url, method: init.method, headers: init.headers });
    const r = await serve(requests.length);
    return new Response(r.body ?? jwksText(), { status: r.status ?? 200, headers: r.headers ?? {} });
  };
  return { fetch, requests };
}
