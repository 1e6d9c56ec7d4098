// The support dashboard in headless Chromium (Debian's, driven by playwright-core): one input of
// each kind through the page, tampered inputs, settings through the dialog, a purchase lookup
// against the local IAP server, phone width, and no console errors. Screenshots are saved to
// tests/www/artifacts/ (not committed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { CHROMIUM, launchChromium } from './chromium.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../vectors/public/', import.meta.url));
const OURS = `${ROOT}tests/vectors/`;
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const publicText = (f) => readFileSync(PUBLIC + f, 'utf8');
const ours = (f) => readFileSync(OURS + f, 'utf8');
const pemOf = (der) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----`;

let dash;
let browser;
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} not found (scripts/setup.sh chromium)` : false;

/** A fresh page with settings preset in localStorage; console errors are collected. */
async function open(settings, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, timezoneId: 'Asia/Seoul' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
  if (settings) {
    await page.addInitScript((s) => localStorage.setItem('iap-verify.dashboard.settings.v1', s), JSON.stringify(settings));
  }
  await page.goto(dash.url);
  await page.locator('#engine.ready').waitFor();
  return { page, errors, close: () => context.close() };
}

/** Pastes `input` (and signature/key, "Judge at" when given), presses Verify, returns the verdict text. */
async function verify(page, input, { signature, key, at } = {}) {
  await page.getByTestId('input').fill(input);
  if (signature !== undefined) await page.getByTestId('signature').fill(signature);
  if (key !== undefined) await page.getByTestId('key').fill(key);
  if (at !== undefined) {
    await page.locator('details.advanced summary').click();
    await page.getByTestId('at').fill(at);
  }
  await page.getByTestId('verify').click();
  return (await page.getByTestId('verdict').innerText()).trim();
}

const fieldsText = (page) => page.getByTestId('fields').innerText();

/** A full-page screenshot from the top (the input column is sticky; the shot keeps the scroll position). */
async function shot(page, path) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
}

