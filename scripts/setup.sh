#!/usr/bin/env bash
# Installs what `make build` needs and a fresh machine lacks, idempotently, saying what it does:
# Debian's clang (ring's C code for wasm32), the wasm32 Rust target, the
# wasm-bindgen CLI at exactly the version Cargo.lock pins, and the npm dev dependencies (esbuild,
# binaryen's wasm-opt, typescript, and the runtimes the tests use: deno, bun, workerd, playwright-core).
# Extra Debian packages can be asked for: `scripts/setup.sh chromium postgresql nginx`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*" >&2; }

apt_pkgs=()
command -v clang >/dev/null 2>&1 || apt_pkgs+=(clang)
for extra in "$@"; do
  case "$extra" in
    chromium) command -v chromium >/dev/null 2>&1 || apt_pkgs+=(chromium) ;;
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_pkgs+=(postgresql) ;;
    # The reverse proxy of the dashboard's TLS test; its package's own service is not used.
    nginx) [ -x /usr/sbin/nginx ] || apt_pkgs+=(nginx-light openssl) ;;
    *) apt_pkgs+=("$extra") ;;
  esac
done
if [ ${#apt_pkgs[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_pkgs[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${apt_pkgs[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! rustup component list --installed | grep -q '^rust-src'; then
  say "adding the Rust component rust-src (the edge module rebuilds std for size: see the Makefile)"
  rustup component add rust-src
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ -z "$want" ]; then
  say "Cargo.lock has no wasm-bindgen entry; run 'cargo generate-lockfile'"; exit 1
fi
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found '${have:-none}'); this takes about two minutes"
  cargo install wasm-bindgen-cli --version "$want" --quiet
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules ] || [ package-lock.json -nt node_modules ]; then
  say "installing npm dev dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi
