//! Apple's signature creators: what a server signs so that StoreKit offers a customer a
//! promotional or introductory offer, or accepts an Advanced Commerce in-app request. The names
//! are those of Apple's `@apple/app-store-server-library` 3.1.0; the signing is ring's.
//!
//! - [`PromotionalOfferSignatureCreator`] (StoreKit's original API, "Generating a signature for
//!   promotional offers"): ECDSA P-256 with SHA-256, DER-encoded, in standard base64, over the
//!   UTF-8 text `bundleId ⁣ keyId ⁣ productIdentifier ⁣ subscriptionOfferID ⁣
//!   lowercase(appAccountToken) ⁣ lowercase(nonce) ⁣ timestamp`, joined by U+2063 (INVISIBLE
//!   SEPARATOR), the timestamp in decimal epoch milliseconds.
//! - [`PromotionalOfferV2SignatureCreator`], [`IntroductoryOfferEligibilitySignatureCreator`] and
//!   [`AdvancedCommerceInAppSignatureCreator`] ("Generating JWS to sign App Store requests"): a
//!   compact JWS, ES256, header `{alg, typ: "JWT", kid}`, claims (in the order Apple's library
//!   writes them) the creator's own, then `bid`, `nonce` (a fresh lowercase UUID), `iat` (epoch
//!   seconds), `aud` (`promotional-offer`, `introductory-offer-eligibility`,
//!   `advanced-commerce-api`) and `iss`. No `exp`.
//!
//! The key is the `.p8` file of App Store Connect (PKCS#8 P-256, PEM or DER). Time and the nonce
//! are arguments, as everywhere in the core ([`new_nonce`] draws one); the signature itself draws
//! randomness (ECDSA's), so two signatures of the same input differ and both verify.

use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// U+2063 INVISIBLE SEPARATOR, between the fields of a v1 promotional offer's signed text.
const SEPARATOR: char = '\u{2063}';

/// The JWS audiences of Apple's three JWS creators.
const AUD_PROMOTIONAL_OFFER: &str = "promotional-offer";
const AUD_INTRODUCTORY_OFFER: &str = "introductory-offer-eligibility";
const AUD_ADVANCED_COMMERCE: &str = "advanced-commerce-api";

/// The longest Advanced Commerce request (JSON text) signed: real ones are a few KiB.
pub const MAX_ADVANCED_COMMERCE_REQUEST: usize = 64 * 1024;
/// The longest text argument (an id, a token, a nonce) of a creator.
pub const MAX_FIELD: usize = 4 * 1024;

fn field<'a>(what: &'static str, value: &'a str) -> Result<&'a str> {
    crate::limits::check(what, value.len(), MAX_FIELD)?;
    Ok(value)
}

/// The longest `.p8` key read (one is about 240 bytes of PEM).
const MAX_KEY: usize = 16 * 1024;

fn key_pair(signing_key: &[u8], alg: &'static ring::signature::EcdsaSigningAlgorithm) -> Result<EcdsaKeyPair> {
    crate::limits::check("signingKey", signing_key.len(), MAX_KEY)?;
    let der = crate::b64::pem_or_der("signingKey", signing_key, "PRIVATE KEY")?;
    EcdsaKeyPair::from_pkcs8(alg, &der, &SystemRandom::new())
        .map_err(|_| Error::invalid_argument("signingKey is not a PKCS#8 P-256 private key (the .p8 file from App Store Connect)"))
}

fn signing_failed() -> Error {
    Error::invalid_argument("signing failed (no randomness source?)")
}

/// A fresh nonce: a random (version 4) UUID in lowercase, as `crypto.randomUUID()` gives.
pub fn new_nonce() -> Result<String> {
    let mut b = [0u8; 16];
    SystemRandom::new().fill(&mut b).map_err(|_| signing_failed())?;
    if let Some(v) = b.get_mut(6) {
        *v = (*v & 0x0f) | 0x40;
    }
    if let Some(v) = b.get_mut(8) {
        *v = (*v & 0x3f) | 0x80;
    }
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let part = |r: std::ops::Range<usize>| hex.get(r).unwrap_or_default();
    Ok(format!("{}-{}-{}-{}-{}", part(0..8), part(8..12), part(12..16), part(16..20), part(20..32)))
}

