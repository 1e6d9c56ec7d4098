// runtimes: node-only (it runs the emulator's command line in this process)
// What `npx iap-verify-emulator` prints is all a user of another process or language has: every
// face's credentials, or the admin route that hands them out, must be in it, and each route it
// names must answer what a client needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../emulator/src/emulator-cli.js';
import * as iap from './load.mjs';

test('--help names every store the emulator plays, ONE store included', async () => {
  const lines = [];
  assert.equal(await main(['--help'], { log: (l) => lines.push(l), signals: false }), 0);
  const text = lines.join('\n');
  for (const store of ['NHN Cloud IAP', 'Gamebase', 'App Store Server API', 'Google Play Developer API', 'ONE store']) assert.ok(text.includes(store), `${store} missing from:\n${text}`);
});

test('the banner gives ONE store\'s client credentials and the push settings, and the routes it names answer them', async () => {
  const lines = [];
  const emu = await main(['--port', '0'], { log: (l) => lines.push(l), signals: false });
  try {
    const text = lines.join('\n');
    const o = emu.oneStore;
    assert.match(text, new RegExp(`ONE store API +baseUrl ${emu.url.replaceAll('.', '\\.')} +clientId ${o.clientId.replaceAll('.', '\\.')} +clientSecret ${o.clientSecret}`));
    assert.match(text, /GET \/admin\/onestore\/credentials/);
    assert.match(text, /POST \/admin\/onestore\/purchases/);
    assert.match(text, /GET \/admin\/googleplay\/push/);
    // A client made only from what the banner names works.
    const creds = await (await fetch(`${emu.url}/admin/onestore/credentials`)).json();
    const client = new iap.OneStoreClient({ clientId: creds.clientId, clientSecret: creds.clientSecret, environment: creds.environment, baseUrl: emu.url });
    const added = await (await fetch(`${emu.url}/admin/onestore/purchases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"productId":"gem.100"}' })).json();
    assert.equal((await client.getPurchaseDetails({ productId: 'gem.100', purchaseToken: added.purchaseToken })).purchaseState, 0);
    const push = await (await fetch(`${emu.url}/admin/googleplay/push`)).json();
    assert.equal(push.serviceAccountEmail, emu.googlePlay.push.serviceAccountEmail);
  } finally {
    await emu.close();
  }
});
