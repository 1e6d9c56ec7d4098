//! App receipts: the public vectors (tests/vectors/public) with their documented outcomes, and negatives built
//! with the self-made test PKI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::cast_possible_truncation)]

mod common;

use common::*;
use iap_verify::apple::{
    extract_transaction_id_from_app_receipt, extract_transaction_id_from_app_receipt_base64,
    extract_transaction_id_from_transaction_receipt, parse_uuid, verify_app_receipt, AppReceiptVerifier, ReceiptOptions,
};

const NOW: i64 = 1_795_000_000_000; // 2026-11-18, after the sandbox leaf expired

fn opts(now: i64) -> ReceiptOptions<'static> {
    ReceiptOptions { now, ..Default::default() }
}

fn hex(b64text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(b64text).unwrap().iter().map(|b| format!("{b:02x}")).collect()
}

fn code<T: std::fmt::Debug>(r: iap_verify::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn sandbox_g5_receipt_verifies_at_its_creation_date_with_its_fields() {
    let text = public_text("apple-receipt-tpinapp-sandbox-g5.b64");
    let v = AppReceiptVerifier::default();
    let r = v.verify_base64(&text, &opts(NOW)).unwrap();
    let r = r.receipt();
    assert_eq!(r.receipt_type.as_deref(), Some("ProductionSandbox"));
    assert_eq!(r.bundle_id.as_deref(), Some("dev.bonzer.weeka.app"));
    assert_eq!(r.application_version.as_deref(), Some("2"));
    assert_eq!(r.original_application_version.as_deref(), Some("1.0"));
    assert_eq!(r.receipt_creation_date, Some(ms("2025-12-26T18:39:47Z")));
    assert_eq!(hex(r.opaque_value.as_deref().unwrap()), "be1dd3ea9bcf4d08652eb539b9e05694");
    assert_eq!(hex(r.sha1_hash.as_deref().unwrap()), "2158847543683847e9382a0fc51853cb17abcd6d");
    assert_eq!(r.in_app.len(), 2);
    let ids: Vec<_> = r.in_app.iter().map(|p| p.transaction_id.as_deref().unwrap()).collect();
    assert!(ids.contains(&"2000001092134138") && ids.contains(&"2000001092148094"), "{ids:?}");
    for p in &r.in_app {
        assert_eq!(p.product_id.as_deref(), Some("dev.bonzer.weeka.app.subscription.pro.annual"));
        assert_eq!(p.original_transaction_id.as_deref(), Some("2000001092134138"));
        assert!(p.purchase_date.is_some());
    }
    let mut web: Vec<_> = r.in_app.iter().map(|p| p.web_order_line_item_id.as_deref().unwrap()).collect();
    web.sort_unstable();
    assert_eq!(web, ["2000000123357229", "2000000123357230"]);
    // Undocumented attributes are kept, not dropped.
    assert!(!r.unknown_attributes.is_empty());
    // Serialized for JS: camelCase, unknown attributes as {type, version, value}.
    let json = serde_json::to_value(v.verify_base64(&text, &opts(NOW)).unwrap()).unwrap();
    assert_eq!(json["bundleId"], "dev.bonzer.weeka.app");
    assert_eq!(json["inApp"][0]["quantity"], 1);
    assert!(json["unknownAttributes"][0]["type"].is_i64());
}

#[test]
fn sandbox_g5_device_hash_and_bundle_checks() {
    let text = public_text("apple-receipt-tpinapp-sandbox-g5.b64");
    let v = AppReceiptVerifier::default();
    let good = parse_uuid("956328D9-CC6A-47F4-BE40-6953FB0AB6C7").unwrap();
    let o = ReceiptOptions { device_id: Some(&good), bundle_id: Some("dev.bonzer.weeka.app"), now: NOW };
    v.verify_base64(&text, &o).unwrap();
    let zero = [0u8; 16];
    let o = ReceiptOptions { device_id: Some(&zero), now: NOW, ..Default::default() };
    assert_eq!(code(v.verify_base64(&text, &o)), "INVALID_SIGNATURE");
    for wrong in ["dev.bonzer.weeka.App", "dev.bonzer.weeka", ""] {
        let o = ReceiptOptions { bundle_id: Some(wrong), now: NOW, ..Default::default() };
        assert_eq!(code(v.verify_base64(&text, &o)), "INVALID_APP_IDENTIFIER");
    }
}

#[test]
fn sandbox_g5_fails_against_other_roots() {
    let text = public_text("apple-receipt-tpinapp-sandbox-g5.b64");
    for root in ["apple-root-AppleRootCA-G3.cer", "apple-root-StoreKitTestCertificate.cer"] {
        let v = AppReceiptVerifier::with_roots(Some(&[public(root)])).unwrap();
        assert_eq!(code(v.verify_base64(&text, &opts(NOW))), "INVALID_CHAIN", "{root}");
    }
}

#[test]
fn sandbox_g5_flipped_content_byte_is_invalid_signature() {
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD.decode(public_text("apple-receipt-tpinapp-sandbox-g5.b64")).unwrap();
    // The payload starts after the eContent OCTET STRING header; flip a byte well inside it.
    let needle = b"dev.bonzer.weeka.app";
    let at = der.windows(needle.len()).position(|w| w == needle).unwrap();
    let mut bad = der.clone();
    bad[at + 3] ^= 0x01;
    assert_eq!(code(AppReceiptVerifier::default().verify(&bad, &opts(NOW))), "INVALID_SIGNATURE");
}

#[test]
fn xcode_receipts_verify_only_with_the_storekit_root() {
    let storekit = public("apple-root-StoreKitTestCertificate.cer");
    let with = AppReceiptVerifier::with_roots(Some(&[storekit])).unwrap();
    let apple = AppReceiptVerifier::default();

    let text = public_text("apple-receipt-xcode-backyardbirds-with-purchase.b64");
    let r = with.verify_base64(&text, &opts(NOW)).unwrap();
    let r = r.receipt();
    assert_eq!(r.receipt_type.as_deref(), Some("Xcode"));
    assert_eq!(r.app_item_id.as_deref(), Some("0"));
    assert_eq!(r.bundle_id.as_deref(), Some("com.example.naturelab.backyardbirds.example"));
    assert_eq!(r.application_version.as_deref(), Some("1"));
    assert_eq!(hex(r.opaque_value.as_deref().unwrap()), "f2bff5fb0f000000");
    assert_eq!(r.receipt_creation_date, Some(ms("2023-10-19T01:45:40Z")));
    assert_eq!(r.expiration_date, Some(ms("4001-01-01T00:00:00Z")));
    assert_eq!(r.in_app.len(), 1);
    let p = &r.in_app[0];
    assert_eq!(p.quantity, Some(1));
    assert_eq!(p.product_id.as_deref(), Some("pass.premium"));
    assert_eq!(p.transaction_id.as_deref(), Some("0"));
    assert_eq!(p.purchase_date, Some(ms("2023-10-19T01:45:36Z")));
    assert_eq!(p.expires_date, Some(ms("2023-11-19T01:45:36Z")));
    assert_eq!(p.is_in_intro_offer_period, Some(true));
    assert_eq!(code(apple.verify_base64(&text, &opts(NOW))), "INVALID_CHAIN");

    let empty = public_text("apple-receipt-xcode-backyardbirds-empty.b64");
    let r = with.verify_base64(&empty, &opts(NOW)).unwrap();
    assert_eq!(r.receipt().receipt_creation_date, Some(ms("2023-10-19T01:18:54Z")));
    assert!(r.receipt().in_app.is_empty());
    assert_eq!(code(apple.verify_base64(&empty, &opts(NOW))), "INVALID_CHAIN");
}

#[test]
fn extract_transaction_ids_like_apples_receipt_utility() {
    let t = |name: &str| extract_transaction_id_from_app_receipt_base64(&public_text(name)).unwrap();
    assert_eq!(t("apple-receipt-xcode-backyardbirds-with-purchase.b64").as_deref(), Some("0"));
    assert_eq!(t("apple-receipt-xcode-backyardbirds-empty.b64"), None);
    let sandbox = t("apple-receipt-tpinapp-sandbox-g5.b64").unwrap();
    assert!(sandbox.starts_with("2000001092"), "{sandbox}");
    let ios6 = public_text("apple-ios6-transaction-receipt-synthetic-applelib.b64");
    assert_eq!(extract_transaction_id_from_transaction_receipt(&ios6).unwrap().as_deref(), Some("33993399"));
    assert_eq!(extract_transaction_id_from_transaction_receipt(&b64(b"{ \"pod\" = \"1\"; }")).unwrap(), None);
    assert_eq!(code(extract_transaction_id_from_transaction_receipt("%%%")), "MALFORMED_INPUT");
    assert_eq!(code(extract_transaction_id_from_app_receipt(b"\x30\x03\x02\x01\x01")), "MALFORMED_INPUT");
}

// ---- the test PKI ---------------------------------------------------------------------

fn test_verifier() -> AppReceiptVerifier {
    AppReceiptVerifier::with_roots(Some(&[pki("root-rsa.der")])).unwrap()
}

const CREATED: &str = "2024-06-01T12:00:00Z";

#[test]
fn openssl_made_receipts_verify_sha256_and_sha1() {
    let v = test_verifier();
    for f in ["receipt-openssl-sha256.der", "receipt-openssl-sha1.der"] {
        let r = v.verify(&pki(f), &opts(NOW)).unwrap();
        let r = r.receipt();
        assert_eq!(r.bundle_id.as_deref(), Some("com.example.testpki"), "{f}");
        assert_eq!(r.receipt_creation_date, Some(ms(CREATED)));
        assert_eq!(r.in_app[0].transaction_id.as_deref(), Some("1000000000000001"));
        // `+hhmm` offsets (older Xcode receipts) are understood.
        assert_eq!(r.in_app[0].purchase_date, Some(ms("2024-05-31T07:00:00Z")));
    }
    // Apple's roots do not trust the test PKI.
    assert_eq!(code(AppReceiptVerifier::default().verify(&pki("receipt-openssl-sha256.der"), &opts(NOW))), "INVALID_CHAIN");
}

#[test]
fn der_and_ber_encodings_of_the_same_receipt_verify() {
    let v = test_verifier();
    let s = test_receipt("com.example.app", CREATED, 3);
    let a = v.verify(&s.der(), &opts(NOW)).unwrap();
    for pieces in [1, 2, 7] {
        let b = v.verify(&s.ber(pieces), &opts(NOW)).unwrap();
        assert_eq!(a, b, "{pieces} pieces");
    }
    assert_eq!(a.receipt().in_app.len(), 3);
    assert_eq!(a.receipt().in_app[0].web_order_line_item_id.as_deref(), Some("2000000123357229"));
    assert_eq!(a.receipt().in_app[0].expires_date, None); // empty date = absent
    assert_eq!(a.receipt().in_app[0].cancellation_date, None);
    assert_eq!(a.receipt().in_app[0].unknown_attributes[0].kind, 1722);
}

#[test]
fn chain_negatives() {
    let v = test_verifier();
    let body = payload("com.example.app", CREATED, 1);
    let key = pki("leaf-rsa.pk8");
    let (leaf, int, root) = (pki("leaf-rsa.der"), pki("int-rsa.der"), pki("root-rsa.der"));
    let build = |signer: &[u8], certs: &[Vec<u8>]| sign_receipt(&body, &key, signer, certs).der();

    // Intermediate missing from the certificate list.
    assert_eq!(code(v.verify(&build(&leaf, &[leaf.clone(), root.clone()]), &opts(NOW))), "INVALID_CHAIN");
    // Signer missing from the certificate list.
    assert_eq!(code(v.verify(&build(&leaf, &[int.clone(), root.clone()]), &opts(NOW))), "INVALID_CHAIN");
    // Leaf without 6.11.1.
    let nooid = pki("leaf-rsa-nooid.der");
    assert_eq!(code(v.verify(&build(&nooid, &[nooid.clone(), int.clone()]), &opts(NOW))), "INVALID_CHAIN");
    // Intermediate without 6.2.1.
    let int_nooid = pki("int-rsa-nooid.der");
    assert_eq!(code(v.verify(&build(&leaf, &[leaf.clone(), int_nooid]), &opts(NOW))), "INVALID_CHAIN");
    // Unknown root.
    let other = AppReceiptVerifier::with_roots(Some(&[pki("root2-rsa.der")])).unwrap();
    assert_eq!(code(other.verify(&build(&leaf, &[leaf.clone(), int.clone()]), &opts(NOW))), "INVALID_CHAIN");
    // Pinned roots only: trusting the intermediate itself does not make the chain trusted.
    let int_only = AppReceiptVerifier::with_roots(Some(std::slice::from_ref(&int))).unwrap();
    assert_eq!(code(int_only.verify(&build(&leaf, &[leaf.clone(), int.clone()]), &opts(NOW))), "INVALID_CHAIN");
    // The signer expired at the creation date (2024), whatever `now` is.
    let expired = pki("leaf-rsa-expired.der");
    let r = build(&expired, &[expired.clone(), int.clone()]);
    assert_eq!(code(v.verify(&r, &opts(ms("2020-06-01T00:00:00Z")))), "CERTIFICATE_EXPIRED");
    // …and valid at the creation date even when `now` is far later.
    let early = sign_receipt(&payload("com.example.app", "2020-06-01T00:00:00Z", 1), &key, &expired, &[expired.clone(), int.clone()]);
    v.verify(&early.der(), &opts(NOW)).unwrap();
    // Signed by another key than the signer certificate's.
    let wrong_key = sign_receipt(&body, &pki("int-rsa.pk8"), &leaf, &[leaf.clone(), int.clone()]).der();
    assert_eq!(code(v.verify(&wrong_key, &opts(NOW))), "INVALID_SIGNATURE");
}

#[test]
fn cached_chain_still_checks_validity_each_call() {
    let v = test_verifier();
    let key = pki("leaf-rsa.pk8");
    let (expired, int) = (pki("leaf-rsa-expired.der"), pki("int-rsa.der"));
    let ok = sign_receipt(&payload("a", "2020-06-01T00:00:00Z", 0), &key, &expired, &[expired.clone(), int.clone()]);
    v.verify(&ok.der(), &opts(NOW)).unwrap();
    let late = sign_receipt(&payload("a", "2022-06-01T00:00:00Z", 0), &key, &expired, &[expired.clone(), int.clone()]);
    assert_eq!(code(v.verify(&late.der(), &opts(NOW))), "CERTIFICATE_EXPIRED");
    v.verify(&ok.der(), &opts(NOW)).unwrap();
}

#[test]
fn malformed_truncated_trailing_random_and_too_large() {
    let v = test_verifier();
    let der = test_receipt("com.example.app", CREATED, 1).der();
    v.verify(&der, &opts(NOW)).unwrap();
    for n in (0..der.len()).step_by(7) {
        let c = code(v.verify(&der[..n], &opts(NOW)));
        assert!(c == "MALFORMED_INPUT" || c == "INVALID_CHAIN", "{n}: {c}");
    }
    let mut trailing = der.clone();
    trailing.push(0);
    assert_eq!(code(v.verify(&trailing, &opts(NOW))), "MALFORMED_INPUT");
    // A single-byte change never panics; it is rejected unless it only touched bytes nobody
    // relies on (the informational digestAlgorithms set, the embedded copy of the root).
    let good = v.verify(&der, &opts(NOW)).unwrap();
    for i in 0..der.len() {
        let mut m = der.clone();
        m[i] ^= 0x5a;
        if let Ok(r) = v.verify(&m, &opts(NOW)) {
            assert_eq!(r, good, "byte {i}");
        }
    }
    let mut seed = 0x1234_5678_u32;
    for len in [0usize, 1, 2, 16, 300, 5000] {
        let random: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                seed as u8
            })
            .collect();
        assert_eq!(code(v.verify(&random, &opts(NOW))), "MALFORMED_INPUT");
    }
    // Wrong content type.
    let mut wrong = der.clone();
    let pos = wrong.windows(9).position(|w| w == [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]).unwrap();
    wrong[pos + 8] = 0x03;
    assert_eq!(code(v.verify(&wrong, &opts(NOW))), "MALFORMED_INPUT");
    let big = vec![0u8; 50 * 1024 * 1024];
    assert_eq!(code(v.verify(&big, &opts(NOW))), "INPUT_TOO_LARGE");
    let big_text = "A".repeat(50 * 1024 * 1024);
    assert_eq!(code(v.verify_base64(&big_text, &opts(NOW))), "INPUT_TOO_LARGE");
    assert_eq!(code(v.verify_base64("not base64!", &opts(NOW))), "MALFORMED_INPUT");
}

