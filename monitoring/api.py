"""Indicator data and the dual contract over REST. Writes go through monitoring.services."""

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import get_visible_or_404, require, visible_to
from core.api import query_params
from core.errors import ApplicationError
from monitoring import selectors, services
from monitoring.checks import ACTIVE, REQUIRED, last_complete_year
from monitoring.grading import project_grades
from monitoring.models import (
    Checkpoint,
    EquityChange,
    Finding,
    FindingAction,
    Indicator,
    IndicatorValue,
    LandContract,
    PerformanceAgreement,
)
from monitoring.rules import supplied_by
from projects import selectors as project_selectors
from projects.models import Company


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "year", "version", "value", "is_current", "supplied_by", "submitted_at", "source"]
        ref_name = "IndicatorValue"


class IndicatorListApi(APIView):
    """A project's indicator values: the current ones, or every version with ``?history=1``."""

    class FilterSerializer(serializers.Serializer):
        history = serializers.BooleanField(required=False)

    @extend_schema(parameters=[FilterSerializer], responses=IndicatorValueSerializer(many=True))
    def get(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        rows = visible_to(request.user, IndicatorValue.objects.filter(project=project))
        if not query_params(request, self.FilterSerializer).get("history"):
            rows = rows.filter(is_current=True)
        return Response(IndicatorValueSerializer(rows.order_by("indicator", "year", "version"), many=True).data)


class IndicatorUpsertApi(APIView):
    """Set one value for a project, indicator and year. Idempotent: the same value, or the same
    ``Idempotency-Key`` header, changes nothing (200); a new value is a new version (201)."""

    class InputSerializer(serializers.Serializer):
        value = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)

        class Meta:
            ref_name = "IndicatorUpsertInput"

    @extend_schema(
        request=InputSerializer,
        responses={200: IndicatorValueSerializer, 201: IndicatorValueSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def put(self, request, pk, indicator, year):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        if indicator not in Indicator.values:
            message = _("Unknown indicator; use one of: %(names)s.") % {"names": ", ".join(Indicator.values)}
            raise ApplicationError(message, errors={"indicator": [message]}, status_code=404)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value, created = services.indicator_submit(
            actor=request.user,
            project=project,
            indicator=indicator,
            year=year,
            value=data.validated_data["value"],
            source=IndicatorValue.Source.API,
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        return Response(
            IndicatorValueSerializer(value).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class GradeListApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "YearGrade",
            {
                "year": serializers.IntegerField(),
                "year_after_production": serializers.IntegerField(),
                "ratio": serializers.FloatField(allow_null=True),
                "grade": serializers.CharField(allow_null=True),
                "indicators": serializers.ListField(child=serializers.DictField()),
            },
            many=True,
        )
    )
    def get(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        return Response(
            [
                {
                    "year": g["year"],
                    "year_after_production": g["n"],
                    "ratio": g["ratio"],
                    "grade": g["grade"],
                    "indicators": [
                        {k: c[k] for k in ("key", "actual", "committed", "ratio", "grade")} for c in g["cells"]
                    ],
                }
                for g in project_grades(project)
            ]
        )


# The dual contract ---------------------------------------------------------------------------------------


class LandContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = LandContract
        fields = [
            "id",
            "parcel",
            "number",
            "area_m2",
            "price",
            "signed_on",
            "delivery_date",
            "construction_start_deadline",
            "completion_deadline",
            "production_deadline",
        ]
        read_only_fields = ["id"]
        # Uniqueness is the service's to check (it answers with a field error).
        extra_kwargs = {"number": {"validators": []}}


class LandContractListApi(APIView):
    """A project's land-transfer contracts; 资规局 records one with POST."""

    @extend_schema(responses=LandContractSerializer(many=True))
    def get(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        rows = visible_to(request.user, LandContract.objects.filter(project=project))
        return Response(LandContractSerializer(rows, many=True).data)

    @extend_schema(request=LandContractSerializer, responses={201: LandContractSerializer})
    def post(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        data = LandContractSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contract = services.land_contract_create(actor=request.user, project=project, **data.validated_data)
        return Response(LandContractSerializer(contract).data, status=status.HTTP_201_CREATED)


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["year", "description"]


class AgreementSerializer(serializers.ModelSerializer):
    checkpoints = CheckpointSerializer(many=True, required=False)

    class Meta:
        model = PerformanceAgreement
        fields = [
            "id",
            "number",
            "signed_on",
            "investment_per_mu",
            "tax_per_mu",
            "value_added_per_energy",
            "value_added_per_mu",
            "rd_share",
            "liquidated_damages",
            "repay_incentives",
            "land_taken_back",
            "checkpoints",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"number": {"validators": []}}


class AgreementApi(APIView):
    """A project's performance agreement (404 when none); the centre or the landing unit signs it with POST."""

    @extend_schema(responses=AgreementSerializer)
    def get(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        agreement = get_visible_or_404(request.user, PerformanceAgreement.objects.all(), project=project)
        return Response(AgreementSerializer(agreement).data)

    @extend_schema(request=AgreementSerializer, responses={201: AgreementSerializer})
    def post(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        data = AgreementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        checkpoints = {c["year"]: c["description"] for c in fields.pop("checkpoints", [])}
        agreement = services.agreement_create(actor=request.user, project=project, checkpoints=checkpoints, **fields)
        return Response(AgreementSerializer(agreement).data, status=status.HTTP_201_CREATED)


# Findings --------------------------------------------------------------------------------------------------


class FindingActionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = FindingAction
        fields = ["from_status", "to_status", "actor", "at", "note", "exemption", "run"]


class FindingSerializer(serializers.ModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "project",
            "project_code",
            "kind",
            "period",
            "severity",
            "owner",
            "co_owner",
            "evidence",
            "deadline",
            "status",
            "opened_at",
            "exemption",
        ]


class FindingDetailSerializer(FindingSerializer):
    actions = FindingActionSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "actions"]


FINDING_FILTERS = {"kind": Finding.Kind, "severity": Finding.Severity}


class FindingListApi(ListAPIView):
    """Findings in the caller's scope. Filters: ``status`` (or ``active``), ``severity``, ``kind``,
    ``owner`` (a unit id, owner or co-owner), ``project``."""

    serializer_class = FindingSerializer
    filter_backends = []

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=["active", *Finding.Status.values], required=False)
        severity = serializers.ChoiceField(choices=Finding.Severity.choices, required=False)
        kind = serializers.ChoiceField(choices=Finding.Kind.choices, required=False)
        owner = serializers.IntegerField(required=False)
        project = serializers.IntegerField(required=False)

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        require(self.request.user, "projects.view")
        params = query_params(self.request, self.FilterSerializer)
        rows = visible_to(self.request.user, Finding.objects.select_related("project"))
        if params.get("status") == "active":
            rows = rows.filter(status__in=ACTIVE)
        elif "status" in params:
            rows = rows.filter(status=params["status"])
        for key in FINDING_FILTERS:
            if key in params:
                rows = rows.filter(**{key: params[key]})
        if "owner" in params:
            rows = rows.filter(Q(owner_id=params["owner"]) | Q(co_owner_id=params["owner"]))
        if "project" in params:
            rows = rows.filter(project_id=params["project"])
        return rows.order_by("-opened_at", "-id")


class FindingDetailApi(APIView):
    @extend_schema(responses=FindingDetailSerializer)
    def get(self, request, pk):
        finding = get_visible_or_404(
            request.user, Finding.objects.select_related("project").prefetch_related("actions__actor"), pk=pk
        )
        return Response(FindingDetailSerializer(finding).data)


class FindingActApi(APIView):
    """Move a finding: ``rectify``, ``resolve``, ``escalate`` or ``waive`` (with an approved exemption)."""

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=list(services.FINDING_ACTIONS))
        note = serializers.CharField(max_length=2000)
        exemption = serializers.IntegerField(required=False, allow_null=True)

        class Meta:
            ref_name = "FindingActInput"

    @extend_schema(request=InputSerializer, responses=FindingDetailSerializer)
    def post(self, request, pk):
        from decisions.models import Exemption

        finding = get_visible_or_404(request.user, Finding.objects.all(), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exemption_id = data.validated_data.get("exemption")
        exemption = Exemption.objects.filter(pk=exemption_id).first() if exemption_id else None
        services.finding_act(
            actor=request.user,
            finding=finding,
            action=data.validated_data["action"],
            note=data.validated_data["note"],
            exemption=exemption,
        )
        finding = Finding.objects.prefetch_related("actions__actor").get(pk=finding.pk)
        return Response(FindingDetailSerializer(finding).data)


# Equity changes and missing data ------------------------------------------------------------------------------


class EquityChangeSerializer(serializers.ModelSerializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())

    class Meta:
        model = EquityChange
        fields = [
            "id",
            "company",
            "registered_on",
            "transferor",
            "transferee",
            "share",
            "change_of_control",
            "approved",
            "approval_reference",
        ]
        read_only_fields = ["id"]


class EquityChangeListApi(ListAPIView):
    """Shareholder changes of land-holding companies (``?company=``); 市场监管局 records one with POST."""

    serializer_class = EquityChangeSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EquityChange.objects.none()
        require(self.request.user, "projects.view")
        rows = visible_to(self.request.user, EquityChange.objects.all())
        if self.request.query_params.get("company", "").isdigit():
            rows = rows.filter(company_id=self.request.query_params["company"])
        return rows.order_by("-registered_on", "-id")

    @extend_schema(request=EquityChangeSerializer, responses={201: EquityChangeSerializer})
    def post(self, request):
        data = EquityChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        company = fields.pop("company")
        change, created = services.equity_change_record(actor=request.user, company=company, **fields)
        return Response(
            EquityChangeSerializer(change).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class MissingDataApi(APIView):
    """What is missing for a year (default: the last complete one): for a bureau, the indicators it supplies;
    for others, all that the checks require."""

    class FilterSerializer(serializers.Serializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=inline_serializer(
            "MissingData",
            {
                "year": serializers.IntegerField(),
                "supervised": serializers.IntegerField(),
                "projects": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        require(request.user, "indicator_data.view")
        year = query_params(request, self.FilterSerializer).get("year") or last_complete_year()
        indicators = supplied_by(request.user) or REQUIRED
        projects, supervised = selectors.missing_data(user=request.user, year=year, indicators=indicators)
        return Response(
            {
                "year": year,
                "supervised": supervised,
                "projects": [
                    {
                        "id": p.pk,
                        "code": p.code,
                        "missing": [i for i in indicators if not getattr(p, f"has_{i}")],
                    }
                    for p in projects[:5000]
                ],
            }
        )
