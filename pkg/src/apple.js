// Apple's environment names as values, as in `@apple/app-store-server-library`
// (`Environment.SANDBOX === 'Sandbox'`). wasm-bindgen exports string enums as types only, so the
// object lives here; plain strings are accepted everywhere too.
export const Environment = Object.freeze({
  SANDBOX: 'Sandbox',
  PRODUCTION: 'Production',
  XCODE: 'Xcode',
  LOCAL_TESTING: 'LocalTesting',
});
