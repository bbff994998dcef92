from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _

from accounts.models import PasswordPolicy, SecondFactor, Unit, User
from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope


def _only(*wanted, reason):
    def check(user, obj):
        return allow() if has_role(user, *wanted) else deny(reason)

    return check


rule("data.write", writes=True)(lambda user, obj: allow())

rule("users.view", writes=False)(
    _only(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, reason=_("Only administrators can see the user list."))
)
rule("users.manage", writes=True)(
    _only(Role.SYSTEM_ADMIN, reason=_("Only the system administrator manages users and roles."))
)
rule("units.manage", writes=True)(_only(Role.SYSTEM_ADMIN, reason=_("Only the system administrator manages units.")))
rule("security.view", writes=False)(
    _only(Role.SECURITY_ADMIN, reason=_("Only the security administrator manages lockouts and the password policy."))
)
rule("security.manage", writes=True)(
    _only(Role.SECURITY_ADMIN, reason=_("Only the security administrator manages lockouts and the password policy."))
)
rule("second_factor.reset", writes=True)(
    _only(Role.SECURITY_ADMIN, reason=_("Only the security administrator resets a second factor."))
)
rule("admin.access", writes=False)(
    _only(Role.SYSTEM_ADMIN, reason=_("The administration site is for the system administrator."))
)


@scope(User)
def users_visible(user, queryset):
    if has_role(user, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        return queryset
    return queryset.filter(pk=user.pk)


@scope(Unit)
def units_visible(user, queryset):
    # Units are shared reference data: everyone signed in may read them.
    return queryset


@scope(PasswordPolicy)
def password_policy_visible(user, queryset):
    return queryset if has_role(user, Role.SECURITY_ADMIN) else queryset.none()


@scope(AccessAttempt)
def lockouts_visible(user, queryset):
    return queryset if has_role(user, Role.SECURITY_ADMIN) else queryset.none()


@scope(SecondFactor)
def second_factors_visible(user, queryset):
    # Whether an administrator has enrolled, for the security administrator; the secret itself is never shown.
    return queryset if has_role(user, Role.SECURITY_ADMIN) else queryset.none()
