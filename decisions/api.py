"""The decision workflow over REST. Thin: every write goes through decisions.services."""

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.scoping import get_visible_or_404, require, visible_to
from decisions import selectors, services
from decisions.models import (
    Dimension,
    EvaluationMember,
    EvaluationOpinion,
    Exemption,
    Minute,
    PreferentialTerm,
    Rating,
    Step,
    StepRecord,
    Submission,
    TierRuleSet,
)
from projects import selectors as project_selectors


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreferentialTerm
        fields = ["id", "kind", "amount", "rate", "clause", "conditions"]
        ref_name = "PreferentialTerm"


class MinuteSerializer(serializers.ModelSerializer):
    terms = TermSerializer(many=True, read_only=True)
    superseded_by = serializers.SerializerMethodField()
    project_code = serializers.CharField(source="project.code", read_only=True)

    class Meta:
        model = Minute
        fields = [
            "id",
            "number",
            "project",
            "project_code",
            "meeting",
            "meeting_date",
            "attendees",
            "conclusion",
            "conditions",
            "issued_at",
            "supersedes",
            "superseded_by",
            "terms",
        ]
        ref_name = "Minute"

    def get_superseded_by(self, minute) -> int | None:
        return minute.superseded_by.pk if not minute.is_current else None


class StepSerializer(serializers.ModelSerializer):
    minutes = MinuteSerializer(many=True, read_only=True)

    class Meta:
        model = StepRecord
        fields = ["id", "step", "outcome", "recorded_by", "recorded_at", "minutes"]
        ref_name = "DecisionStep"


class SubmissionSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "round", "submitted_on", "rule_set", "tier", "tier_reasons", "status", "steps"]
        ref_name = "Submission"


class MinuteInput(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    meeting_date = serializers.DateField()
    chair = serializers.CharField(max_length=100)
    attendees = serializers.CharField()
    conclusion = serializers.CharField()
    conditions = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "MinuteInput"


class TermInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PreferentialTerm.Kind.choices)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    rate = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    clause = serializers.CharField(max_length=200)
    conditions = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        ref_name = "TermInput"


def _project(request, pk):
    return project_selectors.project_detail(user=request.user, pk=pk)


class ProjectDecisionApi(APIView):
    """A project's tier (and reasons), its submissions with every step and minute, and the next step."""

    @extend_schema(
        responses=inline_serializer(
            "ProjectDecision",
            {
                "project": serializers.IntegerField(),
                "stage": serializers.CharField(),
                "tier": serializers.CharField(),
                "tier_today": inline_serializer(
                    "TierToday",
                    {"tier": serializers.CharField(), "reasons": serializers.ListField(child=serializers.CharField())},
                ),
                "next_step": serializers.CharField(allow_null=True),
                "may_record_next_step": serializers.BooleanField(),
                "refusal": serializers.CharField(),
                "submissions": SubmissionSerializer(many=True),
            },
        )
    )
    def get(self, request, pk):
        project = _project(request, pk)
        tier, reasons = services.classify(project, services.rules_in_force(timezone.localdate()))
        step, verdict = services.step_check(user=request.user, project=project)
        submissions = visible_to(request.user, Submission.objects.filter(project=project)).prefetch_related(
            "steps__minutes__terms"
        )
        return Response(
            {
                "project": project.pk,
                "stage": project.stage,
                "tier": project.tier,
                "tier_today": {"tier": tier, "reasons": [str(r) for r in reasons]},
                "next_step": step,
                "may_record_next_step": bool(verdict),
                "refusal": verdict.reason if verdict else "",
                "submissions": SubmissionSerializer(submissions, many=True).data,
            }
        )


class DecisionStepApi(APIView):
    """Record the next step of the chain, with its minutes and any preferential terms."""

    class InputSerializer(serializers.Serializer):
        step = serializers.ChoiceField(choices=Step.choices)
        outcome = serializers.ChoiceField(choices=StepRecord.Outcome.choices)
        minute = MinuteInput()
        terms = TermInput(many=True, required=False, default=list)

        class Meta:
            ref_name = "DecisionStepInput"

    @extend_schema(request=InputSerializer, responses={201: StepSerializer})
    def post(self, request, pk):
        project = _project(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.decision_record(actor=request.user, project=project, **data.validated_data)
        return Response(StepSerializer(record).data, status=status.HTTP_201_CREATED)


class _ProjectPartApi(APIView):
    """GET lists a part of a project (``related``); POST adds one through ``create(actor, project, **data)``."""

    related = ""
    OutputSerializer = InputSerializer = None

    def create(self, *, actor, project, **data):
        raise ImproperlyConfigured(f"{type(self).__name__} must define create()")

    def get(self, request, pk):
        project = _project(request, pk)
        return Response(self.OutputSerializer(getattr(project, self.related).all(), many=True).data)

    def post(self, request, pk):
        project = _project(request, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = self.create(actor=request.user, project=project, **data.validated_data)
        return Response(self.OutputSerializer(created).data, status=status.HTTP_201_CREATED)


class EvaluationMemberApi(_ProjectPartApi):
    related = "evaluation_members"

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = EvaluationMember
            fields = ["id", "user", "is_lead", "assigned_at"]
            ref_name = "EvaluationMember"

    class InputSerializer(serializers.Serializer):
        user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
        is_lead = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "EvaluationMemberInput"

    def create(self, **kwargs):
        return services.evaluation_member_add(**kwargs)

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request, pk):
        return super().get(request, pk)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, pk):
        return super().post(request, pk)


