//! Online checks (OCSP) of Apple signed data, natively: a JWS signed by the OCSP test PKI
//! (tests/pki/gen-ocsp.sh), answered by a transport that serves the pre-generated responses by the
//! URL path each certificate names, and counts what was asked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use std::cell::RefCell;
use std::future::{ready, Ready};

use common::{jws_with_header, x5c_header};
use iap_verify::apple::models::Environment;
use iap_verify::apple::SignedDataVerifier;
use iap_verify::ocsp::{OcspRequest, OcspTransport};
use iap_verify::Error;

fn v(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/vectors/testpki-ocsp/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Serves `resp-<path>.der` for `http://ocsp.iap-verify.test/<path>` (`root` → resp-int.der).
struct Files {
    overrides: Vec<(&'static str, Result<Vec<u8>, Error>)>,
    asked: RefCell<Vec<String>>,
}

impl Files {
    fn new() -> Self {
        Files { overrides: Vec::new(), asked: RefCell::default() }
    }
}

impl OcspTransport for Files {
    type Pending = Ready<iap_verify::Result<Vec<u8>>>;
    fn start(&self, request: &OcspRequest) -> Self::Pending {
        assert_eq!(request.method, "POST");
        let path = request.url.strip_prefix("http://ocsp.iap-verify.test/").unwrap().to_owned();
        self.asked.borrow_mut().push(path.clone());
        if let Some((_, r)) = self.overrides.iter().find(|(p, _)| *p == path) {
            return ready(r.clone());
        }
        ready(Ok(v(&format!("resp-{}.der", if path == "root" { "int" } else { &path }))))
    }
    fn nonce(&self) -> Option<Vec<u8>> {
        Some(vec![0x5a; 32])
    }
}

/// Runs a future whose transport never pends.
fn run<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => panic!("the test transport never pends"),
    }
}

fn verifier(online: bool) -> SignedDataVerifier {
    SignedDataVerifier::with_roots(Some(&[v("root.der")]), online, Environment::Sandbox, "com.example.app", None).unwrap()
}

