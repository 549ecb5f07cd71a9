"""HTTP routes of the forums app: live Q&A (/qa/...) and peer rooms (/rooms/, /moderation/)."""

from forums.qa import views as qa
from forums.rooms import views as rooms

app_name = "forums"

urlpatterns = [*qa.urlpatterns, *rooms.urlpatterns]
