// Receipt cost against its number of in-app entries: receipts of 1, 100, 1,000 and 5,000 entries,
// built here and signed with the self-made test PKI (tests/vectors/testpki: root-rsa → int-rsa →
// leaf-rsa, the shape of Apple's chain), because a genuine receipt cannot be extended without
// Apple's key. Each entry has the twelve attributes of tests/common/mod.rs `in_app`. Warm verifier,
// DER bytes, verify + parse + JS objects.
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AppReceiptVerifier } from '../pkg/node.mjs';
import { children, encode, readTlv } from '../tests/js/der.mjs';
import { compare, median, record, times, us } from './harness.mjs';

const pki = (name) => readFileSync(new URL(`../tests/vectors/testpki/${name}`, import.meta.url));
const cat = (...parts) => Buffer.concat(parts.map((p) => Buffer.from(p)));
const seq = (...parts) => encode(0x30, cat(...parts));
const setOf = (...parts) => encode(0x31, cat(...parts));
const int = (v) => {
  let hex = BigInt(v).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return encode(0x02, Buffer.from(hex, 'hex'));
};
const utf8 = (s) => encode(0x0c, Buffer.from(s));
const ia5 = (s) => encode(0x16, Buffer.from(s));
const octets = (b) => encode(0x04, Buffer.from(b));
const oid = (hex) => encode(0x06, Buffer.from(hex, 'hex'));
const attr = (type, value) => seq(int(type), int(1), octets(value));

const inApp = (i) =>
  setOf(
    attr(1701, int(1)),
    attr(1702, utf8('com.example.coins')),
    attr(1703, utf8(String(1_000_000_000_000_000n + BigInt(i)))),
    attr(1705, utf8('1000000000000000')),
    attr(1704, ia5('2024-05-31T08:00:00Z')),
    attr(1706, ia5('2024-05-31T08:00:00Z')),
    attr(1708, ia5('')),
    attr(1711, int(2_000_000_123_357_229)),
    attr(1712, ia5('')),
    attr(1713, int(0)),
    attr(1719, int(1)),
    attr(1722, int(0)),
  );

const payload = (n) =>
  setOf(
    attr(0, utf8('ProductionSandbox')),
    attr(1, int(0)),
    attr(2, utf8('com.example.app')),
    attr(3, utf8('7')),
    attr(4, Buffer.from([...Array(16).keys()].map((i) => i + 1))),
    attr(5, Buffer.alloc(20)),
    attr(12, ia5('2024-06-01T00:00:00Z')),
    attr(19, utf8('1.0')),
    attr(6, [0xde, 0xad]),
    ...Array.from({ length: n }, (_, i) => attr(17, inApp(i))),
  );

const leaf = pki('leaf-rsa.der');
const chain = [leaf, pki('int-rsa.der'), pki('root-rsa.der')];
const key = createPrivateKey({ key: pki('leaf-rsa.pk8'), format: 'der', type: 'pkcs8' });
// The signer's issuer Name and serial, from its tbsCertificate.
const tbs = children(leaf, children(leaf, readTlv(leaf, 0))[0]);
const [serial, , issuer] = tbs[0].tag === 0xa0 ? tbs.slice(1) : tbs;
const issuerAndSerial = seq(leaf.subarray(issuer.start, issuer.end), leaf.subarray(serial.start, serial.end));
const SIGNED_DATA = '2a864886f70d010702';
const DATA = '2a864886f70d010701';
const SHA256 = '608648016503040201';
const RSA = '2a864886f70d010101';

function receipt(n) {
  const content = payload(n);
  const signature = sign('sha256', content, key);
  const alg = seq(oid(SHA256), [0x05, 0x00]);
  const signer = seq(int(1), issuerAndSerial, alg, seq(oid(RSA), [0x05, 0x00]), octets(signature));
  const sd = seq(int(1), setOf(alg), seq(oid(DATA), encode(0xa0, octets(content))), encode(0xa0, cat(...chain)), setOf(signer));
  return seq(oid(SIGNED_DATA), encode(0xa0, sd));
}

const verifier = new AppReceiptVerifier([pki('root-rsa.der')]);
const opts = { bundleId: 'com.example.app' };
const SIZES = [1, 100, 1000, 5000];
const candidates = {};
for (const n of SIZES) {
  const der = receipt(n);
  const r = verifier.verify(der, opts);
  if (r.inApp.length !== n) throw new Error(`expected ${n} entries, got ${r.inApp.length}`);
  candidates[`${n} in-app entries (${der.length.toLocaleString('en')} bytes)`] = () => verifier.verify(der, opts);
}
const names = Object.keys(candidates);
const stats = await compare('App receipt cost by in-app entries (test PKI, DER, warm verifier)', candidates, { rounds: 9, baseline: names[0] });
const t = names.map((n) => median(stats, n));
const perEntry = (i, j) => (t[j] - t[i]) / (SIZES[j] - SIZES[i]);
const slopes = [perEntry(0, 1), perEntry(1, 2), perEntry(2, 3)];
console.log(`  µs per added entry: 1→100 ${slopes[0].toFixed(2)}, 100→1000 ${slopes[1].toFixed(2)}, 1000→5000 ${slopes[2].toFixed(2)}`);
const worst = Math.max(...slopes);
// Linear: the cost of an added entry at 1000→5000 within 1.5× of the one at 100→1000.
const linear = slopes[2] <= slopes[1] * 1.5;
record('receipt-entries', {
  path: 'receipt cost by in-app entries (test PKI; 1 / 100 / 1,000 / 5,000)',
  ours: `${t.map(us).join(' / ')}; per added entry ${slopes.map((s) => s.toFixed(2)).join(' / ')} µs`,
  peer: `the 1-entry receipt: ${us(t[0])}`,
  ratio: `5,000 entries = ${times(t[3] / t[0])} the 1-entry time`,
  goal: 'linear, ≤ 5 µs per entry',
  met: linear && worst <= 5,
});
