//! Pub/Sub push tokens signed at run time with the self-made test keys (tests/vectors/google),
//! checked against their JWK set (tests/vectors/google/pubsub-jwks.json).

use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use serde_json::{json, Value};

use super::*;

const JWKS: &[u8] = include_bytes!("../../../tests/vectors/google/pubsub-jwks.json");
const JWKS_1024: &[u8] = include_bytes!("../../../tests/vectors/google/pubsub-jwks-1024.json");
const KEY: &str = include_str!("../../../tests/vectors/google/test-key-2048.pem");
const OTHER_KEY: &str = include_str!("../../../tests/vectors/google/other-key-2048.pem");
const KEY_1024: &str = include_str!("../../../tests/vectors/google/test-key-1024.pem");

const AUDIENCE: &str = "https://backend.example.com/rtdn";
const EMAIL: &str = "rtdn-push@example-project.iam.gserviceaccount.com";
/// 2025-01-01T00:00:00Z in seconds; tokens are issued then and live an hour, as Google's do.
const IAT: i64 = 1_735_689_600;
const NOW: i64 = (IAT + 600) * 1000;

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn pkcs8(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    b64::decode_standard("pem", &body).unwrap()
}

fn claims() -> Value {
    json!({
        "aud": AUDIENCE,
        "azp": "113774264463038321964",
        "email": EMAIL,
        "email_verified": true,
        "exp": IAT + 3600,
        "iat": IAT,
        "iss": "https://accounts.google.com",
        "sub": "113774264463038321964",
    })
}

fn header(kid: &str) -> String {
    format!(r#"{{"alg":"RS256","kid":"{kid}","typ":"JWT"}}"#)
}

/// `Bearer` + a compact JWT of the exact header and payload text, signed RS256 with `pem`.
fn token_raw(pem: &str, header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64url(header.as_bytes()), b64url(payload.as_bytes()));
    let key = RsaKeyPair::from_pkcs8(&pkcs8(pem)).unwrap();
    let mut sig = vec![0; key.public().modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut sig).unwrap();
    format!("Bearer {input}.{}", b64url(&sig))
}

fn token(claims: &Value) -> String {
    token_raw(KEY, &header("test-key-2048"), &claims.to_string())
}

fn with(change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut c = claims();
    change(c.as_object_mut().unwrap());
    token(&c)
}

fn keys() -> GoogleKeys {
    GoogleKeys::from_jwks(JWKS).unwrap()
}

fn expected() -> Expected {
    Expected::new(AUDIENCE, EMAIL).unwrap()
}

fn check(authorization: &str) -> Result<VerifiedPushClaims> {
    verify_push(authorization, &keys(), &expected(), NOW)
}

fn token_error(authorization: &str) -> (&'static str, &'static str) {
    match check(authorization) {
        Err(Error::InvalidToken { claim, reason }) => (claim, reason),
        other => panic!("expected INVALID_TOKEN, got {other:?}"),
    }
}

/// Neither the whole token nor any of its parts shows up in the error's message or details.
fn assert_no_leak(authorization: &str, e: &Error) {
    let token = authorization.trim().trim_start_matches("Bearer ");
    let text = format!("{e} {}", e.details());
    assert!(token.len() < 8 || !text.contains(token), "{text}");
    for part in token.split('.').filter(|p| p.len() >= 8) {
        assert!(!text.contains(part), "part of the token in: {text}");
    }
}

#[test]
fn a_good_token_verifies_and_returns_every_claim() {
    let verified = check(&token(&claims())).unwrap();
    assert_eq!(Value::Object(verified.claims().clone()), claims());
    assert_eq!(verified.email(), Some(EMAIL));
    assert_eq!(verified.subject(), Some("113774264463038321964"));
    // The other key of the set, the other issuer spelling, a lower-case scheme and extra spaces.
    let other = token_raw(OTHER_KEY, &header("other-key-2048"), &claims().to_string());
    assert!(check(&other).is_ok());
    let t = with(|c| drop(c.insert("iss".into(), json!("accounts.google.com"))));
    assert!(check(&t).is_ok());
    let t = token(&claims());
    assert!(check(&t.replacen("Bearer ", "bearer   ", 1)).is_ok());
    assert!(check(&format!("  {t}\t")).is_ok());
}

