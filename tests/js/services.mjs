// Servers that portable tests talk to over HTTP. Under `node --test` they are started here, in
// process; the runtime runner (tests/runtimes/run.mjs) starts them once on the host instead and
// swaps this file for one that hands out their addresses, so the same tests run unchanged in
// Deno, Bun, workerd and the browser.

/**
 * The local IAP server (emulator/src/emulator.js): `{ url, iap: { appKey, appSeq, ... }, gamebase:
 * { appId, secretKey }, appStore: { keyId, issuerId, bundleId, appAppleId, environment, signingKey,
 * rootCertificate (DER bytes), rootCertificatePem }, googlePlay: { packageName, serviceAccount },
 * close() }`, or null when this build has no
 * emulator. Tests drive it through its HTTP admin API only (the same in every runtime).
 */
export async function emulator() {
  let mod;
  try {
    mod = await import('../../emulator/src/emulator.js');
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND') return null;
    throw e;
  }
  return mod.startEmulator({ port: 0 });
}
