"""HTTP routes. Feature apps add their own `include(...)` here as their issues land."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from lectures import views as lectures_views

urlpatterns = [
    # Wagtail's own log-in form would skip the second sign-in step: staff log in through
    # allauth's, which asks for it (``next`` and the rest of the query are kept).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="admin_login_elsewhere",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("my-account/", include("portal.account_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("events/", include("events.urls")),
    path("", include("forums.urls")),
    path("", include("lectures.urls")),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", lectures_views.robots_txt, name="robots_txt"),
    # Learn pages first try the shared response cache, then Wagtail serves them.
    re_path(
        r"^(?P<path>(?:learn|guides)/(?:[\w\-]+/)*)$",
        lectures_views.serve_learning_page,
        name="lectures_cached_page",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree takes every path not matched above: keep it last.
urlpatterns += [path("", include(wagtail_urls))]

handler500 = "portal.views.server_error"
