from django.urls import path

from projects import api

urlpatterns = [
    path("projects/", api.ProjectListApi.as_view(), name="project_list"),
    path("projects/<int:pk>/", api.ProjectDetailApi.as_view(), name="project_detail"),
    path("projects/<int:pk>/transition/", api.ProjectTransitionApi.as_view(), name="project_transition"),
    path("companies/", api.CompanyListApi.as_view(), name="company_list"),
    path("companies/<int:pk>/", api.CompanyDetailApi.as_view(), name="company_detail"),
    path("partners/", api.PartnerListApi.as_view(), name="partner_list"),
    path("partners/<int:pk>/", api.PartnerDetailApi.as_view(), name="partner_detail"),
    path("parcels/", api.ParcelListApi.as_view(), name="parcel_list"),
    path("factory-spaces/", api.FactorySpaceListApi.as_view(), name="factory_space_list"),
    path("energy-quotas/", api.EnergyQuotaListApi.as_view(), name="energy_quota_list"),
    path("allocations/", api.AllocationListApi.as_view(), name="allocation_list"),
    path("allocations/<int:pk>/release/", api.AllocationReleaseApi.as_view(), name="allocation_release"),
    path("filings/", api.FilingListApi.as_view(), name="filing_list"),
    path("industries/", api.IndustryListApi.as_view(), name="industry_list"),
]
