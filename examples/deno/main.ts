// Verifies a Google Play or ONE store purchase offline, from files, and prints it as JSON.
//
//   deno run --allow-read --allow-env main.ts purchase.json purchase.sig [google|onestore]
//
// The licence key (base64) is read from LICENSE_KEY. The purchase JSON file must hold the bytes
// the store signed, unchanged (Purchase.getOriginalJson() on Android).
import { IapError, verifyGooglePurchase, verifyOneStorePurchase } from 'iap-verify';

const [dataFile, signatureFile, store = 'google'] = Deno.args;
if (!dataFile || !signatureFile || !['google', 'onestore'].includes(store)) {
  console.error('usage: main.ts purchase.json purchase.sig [google|onestore]');
  Deno.exit(2);
}
const key = Deno.env.get('LICENSE_KEY');
if (!key) {
  console.error('LICENSE_KEY is not set');
  Deno.exit(2);
}

const data = await Deno.readFile(dataFile); // bytes: nothing is re-encoded before the check
const signature = (await Deno.readTextFile(signatureFile)).trim();
const verify = store === 'google' ? verifyGooglePurchase : verifyOneStorePurchase;
try {
  console.log(JSON.stringify(verify(data, signature, key), null, 2));
} catch (e) {
  if (!(e instanceof IapError)) throw e;
  console.error(`${e.code}: ${e.message}`);
  Deno.exit(1);
}
