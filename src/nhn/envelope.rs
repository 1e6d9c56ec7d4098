//! The response envelope both NHN APIs share, and the mapping from it to typed errors.
//!
//! `{"header":{"isSuccessful":bool,"resultCode":int,"resultMessage":string, ...},"result":...}`
//! (reference §2.2, §4.1). The body is read into a `serde_json::Value` first: that tolerates
//! duplicate keys (the last one wins, as in `JSON.parse`; the reference's E3 example repeats
//! `productSeq`), which a derived struct would reject as "duplicate field". Typed results are
//! then read from it by [`super::fields`].

use serde_json::Value;

use crate::endpoint::HttpResponse;
use crate::clean_text::upstream_text;
use crate::error::{Error, Result};
use crate::limits;

/// Result code of "the payment was already consumed" (reference §2.4).
pub const ALREADY_CONSUMED_CODE: i64 = 5018;

/// `what` in errors about a response body.
pub(crate) const RESPONSE: &str = "NHN API response";

/// Reads the envelope and returns `result` (`Value::Null` when absent).
///
/// Order of checks: size limit; then a failure envelope wins over the HTTP status (so 5018 is
/// `ALREADY_CONSUMED` whatever the status); then a non-2xx status is `API_ERROR` with the
/// status; then a 2xx body that is not an envelope is `MALFORMED_INPUT`.
/// The server's `resultMessage` is data: it goes to `details` only, through
/// [`upstream_text`] (control and bidi characters removed, `secret` redacted, cut to 256 characters).
pub(crate) fn open(response: &HttpResponse, secret: Option<&str>) -> Result<Value> {
    limits::check(RESPONSE, response.body.len(), limits::MAX_API_RESPONSE)?;
    let status = response.status;
    let ok_status = (200..300).contains(&status);
    let parsed: Option<Value> = serde_json::from_slice(response.body.as_bytes()).ok();
    let header = parsed.as_ref().and_then(|v| v.get("header")).and_then(Value::as_object);
    let successful = header.and_then(|h| h.get("isSuccessful")).and_then(Value::as_bool);

    if let (Some(h), Some(false)) = (header, successful) {
        let code = h.get("resultCode").and_then(Value::as_i64);
        let message = h.get("resultMessage").and_then(Value::as_str).map(|m| upstream_text(m, secret));
        if code == Some(ALREADY_CONSUMED_CODE) {
            return Err(Error::AlreadyConsumed { result_message: message.unwrap_or_default() });
        }
        return Err(Error::Api { status, result_code: code, result_message: message });
    }
    if !ok_status {
        return Err(Error::Api { status, result_code: None, result_message: None });
    }
    let Some(mut body) = parsed else {
        return Err(Error::malformed(RESPONSE, "the body is not JSON"));
    };
    if successful != Some(true) {
        return Err(Error::malformed(RESPONSE, "no `header.isSuccessful` boolean: not the NHN envelope"));
    }
    Ok(body.get_mut("result").map(Value::take).unwrap_or(Value::Null))
}


