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
    /// (upper-case hex); non-integral numbers as Java's `Double.toString` (`1.0E7`).
    Jackson,
    /// PHP, `json_encode($message, JSON_UNESCAPED_UNICODE)`: `/` as `\/`, U+2028 and U+2029
    /// escaped, control characters `\u00xx`; floats as PHP writes them (`100`, `1.0e+17`); an
    /// empty object, decoded as an empty array, as `[]`.
    Php,
    /// Python, `json.dumps(message, ensure_ascii=False, separators=(',', ':'))`: `/` as is,
    /// control characters `\u00xx`; floats as `repr` (`1e+16`).
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
    /// Limits of the re-serialization (documented, not guessed at): a non-integral number is written
    /// from its shortest round-trip digits in each form's style, so a float that one of the
    /// serializers would write with more digits does not verify; PHP's turning of objects with
    /// integer-like keys into lists is not reproduced.
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

/// `message` as `form` writes it (see [`PnsSerialization`]).
pub(crate) fn serialize(message: &Map<String, Value>, form: PnsSerialization) -> String {
    let mut out = String::with_capacity(512);
    write_object(message, form, &mut out);
    out
}

fn write_object(map: &Map<String, Value>, form: PnsSerialization, out: &mut String) {
    if map.is_empty() && form == PnsSerialization::Php {
        // json_decode($body, true) makes `{}` an empty array, which json_encode writes as a list.
        out.push_str("[]");
        return;
    }
    out.push('{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(k, form, out);
        out.push(':');
        write_value(v, form, out);
    }
    out.push('}');
}

fn write_value(v: &Value, form: PnsSerialization, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => out.push_str(&i.to_string()),
            (_, Some(u), _) => out.push_str(&u.to_string()),
            (_, _, Some(f)) => out.push_str(&float_text(f, form)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_string(s, form, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, form, out);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(map, form, out),
    }
}

fn write_string(s: &str, form: PnsSerialization, out: &mut String) {
    const UPPER: &[u8; 16] = b"0123456789ABCDEF";
    const LOWER: &[u8; 16] = b"0123456789abcdef";
    let php = form == PnsSerialization::Php;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '/' if php => out.push_str("\\/"),
            '\u{2028}' if php => out.push_str("\\u2028"),
            '\u{2029}' if php => out.push_str("\\u2029"),
            c if u32::from(c) < 0x20 => {
                let hex = if form == PnsSerialization::Jackson { UPPER } else { LOWER };
                let n = u32::from(c);
                out.push_str("\\u00");
                for shift in [4, 0] {
                    let digit = usize::try_from((n >> shift) & 0xf).unwrap_or(0);
                    out.push(char::from(hex.get(digit).copied().unwrap_or(b'0')));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A non-integral JSON number as each serializer writes a double: from its shortest round-trip
/// digits (Rust's `{:e}`), laid out as Java's `Double.toString`, PHP's `json_encode`
/// (`serialize_precision = -1`) and Python's `repr`.
fn float_text(f: f64, form: PnsSerialization) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = if digits.is_empty() { "0".to_owned() } else { digits };
    let sign = if negative { "-" } else { "" };
    // Fixed notation: the point after digit `exp` (counting from 0).
    let fixed = || {
        let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
        if exp < 0 {
            let zeros = usize::try_from(-exp - 1).unwrap_or(0);
            format!("{sign}0.{}{digits}", "0".repeat(zeros))
        } else if exp + 1 >= n {
            let zeros = usize::try_from(exp + 1 - n).unwrap_or(0);
            format!("{sign}{digits}{}.0", "0".repeat(zeros))
        } else {
            let at = usize::try_from(exp + 1).unwrap_or(0);
            let (int, frac) = digits.split_at(at.min(digits.len()));
            format!("{sign}{int}.{frac}")
        }
    };
    let (first, rest) = digits.split_at(1.min(digits.len()));
    match form {
        PnsSerialization::Jackson => {
            let abs = f.abs();
            if (1e-3..1e7).contains(&abs) || abs == 0.0 {
                fixed()
            } else {
                let rest = if rest.is_empty() { "0" } else { rest };
                format!("{sign}{first}.{rest}E{exp}")
            }
        }
        PnsSerialization::Php => {
            // PHP writes an integral double without `.0` (no JSON_PRESERVE_ZERO_FRACTION).
            if (-4..17).contains(&exp) || f == 0.0 {
                let t = fixed();
                t.strip_suffix(".0").map_or(t.clone(), str::to_owned)
            } else {
                let rest = if rest.is_empty() { "0" } else { rest };
                let esign = if exp < 0 { '-' } else { '+' };
                format!("{sign}{first}.{rest}e{esign}{}", exp.abs())
            }
        }
        PnsSerialization::Python => {
            if (-4..16).contains(&exp) || f == 0.0 {
                fixed()
            } else {
                let rest = if rest.is_empty() { String::new() } else { format!(".{rest}") };
                let esign = if exp < 0 { '-' } else { '+' };
                format!("{sign}{first}{rest}e{esign}{:02}", exp.abs())
            }
        }
    }
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
        let m = obj(json!({ "url": "a/b", "name": "원스토어", "ctl": "\u{1f}", "ls": "\u{2028}", "n": 5, "empty": {} }));
        assert_eq!(serialize(&m, PnsSerialization::Jackson), "{\"url\":\"a/b\",\"name\":\"원스토어\",\"ctl\":\"\\u001F\",\"ls\":\"\u{2028}\",\"n\":5,\"empty\":{}}");
        assert_eq!(serialize(&m, PnsSerialization::Php), "{\"url\":\"a\\/b\",\"name\":\"원스토어\",\"ctl\":\"\\u001f\",\"ls\":\"\\u2028\",\"n\":5,\"empty\":[]}");
        assert_eq!(serialize(&m, PnsSerialization::Python), "{\"url\":\"a/b\",\"name\":\"원스토어\",\"ctl\":\"\\u001f\",\"ls\":\"\u{2028}\",\"n\":5,\"empty\":{}}");
    }

    #[test]
    fn floats_as_each_language_writes_them() {
        use PnsSerialization::{Jackson as J, Php as P, Python as Y};
        for (f, j, p, y) in [
            (1.5, "1.5", "1.5", "1.5"),
            (100.0, "100.0", "100", "100.0"),
            (0.001, "0.001", "0.001", "0.001"),
            (0.0001, "1.0E-4", "0.0001", "0.0001"),
            (0.00001, "1.0E-5", "1.0e-5", "1e-05"),
            (1.5e-5, "1.5E-5", "1.5e-5", "1.5e-05"),
            (1e7, "1.0E7", "10000000", "10000000.0"),
            (1e15, "1.0E15", "1000000000000000", "1000000000000000.0"),
            (1e16, "1.0E16", "10000000000000000", "1e+16"),
            (1.5e16, "1.5E16", "15000000000000000", "1.5e+16"),
            (1e17, "1.0E17", "1.0e+17", "1e+17"),
            (1.2345678901234568e17, "1.2345678901234568E17", "1.2345678901234568e+17", "1.2345678901234568e+17"),
            (-2.5e20, "-2.5E20", "-2.5e+20", "-2.5e+20"),
            (0.0, "0.0", "0", "0.0"),
            (-0.0, "-0.0", "-0", "-0.0"),
            (0.1, "0.1", "0.1", "0.1"),
        ] {
            assert_eq!(float_text(f, J), j, "{f} Jackson");
            assert_eq!(float_text(f, P), p, "{f} PHP");
            assert_eq!(float_text(f, Y), y, "{f} Python");
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
