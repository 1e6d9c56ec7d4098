// Types of every entry point. The verifiers' types are generated from the Rust sources by
// wasm-bindgen (web/types.d.ts is its output without the loader section, so that projects
// compiled without the DOM lib type-check); the JS-only parts are declared here.
export * from './web/types.js';
export { IapError, IapErrorCode } from './src/error.js';
