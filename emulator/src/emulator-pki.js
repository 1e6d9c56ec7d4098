// A throw-away test PKI for the local server's App Store face, built with node:crypto alone (no
// openssl): P-256 keys, a minimal DER writer, X.509 v3 certificates signed ecdsa-with-SHA256, and
// ES256 compact JWS with an `x5c` chain, in the shape Apple signs App Store data.
//
// The chain imitates Apple's (facts from RFC 5280 and Apple's certificates; nothing here is
// Apple's): a self-signed root CA → an intermediate CA carrying Apple's WWDR marker extension
// 1.2.840.113635.100.6.2.1 → a leaf carrying the receipt-signing marker 1.2.840.113635.100.6.11.1
// (both markers' value is DER NULL, as in Apple's certificates). basicConstraints and keyUsage are
// critical; subject/authority key identifiers are SHA-1 of the key (RFC 5280 §4.2.1.2, method 1).
// Test-only: the keys live in memory and nothing checks revocation.
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

// ---------------------------------------------------------------- DER

/** @typedef {import('node:crypto').KeyObject} KeyObject */
/** @typedef {Buffer | Uint8Array | number[]} Bytes */
/** @typedef {{ CN?: string, OU?: string, O?: string, C?: string }} NameParts */
/** @typedef {{ name: NameParts, privateKey: KeyObject, publicKey: KeyObject }} Signer */

/** @param {number} n */
function lengthBytes(n) {
  if (n < 0x80) return [n];
  const out = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [0x80 | out.length, ...out];
}

/**
 * One TLV; `parts` are Buffers/Uint8Arrays concatenated as its contents.
 * @param {number} tag
 * @param {...Bytes} parts
 */
export function tlv(tag, ...parts) {
  const body = Buffer.concat(parts.map((p) => Buffer.from(p)));
  return Buffer.concat([Buffer.from([tag, ...lengthBytes(body.length)]), body]);
}

export const seq = (/** @type {Bytes[]} */ ...parts) => tlv(0x30, ...parts);
export const set = (/** @type {Bytes[]} */ ...parts) => tlv(0x31, ...parts);
export const octets = (/** @type {Bytes} */ bytes) => tlv(0x04, bytes);
export const bool = (/** @type {boolean} */ v) => tlv(0x01, [v ? 0xff : 0x00]);
export const nullValue = () => Buffer.from([0x05, 0x00]);
/** A BIT STRING of whole bytes, or with `unused` trailing bits of the last byte unused. */
export const bits = (/** @type {Bytes} */ bytes, unused = 0) => tlv(0x03, [unused], bytes);
/** An EXPLICIT context tag [n] around `inner`. */
export const explicit = (/** @type {number} */ n, /** @type {Bytes} */ inner) => tlv(0xa0 | n, inner);

/**
 * A non-negative INTEGER from big-endian bytes (minimal, with a 0 byte if the top bit is set).
 * @param {Bytes} bytes
 */
