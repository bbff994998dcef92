from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("export.csv", views.entry_export, {"fmt": "csv"}, name="entry_export_csv"),
    path("export.xlsx", views.entry_export, {"fmt": "xlsx"}, name="entry_export_xlsx"),
    path("<int:pk>/", views.entry_detail, name="entry_detail"),
]
