from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [path("projects/<int:pk>/", views.project_monitoring, name="project")]
