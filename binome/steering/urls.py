app_name = "steering"

urlpatterns = []
