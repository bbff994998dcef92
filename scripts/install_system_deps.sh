#!/usr/bin/env bash
# Debian packages the system needs: `run` for serving (Chinese fonts for the PDFs), `test` (default) for the
# whole suite. Cheap when everything is installed already.
set -euo pipefail
if [ "${1:-test}" = run ]; then
  packages=(fonts-noto-cjk)
else
  packages=(redis-server chromium poppler-utils fonts-noto-cjk gettext wrk)
fi
missing=()
for p in "${packages[@]}"; do
  # Same database as `dpkg -s`, but only a fully installed package counts (not one removed but still configured).
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Another apt run may hold the locks. `install` can wait for dpkg's lock; `update` cannot, so retry it.
for try in $(seq 60); do
  out=$(apt-get update -qq 2>&1) && break
  if ! grep -q 'Could not get lock' <<<"$out" || [ "$try" -eq 60 ]; then echo "$out" >&2; exit 1; fi
  sleep 5
done
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
