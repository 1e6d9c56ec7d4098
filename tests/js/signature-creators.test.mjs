// Node only: Apple's four signature creators, ours (signed by ring inside the module) against
// Apple's installed library (@apple/app-store-server-library 3.1.0, a devDependency, run, not
// copied) for the same inputs, every signature checked by node:crypto. ECDSA draws a random k, so
// the signatures themselves differ; what is compared is what is signed: for the v1 signature,
// that both verify over the text Apple defines; for the JWS creators (Apple's nonce and the clock
// pinned), that the signed header and claims are the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { createRequire } from 'node:module';
import apple from '@apple/app-store-server-library';
import * as iap from './load.mjs';
import { throwsCode } from './rejects.mjs';
import { publicText } from './vectors.mjs';

// Apple's test key (tests/resources/certs/testSigningKey.p8 of Apple's repository, v3.1.0).
const KEY = publicText('apple-library-3.1.0/tests/resources/certs/testSigningKey.p8');
const PUBLIC = createPublicKey(KEY);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const segment = (jws, i) => JSON.parse(Buffer.from(jws.split('.')[i], 'base64url').toString('utf8'));
const jwsVerifies = (jws) => {
  const [h, p, s] = jws.split('.');
  return verify('sha256', Buffer.from(`${h}.${p}`), { key: PUBLIC, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
};

/** Apple's v1 text, built here from Apple's definition (not from either library). */
const v1Text = (bundleId, keyId, product, offer, token, nonce, ts) =>
  [bundleId, keyId, product, offer, token.toLowerCase(), nonce.toLowerCase(), String(ts)].join('\u2063');

test('v1 promotional offer: ours and Apple\'s both verify over the text Apple defines, in DER and base64', () => {
  const ours = new iap.PromotionalOfferSignatureCreator(KEY, 'keyId', 'com.example.app');
  const theirs = new apple.PromotionalOfferSignatureCreator(KEY, 'keyId', 'com.example.app');
  const cases = [
    ['productId', 'offerId', 'appAccountToken', '20fba8a0-2b80-4a7d-a17f-85c1854727f8', 1698148900000],
    // Upper case in the token and the nonce (lower-cased), an empty token, a non-ASCII token.
    ['com.example.monthly', 'WINBACK_50', 'A2E1F3C4-0000-4000-8000-ABCDEFABCDEF', '20FBA8A0-2B80-4A7D-A17F-85C1854727F8', 1],
    ['p', 'o', '', 'n', 0],
    ['p', 'o', 'ÅİΣ-Token', 'NONCE', 1764979200000],
  ];
  for (const args of cases) {
    const text = Buffer.from(v1Text('com.example.app', 'keyId', ...args), 'utf8');
    for (const [who, sig] of [['ours', ours.createSignature(...args)], ['Apple', theirs.createSignature(...args)]]) {
      assert.match(sig, /^[A-Za-z0-9+/]+={0,2}$/, `${who}: standard base64`);
      const der = Buffer.from(sig, 'base64');
      assert.equal(der[0], 0x30, `${who}: a DER SEQUENCE`);
      assert.ok(verify('sha256', text, PUBLIC, der), `${who} verifies over Apple's text for ${args}`);
      // Another timestamp is another text: the check can fail.
      const other = Buffer.from(v1Text('com.example.app', 'keyId', args[0], args[1], args[2], args[3], args[4] + 1), 'utf8');
      assert.equal(verify('sha256', other, PUBLIC, der), false);
    }
  }
});

test('JWS creators: the signed header and claims are byte for byte Apple\'s for the same nonce and time', (t) => {
  const NOW = 1764979200123;
  const NONCE = '5b3c7f0e-2a4d-4e6f-8a9b-0c1d2e3f4a5b';
  // Apple's library draws its nonce from require('crypto').randomUUID and its iat from Date.now.
  const nodeCrypto = createRequire(import.meta.url)('crypto');
  t.mock.method(nodeCrypto, 'randomUUID', () => NONCE);
  t.mock.method(Date, 'now', () => NOW);
  const args = ['signingKey', 'keyId', 'issuerId', 'com.example.app'];
  const request = { operation: 'CREATE_SUBSCRIPTION', version: '1', requestInfo: { requestReferenceId: 'ref-1' }, descriptors: { displayName: 'Ünïcode', description: 'x' }, price: 4990 };
  const cases = [
    ['PromotionalOfferV2SignatureCreator', ['productId', 'offerIdentifier', 'transactionId']],
    ['PromotionalOfferV2SignatureCreator', ['productId', 'offerIdentifier']],
    ['IntroductoryOfferEligibilitySignatureCreator', ['productId', true, 'transactionId']],
    ['IntroductoryOfferEligibilitySignatureCreator', ['productId', false, '2000000000000001']],
    ['AdvancedCommerceInAppSignatureCreator', [request]],
  ];
  for (const [name, callArgs] of cases) {
    const theirs = new apple[name](KEY, ...args.slice(1)).createSignature(...callArgs);
    // Ours with the same nonce: through the module's class the public one wraps.
    const core = new iap.__SignatureCreator(name, KEY, ...args.slice(1));
    const wire = name === 'AdvancedCommerceInAppSignatureCreator' ? [JSON.stringify(callArgs[0])] : callArgs;
    const ours = core.sign(wire, Date.now(), NONCE);
    core.free();
    assert.equal(ours.split('.').slice(0, 2).join('.'), theirs.split('.').slice(0, 2).join('.'), `${name}(${callArgs}): same signed bytes`);
    assert.ok(jwsVerifies(ours), `ours verifies (${name})`);
    assert.ok(jwsVerifies(theirs), `Apple's verifies (${name})`);
    // A claim changed after signing does not verify: the check can fail.
    const [h, , s] = ours.split('.');
    const forged = Buffer.from(JSON.stringify({ ...segment(ours, 1), bid: 'com.other' })).toString('base64url');
    assert.equal(jwsVerifies(`${h}.${forged}.${s}`), false);

    // The public class: the same claims, with a fresh nonce of its own.
    const pub = new iap[name](KEY, ...args.slice(1)).createSignature(...callArgs);
    assert.ok(jwsVerifies(pub));
    assert.deepEqual(segment(pub, 0), { alg: 'ES256', typ: 'JWT', kid: 'keyId' });
    const { nonce, ...claims } = segment(pub, 1);
    const { nonce: appleNonce, ...appleClaims } = segment(theirs, 1);
    assert.equal(appleNonce, NONCE);
    assert.match(nonce, UUID_V4);
    assert.deepEqual(claims, appleClaims);
    assert.equal(claims.iat, Math.floor(NOW / 1000));
    assert.equal(claims.exp, undefined);
  }
  const ac = segment(new iap.AdvancedCommerceInAppSignatureCreator(KEY, 'keyId', 'issuerId', 'com.example.app').createSignature(request), 1);
  assert.deepEqual(JSON.parse(Buffer.from(ac.request, 'base64').toString('utf8')), request);
  assert.equal(ac.request, Buffer.from(JSON.stringify(request), 'utf8').toString('base64'));
});

test('each JWS carries a new nonce', () => {
  const c = new iap.PromotionalOfferV2SignatureCreator(KEY, 'keyId', 'issuerId', 'com.example.app');
  const nonces = new Set(Array.from({ length: 50 }, () => segment(c.createSignature('p', 'o'), 1).nonce));
  assert.equal(nonces.size, 50);
});

test('wrong arguments are INVALID_ARGUMENT, and no error carries the key', () => {
  const secret = KEY.split('\n')[1];
  const errors = [
    throwsCode(() => new iap.PromotionalOfferSignatureCreator('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', 'k', 'b'), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.PromotionalOfferV2SignatureCreator(KEY.replace(secret, secret.slice(0, 40)), 'k', 'i', 'b'), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.IntroductoryOfferEligibilitySignatureCreator(KEY, 'k', undefined, 'b'), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.PromotionalOfferSignatureCreator(KEY, 'k', 'b').createSignature('p', 'o', '', 'n', 1.5), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.PromotionalOfferSignatureCreator(KEY, 'k', 'b').createSignature('p', 'o', undefined, 'n', 1), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.IntroductoryOfferEligibilitySignatureCreator(KEY, 'k', 'i', 'b').createSignature('p', 'yes', 't'), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.IntroductoryOfferEligibilitySignatureCreator(KEY, 'k', 'i', 'b').createSignature('p', true), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.AdvancedCommerceInAppSignatureCreator(KEY, 'k', 'i', 'b').createSignature({ n: 1n }), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.AdvancedCommerceInAppSignatureCreator(KEY, 'k', 'i', 'b').createSignature(undefined), 'INVALID_ARGUMENT'),
    throwsCode(() => new iap.AdvancedCommerceInAppSignatureCreator(KEY, 'k', 'i', 'b').createSignature([1, 2]), 'INVALID_ARGUMENT'),
  ];
  for (const e of errors) {
    const text = `${e.message} ${JSON.stringify(e.details ?? {})}`;
    assert.ok(!text.includes(secret.slice(0, 16)) && !text.includes('AAAA'), text);
  }
  // The key is bytes too (a .p8 read without an encoding), PEM or DER.
  const der = createPublicKey(KEY) && Buffer.from(KEY.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const sig = new iap.PromotionalOfferSignatureCreator(der, 'keyId', 'b').createSignature('p', 'o', '', 'n', 5);
  assert.ok(verify('sha256', Buffer.from(v1Text('b', 'keyId', 'p', 'o', '', 'n', 5)), PUBLIC, Buffer.from(sig, 'base64')));
  assert.ok(new iap.PromotionalOfferSignatureCreator(Buffer.from(KEY), 'keyId', 'b').createSignature('p', 'o', '', 'n', 5));
});

test('the creators are not in the module for the edge', async () => {
  const edge = await import('../../pkg/verify/node.mjs');
  for (const name of ['PromotionalOfferSignatureCreator', 'PromotionalOfferV2SignatureCreator', 'IntroductoryOfferEligibilitySignatureCreator', 'AdvancedCommerceInAppSignatureCreator']) {
    assert.equal(typeof iap[name], 'function');
    assert.equal(edge[name], undefined, name);
  }
});
