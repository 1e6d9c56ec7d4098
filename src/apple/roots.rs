//! Apple's public root certificates, bundled (see `roots/README.md` for their provenance).

use crate::x509::TrustAnchors;

/// "Apple Root CA" (RSA-2048): the root of App Store receipt signing.
pub const APPLE_ROOT_CA: &[u8] = include_bytes!("roots/apple-root-ca.der");
/// "Apple Root CA - G2" (RSA-4096).
pub const APPLE_ROOT_CA_G2: &[u8] = include_bytes!("roots/apple-root-ca-g2.der");
/// "Apple Root CA - G3" (P-384): the root of StoreKit 2 / App Store Server JWS signing.
pub const APPLE_ROOT_CA_G3: &[u8] = include_bytes!("roots/apple-root-ca-g3.der");

/// The default roots for app receipts: Apple Root CA.
pub fn receipt_roots() -> TrustAnchors {
    // The bundled bytes are pinned by a test, so parsing cannot fail; an empty set would only
    // make every verification fail closed.
    TrustAnchors::from_der(&[APPLE_ROOT_CA]).unwrap_or_default()
}

/// The default roots for JWS: Apple Root CA - G3 first, then G2 and Apple Root CA.
pub fn jws_roots() -> TrustAnchors {
    TrustAnchors::from_der(&[APPLE_ROOT_CA_G3, APPLE_ROOT_CA_G2, APPLE_ROOT_CA]).unwrap_or_default()
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
}
