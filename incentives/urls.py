from django.urls import path

from incentives import views

app_name = "incentives"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("funds/<int:year>/", views.fund_detail, name="fund"),
    path("projects/<int:pk>/", views.project_incentives, name="project"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/<str:action>/", views.request_act, name="request_act"),
    path("requests/<int:pk>/notice/<str:kind>.pdf", views.request_notice, name="request_notice"),
    path("clawbacks/", views.clawback_list, name="clawbacks"),
    path("clawbacks/<int:pk>/repay/", views.clawback_repay, name="clawback_repay"),
    path("policies/", views.policy_list, name="policies"),
]
