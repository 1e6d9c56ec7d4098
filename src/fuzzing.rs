//! Entry points that feed arbitrary bytes to every parser, shared by the cargo-fuzz targets
//! (`fuzz/`, which enables the `fuzzing` feature that makes this module public), the
//! crash-regression replay and the property tests (this module's tests, run by `cargo test`), so
//! all three exercise the same code. Each must return normally on any input: a panic is the bug
//! being hunted. Not part of the crate's API.
#![doc(hidden)]
// Public only with the `fuzzing` feature; `cargo test` compiles it for its own tests without it.
#![cfg_attr(not(feature = "fuzzing"), allow(unreachable_pub))]

use crate::der::{self, SubjectPublicKeyInfo};
use crate::host::{run_ready, SignatureCheck, SignatureHost};
use crate::google::{rtdn, GoogleVerifier, VerifyOptions};
use crate::nhn::{GamebaseApi, HttpResponse, IapApi};
use crate::onestore::OneStoreVerifier;
use crate::rsa::RsaPublicKey;

/// A host that says every signature is valid: the steps after the signature, on inputs no key
/// signed (a fuzzer cannot make signatures).
struct SaysValid;

impl SignatureHost for SaysValid {
    fn check<'a>(&'a self, _: SignatureCheck<'a>) -> impl std::future::Future<Output = Option<bool>> + 'a {
        std::future::ready(Some(true))
    }
}

/// A fuzz entry point.
pub type Target = fn(&[u8]);

/// Every target, by name (the name of its folder under `fuzz/corpus` and `fuzz/regressions`).
pub const TARGETS: &[(&str, Target)] = &[
    ("der", der_reader),
    ("rsa_key", rsa_key),
    ("google_purchase", google_purchase),
    ("google_rtdn", google_rtdn),
    ("payment_flow", payment_flow),
    ("purchase_flow", purchase_flow),
    ("subscription_status", subscription_status),
    ("purchase_sources", purchase_sources),
    ("x509", x509),
    ("apple_receipt", apple_receipt),
    ("apple_jws", apple_jws),
    ("nhn_response", nhn_response),
    ("app_store_answer", app_store_answer),
    ("play_answer", play_answer),
    ("onestore_answer", onestore_answer),
    ("onestore_notification", onestore_notification),
    ("ocsp_response", ocsp_response),
    ("pubsub_token", pubsub_token),
    ("model_fields", model_fields),
    ("store_event", store_event),
    ("signature_creators", signature_creators),
];

/// The first byte as an HTTP status (so 2xx, 3xx, 4xx and 5xx paths all run), the rest as the body.
fn response(data: &[u8]) -> HttpResponse {
    let (status, body) = match data.split_first() {
        Some((&b, rest)) => (if b < 100 { 200 } else { u16::from(b) * 2 }, rest),
        None => (200, data),
    };
    let mut r = HttpResponse::new(status, String::from_utf8_lossy(body));
    r.headers.push("Retry-After", "5");
    r
}

/// The first NUL splits an input in two (e.g. signed data and signature).
fn split(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (data.get(..i).unwrap_or_default(), data.get(i + 1..).unwrap_or_default()),
        None => (data, &[]),
    }
}

/// The ASN.1 reader: BER TLVs walked recursively, integers, SubjectPublicKeyInfo.
pub fn der_reader(data: &[u8]) {
    fn walk(r: &mut der::Reader<'_>, depth: usize) {
        while !r.at_end() {
            match r.read_ber_tlv() {
                Ok(tlv) if tlv.tag & der::tag::CONSTRUCTED != 0 && depth < 64 => {
                    walk(&mut tlv.reader("fuzz"), depth + 1)
                }
                Ok(tlv) => {
                    let _ = tlv.small_integer("fuzz");
                    let _ = tlv.unsigned_integer("fuzz");
                }
                Err(_) => return,
            }
        }
    }
    walk(&mut der::Reader::new("fuzz", data), 0);
    let _ = SubjectPublicKeyInfo::parse(data, "fuzz");
}

/// Licence keys, as DER and as (lossy) base64 text.
pub fn rsa_key(data: &[u8]) {
    let _ = RsaPublicKey::from_spki_der(data, 1024);
    let _ = RsaPublicKey::from_spki_base64(&String::from_utf8_lossy(data), 1024);
}

