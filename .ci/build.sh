#!/usr/bin/env bash
# Builds the wasm packages into www/pkg/ (and www/pkg-relaxed/, below) and publishes the golden
# vectors to www/golden/: the kernel files (tests/golden/) and the engine's (tests/golden_engine/)
# side by side, all listed in www/golden/index.json; the self-test page picks GoldenSuite or GoldenEngineSuite per file.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # npm's wasm-opt first, never /usr/bin's
profile=${1:---release}
# The second build, www/pkg-relaxed/ (README "Build"): relaxed SIMD, where lanes::F4::mul_add is one
# f32x4.relaxed_madd; www/app/wasm.js loads its .wasm where the engine validates relaxed SIMD. Its
# own target dir: other rustflags in target/ would rebuild the default build each time. wasm-pack's
# wasm-opt step takes Cargo.toml's flags, which lack --enable-relaxed-simd (wasm-opt then refuses
# the module), so wasm-pack runs with --no-opt and npm's wasm-opt runs here with the same flags
# plus that one. SKIP_RELAXED=1 leaves it out (a quicker local build; its tests then skip).
relaxed=(env CARGO_TARGET_DIR=target/relaxed CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd")
prebuild=
if [ "${SKIP_RELAXED:-}" != 1 ] && [ "$profile" = --release ]; then
  # Its cargo step (the very command wasm-pack runs) starts now, beside the default build: each
  # ends in a one-thread LTO step, and on 2 cores the two overlap (about a minute less in all).
  mkdir -p target
  setsid "${relaxed[@]}" cargo build --lib --release --target wasm32-unknown-unknown >target/relaxed-build.log 2>&1 &
  prebuild=$!
  trap '[ -z "$prebuild" ] || kill -- "-$prebuild" 2>/dev/null || true' EXIT
fi
wasm-pack build "$profile" --target web --out-dir www/pkg --out-name dlplay --no-pack
rm -f www/pkg/.gitignore
pkgs="www/pkg"
if [ "${SKIP_RELAXED:-}" != 1 ]; then
  if [ -n "$prebuild" ]; then
    wait "$prebuild" || { cat target/relaxed-build.log >&2; echo "[build] the relaxed-SIMD build failed" >&2; exit 1; }
    prebuild=
  fi
  "${relaxed[@]}" wasm-pack build "$profile" --no-opt --target web --out-dir www/pkg-relaxed --out-name dlplay --no-pack
  rm -f www/pkg-relaxed/.gitignore
  if [ "$profile" = --release ]; then
    mapfile -t opt < <(python3 -c "import tomllib; print(*tomllib.load(open('Cargo.toml', 'rb'))['package']['metadata']['wasm-pack']['profile']['release']['wasm-opt'], sep='\n')")
    wasm-opt "${opt[@]}" --enable-relaxed-simd www/pkg-relaxed/dlplay_bg.wasm -o www/pkg-relaxed/dlplay_bg.wasm
  fi
  # the page initializes the relaxed .wasm through www/pkg/dlplay.js: the glues must be one file
  cmp -s www/pkg/dlplay.js www/pkg-relaxed/dlplay.js || { echo "[build] www/pkg-relaxed/dlplay.js differs from www/pkg/dlplay.js" >&2; exit 1; }
  pkgs+=" and www/pkg-relaxed"
fi
mkdir -p www/golden
rm -f www/golden/*.json
cp tests/golden/*.json www/golden/
for f in tests/golden_engine/*.json; do
  [ ! -e "tests/golden/$(basename "$f")" ] || { echo "[build] $f and tests/golden/ share a name" >&2; exit 1; }
done
cp tests/golden_engine/*.json www/golden/
python3 - <<'PY'
import json, os
# the kernel files first, then the engine's (the page's summary reads "kernel + engine = total")
names = [f for d in ("tests/golden", "tests/golden_engine") for f in sorted(os.listdir(d)) if f.endswith(".json")]
json.dump(names, open("www/golden/index.json", "w"))
PY
# d3-contour 4.0.3 + d3-array 3 (ISC, Mike Bostock; README "Vendored code"), the contour plots of
# the optimizer explorer: copied from node_modules (npm dev packages) into www/vendor/ (git-ignored),
# with d3-contour's bare 'd3-array' import made relative (the CSP forbids an inline import map).
for f in node_modules/d3-contour/dist/d3-contour.mjs node_modules/d3-array/dist/d3-array.mjs; do
  [ -f "$f" ] || { echo "[build] $f is missing: run npm install (bash .ci/setup.sh)" >&2; exit 1; }
done
mkdir -p www/vendor
sed "s#from 'd3-array'#from './d3-array.mjs'#" node_modules/d3-contour/dist/d3-contour.mjs > www/vendor/d3-contour.mjs
grep -q "from './d3-array.mjs'" www/vendor/d3-contour.mjs || { echo "[build] d3-contour's import was not rewritten" >&2; exit 1; }
cp node_modules/d3-array/dist/d3-array.mjs www/vendor/d3-array.mjs
cp node_modules/d3-contour/LICENSE www/vendor/LICENSE.d3-contour
cp node_modules/d3-array/LICENSE www/vendor/LICENSE.d3-array
echo "[build] $pkgs, www/golden and www/vendor are ready"
