// Apple's signature creators, with the names, constructors and methods of
// `@apple/app-store-server-library` 3.1.0: what your server signs so that StoreKit shows a
// customer a promotional offer or an introductory offer, or accepts an Advanced Commerce in-app
// request. The key stays inside the WebAssembly module, which signs with ring; this file only
// passes the arguments, the time (`Date.now()`) and, for the request, its `JSON.stringify` text
// (the bytes Apple's library signs).
import { __SignatureCreator } from '../web/iap_verify.js';
import { keyText } from './clients.js';
import { argumentError } from './transport.js';

/**
 * @param {string} kind the class's name
 * @param {unknown} signingKey
 * @param {unknown} keyId
 * @param {unknown} issuerId
 * @param {unknown} bundleId
 */
const creator = (kind, signingKey, keyId, issuerId, bundleId) => new __SignatureCreator(kind, keyText(signingKey), keyId, issuerId, bundleId);

/**
 * Promotional offers for StoreKit's original API: the base64 DER ECDSA P-256 SHA-256 signature of
 * `bundleId ⁣ keyId ⁣ productIdentifier ⁣ subscriptionOfferID ⁣ appAccountToken ⁣ nonce ⁣ timestamp`
 * (joined by U+2063, the token and the nonce in lower case).
 */
export class PromotionalOfferSignatureCreator {
  #core;
  /**
   * @param {string | Uint8Array} signingKey the `.p8` key from App Store Connect (PEM text, or its bytes)
   * @param {string} keyId the key's id
   * @param {string} bundleId your app's bundle id
   */
  constructor(signingKey, keyId, bundleId) {
    this.#core = creator('PromotionalOfferSignatureCreator', signingKey, keyId, undefined, bundleId);
  }

  /**
   * @param {string} productIdentifier the subscription's product id
   * @param {string} subscriptionOfferID the offer's id in App Store Connect
   * @param {string} appAccountToken your id of the customer, or ''
   * @param {string} nonce a UUID you make for this signature only
   * @param {number} timestamp now, in epoch ms (the offer is valid for 24 hours)
   * @returns {string} the signature, base64
   */
  createSignature(productIdentifier, subscriptionOfferID, appAccountToken, nonce, timestamp) {
    // Lower-cased here with JavaScript's own rule, as Apple's library does (the module's is ASCII's).
    const lower = (/** @type {unknown} */ v) => (typeof v === 'string' ? v.toLowerCase() : v);
    return this.#core.sign([productIdentifier, subscriptionOfferID, lower(appAccountToken), lower(nonce), timestamp], Date.now());
  }
}

/** Promotional offers (StoreKit 2): a JWS, ES256, audience `promotional-offer`. */
export class PromotionalOfferV2SignatureCreator {
  #core;
  /**
   * @param {string | Uint8Array} signingKey the `.p8` key from App Store Connect
   * @param {string} keyId the key's id
   * @param {string} issuerId your issuer id (App Store Connect, Keys)
   * @param {string} bundleId your app's bundle id
   */
  constructor(signingKey, keyId, issuerId, bundleId) {
    this.#core = creator('PromotionalOfferV2SignatureCreator', signingKey, keyId, issuerId, bundleId);
  }

  /**
   * @param {string} productId
   * @param {string} offerIdentifier the promotional offer's id in App Store Connect
   * @param {string} [transactionId] any transaction of the customer (their appTransactionId too); optional, recommended
   * @returns {string} the compact JWS
   */
  createSignature(productId, offerIdentifier, transactionId = undefined) {
    return this.#core.sign([productId, offerIdentifier, transactionId], Date.now());
  }
}

/** Introductory offer eligibility: a JWS, ES256, audience `introductory-offer-eligibility`. */
export class IntroductoryOfferEligibilitySignatureCreator {
  #core;
  /**
   * @param {string | Uint8Array} signingKey the `.p8` key from App Store Connect
   * @param {string} keyId the key's id
   * @param {string} issuerId your issuer id (App Store Connect, Keys)
   * @param {string} bundleId your app's bundle id
   */
  constructor(signingKey, keyId, issuerId, bundleId) {
    this.#core = creator('IntroductoryOfferEligibilitySignatureCreator', signingKey, keyId, issuerId, bundleId);
  }

  /**
   * @param {string} productId
   * @param {boolean} allowIntroductoryOffer whether the customer may have the introductory offer
   * @param {string} transactionId any transaction of the customer (their appTransactionId too)
   * @returns {string} the compact JWS
   */
  createSignature(productId, allowIntroductoryOffer, transactionId) {
    return this.#core.sign([productId, allowIntroductoryOffer, transactionId], Date.now());
  }
}

/** Advanced Commerce in-app requests: a JWS, ES256, audience `advanced-commerce-api`, the request in its `request` claim (base64 of its JSON). */
export class AdvancedCommerceInAppSignatureCreator {
  #core;
  /**
   * @param {string | Uint8Array} signingKey the `.p8` key from App Store Connect
   * @param {string} keyId the key's id
   * @param {string} issuerId your issuer id (App Store Connect, Keys)
   * @param {string} bundleId your app's bundle id
   */
  constructor(signingKey, keyId, issuerId, bundleId) {
    this.#core = creator('AdvancedCommerceInAppSignatureCreator', signingKey, keyId, issuerId, bundleId);
  }

  /**
   * @param {import('./signature-creators.js').AdvancedCommerceInAppRequest} advancedCommerceInAppRequest the request to sign
   * @returns {string} the compact JWS
   */
  createSignature(advancedCommerceInAppRequest) {
    /** @type {string | undefined} */
    let text;
    try {
      text = JSON.stringify(advancedCommerceInAppRequest);
    } catch (e) {
      throw argumentError(`the Advanced Commerce request is not representable as JSON (${e instanceof Error ? e.message : e})`);
    }
    return this.#core.sign([text], Date.now());
  }
}
