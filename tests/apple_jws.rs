//! StoreKit 2 / App Store Server JWS: the public vectors (tests/vectors/public) with their documented outcomes,
//! and negatives built with the self-made test PKI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::cast_possible_truncation)]

mod common;

use common::*;
use iap_verify::apple::models::{
    AutoRenewStatus, Environment, InAppOwnershipType, NotificationTypeV2, ProductType,
};
use iap_verify::apple::SignedDataVerifier;

const NOW: i64 = 1_795_000_000_000; // 2026-11-18: every real Apple leaf in the vectors has expired

fn code<T: std::fmt::Debug>(r: iap_verify::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

fn apple(env: Environment, bundle: &str, app_apple_id: Option<i64>) -> SignedDataVerifier {
    let none: Option<&[Vec<u8>]> = None;
    SignedDataVerifier::with_roots(none, false, env, bundle, app_apple_id).unwrap()
}

fn testca(env: Environment, bundle: &str) -> SignedDataVerifier {
    let root = public("apple-root-testCA-app-store-server-library.der");
    SignedDataVerifier::with_roots(Some(&[root]), false, env, bundle, Some(1234)).unwrap()
}

// ---- Apple-signed vectors ------------------------------------------------------------------

#[test]
fn aporat_test_notification() {
    let jws = public_text("apple-jws-aporat-notification-test-sandbox.jws");
    let v = apple(Environment::Sandbox, "com.Abilities", None);
    let n = v.verify_and_decode_notification(&jws, NOW).unwrap();
    assert!(!n.is_test_data());
    let p = n.payload();
    assert_eq!(p.notification_type, Some(NotificationTypeV2::Test));
    assert_eq!(p.notification_uuid.as_deref(), Some("5e09dcfc-205e-4ea1-9883-96676f394992"));
    assert_eq!(p.version.as_deref(), Some("2.0"));
    assert_eq!(p.signed_date, Some(1_662_122_492_884.0));
    assert_eq!(p.data.as_ref().unwrap().bundle_id.as_deref(), Some("com.Abilities"));
    assert_eq!(code(apple(Environment::Sandbox, "com.abilities", None).verify_and_decode_notification(&jws, NOW)), "INVALID_APP_IDENTIFIER");
    // Production: the app id check (data has no appAppleId) comes before the environment check.
    assert_eq!(
        code(apple(Environment::Production, "com.Abilities", Some(1)).verify_and_decode_notification(&jws, NOW)),
        "INVALID_APP_IDENTIFIER"
    );
    // Validity is judged at signedDate; the same token is not a transaction of this app.
    assert_eq!(code(v.verify_and_decode_transaction(&jws, NOW)), "INVALID_APP_IDENTIFIER");
}

#[test]
fn gopay_notification_without_signed_date_uses_now() {
    let jws = public_text("apple-jws-gopay-notification-did-renew-sandbox.jws");
    let v = apple(Environment::Sandbox, "com.audaos.audarecorder", None);
    // Policy (Apple's): no signedDate → effective date is `now`; the 2021 leaf has expired.
    let e = v.verify_and_decode_notification(&jws, NOW).unwrap_err();
    assert_eq!(e.code(), "CERTIFICATE_EXPIRED");
    // A caller replaying it with the time it was received verifies it and the nested JWS.
    let received = 1_646_387_100_000;
    let n = v.verify_and_decode_notification(&jws, received).unwrap();
    let p = n.payload();
    assert_eq!(p.notification_type, Some(NotificationTypeV2::DidRenew));
    assert_eq!(p.subtype, None);
    assert_eq!(p.signed_date, None);
    let d = p.data.as_ref().unwrap();
    assert_eq!(d.bundle_version.as_deref(), Some("7"));
    let t = d.decoded_transaction_info.as_ref().unwrap();
    assert_eq!(t.transaction_id.as_deref(), Some("2000000004047119"));
    assert_eq!(t.original_transaction_id.as_deref(), Some("2000000000842607"));
    assert_eq!(t.web_order_line_item_id.as_deref(), Some("2000000000302832"));
    assert_eq!(t.product_id.as_deref(), Some("com.audaos.audarecorder.vip.m2"));
    assert_eq!(t.subscription_group_identifier.as_deref(), Some("20929536"));
    assert_eq!(t.purchase_date, Some(1_646_387_016_000.0));
    assert_eq!(t.expires_date, Some(1_646_387_196_000.0));
    assert_eq!(t.r#type, Some(ProductType::AutoRenewableSubscription));
    assert_eq!(t.in_app_ownership_type, Some(InAppOwnershipType::Purchased));
    assert_eq!(t.signed_date, Some(1_646_387_008_254.0));
    let r = d.decoded_renewal_info.as_ref().unwrap();
    assert_eq!(r.auto_renew_status, Some(AutoRenewStatus::On));
    assert_eq!(r.signed_date, Some(1_646_387_008_228.0));
    // The nested tokens carry signedDate, so they verify on their own at any `now`.
    v.verify_and_decode_transaction(d.signed_transaction_info.as_deref().unwrap(), NOW).unwrap();
    v.verify_and_decode_renewal_info(d.signed_renewal_info.as_deref().unwrap(), NOW).unwrap();
    // JS sees the nested values decoded next to the strings.
    let json = serde_json::to_value(&n).unwrap();
    assert_eq!(json["data"]["decodedTransactionInfo"]["transactionId"], "2000000004047119");
    assert!(json["data"]["signedTransactionInfo"].is_string());
    assert!(json.get("testData").is_none());
}

#[test]
fn awa_renewal_info() {
    let jws = public_text("apple-jws-awa-renewalinfo-sandbox.jws");
    let r = apple(Environment::Sandbox, "any.bundle", None).verify_and_decode_renewal_info(&jws, NOW).unwrap();
    let p = r.payload();
    assert_eq!(p.original_transaction_id.as_deref(), Some("2000000335310644"));
    assert_eq!(p.auto_renew_product_id.as_deref(), Some("co.ringalarm.swtich.quarterly2"));
    assert_eq!(p.product_id.as_deref(), Some("co.ringalarm.swtich.quarterly2"));
    assert_eq!(p.signed_date, Some(1_684_822_778_492.0));
    assert_eq!(p.recent_subscription_start_date, Some(1_684_822_738_000.0));
    assert_eq!(p.environment, Some(Environment::Sandbox));
    assert_eq!(
        code(apple(Environment::Production, "any.bundle", Some(1)).verify_and_decode_renewal_info(&jws, NOW)),
        "INVALID_ENVIRONMENT"
    );
    // Against the test root only, Apple's chain is untrusted.
    assert_eq!(code(testca(Environment::Sandbox, "x").verify_and_decode_renewal_info(&jws, NOW)), "INVALID_CHAIN");
}

// ---- Apple's library test CA ------------------------------------------------------------------

#[test]
fn testca_vectors() {
    let v = testca(Environment::Sandbox, "com.example");
    let n = v.verify_and_decode_notification(&public_text("apple-jws-testca-testNotification.jws"), NOW).unwrap();
    assert_eq!(n.payload().notification_type, Some(NotificationTypeV2::Test));
    // x5c[2] differs from the configured root; the intermediate is checked against the root.
    assert_eq!(
        code(testca(Environment::Production, "com.example").verify_and_decode_notification(&public_text("apple-jws-testca-testNotification.jws"), NOW)),
        "INVALID_ENVIRONMENT"
    );
    let t = v.verify_and_decode_transaction(&public_text("apple-jws-testca-transactionInfo.jws"), NOW).unwrap();
    assert_eq!(t.payload().bundle_id.as_deref(), Some("com.example"));
    assert_eq!(
        code(testca(Environment::Sandbox, "com.example.x").verify_and_decode_transaction(&public_text("apple-jws-testca-transactionInfo.jws"), NOW)),
        "INVALID_APP_IDENTIFIER"
    );
    v.verify_and_decode_renewal_info(&public_text("apple-jws-testca-renewalInfo.jws"), NOW).unwrap();
    assert_eq!(
        code(v.verify_and_decode_notification(&public_text("apple-jws-testca-wrongBundleId.jws"), NOW)),
        "INVALID_APP_IDENTIFIER"
    );
    assert_eq!(
        code(v.verify_and_decode_notification(&public_text("apple-jws-testca-missingX5CHeaderClaim.jws"), NOW)),
        "INVALID_CHAIN"
    );
    // Apple's roots do not trust the library's test CA.
    assert_eq!(
        code(apple(Environment::Sandbox, "com.example", None).verify_and_decode_transaction(&public_text("apple-jws-testca-transactionInfo.jws"), NOW)),
        "INVALID_CHAIN"
    );
}

// ---- Xcode ---------------------------------------------------------------------------------------

#[test]
fn xcode_tokens_verify_against_their_one_certificate_as_test_data() {
    let bundle = "com.example.naturelab.backyardbirds.example";
    let v = apple(Environment::Xcode, bundle, None);
    let t = v.verify_and_decode_transaction(&public_text("apple-jws-xcode-signed-transaction.jws"), NOW).unwrap();
    assert!(t.is_test_data());
    let p = t.payload();
    assert_eq!(p.transaction_id.as_deref(), Some("0"));
    assert_eq!(p.product_id.as_deref(), Some("pass.premium"));
    assert_eq!(p.storefront.as_deref(), Some("USA"));
    assert_eq!(p.storefront_id.as_deref(), Some("143441"));
    assert!(p.other.contains_key("deviceVerification"));
    let pd = p.purchase_date.unwrap();
    assert!(pd.fract() != 0.0, "fractional ms kept: {pd}");
    assert_eq!(serde_json::to_value(&t).unwrap()["testData"], true);

    let r = v.verify_and_decode_renewal_info(&public_text("apple-jws-xcode-signed-renewal-info.jws"), NOW).unwrap();
    assert_eq!(r.payload().renewal_date, Some(1_700_358_336_049.729_7));
    assert_eq!(r.payload().signed_date, Some(1_697_679_936_711.074_7));

    let a = v.verify_and_decode_app_transaction(&public_text("apple-jws-xcode-signed-app-transaction.jws"), NOW).unwrap();
    let p = a.payload();
    assert_eq!(p.receipt_type, Some(Environment::Xcode));
    assert_eq!(p.original_purchase_date, Some(-62_135_769_600_000.0));
    assert_eq!(p.receipt_creation_date, Some(1_697_680_122_257.447));
    assert_eq!(p.application_version.as_deref(), Some("1"));

    // Outside Xcode/LocalTesting, a one-certificate chain is refused.
    let sandbox = apple(Environment::Sandbox, bundle, None);
    assert_eq!(code(sandbox.verify_and_decode_transaction(&public_text("apple-jws-xcode-signed-transaction.jws"), NOW)), "INVALID_CHAIN");
    // A tampered Xcode token fails: the signature is checked even without a chain.
    let jws = public_text("apple-jws-xcode-signed-transaction.jws");
    let parts: Vec<&str> = jws.split('.').collect();
    let forged_payload = b64url(br#"{"environment":"Xcode","bundleId":"com.example.naturelab.backyardbirds.example","transactionId":"1"}"#);
    let forged = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    assert_eq!(code(v.verify_and_decode_transaction(&forged, NOW)), "INVALID_SIGNATURE");
    // Real Apple tokens in the Xcode environment: 3 certificates, refused.
    assert_eq!(
        code(v.verify_and_decode_renewal_info(&public_text("apple-jws-awa-renewalinfo-sandbox.jws"), NOW)),
        "INVALID_CHAIN"
    );
}

// ---- constructor --------------------------------------------------------------------------------

#[test]
fn constructor_rules() {
    let none: Option<&[Vec<u8>]> = None;
    // Online checks are accepted by the constructor, refused by the synchronous methods (OCSP needs
    // I/O: see tests/apple_ocsp.rs).
    let online = SignedDataVerifier::with_roots(none, true, Environment::Sandbox, "b", None).unwrap();
    let e = online.verify_and_decode_transaction(&public_text("apple-jws-aporat-notification-test-sandbox.jws"), NOW).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    assert!(e.to_string().contains("enableOnlineChecks"), "{e}");
    assert_eq!(code(SignedDataVerifier::with_roots(none, false, Environment::Production, "b", None)), "INVALID_ARGUMENT");
    assert_eq!(code(SignedDataVerifier::with_roots(none, false, Environment::from_wire("Prod"), "b", None)), "INVALID_ARGUMENT");
    assert_eq!(code(SignedDataVerifier::with_roots(Some(&[b"x".to_vec()]), false, Environment::Sandbox, "b", None)), "INVALID_ARGUMENT");
}

// ---- the test PKI ----------------------------------------------------------------------------------

const SIGNED: i64 = 1_717_243_200_000; // 2024-06-01T12:00:00Z

fn pki_verifier(env: Environment) -> SignedDataVerifier {
    SignedDataVerifier::with_roots(Some(&[pki("root-ec.der")]), false, env, "com.example.app", Some(42)).unwrap()
}

fn tx(signed_date: i64, env: &str) -> String {
    format!(r#"{{"transactionId":"1","bundleId":"com.example.app","environment":"{env}","signedDate":{signed_date},"price":990,"currency":"EUR"}}"#)
}

fn good_jws() -> String {
    test_jws(&tx(SIGNED, "Sandbox"), "leaf-ec", "int-ec", "root-ec")
}

#[test]
fn test_pki_positive_and_cache() {
    let v = pki_verifier(Environment::Sandbox);
    for _ in 0..3 {
        let t = v.verify_and_decode_transaction(&good_jws(), NOW).unwrap();
        assert_eq!(t.payload().price, Some(990));
        assert!(!t.is_test_data());
    }
    // x5c[2] is not trusted as sent: any certificate there will do, the configured root decides.
    let certs = vec![pki("leaf-ec.der"), pki("int-ec.der"), pki("root2-ec.der")];
    let jws = jws_with_header(&x5c_header(&certs), &tx(SIGNED, "Sandbox"), &pki("leaf-ec.pk8"));
    v.verify_and_decode_transaction(&jws, NOW).unwrap();
    // …but it must be a certificate, also when the leaf and intermediate are cached already.
    let junk_root = format!(r#"{{"alg":"ES256","x5c":["{}","{}","AAAA"]}}"#, b64(&pki("leaf-ec.der")), b64(&pki("int-ec.der")));
    let jws = jws_with_header(&junk_root, &tx(SIGNED, "Sandbox"), &pki("leaf-ec.pk8"));
    assert_eq!(code(v.verify_and_decode_transaction(&jws, NOW)), "INVALID_CHAIN");
    // Production needs the app Apple id on notifications.
    let p = pki_verifier(Environment::Production);
    let note = |id: i64| test_jws(&format!(r#"{{"notificationType":"SUBSCRIBED","signedDate":{SIGNED},"data":{{"bundleId":"com.example.app","appAppleId":{id},"environment":"Production"}}}}"#), "leaf-ec", "int-ec", "root-ec");
    p.verify_and_decode_notification(&note(42), NOW).unwrap();
    assert_eq!(code(p.verify_and_decode_notification(&note(43), NOW)), "INVALID_APP_IDENTIFIER");
}

#[test]
fn test_pki_chain_negatives() {
    let v = pki_verifier(Environment::Sandbox);
    let cases = [
        (("leaf-ec-nooid", "int-ec", "root-ec"), "INVALID_CHAIN"),
        (("leaf-ec", "int-ec-nooid", "root-ec"), "INVALID_CHAIN"),
        (("leaf-ec", "int-ec-notca", "root-ec"), "INVALID_CHAIN"),
        (("leaf-ec", "root-ec", "root-ec"), "INVALID_CHAIN"),
        (("int-ec", "int-ec", "root-ec"), "INVALID_CHAIN"),
    ];
    for ((l, i, r), want) in cases {
        assert_eq!(code(v.verify_and_decode_transaction(&test_jws(&tx(SIGNED, "Sandbox"), l, i, r), NOW)), want, "{l} {i} {r}");
    }
    // Wrong root configured.
    let other = SignedDataVerifier::with_roots(Some(&[pki("root2-ec.der")]), false, Environment::Sandbox, "com.example.app", None).unwrap();
    assert_eq!(code(other.verify_and_decode_transaction(&good_jws(), NOW)), "INVALID_CHAIN");
    // Pinned roots only: configuring the intermediate as a "root" does not help.
    let int_root = SignedDataVerifier::with_roots(Some(&[pki("int-ec.der")]), false, Environment::Sandbox, "com.example.app", None).unwrap();
    assert_eq!(code(int_root.verify_and_decode_transaction(&good_jws(), NOW)), "INVALID_CHAIN");
    // Expired / not yet valid at signedDate (the leaf's window is 2020–2021 / from 2040).
    let exp = test_jws(&tx(SIGNED, "Sandbox"), "leaf-ec-expired", "int-ec", "root-ec");
    assert_eq!(code(v.verify_and_decode_transaction(&exp, NOW)), "CERTIFICATE_EXPIRED");
    let in_window = test_jws(&tx(1_600_000_000_000, "Sandbox"), "leaf-ec-expired", "int-ec", "root-ec");
    v.verify_and_decode_transaction(&in_window, NOW).unwrap();
    // Cached chain, still checked at each call.
    assert_eq!(code(v.verify_and_decode_transaction(&exp, NOW)), "CERTIFICATE_EXPIRED");
    let fut = test_jws(&tx(SIGNED, "Sandbox"), "leaf-ec-future", "int-ec", "root-ec");
    assert_eq!(code(v.verify_and_decode_transaction(&fut, NOW)), "CERTIFICATE_EXPIRED");
    // No signedDate: `now` decides.
    let undated = test_jws(r#"{"bundleId":"com.example.app","environment":"Sandbox"}"#, "leaf-ec-expired", "int-ec", "root-ec");
    assert_eq!(code(v.verify_and_decode_transaction(&undated, NOW)), "CERTIFICATE_EXPIRED");
    v.verify_and_decode_transaction(&undated, 1_600_000_000_000).unwrap();
}

#[test]
fn test_pki_token_negatives() {
    let v = pki_verifier(Environment::Sandbox);
    let good = good_jws();
    let parts: Vec<&str> = good.split('.').collect();
    let (h, p, s) = (parts[0], parts[1], parts[2]);
    let check = |jws: &str, want: &str| assert_eq!(code(v.verify_and_decode_transaction(jws, NOW)), want, "{}", &jws[..jws.len().min(80)]);

    check(&format!("{h}.{p}"), "MALFORMED_INPUT");
    check(&format!("{h}.{p}.{s}.{s}.{s}.{s}"), "MALFORMED_INPUT");
    check(&format!("{good}."), "MALFORMED_INPUT");
    check("", "MALFORMED_INPUT");
    check(&format!("{h}.{p}.{s}AAAA"), "INVALID_SIGNATURE"); // trailing bytes in the signature
    check(&format!("{h}.{p}.{}", &s[..40]), "INVALID_SIGNATURE"); // truncated signature
    check(&format!("{h}!.{p}.{s}"), "MALFORMED_INPUT"); // bad base64url in the header
    // The signature covers the payload text as received, so a damaged payload fails the signature
    // before it is decoded.
    check(&format!("{h}.{p}!.{s}"), "INVALID_SIGNATURE");
    check(&format!("{}.{p}.{s}", b64url(b"not json")), "MALFORMED_INPUT");
    // A payload byte changed after signing.
    let payload = String::from_utf8(base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p).unwrap()).unwrap();
    let tampered = b64url(payload.replace("990", "991").as_bytes());
    check(&format!("{h}.{tampered}.{s}"), "INVALID_SIGNATURE");
    // A DER-encoded ECDSA signature where raw r‖s is required.
    let sig = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, s).unwrap();
    let der_int = |b: &[u8]| {
        let mut v = b.to_vec();
        while v.len() > 1 && v[0] == 0 && v[1] & 0x80 == 0 {
            v.remove(0);
        }
        if v[0] & 0x80 != 0 {
            v.insert(0, 0);
        }
        tlv(0x02, &v)
    };
    let der_sig = seq(&[&der_int(&sig[..32]), &der_int(&sig[32..])]);
    check(&format!("{h}.{p}.{}", b64url(&der_sig)), "INVALID_SIGNATURE");
    // alg other than ES256 is refused before the certificates are read (garbage x5c here).
    for alg in ["none", "HS256", "RS256", "ES384", "es256"] {
        let hdr = b64url(format!(r#"{{"alg":"{alg}","x5c":["!!"]}}"#).as_bytes());
        check(&format!("{hdr}.{p}.{s}"), "MALFORMED_INPUT");
        check(&format!("{hdr}.{p}."), "MALFORMED_INPUT");
    }
    let crit = b64url(br#"{"alg":"ES256","crit":["exp"],"exp":1,"x5c":[]}"#);
    check(&format!("{crit}.{p}.{s}"), "MALFORMED_INPUT");
    let no_alg = b64url(br#"{"x5c":[]}"#);
    check(&format!("{no_alg}.{p}.{s}"), "MALFORMED_INPUT");
    // x5c missing, not an array, wrong length, non-certificate entries.
    for x5c in [r#""x5cwrong":[]"#, r#""x5c":"abc""#, r#""x5c":[]"#, r#""x5c":["AAAA","AAAA"]"#, r#""x5c":["AAAA","AAAA","AAAA"]"#, r#""x5c":[1,2,3]"#, r#""x5c":["!","!","!"]"#] {
        let hdr = b64url(format!(r#"{{"alg":"ES256",{x5c}}}"#).as_bytes());
        check(&format!("{hdr}.{p}.{s}"), "INVALID_CHAIN");
    }
    let six = vec![pki("leaf-ec.der"); 6];
    check(&jws_with_header(&x5c_header(&six), &tx(SIGNED, "Sandbox"), &pki("leaf-ec.pk8")), "INVALID_CHAIN");
    // Signed by a key that is not the leaf's.
    let certs = vec![pki("leaf-ec.der"), pki("int-ec.der"), pki("root-ec.der")];
    let rng = ring::rand::SystemRandom::new();
    let fresh = ring::signature::EcdsaKeyPair::generate_pkcs8(&ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    check(&jws_with_header(&x5c_header(&certs), &tx(SIGNED, "Sandbox"), fresh.as_ref()), "INVALID_SIGNATURE");
    // Payload checks.
    check(&test_jws(&tx(SIGNED, "Production"), "leaf-ec", "int-ec", "root-ec"), "INVALID_ENVIRONMENT");
    check(&test_jws(r#"{"bundleId":"com.example.APP","environment":"Sandbox","signedDate":1717243200000}"#, "leaf-ec", "int-ec", "root-ec"), "INVALID_APP_IDENTIFIER");
    check(&test_jws(r#"{"bundleId":7}"#, "leaf-ec", "int-ec", "root-ec"), "MALFORMED_INPUT");
    check(&test_jws("[]", "leaf-ec", "int-ec", "root-ec"), "MALFORMED_INPUT");
    // 10 MB token.
    check(&"a".repeat(10 * 1024 * 1024), "INPUT_TOO_LARGE");
    let e = v.verify_and_decode_transaction(&"a".repeat(10 * 1024 * 1024), NOW).unwrap_err();
    assert_eq!(e.to_string(), "JWS: 10485760 bytes, over the limit of 262144 bytes");
    // Every truncation is a typed error.
    for n in (0..good.len()).step_by(11) {
        assert!(v.verify_and_decode_transaction(&good[..n], NOW).is_err());
    }
}

#[test]
fn nested_jws_in_notifications_are_verified() {
    let v = pki_verifier(Environment::Sandbox);
    let inner = good_jws();
    let (ih, rest) = inner.split_once('.').unwrap();
    let (ip, is) = rest.split_once('.').unwrap();
    let ip = String::from_utf8(base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, ip).unwrap()).unwrap();
    let bad_inner = format!("{ih}.{}.{is}", b64url(ip.replace("990", "991").as_bytes()));
    let note = |t: &str| {
        test_jws(
            &format!(r#"{{"notificationType":"ONE_TIME_CHARGE","signedDate":{SIGNED},"data":{{"bundleId":"com.example.app","environment":"Sandbox","signedTransactionInfo":"{t}"}}}}"#),
            "leaf-ec",
            "int-ec",
            "root-ec",
        )
    };
    let n = v.verify_and_decode_notification(&note(&inner), NOW).unwrap();
    assert_eq!(n.payload().data.as_ref().unwrap().decoded_transaction_info.as_ref().unwrap().transaction_id.as_deref(), Some("1"));
    assert_eq!(code(v.verify_and_decode_notification(&note(&bad_inner), NOW)), "INVALID_SIGNATURE");
    let unknown = test_jws(&format!(r#"{{"notificationType":"BRAND_NEW","signedDate":{SIGNED},"summary":{{"bundleId":"com.example.app","environment":"Sandbox"}}}}"#), "leaf-ec", "int-ec", "root-ec");
    let n = v.verify_and_decode_notification(&unknown, NOW).unwrap();
    assert_eq!(n.payload().notification_type, Some(NotificationTypeV2::Unknown("BRAND_NEW".into())));
    let ext = |id: &str| test_jws(&format!(r#"{{"notificationType":"EXTERNAL_PURCHASE_TOKEN","signedDate":{SIGNED},"externalPurchaseToken":{{"bundleId":"com.example.app","externalPurchaseId":"{id}"}}}}"#), "leaf-ec", "int-ec", "root-ec");
    v.verify_and_decode_notification(&ext("SANDBOX_1"), NOW).unwrap();
    assert_eq!(code(v.verify_and_decode_notification(&ext("1"), NOW)), "INVALID_ENVIRONMENT");
}

#[test]
fn duplicate_keys_at_any_depth_are_refused_in_headers_payloads_and_nested_jws() {
    let v = pki_verifier(Environment::Sandbox);
    let malformed = |r: iap_verify::Result<()>, what: &str| {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{e}");
        let text = e.to_string();
        assert!(text.starts_with(&format!("malformed {what}: duplicate key ")), "{text}");
        text
    };
    let base = r#""bundleId":"com.example.app","environment":"Sandbox","signedDate":1717243200000"#;
    // Payload: top level, a nested object, an unknown field, an object inside an array, escapes.
    for (payload, key) in [
        (format!(r#"{{{base},"price":990,"price":1}}"#), "\"price\""),
        (format!(r#"{{{base},"foo":{{"x":1,"x":2}}}}"#), "\"x\""),
        (format!(r#"{{{base},"unknownField":1,"unknownField":1}}"#), "\"unknownField\""),
        (format!(r#"{{{base},"list":[{{"a":1}},{{"b":{{"c":1,"c":1}}}}]}}"#), "\"c\""),
        (format!(r#"{{{base},"transactionId":"1","transacti\u006fnId":"2"}}"#), "\"transactionId\""),
    ] {
        let text = malformed(v.verify_and_decode_transaction(&test_jws(&payload, "leaf-ec", "int-ec", "root-ec"), NOW).map(drop), "JWS payload");
        assert!(text.contains(key), "{text}");
        assert!(text.ends_with("of the decoded JSON"), "{text}");
    }
    // The same key in sibling objects is no duplicate.
    let siblings = format!(r#"{{{base},"a":{{"x":1}},"b":{{"x":2}},"c":[{{"x":3}},{{"x":4}}]}}"#);
    v.verify_and_decode_transaction(&test_jws(&siblings, "leaf-ec", "int-ec", "root-ec"), NOW).unwrap();
    // A hostile key is shown escaped and cut, never raw.
    let hostile_key = format!("\u{202e}<b>\n{}", "k".repeat(500));
    let payload = format!(r#"{{{base},{k},{k}}}"#, k = format!("{}:1", serde_json::to_string(&hostile_key).unwrap()));
    let text = malformed(v.verify_and_decode_transaction(&test_jws(&payload, "leaf-ec", "int-ec", "root-ec"), NOW).map(drop), "JWS payload");
    assert!(!text.contains('\u{202e}') && !text.contains('\n') && text.len() < 200, "{text}");
    assert!(text.contains(r"\u{202e}<b>\n"), "{text}");

    // Header: a repeated known or unknown member, or one inside a nested object.
    let certs = vec![pki("leaf-ec.der"), pki("int-ec.der"), pki("root-ec.der")];
    let x5c = x5c_header(&certs);
    let inner = x5c.strip_prefix('{').unwrap().strip_suffix('}').unwrap();
    for header in [
        format!(r#"{{{inner},"kid":"a","kid":"b"}}"#),
        format!(r#"{{"alg":"ES256",{inner}}}"#),
        format!(r#"{{{inner},"jwk":{{"kty":"EC","kty":"RSA"}}}}"#),
    ] {
        malformed(v.verify_and_decode_transaction(&jws_with_header(&header, &tx(SIGNED, "Sandbox"), &pki("leaf-ec.pk8")), NOW).map(drop), "JWS header");
    }

    // Notifications: a duplicate in the outer payload, or in a nested JWS's payload.
    let note = |data_extra: &str, t: &str| {
        test_jws(
            &format!(r#"{{"notificationType":"ONE_TIME_CHARGE","signedDate":{SIGNED},"data":{{"bundleId":"com.example.app","environment":"Sandbox"{data_extra},"signedTransactionInfo":"{t}"}}}}"#),
            "leaf-ec",
            "int-ec",
            "root-ec",
        )
    };
    v.verify_and_decode_notification(&note("", &good_jws()), NOW).unwrap();
    malformed(v.verify_and_decode_notification(&note(r#","status":1,"status":2"#, &good_jws()), NOW).map(drop), "JWS payload");
    let dup_inner = test_jws(&format!(r#"{{{base},"offer":{{"id":"a","id":"b"}}}}"#), "leaf-ec", "int-ec", "root-ec");
    malformed(v.verify_and_decode_notification(&note("", &dup_inner), NOW).map(drop), "JWS payload");
}

/// The order of the P-256 group (SEC 2 §2.4.2), big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
    0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// The same token with its ECDSA signature's `s` replaced by `n − s`: the other valid form.
fn other_signature_form(jws: &str) -> String {
    use base64::Engine;
    let (signed, sig) = jws.rsplit_once('.').unwrap();
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(sig).unwrap();
    assert_eq!(sig.len(), 64);
    let (r, s) = sig.split_at(32);
    let mut neg = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(P256_N[i]) - i16::from(s[i]) - borrow;
        borrow = i16::from(d < 0);
        neg[i] = d.rem_euclid(256) as u8;
    }
    assert_eq!(borrow, 0, "s < n");
    format!("{signed}.{}", b64url(&[r, &neg[..]].concat()))
}

#[test]
fn es256_signatures_have_two_valid_forms_so_never_deduplicate_on_the_token() {
    // Apple-signed data (Apple's library's test CA and Apple's real chain), and the test PKI.
    let testca_v = testca(Environment::Sandbox, "com.example");
    let tx = public_text("apple-jws-testca-transactionInfo.jws");
    let twin = other_signature_form(&tx);
    assert_ne!(twin, tx, "a different token…");
    let (a, b) = (testca_v.verify_and_decode_transaction(&tx, NOW).unwrap(), testca_v.verify_and_decode_transaction(&twin, NOW).unwrap());
    assert_eq!(a.payload(), b.payload(), "…with the same verified payload");
    assert_eq!(b.payload().bundle_id.as_deref(), Some("com.example"));

    let renewal = public_text("apple-jws-awa-renewalinfo-sandbox.jws");
    let v = apple(Environment::Sandbox, "any.bundle", None);
    let (a, b) = (v.verify_and_decode_renewal_info(&renewal, NOW).unwrap(), v.verify_and_decode_renewal_info(&other_signature_form(&renewal), NOW).unwrap());
    assert_eq!(a.payload(), b.payload());
    assert_eq!(b.payload().original_transaction_id.as_deref(), Some("2000000335310644"));

    let note = public_text("apple-jws-aporat-notification-test-sandbox.jws");
    let v = apple(Environment::Sandbox, "com.Abilities", None);
    let twin = other_signature_form(&note);
    assert_eq!(v.verify_and_decode_notification(&note, NOW).unwrap().payload(), v.verify_and_decode_notification(&twin, NOW).unwrap().payload());

    let pki_v = pki_verifier(Environment::Sandbox);
    let good = good_jws();
    pki_v.verify_and_decode_transaction(&other_signature_form(&good), NOW).unwrap();
    // Only those two: any other change to `s` fails.
    let twin = other_signature_form(&good);
    let (signed, sig) = twin.rsplit_once('.').unwrap();
    let mut sig = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, sig).unwrap();
    sig[63] ^= 1;
    assert_eq!(code(pki_v.verify_and_decode_transaction(&format!("{signed}.{}", b64url(&sig)), NOW)), "INVALID_SIGNATURE");
}

#[test]
fn a_verified_transaction_becomes_a_purchase() {
    use iap_verify::purchase::IntoPurchase;
    let jws = test_jws(
        r#"{"transactionId":"2000000111","originalTransactionId":"2000000100","productId":"gems_100","bundleId":"com.example.app","environment":"Sandbox","signedDate":1717243200000,"purchaseDate":1717243100000,"quantity":3,"type":"Consumable","inAppOwnershipType":"PURCHASED"}"#,
        "leaf-ec",
        "int-ec",
        "root-ec",
    );
    let v = pki_verifier(Environment::Sandbox).verify_and_decode_transaction(&jws, NOW).unwrap();
    let p = v.to_purchase().unwrap();
    assert_eq!(p.store().as_str(), "AS");
    assert_eq!(p.product_id(), "gems_100");
    assert_eq!(p.transaction_id(), Some("2000000111"));
    assert_eq!(p.original_transaction_id(), Some("2000000100"));
    assert_eq!(p.quantity(), 3);
    assert_eq!(p.purchase_time(), 1717243100000);
}

#[test]
fn realtime_requests_check_the_app_apple_id_in_production_then_the_environment() {
    // The fields of Apple's DecodedRealtimeRequestBody test, signed by the test PKI.
    let body = |id: i64, env: &str| {
        format!(r#"{{"originalTransactionId":"99371282","appAppleId":{id},"productId":"com.example.product","userLocale":"en-US","requestIdentifier":"3db5c98d-8acf-4e29-831e-8e1f82f9f6e9","environment":"{env}","signedDate":{SIGNED}}}"#)
    };
    let jws = |id: i64, env: &str| test_jws(&body(id, env), "leaf-ec", "int-ec", "root-ec");
    let r = pki_verifier(Environment::Sandbox).verify_and_decode_realtime_request(&jws(7, "Sandbox"), NOW).unwrap();
    assert_eq!(r.payload().original_transaction_id(), Some("99371282"));
    assert_eq!(r.payload().app_apple_id(), Some(7));
    assert_eq!(r.payload().product_id(), Some("com.example.product"));
    assert_eq!(r.payload().user_locale(), Some("en-US"));
    assert_eq!(r.payload().request_identifier(), Some("3db5c98d-8acf-4e29-831e-8e1f82f9f6e9"));
    assert_eq!(r.payload().environment(), Some(Environment::Sandbox));
    assert_eq!(r.payload().signed_date(), Some(SIGNED as f64));
    // Fields Apple's model does not have are kept; a known field of another type is refused.
    let extra = test_jws(&body(7, "Sandbox").replacen('{', r#"{"newField":[1],"#, 1), "leaf-ec", "int-ec", "root-ec");
    let r = pki_verifier(Environment::Sandbox).verify_and_decode_realtime_request(&extra, NOW).unwrap();
    assert_eq!(r.payload().0["newField"], serde_json::json!([1]));
    let wrong = test_jws(&body(7, "Sandbox").replace(r#""userLocale":"en-US""#, r#""userLocale":1"#), "leaf-ec", "int-ec", "root-ec");
    assert_eq!(code(pki_verifier(Environment::Sandbox).verify_and_decode_realtime_request(&wrong, NOW)), "MALFORMED_INPUT");
    // No bundle id to compare; the app Apple id counts in Production only.
    let prod = pki_verifier(Environment::Production);
    prod.verify_and_decode_realtime_request(&jws(42, "Production"), NOW).unwrap();
    assert_eq!(code(prod.verify_and_decode_realtime_request(&jws(7, "Production"), NOW)), "INVALID_APP_IDENTIFIER");
    assert_eq!(code(prod.verify_and_decode_realtime_request(&jws(42, "Sandbox"), NOW)), "INVALID_ENVIRONMENT");
    assert_eq!(code(pki_verifier(Environment::Sandbox).verify_and_decode_realtime_request(&jws(7, "Production"), NOW)), "INVALID_ENVIRONMENT");
    // Judged at its signedDate like the rest: an expired leaf at that date fails.
    let expired = test_jws(&body(7, "Sandbox"), "leaf-ec-expired", "int-ec", "root-ec");
    assert_eq!(code(pki_verifier(Environment::Sandbox).verify_and_decode_realtime_request(&expired, NOW)), "CERTIFICATE_EXPIRED");
}

#[test]
fn unreadable_certificates_are_marked_for_apples_invalid_certificate_status() {
    let v = pki_verifier(Environment::Sandbox);
    let unreadable = |jws: &str| {
        let e = v.verify_and_decode_transaction(jws, NOW).unwrap_err();
        (e.code(), e.details()["unreadable"].as_bool() == Some(true))
    };
    let payload = tx(SIGNED, "Sandbox");
    let key = pki("leaf-ec.pk8");
    let two = vec![pki("leaf-ec.der"), pki("int-ec.der")];
    assert_eq!(unreadable(&jws_with_header(&x5c_header(&two), &payload, &key)), ("INVALID_CHAIN", true));
    assert_eq!(unreadable(&jws_with_header(r#"{"alg":"ES256"}"#, &payload, &key)), ("INVALID_CHAIN", true));
    let not_cert = format!(r#"{{"alg":"ES256","x5c":["AAAA","{}","{}"]}}"#, b64(&pki("int-ec.der")), b64(&pki("root-ec.der")));
    assert_eq!(unreadable(&jws_with_header(&not_cert, &payload, &key)), ("INVALID_CHAIN", true));
    // Certificates that read fine but do not chain are not "unreadable".
    let no_oid = test_jws(&payload, "leaf-ec-nooid", "int-ec", "root-ec");
    assert_eq!(unreadable(&no_oid), ("INVALID_CHAIN", false));
    assert_eq!(unreadable(&test_jws(&payload, "leaf-ec", "int-ec-nooid", "root-ec")), ("INVALID_CHAIN", false));
}

#[test]
fn x5c_certificates_are_described_for_display_in_the_order_sent() {
    use iap_verify::apple::describe_jws_certificates as describe_certificates;
    let certs: Vec<_> = describe_certificates(public_text("apple-jws-gopay-notification-did-renew-sandbox.jws").trim()).unwrap().into_iter().map(Result::unwrap).collect();
    assert_eq!(certs.len(), 3);
    assert_eq!(certs[0].not_after, 1_695_523_833_000); // 2023-09-24T02:50:33Z
    assert_eq!(certs[0].key_algorithm, "EC P-256");
    assert_eq!(certs[2].subject.first().map(|p| p.value.as_str()), Some("Apple Root CA - G3"));
    assert_eq!(certs[2].sha256, "63:34:3A:BF:B8:9A:6A:03:EB:B5:7E:9B:3F:5F:A7:BE:7C:4F:5C:75:6F:30:17:B3:A8:C4:88:C3:65:3E:91:79");
    // Xcode's tokens carry one certificate; a header without x5c, or not a JWS, is a typed error.
    assert_eq!(describe_certificates(public_text("apple-jws-xcode-signed-transaction.jws").trim()).unwrap().len(), 1);
    assert_eq!(code(describe_certificates(public_text("apple-jws-testca-missingX5CHeaderClaim.jws").trim())), "INVALID_CHAIN");
    assert_eq!(code(describe_certificates("e30.e30.sig")), "INVALID_CHAIN");
    assert_eq!(code(describe_certificates("%%%")), "MALFORMED_INPUT");
    // An entry that is not a certificate, or not base64, is that entry's error; the others are still described.
    let g3 = b64(&public("apple-root-AppleRootCA-G3.cer"));
    let header = b64url(format!(r#"{{"alg":"ES256","x5c":["MAMCAQE=","%%","{g3}"]}}"#).as_bytes());
    let described = describe_certificates(&format!("{header}.e30.sig")).unwrap();
    let codes: Vec<_> = described.iter().map(|r| r.as_ref().map(|c| c.key_algorithm.as_str()).map_err(|e| e.code())).collect();
    assert_eq!(codes, [Err("MALFORMED_INPUT"), Err("MALFORMED_INPUT"), Ok("EC P-384")]);
}
