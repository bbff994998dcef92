from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.filters import OrderingFilter
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import identity, selectors, services
from accounts.models import Unit, User
from accounts.navigation import items_for
from accounts.roles import Role
from accounts.scoping import get_visible_or_404, require
from audit.models import AuditEntry
from audit.services import audit_record
from core.api import query_params
from core.errors import ApplicationError


class TokenApi(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField()
        password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

        class Meta:
            ref_name = "TokenInput"

    @extend_schema(
        request=InputSerializer,
        responses={200: inline_serializer("TokenOutput", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The underlying HttpRequest, so django-axes can count failures and lock the account.
        user = authenticate(request._request, **data.validated_data)
        if user is None:
            raise ApplicationError(
                _("Wrong username or password."),
                errors={"password": [_("Wrong username or password.")]},
                status_code=status.HTTP_400_BAD_REQUEST,
            )
        refusal = identity.token_refusal(user)
        if refusal:
            raise ApplicationError(refusal, status_code=status.HTTP_403_FORBIDDEN)
        token, _created = Token.objects.get_or_create(user=user)
        audit_record(
            kind=AuditEntry.Kind.ACCESS, action=AuditEntry.Action.TOKEN, actor=user, obj=user, request=request._request
        )
        return Response({"token": token.key})


class UnitOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "bureau", "is_active"]


class MeApi(APIView):
    class OutputSerializer(serializers.ModelSerializer):
        unit = UnitOutputSerializer()
        roles = serializers.SerializerMethodField()

        class Meta:
            model = User
            fields = ["id", "username", "full_name", "unit", "roles"]
            ref_name = "Me"

        def get_roles(self, user) -> list[str]:
            return sorted(user.role_names)

    @extend_schema(responses=OutputSerializer)
    def get(self, request):
        data = self.OutputSerializer(request.user).data
        data["navigation"] = [{"label": str(i["label"]), "url": i["url"]} for i in items_for(request.user)]
        return Response(data)


class UnitListApi(ListAPIView):
    serializer_class = UnitOutputSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["name", "kind"]

    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Unit.Kind.choices, required=False)
        bureau = serializers.ChoiceField(choices=Unit.Bureau.choices, required=False)
        is_active = serializers.BooleanField(required=False)

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Unit.objects.none()
        return selectors.unit_list(user=self.request.user).filter(**query_params(self.request, self.FilterSerializer))


class UserOutputSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "unit", "roles", "is_active"]

    def get_roles(self, user) -> list[str]:
        return sorted(g.name for g in user.groups.all())


class UserListApi(ListAPIView):
    """Users, for the system administrator; POST creates one."""

    serializer_class = UserOutputSerializer

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(trim_whitespace=False, write_only=True)
        unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
        full_name = serializers.CharField(max_length=100, required=False, default="")
        email = serializers.EmailField(required=False, default="")
        phone = serializers.CharField(max_length=30, required=False, default="")

        class Meta:
            ref_name = "UserCreateInput"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        require(self.request.user, "users.manage")
        return selectors.user_list(user=self.request.user, filters=self.request.query_params)

    @extend_schema(request=InputSerializer, responses={201: UserOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **data.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailApi(APIView):
    class InputSerializer(serializers.Serializer):
        unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True), required=False)
        roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
        full_name = serializers.CharField(max_length=100, required=False)
        email = serializers.EmailField(required=False)
        phone = serializers.CharField(max_length=30, required=False)
        is_active = serializers.BooleanField(required=False)

        class Meta:
            ref_name = "UserUpdateInput"

    def _get(self, request, pk):
        return get_visible_or_404(request.user, User.objects.prefetch_related("groups"), pk=pk)

    @extend_schema(responses=UserOutputSerializer)
    def get(self, request, pk):
        require(request.user, "users.view")
        return Response(UserOutputSerializer(self._get(request, pk)).data)

    @extend_schema(request=InputSerializer, responses=UserOutputSerializer)
    def patch(self, request, pk):
        target = self._get(request, pk)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(actor=request.user, user=target, **data.validated_data)
        user = User.objects.prefetch_related("groups").get(pk=user.pk)
        return Response(UserOutputSerializer(user).data)
