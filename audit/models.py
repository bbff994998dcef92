from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One line of the audit trail: who did what, when, to what, before and after.

    Data changes arrive from django-simple-history (every audited model keeps its own
    history table too); access events (logins, failures, logouts, unlocks) are written directly.
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

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["model_label", "object_id"], name="audit_object_idx")]

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
