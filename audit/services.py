"""Writing the audit trail. Everything that records an audit entry goes through here.

An entry is inserted in the caller's transaction (one query) and sealed into the hash chain right
after that transaction commits, in a short transaction of its own under the chain lock
(``audit_seal``). Sealing after the commit keeps the lock out of the callers' transactions: a
long import or a login never waits for another request's audit writes, and no lock order between
business rows and the chain can deadlock. Entries whose sealing failed (a crash between commit and
seal) are picked up by the next seal, which any later audit write, export or verification runs.

Bulk writes (an import's thousands of entries: ``audit_history_records``) are sealed as they are written
instead, on PostgreSQL: the chain lock is taken at the end of the caller's transaction and the entries are
copied in complete, hashes and all, so the lock is held about as long as a seal of as many entries would
hold it, with one statement instead of an INSERT and an UPDATE per entry.
"""

import datetime
import io
import ipaddress
import json
import logging
import time
from contextlib import contextmanager
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from audit import chain
from audit.models import AuditEntry, ChainVerification

logger = logging.getLogger(__name__)

MASKED = "******"
# Values never copied into the trail, though the change itself is recorded.
SENSITIVE_FIELDS = frozenset({"password"})
# pg_advisory_xact_lock key of the chain ("audit" in ASCII); any fixed number would do.
CHAIN_LOCK_KEY = 0x6175646974
SEAL_BATCH = 500


def current_request():
    return getattr(HistoricalRecords.context, "request", None)


class _Acting:
    """What the history and the trail read of a request, for work done on a user's behalf outside one."""

    def __init__(self, user):
        self.user = user
        self.META = {}  # no address: the worker is not where the user was


@contextmanager
def acting_as(user):
    """Work the worker does for a user (their import): its history records and audit entries name that user, as
    they would had the page done it. Inside a request it changes nothing."""
    context = HistoricalRecords.context
    if getattr(context, "request", None) is not None:
        yield
        return
    context.request = _Acting(user)
    try:
        yield
    finally:
        del context.request


def client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _user_of(request):
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def _show(field, value):
    if field in SENSITIVE_FIELDS:
        return MASKED if value not in (None, "") else ""
    if value is None:
        return None
    return str(value)


def _entry(
    *,
    kind,
    action,
    actor=None,
    username="",
    obj=None,
    model_label="",
    object_id="",
    object_repr="",
    changes=(),
    path="",
    status_code=None,
    request,
):
    """One entry as ``audit_record`` writes it, not yet saved (``request``: the one being served, or None)."""
    actor = actor or _user_of(request)
    if obj is not None:
        model_label = obj._meta.label
        object_id = str(obj.pk)
        object_repr = str(obj)
    return AuditEntry(
        created_at=timezone.now(),
        kind=kind,
        action=action,
        actor_id=actor.pk if actor else None,
        actor_username=actor.get_username() if actor else username,
        model_label=model_label,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=[
            {"field": c["field"], "before": _show(c["field"], c["before"]), "after": _show(c["field"], c["after"])}
            for c in changes
        ],
        ip_address=client_ip(request),
        path=path[: AuditEntry._meta.get_field("path").max_length],
        status_code=status_code,
    )


def audit_record(*, request=None, **fields):
    """Add one entry to the trail (one INSERT); it is sealed into the chain once the caller commits. The
    fields are ``_entry``'s: kind, action, actor or username, obj or model_label/object_id/object_repr,
    changes, path, status_code; ``request`` is the one being served unless given."""
    entry = _entry(request=request or current_request(), **fields)
    entry.save(force_insert=True)
    _seal_after_commit()
    return entry


