// Hostile data in a real browser: the dashboard in headless Chromium given signed data and lookup
// results whose every string is an attack (markup, `</script>`, `javascript:` URLs, bidi
// overrides, a 1 MB string, 10,000 in-app entries). The page must run no script of the data's, fetch
// nothing but its own files and API, stay responsive, and show every value as text. All inputs
// really verify: a Google purchase signed with a key made here, a JWS and a receipt signed with
// the test PKI (tests/pki/gen.sh) whose roots are added in Settings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createSign, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { createMemoryPurchaseStore } from 'iap-verify';
import { CHROMIUM, launchChromium } from './chromium.mjs';
import { children, encode, readTlv } from '../js/der.mjs';

const PKI = fileURLToPath(new URL('../vectors/testpki/', import.meta.url));
const pki = (name) => readFileSync(PKI + name);
const skip = !existsSync(CHROMIUM) ? `${CHROMIUM} not found (scripts/setup.sh chromium)` : false;

/** Render budget for one verification or lookup, click to result, on this shared 2-core machine. */
const RENDER_BUDGET_MS = 10_000;
/** "Show all" of 10,000 in-app entries (about 80,000 table rows), which the user asks for. */
const SHOW_ALL_BUDGET_MS = 60_000;
/** After rendering, the page must answer a frame within this. */
const FRAME_BUDGET_MS = 2_000;

// Each attack sets a distinct value of window.__pwned if it ever runs.
const ATTACKS = [
  '<img src=x onerror="window.__pwned=1">',
  '</script><script>window.__pwned=2</script>',
  'javascript:window.__pwned=3',
  '<svg/onload=window.__pwned=4>',
  '<a href="javascript:window.__pwned=5">click</a>',
  '"><iframe src="https://evil.example/"></iframe>',
  '\u202egnp.exe\u202c <style>@import url(https://evil.example/x.css)</style>',
  '<link rel=stylesheet href=https://evil.example/y.css><meta http-equiv=refresh content="0;url=https://evil.example/">',
];
const attack = (i) => ATTACKS[i % ATTACKS.length];
const MB = 'M'.repeat(1024 * 1024);

const b64url = (b) => Buffer.from(b).toString('base64url');
const pemOf = (der) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----`;

// ---- DER, for the receipt ------------------------------------------------------------------

const tlv = (tag, ...parts) => encode(tag, Buffer.concat(parts.map((p) => Buffer.from(p))));
const seq = (...p) => tlv(0x30, ...p);
const set = (...p) => tlv(0x31, ...p);
const oid = (hex) => tlv(0x06, Buffer.from(hex, 'hex'));
const utf8 = (s) => tlv(0x0c, Buffer.from(s, 'utf8'));
const ia5 = (s) => tlv(0x16, Buffer.from(s, 'latin1'));
function int(n) {
  const bytes = [];
  do {
    bytes.unshift(n & 255);
    n = Math.floor(n / 256);
  } while (n > 0);
  if (bytes[0] & 0x80) bytes.unshift(0);
  return tlv(0x02, bytes);
}
const attr = (type, value) => seq(int(type), int(1), tlv(0x04, value));

/** A DER app receipt: every string hostile, one of 1 MB, `count` in-app entries; signed by the test RSA leaf. */
function hostileReceipt(count) {
  const inApps = [];
  for (let i = 0; i < count; i++) {
    inApps.push(attr(17, set(
      attr(1701, int(1)),
      attr(1702, utf8(i === 0 ? `${attack(1)}${MB}` : `com.example.${attack(i)}`)),
      attr(1703, utf8(String(1_000_000_000_000_000 + i))),
      attr(1705, utf8(attack(i + 3))),
      attr(1704, ia5('2024-05-31T08:00:00Z')),
      attr(1706, ia5('2024-05-31T08:00:00Z')),
    )));
  }
  const content = set(
    attr(0, utf8('ProductionSandbox')),
    attr(2, utf8(`com.example.app${attack(0)}`)),
    attr(3, utf8(attack(2))),
    attr(4, Buffer.alloc(16, 7)),
    attr(5, Buffer.alloc(20)),
    attr(12, ia5('2024-06-01T12:00:00Z')),
    attr(19, utf8(attack(6))),
    ...inApps,
  );
  const leaf = pki('leaf-rsa.der');
  const [tbs] = children(leaf, readTlv(leaf));
  const [, serial, , issuer] = children(leaf, tbs);
  const signature = sign('sha256', content, { key: pki('leaf-rsa.pk8'), format: 'der', type: 'pkcs8' });
  const sha256 = seq(oid('608648016503040201'), Buffer.from([5, 0]));
  const signer = seq(int(1), seq(leaf.subarray(issuer.start, issuer.end), leaf.subarray(serial.start, serial.end)), sha256,
    seq(oid('2a864886f70d010101'), Buffer.from([5, 0])), tlv(0x04, signature));
  const sd = seq(int(1), set(sha256), seq(oid('2a864886f70d010701'), tlv(0xa0, tlv(0x04, content))),
    tlv(0xa0, leaf, pki('int-rsa.der')), set(signer));
  return seq(oid('2a864886f70d010702'), tlv(0xa0, sd));
}

/** A StoreKit 2 transaction JWS with hostile strings (and one of 150 KB), signed by the test EC leaf. */
function hostileJws() {
  const header = { alg: 'ES256', x5c: ['leaf-ec', 'int-ec', 'root-ec'].map((c) => pki(`${c}.der`).toString('base64')) };
  const payload = {
    transactionId: '2000000000000001',
    originalTransactionId: attack(0),
    bundleId: `com.example.${attack(1)}`,
    productId: attack(2),
    appAccountToken: attack(3),
    storefront: attack(6),
    environment: 'Sandbox',
    signedDate: 1_717_243_200_000,
    purchaseDate: 1_717_243_100_000,
    type: attack(4),
    [attack(5)]: attack(7),
    nested: { [attack(0)]: [attack(1), { deeper: attack(2) }] },
    huge: 'H'.repeat(150 * 1024),
  };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const s = sign('sha256', Buffer.from(signingInput), { key: pki('leaf-ec.pk8'), format: 'der', type: 'pkcs8', dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${b64url(s)}`;
}

