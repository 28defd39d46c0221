#!/usr/bin/env bash
# The whole test suite: formatting, clippy (native + wasm32), unit + golden tests, wasm-bindgen
# tests in headless Chrome and Firefox, and end-to-end tests of the served page in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh test
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all --check
step "clippy (native and wasm32, -D warnings)"
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
# the relaxed-SIMD build's own cfg arm (lanes::F4::mul_add), in its own target dir like .ci/build.sh
CARGO_TARGET_DIR=target/relaxed CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
  cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings
step "cargo test (unit, golden, gradient checks)"
cargo test --release -- --nocapture 2>&1 | tee target/cargo-test.log | grep -E "^(golden|[a-z_0-9]+: [0-9]+ passed|test result|FAILED|failures)" || true
grep -q "^golden: [0-9]* passed, 0 failed" target/cargo-test.log
! grep -q "test result: FAILED" target/cargo-test.log
step "build the page (wasm-pack, release)"
bash .ci/build.sh
step "Node unit tests of the pure JS modules (tests/node; some load the built wasm package)"
node --test tests/node/
step "wasm-bindgen tests in headless Chrome and Firefox"
wasm-pack test --headless --chrome --firefox --release
step "end-to-end tests (playwright-core + /usr/bin/chromium)"
node tests/e2e/run.mjs
