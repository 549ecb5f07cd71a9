"""Every URL and every socket frame, for every role: who gets what.

The lists are generated, not written by hand: the URL patterns come from walking the
project's URL resolver, the socket endpoints from ``portal.routing`` and their frames
from each consumer's frame registry (``forums.live.protocol.FrameSet``). Each one must
have an entry in the expectations below, naming what each role gets; a new URL or a new
frame that has none FAILS here (``test_every_url_has_expectations``,
``test_every_socket_frame_has_expectations``), so no action can escape this matrix.

Roles (one account each, built once per class or test):

- ``anonymous``: no account;
- ``family``: a verified family member, invited to the invite-only room and a member of
  it, author of the room messages, Q&A question and event registration used here;
- ``other_family``: a verified family account of another household: not invited to the
  room, author of none of those;
- ``moderator_here``: the Moderators role, a lead of the room and named moderator of the
  Q&A session;
- ``moderator_elsewhere``: the Moderators role, a lead of another room only, named
  moderator of another Q&A session;
- ``coordinator``, ``editor``, ``reviewer``: the staff roles, each given a display name
  and a membership of the room (invited, guidelines accepted) as if it were a member:
  the room must refuse them anyway;
- ``superuser``: an administrator.

Outcomes: an HTTP status (``"200"``, ``"403"``, ``"404"``, ...), ``"login"`` (a redirect
to the login page), ``"mfa"`` (to set up the second sign-in step), ``"refused"`` (a
redirect with an error message) or ``"redirect"`` (any
other redirect); for sockets ``"snapshot"``
(``"hello"`` for the health check) or ``"refused:<close code>"`` at connect, and per
frame the server frame that answers it (``"ack"``, ``"pong"``, ``"messages.page"``, ...)
or ``"error:<code>"``; a role refused at connect sends no frame.

Over HTTP, one test per URL asks as every role in turn, each request in a transaction
rolled back after it, so what one role does (cancel, delete) does not change what the
next one finds; the scene is built once for all of them. On a socket, one test per
endpoint connects as every role in turn and sends every frame; a moderator's action
takes a target of its own (a message to remove, a member to ban), so one role's action
leaves the next role's target as it was.
"""

import os
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from forums.models import Message, QASession, Question, Room
from portal import roles
from portal.models import Profile
from tests.factories import (
    CoordinatorFactory,
    EditorFactory,
    FamilyMemberFactory,
    ModeratorFactory,
    ReviewerFactory,
    SuperuserFactory,
)
from tests.forums.rooms_support import join, make_room
from tests.sockets import open_socket

ROLES = [
    "anonymous",
    "family",
    "other_family",
    "moderator_here",
    "moderator_elsewhere",
    "coordinator",
    "editor",
    "reviewer",
    "superuser",
]
SIGNED_IN = [role for role in ROLES if role != "anonymous"]
OBSERVE = bool(os.environ.get("ROLE_MATRIX_OBSERVE"))  # print what each role got


def by_role(default, **outcomes):
    """An outcome for every role: ``default``, except the roles named."""
    unknown = set(outcomes) - set(ROLES)
    assert not unknown, unknown
    return {role: outcomes.get(role, default) for role in ROLES}


# --- the scene -----------------------------------------------------------------------------
@dataclass
class Scene:
    accounts: dict
    room: Room
    elsewhere: Room
    session: QASession
    other_session: QASession
    question: object
    held: object
    messages: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    event: object = None
    series: object = None
    registration: object = None
    feed: object = None


