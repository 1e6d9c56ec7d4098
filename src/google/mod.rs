//! Google Play: signed purchase data (`Purchase.getOriginalJson()` + `getSignature()`), verified
//! offline with the app's licence key from the Play Console; and real-time developer
//! notifications (RTDN), decoded from their Pub/Sub push body.

mod purchase;
pub mod pubsub;
pub(crate) mod play_api;
pub mod rtdn;

pub use crate::signed_purchase::VerifyOptions;
pub use play_api::GooglePlayApi;
pub use purchase::{GooglePlay, GooglePurchase, GoogleVerifier, VerifiedGooglePurchase};
