// Verifies an Apple app receipt (the base64 of the file at Bundle.main.appStoreReceiptURL) and
// lists its in-app purchases.
//
//   bun receipt.ts receipt.b64 [--bundle-id com.example.app] [--root StoreKitTestCertificate.cer]
//
// Without --root, the receipt must chain to Apple's root (built in). Receipts made by Xcode's
// StoreKit testing chain to the certificate Xcode exports instead: pass it with --root.
import { parseArgs } from 'node:util';
import { IapError, verifyAppReceipt } from 'iap-verify';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'bundle-id': { type: 'string' }, root: { type: 'string', multiple: true } },
});
if (positionals.length !== 1) {
  console.error('usage: bun receipt.ts receipt.b64 [--bundle-id ID] [--root CERT]...');
  process.exit(2);
}

const receipt = (await Bun.file(positionals[0]).text()).trim();
const roots = values.root ? await Promise.all(values.root.map((f) => Bun.file(f).bytes())) : undefined;
const iso = (ms?: number) => (ms === undefined ? '-' : new Date(ms).toISOString());
try {
  const r = verifyAppReceipt(receipt, { bundleId: values['bundle-id'], rootCertificates: roots });
  console.log(`${r.bundleId} ${r.applicationVersion} (${r.receiptType}), created ${iso(r.receiptCreationDate)}`);
  for (const p of r.inApp ?? []) {
    console.log(`  ${p.productId}  transaction ${p.transactionId}  bought ${iso(p.purchaseDate)}`);
  }
} catch (e) {
  if (!(e instanceof IapError)) throw e;
  console.error(`${e.code}: ${e.message}`);
  process.exit(1);
}
