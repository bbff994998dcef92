#!/usr/bin/env bash
# Debian packages the system needs: `run` for serving (Chinese fonts for the PDFs), `test` (default) for the
# whole suite. Cheap when everything is installed already.
set -euo pipefail
if [ "${1:-test}" = run ]; then
  packages=(fonts-noto-cjk)
else
  packages=(redis-server chromium poppler-utils fonts-noto-cjk gettext)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
