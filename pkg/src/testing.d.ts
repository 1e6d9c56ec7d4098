// `iap-verify/testing`: test data for your own tests. Published test keys: anything they sign proves nothing.

/** The test licence key (base64 SubjectPublicKeyInfo), for GoogleVerifier and OneStoreVerifier in tests. */
export declare const TEST_LICENSE_KEY: string;
/** The key set that verifies `mintPubSubToken`'s tokens (verifyPubSubPush's `jwks`). */
export declare const TEST_PUBSUB_JWKS: { readonly keys: ReadonlyArray<{ kty: string; alg: string; use: string; kid: string; n: string; e: string }> };
/** The test PKI's root certificate (DER), for a SignedDataVerifier in tests. */
export declare const TEST_APPLE_ROOT: Uint8Array;

/** A Google Play purchase signed with the test licence key (SHA1withRSA), over its JSON text (or the text given). */
export declare function signGooglePurchase(purchase: object | string): Promise<{ signedData: string; signature: string }>;
/** A ONE store purchase signed with the test licence key (SHA512withRSA). */
export declare function signOneStorePurchase(purchase: object | string): Promise<{ signedData: string; signature: string }>;
/** `Bearer <JWT>` shaped like a Pub/Sub push token, signed by TEST_PUBSUB_JWKS's key. */
export declare function mintPubSubToken(options: {
  audience: string;
  serviceAccountEmail: string;
  /** Issued at, epoch ms (default now). */
  now?: number;
  lifetimeSeconds?: number;
  /** Claims to add or replace. */
  claims?: Record<string, unknown>;
}): Promise<string>;
/** The body Pub/Sub POSTs for an RTDN. */
export declare function pubSubPushBody(notification: object, options?: { messageId?: string; subscription?: string; publishTime?: string }): string;
/** Any payload as App Store signed data (ES256 JWS, the test PKI's x5c chain). */
export declare function signApple(payload: object): Promise<string>;
/** A signed App Store transaction with Apple's fields filled in around the ones given. */
export declare function signAppleTransaction(
  fields: { bundleId: string; productId: string; transactionId?: string; environment?: string; now?: number } & Record<string, unknown>,
): Promise<string>;
/** The body Apple POSTs for an App Store Server Notification V2. */
export declare function appleNotificationBody(options: {
  bundleId: string;
  notificationType: string;
  subtype?: string;
  notificationUUID?: string;
  environment?: string;
  now?: number;
  signedTransactionInfo?: string;
  signedRenewalInfo?: string;
}): Promise<string>;
