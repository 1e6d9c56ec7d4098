//! Base64 as it arrives from stores and consoles: standard alphabet, padding optional, ASCII
//! whitespace (line breaks every 64 or 76 columns) ignored.

use base64::engine::{general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig};
use base64::{alphabet, Engine};

use crate::error::{Error, Result};

const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

const URL_SAFE_NO_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_encode_padding(false).with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// Decodes standard base64, skipping ASCII whitespace.
pub(crate) fn decode_standard(what: &'static str, text: &str) -> Result<Vec<u8>> {
    decode_standard_bytes(what, text.as_bytes())
}

/// [`decode_standard`] on the text's UTF-8 bytes (the same result and errors).
pub(crate) fn decode_standard_bytes(what: &'static str, text: &[u8]) -> Result<Vec<u8>> {
    let decoded = if text.iter().any(u8::is_ascii_whitespace) {
        let compact: Vec<u8> = text.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
        match fast_decode(&compact, &STANDARD_TABLE, true) {
            Some(bytes) => return Ok(bytes),
            None => STANDARD_LENIENT.decode(compact),
        }
    } else {
        match fast_decode(text, &STANDARD_TABLE, true) {
            Some(bytes) => return Ok(bytes),
            None => STANDARD_LENIENT.decode(text),
        }
    };
    decoded.map_err(|e| Error::malformed(what, format!("not base64: {e}")))
}

/// Decodes base64url without padding, as JWS segments are (RFC 7515 §2); no whitespace allowed.
pub(crate) fn decode_url(what: &'static str, text: &str) -> Result<Vec<u8>> {
    if let Some(bytes) = fast_decode(text.as_bytes(), &URL_TABLE, false) {
        return Ok(bytes);
    }
    URL_SAFE_NO_PAD.decode(text).map_err(|e| Error::malformed(what, format!("not base64url: {e}")))
}

/// Not a symbol of the alphabet.
const INVALID: u8 = 0xff;

/// Evaluated at compile time only (for the two constants below), where an index out of range
/// would be a build error, not a panic; `i < 64` fits a `u8`.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const fn table(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
}

const STANDARD_TABLE: [u8; 256] = table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
const URL_TABLE: [u8; 256] = table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

/// The common case, fast: canonical base64 (every symbol in the alphabet, the unused bits of the
/// last symbol zero, `=` padding only where `padding` allows it and only to a multiple of four).
/// `None` for anything else, which the `base64` crate then decodes or refuses with its message:
/// this accepts a subset of what the crate accepts, with the same bytes.
fn fast_decode(text: &[u8], table: &[u8; 256], padding: bool) -> Option<Vec<u8>> {
    let body = match text {
        [rest @ .., b'=', b'='] if padding && text.len() % 4 == 0 => rest,
        [rest @ .., b'='] if padding && text.len() % 4 == 0 => rest,
        _ => text,
    };
    if body.len() % 4 == 1 || (body.len() != text.len() && body.len() % 4 == 0) {
        return None;
    }
    let symbol = |b: &u8| -> Option<u32> {
        let v = *table.get(usize::from(*b))?;
        (v != INVALID).then_some(u32::from(v))
    };
    let whole = body.len() / 4;
    let mut out = vec![0u8; whole * 3];
    let mut quads = body.chunks_exact(4);
    // One table lookup per symbol; the `INVALID` entries (0xff) are the only ones with the top bit
    // set, so one test per quad finds any of them.
    for (q, o) in quads.by_ref().zip(out.chunks_exact_mut(3)) {
        let (Some(&a), Some(&b), Some(&c), Some(&d)) = (q.first(), q.get(1), q.get(2), q.get(3)) else { return None };
        let (Some(&a), Some(&b), Some(&c), Some(&d)) =
            (table.get(usize::from(a)), table.get(usize::from(b)), table.get(usize::from(c)), table.get(usize::from(d)))
        else {
            return None;
        };
        if (a | b | c | d) & 0x80 != 0 {
            return None;
        }
        let n = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
        let [_, x, y, z] = n.to_be_bytes();
        if let [o0, o1, o2] = o {
            *o0 = x;
            *o1 = y;
            *o2 = z;
        }
    }
    match quads.remainder() {
        [] => {}
        [a, b] => {
            let n = (symbol(a)? << 6) | symbol(b)?;
            if n & 0xf != 0 {
                return None;
            }
            out.extend_from_slice(&(n >> 4).to_be_bytes()[3..]);
        }
        [a, b, c] => {
            let n = (symbol(a)? << 12) | (symbol(b)? << 6) | symbol(c)?;
            if n & 0x3 != 0 {
                return None;
            }
            out.extend_from_slice(&(n >> 2).to_be_bytes()[2..]);
        }
        _ => return None,
    }
    Some(out)
}

