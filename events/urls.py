from django.urls import path, register_converter

from events import views

app_name = "events"


class FeedTokenConverter:
    """A calendar feed token as ``events.models.new_feed_token`` makes them (URL-safe
    base64, at most the field's 64 characters). Anything else in that place — a NUL
    character, other bytes, an endless string — is no feed: a 404 from the URL
    resolver, before any database sees it (PostgreSQL cannot even compare text
    holding NUL)."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FeedTokenConverter, "feed_token")

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("series/<int:pk>/sign-up/", views.series_signup, name="series_signup"),
    path("mine/", views.mine, name="mine"),
    path("mine/calendar/new/", views.feed_create, name="feed_create"),
    path("mine/calendar/revoke/", views.feed_revoke, name="feed_revoke"),
    path("registrations/<int:pk>/", views.registration, name="registration"),
    path(
        "registrations/<int:pk>/calendar.ics", views.registration_calendar, name="registration_ics"
    ),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/party-size/", views.change_party_size, name="party_size"),
    path("cancel/<str:token>/", views.cancel_by_link, name="cancel_by_link"),
    path("calendar/<feed_token:token>.ics", views.feed, name="feed"),
]