#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, body)
    }

    #[test]
    fn success_returns_result_and_ignores_extra_header_fields() {
        let r = open(
            &resp(200, r#"{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS","transactionId":"t"},"result":{"a":1}}"#),
            None,
        )
        .unwrap();
        assert_eq!(r, serde_json::json!({"a":1}));
        let r = open(&resp(200, r#"{"header":{"isSuccessful":true}}"#), None).unwrap();
        assert!(r.is_null());
    }

    #[test]
    fn failure_maps_codes() {
        let e = open(&resp(200, r#"{"header":{"isSuccessful":false,"resultCode":5018,"resultMessage":"error message"}}"#), None)
            .unwrap_err();
        assert_eq!(e, Error::AlreadyConsumed { result_message: "error message".into() });
        assert_eq!(e.code(), "ALREADY_CONSUMED");

        let e = open(&resp(200, r#"{"header":{"isSuccessful":false,"resultCode":5000,"resultMessage":"CONSUME_FAILED"}}"#), None)
            .unwrap_err();
        assert_eq!(e, Error::Api { status: 200, result_code: Some(5000), result_message: Some("CONSUME_FAILED".into()) });
        assert_eq!(e.details()["resultCode"], 5000);
        assert!(!e.retryable());
    }

    #[test]
    fn non_2xx_is_api_error_with_status() {
        let e = open(&resp(503, "<html>busy</html>"), None).unwrap_err();
        assert_eq!(e, Error::Api { status: 503, result_code: None, result_message: None });
        assert!(e.retryable());
        let e = open(&resp(404, ""), None).unwrap_err();
        assert_eq!(e.details()["status"], 404);
        assert!(!e.retryable());
        // A failure envelope under a non-2xx status keeps its code.
        let e = open(&resp(400, r#"{"header":{"isSuccessful":false,"resultCode":1100,"resultMessage":"INVALID_PARAMETERS"}}"#), None)
            .unwrap_err();
        assert_eq!(e, Error::Api { status: 400, result_code: Some(1100), result_message: Some("INVALID_PARAMETERS".into()) });
    }

    #[test]
    fn not_an_envelope_is_malformed() {
        for body in ["", "not json", "[]", r#"{"result":[]}"#, r#"{"header":{"isSuccessful":"true"}}"#, r#"{"header":1}"#] {
            let e = open(&resp(200, body), None).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT", "{body}");
        }
    }

    #[test]
    fn size_limit() {
        let big = " ".repeat(limits::MAX_API_RESPONSE + 1);
        assert_eq!(open(&resp(200, &big), None).unwrap_err().code(), "INPUT_TOO_LARGE");
    }

    #[test]
    fn secret_never_reaches_the_message() {
        let body = r#"{"header":{"isSuccessful":false,"resultCode":-4010004,"resultMessage":"invalid secretKey: TOPSECRET"}}"#;
        let e = open(&resp(200, body), Some("TOPSECRET")).unwrap_err();
        assert!(!e.to_string().contains("TOPSECRET"));
        assert!(!e.details().to_string().contains("TOPSECRET"));
        assert_eq!(e.details()["resultMessage"], "invalid secretKey: <redacted>");
    }

    #[test]
    fn upstream_text_is_data_cleaned_and_cut() {
        let hostile = format!(
            "<img src=x onerror=alert(1)>\u{1b}[31mred\u{0}\u{7f}\u{85}line\nbreak\u{202e}evil\u{2066}x\u{2069}</script>{}",
            "A".repeat(1 << 20)
        );
        let body = serde_json::json!({ "header": { "isSuccessful": false, "resultCode": 9999, "resultMessage": hostile } });
        let e = open(&resp(500, &body.to_string()), None).unwrap_err();
        assert_eq!(e.code(), "API_ERROR");
        // Our message, with the code; none of the server's text.
        assert_eq!(e.to_string(), "the server refused the request with result code 9999 (HTTP 500)");
        let shown = e.details()["resultMessage"].as_str().unwrap().to_owned();
        assert_eq!(shown.chars().count(), limits::MAX_UPSTREAM_TEXT);
        assert!(shown.ends_with('…'));
        assert!(shown.starts_with("<img src=x onerror=alert(1)>[31mredline breakevilx</script>AAA"), "{shown}");
        assert!(!shown.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)));
        assert_eq!(e.details()["resultCode"], 9999);
        // 5018 keeps its text the same way.
        let body = serde_json::json!({ "header": { "isSuccessful": false, "resultCode": 5018, "resultMessage": "\u{202e}done\u{0}" } });
        let e = open(&resp(200, &body.to_string()), None).unwrap_err();
        assert_eq!(e.details()["resultMessage"], "done");
        assert_eq!(e.to_string(), "the payment was already consumed (5018)");
    }

    #[test]
    fn upstream_text_short_and_exact_lengths_are_kept() {
        assert_eq!(upstream_text("CONSUME_FAILED", None), "CONSUME_FAILED");
        let exact = "é".repeat(limits::MAX_UPSTREAM_TEXT);
        assert_eq!(upstream_text(&exact, None), exact);
        let over = format!("{exact}x");
        let cut = upstream_text(&over, None);
        assert_eq!(cut.chars().count(), limits::MAX_UPSTREAM_TEXT);
        assert_eq!(cut, format!("{}…", "é".repeat(limits::MAX_UPSTREAM_TEXT - 1)));
        assert_eq!(upstream_text("", None), "");
    }

    #[test]
    fn a_secret_split_by_stripped_characters_is_still_redacted() {
        let body = r#"{"header":{"isSuccessful":false,"resultCode":-4010004,"resultMessage":"key TOP\u0000SEC\u202eRET"}}"#;
        let e = open(&resp(200, body), Some("TOPSECRET")).unwrap_err();
        assert_eq!(e.details()["resultMessage"], "key <redacted>");
        // Redacted before the cut: no prefix of the secret survives at the end of a long text.
        let long = format!("{}TOPSECRET", "a".repeat(limits::MAX_UPSTREAM_TEXT - 4));
        let shown = upstream_text(&long, Some("TOPSECRET"));
        assert!(!shown.contains("TOP"), "{shown}");
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let v = open(&resp(200, r#"{"header":{"isSuccessful":true},"result":{"k":1,"k":2}}"#), None).unwrap();
        assert_eq!(v["k"], 2);
    }
}
