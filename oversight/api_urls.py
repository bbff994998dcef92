from django.urls import path

from oversight import api

urlpatterns = [
    path("oversight/decisions/", api.DecisionListApi.as_view(), name="oversight_decisions"),
    path("oversight/decisions/<int:pk>/", api.DecisionDetailApi.as_view(), name="oversight_decision"),
    path("oversight/projects/", api.ProjectListApi.as_view(), name="oversight_projects"),
    path("oversight/projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="oversight_project"),
    path("oversight/findings/", api.FindingListApi.as_view(), name="oversight_findings"),
]
