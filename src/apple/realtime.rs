//! Retention Messaging API real-time requests: documented on [`SignedDataVerifier::verify_and_decode_realtime_request`].

use serde_json::{Map, Value};

use super::jws::{SignedDataVerifier, Verified, REALTIME_REQUEST};
use super::models::DecodedRealtimeRequestBody;
use crate::error::Result;

/// A verified real-time request.
pub type VerifiedRealtimeRequest = Verified<DecodedRealtimeRequestBody>;

impl SignedDataVerifier {
    /// Verifies and decodes a Retention Messaging API `signedPayload`.
    ///
    /// Retention Messaging API: the `signedPayload` of a real-time request, which the App Store sends
    /// to ask the app's server which retention message to show (Apple's library 3.x,
    /// `verifyAndDecodeRealtimeRequest`). Verified like any other signed data; the effective date is
    /// its `signedDate`. It carries no bundle id: Apple checks the app Apple id (Production only), then
    /// the environment, and so do we.
    pub fn verify_and_decode_realtime_request(&self, signed_payload: &str, now: i64) -> Result<VerifiedRealtimeRequest> {
        let v = self.realtime_json(signed_payload, now)?;
        let test_data = v.is_test_data();
        Ok(Verified::new(DecodedRealtimeRequestBody(v.into_payload()), test_data))
    }

    /// [`Self::verify_and_decode_realtime_request`], the payload as the JSON object. Only with the
    /// `binding` feature.
    #[cfg(feature = "binding")]
    pub fn realtime_request_json(&self, signed_payload: &str, now: i64) -> Result<Verified<Map<String, Value>>> {
        self.realtime_json(signed_payload, now)
    }

    /// The verified payload as its JSON object.
    fn realtime_json(&self, signed_payload: &str, now: i64) -> Result<Verified<Map<String, Value>>> {
        let mut v = self.verify_jws(signed_payload, now, REALTIME_REQUEST)?;
        let body = DecodedRealtimeRequestBody(std::mem::take(v.payload_mut()));
        self.check_realtime_request(&body)?;
        *v.payload_mut() = body.0;
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
