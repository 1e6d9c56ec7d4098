// Apple's signature creators (names, constructors and methods of @apple/app-store-server-library 3.1.0).

/** An Advanced Commerce in-app request (Apple's interface is open: any request object, with its `operation` and `version`). */
export interface AdvancedCommerceInAppRequest {}

/** Promotional offers for StoreKit's original API: base64 DER ECDSA P-256 SHA-256 over Apple's U+2063-joined text. */
export declare class PromotionalOfferSignatureCreator {
  /** `signingKey`: the `.p8` key (PEM text or its bytes). */
  constructor(signingKey: string | Uint8Array, keyId: string, bundleId: string);
  /** `timestamp` in epoch ms; `nonce` a UUID made for this signature; `appAccountToken` may be ''. Returns the signature, base64. */
  createSignature(productIdentifier: string, subscriptionOfferID: string, appAccountToken: string, nonce: string, timestamp: number): string;
}

/** Promotional offers (StoreKit 2): a compact JWS, ES256, audience `promotional-offer`. */
export declare class PromotionalOfferV2SignatureCreator {
  constructor(signingKey: string | Uint8Array, keyId: string, issuerId: string, bundleId: string);
  createSignature(productId: string, offerIdentifier: string, transactionId?: string): string;
}

/** Introductory offer eligibility: a compact JWS, ES256, audience `introductory-offer-eligibility`. */
export declare class IntroductoryOfferEligibilitySignatureCreator {
  constructor(signingKey: string | Uint8Array, keyId: string, issuerId: string, bundleId: string);
  createSignature(productId: string, allowIntroductoryOffer: boolean, transactionId: string): string;
}

/** Advanced Commerce in-app requests: a compact JWS, ES256, audience `advanced-commerce-api`, the request's JSON in standard base64 in `request`. */
export declare class AdvancedCommerceInAppSignatureCreator {
  constructor(signingKey: string | Uint8Array, keyId: string, issuerId: string, bundleId: string);
  createSignature(advancedCommerceInAppRequest: AdvancedCommerceInAppRequest): string;
}
