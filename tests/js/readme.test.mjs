// The README's quick-start snippet is run as written, with `iap-verify` pointing at the package
// under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const own = (p) => readFileSync(new URL(`../vectors/${p}`, import.meta.url), 'utf8');

test('README quick start runs as documented', async () => {
  const quickStart = readme.split('## Quick start')[1];
  const snippet = quickStart.match(/```js\n([\s\S]*?)```/)[1];
  assert.match(snippet, /from 'iap-verify'/);
  const file = new URL(`./.readme-snippet-${process.pid}.mjs`, import.meta.url);
  writeFileSync(file, snippet.replace("from 'iap-verify'", "from './load.mjs'"));
  process.env.GOOGLE_PLAY_LICENSE_KEY = own('google/test-key-2048.pub');
  try {
    const { checkGooglePurchase } = await import(file.href);
    const json = own('google/consumable.json');
    const sig = own('google/consumable.sig');
    assert.deepEqual(checkGooglePurchase(json, sig), { ok: true, productId: 'gem_pack_100', orderId: 'GPA.3301-1234-5678-90123' });
    assert.deepEqual(checkGooglePurchase(json.replace('gem_pack_100', 'gem_pack_999'), sig), { ok: false, reason: 'INVALID_SIGNATURE' });
    assert.deepEqual(checkGooglePurchase(own('google/pending.json'), own('google/pending.sig')), { ok: false, reason: 'PENDING' });
  } finally {
    rmSync(file);
  }
});
