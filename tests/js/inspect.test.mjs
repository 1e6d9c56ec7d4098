// inspect(): one input of each kind detected, verified or decoded, with its notes and the
// certificates it carries (described by the core's X.509 parser, as the dashboard's own reader
// described them before it went away); what the command's decode prints; and that nothing about
// the input ever throws, only the caller's own mistakes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';
import { throwsCode } from './rejects.mjs';
import { own, ownText, publicBytes, publicText } from './vectors.mjs';

const codes = (r) => r.notes.map((n) => n.code);
const googleOptions = () => ({ key: ownText('google/test-key-2048.pub'), signature: ownText('google/consumable.sig') });
const b64url = (obj) => btoa(JSON.stringify(obj)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unsignedJws = (payload) => `${b64url({ alg: 'ES256' })}.${b64url(payload)}.c2ln`;

test('inspect: signed purchase JSON verified under its key; without one decoded; tampered invalid with the fields beside', () => {
  const data = ownText('google/consumable.json');
  const r = iap.inspect(data, googleOptions());
  assert.deepEqual([r.kind, r.label, r.status, r.verified, r.result.productId, r.notes], ['google-purchase', 'Google Play purchase', 'verified', true, 'gem_pack_100', []]);
  assert.equal(r.certificates, undefined);
  // The exact bytes of a file; a final newline the signature does not cover is dropped, and said so.
  const withNewline = iap.inspect(new TextEncoder().encode(`${data}\n`), googleOptions());
  assert.deepEqual([withNewline.status, codes(withNewline)], ['verified', ['TRAILING_NEWLINE_IGNORED']]);
  const tampered = iap.inspect(data.replace('gem_pack_100', 'gem_pack_999'), googleOptions());
  assert.deepEqual([tampered.status, tampered.verified, tampered.error.code, tampered.unverified.productId, tampered.result], ['invalid', false, 'INVALID_SIGNATURE', 'gem_pack_999', undefined]);
  assert.ok(tampered.error instanceof iap.IapError);
  const none = iap.inspect(data);
  assert.deepEqual([none.status, none.result.productId, codes(none), none.notes[0].missing], ['decoded', 'gem_pack_100', ['MISSING_SIGNATURE_OR_KEY'], ['signature', 'key']]);
  assert.deepEqual(iap.inspect(data, { signature: ownText('google/consumable.sig'), key: '' }).notes[0].missing, ['key']);
  // ONE store: told apart by its fields, or by the store option.
  const one = { key: ownText('onestore/test-key-2048.pub'), signature: ownText('onestore/v21.sig') };
  const o = iap.inspect(ownText('onestore/v21.json'), one);
  assert.deepEqual([o.kind, o.status, o.result.purchaseToken], ['onestore-purchase', 'verified', 'TOKEN3000000312345']);
  const asGoogle = iap.inspect(ownText('onestore/v21.json'), { ...one, store: 'google' });
  assert.deepEqual([asGoogle.kind, asGoogle.error.code], ['google-purchase', 'INVALID_SIGNATURE']);
  // A 1024-bit key needs the option.
  const legacy = { key: publicText('google-awa-goiap.pub'), signature: publicText('google-awa-goiap.sig') };
  assert.equal(iap.inspect(publicText('google-awa-goiap.json'), legacy).error.code, 'INVALID_PUBLIC_KEY');
  assert.equal(iap.inspect(publicText('google-awa-goiap.json'), { ...legacy, allowLegacy1024BitKeys: true }).status, 'verified');
});

test('inspect: Apple app receipts, base64 or DER, Apple roots then extraRoots, judged at the creation date', () => {
  const g5 = iap.inspect(publicText('apple-receipt-tpinapp-sandbox-g5.b64'));
  assert.deepEqual([g5.kind, g5.status, g5.result.bundleId, codes(g5)], ['apple-receipt', 'verified', 'dev.bonzer.weeka.app', ['BUNDLE_ID_NOT_CHECKED']]);
  assert.deepEqual([g5.certificates.length, g5.judgedAt, g5.judgedBy], [3, Date.UTC(2025, 11, 26, 18, 39, 47), 'receiptCreationDate']);
  assert.deepEqual(codes(iap.inspect(publicText('apple-receipt-tpinapp-sandbox-g5.b64'), { bundleId: 'dev.bonzer.weeka.app' })), []);
  const wrong = iap.inspect(publicText('apple-receipt-tpinapp-sandbox-g5.b64'), { bundleId: 'com.example.other', now: 1_800_000_000_000 });
  assert.deepEqual([wrong.status, wrong.error.code, wrong.unverified, wrong.judgedAt, wrong.judgedBy], ['invalid', 'INVALID_APP_IDENTIFIER', { transactionId: '2000001092134138' }, 1_800_000_000_000, 'now']);
  assert.equal(wrong.certificates.length, 3, 'the chain is described even when the data is refused');
  const xcode = publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64');
  assert.equal(iap.inspect(xcode).error.code, 'INVALID_CHAIN');
  const trusted = iap.inspect(xcode, { extraRoots: [new Uint8Array(publicBytes('apple-root-StoreKitTestCertificate.cer'))] });
  assert.deepEqual([trusted.status, trusted.result.inApp[0].productId, codes(trusted)], ['verified', 'pass.premium', ['TRUSTED_BY_EXTRA_ROOT', 'BUNDLE_ID_NOT_CHECKED']]);
  const der = Uint8Array.from(atob(xcode.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  const fromBytes = iap.inspect(der, { extraRoots: [new Uint8Array(publicBytes('apple-root-StoreKitTestCertificate.cer'))] });
  assert.deepEqual([fromBytes.kind, fromBytes.status, fromBytes.certificates.map((c) => c.subject[0].value)], ['apple-receipt', 'verified', ['StoreKit']]);
});

test('inspect: Apple JWS of each kind, notes in order, the chain judged at the signed date or now', () => {
  const testCa = { extraRoots: [new Uint8Array(publicBytes('apple-root-testCA-app-store-server-library.der'))] };
  const guessed = iap.inspect(publicText('apple-jws-testca-transactionInfo.jws'), testCa);
  assert.deepEqual([guessed.kind, guessed.guessed, guessed.status, guessed.result.bundleId], ['apple-transaction', true, 'verified', 'com.example']);
  assert.deepEqual(codes(guessed), ['GUESSED_KIND', 'TRUSTED_BY_EXTRA_ROOT', 'BUNDLE_ID_NOT_CHECKED', 'ENVIRONMENT_NOT_CHECKED']);
  assert.match(guessed.notes[0].message, /^read as Apple signed transaction \(JWS\), the kind its payload fits best/);
  // Renewal info carries no bundle id: nothing to say about it.
  const renewal = iap.inspect(publicText('apple-jws-awa-renewalinfo-sandbox.jws'));
  assert.deepEqual([renewal.kind, renewal.status, codes(renewal)], ['apple-renewal-info', 'verified', ['ENVIRONMENT_NOT_CHECKED']]);
  assert.deepEqual([renewal.certificates.length, renewal.judgedBy], [3, 'signedDate']);
  const xcode = iap.inspect(publicText('apple-jws-xcode-signed-transaction.jws'));
  assert.deepEqual([xcode.status, codes(xcode)], ['verified', ['TEST_DATA', 'BUNDLE_ID_NOT_CHECKED', 'ENVIRONMENT_NOT_CHECKED']]);
  const app = iap.inspect(publicText('apple-jws-xcode-signed-app-transaction.jws'));
  assert.deepEqual([app.kind, app.status, app.judgedBy], ['apple-app-transaction', 'verified', 'receiptCreationDate']);
  // A notification without signedDate is judged now, after its leaf expired; `now` moves it.
  const gopay = publicText('apple-jws-gopay-notification-did-renew-sandbox.jws');
  const expired = iap.inspect(gopay, { now: 1_795_000_000_000 });
  assert.deepEqual([expired.status, expired.error.code, expired.judgedAt, expired.judgedBy], ['invalid', 'CERTIFICATE_EXPIRED', 1_795_000_000_000, 'now']);
  assert.deepEqual(codes(expired), ['BUNDLE_ID_NOT_CHECKED', 'ENVIRONMENT_NOT_CHECKED']);
  assert.equal(expired.unverified.data.decodedTransactionInfo.transactionId, '2000000004047119', 'nested JWS decoded where a verified notification has them');
  const then = iap.inspect(gopay, { now: Date.parse('2022-03-04T10:00:00Z') });
  assert.deepEqual([then.status, then.result.notificationType], ['verified', 'DID_RENEW']);
  // The body Apple POSTs; pinned values are checked.
  const body = JSON.stringify({ signedPayload: publicText('apple-jws-aporat-notification-test-sandbox.jws') });
  const n = iap.inspect(body, { bundleId: 'com.Abilities', environment: 'Sandbox' });
  assert.deepEqual([n.kind, n.status, n.result.data.bundleId, codes(n)], ['apple-notification', 'verified', 'com.Abilities', []]);
  assert.equal(iap.inspect(body, { bundleId: 'com.example.other' }).error.code, 'INVALID_APP_IDENTIFIER');
  assert.equal(iap.inspect(publicText('apple-jws-awa-renewalinfo-sandbox.jws'), { environment: 'Production', appAppleId: 1 }).error.code, 'INVALID_ENVIRONMENT');
  // What the data cannot supply is INVALID_ARGUMENT naming the option, with the fields beside it.
  const noEnv = iap.inspect(unsignedJws({ transactionId: '1', bundleId: 'b' }));
  assert.deepEqual([noEnv.status, noEnv.error.code, noEnv.error.details, noEnv.unverified.transactionId, noEnv.notes], ['invalid', 'INVALID_ARGUMENT', { option: 'environment', value: undefined }, '1', []]);
  const production = iap.inspect(unsignedJws({ transactionId: '1', environment: 'Production' }));
  assert.deepEqual([production.error.code, production.error.details], ['INVALID_ARGUMENT', { option: 'appAppleId' }]);
  assert.equal(iap.inspect(unsignedJws({ transactionId: '1', environment: 'Production' }), { appAppleId: 1 }).error.code, 'INVALID_CHAIN');
});

test('inspect: the kinds without a signature are decoded, with what would authenticate them', () => {
  const rtdn = iap.inspect(ownText('rtdn/subscription-renewed.json'));
  assert.deepEqual([rtdn.kind, rtdn.status, rtdn.verified, rtdn.result.subscriptionNotification.notificationTypeName, codes(rtdn)], ['google-rtdn', 'decoded', false, 'SUBSCRIPTION_RENEWED', ['NO_SIGNATURE']]);
  const bad = iap.inspect(JSON.stringify({ message: { data: '%%%' } }));
  assert.deepEqual([bad.kind, bad.status, bad.error.code], ['google-rtdn', 'invalid', 'MALFORMED_INPUT']);
  const ios6 = iap.inspect(publicText('apple-ios6-transaction-receipt-synthetic-applelib.b64'));
  assert.deepEqual([ios6.kind, ios6.status, ios6.result, codes(ios6)], ['apple-transaction-receipt', 'decoded', { transactionId: '33993399' }, ['NOT_VERIFIABLE_OFFLINE']]);
});

test('inspect: decodeOnly checks nothing and gives what the command\'s decode prints', () => {
  const tampered = iap.inspect(ownText('google/consumable.json').replace('gem_pack_100', 'gem_pack_999'), { ...googleOptions(), decodeOnly: true });
  assert.deepEqual([tampered.status, tampered.result.productId, tampered.notes], ['decoded', 'gem_pack_999', []]);
  const gopay = iap.inspect(publicText('apple-jws-gopay-notification-did-renew-sandbox.jws'), { decodeOnly: true });
  assert.deepEqual([gopay.status, gopay.result.header, gopay.result.payload.data.signedTransactionInfo.transactionId], ['decoded', { alg: 'ES256', x5cCount: 3 }, '2000000004047119']);
  assert.equal(gopay.certificates.length, 3);
  const receipt = iap.inspect(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64'), { decodeOnly: true });
  assert.deepEqual([receipt.status, receipt.result, receipt.certificates.length], ['decoded', { transactionId: '0' }, 1]);
  assert.deepEqual(iap.inspect(ownText('rtdn/voided.json'), { decodeOnly: true }).notes, []);
  const notJson = iap.inspect('not json', { type: 'google-purchase', decodeOnly: true });
  assert.deepEqual([notJson.status, notJson.error.code, notJson.error.details], ['invalid', 'MALFORMED_INPUT', { input: 'purchase data' }]);
  assert.equal(iap.inspect('a.b.c', { type: 'apple-transaction', decodeOnly: true }).error.code, 'MALFORMED_INPUT');
});

test('inspect: type skips detection; a notification body and a wrapped JWS are still unwrapped', () => {
  const jws = publicText('apple-jws-aporat-notification-test-sandbox.jws').trim();
  const body = JSON.stringify({ signedPayload: jws });
  assert.equal(iap.inspect(body, { type: 'apple-notification' }).status, 'verified');
  assert.equal(iap.inspect(jws.replace(/.{76}/g, '$&\n'), { type: 'apple-notification' }).status, 'verified');
  const t = iap.inspect(publicText('apple-jws-testca-transactionInfo.jws'), { type: 'apple-transaction', extraRoots: [new Uint8Array(publicBytes('apple-root-testCA-app-store-server-library.der'))] });
  assert.deepEqual([t.guessed, codes(t)], [undefined, ['TRUSTED_BY_EXTRA_ROOT', 'BUNDLE_ID_NOT_CHECKED', 'ENVIRONMENT_NOT_CHECKED']]);
  const asRenewal = iap.inspect(publicText('apple-jws-testca-transactionInfo.jws'), { type: 'apple-renewal-info', extraRoots: [new Uint8Array(publicBytes('apple-root-testCA-app-store-server-library.der'))] });
  assert.equal(asRenewal.kind, 'apple-renewal-info');
  // Purchase JSON is taken as given, bytes included.
  const bytes = own('google/consumable.json');
  assert.equal(iap.inspect(new Uint8Array(bytes), { ...googleOptions(), type: 'google-purchase' }).status, 'verified');
});

test('inspect: the certificates of the Apple chains, as the dashboard\'s reader described them', () => {
  const name = (...parts) => parts.map(([key, value]) => ({ key, value }));
  const apple = ['OU', 'Apple Certification Authority'];
  const inc = ['O', 'Apple Inc.'];
  const us = ['C', 'US'];
  const wwdr = ['OU', 'Apple Worldwide Developer Relations'];
  const appleRootCa = name(us, inc, apple, ['CN', 'Apple Root CA']);
  const g3 = name(['CN', 'Apple Root CA - G3'], apple, inc, us);
  assert.deepEqual(iap.inspect(publicText('apple-receipt-tpinapp-sandbox-g5.b64')).certificates, [
    {
      subject: name(['CN', 'Mac App Store and iTunes Store Receipt Signing'], wwdr, inc, us),
      issuer: name(['CN', 'Apple Worldwide Developer Relations Certification Authority'], ['OU', 'G5'], inc, us),
      serial: '7d3920094ebef3f8efca6c10ea8e4303', notBefore: 1721832603000, notAfter: 1787496602000, keyAlgorithm: 'RSA', isCa: false,
      sha256: 'F5:2E:5E:9E:91:A7:2E:29:A2:A2:14:80:60:74:A1:16:4E:9A:1B:96:8F:44:5C:27:AC:D8:C5:69:2E:F7:C2:E0',
    },
    {
      subject: name(['CN', 'Apple Worldwide Developer Relations Certification Authority'], ['OU', 'G5'], inc, us),
      issuer: appleRootCa,
      serial: '3b7e800aeed302a1e6ecdb97d9caac289cf16994', notBefore: 1608147536000, notAfter: 1923091200000, keyAlgorithm: 'RSA', isCa: true,
      sha256: '53:FD:00:82:78:E5:A5:95:FE:1E:90:8A:E9:C5:E5:67:5F:26:24:32:64:A5:A6:43:8C:02:3E:3C:E2:87:07:60',
    },
    {
      subject: appleRootCa, issuer: appleRootCa,
      serial: '02', notBefore: 1146001236000, notAfter: 2054670036000, keyAlgorithm: 'RSA', isCa: true,
      sha256: 'B0:B1:73:0E:CB:C7:FF:45:05:14:2C:49:F1:29:5E:6E:DA:6B:CA:ED:7E:2C:68:C5:BE:91:B5:A1:10:01:F0:24',
    },
  ]);
  assert.deepEqual(iap.inspect(publicText('apple-jws-aporat-notification-test-sandbox.jws')).certificates, [
    {
      subject: name(['CN', 'Prod ECC Mac App Store and iTunes Store Receipt Signing'], wwdr, inc, us),
      issuer: name(['CN', 'Apple Worldwide Developer Relations Certification Authority'], ['OU', 'G6'], inc, us),
      serial: '68fa0f95dbe94a8107d2506b8c33eff6', notBefore: 1629859834000, notAfter: 1695523833000, keyAlgorithm: 'EC P-256', isCa: false,
      sha256: '87:DA:61:CE:27:A9:1D:B5:4A:38:61:86:57:DF:FE:C7:61:F0:95:04:7C:90:F5:9C:09:D9:FD:40:58:9B:48:90',
    },
    {
      subject: name(['CN', 'Apple Worldwide Developer Relations Certification Authority'], ['OU', 'G6'], inc, us),
      issuer: g3,
      serial: '22c1a1470a747369ef538612c9c69f3d38f36cd7', notBefore: 1616013430000, notAfter: 2089497600000, keyAlgorithm: 'EC P-384', isCa: true,
      sha256: 'BD:D4:ED:6E:74:69:1F:0C:2B:FD:01:BE:02:96:19:7A:F1:37:9E:04:18:E2:D3:00:EF:A9:C3:BE:F6:42:CA:30',
    },
    {
      subject: g3, issuer: g3,
      serial: '2dc5fc88d2c54b95', notBefore: 1398881946000, notAfter: 2187800346000, keyAlgorithm: 'EC P-384', isCa: true,
      sha256: '63:34:3A:BF:B8:9A:6A:03:EB:B5:7E:9B:3F:5F:A7:BE:7C:4F:5C:75:6F:30:17:B3:A8:C4:88:C3:65:3E:91:79',
    },
  ]);
  // Xcode's BER receipt: StoreKit's own certificate, with an e-mail attribute.
  const [storeKit] = iap.inspect(publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64')).certificates;
  assert.deepEqual([storeKit.subject.map((p) => p.key), storeKit.notBefore, storeKit.notAfter], [['CN', 'O', 'OU', 'C', 'E'], Date.UTC(2020, 3, 1, 17, 52, 35), Date.UTC(2040, 2, 27, 17, 52, 35)]);
});

test('inspect: malformed certificates and containers are left out, never thrown; caller mistakes throw INVALID_ARGUMENT', () => {
  // A receipt whose leaf certificate is damaged: the others are still described; truncated: none.
  const receipt = Uint8Array.from(atob(publicText('apple-receipt-tpinapp-sandbox-g5.b64').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  const damaged = receipt.slice();
  const leafAt = damaged.findIndex((_, i) => damaged[i] === 0x06 && damaged[i + 1] === 0x03 && damaged[i + 2] === 0x55 && damaged[i + 3] === 0x04 && damaged[i + 4] === 0x03);
  damaged[leafAt + 1] = 0x7f; // the first CN's OID claims more bytes than its attribute holds
  const d = iap.inspect(damaged);
  assert.deepEqual([d.status, d.certificates.length], ['invalid', 2]);
  const cut = iap.inspect(receipt.subarray(0, 1000));
  assert.deepEqual([cut.kind, cut.status, cut.error.code, cut.certificates], ['apple-receipt', 'invalid', 'MALFORMED_INPUT', undefined]);
  // Random flips, truncations and garbage through every kind: a result every time.
  let seed = 4242;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const jws = publicText('apple-jws-aporat-notification-test-sandbox.jws').trim();
  for (let i = 0; i < 300; i++) {
    const b = receipt.slice();
    for (let k = 0; k < 3; k++) b[Math.floor(rand() * b.length)] ^= 1 << Math.floor(rand() * 8);
    assert.equal(typeof iap.inspect(b).status, 'string');
    const j = [...jws];
    j[Math.floor(rand() * 1500)] = 'ABCxyz09-_.'[Math.floor(rand() * 11)];
    assert.equal(typeof iap.inspect(j.join('')).status, 'string');
    const kinds = ['google-purchase', 'onestore-purchase', 'apple-receipt', 'apple-transaction-receipt', 'apple-transaction', 'apple-renewal-info', 'apple-app-transaction', 'apple-notification', 'google-rtdn'];
    const garbage = new Uint8Array(1 + Math.floor(rand() * 64)).map(() => Math.floor(rand() * 256));
    assert.equal(typeof iap.inspect(garbage, { type: kinds[i % kinds.length], decodeOnly: i % 2 === 0 }).status, 'string');
  }
  const unknown = iap.inspect('hello, world');
  assert.deepEqual([unknown.kind, unknown.status, unknown.error.code, unknown.error.details], [undefined, 'invalid', 'MALFORMED_INPUT', { reason: 'not a recognized format' }]);
  throwsCode(() => iap.inspect(42), 'INVALID_ARGUMENT');
  throwsCode(() => iap.inspect('x', { colour: 'red' }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.inspect('x', { type: 'nonsense' }), 'INVALID_ARGUMENT');
  throwsCode(() => iap.inspect('x', { store: 'amazon' }), 'INVALID_ARGUMENT');
});
