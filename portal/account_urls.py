from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.account, name="account"),
    path("profile/", views.edit_profile, name="edit_profile"),
    path("email/", views.edit_email_choices, name="edit_email_choices"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("emergency-contact/", views.edit_emergency_contact, name="edit_emergency_contact"),
    path(
        "emergency-contact/remove/",
        views.remove_emergency_contact,
        name="remove_emergency_contact",
    ),
    path("my-data.json", views.download_my_data, name="download_my_data"),
    path("delete/", views.delete_account, name="delete_account"),
    path("deleted/", views.account_deleted, name="account_deleted"),
]
