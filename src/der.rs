//! A reader for untrusted ASN.1 (DER, plus the BER forms Apple receipts use), in the style of
//! `untrusted`/webpki: a cursor that cannot index out of bounds, every length checked against what
//! is left, and [`read_all`] so trailing bytes are an error. Errors carry the absolute byte offset.
//!
//! Only low-tag-number form tags (one byte) exist in the formats we read; a high tag number is
//! malformed. Lengths use at most four length bytes (inputs are far smaller than 4 GiB).
//! Indefinite lengths (`0x80`, BER) are refused by [`Reader::read_tlv`]; the PKCS#7 code that
//! needs them uses [`Reader::read_ber_tlv`].

use crate::error::{Error, Result};

pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTF8_STRING: u8 = 0x0c;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const IA5_STRING: u8 = 0x16;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    /// Constructed bit (X.690 §8.1.2.5).
    pub(crate) const CONSTRUCTED: u8 = 0x20;
    /// `[n]` context-specific constructed, e.g. `CONTEXT_0 | n`.
    pub(crate) const CONTEXT_CONSTRUCTED_0: u8 = 0xa0;
}

/// Deepest nesting of constructed BER values we follow. Real receipts nest about 8 deep.
pub(crate) const MAX_DEPTH: usize = 32;

/// One tag-length-value. `value` is the content octets; `offset` their absolute position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    pub(crate) tag: u8,
    pub(crate) value: &'a [u8],
    /// Absolute offset of `value[0]` in the outermost input.
    pub(crate) offset: usize,
    /// The whole encoding, header included (what a signature covers, e.g. a TBSCertificate).
    pub(crate) raw: &'a [u8],
    /// True for a BER indefinite-length value; `value` then excludes the end-of-contents octets.
    pub(crate) indefinite: bool,
}

impl<'a> Tlv<'a> {
    /// A reader over this value's contents, keeping absolute offsets.
    pub(crate) fn reader(&self, what: &'static str) -> Reader<'a> {
        Reader { input: self.value, pos: 0, base: self.offset, what }
    }

    /// Reads the contents with `f`, which must consume all of them.
    pub(crate) fn read_all<T>(&self, what: &'static str, f: impl FnOnce(&mut Reader<'a>) -> Result<T>) -> Result<T> {
        let mut r = self.reader(what);
        let out = f(&mut r)?;
        r.expect_end()?;
        Ok(out)
    }

    /// The contents of a non-negative INTEGER without leading zero bytes.
    pub(crate) fn unsigned_integer(&self, what: &'static str) -> Result<&'a [u8]> {
        if self.tag != tag::INTEGER {
            return Err(Error::malformed_at(what, "expected INTEGER", self.offset));
        }
        match self.value {
            [] => Err(Error::malformed_at(what, "empty INTEGER", self.offset)),
            [first, ..] if first & 0x80 != 0 => Err(Error::malformed_at(what, "negative INTEGER", self.offset)),
            [0, rest @ ..] if !rest.is_empty() => Ok(rest),
            v => Ok(v),
        }
    }

    /// A small INTEGER (at most 8 content bytes), signed, as X.690 encodes it.
    pub(crate) fn small_integer(&self, what: &'static str) -> Result<i64> {
        if self.tag != tag::INTEGER || self.value.is_empty() || self.value.len() > 8 {
            return Err(Error::malformed_at(what, "expected a small INTEGER", self.offset));
        }
        let negative = self.value.first().is_some_and(|b| b & 0x80 != 0);
        let mut acc: i64 = if negative { -1 } else { 0 };
        for &b in self.value {
            acc = (acc << 8) | i64::from(b);
        }
        Ok(acc)
    }
}

/// A cursor over untrusted bytes.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    base: usize,
    what: &'static str,
}

/// Reads all of `input` with `f`; trailing bytes are `MALFORMED_INPUT`.
pub(crate) fn read_all<'a, T>(
    what: &'static str,
    input: &'a [u8],
    f: impl FnOnce(&mut Reader<'a>) -> Result<T>,
) -> Result<T> {
    let mut r = Reader::new(what, input);
    let out = f(&mut r)?;
    r.expect_end()?;
    Ok(out)
}

