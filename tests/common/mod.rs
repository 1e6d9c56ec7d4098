//! Test helpers: a tiny DER writer and builders for receipts and JWS signed with the self-made
//! test PKI in `tests/vectors/testpki/` (see `tests/vectors/SOURCES.md`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, clippy::cast_possible_truncation)]

use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, RsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256};

/// Public test data from other projects, copied into the repository (`tests/vectors/public/SOURCES.md`).
pub const PUBLIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/public/");
pub const PKI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/testpki/");

pub fn public(name: &str) -> Vec<u8> {
    std::fs::read(format!("{PUBLIC}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn public_text(name: &str) -> String {
    String::from_utf8(public(name)).unwrap()
}

pub fn pki(name: &str) -> Vec<u8> {
    std::fs::read(format!("{PKI}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub fn b64url(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub fn b64url_decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// Epoch ms of a UTC time written `YYYY-MM-DDTHH:MM:SSZ` (the only form the tests use), computed
/// here rather than by the crate's own parser.
pub fn ms(rfc3339: &str) -> i64 {
    let b = rfc3339.as_bytes();
    assert!(b.len() == 20 && b[10] == b'T' && b[19] == b'Z', "{rfc3339}");
    let n = |r: std::ops::Range<usize>| rfc3339[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    // Days from 1970-01-01 (proleptic Gregorian), H. Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    ((days * 24 + n(11..13)) * 60 + n(14..16)) * 60_000 + n(17..19) * 1000
}

// ---- DER reader (just enough to take a certificate apart) -------------------------------

/// The TLVs of a DER sequence's contents, each as (tag, whole TLV, contents).
pub fn der_items(mut input: &[u8]) -> Vec<(u8, &[u8], &[u8])> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let tag = input[0];
        let (len, header) = match input[1] {
            n if n < 0x80 => (n as usize, 2),
            n => {
                let k = (n & 0x7f) as usize;
                (input[2..2 + k].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize), 2 + k)
            }
        };
        out.push((tag, &input[..header + len], &input[header..header + len]));
        input = &input[header + len..];
    }
    out
}

/// The fields of a certificate's TBSCertificate, without the optional `[0]` version.
fn tbs_fields(cert: &[u8]) -> Vec<(u8, &[u8], &[u8])> {
    let outer = der_items(cert);
    let tbs = der_items(outer[0].2);
    let tbs = der_items(tbs[0].2);
    tbs.into_iter().skip_while(|f| f.0 == 0xa0).collect()
}

/// A certificate's public key as ring takes it: the contents of the SubjectPublicKeyInfo's BIT
/// STRING (an RSA `RSAPublicKey`, or an EC point).
pub fn cert_public_key(cert: &[u8]) -> Vec<u8> {
    let spki = der_items(tbs_fields(cert)[5].2);
    spki[1].2[1..].to_vec()
}

// ---- DER writer -------------------------------------------------------------------------

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

pub fn int(v: i64) -> Vec<u8> {
    let mut bytes = v.to_be_bytes().to_vec();
    while bytes.len() > 1 && ((bytes[0] == 0 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xff && bytes[1] & 0x80 != 0)) {
        bytes.remove(0);
    }
    tlv(0x02, &bytes)
}

pub fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0c, s.as_bytes())
}

pub fn ia5(s: &str) -> Vec<u8> {
    tlv(0x16, s.as_bytes())
}

pub fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}

pub fn oid(content: &[u8]) -> Vec<u8> {
    tlv(0x06, content)
}

// ---- receipts ---------------------------------------------------------------------------

/// One ReceiptAttribute whose OCTET STRING wraps `value` (already DER, or raw bytes).
pub fn attr(kind: i64, value: &[u8]) -> Vec<u8> {
    seq(&[&int(kind), &int(1), &octets(value)])
}

pub fn set_of(attrs: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x31, &attrs.concat())
}

/// A receipt payload with the usual fields and `n` in-app purchases.
pub fn payload(bundle: &str, created: &str, n: usize) -> Vec<u8> {
    let mut attrs = vec![
        attr(0, &utf8("ProductionSandbox")),
        attr(1, &int(0)),
        attr(2, &utf8(bundle)),
        attr(3, &utf8("7")),
        attr(4, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]),
        attr(5, &[0u8; 20]),
        attr(12, &ia5(created)),
        attr(19, &utf8("1.0")),
        attr(6, &[0xde, 0xad]),
    ];
    for i in 0..n {
        attrs.push(attr(17, &in_app(i)));
    }
    set_of(&attrs)
}

pub fn in_app(i: usize) -> Vec<u8> {
    set_of(&[
        attr(1701, &int(1)),
        attr(1702, &utf8("com.example.coins")),
        attr(1703, &utf8(&format!("{}", 1_000_000_000_000_000u64 + i as u64))),
        attr(1705, &utf8("1000000000000000")),
        attr(1704, &ia5("2024-05-31T08:00:00Z")),
        attr(1706, &ia5("2024-05-31T08:00:00Z")),
        attr(1708, &ia5("")),
        attr(1711, &int(2_000_000_123_357_229)),
        attr(1712, &ia5("")),
        attr(1713, &int(0)),
        attr(1719, &int(1)),
        attr(1722, &int(0)),
    ])
}

const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
const DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

