// The emulator's own test PKI (emulator/src/emulator-pki.js) read back by node:crypto and by the
// package's verifier, and the App Store face's key options. Node only: it uses node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import * as iap from './load.mjs';
import { APPLE_MARKER_OIDS, certificate, createAppStorePki, oid, pem, time } from '../../emulator/src/emulator-pki.js';
import { startEmulator } from '../../emulator/src/emulator.js';

const has = (der, dotted) => Buffer.from(der).includes(oid(dotted));

test('DER pieces: base-128 OID arcs, UTCTime before 2050 and GeneralizedTime after', () => {
  // The bytes src/x509.rs compares with (ext::APPLE_RECEIPT_SIGNING), with the tag and length.
  assert.equal(oid('1.2.840.113635.100.6.11.1').toString('hex'), '060a2a864886f7636406' + '0b01');
  assert.equal(oid('2.5.29.19').toString('hex'), '0603551d13');
  assert.equal(time(Date.UTC(2049, 11, 31, 23, 59, 59)).toString('latin1'), '\x17\x0d491231235959Z');
  assert.equal(time(Date.UTC(2050, 0, 1)).toString('latin1'), '\x18\x0f20500101000000Z');
});

test('the chain: node:crypto reads it, each link verifies, CA flags and Apple markers where the verifier needs them', () => {
  const now = Date.now();
  const pki = createAppStorePki({ now });
  const [leaf, int, root] = [pki.leaf, pki.intermediate, pki.root].map((c) => new X509Certificate(c.der));
  assert.ok(root.verify(pki.root.publicKey), 'the root is self-signed');
  assert.ok(int.verify(pki.root.publicKey));
  assert.ok(leaf.verify(pki.intermediate.publicKey));
  assert.ok(!leaf.verify(pki.root.publicKey));
  assert.deepEqual([root.ca, int.ca, leaf.ca], [true, true, false]);
  assert.equal(leaf.issuer, int.subject);
  assert.equal(int.issuer, root.subject);
  assert.equal(leaf.publicKey.asymmetricKeyDetails.namedCurve, 'prime256v1');
  assert.ok(Date.parse(leaf.validFrom) < now && Date.parse(leaf.validTo) > now);
  assert.ok(has(pki.leaf.der, APPLE_MARKER_OIDS.leaf) && !has(pki.leaf.der, APPLE_MARKER_OIDS.intermediate));
  assert.ok(has(pki.intermediate.der, APPLE_MARKER_OIDS.intermediate) && !has(pki.intermediate.der, APPLE_MARKER_OIDS.leaf));
  assert.equal(pki.x5c.length, 3);
  assert.match(pem(pki.root.der), /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/);
  assert.equal(new X509Certificate(pem(pki.root.der)).fingerprint256, root.fingerprint256);
});

