#!/usr/bin/env bash
# Registers toolchain/solc.js as ~/.solcx/solc-v<version>, where py-solc-x (and so
# brownie) looks for installed compilers. Rewrites the launcher only when it differs,
# so it is cheap to run on every `make setup`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p "require('$root/node_modules/solc/package.json').version")
target="${SOLCX_BINARY_PATH:-$HOME/.solcx}/solc-v$version"
launcher=$(printf '#!/bin/sh\nexec node "%s/toolchain/solc.js" "$@"\n' "$root")
mkdir -p "$(dirname "$target")"
if [ ! -f "$target" ] || [ "$(cat "$target")" != "$launcher" ]; then
  printf '%s\n' "$launcher" > "$target"
  chmod +x "$target"
  echo "registered solc-js $version as $target"
fi
