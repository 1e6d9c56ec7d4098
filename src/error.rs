//! The one error type of the crate.
//!
//! Every failure has a stable string [`Error::code`] that JS callers match on (see DESIGN.md §3).
//! Codes are never renamed; new ones may be added, which is why the enum is `#[non_exhaustive]`.
//! Messages are for people and may change. Cryptographic failures stay coarse on purpose: a
//! signature "does not verify", we do not say why.

use std::fmt;

/// What went wrong. Each variant maps to exactly one [`Error::code`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// `MALFORMED_INPUT`: not base64 / JSON / DER / JWS of the expected shape.
    /// `what` names the input; `offset` is the byte position where known.
    MalformedInput {
        /// The input, as the API names it (`receipt`, `JWS payload`, `Google purchase data`).
        what: &'static str,
        /// Why it could not be read (for people; never the secret or hostile bytes themselves).
        reason: String,
        /// The byte position of the fault in the input, where known.
        offset: Option<usize>,
    },
    /// `INPUT_TOO_LARGE`: the input is over a documented limit (see [`crate::limits`]); `limit`
    /// and `actual` count `unit`s.
    InputTooLarge {
        /// The input, as the API names it.
        what: &'static str,
        /// The limit, in `unit`s.
        limit: usize,
        /// The input's size, in `unit`s.
        actual: usize,
        /// What `limit` and `actual` count.
        unit: Unit,
    },
    /// `INVALID_PUBLIC_KEY`: not a usable public key of the kind the format requires.
    InvalidPublicKey {
        /// What is wrong with it (its form, its size, its algorithm).
        reason: String,
    },
    /// `INVALID_SIGNATURE`: the signature does not verify over the bytes received (or a receipt
    /// hash does not match the device).
    InvalidSignature,
    /// `INVALID_CHAIN`: wrong chain length, untrusted root, missing marker OID, bad certificate
    /// signature, a certificate that cannot be parsed. `unreadable` (in `details`) marks the
    /// cases where the certificates could not be read at all (no `x5c`, the wrong number of
    /// entries, not base64, not a certificate), which Apple's library reports as
    /// `INVALID_CERTIFICATE` rather than `VERIFICATION_FAILURE`.
    InvalidChain {
        /// Which rule the chain broke.
        reason: String,
        /// The certificates could not be read at all.
        unreadable: bool,
    },
    /// `CERTIFICATE_EXPIRED`: a certificate was not valid at the effective date (epoch ms).
    CertificateExpired {
        /// The certificate's subject common name.
        subject: String,
        /// Its `notBefore`, epoch ms.
        not_before: i64,
        /// Its `notAfter`, epoch ms.
        not_after: i64,
        /// The effective date it was judged at, epoch ms.
        at: i64,
    },
    /// `INVALID_APP_IDENTIFIER`: bundle id, package name or app Apple id is not the expected one.
    InvalidAppIdentifier {
        /// The identifier the verifier was configured with.
        expected: String,
        /// The one the data carries, if any.
        actual: Option<String>,
    },
    /// `INVALID_ENVIRONMENT`: Sandbox data where Production is expected, or the reverse.
    InvalidEnvironment {
        /// The environment the verifier was configured with.
        expected: String,
        /// The one the data carries, if any.
        actual: Option<String>,
    },
    /// `INVALID_STATE_TRANSITION`: the payment-flow step is not allowed from the current state.
    InvalidStateTransition {
        /// The flow's state (`RESERVED`, `CONSUME_REQUESTED`, …).
        state: String,
        /// The event that is not allowed in it (`PAID`, `DELIVERED`, …).
        event: String,
    },
    /// `ALREADY_CONSUMED`: the IAP server says the payment was consumed already (result code 5018).
    /// `result_message` is the server's text, cleaned (see [`Error::Api`]).
    AlreadyConsumed {
        /// The server's `resultMessage`, cleaned.
        result_message: String,
    },
    /// `API_ERROR`: the IAP server answered `isSuccessful: false`, or with a non-2xx status.
    /// `result_message` is the server's text, cleaned: control and bidirectional formatting
    /// characters removed, anything shaped like a credential replaced by `<redacted>`, cut to
    /// [`MAX_UPSTREAM_TEXT`](crate::limits::MAX_UPSTREAM_TEXT) characters. The message (`Display`)
    /// never includes it.
    Api {
        /// The HTTP status.
        status: u16,
        /// The server's `resultCode`, when it sent one.
        result_code: Option<i64>,
        /// The server's `resultMessage`, cleaned, when it sent one.
        result_message: Option<String>,
    },
    /// `API_ERROR` from a store's own server API (App Store Server API, Play Developer API): the
    /// status, the store's error code (Apple's number and its name; Google's `error.status`), its
    /// text (cleaned as [`Error::Api`]'s, in details only) and the `Retry-After` it asked for.
    StoreApi(Box<StoreApiError>),
    /// `NETWORK_ERROR`: the request did not reach the server or the connection broke. Retryable.
    Network {
        /// What the transport reported.
        reason: String,
    },
    /// `TIMEOUT`: no answer within the configured time. Retryable.
    Timeout {
        /// How long it waited, in ms.
        after_ms: u64,
    },
    /// `INVALID_ARGUMENT`: the caller's options are not usable (e.g. an unknown environment name,
    /// online checks requested). Distinct from `MALFORMED_INPUT`, which is about untrusted data.
    InvalidArgument {
        /// What is wrong with the argument.
        reason: String,
    },
    /// `INVALID_CHAIN` with `details.revoked: true`: an OCSP responder vouched that the
    /// certificate was revoked at `time` (epoch ms), for the CRLReason `reason` when it said.
    Revoked {
        /// The revoked certificate's subject common name.
        subject: String,
        /// When it was revoked, epoch ms.
        time: i64,
        /// The CRLReason code (RFC 5280 §5.3.1), when the responder gave one.
        reason: Option<u8>,
    },
    /// `OCSP_*`: an online revocation check did not give a usable answer (see [`OcspProblem`]).
    Ocsp {
        /// The subject common name of the certificate asked about.
        subject: String,
        /// What was wrong with the answer.
        problem: OcspProblem,
    },
    /// `INVALID_TOKEN`: a signed token (the OIDC JWT of a Pub/Sub push) verified, or could not be
    /// matched to a key, but a claim is not the expected one: `claim` names it (`kid`, `iss`,
    /// `aud`, `email`, `email_verified`, `exp`, `iat`). The reason is fixed text: it never
    /// quotes the token or a value from it.
    InvalidToken {
        /// The claim (or header field) that failed.
        claim: &'static str,
        /// Why, in fixed text.
        reason: &'static str,
    },
}

