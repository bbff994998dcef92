#!/usr/bin/env bash
# Back up the database and the uploaded files into a new timestamped folder; prints the folder.
# Usage: scripts/backup.sh [ROOT]   (ROOT: $BACKUP_ROOT, else var/backups)
#
# The database is DATABASE_URL, as the settings read it (unset: the embedded SQLite db.sqlite3):
#   PostgreSQL -> db.dump, pg_dump's custom format (-Fc): one consistent snapshot, taken while the app runs;
#   SQLite     -> db.sqlite3, through SQLite's online backup API: also consistent while the app runs.
# The uploaded files are DJANGO_MEDIA_ROOT (unset: var/media) -> media.tar.gz. SHA256SUMS covers both.
# The folder is written as ROOT/STAMP.partial and renamed when complete, so a folder without .partial is whole.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-${BACKUP_ROOT:-$here/var/backups}}
db_url=${DATABASE_URL:-sqlite:///$here/db.sqlite3}
media=${DJANGO_MEDIA_ROOT:-$here/var/media}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/pg_dump" ] || PG_BIN=$(dirname "$(command -v pg_dump || echo /usr/bin/pg_dump)")

stamp=$(date +%Y%m%d-%H%M%S)
dir="$root/$stamp"
n=1
while [ -e "$dir" ] || [ -e "$dir.partial" ]; do dir="$root/$stamp-$n"; n=$((n + 1)); done
mkdir -p "$dir.partial"
trap 'rm -rf "$dir.partial"' EXIT

case "$db_url" in
  postgres://* | postgresql://* | pgsql://* | postgis://*)
    url="postgresql://${db_url#*://}"
    "$PG_BIN/pg_dump" --format=custom --file "$dir.partial/db.dump" --dbname "$url"
    kind=postgresql
    ;;
  sqlite://*)
    path=${db_url#sqlite:///}
    [ -f "$path" ] || { echo "backup: no SQLite database at $path" >&2; exit 1; }
    python3 - "$path" "$dir.partial/db.sqlite3" <<'PY'
import sqlite3, sys
source, target = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
source.close(); target.close()
PY
    kind=sqlite
    ;;
  *) echo "backup: unsupported DATABASE_URL scheme: ${db_url%%://*}" >&2; exit 1 ;;
esac

if [ -d "$media" ]; then
  tar -C "$media" -czf "$dir.partial/media.tar.gz" .
else
  tar -czf "$dir.partial/media.tar.gz" -T /dev/null  # nothing uploaded yet: an empty archive
fi

(
  cd "$dir.partial"
  {
    echo "created: $(date -Iseconds)"
    echo "database: $kind"
    echo "media_root: $media"
    if [ "$kind" = postgresql ]; then echo "pg_dump: $("$PG_BIN/pg_dump" --version)"; fi
  } > MANIFEST
  sha256sum db.* media.tar.gz > SHA256SUMS
)
mv "$dir.partial" "$dir"
trap - EXIT
echo "$dir"
