//! Google Play: signed purchase data (`Purchase.getOriginalJson()` + `getSignature()`), verified
//! offline with the app's licence key from the Play Console ([`GoogleVerifier`]); real-time
//! developer notifications (RTDN), decoded from their Pub/Sub push body ([`rtdn`]) once the push
//! request is authenticated ([`pubsub`]); and the Play Developer API, sans-I/O
//! ([`GooglePlayApi`]).

mod purchase;
pub mod pubsub;
pub(crate) mod play_api;
pub mod rtdn;

pub use crate::signed_purchase::VerifyOptions;
pub use play_api::GooglePlayApi;
pub use purchase::{GooglePlay, GooglePurchase, GoogleVerifier, VerifiedGooglePurchase};
