//! ONE store (Korea): signed purchase data from the IAP SDK (v17 to v21).
//!
//! The same scheme as Google Play, with SHA-512: ONE store's own samples verify with
//! `SHA512withRSA` over the UTF-8 bytes of the purchase JSON and the app's licence key.

use ring::signature::{RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA512};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::Result;
use crate::signed_json::SignedJsonVerifier;

const WHAT: &str = "ONE store purchase data";

pub use crate::google::VerifyOptions;

/// A ONE store purchase. Field names follow SDK v21 (`PurchaseData`); v17's `purchaseId` is kept.
/// Parsed leniently: every field optional, unknown ones kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OneStorePurchase {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time: Option<i64>,
    /// v17's purchase id (sandbox ids start with `SANDBOX`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_payload: Option<String>,
    /// 0 purchased, 1 canceled, 2 refunded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_state: Option<i64>,
    /// -1 not a subscription, 0 recurring, 1 cancellation reserved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_state: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// 0 not acknowledged, 1 acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledge_state: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// A ONE store purchase whose signature verified. Only [`OneStoreVerifier::verify`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedOneStorePurchase {
    purchase: OneStorePurchase,
}

impl VerifiedOneStorePurchase {
    pub fn purchase(&self) -> &OneStorePurchase {
        &self.purchase
    }

    pub fn into_purchase(self) -> OneStorePurchase {
        self.purchase
    }
}

/// A ONE store licence key, parsed and checked once.
#[derive(Debug, Clone)]
pub struct OneStoreVerifier {
    inner: SignedJsonVerifier,
}

impl OneStoreVerifier {
    /// `public_key_base64`: the licence key from the ONE store Developer Center (base64 RSA
    /// SubjectPublicKeyInfo). Errors: `INVALID_PUBLIC_KEY`, `INPUT_TOO_LARGE`.
    pub fn new(public_key_base64: &str, options: VerifyOptions) -> Result<Self> {
        let legacy = options.allow_legacy_1024_bit_keys.then_some(&RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY);
        let inner = SignedJsonVerifier::new(public_key_base64, &RSA_PKCS1_2048_8192_SHA512, legacy)?;
        Ok(OneStoreVerifier { inner })
    }

    /// Verifies the SHA512withRSA signature over exactly `signed_data`, then decodes it.
    pub fn verify(&self, signed_data: &[u8], signature_base64: &str) -> Result<VerifiedOneStorePurchase> {
        let purchase = self.inner.verify(WHAT, signed_data, signature_base64)?;
        Ok(VerifiedOneStorePurchase { purchase })
    }

    /// For engines other than ring (the host's WebCrypto): the checks before the signature, giving
    /// the raw signature to verify over `signed_data` with [`Self::host_key`].
    pub fn prepare(&self, signed_data: &[u8], signature_base64: &str) -> Result<Vec<u8>> {
        self.inner.prepare(WHAT, signed_data, signature_base64)
    }

    /// The checked key (SubjectPublicKeyInfo DER) and the WebCrypto hash name of this scheme.
    pub fn host_key(&self) -> (&[u8], &'static str) {
        (self.inner.key().spki_der(), "SHA-512")
    }

    /// Decodes data whose signature the host's WebCrypto has verified after [`Self::prepare`].
    /// Crate-private: nothing outside the crate can make a verified value without a check.
    pub(crate) fn decode_host_verified(&self, signed_data: &[u8]) -> Result<VerifiedOneStorePurchase> {
        let purchase = crate::signed_json::decode_object(WHAT, signed_data)?;
        Ok(VerifiedOneStorePurchase { purchase })
    }
}