/// Why an OCSP answer was not usable; each has its own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcspProblem {
    /// `OCSP_STATUS_UNKNOWN`: the responder does not know the certificate.
    Unknown,
    /// `OCSP_INVALID_SIGNATURE`: the response signature does not verify, or its signer is neither
    /// the issuer nor a responder the issuer authorized.
    BadSignature,
    /// `OCSP_STALE_RESPONSE`: `thisUpdate` is in the future or `nextUpdate` has passed (beyond
    /// the leeway) at `at`.
    Stale {
        /// The response's `thisUpdate`, epoch ms.
        this_update: i64,
        /// Its `nextUpdate`, epoch ms, when it has one.
        next_update: Option<i64>,
        /// When it was judged, epoch ms.
        at: i64,
    },
    /// `OCSP_CERT_ID_MISMATCH`: the response is not about the certificate asked about.
    CertIdMismatch,
    /// `OCSP_NONCE_MISMATCH`: the response carries a nonce other than the one sent.
    NonceMismatch,
    /// `OCSP_RESPONDER_ERROR`: the responder answered an error status (RFC 6960 §4.2.1:
    /// 1 malformedRequest, 2 internalError, 3 tryLater, 5 sigRequired, 6 unauthorized).
    /// Retryable for 2 and 3.
    Responder {
        /// The `OCSPResponseStatus`.
        status: u8,
    },
}

