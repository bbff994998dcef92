from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from accounts import views as accounts_views
from audit import api as audit_api
from core import views as core_views

api_v1 = [
    path("auth/token/", accounts_api.TokenApi.as_view(), name="token"),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("units/", accounts_api.UnitListApi.as_view(), name="unit_list"),
    path("users/", accounts_api.UserListApi.as_view(), name="user_list"),
    path("users/<int:pk>/", accounts_api.UserDetailApi.as_view(), name="user_detail"),
    path("audit/entries/", audit_api.AuditEntryListApi.as_view(), name="audit_entry_list"),
    path("", include("projects.api_urls")),
    path("", include("decisions.api_urls")),
    path("", include("monitoring.api_urls")),
    path("", include("incentives.api_urls")),
    path("", include("oversight.api_urls")),
]

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("logout/", accounts_views.auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("tasks/", core_views.task_run_list, name="task_run_list"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("projects/", include("projects.urls")),
    path("decisions/", include("decisions.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("incentives/", include("incentives.urls")),
    path("assessment/", include("assessment.urls")),
    path("oversight/", include("oversight.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