pub struct Signed {
    pub content: Vec<u8>,
    pub certs: Vec<Vec<u8>>,
    pub signer_cert: Vec<u8>,
    pub signature: Vec<u8>,
}

/// Signs `content` (RSA PKCS#1 v1.5 SHA-256) with the key in `key_pk8`.
pub fn sign_receipt(content: &[u8], key_pk8: &[u8], signer_cert: &[u8], certs: &[Vec<u8>]) -> Signed {
    let key = RsaKeyPair::from_pkcs8(key_pk8).unwrap();
    let mut sig = vec![0; key.public().modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), content, &mut sig).unwrap();
    Signed { content: content.to_vec(), certs: certs.to_vec(), signer_cert: signer_cert.to_vec(), signature: sig }
}

/// The signer's IssuerAndSerialNumber: its certificate's issuer Name TLV and serial INTEGER.
fn issuer_and_serial(cert: &[u8]) -> Vec<u8> {
    let fields = tbs_fields(cert);
    let (serial, issuer) = (fields[0].1, fields[2].1);
    seq(&[issuer, serial])
}

impl Signed {
    /// DER ContentInfo, as the App Store sends.
    pub fn der(&self) -> Vec<u8> {
        self.der_with_signers(1)
    }

    /// DER ContentInfo whose SignerInfos set holds `n` copies of the signer (Apple's hold one).
    pub fn der_with_signers(&self, n: usize) -> Vec<u8> {
        let alg = seq(&[&oid(SHA256), &[0x05, 0x00]]);
        let signer = seq(&[
            &int(1),
            &issuer_and_serial(&self.signer_cert),
            &alg,
            &seq(&[&oid(RSA), &[0x05, 0x00]]),
            &octets(&self.signature),
        ]);
        let sd = seq(&[
            &int(1),
            &tlv(0x31, &alg),
            &seq(&[&oid(DATA), &tlv(0xa0, &octets(&self.content))]),
            &tlv(0xa0, &self.certs.concat()),
            &tlv(0x31, &signer.repeat(n)),
        ]);
        seq(&[&oid(SIGNED_DATA), &tlv(0xa0, &sd)])
    }

    /// BER with indefinite lengths and a constructed eContent in `pieces` chunks, as Xcode sends.
    pub fn ber(&self, pieces: usize) -> Vec<u8> {
        fn indef(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
            let mut v = vec![tag, 0x80];
            v.extend(parts.concat());
            v.extend([0, 0]);
            v
        }
        let alg = seq(&[&oid(SHA256), &[0x05, 0x00]]);
        let chunk = self.content.len().div_ceil(pieces.max(1)).max(1);
        let chunks: Vec<Vec<u8>> = self.content.chunks(chunk).map(octets).collect();
        let chunk_refs: Vec<&[u8]> = chunks.iter().map(|c| c.as_slice()).collect();
        let signer = indef(
            0x30,
            &[
                &int(1),
                &issuer_and_serial(&self.signer_cert),
                &alg,
                &seq(&[&oid(RSA), &[0x05, 0x00]]),
                &octets(&self.signature),
            ],
        );
        let certs = self.certs.concat();
        let sd = indef(
            0x30,
            &[
                &int(1),
                &indef(0x31, &[&alg]),
                &indef(0x30, &[&oid(DATA), &indef(0xa0, &[&indef(0x24, &chunk_refs)])]),
                &indef(0xa0, &[&certs]),
                &indef(0x31, &[&signer]),
            ],
        );
        indef(0x30, &[&oid(SIGNED_DATA), &indef(0xa0, &[&sd])])
    }
}

/// A receipt with `n` in-app purchases signed by the test RSA leaf (chain leaf, int, root).
pub fn test_receipt(bundle: &str, created: &str, n: usize) -> Signed {
    let leaf = pki("leaf-rsa.der");
    sign_receipt(&payload(bundle, created, n), &pki("leaf-rsa.pk8"), &leaf, &[leaf.clone(), pki("int-rsa.der"), pki("root-rsa.der")])
}

// ---- JWS --------------------------------------------------------------------------------

/// A compact ES256 JWS over `payload` with `header` (JSON text), signed by the key in `key_pk8`.
pub fn jws_with_header(header: &str, payload: &str, key_pk8: &[u8]) -> String {
    let rng = SystemRandom::new();
    let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, key_pk8, &rng).unwrap();
    let signing_input = format!("{}.{}", b64url(header.as_bytes()), b64url(payload.as_bytes()));
    let sig = key.sign(&rng, signing_input.as_bytes()).unwrap();
    format!("{signing_input}.{}", b64url(sig.as_ref()))
}

pub fn x5c_header(certs: &[Vec<u8>]) -> String {
    let list: Vec<String> = certs.iter().map(|c| format!("\"{}\"", b64(c))).collect();
    format!("{{\"alg\":\"ES256\",\"x5c\":[{}]}}", list.join(","))
}

/// A JWS signed by the test P-256 leaf with x5c = [leaf, int, root] (names of `.der` files).
pub fn test_jws(payload: &str, leaf: &str, int: &str, root: &str) -> String {
    let certs = vec![pki(&format!("{leaf}.der")), pki(&format!("{int}.der")), pki(&format!("{root}.der"))];
    jws_with_header(&x5c_header(&certs), payload, &pki("leaf-ec.pk8"))
}
