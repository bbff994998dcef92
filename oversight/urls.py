from django.urls import include, path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("proposals/", include("oversight.proposal_urls")),
]
