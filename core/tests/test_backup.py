"""`make backup` and `make restore`: the database (pg_dump custom format; SQLite's online backup on the
embedded demo) and the uploaded files, restored into a fresh database with every table and file equal."""

import hashlib
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from conftest import _database_url
from core.tests.faults import Postgres, table_checksums
from monitoring.tasks import check_missing_data
from monitoring.tests.scale import supervised_projects


def _make(target, env, *args):
    return subprocess.run(
        ["make", "-s", target, *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )


def _files(root):
    """{relative path: sha256} of every file under ``root``."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def _uploads(media):
    (media / "imports").mkdir(parents=True)
    (media / "imports" / "7-0a1b.xlsx").write_bytes(os.urandom(4096))
    (media / "documents" / "2026").mkdir(parents=True)
    (media / "documents" / "2026" / "投资协议（签字版）.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2048))


@pytest.mark.worker
def test_make_backup_then_make_restore_into_a_fresh_database_gives_equal_tables_and_files(
    transactional_db, city, tmp_path
):
    supervised_projects(city, 8)
    check_missing_data.apply(args=(2025,))  # findings, their history, a task run: data in many tables
    media = tmp_path / "media"
    _uploads(media)
    source = _database_url()

    made = _make("backup", {"DATABASE_URL": source, "DJANGO_MEDIA_ROOT": str(media), "BACKUP_ROOT": str(tmp_path)})
    folder = Path(made.stdout.strip().splitlines()[-1])
    assert folder.parent == tmp_path and re.fullmatch(r"\d{8}-\d{6}", folder.name)
    assert sorted(p.name for p in folder.iterdir()) == ["MANIFEST", "SHA256SUMS", "db.dump", "media.tar.gz"]
    assert (folder / "db.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    with Postgres() as pg:
        fresh = pg.createdb("restored")
        restored_media = tmp_path / "restored-media"
        _make("restore", {"DATABASE_URL": fresh, "DJANGO_MEDIA_ROOT": str(restored_media)}, f"BACKUP={folder}", "YES=1")
        before_tables, before_sequences = table_checksums(source)
        after_tables, after_sequences = table_checksums(fresh)

    assert len(before_tables) > 50 and sum(rows for rows, _md5 in before_tables.values()) > 100
    assert {t: v for t, v in before_tables.items() if v[0]}.keys() >= {"projects_project", "monitoring_finding"}
    assert after_tables == before_tables  # every table: its row count and the md5 of its rows
    assert after_sequences == before_sequences  # new rows will not collide with restored ones
    assert _files(restored_media) == _files(media) and len(_files(media)) == 2


def test_a_damaged_backup_is_refused_and_changes_nothing(tmp_path):
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (id integer PRIMARY KEY, v text)")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    folder = Path(
        subprocess.run(
            ["scripts/backup.sh", str(tmp_path / "backups")],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    with (folder / "db.sqlite3").open("ab") as f:
        f.write(b"\0")
    refused = subprocess.run(
        ["scripts/restore.sh", "--yes", str(folder)], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "checksums" in refused.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "db.sqlite3"]


def test_the_embedded_sqlite_demo_is_backed_up_online_and_restored(tmp_path):
    """SQLite's online backup API: a consistent copy while the app may be writing; restore swaps the file."""
    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE project (id integer PRIMARY KEY, name text)")
        conn.executemany("INSERT INTO project (name) VALUES (?)", [("年产10万套汽车零部件项目",), ("智能装备",)])
    media = tmp_path / "media"
    _uploads(media)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_MEDIA_ROOT": str(media)}

    def run(*cmd):
        return subprocess.run(cmd, cwd=settings.BASE_DIR, env=env, check=True, capture_output=True, text=True)

    folder = Path(run("scripts/backup.sh", str(tmp_path / "backups")).stdout.strip())
    assert "database: sqlite" in (folder / "MANIFEST").read_text()
    uploaded = _files(media)
    with sqlite3.connect(database) as conn:
        conn.execute("DELETE FROM project")
    (media / "imports" / "7-0a1b.xlsx").unlink()

    run("scripts/restore.sh", "--yes", str(folder))
    with sqlite3.connect(database) as conn:
        names = [name for (name,) in conn.execute("SELECT name FROM project ORDER BY id")]
    assert names == ["年产10万套汽车零部件项目", "智能装备"]
    assert _files(media) == uploaded
    # What the restore replaced is kept beside it.
    assert len(list(tmp_path.glob("db.sqlite3.before-restore-*"))) == 1
    assert len(list(tmp_path.glob("media.before-restore-*"))) == 1
