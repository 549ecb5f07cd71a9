from django.urls import path

from events import views

app_name = "events"

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
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
