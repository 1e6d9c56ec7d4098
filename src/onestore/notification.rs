//! ONE store's server-to-server notifications: the signed Payment Notification (PNS) and the
//! unsigned Subscription Notification (SNS). Documented on [`OneStoreVerifier::verify_notification`]
//! and [`decode_subscription_notification`].

use serde_json::{Map, Value};

use super::OneStoreVerifier;
use crate::error::{Error, Result};
use crate::{b64, limits};

const PNS: &str = "ONE store payment notification";
const SNS: &str = "ONE store subscription notification";

/// The serializations ONE store's three official PNS samples verify over (each re-serializes the
/// parsed message without `signature`, compact, in the order received, non-ASCII unescaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PnsSerialization {
    /// Java, Jackson's `ObjectNode.toString()`: `/` as is; other control characters `\u00XX`
    /// (upper-case hex); an integral double as `1100.0`.
    Jackson,
    /// PHP, `json_encode($message, JSON_UNESCAPED_UNICODE)`: `/` as `\/`, U+2028 and U+2029
    /// escaped, control characters `\u00xx`; an integral double as `1100` (PHP's sample read a
    /// number price); an empty object, decoded as an empty array, as `[]`.
    Php,
    /// Python, `json.dumps(message, ensure_ascii=False, separators=(',', ':'))`: `/` as is,
    /// control characters `\u00xx`; an integral double as `1100.0`.
    Python,
}

impl PnsSerialization {
    /// The three, in the order they are tried (Jackson first: the form the guide's Java sample,
    /// and so most likely ONE store's own signer, writes).
    pub const ALL: [PnsSerialization; 3] = [PnsSerialization::Jackson, PnsSerialization::Php, PnsSerialization::Python];

    /// Its name (`JACKSON`, `PHP`, `PYTHON`).
    pub fn as_str(self) -> &'static str {
        match self {
            PnsSerialization::Jackson => "JACKSON",
            PnsSerialization::Php => "PHP",
            PnsSerialization::Python => "PYTHON",
        }
    }
}

/// A PNS message whose signature verified. Only [`OneStoreVerifier::verify_notification`] makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedOneStoreNotification {
    message: Map<String, Value>,
    form: PnsSerialization,
}

impl VerifiedOneStoreNotification {
    /// The message as signed: every member but `signature`, in the order received.
    pub fn message(&self) -> &Map<String, Value> {
        &self.message
    }

    /// The message, taken out.
    pub fn into_message(self) -> Map<String, Value> {
        self.message
    }

    /// The serialization whose bytes the signature verified over.
    pub fn serialization(&self) -> PnsSerialization {
        self.form
    }
}

impl OneStoreVerifier {
    /// Verifies a PNS message (the POST body ONE store sends to the app's Payment Notification
    /// URL) with the app's licence key: SHA512withRSA, as for purchase data.
    ///
    /// What is signed is not the body as received but the message re-serialized without its
    /// `signature` member, as ONE store's samples do it; the three samples (Java/Jackson, PHP,
    /// Python) write different bytes for the same message (PHP escapes `/` as `\/`, the control
    /// characters' hex digits differ in case, floats are written three ways), so each of
    /// [`PnsSerialization::ALL`] is tried and the message is authentic when any verifies: each is
    /// what one of ONE store's own samples would have accepted. The values returned are the parsed
    /// ones those bytes were made from, never the body's text.
    ///
    /// Errors: `INPUT_TOO_LARGE` over 64 KiB; `MALFORMED_INPUT` when the body is not a JSON object,
    /// repeats a key at any depth, or has no string `signature`; `INVALID_SIGNATURE` otherwise.
    /// Limits of the re-serialization (documented, not guessed at): doubles are written with their
    /// shortest round-trip digits in plain notation, so one that a serializer writes in exponent
    /// form (Java from 10^7, Python from 10^16, PHP from 10^17, and the small ones) does not
    /// verify; PHP's turning of objects with integer-like keys into lists is not reproduced.
    /// ONE store's PNS fields hold no such values (prices and amounts are strings since V6).
    pub fn verify_notification(&self, body: &[u8]) -> Result<VerifiedOneStoreNotification> {
        limits::check(PNS, body.len(), limits::MAX_NOTIFICATION)?;
        let received = crate::json_text::decode_object(PNS, body)?;
        let signature = match received.get("signature") {
            Some(Value::String(s)) => s.clone(),
            _ => return Err(Error::malformed(PNS, "no \"signature\" string")),
        };
        limits::check("signature", signature.len(), limits::MAX_SIGNATURE_TEXT)?;
        let signature = b64::decode_standard("signature", &signature).map_err(|_| Error::InvalidSignature)?;
        let message: Map<String, Value> = received.into_iter().filter(|(k, _)| k != "signature").collect();
        let mut tried: Vec<String> = Vec::with_capacity(3);
        for form in PnsSerialization::ALL {
            let text = serialize(&message, form);
            if tried.contains(&text) {
                continue;
            }
            if self.check_raw(text.as_bytes(), &signature).is_ok() {
                return Ok(VerifiedOneStoreNotification { message, form });
            }
            tried.push(text);
        }
        Err(Error::InvalidSignature)
    }
}