impl OcspProblem {
    fn text(self) -> &'static str {
        match self {
            OcspProblem::Unknown => "the responder does not know the certificate (status unknown)",
            OcspProblem::BadSignature => "the response is not signed by the issuer or a responder it authorized",
            OcspProblem::Stale { .. } => "the response is not current (see details.thisUpdate, nextUpdate, at)",
            OcspProblem::CertIdMismatch => "the response is about another certificate (CertID mismatch)",
            OcspProblem::NonceMismatch => "the response carries another request's nonce",
            OcspProblem::Responder { .. } => "the responder answered an error status (details.responseStatus)",
        }
    }

    fn error_code(self) -> ErrorCode {
        match self {
            OcspProblem::Unknown => ErrorCode::OcspStatusUnknown,
            OcspProblem::BadSignature => ErrorCode::OcspInvalidSignature,
            OcspProblem::Stale { .. } => ErrorCode::OcspStaleResponse,
            OcspProblem::CertIdMismatch => ErrorCode::OcspCertIdMismatch,
            OcspProblem::NonceMismatch => ErrorCode::OcspNonceMismatch,
            OcspProblem::Responder { .. } => ErrorCode::OcspResponderError,
        }
    }
}

/// The RFC 5280 §5.3.1 name of a CRLReason code.
pub(crate) fn crl_reason_name(code: u8) -> &'static str {
    match code {
        0 => "unspecified",
        1 => "keyCompromise",
        2 => "cACompromise",
        3 => "affiliationChanged",
        4 => "superseded",
        5 => "cessationOfOperation",
        6 => "certificateHold",
        8 => "removeFromCRL",
        9 => "privilegeWithdrawn",
        10 => "aACompromise",
        _ => "unknownReason",
    }
}

/// The details of [`Error::StoreApi`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoreApiError {
    /// HTTP status.
    pub status: u16,
    /// Apple's numeric `errorCode`.
    pub error_code: Option<i64>,
    /// The name Apple's library gives that code (`TRANSACTION_ID_NOT_FOUND`).
    pub error_name: Option<&'static str>,
    /// Google's `error.status` (`NOT_FOUND`, `PERMISSION_DENIED`, ...).
    pub error_status: Option<String>,
    /// ONE store's `error.code` (`NoSuchData`, `AccessTokenExpired`, ...): a name, where Apple's
    /// code is a number; both are `details.errorCode` in JS.
    pub error_code_name: Option<String>,
    /// The store's message, cleaned.
    pub error_message: Option<String>,
    /// `Retry-After`, in ms, when the store sent one.
    pub retry_after_ms: Option<u64>,
    /// Whether the store says the same call may succeed later (5xx, 429, Apple's `…Retryable`).
    pub retryable: bool,
}

/// What a size limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unit {
    /// Bytes (UTF-8 bytes for text).
    Bytes,
    /// Characters of a JS string (UTF-16 code units), where the check runs before the text is
    /// copied into the module.
    Characters,
    /// Entries of a list (a receipt's in-app purchases).
    Entries,
    /// Certificates (embedded in a receipt).
    Certificates,
    /// Recorded events (of a payment flow).
    Events,
}

impl Unit {
    /// The unit's name in messages and in `details.unit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::Characters => "characters",
            Unit::Entries => "entries",
            Unit::Certificates => "certificates",
            Unit::Events => "events",
        }
    }
}

/// The result type of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Declares [`ErrorCode`]: each variant with its stable text, once. The JS `IapErrorCode` union
/// and the package's list of codes are generated from this table (`examples/declarations.rs`).
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// Every stable error code, the `code` of an [`Error`] (and of the package's `IapError`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order the error documentation lists them.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it is written (`INVALID_SIGNATURE`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }
        }
    };
}

