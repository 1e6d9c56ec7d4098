// Regenerates docs/dashboard.png (`make screenshot`): the dashboard at 1280 px with a verified
// App Store notification (subscription timeline, nested JWS, certificate chain) and a purchase
// lookup against the local IAP server. Usage: node tests/www/screenshot.mjs [out.png]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDashboard } from '../../www/server/dashboard-cli.js';
import { launchChromium } from './chromium.mjs';

const PUBLIC = fileURLToPath(new URL('../vectors/public/', import.meta.url));
const out = process.argv[2] ?? fileURLToPath(new URL('../../docs/dashboard.png', import.meta.url));

const dash = await startDashboard({ port: 0, emulator: true, env: {} });
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, timezoneId: 'Asia/Seoul', locale: 'en-US' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(dash.url);
  await page.locator('#engine.ready').waitFor();
  await page.getByTestId('input').fill(readFileSync(`${PUBLIC}apple-jws-gopay-notification-did-renew-sandbox.jws`, 'utf8'));
  await page.locator('details.advanced summary').click();
  await page.getByTestId('at').fill('2022-03-04T09:43:30');
  await page.getByTestId('verify').click();
  await page.getByTestId('user-id').fill('user-1');
  await page.getByTestId('lookup-submit').click();
  await page.getByTestId('lookup-status').filter({ hasText: 'for "user-1"' }).waitFor();
  // From the top: the input column is sticky, and a full-page shot keeps the scroll position.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: out, fullPage: true });
  if (errors.length > 0) throw new Error(`console errors: ${errors.join('; ')}`);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await dash.close();
}
