"""The oversight portal's API: what the portal's pages show, for other systems (the NPC's own). Read-only;
each serializer names its fields (an allow-list) and reads the selectors' masked rows, never a model."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import get_visible_or_404, require
from decisions.models import Minute
from monitoring.models import Finding
from oversight import selectors
from projects.models import Project, Tier


class PortalFactSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()

    def to_representation(self, instance):
        label, value = instance
        return {"label": str(label), "value": "" if value is None else str(value)}


class PortalMinuteRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    meeting = serializers.CharField()
    meeting_date = serializers.DateField()
    project_id = serializers.IntegerField(source="project_pk")
    project_code = serializers.CharField()
    project_name = serializers.CharField()
    landing_unit = serializers.CharField()
    tier = serializers.CharField()


class PortalTermSerializer(serializers.Serializer):
    kind = serializers.CharField()
    amount = serializers.CharField(allow_null=True, help_text="Yuan; “（保密）” when confidential.")
    rate = serializers.CharField(allow_null=True)
    clause = serializers.CharField()
    conditions = serializers.CharField()
    minute_number = serializers.CharField()


class PortalMinuteDetailSerializer(serializers.Serializer):
    minute = PortalMinuteRowSerializer()
    facts = PortalFactSerializer(many=True)
    project = PortalFactSerializer(many=True)
    terms = PortalTermSerializer(many=True)
    superseded = serializers.BooleanField()


class PortalProjectRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    landing_unit = serializers.CharField()
    stage = serializers.CharField()
    tier = serializers.CharField()
    committed = serializers.DecimalField(max_digits=18, decimal_places=2)
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    clawback_open = serializers.DecimalField(max_digits=18, decimal_places=2)


class PortalItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    basis = serializers.CharField()
    cap = serializers.DecimalField(max_digits=18, decimal_places=2)
    condition = serializers.CharField()
    earliest = serializers.DateField()
    paid = serializers.DecimalField(max_digits=18, decimal_places=2)
    approved = serializers.DecimalField(max_digits=18, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=18, decimal_places=2)


class PortalGradeSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    year_after_production = serializers.IntegerField()
    investment_ratio = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    tax_ratio = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    energy_ratio = serializers.DecimalField(max_digits=10, decimal_places=1, allow_null=True)
    ratio = serializers.DecimalField(max_digits=10, decimal_places=1)
    grade = serializers.CharField()


class PortalFindingRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    project_id = serializers.IntegerField(source="project_pk")
    project_code = serializers.CharField()
    kind = serializers.CharField()
    period = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField()
    opened_at = serializers.DateTimeField()
    deadline = serializers.DateField(allow_null=True)


class PortalClawBackSerializer(serializers.Serializer):
    opened_at = serializers.DateTimeField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    outstanding = serializers.DecimalField(max_digits=18, decimal_places=2)
    status = serializers.CharField()
    reason = serializers.CharField()


class PortalProjectDetailSerializer(serializers.Serializer):
    facts = PortalFactSerializer(many=True)
    terms = PortalTermSerializer(many=True)
    items = PortalItemSerializer(many=True)
    clawbacks = PortalClawBackSerializer(many=True)
    agreement = PortalFactSerializer(many=True, allow_null=True)
    grades = PortalGradeSerializer(many=True)
    findings = PortalFindingRowSerializer(many=True)


class _RowsApi(ListAPIView):
    """A paged list of the selectors' rows (dicts), each turned into its allow-listed row."""

    filter_backends = []
    present = None

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        rows = [type(self).present(row) for row in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class DecisionListApi(_RowsApi):
    """Minutes of decisions (major ones unless ``?tier=`` says otherwise), newest first."""

    serializer_class = PortalMinuteRowSerializer
    present = staticmethod(selectors.minute_row)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Minute.objects.none()
        require(self.request.user, "oversight.view")
        tier = self.request.query_params.get("tier", Tier.MAJOR)
        return selectors.minutes(
            self.request.user, tier=tier if tier in Tier.values else None, q=self.request.query_params.get("q", "")
        )


class DecisionDetailApi(APIView):
    @extend_schema(responses=PortalMinuteDetailSerializer)
    def get(self, request, pk):
        require(request.user, "oversight.view")
        minute = get_visible_or_404(
            request.user, Minute.objects.select_related("project__investor", "project__landing_unit"), pk=pk
        )
        return Response(PortalMinuteDetailSerializer(selectors.minute_detail(minute)).data)


class ProjectListApi(_RowsApi):
    """Projects followed after their decision: commitments, payments and open claw-backs (yuan)."""

    serializer_class = PortalProjectRowSerializer
    present = staticmethod(selectors.project_row)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        require(self.request.user, "oversight.view")
        return selectors.followed_projects(self.request.user, q=self.request.query_params.get("q", ""))


class ProjectDetailApi(APIView):
    @extend_schema(responses=PortalProjectDetailSerializer)
    def get(self, request, pk):
        require(request.user, "oversight.view")
        project = get_visible_or_404(request.user, Project.objects.select_related("investor", "landing_unit"), pk=pk)
        return Response(PortalProjectDetailSerializer(selectors.project_detail(request.user, project)).data)


class FindingListApi(_RowsApi):
    """Findings, newest first; ``?status=active`` for the open ones."""

    serializer_class = PortalFindingRowSerializer
    present = staticmethod(selectors.finding_row)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        require(self.request.user, "oversight.view")
        status = self.request.query_params.get("status", "")
        return selectors.findings(
            self.request.user, status=status if status in {"active", *Finding.Status.values} else ""
        )
