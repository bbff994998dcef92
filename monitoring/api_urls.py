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
]
