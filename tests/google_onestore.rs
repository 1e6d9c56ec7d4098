//! Google Play and ONE store verification on the public vectors (tests/vectors/public) and the
//! self-made ones (tests/vectors), natively.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::fs;
use std::path::PathBuf;

use iap_verify::google::{GoogleVerifier, VerifyOptions};
use iap_verify::onestore::OneStoreVerifier;

fn public(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/public").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn own(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

const LEGACY: VerifyOptions = VerifyOptions { allow_legacy_1024_bit_keys: true };
const STRICT: VerifyOptions = VerifyOptions { allow_legacy_1024_bit_keys: false };

#[test]
fn voltrue2_real_play_subscription_verifies_with_the_2048_bit_key() {
    let v = GoogleVerifier::new(&text(public("google-voltrue2-subscription.pub")), STRICT).unwrap();
    let p = v
        .verify(&public("google-voltrue2-subscription.json"), &text(public("google-voltrue2-subscription.sig")))
        .unwrap();
    let p = p.purchase();
    assert_eq!(p.package_name.as_deref(), Some("com.topdox.android.trivialdrivesample2"));
    assert_eq!(p.product_id.as_deref(), Some("topdox_android_monthly_subscription"));
    assert_eq!(p.purchase_time, Some(1456139019030));
    assert_eq!(p.purchase_state, Some(0));
    assert_eq!(p.auto_renewing, Some(true));
    assert_eq!(p.order_id, None, "test purchases carry no orderId");
    assert!(p.extra.is_empty());
}

#[test]
fn awa_1024_bit_vector_needs_the_legacy_option() {
    let key = text(public("google-awa-goiap.pub"));
    let e = GoogleVerifier::new(&key, STRICT).unwrap_err();
    assert_eq!(e.code(), "INVALID_PUBLIC_KEY");
    assert!(e.to_string().contains("allowLegacy1024BitKeys"), "{e}");

    let v = GoogleVerifier::new(&key, LEGACY).unwrap();
    let data = public("google-awa-goiap.json");
    let p = v.verify(&data, &text(public("google-awa-goiap.sig"))).unwrap();
    assert_eq!(p.purchase().order_id.as_deref(), Some("GPA.xxxx-xxxx-xxxx-xxxxx"));
    assert_eq!(p.purchase().developer_payload.as_deref(), Some("user001"));

    let e = v.verify(&data, &text(public("google-awa-goiap-NEGATIVE-wrongsig.sig"))).unwrap_err();
    assert_eq!(e.code(), "INVALID_SIGNATURE");
    // The same test in go-iap uses that signature as a key that is not RSA.
    let e = GoogleVerifier::new(&text(public("google-awa-goiap-NEGATIVE-wrongsig.sig")), LEGACY).unwrap_err();
    assert_eq!(e.code(), "INVALID_PUBLIC_KEY");
}

#[test]
fn mokelab_trailing_newline_is_part_of_the_signed_bytes() {
    let v = GoogleVerifier::new(&text(public("google-mokelab-ok.pub")), LEGACY).unwrap();
    let sig = text(public("google-mokelab-ok.sig"));
    let data = public("google-mokelab-ok.json");
    assert_eq!(data.last(), Some(&b'\n'));
    let p = v.verify(&data, &sig).unwrap();
    assert_eq!(p.purchase().order_id.as_deref(), Some("12999763169054705758.1371073745894165"));
    assert_eq!(p.purchase().purchase_time, Some(1367655044246));

    let stripped = &data[..data.len() - 1];
    assert_eq!(v.verify(stripped, &sig).unwrap_err().code(), "INVALID_SIGNATURE");
    let broken = public("google-mokelab-NEGATIVE-broken.json");
    assert_eq!(v.verify(&broken, &sig).unwrap_err().code(), "INVALID_SIGNATURE");
}

#[test]
fn own_consumable_keeps_every_field_and_unknown_ones() {
    let v = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    let p = v.verify(&own("google/consumable.json"), &text(own("google/consumable.sig"))).unwrap();
    let p = p.purchase();
    assert_eq!(p.order_id.as_deref(), Some("GPA.3301-1234-5678-90123"));
    assert_eq!(p.quantity, Some(2));
    assert_eq!(p.acknowledged, Some(false));
    assert_eq!(p.obfuscated_account_id.as_deref(), Some("acct-7f3a"));
    assert_eq!(p.obfuscated_profile_id.as_deref(), Some("prof-19"));
    assert_eq!(p.developer_payload.as_deref(), Some(""));
    assert_eq!(p.auto_renewing, None);
    assert_eq!(p.extra["futureField"], serde_json::json!({ "nested": [1, "two"] }));
    // Absent stays absent in the output too.
    let out = serde_json::to_value(p).unwrap();
    assert!(out.get("autoRenewing").is_none());
    assert_eq!(out["futureField"]["nested"][1], "two");
}

#[test]
fn own_pretty_subscription_with_escapes_and_newline() {
    let v = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    let data = own("google/subscription.json");
    let p = v.verify(&data, &text(own("google/subscription.sig"))).unwrap();
    assert_eq!(p.purchase().purchase_token.as_deref(), Some("sub-token-\u{e9}/x"));
    assert_eq!(p.purchase().auto_renewing, Some(true));
    // Re-serializing would change the bytes and break the signature: we never do it.
    let compact = serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&data).unwrap()).unwrap();
    assert_eq!(v.verify(&compact, &text(own("google/subscription.sig"))).unwrap_err().code(), "INVALID_SIGNATURE");
}

