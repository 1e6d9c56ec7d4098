# iap-verify: build the WebAssembly package and test it everywhere.
# `make demo` and `make test` are all a new user needs; each target installs what it lacks.

WASM_TARGET := wasm32-unknown-unknown
WASM_RAW    := target/$(WASM_TARGET)/release/iap_verify_wasm.wasm
PKG_WEB     := pkg/web
PKG_VERIFY  := pkg/verify/web
# The module for the edge is built by the same stable compiler with its standard library rebuilt
# from that release's own sources (rust-src) for size: panics trap at once, as they already did
# with no message to show, without panic locations or formatting; derived `Debug` prints the type
# name only (no text this module returns is made with it); symbol names in the release's own
# (legacy) scheme, which keeps the glue's names short. RUSTC_BOOTSTRAP lets the stable compiler
# take these flags, as the Linux kernel's and Firefox's builds do. Why and what it saves:
# docs/development.md, "Speed: what was measured". Its own target folder keeps the two builds' caches apart.
EDGE_DIR   := target/edge
EDGE_CARGO := RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=shallow -Csymbol-mangling-version=legacy" cargo
EDGE_STD   := -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
# What rustc emits for wasm32 by default (wasm-bindgen drops the target_features section that
# would let wasm-opt detect them).
WASM_OPT_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue

.PHONY: all setup build test test-repo test-rust test-js test-package test-examples test-runtimes test-www test-postgres lint demo bench fuzz dashboard screenshot

all: build

setup:
	@scripts/setup.sh

## build: the wasm module, the library in pkg/, and the three packages packed into target/packages/
## (iap-verify from pkg/, iap-verify-emulator from emulator/, iap-verify-dashboard from www/)
build: setup
	@echo "[build] cargo build --release --target $(WASM_TARGET) -p iap-verify-wasm (the facade, wasm/)"
	@cargo build --quiet --release --target $(WASM_TARGET) -p iap-verify-wasm
	@echo "[build] wasm-bindgen --target web -> $(PKG_WEB)"
	@rm -rf $(PKG_WEB)
	@wasm-bindgen --target web --out-dir $(PKG_WEB) --out-name iap_verify $(WASM_RAW)
	@echo "[build] wasm-opt -Oz --converge (binaryen from npm; Debian's version 108 breaks externref tables)"
	@node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers $(WASM_OPT_FEATURES) $(PKG_WEB)/iap_verify_bg.wasm -o $(PKG_WEB)/iap_verify_bg.wasm
	@echo "[build] the module for the edge (iap-verify/verify): --no-default-features, std rebuilt for size -> $(PKG_VERIFY)"
	@$(EDGE_CARGO) build --quiet --release --target $(WASM_TARGET) -p iap-verify-wasm --no-default-features $(EDGE_STD) --target-dir $(EDGE_DIR)
	@rm -rf $(PKG_VERIFY)
	@wasm-bindgen --target web --out-dir $(PKG_VERIFY) --out-name iap_verify $(EDGE_DIR)/$(WASM_TARGET)/release/iap_verify_wasm.wasm
	@node_modules/.bin/wasm-opt -Oz --converge --strip-debug --strip-producers $(WASM_OPT_FEATURES) $(PKG_VERIFY)/iap_verify_bg.wasm -o $(PKG_VERIFY)/iap_verify_bg.wasm
	@node scripts/build-pkg.mjs
	@echo "[build] npm pack ./pkg ./emulator ./www -> target/packages/"
	@node scripts/pack.mjs

## test: everything CI runs
test: test-repo test-rust lint build test-js test-postgres test-package test-examples test-runtimes test-www

## test-repo: the repository stands alone (no tracked file points at a folder beside the checkout)
test-repo:
	@echo "[test] the repository stands alone (tests/repo/)"
	@node --test tests/repo/

test-rust:
	@echo "[test] cargo test"
	@cargo test --quiet
	@echo "[test] cargo test --features typescript (the declarations the package's types are generated from)"
	@cargo test --quiet --features typescript --lib typescript::

