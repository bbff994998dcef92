"""Indicator data and the dual contract over REST. Writes go through monitoring.services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import visible_to
from core.errors import ApplicationError
from monitoring import services
from monitoring.grading import project_grades
from monitoring.models import Indicator, IndicatorValue
from projects import selectors as project_selectors


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["id", "indicator", "year", "version", "value", "is_current", "supplied_by", "submitted_at", "source"]
        ref_name = "IndicatorValue"


class IndicatorListApi(APIView):
    """A project's indicator values: the current ones, or every version with ``?history=1``."""

    @extend_schema(parameters=[OpenApiParameter("history", bool)], responses=IndicatorValueSerializer(many=True))
    def get(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        rows = visible_to(request.user, IndicatorValue.objects.filter(project=project))
        if request.query_params.get("history") not in ("1", "true"):
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
                "ratio": serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True),
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