describe('dashboard in headless Chromium', { skip }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dash = await startDashboard({ port: 0, emulator: true, env: {} });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
  });

  test('Google Play purchase: verified with the key from Settings; timeline says the status needs the API', async () => {
    const { page, errors, close } = await open({ googleKey: publicText('google-voltrue2-subscription.pub') });
    await page.getByTestId('input').fill(publicText('google-voltrue2-subscription.json'));
    assert.match(await page.getByTestId('kind').innerText(), /Google Play purchase/);
    const verdict = await verify(page, publicText('google-voltrue2-subscription.json'), { signature: publicText('google-voltrue2-subscription.sig') });
    assert.match(verdict, /^Verified/);
    const fields = await fieldsText(page);
    assert.match(fields, /topdox_android_monthly_subscription/);
    assert.match(fields, /2016-02-22 11:03:39\.030 UTC/, 'purchaseTime shown in UTC');
    assert.match(fields, /2016-02-22 20:03:39 GMT\+9/, 'and in local time');
    assert.match(await page.getByTestId('status').innerText(), /STATUS UNKNOWN/);
    await shot(page, `${ARTIFACTS}google-verified.png`);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Google Play purchase, tampered: Invalid: INVALID_SIGNATURE in plain words, fields marked untrusted', async () => {
    const { page, errors, close } = await open({ googleKey: publicText('google-voltrue2-subscription.pub') });
    const tampered = publicText('google-voltrue2-subscription.json').replace('"autoRenewing":true', '"autoRenewing":false');
    const verdict = await verify(page, tampered, { signature: publicText('google-voltrue2-subscription.sig') });
    assert.match(verdict, /^Invalid: INVALID_SIGNATURE/);
    assert.match(verdict, /changed after it was signed/);
    assert.match(await page.locator('#fields-h').textContent(), /without verification: do not trust/);
    await shot(page, `${ARTIFACTS}google-tampered.png`);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Google Play purchase dropped as a file, without a signature: Decoded (unverified)', async () => {
    const { page, errors, close } = await open();
    // A file dropped on the input box (a DataTransfer built in the page, as a drag from the desktop gives).
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'purchase.json', { type: 'application/json' }));
      const target = document.getElementById('input');
      for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, publicText('google-awa-goiap.json'));
    await page.getByTestId('kind').filter({ hasText: 'Google Play purchase' }).waitFor();
    assert.equal(await page.getByTestId('input').inputValue(), publicText('google-awa-goiap.json'));
    await page.getByTestId('verify').click();
    const verdict = await page.getByTestId('verdict').innerText();
    assert.match(verdict, /^Decoded \(unverified\)/);
    assert.match(await fieldsText(page), /GPA\.xxxx-xxxx-xxxx-xxxxx/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('undocumented fields are shown and tagged; ids have a copy button', async () => {
    const { page, errors, close } = await open({ googleKey: ours('google/test-key-2048.pub') });
    assert.match(await verify(page, ours('google/consumable.json'), { signature: ours('google/consumable.sig') }), /^Verified/);
    const fields = page.getByTestId('fields');
    const unknown = fields.locator('tr', { hasText: 'futureField' }).first();
    assert.match(await unknown.innerText(), /futureField[\s\S]*unknown field/);
    assert.match(await fields.innerText(), /futureField[\s\S]*nested[\s\S]*1, two/);
    assert.equal(await fields.locator('tr', { hasText: 'orderId' }).locator('.tag').count(), 0, 'documented fields are not tagged');
    const copy = fields.locator('tr', { hasText: 'orderId' }).getByRole('button', { name: /Copy orderId/ });
    assert.equal(await copy.count(), 1);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(dash.url).origin });
    await copy.click();
    await copy.filter({ hasText: 'Copied' }).waitFor({ timeout: 2000 });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'GPA.3301-1234-5678-90123');
    assert.deepEqual(errors, []);
    await close();
  });

  test('1024-bit licence key: INVALID_PUBLIC_KEY with a hint; verified once Settings accept legacy keys', async () => {
    let { page, errors, close } = await open({ googleKey: publicText('google-awa-goiap.pub') });
    assert.match(await verify(page, publicText('google-awa-goiap.json'), { signature: publicText('google-awa-goiap.sig') }), /^Invalid: INVALID_PUBLIC_KEY/);
    assert.match(await page.locator('#notes').innerText(), /Accept 1024-bit keys/);
    assert.deepEqual(errors, []);
    await close();
    ({ page, errors, close } = await open({ googleKey: publicText('google-awa-goiap.pub'), allowLegacyKeys: true }));
    assert.match(await verify(page, publicText('google-awa-goiap.json'), { signature: publicText('google-awa-goiap.sig') }), /^Verified/);
    assert.match(await verify(page, publicText('google-awa-goiap.json'), { signature: publicText('google-awa-goiap-NEGATIVE-wrongsig.sig') }), /^Invalid: INVALID_SIGNATURE/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('ONE store purchase: detected and verified with the key pasted in the form', async () => {
    const { page, errors, close } = await open();
    await page.getByTestId('input').fill(ours('onestore/v21.json'));
    assert.match(await page.getByTestId('kind').innerText(), /ONE store purchase/);
    const verdict = await verify(page, ours('onestore/v21.json'), { signature: ours('onestore/v21.sig'), key: ours('onestore/test-key-2048.pub') });
    assert.match(verdict, /^Verified/);
    assert.match(await fieldsText(page), /SANDBOX3000000312345/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Apple app receipt: verified at its creation date, chain and subscription timeline shown', async () => {
    const { page, errors, close } = await open();
    const verdict = await verify(page, publicText('apple-receipt-tpinapp-sandbox-g5.b64'));
    assert.match(verdict, /^Verified/);
    const chain = await page.getByTestId('chain').textContent();
    assert.match(chain, /Mac App Store and iTunes Store Receipt Signing/);
    assert.match(chain, /Apple Worldwide Developer Relations Certification Authority[\s\S]*OU=G5/);
    assert.match(chain, /Apple Root CA/);
    assert.match(await page.locator('.chain .judged').textContent(), /2025-12-26 18:39:47 UTC[\s\S]*receiptCreationDate/);
    const fields = await fieldsText(page);
    assert.match(fields, /dev\.bonzer\.weeka\.app\.subscription\.pro\.annual/);
    assert.match(fields, /2000001092134138/);
    // The subscription expired long before "now": the purchase-state logic says so.
    assert.match(await page.getByTestId('status').innerText(), /EXPIRED/);
    await shot(page, `${ARTIFACTS}apple-receipt.png`);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Apple app receipt dropped as a binary file: read as bytes and verified', async () => {
    const { page, errors, close } = await open();
    const der = Buffer.from(publicText('apple-receipt-tpinapp-sandbox-g5.b64'), 'base64');
    await page.locator('#file').setInputFiles({ name: 'receipt', mimeType: 'application/octet-stream', buffer: der });
    // The file is read asynchronously: wait for the detection line.
    await page.getByTestId('kind').filter({ hasText: '5,665 bytes' }).waitFor();
    assert.match(await page.getByTestId('kind').innerText(), /Apple app receipt[\s\S]*5,665 bytes/);
    await page.getByTestId('verify').click();
    assert.match(await page.getByTestId('verdict').innerText(), /^Verified/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Xcode receipt: INVALID_CHAIN against Apple, verified once the StoreKit root is added in Settings (keyboard only)', async () => {
    const { page, errors, close } = await open();
    const receipt = publicText('apple-receipt-xcode-backyardbirds-with-purchase.b64');
    assert.match(await verify(page, receipt), /^Invalid: INVALID_CHAIN/);
    // Settings through the keyboard: focus the button, Enter, fill, Save.
    await page.getByTestId('open-settings').focus();
    await page.keyboard.press('Enter');
    await page.locator('#s-roots').fill(pemOf(readFileSync(`${PUBLIC}apple-root-StoreKitTestCertificate.cer`)));
    assert.match(await page.locator('#s-roots-count').innerText(), /1 extra root/);
    await page.getByTestId('save-settings').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => localStorage.getItem('iap-verify.dashboard.settings.v1') !== null);
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('iap-verify.dashboard.settings.v1')));
    assert.equal(saved.roots.length, 1);
    await page.getByTestId('verify').click();
    const verdict = await page.getByTestId('verdict').innerText();
    assert.match(verdict, /^Verified/);
    assert.match(await page.locator('#notes').innerText(), /extra root from Settings/);
    assert.match(await page.getByTestId('chain').textContent(), /StoreKit/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('StoreKit 2 transaction (test CA root in Settings): verified; wrong bundle id in Settings: INVALID_APP_IDENTIFIER', async () => {
    const root = pemOf(readFileSync(`${PUBLIC}apple-root-testCA-app-store-server-library.der`));
    let { page, errors, close } = await open({ roots: [root] });
    const jws = publicText('apple-jws-testca-transactionInfo.jws');
    assert.match(await verify(page, jws), /^Verified/);
    assert.match(await fieldsText(page), /com\.example/);
    assert.deepEqual(errors, []);
    await close();
    ({ page, errors, close } = await open({ roots: [root], bundleId: 'com.example.x', environment: 'Sandbox' }));
    const verdict = await verify(page, jws);
    assert.match(verdict, /^Invalid: INVALID_APP_IDENTIFIER/);
    assert.match(verdict, /belongs to another app/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Xcode-signed transaction: verified as test data, fractional times, subscription status', async () => {
    const { page, errors, close } = await open();
    const verdict = await verify(page, publicText('apple-jws-xcode-signed-transaction.jws'));
    assert.match(verdict, /^Verified/);
    assert.match(await page.locator('#notes').innerText(), /TEST DATA/);
    assert.match(await fieldsText(page), /pass\.premium/);
    assert.match(await page.getByTestId('status').innerText(), /EXPIRED/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Apple renewal info: verified, timeline without a status', async () => {
    const { page, errors, close } = await open();
    // Wrapped at 76 columns, as mail clients do: still one JWS.
    const wrapped = publicText('apple-jws-awa-renewalinfo-sandbox.jws').replace(/.{76}/g, '$&\n');
    assert.match(await verify(page, wrapped), /^Verified/);
    assert.match(await page.getByTestId('chain').textContent(), /Prod ECC Mac App Store and iTunes Store Receipt Signing/);
    assert.match(await fieldsText(page), /co\.ringalarm\.swtich\.quarterly2/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Xcode app transaction: verified, negative year-1 date shown', async () => {
    const { page, errors, close } = await open();
    assert.match(await verify(page, publicText('apple-jws-xcode-signed-app-transaction.jws')), /^Verified/);
    // Apple writes year 1 as -62135769600000, which is 0000-12-30 in the proleptic Gregorian calendar.
    assert.match(await fieldsText(page), /0000-12-30 00:00:00 UTC/);
    // Xcode adds requestDate, which Apple's AppTransaction does not document.
    assert.equal(await page.getByTestId('fields').locator('tr', { hasText: 'requestDate' }).locator('.tag', { hasText: 'unknown field' }).count(), 1);
    assert.deepEqual(errors, []);
    await close();
  });

  test('App Store notification as Apple POSTs it ({"signedPayload"}): verified, by keyboard alone', async () => {
    const { page, errors, close } = await open();
    const body = JSON.stringify({ signedPayload: publicText('apple-jws-aporat-notification-test-sandbox.jws') });
    // Skip link, then the input; paste; Ctrl+Enter verifies.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the verifier');
    await page.getByTestId('input').focus();
    await page.keyboard.insertText(body);
    assert.match(await page.getByTestId('kind').innerText(), /App Store Server Notification V2/);
    await page.keyboard.press('Control+Enter');
    assert.match(await page.getByTestId('verdict').innerText(), /^Verified/);
    assert.match(await fieldsText(page), /5e09dcfc-205e-4ea1-9883-96676f394992/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('DID_RENEW notification without signedDate: CERTIFICATE_EXPIRED now; verified when judged at receipt, nested JWS expandable, timeline', async () => {
    const { page, errors, close } = await open();
    const jws = publicText('apple-jws-gopay-notification-did-renew-sandbox.jws');
    const now = await verify(page, jws);
    assert.match(now, /^Invalid: CERTIFICATE_EXPIRED/);
    assert.match(now, /Judge at/);
    assert.match(now, /valid from 2021-08-25 02:50:34 UTC to 2023-09-24 02:50:33 UTC; judged at 20\d\d-/, 'the expiry in dates');
    // Not verified: the nested JWS are decoded for reading but marked as not verified.
    assert.match(await page.getByTestId('fields').innerText(), /NOT verified[\s\S]*decodedTransactionInfo[\s\S]*2000000004047119/);
    const verdict = await verify(page, jws, { at: '2022-03-04T09:43:30' });
    assert.match(verdict, /^Verified/);
    const fields = page.getByTestId('fields');
    assert.match(await fields.innerText(), /decodedTransactionInfo[\s\S]*2000000004047119/);
    const nested = fields.locator('details.jws').first();
    assert.equal(await nested.evaluate((d) => d.open), false);
    await nested.locator('summary').click();
    assert.equal(await nested.evaluate((d) => d.open), true);
    const sub = await page.locator('#sub').innerText();
    assert.match(sub, /com\.audaos\.audarecorder\.vip\.m2/);
    assert.match(sub, /Expires/);
    assert.match(await page.getByTestId('status').innerText(), /EXPIRED|ACTIVE/);
    await shot(page, `${ARTIFACTS}apple-notification.png`);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Tampered JWS payload: Invalid: INVALID_SIGNATURE', async () => {
    const { page, errors, close } = await open();
    const [h, p, s] = publicText('apple-jws-awa-renewalinfo-sandbox.jws').split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.autoRenewStatus = 0;
    const tampered = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    assert.match(await verify(page, tampered), /^Invalid: INVALID_SIGNATURE/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('Google RTDN push body and iOS 6 transaction receipt: Decoded (unverified)', async () => {
    const { page, errors, close } = await open();
    assert.match(await verify(page, ours('rtdn/subscription-renewed.json')), /^Decoded \(unverified\)/);
    assert.match(await fieldsText(page), /SUBSCRIPTION_RENEWED/);
    assert.match(await page.locator('#notes').innerText(), /no signature/);
    assert.match(await verify(page, publicText('apple-ios6-transaction-receipt-synthetic-applelib.b64')), /^Decoded \(unverified\)/);
    assert.match(await fieldsText(page), /33993399/);
    assert.deepEqual(errors, []);
    await close();
  });

  test('purchase lookup through the dashboard server against the local IAP server', async () => {
    const { page, errors, close } = await open();
    const form = page.getByTestId('lookup');
    await form.getByTestId('user-id').fill('user-1');
    await form.getByTestId('lookup-submit').click();
    await page.getByTestId('lookup-status').filter({ hasText: 'for "user-1"' }).waitFor();
    const rows = page.getByTestId('lookup-results').locator('tbody tr');
    assert.equal(await rows.count(), 2, 'one unconsumed payment and one active subscription (the consumed and the expired ones are not listed)');
    const text = await page.getByTestId('lookup-results').innerText();
    assert.match(text, /2026010110000001[\s\S]*gem_100[\s\S]*1\.99[\s\S]*USD[\s\S]*UNCONSUMED/);
    assert.match(text, /2026010110000003[\s\S]*vip_monthly[\s\S]*2\.29[\s\S]*EUR[\s\S]*ACTIVE/);
    assert.doesNotMatch(text, /2026010110000002|2026010110000004/);
    // The secrets never reach the page.
    const html = await page.content();
    assert.doesNotMatch(html, /emulator-gamebase-secret|emulator-iap-appkey/);
    // One store, through the IAP server API.
    await form.getByTestId('user-id').fill('user-2');
    await form.getByTestId('store').selectOption('ONESTORE');
    await form.getByTestId('api').selectOption('iap');
    await form.getByTestId('lookup-submit').click();
    await page.getByTestId('lookup-status').filter({ hasText: 'for "user-2"' }).waitFor();
    assert.match(await page.getByTestId('lookup-results').innerText(), /2026010110000006[\s\S]*1,?100[\s\S]*KRW/);
    await shot(page, `${ARTIFACTS}lookup.png`);
    assert.deepEqual(errors, []);
    await close();
  });

  test('store lookup: an Apple order id and a transaction id, verified on the server against the local App Store face', async () => {
    const { page, errors, close } = await open();
    const form = page.getByTestId('store-lookup');
    await form.getByTestId('store-id').fill('MN8PQ2RS4T');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for order "MN8PQ2RS4T"' }).waitFor();
    const text = await page.getByTestId('store-lookup-results').innerText();
    assert.equal(await page.getByTestId('store-lookup-results').locator('tbody tr').count(), 2);
    assert.match(text, /2000000100000005[\s\S]*gem_500[\s\S]*1\.49 USD[\s\S]*REFUNDED/);
    assert.match(text, /2000000100000006[\s\S]*gem_500[\s\S]*PURCHASED/);
    assert.match(await page.getByTestId('store-lookup-status').innerText(), /2 rows, 1 refunded/);

    // A subscription's whole history, then its status.
    await form.getByTestId('store-by').selectOption('apple:transaction');
    await form.getByTestId('store-id').fill('2000000100000003');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for transaction "2000000100000003"' }).waitFor();
    const history = await page.getByTestId('store-lookup-results').innerText();
    assert.match(history, /2000000100000003[\s\S]*vip_monthly/);
    assert.match(history, /2000000100000004[\s\S]*original 2000000100000003/);
    assert.match(history, /\(status\)[\s\S]*(ACTIVE|BILLING|EXPIRED)/);
    await shot(page, `${ARTIFACTS}store-lookup.png`);

    // Not found: Apple's error name in plain view; the key never reaches the page.
    await form.getByTestId('store-id').fill('9999999999999999');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'Lookup failed' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-status').innerText(), /API_ERROR/);
    const keyLine = dash.emulator.appStore.signingKey.split('\n')[1];
    assert.ok(keyLine.length > 40);
    assert.ok(!(await page.content()).includes(keyLine), 'no part of the .p8 key reaches the page');
    // The one console line is the browser's own note of the 502 above.
    assert.deepEqual(errors, ['error: Failed to load resource: the server responded with a status of 502 (Bad Gateway)']);
    await close();
  });

  test('store lookup: a ONE store purchase token with its acknowledgement deadline and refund, the voided purchases', async () => {
    const one = dash.emulator.oneStore;
    one.addPurchase({ productId: 'gem.100', purchaseToken: 'SBWWWTOKEN000000001' });
    one.addPurchase({ productId: 'gem.100', purchaseToken: 'SBWWWTOKEN000000002', acknowledged: true });
    await fetch(`${dash.emulator.url}/admin/onestore/refunds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ purchaseToken: 'SBWWWTOKEN000000002' }]) });
    const { page, errors, close } = await open();
    const form = page.getByTestId('store-lookup');
    await page.locator('#store-lookup-source').filter({ hasText: 'ONE store server API at' }).waitFor();
    await form.getByTestId('store-by').selectOption('onestore:token');
    assert.equal(await form.getByTestId('store-product').isVisible(), true, 'ONE store looks a token up with its product');
    await form.getByTestId('store-id').fill('SBWWWTOKEN000000001');
    await form.getByTestId('store-product').fill('gem.100');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for token "SBWWWTOKEN000000001"' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-results').innerText(), /SANDBOX\d+[\s\S]*gem\.100[\s\S]*Managed product[\s\S]*PURCHASED/);
    assert.match(await page.getByTestId('ack-deadline').innerText(), /not acknowledged: refunded by ONE store/);
    assert.match(await page.getByTestId('store-lookup-status').innerText(), /ONE store's answer[\s\S]*Note: not acknowledged yet: ONE store cancels it/);
    await shot(page, `${ARTIFACTS}store-lookup-onestore.png`);
    await form.getByTestId('store-id').fill('SBWWWTOKEN000000002');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for token "SBWWWTOKEN000000002"' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-results').innerText(), /REFUNDED[\s\S]*refunded/);
    await form.getByTestId('store-by').selectOption('onestore:voided');
    assert.equal(await form.getByTestId('store-id').isVisible(), false);
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for the last month' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-results').innerText(), /SBWWWTOKEN000000002|REFUNDED/);
    assert.ok(!(await page.content()).includes(one.clientSecret), 'the client secret never reaches the page');
    assert.deepEqual(errors, []);
    await close();
  });

  test('store lookup: a Google purchase token and its acknowledgement deadline, a subscription, the voided purchases', async () => {
    const { page, errors, close } = await open();
    const form = page.getByTestId('store-lookup');
    // The hint names the seeded purchase that still needs acknowledging.
    await page.locator('#store-lookup-source').filter({ hasText: 'Play Developer API at' }).waitFor();
    assert.match(await page.locator('#store-lookup-source').innerText(), /try token play-token-unacknowledged with product gem_500/);
    assert.equal(await form.getByTestId('store-product').isVisible(), false, 'the product field is for Google tokens only');
    await form.getByTestId('store-by').selectOption('google:token');
    await form.getByTestId('store-id').fill('play-token-unacknowledged');
    await form.getByTestId('store-product').fill('gem_500');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for token "play-token-unacknowledged"' }).waitFor();
    const text = await page.getByTestId('store-lookup-results').innerText();
    assert.match(text, /GPA\.3300-1111-2222-00001[\s\S]*gem_500[\s\S]*One-time product[\s\S]*PURCHASED/);
    assert.match(await page.getByTestId('ack-deadline').innerText(), /not acknowledged: refunded by Google/);
    assert.match(await page.getByTestId('store-lookup-status').innerText(), /1 row, 0 refunded[\s\S]*Note: not acknowledged yet/);
    await shot(page, `${ARTIFACTS}store-lookup-google.png`);

    // A refunded purchase reads REFUNDED with the reason; a subscription without a product id.
    await form.getByTestId('store-id').fill('play-token-refunded');
    await form.getByTestId('store-product').fill('remove_ads');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for token "play-token-refunded"' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-results').innerText(), /REFUNDED[\s\S]*refunded[\s\S]*\(remorse\)[\s\S]*acknowledged/);
    await form.getByTestId('store-id').fill('play-sub-grace');
    await form.getByTestId('store-product').fill('');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for token "play-sub-grace"' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-results').innerText(), /vip_monthly[\s\S]*Subscription[\s\S]*IN GRACE PERIOD[\s\S]*acknowledged/);

    // The voided purchases of the last 30 days: no id asked for.
    await form.getByTestId('store-by').selectOption('google:voided');
    assert.equal(await form.getByTestId('store-id').isVisible(), false);
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'for the last 30 days' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-results').innerText(), /GPA\.3300-1111-2222-00004[\s\S]*REFUNDED/);
    await shot(page, `${ARTIFACTS}store-lookup-google-voided.png`);

    // A token past Google's 60 days: the store's refusal in plain view; the service account's key never reaches the page.
    await form.getByTestId('store-by').selectOption('google:token');
    await form.getByTestId('store-id').fill('play-token-expired');
    await form.getByTestId('store-product').fill('gem_500');
    await form.getByTestId('store-lookup-submit').click();
    await page.getByTestId('store-lookup-status').filter({ hasText: 'Lookup failed' }).waitFor();
    assert.match(await page.getByTestId('store-lookup-status').innerText(), /API_ERROR/);
    const keyLine = dash.emulator.googlePlay.serviceAccount.private_key.split('\n')[1];
    assert.ok(keyLine.length > 40);
    assert.ok(!(await page.content()).includes(keyLine), 'no part of the service account key reaches the page');
    assert.deepEqual(errors, ['error: Failed to load resource: the server responded with a status of 502 (Bad Gateway)']);
    await close();
  });

  test('lookup API: no secrets in the config answer, cross-origin posts refused', async () => {
    const conf = await (await fetch(`${dash.url}api/config`)).text();
    assert.doesNotMatch(conf, /secret|appKey/i);
    const res = await fetch(`${dash.url}api/lookup`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{"userId":"user-1"}' });
    assert.equal(res.status, 403);
    const form = await fetch(`${dash.url}api/lookup`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"userId":"user-1"}' });
    assert.equal(form.status, 415);
    assert.equal((await fetch(`${dash.url}pkg/node.mjs`)).status, 404, 'only the browser entry of the package is served');
  });

  test('phone width: no horizontal page scroll, verdict readable', async () => {
    const { page, errors, close } = await open(undefined, { width: 390, height: 844 });
    assert.match(await verify(page, publicText('apple-jws-aporat-notification-test-sandbox.jws')), /^Verified/);
    // Every control has a label (visible, or aria-label for the copy buttons' kind).
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')].filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id));
    assert.deepEqual(unlabelled, []);
    const nameless = await page.evaluate(() => [...document.querySelectorAll('button')].filter((b) => !(b.getAttribute('aria-label') || b.textContent.trim())).length);
    assert.equal(nameless, 0);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px`);
    await shot(page, `${ARTIFACTS}phone.png`);
    assert.deepEqual(errors, []);
    await close();
  });
});
