// Inputs users will pass by mistake: a missing or wrong-typed argument at any entry point of the
// verifiers is an IapError INVALID_ARGUMENT whose message names the parameter, never a TypeError
// from the wasm-bindgen glue ("Cannot read properties of undefined"). Runs in every runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as iap from './load.mjs';

/** `fn` throws (or rejects with) INVALID_ARGUMENT naming `param`. */
async function refused(label, fn, param) {
  let caught;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `${label}: nothing was thrown`);
  assert.ok(caught instanceof iap.IapError, `${label}: ${caught?.constructor?.name}: ${caught?.message}`);
  assert.equal(caught.code, 'INVALID_ARGUMENT', `${label}: ${caught.message}`);
  if (param) assert.ok(caught.message.includes(param), `${label}: "${caught.message}" does not name ${param}`);
}

const KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'; // not a whole key: never reached
const WRONG = [undefined, null, 42, {}, [], true];

test('Google Play and ONE store: every parameter', async () => {
  for (const bad of WRONG) {
    const t = JSON.stringify(bad) ?? 'undefined';
    await refused(`new GoogleVerifier(${t})`, () => new iap.GoogleVerifier(bad), 'publicKeyBase64');
    await refused(`new OneStoreVerifier(${t})`, () => new iap.OneStoreVerifier(bad), 'publicKeyBase64');
    await refused(`verifyGooglePurchase('{}', 'AA==', ${t})`, () => iap.verifyGooglePurchase('{}', 'AA==', bad), 'publicKeyBase64');
    await refused(`verifyOneStorePurchase('{}', 'AA==', ${t})`, () => iap.verifyOneStorePurchase('{}', 'AA==', bad), 'publicKeyBase64');
  }
  await refused('verifyGooglePurchase()', () => iap.verifyGooglePurchase(), 'publicKeyBase64');
  await refused("new GoogleVerifier(key, 'x')", () => new iap.GoogleVerifier(KEY, 'x'), 'options');
});

test('Apple receipts: every parameter', async () => {
  for (const bad of [undefined, null, 42, {}, true]) {
    await refused('verifyAppReceipt(bad)', () => iap.verifyAppReceipt(bad), 'receipt');
    await refused('extractTransactionIdFromAppReceipt(bad)', () => iap.extractTransactionIdFromAppReceipt(bad), 'receipt');
    await refused('extractTransactionIdFromTransactionReceipt(bad)', () => iap.extractTransactionIdFromTransactionReceipt(bad), 'transactionReceipt');
    await refused('AppReceiptVerifier.verify(bad)', () => new iap.AppReceiptVerifier(null).verify(bad), 'receipt');
    await refused('AppReceiptVerifier.verifyAsync(bad)', () => new iap.AppReceiptVerifier(null).verifyAsync(bad), 'receipt');
  }
  for (const bad of [42, 'x', {}, [42], [{}], [null]]) {
    await refused(`new AppReceiptVerifier(${JSON.stringify(bad)})`, () => new iap.AppReceiptVerifier(bad), 'rootCertificates');
    await refused('verifyAppReceipt(r, { rootCertificates })', () => iap.verifyAppReceipt('AAAA', { rootCertificates: bad }), 'rootCertificates');
  }
  await refused("verifyAppReceipt(r, { bundleId: 1 })", () => iap.verifyAppReceipt('AAAA', { bundleId: 1 }), 'bundleId');
  await refused("verifyAppReceipt(r, { now: 'x' })", () => iap.verifyAppReceipt('AAAA', { now: 'x' }), 'now');
  await refused('verifyAppReceipt(r, 5)', () => iap.verifyAppReceipt('AAAA', 5), 'options');
});

test('SignedDataVerifier: the constructor and every method, sync and async', async () => {
  const ctor = [
    [[], 'enableOnlineChecks'],
    [[null], 'enableOnlineChecks'],
    [[null, 'no'], 'enableOnlineChecks'],
    [[null, false], 'environment'],
    [[null, false, 7], 'environment'],
    [[null, false, 'Sandbox'], 'bundleId'],
    [[null, false, 'Sandbox', 42], 'bundleId'],
    [[null, false, 'Sandbox', 'b', 'one'], 'appAppleId'],
    [[null, false, 'Production', 'b'], 'appAppleId'],
    [[42, false, 'Sandbox', 'b'], 'rootCertificates'],
    [[[42], false, 'Sandbox', 'b'], 'rootCertificates'],
  ];
  for (const [args, param] of ctor) await refused(`new SignedDataVerifier(${JSON.stringify(args)})`, () => new iap.SignedDataVerifier(...args), param);
  const v = new iap.SignedDataVerifier(null, false, 'Sandbox', 'com.example');
  const methods = {
    verifyAndDecodeTransaction: 'signedTransactionInfo',
    verifyAndDecodeRenewalInfo: 'signedRenewalInfo',
    verifyAndDecodeAppTransaction: 'signedAppTransactionInfo',
    verifyAndDecodeNotification: 'signedPayload',
    verifyAndDecodeRealtimeRequest: 'signedPayload',
  };
  for (const [name, param] of Object.entries(methods)) {
    for (const m of [name, `${name}Async`]) {
      for (const bad of WRONG) await refused(`${m}(${JSON.stringify(bad)})`, () => v[m](bad), param);
      await refused(`${m}(jws, 'x')`, () => v[m]('a.b.c', 'x'), 'options');
      await refused(`${m}(jws, { now: 'x' })`, () => v[m]('a.b.c', { now: 'x' }), 'now');
    }
  }
});

test('Google notifications, purchases and flows: a missing argument is INVALID_ARGUMENT', async () => {
  for (const bad of [undefined, null, 42, true]) {
    await refused('decodeGoogleNotification(bad)', () => iap.decodeGoogleNotification(bad), 'pushBody');
    await refused('toPurchase(bad)', () => iap.toPurchase(bad), 'toPurchase');
    await refused('PaymentFlow.start(bad)', () => iap.PaymentFlow.start(bad));
  }
  // A stored flow or a subscription record that is JSON but not an object (null, 42) is
  // MALFORMED_INPUT, as data; no argument at all is the caller's mistake.
  await refused('PaymentFlow.fromJSON()', () => iap.PaymentFlow.fromJSON());
  await refused('subscriptionStatus()', () => iap.subscriptionStatus());
});
