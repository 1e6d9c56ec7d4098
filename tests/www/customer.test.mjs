// Every store's customer in one view, in headless Chromium, as a support team uses it: a customer
// with purchases in Google Play and ONE store (made by runPurchase against the local store server,
// tests/www/ledger-fixture.mjs), one record stuck in VERIFY_FAILED. The viewer looks the customer
// up, gets no reopen button and is refused the action sent anyway; the agent looks up the same
// customer, reopens the stuck record from its row (the action's form filled, confirmed, sent); the
// admin reads both in the audit trail. Also the ONE store subscription lookup. Screenshots in
// tests/www/artifacts/customer-*.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemoryPurchaseStore } from 'iap-verify';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { hashPassword } from '../../www/server/dashboard-auth.js';
import { CHROMIUM, launchChromium } from './chromium.mjs';
import { CUSTOMER, customerPurchases } from './ledger-fixture.mjs';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} not found (scripts/setup.sh chromium)` : false;
const PASSWORDS = { vera: 'viewer-pass-customer', ada: 'agent-pass-customer', max: 'admin-pass-customer' };
const ROLE_OF = { vera: 'viewer', ada: 'agent', max: 'admin' };

const dir = mkdtempSync(join(tmpdir(), 'iapv-customer-'));
const ledger = createMemoryPurchaseStore();
let dash;
let browser;
let bought;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  const users = [];
  for (const [name, pw] of Object.entries(PASSWORDS)) users.push({ name, role: ROLE_OF[name], password: await hashPassword(pw) });
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ users }));
  dash = await startDashboard({
    port: 0, emulator: true, ledger: { store: ledger },
    auth: { accountsFile: join(dir, 'accounts.json') }, audit: { file: join(dir, 'audit.jsonl') }, rateLimit: { signInPerMinute: 100 },
  });
  bought = await customerPurchases(dash.emulator, ledger);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await dash?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Signs `name` in through the page's form in a fresh context: `{ page, context, errors }`. */
async function signIn(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  await page.goto(dash.url);
  await page.getByTestId('signin-user').fill(name);
  await page.getByTestId('signin-password').fill(PASSWORDS[name]);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('role').waitFor();
  await page.locator('[data-testid="customer-submit"]:enabled').waitFor();
  return { page, context, errors };
}

/** Shows `userId`'s purchases in the customer card; the status line. */
async function showCustomer(page, userId) {
  await page.getByTestId('customer-id').fill(userId);
  await page.getByTestId('customer-submit').click();
  await page.locator('[data-testid="customer-status"]:not(:empty):not(:text("Looking up…"))').waitFor();
  return page.getByTestId('customer-status').innerText();
}

/** The customer card's rows, as text, keyed by the purchase id each starts its second cell with. */
async function customerRows(page) {
  const rows = page.locator('#customer-body tr');
  const out = {};
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = await rows.nth(i).locator('td').allInnerTexts();
    // The id is followed by its copy button.
    out[cells[1].split(/Copy|\s/)[0]] = cells.join(' | ');
  }
  return out;
}

/** What the server says to an action sent from this page's session anyway (past a missing button). */
const sendAction = (page, action, input) => page.evaluate(async ({ action, input }) => {
  const { csrf } = await (await fetch('/api/session')).json();
  const res = await fetch('/api/action', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify({ action, input }) });
  return { status: res.status, body: await res.json() };
}, { action, input });

describe("every store's customer in one view, in headless Chromium", { skip }, () => {
  test('the viewer is refused the reopen, the agent reopens the stuck record from its row, the admin sees both', async () => {
    const vera = await signIn('vera');
    const ada = await signIn('ada');
    const max = await signIn('max');
    try {
      // The viewer: the customer's purchases in both stores; no reopen button; the action refused when sent anyway.
      assert.equal(await showCustomer(vera.page, CUSTOMER), `4 purchases in Google Play, ONE store, 1 stuck for "${CUSTOMER}".`);
      const seen = await customerRows(vera.page);
      assert.match(seen['c7-gg-gem'], /^Google Play\nGG \| c7-gg-gem[\s\S]*\| gem_500\nconsumable \| COMPLETED/);
      assert.match(seen['c7-gg-vip'], /vip_monthly[\s\S]*ACTIVE[\s\S]*expires/);
      assert.match(seen[bought.osToken], /^ONE store[\s\S]*gem_100_os[\s\S]*COMPLETED/);
      assert.match(seen[bought.stuckToken], /VERIFY FAILED[\s\S]*Google Play/);
      assert.equal(await vera.page.getByTestId('customer-reopen').count(), 0, 'no reopen button for a viewer');
      assert.equal(await vera.page.getByTestId('action-submit-ledger.reopen').isDisabled(), true);
      const refused = await sendAction(vera.page, 'ledger.reopen', { storeId: bought.stuckToken, store: 'GG', reason: 'viewer tries' });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'FORBIDDEN');
      await vera.page.locator('#customer').screenshot({ path: `${ARTIFACTS}customer-viewer.png` });

      // The agent: the same customer; the stuck row's button fills the reopen form; confirmed; done.
      assert.match(await showCustomer(ada.page, CUSTOMER), /^4 purchases in Google Play, ONE store, 1 stuck/);
      assert.equal(await ada.page.getByTestId('customer-reopen').count(), 1, 'one button: on the stuck row only');
      await ada.page.getByTestId('customer-reopen').click();
      const form = ada.page.getByTestId('action-ledger.reopen');
      assert.equal(await form.locator('input[name="storeId"]').inputValue(), bought.stuckToken);
      assert.equal(await form.locator('select[name="store"]').inputValue(), 'GG');
      assert.equal(await ada.page.evaluate(() => document.activeElement?.getAttribute('name')), 'reason', 'the cursor waits in the reason');
      await form.locator('input[name="reason"]').fill('ticket 4711: token checked with the customer');
      const dialogs = [];
      ada.page.once('dialog', (d) => {
        dialogs.push(d.message());
        d.accept();
      });
      await ada.page.getByTestId('action-submit-ledger.reopen').click();
      await ada.page.waitForFunction(() => /Done|Refused/.test(document.querySelector('[data-testid="action-status-ledger.reopen"]')?.textContent ?? ''));
      assert.match(dialogs[0], /Reopen this purchase record\?[\s\S]*c7-gg-unknown/);
      assert.equal(await ada.page.getByTestId('action-status-ledger.reopen').innerText(), 'Done: reopened (now RECEIVED).');
      assert.match(await showCustomer(ada.page, CUSTOMER), /^4 purchases in Google Play, ONE store for/);
      assert.match((await customerRows(ada.page))[bought.stuckToken], /RECEIVED[\s\S]*reopened 1×: ada: ticket 4711: token checked with the customer \(was VERIFY_FAILED\)/);
      await ada.page.locator('#customer').screenshot({ path: `${ARTIFACTS}customer-agent.png` });
      const { flow } = await ledger.load('GG', bought.stuckToken);
      assert.deepEqual([flow.state, flow.reopened], ['RECEIVED', ['ada: ticket 4711: token checked with the customer (was VERIFY_FAILED)']]);

      // The admin: both in the trail, and both look-ups of the customer.
      await max.page.locator('#audit').waitFor();
      await max.page.getByTestId('audit-target').fill(bought.stuckToken);
      await max.page.getByTestId('audit-submit').click();
      await max.page.waitForFunction(() => document.querySelectorAll('#audit-body tr').length === 2);
      const rows = await max.page.locator('#audit-body tr').allInnerTexts();
      assert.ok(rows.some((r) => /\bvera\b/.test(r) && r.includes('ledger.reopen') && r.includes('ledger:GG') && /refused/.test(r)), rows.join('\n'));
      assert.ok(rows.some((r) => /\bada\b/.test(r) && r.includes('ledger.reopen') && r.includes('ledger:GG') && /\bok\b/.test(r)), rows.join('\n'));
      await max.page.getByTestId('audit-target').fill(CUSTOMER);
      await max.page.getByTestId('audit-submit').click();
      await max.page.waitForFunction((c) => [...document.querySelectorAll('#audit-body tr')].every((r) => r.textContent.includes(c)), CUSTOMER);
      const lookups = await max.page.locator('#audit-body tr').allInnerTexts();
      for (const who of ['vera', 'ada']) assert.ok(lookups.some((r) => r.includes(who) && r.includes('customer')), lookups.join('\n'));
      await max.page.screenshot({ path: `${ARTIFACTS}customer-audit.png`, fullPage: true });

      assert.deepEqual(vera.errors, ['console: Failed to load resource: the server responded with a status of 403 (Forbidden)']);
      assert.deepEqual(ada.errors, []);
      assert.deepEqual(max.errors, []);
    } finally {
      for (const u of [vera, ada, max]) await u.context.close();
    }
  });

  test('the ONE store subscription lookup: state, renewal, the status now', async () => {
    const token = 'SBSUBPAGE000000001';
    dash.emulator.oneStore.addSubscription({ productId: 'os_vip_monthly', purchaseToken: token, acknowledged: true });
    const vera = await signIn('vera');
    try {
      const { page } = vera;
      const form = page.getByTestId('store-lookup');
      await form.getByTestId('store-by').selectOption('onestore:subscription');
      assert.equal(await page.getByTestId('store-product').isVisible(), true, 'the product id is asked for');
      await page.getByTestId('store-id').fill(token);
      await page.getByTestId('store-product').fill('os_vip_monthly');
      await page.getByTestId('store-lookup-submit').click();
      await page.locator('[data-testid="store-lookup-status"]:has-text("for subscription")').waitFor();
      const status = await page.getByTestId('store-lookup-status').innerText();
      assert.match(status, /^1 row, 0 refunded for subscription "SBSUBPAGE000000001"\. Every row is ONE store's answer to the dashboard server\. Note: renews on /);
      const row = await page.locator('#store-lookup-body tr').first().innerText();
      assert.match(row, /os_vip_monthly[\s\S]*Subscription[\s\S]*ACTIVE[\s\S]*acknowledged[\s\S]*renews/);
      await page.locator('#store-lookup').screenshot({ path: `${ARTIFACTS}customer-onestore-subscription.png` });
      assert.deepEqual(vera.errors, []);
    } finally {
      await vera.context.close();
    }
  });
});