lint: setup
	@echo "[test] cargo clippy (warnings denied, no-panic lints on)"
	@cargo clippy --quiet --all-targets -- -D warnings
	@cargo clippy --quiet --all-targets --all-features -- -D warnings
	@cargo clippy --quiet -p iap-verify-wasm --target $(WASM_TARGET) -- -D warnings
	@cargo clippy --quiet -p iap-verify-wasm --target $(WASM_TARGET) --no-default-features -- -D warnings
	@echo "[test] cargo doc (broken links denied)"
	@RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps

test-js:
	@echo "[test] node --test (ESM and CommonJS, on the built pkg/)"
	@node --test tests/js/

## test-postgres: the PostgreSQL flow store against a real server (Debian's, installed when missing;
## a throwaway cluster on a loopback port, stopped at the end)
test-postgres: build
	@echo "[test] PostgreSQL flow store: races, faults and killed processes (tests/postgres/)"
	@scripts/with-postgres.sh node --test tests/postgres/

## test-www: the dashboard in headless Chromium (Debian's; installed when missing), screenshots in tests/www/artifacts/;
## a team signing in through a local OpenID Connect provider (oidc-provider), also behind Debian's nginx with TLS
test-www: build
	@scripts/setup.sh chromium nginx
	@echo "[test] dashboard in headless Chromium (tests/www/)"
	@node --test tests/www/

## dashboard: the support dashboard at http://127.0.0.1:8790/ (the local IAP server unless one is configured)
dashboard: build
	@node www/bin/iap-verify-dashboard.mjs $(DASHBOARD_ARGS)

## screenshot: regenerate docs/dashboard.png (shown in README.md)
screenshot: build
	@scripts/setup.sh chromium
	@mkdir -p docs
	@node tests/www/screenshot.mjs docs/dashboard.png

## test-package: the JS type check of each package, the tarballs as users install them (ESM, CJS,
## TypeScript, the bins, Deno), the types
test-package: build
	@echo "[test] the packages' JS against their .d.ts, strict: tsc -p pkg, -p emulator, -p www (checkJs)"
	@node_modules/.bin/tsc -p pkg
	@node_modules/.bin/tsc -p emulator
	@node_modules/.bin/tsc -p www
	@echo "[test] TypeScript: tsc --noEmit --strict on tests/types (usage*.ts compile, wrong*.ts fail where marked)"
	@node_modules/.bin/tsc -p tests/types/tsconfig.json
	@echo "[test] packaging: the tarballs of target/packages/, installed into empty projects: imports, bins, contents, sizes"
	@node --test tests/package/

## test-examples: each program of examples/ in an empty folder, with the package from its tarball
test-examples: build
	@echo "[test] examples/: Express, a Cloudflare Worker (wrangler deploy --dry-run, then workerd), Deno, Bun"
	@node --test tests/examples/

## test-runtimes: the tests/js suite in Node ESM and CJS, Deno, Bun, workerd and headless Chromium
test-runtimes: build
	@scripts/setup.sh chromium
	@echo "[test] the tests/js suite in every runtime (tests/runtimes/run.mjs)"
	@node tests/runtimes/run.mjs

## demo: verify the bundled samples and show the results
demo: build
	@for f in demo/*.mjs; do node "$$f" || exit 1; done

## bench: medians and ratios, measured side by side in one process
bench: build
	@rm -f bench/results.json
	@for f in bench/*.bench.mjs; do node "$$f" || exit 1; done
	@node scripts/bench-readme.mjs
	@scripts/with-postgres.sh node bench/flow-store.pg.mjs
	@scripts/with-postgres.sh node bench/purchase-store.pg.mjs

## fuzz: every cargo-fuzz target for FUZZ_SECONDS (default 60) each; crashers kept as regressions
fuzz:
	@scripts/fuzz.sh