/** Google purchase JSON with hostile strings, signed (SHA1withRSA) with a key made here. */
function hostileGoogle() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const json = JSON.stringify({
    orderId: `GPA.${attack(0)}`,
    packageName: attack(1),
    productId: attack(2),
    purchaseTime: 1_764_000_000_123,
    purchaseState: 0,
    purchaseToken: `${attack(3)}${'T'.repeat(40 * 1024)}`,
    quantity: 1,
    obfuscatedAccountId: attack(6),
    developerPayload: attack(4),
    [attack(5)]: { [attack(7)]: [attack(0), attack(1)] },
  });
  const signature = createSign('RSA-SHA1').update(json).sign(privateKey, 'base64');
  return { json, signature, key: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

/** A fake IAP server: every lookup answers `rows` unconsumed payments with hostile strings. */
async function hostileUpstream(rows) {
  const result = [];
  for (let i = 0; i < rows; i++) {
    result.push({ paymentSeq: attack(i), productSeq: i, currency: i === 0 ? `${attack(2)}${MB}` : attack(i + 2), price: i, accessToken: 'never-shown' });
  }
  const body = JSON.stringify({ header: { isSuccessful: true, resultCode: 0, resultMessage: attack(0) }, result });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * A purchase ledger holding `count` records of one customer (whose id is an attack) where every
 * string is hostile: store codes, ids, products (one of 1 MB), states, reasons, reopen notes,
 * kinds, and a verified purchase's source; half of them stuck (VERIFY_FAILED), so reopenable.
 */
async function hostileLedger(count) {
  // One millisecond apart: the newest (shown first) is the last made.
  let t = 1_764_000_000_000;
  const store = createMemoryPurchaseStore({ now: () => (t += 1) });
  for (let i = 0; i < count; i++) {
    const code = ['GG', 'AS', 'ONESTORE', 'NHN', attack(i)][i % 5];
    await store.insert(code, `${attack(i)}#${i}`, {
      format: 1, store: code, storeId: `${attack(i)}#${i}`, nhn: false, userId: attack(0),
      productId: i === count - 1 ? `${attack(2)}${MB}` : attack(i + 2), kind: attack(i + 7), settle: 'CONSUME',
      state: i % 2 ? 'VERIFY_FAILED' : attack(i + 1), reason: attack(i + 3), reopened: [attack(i + 4)], history: [],
      delivered: false, settled: false, flagged: i % 3 === 0, settleAttempts: 0,
      purchase: { store: code, productId: attack(i + 5), transactionId: attack(i + 6), productType: 'SUBSCRIPTION', expiresTime: 1_900_000_000_000, source: { [attack(5)]: attack(6) } },
    });
  }
  return store;
}

describe('hostile data in headless Chromium', { skip }, () => {
  let dash;
  let upstream;
  let browser;
  const timings = {};

  before(async () => {
    upstream = await hostileUpstream(2_000);
    dash = await startDashboard({ port: 0, env: { IAP_APPKEY: 'app-key', IAP_BASE_URL: upstream.url }, ledger: { store: await hostileLedger(600) } });
    browser = await launchChromium();
  });
  after(async () => {
    console.log(`hostile-data render times (ms): ${JSON.stringify(timings)}`);
    await browser?.close();
    await dash?.close();
    await upstream?.close();
  });

  /**
   * A fresh page with settings, recording every request, CSP violation and console error, and
   * whether any attack ran (window.__pwned; dialogs).
   */
  async function open(settings) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const requests = [];
    const problems = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text().slice(0, 200)}`);
    });
    await page.addInitScript((s) => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
      localStorage.setItem('iap-verify.dashboard.settings.v1', s);
    }, JSON.stringify(settings));
    const response = await page.goto(dash.url);
    await page.locator('#engine.ready').waitFor();
    return { page, requests, problems, response, close: () => context.close() };
  }

  /** Nothing ran, nothing was fetched from elsewhere or beyond the page's own files and API. */
  async function assertClean({ page, requests, problems }) {
    assert.equal(await page.evaluate(() => window.__pwned), undefined, 'an attack ran');
    assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation (nothing even tried to load or run)');
    assert.deepEqual(problems, []);
    const origin = new URL(dash.url).origin;
    const own = /^\/(|index\.html|app\.js|team\.js|customer\.js|verify\.js|render\.js|fields\.js|settings\.js|style\.css|favicon\.(ico|svg)|api\/(config|lookup|customer|session|actions|settings|audit)|pkg\/(browser\.mjs|init\.mjs|src\/[a-z-]+\.js|web\/(iap_verify(\.js|_bg\.wasm)|endpoints\.js)))$/;
    for (const url of requests) {
      const u = new URL(url);
      assert.equal(u.origin, origin, `fetched from elsewhere: ${url.slice(0, 120)}`);
      assert.match(u.pathname, own, `fetched beyond the page's own files: ${url.slice(0, 120)}`);
    }
    // No element the data could have made.
    assert.equal(await page.locator('main img, main svg image, main iframe, main script, main link, main meta, main style, main a[href^="javascript"]').count(), 0);
  }

  /** Clicks `button`, waits for `done`, returns the time; then checks that the page still answers a frame. */
  async function timed(name, page, button, done, budget = RENDER_BUDGET_MS) {
    const t0 = Date.now();
    await button.click();
    await done.waitFor({ timeout: budget * 2 });
    const ms = Date.now() - t0;
    timings[name] = ms;
    assert.ok(ms < budget, `${name}: ${ms} ms to render, over the budget of ${budget} ms`);
    const f0 = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    const frame = Date.now() - f0;
    assert.ok(frame < FRAME_BUDGET_MS, `${name}: the page took ${frame} ms to answer a frame after rendering`);
    return ms;
  }

  test('the page is served with a strict Content-Security-Policy', async () => {
    const res = await fetch(dash.url);
    const csp = res.headers.get('content-security-policy');
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['default-src'], ["'self'"]);
    assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"], 'no inline script, no eval');
    assert.deepEqual(directives['connect-src'], ["'self'"]);
    assert.deepEqual(directives['object-src'], ["'none'"]);
    assert.deepEqual(directives['base-uri'], ["'none'"]);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes("'unsafe-eval'"), csp);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  test('the detectors work: markup injected as HTML is caught (CSP report, request for /x)', async () => {
    const s = await open({});
    await s.page.evaluate((html) => document.querySelector('main').insertAdjacentHTML('beforeend', html), attack(0));
    await s.page.waitForFunction(() => window.__csp.length > 0);
    assert.match((await s.page.evaluate(() => window.__csp)).join('\n'), /script-src/);
    assert.ok(s.requests.some((u) => new URL(u).pathname === '/x'), 'the injected image was requested');
    await assert.rejects(assertClean(s));
    await s.close();
  });

  test('a signed Google purchase whose every string is hostile: verified, shown as text, nothing ran', async () => {
    const g = hostileGoogle();
    const s = await open({ googleKey: g.key });
    assert.match(s.response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval';/);
    const { page } = s;
    await page.getByTestId('input').fill(g.json);
    await page.getByTestId('signature').fill(g.signature);
    await timed('google', page, page.getByTestId('verify'), page.getByTestId('verdict').filter({ hasText: /^Verified/ }));
    const fields = await page.getByTestId('fields').innerText();
    for (const a of [attack(0), attack(1), attack(2), attack(4), attack(5), attack(7)]) assert.ok(fields.includes(a), `not shown as text: ${a}`);
    await assertClean(s);
    await s.close();
  });

  test('a signed JWS whose every string is hostile (and one of 150 KB): verified, shown as text, nothing ran', async () => {
    const s = await open({ roots: [pemOf(pki('root-ec.der'))] });
    const { page } = s;
    await page.getByTestId('input').fill(hostileJws());
    await timed('jws', page, page.getByTestId('verify'), page.getByTestId('verdict').filter({ hasText: /^Verified/ }));
    const fields = await page.getByTestId('fields').innerText();
    for (let i = 0; i < ATTACKS.length; i++) assert.ok(fields.includes(attack(i).trim()), `not shown as text: ${attack(i)}`);
    assert.ok(fields.includes('H'.repeat(1000)));
    await assertClean(s);
    await s.close();
  });

  test('a signed receipt with 10,000 hostile in-app entries and a 1 MB string: verified within budget, nothing ran', async () => {
    const der = hostileReceipt(10_000);
    assert.ok(der.length > 1024 * 1024 && der.length < 4 * 1024 * 1024, `${der.length} bytes`);
    const s = await open({ roots: [pemOf(pki('root-rsa.der'))] });
    const { page } = s;
    await page.locator('#file').setInputFiles({ name: 'receipt', mimeType: 'application/octet-stream', buffer: der });
    await page.getByTestId('kind').filter({ hasText: 'Apple app receipt' }).waitFor();
    await timed('receipt-10000', page, page.getByTestId('verify'), page.getByTestId('verdict').filter({ hasText: /^Verified/ }));
    const fields = page.getByTestId('fields');
    const text = await fields.innerText();
    assert.ok(text.includes(`com.example.app${attack(0)}`), 'the hostile bundle id is shown as text');
    assert.ok(text.includes(attack(2)) && text.includes(attack(6)));
    assert.ok(text.includes(`${attack(1)}${'M'.repeat(10_000)}`), 'the 1 MB product id is shown as text');
    assert.ok(text.includes('inApp[99]') && !text.includes('inApp[100]'), 'the first 100 entries are rendered at once');
    // The other 9,900 on request, within the same budget.
    const more = page.getByTestId('show-more');
    assert.equal(await more.innerText(), 'Show the other 9,900 of 10,000 inApp entries');
    await timed('receipt-show-all', page, more, fields.locator('th', { hasText: 'inApp[9999]' }), SHOW_ALL_BUDGET_MS);
    const all = await fields.innerText();
    assert.ok(all.includes(`com.example.${attack(9_999)}`), 'the last in-app entry is there, as text');
    await assertClean(s);
    await s.close();
  });

  test('lookup results whose every string is hostile (2,000 rows, one 1 MB): shown as text, nothing ran', async () => {
    const s = await open({});
    const { page } = s;
    await page.getByTestId('user-id').fill(attack(0));
    await page.getByTestId('store').selectOption('GG');
    await timed('lookup-2000', page, page.getByTestId('lookup-submit'), page.getByTestId('lookup-status').filter({ hasText: '2000 unconsumed payments' }));
    const results = page.getByTestId('lookup-results');
    assert.equal(await results.locator('tbody tr').count(), 2_000);
    const first = await results.locator('tbody tr').first().innerText();
    assert.ok(first.includes(attack(0)), 'paymentSeq shown as text');
    assert.ok(first.includes(`${attack(2)}${'M'.repeat(10_000)}`), 'the 1 MB currency shown as text');
    const sixth = await results.locator('tbody tr').nth(5).innerText();
    assert.ok(sixth.includes(attack(5)) && sixth.includes(attack(7)), sixth);
    assert.ok((await page.getByTestId('lookup-status').innerText()).includes(attack(0)), 'the user id echoed as text');
    assert.doesNotMatch(await results.innerText(), /never-shown/, 'the access token is not passed to the page');
    await assertClean(s);
    await s.close();
  });

  test("a customer's ledger whose every string is hostile (600 records, 500 shown, one 1 MB): shown as text, nothing ran", async () => {
    const s = await open({});
    const { page } = s;
    await page.getByTestId('customer-id').fill(attack(0));
    await timed('customer-500', page, page.getByTestId('customer-submit'), page.getByTestId('customer-status').filter({ hasText: '500 purchases' }));
    const results = page.getByTestId('customer-results');
    assert.equal(await results.locator('tbody tr').count(), 500);
    const all = await results.innerText();
    for (let i = 0; i < ATTACKS.length; i++) assert.ok(all.includes(attack(i).trim()), `not shown as text: ${attack(i)}`);
    assert.ok(all.includes(`${attack(2)}${'M'.repeat(10_000)}`), 'the 1 MB product id shown as text');
    const status = await page.getByTestId('customer-status').innerText();
    assert.ok(status.includes(attack(0)) && /truncated: only the newest 500 of 600/.test(status), status.slice(0, 300));
    // The stuck rows' button fills the reopen form with the hostile ids, as values.
    const reopen = page.getByTestId('customer-reopen');
    // Half of the newest 200 (the records read) are stuck.
    assert.equal(await reopen.count(), 100);
    await reopen.first().click();
    const form = page.getByTestId('action-ledger.reopen');
    assert.match(await form.locator('input[name="storeId"]').inputValue(), /#\d+$/);
    await assertClean(s);
    await s.close();
  });
});
