app_name = "incentives"
urlpatterns = []
