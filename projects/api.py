"""The project library and the shared libraries over REST. Reads through selectors, writes through services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Unit
from accounts.scoping import get_visible_or_404, require
from core import units
from core.api import CursorPagination, PageNumberOrCursorPagination, query_params
from core.errors import ApplicationError
from projects import selectors, services
from projects.models import (
    Allocation,
    Company,
    EnergyQuota,
    FactorySpace,
    Filing,
    Industry,
    LandParcel,
    Partner,
    Project,
)
from projects.selectors import ORDERINGS
from projects.stages import Stage


class ProjectOutput(serializers.ModelSerializer):
    investor_name = serializers.CharField(source="investor.name", read_only=True)
    industry_code = serializers.CharField(source="industry.code", read_only=True)
    landing_unit_name = serializers.CharField(source="landing_unit.name", read_only=True)
    total_investment_wan = serializers.SerializerMethodField()
    land_area_mu = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "investor",
            "investor_name",
            "industry",
            "industry_code",
            "landing_unit",
            "landing_unit_name",
            "attracting_unit",
            "channel",
            "partner",
            "total_investment",
            "total_investment_wan",
            "foreign_capital_usd",
            "land_mode",
            "land_area_m2",
            "land_area_mu",
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
        ref_name = "Project"

    def get_total_investment_wan(self, project) -> str:
        return str(units.yuan_to_wan(project.total_investment))

    def get_land_area_mu(self, project) -> str:
        return str(units.m2_to_mu(project.land_area_m2))


class ProjectInput(serializers.Serializer):
    """The fields a user may set. Anything else in the body (stage, code, tier …) is ignored."""

    name = serializers.CharField(max_length=200)
    investor = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.filter(section__isnull=False))
    landing_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(kind__in=Unit.LANDING_KINDS))
    attracting_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    channel = serializers.ChoiceField(choices=Project._meta.get_field("channel").choices)
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all(), required=False, allow_null=True)
    total_investment = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="yuan")
    foreign_capital_usd = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    land_mode = serializers.ChoiceField(choices=Project._meta.get_field("land_mode").choices)
    land_area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    expected_annual_output = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    expected_annual_tax = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)
    is_profit_reinvestment = serializers.BooleanField(required=False)
    is_key_chain = serializers.BooleanField(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    contacts = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        ref_name = "ProjectInput"


class ProjectFilterSerializer(serializers.Serializer):
    """The list's query string; a value outside these is refused (400)."""

    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    landing_unit = serializers.IntegerField(required=False)
    industry = serializers.CharField(required=False, help_text="a GB/T 4754 code: a section or a division")
    channel = serializers.ChoiceField(choices=Project._meta.get_field("channel").choices, required=False)
    tier = serializers.ChoiceField(choices=Project._meta.get_field("tier").choices, required=False)
    land_mode = serializers.ChoiceField(choices=Project._meta.get_field("land_mode").choices, required=False)
    partner = serializers.IntegerField(required=False)
    is_profit_reinvestment = serializers.BooleanField(required=False)
    is_key_chain = serializers.BooleanField(required=False)
    q = serializers.CharField(required=False, allow_blank=True)
    ordering = serializers.ChoiceField(choices=list(ORDERINGS), required=False)
    paginate = serializers.ChoiceField(choices=["cursor"], required=False, help_text="cursor: no count, for big lists")

    class Meta:
        ref_name = "ProjectFilter"


def _filters(request):
    params = query_params(request, ProjectFilterSerializer)
    return {key: value for key, value in params.items() if key != "paginate"}