/// Google Play and ONE store: arbitrary signed data and signature text with a valid test key.
pub fn google_purchase(data: &[u8]) {
    const KEY: &str = include_str!("../tests/vectors/google/test-key-2048.pub");
    let (signed, signature) = split(data);
    let signature = String::from_utf8_lossy(signature);
    if let Ok(v) = GoogleVerifier::new(KEY, VerifyOptions::default()) {
        let _ = v.verify(signed, &signature);
        // The decode step alone, as if the signature had verified.
        let _ = run_ready(v.verify_json_with(&SaysValid, signed, &signature, true));
    }
    if let Ok(v) = OneStoreVerifier::new(KEY, VerifyOptions::default()) {
        let _ = v.verify(signed, &signature);
        let _ = run_ready(v.verify_json_with(&SaysValid, signed, &signature, false));
    }
}

/// Google RTDN: the push body and the notification inside it.
pub fn google_rtdn(data: &[u8]) {
    let _ = rtdn::decode_push(data);
    let meta = rtdn::PushMetadata { message_id: None, publish_time: None, attributes: None, subscription: None };
    let _ = rtdn::decode_notification(data, meta);
}

/// Notifications to the one event: any JSON object as a decoded App Store notification, any bytes as
/// a Pub/Sub push of an RTDN.
pub fn store_event(data: &[u8]) {
    if let Ok(map) = crate::json_text::decode_object("t", data) {
        let _ = crate::purchase::event::apple(&map);
        // A PNS message as verified (the signature is not the mapping's concern).
        let _ = crate::purchase::event::onestore_payment(&map);
    }
    if let Ok(sns) = crate::onestore::decode_subscription_notification(data) {
        let _ = crate::purchase::StoreEvent::from_onestore_subscription(&sns);
    }
    if let Ok(n) = rtdn::decode_push(data) {
        let _ = crate::purchase::StoreEvent::from_google(&n);
    }
}

/// A stored payment flow (as `PaymentFlow.fromJSON` reads it), every event applied to it, and the
/// bytes as an event applied to a fresh flow.
pub fn payment_flow(data: &[u8]) {
    use crate::purchase::{FlowEvent, PaymentFlow, StartParams, Store};
    let text = String::from_utf8_lossy(data);
    let events = [
        FlowEvent::Paid { access_token: "t".into() },
        FlowEvent::UserCanceled,
        FlowEvent::VerifyFailed { reason: "r".into() },
        FlowEvent::ConsumeRequested,
        FlowEvent::Consumed,
        FlowEvent::AlreadyConsumed,
        FlowEvent::ConsumeTimeout,
        FlowEvent::Delivered,
        FlowEvent::Completed,
        FlowEvent::Refunded { reason: None },
    ];
    if let Ok(flow) = PaymentFlow::from_json(&text) {
        let _ = flow.pending_effects();
        for e in &events {
            if let Ok(a) = flow.apply(e) {
                let _ = a.flow.to_json().map(|j| PaymentFlow::from_json(&j));
            }
        }
    }
    if let Ok(event) = serde_json::from_str::<FlowEvent>(&text) {
        let params = StartParams {
            payment_seq: "1".into(),
            user_id: "u".into(),
            store: Store::GooglePlay,
            product_id: "p".into(),
        };
        if let Ok(flow) = PaymentFlow::start(params) {
            let _ = flow.apply(&event);
        }
    }
}