def _history_entry(history_instance, instance, history_user, previous, request):
    """The entry of one simple-history record (``previous``: the record before it, for a change), or None
    when it changed nothing tracked."""
    history_type = history_instance.history_type
    fields = [f.name for f in history_instance.tracked_fields]
    if history_type == "+":
        action = AuditEntry.Action.CREATE
        changes = [{"field": f, "before": None, "after": _value(history_instance, f)} for f in fields]
    elif history_type == "-":
        action = AuditEntry.Action.DELETE
        changes = [{"field": f, "before": _value(history_instance, f), "after": None} for f in fields]
    else:
        action = AuditEntry.Action.UPDATE
        if previous is None:
            changes = [{"field": f, "before": None, "after": _value(history_instance, f)} for f in fields]
        else:
            delta = history_instance.diff_against(previous)
            changes = [{"field": c.field, "before": c.old, "after": c.new} for c in delta.changes]
        if not changes:
            return None  # A save that changed nothing tracked (a login's last_login, say).
    return _entry(
        kind=AuditEntry.Kind.DATA,
        action=action,
        actor=history_user if history_user is not None and history_user.is_authenticated else None,
        obj=instance,
        changes=[c for c in changes if not (c["before"] in (None, "") and c["after"] in (None, ""))],
        request=request,
    )


def audit_history_record(*, history_instance, instance, history_user):
    """Turn one simple-history record into an audit entry with its before/after."""
    previous = history_instance.prev_record if history_instance.history_type == "~" else None
    entry = _history_entry(history_instance, instance, history_user, previous, current_request())
    if entry is None:
        return None
    entry.save(force_insert=True)
    _seal_after_commit()
    return entry


PREVIOUS_CHUNK = 2000  # object ids per query (SQLite's limit on parameters)


def _previous_records(history_instances):
    """{id(record): the record before it} for changed-records ("~"), as ``prev_record`` finds each (the
    latest of the same object and model dated before it), in one query per model and chunk of objects."""
    found = {}
    by_model = {}
    for record in history_instances:
        if record.history_type == "~":
            by_model.setdefault(type(record), []).append(record)
    for model, records in by_model.items():
        object_ids = sorted({r.id for r in records})
        latest = max(r.history_date for r in records)
        earlier = {}
        for start in range(0, len(object_ids), PREVIOUS_CHUNK):
            rows = model.objects.filter(
                id__in=object_ids[start : start + PREVIOUS_CHUNK], history_date__lt=latest
            ).order_by("history_date", "pk")
            for row in rows:
                earlier.setdefault(row.id, []).append(row)
        for record in records:
            before = [row for row in earlier.get(record.id, ()) if row.history_date < record.history_date]
            found[id(record)] = before[-1] if before else None
    return found


def audit_history_records(records):
    """``audit_history_record`` for many simple-history records at once (bulk writes: imports): the same
    entries, in the same order, in a few queries whatever their number. ``records``: (history_instance,
    instance, history_user). Returns the entries written.

    The records before the changed ones are read in a query per model, not one each. On PostgreSQL the
    entries are sealed as they are written (``_insert_sealed``), so the caller should call this last in its
    transaction: the chain lock is held until that transaction ends. Elsewhere they are inserted in bulk and
    sealed after the commit, as single entries are."""
    records = list(records)
    previous = _previous_records([history_instance for history_instance, _i, _u in records])
    request = current_request()
    entries = [
        entry
        for history_instance, instance, history_user in records
        if (
            entry := _history_entry(
                history_instance, instance, history_user, previous.get(id(history_instance)), request
            )
        )
        is not None
    ]
    if not entries:
        return entries
    if connection.vendor == "postgresql" and all(_stored_as_given(entry) for entry in entries):
        _insert_sealed(entries)
    else:
        AuditEntry.objects.bulk_create(entries, batch_size=SEAL_BATCH)
        _seal_after_commit()
    return entries


def _stored_as_given(entry):
    """Whether the entry reads back exactly as built, so its hash can be computed before it is stored: true
    but for an IP address PostgreSQL might write differently (IPv6 has several spellings)."""
    if entry.ip_address is None:
        return True
    try:
        address = ipaddress.ip_address(entry.ip_address)
    except ValueError:
        return False
    return address.version == 4 and str(address) == entry.ip_address


def _insert_sealed(entries):
    """Write ``entries`` already sealed, with one COPY, instead of an INSERT and an UPDATE each.

    Their ids are taken from the table's sequence first (the hash covers the id); then, under the chain lock
    (held until the caller's transaction ends, as a seal holds it until its own ends), each gets the next
    ``seq``, the hash of the one before and its own hash, computed as ``audit_seal`` computes it from a
    stored entry: every hashed field is stored as given (``_stored_as_given``; the time to the microsecond).
    Rolled back, nothing of them stays: the chain's head is still the last committed entry."""
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(entries)]
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    _lock_chain()
    head = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = head or (0, chain.GENESIS)
    for entry, pk in zip(entries, sorted(ids), strict=True):
        seq += 1
        entry.id, entry.seq, entry.prev_hash = pk, seq, prev_hash
        entry.hash = prev_hash = chain.entry_hash(chain.record_of(entry))
    _copy(entries)