/// The message and details of an `INPUT_TOO_LARGE`.
fn too_large<T: std::fmt::Debug>(r: iap_verify::Result<T>) -> (String, serde_json::Value) {
    let e = r.unwrap_err();
    assert_eq!(e.code(), "INPUT_TOO_LARGE", "{e}");
    (e.to_string(), e.details())
}

#[test]
fn signer_infos_other_than_one_are_named_as_such() {
    let v = test_verifier();
    let r = test_receipt("com.example.app", CREATED, 1);
    v.verify(&r.der_with_signers(1), &opts(NOW)).unwrap();
    for (n, says) in [(0, "the receipt has no SignerInfo; Apple's have exactly one"), (2, "the receipt has 2 SignerInfos; Apple's have exactly one"), (3, "the receipt has 3 SignerInfos; Apple's have exactly one")] {
        let e = v.verify(&r.der_with_signers(n), &opts(NOW)).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{n}");
        assert!(e.to_string().starts_with(&format!("malformed receipt: {says} (at byte ")), "{n}: {e}");
        assert!(!e.to_string().contains("trailing"), "{e}");
    }
}

#[test]
fn limit_errors_name_the_limit_and_the_unit() {
    let v = test_verifier();
    // 20,001 in-app entries (minimal ones, to stay far under the byte limit).
    let mut attrs = vec![attr(2, &utf8("com.example.app")), attr(12, &ia5(CREATED))];
    attrs.extend(std::iter::repeat_n(attr(17, &set_of(&[attr(1701, &int(1))])), 20_001));
    let content = set_of(&attrs);
    let leaf = pki("leaf-rsa.der");
    let signed = sign_receipt(&content, &pki("leaf-rsa.pk8"), &leaf, &[leaf.clone(), pki("int-rsa.der")]);
    let (message, details) = too_large(v.verify(&signed.der(), &opts(NOW)));
    assert_eq!(message, "in-app purchases: 20001 entries, over the limit of 20000 entries");
    assert_eq!(details, serde_json::json!({ "input": "in-app purchases", "limit": 20_000, "actual": 20_001, "unit": "entries" }));
    // Exactly at the limit it verifies.
    attrs.pop();
    let at_limit = sign_receipt(&set_of(&attrs), &pki("leaf-rsa.pk8"), &leaf, &[leaf.clone(), pki("int-rsa.der")]);
    assert_eq!(v.verify(&at_limit.der(), &opts(NOW)).unwrap().receipt().in_app.len(), 20_000);

    // Nine embedded certificates.
    let nine = vec![leaf.clone(); 9];
    let (message, details) = too_large(v.verify(&sign_receipt(&content, &pki("leaf-rsa.pk8"), &leaf, &nine).der(), &opts(NOW)));
    assert_eq!(message, "receipt certificates: 9 certificates, over the limit of 8 certificates");
    assert_eq!(details["unit"], "certificates");

    // Bytes, decoded and as base64 text.
    let (message, details) = too_large(v.verify(&vec![0u8; 5 * 1024 * 1024], &opts(NOW)));
    assert_eq!(message, "receipt: 5242880 bytes, over the limit of 4194304 bytes");
    assert_eq!(details["unit"], "bytes");
    let (message, _) = too_large(v.verify_base64(&"A".repeat(7 * 1024 * 1024), &opts(NOW)));
    assert_eq!(message, "receipt: 7340032 bytes, over the limit of 6291456 bytes");
}

