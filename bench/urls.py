"""The shipped URLconf plus the benchmark's baseline: a minimal DRF list over the same table
(``/bench/projects-minimal/``), never part of cizhou_invest.urls."""

from django.urls import path
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from cizhou_invest.urls import handler403, handler404, handler500  # noqa: F401
from cizhou_invest.urls import urlpatterns as shipped
from projects.models import Project

# The list API's own columns (projects.api.ProjectOutput), without what needs a join or a method: the
# related rows' names and the unit conversions.
MINIMAL_FIELDS = [
    "id",
    "code",
    "name",
    "investor",
    "industry",
    "landing_unit",
    "attracting_unit",
    "channel",
    "partner",
    "total_investment",
    "foreign_capital_usd",
    "land_mode",
    "land_area_m2",
    "expected_annual_output",
    "expected_annual_tax",
    "is_profit_reinvestment",
    "is_key_chain",
    "description",
    "tier",
    "stage",
    "stage_changed_at",
    "production_start_date",
    "created_at",
]


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
