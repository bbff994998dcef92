"""The proposal follow-up's pages, included under /oversight/proposals/."""

urlpatterns = []
