#!/usr/bin/env bash
# Builds the playground and serves it at http://localhost:${PORT:-8000}/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh build
bash .ci/build.sh
echo "[serve] open http://localhost:${PORT:-8000}/"
exec python3 -m http.server -d www "${PORT:-8000}"