error_codes! {
    /// Not base64, JSON, DER or a JWS of the expected shape.
    MalformedInput = "MALFORMED_INPUT",
    /// Over a documented size limit.
    InputTooLarge = "INPUT_TOO_LARGE",
    /// Not a usable public key, or too weak.
    InvalidPublicKey = "INVALID_PUBLIC_KEY",
    /// The signature does not verify.
    InvalidSignature = "INVALID_SIGNATURE",
    /// The certificate chain is wrong, untrusted or revoked.
    InvalidChain = "INVALID_CHAIN",
    /// A certificate was not valid at the effective date.
    CertificateExpired = "CERTIFICATE_EXPIRED",
    /// Another app's data (bundle id, package name, app Apple id).
    InvalidAppIdentifier = "INVALID_APP_IDENTIFIER",
    /// Another environment's data.
    InvalidEnvironment = "INVALID_ENVIRONMENT",
    /// A payment-flow step the state does not allow.
    InvalidStateTransition = "INVALID_STATE_TRANSITION",
    /// The store says the purchase was consumed already.
    AlreadyConsumed = "ALREADY_CONSUMED",
    /// A server API answered with an error.
    ApiError = "API_ERROR",
    /// The request failed on the way.
    NetworkError = "NETWORK_ERROR",
    /// No answer in time.
    Timeout = "TIMEOUT",
    /// The caller's own arguments are unusable.
    InvalidArgument = "INVALID_ARGUMENT",
    /// A signed token's claims do not hold.
    InvalidToken = "INVALID_TOKEN",
    /// OCSP: the responder does not know the certificate.
    OcspStatusUnknown = "OCSP_STATUS_UNKNOWN",
    /// OCSP: the answer's signature does not verify.
    OcspInvalidSignature = "OCSP_INVALID_SIGNATURE",
    /// OCSP: the answer is not current.
    OcspStaleResponse = "OCSP_STALE_RESPONSE",
    /// OCSP: the answer is about another certificate.
    OcspCertIdMismatch = "OCSP_CERT_ID_MISMATCH",
    /// OCSP: the answer does not echo our nonce.
    OcspNonceMismatch = "OCSP_NONCE_MISMATCH",
    /// OCSP: the responder refused to answer.
    OcspResponderError = "OCSP_RESPONDER_ERROR",
}

