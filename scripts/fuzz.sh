#!/usr/bin/env bash
# `make fuzz`: runs every cargo-fuzz target for FUZZ_SECONDS each (default 60), seeded from the
# test vectors. Installs the nightly toolchain and cargo-fuzz when missing. A crash is copied to
# fuzz/regressions/<target>/ (replayed by `cargo test` from then on) and fails the run.
# FUZZ_TARGETS="a b" limits the run to some targets; FUZZ_RUNS=N stops each target after N executions
# (whichever of the two limits comes first). Each run starts from fuzz/corpus-kept/<target>/ too;
# FUZZ_KEEP=1 minimizes the corpus after the run (cargo fuzz cmin) into fuzz/corpus-kept/<target>/,
# which is committed and replayed by `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '[fuzz] %s\n' "$*" >&2; }

rustup toolchain list | grep -q '^nightly' || { say "installing the nightly toolchain (cargo-fuzz needs it)"; rustup toolchain install nightly --profile minimal; }
command -v cargo-fuzz >/dev/null 2>&1 || { say "installing cargo-fuzz"; cargo install cargo-fuzz --quiet; }

seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-$(cargo +nightly fuzz list)}

seed() { # seed <target> <files...>
  local dir=fuzz/corpus/$1; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/seed-$(basename "$f")"; done
  return 0
}
# Seeds: the vectors each parser reads in real life.
seed der tests/vectors/public/*.cer tests/vectors/public/*.der
for f in tests/vectors/public/*.b64 tests/vectors/google/*.pub; do
  mkdir -p fuzz/corpus/der fuzz/corpus/rsa_key
  base64 -d "$f" > "fuzz/corpus/der/seed-$(basename "$f").der" 2>/dev/null || true
done
seed rsa_key tests/vectors/google/*.pub tests/vectors/onestore/*.pub tests/vectors/public/google-*.pub
mkdir -p fuzz/corpus/google_purchase
for j in tests/vectors/google/*.json tests/vectors/onestore/*.json; do
  { cat "$j"; printf '\0'; cat "${j%.json}.sig" 2>/dev/null || true; } > "fuzz/corpus/google_purchase/seed-$(basename "$j")"
done
seed google_rtdn tests/vectors/rtdn/*.json
seed nhn_response tests/vectors/nhn/*.json
for extra in fuzz/seeds.d/*.sh; do [ -f "$extra" ] && . "$extra"; done
for kept in fuzz/corpus-kept/*/; do
  [ -d "$kept" ] && mkdir -p "fuzz/corpus/$(basename "$kept")" && cp "$kept"* "fuzz/corpus/$(basename "$kept")/" 2>/dev/null
done
true

failed=0
for t in $targets; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  say "$t: ${seconds}s"
  log="fuzz/artifacts/$t/last-run.log"
  started=$SECONDS
  runs_limit=()
  [ -n "${FUZZ_RUNS:-}" ] && runs_limit=(-runs="$FUZZ_RUNS")
  if ! cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" "${runs_limit[@]}" -print_final_stats=1 \
      -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1; then
    failed=1
    mkdir -p "fuzz/regressions/$t"
    for crash in fuzz/artifacts/"$t"/crash-* fuzz/artifacts/"$t"/oom-* fuzz/artifacts/"$t"/timeout-*; do
      [ -f "$crash" ] && cp "$crash" "fuzz/regressions/$t/" && say "$t: kept $(basename "$crash")"
    done
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  say "$t: $runs executions in $((SECONDS - started))s, $(ls "fuzz/corpus/$t" | wc -l) corpus entries"
  if [ -n "${FUZZ_KEEP:-}" ]; then
    rm -rf "fuzz/corpus-kept/$t.new" && mkdir -p "fuzz/corpus-kept/$t.new"
    cargo +nightly fuzz cmin "$t" "fuzz/corpus/$t" >"fuzz/artifacts/$t/cmin.log" 2>&1
    cp "fuzz/corpus/$t"/* "fuzz/corpus-kept/$t.new/"
    rm -rf "fuzz/corpus-kept/$t" && mv "fuzz/corpus-kept/$t.new" "fuzz/corpus-kept/$t"
    say "$t: kept $(ls "fuzz/corpus-kept/$t" | wc -l) minimized inputs in fuzz/corpus-kept/$t"
  fi
done
exit $failed
