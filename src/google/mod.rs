//! Google Play: signed purchase data (`Purchase.getOriginalJson()` + `getSignature()`), verified
//! offline with the app's licence key from the Play Console.

mod purchase;

pub use purchase::{GooglePurchase, GoogleVerifier, VerifiedGooglePurchase, VerifyOptions};
