//! Offline verification of in-app purchases (Google Play, ONE store, the Apple App Store), and
//! the purchase logic a server builds on it.
//!
//! The crate is sans-I/O and has no clock: the time of a check (`now`, epoch milliseconds) and
//! what to trust (roots, licence keys, Google's published keys) are arguments, and the server
//! API clients build requests and read answers that the caller sends and receives. Nothing
//! panics on any input; every failure is an [`Error`] with a stable [`code`](Error::code).
//!
//! It is the core of the `iap-verify` npm package (built to WebAssembly by the facade crate in
//! `wasm/`), with the same checks and the same errors.
//!
//! # Verifying each store
//!
//! Every example runs (as a doctest) on the test vectors of the repository's `tests/vectors/`.
//!
//! ## Google Play: signed purchase data
//!
//! The app sends `Purchase.getOriginalJson()` exactly as received and `getSignature()`; the
//! server checks them with the app's licence key from the Play Console, then maps the verified
//! purchase to the one [`Purchase`](purchase::Purchase) model:
//!
//! ```
//! use iap_verify::google::{GoogleVerifier, VerifyOptions};
//! use iap_verify::purchase::{IntoPurchase, Store};
//!
//! // The licence key, parsed and checked once; a verifier serves many purchases.
//! let key = include_str!("../tests/vectors/google/test-key-2048.pub");
//! let verifier = GoogleVerifier::new(key, VerifyOptions::default())?;
//!
//! let data = include_bytes!("../tests/vectors/google/consumable.json");
//! let signature = include_str!("../tests/vectors/google/consumable.sig").trim();
//! let verified = verifier.verify(data, signature)?;
//! assert_eq!(verified.purchase().product_id.as_deref(), Some("gem_pack_100"));
//!
//! let purchase = verified.to_purchase()?;
//! assert_eq!((purchase.store(), purchase.quantity()), (&Store::GooglePlay, 2));
//!
//! // One changed byte, and the purchase is refused with a stable code.
//! let mut forged = data.to_vec();
//! forged[1] ^= 0x20;
//! assert_eq!(verifier.verify(&forged, signature).unwrap_err().code(), "INVALID_SIGNATURE");
//! # Ok::<(), iap_verify::Error>(())
//! ```
//!
//! ## ONE store: signed purchase data
//!
//! The same scheme with SHA-512, and ONE store's purchase fields:
//!
//! ```
//! use iap_verify::onestore::OneStoreVerifier;
//! use iap_verify::purchase::{Environment, IntoPurchase};
//! use iap_verify::signed_purchase::VerifyOptions;
//!
//! let key = include_str!("../tests/vectors/onestore/test-key-2048.pub");
//! let verifier = OneStoreVerifier::new(key, VerifyOptions::default())?;
//! let data = include_bytes!("../tests/vectors/onestore/v21.json");
//! let signature = include_str!("../tests/vectors/onestore/v21.sig").trim();
//!
//! let verified = verifier.verify(data, signature)?;
//! assert_eq!(verified.purchase().purchase_token.as_deref(), Some("TOKEN3000000312345"));
//! // A `SANDBOX…` purchase id: a sandbox test purchase.
//! assert_eq!(verified.to_purchase()?.environment(), &Environment::Sandbox);
//! # Ok::<(), iap_verify::Error>(())
//! ```
//!
//! ## Apple: an app receipt
//!
//! The receipt from `appStoreReceiptURL` (base64 or DER), verified against Apple Root CA
//! (bundled), at its creation date:
//!
//! ```
//! use iap_verify::apple::{AppReceiptVerifier, ReceiptOptions};
//!
//! let verifier = AppReceiptVerifier::default(); // Apple Root CA; chains are cached per verifier
//! let receipt = include_str!("../tests/vectors/public/apple-receipt-tpinapp-sandbox-g5.b64");
//! let now = 1_795_000_000_000; // epoch ms, used only for a receipt without a creation date
//! let options = ReceiptOptions { bundle_id: Some("dev.bonzer.weeka.app"), now, ..Default::default() };
//!
//! let verified = verifier.verify_base64(receipt, &options)?;
//! assert_eq!(verified.receipt().receipt_type.as_deref(), Some("ProductionSandbox"));
//! let purchases = verified.to_purchases()?;
//! assert_eq!(purchases.len(), 2);
//! assert_eq!(purchases[0].product_id(), "dev.bonzer.weeka.app.subscription.pro.annual");
//! # Ok::<(), iap_verify::Error>(())
//! ```
//!
//! ## Apple: a StoreKit 2 transaction
//!
//! A JWS signed by Apple (`Transaction.jwsRepresentation` from the app, or a transaction from the
//! App Store Server API), verified against Apple's bundled roots for the app's environment and
//! bundle id (and, in Production, its Apple id):
//!
//! ```
//! use iap_verify::apple::{Environment, SignedDataVerifier};
//! use iap_verify::purchase::IntoPurchase;
//!
//! let roots: Option<&[Vec<u8>]> = None; // Apple's bundled roots
//! let verifier = SignedDataVerifier::with_roots(roots, false, Environment::Sandbox, "com.audaos.audarecorder", None)?;
//! # // The vector: the transaction an App Store notification of the test vectors carries.
//! # let notification = include_str!("../tests/vectors/public/apple-jws-gopay-notification-did-renew-sandbox.jws");
//! # let data = verifier.verify_and_decode_notification(notification.trim(), 1_646_387_100_000)?.into_payload().data;
//! # let jws = data.and_then(|d| d.signed_transaction_info).unwrap_or_default();
//! let now = 1_795_000_000_000; // epoch ms; the chain is judged at the token's signedDate
//! let transaction = verifier.verify_and_decode_transaction(&jws, now)?;
//! let t = transaction.payload();
//! assert_eq!(t.product_id.as_deref(), Some("com.audaos.audarecorder.vip.m2"));
//! assert_eq!(transaction.to_purchase()?.transaction_id(), Some("2000000004047119"));
//! # Ok::<(), iap_verify::Error>(())
//! ```
//!
//! ## Apple: an App Store Server Notification
//!
//! The `signedPayload` of a notification POST, with its nested signed transaction, renewal info
//! and app transaction verified and decoded too:
//!
//! ```
//! use iap_verify::apple::models::NotificationTypeV2;
//! use iap_verify::apple::{Environment, SignedDataVerifier};
//!
//! let roots: Option<&[Vec<u8>]> = None;
//! let verifier = SignedDataVerifier::with_roots(roots, false, Environment::Sandbox, "com.Abilities", None)?;
//! let signed_payload = include_str!("../tests/vectors/public/apple-jws-aporat-notification-test-sandbox.jws");
//! let now = 1_795_000_000_000;
//!
//! let notification = verifier.verify_and_decode_notification(signed_payload.trim(), now)?;
//! assert_eq!(notification.payload().notification_type, Some(NotificationTypeV2::Test));
//! # Ok::<(), iap_verify::Error>(())
//! ```
//!
//! ## Google Play: a real-time developer notification
//!
//! A Pub/Sub push: first the request's `Authorization` header (an OIDC token Google signed),
//! against Google's published keys (fetched by the caller from
//! [`GOOGLE_CERTS_URL`](google::pubsub::GOOGLE_CERTS_URL)), then the body:
//!
//! ```
//! use iap_verify::google::pubsub::{verify_push, Expected, GoogleKeys};
//! use iap_verify::google::rtdn::decode_push;
//!
//! let keys = GoogleKeys::from_jwks(include_bytes!("../tests/vectors/google/pubsub-jwks.json"))?;
//! let expected = Expected::new("https://backend.example.com/rtdn", "rtdn-push@example-project.iam.gserviceaccount.com")?;
//! let now = 1_795_000_000_000;
//! # // The vector: a token signed as Google would, with the test key of that key set.
//! # let authorization = {
//! #     use base64::Engine;
//! #     use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
//! #     let b64url = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
//! #     let pem = include_str!("../tests/vectors/google/test-key-2048.pem");
//! #     let der: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
//! #     let der = base64::engine::general_purpose::STANDARD.decode(der).unwrap();
//! #     let key = RsaKeyPair::from_pkcs8(&der).unwrap();
//! #     let iat = now / 1000 - 60;
//! #     let claims = serde_json::json!({ "aud": "https://backend.example.com/rtdn", "email": "rtdn-push@example-project.iam.gserviceaccount.com",
//! #         "email_verified": true, "exp": iat + 3600, "iat": iat, "iss": "https://accounts.google.com", "sub": "1" });
//! #     let input = format!("{}.{}", b64url(br#"{"alg":"RS256","kid":"test-key-2048","typ":"JWT"}"#), b64url(claims.to_string().as_bytes()));
//! #     let mut sig = vec![0; key.public().modulus_len()];
//! #     key.sign(&RSA_PKCS1_SHA256, &ring::rand::SystemRandom::new(), input.as_bytes(), &mut sig).unwrap();
//! #     format!("Bearer {input}.{}", b64url(&sig))
//! # };
//! let claims = verify_push(&authorization, &keys, &expected, now)?;
//! assert_eq!(claims.email(), Some("rtdn-push@example-project.iam.gserviceaccount.com"));
//!
//! let body = include_bytes!("../tests/vectors/rtdn/subscription-renewed.json");
//! let notification = decode_push(body)?;
//! let renewed = notification.subscription_notification.as_ref().map(|s| (s.notification_type_name, s.purchase_token.as_deref()));
//! assert_eq!(renewed, Some(("SUBSCRIPTION_RENEWED", Some("PURCHASE_TOKEN"))));
//! # Ok::<(), iap_verify::Error>(())
//! ```
//!
//! # After verification
//!
//! A [`Purchase`](purchase::Purchase) is made only from a verified value
//! ([`IntoPurchase`](purchase::IntoPurchase)); [`PaymentFlow`](purchase::PaymentFlow) drives the
//! NHN server-to-server payment (verify, consume, deliver, complete) without ever delivering
//! twice; [`subscription_status`](purchase::subscription_status) says whether a subscriber is
//! entitled at an instant.
//!
//! # Modules
//!
//! | module | what |
//! | --- | --- |
//! | [`apple`] | App Store: [`AppReceiptVerifier`](apple::AppReceiptVerifier) (app receipts), [`SignedDataVerifier`](apple::SignedDataVerifier) (StoreKit 2 transactions, renewal info, app transactions, server notifications, Retention Messaging requests), [`AppStoreServerApi`](apple::AppStoreServerApi); the decoded JSON [`models`](apple::models) and the bundled [`roots`](apple::roots) |
//! | [`google`] | Google Play: [`GoogleVerifier`](google::GoogleVerifier) (signed purchases), [`rtdn`](google::rtdn) (real-time developer notifications), [`pubsub`](google::pubsub) (push authentication), [`GooglePlayApi`](google::GooglePlayApi) (Play Developer API) |
//! | [`onestore`] | ONE store: [`OneStoreVerifier`](onestore::OneStoreVerifier) (signed purchases, and PNS with [`verify_notification`](onestore::OneStoreVerifier::verify_notification)), [`decode_subscription_notification`](onestore::decode_subscription_notification) (SNS), [`OneStoreApi`](onestore::OneStoreApi) (server API V7) |
//! | [`signed_purchase`] | the signed-purchase scheme Google Play and ONE store share (the generic verifier behind theirs) |
//! | [`purchase`] | the one purchase model, the payment flow, subscription status |
//! | [`nhn`] | NHN Cloud IAP and Gamebase purchase APIs |
//! | [`endpoint`] | the sans-I/O server API mechanism the clients share: [`HttpRequest`](endpoint::HttpRequest) and [`HttpResponse`](endpoint::HttpResponse), your [`Transport`](endpoint::Transport), [`Client`](endpoint::Client), [`ServerApi`](endpoint::ServerApi) |
//! | [`ocsp`] | the [`OcspTransport`](ocsp::OcspTransport) of online revocation checks |
//! | [`host`] | the one signature check of a verification, as a question a host may answer (for bindings with their own crypto) |
//! | [`limits`] | the size limits on untrusted input |
//!
//! [`Error`], [`Result`] and the types of the error's details are at the root.
//!
//! # Features
//!
//! - `binding` (off): what a language binding needs to hand verified values out and take them
//!   back (the `binding` module; the wasm facade enables it). Its function per kind of snapshot
//!   (`binding::google`, … `binding::stored`) makes a [`Purchase`](purchase::Purchase) from a
//!   binding's own snapshot of a verified value, the one place that checks no signature; nothing
//!   else public makes a purchase or a verified type from unverified input.
//! - `fuzzing` (off): the fuzz targets' entry points, for the cargo-fuzz crate in `fuzz/`.

#![deny(missing_docs, unreachable_pub)]

mod b64;
mod clean_text;
mod der;
mod error;
mod json_text;
mod model_fields;
mod open_enum;
mod rsa;
mod time;
mod x509;

pub mod apple;
#[cfg(feature = "binding")]
pub mod binding;
pub mod endpoint;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
#[cfg(all(test, not(feature = "fuzzing")))]
mod fuzzing;
pub mod google;
pub mod host;
pub mod limits;
pub mod nhn;
pub mod ocsp;
pub mod onestore;
pub mod purchase;
pub mod signed_purchase;
#[cfg(feature = "typescript")]
pub mod typescript;

pub use error::{Error, ErrorCode, OcspProblem, Result, StoreApiError, Unit};
pub use x509::{describe as describe_certificate, CertificateInfo, NamePart};
