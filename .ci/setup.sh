#!/usr/bin/env bash
# Installs what building and testing dlplay needs, skipping what is already there.
# Usage: .ci/setup.sh [build|test]   (build: toolchain + npm packages; test: also browsers + drivers)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
  rustup component list --installed | grep -q "^$comp" || rustup component add "$comp"
done
if ! command -v wasm-pack >/dev/null 2>&1; then
  say "installing wasm-pack (cargo install, about 4 minutes once)"
  cargo install wasm-pack --locked
fi

need_apt=()
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
if [ "$what" = test ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
  command -v firefox >/dev/null 2>&1 || command -v firefox-esr >/dev/null 2>&1 || need_apt+=(firefox-esr)
  # CJK glyphs for the Chinese pages in headless screenshots (the page itself loads no fonts).
  fc-list 2>/dev/null | grep -qi "noto.*cjk" || need_apt+=(fonts-noto-cjk)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing with apt: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ "$what" = test ] && ! command -v geckodriver >/dev/null 2>&1; then
  say "installing geckodriver (cargo install, about 3 minutes once; Debian has no package)"
  cargo install geckodriver --locked
fi

# npm dev packages: binaryen (the wasm-opt wasm-pack must use: Debian's v108 corrupts the
# output) and playwright-core (drives the system Chromium; it never downloads a browser).
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/d3-contour ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dev packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
