//! Apple's public root certificates, bundled (see `roots/README.md` for their provenance).

use crate::error::{Error, Result};
use crate::x509::TrustAnchors;

/// "Apple Root CA" (RSA-2048): the root of App Store receipt signing.
pub const APPLE_ROOT_CA: &[u8] = include_bytes!("roots/apple-root-ca.der");
/// "Apple Root CA - G2" (RSA-4096).
pub const APPLE_ROOT_CA_G2: &[u8] = include_bytes!("roots/apple-root-ca-g2.der");
/// "Apple Root CA - G3" (P-384): the root of StoreKit 2 / App Store Server JWS signing.
pub const APPLE_ROOT_CA_G3: &[u8] = include_bytes!("roots/apple-root-ca-g3.der");

/// The default roots for app receipts: Apple Root CA.
pub(crate) fn receipt_roots() -> TrustAnchors {
    // The bundled bytes are pinned by a test, so parsing cannot fail; an empty set would only
    // make every verification fail closed.
    TrustAnchors::from_der(&[APPLE_ROOT_CA]).unwrap_or_default()
}

/// The default roots for JWS: Apple Root CA - G3 first, then G2 and Apple Root CA.
pub(crate) fn jws_roots() -> TrustAnchors {
    TrustAnchors::from_der(&[APPLE_ROOT_CA_G3, APPLE_ROOT_CA_G2, APPLE_ROOT_CA]).unwrap_or_default()
}

/// The DER certificates in one root as a caller passes it: DER bytes (a certificate starts with
/// a SEQUENCE, `0x30`), or text: PEM (every `CERTIFICATE` block, so a bundle file gives several),
/// or the bare base64 of a DER certificate. Anything else is `INVALID_ARGUMENT`; whether the DER
/// is a certificate is checked when the anchors are built.
pub fn root_certificates_from(input: &[u8]) -> Result<Vec<Vec<u8>>> {
    if input.first() == Some(&0x30) {
        return Ok(vec![input.to_vec()]);
    }
    let bad = || Error::invalid_argument("a root certificate is neither DER, PEM nor base64 DER");
    let text = std::str::from_utf8(input).map_err(|_| bad())?;
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    if !text.contains(BEGIN) {
        let der = crate::b64::decode_standard("root certificate", text).map_err(|_| bad())?;
        return if der.is_empty() { Err(bad()) } else { Ok(vec![der]) };
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((_, after)) = rest.split_once(BEGIN) {
        let (body, tail) = after.split_once(END).ok_or_else(bad)?;
        out.push(crate::b64::decode_standard("root certificate", body).map_err(|_| bad())?);
        rest = tail;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02X}")).collect()
    }

    #[test]
    fn bundled_roots_are_the_documented_ones() {
        let fp = |d: &[u8]| hex(ring::digest::digest(&ring::digest::SHA256, d).as_ref());
        assert_eq!(fp(APPLE_ROOT_CA), "B0B1730ECBC7FF4505142C49F1295E6EDA6BCAED7E2C68C5BE91B5A11001F024");
        assert_eq!(fp(APPLE_ROOT_CA_G2), "C2B9B042DD57830E7D117DAC55AC8AE19407D38E41D88F3215BC3A890444A050");
        assert_eq!(fp(APPLE_ROOT_CA_G3), "63343ABFB89A6A03EBB57E9B3F5FA7BE7C4F5C756F3017B3A8C488C3653E9179");
        assert_eq!(receipt_roots().iter().count(), 1);
        assert_eq!(jws_roots().iter().count(), 3);
    }

    #[test]
    fn roots_are_read_as_der_pem_or_base64() {
        let der = APPLE_ROOT_CA_G3;
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, der);
        let lines: Vec<&str> = b64.as_bytes().chunks(64).filter_map(|c| std::str::from_utf8(c).ok()).collect();
        let pem = format!("-----BEGIN CERTIFICATE-----\r\n{}\r\n-----END CERTIFICATE-----\n", lines.join("\r\n"));
        assert_eq!(root_certificates_from(der).unwrap(), vec![der.to_vec()]);
        assert_eq!(root_certificates_from(pem.as_bytes()).unwrap(), vec![der.to_vec()]);
        assert_eq!(root_certificates_from(format!("# bundle\n{pem}{pem}").as_bytes()).unwrap().len(), 2);
        assert_eq!(root_certificates_from(b64.as_bytes()).unwrap(), vec![der.to_vec()]);
        for bad in [&b"abc!"[..], b"", b"\xff\xfe", b"-----BEGIN CERTIFICATE-----\nAAAA"] {
            assert_eq!(root_certificates_from(bad).map_err(|e| e.code()), Err("INVALID_ARGUMENT"), "{bad:?}");
        }
    }
}
