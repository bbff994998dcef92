from django.urls import path

from monitoring import api

urlpatterns = [
    path("projects/<int:pk>/indicators/", api.IndicatorListApi.as_view(), name="indicator_list"),
    path(
        "projects/<int:pk>/indicators/<str:indicator>/<int:year>/",
        api.IndicatorUpsertApi.as_view(),
        name="indicator_upsert",
    ),
    path("projects/<int:pk>/grades/", api.GradeListApi.as_view(), name="grade_list"),
    path("projects/<int:pk>/land-contracts/", api.LandContractListApi.as_view(), name="land_contract_list"),
    path("projects/<int:pk>/agreement/", api.AgreementApi.as_view(), name="agreement"),
    path("findings/", api.FindingListApi.as_view(), name="finding_list_api"),
    path("findings/<int:pk>/", api.FindingDetailApi.as_view(), name="finding_detail_api"),
    path("findings/<int:pk>/actions/", api.FindingActApi.as_view(), name="finding_act_api"),
    path("equity-changes/", api.EquityChangeListApi.as_view(), name="equity_change_list"),
    path("indicator-data/missing/", api.MissingDataApi.as_view(), name="missing_data"),
]
