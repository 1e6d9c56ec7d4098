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
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::RequireNone),
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
    fn url_is_strict() {
        assert_eq!(decode_url("t", "aGVsbG8").unwrap(), b"hello");
        assert!(decode_url("t", "aGVsbG8=").is_err());
        assert!(decode_url("t", "aGVs+G8").is_err());
    }
}
