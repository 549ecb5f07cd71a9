"""sitemap.xml, robots.txt, and the published-page cache (ETag, purge on publish)."""

import re

import pytest
from wagtail.models import Page

pytestmark = pytest.mark.django_db


def test_the_sitemap_lists_every_live_page(client, make_guide, make_series, make_lecture):
    make_guide()
    make_lecture(make_series())
    xml = client.get("/sitemap.xml").content.decode()
    listed = set(re.findall(r"<loc>(.*?)</loc>", xml))
    live = {page.full_url for page in Page.objects.live().public().filter(depth__gte=2)}
    assert live <= listed
    assert len(live) >= 5


def test_the_sitemap_leaves_out_drafts(client, make_guide):
    draft = make_guide(live=False)
    assert draft.slug not in client.get("/sitemap.xml").content.decode()


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_a_published_page_has_an_etag_and_must_be_revalidated(client, make_guide):
    response = client.get(make_guide().url)
    assert response["ETag"]
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_current_etag_gets_not_modified(client, make_guide):
    guide = make_guide()
    client.get(guide.url)  # the first visit sets the CSRF cookie, part of the ETag
    etag = client.get(guide.url)["ETag"]
    response = client.get(guide.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_publishing_changes_the_etag(client, make_guide, django_capture_on_commit_callbacks):
    guide = make_guide()
    client.get(guide.url)
    etag = client.get(guide.url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        guide.save_revision().publish()
    assert client.get(guide.url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_publishing_purges_the_cached_page(client, make_guide, django_capture_on_commit_callbacks):
    guide = make_guide("Before")
    assert "Before" in client.get(guide.url).content.decode()
    guide.title = "After"
    with django_capture_on_commit_callbacks(execute=True):
        guide.save_revision().publish()
    assert "After" in client.get(guide.url).content.decode()


def test_publishing_a_guide_purges_the_cached_listing(
    client, make_guide, django_capture_on_commit_callbacks
):
    make_guide("First guide")
    assert "First guide" in client.get("/guides/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_guide("Second guide")
    assert "Second guide" in client.get("/guides/").content.decode()


def test_unpublishing_purges_the_cached_listing(
    client, make_guide, django_capture_on_commit_callbacks
):
    guide = make_guide("Withdrawn guide")
    assert "Withdrawn guide" in client.get("/guides/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        guide.unpublish()
    assert "Withdrawn guide" not in client.get("/guides/").content.decode()


def test_a_cached_page_is_served_without_rendering_its_content(
    client, make_guide, django_assert_max_num_queries
):
    guide = make_guide()
    client.get(guide.url)  # fills the cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get("/guides/")
    with CaptureQueriesContext(connection) as second:
        client.get("/guides/")
    assert len(second.captured_queries) < len(first.captured_queries)


def test_a_visitor_gets_the_shared_cached_page_with_their_own_csrf_token(client, make_guide):
    from django.test import Client

    guide = make_guide()
    client.get(guide.url)  # stores the page
    other = Client(enforce_csrf_checks=True)
    html = other.get(guide.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert token != "lectures-csrf-token-placeholder"
    response = other.post("/i18n/setlang/", {"language": "es", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_logged_in_visitor_is_never_served_the_shared_copy(client, make_guide, family_member):
    guide = make_guide()
    client.get(guide.url)  # stores the anonymous copy
    client.force_login(family_member)
    html = client.get(guide.url).content.decode()
    assert "My account" in html


def test_restricting_a_page_purges_the_shared_copy(
    client, make_guide, django_capture_on_commit_callbacks
):
    from wagtail.models import PageViewRestriction

    guide = make_guide()
    assert client.get(guide.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=guide, restriction_type="login")
    assert client.get(guide.url).status_code == 302


def test_a_password_protected_page_is_never_shared_with_visitors_who_lack_the_password(
    client, make_guide
):
    from django.test import Client
    from django.urls import reverse
    from wagtail.models import PageViewRestriction

    guide = make_guide(summary="Only for families who have the password.")
    restriction = PageViewRestriction.objects.create(
        page=guide, restriction_type="password", password="family-night"
    )
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, guide.id])
    client.post(url, {"password": "family-night", "return_url": guide.url})
    assert "Only for families who have the password." in client.get(guide.url).content.decode()

    stranger = Client()
    html = stranger.get(guide.url).content.decode()
    assert "Only for families who have the password." not in html


def test_an_anonymous_visitors_session_messages_are_never_stored_for_others(client, make_guide):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.session import SessionStorage
    from django.test import Client, override_settings

    guide = make_guide()
    with override_settings(
        MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage"
    ):
        session = client.session
        session[SessionStorage.session_key] = SessionStorage.serialize_messages(
            None, [Message(constants.INFO, "A reset link went to alice@example.org")]
        )
        session.save()
        assert "alice@example.org" in client.get(guide.url).content.decode()
        assert "alice@example.org" not in Client().get(guide.url).content.decode()


def test_a_new_day_changes_the_etag_so_the_next_lecture_is_current(
    client, make_series, family_member, monkeypatch
):
    import datetime

    from django.utils import timezone

    series = make_series()
    client.force_login(family_member)
    etag = client.get(series.url)["ETag"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("lectures.page_cache.timezone.localdate", lambda: tomorrow)
    assert client.get(series.url, headers={"if-none-match": etag}).status_code == 200


def test_the_shared_copy_is_kept_per_host(client, make_guide, guide_index, settings):
    from wagtail.models import Page, Site

    from lectures.models import GuideIndexPage

    settings.ALLOWED_HOSTS = ["localhost", "testserver", "other.example"]
    make_guide()
    root = Page.objects.get(depth=1)
    other_home = root.add_child(instance=Page(title="Other home", slug="other-home"))
    other_home.add_child(instance=GuideIndexPage(title="Other site's guides", slug="guides"))
    Site.objects.create(hostname="other.example", root_page=other_home)

    assert "Other site" not in client.get("/guides/").content.decode()
    html = client.get("/guides/", HTTP_HOST="other.example").content.decode()
    assert "Other site&#x27;s guides" in html or "Other site's guides" in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_changing_the_crisis_resources_reaches_cached_pages(
    client, make_guide, family_member, django_capture_on_commit_callbacks, logged_in
):
    from portal.models import CrisisResources

    guide = make_guide()
    if logged_in:
        client.force_login(family_member)
    client.get(guide.url)  # sets the CSRF cookie, which the ETag names
    etag = client.get(guide.url)["ETag"]
    assert client.get(guide.url, headers={"if-none-match": etag}).status_code == 304
    with django_capture_on_commit_callbacks(execute=True):
        setting = CrisisResources.load()
        setting.heading = "Call 988 now if you are in crisis"
        setting.save()
    response = client.get(guide.url, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Call 988 now if you are in crisis" in response.content.decode()


def test_editing_a_speaker_reaches_the_cached_lecture_page(
    client, make_series, make_lecture, speaker, django_capture_on_commit_callbacks
):
    lecture = make_lecture(make_series(), speakers=[speaker])
    assert "LCSW" in client.get(lecture.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        speaker.credentials = "LMFT"
        speaker.save()
    assert "LMFT" in client.get(lecture.url).content.decode()


def test_losing_the_generation_key_never_brings_back_an_older_copy(
    client, make_guide, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from lectures.page_cache import GENERATION_KEY

    guide = make_guide()
    assert "Guide" in client.get("/guides/").content.decode()  # stored
    with django_capture_on_commit_callbacks(execute=True):
        guide.unpublish()
    cache.delete(GENERATION_KEY)  # evicted (a full cache)
    assert guide.title not in client.get("/guides/").content.decode()


def _stored_responses(monkeypatch):
    """The whole-response cache keys set from now on (any cache backend)."""
    from lectures import page_cache

    stored = []
    real_set = page_cache.cache.set

    def recording_set(key, *args, **kwargs):
        stored.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(page_cache.cache, "set", recording_set)
    return stored


@pytest.mark.parametrize("query", ["?audience=nonsense", "?page=50", "?page=0"])
def test_a_query_the_listing_does_not_know_is_never_stored(client, make_guide, query, monkeypatch):
    make_guide()
    stored = _stored_responses(monkeypatch)
    assert client.get("/guides/" + query).status_code == 200
    assert [key for key in stored if key.startswith("lectures:response:")] == []


def test_a_known_audience_and_page_are_stored(client, make_guide, monkeypatch):
    make_guide(audience="parents")
    stored = _stored_responses(monkeypatch)
    assert client.get("/guides/?audience=parents&page=1").status_code == 200
    assert [key for key in stored if key.startswith("lectures:response:")]


@pytest.mark.parametrize("kind", ["image", "document"])
def test_changing_an_image_or_a_document_starts_a_new_content_generation(
    kind, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    from lectures import page_cache

    if kind == "image":
        item = get_image_model().objects.create(title="Photo", file=get_test_image_file())
    else:
        item = get_document_model().objects.create(
            title="Handout", file=ContentFile(b"%PDF-1.4", name="handout.pdf")
        )
    before = page_cache.content_generation()
    item.title = "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        item.save()
    assert page_cache.content_generation() != before
    with django_capture_on_commit_callbacks(execute=True):
        item.delete()
    assert page_cache.content_generation() != before
