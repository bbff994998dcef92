"""The proposal follow-up's pages, included under /oversight/proposals/."""

from django.urls import path

from oversight import proposal_views

urlpatterns = [
    path("", proposal_views.proposal_list, name="proposal_list"),
    path("<int:pk>/", proposal_views.proposal_detail, name="proposal_detail"),
    path("<int:pk>/report.pdf", proposal_views.proposal_pdf, name="proposal_pdf"),
    path("<int:pk>/report.xlsx", proposal_views.proposal_xlsx, name="proposal_xlsx"),
    path("measures/<int:pk>/status/", proposal_views.measure_status, name="measure_status"),
]