test("the package's verifier accepts the emulator's JWS, and refuses it without the markers or under another root", () => {
  const pki = createAppStorePki();
  const payload = { transactionId: '1', bundleId: 'com.example.game', environment: 'Sandbox', signedDate: Date.now() };
  const verifier = new iap.SignedDataVerifier([new Uint8Array(pki.root.der)], false, 'Sandbox', 'com.example.game');
  assert.equal(verifier.verifyAndDecodeTransaction(pki.signJws(payload)).transactionId, '1');
  // The same keys and names, the marker left out of one certificate: INVALID_CHAIN.
  const reissue = (which) => {
    const c = which === 'leaf'
      ? certificate({ subject: pki.leaf.name, publicKey: pki.leaf.publicKey, issuer: pki.intermediate, role: 'leaf', notBefore: pki.notBefore, notAfter: pki.notAfter, markers: false })
      : certificate({ subject: pki.intermediate.name, publicKey: pki.intermediate.publicKey, issuer: pki.root, role: 'intermediate', notBefore: pki.notBefore, notAfter: pki.notAfter, markers: false });
    const x5c = [...pki.x5c];
    x5c[which === 'leaf' ? 0 : 1] = c.toString('base64');
    return x5c;
  };
  const sign = (x5c) => {
    const part = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${part({ alg: 'ES256', x5c })}.${part(payload)}`;
    const sig = nodeSign('sha256', Buffer.from(input), { key: pki.leaf.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  };
  for (const which of ['leaf', 'intermediate']) {
    assert.throws(() => verifier.verifyAndDecodeTransaction(sign(reissue(which))), (e) => e.code === 'INVALID_CHAIN' && /marker/.test(e.message), which);
  }
  const other = new iap.SignedDataVerifier([new Uint8Array(createAppStorePki().root.der)], false, 'Sandbox', 'com.example.game');
  assert.throws(() => other.verifyAndDecodeTransaction(pki.signJws(payload)), (e) => e.code === 'INVALID_CHAIN');
});

test('App Store face options: a given .p8 key is the one tokens must be signed with; a public key alone hands out none', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const p8 = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const emu = await startEmulator({ appStore: { signingKey: p8, keyId: 'MYKEY00001', bundleId: 'com.me.app' } });
  try {
    const a = emu.appStore;
    assert.deepEqual([a.signingKey, a.keyId, a.bundleId], [p8, 'MYKEY00001', 'com.me.app']);
    const c = new iap.AppStoreServerAPIClient(p8, a.keyId, a.issuerId, a.bundleId, 'Sandbox', { baseUrl: emu.url, rootCertificates: [a.rootCertificatePem] });
    // The seed's transactions carry the configured bundle id, so they verify for this app.
    assert.equal((await c.getTransactionInfo('2000000100000001')).decodedTransactionInfo.bundleId, 'com.me.app');
    // The root and the credentials over HTTP, for clients in other languages.
    const rootPem = await (await fetch(`${emu.url}/admin/appstore/root`)).text();
    assert.equal(rootPem, a.rootCertificatePem);
    const creds = await (await fetch(`${emu.url}/admin/appstore/credentials`)).json();
    assert.deepEqual([creds.keyId, creds.signingKey, creds.rootCertificate], [a.keyId, p8, Buffer.from(a.rootCertificate).toString('base64')]);
    // The PKI and the key survive a reset (clients keep trusting the same root).
    await fetch(`${emu.url}/admin/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    assert.deepEqual(emu.appStore.rootCertificate, a.rootCertificate);
    assert.equal((await c.getTransactionInfo('2000000100000001')).decodedTransactionInfo.transactionId, '2000000100000001');
  } finally {
    await emu.close();
  }
  const checkOnly = await startEmulator({ appStore: { publicKey: publicKey.export({ type: 'spki', format: 'pem' }) } });
  try {
    const a = checkOnly.appStore;
    assert.equal(a.signingKey, null);
    const c = new iap.AppStoreServerAPIClient(p8, a.keyId, a.issuerId, a.bundleId, 'Sandbox', { baseUrl: checkOnly.url, rootCertificates: [a.rootCertificate] });
    assert.equal((await c.getTransactionInfo('2000000100000002')).decodedTransactionInfo.productId, 'remove_ads');
  } finally {
    await checkOnly.close();
  }
});

test('a seed without an appStore section serves an empty App Store; JS admin methods add to it', async () => {
  const emu = await startEmulator({ seed: { iap: {}, items: [] }, appStore: { products: [{ productId: 'p', type: 'Non-Consumable' }] } });
  try {
    const a = emu.appStore;
    const c = new iap.AppStoreServerAPIClient(a.signingKey, a.keyId, a.issuerId, a.bundleId, a.environment, { baseUrl: emu.url, rootCertificates: [a.rootCertificate], retries: 0 });
    await assert.rejects(c.getTransactionInfo('2000000100000001'), (e) => e.details?.errorCode === 4040010);
    const t = a.addTransaction({ productId: 'p', customer: 'c' });
    assert.equal((await c.getTransactionInfo(t.transactionId)).decodedTransactionInfo.productId, 'p');
    a.refund({ transactionId: t.transactionId });
    assert.equal((await c.getRefundHistory(t.transactionId)).decodedTransactions[0].transactionId, t.transactionId);
    assert.throws(() => a.addTransaction({ productId: 'unknown' }), /no App Store product/);
    assert.throws(() => a.renew({ originalTransactionId: t.transactionId }), /no subscription/);
  } finally {
    await emu.close();
  }
});