export function integer(bytes) {
  let b = Buffer.from(bytes);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i += 1;
  b = b.subarray(i);
  if (b.length === 0) b = Buffer.from([0]);
  return tlv(0x02, b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/**
 * An OBJECT IDENTIFIER from its dotted form.
 * @param {string} dotted
 */
export function oid(dotted) {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const base128 = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift(0x80 | (v % 128));
    out.push(...base128);
  }
  return tlv(0x06, out);
}

/**
 * UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5); seconds, Z.
 * @param {number} ms
 */
export function time(ms) {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = Number(iso.slice(0, 4));
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

// ---------------------------------------------------------------- X.509

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  country: '2.5.4.6',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  appleReceiptSigning: '1.2.840.113635.100.6.11.1',
  appleWwdrIntermediate: '1.2.840.113635.100.6.2.1',
};
export const APPLE_MARKER_OIDS = { leaf: OID.appleReceiptSigning, intermediate: OID.appleWwdrIntermediate };

/**
 * A Name from `{ CN, OU, O, C }` (in the order C, O, OU, CN as certificates usually list them).
 * @param {NameParts} parts
 */
export function name({ CN, OU, O, C }) {
  const rdn = (/** @type {string} */ type, /** @type {string} */ value, tag = 0x0c) => set(seq(oid(type), tlv(tag, Buffer.from(value, 'utf8'))));
  const parts = [];
  if (C) parts.push(rdn(OID.country, C, 0x13)); // PrintableString
  if (O) parts.push(rdn(OID.organization, O));
  if (OU) parts.push(rdn(OID.organizationalUnit, OU));
  if (CN) parts.push(rdn(OID.commonName, CN));
  return seq(...parts);
}

const extension = (/** @type {string} */ type, /** @type {boolean} */ critical, /** @type {Bytes} */ value) => seq(oid(type), ...(critical ? [bool(true)] : []), octets(value));

/**
 * The uncompressed EC point of a P-256 public KeyObject (what SubjectPublicKeyInfo carries).
 * @param {KeyObject} publicKey
 */
function ecPoint(publicKey) {
  // An EC key's JWK has both coordinates.
  const { x, y } = /** @type {{ x: string, y: string }} */ (publicKey.export({ format: 'jwk' }));
  return Buffer.concat([Buffer.from([4]), Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url')]);
}

const keyId = (/** @type {KeyObject} */ publicKey) => createHash('sha1').update(ecPoint(publicKey)).digest();

/**
 * A DER certificate. `issuer` is `{ name, privateKey, publicKey }` of the signer (the subject itself
 * for a self-signed root); `role` is 'root', 'intermediate' or 'leaf' and fixes the extensions;
 * `markers: false` leaves Apple's marker extension out (for negative tests).
 * @param {{ subject: NameParts, publicKey: KeyObject, issuer: Signer, role: 'root' | 'intermediate' | 'leaf',
 *   notBefore: number, notAfter: number, markers?: boolean }} spec
 */
export function certificate({ subject, publicKey, issuer, role, notBefore, notAfter, markers = true }) {
  const serial = randomBytes(9);
  serial[0] &= 0x7f;
  const ca = role !== 'leaf';
  const extensions = [
    // basicConstraints: cA TRUE (pathLen 0 on the intermediate), or the empty SEQUENCE (cA FALSE).
    extension(OID.basicConstraints, true, ca ? seq(bool(true), ...(role === 'intermediate' ? [integer([0])] : [])) : seq()),
    // keyUsage: keyCertSign + cRLSign (bits 5, 6) on CAs, digitalSignature (bit 0) on the leaf.
    extension(OID.keyUsage, true, ca ? bits([0x06], 1) : bits([0x80], 7)),
    extension(OID.subjectKeyId, false, octets(keyId(publicKey))),
  ];
  if (role !== 'root') extensions.push(extension(OID.authorityKeyId, false, seq(tlv(0x80, keyId(issuer.publicKey)))));
  if (markers && role === 'intermediate') extensions.push(extension(OID.appleWwdrIntermediate, false, nullValue()));
  if (markers && role === 'leaf') extensions.push(extension(OID.appleReceiptSigning, false, nullValue()));
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, integer([2])), // v3
    integer(serial),
    algorithm,
    name(issuer.name),
    seq(time(notBefore), time(notAfter)),
    name(subject),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...extensions)),
  );
  // node:crypto's ECDSA signature is DER (Ecdsa-Sig-Value), what X.509 carries.
  const signature = sign('sha256', tbs, issuer.privateKey);
  return seq(tbs, algorithm, bits(signature));
}

/**
 * PEM text of DER bytes.
 * @param {Bytes} der
 */
export function pem(der, label = 'CERTIFICATE') {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const YEAR_MS = 365.25 * 86_400_000;

/**
 * A fresh three-certificate chain like Apple's App Store signing chain, valid from 30 years before
 * `now` to 30 years after (data the emulator signs may carry past dates; the verifier judges the
 * chain at each payload's `signedDate`). Returns the certificates (DER), the leaf's key and
 * `signJws(payload)`.
 */
export function createAppStorePki({ now = Date.now(), organization = 'iap-verify emulator' } = {}) {
  const notBefore = now - 30 * YEAR_MS;
  const notAfter = now + 30 * YEAR_MS;
  /**
   * @param {NameParts} subject
   * @param {'root' | 'intermediate' | 'leaf'} role
   * @param {Signer} [issuer]
   */
  const make = (subject, role, issuer) => {
    const keys = p256();
    const self = { name: subject, ...keys };
    const der = certificate({ subject, publicKey: keys.publicKey, issuer: issuer ?? self, role, notBefore, notAfter });
    return { ...self, der };
  };
  const root = make({ CN: 'Emulator Root CA - G3', O: organization, C: 'US' }, 'root');
  const intermediate = make({ CN: 'Emulator WWDR Certification Authority', OU: 'G6', O: organization, C: 'US' }, 'intermediate', root);
  const leaf = make({ CN: 'Emulator App Store Signing', O: organization, C: 'US' }, 'leaf', intermediate);
  const x5c = [leaf.der, intermediate.der, root.der].map((d) => d.toString('base64'));
  return {
    root,
    intermediate,
    leaf,
    x5c,
    notBefore,
    notAfter,
    /** An ES256 compact JWS of `payload` with the chain in `x5c`, as Apple signs its data. */
    signJws: (/** @type {unknown} */ payload) => signJws(payload, leaf.privateKey, { alg: 'ES256', x5c }),
  };
}

/**
 * An ES256 compact JWS (raw r‖s signature, RFC 7518 §3.4) of `payload` under `header`.
 * @param {unknown} payload
 * @param {KeyObject} privateKey
 * @param {Record<string, unknown>} header
 */
export function signJws(payload, privateKey, header) {
  const part = (/** @type {unknown} */ v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part(header)}.${part(payload)}`;
  const sig = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** A P-256 key pair for the App Store Server API's bearer tokens: the `.p8` PEM and the public key. */
export function createApiSigningKey() {
  const { privateKey, publicKey } = p256();
  return { privateKey, publicKey, pem: /** @type {string} a PEM export is text */ (privateKey.export({ type: 'pkcs8', format: 'pem' })) };
}
