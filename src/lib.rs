//! iap-verify: offline verification of in-app purchases, and the purchase logic around it.
//!
//! The core (every module but `wasm`) is plain Rust: no I/O, no clock, no JS types. Time (`now`,
//! epoch milliseconds) and trust (roots, public keys) are arguments. The `wasm` module is the only
//! place that knows about JavaScript; it exists only on wasm32.

pub mod apple;
pub mod b64;
pub mod der;
pub mod error;
pub mod fuzzing;
pub mod google;
pub mod limits;
pub mod nhn;
pub mod onestore;
pub mod purchase;
pub mod rsa;
mod signed_json;
pub mod time;
pub mod x509;

pub use error::{Error, Result};
pub use signed_json::{PurchaseScheme, SignedPurchaseVerifier, VerifiedSignedPurchase};

#[cfg(target_arch = "wasm32")]
mod wasm;