/// A stored purchase flow (as `PurchaseFlow.fromJSON` reads it), its next step, every JSON event
/// applied to it, and the bytes as an event and as start parameters.
pub fn purchase_flow(data: &[u8]) {
    use crate::purchase::{PurchaseEvent, PurchaseFlow, PurchaseStart};
    let text = String::from_utf8_lossy(data);
    let events = [
        r#"{"type":"PENDING"}"#,
        r#"{"type":"VERIFY_FAILED","reason":"r"}"#,
        r#"{"type":"ALREADY_SETTLED"}"#,
        r#"{"type":"SETTLE_REQUESTED"}"#,
        r#"{"type":"SETTLED"}"#,
        r#"{"type":"SETTLE_TIMEOUT"}"#,
        r#"{"type":"DELIVERED"}"#,
        r#"{"type":"COMPLETED"}"#,
        r#"{"type":"REFUNDED"}"#,
        r#"{"type":"REOPENED","by":"a","reason":"b"}"#,
        r#"{"type":"RENEWED","at":5,"expiresAt":9}"#,
    ];
    if let Ok(flow) = PurchaseFlow::from_json(&text) {
        let _ = (flow.next_step(), flow.deliver_effect(), flow.revoke_effect(), flow.unsettled(), flow.acknowledge_by());
        for e in events.iter().filter_map(|e| PurchaseEvent::from_json(e).ok()) {
            if let Ok(a) = flow.apply(&e) {
                // What the reducer writes, it reads back.
                if let Ok(j) = a.flow.to_json() {
                    assert!(PurchaseFlow::from_json(&j).is_ok(), "a written flow did not read back: {j}");
                }
            }
        }
    }
    if let Ok(event) = PurchaseEvent::from_json(&text) {
        let start = PurchaseStart::from_json(r#"{"store":"GG","storeId":"t","productId":"p","kind":"CONSUMABLE"}"#);
        if let Ok(flow) = start.and_then(PurchaseFlow::start) {
            let _ = flow.apply(&event);
        }
    }
    if let Ok(start) = PurchaseStart::from_json(&text) {
        let _ = PurchaseFlow::start(start).map(|f| f.to_json());
    }
}

/// Subscription-status input at instants around the edges of the time line.
pub fn subscription_status(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for at in [i64::MIN, -1, 0, 1_700_000_000_000, i64::MAX] {
        let _ = crate::purchase::subscription_status_json(&text, at);
    }
}

/// Store documents to the unified purchase (each source's mapping, on any JSON).
pub fn purchase_sources(data: &[u8]) {
    use crate::purchase::sources;
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let _ = sources::google_purchase_data(&v);
    let _ = sources::onestore_purchase_data(&v);
    let _ = sources::apple_transaction(&v);
    let _ = sources::nhn_record(&v);
    let _ = sources::apple_receipt_in_app(&v, v.get("receiptType").and_then(serde_json::Value::as_str));
    // ONE store's server answers, with the request facts a binding registers beside them.
    let request = v.get("request").cloned().unwrap_or_default();
    let _ = sources::onestore_purchase_details(&v, &request);
    let _ = sources::onestore_subscription_detail(&v, &request);
}

/// X.509 certificates: parse, read the parts chain building reads, use one as an anchor, and
/// describe one for display.
pub fn x509(data: &[u8]) {
    use crate::x509::{Certificate, TrustAnchors};
    let _ = crate::x509::describe(data);
    if let Ok(c) = Certificate::parse(data) {
        let _ = c.is_ca();
        let _ = c.common_name();
        let _ = c.check_validity_at(0);
        if let Ok(k) = c.public_key() {
            let _ = c.verify_signed_by(&k);
        }
    }
    if let Ok(anchors) = TrustAnchors::from_der(&[data]) {
        if let Ok(c) = Certificate::parse(include_bytes!("../tests/vectors/testpki/int-ec.der")) {
            let _ = anchors.find_issuer(&c);
        }
    }
}

/// Apple app receipts: the PKCS#7 container (DER and BER), the chain, the payload alone, and the
/// transaction id extractors (receipt and iOS 6 plist text), and the certificates described.
pub fn apple_receipt(data: &[u8]) {
    use crate::apple::receipt::{self, AppReceiptVerifier, ReceiptOptions};
    const ROOT: &[u8] = include_bytes!("../tests/vectors/testpki/root-rsa.der");
    if let Ok(v) = AppReceiptVerifier::with_roots(Some(&[ROOT])) {
        let device = [0u8; 16];
        let _ = v.verify(data, &ReceiptOptions { bundle_id: Some("com.example.testpki"), device_id: Some(&device), now: 0 });
    }
    let _ = receipt::parse_payload(data);
    let _ = receipt::extract_transaction_id_from_app_receipt(data);
    let _ = receipt::describe_certificates(data);
    let _ = receipt::extract_transaction_id_from_transaction_receipt(&String::from_utf8_lossy(data));
}

/// Apple JWS: every verifier method, with the test PKI root and in the Xcode environment, and the
/// payload models decoded from arbitrary JSON, and the x5c certificates described.
pub fn apple_jws(data: &[u8]) {
    use crate::apple::models::{AppTransaction, Environment, ResponseBodyV2DecodedPayload};
    use crate::apple::SignedDataVerifier;
    const ROOT: &[u8] = include_bytes!("../tests/vectors/testpki/root-ec.der");
    let text = String::from_utf8_lossy(data);
    let _ = crate::apple::jws::describe_certificates(&text);
    for env in [Environment::Sandbox, Environment::Xcode] {
        if let Ok(v) = SignedDataVerifier::with_roots(Some(&[ROOT]), false, env, "com.example.app", Some(1)) {
            let _ = v.verify_and_decode_transaction(&text, 0);
            let _ = v.verify_and_decode_renewal_info(&text, 0);
            let _ = v.verify_and_decode_app_transaction(&text, 0);
            let _ = v.verify_and_decode_notification(&text, 0);
        }
    }
    let _ = serde_json::from_slice::<ResponseBodyV2DecodedPayload>(data);
    let _ = serde_json::from_slice::<AppTransaction>(data);
}
/// NHN IAP / Gamebase: arbitrary bytes as the body of every endpoint's response, the status taken
/// from the first byte (so 2xx, 4xx and 5xx paths all run).
pub fn nhn_response(data: &[u8]) {
    let (status, body) = match data.split_first() {
        Some((&b, rest)) => (if b < 200 { 200 } else { u16::from(b) * 2 }, rest),
        None => (200, data),
    };
    let r = HttpResponse::new(status, String::from_utf8_lossy(body));
    if let Ok(api) = IapApi::new("k", None) {
        let _ = api.parse_consume(&r);
        let _ = api.parse_list_consumables(&r);
        let _ = api.parse_list_active_subscriptions(&r);
        let _ = api.parse_consume_legacy(&r);
        let _ = api.parse_list_consumables_legacy(&r);
        let _ = api.parse_list_items_legacy(&r);
    }
    if let Ok(api) = GamebaseApi::new("app", "secret", None, None) {
        let _ = api.parse_consume(&r);
        let _ = api.parse_list_consumables(&r);
        let _ = api.parse_get_payment_transaction(&r);
        let _ = api.parse_list_active_subscriptions(&r);
        let _ = api.parse_subscriptions_status(&r);
        let _ = api.parse_header_only(&r);
    }
}

/// App Store Server API answers: arbitrary bytes as an endpoint's response, read with a client
/// whose verifier trusts the test PKI (so signed fields that do verify go on to be decoded).
pub fn app_store_answer(data: &[u8]) {
    use crate::endpoint::ServerApi;
    use crate::apple::server_api::{AppStoreServerApi, ENDPOINTS};
    use crate::apple::{Environment, SignedDataVerifier};
    const ROOT: &[u8] = include_bytes!("../tests/vectors/testpki/root-ec.der");
    const KEY: &[u8] = include_bytes!("../tests/vectors/testpki/leaf-ec.pk8");
    let Ok(verifier) = SignedDataVerifier::with_roots(Some(&[ROOT]), false, Environment::Sandbox, "com.example.app", Some(1)) else { return };
    let Ok(api) = AppStoreServerApi::new(KEY, "K", "I", "com.example.app", verifier, None) else { return };
    // The first byte picks the endpoint (they share one reader; the choice keeps each run to one
    // parse), the rest is the response.
    let Some((&pick, rest)) = data.split_first() else { return };
    if let Some(e) = ENDPOINTS.get(usize::from(pick) % ENDPOINTS.len()) {
        let _ = api.parse(e, &response(rest), 1_717_243_300_000);
    }
}

/// Apple's signature creators: the first byte picks what the rest is (a `.p8` key, PEM or DER, for
/// each creator; an Advanced Commerce request's JSON text; the v1 fields, split at NUL bytes).
pub fn signature_creators(data: &[u8]) {
    use crate::apple::signature::*;
    const KEY: &[u8] = include_bytes!("../tests/vectors/testpki/leaf-ec.pk8");
    let Some((&pick, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    match pick % 4 {
        0 => {
            let _ = PromotionalOfferSignatureCreator::new(rest, "k", "b").and_then(|c| c.create_signature("p", "o", "", "n", 0));
            let _ = PromotionalOfferV2SignatureCreator::new(rest, "k", "i", "b");
        }
        1 => {
            if let Ok(c) = AdvancedCommerceInAppSignatureCreator::new(KEY, "k", "i", "b") {
                let _ = c.create_signature(&text, "n", 0);
            }
        }
        2 => {
            if let Ok(c) = PromotionalOfferSignatureCreator::new(KEY, "k", "b") {
                let mut f = text.split('\0');
                let mut next = || f.next().unwrap_or_default();
                let _ = c.create_signature(next(), next(), next(), next(), i64::from(pick));
            }
        }
        _ => {
            if let Ok(c) = IntroductoryOfferEligibilitySignatureCreator::new(KEY, "k", "i", "b") {
                let _ = c.create_signature(&text, pick & 0x10 != 0, &text, &text, i64::MIN);
            }
        }
    }
}

/// Play Developer API answers and OAuth token answers, with a service account of the test PKI.
pub fn play_answer(data: &[u8]) {
    use crate::endpoint::ServerApi;
    use crate::google::play_api::{GooglePlayApi, ENDPOINTS};
    const KEY: &[u8] = include_bytes!("../tests/vectors/testpki/leaf-rsa.pk8");
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", base64::Engine::encode(&base64::engine::general_purpose::STANDARD, KEY));
    let file = serde_json::json!({ "type": "service_account", "client_email": "a@b.iam.gserviceaccount.com", "private_key": pem });
    let Ok(api) = GooglePlayApi::new(&file, None, None) else { return };
    // The first byte picks the token answer or an endpoint, the rest is the response.
    let Some((&pick, rest)) = data.split_first() else { return };
    let r = response(rest);
    match ENDPOINTS.get(usize::from(pick) % (ENDPOINTS.len() + 1)) {
        Some(e) => drop(api.parse(e, &r, 1_717_243_300_000)),
        None => drop(api.parse_token(&r, 1_717_243_300_000)),
    }
}

/// ONE store server API answers and OAuth token answers, in both markets (the market decides the
/// zone of times without an offset).
pub fn onestore_answer(data: &[u8]) {
    use crate::endpoint::ServerApi;
    use crate::onestore::server_api::ENDPOINTS;
    use crate::onestore::{MarketCode, OneStoreApi, OneStoreEnvironment};
    // The first byte picks the market, the token answer or an endpoint; the rest is the response.
    let Some((&pick, rest)) = data.split_first() else { return };
    let market = if pick & 0x80 == 0 { MarketCode::One } else { MarketCode::Global };
    let Ok(api) = OneStoreApi::new("com.example.app", "secret", OneStoreEnvironment::Sandbox, market, None) else { return };
    let r = response(rest);
    let now = 1_717_243_300_000;
    if api.parse_token(&HttpResponse::new(200, r#"{"access_token":"t","expires_in":3600}"#), now).is_err() {
        return;
    }
    match ENDPOINTS.get(usize::from(pick & 0x7f) % (ENDPOINTS.len() + 1)) {
        Some(e) => drop(api.parse(e, &r, now)),
        None => drop(api.parse_token(&r, now)),
    }
}

/// ONE store notifications: the bytes as a PNS body checked with the test licence key (parsed,
/// re-serialized in each sample's form, checked), and as an SNS body.
pub fn onestore_notification(data: &[u8]) {
    use crate::onestore::{decode_subscription_notification, OneStoreVerifier, VerifyOptions};
    const KEY: &str = include_str!("../tests/vectors/onestore/test-key-2048.pub");
    if let Ok(v) = OneStoreVerifier::new(KEY, VerifyOptions::default()) {
        let _ = v.verify_notification(data);
    }
    let _ = decode_subscription_notification(data);
}

/// OCSP responses, judged for the test PKI's leaf as its intermediate issued it, with and
/// without a nonce, at instants around the edges of the time line.
pub fn ocsp_response(data: &[u8]) {
    use crate::ocsp::OcspTarget;
    use crate::x509::Certificate;
    const LEAF: &[u8] = include_bytes!("../tests/vectors/testpki-ocsp/leaf-good.der");
    const INT: &[u8] = include_bytes!("../tests/vectors/testpki-ocsp/int.der");
    let (Ok(leaf), Ok(int)) = (Certificate::parse(LEAF), Certificate::parse(INT)) else { return };
    let Ok(key) = int.public_key() else { return };
    let Ok(target) = OcspTarget::new(&leaf, int.subject, &key) else { return };
    for (nonce, now) in [(None, 0), (Some(&[7u8; 32][..]), 1_700_000_000_000), (None, i64::MAX)] {
        let _ = target.check_response(data, nonce, now);
    }
}

/// Pub/Sub push authentication: the bytes as a JWK set (and as the key endpoint's answer), and as
/// the `Authorization` header checked against the test key set.
pub fn pubsub_token(data: &[u8]) {
    use crate::google::pubsub::{verify_push, Expected, GoogleKeys};
    const JWKS: &[u8] = include_bytes!("../tests/vectors/google/pubsub-jwks.json");
    let _ = GoogleKeys::from_jwks(data);
    let _ = GoogleKeys::from_response(200, data);
    let (Ok(keys), Ok(expected)) = (GoogleKeys::from_jwks(JWKS), Expected::new("https://example.com/push", "push@example.iam.gserviceaccount.com")) else {
        return;
    };
    let header = String::from_utf8_lossy(data);
    for now in [0, 1_700_000_000_000, i64::MAX] {
        let _ = verify_push(&header, &keys, &expected, now);
    }
}

/// The model reader and the verbatim scanner on arbitrary JSON, for every Apple model (the
/// verifiers reach them only with signed payloads, which a fuzzer cannot make).
pub fn model_fields(data: &[u8]) {
    use crate::apple::jws::{APP_TRANSACTION, NOTIFICATION, RENEWAL_INFO, TRANSACTION};
    for model in [TRANSACTION, RENEWAL_INFO, APP_TRANSACTION, NOTIFICATION] {
        let _ = crate::json_text::is_verbatim(data, model.fields);
        let _ = crate::json_text::verbatim_text(data, model.fields);
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
            let _ = crate::model_fields::read_object(v, model.fields);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    //! Replays every input kept under `fuzz/regressions/<target>/` (crashers found by `make fuzz`,
    //! once fixed) and `fuzz/corpus-kept/<target>/` (the minimized corpus of the long runs), and every
    //! test vector (the fuzzers' seeds: real receipts, JWS, purchases, API
    //! answers) through the same entry points the fuzzers use, and feeds arbitrary bytes to each with
    //! proptest. None may panic.

    use std::fs;
    use std::path::PathBuf;

    use super::TARGETS;
    use proptest::prelude::*;

    #[test]
    fn every_fuzz_target_and_kept_folder_is_one_of_targets() {
        let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        let names: Vec<&str> = TARGETS.iter().map(|(name, _)| *name).collect();
        // fuzz/Cargo.toml: one [[bin]] per target, named as here, its file fuzz_targets/<name>.rs.
        let manifest = fs::read_to_string(fuzz.join("Cargo.toml")).unwrap();
        let bins: Vec<&str> = manifest.lines().filter_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"')).filter(|n| *n != "iap-verify-fuzz").collect();
        assert_eq!(bins, names, "fuzz/Cargo.toml's targets and TARGETS, in order");
        for name in &names {
            assert!(fuzz.join("fuzz_targets").join(format!("{name}.rs")).is_file(), "fuzz/fuzz_targets/{name}.rs");
        }
        // A kept folder of another name would never be replayed.
        for kept in ["regressions", "corpus-kept"] {
            let Ok(dir) = fs::read_dir(fuzz.join(kept)) else { continue };
            for entry in dir {
                let name = entry.unwrap().file_name().into_string().unwrap();
                assert!(names.contains(&name.as_str()), "fuzz/{kept}/{name} is no fuzz target's folder");
            }
        }
    }

    #[test]
    fn kept_fuzz_inputs_replay_without_panic() {
        let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        for kept in ["regressions", "corpus-kept"] {
            let mut replayed = 0;
            for (name, target) in TARGETS {
                let Ok(dir) = fs::read_dir(fuzz.join(kept).join(name)) else { continue };
                for entry in dir {
                    let path = entry.unwrap().path();
                    target(&fs::read(&path).unwrap());
                    replayed += 1;
                }
            }
            eprintln!("replayed {replayed} inputs of fuzz/{kept}");
        }
    }

    /// Every file below `dir`, recursively.
    fn files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_test_vector_replays_through_every_target_without_panic() {
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut vectors = Vec::new();
        // The project's own vectors and the public ones (tests/vectors/public/), all in the repository.
        files(&manifest.join("tests/vectors"), &mut vectors);
        assert!(vectors.iter().any(|p| p.starts_with(manifest.join("tests/vectors/public/certs"))), "no public vectors found");
        assert!(vectors.len() > 40, "only {} vectors found", vectors.len());
        for path in &vectors {
            let bytes = fs::read(path).unwrap();
            for (_, target) in TARGETS {
                target(&bytes);
            }
        }
        eprintln!("replayed {} vectors through {} targets", vectors.len(), TARGETS.len());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic_any_parser(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            for (_, target) in TARGETS {
                target(&data);
            }
        }

        #[test]
        fn arbitrary_json_ish_text_never_panics(text in "[\\{\\}\\[\\]\":,a-z0-9 \\\\-]{0,512}") {
            for (_, target) in TARGETS {
                target(text.as_bytes());
            }
        }
    }
}