/// Apple's `PromotionalOfferSignatureCreator`: the signature of a promotional offer for
/// StoreKit's original API (see the module's documentation for what is signed).
pub struct PromotionalOfferSignatureCreator {
    key: EcdsaKeyPair,
    key_id: String,
    bundle_id: String,
}

impl std::fmt::Debug for PromotionalOfferSignatureCreator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromotionalOfferSignatureCreator")
            .field("key", &"<redacted>")
            .field("key_id", &self.key_id)
            .field("bundle_id", &self.bundle_id)
            .finish()
    }
}

impl PromotionalOfferSignatureCreator {
    /// Apple's constructor: the `.p8` key (PEM text or DER), its key id and the app's bundle id.
    pub fn new(signing_key: &[u8], key_id: &str, bundle_id: &str) -> Result<Self> {
        Ok(Self {
            key: key_pair(signing_key, &ECDSA_P256_SHA256_ASN1_SIGNING)?,
            key_id: field("keyId", key_id)?.to_owned(),
            bundle_id: field("bundleId", bundle_id)?.to_owned(),
        })
    }

    /// The text that is signed: the seven fields joined by U+2063, the token and the nonce in
    /// lower case, the timestamp (epoch ms) in decimal. Lower case here is ASCII's: Apple defines
    /// both as UUIDs, and full Unicode case tables would add 11 KB to the WebAssembly module. (The
    /// JS class lower-cases them with JavaScript's `toLowerCase` first, as Apple's library does,
    /// so that any text signs exactly as Apple's would.)
    pub fn payload(
        &self,
        product_identifier: &str,
        subscription_offer_id: &str,
        app_account_token: &str,
        nonce: &str,
        timestamp: i64,
    ) -> Result<String> {
        let parts = [
            self.bundle_id.clone(),
            self.key_id.clone(),
            field("productIdentifier", product_identifier)?.to_owned(),
            field("subscriptionOfferID", subscription_offer_id)?.to_owned(),
            field("appAccountToken", app_account_token)?.to_ascii_lowercase(),
            field("nonce", nonce)?.to_ascii_lowercase(),
            timestamp.to_string(),
        ];
        Ok(parts.join(&SEPARATOR.to_string()))
    }

    /// Apple's `createSignature`: the base64 of the DER ECDSA signature of [`Self::payload`].
    /// `app_account_token` may be empty; `nonce` is a UUID you make for this signature only;
    /// `timestamp` is now in epoch ms (the offer is usable for 24 hours).
    pub fn create_signature(
        &self,
        product_identifier: &str,
        subscription_offer_id: &str,
        app_account_token: &str,
        nonce: &str,
        timestamp: i64,
    ) -> Result<String> {
        let payload = self.payload(product_identifier, subscription_offer_id, app_account_token, nonce, timestamp)?;
        let sig = self.key.sign(&SystemRandom::new(), payload.as_bytes()).map_err(|_| signing_failed())?;
        Ok(crate::b64::encode_standard(sig.as_ref()))
    }
}

/// What Apple's three JWS creators share: the key, the ids, the audience.
struct JwsSigner {
    key: EcdsaKeyPair,
    key_id: String,
    issuer_id: String,
    bundle_id: String,
    audience: &'static str,
}

impl JwsSigner {
    fn new(audience: &'static str, signing_key: &[u8], key_id: &str, issuer_id: &str, bundle_id: &str) -> Result<Self> {
        Ok(Self {
            key: key_pair(signing_key, &ECDSA_P256_SHA256_FIXED_SIGNING)?,
            key_id: field("keyId", key_id)?.to_owned(),
            issuer_id: field("issuerId", issuer_id)?.to_owned(),
            bundle_id: field("bundleId", bundle_id)?.to_owned(),
            audience,
        })
    }

