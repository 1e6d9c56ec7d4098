// Stand-in for tests/js/services.mjs in the suite bundle: the servers were started on the host by
// tests/runtimes/run.mjs, which defines __IAP_SERVICES__ (their addresses) at bundle time.
/* global __IAP_SERVICES__ */

export async function emulator() {
  const e = __IAP_SERVICES__.emulator;
  if (!e) return null;
  // The host owns the server; closing it is the runner's job.
  const appStore = e.appStore && { ...e.appStore, rootCertificate: Uint8Array.from(atob(e.appStore.rootCertificate), (c) => c.charCodeAt(0)) };
  return { ...e, appStore, close() {} };
}