#[test]
fn five_thousand_in_app_entries_parse_in_linear_time() {
    let v = test_verifier();
    let small = test_receipt("com.example.app", CREATED, 500).der();
    let large = test_receipt("com.example.app", CREATED, 5000).der();
    // The fastest of several runs: a shared, loaded machine only ever adds time, never removes it.
    let time = |der: &[u8]| {
        (0..7)
            .map(|_| {
                let t = std::time::Instant::now();
                assert!(v.verify(der, &opts(NOW)).is_ok());
                t.elapsed()
            })
            .min()
            .unwrap()
    };
    time(&small); // warm the chain cache
    let (ts, tl) = (time(&small), time(&large));
    assert_eq!(v.verify(&large, &opts(NOW)).unwrap().receipt().in_app.len(), 5000);
    // 10x the entries must cost well under 100x the time (quadratic); allow noise up to 30x.
    assert!(tl < ts * 30, "500: {ts:?}, 5000: {tl:?}");
}

#[test]
fn default_roots_and_free_function() {
    let r = verify_app_receipt(&pki("receipt-openssl-sha256.der"), Some(&[pki("root-rsa.der")]), &opts(NOW)).unwrap();
    assert_eq!(r.receipt().bundle_id.as_deref(), Some("com.example.testpki"));
    let none: Option<&[Vec<u8>]> = None;
    assert_eq!(code(verify_app_receipt(&pki("receipt-openssl-sha256.der"), none, &opts(NOW))), "INVALID_CHAIN");
    assert_eq!(code(AppReceiptVerifier::with_roots(Some(&[b"junk".to_vec()]))), "INVALID_ARGUMENT");
}

