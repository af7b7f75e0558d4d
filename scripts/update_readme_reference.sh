#!/usr/bin/env bash
# Rewrites the configuration table in README.md from the key table (lib/config/keys.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
table="$(deno run scripts/config_reference.ts)"
python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1]
readme = open("README.md").read()
start = readme.index("| key | env vars (first wins) |")
end = readme.index("\n\n", start)
open("README.md", "w").write(readme[:start] + table + readme[end:])
PY
