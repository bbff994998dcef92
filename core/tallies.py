"""Tallies: small summary tables the dashboards read instead of counting whole tables.

A tally is a model with a ``landing_unit`` and a count ``n`` per key (a stage, a severity, a grade...),
declared with ``register`` together with the grouped queryset that computes it. It is never adjusted by
increments: the rows of the units a change touched are counted again, in the writer's transaction, so a
tally cannot drift and a recount is always safe to repeat.

- a single row saved through any door (a service, the admin, the demo) recounts its unit: the apps
  connect their models' ``post_save`` to ``touched``; inside ``batch()`` the recounts are gathered and
  run once at the end (imports);
- a set-based write (a compliance check) calls ``refresh(name)`` at its end: the whole tally in two
  statements;
- the beat refreshes every tally nightly (``refresh_all``) and reports any drift it corrected.

On PostgreSQL, recounts of the same unit are serialised by an advisory lock taken before counting, so a
recount always sees the changes committed before it (READ COMMITTED takes a snapshot per statement).
"""

import threading
import zlib
from contextlib import contextmanager
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Count, F

from core.sql import insert_select


class Tally(NamedTuple):
    model: type
    source: object  # () -> the queryset of the rows counted (grouped here by unit and keys)
    unit_path: str  # the source's path to the landing unit
    keys: tuple  # the key fields of the tally besides the unit


_tallies: dict[str, Tally] = {}
_state = threading.local()


def register(name, *, model, source, unit_path, keys):
    _tallies[name] = Tally(model, source, unit_path, tuple(keys))


def names():
    return list(_tallies)


def _lock(tally, units):
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers itself
    key = zlib.crc32(tally.model._meta.db_table.encode()) & 0x7FFFFFFF
    with connection.cursor() as cursor:
        if units is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [key])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [key])
        for unit in sorted(units):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [key, unit])


def _grouped(tally, source):
    return source.values(tally.unit_path, *tally.keys).annotate(n=Count("pk")).order_by()


def _count(tally, units):
    source = tally.source()
    rows = tally.model.objects.all()
    if units is not None:
        source = source.filter(**{f"{tally.unit_path}__in": units})
        rows = rows.filter(landing_unit__in=units)
    with transaction.atomic():
        _lock(tally, units)
        rows.delete()
        columns = {"landing_unit": F(tally.unit_path), "n": F("n")} | {key: F(key) for key in tally.keys}
        return insert_select(tally.model, columns, _grouped(tally, source))


def refresh(name):
    """Count the whole tally again (set-based writers call this at their end)."""
    return _count(_tallies[name], None)


def refresh_all():
    return {name: refresh(name) for name in _tallies}


def recount(names_, units):
    """Count the rows of ``units`` again in the tallies named (all tallies: a project changed its unit)."""
    units = {u for u in units if u is not None}
    if not units:
        return
    pending = getattr(_state, "pending", None)
    if pending is not None:
        for name in names_:
            pending.setdefault(name, set()).update(units)
        return
    for name in names_:
        _count(_tallies[name], units)


@contextmanager
def batch():
    """Gather the recounts of many single-row writes and run them once, at the end of the block."""
    if getattr(_state, "pending", None) is not None:
        yield  # already gathering: the outermost batch recounts
        return
    _state.pending = {}
    try:
        yield
        pending, _state.pending = _state.pending, None
        for name, units in pending.items():
            _count(_tallies[name], units)
    finally:
        _state.pending = None


def drift():
    """{tally name: number of (unit, key) cells whose stored count differs from a fresh count}."""
    found = {}
    for name, tally in _tallies.items():
        stored = {
            (row["landing_unit"], *[row[k] for k in tally.keys]): row["n"]
            for row in tally.model.objects.values("landing_unit", *tally.keys, "n")
        }
        fresh = {
            (row[tally.unit_path], *[row[k] for k in tally.keys]): row["n"] for row in _grouped(tally, tally.source())
        }
        found[name] = sum(1 for key in stored.keys() | fresh.keys() if stored.get(key) != fresh.get(key))
    return found
