//! Retention Messaging API: the `signedPayload` of a real-time request, which the App Store sends
//! to ask the app's server which retention message to show (Apple's library 3.x,
//! `verifyAndDecodeRealtimeRequest`). Verified like any other signed data; the effective date is
//! its `signedDate`. It carries no bundle id: Apple checks the app Apple id (Production only), then
//! the environment, and so do we.

use super::jws::{SignedDataVerifier, Verified};
use super::models::DecodedRealtimeRequestBody;
use crate::error::Result;

/// A verified real-time request.
pub type VerifiedRealtimeRequest = Verified<DecodedRealtimeRequestBody>;

impl SignedDataVerifier {
    /// Verifies and decodes a Retention Messaging API `signedPayload`.
    pub fn verify_and_decode_realtime_request(&self, signed_payload: &str, now: i64) -> Result<VerifiedRealtimeRequest> {
        let v: VerifiedRealtimeRequest = self.verify_jws(signed_payload, now, DecodedRealtimeRequestBody::signed_date)?;
        self.check_realtime_request(v.payload())?;
        Ok(v)
    }

    /// The field types of Apple's model, then Apple's checks: the app Apple id (Production), then
    /// the environment.
    pub(crate) fn check_realtime_request(&self, r: &DecodedRealtimeRequestBody) -> Result<()> {
        r.check_types()?;
        self.check_app_apple_id(r.app_apple_id())?;
        self.check_environment(r.environment().as_ref())
    }
}
