#!/usr/bin/env bash
# Fetch the pinned front-end assets from the npm registry (lockfile) and copy them into static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=frontend/node_modules/.vendored
if [ ! -f "$stamp" ] || [ frontend/package-lock.json -nt "$stamp" ] || [ frontend/package.json -nt "$stamp" ]; then
  (cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
mkdir -p static/vendor
m=frontend/node_modules
for f in bootstrap/dist/css/bootstrap.min.css bootstrap/dist/js/bootstrap.bundle.min.js \
         htmx.org/dist/htmx.min.js echarts/dist/echarts.min.js; do
  # Source maps too where shipped: the production static storage follows sourceMappingURL references.
  for src in "$m/$f" "$m/$f.map"; do
    [ "$src" = "$m/$f" ] || [ -f "$src" ] || continue
    dest=static/vendor/${src##*/}
    cmp -s "$src" "$dest" || cp "$src" "$dest"
  done
done