impl<'a> Reader<'a> {
    pub(crate) fn new(what: &'static str, input: &'a [u8]) -> Self {
        Reader { input, pos: 0, base: 0, what }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.input.len()
    }

    /// The absolute offset of the next byte.
    pub(crate) fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    pub(crate) fn expect_end(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.err("unexpected trailing bytes"))
        }
    }

    fn err(&self, reason: &str) -> Error {
        Error::malformed_at(self.what, reason, self.offset())
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn byte(&mut self) -> Result<u8> {
        let b = self.input.get(self.pos).copied().ok_or_else(|| self.err("truncated"))?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, len: usize) -> Result<(&'a [u8], usize)> {
        let start = self.pos;
        let end = start.checked_add(len).ok_or_else(|| self.err("length overflows"))?;
        let slice = self.input.get(start..end).ok_or_else(|| self.err("length exceeds the input"))?;
        self.pos = end;
        Ok((slice, self.base.saturating_add(start)))
    }

    /// Reads the tag and length. `None` length means indefinite (BER `0x80`).
    fn header(&mut self) -> Result<(u8, Option<usize>)> {
        let tag = self.byte()?;
        if tag & 0x1f == 0x1f {
            return Err(self.err("high tag numbers are not supported"));
        }
        let first = self.byte()?;
        let len = match first {
            0x00..=0x7f => Some(usize::from(first)),
            0x80 => None,
            0x81..=0x84 => {
                let mut len: usize = 0;
                for _ in 0..(first & 0x7f) {
                    len = len.checked_mul(256).ok_or_else(|| self.err("length overflows"))? | usize::from(self.byte()?);
                }
                Some(len)
            }
            _ => return Err(self.err("length of more than four bytes")),
        };
        if len.is_none() && tag & tag::CONSTRUCTED == 0 {
            return Err(self.err("indefinite length on a primitive value"));
        }
        Ok((tag, len))
    }

    /// Reads one definite-length TLV (DER and definite BER).
    pub(crate) fn read_tlv(&mut self) -> Result<Tlv<'a>> {
        let start = self.pos;
        let (tag, len) = self.header()?;
        let len = len.ok_or_else(|| self.err("indefinite length where a definite one is required"))?;
        let (value, offset) = self.take(len)?;
        let raw = self.input.get(start..self.pos).unwrap_or_default();
        Ok(Tlv { tag, value, offset, raw, indefinite: false })
    }

    /// Reads one TLV, definite or BER indefinite (contents end at the matching `00 00`). Nested
    /// indefinite values are walked to find the end, at most [`MAX_DEPTH`] deep.
    pub(crate) fn read_ber_tlv(&mut self) -> Result<Tlv<'a>> {
        self.read_ber_tlv_depth(0)
    }

    fn read_ber_tlv_depth(&mut self, depth: usize) -> Result<Tlv<'a>> {
        if depth > MAX_DEPTH {
            return Err(self.err("nested too deeply"));
        }
        let start = self.pos;
        let (tag, len) = self.header()?;
        match len {
            Some(len) => {
                let (value, offset) = self.take(len)?;
                let raw = self.input.get(start..self.pos).unwrap_or_default();
                Ok(Tlv { tag, value, offset, raw, indefinite: false })
            }
            None => {
                let content_start = self.pos;
                loop {
                    if self.input.get(self.pos..self.pos.saturating_add(2)) == Some(&[0, 0][..]) {
                        let value = self.input.get(content_start..self.pos).unwrap_or_default();
                        self.pos += 2;
                        let raw = self.input.get(start..self.pos).unwrap_or_default();
                        let offset = self.base.saturating_add(content_start);
                        return Ok(Tlv { tag, value, offset, raw, indefinite: true });
                    }
                    self.read_ber_tlv_depth(depth + 1)?;
                }
            }
        }
    }

    /// Reads a definite TLV that must have tag `expected`.
    pub(crate) fn expect(&mut self, expected: u8) -> Result<Tlv<'a>> {
        let at = self.offset();
        let tlv = self.read_tlv()?;
        self.check_tag(tlv, expected, at)
    }

    /// Reads a BER TLV (definite or indefinite) that must have tag `expected`.
    pub(crate) fn expect_ber(&mut self, expected: u8) -> Result<Tlv<'a>> {
        let at = self.offset();
        let tlv = self.read_ber_tlv()?;
        self.check_tag(tlv, expected, at)
    }

    fn check_tag(&self, tlv: Tlv<'a>, expected: u8, at: usize) -> Result<Tlv<'a>> {
        if tlv.tag != expected {
            return Err(Error::malformed_at(
                self.what,
                format!("expected tag 0x{expected:02x}, found 0x{:02x}", tlv.tag),
                at,
            ));
        }
        Ok(tlv)
    }

    /// Reads the next TLV only if its tag is `expected`.
    pub(crate) fn optional(&mut self, expected: u8) -> Result<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(expected) {
            self.read_tlv().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Skips everything left (for `...` extension points); the bytes are still length-checked.
    pub(crate) fn skip_rest(&mut self) -> Result<()> {
        while !self.at_end() {
            self.read_tlv()?;
        }
        Ok(())
    }
}

/// Encodes an OID's content bytes at compile time is not possible in stable Rust without a macro
/// crate, so OIDs are written as their DER content bytes with the dotted form in a comment.
pub(crate) mod oid {
    /// 1.2.840.113549.1.1.1 rsaEncryption
    pub(crate) const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    /// 1.2.840.113549.1.1.5 sha1WithRSAEncryption
    pub(crate) const SHA1_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
    /// 1.2.840.113549.1.1.11 sha256WithRSAEncryption
    pub(crate) const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
    /// 1.2.840.113549.1.1.12 sha384WithRSAEncryption
    pub(crate) const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
    /// 1.2.840.113549.1.1.13 sha512WithRSAEncryption
    pub(crate) const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
    /// 1.2.840.10045.2.1 id-ecPublicKey
    pub(crate) const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    /// 1.2.840.10045.3.1.7 prime256v1 (P-256)
    pub(crate) const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    /// 1.3.132.0.34 secp384r1 (P-384)
    pub(crate) const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    /// 1.2.840.10045.4.3.2 ecdsa-with-SHA256
    pub(crate) const ECDSA_WITH_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    /// 1.2.840.10045.4.3.3 ecdsa-with-SHA384
    pub(crate) const ECDSA_WITH_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
}

/// The parts of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SubjectPublicKeyInfo<'a> {
    /// The algorithm OID's content bytes.
    pub(crate) algorithm: &'a [u8],
    /// The parameters TLV, if any (the curve OID for EC keys, NULL for RSA).
    pub(crate) parameters: Option<Tlv<'a>>,
    /// The BIT STRING contents after the unused-bits byte: an RSAPublicKey for RSA, the
    /// uncompressed point for EC (both what ring's `UnparsedPublicKey` takes).
    pub(crate) key: &'a [u8],
}

