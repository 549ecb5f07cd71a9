"""The site shell, home page, error pages and hostile input over HTTP."""

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.urls import reverse

from portal import navigation
from portal.models import CrisisResources, HomePage, OrganisationSettings
from portal.views import server_error

pytestmark = pytest.mark.django_db


def test_home_page_is_the_site_root_with_shell_and_crisis_resources(client):
    assert HomePage.objects.live().count() == 1
    html = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert "This site is not a crisis service." in html
    assert 'href="tel:988"' in html
    assert "Text HOME to 741741" in html
    assert 'href="tel:18006624357"' in html
    assert 'href="tel:911"' in html
    assert "AYUDA" in html


def test_crisis_resources_are_editable(client):
    setting = CrisisResources.load()
    setting.resources = [
        ("resource", {"name": "County Crisis Team", "call": "555-000-1111", "description": ""})
    ]
    setting.save()

    html = client.get("/").content.decode()
    assert "County Crisis Team" in html
    assert 'href="tel:5550001111"' in html


def test_organisation_details_come_from_the_setting(client):
    org = OrganisationSettings.load()
    org.name = "Riverside Recovery"
    org.phone = "555-444-1212"
    org.save()

    html = client.get("/").content.decode()
    assert "Riverside Recovery" in html
    assert 'href="tel:5554441212"' in html


def test_crisis_resources_still_show_when_the_database_fails(rf):
    with mock.patch.object(CrisisResources, "load", side_effect=DatabaseError("down")):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"988" in response.content
    assert b"This site is not a crisis service." in response.content


def test_500_page_falls_back_to_plain_html_when_the_shell_cannot_render():
    with mock.patch("portal.views.loader.render_to_string", wraps=_fail_first_render()):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"tel:988" in response.content


def _fail_first_render():
    from django.template import loader

    calls = {"n": 0}
    real = loader.render_to_string

    def render(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("template broke")
        return real(*args, **kwargs)

    return render


def test_404_is_a_real_page_in_the_shell(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can&#x27;t find that page" in html or "We can't find that page" in html
    assert "This site is not a crisis service." in html


def test_csrf_failure_is_a_friendly_403(family_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(family_member)
    response = client.post(reverse("portal:edit_profile"), {"display_name": "Other Name"})
    assert response.status_code == 403
    assert "Please try again" in response.content.decode()
    family_member.profile.refresh_from_db()
    assert family_member.profile.display_name == "Hopeful Mom"


def test_navigation_shows_registered_sections_and_login(client):
    navigation.register("test-section", "Test section", url="portal:account_deleted", order=1)
    try:
        html = client.get("/").content.decode()
    finally:
        navigation._entries.pop("test-section")
    assert '<a href="/my-account/deleted/">Test section</a>' in html
    assert 'href="/accounts/login/"' in html


def test_navigation_marks_the_current_section_on_its_other_paths(client):
    navigation.register(
        "test-section",
        "Test section",
        url="portal:account_deleted",
        also_current=["/no-such-page/"],
        order=1,
    )
    try:
        html = client.get("/no-such-page/").content.decode()
    finally:
        navigation._entries.pop("test-section")
    assert '<a href="/my-account/deleted/" aria-current="page">Test section</a>' in html


def test_navigation_hides_sections_whose_page_does_not_exist(client):
    navigation.register("missing", "Missing", url="no-such-url-name", order=1)
    try:
        html = client.get("/").content.decode()
    finally:
        navigation._entries.pop("missing")
    assert "Missing" not in html


def test_what_a_user_typed_is_escaped(client, make_family_member):
    member = make_family_member(display_name="Tia 2")
    member.profile.display_name = "<b>x</b>"  # bypasses the form on purpose
    member.profile.save()
    client.force_login(member)
    html = client.get(reverse("portal:account")).content.decode()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_static_files_are_served_by_whitenoise(client):
    response = client.get("/static/portal/css/portal.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)


HOSTILE_QUERIES = [
    "?q=%00",
    "?page=-1",
    "?next=https://evil.example/",
    "?%ff%fe=%ff",
    "?a=" + "x" * 5000,
    "?lang=../../etc/passwd",
    "?q=<script>alert(1)</script>",
]
PUBLIC_URLS = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
MEMBER_URLS = [
    "/my-account/",
    "/my-account/profile/",
    "/my-account/emergency-contact/",
    "/my-account/delete/",
    "/my-account/my-data.json",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_no_url_answers_500_for_any_query_string(client, family_member, query):
    for url in PUBLIC_URLS:
        assert client.get(url + query).status_code < 500, url + query
    client.force_login(family_member)
    for url in MEMBER_URLS:
        assert client.get(url + query).status_code < 500, url + query


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"display_name": ""},
        {"display_name": "x" * 10_000},
        {"display_name": "\x00\x01"},
        {"relationship": "not-a-choice", "display_name": "Ok Name"},
        {"preferred_language": "xx", "display_name": "Ok Name"},
    ],
)
def test_no_form_answers_500_for_any_body(client, family_member, body):
    signup = client.post("/accounts/signup/", body)
    assert signup.status_code == 200
    assert signup.context["form"].errors
    assert client.post("/accounts/login/", body).status_code == 200

    client.force_login(family_member)
    for url in ["/my-account/profile/", "/my-account/emergency-contact/", "/my-account/delete/"]:
        response = client.post(url, body)
        assert response.status_code == 200, url
        assert response.context["form"].errors, url


def test_language_can_be_switched(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "es"


def test_a_start_here_link_cannot_run_script():
    from wagtail.blocks import StructBlockValidationError

    from portal.models import StartHereLinkBlock

    block = StartHereLinkBlock()
    with pytest.raises(StructBlockValidationError) as excinfo:
        block.clean(block.to_python({"title": "x", "url": "javascript:alert(1)"}))
    assert "url" in excinfo.value.block_errors
    assert block.clean(block.to_python({"title": "Guides", "url": "/guides/"}))["url"] == "/guides/"
