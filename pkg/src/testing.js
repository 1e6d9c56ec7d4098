// `iap-verify/testing`: test data for your own tests, never loaded by the package's main entry. Every
// key here is a published test key, made for this package (tests/vectors/SOURCES.md in its
// repository says how): anything signed with it proves nothing, and the package's verifiers refuse it
// unless you configure them with the test root or key below. Portable (WebCrypto): Node, Deno, Bun,
// workerd and browsers.
//
// - Google Play / ONE store: a licence key pair; signed purchases as the stores sign them
//   (Google SHA1withRSA, ONE store SHA512withRSA) over the JSON text you give.
// - Pub/Sub push: an RS256 OIDC token shaped like Google's, and the key set that verifies it.
// - Apple: ES256 JWS with a three-certificate x5c chain of a test PKI shaped like Apple's (the
//   intermediate and leaf carry Apple's marker extensions), and its root.

/** The test licence key (base64 SubjectPublicKeyInfo, as Google Play Console and ONE store show theirs). */
export const TEST_LICENSE_KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAj/cNZ3anm5HO/eDGTo7DQxFJ4WhdUmm4aE0ZO8v14S5xYG/160An61NgN67r2/S++Q4xjwn3oEP00KBJ3hkd93MeVo7vT04rGfEwu9ujQuO4FGxIUhE4PFPVNBl8CD8pCDsyihAc4rsaJNw1NyAkNMOJ1BIYvINid9+dha3PXLg0j4uUSA25pBFUDeJ86Cig9ZFEG/axNHZgJjv2RcSehhAQtx/u7M1HBMjBMbGYKZx9KUMgDj6HROKjXOhq4frKRaySwlKAwIcLsXdi53KU0UnVR8T+u9bLkEkq7khguPFPTbV52p+ihLn6CFlaA3WNjOCHdN2qIhNGLMg7yW1XNwIDAQAB';