#[test]
fn own_negatives_give_their_codes() {
    let v = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    let consumable = own("google/consumable.json");
    let cases = [
        ("google/consumable.sha256.sig", "INVALID_SIGNATURE"),
        ("google/consumable.reserialized.sig", "INVALID_SIGNATURE"),
        ("google/consumable.1024.sig", "INVALID_SIGNATURE"),
    ];
    for (sig, code) in cases {
        assert_eq!(v.verify(&consumable, &text(own(sig))).unwrap_err().code(), code, "{sig}");
    }
    // Signed, but not a purchase object: MALFORMED_INPUT only after the signature verified.
    for name in ["not-an-object", "duplicate-key", "duplicate-nested", "duplicate-unknown"] {
        let data = own(&format!("google/{name}.json"));
        let e = v.verify(&data, &text(own(&format!("google/{name}.sig")))).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{name}");
        // With a wrong signature the same bytes are a signature error: nothing is parsed first.
        let e = v.verify(&data, &text(own("google/consumable.sig"))).unwrap_err();
        assert_eq!(e.code(), "INVALID_SIGNATURE", "{name}");
    }
    // Another key: the signature does not verify.
    let other = GoogleVerifier::new(&text(own("google/other-key-2048.pub")), STRICT).unwrap();
    assert_eq!(other.verify(&consumable, &text(own("google/consumable.sig"))).unwrap_err().code(), "INVALID_SIGNATURE");
    // Signatures: not base64, empty, truncated, wrapped in line breaks (fine).
    let sig = text(own("google/consumable.sig"));
    for bad in ["%%%", "", &sig[..sig.len() - 8]] {
        assert_eq!(v.verify(&consumable, bad).unwrap_err().code(), "INVALID_SIGNATURE", "{bad}");
    }
    let wrapped: String = sig.as_bytes().chunks(76).map(|c| format!("{}\n", std::str::from_utf8(c).unwrap())).collect();
    assert!(v.verify(&consumable, &wrapped).is_ok());
    // Pending purchases verify; acting on purchaseState is the caller's (and the purchase model's) job.
    let p = v.verify(&own("google/pending.json"), &text(own("google/pending.sig"))).unwrap();
    assert_eq!(p.purchase().purchase_state, Some(4));
}

#[test]
fn bad_keys_are_invalid_public_key() {
    let good = text(own("google/test-key-2048.pub"));
    let cases: Vec<(String, &str)> = vec![
        ("not base64 !!".into(), "INVALID_PUBLIC_KEY"),
        (String::new(), "INVALID_PUBLIC_KEY"),
        (good[..good.len() / 2].into(), "INVALID_PUBLIC_KEY"),
        (text(own("google/ec-p256.pub")), "INVALID_PUBLIC_KEY"),
        (format!("{good}AAAA"), "INVALID_PUBLIC_KEY"),
        ("A".repeat(20_000), "INPUT_TOO_LARGE"),
    ];
    for (key, code) in cases {
        let e = GoogleVerifier::new(&key, LEGACY).unwrap_err();
        assert_eq!(e.code(), code, "{key:.40}: {e}");
    }
    let e = GoogleVerifier::new(&text(own("google/ec-p256.pub")), LEGACY).unwrap_err();
    assert!(e.to_string().contains("not an RSA key"), "{e}");
}

#[test]
fn oversized_inputs_are_input_too_large() {
    let v = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    let big = vec![b' '; 64 * 1024 + 1];
    assert_eq!(v.verify(&big, &text(own("google/consumable.sig"))).unwrap_err().code(), "INPUT_TOO_LARGE");
    let huge_sig = "A".repeat(5000);
    assert_eq!(v.verify(&own("google/consumable.json"), &huge_sig).unwrap_err().code(), "INPUT_TOO_LARGE");
    // The message names the input, the size, the limit and the unit.
    let e = v.verify(&big, &text(own("google/consumable.sig"))).unwrap_err();
    assert_eq!(e.to_string(), "Google purchase data: 65537 bytes, over the limit of 65536 bytes");
    assert_eq!(e.details()["unit"], "bytes");
    let e = v.verify(&own("google/consumable.json"), &huge_sig).unwrap_err();
    assert_eq!(e.to_string(), "signature: 5000 bytes, over the limit of 4096 bytes");
    let e = GoogleVerifier::new(&"A".repeat(20_000), STRICT).unwrap_err();
    assert_eq!(e.to_string(), "public key: 20000 bytes, over the limit of 16384 bytes");
    let e = iap_verify::google::rtdn::decode_push(&vec![b' '; 70_000]).unwrap_err();
    assert!(e.to_string().ends_with(": 70000 bytes, over the limit of 65536 bytes"), "{e}");
}

