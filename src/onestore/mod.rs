//! ONE store (Korea): signed purchase data from the IAP SDK (v17 to v21), the server API V7
//! ([`OneStoreApi`]) and its notifications (PNS, verified; SNS, decoded).
//!
//! The same scheme as Google Play, with SHA-512: ONE store's own samples verify with
//! `SHA512withRSA` over the UTF-8 bytes of the purchase JSON and the app's licence key.

pub(crate) mod notification;
pub(crate) mod server_api;

pub use notification::{decode_subscription_notification, PnsSerialization, VerifiedOneStoreNotification};

pub use server_api::{is_token_refused, MarketCode, OneStoreApi, OneStoreEnvironment};

use ring::signature::{RsaParameters, RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA512};

use crate::model_fields::{model, Field};
use crate::signed_purchase::{sealed, PurchaseScheme, SignedPurchaseVerifier, VerifiedSignedPurchase};

pub use crate::signed_purchase::VerifyOptions;

model! {
    /// A ONE store purchase. Field names follow SDK v21 (`PurchaseData`); v17's `purchaseId` is kept.
    /// Parsed leniently: every field optional, unknown ones kept in `extra`.
    OneStorePurchase (extra) {
        /// The order id (sandbox ids start with `SANDBOX`).
        order_id "orderId": String,
        /// The app's package name.
        package_name "packageName": String,
        /// The product id.
        product_id "productId": String,
        /// Epoch milliseconds.
        purchase_time "purchaseTime": i64,
        /// v17's purchase id (sandbox ids start with `SANDBOX`).
        purchase_id "purchaseId": String,
        /// The token that identifies the purchase to ONE store's server API.
        purchase_token "purchaseToken": String,
        /// The developer payload the app set at purchase.
        developer_payload "developerPayload": String,
        /// 0 purchased, 1 canceled, 2 refunded.
        purchase_state "purchaseState": i64,
        /// -1 not a subscription, 0 recurring, 1 cancellation reserved.
        recurring_state "recurringState": i64,
        /// How many of the product were bought (absent means one).
        quantity "quantity": i64,
        /// 0 not acknowledged, 1 acknowledged.
        acknowledge_state "acknowledgeState": i64,
    }
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
    const FIELDS: &'static [Field] = OneStorePurchase::FIELDS;
}

/// A ONE store licence key (from the ONE store Developer Center), parsed and checked once.
pub type OneStoreVerifier = SignedPurchaseVerifier<OneStore>;

/// A ONE store purchase whose signature verified.
pub type VerifiedOneStorePurchase = VerifiedSignedPurchase<OneStore>;