fn token(leaf: &str, signed_date: i64) -> String {
    let payload = format!(r#"{{"transactionId":"7","bundleId":"com.example.app","environment":"Sandbox","signedDate":{signed_date}}}"#);
    jws_with_header(&x5c_header(&[v(&format!("leaf-{leaf}.der")), v("int.der"), v("root.der")]), &payload, &v("leaf.pk8"))
}

/// A time when every pre-generated response is current except the one-minute "stale" one: an
/// hour after they were made. When they were made is resp-good.der's thisUpdate, which an online
/// check before it (2020-09-13: the certificates are valid, the responses not made yet) reports
/// in the error's details.
fn now() -> i64 {
    let early = 1_600_000_000_000;
    let e = run(verifier(true).verify_and_decode_transaction_online(&token("good", 1), early, &Files::new())).unwrap_err();
    assert_eq!(e.code(), "OCSP_STALE_RESPONSE", "{e}");
    e.details()["thisUpdate"].as_i64().unwrap() + 3_600_000
}

#[test]
fn good_chain_verifies_and_is_cached() {
    let now = now();
    let t = verifier(true);
    let f = Files::new();
    let tx = run(t.verify_and_decode_transaction_online(&token("good", 1_600_000_000_000), now, &f)).unwrap();
    assert_eq!(tx.payload().transaction_id.as_deref(), Some("7"));
    assert_eq!(*f.asked.borrow(), ["good", "root"]);
    // Cached for the responses' validity: no second request.
    run(t.verify_and_decode_transaction_online(&token("good", 1_600_000_000_001), now, &f)).unwrap();
    assert_eq!(f.asked.borrow().len(), 2);
    // The intermediate's answer is shared by another leaf of it; the leaf's is asked.
    let e = run(t.verify_and_decode_transaction_online(&token("revoked", 1), now, &f)).unwrap_err();
    assert_eq!(e.code(), "INVALID_CHAIN");
    assert_eq!(*f.asked.borrow(), ["good", "root", "revoked"]);
}

#[test]
fn verdicts() {
    let now = now();
    for (leaf, code) in [
        ("revoked", "INVALID_CHAIN"),
        ("unknown", "OCSP_STATUS_UNKNOWN"),
        ("badsig", "OCSP_INVALID_SIGNATURE"),
        ("stale", "OCSP_STALE_RESPONSE"),
        ("noaia", "INVALID_CHAIN"),
    ] {
        let e = run(verifier(true).verify_and_decode_transaction_online(&token(leaf, 1), now, &Files::new())).unwrap_err();
        assert_eq!(e.code(), code, "{leaf}: {e}");
        if leaf == "revoked" {
            assert_eq!(e.details()["revoked"], true);
            assert_eq!(e.details()["revocationReason"], "keyCompromise");
        }
    }
    // The revoked verdict is cached too: asked once.
    let (t, f) = (verifier(true), Files::new());
    for _ in 0..2 {
        assert_eq!(run(t.verify_and_decode_transaction_online(&token("revoked", 1), now, &f)).unwrap_err().code(), "INVALID_CHAIN");
    }
    assert_eq!(f.asked.borrow().iter().filter(|p| *p == "revoked").count(), 1);
}

#[test]
fn transport_errors_pass_through_retryable_and_are_not_cached() {
    let now = now();
    let t = verifier(true);
    let mut f = Files::new();
    f.overrides.push(("root", Err(Error::Network { reason: "connection refused".into() })));
    let e = run(t.verify_and_decode_transaction_online(&token("good", 1), now, &f)).unwrap_err();
    assert_eq!((e.code(), e.retryable()), ("NETWORK_ERROR", true));
    // The leaf's good answer was kept; the intermediate's is asked again.
    let f2 = Files::new();
    run(t.verify_and_decode_transaction_online(&token("good", 1), now, &f2)).unwrap();
    assert_eq!(*f2.asked.borrow(), ["root"]);
    // Garbage from a responder is MALFORMED_INPUT, not a pass.
    let mut g = Files::new();
    g.overrides.push(("good", Ok(b"<html>".to_vec())));
    assert_eq!(run(verifier(true).verify_and_decode_transaction_online(&token("good", 1), now, &g)).unwrap_err().code(), "MALFORMED_INPUT");
}

#[test]
fn online_judges_validity_now_and_sync_methods_refuse() {
    let t = verifier(true);
    // Offline, validity is judged at signedDate (here 2030, inside the certificates' 2020–2045).
    let offline = verifier(false);
    offline.verify_and_decode_transaction(&token("good", 1_900_000_000_000), 0).unwrap();
    // Online, at `now`: 2050 is past every certificate.
    let e = run(t.verify_and_decode_transaction_online(&token("good", 1_900_000_000_000), 2_524_608_000_000, &Files::new())).unwrap_err();
    assert_eq!(e.code(), "CERTIFICATE_EXPIRED");
    let e = t.verify_and_decode_transaction(&token("good", 1), now()).unwrap_err();
    assert_eq!(e.code(), "INVALID_ARGUMENT");
    assert!(e.to_string().contains("Async"), "{e}");
    assert_eq!(t.verify_and_decode_notification("a.b.c", 0).unwrap_err().code(), "INVALID_ARGUMENT");
    // A forged token never reaches the network.
    let f = Files::new();
    let good = token("good", 1);
    let at = good.rfind('.').unwrap() + 10;
    let flipped = if &good[at..=at] == "A" { "B" } else { "A" };
    let forged = format!("{}{flipped}{}", &good[..at], &good[at + 1..]);
    assert_eq!(run(t.verify_and_decode_transaction_online(&forged, now(), &f)).unwrap_err().code(), "INVALID_SIGNATURE");
    assert!(f.asked.borrow().is_empty());
}
