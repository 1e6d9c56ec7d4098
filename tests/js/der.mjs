// A small DER reader and writer for the tests that take receipts apart and build them (definite
// lengths only, as DER has).
export function readTlv(buf, at = 0) {
  const tag = buf[at];
  let len = buf[at + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i];
    hdr += n;
  }
  return { tag, start: at, body: at + hdr, end: at + hdr + len };
}
export function children(buf, tlv) {
  const out = [];
  for (let at = tlv.body; at < tlv.end; ) {
    const c = readTlv(buf, at);
    out.push(c);
    at = c.end;
  }
  return out;
}
export function encode(tag, content) {
  const len = content.length;
  const lenBytes = len < 128 ? [len] : len < 256 ? [0x81, len] : len < 65536 ? [0x82, len >> 8, len & 255] : [0x83, len >> 16, (len >> 8) & 255, len & 255];
  return Buffer.concat([Buffer.from([tag, ...lenBytes]), content]);
}
