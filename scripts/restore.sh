#!/usr/bin/env bash
# Restore a folder written by scripts/backup.sh: the database, then the uploaded files.
# Usage: scripts/restore.sh [--yes] BACKUP_DIR   (asks for confirmation unless --yes)
#
# Into DATABASE_URL (unset: the embedded SQLite db.sqlite3) and DJANGO_MEDIA_ROOT (unset: var/media), as
# scripts/backup.sh reads them. Stop the web and worker processes first.
#   PostgreSQL: the database must exist (a fresh one from createdb, or the old one); pg_restore --clean
#   --if-exists replaces what the backup holds, in one transaction (all or nothing). Objects end up owned by
#   the user restoring (--no-owner, --no-acl), so a backup restores into another cluster too.
#   SQLite: the database file is replaced by the backup's copy.
# What is replaced is kept beside it: the uploaded files as MEDIA_ROOT.before-restore-STAMP, an SQLite file as
# FILE.before-restore-STAMP.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
yes=
if [ "${1:-}" = --yes ]; then yes=1; shift; fi
[ $# -eq 1 ] || { echo "usage: $0 [--yes] BACKUP_DIR" >&2; exit 2; }
dir=${1%/}
db_url=${DATABASE_URL:-sqlite:///$here/db.sqlite3}
media=${DJANGO_MEDIA_ROOT:-$here/var/media}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/pg_restore" ] || PG_BIN=$(dirname "$(command -v pg_restore || echo /usr/bin/pg_restore)")
stamp=$(date +%Y%m%d-%H%M%S)

[ -f "$dir/SHA256SUMS" ] || { echo "restore: $dir is not a complete backup (no SHA256SUMS)" >&2; exit 1; }
(cd "$dir" && sha256sum --check --quiet SHA256SUMS) || { echo "restore: $dir fails its checksums" >&2; exit 1; }

if [ -z "$yes" ]; then
  [ -t 0 ] || { echo "restore: not a terminal; pass --yes to replace the data without asking" >&2; exit 2; }
  read -r -p "Replace the database (${db_url%%://*}) and the files in $media with $dir? Type yes: " answer
  [ "$answer" = yes ] || { echo "restore: nothing changed" >&2; exit 1; }
fi

case "$db_url" in
  postgres://* | postgresql://* | pgsql://* | postgis://*)
    [ -f "$dir/db.dump" ] || { echo "restore: $dir holds no PostgreSQL dump" >&2; exit 1; }
    "$PG_BIN/pg_restore" --clean --if-exists --no-owner --no-acl --single-transaction --exit-on-error \
      --dbname "postgresql://${db_url#*://}" "$dir/db.dump"
    ;;
  sqlite://*)
    [ -f "$dir/db.sqlite3" ] || { echo "restore: $dir holds no SQLite database" >&2; exit 1; }
    path=${db_url#sqlite:///}
    if [ -f "$path" ]; then mv "$path" "$path.before-restore-$stamp"; fi
    cp "$dir/db.sqlite3" "$path.restoring" && mv "$path.restoring" "$path"
    ;;
  *) echo "restore: unsupported DATABASE_URL scheme: ${db_url%%://*}" >&2; exit 1 ;;
esac

# The files: unpacked beside MEDIA_ROOT, then swapped in.
mkdir -p "$(dirname "$media")"
incoming="$media.restoring-$stamp"
mkdir -p "$incoming"
tar -C "$incoming" -xzf "$dir/media.tar.gz"
if [ -e "$media" ]; then mv "$media" "$media.before-restore-$stamp"; fi
mv "$incoming" "$media"
echo "restore: database and files restored from $dir"
