//! Apple: legacy app receipts (PKCS#7, [`AppReceiptVerifier`]) and StoreKit 2 / App Store Server
//! signed data (JWS, [`SignedDataVerifier`]: transactions, renewal info, app transactions, App
//! Store Server Notifications V2, Retention Messaging real-time requests), and the App Store
//! Server API ([`AppStoreServerApi`]).
//!
//! Trust is pinned to Apple's roots, bundled in [`roots`]; callers may replace them (tests, Xcode's
//! StoreKit certificate). Validity is judged at the date the data was signed (the receipt's
//! creation date, the JWS `signedDate`), as Apple's own offline verifiers do. The decoded JSON
//! models are in [`models`].

pub(crate) mod jws;
pub mod models;
mod notification;
mod pkcs7;
mod realtime;
pub(crate) mod receipt;
pub mod roots;
pub(crate) mod server_api;
pub mod signature;

pub use jws::{
    describe_certificates as describe_jws_certificates, SignedDataVerifier, Verified, VerifiedAppTransaction, VerifiedRenewalInfo,
    VerifiedTransaction,
};
#[cfg(feature = "binding")]
pub use jws::{SignedKind, WithText};
pub use models::Environment;
pub use notification::VerifiedNotification;
pub use realtime::VerifiedRealtimeRequest;
pub use receipt::{
    describe_certificates as describe_receipt_certificates, describe_certificates_base64 as describe_receipt_certificates_base64,
    extract_transaction_id_from_app_receipt, extract_transaction_id_from_app_receipt_base64,
    extract_transaction_id_from_transaction_receipt, parse_uuid, verify_app_receipt, AppReceipt, AppReceiptVerifier,
    InAppPurchase, ReceiptOptions, UnknownAttribute, VerifiedAppReceipt,
};
pub use server_api::AppStoreServerApi;
pub use signature::{
    AdvancedCommerceInAppSignatureCreator, IntroductoryOfferEligibilitySignatureCreator, PromotionalOfferSignatureCreator,
    PromotionalOfferV2SignatureCreator,
};