class ProjectListApi(ListAPIView):
    """Projects in the caller's scope. ``?paginate=cursor`` for large lists (no count)."""

    serializer_class = ProjectOutput
    filter_backends = []
    pagination_class = PageNumberOrCursorPagination

    @property
    def paginator(self):
        if not hasattr(self, "_paginator"):
            cursor = self.request is not None and self.request.query_params.get("paginate") == "cursor"
            self._paginator = CursorPagination() if cursor else super().paginator
        return self._paginator

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        require(self.request.user, "projects.view")
        qs = selectors.project_list(user=self.request.user, filters=_filters(self.request))
        # Only the related rows ProjectOutput reads (the page's list shows more): a 4-table join instead of 7,
        # which PostgreSQL plans in a fraction of the time on every request (bench/out/api_explain_*.txt).
        qs = qs.select_related(None).select_related("investor", "industry", "landing_unit")
        if self.request.query_params.get("paginate") == "cursor":
            return qs.order_by()  # the cursor paginator orders by -id itself
        return qs

    @extend_schema(parameters=[ProjectFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ProjectInput, responses={201: ProjectOutput})
    def post(self, request):
        data = ProjectInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_create(actor=request.user, **data.validated_data)
        return Response(ProjectOutput(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(responses=ProjectOutput)
    def get(self, request, pk):
        return Response(ProjectOutput(selectors.project_detail(user=request.user, pk=pk)).data)

    @extend_schema(request=ProjectInput, responses=ProjectOutput)
    def patch(self, request, pk):
        project = selectors.project_detail(user=request.user, pk=pk)
        data = ProjectInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.project_update(actor=request.user, project=project, **data.validated_data)
        return Response(ProjectOutput(selectors.project_detail(user=request.user, pk=pk)).data)


class ProjectTransitionApi(APIView):
    """Move a project to another stage; a refusal (409) lists the missing conditions in ``errors.target``."""

    class InputSerializer(serializers.Serializer):
        target = serializers.ChoiceField(choices=Stage.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        production_start_date = serializers.DateField(required=False, allow_null=True, default=None)

        class Meta:
            ref_name = "TransitionInput"

    @extend_schema(request=InputSerializer, responses=ProjectOutput)
    def post(self, request, pk):
        project = selectors.project_detail(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.project_transition(actor=request.user, project=project, **data.validated_data)
        return Response(ProjectOutput(selectors.project_detail(user=request.user, pk=pk)).data)

    @extend_schema(
        responses=inline_serializer(
            "TransitionOption",
            {
                "target": serializers.CharField(),
                "label": serializers.CharField(),
                "allowed": serializers.BooleanField(),
                "reasons": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        )
    )
    def get(self, request, pk):
        project = selectors.project_detail(user=request.user, pk=pk)
        options = []
        for target in services.transitions_from(project.stage):
            allowed, reasons = services.transition_check(user=request.user, project=project, target=target)
            options.append(
                {
                    "target": target.value,
                    "label": str(target.label),
                    "allowed": allowed,
                    "reasons": [str(r) for r in reasons],
                }
            )
        return Response(options)


def _model_serializer(model, fields, name, read_only=()):
    meta = type(
        "Meta", (), {"model": model, "fields": ["id", *fields], "ref_name": name, "read_only_fields": list(read_only)}
    )
    return type(f"{name}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


CompanySerializer = _model_serializer(
    Company,
    [
        "name",
        "uscc",
        "registered_capital",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "parent_group",
        "is_foreign_invested",
    ],
    "Company",
)
PartnerSerializer = _model_serializer(
    Partner,
    [
        "name",
        "kind",
        "contact_name",
        "contact_phone",
        "agreement_start",
        "agreement_end",
        "agreement_terms",
        "is_active",
    ],
    "Partner",
)
ParcelSerializer = _model_serializer(
    LandParcel, ["code", "location", "area_m2", "planned_use", "status"], "Parcel", read_only=["status"]
)
FactorySpaceSerializer = _model_serializer(
    FactorySpace, ["code", "location", "area_m2", "status"], "FactorySpace", read_only=["status"]
)
EnergyQuotaSerializer = _model_serializer(
    EnergyQuota, ["code", "description", "amount_tce", "status"], "EnergyQuota", read_only=["status"]
)
FilingSerializer = _model_serializer(Filing, ["project", "kind", "national_code", "approving_unit", "date"], "Filing")
IndustrySerializer = _model_serializer(Industry, ["code", "name", "section"], "Industry")
AllocationSerializer = _model_serializer(
    Allocation,
    ["project", "parcel", "factory_space", "energy_quota", "allocated_at", "released_at", "note"],
    "Allocation",
    read_only=["allocated_at", "released_at"],
)


class _ListCreate(ListAPIView):
    """A shared-library list, with POST creating through ``create``."""

    filter_backends = []
    model = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        extend_schema_view(post=extend_schema(responses={201: cls.serializer_class}))(cls)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        require(self.request.user, "projects.view")
        return self.rows()

    def post(self, request):
        data = self.serializer_class(data=request.data)
        # Uniqueness and validators are the services' to check; they answer with field errors.
        data.is_valid(raise_exception=True)
        created = self.create(request.user, data.validated_data)
        return Response(self.serializer_class(created).data, status=status.HTTP_201_CREATED)


class CompanyListApi(_ListCreate):
    serializer_class = CompanySerializer
    model = Company

    def rows(self):
        return selectors.company_list(user=self.request.user, q=self.request.query_params.get("q", ""))

    def create(self, user, data):
        return services.company_create(actor=user, **data)


class CompanyDetailApi(APIView):
    @extend_schema(responses=CompanySerializer)
    def get(self, request, pk):
        return Response(CompanySerializer(get_visible_or_404(request.user, Company.objects.all(), pk=pk)).data)

    @extend_schema(request=CompanySerializer, responses=CompanySerializer)
    def patch(self, request, pk):
        company = get_visible_or_404(request.user, Company.objects.all(), pk=pk)
        data = CompanySerializer(company, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(
            CompanySerializer(services.company_update(actor=request.user, company=company, **data.validated_data)).data
        )


class PartnerListApi(_ListCreate):
    serializer_class = PartnerSerializer
    model = Partner

    def rows(self):
        return selectors.partner_list(user=self.request.user)

    def create(self, user, data):
        return services.partner_create(actor=user, **data)


class PartnerDetailApi(APIView):
    @extend_schema(responses=PartnerSerializer)
    def get(self, request, pk):
        return Response(PartnerSerializer(get_visible_or_404(request.user, Partner.objects.all(), pk=pk)).data)


def _resource_api(kind, model, serializer):
    class ResourceListApi(_ListCreate):
        serializer_class = serializer

        def rows(self):
            return selectors.resource_list(user=self.request.user, kind=kind)

        def create(self, user, data):
            return services.resource_create(actor=user, kind=kind, **data)

    ResourceListApi.model = model
    ResourceListApi.__name__ = f"{model.__name__}ListApi"
    ResourceListApi.__qualname__ = ResourceListApi.__name__
    return ResourceListApi


ParcelListApi = _resource_api("parcel", LandParcel, ParcelSerializer)
FactorySpaceListApi = _resource_api("factory_space", FactorySpace, FactorySpaceSerializer)
EnergyQuotaListApi = _resource_api("energy_quota", EnergyQuota, EnergyQuotaSerializer)


class AllocationListApi(_ListCreate):
    """Allocate a parcel, factory space or energy quota to a project; a resource is never held twice (409)."""

    serializer_class = AllocationSerializer
    model = Allocation

    def rows(self):
        return selectors.allocation_list(user=self.request.user)

    def create(self, user, data):
        project = selectors.project_detail(user=user, pk=data["project"].pk)
        resources = [data.get(k) for k in ("parcel", "factory_space", "energy_quota") if data.get(k)]
        if len(resources) != 1:
            message = _("Name exactly one resource: a parcel, factory space or an energy quota.")
            raise ApplicationError(message, errors={"parcel": [message]})
        return services.resource_allocate(actor=user, project=project, resource=resources[0], note=data.get("note", ""))


class AllocationReleaseApi(APIView):
    @extend_schema(request=None, responses=AllocationSerializer)
    def post(self, request, pk):
        allocation = get_visible_or_404(request.user, selectors.allocation_list(user=request.user), pk=pk)
        return Response(
            AllocationSerializer(services.allocation_release(actor=request.user, allocation=allocation)).data
        )


class FilingListApi(_ListCreate):
    serializer_class = FilingSerializer
    model = Filing

    def rows(self):
        return selectors.filing_list(user=self.request.user)

    def create(self, user, data):
        project = selectors.project_detail(user=user, pk=data.pop("project").pk)
        return services.filing_create(actor=user, project=project, **data)


class IndustryListApi(ListAPIView):
    """GB/T 4754 reference data: ``?level=section`` for sections, ``?section=C`` for its divisions."""

    serializer_class = IndustrySerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        qs = Industry.objects.select_related("section")
        if self.request.query_params.get("level") == "section":
            return qs.filter(section__isnull=True)
        if self.request.query_params.get("section"):
            return qs.filter(section__code=self.request.query_params["section"])
        return qs
