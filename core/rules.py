from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.scoping import allow, deny, has_role, rule, scope
from core.models import TaskRun


@rule("taskruns.view", writes=False)
def view_task_runs(user, obj):
    if has_role(user, Role.SYSTEM_ADMIN, Role.CENTRE):
        return allow()
    return deny(_("Only the centre and the system administrator see scheduled task runs."))


@scope(TaskRun)
def task_runs_visible(user, queryset):
    return queryset if view_task_runs(user, None) else queryset.none()
