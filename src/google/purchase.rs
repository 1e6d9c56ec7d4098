//! Google Play signed purchase data.
//!
//! Algorithm: RSASSA-PKCS1-v1_5 with SHA-1 over the exact bytes of the purchase JSON, which is
//! what Play Billing signs (`SHA1withRSA` in Google's samples). SHA-1 is a legacy hash; it is used
//! because Google signs with it, not by choice, and it is fixed here, never read from the input.

use ring::signature::{RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::signed_json::SignedJsonVerifier;

const WHAT: &str = "Google purchase data";

/// The purchase as Google sends it. Absent fields stay absent; fields this version does not know
/// are kept in `extra`, never dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GooglePurchase {
    /// `GPA.1234-5678-9012-34567` (renewals add `..N`); absent for test purchases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Multi-product purchases list their products here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_ids: Option<Vec<String>>,
    /// Epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time: Option<i64>,
    /// 0 purchased, 4 pending (1 canceled and 2 refunded in the legacy AIDL API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_state: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_renewing: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obfuscated_account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obfuscated_profile_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_payload: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// A Google purchase whose signature verified. Only [`GoogleVerifier::verify`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedGooglePurchase {
    purchase: GooglePurchase,
}

impl VerifiedGooglePurchase {
    pub fn purchase(&self) -> &GooglePurchase {
        &self.purchase
    }

    pub fn into_purchase(self) -> GooglePurchase {
        self.purchase
    }
}

/// Options for [`GoogleVerifier::new`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Accept 1024-bit keys. Off by default: Play Console keys are 2048-bit, and 1024-bit RSA is
    /// too weak to trust for money. Public test data uses 1024-bit keys, hence the option.
    pub allow_legacy_1024_bit_keys: bool,
}

/// A licence key, parsed and checked once, ready for many verifications.
#[derive(Debug, Clone)]
pub struct GoogleVerifier {
    inner: SignedJsonVerifier,
}

impl GoogleVerifier {
    /// `public_key_base64` is the Play Console licence key: base64 of an RSA SubjectPublicKeyInfo
    /// (line breaks allowed). Errors: `INVALID_PUBLIC_KEY`, `INPUT_TOO_LARGE`.
    pub fn new(public_key_base64: &str, options: VerifyOptions) -> Result<Self> {
        let legacy = options.allow_legacy_1024_bit_keys.then_some(&RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY);
        let inner = SignedJsonVerifier::new(public_key_base64, &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, legacy)?;
        Ok(GoogleVerifier { inner })
    }

    /// Verifies `signature_base64` over exactly `signed_data` (`getOriginalJson()`'s bytes: any
    /// trailing newline or odd spacing is part of what was signed), then decodes it.
    /// Errors: `INVALID_SIGNATURE`, then `MALFORMED_INPUT` if the signed bytes are not a JSON
    /// object of purchase fields, `INPUT_TOO_LARGE`.
    pub fn verify(&self, signed_data: &[u8], signature_base64: &str) -> Result<VerifiedGooglePurchase> {
        let purchase = self.inner.verify(WHAT, signed_data, signature_base64)?;
        Ok(VerifiedGooglePurchase { purchase })
    }

    /// For engines other than ring (the host's WebCrypto): the checks before the signature, giving
    /// the raw signature to verify over `signed_data` with [`Self::host_key`].
    pub fn prepare(&self, signed_data: &[u8], signature_base64: &str) -> Result<Vec<u8>> {
        self.inner.prepare(WHAT, signed_data, signature_base64)
    }

    /// The checked key (SubjectPublicKeyInfo DER) and the WebCrypto hash name of this scheme.
    pub fn host_key(&self) -> (&[u8], &'static str) {
        (self.inner.key().spki_der(), "SHA-1")
    }

    /// Decodes data whose signature the host's WebCrypto has verified after [`Self::prepare`].
    /// Crate-private: nothing outside the crate can make a verified value without a check.
    pub(crate) fn decode_host_verified(&self, signed_data: &[u8]) -> Result<VerifiedGooglePurchase> {
        let purchase = crate::signed_json::decode_object(WHAT, signed_data)?;
        Ok(VerifiedGooglePurchase { purchase })
    }
}
