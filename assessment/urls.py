from django.urls import path

from assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("indicators/", views.further_indicators, name="further"),
    path("publish/", views.publish, name="publish"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
