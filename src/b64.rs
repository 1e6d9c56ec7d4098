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
pub fn decode_standard(what: &'static str, text: &str) -> Result<Vec<u8>> {
    let decoded = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        STANDARD_LENIENT.decode(compact)
    } else {
        STANDARD_LENIENT.decode(text)
    };
    decoded.map_err(|e| Error::malformed(what, format!("not base64: {e}")))
}

/// Decodes base64url without padding, as JWS segments are (RFC 7515 §2); no whitespace allowed.
pub fn decode_url(what: &'static str, text: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| Error::malformed(what, format!("not base64url: {e}")))
}

/// Encodes base64url without padding, as JWS segments are.
pub fn encode_url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The DER inside a PEM block labelled `label` (`-----BEGIN PRIVATE KEY-----`), or `bytes` as
/// they are when they are not PEM text (already DER).
pub fn pem_or_der(what: &'static str, bytes: &[u8], label: &str) -> Result<Vec<u8>> {
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
    fn url_is_strict() {
        assert_eq!(decode_url("t", "aGVsbG8").unwrap(), b"hello");
        assert!(decode_url("t", "aGVsbG8=").is_err());
        assert!(decode_url("t", "aGVs+G8").is_err());
    }
}
