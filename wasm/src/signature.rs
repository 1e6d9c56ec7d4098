//! JS bindings for Apple's signature creators (feature `clients`): one internal class,
//! `__SignatureCreator`, behind the four classes of `pkg/src/signature-creators.js` that carry
//! Apple's names. The key stays in the module; the signing is the core's (ring).

use js_sys::Array;
use wasm_bindgen::prelude::*;

use crate::{bytes_arg, invalid, is_absent, js_error, string_arg, JsResult};
use iap_verify::apple::signature::{self, MAX_ADVANCED_COMMERCE_REQUEST, MAX_FIELD};
use iap_verify::apple::{
    AdvancedCommerceInAppSignatureCreator, IntroductoryOfferEligibilitySignatureCreator, PromotionalOfferSignatureCreator,
    PromotionalOfferV2SignatureCreator,
};

/// The longest `.p8` key accepted (one is about 240 bytes of PEM).
const MAX_KEY: usize = 16 * 1024;

enum Creator {
    PromotionalOffer(PromotionalOfferSignatureCreator),
    PromotionalOfferV2(PromotionalOfferV2SignatureCreator),
    IntroductoryOfferEligibility(IntroductoryOfferEligibilitySignatureCreator),
    AdvancedCommerceInApp(AdvancedCommerceInAppSignatureCreator),
}

/// Internal, for `pkg/src/signature-creators.js`: one of Apple's signature creators.
#[wasm_bindgen(js_name = __SignatureCreator, skip_typescript)]
pub struct JsSignatureCreator {
    core: Creator,
}

fn text(args: &Array, i: u32, what: &'static str) -> JsResult<String> {
    string_arg(&args.get(i), what, MAX_FIELD)
}

#[wasm_bindgen(js_class = __SignatureCreator)]
impl JsSignatureCreator {
    /// `kind` is the class's name; `issuerId` is not used by `PromotionalOfferSignatureCreator`.
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str, signing_key: JsValue, key_id: JsValue, issuer_id: JsValue, bundle_id: JsValue) -> JsResult<JsSignatureCreator> {
        let key = bytes_arg(&signing_key, "signingKey", MAX_KEY)?;
        let key_id = string_arg(&key_id, "keyId", MAX_FIELD)?;
        let bundle_id = string_arg(&bundle_id, "bundleId", MAX_FIELD)?;
        let issuer = || string_arg(&issuer_id, "issuerId", MAX_FIELD);
        let core = match kind {
            "PromotionalOfferSignatureCreator" => {
                Creator::PromotionalOffer(PromotionalOfferSignatureCreator::new(&key, &key_id, &bundle_id).map_err(js_error)?)
            }
            "PromotionalOfferV2SignatureCreator" => Creator::PromotionalOfferV2(
                PromotionalOfferV2SignatureCreator::new(&key, &key_id, &issuer()?, &bundle_id).map_err(js_error)?,
            ),
            "IntroductoryOfferEligibilitySignatureCreator" => Creator::IntroductoryOfferEligibility(
                IntroductoryOfferEligibilitySignatureCreator::new(&key, &key_id, &issuer()?, &bundle_id).map_err(js_error)?,
            ),
            "AdvancedCommerceInAppSignatureCreator" => Creator::AdvancedCommerceInApp(
                AdvancedCommerceInAppSignatureCreator::new(&key, &key_id, &issuer()?, &bundle_id).map_err(js_error)?,
            ),
            _ => return Err(invalid(format!("no signature creator named {kind:?}"))),
        };
        Ok(JsSignatureCreator { core })
    }

    /// Apple's `createSignature`, its arguments in `args` as Apple's method takes them (the
    /// Advanced Commerce request as its `JSON.stringify` text); `nowMs` is the time; `nonce`, for
    /// the JWS creators, is drawn here when absent (tests pass one).
    pub fn sign(&self, args: Array, now_ms: f64, nonce: JsValue) -> JsResult<String> {
        let now = iap_verify::binding::ms_from_f64(now_ms).ok_or_else(|| invalid("now must be a finite number of epoch milliseconds".into()))?;
        let nonce = || -> JsResult<String> {
            if is_absent(&nonce) {
                signature::new_nonce().map_err(js_error)
            } else {
                string_arg(&nonce, "nonce", MAX_FIELD)
            }
        };
        let signed = match &self.core {
            Creator::PromotionalOffer(c) => {
                // A whole number (Apple's text has it as JS writes it: no fraction, no exponent).
                let ts = args.get(4).as_f64().filter(|t| t.fract() == 0.0).and_then(iap_verify::binding::ms_from_f64);
                let ts = ts.ok_or_else(|| invalid("timestamp must be a whole number of epoch milliseconds".into()))?;
                c.create_signature(
                    &text(&args, 0, "productIdentifier")?,
                    &text(&args, 1, "subscriptionOfferID")?,
                    &text(&args, 2, "appAccountToken")?,
                    &text(&args, 3, "nonce")?,
                    ts,
                )
            }
            Creator::PromotionalOfferV2(c) => {
                let t = args.get(2);
                let transaction = if is_absent(&t) { None } else { Some(string_arg(&t, "transactionId", MAX_FIELD)?) };
                c.create_signature(&text(&args, 0, "productId")?, &text(&args, 1, "offerIdentifier")?, transaction.as_deref(), &nonce()?, now)
            }
            Creator::IntroductoryOfferEligibility(c) => {
                let allow = args.get(1).as_bool().ok_or_else(|| invalid("allowIntroductoryOffer must be a boolean".into()))?;
                c.create_signature(&text(&args, 0, "productId")?, allow, &text(&args, 2, "transactionId")?, &nonce()?, now)
            }
            Creator::AdvancedCommerceInApp(c) => {
                let request = args.get(0);
                if is_absent(&request) {
                    return Err(invalid("the Advanced Commerce request must be an object".into()));
                }
                c.create_signature(&string_arg(&request, "request", MAX_ADVANCED_COMMERCE_REQUEST)?, &nonce()?, now)
            }
        };
        signed.map_err(js_error)
    }
}