/// Encodes standard base64 with padding (what Node's `Buffer#toString('base64')` gives).
pub(crate) fn encode_standard(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Encodes base64url without padding, as JWS segments are.
pub(crate) fn encode_url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The DER inside a PEM block labelled `label` (`-----BEGIN PRIVATE KEY-----`), or `bytes` as
/// they are when they are not PEM text (already DER).
pub(crate) fn pem_or_der(what: &'static str, bytes: &[u8], label: &str) -> Result<Vec<u8>> {
    let Ok(text) = std::str::from_utf8(bytes) else { return Ok(bytes.to_vec()) };
    let text = text.trim();
    if !text.starts_with("-----BEGIN ") {
        return Ok(bytes.to_vec());
    }
    let (begin, end) = (format!("-----BEGIN {label}-----"), format!("-----END {label}-----"));
    let inner = text
        .strip_prefix(begin.as_str())
        .and_then(|rest| rest.split(end.as_str()).next().filter(|_| rest.contains(end.as_str())))
        .ok_or_else(|| Error::malformed(what, format!("not a PEM {label} block")))?;
    decode_standard(what, inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_tolerates_line_breaks_and_missing_padding() {
        assert_eq!(decode_standard("t", "aGVs\nbG8=\r\n").unwrap(), b"hello");
        assert_eq!(decode_standard("t", "aGVsbG8").unwrap(), b"hello");
        assert_eq!(decode_standard("t", "").unwrap(), b"");
    }

    #[test]
    fn standard_refuses_other_alphabets_and_junk() {
        for bad in ["aGVs_G8=", "aGVs-G8=", "%%%", "aGVsbG8=="] {
            let e = decode_standard("t", bad).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT", "{bad}");
        }
    }

    #[test]
    fn pem_blocks() {
        let pem = "-----BEGIN PRIVATE KEY-----\naGVs\nbG8=\n-----END PRIVATE KEY-----\n";
        assert_eq!(pem_or_der("k", pem.as_bytes(), "PRIVATE KEY").unwrap(), b"hello");
        assert_eq!(pem_or_der("k", &[0x30, 0x03], "PRIVATE KEY").unwrap(), [0x30, 0x03]);
        for bad in ["-----BEGIN PRIVATE KEY-----\naGVs", "-----BEGIN CERTIFICATE-----\naGVs\n-----END CERTIFICATE-----"] {
            assert_eq!(pem_or_der("k", bad.as_bytes(), "PRIVATE KEY").unwrap_err().code(), "MALFORMED_INPUT", "{bad}");
        }
        assert_eq!(encode_url(b"\xfb\xff"), "-_8");
        assert_eq!(encode_url(b"a"), "YQ", "no padding");
    }

    #[test]
    fn the_fast_path_agrees_with_the_crate() {
        // Every text the fast path decodes, the crate decodes to the same bytes; every text the
        // crate refuses, the fast path refuses too (and the crate's message is the error).
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let symbols = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=.";
        for _ in 0..200_000 {
            let len = usize::try_from(next() % 13).unwrap();
            let text: Vec<u8> = (0..len).map(|_| symbols[usize::try_from(next() % 67).unwrap()]).collect();
            for (table, padding, engine) in [(&STANDARD_TABLE, true, &STANDARD_LENIENT), (&URL_TABLE, false, &URL_SAFE_NO_PAD)] {
                let slow = engine.decode(&text).ok();
                if let Some(fast) = fast_decode(&text, table, padding) {
                    assert_eq!(Some(fast), slow, "{:?}", String::from_utf8_lossy(&text));
                }
            }
        }
        // Canonical texts take the fast path.
        for bytes in [&b""[..], b"h", b"he", b"hel", b"hell", b"hello", &[0xfb, 0xff, 0x00, 0x10]] {
            use base64::engine::general_purpose::STANDARD;
            let padded = STANDARD.encode(bytes);
            assert_eq!(fast_decode(padded.as_bytes(), &STANDARD_TABLE, true).as_deref(), Some(bytes));
            assert_eq!(fast_decode(padded.trim_end_matches('=').as_bytes(), &STANDARD_TABLE, true).as_deref(), Some(bytes));
            assert_eq!(fast_decode(encode_url(bytes).as_bytes(), &URL_TABLE, false).as_deref(), Some(bytes));
        }
    }

    #[test]
    fn url_is_strict() {
        assert_eq!(decode_url("t", "aGVsbG8").unwrap(), b"hello");
        assert!(decode_url("t", "aGVsbG8=").is_err());
        assert!(decode_url("t", "aGVs+G8").is_err());
    }
}
