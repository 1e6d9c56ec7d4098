// Certificates as the input carries them (a JWS x5c header, the certificates of a PKCS#7 receipt),
// decoded for display: subject, issuer, serial, validity. This is description only; whether the
// chain is trusted is decided by the package's verifier, never here. The reader is bounds-checked
// and gives up (returns undefined) on anything unexpected instead of throwing.

const NAMES = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '1.2.840.113549.1.9.1': 'E' };
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const MAX_DEPTH = 32;

/** One TLV at `pos`: { tag, start, end (content), next } or undefined. Handles BER indefinite lengths. */
function tlv(buf, pos, limit, depth = 0) {
  if (depth > MAX_DEPTH || pos + 2 > limit) return undefined;
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) return undefined; // high tag numbers do not occur in these formats
  let len = buf[pos + 1];
  let p = pos + 2;
  if (len === 0x80) {
    if ((tag & 0x20) === 0) return undefined;
    // Indefinite: children until the 00 00 end-of-contents.
    let q = p;
    for (;;) {
      if (q + 2 > limit) return undefined;
      if (buf[q] === 0 && buf[q + 1] === 0) return { tag, pos, start: p, end: q, next: q + 2 };
      const child = tlv(buf, q, limit, depth + 1);
      if (!child) return undefined;
      q = child.next;
    }
  }
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i];
    p += n;
  }
  if (p + len > limit) return undefined;
  return { tag, pos, start: p, end: p + len, next: p + len };
}

function children(buf, node) {
  const out = [];
  let p = node.start;
  while (p < node.end) {
    const c = tlv(buf, p, node.end);
    if (!c) return undefined;
    out.push(c);
    p = c.next;
  }
  return out;
}

function oid(buf, node) {
  const b = buf.subarray(node.start, node.end);
  if (b.length === 0) return '';
  const parts = [Math.floor(b[0] / 40), b[0] % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if ((b[i] & 0x80) === 0) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const text = (buf, node) => new TextDecoder('utf-8').decode(buf.subarray(node.start, node.end));

function name(buf, node) {
  const parts = [];
  for (const rdn of children(buf, node) ?? []) {
    for (const atv of children(buf, rdn) ?? []) {
      const [k, v] = children(buf, atv) ?? [];
      if (!k || !v) continue;
      const o = oid(buf, k);
      parts.push({ key: NAMES[o] ?? o, value: text(buf, v) });
    }
  }
  return parts;
}

function time(buf, node) {
  const s = text(buf, node);
  const m = node.tag === 0x17 ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s) : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(s);
  if (!m) return undefined;
  let year = Number(m[1]);
  if (node.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Subject, issuer, serial and validity of one DER certificate, or undefined. */
export function describeCertificate(der) {
  const cert = tlv(der, 0, der.length);
  if (!cert || cert.tag !== 0x30) return undefined;
  const [tbs] = children(der, cert) ?? [];
  if (!tbs) return undefined;
  const f = children(der, tbs);
  if (!f) return undefined;
  const i = f[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, validity, subject] = f.slice(i);
  if (!serial || !issuer || !validity || !subject) return undefined;
  const [nb, na] = children(der, validity) ?? [];
  if (!nb || !na) return undefined;
  return {
    subject: name(der, subject),
    issuer: name(der, issuer),
    serial: hex(der.subarray(serial.start, serial.end)).replace(/^00(?=[89a-f])/, ''),
    notBefore: time(der, nb),
    notAfter: time(der, na),
    der: der.subarray(0, cert.next),
  };
}

/** The certificates of a PKCS#7 SignedData (an app receipt, DER or BER), as DER slices. */
export function receiptCertificates(bytes) {
  const ci = tlv(bytes, 0, bytes.length);
  if (!ci || ci.tag !== 0x30) return [];
  const [type, explicit] = children(bytes, ci) ?? [];
  if (!type || type.tag !== 0x06 || oid(bytes, type) !== SIGNED_DATA || !explicit) return [];
  const [sd] = children(bytes, explicit) ?? [];
  if (!sd) return [];
  const certSet = (children(bytes, sd) ?? []).find((c) => c.tag === 0xa0);
  if (!certSet) return [];
  return (children(bytes, certSet) ?? []).filter((c) => c.tag === 0x30).map((c) => bytes.subarray(c.pos, c.next));
}

/** The x5c certificates of a JWS header (standard base64 DER). */
export function jwsCertificates(header, base64ToBytes) {
  const x5c = Array.isArray(header?.x5c) ? header.x5c : [];
  return x5c.map((b64) => (typeof b64 === 'string' ? base64ToBytes(b64) : undefined)).filter(Boolean);
}

/** "CN, OU, O, C" in that order of importance, for one line. */
export function nameLine(parts) {
  const order = ['CN', 'OU', 'O', 'C'];
  return order.flatMap((k) => parts.filter((p) => p.key === k).map((p) => p.value)).join(', ');
}

/** SHA-256 fingerprint (colon hex), where WebCrypto is available (secure contexts). */
export async function fingerprint(der) {
  if (!globalThis.crypto?.subtle) return undefined;
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}