#[test]
fn onestore_uses_sha512_and_parses_v21_and_v17() {
    let v = OneStoreVerifier::new(&text(own("onestore/test-key-2048.pub")), STRICT).unwrap();
    let p = v.verify(&own("onestore/v21.json"), &text(own("onestore/v21.sig"))).unwrap();
    let p = p.purchase();
    assert_eq!(p.purchase_token.as_deref(), Some("TOKEN3000000312345"));
    assert_eq!(p.recurring_state, Some(-1));
    assert_eq!(p.acknowledge_state, Some(0));
    assert_eq!(p.quantity, Some(1));

    let p = v.verify(&own("onestore/v17.json"), &text(own("onestore/v17.sig"))).unwrap();
    assert_eq!(p.purchase().purchase_id.as_deref(), Some("SANDBOX3000000288794"));
    assert_eq!(p.purchase().purchase_token, None);

    let e = v.verify(&own("onestore/v21.json"), &text(own("onestore/v21.sha1.sig"))).unwrap_err();
    assert_eq!(e.code(), "INVALID_SIGNATURE");
    // A Google (SHA-1) verifier with the same key refuses the SHA-512 signature.
    let g = GoogleVerifier::new(&text(own("onestore/test-key-2048.pub")), STRICT).unwrap();
    assert_eq!(g.verify(&own("onestore/v21.json"), &text(own("onestore/v21.sig"))).unwrap_err().code(), "INVALID_SIGNATURE");
}

#[test]
fn duplicate_keys_at_any_depth_are_malformed_and_say_where() {
    let g = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    let o = OneStoreVerifier::new(&text(own("onestore/test-key-2048.pub")), STRICT).unwrap();
    let cases = [
        (g.verify(&own("google/duplicate-key.json"), &text(own("google/duplicate-key.sig"))).map(drop), "\"productId\"", "Google purchase data"),
        (g.verify(&own("google/duplicate-nested.json"), &text(own("google/duplicate-nested.sig"))).map(drop), "\"price\"", "Google purchase data"),
        (g.verify(&own("google/duplicate-unknown.json"), &text(own("google/duplicate-unknown.sig"))).map(drop), "\"futureField\"", "Google purchase data"),
        (o.verify(&own("onestore/duplicate-nested.json"), &text(own("onestore/duplicate-nested.sig"))).map(drop), "\"count\"", "ONE store purchase data"),
    ];
    for (r, key, what) in cases {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{e}");
        let m = e.to_string();
        assert!(m.starts_with(&format!("malformed {what}: duplicate key {key}")), "{m}");
        let iap_verify::Error::MalformedInput { offset: Some(at), .. } = e else { panic!("no offset: {m}") };
        assert!(m.ends_with(&format!("(at byte {at})")), "{m}");
    }
}

#[test]
fn a_verifier_keeps_working_after_errors() {
    let v = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    for junk in [&b""[..], b"\xff\xfe", b"{}", &[0u8; 1000]] {
        assert!(v.verify(junk, "AAAA").is_err());
    }
    assert!(v.verify(&own("google/consumable.json"), &text(own("google/consumable.sig"))).is_ok());
}

#[test]
fn signed_bytes_that_are_not_clean_utf8_json_are_malformed_after_verifying() {
    let v = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    for name in ["bom", "latin1"] {
        let data = own(&format!("google/{name}.json"));
        let e = v.verify(&data, &text(own(&format!("google/{name}.sig")))).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{name}");
    }
}

#[test]
fn hundred_megabyte_inputs_are_input_too_large() {
    let v = GoogleVerifier::new(&text(own("google/test-key-2048.pub")), STRICT).unwrap();
    let huge = vec![b'{'; 100 * 1024 * 1024];
    assert_eq!(v.verify(&huge, "AAAA").unwrap_err().code(), "INPUT_TOO_LARGE");
    let huge_text = "A".repeat(100 * 1024 * 1024);
    assert_eq!(GoogleVerifier::new(&huge_text, STRICT).unwrap_err().code(), "INPUT_TOO_LARGE");
    assert_eq!(v.verify(b"{}", &huge_text).unwrap_err().code(), "INPUT_TOO_LARGE");
    assert_eq!(iap_verify::google::rtdn::decode_push(&huge).unwrap_err().code(), "INPUT_TOO_LARGE");
}
