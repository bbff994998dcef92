#!/usr/bin/env bash
# Fetch the pinned front-end assets from the npm registry (lockfile) and copy them into static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=frontend/node_modules/.vendored
if [ ! -f "$stamp" ] || [ frontend/package-lock.json -nt "$stamp" ]; then
  (cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  touch "$stamp"
fi
mkdir -p static/vendor
m=frontend/node_modules
# Source maps too: the production static storage follows sourceMappingURL references.
cp -u "$m/bootstrap/dist/css/bootstrap.min.css" "$m/bootstrap/dist/css/bootstrap.min.css.map" \
      "$m/bootstrap/dist/js/bootstrap.bundle.min.js" "$m/bootstrap/dist/js/bootstrap.bundle.min.js.map" \
      "$m/htmx.org/dist/htmx.min.js" "$m/echarts/dist/echarts.min.js" static/vendor/
