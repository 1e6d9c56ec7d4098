// The runtime's own `Buffer` where there is one (Node, Bun, Deno's node compatibility), else a small
// Uint8Array subclass with the parts tests/js uses: from/alloc/concat/isBuffer/byteLength and
// toString/equals/indexOf/includes, for the utf8, base64, base64url, hex and latin1 encodings.
// Injected by esbuild in place of the global `Buffer` in the suite bundle.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    s += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    s += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return s;
}

function fromBase64(text) {
  const clean = text.replace(/[^A-Za-z0-9+/\-_]/g, '').replace(/-/g, '+').replace(/_/g, '/');
  const out = [];
  let bits = 0;
  let acc = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out;
}

class MiniBuffer extends Uint8Array {
  static from(value, encodingOrOffset, length) {
    if (typeof value === 'string') {
      const enc = (encodingOrOffset ?? 'utf8').toLowerCase();
      if (enc === 'base64' || enc === 'base64url') return new MiniBuffer(fromBase64(value));
      if (enc === 'hex') return new MiniBuffer((value.match(/../g) ?? []).map((h) => parseInt(h, 16)));
      if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') return new MiniBuffer([...value].map((c) => c.charCodeAt(0) & 0xff));
      return new MiniBuffer(encoder.encode(value));
    }
    if (value instanceof ArrayBuffer) return new MiniBuffer(value.slice(encodingOrOffset ?? 0, length === undefined ? undefined : (encodingOrOffset ?? 0) + length));
    return new MiniBuffer(value);
  }
  static alloc(size, fill = 0) {
    return new MiniBuffer(size).fill(fill);
  }
  static isBuffer(v) {
    return v instanceof MiniBuffer;
  }
  static byteLength(s) {
    return typeof s === 'string' ? encoder.encode(s).length : s.byteLength;
  }
  static concat(list) {
    const out = new MiniBuffer(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  }
  toString(encoding = 'utf8') {
    const enc = encoding.toLowerCase();
    if (enc === 'base64') return toBase64(this);
    if (enc === 'base64url') return toBase64(this).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    if (enc === 'hex') return [...this].map((b) => b.toString(16).padStart(2, '0')).join('');
    if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') return String.fromCharCode(...this);
    return decoder.decode(this);
  }
  indexOf(value, byteOffset = 0, encoding = 'utf8') {
    if (typeof value === 'number') return super.indexOf(value, byteOffset);
    const needle = typeof value === 'string' ? MiniBuffer.from(value, encoding) : value;
    const start = byteOffset < 0 ? Math.max(0, this.length + byteOffset) : byteOffset;
    if (needle.length === 0) return Math.min(start, this.length);
    for (let i = start; i + needle.length <= this.length; i++) {
      let j = 0;
      while (j < needle.length && this[i + j] === needle[j]) j++;
      if (j === needle.length) return i;
    }
    return -1;
  }
  includes(value, byteOffset = 0, encoding = 'utf8') {
    return this.indexOf(value, byteOffset, encoding) !== -1;
  }
  equals(other) {
    return this.length === other.length && this.every((b, i) => b === other[i]);
  }
  toJSON() {
    return { type: 'Buffer', data: [...this] };
  }
}

const RuntimeBuffer = globalThis.Buffer ?? MiniBuffer;
export { RuntimeBuffer as Buffer };
