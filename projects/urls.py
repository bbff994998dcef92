from django.urls import path

from projects import views, views_excel

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_edit, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/transition/", views.project_transition, name="transition"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/filings/", views.filing_add, name="filing_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("import/", views_excel.project_import, name="import"),
    path("import/template.xlsx", views_excel.import_template, name="import_template"),
    path("import/<int:pk>/", views_excel.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", views_excel.import_job_confirm, name="import_job_confirm"),
    path("export.xlsx", views_excel.project_export, name="export"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/new/", views.company_edit, name="company_create"),
    path("companies/<int:pk>/", views.company_edit, name="company_edit"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_edit, name="partner_create"),
    path("partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path("channels/", views.channel_comparison, name="channels"),
    path("resources/", views.resource_list, {"kind": "parcel"}, name="resources"),
    path("resources/<str:kind>/", views.resource_list, name="resource_list"),
    path("resources/<str:kind>/<int:pk>/allocate/", views.resource_allocate, name="resource_allocate"),
    path("allocations/<int:pk>/release/", views.allocation_release, name="allocation_release"),
    path("filings/", views.filing_list, name="filing_list"),
]