#[test]
fn the_key_set_is_read_like_googles() {
    let k = keys();
    assert_eq!(k.kids().collect::<Vec<_>>(), ["test-key-2048", "other-key-2048"]);
    let pem_key = RsaPublicKey::from_spki_base64(include_str!("../../../tests/vectors/google/test-key-2048.pub"), MIN_BITS).unwrap();
    assert_eq!(k.get("test-key-2048"), Some(&pem_key));
    assert_eq!(k.get("nope"), None);
    // Keys for other algorithms and uses are skipped, not refused.
    let mixed = json!({"keys": [
        {"kty": "EC", "crv": "P-256", "kid": "ec", "x": "AA", "y": "AA"},
        {"kty": "RSA", "alg": "RS512", "kid": "rs512", "n": "AA", "e": "AQAB"},
        {"kty": "RSA", "use": "enc", "kid": "enc", "n": "AA", "e": "AQAB"},
        serde_json::from_slice::<Value>(JWKS).unwrap()["keys"][0],
    ]});
    let k = GoogleKeys::from_jwks(mixed.to_string().as_bytes()).unwrap();
    assert_eq!(k.kids().collect::<Vec<_>>(), ["test-key-2048"]);
    // An answer other than 2xx is API_ERROR, retryable when the server is in trouble.
    assert_eq!(GoogleKeys::from_response(200, JWKS).unwrap(), keys());
    let e = GoogleKeys::from_response(503, JWKS).unwrap_err();
    assert_eq!((e.code(), e.retryable()), ("API_ERROR", true));
    let e = GoogleKeys::from_response(404, b"").unwrap_err();
    assert_eq!((e.code(), e.retryable()), ("API_ERROR", false));
}

