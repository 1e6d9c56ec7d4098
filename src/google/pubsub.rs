//! Cloud Pub/Sub push authentication: the OIDC token in a push request's `Authorization` header.
//!
//! A push subscription configured with authentication sends `Authorization: Bearer <JWT>`, a
//! Google-signed OpenID Connect token (Google's "Authentication for push subscriptions" page).
//! [`verify_push`] checks it, in this order, and returns its claims:
//!
//! 1. the header is `Bearer <token>` (scheme case-insensitive, RFC 7235 §2.1), the token three
//!    unpadded base64url parts of at most [`limits::MAX_AUTHORIZATION_HEADER`] bytes;
//! 2. the JOSE header is a JSON object without a repeated key; `alg` is `RS256` (the algorithm is
//!    fixed here, never taken from the token: `none`, `HS256` and the rest are refused before any
//!    key is looked at); no `crit`; `kid` names a key of the set (else `INVALID_TOKEN` with
//!    `claim: "kid"`, which tells the caller to refetch the set once);
//! 3. RSASSA-PKCS1-v1_5 with SHA-256 over `header.payload` as received, with that key;
//! 4. only then the claims, a JSON object without a repeated key: `iss` is
//!    `https://accounts.google.com` or `accounts.google.com`; `aud` is a string equal to the
//!    expected audience; `exp` and `iat` are numbers, `now < exp + 60 s`, `iat <= now + 60 s`
//!    and `exp` at most one day after `iat` (Google's tokens last one hour; they carry no `nbf`); `email` equals the push service account and `email_verified` is `true`.
//!
//! The leeway is 60 s both ways, for clock skew between Google and the server.
//! Every failure is a typed error; no message or detail quotes the token or any part of it.

use serde_json::{Map, Value};

use crate::time::ms_from_f64;
use crate::error::{Error, Result, Unit};
use crate::host::{check_signature, run_ready, Algorithm, RingOnly, SignatureCheck, SignatureHost};
use crate::rsa::{RsaPublicKey, MIN_BITS};
use crate::json_text::{decode_inner_object, decode_object};
use crate::{b64, limits};

/// Where Google publishes the keys that sign its OIDC tokens, as a JWK set.
pub const GOOGLE_CERTS_URL: &str = "https://www.googleapis.com/oauth2/v3/certs";
/// The two issuer spellings Google uses in its ID tokens.
pub(crate) const ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];
/// Clock skew tolerated on `exp` and `iat`, in milliseconds.
pub(crate) const LEEWAY_MS: i64 = 60_000;
/// The longest lifetime (`exp - iat`) accepted, in milliseconds: one day. Google's push tokens
/// live one hour; a longer one was not made by Pub/Sub.
pub(crate) const MAX_LIFETIME_MS: i64 = 86_400_000;

/// A JWK set of RSA signing keys (Google's `oauth2/v3/certs`), parsed and checked once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoogleKeys {
    keys: Vec<(String, RsaPublicKey)>,
}

impl GoogleKeys {
    /// Parses a JWK set (RFC 7517 §5): `{"keys":[{"kty":"RSA","kid":…,"n":…,"e":…}, …]}`.
    ///
    /// Keys that are not for RS256 signatures (`kty` other than `RSA`, `alg` present and not
    /// `RS256`, `use` present and not `sig`) are skipped, as RFC 7517 §5 says to ignore keys one
    /// does not understand. An RS256 key without a `kid`, with bad `n`/`e`, below 2048 bits, or a
    /// `kid` given twice is refused: the whole set is then unusable, loudly.
    /// Errors: `MALFORMED_INPUT`, `INPUT_TOO_LARGE`, `INVALID_PUBLIC_KEY`.
    pub fn from_jwks(json: &[u8]) -> Result<Self> {
        const WHAT: &str = "key set";
        limits::check(WHAT, json.len(), limits::MAX_JWKS)?;
        let doc: Map<String, Value> = decode_object(WHAT, json)?;
        let Some(Value::Array(entries)) = doc.get("keys") else {
            return Err(Error::malformed(WHAT, "no \"keys\" array"));
        };
        limits::check_count(WHAT, entries.len(), limits::MAX_JWKS_KEYS, Unit::Entries)?;
        let mut keys: Vec<(String, RsaPublicKey)> = Vec::new();
        for entry in entries {
            let Value::Object(jwk) = entry else {
                return Err(Error::malformed(WHAT, "a key is not a JSON object"));
            };
            let field = |name: &str| jwk.get(name).and_then(Value::as_str);
            let absent_or = |name: &str, want: &str| jwk.get(name).is_none() || field(name) == Some(want);
            if field("kty") != Some("RSA") || !absent_or("alg", "RS256") || !absent_or("use", "sig") {
                continue;
            }
            let kid = field("kid").ok_or_else(|| Error::bad_key("an RS256 key of the set has no kid"))?;
            if keys.iter().any(|(k, _)| k == kid) {
                return Err(Error::malformed(WHAT, "a kid is given twice"));
            }
            let part = |name: &str| {
                field(name)
                    .and_then(|t| b64::decode_url(WHAT, t).ok())
                    .ok_or_else(|| Error::bad_key("an RS256 key's n or e is not base64url"))
            };
            let key = RsaPublicKey::from_components(&part("n")?, &part("e")?, MIN_BITS)?;
            keys.push((kid.to_owned(), key));
        }
        Ok(GoogleKeys { keys })
    }

