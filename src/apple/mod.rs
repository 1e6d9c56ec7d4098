//! Apple: legacy app receipts (PKCS#7, [`receipt`]) and StoreKit 2 / App Store Server signed data
//! (JWS, [`jws`], [`models`], [`notification`], [`realtime`]).
//!
//! Trust is pinned to Apple's roots, bundled in [`roots`]; callers may replace them (tests, Xcode's
//! StoreKit certificate). Validity is judged at the date the data was signed (the receipt's
//! creation date, the JWS `signedDate`), as Apple's own offline verifiers do.

pub mod jws;
pub mod models;
pub mod notification;
mod pkcs7;
pub mod realtime;
pub mod receipt;
pub mod roots;
pub mod server_api;

pub use jws::SignedDataVerifier;
pub use models::Environment;
pub use receipt::{AppReceipt, AppReceiptVerifier, ReceiptOptions, VerifiedAppReceipt};
