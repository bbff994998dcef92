from django.urls import path

from decisions import api

urlpatterns = [
    path("projects/<int:pk>/decision/", api.ProjectDecisionApi.as_view(), name="project_decision"),
    path("projects/<int:pk>/decision/steps/", api.DecisionStepApi.as_view(), name="decision_steps"),
    path("projects/<int:pk>/evaluation/members/", api.EvaluationMemberApi.as_view(), name="evaluation_members"),
    path("projects/<int:pk>/evaluation/opinions/", api.EvaluationOpinionApi.as_view(), name="evaluation_opinions"),
    path("projects/<int:pk>/exemptions/", api.ExemptionRequestApi.as_view(), name="exemption_request"),
    path("exemptions/<int:pk>/decide/", api.ExemptionDecideApi.as_view(), name="exemption_decide"),
    path("minutes/", api.MinuteListApi.as_view(), name="minute_list"),
    path("minutes/<int:pk>/", api.MinuteDetailApi.as_view(), name="minute_detail"),
    path("minutes/<int:pk>/supersede/", api.MinuteSupersedeApi.as_view(), name="minute_supersede"),
    path("tier-rules/", api.TierRuleSetApi.as_view(), name="tier_rules"),
    path("decision-queue/", api.DecisionQueueApi.as_view(), name="decision_queue"),
]
