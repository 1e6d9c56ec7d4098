//! ONE store PNS and SNS: messages signed over each official sample's serialization (PHP and
//! Python by the real interpreters, Jackson's form by hand; tests/vectors/onestore/gen-pns.py)
//! verify; tampered, otherwise-serialized, repeated-key and oversize ones are refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use iap_verify::onestore::{decode_subscription_notification, OneStoreVerifier, PnsSerialization, VerifyOptions};

fn vector(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/vectors/onestore/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn verifier() -> OneStoreVerifier {
    OneStoreVerifier::new(&String::from_utf8(vector("test-key-2048.pub")).unwrap(), VerifyOptions::default()).unwrap()
}

#[test]
fn each_sample_s_form_verifies() {
    let v = verifier();
    for (name, form) in [
        ("pns-jackson.json", PnsSerialization::Jackson),
        ("pns-php.json", PnsSerialization::Php),
        ("pns-python.json", PnsSerialization::Python),
        ("pns-php-float-price.json", PnsSerialization::Php),
    ] {
        let n = v.verify_notification(&vector(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(n.serialization(), form, "{name}");
        let m = n.message();
        assert!(m.get("signature").is_none());
        assert_eq!(m.keys().next().map(String::as_str), Some("msgVersion"));
        assert_eq!(m.keys().next_back().map(String::as_str), Some("marketCode"));
        assert_eq!(m["purchaseId"], "SANDBOX3000000004564");
        assert_eq!(m["productName"], "보석 100개 (1/2 세일)");
        assert_eq!(m["developerPayload"], "order/7\u{1f} 주문");
        assert_eq!(m["purchaseTimeMillis"], 1_717_243_200_000_i64);
    }
}

#[test]
fn tampered_and_foreign_forms_are_refused() {
    let v = verifier();
    for name in ["pns-tampered.json", "pns-pretty-signed.json"] {
        assert_eq!(v.verify_notification(&vector(name)).unwrap_err().code(), "INVALID_SIGNATURE", "{name}");
    }
    assert_eq!(v.verify_notification(&vector("pns-duplicate-key.json")).unwrap_err().code(), "MALFORMED_INPUT");
    // Another key.
    let other = OneStoreVerifier::new(&String::from_utf8(std::fs::read(format!("{}/tests/vectors/google/test-key-2048.pub", env!("CARGO_MANIFEST_DIR"))).unwrap()).unwrap(), VerifyOptions::default()).unwrap();
    assert_eq!(other.verify_notification(&vector("pns-python.json")).unwrap_err().code(), "INVALID_SIGNATURE");
    // The signature of one message on another.
    let body = String::from_utf8(vector("pns-python.json")).unwrap();
    let moved = body.replace("\"isTestMdn\":true", "\"isTestMdn\":false");
    assert_eq!(v.verify_notification(moved.as_bytes()).unwrap_err().code(), "INVALID_SIGNATURE");
    // Whitespace and key escapes in the body change nothing: the parsed message is what is signed.
    let spaced = body.replacen("{", "{ \n", 1).replace("\"msgVersion\"", "\"msg\\u0056ersion\"");
    assert_eq!(v.verify_notification(spaced.as_bytes()).unwrap().serialization(), PnsSerialization::Python);
    // Over 64 KiB.
    let big = body.replacen("\"price\":\"1100\"", &format!("\"price\":\"1100\",\"pad\":\"{}\"", "x".repeat(70_000)), 1);
    assert_eq!(v.verify_notification(big.as_bytes()).unwrap_err().code(), "INPUT_TOO_LARGE");
    for bad in [&b"[]"[..], b"", b"{\"signature\":5}", b"{\"a\":1} x"] {
        assert_eq!(v.verify_notification(bad).unwrap_err().code(), "MALFORMED_INPUT");
    }
}

#[test]
fn sns_vector() {
    let m = decode_subscription_notification(&vector("sns-renewed.json")).unwrap();
    assert_eq!(m["subscriptionNotification"]["notificationTypeName"], "SUBSCRIPTION_RENEWED");
    assert_eq!(m["subscriptionNotification"]["purchaseToken"], "SUBTOKEN00000001");
    assert_eq!(m["environment"], "SANDBOX");
    assert_eq!(m["environmenmt"], "SANDBOX");
}
