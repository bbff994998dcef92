from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("projects/<int:pk>/", views.project_monitoring, name="project"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/act/", views.finding_act, name="finding_act"),
    path("data/", views.data_submission, name="data"),
    path("data/submit/", views.data_submit, name="data_submit"),
    path("data/template.xlsx", views.data_template, name="data_template"),
    path("data/import/", views.data_import, name="data_import"),
    path("equity-changes/", views.equity_list, name="equity_list"),
    path("equity-changes/template.xlsx", views.equity_template, name="equity_template"),
    path("equity-changes/import/", views.equity_import, name="equity_import"),
    path("checks/run/", views.run_checks, name="run_checks"),
]