def build_scene():
    """The accounts of every role, an invite-only room with a conversation (and another
    room), a Q&A session with a question (and another session), an event with the
    family's registration, a series and the family's calendar feed."""
    from events import services as events
    from events.models import CalendarFeed, Event, EventKind, EventSeries, SeriesMode, weekday_mask

    for name in roles.ALL_ROLES:  # (a transactional test's flush removes them)
        Group.objects.get_or_create(name=name)
    room = make_room("familias", access=Room.Access.INVITED)
    elsewhere = make_room("partners")
    family = FamilyMemberFactory(display_name="Hopeful Mom")
    author = FamilyMemberFactory(display_name="Steady Partner")
    accounts = {
        "anonymous": None,
        "family": family,
        "other_family": FamilyMemberFactory(display_name="Other Household"),
        "moderator_here": ModeratorFactory(),
        "moderator_elsewhere": ModeratorFactory(),
        "coordinator": CoordinatorFactory(),
        "editor": EditorFactory(),
        "reviewer": ReviewerFactory(),
        "superuser": SuperuserFactory(),
    }
    room.moderators.add(accounts["moderator_here"])
    elsewhere.moderators.add(accounts["moderator_elsewhere"])
    for role in ("coordinator", "editor", "reviewer"):
        # As a member would be: a display name, invited, the guidelines accepted.
        user = accounts[role]
        Profile.objects.create(user=user, display_name=f"Staff {role} {user.pk}x")
        join(room, user, invited=True)
    members = {"family": join(room, family, invited=True), "author": join(room, author)}
    messages = {}
    for name, writer in (
        ("own", "family"),  # the family's own: edit, delete
        ("own_delete", "family"),
        ("theirs", "author"),  # another member's: flag, pin, hide its author
    ):
        membership = members[writer]
        messages[name] = Message.objects.create(
            room=room, author=membership.account, membership=membership, body=f"Words of {name}"
        )
    # One target per moderator role, so that one role's action leaves the next one's.
    for role in ROLES:
        victim = FamilyMemberFactory(display_name=f"Victim {role}")
        members[f"victim:{role}"] = join(room, victim, invited=True)
        messages[f"remove:{role}"] = Message.objects.create(
            room=room, author=victim, membership=members[f"victim:{role}"], body="Unkind words"
        )
        messages[f"held:{role}"] = Message.objects.create(
            room=room,
            author=victim,
            membership=members[f"victim:{role}"],
            body="Call me on 555-201-3344",
            state=Message.State.HELD,
            hold_kinds=["phone"],
        )
    held = messages["held:superuser"]
    session = QASession.objects.create(
        slug="family-night",
        title="Family night",
        starts_at=timezone.now() - timedelta(minutes=5),
        state=QASession.State.OPEN,
    )
    session.moderators.add(accounts["moderator_here"])
    other_session = QASession.objects.create(
        slug="other-night",
        title="Other night",
        starts_at=timezone.now() - timedelta(minutes=5),
        state=QASession.State.OPEN,
    )
    other_session.moderators.add(accounts["moderator_elsewhere"])
    question = Question.objects.create(
        session=session,
        author=family,
        shown_name="Hopeful Mom",
        text="How do we help?",
        state=Question.State.VISIBLE,
    )
    starts = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    event = Event.objects.create(
        title="Tuesday multi-family group",
        kind=EventKind.THERAPY_GROUP,
        site="Main clinic",
        room="Room 2",
        capacity_people=30,
        max_party_size=4,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
    )
    registration = events.register(event, family, party_size=1)
    first = timezone.localdate() + timedelta(days=1)
    series = EventSeries.objects.create(
        title="Family skills series",
        kind=EventKind.WORKSHOP,
        mode=SeriesMode.DROP_IN,
        first_date=first,
        start_time=timezone.datetime(2000, 1, 1, 18, 0).time(),
        duration_minutes=90,
        weekdays=weekday_mask([first.weekday()]),
        occurrences=2,
        capacity_people=6,
        max_party_size=4,
    )
    events.sync_series(series)
    feed = CalendarFeed.objects.create(user=family)
    return Scene(
        accounts=accounts,
        room=room,
        elsewhere=elsewhere,
        session=session,
        other_session=other_session,
        question=question,
        held=held,
        messages=messages,
        members=members,
        event=event,
        series=series,
        registration=registration,
        feed=feed,
    )


