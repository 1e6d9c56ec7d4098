// Debian's Chromium through playwright-core (the browser download never works here), launched
// the same way by every browser test and by `make screenshot`.
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** A headless Chromium with nothing of its own running in the background. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
