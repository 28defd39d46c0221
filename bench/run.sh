#!/usr/bin/env bash
# One command for all benchmarks: builds the release wasm (as the page uses it), then runs
# bench/run.mjs. Pass case names to run only some: `npm run bench -- resize`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh build
[ "${SKIP_BUILD:-}" = 1 ] || bash .ci/build.sh
node bench/run.mjs "$@"
