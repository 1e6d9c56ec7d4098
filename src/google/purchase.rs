//! Google Play signed purchase data: [`GooglePlay`], the scheme of [`GoogleVerifier`].

use ring::signature::{RsaParameters, RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY};

use crate::model_fields::{model, Field};
use crate::signed_purchase::{sealed, PurchaseScheme, SignedPurchaseVerifier, VerifiedSignedPurchase};

model! {
    /// The purchase as Google sends it. Absent fields stay absent; fields this version does not know
    /// are kept in `extra`, never dropped.
    GooglePurchase (extra) {
        /// `GPA.1234-5678-9012-34567` (renewals add `..N`); absent for test purchases.
        order_id "orderId": String,
        /// The app's package name.
        package_name "packageName": String,
        /// The product id (single-product purchases).
        product_id "productId": String,
        /// Multi-product purchases list their products here.
        product_ids "productIds": Vec<String>,
        /// Epoch milliseconds.
        purchase_time "purchaseTime": i64,
        /// 0 purchased, 4 pending (1 canceled and 2 refunded in the legacy AIDL API).
        purchase_state "purchaseState": i64,
        /// The token that identifies the purchase to the Play Developer API.
        purchase_token "purchaseToken": String,
        /// How many of the product were bought (absent means one).
        quantity "quantity": i64,
        /// Whether the purchase was acknowledged.
        acknowledged "acknowledged": bool,
        /// Whether a subscription renews automatically.
        auto_renewing "autoRenewing": bool,
        /// The app's obfuscated account id, if it set one at purchase.
        obfuscated_account_id "obfuscatedAccountId": String,
        /// The app's obfuscated profile id, if it set one at purchase.
        obfuscated_profile_id "obfuscatedProfileId": String,
        /// The legacy developer payload.
        developer_payload "developerPayload": String,
    }
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
    const FIELDS: &'static [Field] = GooglePurchase::FIELDS;
}

/// The Play Console licence key, parsed and checked once. `verify` takes exactly the bytes of
/// `Purchase.getOriginalJson()` and the base64 of `getSignature()`.
pub type GoogleVerifier = SignedPurchaseVerifier<GooglePlay>;

/// A Google purchase whose signature verified.
pub type VerifiedGooglePurchase = VerifiedSignedPurchase<GooglePlay>;
