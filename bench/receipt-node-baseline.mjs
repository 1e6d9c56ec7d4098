// The baseline for receipts: the same checks as AppReceiptVerifier, written with node:crypto and
// X509Certificate (OpenSSL, native) and a small DER walker in JS. It is what a Node developer
// would write by hand: parse the PKCS#7 SignedData (DER only), find the signer by serial, verify
// the RSA signature over the content, verify leaf <- intermediate <- pinned root, require Apple's
// marker OIDs, judge validity at the receipt's creation date, and decode every attribute.
import { X509Certificate, verify } from 'node:crypto';
import { children as kids, readTlv as tlv } from '../tests/js/der.mjs';


const OID_LEAF = Buffer.from('060a2a864886f76364060b01', 'hex'); // 1.2.840.113635.100.6.11.1
const OID_INT = Buffer.from('060a2a864886f76364060201', 'hex'); // 1.2.840.113635.100.6.2.1
const int = (buf, t) => { let v = 0; for (let i = t.body; i < t.end; i++) v = v * 256 + buf[i]; return v; };

export function verifyReceiptWithNodeCrypto(der, root) {
  const sd = kids(der, kids(der, tlv(der, 0))[1])[0];
  const [, , encap, certsT, signers] = kids(der, sd);
  const octets = kids(der, kids(der, encap)[1])[0];
  const payload = der.subarray(octets.body, octets.end);
  const certs = kids(der, certsT).map((c) => new X509Certificate(der.subarray(c.start, c.end)));
  const si = kids(der, kids(der, signers)[0]);
  const serial = der.subarray(kids(der, si[1])[1].body, kids(der, si[1])[1].end).toString('hex').toUpperCase().replace(/^0+/, '');
  const leaf = certs.find((c) => c.serialNumber.replace(/^0+/, '') === serial);
  if (!leaf) throw new Error('signer not found');
  const intermediate = certs.find((c) => c !== leaf && leaf.checkIssued(c));
  const digestOid = der.subarray(kids(der, si[2])[0].body, kids(der, si[2])[0].end).toString('hex');
  const hash = { '608648016503040201': 'sha256', '2b0e03021a': 'sha1' }[digestOid];
  if (!hash) throw new Error('unsupported digest');
  const sig = der.subarray(si[4].body, si[4].end);
  if (!verify(hash, payload, leaf.publicKey, sig)) throw new Error('INVALID_SIGNATURE');
  if (!intermediate || !leaf.verify(intermediate.publicKey) || !intermediate.verify(root.publicKey)) throw new Error('INVALID_CHAIN');
  if (!leaf.raw.includes(OID_LEAF) || !intermediate.raw.includes(OID_INT)) throw new Error('INVALID_CHAIN');
  // Every attribute, and the creation date (type 12) for validity.
  const receipt = { inApp: [], attributes: {} };
  const set = tlv(payload, 0);
  for (const attr of kids(payload, set)) {
    const [type, , value] = kids(payload, attr);
    const t = int(payload, type);
    const inner = tlv(payload, value.body);
    const v = inner.tag === 0x0c || inner.tag === 0x16 ? payload.subarray(inner.body, inner.end).toString('utf8') : payload.subarray(value.body, value.end);
    if (t === 17) {
      const entry = {};
      for (const a of kids(payload, inner)) {
        const [ty, , va] = kids(payload, a);
        const iv = tlv(payload, va.body);
        entry[int(payload, ty)] = iv.tag === 0x02 ? int(payload, iv) : payload.subarray(iv.body, iv.end).toString('utf8');
      }
      receipt.inApp.push(entry);
    } else receipt.attributes[t] = v;
  }
  const created = Date.parse(receipt.attributes[12]);
  for (const c of [leaf, intermediate, root]) {
    if (created < Date.parse(c.validFrom) || created > Date.parse(c.validTo)) throw new Error('CERTIFICATE_EXPIRED');
  }
  return receipt;
}