COPY_FIELDS = (*chain.CONTENT_FIELDS, *chain.CHAIN_FIELDS, "hash")


def _copy_text(value):
    """A value in COPY's text format (the hashed fields are text, numbers, a time, JSON or null)."""
    if value is None:
        return "\\N"
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
    elif isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy(entries):
    """Insert complete entries with one COPY (PostgreSQL): half the time of a multi-row INSERT, which
    spells out every value as a parameter."""
    columns = ", ".join(connection.ops.quote_name(AuditEntry._meta.get_field(f).column) for f in COPY_FIELDS)
    rows = io.StringIO()
    for entry in entries:
        rows.write("\t".join(_copy_text(getattr(entry, f)) for f in COPY_FIELDS) + "\n")
    rows.seek(0)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", rows)
    for entry in entries:
        entry._state.adding, entry._state.db = False, connection.alias


def _value(history_instance, field_name):
    field = history_instance.instance_type._meta.get_field(field_name)
    return getattr(history_instance, field.attname)


# The chain -----------------------------------------------------------------------------------------


def _seal_quietly():
    """Seal after a commit; a failure leaves the entries pending for the next seal, never breaks the
    request whose data is already committed."""
    try:
        audit_seal()
    except DatabaseError:
        logger.exception("Sealing audit entries failed; they stay pending until the next seal.")


def _seal_after_commit():
    """Seal once the current transaction commits (at once outside one), once per transaction."""
    conn = transaction.get_connection()
    # run_on_commit holds (savepoint ids, callable, robust) tuples; one seal covers every entry.
    if any(pending[1] is _seal_quietly for pending in conn.run_on_commit):
        return
    transaction.on_commit(_seal_quietly)


