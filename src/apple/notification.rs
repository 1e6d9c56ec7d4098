//! App Store Server Notifications V2: documented on [`SignedDataVerifier::verify_and_decode_notification`].

use serde_json::{Map, Value};

use super::jws::{nested_jws, typed, SignedDataVerifier, SignedKind, Verified, NESTED};
use super::models::ResponseBodyV2DecodedPayload;
use crate::error::Result;

/// A verified notification.
pub type VerifiedNotification = Verified<ResponseBodyV2DecodedPayload>;

impl SignedDataVerifier {
    /// Verifies and decodes a notification's `signedPayload`, including the nested JWS.
    ///
    /// App Store Server Notifications V2: the `signedPayload` of the POST body, verified like any
    /// other signed data, then its nested `signedTransactionInfo`, `signedRenewalInfo` and
    /// `signedAppTransactionInfo` verified too and returned decoded next to the strings.
    ///
    /// Effective date: the notification's `signedDate`, or `now` when it has none (Apple's rule). Early
    /// 2022 notifications carry no `signedDate`; once their leaf has expired they fail with
    /// `CERTIFICATE_EXPIRED` at the current time, exactly as with Apple's library. A caller replaying
    /// archived notifications can pass the time it received them as `now`. We do not borrow the
    /// nested transaction's `signedDate` for the outer token: nothing signed ties the two dates.
    pub fn verify_and_decode_notification(&self, signed_payload: &str, now: i64) -> Result<VerifiedNotification> {
        let v = self.json(SignedKind::Notification, signed_payload, now)?;
        let test_data = v.is_test_data();
        Ok(Verified::new(typed_notification(v.into_payload())?, test_data))
    }
}

/// The typed notification of its verified JSON object. The decoded nested payloads are fields
/// the model never reads from the input, so they are taken out and typed apart.
fn typed_notification(mut n: Map<String, Value>) -> Result<ResponseBodyV2DecodedPayload> {
    let mut decoded: [Option<Map<String, Value>>; 3] = [None, None, None];
    for (slot, nested) in decoded.iter_mut().zip(NESTED) {
        if nested_jws(&n, nested).is_some() {
            if let Some(Value::Object(o)) = n.get_mut(nested.0) {
                *slot = o.shift_remove(nested.3).and_then(|v| match v {
                    Value::Object(m) => Some(m),
                    _ => None,
                });
            }
        }
    }
    let [tx, renewal, app] = decoded;
    let mut t: ResponseBodyV2DecodedPayload = typed(n)?;
    if let Some(d) = t.data.as_mut() {
        d.decoded_transaction_info = tx.map(typed).transpose()?;
        d.decoded_renewal_info = renewal.map(typed).transpose()?;
    }
    if let Some(a) = t.app_data.as_mut() {
        a.decoded_app_transaction_info = app.map(typed).transpose()?;
    }
    Ok(t)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::apple::jws::add_decoded;
    use crate::model_fields::{self, Field};
    use crate::apple::models::{AppTransaction, JwsRenewalInfoDecodedPayload, JwsTransactionDecodedPayload};

    fn read(text: &str, fields: &'static [Field]) -> Map<String, Value> {
        model_fields::read_object(serde_json::from_str(text).unwrap(), fields).unwrap()
    }

    /// The decoded payloads go where the typed model serializes them (after the known fields,
    /// before the unknown ones), and the typed view serializes to the same text.
    #[test]
    fn decoded_payloads_sit_where_the_model_puts_them() {
        let mut n = read(
            r#"{"zzz":1,"appData":{"x":2,"signedAppTransactionInfo":"c","bundleId":"b"},"notificationType":"TEST",
                "data":{"extra":[1],"decodedTransactionInfo":"from the input","status":1,"signedRenewalInfo":"b",
                "signedTransactionInfo":"a","bundleId":"b"}}"#,
            super::super::models::ResponseBodyV2DecodedPayload::FIELDS,
        );
        let models = [JwsTransactionDecodedPayload::FIELDS, JwsRenewalInfoDecodedPayload::FIELDS, AppTransaction::FIELDS];
        for (nested, fields) in NESTED.into_iter().zip(models) {
            assert!(nested_jws(&n, nested).is_some());
            add_decoded(&mut n, nested, read(r#"{"new":true,"bundleId":"b"}"#, fields));
        }
        let text = serde_json::to_string(&n).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"notificationType":"TEST","data":{"bundleId":"b","signedTransactionInfo":"a","signedRenewalInfo":"b","status":1,"#,
                r#""decodedTransactionInfo":{"bundleId":"b","new":true},"decodedRenewalInfo":{"new":true,"bundleId":"b"},"#,
                r#""extra":[1]},"appData":{"bundleId":"b","signedAppTransactionInfo":"c","#,
                r#""decodedAppTransactionInfo":{"bundleId":"b","new":true},"x":2},"zzz":1}"#
            )
        );
        let typed = typed_notification(n).unwrap();
        assert_eq!(serde_json::to_string(&typed).unwrap(), text);
    }

    /// Without the signed field, a field named like a decoded one is the input's, kept as sent.
    #[test]
    fn an_input_field_named_like_a_decoded_one_stays_unknown() {
        let n = read(
            r#"{"data":{"decodedTransactionInfo":{"a":1},"bundleId":"b"}}"#,
            super::super::models::ResponseBodyV2DecodedPayload::FIELDS,
        );
        let text = serde_json::to_string(&n).unwrap();
        let typed = typed_notification(n).unwrap();
        assert!(typed.data.as_ref().unwrap().decoded_transaction_info.is_none());
        assert_eq!(serde_json::to_string(&typed).unwrap(), text);
    }
}