# --- the URLs ------------------------------------------------------------------------------
# Left out of the walk, each for a reason:
EXCLUDED_PREFIXES = {
    # Wagtail admin: its own permission system (Wagtail's access_admin, the groups'
    # permissions, our permission policies), tested in each app's admin tests; below, only
    # that every role without admin access is refused from it.
    "admin/": "Wagtail admin has its own permission system",
    # allauth's own views (log in, sign up, passwords, email confirmation): allauth's.
    "accounts/": "allauth internals",
    # Wagtail's documents: served under each collection's own privacy settings.
    "documents/": "Wagtail document serving, under collection privacy",
    "media/": "uploaded media (development only)",
    "static/": "static files",
    "_util/": "Wagtail's page-privacy password and login forms",
}
EXCLUDED_NAMES = {
    # Wagtail's catch-all page serving (and our cached front for learn pages): public
    # pages, whose privacy is Wagtail's page privacy (tests/lectures).
    "wagtail_serve": "Wagtail's catch-all page serving",
    "lectures_cached_page": "Wagtail page serving through the shared response cache",
}


def walk(resolver, prefix="", namespace=None):
    """``(route, name)`` of every URL pattern under ``resolver``, recursively."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def served_urls():
    """The URL names the matrix must cover: every pattern, minus the exclusions."""
    found = {}
    for route, name in walk(get_resolver()):
        bare = route.lstrip("^")
        if any(bare.startswith(prefix) for prefix in EXCLUDED_PREFIXES):
            continue
        if name in EXCLUDED_NAMES:
            continue
        assert name, f"{route}: an unnamed URL pattern cannot be listed in the matrix"
        found[name] = route
    return found


@dataclass
class Url:
    """One URL: how to call it (``args(scene)``, the method, the POST data) and what each
    role gets."""

    expect: dict
    args: object = None  # scene -> reverse() args
    method: str = "get"
    data: object = None  # scene -> POST data

    def path(self, name, scene):
        return reverse(name, args=self.args(scene) if self.args else [])


def room_slug(scene):
    return [scene.room.slug]


def session_slug(scene):
    return [scene.session.slug]


PUBLIC = by_role("200")
SIGNED_IN_PAGE = by_role("200", anonymous="login")  # any account, its own data
SIGNED_IN_ACTION = by_role("redirect", anonymous="login")  # any account, then back
# The family's own registration: nobody else's, staff and administrators included.
OWN_REGISTRATION = by_role("404", anonymous="login", family="200")
OWN_REGISTRATION_ACTION = by_role("404", anonymous="login", family="redirect")
# The peer room (invite-only): its invited member, its lead, administrators.
ROOM_PAGE = by_role("403", anonymous="login", family="200", moderator_here="200", superuser="200")
# The review queue and the log: the Moderators role (each sees the rooms it leads;
# one who leads this room sees its items) and administrators.
MODERATORS_PAGE = by_role(
    "403",
    anonymous="login",
    moderator_here="200",
    moderator_elsewhere="200",
    superuser="200",
)

URLS = {
    # --- core -------------------------------------------------------------------------------
    "set_language": Url(
        by_role("redirect"), method="post", data=lambda s: {"language": "en", "next": "/"}
    ),
    "sitemap": Url(PUBLIC),
    "robots_txt": Url(PUBLIC),
    "lectures:search": Url(PUBLIC),
    "portal:account": Url(SIGNED_IN_PAGE),
    "portal:edit_profile": Url(SIGNED_IN_PAGE),
    # Email choices are a profile's: an account with none is sent to make one first.
    "portal:edit_email_choices": Url(
        by_role(
            "200",
            anonymous="login",
            moderator_here="redirect",
            moderator_elsewhere="redirect",
            superuser="redirect",
        )
    ),
    # The link's signed token is the permission: whoever holds the family's link.
    "portal:unsubscribe": Url(PUBLIC, args=lambda s: [_unsubscribe_token(s)]),
    "portal:edit_emergency_contact": Url(SIGNED_IN_PAGE),
    "portal:remove_emergency_contact": Url(SIGNED_IN_ACTION, method="post"),
    "portal:download_my_data": Url(SIGNED_IN_PAGE),
    "portal:delete_account": Url(SIGNED_IN_PAGE),
    "portal:account_deleted": Url(PUBLIC),
    # --- events -----------------------------------------------------------------------------
    "events:index": Url(PUBLIC),
    "events:detail": Url(PUBLIC, args=lambda s: [s.event.pk]),
    # Any account signs its own party up (and is sent to its registration).
    "events:register": Url(
        SIGNED_IN_ACTION,
        args=lambda s: [s.event.pk],
        method="post",
        data=lambda s: {"party_size": "1"},
    ),
    "events:series_signup": Url(
        SIGNED_IN_PAGE,
        args=lambda s: [s.series.pk],
        method="post",
        data=lambda s: {"event": str(_first_date(s).pk), "party_size": "1"},
    ),
    "events:mine": Url(SIGNED_IN_PAGE),
    "events:feed_create": Url(SIGNED_IN_ACTION, method="post"),
    "events:feed_revoke": Url(SIGNED_IN_ACTION, method="post"),
    "events:registration": Url(OWN_REGISTRATION, args=lambda s: [s.registration.pk]),
    "events:registration_ics": Url(OWN_REGISTRATION, args=lambda s: [s.registration.pk]),
    "events:cancel": Url(
        OWN_REGISTRATION_ACTION, args=lambda s: [s.registration.pk], method="post"
    ),
    "events:party_size": Url(
        OWN_REGISTRATION_ACTION,
        args=lambda s: [s.registration.pk],
        method="post",
        data=lambda s: {"party_size": "2"},
    ),
    # Signed links (the email's cancel link, the private calendar feed): the token is
    # the permission.
    "events:cancel_by_link": Url(PUBLIC, args=lambda s: [_cancel_token(s)]),
    "events:feed": Url(PUBLIC, args=lambda s: [s.feed.token]),
    # --- live Q&A ---------------------------------------------------------------------------
    "forums:qa-index": Url(PUBLIC),
    "forums:qa-session": Url(PUBLIC, args=session_slug),
    "forums:qa-ask": Url(
        SIGNED_IN_ACTION, args=session_slug, method="post", data=lambda s: {"text": "What helps?"}
    ),
    "forums:qa-vote": Url(
        SIGNED_IN_ACTION,
        args=lambda s: [s.session.slug, s.question.pk],
        method="post",
        data=lambda s: {"up": "1"},
    ),
    # The console: the Moderators role (Q&A moderation stays role-wide, plus the
    # session's named moderators) and administrators.
    "forums:qa-moderate": Url(MODERATORS_PAGE, args=session_slug),
    "forums:qa-present": Url(PUBLIC, args=session_slug),
    # --- peer rooms -------------------------------------------------------------------------
    "forums:rooms": Url(SIGNED_IN_PAGE),  # each account's own list (none for staff)
    "forums:room": Url(ROOM_PAGE, args=room_slug),
    "forums:room_accept": Url(
        by_role(
            "403",
            anonymous="login",
            family="redirect",
            moderator_here="redirect",
            superuser="redirect",
        ),
        args=room_slug,
        method="post",
    ),
    "forums:queue": Url(MODERATORS_PAGE),
    # A held message of the room: its lead and administrators decide; for a moderator of
    # another room it is not in its queue at all.
    "forums:review": Url(
        by_role(
            "403",
            anonymous="login",
            moderator_here="redirect",
            moderator_elsewhere="404",
            superuser="redirect",
        ),
        args=lambda s: [s.held.pk],
        method="post",
        data=lambda s: {"decision": "release"},
    ),
    "forums:moderation_log": Url(MODERATORS_PAGE),
}


def _unsubscribe_token(scene):
    from portal import notifications

    return notifications.unsubscribe_token(scene.accounts["family"], notifications.REMINDERS)


def _first_date(scene):
    from events.models import Event

    return Event.objects.filter(series=scene.series).order_by("starts_at").first()


def _cancel_token(scene):
    from events import notifications

    return notifications.cancel_token(scene.registration)


def outcome(response):
    """What a role got: a status, ``"login"``, ``"mfa"`` (sent to set up the second
    sign-in step), ``"redirect"``, or ``"refused"``: a redirect carrying an error message
    (the review queue answers a refused decision that way, so a bare redirect alone
    would not tell success from refusal)."""
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if "/accounts/login/" in location:
            return "login"
        if "/accounts/2fa/" in location:
            return "mfa"
        flashed = get_messages(response.wsgi_request)
        if any(message.level >= messages.ERROR for message in flashed):
            return "refused"
        return "redirect"
    return str(response.status_code)


@pytest.fixture(scope="class")
def scene(django_db_setup, django_db_blocker):
    """One scene for every URL test of the class, inside a transaction rolled back at
    the end (each test's own transaction is a savepoint within it)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_scene()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_every_url_has_expectations():
    """The walk finds every named pattern; each has an entry, and no entry is stale."""
    served = served_urls()
    missing = sorted(set(served) - set(URLS))
    assert not missing, f"URL patterns with no entry in the role matrix: {missing}"
    stale = sorted(set(URLS) - set(served))
    assert not stale, f"entries in the role matrix for no URL pattern: {stale}"
    for name, entry in URLS.items():
        assert set(entry.expect) == set(ROLES), name


def request_as(scene, role, name, entry):
    client = Client()
    user = scene.accounts[role]
    with transaction.atomic():
        if user is not None:
            client.force_login(user)
        path = entry.path(name, scene)
        data = entry.data(scene) if entry.data else {}
        response = getattr(client, entry.method)(path, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.django_db
class TestUrls:
    @pytest.mark.parametrize("name", sorted(URLS))
    def test_each_role_gets_what_the_matrix_says(self, scene, name):
        entry = URLS[name]
        got = {role: outcome(request_as(scene, role, name, entry)) for role in ROLES}
        if OBSERVE:
            print(f"\n{name}: {got}")
        assert got == entry.expect

    def test_a_refused_decision_is_told_from_a_done_one(self, scene):
        """The queue answers both with a redirect: the matrix's "redirect" for the lead
        means the decision was taken (the message released), a refusal reads "refused"."""
        from forums.models import Message

        entry = URLS["forums:review"]
        with transaction.atomic():
            client = Client()
            client.force_login(scene.accounts["moderator_here"])
            path = entry.path("forums:review", scene)
            assert outcome(client.post(path, {"decision": "release"})) == "redirect"
            assert Message.objects.get(pk=scene.held.pk).state == Message.State.VISIBLE
            # Released already: deciding again is refused, with the reason flashed.
            assert outcome(client.post(path, {"decision": "release"})) == "refused"
            transaction.set_rollback(True)

    def test_staff_without_a_second_step_are_sent_to_set_one_up(self, scene):
        from tests.factories import ModeratorFactory

        with transaction.atomic():
            client = Client()
            client.force_login(ModeratorFactory(mfa=False))
            for name in ("forums:queue", "forums:moderation_log"):
                assert outcome(client.get(reverse(name))) == "mfa", name
            transaction.set_rollback(True)

    def test_the_admin_refuses_every_role_without_admin_access(self, scene):
        """(The admin itself is left out of the walk: it has its own permissions.)"""
        refused = {"anonymous", "family", "other_family"}
        for role in ROLES:
            response = request_as(scene, role, "wagtailadmin_home", Url(PUBLIC))
            if role in refused:
                # To the portal's log-in (the one that asks for the second step).
                assert response.status_code == 302, role
                assert response["Location"].startswith("/accounts/login/"), role
            else:
                assert response.status_code == 200, role


# --- the sockets ---------------------------------------------------------------------------
# Every socket endpoint comes from portal.routing, each one's frames from its consumer's
# registry (``frames``, a FrameSet). Left out, or listed by hand, each for a reason:
SOCKET_FRAMES_BY_HAND = {
    # The operators' health check speaks plain JSON, with no registry: it answers ping
    # with pong (and anything else with an error frame), to anyone.
    "ws/health/": ["ping"],
}
EXCLUDED_SOCKETS = {
    # The catch-all refuses every handshake (checked below for every role).
    "": "the catch-all that refuses any other path",
}


def socket_routes():
    """``{route: frame types}`` of every socket endpoint, from the routing and registries."""
    from portal.routing import websocket_urlpatterns

    found = {}
    for pattern in websocket_urlpatterns:
        route = str(pattern.pattern).lstrip("^")
        if route in EXCLUDED_SOCKETS:
            continue
        consumer = pattern.callback.consumer_class
        frames = getattr(consumer, "frames", None)
        if frames is None:
            assert route in SOCKET_FRAMES_BY_HAND, f"{route}: no frame registry and no list"
            found[route] = set(SOCKET_FRAMES_BY_HAND[route])
        else:
            found[route] = set(frames.types)
    return found


@dataclass
class Socket:
    """One socket endpoint: its path in the scene, what each role gets on connecting,
    and, for each frame type in the table's order, its payload and what each role that
    connected gets back."""

    path: object  # scene -> path
    connect: dict
    frames: dict  # type -> (payload(scene, role) -> dict, {role: outcome})

    def connected_roles(self):
        return [role for role, got in self.connect.items() if got in ("snapshot", "hello")]


def frame(payload, **outcomes):
    return payload, outcomes


def nothing(scene, role):
    return {}


ROOM_PEOPLE = ["family", "moderator_here", "superuser"]  # the room's: its member, its lead
ROOM_MODERATORS = {"moderator_here": "ack", "superuser": "ack"}


def room_moderator_frame(payload, answer="ack"):
    """A moderator's frame in the room: its moderators get ``answer``, the member is
    refused."""
    return frame(payload, family="error:forbidden", moderator_here=answer, superuser=answer)


def in_room(**outcomes):
    return by_role("refused:4403", anonymous="refused:4401", **outcomes)


QA_ANYONE = {role: "ack" for role in SIGNED_IN} | {"anonymous": "error:login_required"}
QA_MODERATE = by_role(
    "error:forbidden",
    anonymous="error:login_required",
    moderator_here="ack",
    # Q&A sessions are moderated by the whole Moderators role and the session's named
    # moderators (forums.qa.services.access.can_moderate), unlike rooms.
    moderator_elsewhere="ack",
    superuser="ack",
)


def qa_frame(payload, outcomes=QA_MODERATE):
    return payload, dict(outcomes)


def own_question(action):
    return lambda scene, role: {"question_id": scene.questions[f"{action}:{role}"].pk}


SOCKETS = {
    "ws/rooms/<slug:slug>/": Socket(
        path=lambda s: f"/ws/rooms/{s.room.slug}/",
        connect=in_room(family="snapshot", moderator_here="snapshot", superuser="snapshot"),
        frames={
            "ping": frame(nothing, family="pong", moderator_here="pong", superuser="pong"),
            "message.send": frame(
                lambda s, r: {"body": "Good to see you all"},
                family="ack",
                moderator_here="ack",
                superuser="ack",
            ),
            # The family's own message; nobody else's to change.
            "message.edit": frame(
                lambda s, r: {"message_id": s.messages["own"].pk, "body": "Edited words"},
                family="ack",
                moderator_here="error:not_found",
                superuser="error:not_found",
            ),
            "message.delete": frame(
                lambda s, r: {"message_id": s.messages["own_delete"].pk},
                family="ack",
                moderator_here="error:not_found",
                superuser="error:not_found",
            ),
            "message.flag": frame(
                lambda s, r: {"message_id": s.messages["theirs"].pk, "reason": "spam"},
                family="ack",
                moderator_here="ack",
                superuser="ack",
            ),
            "messages.before": frame(
                lambda s, r: {"before_id": 2**40},
                family="messages.page",
                moderator_here="messages.page",
                superuser="messages.page",
            ),
            "guidelines.accept": frame(
                nothing, family="ack", moderator_here="ack", superuser="ack"
            ),
            "member.hide": frame(
                lambda s, r: {"member_id": s.members["author"].pk},
                family="ack",
                moderator_here="ack",
                superuser="ack",
            ),
            "message.remove": room_moderator_frame(
                lambda s, r: {"message_id": s.messages[f"remove:{r}"].pk, "reason": "Unkind"}
            ),
            "message.release": room_moderator_frame(
                lambda s, r: {"message_id": s.messages[f"held:{r}"].pk}
            ),
            "member.mute": room_moderator_frame(
                lambda s, r: {"member_id": s.members[f"victim:{r}"].pk, "minutes": 5}
            ),
            "member.identify": room_moderator_frame(
                lambda s, r: {"member_id": s.members["author"].pk}, answer="member.identity"
            ),
            "room.slow_mode": room_moderator_frame(lambda s, r: {"seconds": 0}),
            "room.close": room_moderator_frame(nothing),
            "room.open": room_moderator_frame(nothing),  # (after close: open for the next)
            "message.pin": room_moderator_frame(
                lambda s, r: {"message_id": s.messages["theirs"].pk, "pinned": True}
            ),
            "member.ban": room_moderator_frame(
                lambda s, r: {"member_id": s.members[f"victim:{r}"].pk, "reason": "Abuse"}
            ),
        },
    ),
    "ws/moderation/": Socket(
        path=lambda s: "/ws/moderation/",
        # The Moderators role and superusers; a moderator of another room connects, and
        # hears of its own rooms only (tests/forums/test_rooms_access_matrix.py).
        connect=in_room(
            moderator_here="snapshot", moderator_elsewhere="snapshot", superuser="snapshot"
        ),
        frames={
            "ping": frame(
                nothing, moderator_here="pong", moderator_elsewhere="pong", superuser="pong"
            ),
        },
    ),
    "ws/qa/<slug:slug>/": Socket(
        path=lambda s: f"/ws/qa/{s.session.slug}/",
        connect=by_role("snapshot"),  # anyone may watch a session
        frames={
            "ping": qa_frame(nothing, by_role("pong")),
            "question.ask": qa_frame(lambda s, r: {"text": "What helps at home?"}, QA_ANYONE),
            # A published question: any account upvotes it.
            "question.vote": qa_frame(
                lambda s, r: {"question_id": s.question.pk, "up": True}, QA_ANYONE
            ),
            "question.approve": qa_frame(own_question("approve")),
            "question.reject": qa_frame(own_question("reject")),
            "question.edit": qa_frame(
                lambda s, r: own_question("edit")(s, r) | {"text": "How do we help?"}
            ),
            "question.pin": qa_frame(own_question("pin")),
            "question.answer": qa_frame(
                lambda s, r: own_question("answer")(s, r) | {"answer": "Together."}
            ),
            "question.hide": qa_frame(own_question("hide")),
            "session.close": qa_frame(nothing),
            "session.open": qa_frame(nothing),
        },
    ),
    "ws/health/": Socket(
        path=lambda s: "/ws/health/",
        connect=by_role("hello"),
        frames={"ping": frame(nothing, **{role: "pong" for role in ROLES})},
    ),
}


def test_every_socket_frame_has_expectations():
    """Every endpoint and every frame of its registry has an entry; every role has an
    outcome at connect, and every role that connects one for every frame."""
    routes = socket_routes()
    assert set(routes) == set(SOCKETS), "socket endpoints and the role matrix differ"
    for route, types in routes.items():
        socket = SOCKETS[route]
        assert set(socket.frames) == types, f"{route}: frames and the role matrix differ"
        assert set(socket.connect) == set(ROLES), route
        for frame_type, (_payload, outcomes) in socket.frames.items():
            assert set(outcomes) == set(socket.connected_roles()), (route, frame_type)


async def _first(communicator):
    """The next output: a frame (dict), ``("closed", code)`` or ``("timeout", None)``."""
    import json

    try:
        message = await communicator.receive_output(timeout=20)
    except TimeoutError:
        return ("timeout", None)
    if message["type"] == "websocket.close":
        return ("closed", message.get("code"))
    return json.loads(message["text"])


async def _answer(communicator, frame_type, ref):
    """What answers the frame sent with ``ref``: its server frame's type, or
    ``error:<code>``, or ``closed:<code>``."""
    while True:
        got = await _first(communicator)
        if isinstance(got, tuple):
            return f"{got[0]}:{got[1]}"
        if frame_type == "ping" and got.get("type") == "pong":
            return "pong"
        if got.get("client_ref") == ref:
            return f"error:{got['code']}" if got["type"] == "error" else got["type"]


async def _connect(path, user):
    communicator = await open_socket(path, user, expect_connected=False)
    if not communicator.accepted:
        return communicator, f"refused:{communicator.close_code}"
    first = await _first(communicator)
    if isinstance(first, tuple):
        return communicator, f"refused:{first[1]}"
    if first.get("type") == "error":
        closed = await _first(communicator)
        return communicator, f"refused:{closed[1] if isinstance(closed, tuple) else '?'}"
    return communicator, first["type"]


def build_socket_scene():
    from portal import warmup

    warmup.run()  # the screening model, trained here rather than inside a frame's wait
    scene = build_scene()
    from forums.models import Question as QAQuestion

    scene.questions = {}
    for action in ("approve", "reject", "edit", "pin", "answer", "hide"):
        for role in ROLES:
            state = QAQuestion.State.PENDING
            if action in ("pin", "answer", "hide"):
                state = QAQuestion.State.VISIBLE
            scene.questions[f"{action}:{role}"] = QAQuestion.objects.create(
                session=scene.session,
                author=scene.accounts["other_family"],
                shown_name="Other Household",
                text=f"Question to {action} ({role})",
                state=state,
            )
    return scene


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("route", sorted(SOCKETS))
async def test_each_role_gets_what_the_matrix_says_on_the_socket(route):
    socket = SOCKETS[route]
    scene = await database_sync_to_async(build_socket_scene)()
    path = socket.path(scene)
    got_connect, got_frames = {}, {frame_type: {} for frame_type in socket.frames}
    for role in ROLES:
        communicator, got_connect[role] = await _connect(path, scene.accounts[role])
        if got_connect[role] in ("snapshot", "hello"):
            for number, (frame_type, (payload, _outcomes)) in enumerate(socket.frames.items()):
                ref = f"{role}-{number}"
                sent = {"type": frame_type, "client_ref": ref} | payload(scene, role)
                await communicator.send_json_to(sent)
                got_frames[frame_type][role] = await _answer(communicator, frame_type, ref)
        await communicator.disconnect()
    if OBSERVE:
        print(f"\n{route} connect: {got_connect}")
        for frame_type, got in got_frames.items():
            print(f"{route} {frame_type}: {got}")
    assert got_connect == socket.connect
    assert got_frames == {
        frame_type: outcomes for frame_type, (_payload, outcomes) in socket.frames.items()
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_the_catch_all_socket_refuses_every_role():
    scene = await database_sync_to_async(build_scene)()
    for role in ROLES:
        communicator, got = await _connect("/ws/nobody-serves-this/", scene.accounts[role])
        assert got == "refused:4404", role