def _lock_chain():
    """Serialise sealing: held until the sealing transaction ends (a few milliseconds).

    On SQLite (the embedded demo) there is no such lock; the unique ``seq`` refuses a fork, and the
    entries of a refused seal stay pending for the next one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def audit_seal():
    """Seal every entry not yet in the chain, oldest id first; returns how many were sealed.

    Each hash is computed from the entry as read back from the database, so it covers exactly what
    is stored (the same reading ``audit_verify`` does). A batch of SEAL_BATCH entries is read with one
    query and sealed with one UPDATE."""
    sealed = 0
    with transaction.atomic():
        _lock_chain()
        head = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = head or (0, chain.GENESIS)
        while batch := list(
            AuditEntry.objects.filter(seq__isnull=True).order_by("id").values(*chain.CONTENT_FIELDS)[:SEAL_BATCH]
        ):
            seals = []
            for entry in batch:
                seq += 1
                digest = chain.entry_hash(chain.record_of(entry, seq=seq, prev_hash=prev_hash))
                seals.append((entry["id"], seq, prev_hash, digest))
                prev_hash = digest
            if AuditEntry.objects.all()._seal_many(seals) != len(seals):
                # Sealed by someone else meanwhile: only possible without the lock; never guess on.
                raise DatabaseError("Audit entries were sealed concurrently; this seal is abandoned.")
            sealed += len(batch)
    return sealed


class _Break(NamedTuple):
    problem: str
    entry: dict | None
    detail: str


def _walk(checkpoint):
    """Stream the sealed entries in chain order (constant memory); returns (count, head, first break)."""
    expected_seq, prev_hash, count, head = 1, chain.GENESIS, 0, None
    fields = (*chain.CONTENT_FIELDS, *chain.CHAIN_FIELDS, "hash")
    entries = AuditEntry.objects.filter(seq__isnull=False).order_by("seq").values(*fields)
    for entry in entries.iterator(chunk_size=2000):
        if entry["seq"] != expected_seq:
            missing = f"{expected_seq}" if entry["seq"] == expected_seq + 1 else f"{expected_seq}-{entry['seq'] - 1}"
            return count, head, _Break(ChainVerification.Problem.MISSING, entry, f"Sequence {missing} is missing.")
        if entry["prev_hash"] != prev_hash:
            detail = f"Its prev_hash is {entry['prev_hash']}; the entry before has hash {prev_hash}."
            return count, head, _Break(ChainVerification.Problem.LINK, entry, detail)
        computed = chain.entry_hash(entry)
        if computed != entry["hash"]:
            detail = f"Stored hash {entry['hash']}; the stored values hash to {computed}."
            return count, head, _Break(ChainVerification.Problem.CONTENT, entry, detail)
        if checkpoint is not None and entry["seq"] == checkpoint.head_seq and entry["hash"] != checkpoint.head_hash:
            detail = f"Hash {entry['hash']}; it was {checkpoint.head_hash} when verified at {checkpoint.checked_at}."
            return count, head, _Break(ChainVerification.Problem.CHECKPOINT, entry, detail)
        count += 1
        head = entry
        expected_seq += 1
        prev_hash = entry["hash"]
    if checkpoint is not None and checkpoint.head_seq is not None and expected_seq - 1 < checkpoint.head_seq:
        detail = (
            f"The chain ends at sequence {expected_seq - 1}; it reached {checkpoint.head_seq} "
            f"when verified at {checkpoint.checked_at}."
        )
        return count, head, _Break(ChainVerification.Problem.TRUNCATED, head, detail)
    return count, head, None


def audit_verify():
    """Seal what is pending, walk the whole chain and record what was found (a ChainVerification).

    Reports the first broken link: a gap in the sequence (entries deleted), a ``prev_hash`` that is
    not the previous entry's hash, stored values that no longer give the stored hash (an entry
    edited), or a chain that no longer contains the head of the last intact verification."""
    _seal_quietly()
    intact = ChainVerification.objects.filter(ok=True, head_seq__isnull=False)
    checkpoint = intact.order_by("-checked_at", "-id").first()
    count, head, broken = _walk(checkpoint)
    result = ChainVerification(
        ok=broken is None,
        entries=count,
        pending=AuditEntry.objects.filter(seq__isnull=True).count(),
        head_seq=head["seq"] if head else None,
        head_hash=head["hash"] if head else "",
    )
    if broken is not None:
        result.problem = broken.problem
        result.detail = broken.detail
        if broken.entry is not None:
            result.entry_id = broken.entry["id"]
            result.entry_seq = broken.entry["seq"]
            result.entry_created_at = broken.entry["created_at"]
        logger.error("The audit chain is broken: %s", result.describe())
    result.save()
    return result


def audit_export_record(*, user, request, fmt):
    """Record that ``user`` exported the trail (what was asked for), then seal, so every exported
    entry, this one included, carries its hash."""
    audit_record(
        kind=AuditEntry.Kind.ACCESS,
        action=AuditEntry.Action.EXPORT,
        actor=user,
        object_repr=fmt,
        path=request.get_full_path(),
        request=request,
    )
    _seal_quietly()


# NPC deputies' reads -----------------------------------------------------------------------------


class ReadQuota(NamedTuple):
    allowed: bool
    count: int
    limit: int
    retry_after: int

    @property
    def first_refusal(self):
        return self.count == self.limit + 1

    def message(self):
        return _(
            "Too many reads: an NPC deputy's account may open at most %(limit)d pages or API results a "
            "minute, so that the portal stays available and its data is not harvested in bulk. "
            "Please wait %(seconds)d seconds and try again."
        ) % {"limit": self.limit, "seconds": self.retry_after}


def oversight_read_take(*, user, now=None):
    """Count one read by ``user`` in the current minute (a fixed window in the shared cache) and say
    whether it is within ``OVERSIGHT_READS_PER_MINUTE``. ``add`` then ``incr`` keep the count exact
    under concurrent requests (atomic in Redis)."""
    now = time.time() if now is None else now
    window = int(now // 60)
    key = f"oversight-reads:{user.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    limit = settings.OVERSIGHT_READS_PER_MINUTE
    return ReadQuota(allowed=count <= limit, count=count, limit=limit, retry_after=max(1, 60 - int(now) % 60))