/// `message` as `form` writes it (see [`PnsSerialization`]): serde_json's compact text, which is
/// Python's form for strings and integers (`/` as is, control characters `\u00xx`, non-ASCII as
/// is), rewritten for the other two in one pass that knows where strings are.
pub(crate) fn serialize(message: &Map<String, Value>, form: PnsSerialization) -> String {
    let compact = serde_json::to_string(message).unwrap_or_default();
    if form == PnsSerialization::Python {
        return compact;
    }
    let php = form == PnsSerialization::Php;
    let mut out = String::with_capacity(compact.len() + 32);
    let mut chars = compact.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    out.push(c);
                    let Some(e) = chars.next() else { break };
                    out.push(e);
                    // Jackson writes the hex digits of `\u00XX` in upper case.
                    if e == 'u' && !php {
                        for _ in 0..4 {
                            if let Some(h) = chars.next() {
                                out.push(h.to_ascii_uppercase());
                            }
                        }
                    }
                }
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                '/' if php => out.push_str("\\/"),
                '\u{2028}' if php => out.push_str("\\u2028"),
                '\u{2029}' if php => out.push_str("\\u2029"),
                c => out.push(c),
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            // json_decode($body, true) makes `{}` an empty array, which json_encode writes as `[]`.
            '{' if php && chars.peek() == Some(&'}') => {
                chars.next();
                out.push_str("[]");
                continue;
            }
            // An integral double: PHP writes `1100` where serde_json (and Java and Python) write `1100.0`.
            '.' if php && chars.peek() == Some(&'0') => {
                let mut ahead = chars.clone();
                ahead.next();
                if matches!(ahead.peek(), None | Some(',' | ']' | '}')) {
                    chars.next();
                    continue;
                }
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Decodes an SNS message (the POST body ONE store sends to the app's Subscription Notification
/// URL). It carries no signature: ONE store's guide says to confirm it with
/// `getSubscriptionDetail`, and to grant nothing on the message alone.
///
/// Returns the message as sent, with `subscriptionNotification.notificationTypeName` (the name of
/// ONE store's codes 1 to 13, which are Google's RTDN codes; `UNKNOWN` for any other), an
/// `eventTimeMs` twin of `eventTimeMillis`, and `environment` filled from `environmenmt` (the
/// guide's example misspells it) when only that is present.
///
/// Errors: `INPUT_TOO_LARGE` over 64 KiB; `MALFORMED_INPUT` when the body is not a JSON object,
/// repeats a key, or lacks `subscriptionNotification` with an integer `notificationType` and
/// string `purchaseToken` and `productId`.
pub fn decode_subscription_notification(body: &[u8]) -> Result<Map<String, Value>> {
    limits::check(SNS, body.len(), limits::MAX_NOTIFICATION)?;
    let mut message = crate::json_text::decode_object(SNS, body)?;
    let bad = |why: &str| Error::malformed(SNS, why.to_owned());
    let Some(Value::Object(sub)) = message.get_mut("subscriptionNotification") else {
        return Err(bad("no subscriptionNotification object"));
    };
    let code = sub.get("notificationType").and_then(Value::as_i64).ok_or_else(|| bad("subscriptionNotification.notificationType is not an integer"))?;
    for key in ["purchaseToken", "productId"] {
        if !matches!(sub.get(key), Some(Value::String(s)) if !s.is_empty()) {
            return Err(bad(&format!("subscriptionNotification.{key} is not a string")));
        }
    }
    let name = if (1..=13).contains(&code) { crate::google::rtdn::subscription_type_name(code) } else { "UNKNOWN" };
    sub.insert("notificationTypeName".into(), name.into());
    if let Some(ms) = message.get("eventTimeMillis").and_then(crate::time::int_value) {
        message.entry("eventTimeMs").or_insert(ms.into());
    }
    if !message.contains_key("environment") {
        if let Some(env) = message.get("environmenmt").cloned() {
            message.insert("environment".into(), env);
        }
    }
    Ok(message)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn the_three_forms_differ_where_the_samples_do() {
        let m = obj(json!({ "url": "a/b", "name": "원스토어", "ctl": "\u{1f}", "ls": "\u{2028}", "n": 5, "empty": {}, "esc": "\\u001f{}" }));
        // `esc` is a backslash, `u001f` and braces as text: an escaped backslash, never an escape.
        assert_eq!(serialize(&m, PnsSerialization::Jackson), "{\"url\":\"a/b\",\"name\":\"원스토어\",\"ctl\":\"\\u001F\",\"ls\":\"\u{2028}\",\"n\":5,\"empty\":{},\"esc\":\"\\\\u001f{}\"}");
        assert_eq!(serialize(&m, PnsSerialization::Php), "{\"url\":\"a\\/b\",\"name\":\"원스토어\",\"ctl\":\"\\u001f\",\"ls\":\"\\u2028\",\"n\":5,\"empty\":[],\"esc\":\"\\\\u001f{}\"}");
        assert_eq!(serialize(&m, PnsSerialization::Python), "{\"url\":\"a/b\",\"name\":\"원스토어\",\"ctl\":\"\\u001f\",\"ls\":\"\u{2028}\",\"n\":5,\"empty\":{},\"esc\":\"\\\\u001f{}\"}");
    }

    #[test]
    fn integral_floats_and_the_limits_of_the_float_forms() {
        use PnsSerialization::{Jackson as J, Php as P, Python as Y};
        let m = |v: Value| obj(json!({ "price": v, "list": [v, "1.0"] }));
        for (v, j, p, y) in [
            (json!(1.5), "1.5", "1.5", "1.5"),
            (json!(1100.0), "1100.0", "1100", "1100.0"),
            (json!(0.001), "0.001", "0.001", "0.001"),
            (json!(0.0), "0.0", "0", "0.0"),
            (json!(-0.0), "-0.0", "-0", "-0.0"),
            (json!(1100), "1100", "1100", "1100"),
        ] {
            for (form, want) in [(J, j), (P, p), (Y, y)] {
                // The string "1.0" is not a number: never rewritten.
                assert_eq!(serialize(&m(v.clone()), form), format!("{{\"price\":{want},\"list\":[{want},\"1.0\"]}}"), "{v} {form:?}");
            }
        }
    }

    #[test]
    fn sns_decoding() {
        let body = br#"{"msgVersion":"3.1.0","clientId":"com.example.app","eventTimeMillis":1717243200000,"subscriptionNotification":{"version":"1","notificationType":2,"purchaseToken":"T1","productId":"monthly"},"environmenmt":"SANDBOX","marketCode":"MKT_ONE"}"#;
        let m = decode_subscription_notification(body).unwrap();
        assert_eq!(m["subscriptionNotification"]["notificationTypeName"], "SUBSCRIPTION_RENEWED");
        assert_eq!(m["environment"], "SANDBOX");
        assert_eq!(m["eventTimeMs"], 1_717_243_200_000_i64);
        let odd = br#"{"subscriptionNotification":{"notificationType":17,"purchaseToken":"T","productId":"p"}}"#;
        assert_eq!(decode_subscription_notification(odd).unwrap()["subscriptionNotification"]["notificationTypeName"], "UNKNOWN");
        for bad in [
            &br#"{"subscriptionNotification":{"notificationType":"2","purchaseToken":"T","productId":"p"}}"#[..],
            br#"{"subscriptionNotification":{"notificationType":2,"productId":"p"}}"#,
            br#"{"subscriptionNotification":{"notificationType":2,"purchaseToken":"T","productId":"p","productId":"q"}}"#,
            br#"[]"#,
            br#"{}"#,
        ] {
            assert_eq!(decode_subscription_notification(bad).unwrap_err().code(), "MALFORMED_INPUT");
        }
        let big = format!(r#"{{"x":"{}"}}"#, "a".repeat(70_000));
        assert_eq!(decode_subscription_notification(big.as_bytes()).unwrap_err().code(), "INPUT_TOO_LARGE");
    }

    fn vector(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/vectors/onestore/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// The bytes each sample signed (written by real php-cli and Python, and Jackson's form by
    /// hand: tests/vectors/onestore/gen-pns.py) are exactly what `serialize` writes.
    #[test]
    fn serialize_writes_what_each_sample_signed() {
        for (form, name) in [(PnsSerialization::Jackson, "jackson"), (PnsSerialization::Php, "php"), (PnsSerialization::Python, "python")] {
            let mut body = crate::json_text::decode_object("v", &vector(&format!("pns-{name}.json"))).unwrap();
            body.shift_remove("signature");
            let signed = String::from_utf8(vector(&format!("pns-{name}.signed.txt"))).unwrap();
            assert_eq!(serialize(&body, form), signed, "{name}");
        }
    }

    #[test]
    fn verifier_of_the_onestore_scheme_only() {
        // The scheme is ONE store's (SHA-512): the notification check is not Google's.
        fn is_onestore(_: &crate::signed_purchase::SignedPurchaseVerifier<super::super::OneStore>) {}
        let key = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/onestore/test-key-2048.pub")).unwrap();
        let v = OneStoreVerifier::new(&key, crate::signed_purchase::VerifyOptions::default()).unwrap();
        is_onestore(&v);
        assert_eq!(v.verify_notification(br#"{"a":1}"#).unwrap_err().code(), "MALFORMED_INPUT");
        assert_eq!(v.verify_notification(br#"{"a":1,"signature":"AAAA"}"#).unwrap_err().code(), "INVALID_SIGNATURE");
        assert_eq!(v.verify_notification(br#"{"a":1,"signature":"not base64!"}"#).unwrap_err().code(), "INVALID_SIGNATURE");
        assert_eq!(v.verify_notification(br#"{"a":1,"a":2,"signature":"AAAA"}"#).unwrap_err().code(), "MALFORMED_INPUT");
    }
}
