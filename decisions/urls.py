from django.urls import path

from decisions import views, views_pdf

app_name = "decisions"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("projects/<int:pk>/", views.project_decision, name="project"),
    path("projects/<int:pk>/record/", views.record_step, name="record"),
    path("projects/<int:pk>/members/", views.add_member, name="add_member"),
    path("projects/<int:pk>/opinion/", views.write_opinion, name="opinion"),
    path("projects/<int:pk>/exemptions/", views.request_exemption, name="request_exemption"),
    path("exemptions/<int:pk>/decide/", views.decide_exemption, name="decide_exemption"),
    path("minutes/", views.minute_list, name="minute_list"),
    path("minutes/<int:pk>/", views.minute_detail, name="minute_detail"),
    path("minutes/<int:pk>/pdf/", views_pdf.minute_pdf_view, name="minute_pdf"),
    path("rules/", views.tier_rules, name="tier_rules"),
]
