app_name = "mentorships"

urlpatterns = []