    /// The compact JWS of `claims` and the common ones, in the order Apple's library writes them.
    fn sign(&self, mut claims: Map<String, Value>, nonce: &str, now_ms: i64) -> Result<String> {
        let mut header = Map::new();
        header.insert("alg".into(), "ES256".into());
        header.insert("typ".into(), "JWT".into());
        header.insert("kid".into(), self.key_id.clone().into());
        claims.insert("bid".into(), self.bundle_id.clone().into());
        claims.insert("nonce".into(), field("nonce", nonce)?.into());
        claims.insert("iat".into(), now_ms.div_euclid(1000).into());
        claims.insert("aud".into(), self.audience.into());
        claims.insert("iss".into(), self.issuer_id.clone().into());
        // The signing of the App Store Server API's bearer token: one ES256 path in the module.
        super::server_api::sign_es256(&self.key, &Value::Object(header), &Value::Object(claims))
    }

    fn debug(&self, name: &str, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(name)
            .field("key", &"<redacted>")
            .field("key_id", &self.key_id)
            .field("issuer_id", &self.issuer_id)
            .field("bundle_id", &self.bundle_id)
            .finish()
    }
}

/// Apple's `PromotionalOfferV2SignatureCreator`: the signed JWS of a promotional offer
/// (StoreKit 2, audience `promotional-offer`).
pub struct PromotionalOfferV2SignatureCreator(JwsSigner);

impl std::fmt::Debug for PromotionalOfferV2SignatureCreator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.debug("PromotionalOfferV2SignatureCreator", f)
    }
}

impl PromotionalOfferV2SignatureCreator {
    /// Apple's constructor: the `.p8` key, its key id, the issuer id and the app's bundle id.
    pub fn new(signing_key: &[u8], key_id: &str, issuer_id: &str, bundle_id: &str) -> Result<Self> {
        JwsSigner::new(AUD_PROMOTIONAL_OFFER, signing_key, key_id, issuer_id, bundle_id).map(Self)
    }

    /// Apple's `createSignature(productId, offerIdentifier, transactionId?)`: claims `productId`,
    /// `offerIdentifier` and, when given, `transactionId` (any transaction of the customer,
    /// their `appTransactionId` too).
    pub fn create_signature(&self, product_id: &str, offer_identifier: &str, transaction_id: Option<&str>, nonce: &str, now_ms: i64) -> Result<String> {
        let mut claims = Map::new();
        claims.insert("productId".into(), field("productId", product_id)?.into());
        claims.insert("offerIdentifier".into(), field("offerIdentifier", offer_identifier)?.into());
        if let Some(t) = transaction_id {
            claims.insert("transactionId".into(), field("transactionId", t)?.into());
        }
        self.0.sign(claims, nonce, now_ms)
    }
}

/// Apple's `IntroductoryOfferEligibilitySignatureCreator`: the signed JWS that says whether a
/// customer may have a product's introductory offer (audience `introductory-offer-eligibility`).
pub struct IntroductoryOfferEligibilitySignatureCreator(JwsSigner);

impl std::fmt::Debug for IntroductoryOfferEligibilitySignatureCreator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.debug("IntroductoryOfferEligibilitySignatureCreator", f)
    }
}

impl IntroductoryOfferEligibilitySignatureCreator {
    /// Apple's constructor: the `.p8` key, its key id, the issuer id and the app's bundle id.
    pub fn new(signing_key: &[u8], key_id: &str, issuer_id: &str, bundle_id: &str) -> Result<Self> {
        JwsSigner::new(AUD_INTRODUCTORY_OFFER, signing_key, key_id, issuer_id, bundle_id).map(Self)
    }

    /// Apple's `createSignature(productId, allowIntroductoryOffer, transactionId)`.
    pub fn create_signature(&self, product_id: &str, allow_introductory_offer: bool, transaction_id: &str, nonce: &str, now_ms: i64) -> Result<String> {
        let mut claims = Map::new();
        claims.insert("productId".into(), field("productId", product_id)?.into());
        claims.insert("allowIntroductoryOffer".into(), allow_introductory_offer.into());
        claims.insert("transactionId".into(), field("transactionId", transaction_id)?.into());
        self.0.sign(claims, nonce, now_ms)
    }
}

