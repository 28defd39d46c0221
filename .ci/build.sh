#!/usr/bin/env bash
# Builds the wasm package into www/pkg/ and publishes the golden vectors to www/golden/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # npm's wasm-opt first, never /usr/bin's
profile=${1:---release}
wasm-pack build "$profile" --target web --out-dir www/pkg --out-name dlplay --no-pack
rm -f www/pkg/.gitignore
mkdir -p www/golden
rm -f www/golden/*.json
cp tests/golden/*.json www/golden/
python3 - <<'PY'
import json, os
names = sorted(f for f in os.listdir("www/golden") if f.endswith(".json") and f != "index.json")
json.dump(names, open("www/golden/index.json", "w"))
PY
echo "[build] www/pkg and www/golden are ready"
