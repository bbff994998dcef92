from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("projects/<int:pk>/", views.project_monitoring, name="project"),
    path("findings/", views.finding_list, name="finding_list"),
    path("checks/run/", views.run_checks, name="run_checks"),
]
