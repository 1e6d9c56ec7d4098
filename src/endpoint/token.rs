//! The OAuth 2.0 access token an API object keeps between requests (RFC 6749 §5.1), for the APIs
//! whose caller fetches one first: Google Play (a signed service-account assertion) and ONE store
//! (client credentials). How the token is asked for is each API's; reading the answer, keeping the
//! token, carrying it as `Authorization: Bearer` and keeping it out of every text are here.

use std::cell::RefCell;

use serde_json::{json, Value};

use crate::clean_text::upstream_text;
use crate::error::{Error, Result};

/// The token's lifetime when the answer does not say (`expires_in` is RECOMMENDED, not required):
/// the hour both stores give.
const DEFAULT_TTL_S: i64 = 3600;

/// The access token an API object holds, and when it expires (epoch ms). Never printed.
#[derive(Default)]
pub(crate) struct AccessToken {
    current: RefCell<Option<(String, i64)>>,
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.current.borrow().is_some() { "Some(<redacted>)" } else { "None" })
    }
}

impl AccessToken {
    /// Reads a token answer already opened as JSON (`what` names it in errors): `access_token`
    /// (printable ASCII, at most `max_len` bytes), `token_type` absent or `Bearer` in any case,
    /// `expires_in` absent, `null` or 1..=86,400 seconds. Keeps the token and returns
    /// `{ tokenType, expiresIn, expiresAtMs }`; the token itself stays inside.
    pub(crate) fn accept(&self, body: &Value, what: &'static str, max_len: usize, now_ms: i64) -> Result<Value> {
        let bad = |why: &str| Error::malformed(what, why.to_owned());
        let token = body.get("access_token").and_then(Value::as_str).filter(|t| !t.is_empty()).ok_or_else(|| bad("no access_token"))?;
        if token.len() > max_len || token.chars().any(|c| !c.is_ascii_graphic()) {
            return Err(bad("access_token is not a bearer token"));
        }
        match body.get("token_type") {
            None => {}
            Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => {}
            Some(_) => return Err(bad("token_type is not Bearer")),
        }
        let expires_in = match body.get("expires_in") {
            None | Some(Value::Null) => DEFAULT_TTL_S,
            Some(v) => crate::time::int_value(v).filter(|n| (1..=86_400).contains(n)).ok_or_else(|| bad("expires_in is not a number of seconds"))?,
        };
        let expires_at = now_ms.saturating_add(expires_in.saturating_mul(1000));
        *self.current.borrow_mut() = Some((token.to_owned(), expires_at));
        Ok(json!({ "tokenType": "Bearer", "expiresIn": expires_in, "expiresAtMs": expires_at }))
    }

    /// Forgets the token (after the API refused it).
    pub(crate) fn clear(&self) {
        *self.current.borrow_mut() = None;
    }

    /// `Bearer <token>`, while the token is valid at `now_ms`.
    pub(crate) fn bearer(&self, now_ms: i64) -> Result<String> {
        match self.current.borrow().as_ref() {
            Some((token, exp)) if now_ms < *exp => Ok(format!("Bearer {token}")),
            Some(_) => Err(Error::invalid_argument("the access token has expired: send tokenRequest() and parseToken() its answer")),
            None => Err(Error::invalid_argument("no access token yet: send tokenRequest() and parseToken() its answer")),
        }
    }

    /// `text` with the token redacted (and cleaned as every upstream text is).
    pub(crate) fn redact(&self, text: &str) -> String {
        upstream_text(text, self.current.borrow().as_ref().map(|(token, _)| token.as_str()))
    }

    /// Runs `f` with the token, or `""` without one (for readers that redact it themselves).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        f(self.current.borrow().as_ref().map_or("", |(token, _)| token.as_str()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_valid_answer_and_refuses_the_rest() {
        let t = AccessToken::default();
        assert_eq!(t.bearer(0).unwrap_err().code(), "INVALID_ARGUMENT");
        let out = t.accept(&json!({ "access_token": "abc.DEF-1", "token_type": "bearer" }), "answer", 64, 1_000).unwrap();
        assert_eq!(out, json!({ "tokenType": "Bearer", "expiresIn": 3600, "expiresAtMs": 3_601_000 }));
        assert_eq!(t.bearer(3_600_999).unwrap(), "Bearer abc.DEF-1");
        assert!(t.bearer(3_601_000).unwrap_err().to_string().contains("expired"));
        assert_eq!(format!("{t:?}"), "Some(<redacted>)");
        assert_eq!(t.redact("bad token abc.DEF-1\there"), "bad token <redacted> here");
        t.with(|token| assert_eq!(token, "abc.DEF-1"));
        t.accept(&json!({ "access_token": "x", "expires_in": "120", "token_type": null, "scope": "s" }), "answer", 64, 0).unwrap_err();
        t.accept(&json!({ "access_token": "x", "expires_in": "120" }), "answer", 64, 0).unwrap();
        assert_eq!(t.bearer(119_999).unwrap(), "Bearer x");
        for bad in [
            json!({}),
            json!({ "access_token": "" }),
            json!({ "access_token": 7 }),
            json!({ "access_token": "a b" }),
            json!({ "access_token": "é" }),
            json!({ "access_token": "x".repeat(65) }),
            json!({ "access_token": "x", "token_type": "mac" }),
            json!({ "access_token": "x", "token_type": 1 }),
            json!({ "access_token": "x", "expires_in": 0 }),
            json!({ "access_token": "x", "expires_in": 86_401 }),
            json!({ "access_token": "x", "expires_in": "soon" }),
        ] {
            let e = t.accept(&bad, "answer", 64, 0).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT", "{bad}");
            // A refused answer leaves the token that was kept.
            assert_eq!(t.bearer(0).unwrap(), "Bearer x");
        }
        t.clear();
        assert_eq!(format!("{t:?}"), "None");
        assert!(t.bearer(0).unwrap_err().to_string().contains("no access token yet"));
        t.with(|token| assert_eq!(token, ""));
    }
}
