from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import Unit, User
from accounts.roles import ADMIN_ROLES
from accounts.scoping import can, visible_to


def user_list(*, user, filters=None):
    filters = filters or {}
    qs = visible_to(user, User.objects.select_related("unit").prefetch_related("groups")).order_by("username")
    if filters.get("unit"):
        qs = qs.filter(unit=filters["unit"])
    if filters.get("role"):
        qs = qs.filter(groups__name=filters["role"])
    if filters.get("active") in ("yes", "no"):
        qs = qs.filter(is_active=filters["active"] == "yes")
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q))
    return qs


def unit_list(*, user):
    return visible_to(user, Unit.objects.all())


def locked_account_list(*, user):
    """Accounts locked out now: at the failure limit within the cool-off period."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        visible_to(user, AccessAttempt.objects.all())
        .filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)
        .exclude(username__isnull=True)
        .order_by("-attempt_time")
    )


def administrator_list(*, user):
    """The three administrators' accounts and the state of their second factor, for the security administrator."""
    if not can(user, "security.view"):
        return User.objects.none()
    return (
        visible_to(user, User.objects.filter(groups__name__in=ADMIN_ROLES, is_active=True))
        .select_related("second_factor")
        .distinct()
        .order_by("username")
    )