class EvaluationOpinionApi(_ProjectPartApi):
    related = "evaluation_opinions"

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = EvaluationOpinion
            fields = ["id", "author", "ratings", "conclusion", "recommend", "written_at"]
            ref_name = "EvaluationOpinion"

    class InputSerializer(serializers.Serializer):
        ratings = serializers.DictField(
            child=serializers.DictField(),
            help_text="{" + ", ".join(Dimension.values) + "}: {rating: " + "|".join(Rating.values) + ", text}",
        )
        conclusion = serializers.CharField()
        recommend = serializers.BooleanField()

        class Meta:
            ref_name = "EvaluationOpinionInput"

    def create(self, **kwargs):
        return services.evaluation_opinion_write(**kwargs)

    @extend_schema(responses=OutputSerializer(many=True))
    def get(self, request, pk):
        return super().get(request, pk)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, pk):
        return super().post(request, pk)


class MinuteListApi(ListAPIView):
    """The minutes register; ``?q=`` searches number, project and terms. Minutes are never edited."""

    serializer_class = MinuteSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Minute.objects.none()
        require(self.request.user, "projects.view")
        return selectors.minute_list(user=self.request.user, q=self.request.query_params.get("q", "")).prefetch_related(
            "terms"
        )


class MinuteDetailApi(APIView):
    @extend_schema(responses=MinuteSerializer)
    def get(self, request, pk):
        minute = get_visible_or_404(request.user, Minute.objects.prefetch_related("terms"), pk=pk)
        return Response(MinuteSerializer(minute).data)


class MinuteSupersedeApi(APIView):
    """Correct issued minutes by issuing a new one that supersedes them."""

    class InputSerializer(serializers.Serializer):
        minute = MinuteInput()
        terms = TermInput(many=True, required=False, default=list)

        class Meta:
            ref_name = "MinuteSupersedeInput"

    @extend_schema(request=InputSerializer, responses={201: MinuteSerializer})
    def post(self, request, pk):
        old = get_visible_or_404(request.user, Minute.objects.all(), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        new = services.minute_supersede(
            actor=request.user, minute=old, new_minute=data.validated_data["minute"], terms=data.validated_data["terms"]
        )
        return Response(MinuteSerializer(new).data, status=status.HTTP_201_CREATED)


class TierRuleSetApi(ListAPIView):
    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = TierRuleSet
            fields = [
                "id",
                "effective_from",
                "major_land_mu",
                "major_investment",
                "office_land_mu",
                "office_investment",
                "local_filing_working_days",
                "note",
            ]
            ref_name = "TierRuleSet"

    serializer_class = OutputSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TierRuleSet.objects.none()
        return selectors.tier_rule_sets(user=self.request.user)

    @extend_schema(request=OutputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        data = self.OutputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rules = services.tier_rule_set_create(actor=request.user, **data.validated_data)
        return Response(self.OutputSerializer(rules).data, status=status.HTTP_201_CREATED)


class DecisionQueueApi(APIView):
    @extend_schema(
        responses=inline_serializer(
            "DecisionQueueItem",
            {
                "project": serializers.IntegerField(),
                "submission": serializers.IntegerField(),
                "tier": serializers.CharField(),
                "next_step": serializers.CharField(),
            },
            many=True,
        )
    )
    def get(self, request):
        return Response(
            [
                {
                    "project": item["submission"].project_id,
                    "submission": item["submission"].pk,
                    "tier": item["submission"].tier,
                    "next_step": item["step"],
                }
                for item in selectors.decision_queue(user=request.user)
            ]
        )


class ExemptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exemption
        fields = [
            "id",
            "project",
            "officials",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = [
            "project",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        ref_name = "Exemption"


class ExemptionRequestApi(APIView):
    @extend_schema(request=ExemptionSerializer, responses={201: ExemptionSerializer})
    def post(self, request, pk):
        project = _project(request, pk)
        data = ExemptionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exemption = services.exemption_request(actor=request.user, project=project, **data.validated_data)
        return Response(ExemptionSerializer(exemption).data, status=status.HTTP_201_CREATED)


class ExemptionDecideApi(APIView):
    class InputSerializer(serializers.Serializer):
        approve = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ExemptionDecisionInput"

    @extend_schema(request=InputSerializer, responses=ExemptionSerializer)
    def post(self, request, pk):
        exemption = get_visible_or_404(request.user, Exemption.objects.all(), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exemption = services.exemption_decide(actor=request.user, exemption=exemption, **data.validated_data)
        return Response(ExemptionSerializer(exemption).data)
