from django.urls import path

from incentives import api

urlpatterns = [
    path("funds/", api.FundListApi.as_view(), name="fund_list"),
    path("funds/<int:year>/", api.FundDetailApi.as_view(), name="fund_detail"),
    path("policies/", api.PolicyListApi.as_view(), name="policy_list"),
    path("projects/<int:pk>/incentives/", api.ProjectIncentivesApi.as_view(), name="project_incentives"),
    path("incentive-requests/", api.RequestListApi.as_view(), name="incentive_request_list"),
    path("incentive-requests/<int:pk>/", api.RequestDetailApi.as_view(), name="incentive_request_detail"),
    path("incentive-requests/<int:pk>/approve/", api.RequestApproveApi.as_view(), name="incentive_request_approve"),
    path("incentive-requests/<int:pk>/refuse/", api.RequestRefuseApi.as_view(), name="incentive_request_refuse"),
    path("incentive-requests/<int:pk>/pay/", api.RequestPayApi.as_view(), name="incentive_request_pay"),
    path("incentive-requests/<int:pk>/reverse/", api.RequestReverseApi.as_view(), name="incentive_request_reverse"),
    path("incentive-refusals/", api.RefusalListApi.as_view(), name="incentive_refusal_list"),
    path("clawbacks/", api.ClawBackListApi.as_view(), name="clawback_list"),
    path("clawbacks/<int:pk>/repayments/", api.RepaymentApi.as_view(), name="clawback_repayments"),
]
