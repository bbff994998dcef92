"""The shipped URLconf plus the benchmark's baseline: a minimal DRF list over the same table
(``/bench/projects-minimal/``), never part of cizhou_invest.urls."""

from django.urls import path
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from cizhou_invest.urls import handler403, handler404, handler500  # noqa: F401
from cizhou_invest.urls import urlpatterns as shipped
from projects.api import ProjectOutput
from projects.models import Project

# The list API's own columns (projects.api.ProjectOutput), without what needs a join or a method: the
# related rows' names and the unit conversions, which are no columns of the table.
COLUMNS = {field.name for field in Project._meta.concrete_fields}
MINIMAL_FIELDS = [name for name in ProjectOutput.Meta.fields if name in COLUMNS]


class MinimalProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = MINIMAL_FIELDS
        ref_name = "BenchMinimalProject"


class MinimalProjectList(ListAPIView):
    """The least a DRF list of projects does: the default authentication, permission and pagination
    (token, IsAuthenticated, 50 a page with a count), one table, the model's ordering, no scope, no filters."""

    serializer_class = MinimalProjectSerializer
    filter_backends = []
    queryset = Project.objects.order_by("-created_at", "-id")


urlpatterns = [
    path("bench/projects-minimal/", MinimalProjectList.as_view(), name="bench_projects_minimal"),
    *shipped,
]
