//! The one public-key operation of a verification, as a question the caller's host may answer.
//!
//! Every verifier does its checks in the same order: limits and parsing, the certificate chain,
//! then exactly one signature check, then decoding and the policy checks. The signature check is
//! the only step a host can do faster than ring compiled to WebAssembly (node:crypto, WebCrypto),
//! so the core asks it as a [`SignatureCheck`] (algorithm, key, message, signature), awaits a
//! [`SignatureHost`]'s answer, and does the check with ring itself when the host has none. The
//! verification steps are written once, as `async` code; [`RingOnly`] runs them synchronously.
//!
//! A host that answers wrongly can only make the core accept what its own key says is signed: the
//! question names the key the core's chain and policy checks chose, never one from the input.

use std::future::Future;
use std::pin::Pin;

use crate::error::{Error, Result};

/// A signature algorithm, fixed by the format being verified (never chosen by the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-1 (Google Play purchases, old app receipts).
    RsaPkcs1Sha1,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (app receipts, Pub/Sub push tokens).
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-512 (ONE store purchases).
    RsaPkcs1Sha512,
    /// ECDSA on P-256 with SHA-256, the signature as IEEE P1363 `r‖s` (App Store JWS, ES256).
    EcdsaP256Sha256,
}

impl Algorithm {
    /// The digest's name as WebCrypto and node:crypto spell it.
    pub const fn hash_name(self) -> &'static str {
        match self {
            Algorithm::RsaPkcs1Sha1 => "SHA-1",
            Algorithm::RsaPkcs1Sha256 | Algorithm::EcdsaP256Sha256 => "SHA-256",
            Algorithm::RsaPkcs1Sha512 => "SHA-512",
        }
    }

    /// Whether the key of a [`SignatureCheck`] with this algorithm is an RSA SubjectPublicKeyInfo
    /// (DER); otherwise it is an uncompressed P-256 point (`04‖X‖Y`, WebCrypto's `raw` format).
    pub const fn is_rsa(self) -> bool {
        !matches!(self, Algorithm::EcdsaP256Sha256)
    }
}

/// One signature to check: does `signature` verify over `message` under `key` with `algorithm`?
#[derive(Debug, Clone, Copy)]
pub struct SignatureCheck<'a> {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The key, in the form [`Algorithm::is_rsa`] says; already parsed and checked by the core.
    pub key: &'a [u8],
    /// The exact bytes that were signed.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
}

impl<'a> SignatureCheck<'a> {
    /// For an RSA check, the key's modulus and public exponent, big-endian with no leading zero
    /// byte (a JWK's `n` and `e`, RFC 7518 §6.3.1): a host may import those faster than the
    /// SubjectPublicKeyInfo (node:crypto builds a JWK key directly, where DER goes through
    /// OpenSSL's decoder lookup). `None` for an ECDSA check.
    pub fn rsa_numbers(&self) -> Option<(&'a [u8], &'a [u8])> {
        if !self.algorithm.is_rsa() {
            return None;
        }
        crate::rsa::numbers_of_spki(self.key)
    }
}

/// Who answers a [`SignatureCheck`]: `Some(valid)`, or `None` when it cannot (no engine, a key it
/// refuses, an exception), and the core then checks with ring. Results never depend on the host:
/// a host that can answer gives the answer ring would.
pub trait SignatureHost {
    /// Answers one check.
    fn check<'a>(&'a self, check: SignatureCheck<'a>) -> impl Future<Output = Option<bool>> + 'a;
}

/// The host that answers nothing: ring does every check. Verifications driven by it never wait.
#[derive(Debug, Clone, Copy, Default)]
pub struct RingOnly;

impl SignatureHost for RingOnly {
    fn check<'a>(&'a self, _: SignatureCheck<'a>) -> impl Future<Output = Option<bool>> + 'a {
        std::future::ready(None)
    }
}

/// A [`SignatureHost`] behind a pointer, for a driver compiled once for every host (the module then
/// carries one copy of it, however many hosts call it).
pub(crate) trait DynHost {
    fn check_boxed<'a>(&'a self, check: SignatureCheck<'a>) -> Pin<Box<dyn Future<Output = Option<bool>> + 'a>>;
}

impl<H: SignatureHost> DynHost for H {
    fn check_boxed<'a>(&'a self, check: SignatureCheck<'a>) -> Pin<Box<dyn Future<Output = Option<bool>> + 'a>> {
        Box::pin(self.check(check))
    }
}

impl SignatureHost for dyn DynHost + '_ {
    fn check<'a>(&'a self, check: SignatureCheck<'a>) -> impl Future<Output = Option<bool>> + 'a {
        self.check_boxed(check)
    }
}

/// Asks `host`, and falls back to `ring` when it has no answer.
pub(crate) async fn check_signature<H: SignatureHost + ?Sized>(
    host: &H,
    check: SignatureCheck<'_>,
    ring: impl FnOnce() -> Result<()>,
) -> Result<()> {
    match host.check(check).await {
        Some(true) => Ok(()),
        Some(false) => Err(Error::InvalidSignature),
        None => ring(),
    }
}

/// Runs a verification whose host never waits (such as [`RingOnly`], or a synchronous engine) to
/// its end. A future that does wait is an `INVALID_ARGUMENT`: that host belongs to an async call.
pub fn run_ready<F: Future>(future: F) -> Result<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => Ok(out),
        std::task::Poll::Pending => Err(Error::invalid_argument("a host that waits was used in a synchronous verification")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    struct Says(Option<bool>);

    impl SignatureHost for Says {
        fn check<'a>(&'a self, _: SignatureCheck<'a>) -> impl Future<Output = Option<bool>> + 'a {
            std::future::ready(self.0)
        }
    }

    struct Waits;

    impl SignatureHost for Waits {
        fn check<'a>(&'a self, _: SignatureCheck<'a>) -> impl Future<Output = Option<bool>> + 'a {
            std::future::pending()
        }
    }

    const CHECK: SignatureCheck<'static> =
        SignatureCheck { algorithm: Algorithm::RsaPkcs1Sha256, key: b"k", message: b"m", signature: b"s" };

    #[test]
    fn the_host_answers_first_and_ring_only_when_it_cannot() {
        let ring_says = |r: Result<()>| move || r;
        let code = |r: Result<Result<()>>| r.unwrap().map_err(|e| e.code());
        assert_eq!(code(run_ready(check_signature(&Says(Some(true)), CHECK, ring_says(Err(Error::InvalidSignature))))), Ok(()));
        assert_eq!(code(run_ready(check_signature(&Says(Some(false)), CHECK, ring_says(Ok(()))))), Err("INVALID_SIGNATURE"));
        assert_eq!(code(run_ready(check_signature(&Says(None), CHECK, ring_says(Ok(()))))), Ok(()));
        assert_eq!(code(run_ready(check_signature(&RingOnly, CHECK, ring_says(Err(Error::InvalidSignature))))), Err("INVALID_SIGNATURE"));
    }

    #[test]
    fn a_waiting_host_is_refused_in_a_synchronous_run() {
        let e = run_ready(check_signature(&Waits, CHECK, || Ok(()))).unwrap_err();
        assert_eq!(e.code(), "INVALID_ARGUMENT");
    }

    #[test]
    fn algorithms_name_their_hash_and_key_form() {
        assert_eq!(Algorithm::RsaPkcs1Sha1.hash_name(), "SHA-1");
        assert_eq!(Algorithm::RsaPkcs1Sha512.hash_name(), "SHA-512");
        assert!(Algorithm::RsaPkcs1Sha256.is_rsa() && !Algorithm::EcdsaP256Sha256.is_rsa());
    }
}
