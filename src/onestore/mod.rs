//! ONE store (Korea): signed purchase data from the IAP SDK (v17 to v21).
//!
//! The same scheme as Google Play, with SHA-512: ONE store's own samples verify with
//! `SHA512withRSA` over the UTF-8 bytes of the purchase JSON and the app's licence key.

use ring::signature::{RsaParameters, RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA512};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model_fields::{Field, Kind};
use crate::signed_purchase::{sealed, PurchaseScheme, SignedPurchaseVerifier, VerifiedSignedPurchase};

pub use crate::signed_purchase::VerifyOptions;

/// A ONE store purchase. Field names follow SDK v21 (`PurchaseData`); v17's `purchaseId` is kept.
/// Parsed leniently: every field optional, unknown ones kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OneStorePurchase {
    /// The order id (sandbox ids start with `SANDBOX`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The app's package name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// The product id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// Epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_time: Option<i64>,
    /// v17's purchase id (sandbox ids start with `SANDBOX`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_id: Option<String>,
    /// The token that identifies the purchase to ONE store's server API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    /// The developer payload the app set at purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_payload: Option<String>,
    /// 0 purchased, 1 canceled, 2 refunded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_state: Option<i64>,
    /// -1 not a subscription, 0 recurring, 1 cancellation reserved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_state: Option<i64>,
    /// How many of the product were bought (absent means one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// 0 not acknowledged, 1 acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledge_state: Option<i64>,
    /// Every other field, as sent.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// ONE store's scheme: SHA512withRSA, decoding to [`OneStorePurchase`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OneStore;

impl PurchaseScheme for OneStore {
    type Purchase = OneStorePurchase;
    const WHAT: &'static str = "ONE store purchase data";
    const ALGORITHM: crate::host::Algorithm = crate::host::Algorithm::RsaPkcs1Sha512;
}

impl sealed::Algorithms for OneStore {
    const MODERN: &'static RsaParameters = &RSA_PKCS1_2048_8192_SHA512;
    const LEGACY: &'static RsaParameters = &RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY;
    const FIELDS: &'static [Field] = &[
        ("orderId", Kind::Str),
        ("packageName", Kind::Str),
        ("productId", Kind::Str),
        ("purchaseTime", Kind::Int),
        ("purchaseId", Kind::Str),
        ("purchaseToken", Kind::Str),
        ("developerPayload", Kind::Str),
        ("purchaseState", Kind::Int),
        ("recurringState", Kind::Int),
        ("quantity", Kind::Int),
        ("acknowledgeState", Kind::Int),
    ];
}

/// A ONE store licence key (from the ONE store Developer Center), parsed and checked once.
pub type OneStoreVerifier = SignedPurchaseVerifier<OneStore>;

/// A ONE store purchase whose signature verified.
pub type VerifiedOneStorePurchase = VerifiedSignedPurchase<OneStore>;
