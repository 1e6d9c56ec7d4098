//! Text from outside the crate, made fit to show in an error: what a server sent
//! ([`upstream_text`]: no control or bidi characters, no credentials, cut to a length) and parser
//! messages that echo the values they refused ([`strip_quoted`]).

use crate::limits;

/// Replaces the contents of every `"..."` in `s` with `…`: for parser messages that echo values
/// (which may be secrets or hostile text) before they are shown. Only a binding needs it (for the
/// messages of its own JSON parser): `binding::strip_quoted`.
#[cfg(any(feature = "binding", test))]
pub(crate) fn strip_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        if c == '"' {
            if !inside {
                out.push_str("\"…");
            }
            if inside {
                out.push('"');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// Text a server sent (an NHN `resultMessage`), made fit to show: data, never part of our own
/// message. Control characters (C0, DEL, C1), bidirectional formatting characters (which can make
/// a log line or a table cell read backwards) and line and paragraph separators are removed,
/// except that tabs and line breaks become spaces; `secret`, if given, and anything shaped like a
/// credential (a JWT, a Google `ya29.` access token, the word after `Bearer`) are replaced by
/// `<redacted>` (after the removal, so that no stripped character can split them); then the text
/// is cut to [`limits::MAX_UPSTREAM_TEXT`](crate::limits::MAX_UPSTREAM_TEXT) characters, the last
/// one `…` when it was cut. (An upstream that echoes a request header would otherwise put the
/// bearer token into `details`, logs and the dashboard.)
pub(crate) fn upstream_text(text: &str, secret: Option<&str>) -> String {
    let mut clean: String = text
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => Some(' '),
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    if let Some(s) = secret.filter(|s| !s.is_empty()) {
        clean = clean.replace(s, "<redacted>");
    }
    clean = redact_credentials(&clean);
    let max = limits::MAX_UPSTREAM_TEXT;
    if let Some((cut, _)) = clean.char_indices().nth(max) {
        let keep = clean.char_indices().nth(max.saturating_sub(1)).map_or(cut, |(i, _)| i);
        clean.truncate(keep);
        clean.push('…');
    }
    clean
}

/// `text` with every credential-shaped word replaced by `<redacted>`: a JWT (three base64url
/// parts, the first starting `eyJ`, the encoding of `{"`), a Google OAuth access token (`ya29.`)
/// and the word after `Bearer `. A word is a run of base64url characters, dots, `+`, `/` and `=`.
fn redact_credentials(text: &str) -> String {
    let word_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '=');
    let mut out = String::with_capacity(text.len());
    let mut after_bearer = false;
    let mut rest = text;
    while let Some(start) = rest.find(word_char) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let end = from.find(|c: char| !word_char(c)).unwrap_or(from.len());
        let (word, tail) = from.split_at(end);
        let jwt = word.starts_with("eyJ") && word.split('.').filter(|p| !p.is_empty()).count() >= 2 && word.matches('.').count() >= 2;
        let secret = jwt || word.starts_with("ya29.") || (after_bearer && before.chars().all(|c| c == ' '));
        out.push_str(if secret { "<redacted>" } else { word });
        after_bearer = word.eq_ignore_ascii_case("bearer");
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_quoted_drops_values() {
        assert_eq!(strip_quoted(r#"a "b" c "d""#), "a \"…\" c \"…\"");
    }

    #[test]
    fn upstream_text_redacts_credential_shaped_words() {
        let jwt = "eyJhbGciOiJFUzI1NiIsImtpZCI6IksifQ.eyJpc3MiOiJpIn0.MEUCIQ-_x";
        assert_eq!(upstream_text(&format!("bad token {jwt}, try again"), None), "bad token <redacted>, try again");
        assert_eq!(upstream_text("Authorization: Bearer abc.DEF-123/+=", None), "Authorization: Bearer <redacted>");
        assert_eq!(upstream_text("token ya29.a0AfH6SMB-x expired", None), "token <redacted> expired");
        // Words that only look alike stay: no third part, no `eyJ`, a plain sentence after Bearer:.
        for plain in ["eyJ is not a token", "version 1.2.3 of the API", "Bearer: missing", "file.name.ext"] {
            assert_eq!(upstream_text(plain, None), plain);
        }
        // Redacted before the cut: a token straddling the limit leaves no prefix behind.
        let long = format!("{} {jwt}", "x".repeat(limits::MAX_UPSTREAM_TEXT - 5));
        assert!(!upstream_text(&long, None).contains("eyJ"));
    }
}
