//! iap-verify: offline verification of in-app purchases, and the purchase logic around it.
//!
//! The core (every module but `wasm`) is plain Rust: no I/O, no clock, no JS types. Time (`now`,
//! epoch milliseconds) and trust (roots, public keys) are arguments. The `wasm` module is the only
//! place that knows about JavaScript; it exists only on wasm32.
//!
//! Verifying a Google Play purchase, then mapping it to the one purchase model (ONE store's
//! [`onestore::OneStoreVerifier`] is used the same way; Apple's verifiers are in [`apple`]):
//!
//! ```
//! use iap_verify::google::{GoogleVerifier, VerifyOptions};
//! use iap_verify::purchase::{IntoPurchase, Store};
//!
//! // The app's licence key from the Play Console, parsed and checked once.
//! let key = include_str!("../tests/vectors/google/test-key-2048.pub");
//! let verifier = GoogleVerifier::new(key, VerifyOptions::default())?;
//!
//! // `Purchase.getOriginalJson()` exactly as the app sent it, and `getSignature()`.
//! let data = include_bytes!("../tests/vectors/google/consumable.json");
//! let signature = include_str!("../tests/vectors/google/consumable.sig").trim();
//! let verified = verifier.verify(data, signature)?;
//! assert_eq!(verified.purchase().product_id.as_deref(), Some("gem_pack_100"));
//!
//! let purchase = verified.to_purchase()?;
//! assert_eq!((purchase.store(), purchase.quantity()), (&Store::GooglePlay, 2));
//!
//! // One changed byte, and the purchase is refused with a stable code.
//! let mut forged = data.to_vec();
//! forged[1] ^= 0x20;
//! assert_eq!(verifier.verify(&forged, signature).unwrap_err().code(), "INVALID_SIGNATURE");
//! # Ok::<(), iap_verify::Error>(())
//! ```

#![warn(missing_docs, unreachable_pub)]

mod b64;
mod clean_text;
mod der;
mod error;
mod json_text;
mod model_fields;
mod rsa;
mod time;
mod x509;

pub mod apple;
#[cfg(feature = "binding")]
pub mod binding;
pub mod endpoint;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(all(test, not(feature = "fuzzing")))]
mod fuzzing;
pub mod google;
pub mod host;
pub mod limits;
pub mod nhn;
pub mod ocsp;
pub mod onestore;
pub mod purchase;
pub mod signed_purchase;

pub use error::{Error, OcspProblem, Result, StoreApiError, Unit};