/// Apple's `AdvancedCommerceInAppSignatureCreator`: the signed JWS of an Advanced Commerce in-app
/// request (audience `advanced-commerce-api`), the request's JSON text in standard base64 (with
/// padding, as Apple's library writes it) in the `request` claim.
pub struct AdvancedCommerceInAppSignatureCreator(JwsSigner);

impl std::fmt::Debug for AdvancedCommerceInAppSignatureCreator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.debug("AdvancedCommerceInAppSignatureCreator", f)
    }
}

impl AdvancedCommerceInAppSignatureCreator {
    /// Apple's constructor: the `.p8` key, its key id, the issuer id and the app's bundle id.
    pub fn new(signing_key: &[u8], key_id: &str, issuer_id: &str, bundle_id: &str) -> Result<Self> {
        JwsSigner::new(AUD_ADVANCED_COMMERCE, signing_key, key_id, issuer_id, bundle_id).map(Self)
    }

    /// Apple's `createSignature(request)`, `request_json` the request's JSON text as it is to be
    /// signed (in JS, `JSON.stringify(request)`, as Apple's library does): a JSON object, at
    /// most [`MAX_ADVANCED_COMMERCE_REQUEST`] bytes; its bytes are signed as given.
    pub fn create_signature(&self, request_json: &str, nonce: &str, now_ms: i64) -> Result<String> {
        const WHAT: &str = "Advanced Commerce request";
        crate::limits::check(WHAT, request_json.len(), MAX_ADVANCED_COMMERCE_REQUEST)?;
        // Read by the package's one JSON object reader: a request is an object, its keys unique.
        if !request_json.trim_start().starts_with('{') {
            return Err(Error::invalid_argument("the Advanced Commerce request must be an object"));
        }
        crate::json_text::decode_object(WHAT, request_json.as_bytes())?;
        let mut claims = Map::new();
        claims.insert("request".into(), crate::b64::encode_standard(request_json.as_bytes()).into());
        self.0.sign(claims, nonce, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_FIXED};
    use ring::signature::KeyPair;

    /// A P-256 PKCS#8 key made by ring for the test.
    fn key() -> Vec<u8> {
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new()).unwrap().as_ref().to_vec()
    }