#[test]
fn receipt_certificates_are_described_for_display_in_the_order_sent() {
    use iap_verify::apple::{describe_receipt_certificates as describe_certificates, describe_receipt_certificates_base64 as describe_certificates_base64};
    let cn = |c: &iap_verify::CertificateInfo| c.subject.iter().find(|p| p.key == "CN").map(|p| p.value.clone()).unwrap();
    // The App Store's DER receipt: leaf, WWDR G5, Apple Root CA.
    let g5 = describe_certificates_base64(&public_text("apple-receipt-tpinapp-sandbox-g5.b64")).unwrap();
    let g5: Vec<_> = g5.into_iter().map(Result::unwrap).collect();
    assert_eq!(g5.iter().map(cn).collect::<Vec<_>>(), [
        "Mac App Store and iTunes Store Receipt Signing",
        "Apple Worldwide Developer Relations Certification Authority",
        "Apple Root CA",
    ]);
    assert_eq!(g5[0].issuer, g5[1].subject);
    assert_eq!(g5[0].not_after, ms("2026-08-23T14:50:02Z"));
    assert_eq!((g5[0].is_ca, g5[1].is_ca, g5[2].is_ca), (false, true, true));
    // Xcode's BER receipt carries one certificate, StoreKit's own.
    let xcode = describe_certificates_base64(&public_text("apple-receipt-xcode-backyardbirds-with-purchase.b64")).unwrap();
    assert_eq!(xcode.len(), 1);
    let sk = xcode.into_iter().next().unwrap().unwrap();
    assert_eq!((cn(&sk).as_str(), sk.not_before, sk.not_after), ("StoreKit", ms("2020-04-01T17:52:35Z"), ms("2040-03-27T17:52:35Z")));
    // Not a receipt: a typed error, never a panic.
    assert_eq!(code(describe_certificates(b"\x30\x03\x02\x01\x01")), "MALFORMED_INPUT");
    assert_eq!(code(describe_certificates_base64("not base64!")), "MALFORMED_INPUT");
}
