"""Staff pages outside /admin/ load no Wagtail admin asset; Wagtail's pages keep the
userbar for the people who edit them (issue #20).

The moderation queue and the Q&A console are worked on phones during a live session:
the userbar's vendor.js, userbar.js and core.css cost them first paint for a bar that
has nothing to edit there.
"""

import re

import pytest
from django.urls import reverse

from tests.factories import (
    CoordinatorFactory,
    EditorFactory,
    ModeratorFactory,
    ReviewerFactory,
    SuperuserFactory,
)
from tests.forums.qa_support import make_member, make_question, make_session
from tests.forums.rooms_support import make_room

pytestmark = pytest.mark.django_db

ADMIN_ASSET = re.compile(r"wagtailadmin|userbar", re.IGNORECASE)


def admin_assets(html):
    """The lines of ``html`` that name a Wagtail admin asset or the userbar."""
    return [line.strip() for line in html.splitlines() if ADMIN_ASSET.search(line)]


@pytest.fixture
def staff_world():
    session = make_session()
    family = make_member("Hopeful Aunt")
    make_question(session, family, "Pinned now", state="visible", pinned=True)
    make_question(session, family, "Waiting for approval")
    room = make_room()
    return {"session": session, "room": room, "family": family}


def staff_pages(world):
    """(role factory, path) for every staff screen outside /admin/, as its role sees it."""
    slug = world["session"].slug
    return [
        (ModeratorFactory, reverse("forums:queue")),
        (ModeratorFactory, reverse("forums:moderation_log")),
        (ModeratorFactory, reverse("forums:qa-moderate", args=[slug])),
        (ModeratorFactory, reverse("forums:qa-present", args=[slug])),
        (ModeratorFactory, reverse("forums:qa-session", args=[slug])),
        (ModeratorFactory, reverse("forums:qa-index")),
        (ModeratorFactory, reverse("forums:rooms")),
        (ModeratorFactory, reverse("forums:room", args=[world["room"].slug])),
        (SuperuserFactory, reverse("forums:queue")),
        (SuperuserFactory, reverse("forums:qa-moderate", args=[slug])),
        (SuperuserFactory, reverse("forums:qa-present", args=[slug])),
        (CoordinatorFactory, reverse("events:index")),
        (EditorFactory, reverse("forums:qa-index")),
        (ReviewerFactory, reverse("events:index")),
    ]


def test_no_staff_page_outside_the_admin_loads_a_wagtail_admin_asset(client, staff_world):
    failures = {}
    for factory, path in staff_pages(staff_world):
        user = factory()
        # A moderator moderates the rooms it leads (and the room page is one of them).
        if factory is ModeratorFactory:
            staff_world["room"].moderators.add(user)
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200, (factory.__name__, path, response.status_code)
        found = admin_assets(response.content.decode())
        if found:
            failures[f"{factory.__name__} {path}"] = found
        client.logout()
    assert failures == {}


def test_the_staff_pages_really_are_staff_pages(client, staff_world):
    # The pages above are the moderators' own: a family member is refused the console
    # and the queue, so the check is not made on a page anybody sees.
    client.force_login(staff_world["family"])
    for path in (
        reverse("forums:queue"),
        reverse("forums:qa-moderate", args=[staff_world["session"].slug]),
    ):
        assert client.get(path).status_code == 403


@pytest.mark.parametrize("factory", [EditorFactory, ReviewerFactory, SuperuserFactory])
def test_a_wagtail_page_keeps_the_userbar_for_the_people_who_edit_it(client, factory):
    client.force_login(factory())
    html = client.get("/").content.decode()
    assert 'id="wagtail-userbar"' in html or "wagtail-userbar" in html
    assert "wagtailadmin/js/userbar" in html


def test_a_family_member_never_sees_the_userbar(client, family_member):
    client.force_login(family_member)
    assert admin_assets(client.get("/").content.decode()) == []