    fn public(pkcs8: &[u8]) -> Vec<u8> {
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &SystemRandom::new()).unwrap().public_key().as_ref().to_vec()
    }

    fn part(jws: &str, i: usize) -> Value {
        serde_json::from_slice(&crate::b64::decode_url("t", jws.split('.').nth(i).unwrap()).unwrap()).unwrap()
    }

    #[test]
    fn v1_signs_apples_text_in_der() {
        let k = key();
        let c = PromotionalOfferSignatureCreator::new(&k, "keyId", "bundleId").unwrap();
        let nonce = "20FBA8A0-2B80-4A7D-A17F-85C1854727F8";
        let text = c.payload("productId", "offerId", "AppAccountToken", nonce, 1_698_148_900_000).unwrap();
        assert_eq!(
            text,
            "bundleId\u{2063}keyId\u{2063}productId\u{2063}offerId\u{2063}appaccounttoken\u{2063}20fba8a0-2b80-4a7d-a17f-85c1854727f8\u{2063}1698148900000"
        );
        let sig = crate::b64::decode_standard("t", &c.create_signature("productId", "offerId", "AppAccountToken", nonce, 1_698_148_900_000).unwrap()).unwrap();
        // DER: a SEQUENCE of two INTEGERs.
        assert_eq!(sig.first(), Some(&0x30));
        let pk = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, public(&k));
        pk.verify(text.as_bytes(), &sig).unwrap();
        // A different field is a different text.
        let other = c.payload("productId", "offerId", "", nonce, 1_698_148_900_001).unwrap();
        assert!(pk.verify(other.as_bytes(), &sig).is_err());
    }

    #[test]
    fn jws_creators_write_apples_claims_in_apples_order() {
        let k = key();
        let pk = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, public(&k));
        let nonce = "7c7e2d0a-1f3b-4c5d-9e8f-0a1b2c3d4e5f";
        let verify = |jws: &str| {
            let (input, sig) = jws.rsplit_once('.').unwrap();
            pk.verify(input.as_bytes(), &crate::b64::decode_url("t", sig).unwrap()).unwrap();
        };
        let v2 = PromotionalOfferV2SignatureCreator::new(&k, "keyId", "issuerId", "bundleId").unwrap();
        let jws = v2.create_signature("productId", "offerIdentifier", Some("transactionId"), nonce, 1_700_000_000_999).unwrap();
        verify(&jws);
        assert_eq!(part(&jws, 0).to_string(), r#"{"alg":"ES256","typ":"JWT","kid":"keyId"}"#);
        assert_eq!(
            part(&jws, 1).to_string(),
            format!(r#"{{"productId":"productId","offerIdentifier":"offerIdentifier","transactionId":"transactionId","bid":"bundleId","nonce":"{nonce}","iat":1700000000,"aud":"promotional-offer","iss":"issuerId"}}"#)
        );
        let without = v2.create_signature("p", "o", None, nonce, 0).unwrap();
        assert!(part(&without, 1).get("transactionId").is_none());

        let intro = IntroductoryOfferEligibilitySignatureCreator::new(&k, "keyId", "issuerId", "bundleId").unwrap();
        let jws = intro.create_signature("productId", false, "t1", nonce, 1_000).unwrap();
        verify(&jws);
        let claims = part(&jws, 1);
        assert_eq!(claims["aud"], "introductory-offer-eligibility");
        assert_eq!(claims["allowIntroductoryOffer"], false);
        assert_eq!(claims["iat"], 1);

        let ac = AdvancedCommerceInAppSignatureCreator::new(&k, "keyId", "issuerId", "bundleId").unwrap();
        let request = r#"{"operation":"CREATE_SUBSCRIPTION","version":"1","é":"ü"}"#;
        let jws = ac.create_signature(request, nonce, 5_000).unwrap();
        verify(&jws);
        let claims = part(&jws, 1);
        assert_eq!(claims["aud"], "advanced-commerce-api");
        let encoded = claims["request"].as_str().unwrap();
        // Standard base64 with padding, of the text's bytes as given.
        assert!(encoded.ends_with('='));
        assert_eq!(crate::b64::decode_standard("t", encoded).unwrap(), request.as_bytes());
        assert!(claims.get("exp").is_none());
    }

    #[test]
    fn refusals_name_no_secret() {
        let k = key();
        let ac = AdvancedCommerceInAppSignatureCreator::new(&k, "k", "i", "b").unwrap();
        assert_eq!(ac.create_signature("[1]", "n", 0).unwrap_err().code(), "INVALID_ARGUMENT");
        assert_eq!(ac.create_signature("{", "n", 0).unwrap_err().code(), "MALFORMED_INPUT");
        let big = format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_ADVANCED_COMMERCE_REQUEST));
        assert_eq!(ac.create_signature(&big, "n", 0).unwrap_err().code(), "INPUT_TOO_LARGE");
        // A key that is not P-256 PKCS#8, and one cut short: the message never carries the key.
        let mut cut = k.clone();
        cut.truncate(40);
        for bad in [b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----".to_vec(), cut] {
            let e = PromotionalOfferSignatureCreator::new(&bad, "k", "b").unwrap_err();
            assert!(matches!(e.code(), "INVALID_ARGUMENT" | "MALFORMED_INPUT"), "{e}");
            assert!(!e.to_string().contains("AAAA"));
        }
        assert!(!format!("{ac:?}").contains(&crate::b64::encode_url(&k)));
    }

    #[test]
    fn nonces_are_fresh_v4_uuids() {
        let a = new_nonce().unwrap();
        let b = new_nonce().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.chars().nth(14), Some('4'));
        assert!(matches!(a.chars().nth(19), Some('8' | '9' | 'a' | 'b')));
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