impl Error {
    /// The stable code, as JS sees it in `IapError.code`.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// The stable code as a value ([`ErrorCode::ALL`] lists every one).
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Error::MalformedInput { .. } => ErrorCode::MalformedInput,
            Error::InputTooLarge { .. } => ErrorCode::InputTooLarge,
            Error::InvalidPublicKey { .. } => ErrorCode::InvalidPublicKey,
            Error::InvalidSignature => ErrorCode::InvalidSignature,
            Error::InvalidChain { .. } | Error::Revoked { .. } => ErrorCode::InvalidChain,
            Error::CertificateExpired { .. } => ErrorCode::CertificateExpired,
            Error::InvalidAppIdentifier { .. } => ErrorCode::InvalidAppIdentifier,
            Error::InvalidEnvironment { .. } => ErrorCode::InvalidEnvironment,
            Error::InvalidStateTransition { .. } => ErrorCode::InvalidStateTransition,
            Error::AlreadyConsumed { .. } => ErrorCode::AlreadyConsumed,
            Error::Api { .. } | Error::StoreApi(_) => ErrorCode::ApiError,
            Error::Network { .. } => ErrorCode::NetworkError,
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Error::Ocsp { problem, .. } => problem.error_code(),
            Error::InvalidToken { .. } => ErrorCode::InvalidToken,
        }
    }

    /// Whether the same call may succeed if repeated later.
    pub fn retryable(&self) -> bool {
        match self {
            Error::Network { .. } | Error::Timeout { .. } => true,
            // 5xx and 429 are the server's passing trouble; 4xx are ours.
            Error::Api { status, .. } => *status >= 500 || *status == 429,
            Error::StoreApi(e) => e.retryable,
            Error::Ocsp { problem: OcspProblem::Responder { status: 2 | 3 }, .. } => true,
            _ => false,
        }
    }

    /// Structured details for the JS `IapError.details` (never secrets, never input bytes).
    pub fn details(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Error::MalformedInput { what, offset, .. } => json!({ "input": what, "offset": offset }),
            Error::InputTooLarge { what, limit, actual, unit } => {
                json!({ "input": what, "limit": limit, "actual": actual, "unit": unit.as_str() })
            }
            Error::CertificateExpired { subject, not_before, not_after, at } => json!({
                "subject": subject, "notBefore": not_before, "notAfter": not_after, "at": at
            }),
            Error::InvalidAppIdentifier { expected, actual }
            | Error::InvalidEnvironment { expected, actual } => {
                json!({ "expected": expected, "actual": actual })
            }
            Error::InvalidStateTransition { state, event } => json!({ "state": state, "event": event }),
            Error::AlreadyConsumed { result_message } => {
                json!({ "resultCode": 5018, "resultMessage": result_message })
            }
            Error::Api { status, result_code, result_message } => json!({
                "status": status, "resultCode": result_code, "resultMessage": result_message
            }),
            Error::StoreApi(e) => json!({
                "status": e.status,
                "errorCode": e.error_code.map(serde_json::Value::from).or_else(|| e.error_code_name.clone().map(serde_json::Value::from)),
                "errorName": e.error_name,
                "errorStatus": e.error_status, "errorMessage": e.error_message, "retryAfterMs": e.retry_after_ms,
            }),
            Error::Timeout { after_ms } => json!({ "afterMs": after_ms }),
            Error::InvalidChain { unreadable: true, .. } => json!({ "unreadable": true }),
            Error::Revoked { subject, time, reason } => json!({
                "revoked": true, "subject": subject, "revocationTime": time,
                "revocationReason": reason.map(crl_reason_name), "revocationReasonCode": reason
            }),
            Error::Ocsp { subject, problem } => {
                let (this_update, next_update, at, status) = match *problem {
                    OcspProblem::Stale { this_update, next_update, at } => (Some(this_update), next_update, Some(at), None),
                    OcspProblem::Responder { status } => (None, None, None, Some(status)),
                    _ => (None, None, None, None),
                };
                let mut d = json!({
                    "subject": subject, "thisUpdate": this_update, "nextUpdate": next_update, "at": at, "responseStatus": status
                });
                if let Some(m) = d.as_object_mut() {
                    m.retain(|_, v| !v.is_null());
                }
                d
            }
            Error::InvalidToken { claim, .. } => json!({ "claim": claim }),
            _ => serde_json::Value::Null,
        }
    }

    /// `MALFORMED_INPUT`: `what` could not be read, for `reason`.
    pub fn malformed(what: &'static str, reason: impl Into<String>) -> Self {
        Error::MalformedInput { what, reason: reason.into(), offset: None }
    }

    pub(crate) fn malformed_at(what: &'static str, reason: impl Into<String>, offset: usize) -> Self {
        Error::MalformedInput { what, reason: reason.into(), offset: Some(offset) }
    }

    pub(crate) fn bad_key(reason: impl Into<String>) -> Self {
        Error::InvalidPublicKey { reason: reason.into() }
    }

    pub(crate) fn bad_chain(reason: impl Into<String>) -> Self {
        Error::InvalidChain { reason: reason.into(), unreadable: false }
    }

    /// `INVALID_CHAIN` for certificates that cannot be read: see [`Error::InvalidChain`].
    pub(crate) fn unreadable_chain(reason: impl Into<String>) -> Self {
        Error::InvalidChain { reason: reason.into(), unreadable: true }
    }

    /// `INVALID_ARGUMENT`: the caller passed something the API does not take, for `reason`.
    pub fn invalid_argument(reason: impl Into<String>) -> Self {
        Error::InvalidArgument { reason: reason.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MalformedInput { what, reason, offset: Some(o) } => {
                write!(f, "malformed {what}: {reason} (at byte {o})")
            }
            Error::MalformedInput { what, reason, offset: None } => write!(f, "malformed {what}: {reason}"),
            Error::InputTooLarge { what, limit, actual, unit } => {
                let unit = unit.as_str();
                write!(f, "{what}: {actual} {unit}, over the limit of {limit} {unit}")
            }
            Error::InvalidPublicKey { reason } => write!(f, "invalid public key: {reason}"),
            Error::InvalidSignature => f.write_str("the signature does not verify"),
            Error::InvalidChain { reason, .. } => write!(f, "invalid certificate chain: {reason}"),
            Error::CertificateExpired { subject, not_before, not_after, at } => {
                use crate::time::format_iso8601_ms as iso;
                write!(
                    f,
                    "certificate '{subject}' was not valid at {} ({at} epoch ms): valid from {} ({not_before}) to {} ({not_after})",
                    iso(*at),
                    iso(*not_before),
                    iso(*not_after)
                )
            }
            Error::InvalidAppIdentifier { expected, actual } => write!(
                f,
                "app identifier mismatch: expected '{expected}', got '{}'",
                actual.as_deref().unwrap_or("(none)")
            ),
            Error::InvalidEnvironment { expected, actual } => write!(
                f,
                "environment mismatch: expected '{expected}', got '{}'",
                actual.as_deref().unwrap_or("(none)")
            ),
            Error::InvalidStateTransition { state, event } => {
                write!(f, "event '{event}' is not allowed in state '{state}'")
            }
            Error::AlreadyConsumed { .. } => f.write_str("the payment was already consumed (5018)"),
            // The server's own text is data: it stays in `details.resultMessage`, never here.
            Error::Api { status, result_code: Some(c), .. } => {
                write!(f, "the server refused the request with result code {c} (HTTP {status})")
            }
            Error::Api { status, .. } => write!(f, "the server answered HTTP {status}"),
            // The store's text is data: it stays in `details.errorMessage`, never here.
            Error::StoreApi(e) => match (e.error_name, e.error_code, &e.error_status) {
                (Some(name), Some(code), _) => write!(f, "the store refused the request: {name} ({code}, HTTP {})", e.status),
                (None, Some(code), _) => write!(f, "the store refused the request with error code {code} (HTTP {})", e.status),
                (_, None, Some(status)) => write!(f, "the store refused the request: {status} (HTTP {})", e.status),
                (_, None, None) if e.error_code_name.is_some() => {
                    write!(f, "the store refused the request: {} (HTTP {})", e.error_code_name.as_deref().unwrap_or_default(), e.status)
                }
                _ => write!(f, "the store answered HTTP {}", e.status),
            },
            Error::Network { reason } => write!(f, "network error: {reason}"),
            Error::Timeout { after_ms } => write!(f, "no answer within {after_ms} ms"),
            Error::InvalidArgument { reason } => write!(f, "invalid argument: {reason}"),
            // Times and the reason are in `details`.
            Error::Revoked { subject, .. } => write!(f, "invalid certificate chain: '{subject}' is revoked (OCSP)"),
            Error::Ocsp { subject, problem } => write!(f, "OCSP check of '{subject}': {}", problem.text()),
            Error::InvalidToken { claim, reason } => write!(f, "invalid token: {claim} {reason}"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    /// One instance of every variant. The `match` below has no wildcard, so a new variant
    /// fails to compile here until it is given a code in this table.
    fn every_variant() -> Vec<(Error, &'static str, bool)> {
        let all = vec![
            (Error::malformed("x", "y"), "MALFORMED_INPUT", false),
            (Error::InputTooLarge { what: "x", limit: 1, actual: 2, unit: Unit::Bytes }, "INPUT_TOO_LARGE", false),
            (Error::bad_key("x"), "INVALID_PUBLIC_KEY", false),
            (Error::InvalidSignature, "INVALID_SIGNATURE", false),
            (Error::bad_chain("x"), "INVALID_CHAIN", false),
            (Error::unreadable_chain("x"), "INVALID_CHAIN", false),
            (
                Error::CertificateExpired { subject: "s".into(), not_before: 0, not_after: 1, at: 2 },
                "CERTIFICATE_EXPIRED",
                false,
            ),
            (
                Error::InvalidAppIdentifier { expected: "a".into(), actual: None },
                "INVALID_APP_IDENTIFIER",
                false,
            ),
            (Error::InvalidEnvironment { expected: "a".into(), actual: None }, "INVALID_ENVIRONMENT", false),
            (
                Error::InvalidStateTransition { state: "A".into(), event: "b".into() },
                "INVALID_STATE_TRANSITION",
                false,
            ),
            (Error::AlreadyConsumed { result_message: String::new() }, "ALREADY_CONSUMED", false),
            (Error::Api { status: 200, result_code: Some(1), result_message: None }, "API_ERROR", false),
            (Error::Api { status: 503, result_code: None, result_message: None }, "API_ERROR", true),
            (Error::StoreApi(Box::new(StoreApiError { status: 404, ..StoreApiError::default() })), "API_ERROR", false),
            (Error::StoreApi(Box::new(StoreApiError { status: 429, retryable: true, ..StoreApiError::default() })), "API_ERROR", true),
            (Error::Network { reason: "x".into() }, "NETWORK_ERROR", true),
            (Error::Timeout { after_ms: 1 }, "TIMEOUT", true),
            (Error::invalid_argument("x"), "INVALID_ARGUMENT", false),
            (Error::Revoked { subject: "s".into(), time: 1, reason: Some(1) }, "INVALID_CHAIN", false),
            (Error::Ocsp { subject: "s".into(), problem: OcspProblem::Unknown }, "OCSP_STATUS_UNKNOWN", false),
            (Error::Ocsp { subject: "s".into(), problem: OcspProblem::BadSignature }, "OCSP_INVALID_SIGNATURE", false),
            (
                Error::Ocsp { subject: "s".into(), problem: OcspProblem::Stale { this_update: 0, next_update: None, at: 1 } },
                "OCSP_STALE_RESPONSE",
                false,
            ),
            (Error::Ocsp { subject: "s".into(), problem: OcspProblem::CertIdMismatch }, "OCSP_CERT_ID_MISMATCH", false),
            (Error::Ocsp { subject: "s".into(), problem: OcspProblem::NonceMismatch }, "OCSP_NONCE_MISMATCH", false),
            (Error::Ocsp { subject: "s".into(), problem: OcspProblem::Responder { status: 3 } }, "OCSP_RESPONDER_ERROR", true),
            (Error::Ocsp { subject: "s".into(), problem: OcspProblem::Responder { status: 1 } }, "OCSP_RESPONDER_ERROR", false),
            (Error::InvalidToken { claim: "aud", reason: "x" }, "INVALID_TOKEN", false),
        ];
        for (e, _, _) in &all {
            match e {
                Error::MalformedInput { .. }
                | Error::InputTooLarge { .. }
                | Error::InvalidPublicKey { .. }
                | Error::InvalidSignature
                | Error::InvalidChain { .. }
                | Error::CertificateExpired { .. }
                | Error::InvalidAppIdentifier { .. }
                | Error::InvalidEnvironment { .. }
                | Error::InvalidStateTransition { .. }
                | Error::AlreadyConsumed { .. }
                | Error::Api { .. }
                | Error::StoreApi(_)
                | Error::Network { .. }
                | Error::Timeout { .. }
                | Error::InvalidArgument { .. }
                | Error::Revoked { .. }
                | Error::Ocsp { .. } => {}
                | Error::InvalidToken { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_variant_has_its_code_and_retryability() {
        for (e, code, retryable) in every_variant() {
            assert_eq!(e.code(), code, "{e:?}");
            assert_eq!(e.retryable(), retryable, "{e:?}");
            assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn too_large_names_the_limit_and_the_unit() {
        for (unit, name) in [
            (Unit::Bytes, "bytes"),
            (Unit::Characters, "characters"),
            (Unit::Entries, "entries"),
            (Unit::Certificates, "certificates"),
            (Unit::Events, "events"),
        ] {
            let e = Error::InputTooLarge { what: "thing", limit: 20_000, actual: 20_001, unit };
            assert_eq!(e.to_string(), format!("thing: 20001 {name}, over the limit of 20000 {name}"));
            assert_eq!(e.details(), serde_json::json!({ "input": "thing", "limit": 20_000, "actual": 20_001, "unit": name }));
        }
    }

    #[test]
    fn certificate_dates_in_the_message_are_iso_8601_beside_epoch_ms() {
        let e = Error::CertificateExpired {
            subject: "Prod ECC Mac App Store and iTunes Store Receipt Signing".into(),
            not_before: 1_600_000_000_000,
            not_after: 1_700_000_000_000,
            at: 1_700_000_000_001,
        };
        assert_eq!(
            e.to_string(),
            "certificate 'Prod ECC Mac App Store and iTunes Store Receipt Signing' was not valid at \
             2023-11-14T22:13:20.001Z (1700000000001 epoch ms): valid from 2020-09-13T12:26:40.000Z \
             (1600000000000) to 2023-11-14T22:13:20.000Z (1700000000000)"
        );
    }

    #[test]
    fn the_list_of_codes_is_every_code_an_error_has() {
        let made: std::collections::BTreeSet<_> = every_variant().into_iter().map(|(e, _, _)| e.code()).collect();
        let listed: std::collections::BTreeSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed.len(), ErrorCode::ALL.len(), "a code is listed twice");
        assert_eq!(made, listed);
    }

    #[test]
    fn codes_are_distinct_screaming_snake_case() {
        let mut codes: Vec<_> = every_variant().into_iter().map(|(e, _, _)| e.code()).collect();
        codes.dedup();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        // 14 codes, INVALID_TOKEN, and the six OCSP_* ones (a revocation is INVALID_CHAIN).
        assert_eq!(sorted.len(), 21);
        for c in codes {
            assert!(c.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'), "{c}");
        }
    }
}
