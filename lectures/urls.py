from django.urls import path

from lectures import views

app_name = "lectures"

urlpatterns = [
    path("search/", views.search, name="search"),
]
