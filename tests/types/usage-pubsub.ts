// verifyPubSubPush as the README's RTDN section uses it, and calls that must not compile.
import { verifyPubSubPush, IapError, type PubSubPushClaims, type VerifyPubSubPushOptions, type JsonWebKeySet } from 'iap-verify';

declare const request: Request;
declare const jwks: JsonWebKeySet;

export async function check(): Promise<string> {
  const options: VerifyPubSubPushOptions = { audience: 'https://backend.example.com/rtdn', serviceAccountEmail: 'push@p.iam.gserviceaccount.com' };
  const claims: PubSubPushClaims = await verifyPubSubPush(request.headers.get('authorization'), options);
  const verified: true = claims.email_verified;
  const seconds: number = claims.exp - claims.iat;
  await verifyPubSubPush(undefined, { ...options, jwks, now: Date.now() });
  await verifyPubSubPush('Bearer x', { ...options, jwks: '{"keys":[]}', fetch: (url, init) => fetch(url, init), timeoutMs: 2000, retries: 0 });
  try {
    await verifyPubSubPush('Bearer x', options);
  } catch (e) {
    if (e instanceof IapError && e.code === 'INVALID_TOKEN') return String(e.details?.claim);
  }
  // @ts-expect-error the audience and the service account are required
  await verifyPubSubPush('Bearer x', { audience: 'a' });
  // @ts-expect-error a misspelt option
  await verifyPubSubPush('Bearer x', { ...options, jwksUrl: 'https://example.com' });
  // @ts-expect-error the header is text
  await verifyPubSubPush(42, options);
  return `${verified} ${seconds}`;
}
