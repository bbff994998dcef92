from django.contrib import admin

from accounts.admin import ScopedModelAdmin
from core.models import TaskRun


@admin.register(TaskRun)
class TaskRunAdmin(ScopedModelAdmin):
    list_display = ["task", "started_at", "finished_at", "outcome"]
    list_filter = ["outcome", "task"]
    readonly_fields = ["task", "started_at", "finished_at", "outcome", "counts", "error"]
