from django.db import IntegrityError, connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(IntegrityError):
    """An attempt to change or remove audit data. PostgreSQL refuses it too (its triggers raise an
    IntegrityError); raising the same kind here lets every backend be handled alike."""


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are added, never changed or removed, whatever the database: update and delete refuse."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: rows are never changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only: rows are never deleted.")


class AppendOnlyModel(models.Model):
    """A model whose rows are written once. Saving an existing row or deleting one refuses."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only: rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only: rows are never deleted.")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def _seal_many(self, seals):
        """The one write after an insert: the chain fields of entries not yet sealed, ``seals`` being
        (id, seq, prev_hash, hash) each, in one UPDATE; returns how many rows it sealed.

        Only ``audit.services.audit_seal`` calls this (PostgreSQL's trigger allows exactly this too)."""
        if not seals:
            return 0
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        rows = ", ".join(["(%s, %s, %s, %s)"] * len(seals))
        # A join to the new values, not a CASE per row and column. PostgreSQL and SQLite both name the columns
        # of VALUES column1, column2...; an UPDATE (not a WITH) so that SQLite's driver reports the row count.
        sql = (
            f"UPDATE {table} SET seq = v.column2, prev_hash = v.column3, hash = v.column4 "  # noqa: S608  # nosec B608
            f"FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1 AND {table}.seq IS NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for seal in seals for value in seal])
            return cursor.rowcount


class AuditEntry(AppendOnlyModel):
    """One line of the audit trail: who did what, when, to what, before and after.

    Data changes arrive from django-simple-history (every audited model keeps its own
    history table too); access events (logins, failures, logouts, unlocks, NPC deputies' reads) are
    written directly. Every entry is written by ``audit.services.audit_record`` and never changed:
    shortly after its transaction commits it is sealed into the hash chain (``seq``, ``prev_hash``,
    ``hash``; see ``audit.chain``), which ``manage.py verify_audit`` walks.
    """

    class Kind(models.TextChoices):
        DATA = "data", _("Data change")
        ACCESS = "access", _("Access")

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        UNLOCK = "unlock", _("Account unlocked")
        TOKEN = "token", _("API token issued")
        READ = "read", _("Read")
        EXPORT = "export", _("Exported the audit trail")

    # Set in Python (not by the database) so the time hashed is the time stored.
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    # No foreign key: the trail must outlive the users it names, and is never cascaded.
    actor_id = models.BigIntegerField(_("user id"), null=True, blank=True, db_index=True)
    actor_username = models.CharField(_("user"), max_length=150, blank=True, db_index=True)
    model_label = models.CharField(_("model"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # For reads: the path and query asked for, and the HTTP status answered.
    path = models.CharField(_("path"), max_length=2000, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    # The hash chain; empty until the entry is sealed (see audit.chain).
    seq = models.BigIntegerField(_("sequence"), unique=True, null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("hash"), max_length=64, blank=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["model_label", "object_id"], name="audit_object_idx"),
            # The entries still to seal: few at any time, found without reading the whole trail.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unsealed_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_repr}"

    def _model(self):
        from django.apps import apps

        try:
            return apps.get_model(self.model_label)
        except (LookupError, ValueError):
            return None

    @property
    def model_verbose_name(self):
        model = self._model()
        return model._meta.verbose_name if model else self.model_label

    @property
    def labelled_changes(self):
        """The changes with each field's verbose name, for people to read."""
        model = self._model()
        labelled = []
        for change in self.changes:
            label = change["field"]
            if model is not None:
                try:
                    label = model._meta.get_field(change["field"]).verbose_name
                except Exception:  # noqa: BLE001 - a field since removed, or "roles": keep its name
                    label = change["field"]
            labelled.append({**change, "label": label})
        return labelled


class ChainVerification(AppendOnlyModel):
    """One walk of the hash chain (``manage.py verify_audit``, the daily task): what it found.

    The last intact walk's head (``head_seq``, ``head_hash``) is a checkpoint: a later walk that no
    longer finds it (entries removed from the end, or the chain rewritten) reports the chain broken.
    """

    class Problem(models.TextChoices):
        MISSING = "missing", _("Entries are missing before this one")
        LINK = "link", _("Its link to the entry before it does not match")
        CONTENT = "content", _("Its stored values do not match its hash")
        CHECKPOINT = "checkpoint", _("It differs from the chain verified earlier")
        TRUNCATED = "truncated", _("Entries verified earlier are missing from the end")

    checked_at = models.DateTimeField(_("checked at"), default=timezone.now, db_index=True)
    ok = models.BooleanField(_("intact"))
    entries = models.BigIntegerField(_("entries checked"), default=0)
    pending = models.BigIntegerField(_("entries not yet sealed"), default=0)
    head_seq = models.BigIntegerField(_("last sequence"), null=True, blank=True)
    head_hash = models.CharField(_("last hash"), max_length=64, blank=True)
    problem = models.CharField(_("problem"), max_length=20, choices=Problem.choices, blank=True)
    entry_id = models.BigIntegerField(_("entry id"), null=True, blank=True)
    entry_seq = models.BigIntegerField(_("entry sequence"), null=True, blank=True)
    entry_created_at = models.DateTimeField(_("entry time"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("chain verification")
        verbose_name_plural = _("chain verifications")

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M:%S} {'ok' if self.ok else self.problem}"

    def describe(self):
        """One line for people: intact with its size, or the first broken link with what mismatched."""
        if self.ok:
            return _("The chain is intact: %(n)d entries, last sequence %(seq)s, last hash %(hash)s.") % {
                "n": self.entries,
                "seq": self.head_seq if self.head_seq is not None else "-",
                "hash": self.head_hash or "-",
            }
        where = _("entry #%(id)s (sequence %(seq)s, %(time)s)") % {
            "id": self.entry_id if self.entry_id is not None else "-",
            "seq": self.entry_seq if self.entry_seq is not None else "-",
            "time": timezone.localtime(self.entry_created_at).isoformat() if self.entry_created_at else "-",
        }
        return _("The chain is broken at %(where)s: %(problem)s. %(detail)s") % {
            "where": where,
            "problem": self.get_problem_display(),
            "detail": self.detail,
        }
