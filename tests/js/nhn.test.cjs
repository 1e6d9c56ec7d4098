// The NHN clients through require(): same classes, errors are the CJS entry's IapError.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const iap = require('../../pkg/node.cjs');

test('require(): IapClient and GamebaseClient work against the emulator', async () => {
  const { startEmulator } = await import('../../emulator/src/emulator.js');
  const emu = await startEmulator();
  try {
    const c = new iap.IapClient({ appKey: emu.iap.appKey, baseUrl: emu.url });
    const [p] = await c.listConsumables({ marketId: 'GG', userKey: 'user-1' });
    assert.equal((await c.consume(p)).productSeq, 1000001);
    await assert.rejects(c.consume(p), (e) => e instanceof iap.IapError && e.code === 'ALREADY_CONSUMED');
    const g = new iap.GamebaseClient({ appId: emu.gamebase.appId, secretKey: 'wrong', baseUrl: emu.url });
    await assert.rejects(g.listConsumables({ userId: 'user-1' }), (e) => e instanceof iap.IapError && e.code === 'API_ERROR');
    const t = new iap.IapClient({ appKey: 'k', fetch: () => new Promise(() => {}), timeoutMs: 20, retries: 0 });
    await assert.rejects(t.listItemsLegacy({ appSeq: 1 }), (e) => e instanceof iap.IapError && e.code === 'TIMEOUT' && e.retryable);
  } finally {
    await emu.close();
  }
});
