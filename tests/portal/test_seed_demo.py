"""seed_demo: one account per role, idempotent, development only."""

import logging
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from portal import demo, roles
from portal.models import Profile, User

pytestmark = pytest.mark.django_db


def seed(**kwargs):
    out = StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def test_seed_demo_creates_a_verified_account_for_every_role(settings):
    settings.DEBUG = True
    seed()

    for role in roles.ALL_ROLES:
        assert User.objects.filter(groups__name=role).exists(), role
    assert User.objects.filter(groups__name=roles.FAMILY_MEMBERS).count() == 2
    assert User.objects.get(email="admin@example.org").is_superuser
    for account in demo.DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(demo.DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
        assert user.profile.display_name == account.display_name


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    seed()
    counts = (User.objects.count(), Profile.objects.count(), EmailAddress.objects.count())
    seed()
    assert (User.objects.count(), Profile.objects.count(), EmailAddress.objects.count()) == counts


def test_seed_demo_prints_logins_in_development(settings):
    settings.DEBUG = True
    output = seed()
    assert "family1@example.org" in output
    assert demo.DEMO_PASSWORD in output


def test_seed_demo_refuses_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        seed()
    assert not User.objects.filter(email="admin@example.org").exists()


def test_seed_demo_with_force_in_production_does_not_print_the_password(settings):
    settings.DEBUG = False
    output = seed(force=True)
    assert demo.DEMO_PASSWORD not in output
    assert User.objects.filter(email="family1@example.org").exists()


def test_app_seeders_run_in_order(settings):
    settings.DEBUG = True
    calls = []
    demo.register("zz-test", lambda log: calls.append("late"), order=500)
    demo.register("aa-test", lambda log: calls.append("early"), order=1)
    try:
        seed()
    finally:
        demo._seeders.pop("zz-test")
        demo._seeders.pop("aa-test")
    assert calls == ["early", "late"]


def test_the_demo_site_answers_at_the_public_base_url_and_keeps_an_address_set_in_admin(
    settings,
):
    from wagtail.models import Site

    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8042"
    demo.seed_site_address(lambda line: None)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8042)
    assert site.root_page.full_url == "http://127.0.0.1:8042/"

    site.hostname, site.port = "families.example.org", 443
    site.save()
    demo.seed_site_address(lambda line: None)
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("families.example.org", 443)


def test_seeding_again_writes_no_revision_and_logs_no_publish(settings, caplog):
    from wagtail.models import PageLogEntry, Revision

    settings.DEBUG = True
    seed()
    counts = (Revision.objects.count(), PageLogEntry.objects.count())
    with caplog.at_level(logging.INFO, logger="wagtail"):
        seed(verbosity=2)
    assert (Revision.objects.count(), PageLogEntry.objects.count()) == counts
    assert [record.getMessage() for record in caplog.records if record.name == "wagtail"] == []


def test_an_editors_changes_to_a_demo_page_survive_seeding_again(settings):
    from lectures.demo_content import GUIDES
    from lectures.models import GuidePage

    settings.DEBUG = True
    seed()
    guide = GuidePage.objects.get(slug=GUIDES[0]["slug"])
    live_title = guide.title
    draft = guide.get_latest_revision_as_object()
    draft.title = "Edited by the team"
    draft.summary = "A summary the team rewrote."
    draft.save_revision(user=User.objects.get(email="editor@example.org"))
    seed()
    guide.refresh_from_db()
    assert guide.title == live_title  # the live page is untouched...
    assert guide.has_unpublished_changes  # ...and the team's draft is still the latest
    assert guide.get_latest_revision_as_object().summary == "A summary the team rewrote."


def test_seeding_again_restores_only_a_missing_demo_page(settings):
    from lectures.demo_content import SERIES
    from lectures.models import LecturePage

    settings.DEBUG = True
    seed()
    slug = SERIES[0]["lectures"][0]["slug"]
    LecturePage.objects.get(slug=slug).delete()
    seed()
    lecture = LecturePage.objects.get(slug=slug)
    assert lecture.live
    assert lecture.reviewed_revision_id == lecture.live_revision_id


def test_demo_pages_are_written_by_the_editor_and_published_by_the_reviewer(settings):
    from wagtail.models import PageLogEntry

    from lectures.models import GuidePage, LecturePage

    settings.DEBUG = True
    seed()
    pages = [*GuidePage.objects.live(), *LecturePage.objects.live()]
    assert pages
    for page in pages:
        assert page.live_revision.user.email == "editor@example.org"
        published = PageLogEntry.objects.get(page=page, action="wagtail.publish")
        assert published.user.email == "reviewer@example.org"
        assert page.reviewed_revision_id == page.live_revision_id
