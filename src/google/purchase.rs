//! Google Play signed purchase data: [`GooglePlay`], the scheme of [`GoogleVerifier`].

use ring::signature::{RsaParameters, RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model_fields::{Field, Kind};
use crate::signed_purchase::{sealed, PurchaseScheme, SignedPurchaseVerifier, VerifiedSignedPurchase};

/// The purchase as Google sends it. Absent fields stay absent; fields this version does not know
/// are kept in `extra`, never dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GooglePurchase {
    /// `GPA.1234-5678-9012-34567` (renewals add `..N`); absent for test purchases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// The app's package name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// The product id (single-product purchases).
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
    /// The token that identifies the purchase to the Play Developer API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purchase_token: Option<String>,
    /// How many of the product were bought (absent means one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// Whether the purchase was acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<bool>,
    /// Whether a subscription renews automatically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_renewing: Option<bool>,
    /// The app's obfuscated account id, if it set one at purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obfuscated_account_id: Option<String>,
    /// The app's obfuscated profile id, if it set one at purchase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obfuscated_profile_id: Option<String>,
    /// The legacy developer payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub developer_payload: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
}

/// Google Play's scheme: SHA1withRSA, decoding to [`GooglePurchase`].
///
/// Algorithm: RSASSA-PKCS1-v1_5 with SHA-1 over the exact bytes of the purchase JSON, which is
/// what Play Billing signs (`SHA1withRSA` in Google's samples). SHA-1 is a legacy hash; it is used
/// because Google signs with it, not by choice, and it is fixed here, never read from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GooglePlay;

impl PurchaseScheme for GooglePlay {
    type Purchase = GooglePurchase;
    const WHAT: &'static str = "Google purchase data";
    const ALGORITHM: crate::host::Algorithm = crate::host::Algorithm::RsaPkcs1Sha1;
}

impl sealed::Algorithms for GooglePlay {
    const MODERN: &'static RsaParameters = &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY;
    const LEGACY: &'static RsaParameters = &RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY;
    const FIELDS: &'static [Field] = &[
        ("orderId", Kind::Str),
        ("packageName", Kind::Str),
        ("productId", Kind::Str),
        ("productIds", Kind::Strs),
        ("purchaseTime", Kind::Int),
        ("purchaseState", Kind::Int),
        ("purchaseToken", Kind::Str),
        ("quantity", Kind::Int),
        ("acknowledged", Kind::Bool),
        ("autoRenewing", Kind::Bool),
        ("obfuscatedAccountId", Kind::Str),
        ("obfuscatedProfileId", Kind::Str),
        ("developerPayload", Kind::Str),
    ];
}

/// The Play Console licence key, parsed and checked once. `verify` takes exactly the bytes of
/// `Purchase.getOriginalJson()` and the base64 of `getSignature()`.
pub type GoogleVerifier = SignedPurchaseVerifier<GooglePlay>;

/// A Google purchase whose signature verified.
pub type VerifiedGooglePurchase = VerifiedSignedPurchase<GooglePlay>;
