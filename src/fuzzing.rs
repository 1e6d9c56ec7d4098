//! Entry points that feed arbitrary bytes to every parser, shared by the cargo-fuzz targets
//! (`fuzz/`), the crash-regression replay and the property tests, so all three exercise the
//! same code. Each must return normally on any input: a panic is the bug being hunted.
#![doc(hidden)]

use crate::der::{self, SubjectPublicKeyInfo};
use crate::google::{rtdn, GoogleVerifier, VerifyOptions};
use crate::nhn::{GamebaseApi, HttpResponse, IapApi};
use crate::onestore::OneStoreVerifier;
use crate::rsa::RsaPublicKey;

/// A fuzz entry point.
pub type Target = fn(&[u8]);

/// Every target, by name (the name of its folder under `fuzz/corpus` and `fuzz/regressions`).
pub const TARGETS: &[(&str, Target)] = &[
    ("der", der_reader),
    ("rsa_key", rsa_key),
    ("google_purchase", google_purchase),
    ("google_rtdn", google_rtdn),
    ("nhn_response", nhn_response),
];

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
        let _ = v.decode_host_verified(signed);
    }
    if let Ok(v) = OneStoreVerifier::new(KEY, VerifyOptions::default()) {
        let _ = v.verify(signed, &signature);
        let _ = v.decode_host_verified(signed);
    }
}

/// Google RTDN: the push body and the notification inside it.
pub fn google_rtdn(data: &[u8]) {
    let _ = rtdn::decode_push(data);
    let meta = rtdn::PushMetadata { message_id: None, publish_time: None, attributes: None, subscription: None };
    let _ = rtdn::decode_notification(data, meta);
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
