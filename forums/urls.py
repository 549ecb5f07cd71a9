"""HTTP routes of the forums app: live Q&A (/qa/...) and peer rooms (/rooms/, /moderation/)."""

from forums.views import qa, rooms

app_name = "forums"

urlpatterns = [*qa.urlpatterns, *rooms.urlpatterns]
