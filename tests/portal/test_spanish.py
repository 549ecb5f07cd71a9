"""The portal in Spanish: the catalogue is complete and compiled, a family that chose
Spanish gets Spanish pages, scripts and emails, and the Spanish wording keeps the same
privacy rule as the English (42 CFR Part 2: nothing clinical in emails or calendars)."""

import ast
import gettext
import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"

# Spanish words that name a diagnosis, substance use or treatment.
CLINICAL_TERMS_ES = [
    "sustancia",
    "adicci",
    "alcohol",
    "droga",
    "opioide",
    "opiáceo",
    "desintox",
    "rehabilita",
    "terapia",
    "tratamiento",
    "diagn",
    "psiqui",
    "salud mental",
    "recuperación",
    "sobriedad",
    "recaída",
    "sobredosis",
]


def _po_entries(path):
    """(msgctxt, msgid, [msgstr, ...]) for every entry of a .po file but the header."""
    entries, current, field = [], {}, None

    def flush():
        if "msgid" in current:
            forms = [current[k] for k in sorted(current) if k.startswith("msgstr")]
            entries.append((current.get("msgctxt"), current["msgid"], forms))
        current.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
            continue
        if line.startswith('"'):
            current[field] += ast.literal_eval(line)
            continue
        keyword, _space, value = line.partition(" ")
        if keyword == "msgid" and "msgid" in current:
            flush()
        field = keyword
        current[field] = ast.literal_eval(value)
    flush()
    return [entry for entry in entries if entry[1]]


def test_every_string_has_a_spanish_translation_and_the_compiled_catalogue_matches():
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) > 900
    untranslated = [msgid for _ctx, msgid, forms in entries if not all(forms)]
    assert untranslated == []
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = []
    for context, msgid, forms in entries:
        if len(forms) > 1:
            continue  # plural entries: checked through ngettext below
        found = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        if found != forms[0]:
            stale.append(msgid)
    assert stale == [], "django.mo is older than django.po: run compilemessages"


def test_spanish_keeps_every_placeholder():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    broken = [
        msgid
        for _ctx, msgid, forms in _po_entries(CATALOGUE / "django.po")
        for form in forms
        if sorted(placeholder.findall(form)) != sorted(placeholder.findall(msgid))
        and len(forms) == 1
    ]
    assert broken == []


def test_a_family_that_chose_spanish_gets_spanish_pages(client, make_family_member):
    family = make_family_member(preferred_language="es")
    client.force_login(family)
    page = client.get(reverse("events:index")).content.decode()
    with translation.override("es"):
        heading = translation.gettext("Groups & events")
    assert heading != "Groups & events"
    assert f"<h1>{heading.replace('&', '&amp;')}</h1>" in page
    assert '<html lang="es"' in page


def test_the_live_qa_script_gets_its_words_in_spanish(client, make_family_member):
    from forums.models import QASession

    session = QASession.objects.create(
        title="Family night",
        slug="family-night",
        state=QASession.State.OPEN,
        starts_at=timezone.now(),
    )
    family = make_family_member(preferred_language="es")
    client.force_login(family)
    page = client.get(reverse("forums:qa-session", args=[session.slug])).content.decode()
    data = re.search(r'<script id="qa-strings" type="application/json">(.*?)</script>', page, re.S)
    words = json.loads(data.group(1))
    with translation.override("es"):
        assert words["upvote"] == translation.gettext("Upvote") != "Upvote"
        assert words["voteMany"] == translation.gettext("%(count)s votes") != "%(count)s votes"


def test_event_emails_to_a_spanish_family_are_spanish_and_say_nothing_clinical(
    make_family_member, django_capture_on_commit_callbacks
):
    from events import services
    from events.models import Event, EventKind

    start = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    event = Event.objects.create(
        title="Substance use and addiction recovery therapy group (IOP)",
        description="Treatment for alcohol and opioid relapse.",
        kind=EventKind.THERAPY_GROUP,
        site="North building",
        room="Room 4",
        capacity_people=1,
        starts_at=start,
        ends_at=start + timedelta(minutes=90),
    )
    first = make_family_member(preferred_language="es")
    second = make_family_member(preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.register(event, first, party_size=1)
        services.register(event, second, party_size=1)  # waitlisted
        services.cancel_registration(confirmed)  # the second is promoted
        services.cancel_event(event, notice="Nos vemos la próxima semana.")
    assert len(mail.outbox) >= 4
    english = "Can't come? Cancel with one click, so a waiting family gets the seat:"
    with translation.override("es"):
        cancel_line = translation.gettext(english)
    assert cancel_line != english
    for message in mail.outbox:
        text = (message.subject + "\n" + message.body).lower()
        assert [term for term in CLINICAL_TERMS_ES if term in text] == [], message.subject
        assert "substance" not in text and "therapy" not in text
    assert any(cancel_line in message.body for message in mail.outbox)
    assert not any(english in message.body for message in mail.outbox)


@pytest.mark.django_db
def test_a_closed_room_says_when_it_opens_in_the_readers_language():
    from forums.models import Room, RoomOpenHours
    from forums.rooms import services as rooms

    room = Room.objects.create(name="Familias", slug="familias")
    RoomOpenHours.objects.create(room=room, weekday=0, starts_at=time(19, 0), ends_at=time(21))
    sunday_noon = timezone.make_aware(datetime(2026, 11, 29, 12, 0))
    with translation.override("es"):
        text = rooms.closed_explanation(room, now=sunday_noon)
    assert "lunes 30 de noviembre" in text
    assert "Monday" not in text and "November" not in text


@pytest.mark.parametrize(
    ("cookies", "accept", "expected"),
    [
        ({}, b"", "en"),
        ({}, b"es-MX,es;q=0.9,en;q=0.5", "es"),
        ({}, b"fr-FR,fr;q=0.9", "en"),
        ({"django_language": "en"}, b"es-MX,es;q=0.9", "en"),
        ({"django_language": "es"}, b"en-US", "es"),
        ({"django_language": "xx"}, b"es", "es"),
    ],
)
def test_a_socket_without_a_profile_takes_the_sites_cookie_then_the_browsers_language(
    cookies, accept, expected
):
    from django.contrib.auth.models import AnonymousUser

    from portal.middleware import scope_language

    scope = {
        "cookies": cookies,
        "user": AnonymousUser(),
        "headers": [(b"accept-language", accept)],
    }
    assert scope_language(scope) == expected