#[test]
fn bad_key_sets_are_refused_with_their_code() {
    let good = serde_json::from_slice::<Value>(JWKS).unwrap()["keys"][0].clone();
    let mut no_kid = good.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    let mut bad_n = good.clone();
    bad_n["n"] = json!("not+base64url/");
    let mut even_e = good.clone();
    even_e["e"] = json!("AQAA");
    let many: Vec<Value> = (0..33).map(|i| json!({"kty": "EC", "kid": i})).collect();
    let dup = format!(r#"{{"keys":[{good}],"keys":[]}}"#);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "MALFORMED_INPUT"),
        (b"[]".to_vec(), "MALFORMED_INPUT"),
        (b"{}".to_vec(), "MALFORMED_INPUT"),
        (br#"{"keys":{}}"#.to_vec(), "MALFORMED_INPUT"),
        (br#"{"keys":[1]}"#.to_vec(), "MALFORMED_INPUT"),
        (dup.into_bytes(), "MALFORMED_INPUT"),
        (json!({"keys": [good, good]}).to_string().into_bytes(), "MALFORMED_INPUT"),
        (json!({"keys": [no_kid]}).to_string().into_bytes(), "INVALID_PUBLIC_KEY"),
        (json!({"keys": [bad_n]}).to_string().into_bytes(), "INVALID_PUBLIC_KEY"),
        (json!({"keys": [even_e]}).to_string().into_bytes(), "INVALID_PUBLIC_KEY"),
        (JWKS_1024.to_vec(), "INVALID_PUBLIC_KEY"),
        (json!({"keys": many}).to_string().into_bytes(), "INPUT_TOO_LARGE"),
        (format!(r#"{{"keys":[],"pad":"{}"}}"#, "x".repeat(limits::MAX_JWKS)).into_bytes(), "INPUT_TOO_LARGE"),
    ];
    for (jwks, code) in cases {
        let e = GoogleKeys::from_jwks(&jwks).unwrap_err();
        assert_eq!(e.code(), code, "{e} for {}", String::from_utf8_lossy(&jwks).chars().take(120).collect::<String>());
    }
}

#[test]
fn only_rs256_is_accepted() {
    let payload = claims().to_string();
    for alg in [r#""none""#, r#""HS256""#, r#""RS512""#, r#""PS256""#, r#""ES256""#, r#""rs256""#, "null", "256"] {
        let h = format!(r#"{{"alg":{alg},"kid":"test-key-2048","typ":"JWT"}}"#);
        let t = token_raw(KEY, &h, &payload);
        let e = check(&t).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{alg}");
        assert!(e.to_string().contains("alg must be RS256"), "{e}");
        assert_no_leak(&t, &e);
    }
    // `alg: none` with an empty signature, the classic forgery.
    let h = b64url(br#"{"alg":"none","kid":"test-key-2048"}"#);
    let t = format!("Bearer {h}.{}.", b64url(payload.as_bytes()));
    assert_eq!(check(&t).unwrap_err().code(), "MALFORMED_INPUT");
    // No header is missing `alg` and still accepted; `crit` is refused.
    let t = token_raw(KEY, r#"{"kid":"test-key-2048"}"#, &payload);
    assert_eq!(check(&t).unwrap_err().code(), "MALFORMED_INPUT");
    let t = token_raw(KEY, r#"{"alg":"RS256","kid":"test-key-2048","crit":["exp"]}"#, &payload);
    assert_eq!(check(&t).unwrap_err().code(), "MALFORMED_INPUT");
}

#[test]
fn an_unknown_or_missing_kid_is_invalid_token_kid() {
    let t = token_raw(KEY, &header("rotated-key"), &claims().to_string());
    assert_eq!(token_error(&t).0, "kid");
    let t = token_raw(KEY, r#"{"alg":"RS256","typ":"JWT"}"#, &claims().to_string());
    assert_eq!(token_error(&t).0, "kid");
    let t = token_raw(KEY, r#"{"alg":"RS256","kid":7}"#, &claims().to_string());
    assert_eq!(token_error(&t).0, "kid");
    // A hostile kid never reaches the message.
    let kid = format!("\u{202e}\u{1b}[2J{}", "k".repeat(5000));
    let t = token_raw(KEY, &json!({"alg": "RS256", "kid": kid}).to_string(), &claims().to_string());
    let m = check(&t).unwrap_err().to_string();
    assert_eq!(m, "invalid token: kid names no key of the set");
}

#[test]
fn a_bad_signature_is_invalid_signature() {
    let good = token(&claims());
    let (rest, sig) = good.rsplit_once('.').unwrap();
    // Signed by a key that is not the kid's.
    let wrong_key = token_raw(OTHER_KEY, &header("test-key-2048"), &claims().to_string());
    // The payload changed after signing (a different audience, signature kept).
    let (head, _) = rest.split_once('.').unwrap();
    let forged_payload = with(|c| drop(c.insert("email".into(), json!("attacker@example.com"))));
    let forged = format!("{head}.{}.{sig}", forged_payload.split('.').nth(1).unwrap());
    // One bit of the signature flipped; a truncated signature; an empty one; not base64url.
    let mut raw = b64::decode_url("t", sig).unwrap();
    raw[10] ^= 1;
    let cases = [
        wrong_key,
        forged,
        format!("{rest}.{}", b64url(&raw)),
        format!("{rest}.{}", b64url(&raw[..128])),
        format!("{rest}."),
        format!("{rest}.{}", sig.replace(|c: char| c.is_ascii_alphanumeric(), "+")),
    ];
    for t in cases {
        let e = check(&t).unwrap_err();
        assert_eq!(e, Error::InvalidSignature, "{t}");
        assert_no_leak(&t, &e);
    }
}

#[test]
fn claims_must_be_the_expected_ones() {
    let cases: Vec<(String, &str)> = vec![
        (with(|c| drop(c.insert("iss".into(), json!("https://evil.example.com")))), "iss"),
        (with(|c| drop(c.insert("iss".into(), json!("https://accounts.google.com/")))), "iss"),
        (with(|c| drop(c.remove("iss"))), "iss"),
        (with(|c| drop(c.insert("aud".into(), json!("https://other.example.com/rtdn")))), "aud"),
        (with(|c| drop(c.insert("aud".into(), json!([AUDIENCE])))), "aud"),
        (with(|c| drop(c.remove("aud"))), "aud"),
        (with(|c| drop(c.insert("email".into(), json!("someone-else@example.com")))), "email"),
        (with(|c| drop(c.insert("email".into(), json!(EMAIL.to_uppercase())))), "email"),
        (with(|c| drop(c.remove("email"))), "email"),
        (with(|c| drop(c.insert("email_verified".into(), json!(false)))), "email_verified"),
        (with(|c| drop(c.insert("email_verified".into(), json!("true")))), "email_verified"),
        (with(|c| drop(c.remove("email_verified"))), "email_verified"),
        (with(|c| drop(c.remove("exp"))), "exp"),
        (with(|c| drop(c.insert("exp".into(), json!("1735693200")))), "exp"),
        (with(|c| drop(c.remove("iat"))), "iat"),
        (with(|c| drop(c.insert("exp".into(), json!(IAT + 86_401)))), "exp"),
    ];
    for (t, want) in cases {
        let (claim, reason) = token_error(&t);
        assert_eq!(claim, want, "{reason}");
        let e = check(&t).unwrap_err();
        assert_eq!(e.code(), "INVALID_TOKEN");
        assert_eq!(e.details(), json!({ "claim": want }));
        assert_no_leak(&t, &e);
    }
    // The caller's own values must be there.
    assert_eq!(Expected::new("", EMAIL).unwrap_err().code(), "INVALID_ARGUMENT");
    assert_eq!(Expected::new(AUDIENCE, "").unwrap_err().code(), "INVALID_ARGUMENT");
}

#[test]
fn exp_and_iat_have_a_sixty_second_leeway() {
    let t = token(&claims());
    let exp_ms = (IAT + 3600) * 1000;
    let iat_ms = IAT * 1000;
    let at = |now| verify_push(&t, &keys(), &expected(), now);
    assert!(at(exp_ms - 1).is_ok());
    assert!(at(exp_ms + LEEWAY_MS - 1).is_ok(), "within the leeway after exp");
    assert!(matches!(at(exp_ms + LEEWAY_MS), Err(Error::InvalidToken { claim: "exp", .. })), "expired");
    assert!(matches!(at(exp_ms + 86_400_000), Err(Error::InvalidToken { claim: "exp", .. })));
    assert!(at(iat_ms - LEEWAY_MS).is_ok(), "issued up to 60 s ahead of our clock");
    assert!(matches!(at(iat_ms - LEEWAY_MS - 1), Err(Error::InvalidToken { claim: "iat", .. })), "iat in the future");
    // Fractional seconds are read too.
    let t = with(|c| drop(c.insert("exp".into(), json!(1_735_689_660.5))));
    assert!(verify_push(&t, &keys(), &expected(), 1_735_689_720_499).is_ok());
    assert!(verify_push(&t, &keys(), &expected(), 1_735_689_720_500).is_err());
}

#[test]
fn malformed_tokens_are_malformed_input_never_a_panic() {
    let good = token(&claims());
    let jwt = good.trim_start_matches("Bearer ");
    let (h, rest) = jwt.split_once('.').unwrap();
    let (p, s) = rest.split_once('.').unwrap();
    let cases = [
        String::new(),
        "Bearer".into(),
        "Bearer ".into(),
        jwt.to_string(),
        format!("Basic {jwt}"),
        format!("Bearer{jwt}"),
        format!("Bearer {h}.{p}"),
        format!("Bearer {jwt}.{s}"),
        format!("Bearer {h}={p}.{s}"),
        format!("Bearer {h}==.{p}.{s}"),
        format!("Bearer !!.{p}.{s}"),
        format!("Bearer {}.{p}.{s}", b64url(b"not json")),
        format!("Bearer {}.{p}.{s}", b64url(b"[1]")),
        format!("Bearer {}.{p}.{s}", b64url(b"\xef\xbb\xbf{}")),
        format!("Bearer {h} .{p}.{s}"),
        "Bearer ..".into(),
        "Bearer \u{1F600}.\u{1F600}.\u{1F600}".into(),
    ];
    for t in cases {
        let e = check(&t).unwrap_err();
        assert_eq!(e.code(), "MALFORMED_INPUT", "{t:?}: {e}");
        assert_no_leak(&t, &e);
    }
    // The payload is read only after the signature: a damaged one fails the signature first.
    assert_eq!(check(&format!("Bearer {h}.{p}=.{s}")).unwrap_err(), Error::InvalidSignature);
    // Signed payloads that are not claims objects.
    for payload in ["not json", "[]", "\"x\"", "{\"a\":1} trailing"] {
        let t = token_raw(KEY, &header("test-key-2048"), payload);
        assert_eq!(check(&t).unwrap_err().code(), "MALFORMED_INPUT", "{payload}");
    }
}

#[test]
fn duplicate_keys_are_refused_in_header_and_payload() {
    let t = token_raw(KEY, r#"{"alg":"RS256","kid":"test-key-2048","alg":"none"}"#, &claims().to_string());
    let e = check(&t).unwrap_err();
    assert_eq!(e.code(), "MALFORMED_INPUT");
    assert!(e.to_string().contains("duplicate key \"alg\""), "{e}");
    // Both audiences are signed; which one a parser keeps is exactly the ambiguity to refuse.
    let payload = claims().to_string().replacen('{', r#"{"aud":"https://other.example.com","#, 1);
    let t = token_raw(KEY, &header("test-key-2048"), &payload);
    let e = check(&t).unwrap_err();
    assert_eq!(e.code(), "MALFORMED_INPUT");
    assert!(e.to_string().contains("duplicate key \"aud\""), "{e}");
    let payload = claims().to_string().replacen('{', r#"{"x":{"y":1,"\u0079":2},"#, 1);
    assert_eq!(check(&token_raw(KEY, &header("test-key-2048"), &payload)).unwrap_err().code(), "MALFORMED_INPUT");
}

#[test]
fn huge_input_is_input_too_large() {
    let t = with(|c| drop(c.insert("pad".into(), json!("x".repeat(limits::MAX_AUTHORIZATION_HEADER)))));
    let e = check(&t).unwrap_err();
    assert_eq!(e.code(), "INPUT_TOO_LARGE");
    assert_eq!(e.details()["limit"], json!(limits::MAX_AUTHORIZATION_HEADER));
    assert_no_leak(&t, &e);
    let e = check(&"A".repeat(10_000_000)).unwrap_err();
    assert_eq!(e.code(), "INPUT_TOO_LARGE");
    // Just under the limit, deeply nested: an error, not a stack overflow.
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    let t = token_raw(KEY, &header("test-key-2048"), &deep);
    assert_eq!(check(&t).unwrap_err().code(), "MALFORMED_INPUT");
}

#[test]
fn a_1024_bit_key_is_refused_when_the_set_is_read() {
    // So no token can ever be checked against it (ring would not sign with it either).
    let e = GoogleKeys::from_jwks(JWKS_1024).unwrap_err();
    assert_eq!(e.code(), "INVALID_PUBLIC_KEY");
    assert!(e.to_string().contains("1024-bit"), "{e}");
    assert!(RsaKeyPair::from_pkcs8(&pkcs8(KEY_1024)).is_err());
}

/// A check as asked: algorithm, key, message, signature.
type Asked = (crate::host::Algorithm, Vec<u8>, Vec<u8>, Vec<u8>);

/// Answers every check with `answer` and remembers what it was asked.
struct Recorder {
    answer: Option<bool>,
    asked: std::cell::RefCell<Vec<Asked>>,
}

impl crate::host::SignatureHost for Recorder {
    fn check<'a>(&'a self, c: crate::host::SignatureCheck<'a>) -> impl std::future::Future<Output = Option<bool>> + 'a {
        self.asked.borrow_mut().push((c.algorithm, c.key.to_vec(), c.message.to_vec(), c.signature.to_vec()));
        std::future::ready(self.answer)
    }
}

#[test]
fn a_host_is_asked_the_one_rs256_check_and_its_answer_counts() {
    let k = keys();
    let t = token(&claims());
    let run = |answer, token: &str| {
        let host = Recorder { answer, asked: Default::default() };
        let r = crate::host::run_ready(verify_push_with(&host, token, &k, &expected(), NOW)).unwrap();
        (r, host.asked.into_inner())
    };
    let (r, asked) = run(Some(true), &t);
    assert_eq!(r.unwrap(), check(&t).unwrap());
    let [(alg, key, message, signature)] = asked.as_slice() else { panic!("{asked:?}") };
    assert_eq!(*alg, crate::host::Algorithm::RsaPkcs1Sha256);
    assert_eq!(key.as_slice(), k.get("test-key-2048").unwrap().spki_der());
    assert_eq!(signature.len(), 256);
    assert!(t.ends_with(&b64url(signature)));
    assert!(t.contains(std::str::from_utf8(message).unwrap()));
    // The host's "no" is final; its "cannot" hands the check to ring, which refuses a forgery.
    assert_eq!(run(Some(false), &t).0.unwrap_err().code(), "INVALID_SIGNATURE");
    assert_eq!(run(None, &t).0.unwrap(), check(&t).unwrap());
    let forged = format!("{}AAAA", &t[..t.len() - 4]);
    assert_eq!(run(None, &forged).0.unwrap_err().code(), "INVALID_SIGNATURE");
    // A token refused before the signature step never reaches the host.
    let (r, asked) = run(Some(true), "Bearer x.y");
    assert_eq!(r.unwrap_err().code(), "MALFORMED_INPUT");
    assert!(asked.is_empty());
}