    /// The key set from the answer to a GET of [`GOOGLE_CERTS_URL`]: a non-2xx status is
    /// `API_ERROR` (retryable for 5xx and 429), else [`Self::from_jwks`] on the body.
    pub fn from_response(status: u16, body: &[u8]) -> Result<Self> {
        if !(200..300).contains(&status) {
            return Err(Error::Api { status, result_code: None, result_message: None });
        }
        Self::from_jwks(body)
    }

    /// The key ids, in the set's order.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }

    /// The key with this `kid`.
    pub(crate) fn get(&self, kid: &str) -> Option<&RsaPublicKey> {
        self.keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key)
    }
}

/// What the push must say about itself: the audience configured on the push subscription, and
/// the email of the service account it authenticates as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    audience: String,
    service_account_email: String,
}

impl Expected {
    /// Both must be non-empty (`INVALID_ARGUMENT`): an empty one would match a token without it.
    pub fn new(audience: impl Into<String>, service_account_email: impl Into<String>) -> Result<Self> {
        let (audience, service_account_email) = (audience.into(), service_account_email.into());
        if audience.is_empty() || service_account_email.is_empty() {
            return Err(Error::invalid_argument("audience and serviceAccountEmail must be non-empty strings"));
        }
        Ok(Expected { audience, service_account_email })
    }
}

/// The claims of a push token whose signature and claims verified. Only [`verify_push`] (and,
/// inside the crate, the host-engine path) makes one.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedPushClaims {
    claims: Map<String, Value>,
}

impl VerifiedPushClaims {
    /// Every claim as sent (`iss`, `aud`, `azp`, `sub`, `email`, `email_verified`, `iat`, `exp`
    /// in seconds, as JWTs carry them).
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The service account's email (checked against [`Expected`]).
    pub fn email(&self) -> Option<&str> {
        self.claims.get("email").and_then(Value::as_str)
    }

    /// `sub`: the service account's unique id.
    pub fn subject(&self) -> Option<&str> {
        self.claims.get("sub").and_then(Value::as_str)
    }
}

/// Checks a push request's `Authorization` header value against `keys` at `now` (epoch ms); see
/// the module doc for every step. Errors: `MALFORMED_INPUT`, `INPUT_TOO_LARGE`,
/// `INVALID_SIGNATURE`, `INVALID_TOKEN`.
pub fn verify_push(authorization: &str, keys: &GoogleKeys, expected: &Expected, now: i64) -> Result<VerifiedPushClaims> {
    run_ready(verify_push_with(&RingOnly, authorization, keys, expected, now))?
}

/// [`verify_push`] with the RS256 check asked of `host` first (see [`crate::host`]). Same checks,
/// same order, same results and errors.
pub async fn verify_push_with<H: SignatureHost>(
    host: &H,
    authorization: &str,
    keys: &GoogleKeys,
    expected: &Expected,
    now: i64,
) -> Result<VerifiedPushClaims> {
    let prepared = prepare(authorization, keys)?;
    let check = SignatureCheck {
        algorithm: Algorithm::RsaPkcs1Sha256,
        key: prepared.key.spki_der(),
        message: prepared.signing_input.as_bytes(),
        signature: &prepared.signature,
    };
    check_signature(host, check, || prepared.verify_signature()).await?;
    prepared.decode(expected, now)
}

