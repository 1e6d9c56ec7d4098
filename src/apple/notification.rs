//! App Store Server Notifications V2: the `signedPayload` of the POST body, verified like any
//! other signed data, then its nested `signedTransactionInfo`, `signedRenewalInfo` and
//! `signedAppTransactionInfo` verified too and returned decoded next to the strings.
//!
//! Effective date: the notification's `signedDate`, or `now` when it has none (Apple's rule). Early
//! 2022 notifications carry no `signedDate`; once their leaf has expired they fail with
//! `CERTIFICATE_EXPIRED` at the current time, exactly as with Apple's library. A caller replaying
//! archived notifications can pass the time it received them as `now`. We do not borrow the
//! nested transaction's `signedDate` for the outer token: nothing signed ties the two dates.

use super::jws::{SignedDataVerifier, Verified};
use super::models::{Environment, ResponseBodyV2DecodedPayload};
use crate::error::Result;

/// A verified notification.
pub type VerifiedNotification = Verified<ResponseBodyV2DecodedPayload>;

impl SignedDataVerifier {
    /// Verifies and decodes a notification's `signedPayload`, including the nested JWS.
    pub fn verify_and_decode_notification(&self, signed_payload: &str, now: i64) -> Result<VerifiedNotification> {
        let mut v: Verified<ResponseBodyV2DecodedPayload> =
            self.verify_jws(signed_payload, now, |n: &ResponseBodyV2DecodedPayload| n.signed_date)?;
        self.check_notification(v.payload())?;
        let n = v.payload_mut();
        if let Some(d) = n.data.as_mut() {
            if let Some(jws) = d.signed_transaction_info.as_deref() {
                d.decoded_transaction_info = Some(self.verify_and_decode_transaction(jws, now)?.into_payload());
            }
            if let Some(jws) = d.signed_renewal_info.as_deref() {
                d.decoded_renewal_info = Some(self.verify_and_decode_renewal_info(jws, now)?.into_payload());
            }
        }
        if let Some(a) = n.app_data.as_mut() {
            if let Some(jws) = a.signed_app_transaction_info.as_deref() {
                a.decoded_app_transaction_info = Some(self.verify_and_decode_app_transaction(jws, now)?.into_payload());
            }
        }
        Ok(v)
    }

    /// Apple's notification checks: bundle id and app Apple id (Production), then environment,
    /// taken from `data`, `summary`, `externalPurchaseToken` or `appData`, as Apple picks them.
    pub(crate) fn check_notification(&self, n: &ResponseBodyV2DecodedPayload) -> Result<()> {
        let (bundle_id, app_apple_id, environment) = if let Some(d) = &n.data {
            (d.bundle_id.clone(), d.app_apple_id, d.environment.clone())
        } else if let Some(s) = &n.summary {
            (s.bundle_id.clone(), s.app_apple_id, s.environment.clone())
        } else if let Some(t) = &n.external_purchase_token {
            let env = if t.external_purchase_id.as_deref().is_some_and(|id| id.starts_with("SANDBOX")) {
                Environment::Sandbox
            } else {
                Environment::Production
            };
            (t.bundle_id.clone(), t.app_apple_id, Some(env))
        } else if let Some(a) = &n.app_data {
            (a.bundle_id.clone(), a.app_apple_id, a.environment.clone())
        } else {
            (None, None, None)
        };
        self.check_app(bundle_id.as_deref(), app_apple_id)?;
        self.check_environment(environment.as_ref())
    }
}
