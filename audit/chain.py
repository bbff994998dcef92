"""The audit trail's hash chain, format 1: pure functions, no database.

Each sealed entry carries ``seq`` (its place in the chain, from 1, without gaps), ``prev_hash`` (the
hash of the entry at ``seq - 1``; 64 zeros for the first) and ``hash``: the SHA-256 (lower-case hex)
of the UTF-8 bytes of one JSON object holding every stored field of the entry and ``prev_hash``::

    {"action": str, "actor_id": int|null, "actor_username": str, "changes": [...],
     "created_at": "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", "id": int, "ip_address": str|null,
     "kind": str, "model_label": str, "object_id": str, "object_repr": str, "path": str,
     "prev_hash": str, "seq": int, "status_code": int|null}

written with the keys sorted, no spaces (separators "," and ":") and non-ASCII characters as they
are (not \\u-escaped); ``created_at`` is in UTC with microseconds. An outside party can re-check an
export with these rules alone; ``record_from_export`` shows how the exported columns map back.

The format is frozen: entries sealed years ago must verify forever, and the data migration that
chained the rows that existed before the chain uses it too. A new stored field needs a format 2
(and a way to tell which entries use it); never change this one.
"""

import datetime
import hashlib
import json

GENESIS = "0" * 64
# The stored fields an entry's hash covers, besides seq and prev_hash.
CONTENT_FIELDS = (
    "id",
    "created_at",
    "kind",
    "action",
    "actor_id",
    "actor_username",
    "model_label",
    "object_id",
    "object_repr",
    "changes",
    "ip_address",
    "path",
    "status_code",
)
CHAIN_FIELDS = ("seq", "prev_hash")
INTEGER_FIELDS = frozenset({"id", "seq", "actor_id", "status_code"})
NULLABLE_FIELDS = frozenset({"actor_id", "ip_address", "status_code"})


def utc_text(moment):
    """A stored time as the chain writes it: UTC, ISO 8601, always with microseconds."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical(record):
    """The bytes that are hashed for ``record`` (a mapping with CONTENT_FIELDS and CHAIN_FIELDS)."""
    data = {name: record[name] for name in CONTENT_FIELDS + CHAIN_FIELDS}
    if isinstance(data["created_at"], datetime.datetime):
        data["created_at"] = utc_text(data["created_at"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(record):
    return hashlib.sha256(canonical(record)).hexdigest()


def record_of(entry, **override):
    """The hashed fields of ``entry`` (a model instance, or a dict from ``.values()``) as stored;
    ``override`` supplies seq and prev_hash while an entry is being sealed."""
    get = entry.__getitem__ if isinstance(entry, dict) else entry.__getattribute__
    record = {name: get(name) for name in CONTENT_FIELDS + CHAIN_FIELDS if name not in override}
    return {**record, **override}


def record_from_export(row):
    """Rebuild the hashed record from one exported row (CSV text, or cells read back from .xlsx).

    An empty cell is null in a nullable field and an empty string elsewhere; ``changes`` is JSON."""
    record = {}
    for name in CONTENT_FIELDS + CHAIN_FIELDS:
        value = row.get(name)
        text = "" if value is None else str(value)
        if name in NULLABLE_FIELDS and text == "":
            record[name] = None
        elif name in INTEGER_FIELDS:
            record[name] = int(text)
        elif name == "changes":
            record[name] = json.loads(text or "[]")
        else:
            record[name] = text
    return record