/// A push token whose shape, header and key have been checked, and whose signature has not (yet).
struct PreparedToken<'a> {
    signing_input: &'a str,
    payload_b64: &'a str,
    signature: Vec<u8>,
    key: &'a RsaPublicKey,
}

const WHAT: &str = "Pub/Sub push token";

/// Steps 1 and 2.
fn prepare<'a>(authorization: &'a str, keys: &'a GoogleKeys) -> Result<PreparedToken<'a>> {
    limits::check("authorization header", authorization.len(), limits::MAX_AUTHORIZATION_HEADER)?;
    let token = match authorization.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim_start(),
        _ => return Err(Error::malformed("authorization header", "expected \"Bearer <token>\"")),
    };
    let mut parts = token.split('.');
    let (Some(h64), Some(p64), Some(s64), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(Error::malformed(WHAT, "a JWT has exactly three parts"));
    };
    let header: Map<String, Value> = decode_inner_object("JWT header", &b64::decode_url("JWT header", h64)?)?;
    if header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(Error::malformed("JWT header", "alg must be RS256"));
    }
    if header.contains_key("crit") {
        return Err(Error::malformed("JWT header", "critical header extensions are not supported"));
    }
    let key = header
        .get("kid")
        .and_then(Value::as_str)
        .and_then(|kid| keys.get(kid))
        .ok_or(Error::InvalidToken { claim: "kid", reason: "names no key of the set" })?;
    // A signature that is not base64url cannot verify: same answer as a wrong one.
    let signature = b64::decode_url("JWT signature", s64).map_err(|_| Error::InvalidSignature)?;
    let signed_len = h64.len().saturating_add(1).saturating_add(p64.len());
    let signing_input = token.get(..signed_len).ok_or_else(|| Error::malformed(WHAT, "bad part lengths"))?;
    Ok(PreparedToken { signing_input, payload_b64: p64, signature, key })
}

impl PreparedToken<'_> {
    /// Step 3 with ring.
    fn verify_signature(&self) -> Result<()> {
        self.key.verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, self.signing_input.as_bytes(), &self.signature)
    }

    /// Step 4, after the signature verified.
    fn decode(&self, expected: &Expected, now: i64) -> Result<VerifiedPushClaims> {
        let claims: Map<String, Value> = decode_inner_object("JWT payload", &b64::decode_url("JWT payload", self.payload_b64)?)?;
        check_claims(&claims, expected, now)?;
        Ok(VerifiedPushClaims { claims })
    }
}

fn check_claims(claims: &Map<String, Value>, expected: &Expected, now: i64) -> Result<()> {
    let invalid = |claim: &'static str, reason: &'static str| Err(Error::InvalidToken { claim, reason });
    let string = |claim| claims.get(claim).and_then(Value::as_str);
    if !string("iss").is_some_and(|iss| ISSUERS.contains(&iss)) {
        return invalid("iss", "is not Google's");
    }
    if string("aud") != Some(expected.audience.as_str()) {
        return invalid("aud", "is not the expected audience");
    }
    // NumericDate: seconds, possibly fractional (RFC 7519 §2). Google's push tokens carry no `nbf`.
    let time = |claim| claims.get(claim).and_then(Value::as_f64).and_then(|s| ms_from_f64(s * 1000.0));
    let Some(exp) = time("exp") else { return invalid("exp", "is missing or not a number of seconds") };
    let Some(iat) = time("iat") else { return invalid("iat", "is missing or not a number of seconds") };
    if now >= exp.saturating_add(LEEWAY_MS) {
        return invalid("exp", "has passed");
    }
    if iat > now.saturating_add(LEEWAY_MS) {
        return invalid("iat", "is in the future");
    }
    if exp.saturating_sub(iat) > MAX_LIFETIME_MS {
        return invalid("exp", "is more than one day after iat");
    }
    if string("email") != Some(expected.service_account_email.as_str()) {
        return invalid("email", "is not the service account");
    }
    if claims.get("email_verified") != Some(&Value::Bool(true)) {
        return invalid("email_verified", "is not true");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