impl<'a> SubjectPublicKeyInfo<'a> {
    /// Parses a SubjectPublicKeyInfo SEQUENCE from its TLV.
    pub(crate) fn from_tlv(tlv: &Tlv<'a>, what: &'static str) -> Result<Self> {
        if tlv.tag != tag::SEQUENCE {
            return Err(Error::malformed_at(what, "expected SubjectPublicKeyInfo", tlv.offset));
        }
        tlv.read_all(what, |r| {
            let alg = r.expect(tag::SEQUENCE)?;
            let (algorithm, parameters) = alg.read_all(what, |a| {
                let oid = a.expect(tag::OID)?;
                let params = if a.at_end() { None } else { Some(a.read_tlv()?) };
                Ok((oid.value, params))
            })?;
            let bits = r.expect(tag::BIT_STRING)?;
            let key = match bits.value {
                [0, key @ ..] => key,
                _ => return Err(Error::malformed_at(what, "BIT STRING with unused bits", bits.offset)),
            };
            Ok(SubjectPublicKeyInfo { algorithm, parameters, key })
        })
    }

    /// Parses a whole DER SubjectPublicKeyInfo (nothing may follow it).
    pub(crate) fn parse(der: &'a [u8], what: &'static str) -> Result<Self> {
        let tlv = read_all(what, der, |r| r.read_tlv())?;
        Self::from_tlv(&tlv, what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let short = [0x04, 0x02, 0xaa, 0xbb];
        let tlv = read_all("t", &short, |r| r.expect(tag::OCTET_STRING)).unwrap();
        assert_eq!(tlv.value, &[0xaa, 0xbb]);
        assert_eq!(tlv.offset, 2);
        assert_eq!(tlv.raw, &short);

        let mut long = vec![0x04, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(7u8, 256));
        let tlv = read_all("t", &long, |r| r.read_tlv()).unwrap();
        assert_eq!(tlv.value.len(), 256);
        assert_eq!(tlv.offset, 4);
    }

    #[test]
    fn refuses_truncation_overflow_trailing_and_high_tags() {
        let cases: &[(&[u8], &str)] = &[
            (&[], "truncated"),
            (&[0x04], "truncated"),
            (&[0x04, 0x03, 0x00], "exceeds"),
            (&[0x04, 0x84, 0xff, 0xff, 0xff, 0xff], "exceeds"),
            (&[0x04, 0x85, 0, 0, 0, 0, 1], "more than four"),
            (&[0x04, 0x00, 0x00], "trailing"),
            (&[0x1f, 0x81, 0x00, 0x00], "high tag"),
            (&[0x30, 0x80, 0x00, 0x00], "indefinite"),
            (&[0x04, 0x80, 0x00, 0x00], "primitive"),
        ];
        for (input, needle) in cases {
            let e = read_all("t", input, |r| r.read_tlv()).unwrap_err();
            assert_eq!(e.code(), "MALFORMED_INPUT");
            assert!(e.to_string().contains(needle), "{input:02x?}: {e}");
        }
    }

    #[test]
    fn ber_indefinite_lengths_nest() {
        // SEQUENCE (indef) { OCTET STRING (indef, constructed) { 04 01 aa } 00 00 } 00 00
        let ber = [0x30, 0x80, 0x24, 0x80, 0x04, 0x01, 0xaa, 0x00, 0x00, 0x00, 0x00];
        let outer = read_all("t", &ber, |r| r.expect_ber(tag::SEQUENCE)).unwrap();
        assert!(outer.indefinite);
        assert_eq!(outer.value, &ber[2..9]);
        let inner = outer.read_all("t", |r| r.expect_ber(0x24)).unwrap();
        assert_eq!(inner.value, &[0x04, 0x01, 0xaa]);
        assert_eq!(inner.offset, 4);
    }

    #[test]
    fn ber_refuses_unterminated_and_deep_nesting() {
        let unterminated = [0x30, 0x80, 0x04, 0x01, 0xaa];
        assert!(read_all("t", &unterminated, |r| r.read_ber_tlv()).is_err());
        let mut deep = Vec::new();
        for _ in 0..10_000 {
            deep.extend([0x30, 0x80]);
        }
        for _ in 0..10_000 {
            deep.extend([0x00, 0x00]);
        }
        let e = read_all("t", &deep, |r| r.read_ber_tlv()).unwrap_err();
        assert!(e.to_string().contains("deeply"), "{e}");
    }

    #[test]
    fn integers() {
        fn t(bytes: &[u8]) -> Tlv<'_> {
            read_all("t", bytes, |r| r.read_tlv()).unwrap()
        }
        assert_eq!(t(&[0x02, 0x02, 0x00, 0x80]).unsigned_integer("t").unwrap(), &[0x80]);
        assert!(t(&[0x02, 0x01, 0x80]).unsigned_integer("t").is_err());
        assert_eq!(t(&[0x02, 0x01, 0xff]).small_integer("t").unwrap(), -1);
        assert_eq!(t(&[0x02, 0x02, 0x06, 0xa5]).small_integer("t").unwrap(), 1701);
        assert!(t(&[0x02, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9]).small_integer("t").is_err());
    }
}
