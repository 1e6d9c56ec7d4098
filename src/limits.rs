//! Size limits on untrusted input. Each is far above anything a store produces and far below
//! what could exhaust a WebAssembly instance's memory. Over a limit: `INPUT_TOO_LARGE`.

use crate::error::{Error, Result, Unit};

/// Google / ONE store signed purchase JSON. Real ones are under 2 KiB.
pub const MAX_SIGNED_DATA: usize = 64 * 1024;
/// A base64 public key (SubjectPublicKeyInfo). An RSA-8192 key is about 1.4 KiB of base64.
pub const MAX_PUBLIC_KEY_TEXT: usize = 16 * 1024;
/// A base64 signature. An RSA-8192 signature is 1,368 base64 characters.
pub const MAX_SIGNATURE_TEXT: usize = 4 * 1024;
/// A server API's response body: NHN IAP and Gamebase, the App Store Server API, the Play
/// Developer API and Google's token endpoint. The longest answers are lists; an NHN consumable or
/// subscription entry is about 0.5 KiB, so this leaves room for thousands of entries.
pub const MAX_API_RESPONSE: usize = 4 * 1024 * 1024;
/// An OCSP response (real ones are 1–4 KiB, with the responder's certificate).
pub const MAX_OCSP_RESPONSE: usize = 64 * 1024;

/// Text from an upstream server (NHN's `resultMessage`, a store's `errorMessage`) kept in an error's `details`, in
/// characters. Longer text is cut, its last character `…`.
pub const MAX_UPSTREAM_TEXT: usize = 256;

/// Returns `INPUT_TOO_LARGE` when `len` bytes exceed `limit` bytes.
pub fn check(what: &'static str, len: usize, limit: usize) -> Result<()> {
    check_count(what, len, limit, Unit::Bytes)
}

/// Returns `INPUT_TOO_LARGE` when `n` exceeds `limit`, both counted in `unit`.
pub fn check_count(what: &'static str, n: usize, limit: usize, unit: Unit) -> Result<()> {
    if n > limit {
        return Err(Error::InputTooLarge { what, limit, actual: n, unit });
    }
    Ok(())
}

/// A Pub/Sub push body carrying a Google RTDN. Real ones are under 1 KiB.
pub const MAX_NOTIFICATION: usize = 64 * 1024;
/// An app receipt, decoded bytes. Real ones are a few KiB; one with 187 in-app entries is 79 KiB.
pub const MAX_RECEIPT_BYTES: usize = 4 * 1024 * 1024;
/// An app receipt as base64 text (4/3 of [`MAX_RECEIPT_BYTES`] plus room for line breaks).
pub const MAX_RECEIPT_TEXT: usize = 6 * 1024 * 1024;
/// In-app purchase entries (type 17) in one receipt. The most seen in public receipts is 187.
pub const MAX_IN_APP_PURCHASES: usize = 20_000;
/// Certificates embedded in one receipt (Apple sends 3, Xcode 1).
pub const MAX_RECEIPT_CERTIFICATES: usize = 8;
/// A compact JWS (StoreKit 2, notifications with two nested JWS). Real ones are under 16 KiB.
pub const MAX_JWS: usize = 256 * 1024;
/// Entries in a JWS `x5c` header: Apple sends 3, Xcode 1.
pub const MAX_X5C: usize = 3;
/// An iOS 6 transaction receipt as base64 text.
pub const MAX_TRANSACTION_RECEIPT_TEXT: usize = 64 * 1024;

/// A saved payment flow (`PaymentFlow.toJSON()`), including the verified purchase it holds.
/// Real ones are a few KiB.
pub const MAX_FLOW_JSON: usize = 256 * 1024;
/// One identifier or reason in a payment flow (paymentSeq, userId, productId, accessToken,
/// failure reason). NHN's are tens of bytes.
pub const MAX_FLOW_FIELD: usize = 4 * 1024;
/// Recorded events of one payment flow. Each non-retry event kind is recorded at most once,
/// so a genuine flow holds at most eleven.
pub const MAX_FLOW_HISTORY: usize = 32;
/// Subscription-status input JSON (a transaction, renewal info, a SubscriptionPurchaseV2).
pub const MAX_SUBSCRIPTION_JSON: usize = 256 * 1024;

/// The `Authorization` header of a Pub/Sub push (`Bearer ` and an OIDC JWT signed with RSA-2048:
/// about 1 KiB).
pub const MAX_AUTHORIZATION_HEADER: usize = 16 * 1024;
/// Google's published key set (JWKS). Google's holds two or three RSA keys, about 2 KiB.
pub const MAX_JWKS: usize = 64 * 1024;
/// Keys in one key set.
pub const MAX_JWKS_KEYS: usize = 32;
