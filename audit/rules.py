from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope
from audit.models import AuditEntry, ChainVerification


@rule("audit.view", writes=False)
def view_audit(user, obj):
    if has_role(user, Role.AUDIT_ADMIN):
        return allow()
    return deny(_("Only the audit administrator may read the audit trail."))


@scope(AuditEntry)
def audit_visible(user, queryset):
    return queryset if has_role(user, Role.AUDIT_ADMIN) else queryset.none()


@scope(ChainVerification)
def verification_visible(user, queryset):
    return queryset if has_role(user, Role.AUDIT_ADMIN) else queryset.none()
