// Browsers and bundlers (Vite, webpack 5, esbuild, Rollup, Bun's bundler): top-level await fetches
// and compiles `web/iap_verify_bg.wasm` (located with `new URL(..., import.meta.url)`, which
// bundlers recognize as an asset), so the API is usable as soon as the import resolves. Without
// top-level await, import `iap-verify/init` and call `await init()` instead.
import { init } from './init.mjs';

await init();

export * from './init.mjs';
