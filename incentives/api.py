"""Incentives over REST. Reads are scoped; every write goes through incentives.services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import get_visible_or_404, require, visible_to
from core.api import query_params
from incentives import selectors, services
from incentives.models import Clause, ClawBack, CommitmentItem, Fund, LedgerEntry, Policy, Refusal, Request
from projects import selectors as project_selectors


class FundSerializer(serializers.ModelSerializer):
    committed = serializers.SerializerMethodField()
    paid = serializers.SerializerMethodField()
    approved_unpaid = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()

    class Meta:
        model = Fund
        fields = ["id", "year", "budget", "committed", "paid", "approved_unpaid", "available"]
        read_only_fields = ["id"]
        extra_kwargs = {"year": {"validators": []}}

    def _totals(self, fund):
        cache = self.context.setdefault("totals", {})
        if fund.pk not in cache:
            cache[fund.pk] = services.fund_totals(fund)
        return cache[fund.pk]

    def get_committed(self, fund) -> str:
        return str(self._totals(fund).committed)

    def get_paid(self, fund) -> str:
        return str(self._totals(fund).paid)

    def get_approved_unpaid(self, fund) -> str:
        return str(self._totals(fund).approved)

    def get_available(self, fund) -> str:
        return str(self._totals(fund).available)


class FundListApi(ListAPIView):
    """The policy reward fund by year, with totals derived from the ledger; finance budgets one with POST
    (a budget under 10,000,000 yuan is refused)."""

    serializer_class = FundSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Fund.objects.none()
        require(self.request.user, "incentives.view")
        return Fund.objects.order_by("-year")

    @extend_schema(request=FundSerializer, responses={201: FundSerializer})
    def post(self, request):
        data = FundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fund = services.fund_create(actor=request.user, **data.validated_data)
        return Response(FundSerializer(fund).data, status=status.HTTP_201_CREATED)


class ClauseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clause
        fields = ["id", "number", "title", "reward", "rate", "cap", "eligibility"]
        read_only_fields = ["id"]


class PolicySerializer(serializers.ModelSerializer):
    clauses = ClauseSerializer(many=True)

    class Meta:
        model = Policy
        fields = ["id", "name", "kind", "document_number", "issued_by", "version", "valid_from", "valid_to", "clauses"]
        read_only_fields = ["id"]


class PolicyListApi(ListAPIView):
    serializer_class = PolicySerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Policy.objects.none()
        require(self.request.user, "incentives.view")
        return Policy.objects.prefetch_related("clauses").order_by("-valid_from", "id")

    @extend_schema(request=PolicySerializer, responses={201: PolicySerializer})
    def post(self, request):
        data = PolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        clauses = fields.pop("clauses", [])
        policy = services.policy_create(actor=request.user, clauses=clauses, **fields)
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class ItemSerializer(serializers.ModelSerializer):
    paid = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    approved_unpaid = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    remaining = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    fund = serializers.SlugRelatedField(slug_field="year", queryset=Fund.objects.all())

    class Meta:
        model = CommitmentItem
        fields = [
            "id",
            "fund",
            "clause",
            "term",
            "title",
            "cap",
            "condition",
            "stage",
            "indicator",
            "indicator_year",
            "indicator_min",
            "earliest",
            "paid",
            "approved_unpaid",
            "remaining",
        ]
        read_only_fields = ["id"]
        validators = []  # the service checks the binding and the condition, field by field


class ProjectIncentivesApi(APIView):
    """A project's commitment items with paid (from the ledger), approved-unpaid and remaining; the centre
    adds an item with POST."""

    @extend_schema(responses=ItemSerializer(many=True))
    def get(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        require(request.user, "incentives.view")
        rows = selectors.item_rows(selectors.project_items(user=request.user, project=project))
        out = []
        for row in rows:
            item = row["item"]
            item.paid, item.approved_unpaid, item.remaining = row["paid"], row["approved"], row["remaining"]
            out.append(item)
        return Response(ItemSerializer(out, many=True).data)

    @extend_schema(request=ItemSerializer, responses={201: ItemSerializer})
    def post(self, request, pk):
        project = project_selectors.project_detail(user=request.user, pk=pk)
        data = ItemSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_create(actor=request.user, project=project, **data.validated_data)
        item.paid = item.approved_unpaid = 0
        item.remaining = item.cap
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class RequestSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="item.project_id", read_only=True)

    class Meta:
        model = Request
        fields = [
            "id",
            "item",
            "project",
            "amount",
            "evidence",
            "status",
            "filed_by",
            "filed_at",
            "reviewed_by",
            "reviewed_at",
            "paid_by",
            "paid_at",
            "refusal",
        ]
        # Only item, amount and evidence are the filer's to set: the rest is the workflow's.
        read_only_fields = [
            "id",
            "status",
            "filed_by",
            "filed_at",
            "reviewed_by",
            "reviewed_at",
            "paid_by",
            "paid_at",
            "refusal",
        ]


class RequestListApi(ListAPIView):
    """Disbursement requests in the caller's scope (``?status=``, ``?project=``); the landing unit files one
    with POST. A refusal answers 409 with the rule and the figures, and is recorded."""

    serializer_class = RequestSerializer
    filter_backends = []

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=Request.Status.choices, required=False)
        project = serializers.IntegerField(required=False)

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Request.objects.none()
        require(self.request.user, "incentives.view")
        rows = visible_to(self.request.user, Request.objects.select_related("item"))
        params = query_params(self.request, self.FilterSerializer)
        if "status" in params:
            rows = rows.filter(status=params["status"])
        if "project" in params:
            rows = rows.filter(item__project_id=params["project"])
        return rows.order_by("-filed_at", "-id")

    @extend_schema(request=RequestSerializer, responses={201: RequestSerializer})
    def post(self, request):
        data = RequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = get_visible_or_404(
            request.user, CommitmentItem.objects.select_related("project"), pk=data.validated_data["item"].pk
        )
        filed = services.request_file(
            actor=request.user,
            item=item,
            amount=data.validated_data["amount"],
            evidence=data.validated_data["evidence"],
        )
        return Response(RequestSerializer(filed).data, status=status.HTTP_201_CREATED)


class RequestDetailApi(APIView):
    @extend_schema(responses=RequestSerializer)
    def get(self, request, pk):
        return Response(RequestSerializer(get_visible_or_404(request.user, Request.objects.all(), pk=pk)).data)


class RequestApproveApi(APIView):
    """The centre approves (the rules run again); 409 with the reason when a rule refuses it."""

    @extend_schema(request=None, responses=RequestSerializer)
    def post(self, request, pk):
        req = get_visible_or_404(request.user, Request.objects.all(), pk=pk)
        return Response(RequestSerializer(services.request_approve(actor=request.user, request=req)).data)


class RequestRefuseApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000)

        class Meta:
            ref_name = "RequestRefuseInput"

    @extend_schema(request=InputSerializer, responses=RequestSerializer)
    def post(self, request, pk):
        req = get_visible_or_404(request.user, Request.objects.all(), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.request_refuse(actor=request.user, request=req, reason=data.validated_data["reason"])
        return Response(RequestSerializer(req).data)


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "item", "fund", "request", "clawback", "amount", "idempotency_key", "at"]


class RequestPayApi(APIView):
    """Finance pays an approved request: one ledger entry. The same request again, or the same
    ``Idempotency-Key``, returns the entry already recorded."""

    @extend_schema(
        request=None,
        responses=LedgerEntrySerializer,
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def post(self, request, pk):
        req = get_visible_or_404(request.user, Request.objects.all(), pk=pk)
        entry = services.request_pay(
            actor=request.user, request=req, idempotency_key=request.headers.get("Idempotency-Key") or None
        )
        return Response(LedgerEntrySerializer(entry).data)


class RequestReverseApi(APIView):
    """Finance reverses a payment, saying why: a reversal entry; both stay in the ledger."""

    @extend_schema(request=RequestRefuseApi.InputSerializer, responses=LedgerEntrySerializer)
    def post(self, request, pk):
        req = get_visible_or_404(request.user, Request.objects.all(), pk=pk)
        data = RequestRefuseApi.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.payment_reverse(actor=request.user, request=req, reason=data.validated_data["reason"])
        return Response(LedgerEntrySerializer(entry).data)


class RefusalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Refusal
        fields = ["id", "project", "item", "request", "amount", "step", "rule", "reason", "at"]


class RefusalListApi(ListAPIView):
    """Every refused filing, approval or payment, with its rule and reason."""

    serializer_class = RefusalSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Refusal.objects.none()
        require(self.request.user, "incentives.view")
        return selectors.refusals(user=self.request.user)


class ClawBackSerializer(serializers.ModelSerializer):
    outstanding = serializers.SerializerMethodField()

    class Meta:
        model = ClawBack
        fields = ["id", "project", "finding", "items", "amount", "outstanding", "status", "opened_at", "reason"]

    def get_outstanding(self, clawback) -> str:
        # Annotated by the selector for lists; computed for a single claw-back otherwise.
        outstanding = getattr(clawback, "outstanding", None)
        return str(services.clawback_outstanding(clawback) if outstanding is None else outstanding)


class ClawBackListApi(ListAPIView):
    serializer_class = ClawBackSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ClawBack.objects.none()
        require(self.request.user, "incentives.view")
        return selectors.clawbacks(user=self.request.user).prefetch_related("items")


class RepaymentApi(APIView):
    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=16, decimal_places=2)

        class Meta:
            ref_name = "RepaymentInput"

    @extend_schema(
        request=InputSerializer,
        responses={201: LedgerEntrySerializer},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)],
    )
    def post(self, request, pk):
        clawback = get_visible_or_404(request.user, ClawBack.objects.all(), pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.clawback_repay(
            actor=request.user,
            clawback=clawback,
            amount=data.validated_data["amount"],
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        return Response(LedgerEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class FundDetailApi(APIView):
    @extend_schema(responses=FundSerializer)
    def get(self, request, year):
        require(request.user, "incentives.view")
        return Response(FundSerializer(get_object_or_404(Fund, year=year)).data)