const LICENSE_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCP9w1ndqebkc79
4MZOjsNDEUnhaF1SabhoTRk7y/XhLnFgb/XrQCfrU2A3ruvb9L75DjGPCfegQ/TQ
oEneGR33cx5Wju9PTisZ8TC726NC47gUbEhSETg8U9U0GXwIPykIOzKKEBziuxok
3DU3ICQ0w4nUEhi8g2J3352Frc9cuDSPi5RIDbmkEVQN4nzoKKD1kUQb9rE0dmAm
O/ZFxJ6GEBC3H+7szUcEyMExsZgpnH0pQyAOPodE4qNc6Grh+spFrJLCUoDAhwux
d2LncpTRSdVHxP671suQSSruSGC48U9NtXnan6KEufoIWVoDdY2M4Id03aoiE0Ys
yDvJbVc3AgMBAAECggEAFXwcq36pN83UUs4bOjkTCezIFlQhbT2q0CIFbIedS7xH
HknHLRMXggag2t6Hg31sjLWiDsNBidDqdcIeE/+yma277tYI/9BeHVKB399A56gd
Xirkxh6cwmAOduaAvKhUYs6W1cTe0rVyiuK0LGRnEtrFtHj46RVAejxMgVk1k5QO
r6D8NNf5Xbxl6OPLfqniFTE5MYQRRWqplvK5ilANK5DZnYuRg/PYG3v+Hl8msflR
cimZtkYNTxC5FNWx5FpRgZQrJYX7pw7KRxxA+0wUH4MmFnmwlWBPwcRycoHrdXWN
D5oy3Be2DHcA4clbVb6NZAeytcyTlS188BPvJ7QZVQKBgQDELIbUCeNYsSu4r4G4
RsAlJdIEccd3yFXFyxoiyXcRE5F1I0JFn415buhLp6dMZZlbqdwYeDb9p55BqUXn
pt1J9I3Vlz+QCXN02zh6Rm2HsttqX0dZibqT7mmfbO0DcLF2Q5tEjcdxTpYxVk3C
s0Wf+MTzhle6TjaPNU9DAemX6wKBgQC73ogctXbeR7IKDZ/MpBgfEruWVeHvvdHe
qypmCSilmm+1rSVJTl2FzmlB8+i9C7eN0kvFqzX4EVmvEnU5iQgEAO4JCw8j8Ain
DfvLeB7V0qLG8pmZIKeRKQUjl/ZK1RTKST3b4V65wmhg2oE+DjDrTJi5n4VdNEzl
TpWxNu7W5QKBgAYbPLcs956zJSFClU8fJKwDWV46DHN2EPVvNQkQLFyjt0tmJZH1
PXoiMajpNxPxtaxcxTUdyNhsd0ij9EEZuJmsux2C77+UC7v/duqXdqFat+m/vYDU
ALLKIQ+NXHNW9q8vu42OvD6Sq6otfY4p9mjcXYUXEXQDKz+Z8TWswZCxAoGAFcQl
jvXzTLOPzBxh/EqyxL7d3wAaSjV64EqCggnjnLQ05x6laEXdDgipJ0wEFgsKfDL2
NnOssA4Kjv8bd8wJkrUs3v1aBrbjub8kAiHrqKhb1aL76sLexzGyd7o+fdMMMpej
xBrrZ6g/gaEvQipQvqJEO5Vg1TifBB5Dt6F+sIUCgYAYTCSxjl+M7GShq4LiE2VB
DRaPqRea1781uXoFBlVB2EeSlGFQN3Qy/P7wBLTeNv/tZWg8KG30O5nwbJAGERrv
y42Q9DxoPL/yyNKFcRkYgD4/Gm2aQO5LmZlyayGmsAHNzIs6FAx20/hZ2jm0tUVC
LKm3QON+pFbjxRUpLpxEfA==
-----END PRIVATE KEY-----`;

/** The key set that verifies `mintPubSubToken`'s tokens: pass it as `jwks` to verifyPubSubPush. */
export const TEST_PUBSUB_JWKS = Object.freeze({ keys: Object.freeze([Object.freeze({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "test-key-2048", "n": "j_cNZ3anm5HO_eDGTo7DQxFJ4WhdUmm4aE0ZO8v14S5xYG_160An61NgN67r2_S--Q4xjwn3oEP00KBJ3hkd93MeVo7vT04rGfEwu9ujQuO4FGxIUhE4PFPVNBl8CD8pCDsyihAc4rsaJNw1NyAkNMOJ1BIYvINid9-dha3PXLg0j4uUSA25pBFUDeJ86Cig9ZFEG_axNHZgJjv2RcSehhAQtx_u7M1HBMjBMbGYKZx9KUMgDj6HROKjXOhq4frKRaySwlKAwIcLsXdi53KU0UnVR8T-u9bLkEkq7khguPFPTbV52p-ihLn6CFlaA3WNjOCHdN2qIhNGLMg7yW1XNw", "e": "AQAB"})]) });

/** The test PKI's root certificate (DER): configure a SignedDataVerifier with it to accept `signApple`'s data. */
export const TEST_APPLE_ROOT = fromBase64('MIIB9jCCAX2gAwIBAgICEAAwCgYIKoZIzj0EAwMwRDEaMBgGA1UEAwwRVGVzdCBSb290IENBIC0gRzMxGTAXBgNVBAoMEGlhcC12ZXJpZnkgdGVzdHMxCzAJBgNVBAYTAlVTMB4XDTIwMDEwMTAwMDAwMFoXDTQ1MDEwMTAwMDAwMFowRDEaMBgGA1UEAwwRVGVzdCBSb290IENBIC0gRzMxGTAXBgNVBAoMEGlhcC12ZXJpZnkgdGVzdHMxCzAJBgNVBAYTAlVTMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEv6GLpRebWStvOPSoEfayLjfNHh/1+31pYRHTD3qB0As5wGJII8AJxJrM1WZT1n/7lbpwzeQ42HbWsix5bpVaPwncibZHJz9YUzKx8ebhEGdhJBkDYD+Avj6Afl3xL/fVo0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUkRi250X+4j8MOjxzB9//Tt9FNV0wCgYIKoZIzj0EAwMDZwAwZAIwVTYxeBDpNPuEFg9BOkhxhhj3MyTXL8+/fIcB58SninADiYKI38rHAO5eMbfTuR/CAjAvwUfwTLMdJcXBBrztR/MB5n4fLyGSok6IqJipIs5QuaCn1RINo3Kwti08JEZy4WE=');

const APPLE_X5C = [
  'MIICLzCCAbSgAwIBAgICEAUwCgYIKoZIzj0EAwMwYTEqMCgGA1UEAwwhVGVzdCBXV0RSIENlcnRpZmljYXRpb24gQXV0aG9yaXR5MQswCQYDVQQLDAJHNjEZMBcGA1UECgwQaWFwLXZlcmlmeSB0ZXN0czELMAkGA1UEBhMCVVMwHhcNMjAwMTAxMDAwMDAwWhcNNDUwMTAxMDAwMDAwWjBLMSEwHwYDVQQDDBhUZXN0IEVDQyBSZWNlaXB0IFNpZ25pbmcxGTAXBgNVBAoMEGlhcC12ZXJpZnkgdGVzdHMxCzAJBgNVBAYTAlVTMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEq/RNfDm33yI9MWC9rge7h7y4+fv+WntP3h/87f82A8pp9U3Qm1M/+lDDKGwzVwTCeBoAn5FZxvr1A4Mymb9klqNyMHAwDAYDVR0TAQH/BAIwADAOBgNVHQ8BAf8EBAMCB4AwEAYKKoZIhvdjZAYLAQQCBQAwHQYDVR0OBBYEFOk/1jDJxK0PvY7hqQqR5/N7c2OlMB8GA1UdIwQYMBaAFIhUkD9MrfoW9T8Aiuu9iOTFQHALMAoGCCqGSM49BAMDA2kAMGYCMQCl2xm8NLB16KP4AN2vy1AXXQi1YzQ7XHjOoUrfKHVgvflBDDP6a1qsWCZgEQNzxv4CMQCBktRVgFAYKO0WaFCcrjUE+wiioT03XgXErmsZzqx7B0Q52lH5zPX4/iDex76qO/4=',
  'MIICSzCCAdCgAwIBAgICEAIwCgYIKoZIzj0EAwMwRDEaMBgGA1UEAwwRVGVzdCBSb290IENBIC0gRzMxGTAXBgNVBAoMEGlhcC12ZXJpZnkgdGVzdHMxCzAJBgNVBAYTAlVTMB4XDTIwMDEwMTAwMDAwMFoXDTQ1MDEwMTAwMDAwMFowYTEqMCgGA1UEAwwhVGVzdCBXV0RSIENlcnRpZmljYXRpb24gQXV0aG9yaXR5MQswCQYDVQQLDAJHNjEZMBcGA1UECgwQaWFwLXZlcmlmeSB0ZXN0czELMAkGA1UEBhMCVVMwdjAQBgcqhkjOPQIBBgUrgQQAIgNiAAT553ZQeJabfTg39WBJv1+8q2R2K0lkXzdlcmQyDQS6VnA/XIKaWHyk2yzhodae1t7R78qVRyU1CyNbcjv4YzGyWNY3RicgshQPxfTl3215Rah2FKGYg3+mpbJSSgM/h5ajeDB2MBIGA1UdEwEB/wQIMAYBAf8CAQAwDgYDVR0PAQH/BAQDAgEGMB0GA1UdDgQWBBSIVJA/TK36FvU/AIrrvYjkxUBwCzAfBgNVHSMEGDAWgBSRGLbnRf7iPww6PHMH3/9O30U1XTAQBgoqhkiG92NkBgIBBAIFADAKBggqhkjOPQQDAwNpADBmAjEA44Px5NYiSuu4w6aawFlRmd4LEOLUMQbmDxE+yAqXpMWLxK5QsWEy1LAz4ZeeByFZAjEApw4e31OUW2JuSWuv0KPdu5V1beXrVjO7zEKOJPGibT4eN7VE/hPgIMMRbekaO/Ad',
  'MIIB9jCCAX2gAwIBAgICEAAwCgYIKoZIzj0EAwMwRDEaMBgGA1UEAwwRVGVzdCBSb290IENBIC0gRzMxGTAXBgNVBAoMEGlhcC12ZXJpZnkgdGVzdHMxCzAJBgNVBAYTAlVTMB4XDTIwMDEwMTAwMDAwMFoXDTQ1MDEwMTAwMDAwMFowRDEaMBgGA1UEAwwRVGVzdCBSb290IENBIC0gRzMxGTAXBgNVBAoMEGlhcC12ZXJpZnkgdGVzdHMxCzAJBgNVBAYTAlVTMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEv6GLpRebWStvOPSoEfayLjfNHh/1+31pYRHTD3qB0As5wGJII8AJxJrM1WZT1n/7lbpwzeQ42HbWsix5bpVaPwncibZHJz9YUzKx8ebhEGdhJBkDYD+Avj6Afl3xL/fVo0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUkRi250X+4j8MOjxzB9//Tt9FNV0wCgYIKoZIzj0EAwMDZwAwZAIwVTYxeBDpNPuEFg9BOkhxhhj3MyTXL8+/fIcB58SninADiYKI38rHAO5eMbfTuR/CAjAvwUfwTLMdJcXBBrztR/MB5n4fLyGSok6IqJipIs5QuaCn1RINo3Kwti08JEZy4WE=',
];
const APPLE_LEAF_KEY = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgb9RlMEMHz9owRqMPSNtknD30dot7sl022KAAYDPhm96hRANCAASr9E18ObffIj0xYL2uB7uHvLj5+/5ae0/eH/zt/zYDymn1TdCbUz/6UMMobDNXBMJ4GgCfkVnG+vUDgzKZv2SW';

/** @param {string} b64 */
function fromBase64(b64) {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** @param {ArrayBuffer | Uint8Array} bytes */
function toBase64(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

/** @param {ArrayBuffer | Uint8Array} bytes */
const toBase64Url = (bytes) => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** @param {string} text */
const textBase64Url = (text) => toBase64Url(new TextEncoder().encode(text));

/** @type {Map<string, Promise<CryptoKey>>} */
const keys = new Map();

/** @param {'SHA-1' | 'SHA-256' | 'SHA-512'} hash */
function licenseKey(hash) {
  let key = keys.get(hash);
  if (!key) {
    const der = fromBase64(LICENSE_PRIVATE_KEY.replace(/-----[^-]+-----|\s/g, ''));
    key = crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
    keys.set(hash, key);
  }
  return key;
}

/**
 * `{ signedData, signature }` for a purchase, as the store signs it: `purchase` is serialized with
 * JSON.stringify (or taken as the exact text when a string) and signed with the test licence key.
 * @param {'SHA-1' | 'SHA-512'} hash
 * @param {object | string} purchase
 */
async function signPurchase(hash, purchase) {
  const signedData = typeof purchase === 'string' ? purchase : JSON.stringify(purchase);
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', await licenseKey(hash), new TextEncoder().encode(signedData));
  return { signedData, signature: toBase64(signature) };
}

/**
 * A Google Play purchase signed as Google Play signs `INAPP_PURCHASE_DATA` (SHA1withRSA): verify it
 * with `new GoogleVerifier(TEST_LICENSE_KEY)`.
 * @param {object | string} purchase the purchase JSON (an object, or its exact text)
 */
export const signGooglePurchase = (purchase) => signPurchase('SHA-1', purchase);

/**
 * A ONE store purchase signed as ONE store signs it (SHA512withRSA): verify it with
 * `new OneStoreVerifier(TEST_LICENSE_KEY)`.
 * @param {object | string} purchase
 */
export const signOneStorePurchase = (purchase) => signPurchase('SHA-512', purchase);

/**
 * An `Authorization` header value (`Bearer <JWT>`) shaped like Pub/Sub's push tokens, signed by the
 * key of TEST_PUBSUB_JWKS: `verifyPubSubPush(header, { audience, serviceAccountEmail, jwks: TEST_PUBSUB_JWKS })`
 * accepts it.
 * @param {{ audience: string, serviceAccountEmail: string, now?: number, lifetimeSeconds?: number, claims?: Record<string, unknown> }} options
 */
export async function mintPubSubToken({ audience, serviceAccountEmail, now = Date.now(), lifetimeSeconds = 3600, claims = {} }) {
  const iat = Math.floor(now / 1000);
  const header = { alg: 'RS256', kid: TEST_PUBSUB_JWKS.keys[0].kid, typ: 'JWT' };
  const payload = { aud: audience, azp: '100000000000000000000', email: serviceAccountEmail, email_verified: true, exp: iat + lifetimeSeconds, iat, iss: 'https://accounts.google.com', sub: '100000000000000000000', ...claims };
  const input = `${textBase64Url(JSON.stringify(header))}.${textBase64Url(JSON.stringify(payload))}`;
  const sig = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', await licenseKey('SHA-256'), new TextEncoder().encode(input));
  return `Bearer ${input}.${toBase64Url(sig)}`;
}

/**
 * The body Pub/Sub POSTs for a real-time developer notification (`notification` is the RTDN JSON).
 * @param {object} notification
 * @param {{ messageId?: string, subscription?: string, publishTime?: string }} [options]
 */
export function pubSubPushBody(notification, { messageId = String(Date.now()), subscription = 'projects/test/subscriptions/rtdn', publishTime = new Date().toISOString() } = {}) {
  const data = toBase64(new TextEncoder().encode(JSON.stringify(notification)));
  return JSON.stringify({ message: { data, messageId, publishTime }, subscription });
}

/**
 * Any payload as App Store signed data: an ES256 compact JWS with the test PKI's `x5c` chain. A
 * SignedDataVerifier made with `[TEST_APPLE_ROOT]` verifies it (for the bundle id and environment
 * the payload names); one with Apple's roots refuses it.
 * @param {object} payload
 */
export async function signApple(payload) {
  let key = keys.get('apple');
  if (!key) {
    key = crypto.subtle.importKey('pkcs8', fromBase64(APPLE_LEAF_KEY), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    keys.set('apple', key);
  }
  const input = `${textBase64Url(JSON.stringify({ alg: 'ES256', x5c: APPLE_X5C }))}.${textBase64Url(JSON.stringify(payload))}`;
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, await key, new TextEncoder().encode(input));
  return `${input}.${toBase64Url(sig)}`;
}

/**
 * A signed transaction (`JWSTransactionDecodedPayload`) with Apple's fields filled in around yours.
 * @param {{ bundleId: string, productId: string, transactionId?: string, environment?: string, now?: number } & Record<string, unknown>} fields
 */
export function signAppleTransaction({ bundleId, productId, transactionId = String(Date.now()), environment = 'Sandbox', now = Date.now(), ...rest }) {
  return signApple({
    transactionId,
    originalTransactionId: transactionId,
    bundleId,
    productId,
    purchaseDate: now,
    originalPurchaseDate: now,
    quantity: 1,
    type: 'Consumable',
    inAppOwnershipType: 'PURCHASED',
    signedDate: now,
    environment,
    transactionReason: 'PURCHASE',
    storefront: 'USA',
    storefrontId: '143441',
    ...rest,
  });
}

/**
 * The body Apple POSTs for an App Store Server Notification V2: `{"signedPayload": …}`, with the
 * given signed transaction (and renewal info) nested as Apple nests them.
 * @param {{ bundleId: string, notificationType: string, subtype?: string, notificationUUID?: string, environment?: string, now?: number,
 *   signedTransactionInfo?: string, signedRenewalInfo?: string }} options
 */
export async function appleNotificationBody({ bundleId, notificationType, subtype, notificationUUID = crypto.randomUUID(), environment = 'Sandbox', now = Date.now(), signedTransactionInfo, signedRenewalInfo }) {
  /** @type {Record<string, unknown>} */
  const data = { bundleId, environment };
  if (signedTransactionInfo) data.signedTransactionInfo = signedTransactionInfo;
  if (signedRenewalInfo) data.signedRenewalInfo = signedRenewalInfo;
  /** @type {Record<string, unknown>} */
  const payload = { notificationType, notificationUUID, version: '2.0', signedDate: now, data };
  if (subtype) payload.subtype = subtype;
  return JSON.stringify({ signedPayload: await signApple(payload) });
}
