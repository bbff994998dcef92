from django.urls import include, path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/minutes.pdf", views.decision_pdf, name="decision_pdf"),
    path("projects/", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("incentives/", views.incentives, name="incentives"),
    path("findings/", views.findings, name="findings"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/<int:pk>/", views.report_detail, name="report"),
    path("assessment/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("search/", views.search, name="search"),
    path("confidential/", views.confidential, name="confidential"),
    path("proposals/", include("oversight.proposal_urls")),
]
